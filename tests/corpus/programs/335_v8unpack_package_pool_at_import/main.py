# source: https://github.com/saby-integration/v8unpack/pull/26
# models: the package creates its worker pool in a helper module when the package is imported; the user's script imports it and extracts a container in its guard
# expect: fails-spawn: every spawned pool worker re-imports the script, which imports v8unpack, which creates a Pool while the worker is still bootstrapping: RuntimeError; the parent's pool keeps replacing dead workers and hangs
import v8unpack


if __name__ == "__main__":
    print(v8unpack.extract(["form.bin", "module.bin", "metadata.bin"]))
