# source: https://github.com/ojwalch/sleep_classifiers/issues/8
# models: the analysis runner script times the run and calls the figure builder at the top of the file; the builder trains the classifiers in parallel through ClassifierService.run_in_parallel, a Pool in another module
# expect: fails-spawn: each spawned worker re-imports the runner script and calls the builder again, starting a Pool during bootstrapping: RuntimeError, and the parent's pool waits forever
import time

from source.analysis.figures import build_performance_figure

start_time = time.time()
build_performance_figure(["subject1", "subject2"])
print("done" if time.time() - start_time >= 0 else "clock went back")
