# source: https://github.com/noxdafox/pebble/issues/89
# models: the answer in the thread: the generator is given as the iterable of the map, so the pool draws one argument tuple per task
# expect: clean (the generator is iterated in the parent; only the tuples it yields are pickled)
from datetime import date, timedelta
from multiprocessing import Pool


def download_report_by_account(account, day):
    return f"{account} {day}"


def process_args_generator(accounts, days_to_back_fill, end):
    for day in range(days_to_back_fill):
        when = (end - timedelta(days=day)).isoformat()
        for account in accounts:
            yield account, when


if __name__ == "__main__":
    with Pool(2) as pool:
        for line in pool.starmap(download_report_by_account, process_args_generator(["acct-1", "acct-2"], 2, date(2022, 1, 11))):
            print(line)
