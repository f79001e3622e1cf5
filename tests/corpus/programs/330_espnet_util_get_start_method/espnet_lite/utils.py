import logging
import multiprocessing

logging.info("multiprocessing start method: %s", multiprocessing.get_start_method())


def load_vocab():
    return ["<blank>", "a", "b", "<eos>"]
