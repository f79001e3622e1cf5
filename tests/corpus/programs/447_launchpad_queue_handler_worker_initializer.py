# source: https://github.com/getsentry/launchpad/pull/401
# models: the PR's approach: a static _initialize_worker_logging(log_queue) initializer installs a QueueHandler in each spawn-context worker, and a QueueListener in the parent writes the records to stdout
# expect: clean (the queue travels in initargs and every worker installs its own handler)
import logging
import logging.handlers
import multiprocessing
import sys


class KafkaConsumerService:
    def __init__(self):
        self._ctx = multiprocessing.get_context("spawn")
        self._log_queue = self._ctx.Queue()

    def _create_listener(self):
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
        return logging.handlers.QueueListener(self._log_queue, handler, respect_handler_level=True)

    @staticmethod
    def _initialize_worker_logging(log_queue):
        root_logger = logging.getLogger()
        root_logger.handlers.clear()
        root_logger.addHandler(logging.handlers.QueueHandler(log_queue))
        root_logger.setLevel(logging.INFO)

    def process_artifacts(self, artifact_ids):
        listener = self._create_listener()
        listener.start()
        try:
            with self._ctx.Pool(1, initializer=self._initialize_worker_logging, initargs=(self._log_queue,)) as pool:
                return pool.map(process_artifact, artifact_ids)
        finally:
            listener.stop()


def process_artifact(artifact_id):
    logging.getLogger("launchpad.worker").info("processed %s", artifact_id)
    return artifact_id


if __name__ == "__main__":
    print(KafkaConsumerService().process_artifacts(["a1", "a2"]))
