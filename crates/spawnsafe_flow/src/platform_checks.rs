//! Does code check the platform before it does something platform-specific?
//! Tests of `sys.platform`, `os.name`, `platform.system()`, the available
//! start methods (`get_all_start_methods()`), probes such as `hasattr(os, "fork")`,
//! names that say so (`IS_WINDOWS`), and the statements that end code on some
//! platforms (`if sys.platform == "win32": return`, `skipif` decorators).
//! Rules that are about one platform stay silent where the code already knows.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};

use ruff_text_size::{Ranged, TextRange};

use crate::api;
use crate::project::Project;
use crate::semantic::{string_literal, BindingKind, ModuleModel, ScopeId, Value, MODULE_SCOPE};

/// Names whose value depends on the platform the program runs on.
const PLATFORM_NAMES: &[&str] = &[
    "sys.platform",
    "sys.getwindowsversion",
    "os.name",
    "os.uname",
    "os.fork",
    "platform.system",
    "platform.platform",
    "platform.uname",
    "platform.win32_ver",
    "platform.win32_edition",
    "platform.mac_ver",
    "platform.libc_ver",
    "sysconfig.get_platform",
    "psutil.WINDOWS",
    "psutil.POSIX",
    "psutil.MACOS",
    "psutil.LINUX",
];

/// The multiprocessing functions that tell which start methods exist or are in use.
const START_METHOD_QUERIES: &[&str] = &["get_all_start_methods", "get_start_method"];

/// String values that a test compares with when it checks the platform or the start method.
const PLATFORM_STRINGS: &[&str] = &[
    "win32", "cygwin", "darwin", "linux", "nt", "posix", "Windows", "Darwin", "Linux", "fork",
];

/// Words in an identifier that say it is about the platform (`IS_WINDOWS`,
/// `on_posix`, `isMac`, `HAS_FORK`).
const PLATFORM_WORDS: &[&str] = &[
    "windows", "win", "win32", "win64", "nt", "posix", "darwin", "mac", "macos", "osx", "linux",
    "unix", "platform", "wsl", "fcntl", "termios",
];

/// How far a test is followed through names (`FLAG = IS_WINDOWS`, `def supported(): ...`).
const MAX_PLATFORM_DEPTH: usize = 2;
/// Names bound more often than this are not followed (their value is anyone's guess).
const MAX_FOLLOWED_BINDINGS: usize = 4;

/// Does an identifier name the platform (`IS_WINDOWS`, `isMacOS`, `CAN_FORK`)?
pub fn identifier_names_platform(identifier: &str) -> bool {
    // The words of `snake_case` and `camelCase`, as slices: this runs for
    // every name in every test, so it allocates nothing.
    let mut has_fork = false;
    let mut has_probe = false;
    let mut word_start = 0;
    let mut previous_lower = false;
    let mut is_platform_word = false;
    let mut visit = |word: &str| {
        if word.is_empty() {
            return;
        }
        has_fork |= word.eq_ignore_ascii_case("fork");
        has_probe |= [
            "has",
            "can",
            "supports",
            "support",
            "available",
            "use",
            "allow",
        ]
        .iter()
        .any(|probe| word.eq_ignore_ascii_case(probe));
        is_platform_word |= PLATFORM_WORDS
            .iter()
            .any(|platform| word.eq_ignore_ascii_case(platform));
    };
    for (at, c) in identifier.char_indices() {
        if c == '_' {
            visit(&identifier[word_start..at]);
            word_start = at + 1;
        } else if c.is_uppercase() && previous_lower {
            visit(&identifier[word_start..at]);
            word_start = at;
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
    }
    visit(&identifier[word_start..]);
    (has_fork && has_probe) || is_platform_word
}

/// The imported name an expression spells (`sys.platform`, `platform` from
/// `from sys import platform`), through imports only: cheap, unlike a full resolve.
fn imported_name(model: &ModuleModel, expr: &Expr, scope: ScopeId) -> Option<String> {
    match expr {
        Expr::Name(name) => {
            let (_, bindings) = model.lookup(name.id.as_str(), scope)?;
            match &bindings.last()?.kind {
                BindingKind::Import(path) => Some(path.to_string()),
                BindingKind::FromImport {
                    level: 0,
                    module: Some(module),
                    name,
                } => Some(format!("{module}.{name}")),
                _ => None,
            }
        }
        Expr::Attribute(attribute) => {
            let base = imported_name(model, &attribute.value, scope)?;
            Some(format!("{base}.{}", attribute.attr))
        }
        _ => None,
    }
}

fn is_platform_name(name: &str) -> bool {
    PLATFORM_NAMES.contains(&name)
        || api::normalize(name).is_some_and(|(path, _)| START_METHOD_QUERIES.contains(&path))
}

/// Does an expression test the platform or the available start methods
/// (`sys.platform != "win32"`, `os.name == "nt"`, `platform.system()`,
/// `"fork" in get_all_start_methods()`, `hasattr(os, "fork")`, a name bound
/// to such a test, or a name like `IS_WINDOWS`)?
pub fn mentions_platform_check(model: &ModuleModel, expr: &Expr, scope: ScopeId) -> bool {
    platform_check_depth(model, expr, scope, 0)
}

fn platform_check_depth(model: &ModuleModel, expr: &Expr, scope: ScopeId, depth: usize) -> bool {
    let mut nodes = SubExpressions { nodes: Vec::new() };
    nodes.visit_expr(expr);
    nodes.nodes.into_iter().any(|node| match node {
        Expr::StringLiteral(literal) => PLATFORM_STRINGS.contains(&literal.value.to_str()),
        Expr::Attribute(attribute) => {
            identifier_names_platform(attribute.attr.as_str())
                || START_METHOD_QUERIES.contains(&attribute.attr.as_str())
                || imported_name(model, node, scope).is_some_and(|name| is_platform_name(&name))
        }
        Expr::Name(name) => {
            if identifier_names_platform(name.id.as_str())
                || imported_name(model, node, scope).is_some_and(|name| is_platform_name(&name))
            {
                return true;
            }
            if depth >= MAX_PLATFORM_DEPTH {
                return false;
            }
            // A name bound to a test (`IS_WIN = sys.platform == "win32"`), or a
            // function returning one (`def supported(): return os.name == "posix"`).
            let Some((found_in, bindings)) = model.lookup(name.id.as_str(), scope) else {
                return false;
            };
            if bindings.len() > MAX_FOLLOWED_BINDINGS {
                return false;
            }
            bindings.iter().any(|binding| match binding.kind {
                BindingKind::Assign(value) => {
                    platform_check_depth(model, value, found_in, depth + 1)
                }
                BindingKind::Function(function) => {
                    let info = &model.functions[function];
                    info.returns.len() <= MAX_FOLLOWED_BINDINGS
                        && info.returns.iter().any(|returned| {
                            platform_check_depth(model, returned, info.scope, depth + 1)
                        })
                }
                _ => false,
            })
        }
        // `hasattr(os, "fork")`, `hasattr(sys, "getwindowsversion")`: probes for platform APIs.
        Expr::Call(call) => {
            matches!(call.func.as_ref(), Expr::Name(name) if name.id.as_str() == "hasattr")
                && call.arguments.args.first().is_some_and(|object| {
                    imported_name(model, object, scope)
                        .is_some_and(|module| matches!(module.as_str(), "os" | "signal" | "select"))
                        || call.arguments.args.get(1).and_then(string_literal)
                            == Some("getwindowsversion")
                })
        }
        _ => false,
    })
}

/// Does a statement end the code that follows it on some platforms: an `if`
/// on the platform with a branch that returns, raises or exits, an `assert`
/// on the platform, or a module-level `pytestmark` that skips by platform?
pub fn ends_on_platform(model: &ModuleModel, stmt: &Stmt, scope: ScopeId) -> bool {
    match stmt {
        Stmt::If(if_stmt) => {
            let leaves = exits(model, &if_stmt.body, scope)
                || if_stmt
                    .elif_else_clauses
                    .iter()
                    .any(|clause| exits(model, &clause.body, scope));
            leaves
                && std::iter::once(&*if_stmt.test)
                    .chain(
                        if_stmt
                            .elif_else_clauses
                            .iter()
                            .filter_map(|clause| clause.test.as_ref()),
                    )
                    .any(|test| mentions_platform_check(model, test, scope))
        }
        Stmt::Assert(assert) => mentions_platform_check(model, &assert.test, scope),
        Stmt::Assign(assign) if scope == MODULE_SCOPE => {
            assign.targets.iter().any(
                |target| matches!(target, Expr::Name(name) if name.id.as_str() == "pytestmark"),
            ) && mentions_platform_check(model, &assign.value, scope)
        }
        _ => false,
    }
}

/// Does a suite end by leaving (return, raise, continue, break, `sys.exit()`, `pytest.skip()`)?
fn exits(model: &ModuleModel, suite: &[Stmt], scope: ScopeId) -> bool {
    match suite.last() {
        Some(Stmt::Return(_) | Stmt::Raise(_) | Stmt::Continue(_) | Stmt::Break(_)) => true,
        Some(Stmt::Expr(ast::StmtExpr { value, .. })) => {
            let Expr::Call(call) = value.as_ref() else {
                return false;
            };
            if matches!(call.func.as_ref(), Expr::Name(name) if matches!(name.id.as_str(), "exit" | "quit"))
            {
                return true;
            }
            imported_name(model, &call.func, scope).is_some_and(|name| {
                matches!(
                    name.as_str(),
                    "sys.exit" | "os._exit" | "pytest.skip" | "pytest.exit" | "pytest.xfail"
                )
            })
        }
        _ => false,
    }
}

/// Do a definition's decorators test the platform (`@pytest.mark.skipif(sys.platform == "win32")`),
/// or skip it on a condition (`skipif`, `skipIf`, `skipUnless`: a test that knows where it runs)?
pub fn decorators_check_platform(
    model: &ModuleModel,
    decorators: &[ast::Decorator],
    scope: ScopeId,
) -> bool {
    decorators.iter().any(|decorator| {
        let conditional_skip = match &decorator.expression {
            Expr::Call(call) => matches!(
                call.func.as_ref(),
                Expr::Attribute(attribute)
                    if matches!(attribute.attr.as_str(), "skipif" | "skipIf" | "skipUnless")
            ),
            _ => false,
        };
        conditional_skip || mentions_platform_check(model, &decorator.expression, scope)
    })
}

/// The tests that decide whether the code at `range` runs, within `suite`
/// (and the function and class bodies in it): the `if`/`elif`/`while` tests
/// around it, the tests of earlier `if`s with a branch that leaves
/// (`if X: return`) and of earlier `assert`s, and the conditions of the
/// expressions around it (`a if TEST else b`, `TEST and a`).
pub fn enclosing_tests<'a>(
    model: &ModuleModel,
    suite: &'a [Stmt],
    range: TextRange,
) -> Vec<&'a Expr> {
    let mut tests = Vec::new();
    collect_tests(model, suite, range, &mut tests);
    tests
}

fn collect_tests<'a>(
    model: &ModuleModel,
    suite: &'a [Stmt],
    range: TextRange,
    tests: &mut Vec<&'a Expr>,
) {
    for stmt in suite {
        if !stmt.range().contains_range(range) {
            if stmt.end() <= range.start() {
                match stmt {
                    Stmt::If(if_stmt)
                        if exits(model, &if_stmt.body, MODULE_SCOPE)
                            || if_stmt
                                .elif_else_clauses
                                .iter()
                                .any(|clause| exits(model, &clause.body, MODULE_SCOPE)) =>
                    {
                        tests.push(&if_stmt.test);
                        tests.extend(
                            if_stmt
                                .elif_else_clauses
                                .iter()
                                .filter_map(|clause| clause.test.as_ref()),
                        );
                    }
                    Stmt::Assert(assert) => tests.push(&assert.test),
                    _ => {}
                }
            }
            continue;
        }
        match stmt {
            Stmt::If(if_stmt) if !if_stmt.test.range().contains_range(range) => {
                tests.push(&if_stmt.test);
                if if_stmt
                    .body
                    .iter()
                    .any(|inner| inner.range().contains_range(range))
                {
                    collect_tests(model, &if_stmt.body, range, tests);
                    return;
                }
                for clause in &if_stmt.elif_else_clauses {
                    if let Some(test) = &clause.test {
                        if test.range().contains_range(range) {
                            expression_tests(test, range, tests);
                            return;
                        }
                        tests.push(test);
                    }
                    if clause.range.contains_range(range) {
                        collect_tests(model, &clause.body, range, tests);
                        return;
                    }
                }
            }
            Stmt::While(while_stmt) if !while_stmt.test.range().contains_range(range) => {
                tests.push(&while_stmt.test);
                collect_tests(model, &while_stmt.body, range, tests);
                collect_tests(model, &while_stmt.orelse, range, tests);
            }
            Stmt::For(for_stmt) if !for_stmt.iter.range().contains_range(range) => {
                collect_tests(model, &for_stmt.body, range, tests);
                collect_tests(model, &for_stmt.orelse, range, tests);
            }
            Stmt::With(with)
                if with
                    .body
                    .iter()
                    .any(|inner| inner.range().contains_range(range)) =>
            {
                collect_tests(model, &with.body, range, tests);
            }
            Stmt::Try(try_stmt) => {
                collect_tests(model, &try_stmt.body, range, tests);
                for handler in &try_stmt.handlers {
                    let ast::ExceptHandler::ExceptHandler(handler) = handler;
                    collect_tests(model, &handler.body, range, tests);
                }
                collect_tests(model, &try_stmt.orelse, range, tests);
                collect_tests(model, &try_stmt.finalbody, range, tests);
            }
            Stmt::Match(match_stmt) => {
                for case in &match_stmt.cases {
                    collect_tests(model, &case.body, range, tests);
                }
            }
            Stmt::FunctionDef(def)
                if def
                    .body
                    .iter()
                    .any(|inner| inner.range().contains_range(range)) =>
            {
                collect_tests(model, &def.body, range, tests);
            }
            Stmt::ClassDef(def)
                if def
                    .body
                    .iter()
                    .any(|inner| inner.range().contains_range(range)) =>
            {
                collect_tests(model, &def.body, range, tests);
            }
            _ => {
                let mut finder = ExpressionTests {
                    range,
                    tests: Vec::new(),
                };
                finder.visit_stmt(stmt);
                tests.extend(finder.tests);
            }
        }
        return;
    }
}

fn expression_tests<'a>(expr: &'a Expr, range: TextRange, tests: &mut Vec<&'a Expr>) {
    let mut finder = ExpressionTests {
        range,
        tests: Vec::new(),
    };
    finder.visit_expr(expr);
    tests.extend(finder.tests);
}

/// The conditions of the conditional expressions around a range.
struct ExpressionTests<'a> {
    range: TextRange,
    tests: Vec<&'a Expr>,
}

impl<'a> Visitor<'a> for ExpressionTests<'a> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        if !expr.range().contains_range(self.range) {
            return;
        }
        match expr {
            Expr::If(if_expr) if !if_expr.test.range().contains_range(self.range) => {
                self.tests.push(&if_expr.test);
            }
            Expr::BoolOp(bool_op) => {
                for value in &bool_op.values {
                    if value.range().contains_range(self.range) {
                        break;
                    }
                    self.tests.push(value);
                }
            }
            _ => {}
        }
        visitor::walk_expr(self, expr);
    }
}

/// Like [`mentions_platform_check`], and also through names imported from
/// other project modules (`from .compat import CAN_FORK` where
/// `CAN_FORK = os.name == "posix"`, or a function returning such a test).
pub fn checks_platform_in_project(
    project: &Project,
    module: usize,
    expr: &Expr,
    scope: ScopeId,
) -> bool {
    let model = &project.models[module];
    if mentions_platform_check(model, expr, scope) {
        return true;
    }
    let mut nodes = SubExpressions { nodes: Vec::new() };
    nodes.visit_expr(expr);
    nodes.nodes.into_iter().any(|node| {
        if !matches!(node, Expr::Name(_) | Expr::Attribute(_)) {
            return false;
        }
        let Value::Qualified(qualified) = model.resolve(node, scope) else {
            return false;
        };
        if let Some((target, bindings)) = project.module_assignments(module, &qualified) {
            return bindings.iter().any(|binding| {
                matches!(binding.kind, BindingKind::Assign(value)
                    if mentions_platform_check(&project.models[target], value, MODULE_SCOPE))
            });
        }
        project
            .resolve_function(module, &qualified)
            .is_some_and(|(target, function)| {
                let info = &project.models[target].functions[function];
                info.returns.iter().any(|returned| {
                    mentions_platform_check(&project.models[target], returned, info.scope)
                })
            })
    })
}

/// Does a module compute a platform flag that other project modules import
/// (`parallel_available = os.name == "posix"`)? Its users gate its
/// platform-specific code on that flag, often through state the analysis does
/// not follow.
pub fn exports_platform_flag(project: &Project, module: usize) -> bool {
    let model = &project.models[module];
    let flags: Vec<&str> = model.scopes[MODULE_SCOPE]
        .bindings
        .iter()
        .filter(|(_, bindings)| {
            bindings.iter().any(|binding| {
                !binding.in_main_guard
                    && matches!(binding.kind, BindingKind::Assign(value)
                        if mentions_platform_check(model, value, MODULE_SCOPE))
            })
        })
        .map(|(name, _)| *name)
        .collect();
    if flags.is_empty() {
        return false;
    }
    project.models.iter().enumerate().any(|(importer, other)| {
        importer != module
            && other.scopes.iter().any(|scope| {
                scope
                    .bindings
                    .values()
                    .flatten()
                    .any(|binding| match &binding.kind {
                        BindingKind::FromImport {
                            level,
                            module: Some(from),
                            name,
                        } => {
                            flags.contains(name)
                                && project.resolve_module(importer, *level, from) == Some(module)
                        }
                        _ => false,
                    })
            })
    })
}

/// Every sub-expression, outermost first.
struct SubExpressions<'a> {
    nodes: Vec<&'a Expr>,
}

impl<'a> Visitor<'a> for SubExpressions<'a> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        self.nodes.push(expr);
        visitor::walk_expr(self, expr);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_about_the_platform() {
        for name in [
            "IS_WINDOWS",
            "is_win",
            "ON_POSIX",
            "isMacOS",
            "_HAVE_FCNTL",
            "HAS_FORK",
            "fork_available",
            "WIN32",
        ] {
            assert!(identifier_names_platform(name), "{name}");
        }
        for name in [
            "window_size",
            "winner",
            "workers",
            "fork",
            "USE_CACHE",
            "count",
        ] {
            assert!(!identifier_names_platform(name), "{name}");
        }
    }

    fn checks(source: &str) -> bool {
        let parsed = ruff_python_parser::parse_module(source).unwrap();
        let body = &parsed.syntax().body;
        let model = ModuleModel::build(body);
        let Some(Stmt::Expr(last)) = body.last() else {
            panic!("ends with an expression");
        };
        mentions_platform_check(&model, &last.value, MODULE_SCOPE)
    }

    #[test]
    fn platform_tests() {
        assert!(checks("import sys\nsys.platform != 'win32'"));
        assert!(checks(
            "from sys import platform\nplatform.startswith('linux')"
        ));
        assert!(checks("import os\nos.name == 'nt'"));
        assert!(checks("import platform as p\np.system() == 'Darwin'"));
        assert!(checks(
            "import multiprocessing as mp\n'fork' in mp.get_all_start_methods()"
        ));
        assert!(checks("import os\nhasattr(os, 'fork')"));
        assert!(checks(
            "import sys\nPOSIXISH = sys.platform != 'win32'\nPOSIXISH"
        ));
        assert!(checks(
            "import sys\nflag = sys.platform == 'win32'\nnot flag"
        ));
        assert!(checks(
            "import os\ndef supported():\n    return os.name == 'posix'\nsupported()"
        ));
        assert!(!checks("import sys\nlen(sys.argv) > 1"));
        assert!(!checks("FAST = True\nFAST"));
        assert!(!checks("import sys\ngetattr(sys, 'frozen', False)"));
    }
}
