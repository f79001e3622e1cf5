# source: https://github.com/tenstorrent/tt-flash/pull/93
# models: the flasher resets boards in parallel with a Pool whose workers ignore SIGINT; the initializer is given as a lambda
# expect: fails-spawn: initializer and initargs are pickled into each spawned worker's Process: the lambda cannot be pickled by name (PicklingError / AttributeError)
import signal
from multiprocessing import Pool


def reset_board(board_id):
    return f"board {board_id} reset"


def reset_all(board_ids):
    with Pool(len(board_ids), initializer=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) as pool:
        return pool.map(reset_board, board_ids)


if __name__ == "__main__":
    for line in reset_all([0, 1]):
        print(line)
