import multiprocessing

class Registry(dict):
    def __init__(self, owner):
        super().__init__()
        self.owner = owner

    def __setitem__(self, key, value):
        super().__setitem__(key, (self.owner, value))

def show(registry):
    print(registry)

if __name__ == "__main__":
    registry = Registry("ada")
    registry["x"] = 1
    p = multiprocessing.Process(target=show, args=(registry,))
    p.start()
    p.join()
