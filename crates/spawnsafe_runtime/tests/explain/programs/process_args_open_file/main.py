import multiprocessing

def log_to(handle):
    handle.write("child\n")

if __name__ == "__main__":
    with open("run.log", "w") as log:
        p = multiprocessing.Process(target=log_to, args=(log,))
        p.start()
        p.join()
