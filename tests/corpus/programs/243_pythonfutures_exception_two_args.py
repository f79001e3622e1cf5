# source: https://github.com/agronholm/pythonfutures/issues/30
# models: the function submitted to a ProcessPoolExecutor raises a custom exception whose __init__ takes two arguments and passes one formatted message to Exception.__init__
# expect: fails-spawn: the exception pickles with args=(message,) and unpickling calls MyError(message) -> TypeError missing 'arg2' in the parent's result handling; the pool breaks (BrokenProcessPool; every start method)
from concurrent.futures import ProcessPoolExecutor


class MyError(Exception):
    def __init__(self, arg1, arg2):
        super(MyError, self).__init__("arg1 = {}, arg2 = {}".format(arg1, arg2))


def validate(value):
    if value < 0:
        raise MyError("value", value)
    return value


if __name__ == "__main__":
    with ProcessPoolExecutor(max_workers=1) as executor:
        future = executor.submit(validate, -1)
        try:
            future.result()
        except MyError as exc:
            print("caught:", exc)
