# source: https://github.com/Libensemble/libensemble/pull/828
# models: the manager configures the number of workers through a classmethod that sets a class attribute at run time; the worker processes read it (the PR passes nworkers statically so spawn works)
# expect: misbehaves-spawn: the class attribute is set only in the parent; spawned workers re-import the class with its default, so each reports nworkers=1
import multiprocessing


class Resources:
    nworkers = 1

    @classmethod
    def configure(cls, nworkers):
        cls.nworkers = nworkers


def sim_worker(sim_id):
    share = 100 // Resources.nworkers
    return sim_id, Resources.nworkers, share


if __name__ == "__main__":
    Resources.configure(4)
    with multiprocessing.Pool(2) as pool:
        for row in pool.map(sim_worker, range(3)):
            print(*row)
