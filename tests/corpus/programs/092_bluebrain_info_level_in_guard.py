# source: https://github.com/BlueBrain/Search/issues/278
# models: an embedding entry point sets logging.basicConfig(level=INFO) in the main guard; after switching to spawn, the INFO messages of the child processes were invisible
# expect: misbehaves-spawn: the children never run basicConfig, so their INFO records are dropped (the last-resort handler only shows warnings)
import logging
import multiprocessing
import sys

logger = logging.getLogger("embeddings")


def compute_embeddings(model, out):
    logger.info("loaded model %s", model)
    out.put((model, len(model) * 8))


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, stream=sys.stdout, format="%(name)s %(message)s")
    out = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=compute_embeddings, args=(m, out)) for m in ("BSV", "SBERT")]
    for p in procs:
        p.start()
    results = sorted(out.get(timeout=10) for _ in procs)
    for p in procs:
        p.join()
    logger.info("dimensions %s", results)
