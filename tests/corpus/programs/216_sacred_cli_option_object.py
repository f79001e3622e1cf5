# source: https://github.com/IDSIA/sacred/issues/874
# models: a cli_option decorator that replaces each option function with a CLIOption object (no functools.wraps); an Experiment holding its options is run in a process pool through its bound run method
# expect: fails-spawn: the Experiment pickles its CLIOption objects, which hold the original function; pickle looks the function up by name and finds the CLIOption -> PicklingError "it's not the same object as __main__.beat_interval_option" (every start method)
import multiprocessing


class CLIOption:
    def __init__(self, apply_function, short_flag, is_flag):
        self.apply_function = apply_function
        self.short_flag = short_flag
        self.is_flag = is_flag

    def apply(self, args, run):
        return self.apply_function(args, run)


def cli_option(short_flag, is_flag=False):
    def wrapper(f):
        return CLIOption(f, short_flag, is_flag)

    return wrapper


@cli_option("-b")
def beat_interval_option(args, run):
    run["beat_interval"] = float(args)
    return run


class Experiment:
    def __init__(self, name):
        self.name = name
        self.options = [beat_interval_option]

    def run(self, seed):
        run = {"seed": seed}
        for option in self.options:
            run = option.apply("2.5", run)
        return run


if __name__ == "__main__":
    ex = Experiment("parallel")
    with multiprocessing.Pool(2) as pool:
        print(pool.map(ex.run, [1, 2, 3]))
