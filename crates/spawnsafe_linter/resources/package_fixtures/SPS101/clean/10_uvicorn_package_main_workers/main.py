# expect:
# oracle-run: -m service
# oracle-spawn: ok stdout "server stopped"
# oracle-fork: ok stdout "server stopped"
"""Launcher for the `service` package (the oracle runs `python -m service`).

service/__main__.py starts uvicorn with two workers and the application as an
import string, inside its main guard, as uvicorn's deployment docs show.
uvicorn's workers are always spawn processes (uvicorn/_subprocess.py); they
import `service.app` by name and never re-run a package's `__main__.py`
(spawn skips main modules named `__main__`), so nothing starts twice.
"""
