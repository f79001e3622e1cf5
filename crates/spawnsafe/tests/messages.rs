//! The error messages the rule docs quote are CPython's: `tests/messages/collect.py`
//! triggers each one on the running `python3` and checks that the output matches
//! the row of docs/rules.md that quotes it for that version, and that every
//! message it knows (3.14's, cited from source, too) is quoted there. So the
//! docs cannot drift from what CPython prints.

use std::path::PathBuf;
use std::process::Command;

#[test]
fn rule_docs_quote_the_messages_cpython_prints() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let output = Command::new("python3")
        .arg(root.join("tests/messages/collect.py"))
        .arg("--check")
        .arg("--docs")
        .arg(root.join("docs/rules.md"))
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "messages differ from the docs:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
