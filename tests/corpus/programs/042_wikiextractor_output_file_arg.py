# source: https://github.com/WikiExtractor/wikiextractor/issues/271
# models: a dump extractor opens the output file in the parent and passes the file object to the reduce process that writes the extracted pages (works on Ubuntu, fails on Windows)
# expect: fails-spawn: an open file object in Process args cannot be pickled -> TypeError: cannot pickle '_io.TextIOWrapper' object
import multiprocessing
import os
import tempfile


def reduce_process(output, pages):
    for title, text in pages:
        output.write(f"<doc title={title!r}>{text}</doc>\n")
    output.flush()


if __name__ == "__main__":
    path = os.path.join(tempfile.mkdtemp(), "wiki_00")
    pages = [("Alpha", "first"), ("Beta", "second")]
    with open(path, "w") as output:
        reducer = multiprocessing.Process(target=reduce_process, args=(output, pages))
        reducer.start()
        reducer.join()
    with open(path) as f:
        print(f.read().strip())
