import multiprocessing
import platform

if platform.system() in ("Darwin", "Linux"):
    _ctx = multiprocessing.get_context("forkserver")
else:
    _ctx = multiprocessing.get_context("spawn")


def _run_chain(chain, draws):
    return [round(chain + 0.1 * d, 1) for d in range(draws)]


def sample(draws, chains):
    with _ctx.Pool(chains) as pool:
        return pool.starmap(_run_chain, [(c, draws) for c in range(chains)])
