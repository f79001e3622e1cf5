# source: https://github.com/Graphify-Labs/graphify/pull/3620
# models: a quick inline runner script calls the library's extract() at module scope; extract() takes its parallel path through a ProcessPoolExecutor inside the package
# expect: fails-spawn: every spawned worker re-imports the runner and calls extract() again, starting an executor while bootstrapping (RuntimeError: An attempt has been made to start a new process before the current process has finished its bootstrapping phase), and the pool breaks (BrokenProcessPool)
from graphify import extract

FILES = ["src/app.py", "src/models.py", "src/views.py", "src/utils.py"]

graph = extract(FILES, parallel=True, max_workers=2)
for name in sorted(graph):
    print(name, "->", graph[name])
