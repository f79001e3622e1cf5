import multiprocessing

multiprocessing.set_start_method("spawn", force=True)


def fetch_toc(novel):
    return novel, [f"{novel}-ch{i}" for i in range(1, 3)]
