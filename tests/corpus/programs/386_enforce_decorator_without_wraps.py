# source: https://github.com/RussBaz/enforce/issues/42
# models: a runtime type-checking decorator returns an inner wrapper function without functools.wraps; the decorated function is mapped over a ProcessPoolExecutor
# expect: fails-spawn: the module-level name now holds runtime_validation.<locals>.wrapper, which cannot be pickled: AttributeError: Can't pickle local object (every start method)
import concurrent.futures
import inspect


def runtime_validation(func):
    signature = inspect.signature(func)

    def wrapper(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        for name, value in bound.arguments.items():
            expected = func.__annotations__.get(name)
            if expected is not None and not isinstance(value, expected):
                raise TypeError(f"{name} must be {expected.__name__}")
        return func(*args, **kwargs)

    return wrapper


@runtime_validation
def test_one_widget(widget_id: int) -> int:
    return widget_id * 7 % 10


if __name__ == "__main__":
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as executor:
        print(list(executor.map(test_one_widget, [1, 2, 3])))
