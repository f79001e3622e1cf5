# source: https://github.com/beda-software/fhirpath-py/pull/16
# models: the change: compile() returns functools.partial(apply_parsed_path, parsed_path) instead of a local closure, and the compiled path is mapped over resources in a Pool
# expect: clean (a partial of a module-level function with picklable arguments pickles)
import functools
import multiprocessing


def parse(path):
    return path.split(".")


def apply_parsed_path(parsed_path, resource, context=None):
    value = resource
    for part in parsed_path[1:]:
        value = value.get(part) if isinstance(value, dict) else None
    return value


def compile(path):
    return functools.partial(apply_parsed_path, parse(path))


if __name__ == "__main__":
    get_family = compile("Patient.name.family")
    resources = [{"name": {"family": "Smith"}}, {"name": {"family": "Jones"}}]
    with multiprocessing.Pool(2) as pool:
        print(pool.map(get_family, resources))
