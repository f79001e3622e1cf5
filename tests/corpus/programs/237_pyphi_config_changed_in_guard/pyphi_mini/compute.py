from .conf import config


def phi(value):
    return round(value * 10, config.PRECISION)
