# source: https://github.com/saby-integration/v8unpack/pull/26
# models: the fix's direction: the package creates its pool lazily the first time extract() runs, which the script calls from its guard
# expect: clean (importing v8unpack in a spawned worker starts nothing; the pool exists only in the parent)
import v8unpack


if __name__ == "__main__":
    print(v8unpack.extract(["form.bin", "module.bin", "metadata.bin"]))
    v8unpack.close_pool()
