# source: https://github.com/commaai/openpilot/pull/33139
# models: the merged fix: the per-segment loader moves to module level, above the guard, so the Pool can find it by name
# expect: clean (process is defined when the workers re-import the script; the pool runs only under the guard)
import argparse
import multiprocessing
import time

SEGMENTS = [
    [("can", 0x1A0, b"\x01\x02"), ("carState", 0, b""), ("can", 0x2B0, b"\x03")],
    [("can", 0x1A0, b"\x04"), ("can", 0x3C0, b"\x05\x06")],
    [("gpsLocation", 0, b""), ("can", 0x1A0, b"\x07")],
]


def load_segment(i):
    return SEGMENTS[i]


def process(seg):
    return [(addr, dat) for which, addr, dat in load_segment(seg) if which == "can"]


def send_thread(can_msgs, rate):
    for ts, msgs in enumerate(can_msgs):
        for addr, dat in msgs:
            print("send", ts, hex(addr), dat.hex())
        time.sleep(1.0 / rate)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Replay CAN messages from a route")
    parser.add_argument("--rate", type=float, default=500.0)
    args = parser.parse_args()

    print("Loading log...")
    with multiprocessing.Pool(2) as pool:
        CAN_MSGS = pool.map(process, range(len(SEGMENTS)))
    print("Finished loading...")
    send_thread(CAN_MSGS, args.rate)
