//! The CPython oracle: every fixture runs under CPython with the start method
//! forced as the default (spawn, and fork/forkserver where the fixture says),
//! and must behave as its header claims — flagged fixtures really fail, clean
//! ones really work. See `tests/oracle/oracle.py`.

use std::path::Path;
use std::process::Command;

fn python() -> String {
    std::env::var("SPAWNSAFE_ORACLE_PYTHON").unwrap_or_else(|_| "python3".to_string())
}

#[test]
fn every_fixture_behaves_as_claimed_under_cpython() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new(python())
        .arg(crate_dir.join("tests/oracle/oracle.py"))
        .arg("--python")
        .arg(python())
        .arg(crate_dir.join("resources/fixtures"))
        .arg(crate_dir.join("../../examples"))
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
    // The failures come first: CI logs keep only the head and tail of a long message.
    assert!(
        output.status.success(),
        "the oracle disagrees with {} fixture claims:\n{}\n\nstderr:\n{stderr}",
        failures.len(),
        failures.join("\n")
    );
}
