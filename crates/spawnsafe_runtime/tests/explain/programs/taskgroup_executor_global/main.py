import asyncio
from concurrent.futures import ProcessPoolExecutor

def scaled(x):
    return x * FACTOR

async def scale_in_child(executor, x):
    return await asyncio.get_running_loop().run_in_executor(executor, scaled, x)

async def main():
    with ProcessPoolExecutor(2) as executor:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(scale_in_child(executor, x)) for x in (1, 2)]
    print([task.result() for task in tasks])

if __name__ == "__main__":
    FACTOR = 10
    asyncio.run(main())
