//! The SPS302 fix for a module-level `logging.basicConfig(filename=...,
//! filemode="w")` of a main script: each spawn or forkserver child re-runs
//! it while importing the script as `__mp_main__` and truncates the log the
//! parent is writing. The children still need the handler (their records go
//! to the same file, as a forked child's do through the inherited one), so
//! the call stays at module level: only the parent truncates the file, and
//! every process appends to it.
//!
//! ```python
//! if __name__ == "__main__":
//!     open("output.txt", "w").close()
//! logging.basicConfig(filename="output.txt", filemode="a", level=logging.INFO)
//! ```
//!
//! A spawn child (and the forkserver process) imports the script as
//! `__mp_main__` (`Lib/multiprocessing/spawn.py`, `_fixup_main_from_path`),
//! so only the process the user started truncates the file;
//! `multiprocessing.parent_process()` would not tell, as it is set only after
//! the child has imported the script (`spawn._main` runs `prepare()` before
//! `_bootstrap()`). Appending from several processes keeps
//! every record, as the shared file offset does under fork. Unsafe: the
//! records of the processes interleave in the order they are written.

use ruff_python_ast::{Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use super::suite::insert_before;
use super::Fix;
use crate::semantic::{ModuleModel, Value, MODULE_SCOPE};

/// Rewrites the top-level `basicConfig(filemode="w")` statement that holds `at`.
pub fn truncate_once_fix(
    model: &ModuleModel,
    text: &str,
    style: &super::style::Style,
    at: TextRange,
) -> Option<Fix> {
    let statement = model
        .body
        .iter()
        .find(|stmt| stmt.range().contains_range(at))?;
    let Stmt::Expr(expr) = statement else {
        return None;
    };
    let Expr::Call(call) = &*expr.value else {
        return None;
    };
    let is_basic_config = matches!(model.resolve(&call.func, MODULE_SCOPE), Value::Qualified(name)
        if name == "logging.basicConfig");
    if !is_basic_config || !call.arguments.args.is_empty() {
        return None;
    }
    let keyword = |wanted: &str| {
        call.arguments
            .keywords
            .iter()
            .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == wanted))
    };
    if call.arguments.keywords.iter().any(|k| k.arg.is_none())
        || keyword("force").is_some()
        || keyword("handlers").is_some()
        || keyword("stream").is_some()
    {
        return None;
    }
    let filename = keyword("filename")?;
    let filemode = keyword("filemode")?;
    let Expr::StringLiteral(mode) = &filemode.value else {
        return None;
    };
    if mode.value.to_str() != "w" || !evaluates_plainly(&filename.value) {
        return None;
    }
    let path = &text[filename.value.range()];
    let encoding = keyword("encoding")
        .map(|k| format!(", encoding={}", &text[k.value.range()]))
        .unwrap_or_default();
    let newline = style.newline;
    let indent = &style.indent;
    let code = format!(
        "if __name__ == \"__main__\":{newline}{indent}# Only the parent starts the log afresh: spawn children re-run this line and append{newline}{indent}open({path}, \"w\"{encoding}).close()"
    );
    let edits = vec![
        insert_before(text, style, statement, &code)?,
        super::Edit::replacement("\"a\"", filemode.value.range()),
    ];
    Some(Fix::unsafe_because(
        "Truncate the log file only in the parent, and append to it in every process",
        "the file is emptied once, by the parent, and every process appends its records, which interleave in the order they are written",
        edits,
    ))
}

/// A name, an attribute, a literal, or `os.path.join` of such: evaluating it
/// twice gives the same path and does nothing else.
fn evaluates_plainly(expr: &Expr) -> bool {
    match expr {
        Expr::Name(_) | Expr::StringLiteral(_) => true,
        Expr::Attribute(attribute) => evaluates_plainly(&attribute.value),
        Expr::Call(call) => {
            matches!(&*call.func, Expr::Attribute(a) if a.attr.as_str() == "join"
                && matches!(&*a.value, Expr::Attribute(p) if p.attr.as_str() == "path"))
                && call.arguments.keywords.is_empty()
                && call.arguments.args.iter().all(evaluates_plainly)
        }
        _ => false,
    }
}

/// [`truncate_once_fix`] in the checker's file (a main script only: an
/// imported module's children import it too, but its parent may not be the
/// process that should own the file).
pub fn fix_in(checker: &crate::rules::Checker, at: TextRange) -> Option<Fix> {
    let project = checker.project;
    if project.paths[checker.module].is_interactive_main()
        || !crate::rules::sps101_unguarded_process_start::is_entry_script(project, checker.module)
    {
        return None;
    }
    let file = checker.file();
    truncate_once_fix(&project.models[checker.module], &file.text, &file.style, at)
}
