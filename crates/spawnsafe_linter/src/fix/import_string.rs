//! The fix for an application object given to a starter that imports the
//! application by name in its children (`uvicorn.run(app, workers=2)`,
//! `reload=True`): the argument becomes the import string `"module:app"`.
//!
//! uvicorn's children are made with `multiprocessing.get_context("spawn")`
//! (`uvicorn/_subprocess.py`) and load the application with
//! `importlib.import_module(module)` then `getattr` (`uvicorn/importer.py`
//! `import_from_string`). For the main script the module is `__main__`: a
//! spawn child binds `sys.modules["__main__"]` to the script it re-imported
//! as `__mp_main__` (Lib/multiprocessing/spawn.py `_fixup_main_from_path`),
//! so the application is found there without importing the script a second
//! time under its file name. For an imported module it is the module's
//! dotted name. The name must be bound at module level outside the guard,
//! once, so that the import binds it too.

use ruff_python_ast::Expr;
use ruff_text_size::Ranged;

use super::{Edit, Fix};
use crate::semantic::{ScopeId, MODULE_SCOPE};

/// Replaces `argument` (the application object passed at a call in `scope`)
/// with its import string.
pub fn fix_in(checker: &crate::rules::Checker, argument: &Expr, scope: ScopeId) -> Option<Fix> {
    let path = &checker.project.paths[checker.module];
    if path.is_interactive_main() {
        return None;
    }
    let model = &checker.project.models[checker.module];
    let Expr::Name(name) = argument else {
        return None;
    };
    let variable = name.id.as_str();
    let (found_in, bindings) = model.lookup(variable, scope)?;
    if found_in != MODULE_SCOPE
        || bindings.len() != 1
        || bindings.iter().any(|binding| binding.in_main_guard)
        || model
            .scopes
            .iter()
            .any(|scope| scope.globals.contains(&variable))
    {
        return None;
    }
    // A script: it has the guard, or it makes the call when it runs.
    let script = !path.in_package && (model.has_main_guard || scope == MODULE_SCOPE);
    let module = if script {
        "__main__".to_string()
    } else {
        let dotted = path.name.as_str();
        let importable = !dotted.is_empty()
            && dotted.split('.').all(|part| {
                part.chars()
                    .next()
                    .is_some_and(|c| c.is_alphabetic() || c == '_')
                    && part.chars().all(|c| c.is_alphanumeric() || c == '_')
            });
        if !importable {
            return None;
        }
        dotted.to_string()
    };
    let text = &checker.file().text;
    // The file's own quote, when the call shows one.
    let quote = if text.contains('"') || !text.contains('\'') {
        '"'
    } else {
        '\''
    };
    Some(Fix::unsafe_because(
        format!("Pass the application as the import string {quote}{module}:{variable}{quote}"),
        format!(
            "each child imports `{variable}` from the module again: changes the parent makes to the object before the call are not seen there"
        ),
        vec![Edit::replacement(
            format!("{quote}{module}:{variable}{quote}"),
            argument.range(),
        )],
    ))
}
