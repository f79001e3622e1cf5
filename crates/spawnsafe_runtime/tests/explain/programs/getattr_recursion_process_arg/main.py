import multiprocessing

class Record:
    def __init__(self, fields):
        self.fields = fields

    def __getattr__(self, name):
        return self.fields[name]

def show(record):
    print(record.name)

if __name__ == "__main__":
    p = multiprocessing.Process(target=show, args=(Record({"name": "ada"}),))
    p.start()
    p.join()
