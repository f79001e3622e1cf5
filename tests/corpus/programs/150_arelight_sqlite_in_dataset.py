# source: https://github.com/nicolay-r/ARElight/issues/147
# models: an inference pipeline's dataset reads samples from an open sqlite3 connection and the third-party loader uses num_workers=8 (macOS: "cannot pickle 'sqlite3.Connection' object", raised by DataLoader)
# expect: fails-spawn: the dataset is pickled for the workers with its sqlite3.Connection -> TypeError: cannot pickle 'sqlite3.Connection' object
import sqlite3

from torch.utils.data import DataLoader, Dataset


class SqliteSamples(Dataset):
    def __init__(self):
        self.conn = sqlite3.connect(":memory:")
        self.conn.execute("CREATE TABLE s (id INTEGER, text TEXT)")
        self.conn.executemany("INSERT INTO s VALUES (?, ?)", [(i, f"sentence {i}") for i in range(6)])

    def __len__(self):
        return 6

    def __getitem__(self, i):
        return self.conn.execute("SELECT text FROM s WHERE id = ?", (i,)).fetchone()[0]


if __name__ == "__main__":
    loader = DataLoader(SqliteSamples(), batch_size=3, num_workers=2, collate_fn=list)
    print([batch for batch in loader])
