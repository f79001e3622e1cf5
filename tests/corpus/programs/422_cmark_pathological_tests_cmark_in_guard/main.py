# source: https://github.com/commonmark/cmark/pull/602
# models: pathological_tests.py parses its arguments and builds the CMark wrapper under the main guard, storing it in a module global that the per-test Process target run_pathological_test() uses
# expect: fails-spawn: spawned children re-import the script without running the guard, so the global cmark is still None (AttributeError: 'NoneType' object has no attribute 'to_html') and the parent's results.get() times out
import argparse
import multiprocessing
import queue

from cmark import CMark

cmark = None

pathological = {
    "nested strong emph": (("*a **a " * 5) + "b" + (" a** a*" * 5)),
    "many emph closers": ("a_ " * 20),
}


def run_pathological_test(description, inp, results):
    output = cmark.to_html(inp)
    results.put((description, len(output)))


def run_tests(timeout=5):
    results = multiprocessing.Queue()
    for description, inp in pathological.items():
        p = multiprocessing.Process(target=run_pathological_test, args=(description, inp, results))
        p.start()
        p.join(timeout)
        try:
            name, size = results.get(timeout=timeout)
            print("%s: passed (%d bytes)" % (name, size))
        except queue.Empty:
            print("%s: FAILED" % description)
            return 1
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Run cmark pathological tests.")
    parser.add_argument("-p", "--program", dest="program", default=None)
    parser.add_argument("--library-dir", dest="library_dir", default=None)
    args = parser.parse_args()
    cmark = CMark(prog=args.program, library_dir=args.library_dir)
    raise SystemExit(run_tests(timeout=3))
