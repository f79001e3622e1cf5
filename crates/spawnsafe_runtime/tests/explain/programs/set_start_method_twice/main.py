import multiprocessing as mp

def configure():
    mp.set_start_method("spawn")

if __name__ == "__main__":
    mp.set_start_method("spawn")
    configure()
