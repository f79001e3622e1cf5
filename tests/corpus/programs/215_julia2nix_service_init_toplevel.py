# source: https://github.com/codedownio/julia2nix/issues/9
# models: a registry fetcher builds its Fetcher object at module level, and the constructor starts the background download process (macOS: the bootstrapping RuntimeError, then a hang)
# expect: fails-spawn: instantiating the class at import time starts a Process; the spawned child re-imports the script and instantiates it again while bootstrapping (RuntimeError)
import multiprocessing


def download(url, out):
    out.put((url, "sha256-" + str(sum(map(ord, url)) % 100000)))


class Fetcher:
    def __init__(self, urls):
        self.out = multiprocessing.Queue()
        self.procs = [multiprocessing.Process(target=download, args=(u, self.out)) for u in urls]
        for p in self.procs:
            p.start()

    def results(self):
        got = sorted(self.out.get(timeout=10) for _ in self.procs)
        for p in self.procs:
            p.join()
        return got


fetcher = Fetcher(["https://github.com/JuliaRegistries/General.git"])
for url, digest in fetcher.results():
    print("Got registry", digest)
