# source: https://github.com/python/cpython/issues/128145
# models: a unittest's setUp() assigns a global LETTERS to a Manager().dict(); the test maps add_letter over a Pool and add_letter increments LETTERS[letter]
# expect: fails-spawn: the global is only declared at module level (an annotation), so spawned workers, which re-import the module, raise NameError: name 'LETTERS' is not defined and the test errors
from __future__ import annotations

import unittest
from multiprocessing import Manager, Pool

LETTERS: dict[str, int]


def add_letter(letter: str) -> None:
    LETTERS[letter] += 1


class TestAsdf(unittest.TestCase):
    def setUp(self):
        global LETTERS
        self.manager = Manager()
        LETTERS = self.manager.dict(a=0, s=0, d=0, f=0)

    def tearDown(self):
        self.manager.shutdown()

    def test_asdf(self):
        with Pool(2) as pool:
            pool.map(add_letter, list("asdf"))
        print(dict(LETTERS))
        self.assertEqual(dict(LETTERS), {"a": 1, "s": 1, "d": 1, "f": 1})


if __name__ == "__main__":
    unittest.main()
