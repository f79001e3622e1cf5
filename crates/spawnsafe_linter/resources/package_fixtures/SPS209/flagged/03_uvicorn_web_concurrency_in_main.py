# expect: SPS209
# oracle-spawn: fails "You must pass the application as an import string"
# oracle-fork: fails "You must pass the application as an import string"
# Modelled on almarklein/timetagger#457: the CLI's main() reads the worker
# count from WEB_CONCURRENCY and serves the ASGI function it was handed as an
# object, so several workers refuse to start. The fix passes "__main__:serve".
import os

import uvicorn


async def serve(scope, receive, send):
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"timetagger"})


def main():
    workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
    uvicorn.run(serve, host="127.0.0.1", port=0, workers=workers, log_level="warning")


if __name__ == "__main__":
    main()
