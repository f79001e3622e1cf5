from multiprocessing import Manager

manager = Manager()
shared = manager.dict()
shared["a"] = 1
print(dict(shared))
