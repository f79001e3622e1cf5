# source: https://github.com/itamarst/eliot/pull/344
# models: a logging decorator implemented as a class: log_call(func) returns an instance that records each call and forwards to func; decorated functions are sent to a Pool
# expect: fails-spawn: the instance pickles its __dict__, which holds the original function, and pickle looks that function up by name and finds the log_call object instead: PicklingError: it's not the same object as __main__.parse_line (every start method)
from multiprocessing import Pool


class log_call:
    def __init__(self, func):
        self.func = func
        self.action_type = func.__name__

    def __call__(self, *args, **kwargs):
        result = self.func(*args, **kwargs)
        return {"action_type": self.action_type, "result": result}


@log_call
def parse_line(line):
    key, _, value = line.partition("=")
    return key.strip(), value.strip()


if __name__ == "__main__":
    with Pool(2) as pool:
        for entry in pool.map(parse_line, ["a = 1", "b = 2"]):
            print(entry)
