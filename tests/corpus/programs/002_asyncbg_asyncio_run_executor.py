# source: https://github.com/eerimoq/asyncbg/issues/1
# models: an asyncio program offloads CPU work to a ProcessPoolExecutor through run_in_executor; the coroutine is run with asyncio.run(main()) at module level, without a main guard (Windows user)
# expect: fails-spawn: asyncio.run at import time runs main(), which starts executor workers; the spawned workers re-import the script and fail while bootstrapping -> BrokenProcessPool
import asyncio
import concurrent.futures


def work(a, b):
    return sum(i * a for i in range(b))


async def call(executor, a, b):
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(executor, work, a, b)


async def main():
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as executor:
        results = await asyncio.gather(*(call(executor, a, 1000) for a in range(4)))
    print("results:", results)


asyncio.run(main())
