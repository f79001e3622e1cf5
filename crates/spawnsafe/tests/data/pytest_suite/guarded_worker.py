import multiprocessing

if __name__ == "__main__":
    def work(x):
        return x + 1

    process = multiprocessing.Process(target=work, args=(1,))
    process.start()
    process.join()
    raise SystemExit(process.exitcode)
