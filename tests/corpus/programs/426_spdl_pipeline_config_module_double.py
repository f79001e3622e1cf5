# source: https://github.com/facebookresearch/spdl/pull/1565
# models: the merged fix: the stage function is the module-level _double(), so the PipelineConfig that rides into the subprocess pickles by name
# expect: clean (every stage in the config is a module-level function)
import multiprocessing
from dataclasses import dataclass, field
from typing import Callable


@dataclass
class PipelineConfig:
    source: list
    stages: list = field(default_factory=list)

    def pipe(self, fn: Callable):
        self.stages.append(fn)
        return self


def _run_pipeline(config, out):
    for item in config.source:
        for stage in config.stages:
            item = stage(item)
        out.put(item)
    out.put(None)


def run_pipeline_in_subprocess(config):
    out = multiprocessing.Queue()
    proc = multiprocessing.Process(target=_run_pipeline, args=(config, out))
    proc.start()
    results = []
    while (item := out.get(timeout=5)) is not None:
        results.append(item)
    proc.join()
    return results


def _double(x):
    return 2 * x


def test_continuous_subprocess_aggregate():
    config = PipelineConfig(source=list(range(5))).pipe(_double)
    print(run_pipeline_in_subprocess(config))


if __name__ == "__main__":
    test_continuous_subprocess_aggregate()
