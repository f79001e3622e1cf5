# source: https://github.com/lorenzoromani1983/wayback-keyword-search/pull/1
# models: the search tool asks for the domain with input() at module level and then processes snapshots in a Pool; on macOS every pool worker halted waiting for domain input
# expect: fails-spawn: each spawned worker re-runs the top-level input(); a child's stdin is os.devnull, so it raises EOFError while importing and the pool keeps replacing dead workers (hang)
import multiprocessing

domain = input("Domain: ").strip()


def search_snapshot(year):
    return year, f"{domain}/{year}: {len(domain) * year % 7} hits"


if __name__ == "__main__":
    with multiprocessing.Pool(2) as pool:
        for _, line in pool.map(search_snapshot, [2019, 2020, 2021]):
            print(line)
