//! Why pickle cannot find a value of this module again by its qualified name:
//! pickle sends functions and classes (and so instances and bound methods) by
//! reference to `module.qualname` (Lib/pickle.py `save_global`), and the child
//! looks that up after importing the module (as `__mp_main__` for the script).

use ruff_python_ast::Expr;
use ruff_text_size::TextRange;

use crate::{ClassId, ModuleModel, ScopeId, ScopeKind, Value};

/// Why a value cannot be found by name where it is unpickled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unfindable {
    Lambda,
    /// A function, class or method of a class defined inside a function: its qualified name.
    Local {
        what: &'static str,
        qualname: String,
    },
    /// A module-level function its decorator replaced with an instance of a
    /// class that keeps the function in an attribute.
    ReplacedByInstance {
        name: String,
        class: String,
        attribute: String,
    },
    /// The attribute of such an instance read by the instance's own code
    /// (`target=self.func` in its `__call__`): the original function, sent
    /// by its module-level name, which holds the instance.
    ReplacedOriginal {
        name: String,
        class: String,
        attribute: String,
    },
    /// Defined in the main guard: the name and where it is defined.
    InGuard {
        name: String,
        definition: TextRange,
    },
}

/// Why `value` (of this module) cannot be found by name, if it cannot.
pub fn unfindable(model: &ModuleModel, value: &Value) -> Option<Unfindable> {
    match value {
        Value::Lambda => Some(Unfindable::Lambda),
        Value::Partial(inner) | Value::Collection(inner) => unfindable(model, inner),
        Value::Function(function) => {
            let info = &model.functions[*function];
            if info.is_local {
                return Some(Unfindable::Local {
                    what: "nested function",
                    qualname: info.qualname.clone(),
                });
            }
            if let Some(class) = info.class {
                return class_unfindable(
                    model,
                    class,
                    "method of a class defined inside a function",
                );
            }
            if let Some(wrapper) = model.replaced_by_wrapper(*function) {
                return Some(Unfindable::Local {
                    what: "function replaced by its decorator's wrapper (no `functools.wraps`)",
                    qualname: model.functions[wrapper].qualname.clone(),
                });
            }
            if let Some(replacing) = model.replaced_by_instance(*function) {
                return Some(Unfindable::ReplacedByInstance {
                    name: info.def.name.to_string(),
                    class: model.classes[replacing.class].qualname.clone(),
                    attribute: replacing.attribute,
                });
            }
            let name = info.def.name.as_str();
            (info.in_main_guard && !model.has_module_binding_outside_guard(name)).then(|| {
                Unfindable::InGuard {
                    name: name.to_string(),
                    definition: info.def.name.range,
                }
            })
        }
        Value::Class(class) => class_unfindable(model, *class, "class defined inside a function"),
        Value::Instance(class) => match class.as_ref() {
            Value::Class(class) => class_unfindable(
                model,
                *class,
                "instance of a class defined inside a function",
            ),
            _ => None,
        },
        Value::BoundMethod(receiver, attribute) => match receiver.as_ref() {
            Value::Instance(class) => match class.as_ref() {
                Value::Class(class) => {
                    let info = &model.classes[*class];
                    if !info.methods.contains_key(attribute.as_str())
                        && info.self_attributes.contains_key(attribute.as_str())
                    {
                        // An attribute the instance was given, not a method.
                        return replaced_original(model, *class, attribute);
                    }
                    class_unfindable(
                        model,
                        *class,
                        "bound method of a class defined inside a function",
                    )
                }
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
}

/// The module-level function whose decorator made an instance of `class`
/// keeping it in `attribute`, when exactly one did: what that attribute holds.
fn replaced_original(model: &ModuleModel, class: ClassId, attribute: &str) -> Option<Unfindable> {
    let mut replaced = model.functions.iter_enumerated().filter(|(function, _)| {
        model
            .replaced_by_instance(*function)
            .is_some_and(|replacing| replacing.class == class && replacing.attribute == attribute)
    });
    let (_, info) = replaced.next()?;
    if replaced.next().is_some() {
        return None;
    }
    Some(Unfindable::ReplacedOriginal {
        name: info.def.name.to_string(),
        class: model.classes[class].qualname.clone(),
        attribute: attribute.to_string(),
    })
}

fn class_unfindable(model: &ModuleModel, class: ClassId, what: &'static str) -> Option<Unfindable> {
    let info = &model.classes[class];
    if info.is_local {
        return Some(Unfindable::Local {
            what,
            qualname: info.qualname.clone(),
        });
    }
    let name = info.def.name.as_str();
    (info.in_main_guard && !model.has_module_binding_outside_guard(name)).then(|| {
        Unfindable::InGuard {
            name: name.to_string(),
            definition: info.def.name.range,
        }
    })
}

/// The error pickling the lambda `expr`, written in `scope`, raises: a lambda
/// written inside a function is a local object; elsewhere its lookup fails.
pub fn lambda_error(model: &ModuleModel, expr: &Expr, scope: ScopeId) -> String {
    if matches!(expr, Expr::Lambda(_)) {
        if let ScopeKind::Function(function) = model.scopes[scope].kind {
            return format!(
                "AttributeError: Can't pickle local object '{}.<locals>.<lambda>'",
                model.functions[function].qualname
            );
        }
    }
    "_pickle.PicklingError: Can't pickle <function <lambda> ...>".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MODULE_SCOPE;

    /// What the module-level name `name` of `source` holds, judged.
    fn judge(source: &str, name: &str) -> Option<Unfindable> {
        let parsed = ruff_python_parser::parse_module(source).expect("valid Python");
        let model = ModuleModel::build(&parsed.syntax().body);
        let name = ruff_python_parser::parse_expression(name).expect("a name");
        unfindable(&model, &model.resolve(name.expr(), MODULE_SCOPE))
    }

    #[test]
    fn module_level_definitions_are_found() {
        assert_eq!(judge("def work(x):\n    return x\n", "work"), None);
        assert_eq!(judge("class Job:\n    pass\n", "Job"), None);
    }

    #[test]
    fn a_lambda_is_not_found() {
        assert_eq!(
            judge("work = lambda x: x\n", "work"),
            Some(Unfindable::Lambda)
        );
    }

    #[test]
    fn a_function_made_by_a_function_is_local() {
        let source =
            "def outer():\n    def inner(x):\n        return x\n    return inner\nwork = outer()\n";
        let parsed = ruff_python_parser::parse_module(source).expect("valid Python");
        let model = ModuleModel::build(&parsed.syntax().body);
        let (inner, _) = model
            .functions
            .iter_enumerated()
            .find(|(_, info)| info.def.name.as_str() == "inner")
            .expect("inner");
        assert_eq!(
            unfindable(&model, &Value::Function(inner)),
            Some(Unfindable::Local {
                what: "nested function",
                qualname: "outer.<locals>.inner".to_string(),
            })
        );
    }

    #[test]
    fn a_definition_in_the_main_guard_is_missing_in_the_child() {
        let source = "if __name__ == \"__main__\":\n    def work(x):\n        return x\n";
        assert!(matches!(
            judge(source, "work"),
            Some(Unfindable::InGuard { name, .. }) if name == "work"
        ));
        // Bound at module level too: the child finds that one.
        let source = "def work(x):\n    return x\nif __name__ == \"__main__\":\n    def work(x):\n        return x\n";
        assert_eq!(judge(source, "work"), None);
    }

    #[test]
    fn a_lambda_written_in_a_function_is_a_local_object() {
        let source = "def main():\n    f = lambda x: x\n";
        let parsed = ruff_python_parser::parse_module(source).expect("valid Python");
        let model = ModuleModel::build(&parsed.syntax().body);
        let (main, _) = model.functions.iter_enumerated().next().expect("main");
        let scope = model.function_scope(main);
        let lambda = ruff_python_parser::parse_expression("lambda x: x").expect("valid");
        assert_eq!(
            lambda_error(&model, lambda.expr(), scope),
            "AttributeError: Can't pickle local object 'main.<locals>.<lambda>'"
        );
        assert_eq!(
            lambda_error(&model, lambda.expr(), MODULE_SCOPE),
            "_pickle.PicklingError: Can't pickle <function <lambda> ...>"
        );
    }
}
