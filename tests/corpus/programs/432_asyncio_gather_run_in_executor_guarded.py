# source: https://github.com/python/cpython/issues/113073
# models: an asyncio main() creates a ProcessPoolExecutor and a nested coroutine b() that awaits loop.run_in_executor(e, a, i) for each input, gathered together; asyncio.run(main()) is under the main guard
# expect: clean (the task function is module-level; the nested coroutine never crosses the boundary, and the executor starts only from the guarded asyncio.run)
import asyncio
import concurrent.futures


def a(i):
    return i * i


async def main():
    e = concurrent.futures.ProcessPoolExecutor(2)

    async def b(_):
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(e, a, _)

    try:
        return await asyncio.gather(*(b(_) for _ in range(6)))
    finally:
        e.shutdown()


if __name__ == "__main__":
    print(asyncio.run(main(), debug=False))
