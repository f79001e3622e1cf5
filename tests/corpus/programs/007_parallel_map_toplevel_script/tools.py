from concurrent.futures import ProcessPoolExecutor


def parallel_map(task, values, num_processes=2):
    if len(values) == 1:
        return [task(values[0])]
    with ProcessPoolExecutor(max_workers=num_processes) as executor:
        return list(executor.map(task, values))
