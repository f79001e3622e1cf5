from multiprocessing import Pool

if __name__ == "__main__":
    def word_count(line):
        return len(line.split())

    with Pool(2) as pool:
        print(pool.map(word_count, ["a b", "c"]))
