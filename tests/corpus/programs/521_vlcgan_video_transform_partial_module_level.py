# source: https://github.com/adymaharana/VLCStoryGan/issues/9
# models: video_transform moved to module level and bound to the configured image size with functools.partial in the guard
# expect: clean (a partial of a module-level function pickles its function by name and the int it binds)
import argparse
import functools

from torch.utils.data import DataLoader, Dataset


class StoryDataset(Dataset):
    def __init__(self, stories, transform, video_len=2):
        self.stories = stories
        self.transform = transform
        self.video_len = video_len

    def __getitem__(self, item):
        return self.transform(self.stories[item][: self.video_len])

    def __len__(self):
        return len(self.stories)


def video_transform(video, img_size):
    return [[px % img_size for px in im] for im in video]


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--img_size", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    cfg = parser.parse_args()

    stories = [[[i, i + 1], [i + 2, i + 3], [i + 4, i + 5]] for i in range(4)]
    storydataset = StoryDataset(stories, functools.partial(video_transform, img_size=cfg.img_size))
    storyloader = DataLoader(storydataset, batch_size=2, drop_last=True, shuffle=False, num_workers=cfg.workers)
    for i, batch in enumerate(storyloader):
        print(i, batch)
