# source: https://github.com/Graphify-Labs/graphify/pull/3620
# models: the runner as the fix advises: the extract() call lives in main(), called only under the main guard
# expect: clean (spawned workers import the runner as __mp_main__ and skip main())
from graphify import extract

FILES = ["src/app.py", "src/models.py", "src/views.py", "src/utils.py"]


def main():
    graph = extract(FILES, parallel=True, max_workers=2)
    for name in sorted(graph):
        print(name, "->", graph[name])


if __name__ == "__main__":
    main()
