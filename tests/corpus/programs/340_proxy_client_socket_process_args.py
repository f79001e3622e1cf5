# source: https://github.com/abhinavsingh/proxy.py/issues/9
# models: the proxy accepts a client connection and hands the connected socket to a new Process that serves it, as the original proxy.py did
# expect: clean (on 3.x multiprocessing registers a reducer for sockets: under spawn the child receives a duplicate of the descriptor, so the client gets its reply)
import socket
import threading
from multiprocessing import Process


def handle(client, addr):
    request = client.recv(1024)
    client.sendall(b"HTTP/1.1 200 OK\r\n\r\n" + request.split(b" ")[1])
    client.close()


def client_request(port, replies):
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.sendall(b"GET /hello HTTP/1.1\r\n\r\n")
        replies.append(conn.recv(1024))


class Proxy:
    def __init__(self):
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(1)

    def serve_one(self):
        client, addr = self.server.accept()
        proc = Process(target=handle, args=(client, addr))
        proc.start()
        client.close()
        proc.join()


if __name__ == "__main__":
    proxy = Proxy()
    replies = []
    t = threading.Thread(target=client_request, args=(proxy.server.getsockname()[1], replies))
    t.start()
    proxy.serve_one()
    t.join()
    print(replies[0].decode().split("\r\n")[-1])
