# source: https://github.com/ARM-software/lisa/pull/1879
# models: a trace parser runs in a daemon Process (so it dies with the notebook) and parses event columns with a nested multiprocessing.Pool
# expect: fails-spawn: the daemon process may not have children -> AssertionError: daemonic processes are not allowed to have children; the parent waits for a result that never comes
import multiprocessing


def parse_column(column):
    return column, len(column)


def parse_trace(columns, out):
    with multiprocessing.Pool(2) as pool:
        out.put(dict(pool.map(parse_column, columns)))


if __name__ == "__main__":
    out = multiprocessing.Queue()
    parser = multiprocessing.Process(target=parse_trace, args=(["sched_switch", "cpu_idle"], out), daemon=True)
    parser.start()
    parser.join()
    print("parsed:", out.get(timeout=2) if not out.empty() else None, "exit code", parser.exitcode)
