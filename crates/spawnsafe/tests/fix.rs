//! `--fix`, `--diff`, `--fix-only`, `--show-fixes` and `--unsafe-fixes` end to
//! end: what is written (byte for byte, in the file's own encoding, line
//! endings, indentation and permissions), what is printed, and the exit codes.

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// A script whose only finding is SPS102 (its fix is unsafe: the block now runs).
const TYPO_GUARD: &str = "import multiprocessing\n\n\ndef work(x):\n    return x * 2\n\n\nif __name__ == \"main\":\n    with multiprocessing.Pool(2) as pool:\n        print(pool.map(work, [1, 2]))\n";

fn spawnsafe(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_spawnsafe"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .output()
        .expect("spawnsafe runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Writes `bytes` as `job.py`, runs `--fix --unsafe-fixes`, and returns what is on disk after.
fn fix_bytes(bytes: &[u8]) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("job.py"), bytes).unwrap();
    let output = spawnsafe(
        dir.path(),
        &["check", "--isolated", "--fix", "--unsafe-fixes", "job.py"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    std::fs::read(dir.path().join("job.py")).unwrap()
}

#[test]
fn fix_rewrites_only_the_finding_in_the_files_own_bytes() {
    let fixed = |text: &str| text.replace("\"main\"", "\"__main__\"");
    // LF, CRLF, tabs, no trailing newline, mixed endings: only the test changes.
    let variants = [
        TYPO_GUARD.to_string(),
        TYPO_GUARD.replace('\n', "\r\n"),
        TYPO_GUARD.replace("    ", "\t"),
        TYPO_GUARD.trim_end().to_string(),
        TYPO_GUARD.replacen('\n', "\r\n", 3),
    ];
    for source in variants {
        assert_eq!(
            String::from_utf8(fix_bytes(source.as_bytes())).unwrap(),
            fixed(&source),
            "{source:?}"
        );
    }
    // A UTF-8 BOM stays.
    let with_bom = [b"\xEF\xBB\xBF".as_slice(), TYPO_GUARD.as_bytes()].concat();
    assert_eq!(
        fix_bytes(&with_bom),
        [b"\xEF\xBB\xBF".as_slice(), fixed(TYPO_GUARD).as_bytes()].concat()
    );
    // A Latin-1 file stays Latin-1 (`é` is the single byte 0xE9).
    let latin1 = |text: &str| {
        [
            b"# -*- coding: latin-1 -*-\nlabel = '\xe9t\xe9'\n".as_slice(),
            text.as_bytes(),
        ]
        .concat()
    };
    assert_eq!(fix_bytes(&latin1(TYPO_GUARD)), latin1(&fixed(TYPO_GUARD)));
}

#[cfg(unix)]
#[test]
fn fix_keeps_permissions_and_writes_through_symlinks() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.py");
    std::fs::write(&real, TYPO_GUARD).unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o754)).unwrap();
    std::os::unix::fs::symlink("real.py", dir.path().join("link.py")).unwrap();
    let output = spawnsafe(
        dir.path(),
        &["check", "--isolated", "--fix", "--unsafe-fixes", "link.py"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(std::fs::symlink_metadata(dir.path().join("link.py"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::read_to_string(&real)
        .unwrap()
        .contains("\"__main__\""));
    let mode = std::fs::metadata(&real).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o754);
    // No temporary file is left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[test]
fn unsafe_fixes_need_unsafe_fixes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("job.py"), TYPO_GUARD).unwrap();
    let check = spawnsafe(dir.path(), &["check", "--isolated", "job.py"]);
    assert_eq!(check.status.code(), Some(1));
    assert!(
        stdout(&check).contains(
            "No fixes available (1 hidden fix can be enabled with the `--unsafe-fixes` option)."
        ),
        "{}",
        stdout(&check)
    );
    let safe_only = spawnsafe(dir.path(), &["check", "--isolated", "--fix", "job.py"]);
    assert_eq!(safe_only.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("job.py")).unwrap(),
        TYPO_GUARD
    );
    let with_unsafe = spawnsafe(
        dir.path(),
        &["check", "--isolated", "--unsafe-fixes", "job.py"],
    );
    assert!(stdout(&with_unsafe).contains("[*] 1 fixable with the `--fix --unsafe-fixes` option."));
}

#[test]
fn diff_prints_a_unified_diff_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("job.py"), TYPO_GUARD).unwrap();
    let output = spawnsafe(
        dir.path(),
        &["check", "--isolated", "--diff", "--unsafe-fixes", "job.py"],
    );
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&output), @r#"
    --- job.py
    +++ job.py
    @@ -5,6 +5,6 @@
         return x * 2
     
     
    -if __name__ == "main":
    +if __name__ == "__main__":
         with multiprocessing.Pool(2) as pool:
             print(pool.map(work, [1, 2]))
    "#);
    assert_eq!(stderr(&output), "Would fix 1 finding.\n");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("job.py")).unwrap(),
        TYPO_GUARD
    );
    // Nothing to fix: exit 0.
    let none = spawnsafe(dir.path(), &["check", "--isolated", "--diff", "job.py"]);
    assert_eq!(none.status.code(), Some(0));
    assert_eq!(stderr(&none), "No fixes to apply.\n");
}

#[test]
fn fix_reports_what_it_fixed_and_what_remains() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("job.py"), TYPO_GUARD).unwrap();
    let output = spawnsafe(
        dir.path(),
        &[
            "check",
            "--isolated",
            "--fix",
            "--unsafe-fixes",
            "--show-fixes",
            "job.py",
        ],
    );
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!(stdout(&output), @r"
    Found 1 finding (1 fixed, 0 remaining) in 1 file checked.

    Applied 1 fix:
    - job.py:
        1 × SPS102 (malformed-main-guard)
    ");
    // Idempotent: the second run finds nothing to fix.
    let again = spawnsafe(
        dir.path(),
        &["check", "--isolated", "--fix", "--unsafe-fixes", "job.py"],
    );
    assert_eq!(again.status.code(), Some(0));
    assert!(stdout(&again).starts_with("All checks passed"));
}

#[test]
fn fix_only_reports_the_count_and_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("job.py"), TYPO_GUARD).unwrap();
    let output = spawnsafe(
        dir.path(),
        &[
            "check",
            "--isolated",
            "--fix-only",
            "--unsafe-fixes",
            "job.py",
        ],
    );
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), "");
    assert_eq!(stderr(&output), "Fixed 1 finding.\n");
}

#[test]
fn json_carries_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("job.py"), TYPO_GUARD).unwrap();
    let output = spawnsafe(
        dir.path(),
        &["check", "--isolated", "--output-format", "json", "job.py"],
    );
    let findings: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    insta::assert_json_snapshot!(findings[0]["fix"], @r#"
    {
      "applicability": "unsafe",
      "edits": [
        {
          "content": "__name__ == \"__main__\"",
          "end_location": {
            "column": 22,
            "row": 8
          },
          "location": {
            "column": 4,
            "row": 8
          }
        }
      ],
      "message": "Rewrite the guard as `__name__ == \"__main__\"`"
    }
    "#);
}

#[test]
fn fixing_standard_input_prints_the_fixed_source() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_spawnsafe"))
        .args([
            "check",
            "--isolated",
            "--fix",
            "--unsafe-fixes",
            "-",
            "--stdin-filename",
            "job.py",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(TYPO_GUARD.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output),
        TYPO_GUARD.replace("\"main\"", "\"__main__\"")
    );
    assert!(stderr(&output).contains("1 fixed, 0 remaining"));
}

#[test]
fn notebooks_are_fixed_in_place_with_everything_else_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let notebook = r##"{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": null,
   "metadata": {},
   "outputs": [],
   "source": [
    "import multiprocessing\n",
    "\n",
    "def work(x):\n",
    "    return x * 2\n"
   ]
  },
  {
   "cell_type": "markdown",
   "metadata": {},
   "source": ["# Run"]
  },
  {
   "cell_type": "code",
   "execution_count": 3,
   "metadata": {"tags": ["keep"], "z": 1, "a": 2},
   "outputs": [{"name": "stdout", "output_type": "stream", "text": ["[2, 4]\n"]}],
   "source": [
    "if __name__ == \"main\":\n",
    "    print(work(2))"
   ]
  }
 ],
 "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
 "nbformat": 4,
 "nbformat_minor": 5
}
"##;
    std::fs::write(dir.path().join("nb.ipynb"), notebook).unwrap();
    let output = spawnsafe(
        dir.path(),
        &["check", "--isolated", "--fix", "--unsafe-fixes", "nb.ipynb"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("nb.ipynb")).unwrap(),
        notebook.replace(
            r#""if __name__ == \"main\":\n""#,
            r#""if __name__ == \"__main__\":\n""#
        )
    );
}
