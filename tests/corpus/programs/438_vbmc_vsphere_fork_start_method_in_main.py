# source: https://github.com/kurokobo/virtualbmc-for-vsphere/pull/3
# models: the merged fix: vbmcd's main() sets the start method to fork before the manager starts one Process per BMC with a local vbmc_runner closure as target
# expect: clean (the script's own set_start_method('fork') runs first, so the local target is never pickled)
import multiprocessing
import sys


class VirtualBMC:
    def __init__(self, vm_name, port):
        self.vm_name = vm_name
        self.port = port

    def listen(self, results):
        results.put("%s:%d" % (self.vm_name, self.port))


class VirtualBMCManager:
    def __init__(self, domains):
        self.domains = domains
        self.results = multiprocessing.Queue()
        self._running_domains = {}

    def _sync_vbmc_states(self):
        for vm_name, port in self.domains.items():
            vbmc = VirtualBMC(vm_name, port)

            def vbmc_runner(bmc, results):
                bmc.listen(results)

            instance = multiprocessing.Process(name="vbmcd-managing-" + vm_name, target=vbmc_runner, args=(vbmc, self.results))
            instance.daemon = True
            instance.start()
            self._running_domains[vm_name] = instance

    def periodic(self):
        self._sync_vbmc_states()
        found = sorted(self.results.get(timeout=5) for _ in self._running_domains)
        for instance in self._running_domains.values():
            instance.join()
        return found


def main(argv=sys.argv[1:]):
    multiprocessing.set_start_method("fork")
    manager = VirtualBMCManager({"vcsa-01": 6230, "esxi-02": 6231})
    print(manager.periodic())
    return 0


if __name__ == "__main__":
    sys.exit(main())
