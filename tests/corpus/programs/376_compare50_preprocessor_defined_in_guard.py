# source: https://github.com/cs50/compare50/issues/39
# models: the script defines its Preprocessor class inside the main guard (next to the code that uses it) and sends instances to a ProcessPoolExecutor with the files to compare
# expect: fails-spawn: the instance pickles by reference to __main__.Preprocessor, but the spawned worker re-imports the script as __mp_main__ without running the guard: AttributeError: Can't get attribute 'Preprocessor', and the pool breaks
from concurrent.futures import ProcessPoolExecutor


def fingerprint(job):
    preprocessor, text = job
    return preprocessor(text)


if __name__ == "__main__":
    class Preprocessor:
        def __init__(self, lowercase=True):
            self.lowercase = lowercase

        def __call__(self, text):
            tokens = text.lower().split() if self.lowercase else text.split()
            return hash(tuple(tokens)) % 1000

    pre = Preprocessor()
    submissions = ["def f(): return 1", "DEF F(): RETURN 1"]
    with ProcessPoolExecutor(max_workers=2) as executor:
        prints = list(executor.map(fingerprint, [(pre, s) for s in submissions]))
    print("identical" if prints[0] == prints[1] else "different")
