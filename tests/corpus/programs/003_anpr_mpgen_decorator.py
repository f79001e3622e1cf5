# source: https://github.com/matthewearl/deep-anpr/issues/90
# models: a training script decorates its batch generator with @mpgen, a decorator that runs the generator in a multiprocessing.Process feeding a Queue; the script iterates the decorated generator at module level (written on Linux, run on Windows)
# expect: fails-spawn: the Process target is main(), a function nested in the decorator, so spawn cannot pickle it (AttributeError: Can't pickle local object 'mpgen.<locals>.main'; on Windows the child sees EOFError: Ran out of input); the loop at the top level would also re-run in the child
import functools
import multiprocessing


def mpgen(f):
    def main(q, args, kwargs):
        try:
            for item in f(*args, **kwargs):
                q.put(item)
        finally:
            q.put(None)

    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        q = multiprocessing.Queue(3)
        proc = multiprocessing.Process(target=main, args=(q, args, kwargs))
        proc.start()
        try:
            while True:
                item = q.get(timeout=10)
                if item is None:
                    break
                yield item
        finally:
            proc.join()

    return wrapped


@mpgen
def read_batches(batch_size):
    for start in range(0, 12, batch_size):
        yield [f"plate_{i:02d}" for i in range(start, start + batch_size)]


for batch in read_batches(4):
    print("training on", batch)
