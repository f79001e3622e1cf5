from multiprocessing import Pool

def main(scale):
    def work(x):
        return x * scale

    with Pool(2) as pool:
        for value in pool.imap(work, range(4)):
            print(value)

if __name__ == "__main__":
    main(3)
