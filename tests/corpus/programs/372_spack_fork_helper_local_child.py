# source: https://github.com/spack/spack/issues/14102
# models: the build helper fork(pkg, function) defines child_process() inside itself and runs it as a Process target, reading the result back from a Pipe
# expect: fails-spawn: the nested function cannot be pickled for the spawned child: AttributeError: Can't pickle local object 'fork.<locals>.child_process'
import multiprocessing


class Package:
    def __init__(self, name, version):
        self.name = name
        self.version = version


def fork(pkg, function):
    parent_conn, child_conn = multiprocessing.Pipe()

    def child_process(conn):
        try:
            conn.send(function(pkg))
        finally:
            conn.close()

    proc = multiprocessing.Process(target=child_process, args=(child_conn,))
    proc.start()
    result = parent_conn.recv()
    proc.join()
    return result


def build(pkg):
    return f"built {pkg.name}@{pkg.version}"


if __name__ == "__main__":
    print(fork(Package("cmake", "3.15.1"), build))
