# source: https://github.com/banteg/multicall.py/issues/42
# models: a script builds a batch of contract calls and runs multi() at module level; the helper module runs the calls in a ProcessPoolExecutor (multi-file: calls.py holds the helper)
# expect: fails-spawn: the helper in another module starts executor workers when main.py calls it at import time; every worker re-imports main.py and fails while bootstrapping -> BrokenProcessPool
from calls import Call, multi

CALLS = [Call("balanceOf", holder) for holder in ("alice", "bob", "carol", "dave")]


def summarise(results):
    return {name: value for name, value in sorted(results)}


print(summarise(multi(CALLS)))
