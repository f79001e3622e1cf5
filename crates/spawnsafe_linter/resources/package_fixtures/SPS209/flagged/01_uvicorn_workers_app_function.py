# expect: SPS209
# oracle-spawn: fails "You must pass the application as an import string"
# oracle-fork: fails "You must pass the application as an import string"
# Modelled on Kludex/uvicorn#687 and #484: an ASGI app object served with
# several workers.
import uvicorn


async def app(scope, receive, send):
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=0, workers=2, log_level="warning")
