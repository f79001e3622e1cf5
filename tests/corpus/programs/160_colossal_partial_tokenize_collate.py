# source: https://github.com/hpcaitech/ColossalAI/issues/4760
# models: the llama2 pretraining script builds its collate_fn as functools.partial(tokenize_batch_for_pretrain, tokenizer=tokenizer, max_length=...) and sets num_workers=1 for the dataloader
# expect: clean (a partial of a module-level function with a picklable tokenizer object pickles)
import functools

import torch
from torch.utils.data import DataLoader, Dataset


class WhitespaceTokenizer:
    def __init__(self, vocab):
        self.vocab = vocab

    def __call__(self, text):
        return [self.vocab.get(w, 0) for w in text.split()]


def tokenize_batch_for_pretrain(batch, tokenizer=None, max_length=4):
    ids = [tokenizer(text)[:max_length] for text in batch]
    return torch.tensor([row + [0] * (max_length - len(row)) for row in ids])


class TextDataset(Dataset):
    def __init__(self, texts):
        self.texts = texts

    def __len__(self):
        return len(self.texts)

    def __getitem__(self, i):
        return self.texts[i]


if __name__ == "__main__":
    tokenizer = WhitespaceTokenizer({"the": 1, "cat": 2, "sat": 3, "on": 4, "mat": 5})
    dataloader = DataLoader(TextDataset(["the cat sat", "on the mat", "the mat"]), batch_size=2, num_workers=1,
                            collate_fn=functools.partial(tokenize_batch_for_pretrain, tokenizer=tokenizer, max_length=4))
    print([b.tolist() for b in dataloader])
