# source: https://github.com/ddelange/mapply/issues/37
# models: the user "ended up using process_map from tqdm concurrent futures": a module-level function mapped over rows under the main guard (Windows)
# expect: clean (module-level function, guarded call)
from tqdm.contrib.concurrent import process_map


def clean_row(row):
    return row.strip().lower()


if __name__ == "__main__":
    rows = ["  Alpha", "BETA  ", " Gamma "]
    print(process_map(clean_row, rows, max_workers=2, chunksize=1, disable=True))
