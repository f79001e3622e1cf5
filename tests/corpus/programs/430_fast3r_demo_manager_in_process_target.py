# source: https://github.com/facebookresearch/fast3r/pull/85
# models: the demo's server object creates a Manager and two manager queues, then starts the model worker Process with a bound method of itself as target, so the whole server (manager included) goes to the child
# expect: fails-spawn: pickling the bound method pickles the server instance and its SyncManager (TypeError: Pickling an AuthenticationString object is disallowed for security reasons)
import multiprocessing


class ReconstructionServer:
    def __init__(self):
        self.manager = multiprocessing.Manager()
        self.request_queue = self.manager.Queue()
        self.result_queue = self.manager.Queue()

    def model_worker(self):
        while True:
            job = self.request_queue.get()
            if job is None:
                break
            self.result_queue.put("reconstructed %s" % job)

    def start_manager(self):
        self.worker = multiprocessing.Process(target=self.model_worker, daemon=True)
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
