# source: https://github.com/bahruzjabiyev/t-reqs/issues/1
# models: an HTTP fuzzer object opens its socket in __init__ and each fuzzing round is started with multiprocessing.Process(target=fuzzer.fuzz_individual, ...) (macOS, Python 3.9)
# expect: clean (the bound-method target pickles the fuzzer with its socket, but multiprocessing's ForkingPickler registers a reducer for socket.socket that duplicates the socket into the child)
import multiprocessing
import socket


class Fuzzer:
    def __init__(self, seed):
        self.seed = seed
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))

    def fuzz_individual(self, mutations, out):
        out.put([f"{self.seed}:{m}" for m in mutations])


if __name__ == "__main__":
    fuzzer = Fuzzer(505)
    out = multiprocessing.Queue()
    proc = multiprocessing.Process(target=fuzzer.fuzz_individual, args=(["CL.TE", "TE.CL"], out))
    proc.start()
    print(out.get(timeout=10))
    proc.join()
    fuzzer.listener.close()
