import multiprocessing

name = input("your name: ")

def greet(n):
    print("hello", n)

if __name__ == "__main__":
    p = multiprocessing.Process(target=greet, args=(name,))
    p.start()
    p.join()
