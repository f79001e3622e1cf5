# source: https://github.com/CAHLR/pyBKT-examples/pull/3
# models: an example script guarded with `if __name__ == "__main__" and not os.environ.get("PYBKT_SERIAL"):`, falling back to serial fitting otherwise
# expect: clean (the first operand is already false in the __mp_main__ children)
import multiprocessing
import os


def fit_skill(skill):
    return skill, round(len(skill) / 10, 2)


skills = ["Box and Whisker", "Circle Graph", "Equation Solving"]

if __name__ == "__main__" and not os.environ.get("PYBKT_SERIAL"):
    with multiprocessing.Pool(2) as pool:
        print(pool.map(fit_skill, skills))
