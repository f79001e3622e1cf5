# source: https://github.com/powerapi-ng/powerapi/pull/285
# models: the fix: the formula factory is a functools.partial of the module-level formula class with the configuration bound as a keyword
# expect: clean (the partial pickles the class by name and the float keyword; the spawned dispatcher rebuilds it)
import functools
import multiprocessing


class RAPLFormula:
    def __init__(self, name, sensor, tdp):
        self.name = name
        self.sensor = sensor
        self.tdp = tdp

    def compute(self, energy):
        return f"{self.name}@{self.sensor}: {energy / self.tdp:.2f}"


class DispatcherActor(multiprocessing.Process):
    def __init__(self, name, formula_factory, reports):
        super().__init__(name=name)
        self.formula_factory = formula_factory
        self.reports = reports

    def run(self):
        formula = self.formula_factory(self.name, "cpu0")
        for energy in self.reports:
            print(formula.compute(energy))


def main():
    config = {"tdp": 125.0}
    dispatcher = DispatcherActor(
        "rapl_dispatcher",
        functools.partial(RAPLFormula, tdp=config["tdp"]),
        [250.0, 62.5],
    )
    dispatcher.start()
    dispatcher.join()


if __name__ == "__main__":
    main()
