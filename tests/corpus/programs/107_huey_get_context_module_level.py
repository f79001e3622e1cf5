# source: https://github.com/coleifer/huey/pull/592
# models: instead of setting the global start method (which another module may already have set), the consumer takes its own context with multiprocessing.get_context("spawn") at module level
# expect: clean (get_context with a name does not touch the global default and can run again in every child)
import multiprocessing

ctx = multiprocessing.get_context("spawn")


def run_task(task):
    name, n = task
    return name, sum(range(n))


if __name__ == "__main__":
    with ctx.Pool(2) as pool:
        print(pool.map(run_task, [("add", 10), ("mul", 20)]))
