//! Whether a frozen program's main guard calls `freeze_support()` first (before anything
//! else runs, also through the function the guard calls first), where it calls it too
//! late, and where the program starts a process that re-runs the executable (the
//! questions SPS403 asks).

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use crate::api;
use crate::project::{Effect, EffectFinder, Project, TraceStep};
use crate::semantic::{
    guard_test, header_range, FunctionId, GuardTest, ModuleModel, ScopeId, Value,
};

/// What a main guard (or the function it calls first) runs first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum First {
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

/// The module's main guard: its test and the body that runs only in the main script.
pub fn main_guard<'a>(model: &ModuleModel<'a>) -> Option<(&'a Expr, &'a [Stmt])> {
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
pub fn program_start(project: &Project, module: usize) -> Option<(TextRange, Vec<TraceStep>)> {
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
pub fn first_action(
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
pub fn is_freeze_support(model: &ModuleModel, call: &ast::ExprCall, scope: ScopeId) -> bool {
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
pub fn late_freeze_support(
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
    use crate::semantic::MODULE_SCOPE;

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
