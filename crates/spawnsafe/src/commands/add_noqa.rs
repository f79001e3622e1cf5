//! `spawnsafe check --add-noqa`: adopt spawnsafe on a legacy codebase by
//! suppressing every current finding on its line, so that only new code is
//! held to the rules.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use spawnsafe_linter::diagnostic::SourceFile;
use spawnsafe_linter::fix::notebook::updated_json;
use spawnsafe_linter::fix::write::{encode, write_atomically};
use spawnsafe_linter::noqa::{add_noqa_edits, apply_edits};
use spawnsafe_linter::source::{decode, is_notebook};
use spawnsafe_linter::{check_paths, Rule};

use crate::printer::count;
use crate::settings::{CheckSettings, Input};

/// A file, and the (row, code) of each of its findings.
type FileFindings = (Arc<SourceFile>, Vec<(usize, &'static str)>);

pub fn add_noqa(settings: &CheckSettings) -> Result<ExitCode, String> {
    let Input::Paths(paths) = &settings.input else {
        return Err("`--add-noqa` changes files: give paths, not `-`".to_string());
    };
    let result = check_paths(paths, &settings.options)?;
    for warning in &result.warnings {
        eprintln!("spawnsafe: warning: {warning}");
    }
    // Findings per file (syntax and read errors are not suppressed: they
    // mean the file could not be checked).
    let mut by_file: BTreeMap<PathBuf, FileFindings> = BTreeMap::new();
    for diagnostic in &result.diagnostics {
        if matches!(diagnostic.rule, Rule::SyntaxError | Rule::IoError) {
            continue;
        }
        let row = diagnostic.file.row(diagnostic.range.start());
        by_file
            .entry(diagnostic.file.path.clone())
            .or_insert_with(|| (Arc::clone(&diagnostic.file), Vec::new()))
            .1
            .push((row, diagnostic.rule.code()));
    }
    let (mut added, mut files_changed, mut failed) = (0, 0, false);
    for (path, (file, findings)) in by_file {
        let Some(edits) = add_noqa_edits(&path, &file.text, &findings) else {
            eprintln!(
                "spawnsafe: error: {}: does not parse; no `# noqa` added",
                file.display_path
            );
            failed = true;
            continue;
        };
        for row in &edits.impossible_rows {
            eprintln!(
                "spawnsafe: warning: {}:{row}: the line ends inside a string or continues with `\\`; no `# noqa` can go there",
                file.display_path
            );
        }
        if edits.edits.is_empty() {
            continue;
        }
        let new_text = apply_edits(&file.text, &edits.edits);
        match write(&path, &file.text, &edits.edits, &new_text) {
            Ok(()) => {
                added += edits.edits.len();
                files_changed += 1;
            }
            Err(error) => {
                eprintln!("spawnsafe: error: {}: {error}", file.display_path);
                failed = true;
            }
        }
    }
    if !settings.printer.quiet {
        eprintln!(
            "Added {} to {}.",
            count(added, "noqa directive"),
            count(files_changed, "file")
        );
    }
    Ok(if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// Writes the new text in the file's own encoding (a notebook: into its
/// cells), unless the file changed since it was checked.
fn write(
    path: &std::path::Path,
    checked_text: &str,
    edits: &[spawnsafe_linter::fix::Edit],
    new_text: &str,
) -> Result<(), String> {
    let original = std::fs::read(path).map_err(|err| format!("cannot read: {err}"))?;
    let source = decode(path, original.clone()).map_err(|err| format!("cannot read: {err}"))?;
    if source.text != checked_text {
        return Err("the file changed on disk while it was checked; not changed".to_string());
    }
    let bytes = if is_notebook(path) {
        let json = String::from_utf8(original.clone()).map_err(|err| err.to_string())?;
        updated_json(&json, checked_text, edits, new_text)?.into_bytes()
    } else {
        encode(new_text, source.encoding, source.has_bom).map_err(|err| err.to_string())?
    };
    write_atomically(path, &original, &bytes).map_err(|err| err.to_string())
}
