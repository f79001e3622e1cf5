# source: https://github.com/ai-dynamo/aiperf/pull/672
# models: the fix: the functional Enum is created at module level under the same name as the variable holding it, with module=__name__ passed explicitly
# expect: clean (the members pickle as CreditPhase by name and the spawned worker re-creates the same Enum when it re-imports the script)
import enum
from concurrent.futures import ProcessPoolExecutor

CreditPhase = enum.Enum("CreditPhase", ["WARMUP", "PROFILING", "COOLDOWN"], module=__name__)


def issue_credits(phase):
    return f"{phase.name}: {phase.value * 100} credits"


if __name__ == "__main__":
    with ProcessPoolExecutor(max_workers=2) as executor:
        for line in executor.map(issue_credits, list(CreditPhase)):
            print(line)
