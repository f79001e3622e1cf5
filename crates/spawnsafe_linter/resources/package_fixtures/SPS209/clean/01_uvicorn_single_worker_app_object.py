# expect:
# oracle-spawn: hangs
# Modelled on Kludex/uvicorn#317 ("Typically you'll want to just pass the app
# instance as normal"): with one worker and no reload the object is served in
# this process (the server runs until it is stopped).
import uvicorn


async def app(scope, receive, send):
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=0, workers=1, log_level="warning")
