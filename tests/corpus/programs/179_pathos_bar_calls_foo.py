# source: https://github.com/uqfoundation/pathos/issues/118
# models: the report's script: bar() calls foo(), both module-level, mapped with pathos.multiprocessing.Pool under the guard (it raised NameError: global name 'foo' is not defined on Windows with old dill)
# expect: clean (with the pinned dill/multiprocess the function's globals resolve in the worker)
import pathos


def foo(x):
    return x + 100


def bar(x):
    return foo(x)


if __name__ == "__main__":
    pool = pathos.multiprocessing.Pool(processes=2)
    print(pool.map(bar, [0, 1]))
    pool.close()
    pool.join()
