# source: https://github.com/Kludex/uvicorn/issues/484
# models: a Starlette-style ASGI app object passed directly to `uvicorn.run(app, host="127.0.0.1", port=8000, workers=2)` under the guard (Windows: WinError from the spawned workers)
# expect: fails-spawn: uvicorn starts its workers with spawn and must re-import the application, so with workers > 1 it refuses an app object ("You must pass the application as an import string") and exits with an error status
import uvicorn


async def app(scope, receive, send):
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"hello world"})


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=8000, workers=2, log_level="warning")
