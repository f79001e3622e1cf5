# source: https://github.com/argilla-io/distilabel/issues/685
# models: a pipeline is built in a `with Pipeline(...) as pipeline:` block at the top of the script; leaving the block runs the steps, and running creates a process pool
# expect: fails-spawn: the pool is created in Pipeline.__exit__ while the main module is imported, so every spawned worker re-runs the with-block and raises the bootstrapping RuntimeError; the parent hangs
import multiprocessing as mp


def _run_step(step):
    return f"{step}: 10 rows"


class Pipeline:
    def __init__(self, name):
        self.name = name
        self.steps = []

    def add(self, step):
        self.steps.append(step)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.run()
        return False

    def run(self):
        ctx = mp.get_context()
        with ctx.Pool(len(self.steps)) as pool:
            for line in pool.map(_run_step, self.steps):
                print(self.name, line)


with Pipeline(name="simple-text-generation") as pipeline:
    pipeline.add("load_dataset")
    pipeline.add("text_generation")
