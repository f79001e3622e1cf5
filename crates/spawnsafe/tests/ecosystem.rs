//! The ecosystem's settings through the real binary: scripts found by their
//! Python shebang, and process starters a team declares in its configuration.

use std::path::Path;
use std::process::Command;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn check(dir: &Path, extra: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_spawnsafe"))
        .args(["check", "--output-format", "concise", "--color", "never"])
        .args(extra)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("spawnsafe runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// An installed console script without `.py` (pip's `bin/` wrappers, a repo's
/// `scripts/train`) whose top level starts a pool.
const TOOL: &str = "\
#!/usr/bin/env python3
\"\"\"Resize the photos given on the command line.\"\"\"
import sys
from multiprocessing import Pool

from helpers import resize

pool = Pool(4)
print(pool.map(resize, sys.argv[1:]))
";

const HELPERS: &str = "\
def resize(path):
    return path.upper()
";

#[test]
fn shebang_scripts_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "bin/resize-photos", TOOL);
    write(dir.path(), "bin/helpers.py", HELPERS);
    // Another interpreter's script and a binary are passed over.
    write(
        dir.path(),
        "bin/deploy",
        "#!/bin/sh\npython3 -c 'import multiprocessing; multiprocessing.Pool()'\n",
    );
    std::fs::write(
        dir.path().join("bin/blob"),
        b"\x7fELF\x02\x01\x01\x00Pool(4)\n",
    )
    .unwrap();
    let run = check(dir.path(), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    insta::assert_snapshot!("shebang_script", run.stdout);

    // Switched off, the script is found no more; named, it is checked still.
    write(
        dir.path(),
        "spawnsafe.toml",
        "include-shebang-scripts = false\n",
    );
    let run = check(dir.path(), &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let run = check(dir.path(), &["bin/resize-photos"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.contains("SPS101"), "{}", run.stdout);
}

#[test]
fn include_shebang_scripts_must_be_a_boolean() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "job.py", "x = 1\n");
    write(
        dir.path(),
        "pyproject.toml",
        "[tool.spawnsafe]\ninclude-shebang-scripts = \"no\"\n",
    );
    let run = check(dir.path(), &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("pyproject.toml") && run.stderr.contains("include-shebang-scripts"),
        "{}",
        run.stderr
    );
}

/// A training script that uses the team's own wrappers, installed from
/// another repository, so spawnsafe cannot read them.
const USES_WRAPPERS: &str = "\
from ourlib import pmap
from ourlib.parallel import run_all


def score(sample):
    return len(sample)


scores = run_all(score, [\"a\", \"bb\"])

if __name__ == \"__main__\":
    print(pmap(lambda sample: sample.upper(), [\"a\", \"bb\"]))
";

const DECLARED: &str = "\
[project]
name = \"training\"

[[tool.spawnsafe.extend-starters]]
names = [\"ourlib.parallel.run_all\"]
what = \"`ourlib`'s parallel runner\"

[[tool.spawnsafe.extend-starters]]
names = [\"ourlib.pmap\", \"ourlib.parallel.pmap\"]
sender = \"pool\"
sends = [{ argument = \"func\", position = 0, as = \"callable\" }]
";

#[test]
fn declared_starters_are_checked_like_the_knowledge_base() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "train.py", USES_WRAPPERS);
    // Without the declaration, the wrappers are unknown calls: nothing to say.
    let run = check(dir.path(), &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    write(dir.path(), "pyproject.toml", DECLARED);
    let run = check(dir.path(), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    insta::assert_snapshot!("declared_starters", run.stdout);
}

#[test]
fn declared_starters_are_validated_with_the_file_and_key() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "train.py", USES_WRAPPERS);
    for (declaration, expected) in [
        (
            "[[tool.spawnsafe.extend-starters]]\nnames = [\"ourlib.pmap\"]\nworkres = 4\n",
            "`extend-starters[0]`: unknown field `workres`",
        ),
        (
            "[[tool.spawnsafe.extend-starters]]\nnames = [\"pmap\"]\n",
            "`extend-starters[0]`: `pmap` is not a qualified name",
        ),
        (
            "[[tool.spawnsafe.extend-starters]]\nnames = [\"ourlib.pmap\"]\npickler = \"json\"\n",
            "`extend-starters[0]`: `pickler`: unknown pickler `json`",
        ),
    ] {
        write(dir.path(), "pyproject.toml", declaration);
        let run = check(dir.path(), &[]);
        assert_eq!(run.code, 2, "{declaration}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stderr.contains("pyproject.toml") && run.stderr.contains(expected),
            "{declaration}: {}",
            run.stderr
        );
    }
}
