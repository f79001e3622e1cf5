# source: https://github.com/Kludex/uvicorn/issues/358
# models: the deployment docs' example as the reporter ran it: `uvicorn.run(app, host="127.0.0.1", port=5000, log_level="info", reload=True)` under the guard, with the app object
# expect: fails-spawn: reload runs the server in a spawned subprocess that must import the app by name, so uvicorn refuses the app object and exits with status 1 (every start method)
import uvicorn


class App:
    def __init__(self, greeting):
        self.greeting = greeting

    async def __call__(self, scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": self.greeting.encode()})


app = App("hello")

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=5000, log_level="info", reload=True)
