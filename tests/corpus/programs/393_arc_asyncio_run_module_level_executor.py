# source: https://github.com/rgreenblatt/arc_draw_more_samples_pub/issues/4
# models: a script evaluates candidate programs with a timeout by awaiting loop.run_in_executor on a ProcessPoolExecutor inside an async main(), and runs asyncio.run(main()) at the bottom of the file without a main guard
# expect: fails-spawn: asyncio.run(main()) runs again while each spawned worker re-imports the script, which starts processes during bootstrapping: RuntimeError, BrokenProcessPool
import asyncio
from concurrent.futures import ProcessPoolExecutor


def run_program(source, grid):
    namespace = {}
    exec(source, namespace)
    return namespace["transform"](grid)


async def evaluate(pool, source, grid, timeout=5):
    loop = asyncio.get_running_loop()
    return await asyncio.wait_for(loop.run_in_executor(pool, run_program, source, grid), timeout)


async def main():
    programs = ["def transform(g): return [r[::-1] for r in g]", "def transform(g): return g[::-1]"]
    with ProcessPoolExecutor(max_workers=2) as pool:
        results = await asyncio.gather(*(evaluate(pool, p, [[1, 2], [3, 4]]) for p in programs))
    for result in results:
        print(result)


asyncio.run(main())
