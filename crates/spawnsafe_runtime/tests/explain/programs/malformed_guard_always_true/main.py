import multiprocessing

def greet(name):
    print("hello", name)

if "__main__":
    p = multiprocessing.Process(target=greet, args=("world",))
    p.start()
    p.join()
