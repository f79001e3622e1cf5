# source: https://github.com/PrefectHQ/prefect/issues/16582
# models: a @flow decorator that returns a Flow object wrapping the function; an asyncio program runs the flow in a ProcessPoolExecutor with loop.run_in_executor
# expect: fails-spawn: the Flow object pickles its fn attribute by name and __main__.count_words is the Flow, not the function -> PicklingError "it's not the same object as __main__.count_words" (every start method)
import asyncio
from concurrent.futures import ProcessPoolExecutor


class Flow:
    def __init__(self, fn, name=None):
        self.fn = fn
        self.name = name or fn.__name__

    def __call__(self, *args, **kwargs):
        return self.fn(*args, **kwargs)


def flow(fn):
    return Flow(fn)


@flow
def count_words(text):
    return len(text.split())


async def main():
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(max_workers=2) as executor:
        results = await asyncio.gather(
            *(loop.run_in_executor(executor, count_words, text) for text in ["a b", "c d e", "f"])
        )
    print(results)


if __name__ == "__main__":
    asyncio.run(main())
