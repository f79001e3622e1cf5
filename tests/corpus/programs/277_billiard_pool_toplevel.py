# source: https://github.com/celery/billiard/issues/226
# models: the report's minimal example as a script: `import billiard; p = billiard.Pool()` at module level, then a map over it (Windows, billiard 3.5)
# expect: fails-spawn: billiard's Pool starts its workers at construction; under spawn they re-import the script, which builds a Pool again while bootstrapping
import billiard


def square(x):
    return x * x


p = billiard.Pool(2)
print(p.map(square, range(6)))
p.close()
p.join()
