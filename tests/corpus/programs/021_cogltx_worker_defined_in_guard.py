# source: https://github.com/Sleepychord/CogLTX/issues/2
# models: a run script defines its per-sample transform function inside the `if __name__ == "__main__":` block and hands it to pool workers
# expect: fails-spawn: the function exists only in the parent's __main__; the spawned workers re-import the script as __mp_main__, where the guarded block did not run -> AttributeError: Can't get attribute 'conditional_trans_classification'
import multiprocessing

if __name__ == "__main__":
    def conditional_trans_classification(sample):
        text, label = sample
        return label, len(text.split())

    samples = [("the cat sat", 0), ("a long document about sport", 1), ("news", 2)]
    with multiprocessing.Pool(2) as pool:
        print(pool.map(conditional_trans_classification, samples))
