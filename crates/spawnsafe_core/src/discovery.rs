//! Finding the Python files to check: `.gitignore`-aware, skipping the
//! directories that hold no project code.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use ignore::WalkBuilder;

use crate::settings::Resolver;

pub struct Discovered {
    /// Sorted, without duplicates.
    pub files: Vec<PathBuf>,
    /// Problems met on the way (symlink loops, unreadable directories, missing paths).
    pub warnings: Vec<String>,
}

fn is_python_file(path: &std::path::Path) -> bool {
    path.extension()
        .is_some_and(|ext| ext == "py" || ext == "pyi" || ext == "ipynb")
}

/// Finds the files to check. Directories and files that the settings
/// (`exclude`, `extend-exclude`, by default `.venv`, `build`, ...) exclude are
/// not entered; a file named on the command line is always checked.
/// `respect_gitignore`: skip what the ignore files hide.
pub fn discover(
    paths: &[PathBuf],
    resolver: &Arc<Mutex<Resolver>>,
    respect_gitignore: bool,
) -> Result<Discovered, String> {
    let config_error: Arc<Mutex<Option<String>>> = Arc::new(Mutex::new(None));
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
        // A named pipe or device named on the command line is reported, not skipped.
        if !metadata.is_dir() {
            files.push(root.clone());
            continue;
        }
        let walker = WalkBuilder::new(root)
            .hidden(true)
            .git_ignore(respect_gitignore)
            .git_global(false)
            .git_exclude(respect_gitignore)
            .ignore(respect_gitignore)
            .require_git(false)
            .follow_links(true)
            .filter_entry({
                let resolver = Arc::clone(resolver);
                let config_error = Arc::clone(&config_error);
                move |entry| {
                    if entry.depth() == 0 {
                        return true;
                    }
                    // Only directories and Python files can matter: the
                    // others need no settings lookup.
                    let is_dir = entry.file_type().is_some_and(|kind| kind.is_dir());
                    if !is_dir && !is_python_file(entry.path()) {
                        return false;
                    }
                    let path = std::path::absolute(entry.path())
                        .unwrap_or_else(|_| entry.path().to_path_buf());
                    let mut resolver = resolver.lock().expect("resolver lock");
                    match resolver.settings_for(&path) {
                        Ok(settings) => !settings.is_excluded(&path),
                        Err(err) => {
                            config_error.lock().expect("error lock").get_or_insert(err);
                            false
                        }
                    }
                }
            })
            .build_parallel();
        // Directories are read in parallel; the order is restored by sorting.
        let found: Mutex<(Vec<PathBuf>, Vec<String>)> = Mutex::new((Vec::new(), Vec::new()));
        walker.run(|| {
            Box::new(|entry| {
                match entry {
                    Ok(entry) => {
                        let is_file = entry.file_type().is_some_and(|kind| kind.is_file());
                        if is_file && is_python_file(entry.path()) {
                            found.lock().expect("walk lock").0.push(entry.into_path());
                        }
                    }
                    Err(err) => found
                        .lock()
                        .expect("walk lock")
                        .1
                        .push(describe_walk_error(&err)),
                }
                ignore::WalkState::Continue
            })
        });
        let (found_files, mut found_warnings) = found.into_inner().expect("walk lock");
        files.extend(found_files);
        found_warnings.sort();
        warnings.extend(found_warnings);
    }
    if let Some(err) = config_error.lock().expect("error lock").take() {
        return Err(err);
    }
    files.sort();
    files.dedup();
    let files = distinct_files(files);
    Ok(Discovered { files, warnings })
}

/// One path per file: a file reached twice (through a symbolic link and by
/// its own path, or by two hard links) is checked, and fixed, once. The path
/// kept is the first that is not itself a symbolic link, else the first.
fn distinct_files(files: Vec<PathBuf>) -> Vec<PathBuf> {
    let mut kept: Vec<PathBuf> = Vec::with_capacity(files.len());
    let mut by_identity: rustc_hash::FxHashMap<(u64, u64), usize> = Default::default();
    for path in files {
        let Some(identity) = file_identity(&path) else {
            kept.push(path);
            continue;
        };
        match by_identity.get(&identity) {
            Some(&index) => {
                if is_symlink(&kept[index]) && !is_symlink(&path) {
                    kept[index] = path;
                }
            }
            None => {
                by_identity.insert(identity, kept.len());
                kept.push(path);
            }
        }
    }
    kept.sort();
    kept
}

fn is_symlink(path: &std::path::Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|metadata| metadata.file_type().is_symlink())
}

/// The device and inode of the file a path leads to.
#[cfg(unix)]
fn file_identity(path: &std::path::Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let metadata = std::fs::metadata(path).ok()?;
    Some((metadata.dev(), metadata.ino()))
}

#[cfg(not(unix))]
fn file_identity(_path: &std::path::Path) -> Option<(u64, u64)> {
    None
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
