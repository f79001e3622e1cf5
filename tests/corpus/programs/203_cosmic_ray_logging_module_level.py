# source: https://github.com/sixty-north/cosmic-ray/issues/433
# models: the workaround for child processes that do not inherit the logging configuration: logging.basicConfig is called at module level, so every process that imports the module configures itself
# expect: clean (the configuration runs again in each spawned child, giving the same output as fork)
import logging
import multiprocessing
import sys

logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("cosmic_ray")


def mutate_and_test(mutation):
    log.info("testing %s", mutation)
    return mutation, mutation.endswith("0")


if __name__ == "__main__":
    with multiprocessing.Pool(1) as pool:
        results = pool.map(mutate_and_test, ["core/ReplaceBinaryOperator_0", "core/NumberReplacer_1"])
    log.info("survivors: %s", [m for m, killed in results if not killed])
