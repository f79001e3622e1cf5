//! The dicts a call unpacks with `**options` (`DataLoader(ds, **loader_kwargs)`),
//! when the module shows them: a name bound only to dicts built from literal
//! string keys (`{"batch_size": 8, "num_workers": 4}`, `dict(num_workers=4)`,
//! either of two such dicts in a conditional expression), which nothing may
//! change afterwards. A dict that is updated, written to, passed to a function
//! or aliased may hold anything by the time it is unpacked: unknown.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};

use crate::knowledge::{mapping_literal, Known};
use crate::model::{BindingKind, ModuleModel, ScopeId};

/// Every dict `expr` may be, as [`Known::Mapping`]s; `None` when that cannot be told.
pub(crate) fn mappings(model: &ModuleModel, expr: &Expr, scope: ScopeId) -> Option<Vec<Known>> {
    let dict_is_builtin = model.lookup("dict", scope).is_none();
    if let Some(items) = mapping_literal(expr, dict_is_builtin) {
        return Some(vec![Known::Mapping(items)]);
    }
    let Expr::Name(name) = expr else {
        return None;
    };
    let (found_in, bindings) = model.lookup(name.id.as_str(), scope)?;
    let dict_is_builtin = model.lookup("dict", found_in).is_none();
    let mut out = Vec::new();
    for binding in bindings {
        let BindingKind::Assign(value) = binding.kind else {
            return None;
        };
        let branches: Vec<&Expr> = match value {
            Expr::If(if_expr) => vec![&if_expr.body, &if_expr.orelse],
            other => vec![other],
        };
        for branch in branches {
            out.push(Known::Mapping(mapping_literal(branch, dict_is_builtin)?));
        }
    }
    if out.is_empty() || may_change(model, name.id.as_str()) {
        return None;
    }
    Some(out)
}

/// Methods that read a dict without changing it.
const READS: &[&str] = &["get", "keys", "values", "items", "copy"];

/// Is the name, anywhere in the module, used in a way that may change the
/// dict it holds? Only reads (`d["k"]`, `d.get(...)`) and `**d` are not.
fn may_change(model: &ModuleModel, name: &str) -> bool {
    may_change_in(model.body, name)
}

/// As [`may_change`], within `body` (a function's, for its `**kwargs`).
pub(crate) fn may_change_in(body: &[Stmt], name: &str) -> bool {
    let mut finder = ChangeFinder {
        name,
        changed: false,
    };
    finder.visit_body(body);
    finder.changed
}

/// As [`may_change_in`], within one expression (an `if` test).
pub(crate) fn may_change_in_expr(expr: &Expr, name: &str) -> bool {
    let mut finder = ChangeFinder {
        name,
        changed: false,
    };
    finder.visit_expr(expr);
    finder.changed
}

struct ChangeFinder<'n> {
    name: &'n str,
    changed: bool,
}

impl ChangeFinder<'_> {
    fn is_ours(&self, expr: &Expr) -> bool {
        matches!(expr, Expr::Name(name) if name.id.as_str() == self.name)
    }
}

impl<'a> Visitor<'a> for ChangeFinder<'_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if let Stmt::AugAssign(assign) = stmt {
            if self.is_ours(&assign.target) {
                self.changed = true;
            }
        }
        visitor::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if self.changed {
            return;
        }
        match expr {
            Expr::Subscript(subscript) if self.is_ours(&subscript.value) => {
                if subscript.ctx != ast::ExprContext::Load {
                    self.changed = true;
                }
                self.visit_expr(&subscript.slice);
            }
            Expr::Call(call) => {
                match call.func.as_ref() {
                    Expr::Attribute(attribute) if self.is_ours(&attribute.value) => {
                        if !READS.contains(&attribute.attr.as_str()) {
                            self.changed = true;
                        }
                    }
                    func => self.visit_expr(func),
                }
                for argument in &call.arguments.args {
                    self.visit_expr(argument);
                }
                for keyword in &call.arguments.keywords {
                    if keyword.arg.is_none() && self.is_ours(&keyword.value) {
                        continue;
                    }
                    self.visit_expr(&keyword.value);
                }
            }
            Expr::Name(name)
                if name.id.as_str() == self.name && name.ctx == ast::ExprContext::Load =>
            {
                self.changed = true;
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::argvalues::possible_values;
    use crate::knowledge::{knowledge, starter};
    use crate::model::{ModuleModel, MODULE_SCOPE};
    use ruff_python_ast::{Expr, Stmt};

    /// Does the module-level `DataLoader(...)` call (the last statement,
    /// `loader = DataLoader(...)`) start workers?
    fn loader_may_start(source: &str) -> bool {
        let parsed = ruff_python_parser::parse_module(source).unwrap();
        let model = ModuleModel::build(parsed.suite());
        let Some(Stmt::Assign(assign)) = parsed.suite().last() else {
            panic!("ends with `loader = DataLoader(...)`");
        };
        let Expr::Call(call) = assign.value.as_ref() else {
            panic!("not a call");
        };
        let loader = starter(knowledge().lookup("torch.utils.data.DataLoader").unwrap());
        loader.may_start_with(call, &|expr| possible_values(&model, expr, MODULE_SCOPE))
    }

    #[test]
    fn literal_dicts_unpacked_into_the_call() {
        let with = |dict: &str| format!("params = {dict}\nloader = DataLoader(ds, **params)\n");
        assert!(loader_may_start(&with(
            r#"{"batch_size": 8, "num_workers": 4}"#
        )));
        assert!(!loader_may_start(&with(
            r#"{"batch_size": 8, "num_workers": 0}"#
        )));
        assert!(!loader_may_start(&with(
            r#"{"batch_size": 8, "shuffle": True}"#
        )));
        assert!(loader_may_start(&with("dict(batch_size=8, num_workers=2)")));
        assert!(!loader_may_start(&with("dict(batch_size=8)")));
        // The MNIST example's `kwargs = {...} if use_cuda else {}`.
        assert!(loader_may_start(&with(
            r#"{"num_workers": 1, "pin_memory": True} if use_cuda else {}"#
        )));
        assert!(!loader_may_start(&with(
            r#"{"num_workers": 0, "pin_memory": True} if use_cuda else {}"#
        )));
        assert!(!loader_may_start(
            "loader = DataLoader(ds, **{'num_workers': 0})\n"
        ));
        // A value that is not a literal: unknown, so it may start.
        assert!(loader_may_start(&with(r#"{"num_workers": args.workers}"#)));
    }

    #[test]
    fn dicts_that_may_change_or_come_from_elsewhere_are_unknown() {
        let base = "params = {\"batch_size\": 8}\n";
        for change in [
            "params[\"num_workers\"] = 4\n",
            "params.update(cuda_kwargs)\n",
            "params.setdefault(\"num_workers\", 4)\n",
            "params |= extra\n",
            "tune(params)\n",
            "other = params\n",
        ] {
            let source = format!("{base}{change}loader = DataLoader(ds, **params)\n");
            assert!(loader_may_start(&source), "{change}");
        }
        // Reads change nothing.
        assert!(!loader_may_start(&format!(
            "{base}print(params[\"batch_size\"], params.get(\"shuffle\"))\nloader = DataLoader(ds, **params)\n"
        )));
        // A config read from a file, a `dict` that is not the builtin.
        assert!(loader_may_start(
            "config = yaml.safe_load(open('c.yaml'))\nloader = DataLoader(ds, **config['loader'])\n"
        ));
        assert!(loader_may_start(
            "def dict(**kw):\n    return {'num_workers': 2}\nparams = dict(batch_size=8)\nloader = DataLoader(ds, **params)\n"
        ));
    }
}
