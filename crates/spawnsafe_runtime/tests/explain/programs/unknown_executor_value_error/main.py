from concurrent.futures import ProcessPoolExecutor

def parse(text):
    return int(text)

if __name__ == "__main__":
    with ProcessPoolExecutor(2) as executor:
        print(list(executor.map(parse, ["1", "two"])))
