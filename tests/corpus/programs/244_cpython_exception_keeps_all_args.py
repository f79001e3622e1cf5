# source: https://github.com/python/cpython/issues/79492
# models: the workaround from the thread: the custom exception passes all of its __init__ arguments to Exception.__init__ and formats its message in __str__, so a Pool worker can raise it
# expect: clean (self.args holds both arguments, so the parent rebuilds the exception and re-raises it from map())
import multiprocessing


class ValidationError(Exception):
    def __init__(self, field, value):
        super().__init__(field, value)
        self.field = field
        self.value = value

    def __str__(self):
        return f"{self.field} has invalid value {self.value!r}"


def check(record):
    if record["age"] < 0:
        raise ValidationError("age", record["age"])
    return record["name"]


if __name__ == "__main__":
    with multiprocessing.Pool(2) as pool:
        try:
            pool.map(check, [{"name": "a", "age": 3}, {"name": "b", "age": -1}])
        except ValidationError as exc:
            print("caught:", exc, exc.field)
