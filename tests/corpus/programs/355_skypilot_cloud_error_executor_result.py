# source: https://github.com/skypilot-org/skypilot/issues/9193
# models: a launcher submits managed jobs to a ProcessPoolExecutor; a job raises the library's CloudError(message, provider, error_type), whose __init__ passes only the message to Exception.__init__, and the parent catches CloudError around future.result()
# expect: fails-spawn: the exception is pickled in the worker as CloudError(*self.args) with one argument, so unpickling it in the parent raises TypeError: __init__() missing 2 required positional arguments and the executor breaks (BrokenProcessPool, every start method)
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass


class CloudError(Exception):
    def __init__(self, message: str, cloud_provider: str, error_type: str):
        super().__init__(message)
        self.cloud_provider = cloud_provider
        self.error_type = error_type


@dataclass
class JobSpec:
    name: str
    cloud: str


def launch(spec: JobSpec) -> str:
    if spec.cloud == "aws":
        raise CloudError(f"quota exceeded for {spec.name}", "aws", "QuotaExceeded")
    return f"{spec.name} launched on {spec.cloud}"


def main():
    specs = [JobSpec("train", "gcp"), JobSpec("eval", "aws")]
    with ProcessPoolExecutor(max_workers=1) as pool:
        futures = [pool.submit(launch, spec) for spec in specs]
        for future in futures:
            try:
                print(future.result())
            except CloudError as exc:
                print(f"cloud error from {exc.cloud_provider}: {exc}")


if __name__ == "__main__":
    main()
