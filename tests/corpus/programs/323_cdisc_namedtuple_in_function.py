# source: https://github.com/cdisc-org/cdisc-rules-engine/pull/54
# models: the rule validator defines a namedtuple for its results inside the function that runs one rule, and the rules run in a process pool
# expect: fails-spawn: the returned RuleResult's class is local to validate_rule and cannot be pickled back by name (every start method)
from collections import namedtuple
from concurrent.futures import ProcessPoolExecutor


def validate_rule(rule_id):
    RuleResult = namedtuple("RuleResult", ["rule_id", "status", "errors"])
    errors = [] if rule_id % 2 else [f"row {rule_id}: missing USUBJID"]
    return RuleResult(rule_id, "passed" if not errors else "failed", errors)


class RulesEngine:
    def __init__(self, rules):
        self.rules = rules

    def validate(self):
        with ProcessPoolExecutor(max_workers=2) as executor:
            return list(executor.map(validate_rule, self.rules))


if __name__ == "__main__":
    for result in RulesEngine([1, 2, 3]).validate():
        print(result.rule_id, result.status, result.errors)
