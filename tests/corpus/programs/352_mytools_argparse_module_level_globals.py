# source: https://github.com/mdcallag/mytools/pull/10
# models: the benchmark client parses its connection options at module level and its worker processes read the parsed `args` global
# expect: clean (spawn passes the parent's sys.argv to the child, so re-running the module-level parse gives the workers the same options)
import argparse
import multiprocessing

parser = argparse.ArgumentParser(description="insert benchmark client")
parser.add_argument("--db-host", default="127.0.0.1")
parser.add_argument("--db-port", type=int, default=3306)
parser.add_argument("--rows", type=int, default=100)
args = parser.parse_args()


def insert_rows(client_id):
    return f"client {client_id} -> {args.db_host}:{args.db_port} inserted {args.rows}"


if __name__ == "__main__":
    with multiprocessing.Pool(2) as pool:
        for line in pool.map(insert_rows, range(2)):
            print(line)
