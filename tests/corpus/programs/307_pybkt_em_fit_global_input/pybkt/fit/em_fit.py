import multiprocessing

input = None


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
    global input
    input = {"As": model["As"], "learns": model["learns"], "prior": model["prior"], "num_resources": num_resources}
    with multiprocessing.Pool(2) as pool:
        return pool.map(inner, range(num_resources))
