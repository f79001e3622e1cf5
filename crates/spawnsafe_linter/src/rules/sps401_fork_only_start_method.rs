//! SPS401 fork-only-start-method.

use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::Ranged;

use crate::api::Api;
use crate::diagnostic::PlatformClause;
use crate::facts::CallSite;
use crate::platform_checks::{checks_platform_in_project, enclosing_tests, exports_platform_flag};
use crate::project::Project;
use crate::registry::Rule;
use crate::rules::Checker;
use crate::semantic::FunctionId;
use crate::targets::OnPlatforms;

pub const DOCS: &str = r#"# fork-only-start-method (SPS401)

## What it does
Finds code that asks for the *fork* start method by name where nothing checks
that the platform has it: `multiprocessing.get_context("fork")` (also as
`ProcessPoolExecutor(mp_context=...)`, as a base class
`get_context("fork").Process`, or a library's module-level
`_CTX = get_context("fork")`) and `multiprocessing.set_start_method("fork")`,
with or without `force=True`. The method may be a literal or a name only ever
bound to `"fork"` (`START_METHOD = "fork"`).

It stays silent when the choice depends on the platform: under
`if "fork" in multiprocessing.get_all_start_methods():`,
`if sys.platform != "win32":` (or `os.name`, `platform.system()`,
`hasattr(os, "fork")`, a name such as `IS_WINDOWS`, a flag imported from another
project module that tests the platform, a `skipif` decorator), after an `if` on
the platform that returns or raises, inside `try: ... except ValueError:` with a
fallback, in a helper that is only called from such places, or in a module that
exports a platform flag its users import (`parallel_available = os.name ==
"posix"`: they gate the module's code on it). Comparisons such as
`get_start_method() == "fork"` and `"fork"` offered as a command-line choice are
not requests for fork.

The finding is about Windows and macOS: with `target-platforms = ["linux"]` it
is not reported.

It is **off by default**; turn it on with `extend-select = ["SPS401"]` (or
`--extend-select SPS401`) in a project that must run on Windows. An explicit
fork context or start method is how POSIX-only code deliberately keeps fork
(often the maintainers' fix for the very hazards the other rules find), and
where Windows matters the `ValueError` comes at the first run, with no
analysis needed to find it.

## Why is this bad?
Windows has no fork start method: its `multiprocessing.context` defines only the
spawn context, and `BaseContext.get_context()` (which `set_start_method()` goes
through, `force=True` or not) raises for any other name:

```
ValueError: cannot find context for 'fork'
```

A library that does `_CTX = get_context("fork")` at module level makes its own
import fail on Windows.

macOS has fork, but it is unsafe there: macOS system libraries may start
threads, and a forked child of a multi-threaded process can crash or deadlock
(bpo-33725). That is why spawn is the default on macOS since Python 3.8, and
why Python 3.12+ warns when a multi-threaded process forks:

```
DeprecationWarning: This process (pid=...) is multi-threaded, use of fork() may lead to deadlocks in the child.
```

## Messages
Proven on CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1 and 3.13.0 by `tests/messages/collect.py`
(the `fork-on-windows` case). A row for 3.14 alone is read from the 3.14 source, not run; a range up
to 3.14 was run up to 3.13 and assumes the raising code named below is unchanged in 3.14.

| Python | Message |
|---|---|
| 3.8-3.14 (Windows) | `ValueError: cannot find context for 'fork'` |

Not run here (Linux has a fork context; the case only checks that): source
`Lib/multiprocessing/context.py` `BaseContext.get_context`
(`raise ValueError('cannot find context for %r' % method)`); on `win32` only
`'spawn'` is in `_concrete_contexts`.

## Example
```python
import multiprocessing as mp

def resize(image):
    ...

def main(images):
    ctx = mp.get_context("fork")
    with ctx.Pool(4) as pool:
        return pool.map(resize, images)
```

Use instead:
```python
import multiprocessing as mp

def main(images):
    ctx = mp.get_context("spawn")  # available everywhere
    with ctx.Pool(4) as pool:
        return pool.map(resize, images)
```

or pick fork only where it exists:

```python
method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
```

## References
- [multiprocessing: Contexts and start methods](https://docs.python.org/3/library/multiprocessing.html#contexts-and-start-methods)
- [multiprocessing.get_all_start_methods](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.get_all_start_methods)
- CPython `Lib/multiprocessing/context.py`: `BaseContext.get_context()` raises
  `ValueError('cannot find context for %r' % method)`; on `win32` only the spawn
  context exists.
- [bpo-33725: macOS fork is unsafe with threads](https://github.com/python/cpython/issues/77906)
"#;

/// How deep the search for callers of a helper goes.
const MAX_CALLER_DEPTH: usize = 3;

/// The `get_context()`/`set_start_method()` calls of a module that ask for
/// fork on every path with nothing checking the platform: each with the name
/// of the function it calls.
pub fn fork_requests<'s, 'a>(
    project: &'s Project<'_, 'a>,
    module: usize,
) -> Vec<(&'s CallSite<'a>, &'static str)> {
    let model = &project.models[module];
    let mut found = Vec::new();
    for site in &project.facts[module].calls {
        let function = match model.resolve(&site.call.func, site.scope).api() {
            Some(Api::GetContext) => "get_context",
            Some(Api::SetStartMethod) => "set_start_method",
            _ => continue,
        };
        let Some(method) = site.call.arguments.find_argument_value("method", 0) else {
            continue;
        };
        // The method must be fork on every path: a literal, or a name only ever bound to "fork".
        let Some(values) = model.possible_strings(method, site.scope) else {
            continue;
        };
        if values.iter().any(|value| value != "fork") || site_is_guarded(project, module, site, 0) {
            continue;
        }
        // A module that exports a platform flag (`parallel_available = os.name == "posix"`)
        // is used behind it.
        if exports_platform_flag(project, module) {
            continue;
        }
        found.push((site, function));
    }
    found
}

pub fn check(checker: &mut Checker) {
    let project = checker.project;
    let module = checker.module;
    for (site, function) in fork_requests(project, module) {
        let call = site.call;
        let method = call
            .arguments
            .find_argument_value("method", 0)
            .expect("a fork request names its method");
        let source = &checker.file().text;
        let shown = shown_call(source, call, function);
        let named = match method {
            Expr::Name(name) => format!(" (`{}` is \"fork\")", name.id),
            _ => String::new(),
        };
        let what = if function == "get_context" {
            "asks for the fork start method"
        } else {
            "selects the fork start method"
        };
        let message = format!("`{shown}`{named} {what}");
        let help = "use the spawn start method, which every platform has (`get_context(\"spawn\")`), or choose fork only where it exists: `if \"fork\" in multiprocessing.get_all_start_methods():`".to_string();
        let diagnostic =
            checker.report(Rule::ForkOnlyStartMethod, call.range(), message, Some(help));
        diagnostic.platform_clauses = vec![
            PlatformClause {
                on: OnPlatforms::WINDOWS,
                text: format!(
                    "`{function}()` raises \"ValueError: cannot find context for 'fork'\" (only the spawn context exists there)"
                ),
            },
            PlatformClause {
                on: OnPlatforms::MACOS,
                text: "fork is unsafe because system libraries may start threads and a forked child can crash; spawn is the default there since Python 3.8".to_string(),
            },
        ];
    }
}

/// The call as written when it is short (`mp.get_context("fork")`), else `get_context(...)`.
fn shown_call(source: &str, call: &ast::ExprCall, function: &str) -> String {
    let text = &source[call.range()];
    if text.len() <= 60 && !text.contains('\n') {
        text.to_string()
    } else {
        format!("{function}(...)")
    }
}

/// Does the site run only where a platform check or a `ValueError` fallback
/// allows it — by itself, or because every caller of its function does?
fn site_is_guarded(project: &Project, module: usize, site: &CallSite, depth: usize) -> bool {
    if site.platform_checked || site.catches_value_error {
        return true;
    }
    // Tests of flags imported from other project modules (`if CAN_FORK:`).
    let model = &project.models[module];
    let suite = match site.function {
        Some(function) => model.functions[function].def.body.as_slice(),
        None => model.body,
    };
    if enclosing_tests(model, suite, site.call.range())
        .into_iter()
        .any(|test| checks_platform_in_project(project, module, test, site.scope))
    {
        return true;
    }
    match site.function {
        Some(function) if depth < MAX_CALLER_DEPTH => {
            function_is_guarded(project, module, function, depth + 1)
        }
        _ => false,
    }
}

/// A helper whose every caller is guarded (`def fork_ctx(): return get_context("fork")`
/// called under `if sys.platform != "win32":`). A function nobody in the project
/// calls is not: other code may call it.
fn function_is_guarded(
    project: &Project,
    module: usize,
    function: FunctionId,
    depth: usize,
) -> bool {
    let callers = project.callers_of(module, function);
    !callers.is_empty()
        && callers
            .iter()
            .all(|(caller_module, caller)| site_is_guarded(project, *caller_module, caller, depth))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts;
    use crate::project::ModulePath;
    use crate::semantic::ModuleModel;
    use std::path::PathBuf;

    /// The source text of every fork request in the first module.
    fn requests(modules: &[(&str, &str)]) -> Vec<String> {
        requests_in(modules, 0)
    }

    /// The source text of every fork request in one of the modules.
    fn requests_in(modules: &[(&str, &str)], index: usize) -> Vec<String> {
        let parsed: Vec<_> = modules
            .iter()
            .map(|(_, source)| ruff_python_parser::parse_module(source).expect("valid Python"))
            .collect();
        let models: Vec<ModuleModel> = parsed
            .iter()
            .map(|parsed| ModuleModel::build(&parsed.syntax().body))
            .collect();
        let module_facts: Vec<_> = models.iter().map(facts::collect).collect();
        let paths: Vec<ModulePath> = modules
            .iter()
            .map(|(name, _)| ModulePath {
                root: PathBuf::from("/project"),
                name: name.to_string(),
                is_package_init: false,
                in_package: false,
                is_dunder_main: false,
                is_conftest: false,
                is_notebook: false,
            })
            .collect();
        let project = Project::new(&paths, &models, &module_facts);
        fork_requests(&project, index)
            .into_iter()
            .map(|(site, _)| modules[index].1[site.call.range()].to_string())
            .collect()
    }

    #[test]
    fn flags_of_other_modules() {
        let compat = (
            "compat",
            "import os\nCAN_PARALLEL = os.name == 'posix'\ndef fork_ok():\n    return hasattr(os, 'fork')",
        );
        for source in [
            "import multiprocessing as mp\nfrom compat import CAN_PARALLEL\ndef f():\n    if CAN_PARALLEL:\n        return mp.get_context('fork')",
            "import multiprocessing as mp\nimport compat\nctx = mp.get_context('fork') if compat.fork_ok() else None",
            "import multiprocessing as mp\nfrom compat import fork_ok\ndef f():\n    if not fork_ok():\n        return None\n    return mp.get_context('fork')",
        ] {
            assert!(requests(&[("main", source), compat]).is_empty(), "{source}");
        }
        // A library that computes a platform flag its users import is used behind it.
        let library = (
            "lib",
            "import os, multiprocessing as mp\nparallel_ok = os.name == 'posix'\nclass Tasks:\n    def add(self):\n        return mp.get_context('fork').Process()",
        );
        let user = (
            "user",
            "from lib import parallel_ok, Tasks\nif parallel_ok:\n    pass",
        );
        assert!(requests_in(&[library, user], 0).is_empty());
        assert_eq!(requests_in(&[library], 0).len(), 1);
    }

    #[test]
    fn helpers_of_other_modules() {
        let helpers = (
            "helpers",
            "import multiprocessing as mp\ndef fork_ctx():\n    return mp.get_context('fork')",
        );
        // Called only under a platform check, through an alias.
        let guarded = (
            "main",
            "import sys\nfrom helpers import fork_ctx as make\nif sys.platform != 'win32':\n    make()",
        );
        assert!(requests_in(&[guarded, helpers], 1).is_empty());
        // Called without one.
        let unguarded = ("main", "from helpers import fork_ctx\nfork_ctx()");
        assert_eq!(
            requests_in(&[unguarded, helpers], 1),
            vec!["mp.get_context('fork')"]
        );
    }

    fn flagged(source: &str) -> bool {
        !requests(&[("main", source)]).is_empty()
    }

    #[test]
    fn unconditional_fork_requests() {
        for source in [
            "import multiprocessing as mp\nCTX = mp.get_context('fork')",
            "from multiprocessing import set_start_method\nif __name__ == '__main__':\n    set_start_method('fork', force=True)",
            "import multiprocessing\nMETHOD = 'fork'\ndef f():\n    return multiprocessing.get_context(method=METHOD)",
            "import multiprocessing as mp\nfrom concurrent.futures import ProcessPoolExecutor\nex = ProcessPoolExecutor(mp_context=mp.get_context('fork'))",
            "import multiprocessing as mp\nclass Loader(mp.get_context('fork').Process):\n    pass",
            "import torch.multiprocessing as tmp\ntmp.set_start_method('fork')",
            // A helper called from an unguarded place.
            "import multiprocessing as mp\ndef ctx():\n    return mp.get_context('fork')\ndef main():\n    return ctx()",
            // A branch on something that is not the platform.
            "import multiprocessing as mp\nctx = mp.get_context('fork') if FAST else mp.get_context('spawn')",
        ] {
            assert!(flagged(source), "{source}");
        }
    }

    #[test]
    fn guarded_or_not_fork() {
        for source in [
            "import multiprocessing as mp\nctx = mp.get_context('spawn')",
            "import multiprocessing as mp\nctx = mp.get_context()",
            "import multiprocessing as mp\nif mp.get_start_method() == 'fork':\n    print('fork')",
            "import multiprocessing as mp\nmp.get_context('fork' if FAST else 'spawn')",
            "import multiprocessing as mp, sys\nif sys.platform != 'win32':\n    mp.set_start_method('fork')",
            "import multiprocessing as mp, os\nif os.name == 'nt':\n    ctx = mp.get_context('spawn')\nelse:\n    ctx = mp.get_context('fork')",
            "import multiprocessing as mp, platform\nif platform.system() == 'Windows':\n    pass\nelif True:\n    mp.get_context('fork')",
            "import multiprocessing as mp, sys\nIS_WIN = sys.platform.startswith('win')\nif not IS_WIN:\n    mp.get_context('fork')",
            "import multiprocessing as mp\nfrom .compat import ON_WINDOWS\nif not ON_WINDOWS:\n    mp.get_context('fork')",
            "import multiprocessing as mp, os\nctx = mp.get_context('fork') if hasattr(os, 'fork') else mp.get_context('spawn')",
            "import multiprocessing as mp\nif 'fork' in mp.get_all_start_methods():\n    ctx = mp.get_context('fork')",
            "import multiprocessing as mp, sys\ndef ctx():\n    if sys.platform == 'win32':\n        return mp.get_context('spawn')\n    return mp.get_context('fork')",
            "import multiprocessing as mp\ntry:\n    ctx = mp.get_context('fork')\nexcept ValueError:\n    ctx = mp.get_context('spawn')",
            "import multiprocessing as mp\ntry:\n    ctx = mp.get_context('fork')\nexcept (ImportError, Exception):\n    ctx = None",
            "import multiprocessing as mp, sys\nif sys.platform == 'win32':\n    raise ImportError('POSIX only')\n_CTX = mp.get_context('fork')",
            "import multiprocessing as mp, sys, pytest\npytestmark = pytest.mark.skipif(sys.platform == 'win32', reason='fork')\ndef test_it():\n    mp.get_context('fork')",
            "import multiprocessing as mp, pytest\n@pytest.mark.skipif(not HAVE_FCNTL, reason='posix')\ndef test_it():\n    mp.get_context('fork')",
            "import multiprocessing as mp, sys\ndef fork_ctx():\n    return mp.get_context('fork')\ndef pick():\n    if sys.platform != 'win32':\n        return fork_ctx()\n    return mp.get_context('spawn')",
            "import multiprocessing as mp, sys\nif sys.platform != 'win32':\n    def fork_ctx():\n        return mp.get_context('fork')",
        ] {
            assert!(!flagged(source), "{source}");
        }
    }
}
