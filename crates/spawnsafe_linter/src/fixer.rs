//! `--fix`: applies the fixes of the findings, re-checks, and repeats until
//! nothing is left to fix (a fixed point), then writes the files back.
//!
//! Every round re-checks the whole project, since findings cross modules (a
//! guard added in a script changes what its imports do). A round's fixes are
//! applied per file without conflicts (see [`crate::fix::apply`]); the result
//! must parse, or the file keeps its last good text and the failure is
//! reported. Files are written only at the end, atomically, in their own
//! encoding, and never over a file that changed on disk in the meantime.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;

use crate::fix::apply::apply_fixes;
use crate::fix::notebook::updated_json;
use crate::fix::write::{encode, write_atomically};
use crate::fix::{Edit, Fix};
use crate::linter::{check_inputs, read_inputs, CheckOptions, CheckResult, InputFile};
use crate::registry::Rule;
use crate::settings::Resolver;
use crate::source::{decode, decode_notebook, is_notebook, source_type};

/// At most this many rounds of fixing and re-checking (the fixes of one
/// round can only reveal a few more).
pub const MAX_ROUNDS: usize = 10;

#[derive(Debug, Clone, Copy, Default)]
pub struct FixOptions {
    /// Apply unsafe fixes too (`--unsafe-fixes`).
    pub unsafe_fixes: bool,
    /// Compute the fixed files but do not write them (`--diff`).
    pub dry_run: bool,
}

/// One file the fixes changed (or tried to).
#[derive(Debug, Clone)]
pub struct FixedFile {
    pub path: PathBuf,
    pub display_path: String,
    /// The text as it was checked (for a notebook: its code cells).
    pub original_text: String,
    /// The text after the fixes.
    pub fixed_text: String,
    /// The file's bytes after the fixes (its encoding; a notebook's JSON).
    pub fixed_bytes: Vec<u8>,
    /// The fixes applied, in order: rule and what the fix did.
    pub applied: Vec<(Rule, String)>,
    /// Why a fix (or the write) failed; the file keeps its last good text.
    pub error: Option<String>,
    /// Whether the fixed file was written to disk.
    pub written: bool,
}

#[derive(Debug, Default)]
pub struct FixResult {
    /// The findings left after fixing.
    pub check: CheckResult,
    /// The files that changed (or whose fixes failed), sorted by path.
    pub files: Vec<FixedFile>,
    /// Whether fixing stopped at [`MAX_ROUNDS`] with fixes still to apply.
    pub did_not_converge: bool,
    /// The findings of the first check, before any fix.
    pub findings_before: usize,
}

impl FixResult {
    pub fn fixes_applied(&self) -> usize {
        self.files.iter().map(|file| file.applied.len()).sum()
    }

    /// The findings the fixes made go away (one fix can remove several: moving
    /// import-time work into the guard also moves its `set_start_method()`).
    pub fn findings_fixed(&self) -> usize {
        self.findings_before
            .saturating_sub(self.check.diagnostics.len())
    }
}

/// A file being fixed: its bytes as read, and its current state.
struct Tracked {
    original_bytes: Vec<u8>,
    original_text: String,
    /// The current notebook JSON, for a notebook.
    json: Option<String>,
    applied: Vec<(Rule, String)>,
    error: Option<String>,
}

/// Checks `paths`, applies the applicable fixes to a fixed point, and writes
/// the fixed files (unless `dry_run`).
pub fn fix_paths(
    paths: &[PathBuf],
    options: &CheckOptions,
    fix_options: FixOptions,
) -> Result<FixResult, String> {
    let (mut inputs, mut resolver, warnings) = read_inputs(paths, options)?;
    let mut result = fix_inputs(&mut inputs, options, fix_options, &mut resolver, None)?;
    result.check.warnings.extend(warnings);
    Ok(result)
}

/// Fixes source read from the standard input (`-`): nothing is written; the
/// fixed text is in the result's one file, if a fix applied.
pub fn fix_stdin(
    contents: Vec<u8>,
    filename: &Path,
    options: &CheckOptions,
    unsafe_fixes: bool,
) -> Result<FixResult, String> {
    let mut resolver = Resolver::new(
        options.config.as_deref(),
        options.isolated,
        options.overrides.clone(),
    )?;
    let source = decode(filename, contents.clone());
    let mut inputs = vec![InputFile {
        path: filename.to_path_buf(),
        display_path: crate::linter::display_path(filename),
        source,
    }];
    let fix_options = FixOptions {
        unsafe_fixes,
        dry_run: true,
    };
    fix_inputs(
        &mut inputs,
        options,
        fix_options,
        &mut resolver,
        Some(&contents),
    )
}

/// The fixed-point loop over files already read; `inputs` end up holding the
/// fixed texts. `stdin` holds the bytes of source that came from the standard
/// input (then nothing is read from, or written to, disk).
pub fn fix_inputs(
    inputs: &mut [InputFile],
    options: &CheckOptions,
    fix_options: FixOptions,
    resolver: &mut Resolver,
    stdin: Option<&[u8]>,
) -> Result<FixResult, String> {
    let index_of: FxHashMap<PathBuf, usize> = inputs
        .iter()
        .enumerate()
        .map(|(index, input)| (input.path.clone(), index))
        .collect();
    let mut tracked: BTreeMap<usize, Tracked> = BTreeMap::new();
    let mut did_not_converge = false;
    let mut round = 0;
    let mut findings_before = None;
    let check = loop {
        let check = check_inputs(inputs.to_vec(), options, resolver)?;
        findings_before.get_or_insert(check.diagnostics.len());
        let mut by_file: BTreeMap<usize, Vec<(&Fix, Rule)>> = BTreeMap::new();
        for diagnostic in &check.diagnostics {
            let Some(fix) = &diagnostic.fix else { continue };
            if !fix.is_applicable(fix_options.unsafe_fixes) {
                continue;
            }
            let Some(&index) = index_of.get(&diagnostic.file.path) else {
                continue;
            };
            if tracked.get(&index).is_some_and(|file| file.error.is_some()) {
                continue;
            }
            by_file
                .entry(index)
                .or_default()
                .push((fix, diagnostic.rule));
        }
        if by_file.is_empty() {
            break check;
        }
        if round == MAX_ROUNDS {
            did_not_converge = true;
            break check;
        }
        round += 1;
        for (index, fixes) in by_file {
            let input = &mut inputs[index];
            let Ok(source) = &input.source else { continue };
            let file = match tracked.entry(index) {
                std::collections::btree_map::Entry::Occupied(entry) => entry.into_mut(),
                std::collections::btree_map::Entry::Vacant(entry) => {
                    entry.insert(start_tracking(&input.path, &source.text, stdin))
                }
            };
            if file.error.is_some() {
                continue;
            }
            let only_fixes: Vec<&Fix> = fixes.iter().map(|(fix, _)| *fix).collect();
            let applied = apply_fixes(&source.text, &only_fixes);
            if applied.applied.is_empty() {
                continue;
            }
            let rules: Vec<String> = applied
                .applied
                .iter()
                .map(|&at| fixes[at].1.code().to_string())
                .collect();
            if let Some(error) = parse_error(&input.path, &applied.text) {
                file.error = Some(format!(
                    "the fix for {} would make the file invalid ({error}); it was left as it was",
                    rules.join(", ")
                ));
                continue;
            }
            let new_source = match &file.json {
                Some(json) => {
                    let edits: Vec<Edit> = applied
                        .applied
                        .iter()
                        .flat_map(|&at| fixes[at].0.edits.iter().cloned())
                        .collect();
                    let mut edits = edits;
                    edits.sort_by_key(|edit| (edit.range.start(), edit.range.end()));
                    match updated_json(json, &source.text, &edits, &applied.text).and_then(|json| {
                        let decoded =
                            decode_notebook(json.as_bytes()).map_err(|err| err.to_string())?;
                        Ok((json, decoded))
                    }) {
                        Ok((json, decoded)) if decoded.text == applied.text => {
                            file.json = Some(json);
                            decoded
                        }
                        Ok(_) => {
                            file.error = Some(format!(
                                "the fix for {} does not fit the notebook's cells; it was left as it was",
                                rules.join(", ")
                            ));
                            continue;
                        }
                        Err(error) => {
                            file.error = Some(format!(
                                "the fix for {} cannot be written into the notebook ({error})",
                                rules.join(", ")
                            ));
                            continue;
                        }
                    }
                }
                None => {
                    let mut new_source = source.clone();
                    new_source.text = applied.text;
                    new_source
                }
            };
            file.applied.extend(
                applied
                    .applied
                    .iter()
                    .map(|&at| (fixes[at].1, fixes[at].0.message.clone())),
            );
            input.source = Ok(new_source);
        }
    };

    let mut files = Vec::new();
    for (index, file) in tracked {
        let input = &inputs[index];
        let Ok(source) = &input.source else { continue };
        if file.applied.is_empty() && file.error.is_none() {
            continue;
        }
        let mut fixed = FixedFile {
            path: input.path.clone(),
            display_path: input.display_path.clone(),
            original_text: file.original_text.clone(),
            fixed_text: source.text.clone(),
            fixed_bytes: Vec::new(),
            applied: file.applied,
            error: file.error,
            written: false,
        };
        if !fixed.applied.is_empty() {
            let bytes = match &file.json {
                Some(json) => Ok(json.clone().into_bytes()),
                None => encode(&source.text, source.encoding, source.has_bom),
            };
            match bytes {
                Ok(bytes) => fixed.fixed_bytes = bytes,
                Err(error) => {
                    fixed.error = Some(error.to_string());
                    fixed.applied.clear();
                }
            }
        }
        if !fix_options.dry_run
            && stdin.is_none()
            && !fixed.applied.is_empty()
            && fixed.error.is_none()
        {
            match write_atomically(&fixed.path, &file.original_bytes, &fixed.fixed_bytes) {
                Ok(()) => fixed.written = true,
                Err(error) => fixed.error = Some(error.to_string()),
            }
        }
        files.push(fixed);
    }
    files.sort_by(|a, b| a.display_path.cmp(&b.display_path));
    Ok(FixResult {
        findings_before: findings_before.unwrap_or_default(),
        check,
        files,
        did_not_converge,
    })
}

/// Reads the bytes a file is fixed from; a file that no longer holds the text
/// that was checked is not fixed.
fn start_tracking(path: &Path, checked_text: &str, stdin: Option<&[u8]>) -> Tracked {
    let mut tracked = Tracked {
        original_bytes: Vec::new(),
        original_text: checked_text.to_string(),
        json: None,
        applied: Vec::new(),
        error: None,
    };
    let read = match stdin {
        Some(bytes) => Ok(bytes.to_vec()),
        None => std::fs::read(path),
    };
    let bytes = match read {
        Ok(bytes) => bytes,
        Err(err) => {
            tracked.error = Some(format!("cannot read the file to fix it: {err}"));
            return tracked;
        }
    };
    let decoded = decode(path, bytes.clone());
    match decoded {
        Ok(source) if source.text == checked_text => {
            if is_notebook(path) {
                tracked.json = String::from_utf8(bytes.clone()).ok();
            }
            tracked.original_bytes = bytes;
        }
        _ => {
            tracked.error =
                Some("the file changed on disk while it was checked; not fixed".to_string());
        }
    }
    tracked
}

/// The first syntax error in `text`, if the fixed text does not parse.
fn parse_error(path: &Path, text: &str) -> Option<String> {
    let parsed = ruff_python_parser::parse_unchecked_source(text, source_type(path));
    parsed
        .errors()
        .first()
        .map(|error| format!("SyntaxError: {}", error.error))
}

/// A unified diff of one fixed file, as `--diff` prints it.
pub fn unified_diff(file: &FixedFile) -> String {
    similar::TextDiff::from_lines(&file.original_text, &file.fixed_text)
        .unified_diff()
        .context_radius(3)
        .header(&file.display_path, &file.display_path)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Overrides;
    use crate::source::decode_source;

    const TYPO_GUARD: &str = "import multiprocessing\n\nif __name__ == \"main\":\n    print(multiprocessing.cpu_count())\n";

    fn inputs_for(path: &Path, text: &str) -> Vec<InputFile> {
        vec![InputFile {
            path: path.to_path_buf(),
            display_path: path.display().to_string(),
            source: decode_source(text.as_bytes().to_vec()),
        }]
    }

    fn fix(inputs: &mut [InputFile], dry_run: bool) -> FixResult {
        let options = CheckOptions {
            isolated: true,
            ..CheckOptions::default()
        };
        let mut resolver = Resolver::new(None, true, Overrides::default()).unwrap();
        let fix_options = FixOptions {
            unsafe_fixes: true,
            dry_run,
        };
        fix_inputs(inputs, &options, fix_options, &mut resolver, None).unwrap()
    }

    #[test]
    fn a_file_changed_on_disk_since_the_check_is_not_fixed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("job.py");
        std::fs::write(&path, "print('someone else wrote this')\n").unwrap();
        let mut inputs = inputs_for(&path, TYPO_GUARD);
        let result = fix(&mut inputs, false);
        assert_eq!(result.fixes_applied(), 0);
        assert!(result.files[0]
            .error
            .as_deref()
            .unwrap()
            .contains("changed on disk"));
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "print('someone else wrote this')\n"
        );
    }

    #[test]
    fn dry_run_computes_the_fix_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("job.py");
        std::fs::write(&path, TYPO_GUARD).unwrap();
        let mut inputs = inputs_for(&path, TYPO_GUARD);
        let result = fix(&mut inputs, true);
        assert_eq!(result.fixes_applied(), 1);
        assert!(result.files[0].fixed_text.contains("\"__main__\""));
        assert!(!result.files[0].written);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), TYPO_GUARD);
    }

    #[test]
    fn invalid_fixed_code_is_recognised() {
        assert!(parse_error(Path::new("job.py"), "if x:\npass\n").is_some());
        assert!(parse_error(Path::new("job.py"), "if x:\n    pass\n").is_none());
    }
}
