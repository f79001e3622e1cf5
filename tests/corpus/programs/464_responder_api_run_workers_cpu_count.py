# source: https://github.com/kennethreitz/responder/issues/437
# models: a small web framework's API object is its own ASGI app; API.run(port, workers) hands self to uvicorn.run, and the service calls api.run(port=8080, workers=multiprocessing.cpu_count()) in its main block
# expect: fails-spawn: uvicorn needs an import string to start worker processes and exits: "You must pass the application as an import string to enable 'reload' or 'workers'."
import multiprocessing

import uvicorn


class API:
    def __init__(self, title="service"):
        self.title = title
        self.routes = {}

    def route(self, path):
        def register(fn):
            self.routes[path] = fn
            return fn

        return register

    async def __call__(self, scope, receive, send):
        handler = self.routes.get(scope.get("path", "/"))
        body = (handler() if handler else "not found").encode()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})

    def run(self, address="127.0.0.1", port=8080, workers=1, **options):
        uvicorn.run(self, host=address, port=port, workers=workers, log_level="warning", **options)


api = API()


@api.route("/")
def hello():
    return "hello"


if __name__ == "__main__":
    api.run(port=8080, workers=max(2, multiprocessing.cpu_count()))
