# source: https://github.com/pytorch/pytorch/issues/87016
# models: a chatbot training script does all its work under the main guard, including the definition of its ChatDataset class, and iterates a DataLoader with num_workers=2
# expect: fails-spawn: the dataset is pickled to each worker by name but spawned workers re-import the script as __mp_main__ without running the guard (AttributeError: Can't get attribute 'ChatDataset' on <module '__mp_main__'>), and the loader reports the dead workers
import json

import torch
from torch.utils.data import DataLoader, Dataset

INTENTS = json.loads('{"intents": [{"tag": "greet", "patterns": ["hi", "hello"]}, {"tag": "bye", "patterns": ["bye", "see you"]}]}')

if __name__ == '__main__':
    all_words = []
    tags = []
    xy = []
    for intent in INTENTS['intents']:
        tags.append(intent['tag'])
        for pattern in intent['patterns']:
            words = pattern.split()
            all_words.extend(words)
            xy.append((words, intent['tag']))
    all_words = sorted(set(all_words))

    x_train = [[1.0 if w in words else 0.0 for w in all_words] for words, _ in xy]
    y_train = [tags.index(tag) for _, tag in xy]

    class ChatDataset(Dataset):
        def __init__(self):
            self.n_samples = len(x_train)
            self.x_data = x_train
            self.y_data = y_train

        def __getitem__(self, index):
            return self.x_data[index], self.y_data[index]

        def __len__(self):
            return self.n_samples

    dataset = ChatDataset()
    train_loader = DataLoader(dataset=dataset, batch_size=2, shuffle=False, num_workers=2)
    for words, labels in train_loader:
        print(len(words), labels)
