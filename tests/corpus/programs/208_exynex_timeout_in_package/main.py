# source: https://github.com/pnpnpn/timeout-decorator/issues/76
# models: a package module (exynex/frida_utils.py) decorates process_is_running with @timeout(..., use_signals=False), whose process target is the original function; the CLI calls it (macOS: "it's not the same object as exynex.frida_utils.process_is_running")
# expect: fails-spawn: the original function is pickled by its qualified name, which resolves to the decorated wrapper in the package module -> PicklingError: not the same object
from exynex.frida_utils import process_is_running

if __name__ == "__main__":
    print(process_is_running("SpringBoard"))
