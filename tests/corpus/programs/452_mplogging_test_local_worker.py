# source: https://github.com/jruere/multiprocessing-logging/issues/48
# models: the library's unittest test method defines worker() inside itself and starts several multiprocessing.Process(target=worker) that log through the installed handler; the suite runs with unittest.main()
# expect: fails-spawn: AttributeError: Can't pickle local object 'WhenMultipleProcessesLogRecords.test_then_records_should_not_be_garbled.<locals>.worker'
import logging
import multiprocessing
import os
import tempfile
import unittest


class WhenMultipleProcessesLogRecords(unittest.TestCase):
    def setUp(self):
        fd, self.path = tempfile.mkstemp(suffix=".log")
        os.close(fd)
        self.logger = logging.getLogger("mplog_test")
        self.logger.setLevel(logging.INFO)
        self.handler = logging.FileHandler(self.path)
        self.logger.addHandler(self.handler)

    def tearDown(self):
        self.logger.removeHandler(self.handler)
        self.handler.close()
        os.unlink(self.path)

    def test_then_records_should_not_be_garbled(self):
        def worker(n):
            logging.getLogger("mplog_test").info("record %d from worker", n)

        procs = [multiprocessing.Process(target=worker, args=(n,)) for n in range(2)]
        for p in procs:
            p.start()
        for p in procs:
            p.join()
        self.assertTrue(all(p.exitcode == 0 for p in procs))


if __name__ == "__main__":
    unittest.main()
