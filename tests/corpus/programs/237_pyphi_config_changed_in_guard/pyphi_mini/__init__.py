from .conf import config
