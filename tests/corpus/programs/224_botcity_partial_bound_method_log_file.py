# source: https://github.com/botcity-dev/botcity-framework-web-python/issues/28
# models: a bot object keeps an open log file; find_multiple maps functools.partial(self._find, ...) over the labels with a multiprocessing Pool
# expect: fails-spawn: the partial holds the bound method, which holds the bot and its open file -> TypeError: cannot pickle '_io.TextIOWrapper' object (every start method)
import functools
import multiprocessing
import os
import tempfile


class WebBot:
    def __init__(self, log_path):
        self.state = {"img0": (10, 20), "img1": (30, 40)}
        self.log = open(log_path, "w")

    def _find(self, label, threshold):
        return label, self.state.get(label), threshold

    def find_multiple(self, labels, threshold=0.9):
        helper = functools.partial(self._find, threshold=threshold)
        with multiprocessing.Pool(2) as pool:
            results = pool.map(helper, labels)
        return dict((label, pos) for label, pos, _ in results)


if __name__ == "__main__":
    bot = WebBot(os.path.join(tempfile.gettempdir(), "webbot.log"))
    print(bot.find_multiple(["img0", "img1"]))
