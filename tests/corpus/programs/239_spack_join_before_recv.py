# source: https://github.com/spack/spack/pull/51429
# models: complete_build_process joins the child installer process before calling recv on the pipe; the child sends back a large build result
# expect: fails-spawn: the child blocks in send() once the pipe buffer is full and the parent blocks in join() -> deadlock (hang; every start method)
import multiprocessing


def child_process(write_pipe, spec):
    log = [f"{spec}: compiled unit {i} " + "x" * 200 for i in range(2000)]
    write_pipe.send({"spec": spec, "log": log})
    write_pipe.close()


def complete_build_process(process, read_pipe):
    process.join()
    result = read_pipe.recv()
    return result


if __name__ == "__main__":
    read_pipe, write_pipe = multiprocessing.Pipe(duplex=False)
    proc = multiprocessing.Process(target=child_process, args=(write_pipe, "vtk@9.3"))
    proc.start()
    result = complete_build_process(proc, read_pipe)
    print(result["spec"], len(result["log"]))
