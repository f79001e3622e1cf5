# expect:
# oracle-spawn: ok stdout "answer: pong"
# oracle-fork: ok stdout "answer: pong"
# The form SPS209's fix gives Kludex/uvicorn#687's program: the application
# passed as the import string "__main__:app" with two workers. uvicorn's
# workers are spawned and import `__main__`, which a spawn child binds to the
# script it re-imported as `__mp_main__`, so they find `app`. A thread asks
# one worker once and then stops the server with SIGINT, as Ctrl-C would.
import os
import signal
import threading
import time
import urllib.request

import uvicorn


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"pong"})


def ask_then_stop(port):
    for _ in range(200):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                print("answer:", response.read().decode(), flush=True)
                break
        except OSError:
            time.sleep(0.1)
    os.kill(os.getpid(), signal.SIGINT)


if __name__ == "__main__":
    port = 20000 + os.getpid() % 20000
    threading.Thread(target=ask_then_stop, args=(port,), daemon=True).start()
    uvicorn.run("__main__:app", host="127.0.0.1", port=port, workers=2, log_level="warning")
