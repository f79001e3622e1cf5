# source: https://github.com/facebookresearch/fast3r/pull/85
# models: the merged fix: start_manager() passes the two manager queue proxies straight to a module-level model_worker() instead of a bound method of the server, so the Manager itself never crosses
# expect: clean (manager proxies pickle; the SyncManager stays in the parent)
import multiprocessing


def model_worker(request_queue, result_queue):
    while True:
        job = request_queue.get()
        if job is None:
            break
        result_queue.put("reconstructed %s" % job)


class ReconstructionServer:
    def __init__(self):
        self.manager = multiprocessing.Manager()
        self.request_queue = self.manager.Queue()
        self.result_queue = self.manager.Queue()

    def start_manager(self):
        self.worker = multiprocessing.Process(
            target=model_worker, args=(self.request_queue, self.result_queue), daemon=True
        )
        self.worker.start()

    def submit(self, images):
        for name in images:
            self.request_queue.put(name)
        self.request_queue.put(None)
        return [self.result_queue.get(timeout=5) for _ in images]


if __name__ == "__main__":
    server = ReconstructionServer()
    server.start_manager()
    for line in server.submit(["frame_000.png", "frame_001.png"]):
        print(line)
    server.worker.join()
    server.manager.shutdown()
