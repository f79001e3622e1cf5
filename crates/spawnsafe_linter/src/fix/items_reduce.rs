//! The SPS205 fix for a `dict` or `list` subclass whose `__setitem__` (or
//! `append`) reads an attribute that `__init__` sets: a `__reduce__` that
//! re-makes the object by calling the class with its items, then restores its
//! attributes.
//!
//! By default such an object pickles as `copyreg.__newobj__(cls)`, then its
//! items, then its `__dict__` (`Lib/pickle.py`, `save_reduce`: `listitems` and
//! `dictitems` are written before `state`); unpickling sets the items through
//! the subclass's `__setitem__`/`append` on an object whose `__init__` never
//! ran, before its attributes are back. `(cls, (dict(self),), self.__dict__)`
//! instead calls `cls(items)`, so `__init__` sets the attributes the methods
//! need and fills the items its own way, and then the pickled attributes
//! replace what that call set.
//!
//! Offered when the class's only base is `dict` or `list` itself, it controls
//! its pickling no other way, and its own `__init__` takes the items as its
//! first positional argument (or `*args`), every other one has a default, and
//! it makes its items from them.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};

use super::hoist::Context;
use super::member_state::{append_to_class, defines, PICKLE_PROTOCOL};
use super::Fix;
use crate::semantic::FunctionId;

/// Adds `__reduce__` to the class whose item method is `method`.
pub fn reduce_fix(
    context: &Context,
    method: FunctionId,
    base: &str,
    item_method: &str,
) -> Option<Fix> {
    let model = context.model;
    let class_id = model.functions.get(method)?.class?;
    let class = model.classes.get(class_id)?.def;
    if defines(&class.body, &PICKLE_PROTOCOL) || defines(&class.body, &["__slots__"]) {
        return None;
    }
    let bases = class.bases();
    let only_builtin = matches!(bases, [Expr::Name(name)] if name.id.as_str() == base)
        && class
            .arguments
            .as_ref()
            .is_none_or(|a| a.keywords.is_empty());
    let convert = match base {
        "dict" => "dict",
        "list" => "list",
        _ => return None,
    };
    // The builtin name must be the builtin where `__reduce__` reads it.
    let shadowed = |name: &str| {
        model.scopes[crate::semantic::MODULE_SCOPE]
            .bindings
            .get(name)
            .is_some_and(|b| !b.is_empty())
    };
    if !only_builtin || shadowed(convert) || shadowed(base) {
        return None;
    }
    let init = class.body.iter().find_map(|stmt| match stmt {
        Stmt::FunctionDef(def) if def.name.as_str() == "__init__" => Some(def),
        _ => None,
    })?;
    let items = items_parameter(init)?;
    if !reads(init, items) {
        return None;
    }
    let code = [
        (0, "def __reduce__(self):".to_string()),
        (
            1,
            "# Re-made by `__init__` from the items, then the attributes: by default".to_string(),
        ),
        (
            1,
            format!("# unpickling would call `{item_method}` before the attributes are back"),
        ),
        (
            1,
            format!("return (self.__class__, ({convert}(self),), self.__dict__)"),
        ),
    ];
    let insertion = append_to_class(context, class, &code)?;
    Some(Fix::unsafe_because(
        format!(
            "Add `__reduce__` to `{}`, so that unpickling calls `{}(items)` before the attributes are back",
            class.name.as_str(),
            class.name.as_str()
        ),
        format!(
            "the receiving process runs `{}.__init__` again with the items (and the defaults of its other parameters) before the pickled attributes replace what it set",
            class.name.as_str()
        ),
        vec![insertion],
    ))
}

/// The name of the parameter that takes the items: the one required
/// positional parameter after `self` (every other one has a default), or
/// `*args` when there is no positional parameter.
fn items_parameter(init: &ast::StmtFunctionDef) -> Option<&str> {
    let parameters = &init.parameters;
    let positional: Vec<_> = parameters
        .posonlyargs
        .iter()
        .chain(&parameters.args)
        .skip(1)
        .collect();
    if parameters.kwonlyargs.iter().any(|p| p.default.is_none()) {
        return None;
    }
    match positional.as_slice() {
        [] => parameters.vararg.as_ref().map(|v| v.name.as_str()),
        [first, rest @ ..] if rest.iter().all(|p| p.default.is_some()) => {
            Some(first.parameter.name.as_str())
        }
        _ => None,
    }
}

/// Whether `__init__` makes its items from `name`: passes it to
/// `super().__init__(...)`, `self.update(...)`/`self.extend(...)`, or
/// `dict(...)`/`list(...)` (what a `for` loop that stores items iterates).
fn reads(method: &ast::StmtFunctionDef, name: &str) -> bool {
    struct Reads<'n> {
        name: &'n str,
        found: bool,
    }
    impl Reads<'_> {
        fn mentions(&self, expr: &Expr) -> bool {
            match expr {
                Expr::Name(n) => n.id.as_str() == self.name,
                Expr::Starred(starred) => self.mentions(&starred.value),
                _ => false,
            }
        }
    }
    impl<'a> Visitor<'a> for Reads<'_> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Call(call) = expr {
                let fills = match &*call.func {
                    Expr::Name(callee) => matches!(callee.id.as_str(), "dict" | "list"),
                    Expr::Attribute(callee) => match callee.attr.as_str() {
                        "__init__" => matches!(&*callee.value, Expr::Call(inner)
                            if matches!(&*inner.func, Expr::Name(n) if n.id.as_str() == "super")),
                        "update" | "extend" => {
                            matches!(&*callee.value, Expr::Name(n) if n.id.as_str() == "self")
                        }
                        _ => false,
                    },
                    _ => false,
                };
                let passed = call.arguments.args.iter().any(|arg| self.mentions(arg))
                    || call
                        .arguments
                        .keywords
                        .iter()
                        .any(|keyword| keyword.arg.is_none() && self.mentions(&keyword.value));
                if fills && passed {
                    self.found = true;
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut reads = Reads { name, found: false };
    reads.visit_body(&method.body);
    reads.found
}

/// [`reduce_fix`] for the class of `found` when it is in the checker's file.
pub fn fix_in(
    checker: &crate::rules::Checker,
    found: &spawnsafe_flow::pitfalls::ClassPitfall,
) -> Option<Fix> {
    use spawnsafe_flow::pitfalls::Pitfall;
    let Pitfall::ItemsBeforeState { base, method, .. } = &found.pitfall else {
        return None;
    };
    if found.module != checker.module {
        return None;
    }
    let file = checker.file();
    let context = Context {
        model: &checker.project.models[checker.module],
        text: &file.text,
        style: &file.style,
    };
    reduce_fix(&context, found.method, base, method)
}
