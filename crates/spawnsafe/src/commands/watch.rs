//! `spawnsafe check --watch`: check, then check again whenever a Python file
//! or a configuration file under the paths changes, until interrupted.
//!
//! Changes are found by polling the files' sizes and modification times
//! (portable, and cheap next to a check); a burst of changes (an editor's
//! save, a `git checkout`) is checked once, after the files have been quiet
//! for a moment.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use crate::settings::{CheckSettings, Input};

/// How often the files are looked at.
const POLL: Duration = Duration::from_millis(300);
/// How long the files must stay unchanged before the check runs.
const QUIET: Duration = Duration::from_millis(200);

type Snapshot = BTreeMap<PathBuf, (u64, Option<SystemTime>)>;

pub fn watch(settings: &CheckSettings) -> Result<ExitCode, String> {
    let Input::Paths(paths) = &settings.input else {
        return Err("`--watch` needs paths, not `-`".to_string());
    };
    let mut snapshot = take_snapshot(paths);
    loop {
        // A broken configuration is reported and waited out like a finding.
        if let Err(message) = super::check::check_once(settings) {
            eprintln!("spawnsafe: error: {message}");
        }
        eprintln!("[watching {} for changes; Ctrl-C to stop]", describe(paths));
        loop {
            std::thread::sleep(POLL);
            let current = take_snapshot(paths);
            if current == snapshot {
                continue;
            }
            // Debounce: wait until nothing changes for QUIET.
            let mut settled = current;
            loop {
                std::thread::sleep(QUIET);
                let again = take_snapshot(paths);
                if again == settled {
                    break;
                }
                settled = again;
            }
            snapshot = settled;
            break;
        }
        if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
            // Clear the screen, as `ruff check --watch` does.
            print!("\x1b[2J\x1b[H");
        }
    }
}

fn describe(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|path| path.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every Python and configuration file under the paths, with its size and
/// modification time (hidden and ignored directories are skipped, as a
/// check skips them).
fn take_snapshot(paths: &[PathBuf]) -> Snapshot {
    let mut snapshot = Snapshot::new();
    for root in paths {
        let walker = ignore::WalkBuilder::new(root)
            .hidden(true)
            .git_ignore(true)
            .require_git(false)
            .build();
        for entry in walker.filter_map(Result::ok) {
            let path = entry.path();
            if !entry.file_type().is_some_and(|kind| kind.is_file()) || !is_watched(path) {
                continue;
            }
            if let Ok(metadata) = entry.metadata() {
                snapshot.insert(
                    path.to_path_buf(),
                    (metadata.len(), metadata.modified().ok()),
                );
            }
        }
    }
    snapshot
}

fn is_watched(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or("");
    spawnsafe_linter::settings::CONFIG_FILES.contains(&name)
        || name == ".gitignore"
        || path
            .extension()
            .is_some_and(|ext| ext == "py" || ext == "pyi" || ext == "ipynb")
}
