//! Configuration that reaches spawn and forkserver children through the
//! environment. A child is a new interpreter started with the parent's
//! `os.environ` as it is at `start()` (`Lib/multiprocessing/popen_spawn_posix.py`
//! execs `spawn.get_command_line()` with the inherited environment), and the
//! interpreter reads `PYTHONWARNINGS` into its warnings filters at start-up
//! (`Lib/warnings.py` `_processoptions(sys.warnoptions)`; `sys.warnoptions`
//! holds the `-W` options and `PYTHONWARNINGS`). So a program that writes
//! `PYTHONWARNINGS` into `os.environ` gives its children warnings filters of
//! its own choosing, and the filters the parent sets with
//! `warnings.filterwarnings()` are not the only ones that matter: what the
//! children end up with is unknown, and unknown stays silent.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};

use crate::project::Project;
use crate::semantic::{ModuleModel, ScopeId, Value, MODULE_SCOPE};

/// The environment variable the interpreter turns into warnings filters.
const WARNINGS_VARIABLE: &str = "PYTHONWARNINGS";

/// Some code of the project writes `PYTHONWARNINGS` into the environment:
/// `os.environ["PYTHONWARNINGS"] = ...`, `os.environ.setdefault(...)`,
/// `os.environ.update(PYTHONWARNINGS=...)` or `.update({"PYTHONWARNINGS": ...})`,
/// `os.putenv("PYTHONWARNINGS", ...)`.
pub fn sets_warnings_variable(project: &Project) -> bool {
    project.models.iter().any(|model| {
        let mut finder = EnvironmentWrites {
            model,
            found: false,
        };
        finder.visit_body(model.body);
        finder.found
    })
}

struct EnvironmentWrites<'m, 'a> {
    model: &'m ModuleModel<'a>,
    found: bool,
}

impl EnvironmentWrites<'_, '_> {
    /// Module-level imports name `os` for every function here too; a local
    /// rebinding of `os` would be unusual enough to ignore.
    fn is(&self, expr: &Expr, qualified: &str) -> bool {
        let scope: ScopeId = MODULE_SCOPE;
        matches!(self.model.resolve(expr, scope), Value::Qualified(name) if name == qualified)
    }

    fn names_variable(expr: &Expr) -> bool {
        matches!(expr, Expr::StringLiteral(literal) if literal.value.to_str() == WARNINGS_VARIABLE)
    }

    fn writes(&self, call: &ast::ExprCall) -> bool {
        let Expr::Attribute(attribute) = call.func.as_ref() else {
            return false;
        };
        let method = attribute.attr.as_str();
        if self.is(&call.func, "os.putenv") {
            return call
                .arguments
                .args
                .first()
                .is_some_and(Self::names_variable);
        }
        if !self.is(&attribute.value, "os.environ") {
            return false;
        }
        match method {
            "setdefault" | "__setitem__" => call
                .arguments
                .args
                .first()
                .is_some_and(Self::names_variable),
            "update" => {
                let keyword = call.arguments.keywords.iter().any(|keyword| {
                    keyword
                        .arg
                        .as_ref()
                        .is_some_and(|name| name.as_str() == WARNINGS_VARIABLE)
                        // `update(**settings)`: the keys are unknown.
                        || keyword.arg.is_none()
                });
                let mapping = call.arguments.args.iter().any(|argument| match argument {
                    Expr::Dict(dict) => dict
                        .items
                        .iter()
                        .any(|item| item.key.as_ref().is_none_or(Self::names_variable)),
                    // A mapping built elsewhere: its keys are unknown.
                    _ => true,
                });
                keyword || mapping
            }
            _ => false,
        }
    }
}

impl<'a> Visitor<'a> for EnvironmentWrites<'_, '_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if self.found {
            return;
        }
        let targets: &[Expr] = match stmt {
            Stmt::Assign(assign) => &assign.targets,
            Stmt::AugAssign(assign) => std::slice::from_ref(assign.target.as_ref()),
            Stmt::AnnAssign(assign) => std::slice::from_ref(assign.target.as_ref()),
            _ => &[],
        };
        for target in targets {
            if let Expr::Subscript(subscript) = target {
                if self.is(&subscript.value, "os.environ") && Self::names_variable(&subscript.slice)
                {
                    self.found = true;
                    return;
                }
            }
        }
        visitor::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if self.found {
            return;
        }
        if let Expr::Call(call) = expr {
            if self.writes(call) {
                self.found = true;
                return;
            }
        }
        visitor::walk_expr(self, expr);
    }
}
