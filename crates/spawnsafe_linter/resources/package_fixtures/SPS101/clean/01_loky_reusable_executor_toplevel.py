# expect:
# oracle-spawn: ok stdout "[0, 1, 4, 9]"
# oracle-fork: ok stdout "[0, 1, 4, 9]"
# loky's workers never run the main script (init_main_module=False), and
# cloudpickle sends the lambda by value: unguarded top-level use is fine.
from loky import get_reusable_executor

executor = get_reusable_executor(max_workers=2)
print(list(executor.map(lambda x: x * x, range(4))))
