//! End-to-end tests of the `spawnsafe` binary: exit codes, output formats,
//! rule selection, colour, the `rule` subcommand, standard input, bad input
//! files and determinism.
//!
//! Every test runs the real binary (`CARGO_BIN_EXE_spawnsafe`) with a fixed
//! working directory and relative paths, so the paths in the snapshots are
//! stable.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// The workspace root (it holds `examples/`).
fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

/// The finished run of the binary.
#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Run {
        Run {
            code: output
                .status
                .code()
                .expect("spawnsafe was killed by a signal"),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        }
    }
}

/// The binary, in `dir`, with the environment that changes its output removed.
fn command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_spawnsafe"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR")
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null());
    command
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    command(dir, args).output().expect("spawnsafe runs").into()
}

/// Runs in the workspace root (paths like `examples/photo_stats`).
fn run(args: &[&str]) -> Run {
    run_in(&repo_root(), args)
}

/// Runs in `dir` with `input` on standard input.
fn run_with_stdin(dir: &Path, args: &[&str], input: &[u8]) -> Run {
    let mut child = command(dir, args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawnsafe starts");
    // spawnsafe may exit (on a usage error) before it reads its input.
    if let Err(err) = child.stdin.take().expect("stdin is piped").write_all(input) {
        assert_eq!(
            err.kind(),
            std::io::ErrorKind::BrokenPipe,
            "write stdin: {err}"
        );
    }
    child.wait_with_output().expect("spawnsafe runs").into()
}

/// The output without the last line's hint at the fixes (`[*] 1 fixable with
/// the `--fix` option.`), which follows the summary.
fn without_fix_hint(stdout: &str) -> &str {
    let body = stdout.strip_suffix('\n').unwrap_or(stdout);
    match body.rfind('\n') {
        Some(at)
            if body[at + 1..].starts_with("[*] ")
                || body[at + 1..].starts_with("No fixes available") =>
        {
            &stdout[..at + 1]
        }
        _ => stdout,
    }
}

/// `(filename, row, column, code)` of every line of `--output-format concise`
/// output, the summary and fixable-hint lines excluded.
fn concise_findings(stdout: &str) -> Vec<(String, usize, usize, String)> {
    stdout
        .lines()
        .filter(|line| {
            !line.starts_with("Found ")
                && !line.starts_with("All checks passed")
                && !line.starts_with("[*] ")
        })
        .map(|line| {
            let mut parts = line.splitn(4, ':');
            let file = parts.next().unwrap().to_string();
            let row = parts.next().unwrap().parse().expect("row");
            let column = parts.next().unwrap().parse().expect("column");
            let code = parts
                .next()
                .unwrap()
                .trim_start()
                .split(' ')
                .next()
                .unwrap()
                .to_string();
            (file, row, column, code)
        })
        .collect()
}

/// `(filename, code)` pairs of concise output, for quick comparisons.
fn files_and_codes(stdout: &str) -> Vec<(String, String)> {
    concise_findings(stdout)
        .into_iter()
        .map(|(file, _, _, code)| (file, code))
        .collect()
}

/// A top-level `multiprocessing.Pool()`: SPS101 at 3:8.
const FLAGGED: &str = "import multiprocessing\n\npool = multiprocessing.Pool()\n";

/// A scratch project holding `flagged.py` (one SPS101 finding at 3:8).
fn project_with_flagged_file() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("flagged.py"), FLAGGED).unwrap();
    dir
}

fn assert_flagged_file_reported(run: &Run) {
    let findings = concise_findings(&run.stdout);
    assert!(
        findings.contains(&("flagged.py".to_string(), 3, 8, "SPS101".to_string())),
        "flagged.py:3:8 SPS101 is missing:\n{}",
        run.stdout
    );
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("Uid:"))
                .and_then(|uids| uids.split_whitespace().next().map(|uid| uid == "0"))
        })
        .unwrap_or(false)
}

const CHECK_PHOTO_STATS: &[&str] = &["check", "examples/photo_stats", "--color", "never"];

// ---------------------------------------------------------------------------
// Exit codes
// ---------------------------------------------------------------------------

#[test]
fn clean_project_exits_0() {
    let run = run(&["check", "examples/photo_stats_fixed", "--color", "never"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "All checks passed (2 files checked).\n");
    assert_eq!(run.stderr, "");
}

#[test]
fn findings_exit_1() {
    let run = run(CHECK_PHOTO_STATS);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(without_fix_hint(&run.stdout).ends_with("Found 4 findings in 2 files checked.\n"));
    assert_eq!(run.stderr, "");
}

#[test]
fn unknown_flag_exits_2() {
    let run = run(&["check", "--bogus", "examples/photo_stats"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.contains("unexpected argument '--bogus'"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("Usage: spawnsafe check"),
        "{}",
        run.stderr
    );
}

#[test]
fn unknown_select_code_exits_2() {
    let run = run(&["check", "--select", "SPS999", "examples/photo_stats"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "spawnsafe: error: `--select`: unknown rule selector `SPS999`\n"
    );
}

#[test]
fn unknown_ignore_selector_exits_2() {
    let run = run(&[
        "check",
        "--ignore",
        "SPS101,no-such-rule",
        "examples/photo_stats",
    ]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "spawnsafe: error: `--ignore`: unknown rule selector `no-such-rule`\n"
    );
}

#[test]
fn unknown_output_format_exits_2() {
    let run = run(&["check", "--output-format", "xml", "examples/photo_stats"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr
            .contains("invalid value 'xml' for '--output-format <OUTPUT_FORMAT>'"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("[possible values: full, concise, json, json-lines, github, sarif, junit, grouped, gitlab, pylint, rdjson, azure]"),
        "{}",
        run.stderr
    );
}

#[test]
fn missing_subcommand_exits_2() {
    let run = run(&[]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("Usage: spawnsafe <COMMAND>"),
        "{}",
        run.stderr
    );
}

#[test]
fn exit_zero_still_prints_findings() {
    let plain = run(&[
        "check",
        "examples/photo_stats",
        "--color",
        "never",
        "--output-format",
        "concise",
    ]);
    let zero = run(&[
        "check",
        "examples/photo_stats",
        "--color",
        "never",
        "--output-format",
        "concise",
        "--exit-zero",
    ]);
    assert_eq!(plain.code, 1);
    assert_eq!(zero.code, 0, "{zero:?}");
    assert_eq!(zero.stdout, plain.stdout);
    assert_eq!(concise_findings(&zero.stdout).len(), 4);
}

// ---------------------------------------------------------------------------
// Output formats
// ---------------------------------------------------------------------------

#[test]
fn full_output() {
    let run = run(&[
        "check",
        "examples/photo_stats",
        "--color",
        "never",
        "--output-format",
        "full",
    ]);
    assert_eq!(run.code, 1);
    // `full` is the default.
    assert_eq!(run.stdout, self::run(CHECK_PHOTO_STATS).stdout);
    // Code frames, notes pointing into another module, and help.
    assert!(run
        .stdout
        .contains("  --> examples/photo_stats/main.py:21:9\n"));
    assert!(run
        .stdout
        .contains("note: `summarise_all` creates a process pool here\n"));
    assert!(run
        .stdout
        .contains("  --> examples/photo_stats/stats.py:11:10\n"));
    assert!(run
        .stdout
        .contains("help: define a module-level function with `def`"));
    insta::assert_snapshot!("full_photo_stats", run.stdout);
}

#[test]
fn concise_output() {
    let run = run(&[
        "check",
        "examples/photo_stats",
        "--color",
        "never",
        "--output-format",
        "concise",
    ]);
    assert_eq!(run.code, 1);
    assert_eq!(
        concise_findings(&run.stdout),
        vec![
            (
                "examples/photo_stats/main.py".into(),
                14,
                1,
                "SPS104".into()
            ),
            (
                "examples/photo_stats/main.py".into(),
                21,
                9,
                "SPS101".into()
            ),
            (
                "examples/photo_stats/main.py".into(),
                29,
                35,
                "SPS105".into()
            ),
            (
                "examples/photo_stats/main.py".into(),
                30,
                36,
                "SPS201".into()
            ),
        ]
    );
    insta::assert_snapshot!("concise_photo_stats", run.stdout);
}

fn assert_location(value: &Value, what: &str) -> (u64, u64) {
    let object = value
        .as_object()
        .unwrap_or_else(|| panic!("{what} is not an object: {value}"));
    let keys: Vec<&str> = object.keys().map(String::as_str).collect();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, ["column", "row"], "{what} keys");
    let row = object["row"].as_u64().expect("row is an integer");
    let column = object["column"].as_u64().expect("column is an integer");
    assert!(row >= 1, "{what}: rows are 1-based: {value}");
    assert!(column >= 1, "{what}: columns are 1-based: {value}");
    (row, column)
}

#[test]
fn json_output_schema() {
    let run = run(&[
        "check",
        "examples/photo_stats",
        "--color",
        "always",
        "--output-format",
        "json",
    ]);
    assert_eq!(run.code, 1);
    assert!(!run.stdout.contains('\x1b'), "JSON never has colour");
    assert!(!run.stdout.contains("Found "), "JSON has no summary line");
    let items: Vec<Value> = serde_json::from_str(&run.stdout).expect("stdout is a JSON array");
    assert_eq!(items.len(), 4);

    let mut expected_keys = vec![
        "code",
        "end_location",
        "filename",
        "fix",
        "location",
        "message",
        "name",
        "related",
        "severity",
        "url",
    ];
    expected_keys.sort_unstable();
    for item in &items {
        let object = item.as_object().expect("each finding is an object");
        let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, expected_keys, "keys of {item}");

        let code = object["code"].as_str().expect("code is a string");
        assert!(code.starts_with("SPS"), "{code}");
        assert!(object["name"].as_str().is_some_and(|name| !name.is_empty()));
        assert!(
            ["error", "warning", "info"].contains(&object["severity"].as_str().unwrap()),
            "{item}"
        );
        assert!(object["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert_eq!(object["filename"], "examples/photo_stats/main.py");
        // A fix is null or `{applicability, message, edits: [{content, location, end_location}]}`.
        if !object["fix"].is_null() {
            let fix = object["fix"].as_object().expect("a fix is an object");
            assert!(
                ["safe", "unsafe"].contains(&fix["applicability"].as_str().unwrap()),
                "{item}"
            );
            assert!(fix["message"].as_str().is_some_and(|m| !m.is_empty()));
            for edit in fix["edits"].as_array().expect("edits") {
                assert!(edit["content"].is_string(), "{edit}");
                let start = assert_location(&edit["location"], "location");
                let end = assert_location(&edit["end_location"], "end_location");
                assert!(start <= end, "{edit}");
            }
        }
        assert_eq!(
            object["url"].as_str().unwrap(),
            format!(
                "https://github.com/spawnsafe/spawnsafe/blob/main/docs/rules.md#{}-{}",
                object["name"].as_str().unwrap(),
                code.to_ascii_lowercase()
            )
        );
        let start = assert_location(&object["location"], "location");
        let end = assert_location(&object["end_location"], "end_location");
        assert!(start <= end, "start {start:?} after end {end:?}");

        for related in object["related"].as_array().expect("related is a list") {
            let related = related.as_object().expect("related entries are objects");
            let mut keys: Vec<&str> = related.keys().map(String::as_str).collect();
            keys.sort_unstable();
            assert_eq!(keys, ["filename", "location", "message"]);
            assert!(related["filename"].as_str().is_some());
            assert!(related["message"].as_str().is_some());
            assert_location(&related["location"], "related location");
        }
    }

    // The same findings, at the same 1-based places, as the concise output.
    let summary: Vec<(String, u64, u64, u64, u64)> = items
        .iter()
        .map(|item| {
            (
                item["code"].as_str().unwrap().to_string(),
                item["location"]["row"].as_u64().unwrap(),
                item["location"]["column"].as_u64().unwrap(),
                item["end_location"]["row"].as_u64().unwrap(),
                item["end_location"]["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("SPS104".into(), 14, 1, 14, 29),
            ("SPS101".into(), 21, 9, 21, 44),
            ("SPS105".into(), 29, 35, 29, 40),
            ("SPS201".into(), 30, 36, 30, 59),
        ]
    );
    assert_eq!(items[1]["name"], "unguarded-process-start");
    assert_eq!(
        items[1]["related"],
        serde_json::json!([{
            "filename": "examples/photo_stats/stats.py",
            "location": {"row": 11, "column": 10},
            "message": "`summarise_all` creates a process pool here",
        }])
    );
    insta::assert_snapshot!("json_photo_stats", run.stdout);
}

#[test]
fn json_output_when_clean_is_an_empty_array() {
    let run = run(&[
        "check",
        "examples/photo_stats_fixed",
        "--output-format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "[]\n");
}

#[test]
fn json_columns_count_characters() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("uni.py"),
        "import multiprocessing\nx = \"ééé\"; pool = multiprocessing.Pool()\n",
    )
    .unwrap();
    let run = run_in(dir.path(), &["check", "--output-format", "json"]);
    assert_eq!(run.code, 1, "{run:?}");
    let items: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["filename"], "uni.py");
    // `multiprocessing.Pool()` starts at character 19 (byte 22) of line 2.
    assert_eq!(
        items[0]["location"],
        serde_json::json!({"row": 2, "column": 19})
    );
    assert_eq!(
        items[0]["end_location"],
        serde_json::json!({"row": 2, "column": 41})
    );
}

// ---------------------------------------------------------------------------
// Rule selection
// ---------------------------------------------------------------------------

fn concise_photo_stats(extra: &[&str]) -> Run {
    let mut args = vec![
        "check",
        "examples/photo_stats",
        "--color",
        "never",
        "--output-format",
        "concise",
    ];
    args.extend_from_slice(extra);
    run(&args)
}

fn codes(run: &Run) -> Vec<String> {
    concise_findings(&run.stdout)
        .into_iter()
        .map(|(_, _, _, code)| code)
        .collect()
}

#[test]
fn select_by_prefix() {
    let run = concise_photo_stats(&["--select", "SPS1"]);
    assert_eq!(run.code, 1);
    assert_eq!(codes(&run), ["SPS104", "SPS101", "SPS105"]);
    // Prefixes are case-insensitive.
    assert_eq!(
        codes(&concise_photo_stats(&["--select", "sps1"])),
        codes(&run)
    );
}

#[test]
fn select_single_code() {
    let run = concise_photo_stats(&["--select", "SPS201"]);
    assert_eq!(run.code, 1);
    assert_eq!(codes(&run), ["SPS201"]);
    assert!(without_fix_hint(&run.stdout).ends_with("Found 1 finding in 2 files checked.\n"));
}

#[test]
fn ignore_comma_separated_codes() {
    let run = concise_photo_stats(&["--ignore", "SPS101,SPS104"]);
    assert_eq!(run.code, 1);
    assert_eq!(codes(&run), ["SPS105", "SPS201"]);
}

#[test]
fn select_by_name() {
    let run = concise_photo_stats(&["--select", "unguarded-process-start"]);
    assert_eq!(run.code, 1);
    assert_eq!(codes(&run), ["SPS101"]);

    let mixed = concise_photo_stats(&["--select", "worker-defined-in-guard,SPS104"]);
    assert_eq!(codes(&mixed), ["SPS104", "SPS105"]);

    let ignored = concise_photo_stats(&["--ignore", "unpicklable-callable"]);
    assert_eq!(codes(&ignored), ["SPS104", "SPS101", "SPS105"]);
}

#[test]
fn select_with_no_matching_findings_exits_0() {
    let run = concise_photo_stats(&["--select", "SPS102"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "All checks passed (2 files checked).\n");
}

#[test]
fn select_unknown_name_exits_2() {
    let run = concise_photo_stats(&["--select", "lambda"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "spawnsafe: error: `--select`: unknown rule selector `lambda`\n"
    );
}

// ---------------------------------------------------------------------------
// --quiet and colour
// ---------------------------------------------------------------------------

#[test]
fn quiet_prints_no_summary() {
    let loud = concise_photo_stats(&[]);
    let quiet = concise_photo_stats(&["--quiet"]);
    assert_eq!(quiet.code, 1);
    assert!(loud.stdout.contains("Found 4 findings"));
    assert!(!quiet.stdout.contains("Found "), "{}", quiet.stdout);
    assert_eq!(
        quiet.stdout,
        without_fix_hint(&loud.stdout).replace("Found 4 findings in 2 files checked.\n", "")
    );

    let full = run(&["check", "examples/photo_stats", "--color", "never", "-q"]);
    assert_eq!(full.code, 1);
    assert!(!full.stdout.contains("Found "));
    assert!(full.stdout.contains("error[SPS101]"));

    let clean = run(&["check", "examples/photo_stats_fixed", "--quiet"]);
    assert_eq!(clean.code, 0);
    assert_eq!(clean.stdout, "");
}

#[test]
fn color_always_emits_ansi_escapes() {
    for format in ["full", "concise"] {
        let run = run(&[
            "check",
            "examples/photo_stats",
            "--color",
            "always",
            "--output-format",
            format,
        ]);
        assert_eq!(run.code, 1);
        assert!(run.stdout.contains("\x1b["), "{format}: no ANSI escapes");
    }
    let concise = run(&[
        "check",
        "examples/photo_stats",
        "--color",
        "always",
        "--output-format",
        "concise",
    ]);
    assert!(
        concise.stdout.starts_with(
            "\x1b[1mexamples/photo_stats/main.py\x1b[0m:14:1: \x1b[1;31mSPS104\x1b[0m "
        ),
        "{:?}",
        concise.stdout
    );
}

#[test]
fn color_never_emits_no_ansi_escapes() {
    let run = run(&["check", "examples/photo_stats", "--color", "never"]);
    assert!(!run.stdout.contains('\x1b'));
}

#[test]
fn color_auto_with_no_color_emits_none() {
    for format in ["full", "concise"] {
        let output = command(
            &repo_root(),
            &[
                "check",
                "examples/photo_stats",
                "--color",
                "auto",
                "--output-format",
                format,
            ],
        )
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
        let run = Run::from(output);
        assert_eq!(run.code, 1);
        assert!(!run.stdout.contains('\x1b'), "{format}: {}", run.stdout);
    }
}

#[test]
fn color_auto_into_a_pipe_emits_none() {
    // `Command::output` pipes stdout: not a terminal. `auto` is also the default.
    for args in [
        &["check", "examples/photo_stats", "--color", "auto"][..],
        &["check", "examples/photo_stats"][..],
    ] {
        let run = run(args);
        assert_eq!(run.code, 1);
        assert!(run.stdout.contains("error[SPS101]"));
        assert!(!run.stdout.contains('\x1b'), "{args:?}: {}", run.stdout);
    }
}

// ---------------------------------------------------------------------------
// `rule`, --version, --help
// ---------------------------------------------------------------------------

#[test]
fn rule_prints_markdown_docs() {
    let run = run(&["rule", "SPS101"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .starts_with("# unguarded-process-start (SPS101)\n"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("## What it does"));
    // By name and in lower case too.
    assert_eq!(
        self::run(&["rule", "unguarded-process-start"]).stdout,
        run.stdout
    );
    assert_eq!(self::run(&["rule", "sps101"]).stdout, run.stdout);
}

#[test]
fn rule_all_lists_every_rule() {
    let run = run(&["rule", "--all"]);
    assert_eq!(run.code, 0, "{run:?}");
    let headings: Vec<&str> = run
        .stdout
        .lines()
        // Level-1 headings `# name (SPSnnn)`; code blocks hold `# comments` too.
        .filter(|line| line.starts_with("# ") && line.contains(" (SPS") && line.ends_with(')'))
        .collect();
    let codes: Vec<&str> = spawnsafe_linter::Rule::ALL
        .iter()
        .map(|rule| rule.code())
        .collect();
    assert_eq!(headings.len(), codes.len(), "{headings:#?}");
    for (heading, code) in headings.iter().zip(codes.iter().copied()) {
        assert!(
            heading.ends_with(&format!("({code})")),
            "{heading} vs {code}"
        );
    }
    for code in codes {
        let single = self::run(&["rule", code]);
        assert_eq!(single.code, 0);
        assert!(
            run.stdout.contains(&single.stdout),
            "{code} docs missing from --all"
        );
    }
}

#[test]
fn rule_unknown_exits_2() {
    let run = run(&["rule", "SPS999"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(run.stdout, "");
    let known: Vec<&str> = spawnsafe_linter::Rule::ALL
        .iter()
        .map(|rule| rule.code())
        .collect();
    assert_eq!(
        run.stderr,
        format!(
            "spawnsafe: error: unknown rule `SPS999` (known rules: {})\n",
            known.join(", ")
        )
    );
}

#[test]
fn rule_needs_a_code_or_all() {
    let run = run(&["rule"]);
    assert_eq!(run.code, 2, "{run:?}");
    let both = self::run(&["rule", "SPS101", "--all"]);
    assert_eq!(both.code, 2, "{both:?}");
}

#[test]
fn version() {
    let run = run(&["--version"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stdout,
        format!("spawnsafe {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn help_mentions_examples() {
    for args in [&["--help"][..], &["check", "--help"][..]] {
        let run = run(args);
        assert_eq!(run.code, 0, "{args:?}");
        assert!(run.stdout.contains("Examples:"), "{args:?}: {}", run.stdout);
        assert!(run.stdout.contains("spawnsafe check --select SPS1"));
        assert!(run
            .stdout
            .contains("cat job.py | spawnsafe check - --stdin-filename job.py"));
        assert!(run
            .stdout
            .contains("Exit status: 0 no findings, 1 findings, 2 usage"));
    }
}

// ---------------------------------------------------------------------------
// Standard input
// ---------------------------------------------------------------------------

const UNGUARDED_POOL_SCRIPT: &str = "\
import multiprocessing


def work(x):
    return x * 2


pool = multiprocessing.Pool()
print(pool.map(work, range(3)))
";

#[test]
fn stdin_with_stdin_filename() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_with_stdin(
        dir.path(),
        &[
            "check",
            "-",
            "--stdin-filename",
            "job.py",
            "--color",
            "never",
        ],
        UNGUARDED_POOL_SCRIPT.as_bytes(),
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.stderr, "");
    assert!(run.stdout.contains(" --> job.py:8:8\n"), "{}", run.stdout);
    insta::assert_snapshot!("stdin_full", run.stdout);

    let concise = run_with_stdin(
        dir.path(),
        &[
            "check",
            "-",
            "--stdin-filename",
            "job.py",
            "--output-format",
            "concise",
        ],
        UNGUARDED_POOL_SCRIPT.as_bytes(),
    );
    assert_eq!(
        files_and_codes(&concise.stdout),
        [("job.py".into(), "SPS101".into())]
    );
    assert_eq!(concise_findings(&concise.stdout)[0].1, 8);
    assert!(without_fix_hint(&concise.stdout).ends_with("Found 1 finding in 1 file checked.\n"));
}

#[test]
fn stdin_without_filename_is_named_dash() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_with_stdin(
        dir.path(),
        &["check", "-", "--output-format", "concise"],
        UNGUARDED_POOL_SCRIPT.as_bytes(),
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        concise_findings(&run.stdout),
        [("-".into(), 8, 8, "SPS101".into())]
    );
}

#[test]
fn stdin_cannot_be_combined_with_paths() {
    let dir = project_with_flagged_file();
    let run = run_with_stdin(dir.path(), &["check", "-", "flagged.py"], b"x = 1\n");
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "spawnsafe: error: `-` (standard input) cannot be combined with other paths\n"
    );
}

#[test]
fn stdin_syntax_error_and_binary() {
    let dir = tempfile::tempdir().unwrap();
    let args = &[
        "check",
        "-",
        "--stdin-filename",
        "job.py",
        "--output-format",
        "concise",
    ];
    let syntax = run_with_stdin(dir.path(), args, b"import multiprocessing\ndef f(:\n");
    assert_eq!(syntax.code, 1, "{syntax:?}");
    assert_eq!(
        concise_findings(&syntax.stdout),
        [("job.py".into(), 2, 7, "SPS001".into())]
    );

    let binary = run_with_stdin(dir.path(), args, b"\x00\x01\x02");
    assert_eq!(binary.code, 1, "{binary:?}");
    assert_eq!(
        concise_findings(&binary.stdout),
        [("job.py".into(), 1, 1, "SPS002".into())]
    );
    assert!(binary.stdout.contains("binary file (contains NUL bytes)"));
}

#[test]
fn stdin_non_utf8_is_sps001() {
    let dir = tempfile::tempdir().unwrap();
    let input = b"import multiprocessing\nx = 1\nname = \"caf\xe9\"\n";
    let run = run_with_stdin(
        dir.path(),
        &[
            "check",
            "-",
            "--stdin-filename",
            "job.py",
            "--output-format",
            "concise",
        ],
        input,
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_eq!(
        concise_findings(&run.stdout),
        [("job.py".into(), 3, 1, "SPS001".into())]
    );
    assert!(run.stdout.contains("can't decode byte 0xe9 on line 3"));

    let unnamed = run_with_stdin(
        dir.path(),
        &["check", "-", "--output-format", "concise"],
        input,
    );
    assert_eq!(unnamed.code, 1, "{unnamed:?}");
    assert_eq!(
        concise_findings(&unnamed.stdout),
        [("-".into(), 3, 1, "SPS001".into())]
    );
}

#[test]
fn stdin_code_frame_shows_stdin_text() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("job.py"),
        "totally\ndifferent\ncontent on disk\n",
    )
    .unwrap();
    let run = run_with_stdin(
        dir.path(),
        &[
            "check",
            "-",
            "--stdin-filename",
            "job.py",
            "--color",
            "never",
        ],
        b"import multiprocessing\nx = 1\nname = \"caf\xe9\"\n",
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(!run.stdout.contains("content on disk"), "{}", run.stdout);
    assert!(run.stdout.contains("3 | name = \"caf"), "{}", run.stdout);
}

// ---------------------------------------------------------------------------
// Bad input: each next to a real flagged file, which must still be reported
// ---------------------------------------------------------------------------

#[test]
fn syntax_error_is_sps001() {
    let dir = project_with_flagged_file();
    std::fs::write(
        dir.path().join("broken.py"),
        "import multiprocessing\n\n\ndef work(x)\n    return x\n",
    )
    .unwrap();
    let concise = run_in(
        dir.path(),
        &["check", "--color", "never", "--output-format", "concise"],
    );
    assert_eq!(concise.code, 1, "{concise:?}");
    assert_flagged_file_reported(&concise);
    assert_eq!(
        files_and_codes(&concise.stdout),
        [
            ("broken.py".into(), "SPS001".into()),
            ("flagged.py".into(), "SPS101".into()),
        ]
    );
    let run = run_in(dir.path(), &["check", "--color", "never"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.stderr, "");
    assert!(
        run.stdout
            .contains("error[SPS001]: SyntaxError: Expected `:`, found newline\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(" --> broken.py:4:12\n"),
        "{}",
        run.stdout
    );
    assert!(without_fix_hint(&run.stdout).ends_with("Found 2 findings in 2 files checked.\n"));
    insta::assert_snapshot!("bad_input_syntax_error", run.stdout);
}

#[test]
fn non_utf8_without_cookie_is_sps001() {
    let dir = project_with_flagged_file();
    std::fs::write(
        dir.path().join("legacy.py"),
        b"import multiprocessing\n\nLABEL = \"caf\xe9\"\n",
    )
    .unwrap();
    let run = run_in(
        dir.path(),
        &["check", "--color", "never", "--output-format", "concise"],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.stderr, "");
    assert_flagged_file_reported(&run);
    assert!(
        run.stdout.contains(
            "legacy.py:3:1: SPS001 (unicode error) 'utf-8' codec can't decode byte 0xe9 on \
             line 3: the file is not UTF-8 and has no coding cookie\n"
        ),
        "{}",
        run.stdout
    );
    let full = run_in(dir.path(), &["check", "--color", "never"]);
    insta::assert_snapshot!("bad_input_non_utf8", full.stdout);
}

#[test]
fn latin1_with_cookie_is_checked() {
    let dir = project_with_flagged_file();
    std::fs::write(
        dir.path().join("latin.py"),
        b"# -*- coding: latin-1 -*-\nimport multiprocessing\nNAME = \"caf\xe9\"\npool = multiprocessing.Pool()  # caf\xe9\n",
    )
    .unwrap();
    let run = run_in(
        dir.path(),
        &["check", "--color", "never", "--output-format", "concise"],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.stderr, "");
    assert_eq!(
        files_and_codes(&run.stdout),
        [
            ("flagged.py".into(), "SPS101".into()),
            ("latin.py".into(), "SPS101".into()),
        ]
    );
    assert!(
        run.stdout.contains("latin.py:4:8: SPS101 "),
        "{}",
        run.stdout
    );
    // The code frame shows the decoded text.
    let full = run_in(dir.path(), &["check", "latin.py", "--color", "never"]);
    assert!(
        full.stdout
            .contains("4 | pool = multiprocessing.Pool()  # café\n"),
        "{}",
        full.stdout
    );
}

#[test]
fn latin1_alias_with_cookie_is_checked() {
    // Other names Python accepts for the same encoding.
    for cookie in ["latin1", "iso-8859-1"] {
        let dir = project_with_flagged_file();
        std::fs::write(
            dir.path().join("latin.py"),
            format!("# -*- coding: {cookie} -*-\nimport multiprocessing\nNAME = \"caf")
                .into_bytes()
                .into_iter()
                .chain(*b"\xe9\"\npool = multiprocessing.Pool()\n")
                .collect::<Vec<u8>>(),
        )
        .unwrap();
        let run = run_in(
            dir.path(),
            &["check", "--color", "never", "--output-format", "concise"],
        );
        assert_eq!(run.code, 1, "{cookie}: {run:?}");
        assert_eq!(
            concise_findings(&run.stdout),
            [
                ("flagged.py".into(), 3, 8, "SPS101".into()),
                ("latin.py".into(), 4, 8, "SPS101".into()),
            ],
            "{cookie}"
        );
    }
}

#[test]
fn binary_file_is_sps002() {
    let dir = project_with_flagged_file();
    std::fs::write(
        dir.path().join("x.py"),
        b"import multiprocessing\x00\x00\x01\x02\xff",
    )
    .unwrap();
    let run = run_in(
        dir.path(),
        &["check", "--color", "never", "--output-format", "concise"],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.stderr, "");
    assert_flagged_file_reported(&run);
    assert!(
        run.stdout
            .contains("x.py:1:1: SPS002 binary file (contains NUL bytes), not Python source\n"),
        "{}",
        run.stdout
    );
    assert!(without_fix_hint(&run.stdout).ends_with("Found 2 findings in 2 files checked.\n"));
    let full = run_in(dir.path(), &["check", "--color", "never"]);
    insta::assert_snapshot!("bad_input_binary", full.stdout);
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_sps002() {
    use std::os::unix::fs::PermissionsExt as _;
    if is_root() {
        // root reads a mode 000 file anyway; `dangling_symlink_named_explicitly_is_sps002`
        // covers an unreadable file in that case.
        eprintln!("skipped: running as root, chmod 000 does not stop reading");
        return;
    }
    let dir = project_with_flagged_file();
    let secret = dir.path().join("secret.py");
    std::fs::write(&secret, FLAGGED).unwrap();
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    let run = run_in(
        dir.path(),
        &["check", "--color", "never", "--output-format", "concise"],
    );
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(run.code, 1, "{run:?}");
    assert_flagged_file_reported(&run);
    assert!(
        run.stdout
            .contains("secret.py:1:1: SPS002 cannot read file: Permission denied"),
        "{}",
        run.stdout
    );
}

#[cfg(unix)]
#[test]
fn dangling_symlink_named_explicitly_is_sps002() {
    let dir = project_with_flagged_file();
    std::os::unix::fs::symlink("does-not-exist.py", dir.path().join("gone.py")).unwrap();
    let run = run_in(
        dir.path(),
        &[
            "check",
            "flagged.py",
            "gone.py",
            "--color",
            "never",
            "--output-format",
            "concise",
        ],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert_flagged_file_reported(&run);
    assert!(
        run.stdout
            .contains("gone.py:1:1: SPS002 cannot read file: "),
        "{}",
        run.stdout
    );

    let alone = run_in(
        dir.path(),
        &["check", "gone.py", "--output-format", "concise"],
    );
    assert_eq!(alone.code, 1, "{alone:?}");
}

#[test]
fn missing_file_named_explicitly_is_sps002() {
    let dir = project_with_flagged_file();
    let run = run_in(
        dir.path(),
        &[
            "check",
            "flagged.py",
            "missing.py",
            "--color",
            "never",
            "--output-format",
            "concise",
        ],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert_flagged_file_reported(&run);
    assert!(
        run.stdout
            .contains("missing.py:1:1: SPS002 cannot read file: No such file or directory"),
        "{}",
        run.stdout
    );
}

#[test]
fn empty_file_is_fine() {
    let dir = project_with_flagged_file();
    std::fs::write(dir.path().join("empty.py"), "").unwrap();
    let run = run_in(
        dir.path(),
        &["check", "--color", "never", "--output-format", "concise"],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.stderr, "");
    assert_eq!(
        files_and_codes(&run.stdout),
        [("flagged.py".into(), "SPS101".into())]
    );
    assert!(without_fix_hint(&run.stdout).ends_with("Found 1 finding in 2 files checked.\n"));

    let alone = run_in(dir.path(), &["check", "empty.py"]);
    assert_eq!(alone.code, 0, "{alone:?}");
    assert_eq!(alone.stdout, "All checks passed (1 file checked).\n");
    assert_eq!(alone.stderr, "");
}

#[test]
fn five_megabyte_file_is_checked() {
    let dir = project_with_flagged_file();
    let mut text = String::from("import multiprocessing\n");
    let mut lines = 1;
    let mut i = 0;
    while text.len() < 5 * 1024 * 1024 {
        text.push_str(&format!("value_{i} = {i} + 1\n"));
        i += 1;
        lines += 1;
    }
    text.push_str("pool = multiprocessing.Pool()\n");
    lines += 1;
    std::fs::write(dir.path().join("big.py"), &text).unwrap();
    assert!(text.len() >= 5 * 1024 * 1024);

    let run = run_in(
        dir.path(),
        &["check", "--color", "never", "--output-format", "concise"],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.stderr, "");
    assert_eq!(
        concise_findings(&run.stdout),
        [
            ("big.py".into(), lines, 8, "SPS101".into()),
            ("flagged.py".into(), 3, 8, "SPS101".into()),
        ]
    );
}

#[test]
fn directory_named_like_a_python_file_is_skipped() {
    let dir = project_with_flagged_file();
    std::fs::create_dir(dir.path().join("x.py")).unwrap();
    let run = run_in(
        dir.path(),
        &["check", "--color", "never", "--output-format", "concise"],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.stderr, "");
    assert_eq!(
        files_and_codes(&run.stdout),
        [("flagged.py".into(), "SPS101".into())]
    );
    assert!(without_fix_hint(&run.stdout).ends_with("Found 1 finding in 1 file checked.\n"));

    // Named explicitly, it is searched like any directory.
    let named = run_in(
        dir.path(),
        &[
            "check",
            "x.py",
            "flagged.py",
            "--color",
            "never",
            "--output-format",
            "concise",
        ],
    );
    assert_eq!(named.code, 1, "{named:?}");
    assert_eq!(named.stderr, "");
    assert_eq!(
        files_and_codes(&named.stdout),
        [("flagged.py".into(), "SPS101".into())]
    );
}

#[cfg(unix)]
#[test]
fn symlink_loop_warns_and_completes() {
    let dir = project_with_flagged_file();
    std::os::unix::fs::symlink(".", dir.path().join("a")).unwrap();
    let run = run_in(
        dir.path(),
        &["check", "--color", "never", "--output-format", "concise"],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.stderr,
        "spawnsafe: warning: ./a: symbolic link loop (points back to .), not followed\n"
    );
    // Reported once, not again through the link.
    assert_eq!(
        concise_findings(&run.stdout),
        [("flagged.py".into(), 3, 8, "SPS101".into())]
    );
    assert!(without_fix_hint(&run.stdout).ends_with("Found 1 finding in 1 file checked.\n"));
}

#[test]
fn crlf_file_code_frame_has_no_carriage_return() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("crlf.py"),
        "import multiprocessing\r\npool = multiprocessing.Pool()\r\n",
    )
    .unwrap();
    let run = run_in(dir.path(), &["check", "--color", "never"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains(" --> crlf.py:2:8\n"), "{}", run.stdout);
    assert!(!run.stdout.contains('␍'), "{}", run.stdout);
    assert!(!run.stdout.contains('\r'), "{}", run.stdout);
}

#[test]
fn no_prefilter_gives_the_same_findings() {
    let dir = project_with_flagged_file();
    std::fs::write(dir.path().join("unrelated.py"), "def f(:\n    pass\n").unwrap();
    let args = ["check", "--color", "never", "--output-format", "concise"];
    let with = run_in(dir.path(), &args);
    let mut without_args = args.to_vec();
    without_args.push("--no-prefilter");
    let without = run_in(dir.path(), &without_args);
    // Parsing everything adds the syntax errors of files that cannot matter, nothing else.
    let without_syntax_errors: String = without
        .stdout
        .lines()
        .filter(|line| !line.contains("SPS001"))
        .map(|line| format!("{line}\n"))
        .collect();
    assert!(
        without.stdout.contains("unrelated.py:1:7: SPS001"),
        "{without:?}"
    );
    assert_eq!(
        with.stdout
            .lines()
            .filter(|line| !line.starts_with("Found"))
            .collect::<Vec<_>>(),
        without_syntax_errors
            .lines()
            .filter(|line| !line.starts_with("Found"))
            .collect::<Vec<_>>()
    );
}

// ---------------------------------------------------------------------------
// Determinism and ordering
// ---------------------------------------------------------------------------

#[test]
fn two_runs_are_byte_identical() {
    for format in ["full", "concise", "json"] {
        let args = [
            "check",
            "examples",
            "--color",
            "never",
            "--output-format",
            format,
        ];
        let first = run(&args);
        let second = run(&args);
        assert_eq!(first.code, 1, "{format}: {first:?}");
        assert_eq!(first.stdout, second.stdout, "{format}");
        assert_eq!(first.stderr, second.stderr, "{format}");
    }
}

#[test]
fn findings_are_sorted_by_file_then_position() {
    let dir = tempfile::tempdir().unwrap();
    let many = "import multiprocessing\n\
                multiprocessing.set_start_method(\"spawn\")\n\
                a = multiprocessing.Pool(); b = multiprocessing.Pool()\n\
                p = multiprocessing.Process(target=print)\n\
                p.start()\n";
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    for name in ["z.py", "a.py", "sub/c.py", "m.py", "b.py"] {
        std::fs::write(dir.path().join(name), many).unwrap();
    }
    let run = run_in(
        dir.path(),
        &["check", "--color", "never", "--output-format", "concise"],
    );
    assert_eq!(run.code, 1, "{run:?}");
    let findings = concise_findings(&run.stdout);
    assert_eq!(findings.len(), 5 * 4, "{}", run.stdout);
    let mut sorted = findings.clone();
    sorted.sort();
    assert_eq!(findings, sorted);
    let files: Vec<&str> = findings.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(files.first(), Some(&"a.py"));
    assert_eq!(files.last(), Some(&"z.py"));
    let in_a: Vec<(usize, usize, &str)> = findings
        .iter()
        .filter(|f| f.0 == "a.py")
        .map(|f| (f.1, f.2, f.3.as_str()))
        .collect();
    assert_eq!(
        in_a,
        [
            (2, 1, "SPS104"),
            (3, 5, "SPS101"),
            (3, 33, "SPS101"),
            (5, 1, "SPS101")
        ]
    );

    // JSON is in the same order.
    let json = run_in(dir.path(), &["check", "--output-format", "json"]);
    let items: Vec<Value> = serde_json::from_str(&json.stdout).unwrap();
    let from_json: Vec<(String, usize, usize, String)> = items
        .iter()
        .map(|item| {
            (
                item["filename"].as_str().unwrap().to_string(),
                item["location"]["row"].as_u64().unwrap() as usize,
                item["location"]["column"].as_u64().unwrap() as usize,
                item["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(from_json, findings);
}

#[test]
fn examples_directory_is_sorted() {
    let run = run(&[
        "check",
        "examples",
        "--color",
        "never",
        "--output-format",
        "concise",
    ]);
    assert_eq!(run.code, 1);
    let findings = concise_findings(&run.stdout);
    let mut sorted = findings.clone();
    sorted.sort();
    assert_eq!(findings, sorted);
    assert_eq!(findings.len(), 4);
    assert!(without_fix_hint(&run.stdout).ends_with("Found 4 findings in 4 files checked.\n"));
}

// ---------------------------------------------------------------------------
// Summary lines, each checked against what really changed on disk
// ---------------------------------------------------------------------------

const TYPO_GUARD: &str = "import multiprocessing\n\n\ndef work(x):\n    return x * 2\n\n\nif __name__ == \"main\":\n    with multiprocessing.Pool(2) as pool:\n        print(pool.map(work, [1, 2]))\n";
/// SPS201 with an unsafe fix (hoist the closure, pass `k` by `functools.partial`).
const CAPTURING_CLOSURE: &str = "from multiprocessing import Pool\n\ndef main(k):\n    def scale(x):\n        return x * k\n    with Pool() as pool:\n        print(pool.map(scale, range(4)))\n\nif __name__ == \"__main__\":\n    main(3)\n";
/// SPS202 with no fix.
const LOCK_ARGUMENT: &str = "import multiprocessing\nimport threading\n\nlock = threading.Lock()\n\ndef work(l):\n    return 1\n\nif __name__ == \"__main__\":\n    with multiprocessing.Pool(2) as pool:\n        print(pool.map(work, [lock]))\n";

fn adoption_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("typo.py"), TYPO_GUARD).unwrap();
    std::fs::write(dir.path().join("closure.py"), CAPTURING_CLOSURE).unwrap();
    std::fs::write(dir.path().join("stays.py"), LOCK_ARGUMENT).unwrap();
    dir
}

fn read_files(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "py"))
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                text,
            )
        })
        .collect();
    files.sort();
    files
}

fn changed_files(before: &[(String, String)], dir: &Path) -> usize {
    let after = read_files(dir);
    before
        .iter()
        .zip(&after)
        .filter(|(old, new)| old.1 != new.1)
        .count()
}

#[test]
fn fix_with_only_an_unfixable_finding_claims_no_fix() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("stays.py"), LOCK_ARGUMENT).unwrap();
    let fix = run_in(dir.path(), &["check", "--isolated", "--fix", "stays.py"]);
    assert_eq!(fix.code, 1, "{fix:?}");
    assert!(
        fix.stdout.ends_with("Found 1 finding in 1 file checked.\n"),
        "{}",
        fix.stdout
    );
    let fix_only = run_in(
        dir.path(),
        &["check", "--isolated", "--fix-only", "stays.py"],
    );
    assert_eq!(
        (fix_only.code, fix_only.stderr.as_str()),
        (0, "No fixes applied.\n")
    );
    let diff = run_in(dir.path(), &["check", "--isolated", "--diff", "stays.py"]);
    assert_eq!(
        (diff.code, diff.stdout.as_str(), diff.stderr.as_str()),
        (0, "", "No fixes to apply.\n")
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("stays.py")).unwrap(),
        LOCK_ARGUMENT
    );
}

#[test]
fn unsafe_fixes_not_enabled_are_not_counted_as_fixed() {
    let dir = adoption_project();
    let before = read_files(dir.path());
    let fix = run_in(dir.path(), &["check", "--isolated", "--fix", "."]);
    assert_eq!(fix.code, 1);
    assert!(
        fix.stdout.ends_with(
            "Found 3 findings in 3 files checked.\nNo fixes available (2 hidden fixes can be enabled with the `--unsafe-fixes` option).\n"
        ),
        "{}",
        fix.stdout
    );
    assert_eq!(changed_files(&before, dir.path()), 0);
}

#[test]
fn diff_fix_and_recheck_agree_on_the_counts() {
    let dir = adoption_project();
    let before = read_files(dir.path());
    let diff = run_in(
        dir.path(),
        &["check", "--isolated", "--diff", "--unsafe-fixes", "."],
    );
    assert_eq!(diff.code, 1);
    assert_eq!(diff.stderr, "Would fix 2 findings.\n");
    let headers: Vec<&str> = diff
        .stdout
        .lines()
        .filter(|line| line.starts_with("--- "))
        .collect();
    assert_eq!(
        headers,
        ["--- closure.py", "--- typo.py"],
        "{}",
        diff.stdout
    );
    assert_eq!(
        changed_files(&before, dir.path()),
        0,
        "--diff writes nothing"
    );

    let fix = run_in(
        dir.path(),
        &[
            "check",
            "--isolated",
            "--fix",
            "--unsafe-fixes",
            "--show-fixes",
            ".",
        ],
    );
    assert_eq!(fix.code, 1, "one finding has no fix");
    assert!(
        fix.stdout
            .contains("Found 3 findings (2 fixed, 1 remaining) in 3 files checked.\n"),
        "{}",
        fix.stdout
    );
    assert!(
        fix.stdout.contains("\nApplied 2 fixes:\n"),
        "{}",
        fix.stdout
    );
    assert_eq!(changed_files(&before, dir.path()), 2);

    // What remains on disk is what the summary said.
    let recheck = run_in(
        dir.path(),
        &["check", "--isolated", "--output-format", "concise", "."],
    );
    assert_eq!(
        concise_findings(&recheck.stdout).len(),
        1,
        "{}",
        recheck.stdout
    );
    // Nothing is left to fix.
    let again = run_in(
        dir.path(),
        &["check", "--isolated", "--fix-only", "--unsafe-fixes", "."],
    );
    assert_eq!(again.stderr, "No fixes applied.\n");
}

#[test]
fn fix_only_counts_the_fixes_written() {
    let dir = adoption_project();
    let before = read_files(dir.path());
    let run = run_in(
        dir.path(),
        &["check", "--isolated", "--fix-only", "--unsafe-fixes", "."],
    );
    assert_eq!((run.code, run.stdout.as_str()), (0, ""));
    assert_eq!(run.stderr, "Fixed 2 findings.\n");
    assert_eq!(changed_files(&before, dir.path()), 2);
}

#[test]
fn exit_non_zero_on_fix() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("typo.py"), TYPO_GUARD).unwrap();
    let args = [
        "check",
        "--isolated",
        "--fix",
        "--unsafe-fixes",
        "--exit-non-zero-on-fix",
        "typo.py",
    ];
    let first = run_in(dir.path(), &args);
    assert_eq!(first.code, 1, "a fix was applied: {first:?}");
    assert!(first.stdout.contains("(1 fixed, 0 remaining)"));
    let second = run_in(dir.path(), &args);
    assert_eq!(second.code, 0, "nothing left to fix: {second:?}");
    let fix_only = run_in(
        dir.path(),
        &[
            "check",
            "--isolated",
            "--fix-only",
            "--exit-non-zero-on-fix",
            "typo.py",
        ],
    );
    assert_eq!(fix_only.code, 0);
}

#[test]
fn standard_input_fix_only_counts_what_it_printed() {
    let fixed = run_with_stdin(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &[
            "check",
            "--isolated",
            "--fix-only",
            "--unsafe-fixes",
            "-",
            "--stdin-filename",
            "job.py",
        ],
        TYPO_GUARD.as_bytes(),
    );
    assert_eq!(fixed.stdout, TYPO_GUARD.replace("\"main\"", "\"__main__\""));
    assert_eq!(fixed.stderr, "Fixed 1 finding.\n");
    let unchanged = run_with_stdin(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &[
            "check",
            "--isolated",
            "--fix-only",
            "-",
            "--stdin-filename",
            "job.py",
        ],
        LOCK_ARGUMENT.as_bytes(),
    );
    assert_eq!(unchanged.stdout, LOCK_ARGUMENT);
    assert_eq!(unchanged.stderr, "No fixes applied.\n");
}

#[test]
fn files_hidden_by_ignore_files_are_counted_and_the_way_in_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".gitignore"), "*\n!*.py\n").unwrap();
    std::fs::create_dir_all(dir.path().join("pkg/jobs")).unwrap();
    std::fs::write(dir.path().join("pkg/jobs/typo.py"), TYPO_GUARD).unwrap();
    std::fs::write(
        dir.path().join("pkg/worker.py"),
        "def work(x):\n    return x\n",
    )
    .unwrap();
    let hidden = run_in(dir.path(), &["check", "--isolated", "."]);
    assert_eq!(hidden.code, 0);
    assert_eq!(hidden.stdout, "All checks passed (0 files checked).\n");
    assert_eq!(
        hidden.stderr,
        "spawnsafe: warning: no Python files found: ignore files (`.gitignore`, `.ignore`, `.git/info/exclude`) hide 2 Python files; pass `--no-respect-gitignore` to check them\n"
    );
    let shown = run_in(
        dir.path(),
        &["check", "--isolated", "--no-respect-gitignore", "."],
    );
    assert_eq!(shown.code, 1);
    assert!(
        without_fix_hint(&shown.stdout).ends_with("Found 1 finding in 2 files checked.\n"),
        "{}",
        shown.stdout
    );
    // An empty directory: nothing hidden, nothing to suggest.
    let empty = tempfile::tempdir().unwrap();
    let none = run_in(empty.path(), &["check", "--isolated", "."]);
    assert_eq!(
        none.stderr,
        "spawnsafe: warning: no Python files found under the given paths\n"
    );
}

#[test]
fn version_subcommand_matches_the_flag() {
    let flag = run(&["--version"]);
    let subcommand = run(&["version"]);
    assert_eq!(subcommand.code, 0);
    assert_eq!(subcommand.stdout, flag.stdout);
    let json: Value =
        serde_json::from_str(&run(&["version", "--output-format", "json"]).stdout).unwrap();
    assert_eq!(json["version"], env!("CARGO_PKG_VERSION"));
}

#[test]
fn completions_for_each_shell() {
    for (shell, marker) in [
        ("bash", "_spawnsafe()"),
        ("zsh", "#compdef spawnsafe"),
        ("fish", "complete -c spawnsafe"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[spawnsafe]"),
    ] {
        let run = run(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}");
        assert!(run.stdout.contains(marker), "{shell}: {}", run.stdout);
        assert!(
            run.stdout.contains("--add-noqa") || run.stdout.contains("fix-only"),
            "{shell}"
        );
    }
    // bash reads its script without error.
    let script = run(&["completions", "bash"]).stdout;
    let status = Command::new("bash")
        .args(["-c", "source /dev/stdin && complete -p spawnsafe"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            child.stdin.take().unwrap().write_all(script.as_bytes())?;
            child.wait_with_output()
        })
        .unwrap();
    assert!(status.status.success());
}

#[test]
fn rule_as_json() {
    let one = run(&["rule", "SPS101", "--output-format", "json"]);
    assert_eq!(one.code, 0);
    let rule: Value = serde_json::from_str(&one.stdout).unwrap();
    assert_eq!(rule["code"], "SPS101");
    assert_eq!(rule["name"], "unguarded-process-start");
    assert_eq!(rule["severity"], "error");
    assert!(rule["explanation"]
        .as_str()
        .unwrap()
        .contains("## What it does"));
    let all: Value =
        serde_json::from_str(&run(&["rule", "--all", "--output-format", "json"]).stdout).unwrap();
    assert_eq!(
        all.as_array().unwrap().len(),
        spawnsafe_linter::Rule::ALL.len()
    );
}

const NOTEBOOK_WITH_TYPO_GUARD: &str = r##"{
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
   "cell_type": "code",
   "execution_count": 3,
   "metadata": {"tags": ["keep"]},
   "outputs": [],
   "source": [
    "if __name__ == \"main\":  # typo kept for now\n",
    "    print(work(2))"
   ]
  }
 ],
 "metadata": {},
 "nbformat": 4,
 "nbformat_minor": 5
}
"##;

#[test]
fn add_noqa_silences_every_finding_once_and_keeps_comments() {
    let dir = adoption_project();
    std::fs::write(
        dir.path().join("stays.py"),
        LOCK_ARGUMENT.replace(
            "print(pool.map(work, [lock]))",
            "print(pool.map(work, [lock]))  # noqa: E501 reviewed",
        ),
    )
    .unwrap();
    std::fs::write(dir.path().join("nb.ipynb"), NOTEBOOK_WITH_TYPO_GUARD).unwrap();
    let before = run_in(
        dir.path(),
        &["check", "--isolated", "--output-format", "concise", "."],
    );
    assert!(
        before
            .stdout
            .contains("Found 4 findings in 4 files checked.\n"),
        "{}",
        before.stdout
    );

    let added = run_in(dir.path(), &["check", "--isolated", "--add-noqa", "."]);
    assert_eq!((added.code, added.stdout.as_str()), (0, ""), "{added:?}");
    assert_eq!(added.stderr, "Added 4 noqa directives to 4 files.\n");
    let after = run_in(dir.path(), &["check", "--isolated", "."]);
    assert_eq!(after.code, 0, "{after:?}");
    assert_eq!(after.stdout, "All checks passed (4 files checked).\n");

    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
    assert!(
        read("stays.py").contains("print(pool.map(work, [lock]))  # noqa: E501, SPS202 reviewed\n")
    );
    assert!(read("typo.py").contains("if __name__ == \"main\":  # noqa: SPS102\n"));
    assert!(read("closure.py").contains("print(pool.map(scale, range(4)))  # noqa: SPS201\n"));
    // The notebook: only the cell's line changed, its JSON layout kept.
    assert_eq!(
        read("nb.ipynb"),
        NOTEBOOK_WITH_TYPO_GUARD.replace(
            "# typo kept for now\\n",
            "# typo kept for now  # noqa: SPS102\\n"
        )
    );

    // Idempotent.
    let files = read_files(dir.path());
    let notebook = read("nb.ipynb");
    let again = run_in(dir.path(), &["check", "--isolated", "--add-noqa", "."]);
    assert_eq!(again.stderr, "Added 0 noqa directives to 0 files.\n");
    assert_eq!(changed_files(&files, dir.path()), 0);
    assert_eq!(read("nb.ipynb"), notebook);
}

#[test]
fn add_noqa_refuses_standard_input() {
    let run = run_with_stdin(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["check", "--add-noqa", "-"],
        b"x = 1\n",
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("`--add-noqa` changes files"),
        "{}",
        run.stderr
    );
}

#[test]
fn show_files_lists_what_a_check_reads() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".gitignore"), "ignored.py\n").unwrap();
    std::fs::create_dir_all(dir.path().join("pkg")).unwrap();
    std::fs::create_dir_all(dir.path().join("build")).unwrap();
    for name in ["a.py", "ignored.py", "pkg/b.pyi", "build/c.py", "notes.txt"] {
        std::fs::write(dir.path().join(name), "x = 1\n").unwrap();
    }
    let run = run_in(dir.path(), &["check", "--show-files", "."]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "a.py\npkg/b.pyi\n");
    let all = run_in(
        dir.path(),
        &["check", "--show-files", "--no-respect-gitignore", "."],
    );
    assert_eq!(all.stdout, "a.py\nignored.py\npkg/b.pyi\n");
}

#[test]
fn show_settings_says_where_each_came_from() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[project]\nrequires-python = \">=3.10\"\n\n[tool.spawnsafe]\nignore = [\"SPS303\", \"SPS101\"]\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("job.py"), "x = 1\n").unwrap();
    let run = run_in(
        dir.path(),
        &[
            "check",
            "--show-settings",
            "--target-platforms",
            "windows",
            "job.py",
        ],
    );
    assert_eq!(run.code, 0, "{run:?}");
    let pyproject = dir.path().canonicalize().unwrap().join("pyproject.toml");
    assert!(
        run.stdout.starts_with("Resolved settings for: job.py\n"),
        "{}",
        run.stdout
    );
    assert!(run
        .stdout
        .contains(&format!("Configuration file: {}\n", pyproject.display())));
    let rules = run
        .stdout
        .lines()
        .find(|line| line.starts_with("rules = "))
        .unwrap();
    assert!(
        !rules.contains("SPS101") && rules.contains("SPS102"),
        "{rules}"
    );
    assert!(
        rules.ends_with(&format!("# {}", pyproject.display())),
        "{rules}"
    );
    assert!(
        run.stdout
            .contains("target-platforms = [windows]  # command line\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(&format!(
            "target-version = 3.10 and newer  # {} (requires-python)\n",
            pyproject.display()
        )),
        "{}",
        run.stdout
    );
}

/// A setting that comes from the base file an `extend` names is shown with
/// that file, not as a default, nor as the extending file's.
#[test]
fn show_settings_names_the_extended_file_a_setting_comes_from() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("shared")).unwrap();
    std::fs::write(
        dir.path().join("shared/pyproject.toml"),
        "[tool.spawnsafe]\nignore = [\"SPS201\"]\ntarget-platforms = [\"windows\"]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[tool.spawnsafe]\nextend = \"shared/pyproject.toml\"\ntarget-platforms = [\"macos\"]\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("job.py"), "x = 1\n").unwrap();
    let run = run_in(dir.path(), &["check", "--show-settings", "job.py"]);
    assert_eq!(run.code, 0, "{run:?}");
    let root = dir.path().canonicalize().unwrap();
    let base = root.join("shared/pyproject.toml");
    let rules = run
        .stdout
        .lines()
        .find(|line| line.starts_with("rules = "))
        .unwrap();
    assert!(!rules.contains("SPS201"), "{rules}");
    assert!(rules.ends_with(&format!("# {}", base.display())), "{rules}");
    assert!(
        run.stdout.contains(&format!(
            "target-platforms = [macos]  # {}\n",
            root.join("pyproject.toml").display()
        )),
        "{}",
        run.stdout
    );
}

#[test]
fn force_exclude_applies_exclude_to_named_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[tool.spawnsafe]\nextend-exclude = [\"legacy\"]\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("legacy")).unwrap();
    std::fs::write(dir.path().join("legacy/old.py"), TYPO_GUARD).unwrap();
    std::fs::write(dir.path().join("new.py"), TYPO_GUARD).unwrap();
    // Named files are checked, unless --force-exclude (as pre-commit passes them).
    let named = run_in(
        dir.path(),
        &[
            "check",
            "--output-format",
            "concise",
            "legacy/old.py",
            "new.py",
        ],
    );
    assert_eq!(
        named.stdout.matches("SPS102").count(),
        2,
        "{}",
        named.stdout
    );
    let forced = run_in(
        dir.path(),
        &[
            "check",
            "--force-exclude",
            "--output-format",
            "concise",
            "legacy/old.py",
            "new.py",
        ],
    );
    assert_eq!(
        forced.stdout.matches("SPS102").count(),
        1,
        "{}",
        forced.stdout
    );
    assert!(forced.stdout.starts_with("new.py:"));
    let only_excluded = run_in(dir.path(), &["check", "--force-exclude", "legacy/old.py"]);
    assert_eq!((only_excluded.code, only_excluded.stdout.as_str()), (0, ""));
}
