from concurrent.futures import ProcessPoolExecutor

if __name__ == "__main__":
    with ProcessPoolExecutor(2) as executor:
        future = executor.submit(lambda: 42)
        print(future.result())
