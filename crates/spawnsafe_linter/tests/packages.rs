//! The knowledge base's third-party starters against the real packages.
//!
//! `resources/package_fixtures/<CODE>/{flagged,clean}/` hold scripts written
//! from real reports of joblib, loky, mpire, pebble, pathos, tqdm, parmap and
//! dask.distributed. Every fixture must report exactly its `# expect:` codes
//! (snapshot-tested, no package needed), and must behave as its oracle header
//! claims when CPython runs it with the real, pinned packages under a forced
//! start method (`tests/oracle/oracle.py --python VENV_PYTHON`).
//!
//! The packages live in the virtual environment `tests/corpus/label.py`
//! creates (`tests/corpus/.venv`, pinned in its `VENV_PACKAGES`; `.ci/run`
//! creates it), or in the interpreter `SPAWNSAFE_PACKAGES_PYTHON` names.
//! Without it the oracle test is skipped with a notice, unless
//! `SPAWNSAFE_REQUIRE_PACKAGE_ORACLE=1` (set by `.ci/run`) makes that a failure.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::expected_codes;
use spawnsafe_linter::report::{render, OutputFormat};
use spawnsafe_linter::settings::Overrides;
use spawnsafe_linter::{check_paths, CheckOptions};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("resources/package_fixtures")
}

/// Every package fixture, sorted: `<CODE>/{flagged,clean}/<name>.py` or `<name>/main.py`.
fn package_fixtures() -> Vec<PathBuf> {
    let mut found = Vec::new();
    for code in std::fs::read_dir(root()).unwrap() {
        let code = code.unwrap().path();
        for kind in ["flagged", "clean"] {
            let Ok(entries) = std::fs::read_dir(code.join(kind)) else {
                continue;
            };
            for entry in entries {
                let path = entry.unwrap().path();
                // A script, or a small project whose entry is `main.py`.
                if path.extension().is_some_and(|ext| ext == "py") || path.join("main.py").is_file()
                {
                    found.push(path);
                }
            }
        }
    }
    found.sort();
    found
}

#[test]
fn package_fixtures_report_exactly_their_expected_codes() {
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
    let fixtures = package_fixtures();
    assert!(fixtures.len() >= 10, "{fixtures:?}");
    let mut mismatches = Vec::new();
    for fixture in fixtures {
        let relative = fixture.strip_prefix(root()).unwrap().to_path_buf();
        let code = relative
            .iter()
            .next()
            .unwrap()
            .to_string_lossy()
            .to_string();
        let options = CheckOptions {
            isolated: true,
            overrides: Overrides {
                extend_select: vec![code],
                ..Overrides::default()
            },
            ..CheckOptions::default()
        };
        let result = check_paths(std::slice::from_ref(&fixture), &options).unwrap();
        let found: BTreeSet<String> = result
            .diagnostics
            .iter()
            .map(|diagnostic| diagnostic.rule.code().to_string())
            .collect();
        let expected = expected_codes(&fixture);
        if found != expected {
            mismatches.push(format!(
                "{}: expected {expected:?}, found {found:?}\n{}",
                relative.display(),
                render(&result.diagnostics, OutputFormat::Concise, false)
            ));
        }
        let mut output = render(&result.diagnostics, OutputFormat::Full, false);
        if output.is_empty() {
            output = "(no findings)\n".to_string();
        }
        let name = relative
            .with_extension("")
            .to_string_lossy()
            .replace(['/', '\\'], "__");
        insta::assert_snapshot!(name, output);
    }
    assert!(
        mismatches.is_empty(),
        "{} package fixtures disagree with their headers:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

/// The interpreter that has the pinned packages, if there is one.
fn packages_python() -> Option<PathBuf> {
    if let Some(python) = std::env::var_os("SPAWNSAFE_PACKAGES_PYTHON") {
        return Some(PathBuf::from(python));
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/.venv");
    [venv.join("bin/python"), venv.join("Scripts/python.exe")]
        .into_iter()
        .find(|python| python.is_file())
}

#[test]
fn package_fixtures_behave_as_claimed_with_the_real_packages() {
    let required = std::env::var_os("SPAWNSAFE_REQUIRE_PACKAGE_ORACLE").is_some_and(|v| v == "1");
    let Some(python) = packages_python() else {
        assert!(
            !required,
            "SPAWNSAFE_REQUIRE_PACKAGE_ORACLE=1 but there is no interpreter with the packages: \
             create tests/corpus/.venv as .ci/run does, or set SPAWNSAFE_PACKAGES_PYTHON"
        );
        eprintln!(
            "skipped: no tests/corpus/.venv (create it as .ci/run does) and no \
             SPAWNSAFE_PACKAGES_PYTHON; the package oracle did not run"
        );
        return;
    };
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new("python3")
        .arg(crate_dir.join("tests/oracle/oracle.py"))
        .arg("--python")
        .arg(&python)
        .arg(root())
        .current_dir(crate_dir)
        .output()
        .expect("python3 must be installed to run the oracle tests");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let failures: Vec<&str> = stdout
        .lines()
        .filter(|line| line.starts_with("FAIL"))
        .collect();
    println!("{}", stdout.lines().last().unwrap_or_default());
    assert!(
        output.status.success(),
        "the real packages disagree with {} fixture claims:\n{}\n\nstderr:\n{stderr}",
        failures.len(),
        failures.join("\n")
    );
}

/// `--fix --unsafe-fixes` on each flagged SPS209 package fixture passes the
/// application as an import string and leaves no SPS209 finding (the fixed
/// call's form runs with the real uvicorn in `SPS209/clean/02_*` and `03_*`,
/// where a thread asks the server once and stops it).
#[test]
fn import_string_fix_of_package_fixtures() {
    use spawnsafe_linter::fixer::{fix_paths, FixOptions};
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
    let flagged = root().join("SPS209").join("flagged");
    let fixtures: Vec<PathBuf> = package_fixtures()
        .into_iter()
        .filter(|fixture| fixture.starts_with(&flagged))
        .collect();
    assert!(!fixtures.is_empty());
    for fixture in fixtures {
        let scratch = tempfile::tempdir().unwrap();
        let copy = scratch.path().join(fixture.file_name().unwrap());
        std::fs::copy(&fixture, &copy).unwrap();
        let options = CheckOptions {
            isolated: true,
            ..CheckOptions::default()
        };
        let fixed = fix_paths(
            std::slice::from_ref(&copy),
            &options,
            FixOptions {
                unsafe_fixes: true,
                dry_run: false,
            },
        )
        .unwrap();
        let remaining: Vec<&str> = fixed
            .check
            .diagnostics
            .iter()
            .map(|diagnostic| diagnostic.rule.code())
            .collect();
        assert!(
            !remaining.contains(&"SPS209"),
            "{}: {remaining:?}",
            fixture.display()
        );
        let text = std::fs::read_to_string(&copy).unwrap();
        let name = format!("fixed__{}", fixture.file_stem().unwrap().to_string_lossy());
        insta::assert_snapshot!(name, text);
    }
}
