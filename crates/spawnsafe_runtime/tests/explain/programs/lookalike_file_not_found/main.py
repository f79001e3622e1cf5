from concurrent.futures import ProcessPoolExecutor

def size(path):
    with open(path, "rb") as handle:
        return len(handle.read())

if __name__ == "__main__":
    with ProcessPoolExecutor(2) as executor:
        print(list(executor.map(size, ["main.py", "missing.csv"])))
