# source: https://github.com/devopshq/artifactory/pull/455
# models: repository objects whose __getattr__ forwards to self.path (a property built from self._artifactory) are submitted to a ProcessPoolExecutor
# expect: fails-spawn: the worker unpickles the task, __getattr__ runs before _artifactory is restored and recurses -> RecursionError; the executor reports the failure (every start method)
from concurrent.futures import ProcessPoolExecutor


class GenericRepository:
    def __init__(self, artifactory, name):
        self._artifactory = artifactory
        self.name = name

    @property
    def path(self):
        return self._artifactory + "/" + self.name

    def __getattr__(self, attr):
        return getattr(self.path, attr)


def describe(repo):
    return repo.name, repo.upper()


if __name__ == "__main__":
    repos = [GenericRepository("https://art.example/artifactory", n) for n in ("libs", "docker")]
    with ProcessPoolExecutor(max_workers=2) as pool:
        print(list(pool.map(describe, repos)))
