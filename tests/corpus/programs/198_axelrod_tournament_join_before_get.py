# source: https://github.com/Axelrod-Python/Axelrod/issues/125
# models: a tournament runs repetitions in worker processes that put every match result on a shared Queue; the main process joins the workers and only then reads the queue ("Parallelisation hangs ... deadlock caused by a large queue")
# expect: fails-spawn: workers cannot exit while their queued results are unflushed, and the parent waits in join() instead of reading -> deadlock (hang, every start method)
import multiprocessing


def play_repetitions(worker_id, repetitions, done_queue):
    for rep in range(repetitions):
        done_queue.put((worker_id, rep, [("Cooperator", "Defector", rep, turn) for turn in range(200)]))


if __name__ == "__main__":
    done_queue = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=play_repetitions, args=(i, 50, done_queue)) for i in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    results = [done_queue.get() for _ in range(100)]
    print("results:", len(results))
