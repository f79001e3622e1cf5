# source: https://github.com/commaai/openpilot/pull/33139
# models: a replay tool reads its log segments in parallel; the per-segment loader `process` is written inside the if __name__ == "__main__" block, right before the Pool that maps it
# expect: fails-spawn: spawned pool workers re-import the script as __mp_main__, where the guard is false, so `process` is never defined: AttributeError: Can't get attribute 'process' on <module '__mp_main__'>
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


def send_thread(can_msgs, rate):
    for ts, msgs in enumerate(can_msgs):
        for addr, dat in msgs:
            print("send", ts, hex(addr), dat.hex())
        time.sleep(1.0 / rate)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Replay CAN messages from a route")
    parser.add_argument("--rate", type=float, default=500.0)
    args = parser.parse_args()

    def process(seg):
        return [(addr, dat) for which, addr, dat in load_segment(seg) if which == "can"]

    print("Loading log...")
    with multiprocessing.Pool(2) as pool:
        CAN_MSGS = pool.map(process, range(len(SEGMENTS)))
    print("Finished loading...")
    send_thread(CAN_MSGS, args.rate)
