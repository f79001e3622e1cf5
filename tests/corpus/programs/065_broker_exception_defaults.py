# source: https://github.com/SatelliteQE/broker/pull/105
# models: the merged fix: the custom exceptions give their __init__ arguments default values, so multiprocessing can re-create them from self.args
# expect: clean (the exception unpickles: every __init__ argument is optional)
import multiprocessing


class ProviderError(Exception):
    def __init__(self, provider=None, message="Unspecified exception"):
        self.provider = provider
        self.message = message
        super().__init__(f"{provider} encountered the following error: {message}")


def checkout(host):
    if host.endswith("-bad"):
        raise ProviderError(provider="AnsibleTower", message=f"no inventory for {host}")
    return host, "ready"


if __name__ == "__main__":
    with multiprocessing.Pool(2) as pool:
        for r in [pool.apply_async(checkout, (h,)) for h in ("rhel8", "rhel9-bad")]:
            try:
                print(r.get(timeout=10))
            except ProviderError as e:
                print("error:", e)
