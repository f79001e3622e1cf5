from multiprocessing import Process

def copy_tree(src):
    print("copying", src)

if __name__ == "__main__":
    p = Process(target=copy_tree, args=("data",))
    p.start()
    p.join()
