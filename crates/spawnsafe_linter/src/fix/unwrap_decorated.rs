//! The fix for a module-level function whose decorator replaced it at its
//! name while the child still receives the original function (a timeout or
//! run-in-a-process decorator passing `function` to a `Process`, a `Flow`
//! object keeping it in an attribute).
//!
//! Pickle sends a function by reference to `module.qualname` and checks that
//! the name holds that very object (Lib/pickle.py `save_global`: "it's not
//! the same object as __main__.work"). The original goes under a name of
//! its own and the decorated object is bound explicitly:
//!
//! ```python
//! def _work(n): ...
//!
//! work = timeout(5)(_work)
//! ```
//!
//! `_work` is then the module attribute its qualified name names, so it
//! pickles, and the child's import runs the same decorator again. Unsafe:
//! the original's `__name__`/`__qualname__` (and what a decorator copies from
//! them, as `functools.wraps` does) become `_work`.

use ruff_python_ast::{Expr, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};

use super::hoist::{self, Context};
use super::lines::{line_end, line_start};
use super::{Edit, Fix};
use crate::semantic::MODULE_SCOPE;

/// The fix for the module-level function `name` of the checked module.
pub fn fix_in(checker: &crate::rules::Checker, name: &str) -> Option<Fix> {
    if checker.project.paths[checker.module].is_interactive_main() {
        return None;
    }
    let file = checker.file();
    let context = Context {
        model: &checker.project.models[checker.module],
        text: &file.text,
        style: &file.style,
    };
    unwrap_fix(&context, name)
}

pub fn unwrap_fix(context: &Context, name: &str) -> Option<Fix> {
    let model = context.model;
    let text = context.text;
    // One top-level `def name` with decorators, the module's only binding of the name.
    let def = model.body.iter().find_map(|stmt| match stmt {
        Stmt::FunctionDef(def) if def.name.as_str() == name => Some(def),
        _ => None,
    })?;
    if def.decorator_list.is_empty()
        || def.type_params.is_some()
        || model.scopes[MODULE_SCOPE]
            .bindings
            .get(name)
            .map_or(0, Vec::len)
            != 1
        || model
            .scopes
            .iter()
            .any(|scope| scope.globals.contains(&name))
        || name.starts_with("__")
    {
        return None;
    }
    let original = format!("_{name}");
    if !hoist::name_is_unused(context, &original) {
        return None;
    }
    // The decorators are whole lines of their own, above the `def` line.
    let def_line = line_start(text, def.name.range.start().to_usize());
    let first = line_start(text, def.decorator_list[0].start().to_usize());
    if first != def.range.start().to_usize() {
        return None;
    }
    // A comment among the decorators would be lost.
    if text[first..def_line].contains('#') {
        return None;
    }
    let mut applied = original.clone();
    for decorator in def.decorator_list.iter().rev() {
        let expression = &decorator.expression;
        if line_end(text, decorator.end().to_usize()) > def_line {
            return None;
        }
        let written = &text[expression.range()];
        applied = match expression {
            Expr::Name(_) | Expr::Attribute(_) | Expr::Call(_) | Expr::Subscript(_) => {
                format!("{written}({applied})")
            }
            _ => format!("({written})({applied})"),
        };
    }
    let newline = context.style.newline;
    let end = line_end(text, def.range.end().to_usize());
    let ends_line = text[..end].ends_with(['\n', '\r']);
    let binding = if ends_line {
        format!("{newline}{newline}{name} = {applied}{newline}")
    } else {
        format!("{newline}{newline}{newline}{name} = {applied}")
    };
    let edits = vec![
        Edit::deletion(TextRange::new(
            TextSize::try_from(first).ok()?,
            TextSize::try_from(def_line).ok()?,
        )),
        Edit::replacement(original.clone(), def.name.range),
        Edit::insertion(binding, TextSize::try_from(end).ok()?),
    ];
    Some(Fix::unsafe_because(
        format!(
            "Keep the undecorated function as `{original}` and bind the decorated one to `{name}`, so that pickle finds the original by its own name"
        ),
        format!(
            "the undecorated function's `__name__` and `__qualname__` become `{original}`, and so does what its decorator copies from them (`functools.wraps`)"
        ),
        edits,
    ))
}
