from concurrent.futures import ProcessPoolExecutor

if __name__ == "__main__":
    def checksum(data):
        return sum(data) % 256

    with ProcessPoolExecutor(2) as pool:
        print(pool.submit(checksum, b"abc").result())
