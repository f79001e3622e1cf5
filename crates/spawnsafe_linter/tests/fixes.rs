//! The proof of `--fix`: every flagged fixture is fixed (safe and unsafe
//! fixes) in a temporary copy, in a test of its own named after it
//! (`sps101::flagged::01_...`, so `cargo test -p spawnsafe_linter --test fixes sps101`
//! runs one rule's): its fixed form is snapshot-tested, fixing it again changes
//! nothing, and the fixture's own rule no longer fires. Then one test,
//! `fixed_fixtures_work_under_spawn`, has the CPython oracle run every fixed
//! form under spawn in one batch: it must work, and do what the original does
//! under fork (`tests/oracle/oracle.py --compare`).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{fixtures, fixtures_root, options_for, snapshot_name, test_name};
use libtest_mimic::{Arguments, Failed, Trial};
use spawnsafe_linter::fixer::{fix_paths, FixOptions};

const ALL_FIXES: FixOptions = FixOptions {
    unsafe_fixes: true,
    dry_run: false,
};

fn copy_fixture(fixture: &Path, into: &Path) -> PathBuf {
    let target = into.join(fixture.file_name().unwrap());
    if fixture.is_dir() {
        for entry in walk(fixture) {
            let destination = target.join(entry.strip_prefix(fixture).unwrap());
            std::fs::create_dir_all(destination.parent().unwrap()).unwrap();
            std::fs::copy(&entry, destination).unwrap();
        }
    } else {
        std::fs::copy(fixture, &target).unwrap();
    }
    target
}

fn walk(directory: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(directory).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if path.file_name().is_some_and(|name| name != "__pycache__") {
                files.extend(walk(&path));
            }
        } else {
            files.push(path);
        }
    }
    files.sort();
    files
}

fn rule_of(fixture: &Path) -> String {
    let relative = fixture.strip_prefix(fixtures_root()).unwrap();
    relative
        .iter()
        .next()
        .unwrap()
        .to_string_lossy()
        .to_string()
}

fn main() {
    let arguments = Arguments::from_args();
    let flagged: Vec<PathBuf> = fixtures()
        .into_iter()
        .filter(|fixture| fixture.to_string_lossy().contains("/flagged/"))
        .collect();
    let mut trials: Vec<Trial> = flagged
        .iter()
        .cloned()
        .map(|fixture| Trial::test(test_name(&fixture), move || fix_fixture(&fixture)))
        .collect();
    trials.push(Trial::test("fixed_fixtures_work_under_spawn", move || {
        fixed_fixtures_work_under_spawn(&flagged)
    }));
    libtest_mimic::run(&arguments, trials).exit();
}

/// Fixes a copy of the fixture under `scratch`: the copy and the result.
fn fix_copy(
    fixture: &Path,
    scratch: &Path,
) -> (PathBuf, PathBuf, spawnsafe_linter::fixer::FixResult) {
    let home = scratch.join(snapshot_name(fixture));
    std::fs::create_dir_all(&home).unwrap();
    let copy = copy_fixture(fixture, &home);
    let fixed = fix_paths(
        std::slice::from_ref(&copy),
        &options_for(fixture),
        ALL_FIXES,
    )
    .unwrap();
    (home, copy, fixed)
}

fn fix_fixture(fixture: &Path) -> Result<(), Failed> {
    let scratch = tempfile::tempdir().unwrap();
    let rule = rule_of(fixture);
    let (home, copy, fixed) = fix_copy(fixture, scratch.path());
    let mut problems = Vec::new();
    for file in &fixed.files {
        if let Some(error) = &file.error {
            problems.push(format!("{}: {error}", file.display_path));
        }
    }
    if fixed.fixes_applied() == 0 {
        return problems_to_result(problems);
    }
    let mut snapshot = String::new();
    for file in &fixed.files {
        let relative = file.path.strip_prefix(&home).unwrap_or(&file.path);
        let fixes: Vec<String> = file
            .applied
            .iter()
            .map(|(rule, message)| format!("{}: {message}", rule.code()))
            .collect();
        snapshot.push_str(&format!(
            "## {}\n## fixes: {}\n{}\n",
            relative.display(),
            fixes.join("; "),
            file.fixed_text
        ));
    }
    let remaining: Vec<&str> = fixed
        .check
        .diagnostics
        .iter()
        .map(|diagnostic| diagnostic.rule.code())
        .collect();
    snapshot.push_str(&format!("## remaining findings: {remaining:?}\n"));
    insta::assert_snapshot!(format!("fixed__{}", snapshot_name(fixture)), snapshot);
    let fixed_own_rule = fixed
        .files
        .iter()
        .flat_map(|file| &file.applied)
        .any(|(applied, _)| applied.code() == rule);
    if fixed_own_rule && remaining.contains(&rule.as_str()) {
        problems.push(format!("{rule} is still reported after its fix"));
    }
    let again = fix_paths(
        std::slice::from_ref(&copy),
        &options_for(fixture),
        ALL_FIXES,
    )
    .unwrap();
    if again.fixes_applied() != 0 {
        problems.push(format!(
            "fixing twice changed the file again: {:?}",
            again
                .files
                .iter()
                .map(|file| &file.applied)
                .collect::<Vec<_>>()
        ));
    }
    problems_to_result(problems)
}

fn problems_to_result(problems: Vec<String>) -> Result<(), Failed> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n").into())
    }
}

/// The oracle runs every fixed form (one batch: it runs them in parallel).
fn fixed_fixtures_work_under_spawn(flagged: &[PathBuf]) -> Result<(), Failed> {
    let scratch = tempfile::tempdir().unwrap();
    let mut pairs: Vec<(PathBuf, PathBuf)> = Vec::new();
    for fixture in flagged {
        let (_, copy, fixed) = fix_copy(fixture, scratch.path());
        if fixed.fixes_applied() != 0 && fixed.files.iter().all(|file| file.error.is_none()) {
            pairs.push((fixture.clone(), copy));
        }
    }
    if pairs.is_empty() {
        return Ok(());
    }
    let python = std::env::var("SPAWNSAFE_ORACLE_PYTHON").unwrap_or_else(|_| "python3".into());
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut command = Command::new(&python);
    command
        .arg(crate_dir.join("tests/oracle/oracle.py"))
        .arg("--python")
        .arg(&python)
        .arg("--compare")
        .current_dir(crate_dir);
    for (original, fixed) in &pairs {
        command.arg(original).arg(fixed);
    }
    let output = command
        .output()
        .expect("python3 must be installed to run the oracle tests");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let failures: Vec<&str> = stdout
        .lines()
        .filter(|line| line.starts_with("FAIL"))
        .collect();
    if !output.status.success() {
        return Err(format!(
            "the oracle rejects {} fixed forms:\n{}\n\nstderr:\n{}",
            failures.len(),
            failures.join("\n"),
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    for (original, fixed) in &pairs {
        if rule_of(original) == "SPS103" {
            assert_survives_fork_server_preload(&python, fixed);
        }
    }
    Ok(())
}

/// What the fork server of Python 3.14+ does before it forks any child
/// (`multiprocessing.forkserver.main`): it imports the main script as
/// `__mp_main__`, in a process named `MainProcess` with no parent process,
/// while `current_process()._inheriting` is set. Older fork servers skip this
/// (they never received the main path: CPython gh-126631, fixed in 3.14 and
/// 3.13's later releases), so the step is run here directly: a fixed SPS103
/// fixture must import without starting processes.
fn assert_survives_fork_server_preload(python: &str, fixed: &Path) {
    const PRELOAD: &str = r#"
import faulthandler, multiprocessing, sys
from multiprocessing import process, spawn
faulthandler.dump_traceback_later(60, exit=True)
multiprocessing.set_start_method("forkserver")
sys.path.insert(0, ".")
assert process.current_process().name == "MainProcess" and multiprocessing.parent_process() is None
process.current_process()._inheriting = True
try:
    spawn.import_main_path("main.py")
finally:
    del process.current_process()._inheriting
"#;
    let output = Command::new(python)
        .arg("-c")
        .arg(PRELOAD)
        .current_dir(fixed)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        // The stand-ins for libraries CI cannot install, as the oracle has them.
        .env(
            "PYTHONPATH",
            Path::new(env!("CARGO_MANIFEST_DIR")).join("resources/standins"),
        )
        .output()
        .expect("python3 must be installed to run the oracle tests");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && !stderr.contains("Traceback"),
        "{}: the fork server's import of the fixed main script fails:\n{stderr}",
        fixed.display()
    );
}
