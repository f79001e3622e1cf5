//! SPS305 stdin-in-worker.

use ruff_python_ast::Expr;
use ruff_text_size::Ranged;

use crate::diagnostic::Related;
use crate::facts::PickleRole;
use crate::globals::{Base, WriteKind};
use crate::registry::Rule;
use crate::rules::Checker;
use crate::targets::Methods;
use crate::workers::{describe_worker, origin_note, reached_without_branches};
use spawnsafe_flow::worker_io::{stdin_reads, Read};

pub const DOCS: &str = r#"# stdin-in-worker (SPS305)

## What it does
Finds code that reads standard input in a child process: `input()`,
`sys.stdin.read()`/`readline()`/`readlines()`, `for line in sys.stdin`,
`sys.stdin` passed to a reader (`json.load(sys.stdin)`, `csv.reader(sys.stdin)`),
and any use of `sys.__stdin__` — in a `Pool` or `ProcessPoolExecutor` task, an
initializer, a `Process` target or a `Process` subclass's `run()`, or in a
function they call (in any project module); also the built-in `input` itself
sent as a task.
An `input()` behind a branch whose value is not known
(`if os.path.exists(out): input("overwrite?")`) is reported as one that may
run in the child (stream reads behind a branch, such as the `-` file name
convention, are not): when it does, it fails the same way. Code that asks
`sys.stdin.isatty()` first is not reported.

## Why is this bad?
Before a child process runs its target, `multiprocessing` closes its standard
input and replaces it with `os.devnull` (`BaseProcess._bootstrap()` calls
`util._close_stdin()`), under every start method — fork, spawn and forkserver
alike — so that children do not compete with the parent for the terminal.
In the child:

- `input()` raises `EOFError: EOF when reading a line`;
- `sys.stdin.read()` and `readline()` return `''`, `for line in sys.stdin`
  sees no lines, and `json.load(sys.stdin)` fails with
  `json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)`;
- `sys.__stdin__` (and any reference to the original `sys.stdin` kept from
  before the child started) is the closed stream:
  `ValueError: I/O operation on closed file.`

A piped input (`cat data | python main.py`) therefore never reaches the worker:
it stays in the parent's standard input. Thread workers (`ThreadPool`,
`multiprocessing.dummy`, `ThreadPoolExecutor`) share the parent's stdin and
are not reported, nor is a file the worker opens itself or the `input=` of a
`subprocess.run()`.

## Messages
Proven on CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1 and 3.13.0 by `tests/messages/collect.py`
(the `input-in-child` case). A row for 3.14 alone is read from the 3.14 source, not run; a range up
to 3.14 was run up to 3.13 and assumes the raising code named below is unchanged in 3.14.

| Python | Message |
|---|---|
| 3.8-3.14 | `EOFError: EOF when reading a line` |

Source: `Lib/multiprocessing/process.py` `BaseProcess._bootstrap` →
`Lib/multiprocessing/util.py` `_close_stdin` (closes `sys.stdin` and reopens
it on `os.devnull`), and `Python/bltinmodule.c` `builtin_input_impl`.

## Example
```python
from multiprocessing import Pool

def purge(path):
    if input(f"delete {path}? [y/N] ") == "y":
        ...

if __name__ == "__main__":
    with Pool(2) as pool:
        pool.map(purge, ["a.cache", "b.cache"])
```

Use instead:
```python
from multiprocessing import Pool

def purge(path):
    ...

if __name__ == "__main__":
    paths = [p for p in ["a.cache", "b.cache"] if input(f"delete {p}? [y/N] ") == "y"]
    with Pool(2) as pool:
        pool.map(purge, paths)
```

## References
- [multiprocessing programming guidelines: Beware of replacing sys.stdin with a "file like object"](https://docs.python.org/3/library/multiprocessing.html#multiprocessing-programming)
- [CPython: `multiprocessing/process.py` (`BaseProcess._bootstrap`) and `multiprocessing/util.py` (`_close_stdin`)](https://github.com/python/cpython/blob/main/Lib/multiprocessing/util.py)
"#;

const HELP: &str = "read the input in the parent and pass it to the workers (as an argument, through `initargs`, or over a `Queue`)";

/// The read in words, and what the child gets; `None` for the closed `sys.__stdin__`.
fn describe(read: &Read, text: &str) -> (String, Option<&'static str>) {
    match read {
        Read::Input => (
            "`input()`".to_string(),
            Some("so it raises \"EOFError: EOF when reading a line\""),
        ),
        Read::Method(name) if name.starts_with("sys.__stdin__") => (format!("`{name}()`"), None),
        Read::Method(name) => (format!("`{name}()`"), Some("so it returns an empty string")),
        Read::Iterate("sys.__stdin__") | Read::Argument("sys.__stdin__", _) => {
            ("`sys.__stdin__`".to_string(), None)
        }
        Read::Iterate(stream) => (
            format!("Iterating over `{stream}`"),
            Some("so the loop sees no lines"),
        ),
        Read::Argument(stream, callee) => (
            format!(
                "`{stream}` passed to `{}()`",
                &text[callee.start().to_usize()..callee.end().to_usize()]
            ),
            Some("so it gets no data"),
        ),
    }
}

/// Some code that runs in a child rebinds `sys.stdin` (to a file it opens):
/// the reads may then be of that file.
fn workers_rebind_stdin(checker: &Checker) -> bool {
    let project = checker.project;
    *checker.workers.rebinds_stdin.get_or_init(|| {
        checker.workers.functions.keys().any(|&(module, function)| {
            project.facts[module].globals.functions[function]
                .writes
                .iter()
                .any(|write| {
                    matches!(write.kind, WriteKind::Store)
                        && matches!(&write.target.base, Base::Imported { level: 0, .. })
                        && write.target.dotted().1 == "sys.stdin"
                })
        })
    })
}

pub fn check(checker: &mut Checker) {
    let project = checker.project;
    let module = checker.module;
    let model = &project.models[module];
    let workers = checker.workers.in_module(module);
    let pickled_input = project.facts[module].pickle_sites.iter().any(|site| {
        matches!(site.role, PickleRole::PoolTask | PickleRole::ExecutorTask)
            && matches!(site.expr, Expr::Name(name) if name.id.as_str() == "input"
                && model.lookup("input", site.scope).is_none())
    });
    if (workers.is_empty() && !pickled_input) || workers_rebind_stdin(checker) {
        return;
    }
    // Which reads run whenever the worker runs, and which sit behind a branch
    // (`if os.path.exists(out): input(...)`) that may or may not run there.
    let mut unbranched = None;
    for (function, origin) in workers {
        let info = &model.functions[function];
        let finder = stdin_reads(model, &info.def.body, info.scope);
        if finder.checks_tty || finder.found.is_empty() {
            continue;
        }
        let unbranched =
            unbranched.get_or_insert_with(|| reached_without_branches(project, checker.workers));
        // A read behind a branch whose value is unknown may still run in the
        // child, and fails there the same way when it does: it is reported as
        // one that may happen.
        let branches = unbranched.get(&(module, function));
        let runs = describe_worker(project, module, function, origin);
        let (note_module, note_range, note) = origin_note(project, origin);
        for (range, read) in finder.found {
            let behind_branch = branches
                .is_none_or(|branches| branches.iter().any(|branch| branch.contains_range(range)));
            // A stream read behind a branch is usually the `-` convention
            // (`if name == "-": sys.stdin.read()`), taken only when asked for;
            // an `input()` prompt behind one runs whenever the branch does.
            if behind_branch && !matches!(read, Read::Input) {
                continue;
            }
            let (reads, uses) = if behind_branch {
                (
                    "may read standard input in a child process (behind a branch that may run there)",
                    "may use the original standard input in a child process (behind a branch that may run there)",
                )
            } else {
                (
                    "reads standard input in a child process",
                    "uses the original standard input in a child process",
                )
            };
            let (what, outcome) = describe(&read, &checker.file().text);
            let message = match outcome {
                Some(outcome) => format!(
                    "{what} {reads}: {runs}, and multiprocessing closes a child's stdin and replaces it with `os.devnull` before the child runs, {outcome}"
                ),
                None => format!(
                    "{what} {uses}: {runs}, and multiprocessing closes it before the child runs: \"ValueError: I/O operation on closed file\""
                ),
            };
            let related = vec![Related {
                file: checker.files[note_module].clone(),
                range: note_range,
                message: note.clone(),
            }];
            let diagnostic = checker.report(Rule::StdinInWorker, range, message, Some(HELP.into()));
            diagnostic.related = related;
            diagnostic.fails_under = Some(Methods::ALL);
        }
    }
    // `pool.map(input, prompts)`: the built-in `input` runs in the workers.
    for site in &project.facts[module].pickle_sites {
        if !matches!(site.role, PickleRole::PoolTask | PickleRole::ExecutorTask) {
            continue;
        }
        if !matches!(site.expr, Expr::Name(name) if name.id.as_str() == "input"
            && model.lookup("input", site.scope).is_none())
        {
            continue;
        }
        let message = "The built-in `input` is sent as a task: it runs in the worker processes, whose stdin multiprocessing replaces with `os.devnull`, so it raises \"EOFError: EOF when reading a line\"".to_string();
        let diagnostic = checker.report(
            Rule::StdinInWorker,
            site.expr.range(),
            message,
            Some(HELP.into()),
        );
        diagnostic.fails_under = Some(Methods::ALL);
    }
}
