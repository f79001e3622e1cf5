settings = {"workers": 2}

def workers(config):
    return config["jobs"]

print(workers(settings))
