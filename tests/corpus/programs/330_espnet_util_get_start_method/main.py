# source: https://github.com/espnet/espnet/issues/1266
# models: the training script imports the toolkit's utilities, one of which logs the multiprocessing start method when imported; the script's guard then calls mp.set_start_method('spawn')
# expect: fails-spawn: get_start_method() without allow_none=True fixed the default context during the import, so set_start_method raises "RuntimeError: context has already been set" (every start method)
import multiprocessing as mp

from espnet_lite.utils import load_vocab


def train_shard(shard):
    return f"shard {shard}: {len(load_vocab())} words"


if __name__ == "__main__":
    mp.set_start_method("spawn")
    with mp.Pool(2) as pool:
        print(pool.map(train_shard, [0, 1]))
