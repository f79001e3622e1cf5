class Config:
    some_var = False
    retries = 1
