# source: https://github.com/noxdafox/pebble/issues/76
# models: the report's observation: concurrent.futures.ProcessPoolExecutor can run a task that itself uses a ProcessPoolExecutor (the docs' prime example, nested)
# expect: clean (executor workers are not daemonic since Python 3.9, so they may start their own executor)
import concurrent.futures

PRIMES = [112272535095293, 112582705942171, 115280095190773]


def is_prime(n):
    if n % 2 == 0:
        return False
    i = 3
    while i * i <= min(n, 10 ** 8):
        if n % i == 0:
            return False
        i += 2
    return True


def main():
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as executor:
        return [f"{n} is prime: {p}" for n, p in zip(PRIMES, executor.map(is_prime, PRIMES))]


if __name__ == "__main__":
    with concurrent.futures.ProcessPoolExecutor(max_workers=1) as pool:
        for line in pool.submit(main).result():
            print(line)
