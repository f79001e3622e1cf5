# expect: SPS209
# oracle-spawn: fails "You must pass the application as an import string"
# oracle-fork: fails "You must pass the application as an import string"
# Modelled on Kludex/uvicorn#358: the deployment docs' `reload=True` example
# with an application object (here an ASGI class instance).
import uvicorn


class Service:
    async def __call__(self, scope, receive, send):
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})


service = Service()

if __name__ == "__main__":
    uvicorn.run(service, host="127.0.0.1", port=0, reload=True, log_level="warning")
