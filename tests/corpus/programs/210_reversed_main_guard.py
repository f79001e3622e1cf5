# source: https://github.com/huggingface/lerobot/pull/236
# models: the entry point guarded Yoda-style, `if "__main__" == __name__:`, with the dataset conversion pool inside
# expect: clean (the comparison is the same guard written the other way round)
import multiprocessing


def encode_episode(episode):
    return episode, episode * 30


if "__main__" == __name__:
    with multiprocessing.Pool(2) as pool:
        print(pool.map(encode_episode, range(3)))
