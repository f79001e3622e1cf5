//! Why a project class's pickling protocol fails on the receiving side (or
//! in the parent), in words: the explanation, the note at the method that
//! makes it fail, and the help. The pitfalls are the flow layer's
//! [`pitfalls`](spawnsafe_flow::pitfalls); SPS205 reports them.

use ruff_python_ast::Expr;

use crate::project::Project;
use crate::semantic::ClassId;
use spawnsafe_flow::pitfalls::{ClassPitfall, Pitfall};

/// A display or comprehension: the value holds the object rather than being it.
pub fn holds_items(expr: &Expr) -> bool {
    matches!(
        expr,
        Expr::List(_)
            | Expr::Tuple(_)
            | Expr::Set(_)
            | Expr::Dict(_)
            | Expr::ListComp(_)
            | Expr::SetComp(_)
            | Expr::DictComp(_)
    )
}

pub fn class_name(project: &Project, (module, class): (usize, ClassId)) -> String {
    project.models[module].classes[class].def.name.to_string()
}

/// The receiving side's failure for a pitfall found on a class that comes back
/// from a worker: (explanation, note on the method, help). `None` for the
/// pitfalls that do not fail there.
pub fn explain(
    project: &Project,
    class_name: &str,
    found: &ClassPitfall,
    consequence: &str,
) -> Option<(String, String, &'static str)> {
    if !matches!(
        found.pitfall,
        Pitfall::GetattrRecursion { .. }
            | Pitfall::GetattrDictKey { .. }
            | Pitfall::ItemsBeforeState { .. }
            | Pitfall::SetInitArguments { .. }
    ) {
        return None;
    }
    let method_info = &project.models[found.module].functions[found.method];
    let (explanation, note) = wording(
        &found.pitfall,
        class_name,
        class_name,
        &method_info.qualname,
        consequence,
        "",
    );
    Some((explanation, note, help(&found.pitfall)))
}

/// Why unpickling (or pickling) fails, and the note at the method that makes
/// it fail. `dict_key_clause` follows the `KeyError` of a `__getattr__` that
/// indexes `self.__dict__`.
pub fn wording(
    pitfall: &Pitfall,
    class_name: &str,
    owner: &str,
    method_name: &str,
    consequence: &str,
    dict_key_clause: &str,
) -> (String, String) {
    match pitfall {
        Pitfall::GetattrRecursion { attr } => (
            format!("unpickling makes it without calling `__init__` and looks up `__setstate__`, which the class lacks, so `{method_name}` runs and reads the missing `self.{attr}`, which calls `__getattr__` again: \"RecursionError: maximum recursion depth exceeded\" ({consequence})"),
            format!("`__getattr__` reads `self.{attr}` before checking the name"),
        ),
        Pitfall::GetattrDictKey { key } => (
            format!("unpickling makes it without calling `__init__` and looks up `__setstate__`, which the class lacks, so `{method_name}` runs and reads `self.__dict__[\"{key}\"]` from the still empty `__dict__`: \"KeyError: '{key}'\"{dict_key_clause} ({consequence})"),
            format!("`__getattr__` reads `self.__dict__[\"{key}\"]` before checking the name"),
        ),
        Pitfall::ItemsBeforeState { base, method, attr } => (
            format!("`{class_name}` is a `{base}` subclass, and unpickling restores its items through `{method}` before its attributes, but `{method_name}` reads `self.{attr}`: \"AttributeError: '{class_name}' object has no attribute '{attr}'\" ({consequence})"),
            format!("`{method}` reads `self.{attr}`"),
        ),
        Pitfall::GetstateReturnsNothing { attr } => (
            format!("`{method_name}` returns nothing, so pickle saves no state and never calls `__setstate__`, and the child gets an object without its attributes (\"AttributeError: '{class_name}' object has no attribute '{attr}'\" when it is used)"),
            "`__getstate__` returns nothing".to_string(),
        ),
        Pitfall::TupleStateIndexedByString { key } => (
            format!("`{owner}.__getstate__` returns a tuple, but `{method_name}` reads `state[\"{key}\"]`: \"TypeError: tuple indices must be integers or slices, not str\" ({consequence})"),
            format!("`__setstate__` reads `state[\"{key}\"]`"),
        ),
        Pitfall::StateMissingKey { key } => (
            format!("`{owner}.__getstate__` leaves out `\"{key}\"`, but `{method_name}` reads `state[\"{key}\"]`: \"KeyError: '{key}'\" ({consequence})"),
            format!("`__setstate__` reads `state[\"{key}\"]`"),
        ),
        Pitfall::SetInitArguments { base, error } => (
            format!("`{class_name}` is a `{base}` subclass, which pickles as `({class_name}, (list(items),), state)`, so unpickling calls `{class_name}(items)`, and `{method_name}` does not take that: \"{error}\" ({consequence})"),
            "`__init__` does not take the items alone".to_string(),
        ),
        Pitfall::ReduceLocal { qualname } => (
            format!("`{method_name}` returns the nested function `{qualname}` as the reconstructor, which pickle stores by name, so pickling fails in the parent: \"AttributeError: Can't pickle local object '{qualname}'\" (Python 3.13: \"Can't get local object\"; 3.14: \"PicklingError: Can't pickle local object\")"),
            format!("`__reduce__` returns `{qualname}`"),
        ),
    }
}

pub fn help(pitfall: &Pitfall) -> &'static str {
    match pitfall {
        Pitfall::GetattrRecursion { .. } => "start `__getattr__` with `if name.startswith(\"__\"): raise AttributeError(name)`, read the attribute through `self.__dict__`, or define `__setstate__`",
        Pitfall::GetattrDictKey { .. } => "start `__getattr__` with `if name.startswith(\"__\"): raise AttributeError(name)`, or read with `self.__dict__.get(...)` and raise `AttributeError` when it is missing",
        Pitfall::ItemsBeforeState { .. } => "define `__reduce__` so that unpickling calls `__init__` (`return type(self), (<its arguments>,)`), or make the method work before the attributes exist",
        Pitfall::GetstateReturnsNothing { .. } => "return the state from `__getstate__`",
        Pitfall::TupleStateIndexedByString { .. } | Pitfall::StateMissingKey { .. } => "make `__setstate__` read exactly what `__getstate__` returns",
        Pitfall::SetInitArguments { .. } => "define `__reduce__` returning `(type(self), (<the arguments of __init__>,), self.__dict__)`, or let `__init__` take the items as its only required argument",
        Pitfall::ReduceLocal { .. } => "return a module-level function (or the class, or a classmethod of it) from `__reduce__`",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_display_holds_what_it_lists() {
        for source in ["[a, b]", "(a,)", "{k: v}", "[x for x in xs]"] {
            let parsed = ruff_python_parser::parse_expression(source).expect("valid");
            assert!(holds_items(parsed.expr()), "{source}");
        }
        let parsed = ruff_python_parser::parse_expression("make(a)").expect("valid");
        assert!(!holds_items(parsed.expr()));
    }

    #[test]
    fn a_getattr_recursion_is_worded_with_its_attribute() {
        let pitfall = Pitfall::GetattrRecursion {
            attr: "data".to_string(),
        };
        let (explanation, note) = wording(&pitfall, "Box", "Box", "Box.__getattr__", "it dies", "");
        assert!(explanation.contains("reads the missing `self.data`"));
        assert!(explanation.ends_with("(it dies)"));
        assert_eq!(
            note,
            "`__getattr__` reads `self.data` before checking the name"
        );
    }
}
