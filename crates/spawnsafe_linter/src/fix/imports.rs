//! Making a `multiprocessing` name usable where a fix writes it: reuse the
//! module's own import of it (`import multiprocessing as mp` → `mp.X`,
//! `from multiprocessing import X as Y` → `Y`), else add `import multiprocessing`
//! after the module's leading imports. Bindings come from the semantic model,
//! never from a text search.

use ruff_python_ast::{Expr, Stmt};
use ruff_text_size::{Ranged, TextSize};

use crate::fix::style::Style;
use crate::fix::Edit;
use crate::semantic::{Binding, BindingKind, ModuleModel, ScopeId, MODULE_SCOPE};

/// How a fix writes `multiprocessing.<member>` at one place, and the import
/// edit it needs first (if any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Importable {
    /// The expression to write: `mp.freeze_support`, `freeze_support`, `multiprocessing.freeze_support`.
    pub expr: String,
    /// `import multiprocessing`, when the module has no usable binding.
    pub import: Option<Edit>,
}

/// How to write `multiprocessing.<member>` in `scope`, at `at` (code at
/// module level runs in order: the import must come before it; code in a
/// function runs after every top-level import). `None` when the name
/// `multiprocessing` is taken by something else and no import can be reused.
pub fn multiprocessing_member(
    model: &ModuleModel,
    text: &str,
    style: &Style,
    member: &str,
    scope: ScopeId,
    at: TextSize,
) -> Option<Importable> {
    let module_scope = &model.scopes[MODULE_SCOPE];
    let usable = |name: &str, binding: &Binding| {
        // One binding only (never rebound), made by a top-level import before
        // the use, and the name is not shadowed where it is used.
        let Some(bindings) = module_scope.bindings.get(name) else {
            return false;
        };
        bindings.len() == 1
            && (scope != MODULE_SCOPE || binding.range.end() <= at)
            && is_top_level_import(model, binding)
            && model
                .lookup(name, scope)
                .is_some_and(|(found, _)| found == MODULE_SCOPE)
    };
    let mut from_imports: Vec<(&str, &Binding)> = Vec::new();
    let mut module_imports: Vec<(&str, &Binding)> = Vec::new();
    for (name, bindings) in &module_scope.bindings {
        for binding in bindings {
            match &binding.kind {
                BindingKind::FromImport {
                    level: 0,
                    module: Some("multiprocessing"),
                    name: imported,
                } if *imported == member => from_imports.push((name, binding)),
                BindingKind::Import(module) if module == "multiprocessing" => {
                    module_imports.push((name, binding))
                }
                _ => {}
            }
        }
    }
    // The first usable one in the file, for a stable choice.
    from_imports.sort_by_key(|(_, binding)| binding.range.start());
    module_imports.sort_by_key(|(_, binding)| binding.range.start());
    if let Some((name, _)) = from_imports
        .iter()
        .find(|(name, binding)| usable(name, binding))
    {
        return Some(Importable {
            expr: (*name).to_string(),
            import: None,
        });
    }
    if let Some((name, _)) = module_imports
        .iter()
        .find(|(name, binding)| usable(name, binding))
    {
        return Some(Importable {
            expr: format!("{name}.{member}"),
            import: None,
        });
    }
    // `multiprocessing` must be free where it is used and in the module.
    if module_scope.bindings.contains_key("multiprocessing")
        || model.lookup("multiprocessing", scope).is_some()
    {
        return None;
    }
    let import = import_statement(model, text, style, "import multiprocessing")?;
    if scope == MODULE_SCOPE && import.range.start() > at {
        return None;
    }
    Some(Importable {
        expr: format!("multiprocessing.{member}"),
        import: Some(import),
    })
}

/// The binding is made by an `import` statement directly in the module's body
/// (not under an `if`, a `try` or the main guard).
fn is_top_level_import(model: &ModuleModel, binding: &Binding) -> bool {
    !binding.in_main_guard
        && model.body.iter().any(|stmt| {
            matches!(stmt, Stmt::Import(_) | Stmt::ImportFrom(_))
                && stmt.range().contains_range(binding.range)
        })
}

/// An edit that adds `statement` (one line) as a top-level statement after
/// the module's docstring and leading imports (`from __future__` ones
/// included), on a line of its own. `None` when the last of them shares its
/// line with other code (`import os; x = 1`).
pub fn import_statement(
    model: &ModuleModel,
    text: &str,
    style: &Style,
    statement: &str,
) -> Option<Edit> {
    let mut after: Option<&Stmt> = None;
    let mut rest = model.body.iter().peekable();
    if let Some(Stmt::Expr(docstring)) = rest.peek() {
        if matches!(docstring.value.as_ref(), Expr::StringLiteral(_)) {
            after = rest.next();
        }
    }
    while let Some(stmt) =
        rest.next_if(|stmt| matches!(stmt, Stmt::Import(_) | Stmt::ImportFrom(_)))
    {
        after = Some(stmt);
    }
    let newline = style.newline;
    let Some(after) = after else {
        // Before the first statement (after the comments above it).
        let at = model
            .body
            .first()
            .map_or(text.len().try_into().ok()?, |stmt| stmt.start());
        if !starts_line(text, at) {
            return None;
        }
        return Some(Edit::insertion(format!("{statement}{newline}"), at));
    };
    let end = usize::from(after.end());
    let line_rest = &text[end..];
    let line_end = line_rest
        .find(['\n', '\r'])
        .map_or(text.len(), |at| end + at);
    let trailing = text[end..line_end].trim_start();
    if !(trailing.is_empty() || trailing.starts_with('#')) {
        return None;
    }
    if line_end == text.len() {
        // The file ends on this line, without a newline.
        return Some(Edit::insertion(
            format!("{newline}{statement}{newline}"),
            TextSize::try_from(line_end).ok()?,
        ));
    }
    let next_line = if text[line_end..].starts_with("\r\n") {
        line_end + 2
    } else {
        line_end + 1
    };
    Some(Edit::insertion(
        format!("{statement}{newline}"),
        TextSize::try_from(next_line).ok()?,
    ))
}

/// Only spaces and tabs come before `at` on its line.
pub fn starts_line(text: &str, at: TextSize) -> bool {
    line_indent(text, at).is_some()
}

/// The indentation before `at` when only spaces and tabs come before it on its line.
pub fn line_indent(text: &str, at: TextSize) -> Option<&str> {
    let at = usize::from(at);
    let line_start = text[..at].rfind(['\n', '\r']).map_or(0, |found| found + 1);
    let indent = &text[line_start..at];
    indent
        .chars()
        .all(|c| c == ' ' || c == '\t')
        .then_some(indent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::apply::apply_fixes;
    use crate::fix::Fix;

    /// The text after writing `multiprocessing.freeze_support()` as the
    /// guard's first statement (at the `GUARD` marker's line), and the expression used.
    fn add_call(source: &str) -> Option<(String, String)> {
        let parsed = ruff_python_parser::parse_module(source).expect("valid Python");
        let model = ModuleModel::build(&parsed.syntax().body);
        let style = Style::detect(source, parsed.tokens());
        let at = TextSize::try_from(source.find("main()").unwrap_or(source.len())).unwrap();
        let importable =
            multiprocessing_member(&model, source, &style, "freeze_support", MODULE_SCOPE, at)?;
        let mut edits: Vec<Edit> = importable.import.into_iter().collect();
        edits.push(Edit::insertion(
            format!("{}(){}{}", importable.expr, style.newline, style.indent),
            at,
        ));
        let fix = Fix::safe("test", edits);
        let fixed = apply_fixes(source, &[&fix]).text;
        ruff_python_parser::parse_module(&fixed).expect("the fixed text parses");
        Some((fixed, importable.expr))
    }

    #[test]
    fn reuses_an_aliased_module_import() {
        let (fixed, expr) =
            add_call("import multiprocessing as mp\n\nif __name__ == '__main__':\n    main()\n")
                .unwrap();
        assert_eq!(expr, "mp.freeze_support");
        assert_eq!(
            fixed,
            "import multiprocessing as mp\n\nif __name__ == '__main__':\n    mp.freeze_support()\n    main()\n"
        );
        // A submodule import binds the package too.
        let (_, expr) =
            add_call("import multiprocessing.pool\nif __name__ == '__main__':\n    main()\n")
                .unwrap();
        assert_eq!(expr, "multiprocessing.freeze_support");
    }

    #[test]
    fn reuses_a_from_import_with_alias() {
        let (_, expr) = add_call(
            "import multiprocessing as mp\nfrom multiprocessing import freeze_support as fs\nif __name__ == '__main__':\n    main()\n",
        )
        .unwrap();
        assert_eq!(expr, "fs");
    }

    #[test]
    fn adds_the_import_after_docstring_future_and_imports_crlf_tabs() {
        let source = "\"\"\"Doc.\"\"\"\r\nfrom __future__ import annotations\r\nimport os  # os\r\nfrom multiprocessing import Pool\r\n\r\nX = 1\r\nif __name__ == '__main__':\r\n\tmain()\r\n";
        let (fixed, expr) = add_call(source).unwrap();
        assert_eq!(expr, "multiprocessing.freeze_support");
        assert_eq!(
            fixed,
            "\"\"\"Doc.\"\"\"\r\nfrom __future__ import annotations\r\nimport os  # os\r\nfrom multiprocessing import Pool\r\nimport multiprocessing\r\n\r\nX = 1\r\nif __name__ == '__main__':\r\n\tmultiprocessing.freeze_support()\r\n\tmain()\r\n"
        );
        // Only a docstring, then code.
        let (fixed, _) =
            add_call("'''Doc.'''\nX = 1\nif __name__ == '__main__':\n    main()\n").unwrap();
        assert!(
            fixed.starts_with("'''Doc.'''\nimport multiprocessing\nX = 1\n"),
            "{fixed}"
        );
        // Nothing before the code but a comment.
        let (fixed, _) =
            add_call("#!/usr/bin/env python\nif __name__ == '__main__':\n    main()\n").unwrap();
        assert!(
            fixed.starts_with("#!/usr/bin/env python\nimport multiprocessing\nif"),
            "{fixed}"
        );
    }

    #[test]
    fn does_not_reuse_what_it_cannot_trust() {
        // Rebound after the import: a fresh import is not possible either (the name is taken).
        assert!(add_call(
            "import multiprocessing\nmultiprocessing = None\nif __name__ == '__main__':\n    main()\n"
        )
        .is_none());
        // A conditional import is not reused; `multiprocessing` is taken by it.
        assert!(add_call(
            "try:\n    import multiprocessing\nexcept ImportError:\n    pass\nif __name__ == '__main__':\n    main()\n"
        )
        .is_none());
        // A from-import of another module's `freeze_support` is not ours.
        let (_, expr) = add_call(
            "from helpers import freeze_support\nif __name__ == '__main__':\n    main()\n",
        )
        .unwrap();
        assert_eq!(expr, "multiprocessing.freeze_support");
        // An import after the use is too late; the name is taken, so no fix.
        assert!(
            add_call("if __name__ == '__main__':\n    main()\nimport multiprocessing\n").is_none()
        );
        // The last leading import shares its line with code.
        assert!(add_call("import os; X = 1\nif __name__ == '__main__':\n    main()\n").is_none());
    }
}
