import multiprocessing

def show(point):
    print(point.x, point.y)

if __name__ == "__main__":
    class Point:
        def __init__(self, x, y):
            self.x, self.y = x, y

    p = multiprocessing.Process(target=show, args=(Point(1, 2),))
    p.start()
    p.join()
