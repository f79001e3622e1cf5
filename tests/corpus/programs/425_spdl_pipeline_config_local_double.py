# source: https://github.com/facebookresearch/spdl/pull/1565
# models: a pipeline test builds a PipelineConfig dataclass whose stages hold a local double() defined in the test, then runs the pipeline in a subprocess that receives the config in its args
# expect: fails-spawn: the config is pickled with the Process and its stage function is local (AttributeError: Can't pickle local object 'test_continuous_subprocess_aggregate.<locals>.double')
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


def test_continuous_subprocess_aggregate():
    def double(x):
        return 2 * x

    config = PipelineConfig(source=list(range(5))).pipe(double)
    print(run_pipeline_in_subprocess(config))


if __name__ == "__main__":
    test_continuous_subprocess_aggregate()
