# source: https://github.com/freemansoft/Network-intrusion-dataset-creator/issues/1
# models: "the program uses queues in global variables": packet queues are created at module level; a reader process fills them and the main process consumes them
# expect: fails-spawn: the spawned reader re-imports the module and fills its own new queue; the parent's queue stays empty and get() blocks forever (hang)
import multiprocessing

packet_queue = multiprocessing.Queue()


def read_packets(count):
    for i in range(count):
        packet_queue.put({"src": f"192.168.0.{i}", "len": 60 + i})
    packet_queue.put(None)


def main():
    reader = multiprocessing.Process(target=read_packets, args=(5,))
    reader.start()
    total = 0
    while True:
        packet = packet_queue.get()
        if packet is None:
            break
        total += packet["len"]
    reader.join()
    print("bytes:", total)


if __name__ == "__main__":
    main()
