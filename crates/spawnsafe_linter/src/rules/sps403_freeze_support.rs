//! SPS403 freeze-support: a frozen program whose main guard does not call
//! `freeze_support()` first. The analysis is the flow layer's
//! [`freeze_support`](spawnsafe_flow::freeze_support).

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use crate::diagnostic::{PlatformClause, Related, SourceFile};
use crate::fix::imports::multiprocessing_member;
use crate::fix::suite::{delete_statement_lines, insert_before};
use crate::fix::{Edit, Fix};
use crate::frozen::{builds_freezing, reads_frozen, FreezeBuild};
use crate::linter::display_path;
use crate::registry::Rule;
use crate::rules::sps101_unguarded_process_start::is_entry_script;
use crate::rules::Checker;
use crate::semantic::MODULE_SCOPE;
use crate::targets::{OnPlatforms, StartMethod};

use spawnsafe_flow::freeze_support::{
    first_action, is_freeze_support, late_freeze_support, main_guard, program_start, First,
};

pub const DOCS: &str = r#"# freeze-support (SPS403)

## What it does
Finds a program that is frozen into an executable and starts processes, but
whose main guard does not call `multiprocessing.freeze_support()` first.

A program counts as frozen when a build file beside its entry script (or up to
two directories above it) names the script — a PyInstaller `*.spec` whose
`Analysis([...])` lists it, a cx_Freeze `setup.py` with `Executable("main.py")`
(or `[tool.cxfreeze] executables` in `pyproject.toml`), a py2exe `setup.py` —
or when the script itself reads `sys.frozen` or `sys._MEIPASS`
(`getattr(sys, "frozen", False)`, `hasattr(sys, "frozen")`). Build files are
only read and parsed, never run.

It starts processes when its main guard or its import-time code creates a
`Pool`, a `ProcessPoolExecutor`, a `Manager` or starts a `Process`, directly or
through the project's own modules. "First" allows imports, docstrings,
comments and constant assignments before the call, in the guard or as the first
statement of the function the guard calls first (`def main(): freeze_support(); ...`);
any spelling counts: `multiprocessing.freeze_support()`, `mp.freeze_support()`,
`from multiprocessing import freeze_support`, `ctx.freeze_support()` on a context.

The finding is about Windows and macOS (where spawn is the default): with
`target-platforms = ["linux"]` it is not reported.

## Why is this bad?
Under spawn a child process is a new interpreter. A frozen program has none:
`multiprocessing.spawn.get_command_line()` then starts the executable itself,
`[sys.executable, '--multiprocessing-fork', 'parent_pid=...', 'pipe_handle=...']`.
The executable runs the program's main script from the top, and only
`freeze_support()` (`multiprocessing.spawn.freeze_support`, which checks
`sys.argv` for `--multiprocessing-fork`, runs the task and exits) turns that run
into a worker. Without it the child runs `main()` again, which starts processes
again: the executable respawns itself endlessly (a fork bomb of windows or
console processes). Code that runs before the call runs again in every child:
an `argparse` parser there exits with `error: unrecognized arguments:
--multiprocessing-fork ...`, a log file opened with `filemode="w"` is truncated.

In CPython `BaseContext.freeze_support()` (`Lib/multiprocessing/context.py`)
acts only when `sys.platform == 'win32'` and `sys.frozen` is set, up to Python
3.13; since Python 3.14 it acts whenever the program is frozen and uses the spawn
start method (gh-80334). PyInstaller and cx_Freeze make it work on macOS and
Linux for older Pythons too. Running the unfrozen script with `python` shows
nothing wrong: `freeze_support()` does nothing there.

## Messages
Proven on CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1 and 3.13.0 by `tests/messages/collect.py`
(the `frozen-child-argparse` case, which runs a script with the arguments a
frozen child gets). A range up to 3.14 was run up to 3.13 and assumes the
raising code named below is unchanged in 3.14.

The endless respawning prints nothing of its own. An `argparse` parser that
runs before `freeze_support()` stops each child with:

| Python | Message |
|---|---|
| 3.8-3.14 | `error: unrecognized arguments: --multiprocessing-fork parent_pid=... pipe_handle=5` |

(`parent_pid` and `pipe_handle` are the real ones; on Windows `parent_pid=N
pipe_handle=M`.) Sources: `Lib/multiprocessing/spawn.py` `get_command_line`
(for `sys.frozen`: `[sys.executable, '--multiprocessing-fork'] + ['%s=%r' % item
for item in kwds.items()]`), `spawn.freeze_support` (`is_forking(sys.argv)` →
`spawn_main(**kwds)`; `sys.exit()`), `Lib/argparse.py` `ArgumentParser.parse_args`.

## Example
```python
from multiprocessing import Pool

def analyse(item):
    ...

def main():
    with Pool() as pool:
        print(pool.map(analyse, load_items()))

if __name__ == "__main__":
    main()
```

Use instead:
```python
from multiprocessing import Pool, freeze_support

def analyse(item):
    ...

def main():
    with Pool() as pool:
        print(pool.map(analyse, load_items()))

if __name__ == "__main__":
    freeze_support()  # first: in a frozen child it runs the task and exits
    main()
```

## Fix
`--fix` inserts `multiprocessing.freeze_support()` as the first statement of
the main guard, through the module's own `import multiprocessing as mp` or
`from multiprocessing import freeze_support` when it has one, else adding
`import multiprocessing` after the module's imports. A later
`freeze_support()` statement directly in the guard is removed; one in a
function (`def main(): ...; freeze_support()`) stays, since the function may
have other callers (a second call does nothing). The fix is
safe: outside a frozen executable the call does nothing, and in a frozen child
it runs the task before anything else, as a spawn child of `python` would.

## References
- [multiprocessing.freeze_support](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.freeze_support)
- CPython `Lib/multiprocessing/spawn.py`: `get_command_line()`, `freeze_support()`;
  `Lib/multiprocessing/context.py`: `BaseContext.freeze_support()`
- [gh-80334: freeze_support() for every spawn platform](https://github.com/python/cpython/issues/80334)
- [PyInstaller: multiprocessing](https://pyinstaller.org/en/stable/common-issues-and-pitfalls.html#multi-processing)
"#;

pub fn check(checker: &mut Checker) {
    let project = checker.project;
    let module = checker.module;
    let path = &project.paths[module];
    if path.is_package_init || path.is_conftest {
        return;
    }
    // Fork children do not re-run the executable (and Windows has no fork: SPS401).
    if checker.program_method == Some(StartMethod::Fork) {
        return;
    }
    let model = &project.models[module];
    let Some((guard_test, guard_body)) = main_guard(model) else {
        return;
    };
    let Some((start_range, trace)) = program_start(project, module) else {
        return;
    };
    // `freeze_support()` at the top of the module runs before the guard does.
    let at_import = model.body.iter().any(|stmt| {
        matches!(stmt, Stmt::Expr(ast::StmtExpr { value, .. })
            if matches!(value.as_ref(), Expr::Call(call) if is_freeze_support(model, call, MODULE_SCOPE)))
    });
    if at_import {
        return;
    }
    let mut entered = None;
    let first = first_action(project, module, guard_body, MODULE_SCOPE, &mut entered);
    let first_range = match first {
        First::FreezeSupport => return,
        First::Other { range, inner } => Some((range, inner)),
        First::Nothing => None,
    };
    // Is it frozen? The script's own check of `sys.frozen` first, then build files on disk.
    let evidence = match reads_frozen(model, model.body) {
        Some((range, what)) if is_entry_script(project, module) => Evidence::Check { range, what },
        _ => match builds_freezing(&checker.file().path).into_iter().next() {
            Some(build) => Evidence::Build(build),
            None => return,
        },
    };

    let late = late_freeze_support(project, module, entered);
    let late_in_entered = entered.is_some_and(|(entered_module, function)| {
        late.is_some_and(|(late_module, late_range)| {
            late_module == entered_module
                && project.models[entered_module].functions[function]
                    .def
                    .range
                    .contains_range(late_range)
        })
    });
    let mut related = Vec::new();
    let evidence_text = match &evidence {
        Evidence::Check { range, what } => {
            related.push(Related {
                file: checker.file().clone(),
                range: *range,
                message: format!("it reads `{what}` here: it runs as a frozen executable"),
            });
            format!("it reads `{what}`")
        }
        Evidence::Build(build) => {
            let display = display_path(&build.path);
            let name = build
                .path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            related.push(Related {
                file: SourceFile::new(build.path.clone(), display, build.text.clone()),
                range: build.range,
                message: format!(
                    "{} builds this script into an executable here",
                    build.freezer.name()
                ),
            });
            format!("{} builds it from `{name}`", build.freezer.name())
        }
    };
    related.push(Related {
        file: checker.file().clone(),
        range: start_range,
        message: if trace.is_empty() {
            "the program starts processes here".to_string()
        } else {
            "this call leads to a process start".to_string()
        },
    });
    related.extend(checker.related(&trace));
    let (message, clause) = match late {
        Some((late_module, late_range)) => {
            if let Some((range, inner)) = first_range {
                // Inside the function the guard calls when `freeze_support()` is late there.
                let (first_module, first_range) = match inner {
                    Some(inner) if late_module == inner.0 && late_in_entered => inner,
                    _ => (module, range),
                };
                related.push(Related {
                    file: checker.files[first_module].clone(),
                    range: first_range,
                    message: "this runs first".to_string(),
                });
            }
            related.push(Related {
                file: checker.files[late_module].clone(),
                range: late_range,
                message: "`freeze_support()` is only called here".to_string(),
            });
            (
                format!("This program is frozen ({evidence_text}) and starts processes, but `multiprocessing.freeze_support()` is not the first thing its main guard runs"),
                "each child process re-runs the executable with `--multiprocessing-fork` arguments, and the code before `freeze_support()` runs again in every child before it becomes a worker (for example, an argparse parser exits with \"unrecognized arguments\" and the child dies)".to_string(),
            )
        }
        None => (
            format!("This program is frozen ({evidence_text}) and starts processes, but its main guard never calls `multiprocessing.freeze_support()`"),
            "each child process re-runs the executable with `--multiprocessing-fork` arguments and, without `freeze_support()` to run its task, runs the program again, which starts processes again: the executable respawns itself endlessly".to_string(),
        ),
    };
    let help = "call `multiprocessing.freeze_support()` first under `if __name__ == \"__main__\":`, before anything else runs".to_string();
    let fix = freeze_support_fix(checker, guard_body);
    let diagnostic = checker.report(Rule::FreezeSupport, guard_test.range(), message, Some(help));
    diagnostic.related = related;
    diagnostic.fix = fix;
    diagnostic.platform_clauses = vec![PlatformClause {
        on: OnPlatforms::WINDOWS.or(OnPlatforms::MACOS),
        text: clause,
    }];
}

/// Inserts `multiprocessing.freeze_support()` as the guard's first statement
/// (written through the module's own import when it has one). Safe: outside a
/// frozen executable the call does nothing, and in a frozen child it turns the
/// run into the worker before anything else runs, as under `python`.
fn freeze_support_fix(checker: &Checker, guard_body: &[Stmt]) -> Option<Fix> {
    let first = guard_body.first()?;
    let file = checker.file();
    let model = &checker.project.models[checker.module];
    let importable = multiprocessing_member(
        model,
        &file.text,
        &file.style,
        "freeze_support",
        MODULE_SCOPE,
        first.start(),
    )?;
    let call = format!("{}()", importable.expr);
    let mut edits: Vec<Edit> = importable.import.into_iter().collect();
    edits.push(insert_before(&file.text, &file.style, first, &call)?);
    // A later `freeze_support()` directly in the guard is now redundant.
    let mut message = format!("Call `{call}` first in the main guard");
    for stmt in &guard_body[1..] {
        if let Stmt::Expr(ast::StmtExpr { value, .. }) = stmt {
            if let Expr::Call(late) = value.as_ref() {
                if is_freeze_support(model, late, MODULE_SCOPE) {
                    if let Some(deletion) = delete_statement_lines(&file.text, stmt) {
                        edits.push(deletion);
                        message.push_str(" instead of later");
                    }
                    break;
                }
            }
        }
    }
    Some(Fix::safe(message, edits))
}
/// Why the program counts as frozen.
enum Evidence {
    /// It reads `sys.frozen` / `sys._MEIPASS`.
    Check {
        range: TextRange,
        what: &'static str,
    },
    /// A build file freezes it.
    Build(FreezeBuild),
}
