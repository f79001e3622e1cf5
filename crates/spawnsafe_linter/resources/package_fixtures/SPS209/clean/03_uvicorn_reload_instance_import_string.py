# expect:
# oracle-spawn: ok stdout "status: 204"
# oracle-fork: ok stdout "status: 204"
# The form SPS209's fix gives Kludex/uvicorn#358's program: `reload=True`
# with an ASGI class instance bound at module level, passed as the import
# string "__main__:service". The reloader serves in a spawned child that
# re-imports the script as `__mp_main__` (bound to `__main__` there) and
# finds `service`. A thread asks once, then stops the reloader with SIGINT.
import os
import signal
import threading
import time
import urllib.request

import uvicorn


class Service:
    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})


service = Service()


def ask_then_stop(port):
    for _ in range(200):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                print("status:", response.status, flush=True)
                break
        except OSError:
            time.sleep(0.1)
    os.kill(os.getpid(), signal.SIGINT)


if __name__ == "__main__":
    port = 20000 + os.getpid() % 20000
    threading.Thread(target=ask_then_stop, args=(port,), daemon=True).start()
    uvicorn.run("__main__:service", host="127.0.0.1", port=port, reload=True, log_level="warning")
