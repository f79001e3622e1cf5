# source: https://github.com/sosy-lab/benchexec/issues/991
# models: table-generator sets the decimal rounding mode to ROUND_HALF_UP for the whole program in main(), then formats the columns of each result file in a Pool
# expect: misbehaves-spawn: the decimal context is per process state; spawned workers use the default ROUND_HALF_EVEN and print 2.4 where forked workers print 2.5
import decimal
from multiprocessing import Pool


def format_value(raw):
    value = decimal.Decimal(raw)
    return str(value.quantize(decimal.Decimal("0.1")))


def format_column(values):
    return " ".join(format_value(v) for v in values)


def main():
    decimal.getcontext().rounding = decimal.ROUND_HALF_UP
    columns = [["2.45", "1.25"], ["0.35", "3.05"]]
    with Pool(2) as pool:
        for line in pool.map(format_column, columns):
            print(line)


if __name__ == "__main__":
    main()
