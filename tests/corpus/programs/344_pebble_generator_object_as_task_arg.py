# source: https://github.com/noxdafox/pebble/issues/89
# models: the report builder yields the argument lists from a generator function and passes the generator itself to the process pool as one task's argument
# expect: fails-spawn: the task's argument is a generator object: "TypeError: cannot pickle 'generator' object" (every start method)
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta


def download_reports(args_iterable):
    return [f"{account} {day}" for account, day in args_iterable]


def process_args_generator(accounts, days_to_back_fill, end):
    for day in range(days_to_back_fill):
        when = (end - timedelta(days=day)).isoformat()
        for account in accounts:
            yield account, when


if __name__ == "__main__":
    with ProcessPoolExecutor(max_workers=2) as pool:
        future = pool.submit(download_reports, process_args_generator(["acct-1", "acct-2"], 2, date(2022, 1, 11)))
        for line in future.result():
            print(line)
