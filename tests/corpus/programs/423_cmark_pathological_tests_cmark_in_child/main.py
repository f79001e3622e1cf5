# source: https://github.com/commonmark/cmark/pull/602
# models: the merged fix: the parsed library directory travels in the Process args and run_pathological_test() builds its own CMark wrapper in the child
# expect: clean (nothing the child needs is set by the parent at run time)
import argparse
import multiprocessing
import queue

from cmark import CMark

pathological = {
    "nested strong emph": (("*a **a " * 5) + "b" + (" a** a*" * 5)),
    "many emph closers": ("a_ " * 20),
}


def run_pathological_test(prog, library_dir, description, inp, results):
    cmark = CMark(prog=prog, library_dir=library_dir)
    output = cmark.to_html(inp)
    results.put((description, len(output)))


def run_tests(args, timeout=5):
    results = multiprocessing.Queue()
    for description, inp in pathological.items():
        p = multiprocessing.Process(
            target=run_pathological_test,
            args=(args.program, args.library_dir, description, inp, results),
        )
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
    raise SystemExit(run_tests(args, timeout=3))
