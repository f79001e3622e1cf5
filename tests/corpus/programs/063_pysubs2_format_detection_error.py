# source: https://github.com/tkarabela/pysubs2/issues/97
# models: a subtitle extractor processes files with pool.apply_async and a callback; the library raises FormatAutodetectionError(sub, formats), whose __init__ calls super().__init__ with a formatted message only
# expect: fails-spawn: unpickling the exception in the parent calls FormatAutodetectionError(message) -> TypeError: __init__() missing 1 required positional argument: 'formats'; the result thread dies and the pool hangs (every start method)
import multiprocessing


class FormatAutodetectionError(Exception):
    def __init__(self, content, formats):
        self.content = content
        self.formats = formats
        super().__init__(f"No suitable formats ({formats!r}) for {content[:10]!r}")


def detect(content):
    if content.startswith("1\n00:"):
        return "srt"
    raise FormatAutodetectionError(content, ["srt", "ass"])


def extract(content):
    return content[:5], detect(content)


if __name__ == "__main__":
    done = []
    files = ["1\n00:00:01,000", "garbage text here"]
    with multiprocessing.Pool(2) as pool:
        results = [pool.apply_async(extract, (f,), callback=done.append) for f in files]
        for r in results:
            try:
                print(r.get())
            except FormatAutodetectionError as e:
                print("skipped:", e.formats)
