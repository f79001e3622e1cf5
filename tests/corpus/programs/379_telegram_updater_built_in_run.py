# source: https://github.com/python-telegram-bot/python-telegram-bot/issues/917
# models: the workaround from the thread: the Process subclass keeps only the token and creates the Updater (with its RLock and queue) inside run(), in the child
# expect: clean (only the token string is in the Process object's __dict__ when it is pickled)
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
        self.chatbot_token = chatbot_token
        self.updater = None

    def run(self):
        self.updater = Updater(token=self.chatbot_token)
        print("child", self.updater.start_polling())


if __name__ == "__main__":
    mp.set_start_method("spawn")
    proc = SubProc("1234:SECRET")
    proc.start()
    proc.join()
