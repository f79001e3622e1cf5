# source: https://github.com/BlueBrain/BluePyMM/issues/252
# models: a NestedPool subclass of multiprocessing.pool.Pool overrides Process() and swaps each worker's class for a NoDaemonProcess class defined inside that method, so that workers may start their own pools
# expect: fails-spawn: each worker Process is pickled at start() and its class is local (AttributeError: Can't pickle local object 'NestedPool.Process.<locals>.NoDaemonProcess')
import multiprocessing
import multiprocessing.pool


class NestedPool(multiprocessing.pool.Pool):
    """Pool whose workers are not daemons."""

    def Process(self, *args, **kwds):
        proc = super(NestedPool, self).Process(*args, **kwds)

        class NoDaemonProcess(proc.__class__):
            @property
            def daemon(self):
                return False

            @daemon.setter
            def daemon(self, value):
                pass

        proc.__class__ = NoDaemonProcess
        return proc


def evaluate_combo(combo):
    emodel, morphology = combo
    return "%s/%s" % (emodel, morphology)


def run_combos(combos, n_workers=2):
    pool = NestedPool(n_workers, maxtasksperchild=1)
    try:
        return pool.map(evaluate_combo, combos, chunksize=1)
    finally:
        pool.close()
        pool.join()


if __name__ == "__main__":
    print(run_combos([("emodel1", "morph_a"), ("emodel2", "morph_b")]))
