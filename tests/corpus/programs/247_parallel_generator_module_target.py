# source: https://github.com/multiprocessing-generator/multiprocessing_generator/issues/9
# models: a spawn-safe ParallelGenerator: the process target is a module-level function, and the generator is rebuilt in the child from a module-level generator function and its arguments
# expect: clean (the target, the generator function and its arguments all pickle by name or value)
import multiprocessing

_DONE = "__done__"


def _fill_queue(queue, gen_func, args):
    for item in gen_func(*args):
        queue.put(item)
    queue.put(_DONE)


def squares(n):
    for x in range(n):
        yield x * x


class ParallelGenerator:
    def __init__(self, gen_func, *args, max_lookahead=0):
        self.queue = multiprocessing.Queue(max_lookahead)
        self.process = multiprocessing.Process(target=_fill_queue, args=(self.queue, gen_func, args))

    def __enter__(self):
        self.process.start()
        return self

    def __exit__(self, *exc):
        self.process.join()

    def __iter__(self):
        while True:
            item = self.queue.get()
            if item == _DONE:
                return
            yield item


if __name__ == "__main__":
    with ParallelGenerator(squares, 5) as g:
        print(list(g))
