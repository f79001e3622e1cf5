# source: https://github.com/rackspace/runway/issues/2405
# models: the maintainers' recipe from the thread: an exception with keyword-only arguments gets a __reduce__ that rebuilds it from its own fields, so it survives the trip back from a pool worker
# expect: clean (__reduce__ returns a module-level helper and the keyword values, so unpickling in the parent rebuilds the same StackFailed)
import multiprocessing


def _rebuild_stack_failed(stack_name, reason):
    return StackFailed(stack_name=stack_name, reason=reason)


class StackFailed(Exception):
    def __init__(self, *, stack_name: str, reason: str) -> None:
        self.stack_name = stack_name
        self.reason = reason
        super().__init__(f"stack {stack_name} failed: {reason}")

    def __reduce__(self):
        return _rebuild_stack_failed, (self.stack_name, self.reason)


def deploy_stack(stack_name):
    if stack_name == "vpc":
        raise StackFailed(stack_name=stack_name, reason="ROLLBACK_COMPLETE")
    return f"{stack_name}: deployed"


if __name__ == "__main__":
    with multiprocessing.Pool(2) as pool:
        try:
            print(pool.map(deploy_stack, ["iam", "vpc", "app"]))
        except StackFailed as exc:
            print("deploy failed:", exc.stack_name, exc.reason)
