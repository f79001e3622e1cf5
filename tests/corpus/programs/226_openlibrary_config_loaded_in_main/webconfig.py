config = {}


def load_config(path):
    with open(path) as f:
        for line in f:
            key, _, value = line.strip().partition("=")
            config[key] = value
