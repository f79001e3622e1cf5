//! The README's command samples are the binary's real output: each block
//! after a `<!-- sample: ARGS -->` line is `$ spawnsafe ARGS` and what that
//! prints (standard output, then standard error) when run in the repository
//! root. This test fails when one drifts;
//! `SPAWNSAFE_UPDATE_DOCS=1 cargo test -p spawnsafe --test readme_samples`
//! writes them again.

use std::path::PathBuf;
use std::process::{Command, Stdio};

const MARKER: &str = "<!-- sample: ";

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn updating() -> bool {
    std::env::var_os("SPAWNSAFE_UPDATE_DOCS").is_some_and(|value| value == "1")
}

/// `$ spawnsafe ARGS` and its output, as the block shows it.
fn sample(args: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_spawnsafe"))
        .args(args.split_whitespace())
        .current_dir(repo_root())
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let mut text = format!("$ spawnsafe {args}\n");
    text.push_str(&String::from_utf8(output.stdout).unwrap());
    text.push_str(&String::from_utf8(output.stderr).unwrap());
    text
}

#[test]
fn readme_samples_are_the_real_output() {
    let path = repo_root().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let mut updated = String::with_capacity(readme.len());
    let mut stale = Vec::new();
    let mut rest = readme.as_str();
    let mut samples = 0;
    while let Some(at) = rest.find(MARKER) {
        let line_end = at + rest[at..].find('\n').expect("the marker's line ends");
        let args = rest[at + MARKER.len()..line_end]
            .trim_end()
            .strip_suffix("-->")
            .expect("the marker ends with -->")
            .trim();
        let block_start = line_end + 1;
        assert!(
            rest[block_start..].starts_with("```\n"),
            "a fenced block follows `{MARKER}{args} -->`"
        );
        let body_start = block_start + 4;
        // An empty block (a new sample) closes at once.
        let body_end = if rest[body_start..].starts_with("```\n") {
            body_start
        } else {
            body_start
                + rest[body_start..]
                    .find("\n```\n")
                    .expect("the block is closed")
                + 1
        };
        let expected = sample(args);
        if rest[body_start..body_end] != expected {
            stale.push(args.to_string());
        }
        updated.push_str(&rest[..body_start]);
        updated.push_str(&expected);
        rest = &rest[body_end..];
        samples += 1;
    }
    updated.push_str(rest);
    assert!(samples >= 3, "the README has its samples");
    if updating() {
        std::fs::write(&path, updated).unwrap();
        return;
    }
    assert!(
        stale.is_empty(),
        "README samples out of date: {stale:?}; run `SPAWNSAFE_UPDATE_DOCS=1 cargo test -p spawnsafe --test readme_samples`"
    );
}
