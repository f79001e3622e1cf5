# source: https://github.com/cdanielmachado/carveme/issues/67
# models: a genome annotation step maps a parser over FASTA headers in a Pool and returns the re.Match objects for the caller to read groups from
# expect: fails-spawn: a re.Match result cannot be pickled in the worker -> multiprocessing.pool.MaybeEncodingError: Error sending result ... cannot pickle 're.Match' object (every start method)
import multiprocessing
import re

HEADER = re.compile(r">(?P<id>\w+)\s+(?P<product>.+)")


def parse_header(line):
    return HEADER.match(line)


if __name__ == "__main__":
    headers = [">WP_001 DNA polymerase", ">WP_002 ribosomal protein L2"]
    with multiprocessing.Pool(2) as pool:
        for m in pool.map(parse_header, headers):
            print(m.group("id"), m.group("product"))
