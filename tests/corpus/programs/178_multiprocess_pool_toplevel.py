# source: https://github.com/uqfoundation/multiprocess/issues/83
# models: `import multiprocess as mp; p = mp.Pool(2)` and a map at module level (Windows virtualenv); the maintainer asks whether it works inside an `if __name__ == '__main__'` block
# expect: fails-spawn: multiprocess follows the platform's start method; under spawn the workers re-import the script and create a pool while bootstrapping (RuntimeError), and the pool never completes
import multiprocess as mp


def double(x):
    return 2 * x


p = mp.Pool(2)
print(p.map(double, range(5)))
p.close()
p.join()
