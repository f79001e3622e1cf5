# source: https://github.com/zauberzeug/rosys/issues/162
# models: an asyncio robot loop offloads NMEA parsing to a ProcessPoolExecutor with run_in_executor; the parser raises ParseError(message, data), which passes one tuple to ValueError.__init__
# expect: fails-spawn: ParseError is re-created in the parent as ParseError((message, data)), missing 'data': the result cannot be unpickled and the pool breaks (BrokenProcessPool, every start method)
import asyncio
from concurrent.futures import ProcessPoolExecutor
from functools import partial


class ParseError(ValueError):
    def __init__(self, message, data):
        super().__init__((message, data))


def parse(line):
    if not line.startswith("$"):
        raise ParseError("could not parse data", line)
    talker, _, rest = line[1:].partition(",")
    return talker, rest


async def cpu_bound(pool, func, *args):
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(pool, partial(func, *args))


async def main():
    with ProcessPoolExecutor(max_workers=1) as pool:
        for line in ["$GPGGA,123519,4807.038,N", "FOOBAR"]:
            try:
                print(await cpu_bound(pool, parse, line))
            except ParseError as exc:
                print("bad line", exc)


if __name__ == "__main__":
    asyncio.run(main())
