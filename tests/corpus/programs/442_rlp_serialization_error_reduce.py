# source: https://github.com/ethereum/asyncio-run-in-process/issues/28
# models: an encoder run in a ProcessPoolExecutor raises rlp's SerializationError(message, obj), whose two-argument __init__ is made picklable with a __reduce__ that returns both arguments
# expect: clean (__reduce__ rebuilds the exception in the parent, so the future re-raises it)
from concurrent.futures import ProcessPoolExecutor


class SerializationError(Exception):
    def __init__(self, message, obj):
        super().__init__(message)
        self.obj = obj

    def __reduce__(self):
        return (SerializationError, (self.args[0], self.obj))


def encode(obj):
    if not isinstance(obj, (bytes, list)):
        raise SerializationError("Can only serialize bytes and lists", obj)
    return len(obj)


def main():
    with ProcessPoolExecutor(max_workers=2) as executor:
        for item in [b"abc", [b"a", b"b"], 3.5]:
            future = executor.submit(encode, item)
            try:
                print("encoded", future.result())
            except SerializationError as err:
                print("rejected", err, err.obj)


if __name__ == "__main__":
    main()
