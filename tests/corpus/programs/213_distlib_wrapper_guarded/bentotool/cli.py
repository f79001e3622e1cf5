import multiprocessing


def build_extension(name):
    return f"built {name}"


def main():
    with multiprocessing.Pool(2) as pool:
        for line in pool.map(build_extension, ["_speedups", "_hashing"]):
            print(line)
    return 0
