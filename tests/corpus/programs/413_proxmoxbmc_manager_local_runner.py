# source: https://github.com/agnon/proxmoxbmc/issues/3
# models: the daemon's manager syncs its BMC states periodically; _sync_pbmc_states defines a local pbmc_runner closure over the bmc object and starts a Process per instance with it
# expect: fails-spawn: starting the Process pickles its local target (AttributeError: Can't pickle local object 'ProxmoxBMCManager._sync_pbmc_states.<locals>.pbmc_runner')
import multiprocessing


class ProxmoxBMC:
    def __init__(self, name, port):
        self.name = name
        self.port = port

    def listen(self, results):
        results.put("%s listening on %d" % (self.name, self.port))


class ProxmoxBMCManager:
    def __init__(self, configs):
        self._configs = configs
        self._running = {}
        self.results = multiprocessing.Queue()

    def _sync_pbmc_states(self):
        for name, port in self._configs.items():
            pbmc = ProxmoxBMC(name, port)

            def pbmc_runner(bmc, results):
                bmc.listen(results)

            proc = multiprocessing.Process(target=pbmc_runner, args=(pbmc, self.results), name=name)
            proc.daemon = True
            proc.start()
            self._running[name] = proc

    def periodic(self):
        self._sync_pbmc_states()
        lines = sorted(self.results.get(timeout=5) for _ in self._running)
        for proc in self._running.values():
            proc.join()
        return lines


def application():
    manager = ProxmoxBMCManager({"vm100": 6230, "vm101": 6231})
    for line in manager.periodic():
        print(line)


if __name__ == "__main__":
    application()
