# source: https://github.com/valhalla/valhalla/pull/3003
# models: a load-testing script passes `initializer=initialize(parsed_args)` -- a call, not the function -- so the HTTP session global is created once in the parent; workers catch and print their errors (on macOS every request printed "name 'session' is not defined")
# expect: misbehaves-spawn: under fork the workers inherit the session global; under spawn they re-import the script, where `session` was never assigned, and every request reports a NameError
import argparse
import multiprocessing


def initialize(args):
    global session
    session = {"host": args.host, "requests": 0}


def make_request(path):
    try:
        return f"{session['host']}/{path}: 200"
    except NameError as e:
        return f"{path}: {e}"


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="http://localhost:8002")
    parsed_args = parser.parse_args()
    with multiprocessing.Pool(2, initializer=initialize(parsed_args)) as pool:
        for line in pool.map(make_request, ["route", "isochrone", "locate"]):
            print(line)
