# source: https://github.com/Mondego/spacetime-crawler4py/issues/33
# models: the framework's get_app() builds an App class (a multiprocessing.Process subclass) inside the function around the user's main function, and the launcher starts an instance
# expect: fails-spawn: the Process object is pickled for the spawned child and its class is local: AttributeError: Can't pickle local object 'get_app.<locals>.App'
from multiprocessing import Process, Queue


def get_app(main_func, results):
    class App(Process):
        def __init__(self, *args):
            super().__init__()
            self.args = args

        def run(self):
            results.put(main_func(*self.args))

    return App


def crawl(seed, depth):
    return f"crawled {seed} to depth {depth}"


def start_crawler(seed):
    results = Queue()
    app = get_app(crawl, results)(seed, 2)
    app.start()
    line = results.get(timeout=5)
    app.join()
    return line


if __name__ == "__main__":
    print(start_crawler("https://www.ics.uci.edu"))
