# expect:
# oracle-spawn: ok stdout "[2, 4, 6]"
from tqdm.contrib.concurrent import process_map


def double(x):
    return 2 * x


def main():
    print(process_map(double, [1, 2, 3], max_workers=2, disable=True))


if __name__ == "__main__":
    main()
