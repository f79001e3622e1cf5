# source: https://github.com/brightway-lca/brightway2-io/issues/324
# models: a project set-up script calls the importer for each ecoinvent release in a loop at its top level; the importer parallelises the dataset extraction with a Pool sized from cpu_count
# expect: fails-spawn: the importer's Pool is created while the script is imported, so each spawned worker re-runs the loop and raises the bootstrapping RuntimeError; the parent hangs
from bw2io_lite import import_ecoinvent_release

PROJECT = "ecoinvent-3.9-cutoff"

for version in ["3.9"]:
    report = import_ecoinvent_release(version=version, system_model="cutoff")
    print(PROJECT, version, report)
