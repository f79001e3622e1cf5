//! The prefilter (byte scan, demand-driven parsing, texts dropped and read
//! again) is a shortcut: on the whole benchmark corpus of real projects it
//! must give exactly the findings of parsing and analysing every file.
//!
//! The corpus (4,396 files of Django, sympy, ansible-core, mypy and Twisted
//! from pinned PyPI wheels) is made by `python3 bench/bench.py --corpus-only`,
//! which this test runs when the corpus is missing. When PyPI cannot be
//! reached the test says so and passes, unless `SPAWNSAFE_REQUIRE_BENCH_CORPUS`
//! is set, as `.ci/run` sets it.

use std::path::Path;
use std::process::Command;

fn findings(corpus: &Path, extra: &[&str]) -> Vec<String> {
    let output = Command::new(env!("CARGO_BIN_EXE_spawnsafe"))
        .args([
            "check",
            "--output-format",
            "concise",
            "--isolated",
            "--select",
            "ALL",
            "--exit-zero",
            "--quiet",
            "--color",
            "never",
        ])
        .args(extra)
        .arg(corpus)
        .output()
        .expect("run spawnsafe");
    assert!(
        output.status.success(),
        "spawnsafe failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("UTF-8 output")
        .lines()
        // Parsing everything also reports the syntax errors of files that
        // cannot matter; that is the only difference allowed.
        .filter(|line| !line.contains(" SPS001 "))
        .map(str::to_string)
        .collect()
}

/// The rule fixtures, checked as one tree, have hundreds of findings: the
/// shortcut must keep every one of them.
#[test]
fn prefilter_gives_the_findings_of_parsing_everything_on_the_fixtures() {
    let fixtures =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../spawnsafe_linter/resources/fixtures");
    let fast = findings(&fixtures, &[]);
    let everything = findings(&fixtures, &["--no-prefilter"]);
    assert!(fast.len() > 100, "{fast:?}");
    assert_eq!(fast, everything);
}

#[test]
fn prefilter_gives_the_findings_of_parsing_everything_on_the_bench_corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let corpus = root.join("bench/corpus");
    let complete = || {
        ["django", "sympy", "ansible-core", "mypy", "twisted"]
            .iter()
            .all(|project| corpus.join(project).is_dir())
    };
    if !complete() {
        let setup = Command::new("python3")
            .arg(root.join("bench/bench.py"))
            .arg("--corpus-only")
            .status();
        eprintln!("python3 bench/bench.py --corpus-only: {setup:?}");
    }
    if !complete() {
        assert!(
            std::env::var_os("SPAWNSAFE_REQUIRE_BENCH_CORPUS").is_none(),
            "bench/corpus is missing: run `python3 bench/bench.py --corpus-only`"
        );
        eprintln!("skipped: bench/corpus is missing (python3 bench/bench.py --corpus-only)");
        return;
    }
    let fast = findings(&corpus, &[]);
    let everything = findings(&corpus, &["--no-prefilter"]);
    assert_eq!(fast, everything);
}
