# source: https://github.com/cdisc-org/cdisc-rules-engine/pull/54
# models: the merged fix: the namedtuple is defined at module level, next to the function that returns it
# expect: clean (RuleResult pickles by name and the parent finds it in its main module)
from collections import namedtuple
from concurrent.futures import ProcessPoolExecutor

RuleResult = namedtuple("RuleResult", ["rule_id", "status", "errors"])


def validate_rule(rule_id):
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
