import multiprocessing

def report():
    print("writing to", OUTPUT_DIR)

def main():
    global OUTPUT_DIR
    OUTPUT_DIR = "/tmp/out"
    p = multiprocessing.Process(target=report)
    p.start()
    p.join()

if __name__ == "__main__":
    main()
