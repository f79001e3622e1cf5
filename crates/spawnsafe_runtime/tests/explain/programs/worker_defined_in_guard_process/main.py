import multiprocessing

if __name__ == "__main__":
    def render(page):
        print("rendering", page)

    p = multiprocessing.Process(target=render, args=(1,))
    p.start()
    p.join()
