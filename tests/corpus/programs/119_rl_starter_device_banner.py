# source: https://github.com/lcswillems/rl-starter-files/issues/48
# models: a training script prints its device and configuration banner at module level and collects episodes with parallel environment processes from the guard; on macOS the "Device: cpu" banner appeared once per process
# expect: misbehaves-spawn: the top-level print runs again in every spawned child, so the banner is repeated in the output
import multiprocessing

DEVICE = "cpu"
print(f"Device: {DEVICE}")


def collect_episode(env_id):
    return env_id, sum((env_id * 7 + t) % 5 for t in range(10))


if __name__ == "__main__":
    with multiprocessing.Pool(2) as pool:
        returns = pool.map(collect_episode, range(4))
    print("returns:", returns)
