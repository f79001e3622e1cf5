//! The expressions a call passes for a parameter through the dicts it
//! unpacks: `DataLoader(ds, **{"collate_fn": lambda b: b, "num_workers": 2})`
//! passes the lambda as `collate_fn`, and so does `cfg = dict(collate_fn=...)`
//! then `DataLoader(ds, **cfg)`. CPython's `**` unpacking
//! (Python/ceval.c `DICT_MERGE` into the call's keyword dict) hands each item
//! to the parameter of its key, so the value is the argument itself.
//!
//! Only dicts the module shows: a literal with string keys, `dict(k=v)` of
//! the builtin `dict`, or a name bound only to those that nothing may change
//! (see [`crate::kwargs_dicts`]). Anything else passes nothing known.

use ruff_python_ast::{self as ast, Expr};

use crate::kwargs_dicts::may_change_in;
use crate::model::{BindingKind, ModuleModel, ScopeId, ScopeKind};

/// Every expression `call` passes for the keyword `key` through its `**`
/// dicts, with the scope to read it in.
pub fn unpacked_values<'a>(
    model: &ModuleModel<'a>,
    call: &'a ast::ExprCall,
    key: &str,
    scope: ScopeId,
) -> Vec<(&'a Expr, ScopeId)> {
    let mut found = Vec::new();
    for keyword in call.arguments.keywords.iter().filter(|k| k.arg.is_none()) {
        for (dict, at) in dicts(model, &keyword.value, scope) {
            if let Some(value) = item(dict, key) {
                found.push((value, at));
            }
        }
    }
    found
}

/// The dict displays (or `dict(...)` calls) `expr` may be, with the scope they are written in.
fn dicts<'a>(model: &ModuleModel<'a>, expr: &'a Expr, scope: ScopeId) -> Vec<(&'a Expr, ScopeId)> {
    if is_dict(model, expr, scope) {
        return vec![(expr, scope)];
    }
    let Expr::Name(name) = expr else {
        return Vec::new();
    };
    let Some((found_in, bindings)) = model.lookup(name.id.as_str(), scope) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for binding in bindings {
        let BindingKind::Assign(value) = binding.kind else {
            return Vec::new();
        };
        let branches: Vec<&Expr> = match value {
            Expr::If(if_expr) => vec![&if_expr.body, &if_expr.orelse],
            other => vec![other],
        };
        for branch in branches {
            if !is_dict(model, branch, found_in) {
                return Vec::new();
            }
            out.push((branch, found_in));
        }
    }
    // Written to, updated, aliased or passed on: it may hold anything.
    let body = match model.scopes[found_in].kind {
        ScopeKind::Function(function) => &model.functions[function].def.body[..],
        _ => model.body,
    };
    if may_change_in(body, name.id.as_str()) {
        return Vec::new();
    }
    out
}

fn is_dict(model: &ModuleModel, expr: &Expr, scope: ScopeId) -> bool {
    match expr {
        Expr::Dict(dict) => dict
            .items
            .iter()
            .all(|item| matches!(item.key, Some(Expr::StringLiteral(_)))),
        Expr::Call(call) => {
            call.arguments.args.is_empty()
                && matches!(call.func.as_ref(), Expr::Name(name) if name.id.as_str() == "dict")
                && model.lookup("dict", scope).is_none()
                && call.arguments.keywords.iter().all(|k| k.arg.is_some())
        }
        _ => false,
    }
}

/// The value of `key` in a dict display or `dict(...)` call ([`is_dict`]).
fn item<'a>(dict: &'a Expr, key: &str) -> Option<&'a Expr> {
    match dict {
        Expr::Dict(dict) => dict.items.iter().rev().find_map(|item| match &item.key {
            Some(Expr::StringLiteral(literal)) if literal.value.to_str() == key => {
                Some(&item.value)
            }
            _ => None,
        }),
        Expr::Call(call) => call
            .arguments
            .keywords
            .iter()
            .find(|keyword| keyword.arg.as_ref().is_some_and(|arg| arg.as_str() == key))
            .map(|keyword| &keyword.value),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::unpacked_values;
    use crate::model::{ModuleModel, MODULE_SCOPE};
    use ruff_python_ast::{Expr, Stmt};
    use ruff_text_size::Ranged;

    /// The source text of what the last statement's call passes for `key`.
    fn passed(source: &str, key: &str) -> Vec<String> {
        let parsed = ruff_python_parser::parse_module(source).unwrap();
        let model = ModuleModel::build(parsed.suite());
        let Some(Stmt::Expr(statement)) = parsed.suite().last() else {
            panic!("ends with a call");
        };
        let Expr::Call(call) = statement.value.as_ref() else {
            panic!("not a call");
        };
        unpacked_values(&model, call, key, MODULE_SCOPE)
            .into_iter()
            .map(|(expr, _)| source[expr.range()].to_string())
            .collect()
    }

    #[test]
    fn items_of_dicts_the_module_shows() {
        assert_eq!(
            passed(
                "DataLoader(ds, **{'collate_fn': lambda b: b, 'num_workers': 2})\n",
                "collate_fn"
            ),
            ["lambda b: b"]
        );
        assert_eq!(
            passed(
                "cfg = dict(collate_fn=merge, num_workers=2)\nDataLoader(ds, **cfg)\n",
                "collate_fn"
            ),
            ["merge"]
        );
        assert_eq!(
            passed(
                "cfg = {'collate_fn': a} if x else {'collate_fn': b}\nDataLoader(ds, **cfg)\n",
                "collate_fn"
            ),
            ["a", "b"]
        );
        assert!(passed(
            "cfg = {'num_workers': 2}\nDataLoader(ds, **cfg)\n",
            "collate_fn"
        )
        .is_empty());
    }

    #[test]
    fn dicts_that_may_change_or_come_from_elsewhere_pass_nothing_known() {
        for source in [
            "cfg = {'collate_fn': f}\ncfg['collate_fn'] = g\nDataLoader(ds, **cfg)\n",
            "cfg = {'collate_fn': f}\ncfg.update(other)\nDataLoader(ds, **cfg)\n",
            "cfg = load()\nDataLoader(ds, **cfg)\n",
            "def dict(**kw):\n    return kw\ncfg = dict(collate_fn=f)\nDataLoader(ds, **cfg)\n",
            "DataLoader(ds, **{key: f})\n",
        ] {
            assert!(passed(source, "collate_fn").is_empty(), "{source}");
        }
    }
}
