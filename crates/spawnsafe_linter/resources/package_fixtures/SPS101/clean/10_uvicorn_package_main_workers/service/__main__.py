import uvicorn

if __name__ == "__main__":
    uvicorn.run("service.app:app", host="127.0.0.1", port=0, workers=2, log_level="warning")
    print("server stopped")
