import multiprocessing

def launch(target):
    p = multiprocessing.Process(target=target)
    p.start()
    p.join()
