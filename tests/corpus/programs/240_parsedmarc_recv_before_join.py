# source: https://github.com/domainaware/parsedmarc/pull/508
# models: the fix for the large-report deadlock: the parent calls conn.recv() before proc.join()
# expect: clean (the pipe is drained before the join)
import multiprocessing


def parse_report(conn, name):
    records = [{"source_ip": f"10.0.{i // 256}.{i % 256}", "count": i} for i in range(20000)]
    conn.send({"name": name, "records": records})
    conn.close()


if __name__ == "__main__":
    parent_conn, child_conn = multiprocessing.Pipe()
    proc = multiprocessing.Process(target=parse_report, args=(child_conn, "aggregate.xml"))
    proc.start()
    report = parent_conn.recv()
    proc.join()
    print(report["name"], len(report["records"]))
