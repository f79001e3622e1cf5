# source: https://github.com/adymaharana/VLCStoryGan/issues/9
# models: train_vlcgan.py defines video_transform (and the image transform) inside if __name__ == '__main__': after parsing its config, gives them to the story dataset and trains with a DataLoader with workers
# expect: fails-spawn: the workers unpickle the dataset and look video_transform up on the re-imported script: AttributeError: Can't get attribute 'video_transform' on <module '__mp_main__'>
import argparse

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


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--img_size", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    cfg = parser.parse_args()

    def video_transform(video, image_transform=None):
        vid = []
        for im in video:
            vid.append([px % cfg.img_size for px in im])
        return vid

    stories = [[[i, i + 1], [i + 2, i + 3], [i + 4, i + 5]] for i in range(4)]
    storydataset = StoryDataset(stories, video_transform)
    storyloader = DataLoader(storydataset, batch_size=2, drop_last=True, shuffle=False, num_workers=cfg.workers)
    for i, batch in enumerate(storyloader):
        print(i, batch)
