# source: https://github.com/osbuild/osbuild/pull/2115
# models: the merged fix: the API test starts its child with mp.get_context("fork").Process and a target nested in the test method, while the API server listens on a socket in the parent
# expect: clean (an explicit fork context pickles nothing at start(), whatever the default start method is)
import multiprocessing as mp
import os
import socket
import tempfile
import unittest


class API:
    def __init__(self, socket_address):
        self.socket_address = socket_address
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)

    def __enter__(self):
        self.sock.bind(self.socket_address)
        return self

    def __exit__(self, *exc):
        self.sock.close()

    def receive(self):
        return self.sock.recv(1024).decode()


class TestAPI(unittest.TestCase):
    def test_exception(self):
        with tempfile.TemporaryDirectory() as tmpdir:
            path = os.path.join(tmpdir, "osbuild-api")

            def exception(path):
                client = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                client.sendto(b"exception: ValueError", path)
                client.close()

            api = API(socket_address=path)
            with api:
                ctx = mp.get_context("fork")
                p = ctx.Process(target=exception, args=(path,))
                p.start()
                message = api.receive()
                p.join()
            print(message)
            self.assertEqual(p.exitcode, 0)


if __name__ == "__main__":
    unittest.main()
