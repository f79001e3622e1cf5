# source: https://github.com/lorenzoromani1983/wayback-keyword-search/pull/1
# models: a search tool wraps its entry check in a helper, `def is_main(): return __name__ == "__main__"`, and calls `if is_main(): main()` at the end of the script
# expect: clean (the helper reads the module's own __name__, which is __mp_main__ in the children, so main() does not run there)
import multiprocessing


def is_main():
    return __name__ == "__main__"


def search(snapshot):
    year, text = snapshot
    return year, text.count("climate")


def main():
    snapshots = [(2019, "climate news climate"), (2020, "sports"), (2021, "climate")]
    with multiprocessing.Pool(2) as pool:
        print(sorted(pool.map(search, snapshots)))


if is_main():
    main()
