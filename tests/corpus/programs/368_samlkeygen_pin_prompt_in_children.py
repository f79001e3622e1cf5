# source: https://github.com/turnerlabs/samlkeygen/pull/32
# models: the credential tool asks for the PIN once and caches it in a module global; each worker that fetches a role's credentials calls get_pin(), expecting the cached value
# expect: fails-spawn: spawned workers have the import-time None, so they prompt again with input() on a closed stdin: EOFError
from multiprocessing import Pool

_pin = None


def get_pin():
    global _pin
    if _pin is None:
        _pin = input("PIN+token: ")
    return _pin


def fetch_credentials(role):
    pin = get_pin()
    return f"{role}: token for pin ending {pin[-2:]}"


if __name__ == "__main__":
    _pin = "123456"
    with Pool(2) as pool:
        for line in pool.map(fetch_credentials, ["admin", "readonly"]):
            print(line)
