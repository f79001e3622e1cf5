# source: https://github.com/SFTtech/openage/pull/1632
# models: an asset converter defines main() that converts media files in a multiprocessing Pool and calls main() at the bottom of the script without `if __name__ == "__main__"` (the fix added the guard and freeze_support for macOS/Windows)
# expect: fails-spawn: main() is called when the module is imported, so every spawned worker runs main() again and starts a pool while bootstrapping (RuntimeError); the parent's pool never finishes
import multiprocessing


def convert(asset):
    name, size = asset
    return f"{name}.png", size // 2


def main():
    assets = [(f"terrain_{i}", 1024 * (i + 1)) for i in range(6)]
    with multiprocessing.Pool(2) as pool:
        converted = pool.map(convert, assets)
    for name, size in converted:
        print(name, size)


main()
