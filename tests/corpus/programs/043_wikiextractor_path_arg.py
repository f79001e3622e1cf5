# source: https://github.com/WikiExtractor/wikiextractor/issues/271
# models: the same extractor written so that the reduce process receives the output path and opens the file itself
# expect: clean (only a path string is pickled)
import multiprocessing
import os
import tempfile


def reduce_process(path, pages):
    with open(path, "w") as output:
        for title, text in pages:
            output.write(f"<doc title={title!r}>{text}</doc>\n")


if __name__ == "__main__":
    path = os.path.join(tempfile.mkdtemp(), "wiki_00")
    pages = [("Alpha", "first"), ("Beta", "second")]
    reducer = multiprocessing.Process(target=reduce_process, args=(path, pages))
    reducer.start()
    reducer.join()
    with open(path) as f:
        print(f.read().strip())
