# source: https://github.com/Kludex/uvicorn/issues/687
# models: the report: `app = FastAPI(...)` then `uvicorn.run(app, host='0.0.0.0', port=8127, workers=2)` at module level (here a plain ASGI callable stands in for the FastAPI app)
# expect: fails-spawn: with workers=2 uvicorn must re-import the app in its spawned workers, so it refuses an app object ("You must pass the application as an import string to enable 'reload' or 'workers'.") and exits with status 1, under every start method
import uvicorn


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"MADS API"})


uvicorn.run(app, host="127.0.0.1", port=8127, workers=2)
