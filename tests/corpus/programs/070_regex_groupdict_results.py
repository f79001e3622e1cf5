# source: https://github.com/cdanielmachado/carveme/issues/67
# models: the same parser returning match.groupdict() -- a plain dict -- instead of the match object
# expect: clean (results are dicts of strings)
import multiprocessing
import re

HEADER = re.compile(r">(?P<id>\w+)\s+(?P<product>.+)")


def parse_header(line):
    m = HEADER.match(line)
    return m.groupdict() if m else None


if __name__ == "__main__":
    headers = [">WP_001 DNA polymerase", ">WP_002 ribosomal protein L2"]
    with multiprocessing.Pool(2) as pool:
        for d in pool.map(parse_header, headers):
            print(d["id"], d["product"])
