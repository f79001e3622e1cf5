# source: https://github.com/huggingface/diffusers/issues/1466
# models: train_dreambooth.py defines collate_fn(examples) inside main(args) and builds the train DataLoader with it and num_workers=1; fails on macOS and Windows
# expect: fails-spawn: collate_fn is a local function of main() -> AttributeError: Can't pickle local object 'main.<locals>.collate_fn'
import argparse

import torch
from torch.utils.data import DataLoader, Dataset


class DreamBoothDataset(Dataset):
    def __init__(self, prompts):
        self.prompts = prompts

    def __len__(self):
        return len(self.prompts)

    def __getitem__(self, index):
        return {"instance_prompt_ids": [ord(c) % 50 for c in self.prompts[index][:4]]}


def main(args):
    train_dataset = DreamBoothDataset(["a photo of sks dog", "sks dog on a beach", "sks dog, oil painting"])

    def collate_fn(examples):
        input_ids = [example["instance_prompt_ids"] for example in examples]
        return {"input_ids": torch.tensor(input_ids)}

    train_dataloader = DataLoader(train_dataset, batch_size=args.train_batch_size, shuffle=True,
                                  collate_fn=collate_fn, num_workers=1)
    for step, batch in enumerate(train_dataloader):
        print(step, len(batch["input_ids"]))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--train_batch_size", type=int, default=2)
    main(parser.parse_args())
