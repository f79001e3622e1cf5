# source: https://github.com/dpploy/cortix/pull/342
# models: the simulation's run() configures logging (level INFO, a stdout handler, a format) and then runs each module in its own Process; the modules log their progress through module loggers
# expect: misbehaves-spawn: a spawned child re-imports the script without running run(), so its root logger has no handler and level WARNING: the modules' INFO lines are missing (forked children inherit the configuration)
import logging
import sys
from multiprocessing import Process

log = logging.getLogger("cortix")


class Module:
    def __init__(self, name, steps):
        self.name = name
        self.steps = steps

    def run_and_save(self):
        for step in range(self.steps):
            log.info("%s step %d", self.name, step)


def run(modules):
    logging.basicConfig(level=logging.INFO, stream=sys.stdout, format="%(name)s: %(message)s")
    log.info("starting %d modules", len(modules))
    for module in modules:
        proc = Process(target=module.run_and_save)
        proc.start()
        proc.join()
    log.info("done")


if __name__ == "__main__":
    run([Module("pump", 2), Module("valve", 1)])
