//! The fix for an exception class that cannot be re-created from
//! `self.args`: a worker pickles a raised or returned exception as
//! `(cls, self.args, self.__dict__)` (`BaseException.__reduce__`), and the
//! parent's `cls(*self.args)` fails when `__init__` needs other arguments.
//!
//! The fix adds a `__reduce__` that makes the exception with
//! `cls.__new__(cls, *self.args)` — `BaseException.__new__` sets `args`
//! without calling `__init__` — and restores `__dict__`, so the parent gets
//! the same message and attributes as the child's exception. Nothing changes
//! where the exception is not pickled.

use ruff_python_ast::Stmt;

use super::hoist::Context;
use super::member_state::{append_to_class, defines};
use super::Fix;
use crate::semantic::FunctionId;

/// Methods that decide how the class is made or pickled.
const OWN_PROTOCOL: [&str; 7] = [
    "__reduce__",
    "__reduce_ex__",
    "__getstate__",
    "__setstate__",
    "__getnewargs__",
    "__getnewargs_ex__",
    "__new__",
];

/// The fix for the class whose `__init__` is `init` (in the checked file).
pub fn reduce_fix(context: &Context, init: FunctionId) -> Option<Fix> {
    let model = context.model;
    let class = model.classes.get(model.functions.get(init)?.class?)?;
    let def = class.def;
    if defines(&def.body, &OWN_PROTOCOL) || defines(&def.body, &["__slots__"]) {
        return None;
    }
    // A base of this module with its own protocol would be bypassed.
    for base in def.bases() {
        let own = model
            .classes
            .iter()
            .find(|c| matches!(base, ruff_python_ast::Expr::Name(n) if n.id.as_str() == c.def.name.as_str()));
        if own.is_some_and(|c| defines(&c.def.body, &OWN_PROTOCOL)) {
            return None;
        }
    }
    if !def
        .body
        .iter()
        .any(|stmt| matches!(stmt, Stmt::FunctionDef(f) if f.name.as_str() == "__init__"))
    {
        return None;
    }
    let lines = [
        (0, "def __reduce__(self):".to_string()),
        (
            1,
            "# Sent back from a worker: re-made without `__init__`, whose arguments are not `self.args`".to_string(),
        ),
        (
            1,
            "return (self.__class__.__new__, (self.__class__, *self.args), self.__dict__)".to_string(),
        ),
    ];
    let edit = append_to_class(context, def, &lines)?;
    Some(Fix::safe(
        format!(
            "Add `{}.__reduce__` so that the exception is re-created from its `args` and attributes",
            def.name
        ),
        vec![edit],
    ))
}

/// [`reduce_fix`] for an `__init__` in the checker's file.
pub fn fix_in(checker: &crate::rules::Checker, init: (usize, FunctionId)) -> Option<Fix> {
    if init.0 != checker.module {
        return None;
    }
    let file = checker.file();
    let context = Context {
        model: &checker.project.models[checker.module],
        text: &file.text,
        style: &file.style,
    };
    reduce_fix(&context, init.1)
}
