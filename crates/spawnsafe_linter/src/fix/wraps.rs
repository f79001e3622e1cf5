//! The fix for a module-level function that its decorator replaced with a
//! nested wrapper not marked `functools.wraps`: the wrapper's qualified name
//! is `decorate.<locals>.wrapper`, which pickle cannot look up. With
//! `@functools.wraps(func)` the wrapper takes the function's qualified name,
//! and the module attribute of that name *is* the wrapper, so it pickles by
//! reference and the child, re-importing the module, gets the same wrapper.

use ruff_text_size::{Ranged, TextSize};

use super::free_names::count_name_uses;
use super::hoist::{functools_reference, Context};
use super::imports::line_indent;
use super::{Edit, Fix};
use crate::semantic::{FunctionId, ScopeKind, MODULE_SCOPE};

/// Adds `@functools.wraps(<the decorated function>)` to `wrapper`, the
/// function that replaced `function`.
pub fn wraps_fix(context: &Context, function: FunctionId, wrapper: FunctionId) -> Option<Fix> {
    let model = context.model;
    let decorated = model.functions.get(function)?;
    // A module-level function with one decorator: its name is the wrapper's.
    if decorated.is_local
        || decorated.class.is_some()
        || decorated.in_main_guard
        || decorated.parent_scope != MODULE_SCOPE
        || decorated.def.decorator_list.len() != 1
    {
        return None;
    }
    let wrapper_info = model.functions.get(wrapper)?;
    let ScopeKind::Function(decorate) = model.scopes[wrapper_info.parent_scope].kind else {
        return None;
    };
    let decorate_def = model.functions[decorate].def;
    // `def decorate(func)`: the wrapper calls the function it received.
    let parameters = &decorate_def.parameters;
    let received = parameters
        .posonlyargs
        .iter()
        .chain(parameters.args.iter())
        .next()?
        .parameter
        .name
        .as_str();
    if count_name_uses(&wrapper_info.def.body, received) == 0 {
        return None;
    }
    let start = wrapper_info.def.start();
    let indent = line_indent(context.text, start)?;
    let (wraps, import) = functools_reference(context, wrapper_info.parent_scope, "wraps")?;
    let newline = context.style.newline;
    let mut edits = Vec::new();
    if let Some(import) = import {
        edits.push(import);
    }
    edits.push(Edit::insertion(
        format!("@{wraps}({received}){newline}{indent}"),
        TextSize::from(u32::from(start)),
    ));
    Some(Fix::unsafe_because(
        format!(
            "Mark `{}` with `@{wraps}({received})` so that it pickles by the name `{}`",
            wrapper_info.def.name, decorated.def.name
        ),
        format!(
            "`functools.wraps` gives the wrapper the function's `__name__`, `__qualname__`, `__doc__` and `__wrapped__`: code that reads them on `{}` sees `{}`'s",
            decorated.def.name, decorated.def.name
        ),
        edits,
    ))
}
