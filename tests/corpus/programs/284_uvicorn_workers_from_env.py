# source: https://github.com/docling-project/docling-serve/pull/35
# models: docling-serve's __main__ before the fix: workers and reload read from UVICORN_WORKERS / RELOAD, then `run(app, host=..., port=port, workers=workers, timeout_keep_alive=600, reload=reload)` with the app object (OpenShift with 3 workers)
# expect: fails-spawn: with more than one worker uvicorn refuses an app object ("You must pass the application as an import string") and exits with status 1 (every start method)
import os

from uvicorn import run


async def app(scope, receive, send):
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"{}"})


def _str_to_bool(value):
    return value.lower() in ("1", "true", "yes")


def main():
    port = int(os.getenv("PORT", "5001"))
    workers = int(os.getenv("UVICORN_WORKERS", "3"))
    reload = _str_to_bool(os.getenv("RELOAD", "False"))
    run(app, host="127.0.0.1", port=port, workers=workers, timeout_keep_alive=600, reload=reload)


if __name__ == "__main__":
    main()
