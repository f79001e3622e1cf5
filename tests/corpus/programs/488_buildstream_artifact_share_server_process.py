# source: https://github.com/apache/buildstream/pull/2067
# models: a test utility runs an artifact cache server in a multiprocessing.Process whose target is the share's own bound run method; the share keeps the thread pool its server handles requests with
# expect: fails-spawn: the bound method pickles the whole share for the child, and its ThreadPoolExecutor holds locks: TypeError: cannot pickle '_thread.lock' object
import multiprocessing
import os
import socket
import tempfile
from concurrent import futures


class ArtifactShare:
    def __init__(self, directory):
        self.repodir = os.path.join(directory, "repo")
        os.makedirs(self.repodir, exist_ok=True)
        self.thread_pool = futures.ThreadPoolExecutor(max_workers=2)
        self.queue = multiprocessing.Queue()
        self.process = multiprocessing.Process(target=self.run, args=(self.queue,))
        self.process.start()
        self.port = self.queue.get(timeout=10)

    def _store(self, conn):
        name = conn.recv(64).decode()
        with open(os.path.join(self.repodir, name), "w") as f:
            f.write("artifact " + name)
        conn.sendall(b"stored " + name.encode())
        conn.close()

    def run(self, q):
        with socket.socket() as server:
            server.bind(("127.0.0.1", 0))
            server.listen()
            q.put(server.getsockname()[1])
            conn, _ = server.accept()
            self.thread_pool.submit(self._store, conn).result()

    def close(self):
        self.process.join(10)


def test_push_artifact():
    with tempfile.TemporaryDirectory() as tmp:
        share = ArtifactShare(tmp)
        with socket.create_connection(("127.0.0.1", share.port), timeout=10) as c:
            c.sendall(b"hello.tar")
            print(c.recv(64).decode())
        share.close()
        print(sorted(os.listdir(share.repodir)))


if __name__ == "__main__":
    test_push_artifact()
