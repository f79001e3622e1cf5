from concurrent.futures import ProcessPoolExecutor

def run():
    class Scaler:
        def __init__(self, k):
            self.k = k

        def apply(self, x):
            return x * self.k

    with ProcessPoolExecutor(2) as executor:
        print(list(executor.map(Scaler(2).apply, range(3))))

if __name__ == "__main__":
    run()
