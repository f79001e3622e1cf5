# source: https://github.com/dobarkod/typedecorator/issues/3
# models: type-checking decorators (@returns, @params) replace a function with a nested wrapper that does not use functools.wraps; the decorated function is run with Pool.apply_async
# expect: fails-spawn: the wrapper's qualified name is params.<locals>.decorate.<locals>.wrapper, so pickling the task fails -> AttributeError: Can't pickle local object (every start method)
from multiprocessing import Pool


def params(**types):
    def decorate(func):
        def wrapper(*args):
            for value, (name, kind) in zip(args, types.items()):
                if not isinstance(value, kind):
                    raise TypeError(f"{name} must be {kind.__name__}")
            return func(*args)
        return wrapper
    return decorate


@params(a=int, b=int)
def f(a, b):
    return a + b


def main():
    with Pool(processes=2) as pool:
        results = [pool.apply_async(f, [i, 2]) for i in range(3)]
        print([r.get(timeout=10) for r in results])


if __name__ == "__main__":
    main()
