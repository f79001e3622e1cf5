from concurrent.futures import ProcessPoolExecutor

def cube(x):
    return x ** 3

with ProcessPoolExecutor(max_workers=2) as executor:
    print(list(executor.map(cube, range(5))))
