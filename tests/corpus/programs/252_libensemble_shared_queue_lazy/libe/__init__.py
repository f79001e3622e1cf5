from .tcp_mgr import ServerQueueManager
from .ensemble import run_ensemble
