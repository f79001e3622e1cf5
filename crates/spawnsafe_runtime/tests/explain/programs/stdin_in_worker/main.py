import multiprocessing

def confirm(path):
    answer = input(f"delete {path}? ")
    print(answer)

if __name__ == "__main__":
    p = multiprocessing.Process(target=confirm, args=("/tmp/x",))
    p.start()
    p.join()
