import multiprocessing

def ping(q):
    q.put("pong")

q = multiprocessing.Queue()
p = multiprocessing.Process(target=ping, args=(q,))
p.start()
print(q.get())
p.join()
