# source: https://github.com/rackspace/runway/issues/2405
# models: a deployment tool's errors take keyword-only arguments and pass a formatted message to Exception.__init__; stacks are deployed in a multiprocessing pool and a failed stack raises one of them
# expect: fails-spawn: the exception comes back as StackFailed(message); unpickling it in the parent calls __init__ with one positional argument, which the keyword-only signature rejects, and the pool never returns (every start method)
import multiprocessing


class RunwayError(Exception):
    """Base class for custom exceptions raised by Runway."""


class StackFailed(RunwayError):
    def __init__(self, *, stack_name: str, reason: str) -> None:
        self.stack_name = stack_name
        self.reason = reason
        super().__init__(f"stack {stack_name} failed: {reason}")


def deploy_stack(stack_name):
    if stack_name == "vpc":
        raise StackFailed(stack_name=stack_name, reason="ROLLBACK_COMPLETE")
    return f"{stack_name}: deployed"


class Deployer:
    def __init__(self, stacks, concurrency=2):
        self.stacks = stacks
        self.concurrency = concurrency

    def run(self):
        with multiprocessing.Pool(self.concurrency) as pool:
            try:
                for line in pool.map(deploy_stack, self.stacks):
                    print(line)
            except StackFailed as exc:
                print("deploy failed:", exc.stack_name, exc.reason)


if __name__ == "__main__":
    Deployer(["iam", "vpc", "app"]).run()
