import multiprocessing

def consume(items):
    for item in items:
        print(item)

if __name__ == "__main__":
    items = (i * i for i in range(3))
    p = multiprocessing.Process(target=consume, args=(items,))
    p.start()
    p.join()
