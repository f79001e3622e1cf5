//! What a plain function stores into the object it is given:
//! `linter.transforms["visit_module"] = augment_func`, `app.handler = handler`,
//! `registry.hooks.append(hook)` on its parameter `linter`, `app`, `registry`.
//! Pickling the object later pickles its `__dict__` (Objects/typeobject.c
//! `object___reduce_ex__` -> `copyreg.__reduce_ex__`), so a nested function a
//! plugin's setup function stores this way travels (and fails) with it, as in
//! pylint-django's `augment_visit()` (pylint-dev/pylint-django#276).

use ruff_python_ast::{Expr, Stmt};

use crate::payload::visit_statements;

/// The values the body stores into attributes of the variable `parameter`
/// (or into containers those attributes hold).
pub(crate) fn stored_into<'a>(body: &'a [Stmt], parameter: &str) -> Vec<&'a Expr> {
    // `parameter.attr`, the holder of what is stored.
    let on_parameter = |expr: &Expr| -> bool {
        matches!(expr, Expr::Attribute(attribute)
            if matches!(attribute.value.as_ref(), Expr::Name(name) if name.id.as_str() == parameter))
    };
    let mut found = Vec::new();
    visit_statements(body, &mut |stmt| match stmt {
        Stmt::Assign(assign) => {
            let stores = assign.targets.iter().any(|target| match target {
                Expr::Subscript(subscript) => on_parameter(&subscript.value),
                other => on_parameter(other),
            });
            if stores {
                found.push(assign.value.as_ref());
            }
        }
        Stmt::Expr(statement) => {
            let Expr::Call(call) = statement.value.as_ref() else {
                return;
            };
            let Expr::Attribute(method) = call.func.as_ref() else {
                return;
            };
            if !on_parameter(&method.value) {
                return;
            }
            let args = &call.arguments.args;
            let stored = match (method.attr.as_str(), args.len()) {
                ("append" | "add" | "appendleft", 1) => args.first(),
                ("insert" | "setdefault", 2) => args.get(1),
                _ => None,
            };
            found.extend(stored);
        }
        _ => {}
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_into_the_parameters_attributes_are_found() {
        let source = r#"
def augment(linter, other):
    def hook(m):
        return m
    linter.transforms["visit"] = hook
    linter.name = "x"
    linter.hooks.append(hook)
    other.items.append(1)
    linter.run(hook)
"#;
        let parsed = ruff_python_parser::parse_module(source).expect("valid Python");
        let Stmt::FunctionDef(def) = &parsed.syntax().body[0] else {
            panic!("a function");
        };
        let found: Vec<String> = stored_into(&def.body, "linter")
            .into_iter()
            .map(|expr| match expr {
                Expr::Name(name) => name.id.to_string(),
                _ => "other".to_string(),
            })
            .collect();
        assert_eq!(found, ["hook", "other", "hook"]);
    }
}
