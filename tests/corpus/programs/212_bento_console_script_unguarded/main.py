# source: https://github.com/cournape/Bento/issues/45
# models: a generated console script without a main guard -- `import sys; from bentotool.cli import main; sys.exit(main())` -- for a tool whose main() uses multiprocessing (multi-file: bentotool/cli.py)
# expect: fails-spawn: every spawned worker re-imports the console script and calls main() again while bootstrapping (RuntimeError); "you end up in an infinite loop" of dying workers (hang)
import sys

from bentotool.cli import main

sys.exit(main())
