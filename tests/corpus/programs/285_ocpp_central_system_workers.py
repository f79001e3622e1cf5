# source: https://github.com/villekr/ocpp-asgi/issues/2
# models: a CentralSystem ASGI object with routers included, served with `uvicorn.run(central_system, host="0.0.0.0", port=9000, headers=headers, workers=10)` under the guard
# expect: fails-spawn: uvicorn refuses an application object when workers > 1 ("You must pass the application as an import string to enable 'reload' or 'workers'.") and exits with status 1 (every start method)
import uvicorn


class CentralSystem:
    def __init__(self):
        self.routers = []

    def include_router(self, router):
        self.routers.append(router)

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket":
            await send({"type": "websocket.close"})


central_system = CentralSystem()
central_system.include_router("v16_provisioning_router")
central_system.include_router("v201_provisioning_router")


if __name__ == "__main__":
    subprotocols = "ocpp2.0.1, ocpp1.6"
    headers = [("Sec-WebSocket-Protocol", subprotocols)]
    uvicorn.run(central_system, host="127.0.0.1", port=9000, headers=headers, workers=10)
