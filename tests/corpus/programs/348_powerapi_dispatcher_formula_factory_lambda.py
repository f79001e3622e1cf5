# source: https://github.com/powerapi-ng/powerapi/pull/285
# models: the dispatcher actor is a Process subclass; the CLI builds it with a formula factory written as a lambda over the parsed configuration and starts it
# expect: fails-spawn: spawn pickles the whole dispatcher, including its formula_factory lambda: "Can't pickle local object 'main.<locals>.<lambda>'" (fork does not pickle it)
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
        lambda name, sensor: RAPLFormula(name, sensor, config["tdp"]),
        [250.0, 62.5],
    )
    dispatcher.start()
    dispatcher.join()


if __name__ == "__main__":
    main()
