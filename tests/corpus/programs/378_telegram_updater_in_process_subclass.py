# source: https://github.com/python-telegram-bot/python-telegram-bot/issues/917
# models: a multiprocessing.Process subclass builds the bot's Updater in __init__ (the Updater keeps an RLock and a thread-safe queue.Queue) and the parent starts it with the spawn start method
# expect: fails-spawn: start() pickles the whole Process object, and self.updater holds an RLock: TypeError: cannot pickle '_thread.RLock' object
import multiprocessing as mp
import queue
import threading


class Updater:
    def __init__(self, token):
        self.token = token
        self.__lock = threading.RLock()
        self.update_queue = queue.Queue()

    def start_polling(self):
        with self.__lock:
            return f"polling with {self.token[:4]}..."


class SubProc(mp.Process):
    def __init__(self, chatbot_token):
        super().__init__()
        self.updater = Updater(token=chatbot_token)

    def run(self):
        print(mp.current_process().name, self.updater.start_polling())


if __name__ == "__main__":
    mp.set_start_method("spawn")
    proc = SubProc("1234:SECRET")
    proc.start()
    proc.join()
