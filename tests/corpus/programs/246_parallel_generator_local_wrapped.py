# source: https://github.com/multiprocessing-generator/multiprocessing_generator/issues/9
# models: ParallelGenerator.__init__ defines a local function `wrapped` that drains the original generator into a queue and uses it as the target of the Process it starts in __enter__
# expect: fails-spawn: the Process target is a local function -> AttributeError: Can't pickle local object 'ParallelGenerator.__init__.<locals>.wrapped' (fork works)
import multiprocessing


class ParallelGenerator:
    def __init__(self, orig_gen, max_lookahead=None):
        self.queue = multiprocessing.Queue(max_lookahead or 0)

        def wrapped():
            for item in orig_gen:
                self.queue.put(item)
            self.queue.put(StopIteration)

        self.process = multiprocessing.Process(target=wrapped)

    def __enter__(self):
        self.process.start()
        return self

    def __exit__(self, *exc):
        self.process.join()

    def __iter__(self):
        while True:
            item = self.queue.get()
            if item is StopIteration:
                return
            yield item


if __name__ == "__main__":
    with ParallelGenerator(x * x for x in range(5)) as g:
        print(list(g))
