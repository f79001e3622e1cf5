# spawnsafe bootstrap: run a Python program with a start method forced as the
# *default* one, the way Windows (spawn), macOS (spawn) or Linux on Python 3.14+
# (forkserver) would pick it.
#
# Usage: python3 -c "$(cat bootstrap.py)" METHOD SCRIPT [ARGS...]
#        python3 -c "$(cat bootstrap.py)" METHOD -m MODULE [ARGS...]
#        python3 -c "$(cat bootstrap.py)" METHOD NOTEBOOK.ipynb
#
# Imported as a module (`spawnsafe run -- COMMAND` does, from a
# `sitecustomize`), it runs nothing and offers `force(METHOD)`.
#
# METHOD is spawn, forkserver or fork, or `windows`: spawn, with the fork and
# forkserver contexts removed as on Windows (`get_context("fork")` then raises
# "ValueError: cannot find context for 'fork'").
#
# A notebook's code cells run one after another in `__main__` with no
# `__file__`, as in Jupyter: spawn children then cannot re-import it
# (IPython magics and shell escapes are skipped).
#
# The default context is replaced rather than `set_start_method()` called, so a
# program that calls `set_start_method()` itself behaves as on Windows: its first
# call succeeds and a second one raises "context has already been set".
import os
import sys


def _force_default_start_method(method, package="multiprocessing"):
    import importlib

    context = importlib.import_module(package + ".context")
    old_default = context._default_context
    new_default = context.DefaultContext(context._concrete_contexts[method])
    context._default_context = new_default

    # `multiprocessing/__init__.py` copied bound methods of the old default
    # context into its namespace, and submodules imported since then did
    # `from . import get_context` etc.: rebind every such copy.
    for name, module in list(sys.modules.items()):
        if module is None or not (
            name == package or name.startswith(package + ".")
        ):
            continue
        for attr, value in list(vars(module).items()):
            if getattr(value, "__self__", None) is old_default:
                setattr(module, attr, getattr(new_default, attr))
    # get_context() would *set* the context (DefaultContext caches it), making
    # the script's first set_start_method() raise: check the default only.
    assert new_default._default_context.get_start_method() == method
    assert new_default._actual_context is None


def force(method):
    """Makes `method` the default start method (`windows`: spawn, with the
    fork and forkserver contexts removed as on Windows)."""
    if method == "windows":
        from multiprocessing import context

        for unavailable in ("fork", "forkserver"):
            context._concrete_contexts.pop(unavailable, None)
        method = "spawn"
    if method != "fork":
        _force_default_start_method(method)
        # multiprocess (pathos's multiprocessing with dill) and billiard
        # (Celery's fork) have default contexts of their own; they are forced
        # too when they are installed.
        import importlib.util

        for package in ("multiprocess", "billiard"):
            if importlib.util.find_spec(package) is not None:
                _force_default_start_method(method, package)


def _notebook_cells(path):
    import json

    with open(path, encoding="utf-8") as handle:
        notebook = json.load(handle)
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(source)
        if source.lstrip().startswith("%%"):
            continue  # a cell magic: not Python
        lines = [
            line
            for line in source.splitlines()
            if not line.lstrip().startswith(("%", "!"))
        ]
        yield "\n".join(lines) + "\n"


def _run_notebook(path):
    # Jupyter runs cells in an interactive `__main__` that has no `__file__`.
    sys.argv = [path]
    sys.path[0] = os.path.dirname(os.path.abspath(path))
    # Read the cells first: clearing `__main__` below removes this bootstrap's names.
    cells = list(_notebook_cells(path))
    namespace = sys.modules["__main__"].__dict__
    original_name = namespace["__name__"]
    for name in [n for n in namespace if n != "__builtins__"]:
        del namespace[name]
    namespace.update(__name__=original_name, __doc__=None, __package__=None, __spec__=None)
    for number, source in enumerate(cells, start=1):
        exec(compile(source, f"<cell {number}>", "exec"), namespace)


def _main():
    args = sys.argv[1:]
    if not args:
        sys.stderr.write("spawnsafe bootstrap: missing start method\n")
        sys.exit(2)
    method, args = args[0], args[1:]
    if method not in ("spawn", "forkserver", "fork", "windows"):
        sys.stderr.write(f"spawnsafe bootstrap: unknown start method {method!r}\n")
        sys.exit(2)
    force(method)
    if args and args[0].endswith(".ipynb"):
        _run_notebook(args[0])
        return

    import runpy

    if args[:1] == ["-m"]:
        if len(args) < 2:
            sys.stderr.write("spawnsafe bootstrap: -m needs a module name\n")
            sys.exit(2)
        # Exactly what `python -m MODULE` does: the current directory first on
        # sys.path, the module run in the real `__main__` namespace.
        sys.argv = ["-m"] + args[2:]
        sys.path[0] = os.getcwd()
        runpy._run_module_as_main(args[1], alter_argv=True)
        return
    if not args:
        sys.stderr.write("spawnsafe bootstrap: missing script\n")
        sys.exit(2)
    script = args[0]
    # As `python script.py`: the script's directory first on sys.path and the
    # code run in the interpreter's own `__main__` module, the one that
    # `multiprocessing` aliased as `__mp_main__` (objects that children send
    # back by reference to `__mp_main__` must resolve in the parent, and
    # `runpy.run_path` would run the script in a temporary module instead).
    sys.argv = args
    sys.path[0] = os.path.dirname(os.path.abspath(script))
    if not os.path.exists(script):
        # What `python missing.py` says, not this bootstrap's traceback.
        sys.stderr.write(
            f"{sys.executable}: can't open file {os.path.abspath(script)!r}: "
            "[Errno 2] No such file or directory\n"
        )
        sys.exit(2)
    if not os.path.isfile(script):
        try:
            runpy.run_path(script, run_name="__main__")  # a directory or zip app
        except ImportError as error:
            if not str(error).startswith("can't find '__main__' module"):
                raise
            sys.stderr.write(f"{sys.executable}: {error}\n")
            sys.exit(1)
        return
    import io
    from importlib.machinery import SourceFileLoader

    with io.open_code(script) as source_file:
        code = compile(source_file.read(), script, "exec")
    main_module = sys.modules["__main__"]
    namespace = main_module.__dict__
    # Keep the interpreter's own (not interned) name object, as `python script.py`
    # does: `__name__ is "__main__"` is False there on CPython <= 3.12.
    original_name = namespace["__name__"]
    for name in [n for n in namespace if n != "__builtins__"]:
        del namespace[name]
    namespace.update(
        __name__=original_name,
        __doc__=None,
        __package__=None,
        __spec__=None,
        __file__=script,
        __cached__=None,
        __loader__=SourceFileLoader("__main__", script),
    )
    exec(code, namespace)


# Run as `python -c` (the program's bootstrap); imported (by the
# `sitecustomize` of `spawnsafe run -- COMMAND`) it only offers `force()`.
if __name__ == "__main__":
    _main()
