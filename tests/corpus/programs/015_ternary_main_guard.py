# source: https://github.com/NVIDIA/NVFlare/pull/1939
# models: after the macOS fix that wrapped training scripts in main(), one script calls it with a one-line conditional expression instead of an if statement
# expect: clean (`main() if __name__ == "__main__" else None` is a guard: it is false in the __mp_main__ children)
import multiprocessing


def local_update(site):
    weights = [0.1 * site, 0.2 * site, 0.3 * site]
    return site, round(sum(weights), 3)


def main():
    with multiprocessing.Pool(2) as pool:
        updates = dict(pool.map(local_update, range(1, 5)))
    print("aggregated:", round(sum(updates.values()) / len(updates), 3))


main() if __name__ == "__main__" else None
