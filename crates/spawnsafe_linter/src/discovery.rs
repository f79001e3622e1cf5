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

/// May this file be a script without `.py` (`bin/tool`)? Only files without
/// an extension are read, so a tree of data files costs nothing.
fn may_be_script(path: &std::path::Path) -> bool {
    path.extension().is_none()
}

/// The longest first line read to look for a shebang: a longer one is not
/// a Python interpreter's.
const SHEBANG_LINE_LIMIT: usize = 256;

/// Does the file start with a Python shebang (`#!/usr/bin/env python3`,
/// `#!/usr/bin/python3.11`, `#!/usr/bin/env -S python3 -u`)? Reads at most
/// the first line's bytes: binaries, big files and other interpreters' scripts
/// are rejected without reading further.
pub fn has_python_shebang(path: &std::path::Path) -> bool {
    use std::io::Read;
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let mut head = Vec::with_capacity(SHEBANG_LINE_LIMIT);
    if file
        .take(SHEBANG_LINE_LIMIT as u64)
        .read_to_end(&mut head)
        .is_err()
    {
        return false;
    }
    is_python_shebang(&head)
}

/// Is the first line of `head` a shebang that runs Python?
pub fn is_python_shebang(head: &[u8]) -> bool {
    let Some(rest) = head.strip_prefix(b"#!") else {
        return false;
    };
    let Some(end) = rest.iter().position(|&byte| byte == b'\n') else {
        // The whole first line must be there (a longer one is not Python's).
        return rest.len() < SHEBANG_LINE_LIMIT - 2 && is_python_command(rest);
    };
    is_python_command(&rest[..end])
}

fn is_python_command(line: &[u8]) -> bool {
    let Ok(line) = std::str::from_utf8(line) else {
        return false;
    };
    let mut words = line.split_ascii_whitespace();
    let Some(interpreter) = words.next() else {
        return false;
    };
    let program = |word: &str| word.rsplit('/').next().unwrap_or(word).to_string();
    let mut command = program(interpreter);
    if command == "env" {
        // `env [-S] [-i] [-u NAME] [NAME=VALUE]... python3 ...`
        let mut found = None;
        let mut skip_next = false;
        for word in words {
            if skip_next {
                skip_next = false;
                continue;
            }
            match word {
                "-u" | "--unset" | "-C" | "--chdir" => skip_next = true,
                _ if word.starts_with('-') || word.contains('=') => {}
                _ => {
                    found = Some(program(word));
                    break;
                }
            }
        }
        let Some(found) = found else {
            return false;
        };
        command = found;
    }
    // `python`, `python3.11`, `python3.12-dbg`, `python3.8m`, `pypy3`; not `pythonista`.
    ["python", "pypy"].iter().any(|name| {
        command.strip_prefix(name).is_some_and(|version| {
            let flags = version.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
            let numbered = flags.len() < version.len();
            flags.is_empty()
                || flags.starts_with('-')
                || (numbered && matches!(flags, "m" | "d" | "t" | "dm"))
        })
    })
}

/// Finds the files to check. Directories and files that the settings
/// (`exclude`, `extend-exclude`, by default `.venv`, `build`, ...) exclude are
/// not entered; a file named on the command line is always checked.
/// `respect_gitignore`: skip what the ignore files hide. Files without an
/// extension that start with a Python shebang are checked too, unless the
/// settings say `include-shebang-scripts = false`.
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
                    let is_script = !is_dir
                        && !is_python_file(entry.path())
                        && may_be_script(entry.path())
                        && entry.file_type().is_some_and(|kind| kind.is_file())
                        && has_python_shebang(entry.path());
                    if !is_dir && !is_script && !is_python_file(entry.path()) {
                        return false;
                    }
                    let path = std::path::absolute(entry.path())
                        .unwrap_or_else(|_| entry.path().to_path_buf());
                    let mut resolver = resolver.lock().expect("resolver lock");
                    match resolver.settings_for(&path) {
                        Ok(settings) => {
                            !settings.is_excluded(&path)
                                && (!is_script || settings.include_shebang_scripts)
                        }
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
                        // The filter let through only Python files and scripts.
                        let is_file = entry.file_type().is_some_and(|kind| kind.is_file());
                        if is_file {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_shebangs() {
        for line in [
            "#!/usr/bin/env python\n",
            "#!/usr/bin/env python3\nimport os\n",
            "#!/usr/bin/python3.11\n",
            "#! /usr/local/bin/python3 -u\n",
            "#!/usr/bin/env -S python3 -u\n",
            "#!/usr/bin/env -i PYTHONPATH=src python3\n",
            "#!/opt/conda/bin/pypy3\n",
            "#!/usr/bin/env python3.12-dbg\n",
            "#!/usr/bin/env python3",
        ] {
            assert!(is_python_shebang(line.as_bytes()), "{line:?}");
        }
        for line in [
            "#!/bin/sh\nexec python3 \"$0\"\n",
            "#!/usr/bin/env bash\n",
            "#!/usr/bin/env node\n",
            "#!/usr/bin/env -u python3 perl\n",
            "# python3\n",
            "import os\n",
            "\x7fELF\x02\x01\x01python",
            "#!/usr/bin/pythonista\n",
            "",
        ] {
            assert!(!is_python_shebang(line.as_bytes()), "{line:?}");
        }
        // A first line longer than any interpreter's is not read to its end.
        let long = format!("#!/usr/bin/env {}python3\n", " ".repeat(400));
        assert!(!is_python_shebang(&long.as_bytes()[..SHEBANG_LINE_LIMIT]));
    }

    fn discovered(root: &std::path::Path) -> Vec<String> {
        let resolver = Arc::new(Mutex::new(
            Resolver::new(None, false, Default::default()).unwrap(),
        ));
        let found = discover(&[root.to_path_buf()], &resolver, true).unwrap();
        found
            .files
            .iter()
            .map(|path| {
                path.strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect()
    }

    #[test]
    fn scripts_with_a_python_shebang_are_discovered() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, bytes: &[u8]| {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        };
        write(
            "bin/tool",
            b"#!/usr/bin/env python3\nimport multiprocessing\n",
        );
        write("bin/shell-tool", b"#!/bin/sh\necho hi\n");
        write("bin/blob", b"\x7fELF\x02\x01\x01\x00\x00\x00");
        write("bin/empty", b"");
        write("scripts/run.sh", b"#!/usr/bin/env python3\n");
        write("scripts/train", b"#!/usr/bin/python3.11 -u\nprint(1)\n");
        write("pkg/mod.py", b"x = 1\n");
        write("Makefile", b"all:\n\techo\n");
        assert_eq!(
            discovered(dir.path()),
            ["bin/tool", "pkg/mod.py", "scripts/train"]
        );
        write(
            "pyproject.toml",
            b"[tool.spawnsafe]\ninclude-shebang-scripts = false\n",
        );
        assert_eq!(discovered(dir.path()), ["pkg/mod.py"]);
    }
}
