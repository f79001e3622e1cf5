# source: https://github.com/pypa/distlib/pull/242
# models: the script wrapper the PR proposes: the entry point is imported and called only under `if __name__ == "__main__":` (multi-file: bentotool/cli.py uses a Pool)
# expect: clean (spawned children import the wrapper without running the tool)
if __name__ == "__main__":
    import sys

    from bentotool.cli import main

    sys.exit(main())
