# source: https://github.com/uqfoundation/multiprocess/issues/81
# models: a set subclass whose __init__(self, y, x) takes an extra leading argument is stored as a value in a Manager().dict() ("garbles __init__() arguments for user-defined type")
# expect: fails-spawn: the manager process unpickles the value by calling UserSet(items), which does not match __init__(y, x) -> TypeError: __init__() missing 1 required positional argument: 'x' (every start method)
import multiprocessing


class UserSet(set):
    def __init__(self, y, x):
        self.y = y
        super().__init__(x)


if __name__ == "__main__":
    with multiprocessing.Manager() as mngr:
        us = UserSet(22, {23})
        dproxy = mngr.dict({"x": us})
        print(sorted(dproxy["x"]))
