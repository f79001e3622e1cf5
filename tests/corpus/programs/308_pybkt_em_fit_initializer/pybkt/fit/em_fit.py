import multiprocessing

input = None


def _init_worker(shared_input):
    global input
    input = shared_input


def inner(resource):
    total = 0.0
    for name in input:
        value = input[name]
        if isinstance(value, list):
            total += sum(value) * (resource + 1)
        else:
            total += value
    return round(total, 3)


def run(model, num_resources):
    shared = {"As": model["As"], "learns": model["learns"], "prior": model["prior"], "num_resources": num_resources}
    with multiprocessing.Pool(2, initializer=_init_worker, initargs=(shared,)) as pool:
        return pool.map(inner, range(num_resources))
