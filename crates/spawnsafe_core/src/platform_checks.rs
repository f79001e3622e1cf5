//! Does code check the platform before it does something platform-specific?
//! Tests of `sys.platform`, `os.name`, `platform.system()`, the available
//! start methods (`get_all_start_methods()`), probes such as `hasattr(os, "fork")`,
//! names that say so (`IS_WINDOWS`), and the statements that end code on some
//! platforms (`if sys.platform == "win32": return`, `skipif` decorators).
//! Rules that are about one platform stay silent where the code already knows.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};

use crate::api;
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

const MAX_PLATFORM_DEPTH: usize = 4;

/// Does an identifier name the platform (`IS_WINDOWS`, `isMacOS`, `CAN_FORK`)?
pub fn identifier_names_platform(identifier: &str) -> bool {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in identifier.chars() {
        if (c == '_' || (c.is_uppercase() && previous_lower)) && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        if c != '_' {
            current.push(c.to_ascii_lowercase());
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
    }
    if !current.is_empty() {
        words.push(current);
    }
    let probes_fork = words.iter().any(|word| word == "fork")
        && words.iter().any(|word| {
            matches!(
                word.as_str(),
                "has" | "can" | "supports" | "support" | "available" | "use" | "allow"
            )
        });
    probes_fork
        || words
            .iter()
            .any(|word| PLATFORM_WORDS.contains(&word.as_str()))
}

/// Does an expression test the platform or the available start methods
/// (`sys.platform != "win32"`, `os.name == "nt"`, `platform.system()`,
/// `"fork" in get_all_start_methods()`, `hasattr(os, "fork")`, a name bound
/// to such a test, or a name like `IS_WINDOWS`)?
pub fn mentions_platform_check(model: &ModuleModel, expr: &Expr, scope: ScopeId) -> bool {
    platform_check_depth(model, expr, scope, 0)
}

fn platform_check_depth(model: &ModuleModel, expr: &Expr, scope: ScopeId, depth: usize) -> bool {
    if depth > MAX_PLATFORM_DEPTH {
        return false;
    }
    let mut nodes = SubExpressions { nodes: Vec::new() };
    nodes.visit_expr(expr);
    nodes.nodes.into_iter().any(|node| match node {
        Expr::StringLiteral(literal) => PLATFORM_STRINGS.contains(&literal.value.to_str()),
        Expr::Attribute(attribute) => {
            identifier_names_platform(attribute.attr.as_str())
                || START_METHOD_QUERIES.contains(&attribute.attr.as_str())
                || is_platform_value(&model.resolve(node, scope))
        }
        Expr::Name(name) => {
            if identifier_names_platform(name.id.as_str()) {
                return true;
            }
            let value = model.resolve(node, scope);
            if is_platform_value(&value) {
                return true;
            }
            if let Value::Function(function) = value {
                let info = &model.functions[function];
                return info.returns.iter().any(|returned| {
                    platform_check_depth(model, returned, info.scope, depth + 1)
                });
            }
            let Some((found_in, bindings)) = model.lookup(name.id.as_str(), scope) else {
                return false;
            };
            bindings.iter().any(|binding| match binding.kind {
                BindingKind::Assign(value) => {
                    platform_check_depth(model, value, found_in, depth + 1)
                }
                _ => false,
            })
        }
        // `hasattr(os, "fork")`, `hasattr(sys, "getwindowsversion")`: probes for platform APIs.
        Expr::Call(call) => {
            matches!(call.func.as_ref(), Expr::Name(name) if name.id.as_str() == "hasattr")
                && call.arguments.args.first().is_some_and(|object| {
                    matches!(
                        model.resolve(object, scope),
                        Value::Qualified(module) if matches!(module.as_str(), "os" | "signal" | "select")
                    ) || call.arguments.args.get(1).and_then(string_literal)
                        == Some("getwindowsversion")
                })
        }
        _ => false,
    })
}

fn is_platform_value(value: &Value) -> bool {
    match value {
        Value::Qualified(name) => {
            PLATFORM_NAMES.contains(&name.as_str())
                || api::normalize(name)
                    .is_some_and(|(path, _)| START_METHOD_QUERIES.contains(&path))
        }
        _ => false,
    }
}

/// Does a statement end the code that follows it on some platforms: an `if`
/// on the platform with a branch that returns, raises or exits, an `assert`
/// on the platform, or a module-level `pytestmark` that skips by platform?
pub fn ends_on_platform(model: &ModuleModel, stmt: &Stmt, scope: ScopeId) -> bool {
    match stmt {
        Stmt::If(if_stmt) => {
            let tests_platform = std::iter::once(&*if_stmt.test)
                .chain(
                    if_stmt
                        .elif_else_clauses
                        .iter()
                        .filter_map(|clause| clause.test.as_ref()),
                )
                .any(|test| mentions_platform_check(model, test, scope));
            tests_platform
                && (exits(model, &if_stmt.body, scope)
                    || if_stmt
                        .elif_else_clauses
                        .iter()
                        .any(|clause| exits(model, &clause.body, scope)))
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
            matches!(
                model.resolve(&call.func, scope),
                Value::Qualified(name) if matches!(
                    name.as_str(),
                    "sys.exit" | "os._exit" | "pytest.skip" | "pytest.exit" | "pytest.xfail"
                )
            )
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
