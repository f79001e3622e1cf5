from multiprocessing import Pipe, Process

def produce(connection):
    for number in range(100000):
        connection.send(number)

if __name__ == "__main__":
    receiver, sender = Pipe()
    worker = Process(target=produce, args=(sender,))
    worker.start()
    receiver.recv()
    receiver.close()
    worker.join()
