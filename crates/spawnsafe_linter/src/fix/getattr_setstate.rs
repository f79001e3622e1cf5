//! The SPS205 fix for a `__getattr__` that reads an instance attribute: a
//! `__setstate__` that restores the state straight into `self.__dict__`.
//!
//! Unpickling makes the object with `cls.__new__(cls)`, without `__init__`,
//! and then looks `__setstate__` up on it (`Modules/_pickle.c`, `load_build`;
//! `Lib/pickle.py`, `load_build`: `getattr(inst, "__setstate__", None)`). A
//! class without one sends that lookup to its `__getattr__`, which reads an
//! attribute that is not back yet: it calls `__getattr__` again, until
//! `RecursionError`, or raises something other than `AttributeError`. Found
//! on the class, `__setstate__` never reaches `__getattr__`, and
//! `self.__dict__.update(state)` is what the unpickler does with a dict state
//! by default, so the object comes back as before.
//!
//! Offered when the class controls its pickling no other way (no
//! `__getstate__`, `__reduce__`, `__slots__`, ...) and its bases are builtins
//! or classes of the same module that do not either.

use ruff_python_ast::Expr;

use super::hoist::Context;
use super::member_state::{append_to_class, defines, PICKLE_PROTOCOL};
use super::Fix;
use crate::semantic::FunctionId;

/// Adds `__setstate__` to the class whose `__getattr__` is `method`.
pub fn setstate_fix(context: &Context, method: FunctionId) -> Option<Fix> {
    let model = context.model;
    let class_id = model.functions.get(method)?.class?;
    let class = model.classes.get(class_id)?.def;
    let controls_pickling = |body: &[ruff_python_ast::Stmt]| {
        defines(body, &PICKLE_PROTOCOL) || defines(body, &["__slots__"])
    };
    if controls_pickling(&class.body) {
        return None;
    }
    if class
        .arguments
        .as_ref()
        .is_some_and(|a| !a.keywords.is_empty())
    {
        return None;
    }
    for base in class.bases() {
        let Expr::Name(base) = base else {
            return None;
        };
        let name = base.id.as_str();
        let own = model.classes.iter().find(|c| c.def.name.as_str() == name);
        match own {
            Some(own) if !controls_pickling(&own.def.body) && own.def.bases().is_empty() => {}
            None if matches!(name, "object" | "dict" | "list") => {}
            _ => return None,
        }
    }
    let code = [
        (0, "def __setstate__(self, state):".to_string()),
        (
            1,
            "# Found on the class, so unpickling never asks `__getattr__` for it".to_string(),
        ),
        (1, "self.__dict__.update(state)".to_string()),
    ];
    let insertion = append_to_class(context, class, &code)?;
    Some(Fix::safe(
        format!(
            "Add `__setstate__` to `{}`, so that unpickling does not call `__getattr__` before the attributes are back",
            class.name.as_str()
        ),
        vec![insertion],
    ))
}

/// [`setstate_fix`] for the class of `found` when it is in the checker's file.
pub fn fix_in(
    checker: &crate::rules::Checker,
    found: &spawnsafe_flow::pitfalls::ClassPitfall,
) -> Option<Fix> {
    use spawnsafe_flow::pitfalls::Pitfall;
    if found.module != checker.module
        || !matches!(
            found.pitfall,
            Pitfall::GetattrRecursion { .. } | Pitfall::GetattrDictKey { .. }
        )
    {
        return None;
    }
    let file = checker.file();
    let context = Context {
        model: &checker.project.models[checker.module],
        text: &file.text,
        style: &file.style,
    };
    setstate_fix(&context, found.method)
}
