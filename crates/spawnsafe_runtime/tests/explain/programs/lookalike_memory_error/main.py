from concurrent.futures import ProcessPoolExecutor

def buffer(size):
    return len(bytearray(size))

if __name__ == "__main__":
    with ProcessPoolExecutor(2) as executor:
        print(list(executor.map(buffer, [10, 1 << 62])))
