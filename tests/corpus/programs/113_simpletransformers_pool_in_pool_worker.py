# source: https://github.com/ThilinaRajapakse/simpletransformers/issues/1247
# models: a task runs inside a multiprocessing.Pool worker (as in the Airflow setup of the report) and the library it calls converts examples to features with its own Pool
# expect: fails-spawn: pool workers are daemonic, so the inner Pool cannot start -> AssertionError: daemonic processes are not allowed to have children (every start method)
from multiprocessing import Pool


def convert_example(example):
    return example.lower().split()


def convert_examples_to_features(examples, process_count=2):
    with Pool(process_count) as p:
        return p.map(convert_example, examples)


def train_task(shard):
    return shard, len(convert_examples_to_features([f"Sentence {shard} A", f"Sentence {shard} B"]))


if __name__ == "__main__":
    with Pool(2) as outer:
        print(outer.map(train_task, range(3)))
