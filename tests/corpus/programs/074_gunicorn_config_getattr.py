# source: https://github.com/benoitc/gunicorn/pull/2401
# models: an application Config whose __getattr__ looks names up in self.settings is passed to a multiprocessing.Process that starts the server (worked on Python 3.7, RecursionError on macOS with 3.8)
# expect: fails-spawn: unpickling in the child calls __getattr__ before self.settings exists, which calls __getattr__ again -> RecursionError: maximum recursion depth exceeded
import multiprocessing


class Config:
    def __init__(self, **settings):
        self.settings = dict(settings)

    def __getattr__(self, name):
        if name not in self.settings:
            raise AttributeError(f"No configuration setting for: {name}")
        return self.settings[name]


def serve(cfg, out):
    out.put(f"listening on {cfg.bind} with {cfg.workers} workers")


if __name__ == "__main__":
    out = multiprocessing.Queue()
    cfg = Config(bind="127.0.0.1:8000", workers=2)
    server = multiprocessing.Process(target=serve, args=(cfg, out))
    server.start()
    print(out.get(timeout=10))
    server.join()
