//! Running spawnsafe for the editor: the whole project, as the command line
//! would check it, except that the open documents are read from the editor's
//! buffers (saved or not) and every other file from disk.
//!
//! What was read from disk (the files discovery found, their text, and the
//! configuration found for them) is kept between checks in a [`Workspace`],
//! so a keystroke re-reads nothing: the server drops it when the disk may
//! have changed (a save, a watched file, new settings or folders).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use spawnsafe_linter::fixer::{fix_inputs, FixOptions};
use spawnsafe_linter::linter::{check_inputs, display_path, read_inputs, InputFile};
use spawnsafe_linter::settings::{Overrides, Resolver};
use spawnsafe_linter::source::{decode_notebook, is_notebook, SourceText};
use spawnsafe_linter::{CheckOptions, CheckResult};

use crate::incremental::LastCheck;

/// A document the editor has open.
#[derive(Debug, Clone)]
pub struct Document {
    /// As the client sent it: findings go back under the same URI.
    pub uri: String,
    /// The file's path, with symbolic links resolved (see [`canonical`]).
    pub path: PathBuf,
    pub text: String,
    pub version: Option<i64>,
}

impl Document {
    /// Python source spawnsafe checks: `.py` and `.pyi` files, and notebooks
    /// (whose text is their `.ipynb` JSON).
    pub fn is_checked(&self) -> bool {
        self.path
            .extension()
            .is_some_and(|ext| ext == "py" || ext == "pyi" || ext == "ipynb")
    }
}

/// The path with symbolic links resolved, so that a document and the file
/// discovery finds under a workspace folder compare equal; for a file not yet
/// on disk, its directory's.
pub fn canonical(path: &Path) -> PathBuf {
    if let Ok(resolved) = std::fs::canonicalize(path) {
        return without_verbatim_prefix(resolved);
    }
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => std::fs::canonicalize(parent)
            .map(|parent| without_verbatim_prefix(parent).join(name))
            .unwrap_or_else(|_| path.to_path_buf()),
        _ => path.to_path_buf(),
    }
}

/// Windows canonicalizes to verbatim paths (`\\?\C:\dir`); editors and
/// users name them `C:\dir`.
#[cfg(windows)]
fn without_verbatim_prefix(path: PathBuf) -> PathBuf {
    match path.to_str().and_then(|text| text.strip_prefix(r"\\?\")) {
        Some(rest) if rest.as_bytes().get(1) == Some(&b':') => PathBuf::from(rest),
        _ => path,
    }
}

#[cfg(not(windows))]
fn without_verbatim_prefix(path: PathBuf) -> PathBuf {
    path
}

/// The options the server checks with: those of `spawnsafe check` run without
/// flags, so each file's configuration (`pyproject.toml`, `spawnsafe.toml`,
/// read again on every check) applies, with the editor's settings on top as
/// the command line's would be.
fn options(overrides: &Overrides) -> CheckOptions {
    CheckOptions {
        overrides: overrides.clone(),
        ..CheckOptions::default()
    }
}

/// The workspace folders as last read from disk.
struct DiskSnapshot {
    roots: Vec<PathBuf>,
    /// The files discovery found, with their text (or why there is none).
    inputs: Vec<InputFile>,
    /// The settings found for them (it caches each directory's).
    resolver: Resolver,
    warnings: Vec<String>,
    /// The last check with these files, for re-analysing only what an edit changes.
    last: Option<LastCheck>,
}

/// What was read from disk, kept between checks until [`Workspace::forget_disk`].
#[derive(Default)]
pub struct Workspace {
    snapshot: Option<DiskSnapshot>,
}

impl Workspace {
    /// The files on disk or the settings may have changed: read them again at the next check.
    pub fn forget_disk(&mut self) {
        self.snapshot = None;
    }

    fn snapshot(
        &mut self,
        roots: &[PathBuf],
        overrides: &Overrides,
    ) -> Result<&mut DiskSnapshot, String> {
        if self
            .snapshot
            .as_ref()
            .is_some_and(|snapshot| snapshot.roots != roots)
        {
            self.snapshot = None;
        }
        if self.snapshot.is_none() {
            let (inputs, resolver, warnings) = read_inputs(roots, &options(overrides))?;
            self.snapshot = Some(DiskSnapshot {
                roots: roots.to_vec(),
                inputs,
                resolver,
                warnings,
                last: None,
            });
        }
        Ok(self.snapshot.as_mut().expect("just read"))
    }
}

/// The files of the workspace folders (as read from disk) with the open
/// documents' text in place of their files'; an open document outside the
/// folders, or not saved yet, is checked too. A document whose file discovery
/// skipped (excluded by the configuration or `.gitignore`) is not checked.
fn inputs(
    snapshot: &DiskSnapshot,
    roots: &[PathBuf],
    documents: &[&Document],
) -> (Vec<InputFile>, Vec<String>) {
    let mut inputs = snapshot.inputs.clone();
    let warnings = snapshot.warnings.clone();
    for document in documents.iter().filter(|document| document.is_checked()) {
        let source = if is_notebook(&document.path) {
            decode_notebook(document.text.as_bytes())
        } else {
            Ok(SourceText {
                text: document.text.clone(),
                encoding: None,
                has_bom: false,
                notebook: None,
            })
        };
        match inputs.iter_mut().find(|input| input.path == document.path) {
            Some(input) => input.source = source,
            None => {
                let discovery_skipped_it = document.path.is_file()
                    && roots.iter().any(|root| document.path.starts_with(root));
                if !discovery_skipped_it {
                    inputs.push(InputFile {
                        path: document.path.clone(),
                        display_path: display_path(&document.path),
                        source,
                    });
                }
            }
        }
    }
    (inputs, warnings)
}

/// At most this many edited files are re-analysed alone; more, and the
/// whole project is checked.
const MAX_EDITED: usize = 8;

/// Checks the project with the open documents' text. When only the text of
/// a few files changed since the last check, only the files an edit can
/// affect are analysed again (see [`crate::incremental`]); the findings are
/// those of a full check.
pub fn check(
    workspace: &mut Workspace,
    roots: &[PathBuf],
    documents: &[&Document],
    overrides: &Overrides,
) -> Result<CheckResult, String> {
    let snapshot = workspace.snapshot(roots, overrides)?;
    let (inputs, warnings) = inputs(snapshot, roots, documents);
    let options = options(overrides);
    let changed = snapshot
        .last
        .as_ref()
        .and_then(|last| last.changed(&inputs));
    let mut result =
        match (changed, snapshot.last.as_mut()) {
            (Some(changed), Some(last)) if changed.len() <= MAX_EDITED => {
                if !changed.is_empty() {
                    let (component, checked) = last.affected(&inputs, &changed);
                    let affected: HashSet<&Path> = inputs
                        .iter()
                        .zip(&component)
                        .filter(|(_, &inside)| inside)
                        .map(|(input, _)| input.path.as_path())
                        .collect();
                    let subset: Vec<InputFile> = inputs
                        .iter()
                        .zip(&checked)
                        .filter(|(_, &checked)| checked)
                        .map(|(input, _)| input.clone())
                        .collect();
                    let partial = check_inputs(subset, &options, &mut snapshot.resolver)?;
                    let mut diagnostics: Vec<_> =
                        std::mem::take(&mut last.diagnostics)
                            .into_iter()
                            .filter(|diagnostic| !affected.contains(diagnostic.file.path.as_path()))
                            .chain(partial.diagnostics.into_iter().filter(|diagnostic| {
                                affected.contains(diagnostic.file.path.as_path())
                            }))
                            .collect();
                    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
                    last.diagnostics = diagnostics;
                    last.warnings = partial.warnings;
                }
                CheckResult {
                    diagnostics: last.diagnostics.clone(),
                    warnings: last.warnings.clone(),
                    files_found: inputs.len(),
                    ..CheckResult::default()
                }
            }
            _ => {
                let mut last = LastCheck::new(&inputs, Vec::new(), Vec::new());
                let result = check_inputs(inputs, &options, &mut snapshot.resolver)?;
                last.diagnostics = result.diagnostics.clone();
                last.warnings = result.warnings.clone();
                snapshot.last = Some(last);
                result
            }
        };
    result.warnings.extend(warnings);
    Ok(result)
}

/// The text of `target` after its safe fixes, applied to a fixed point as
/// `spawnsafe check --fix` would; `None` when nothing changes. Nothing is written.
pub fn fix_all(
    workspace: &mut Workspace,
    roots: &[PathBuf],
    documents: &[&Document],
    target: &Document,
    overrides: &Overrides,
) -> Result<Option<String>, String> {
    let snapshot = workspace.snapshot(roots, overrides)?;
    let (mut inputs, _) = inputs(snapshot, roots, documents);
    let resolver = &mut snapshot.resolver;
    let fix_options = FixOptions {
        unsafe_fixes: false,
        dry_run: true,
    };
    // The buffer stands in for the file's bytes: the fixer then compares
    // against it, not against the file on disk, and writes nothing.
    let result = fix_inputs(
        &mut inputs,
        &options(overrides),
        fix_options,
        resolver,
        Some(target.text.as_bytes()),
    )?;
    Ok(result
        .files
        .into_iter()
        .find(|file| file.path == target.path && file.error.is_none() && !file.applied.is_empty())
        .map(|file| file.fixed_text))
}
