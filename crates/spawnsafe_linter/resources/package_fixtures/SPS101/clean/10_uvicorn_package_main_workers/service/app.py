"""A plain ASGI application. So that the oracle's run ends, each worker that
imports it asks the supervisor to shut down, as Ctrl+C would (uvicorn's
Multiprocess handles SIGINT by stopping the workers and returning)."""
import multiprocessing
import os
import signal

if multiprocessing.parent_process() is not None:
    os.kill(os.getppid(), signal.SIGINT)


async def app(scope, receive, send):
    if scope["type"] == "http":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})
