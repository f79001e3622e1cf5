import multiprocessing as mp

def greet(name):
    print("hello", name)

p = mp.Process(target=greet, args=("world",))
p.start()
p.join()
