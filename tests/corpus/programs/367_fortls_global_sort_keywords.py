# source: https://github.com/fortran-lang/fortls/issues/36
# models: the language server reads its options in main() and stores one of them with `global sort_keywords`; the workers that parse files in a Pool read it when they build completion lists
# expect: misbehaves-spawn: spawned workers see the import-time value False and return keywords unsorted, while forked workers see True
from multiprocessing import Pool

sort_keywords = False


def keywords_of(source):
    words = [w for w in source.split() if w.isupper()]
    if sort_keywords:
        words = sorted(words)
    return " ".join(words)


def main(options):
    global sort_keywords
    sort_keywords = options.get("sort_keywords", False)
    files = ["PROGRAM MAIN USE IMPLICIT", "SUBROUTINE CALL END"]
    with Pool(2) as pool:
        for line in pool.map(keywords_of, files):
            print(line)


if __name__ == "__main__":
    main({"sort_keywords": True})
