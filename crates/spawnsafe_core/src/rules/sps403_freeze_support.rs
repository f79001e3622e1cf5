//! SPS403 freeze-support.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use crate::api;
use crate::diagnostic::{PlatformClause, Related, SourceFile};
use crate::fix::imports::multiprocessing_member;
use crate::fix::suite::{delete_statement_lines, insert_before};
use crate::fix::{Edit, Fix};
use crate::frozen::{builds_freezing, reads_frozen, FreezeBuild};
use crate::linter::display_path;
use crate::project::{Effect, EffectFinder, Project, TraceStep};
use crate::registry::Rule;
use crate::rules::sps101_unguarded_process_start::is_entry_script;
use crate::rules::Checker;
use crate::semantic::{
    guard_test, header_range, FunctionId, GuardTest, ModuleModel, ScopeId, Value, MODULE_SCOPE,
};
use crate::targets::{OnPlatforms, StartMethod};

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

/// What a main guard (or the function it calls first) runs first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum First {
    /// `freeze_support()`, before anything else.
    FreezeSupport,
    /// Something else runs first: here in the suite, and (for a call to a
    /// project function) what that function runs first, in its module.
    Other {
        range: TextRange,
        inner: Option<(usize, TextRange)>,
    },
    /// Nothing runs.
    Nothing,
}

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

/// The module's main guard: its test and the body that runs only in the main script.
fn main_guard<'a>(model: &ModuleModel<'a>) -> Option<(&'a Expr, &'a [Stmt])> {
    model.body.iter().find_map(|stmt| {
        let Stmt::If(if_stmt) = stmt else {
            return None;
        };
        match guard_test(&if_stmt.test) {
            GuardTest::Main => Some((&*if_stmt.test, if_stmt.body.as_slice())),
            GuardTest::NotMain => if_stmt
                .elif_else_clauses
                .iter()
                .find(|clause| clause.test.is_none())
                .map(|clause| (&*if_stmt.test, clause.body.as_slice())),
            _ => None,
        }
    })
}

/// Where the program (the main guard or import-time code) starts a process
/// that re-runs the executable — not through a fork context — and the trace to it.
fn program_start(project: &Project, module: usize) -> Option<(TextRange, Vec<TraceStep>)> {
    let facts = &project.facts[module];
    let mut finder = EffectFinder::new(project);
    let not_fork = |method: Option<&str>| method != Some("fork");
    for body in [&facts.main_only, &facts.import_time] {
        if let Some(start) = body
            .starts
            .iter()
            .find(|start| not_fork(start.method.as_deref()))
        {
            return Some((start.range, Vec::new()));
        }
        for edge in &body.calls {
            if let Some(trace) = finder.call_effect(module, &edge.target, Effect::Start) {
                if not_fork(trace.last().and_then(|step| step.method.as_deref())) {
                    return Some((edge.range, trace));
                }
            }
        }
    }
    None
}

/// What a suite runs first: `freeze_support()`, or something else. In the
/// main guard (`entered` is `None`), a call to a project function counts as
/// `freeze_support()` first when that function starts with it; `entered`
/// receives the function.
fn first_action(
    project: &Project,
    module: usize,
    suite: &[Stmt],
    scope: ScopeId,
    entered: &mut Option<(usize, FunctionId)>,
) -> First {
    let model = &project.models[module];
    for stmt in suite {
        match stmt {
            Stmt::Import(_)
            | Stmt::ImportFrom(_)
            | Stmt::Pass(_)
            | Stmt::Global(_)
            | Stmt::Nonlocal(_) => continue,
            Stmt::Expr(ast::StmtExpr { value, .. }) if value.is_string_literal_expr() => continue,
            Stmt::Try(try_stmt) => {
                return first_action(project, module, &try_stmt.body, scope, entered)
            }
            Stmt::Expr(_)
            | Stmt::Assign(_)
            | Stmt::AnnAssign(_)
            | Stmt::AugAssign(_)
            | Stmt::Return(_) => {}
            // A compound statement (`with Pool() as pool:`, `if args.verbose:`) runs code first.
            _ => {
                return First::Other {
                    range: header_range(stmt),
                    inner: None,
                }
            }
        }
        let Some(call) = first_call(stmt) else {
            // `DEBUG = False`: nothing runs.
            continue;
        };
        if is_freeze_support(model, call, scope) {
            return First::FreezeSupport;
        }
        let mut inner = None;
        if entered.is_none() {
            if let Some((callee_module, callee)) = called_function(project, module, call, scope) {
                *entered = Some((callee_module, callee));
                let info = &project.models[callee_module].functions[callee];
                match first_action(project, callee_module, &info.def.body, info.scope, entered) {
                    First::FreezeSupport => return First::FreezeSupport,
                    First::Other { range, .. } => inner = Some((callee_module, range)),
                    First::Nothing => {}
                }
            }
        }
        return First::Other {
            range: call.range(),
            inner,
        };
    }
    First::Nothing
}

/// The project function a call runs.
fn called_function(
    project: &Project,
    module: usize,
    call: &ast::ExprCall,
    scope: ScopeId,
) -> Option<(usize, FunctionId)> {
    match project.models[module].resolve(&call.func, scope) {
        Value::Function(function) => Some((module, function)),
        Value::Qualified(name) => project.resolve_function(module, &name),
        _ => None,
    }
}

/// The call a simple statement makes first (inner calls run before outer ones:
/// in `sys.exit(main())` it is `main()`).
fn first_call(stmt: &Stmt) -> Option<&ast::ExprCall> {
    struct FirstCall<'a> {
        found: Option<&'a ast::ExprCall>,
    }
    impl<'a> Visitor<'a> for FirstCall<'a> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if self.found.is_some() || matches!(expr, Expr::Lambda(_)) {
                return;
            }
            visitor::walk_expr(self, expr);
            if let (None, Expr::Call(call)) = (self.found, expr) {
                self.found = Some(call);
            }
        }
    }
    let mut finder = FirstCall { found: None };
    finder.visit_stmt(stmt);
    finder.found
}

/// `multiprocessing.freeze_support()` in any spelling: the module function
/// (through an alias or a from-import) or a context's method (`ctx.freeze_support()`).
fn is_freeze_support(model: &ModuleModel, call: &ast::ExprCall, scope: ScopeId) -> bool {
    match model.resolve(&call.func, scope) {
        Value::Qualified(name) => {
            api::normalize(&name).is_some_and(|(path, _)| path == "freeze_support")
        }
        _ => match call.func.as_ref() {
            Expr::Attribute(attribute) => {
                attribute.attr.as_str() == "freeze_support"
                    && matches!(model.resolve(&attribute.value, scope), Value::Context(_))
            }
            _ => false,
        },
    }
}

/// A `freeze_support()` call that comes too late: anywhere in this module, or
/// in the function the guard calls first.
fn late_freeze_support(
    project: &Project,
    module: usize,
    entered: Option<(usize, FunctionId)>,
) -> Option<(usize, TextRange)> {
    let find = |in_module: usize, function: Option<FunctionId>| {
        let model = &project.models[in_module];
        project.facts[in_module]
            .calls
            .iter()
            .filter(|site| function.is_none() || site.function == function)
            .find(|site| is_freeze_support(model, site.call, site.scope))
            .map(|site| (in_module, site.call.range()))
    };
    find(module, None).or_else(|| {
        let (callee_module, callee) = entered?;
        find(callee_module, Some(callee))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts;
    use crate::project::ModulePath;

    fn path(name: &str) -> ModulePath {
        ModulePath::test_script(name)
    }

    /// Does the first module's guard call `freeze_support()` first, and does it start processes?
    fn analyse(modules: &[(&str, &str)]) -> (bool, bool) {
        let parsed: Vec<_> = modules
            .iter()
            .map(|(_, source)| ruff_python_parser::parse_module(source).expect("valid Python"))
            .collect();
        let models: Vec<ModuleModel> = parsed
            .iter()
            .map(|parsed| ModuleModel::build(&parsed.syntax().body))
            .collect();
        let module_facts: Vec<_> = models.iter().map(facts::collect).collect();
        let paths: Vec<ModulePath> = modules.iter().map(|(name, _)| path(name)).collect();
        let project = Project::new(&paths, &models, &module_facts);
        let (_, body) = main_guard(&models[0]).expect("a main guard");
        let first = first_action(&project, 0, body, MODULE_SCOPE, &mut None);
        (
            first == First::FreezeSupport,
            program_start(&project, 0).is_some(),
        )
    }

    fn first_is_freeze_support(source: &str) -> bool {
        analyse(&[("main", source)]).0
    }

    #[test]
    fn freeze_support_first_in_any_spelling() {
        for source in [
            "import multiprocessing\nif __name__ == '__main__':\n    multiprocessing.freeze_support()\n    run()",
            "import multiprocessing as mp\nif __name__ == '__main__':\n    '''Entry.'''\n    import sys\n    mp.freeze_support()\n    run()",
            "from multiprocessing import freeze_support as fs\nif __name__ == '__main__':\n    fs()",
            "import multiprocessing\nCTX = multiprocessing.get_context('spawn')\nif __name__ == '__main__':\n    CTX.freeze_support()",
            "import torch.multiprocessing as tmp\nif __name__ == '__main__':\n    tmp.freeze_support()",
            "import multiprocessing\nif __name__ != '__main__':\n    pass\nelse:\n    DEBUG = False\n    multiprocessing.freeze_support()",
            "from multiprocessing import freeze_support\ndef main():\n    '''Run.'''\n    freeze_support()\n    work()\nif __name__ == '__main__':\n    main()",
            "import sys\nfrom multiprocessing import freeze_support\ndef main():\n    freeze_support()\n    return 0\nif __name__ == '__main__':\n    sys.exit(main())",
        ] {
            assert!(first_is_freeze_support(source), "{source}");
        }
    }

    #[test]
    fn something_else_first() {
        for source in [
            // No call at all.
            "import multiprocessing\nif __name__ == '__main__':\n    run()",
            // After the command line is parsed.
            "import multiprocessing\nif __name__ == '__main__':\n    args = parse()\n    multiprocessing.freeze_support()",
            // In main(), but after logging is set up.
            "import logging\nfrom multiprocessing import freeze_support\ndef main():\n    logging.basicConfig(filename='x.log', filemode='w')\n    freeze_support()\nif __name__ == '__main__':\n    main()",
            // main() is called with the parsed arguments: parse() runs first.
            "from multiprocessing import freeze_support\ndef main(args):\n    freeze_support()\nif __name__ == '__main__':\n    main(parse())",
            // Only two levels: the guard's call, then that function's first statement.
            "from multiprocessing import freeze_support\ndef inner():\n    freeze_support()\ndef main():\n    inner()\nif __name__ == '__main__':\n    main()",
            // A compound statement first.
            "import multiprocessing\nif __name__ == '__main__':\n    with open('x') as f:\n        multiprocessing.freeze_support()",
            // A different function of the same name.
            "def freeze_support():\n    pass\nif __name__ == '__main__':\n    freeze_support()",
        ] {
            assert!(!first_is_freeze_support(source), "{source}");
        }
    }

    #[test]
    fn freeze_support_in_another_module() {
        let (first, starts) = analyse(&[
            (
                "main",
                "from app.cli import main\nif __name__ == '__main__':\n    main()",
            ),
            (
                "app.cli",
                "from multiprocessing import Pool, freeze_support\ndef main():\n    freeze_support()\n    with Pool(2) as pool:\n        pool.map(abs, [1])",
            ),
        ]);
        assert!(first);
        assert!(starts);
    }

    #[test]
    fn what_starts_processes() {
        let starts = |source: &str| analyse(&[("main", source)]).1;
        assert!(starts(
            "from concurrent.futures import ProcessPoolExecutor\ndef main():\n    with ProcessPoolExecutor() as ex:\n        ex.submit(abs, 1)\nif __name__ == '__main__':\n    main()"
        ));
        assert!(starts(
            "import multiprocessing as mp\nif __name__ == '__main__':\n    mp.Process(target=print).start()"
        ));
        // Threads and subprocesses do not re-run the executable.
        assert!(!starts(
            "from concurrent.futures import ThreadPoolExecutor\nimport subprocess\nif __name__ == '__main__':\n    subprocess.run(['ls'])\n    with ThreadPoolExecutor(8) as ex:\n        ex.submit(abs, 1)"
        ));
        // A fork context re-runs nothing.
        assert!(!starts(
            "import multiprocessing as mp\nif __name__ == '__main__':\n    mp.get_context('fork').Pool(2)"
        ));
    }
}
