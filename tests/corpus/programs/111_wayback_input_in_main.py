# source: https://github.com/lorenzoromani1983/wayback-keyword-search/pull/1
# models: the merged fix: input() moves into main(), which runs only in the entry process, and the domain is passed to the workers as an argument
# expect: clean (only the parent reads stdin)
import multiprocessing


def search_snapshot(args):
    domain, year = args
    return f"{domain}/{year}: {len(domain) * year % 7} hits"


def main():
    domain = input("Domain: ").strip()
    with multiprocessing.Pool(2) as pool:
        for line in pool.map(search_snapshot, [(domain, y) for y in (2019, 2020, 2021)]):
            print(line)


if __name__ == "__main__":
    main()
