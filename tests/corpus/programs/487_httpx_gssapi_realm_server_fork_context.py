# source: https://github.com/pythongssapi/httpx-gssapi/pull/61
# models: the proposed fix: the fixture takes an explicit fork context for that one server process (a POSIX-only Kerberos test), so the realm is inherited through memory, never pickled
# expect: clean (a fork context does not pickle the Process arguments)
import multiprocessing
import socketserver
import threading
import urllib.request


class K5Realm:
    def __init__(self, realm="KRBTEST.COM"):
        self.realm = realm
        self.user_princ = "user@" + realm
        self.http_princ = "HTTP/localhost@" + realm
        self._ccache_lock = threading.Lock()
        self._tickets = {}

    def kinit(self, princ):
        with self._ccache_lock:
            self._tickets[princ] = "ticket-for-" + princ
        return self._tickets[princ]


def serve(realm, port_queue):
    class Handler(socketserver.StreamRequestHandler):
        def handle(self):
            self.rfile.readline()
            body = ("authenticated as " + realm.kinit(realm.http_princ)).encode()
            self.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)

    with socketserver.TCPServer(("127.0.0.1", 0), Handler) as server:
        port_queue.put(server.server_address[1])
        server.handle_request()


def http_server(realm):
    mp = multiprocessing.get_context("fork")
    port_queue = mp.Queue()
    proc = mp.Process(target=serve, args=(realm, port_queue), daemon=True)
    proc.start()
    port = port_queue.get(timeout=10)
    return proc, port


def test_end_to_end():
    realm = K5Realm()
    realm.kinit(realm.user_princ)
    proc, port = http_server(realm)
    with urllib.request.urlopen("http://127.0.0.1:%d/" % port, timeout=10) as resp:
        print(resp.status, resp.read().decode())
    proc.join(10)


if __name__ == "__main__":
    test_end_to_end()
