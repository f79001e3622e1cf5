# source: https://github.com/valhalla/valhalla/pull/3003
# models: the merged fix: `initializer=initialize, initargs=(parsed_args,)`, so each worker builds its own session global
# expect: clean (the initializer runs in every worker process)
import argparse
import multiprocessing

session = None


def initialize(args):
    global session
    session = {"host": args.host, "requests": 0}


def make_request(path):
    return f"{session['host']}/{path}: 200"


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="http://localhost:8002")
    parsed_args = parser.parse_args()
    with multiprocessing.Pool(2, initializer=initialize, initargs=(parsed_args,)) as pool:
        for line in pool.map(make_request, ["route", "isochrone", "locate"]):
            print(line)
