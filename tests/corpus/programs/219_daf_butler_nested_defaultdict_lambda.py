# source: https://github.com/lsst/daf_butler/pull/844
# models: a dataclass whose records field defaults to a defaultdict of defaultdicts built with lambdas; the record data is sent to a ProcessPoolExecutor worker
# expect: fails-spawn: the instance holds defaultdict(<lambda>) and its default_factory is a lambda defined inside the class's default factory -> "Can't pickle local object" (every start method)
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field


@dataclass
class DatastoreRecordData:
    records: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))

    def add(self, table, dataset_id, row):
        self.records[table][dataset_id].append(row)


def count_rows(data):
    return sum(len(rows) for table in data.records.values() for rows in table.values())


if __name__ == "__main__":
    data = DatastoreRecordData()
    data.add("file_datastore_records", "id-1", {"path": "a.fits"})
    data.add("file_datastore_records", "id-2", {"path": "b.fits"})
    with ProcessPoolExecutor(max_workers=1) as executor:
        print(executor.submit(count_rows, data).result())
