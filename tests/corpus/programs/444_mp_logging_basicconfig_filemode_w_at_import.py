# source: https://github.com/jruere/multiprocessing-logging/issues/44
# models: the script configures logging at import time with basicConfig(filename="output.txt", filemode="w"), logs "start", maps a worker that logs over a Pool, logs "stop", then shows the log file
# expect: misbehaves-spawn: every spawned worker re-imports the script and runs basicConfig again, truncating output.txt, so the parent's "start" line is lost
import logging
import multiprocessing
import os
import tempfile

LOG_PATH = os.path.join(tempfile.gettempdir(), "spawnsafe_corpus_444_output.txt")

logging.basicConfig(
    filename=LOG_PATH,
    format="%(message)s",
    filemode="w",
    level=logging.INFO,
)


def worker(x):
    logging.info(f"sleeping {x} seconds")
    return x


if __name__ == "__main__":
    logging.info("start")
    with multiprocessing.Pool(2) as p:
        p.map(worker, [0, 0, 0, 0])
    logging.info("stop")
    logging.shutdown()
    with open(LOG_PATH, encoding="utf-8", errors="replace") as fh:
        text = fh.read()
    print("start logged:", "start" in text)
    print("stop logged:", "stop" in text)
