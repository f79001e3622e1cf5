# source: https://github.com/n8n-io/n8n/pull/19084
# models: a code runner executes user code in a child process that sends the result back over a Pipe; the runner waits with process.join() before receiving, and results larger than the 64 KB pipe buffer freeze it
# expect: fails-spawn: the child blocks in send() until the parent reads, and the parent is blocked in join() -> deadlock (hang, every start method)
import multiprocessing


def execute(code, conn):
    scope = {}
    exec(code, scope)
    conn.send(scope["result"])
    conn.close()


if __name__ == "__main__":
    parent_conn, child_conn = multiprocessing.Pipe(duplex=False)
    proc = multiprocessing.Process(target=execute, args=("result = [f'row {i} ' + 'x' * 100 for i in range(2000)]", child_conn))
    proc.start()
    proc.join()
    result = parent_conn.recv()
    print("items:", len(result))
