# source: https://github.com/saltstack/salt/pull/44187
# models: the fix moved the helper functions the tests run in child processes out of the test method; here they are staticmethods of the test class, referenced through the class
# expect: clean (a staticmethod's function pickles by its qualified name TestEventListener._fire, which getattr finds on the class)
import multiprocessing


class TestEventListener:
    @staticmethod
    def _fire(tag, out):
        out.put(f"fired {tag}")

    @staticmethod
    def _listen(count, out):
        out.put(f"listening for {count} events")

    def run(self):
        out = multiprocessing.Queue()
        procs = [
            multiprocessing.Process(target=TestEventListener._listen, args=(1, out)),
            multiprocessing.Process(target=self._fire, args=("salt/job", out)),
        ]
        for proc in procs:
            proc.start()
        lines = sorted(out.get(timeout=5) for _ in procs)
        for proc in procs:
            proc.join()
        return lines


if __name__ == "__main__":
    for line in TestEventListener().run():
        print(line)
