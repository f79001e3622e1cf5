//! Finding the Python files to check: `.gitignore`-aware, skipping the
//! directories that hold no project code.

use std::path::PathBuf;

use ignore::WalkBuilder;

/// Directories never searched (an explicitly named file in them is still checked).
pub const EXCLUDED_DIRECTORIES: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    "__pycache__",
    "build",
    "dist",
    "site-packages",
    "node_modules",
    ".tox",
    ".nox",
    ".eggs",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
];

pub struct Discovered {
    /// Sorted, without duplicates.
    pub files: Vec<PathBuf>,
    /// Problems met on the way (symlink loops, unreadable directories, missing paths).
    pub warnings: Vec<String>,
}

fn is_python_file(path: &std::path::Path) -> bool {
    path.extension()
        .is_some_and(|ext| ext == "py" || ext == "pyi")
}

pub fn discover(paths: &[PathBuf]) -> Discovered {
    let mut files = Vec::new();
    let mut warnings = Vec::new();
    for root in paths {
        let metadata = match std::fs::metadata(root) {
            Ok(metadata) => metadata,
            Err(_) => {
                // An explicitly named file is always checked: reading it reports the error
                // (a missing file, a dangling link, no permission).
                files.push(root.clone());
                continue;
            }
        };
        if metadata.is_file() {
            files.push(root.clone());
            continue;
        }
        let walker = WalkBuilder::new(root)
            .hidden(true)
            .git_ignore(true)
            .git_global(false)
            .git_exclude(true)
            .ignore(true)
            .require_git(false)
            .follow_links(true)
            .filter_entry(|entry| {
                let is_dir = entry.file_type().is_some_and(|kind| kind.is_dir());
                !(is_dir
                    && entry.depth() > 0
                    && EXCLUDED_DIRECTORIES
                        .iter()
                        .any(|name| entry.file_name() == std::ffi::OsStr::new(name)))
            })
            .build();
        for entry in walker {
            match entry {
                Ok(entry) => {
                    let is_file = entry.file_type().is_some_and(|kind| kind.is_file());
                    if is_file && is_python_file(entry.path()) {
                        files.push(entry.into_path());
                    }
                }
                Err(err) => warnings.push(describe_walk_error(&err)),
            }
        }
    }
    files.sort();
    files.dedup();
    Discovered { files, warnings }
}

fn describe_walk_error(error: &ignore::Error) -> String {
    match error {
        ignore::Error::WithPath { path, err } => {
            format!("{}: {}", path.display(), describe_walk_error(err))
        }
        ignore::Error::WithDepth { err, .. } => describe_walk_error(err),
        ignore::Error::Loop { ancestor, child } => format!(
            "{}: symbolic link loop (points back to {}), not followed",
            child.display(),
            ancestor.display()
        ),
        other => other.to_string(),
    }
}
