//! End-to-end tests of `spawnsafe explain`: exit codes, standard input, JSON,
//! the local check, and the README's sample output.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

const CORPUS: &str = "crates/spawnsafe_runtime/tests/explain/corpus";
const PROGRAMS: &str = "/home/dev=crates/spawnsafe_runtime/tests/explain/programs";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn spawnsafe(args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_spawnsafe"))
        .args(args)
        .current_dir(repo_root())
        .env_remove("NO_COLOR")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawnsafe starts");
    if let Some(input) = stdin {
        let _ = child.stdin.take().unwrap().write_all(input);
    }
    let output = child.wait_with_output().unwrap();
    Run {
        code: output.status.code().expect("exit code"),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

#[test]
fn known_failure_exits_0_and_runs_the_local_check() {
    let file = format!("{CORPUS}/unguarded_pool_spawn.txt");
    let run = spawnsafe(&["explain", &file, "--path-map", PROGRAMS], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("SPS101 unguarded-process-start:"));
    assert!(run
        .stdout
        .contains("  --> /home/dev/unguarded_pool_spawn/main.py:6, in <module>"));
    assert!(run.stdout.contains(
        "crates/spawnsafe_runtime/tests/explain/programs/unguarded_pool_spawn/main.py:6:8: SPS101"
    ));
}

#[test]
fn standard_input_and_dash() {
    let text = std::fs::read(repo_root().join(CORPUS).join("pool_map_lambda_fork.txt")).unwrap();
    for args in [&["explain"][..], &["explain", "-"][..]] {
        let run = spawnsafe(args, Some(&text));
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert!(run.stdout.starts_with("SPS201 unpicklable-callable:"));
        // Relative paths that do not exist here are named, not checked.
        assert!(run
            .stdout
            .contains("= check: not run (main.py not found here)"));
    }
}

#[test]
fn unknown_traceback_exits_1_and_names_the_exception() {
    let file = format!("{CORPUS}/unknown_worker_zero_division.txt");
    let run = spawnsafe(&["explain", &file], None);
    assert_eq!(run.code, 1);
    assert!(run.stdout.starts_with(
        "not a start-method problem that spawnsafe knows: ZeroDivisionError: division by zero"
    ));
    let run = spawnsafe(&["explain"], Some(b"all good\n"));
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout,
        "No Python traceback or exception found in the input.\n"
    );
}

#[test]
fn usage_and_input_errors_exit_2() {
    let run1 = spawnsafe(&["explain", "no/such/file.txt"], None);
    assert_eq!(run1.code, 2);
    assert!(run1.stderr.contains("cannot read `no/such/file.txt`"));
    let file = format!("{CORPUS}/unguarded_pool_spawn.txt");
    let run2 = spawnsafe(&["explain", &file, "--path-map", "nothing"], None);
    assert_eq!(run2.code, 2);
    assert!(run2.stderr.contains("expected FROM=TO"));
    let run3 = spawnsafe(&["explain", "--frobnicate"], None);
    assert_eq!(run3.code, 2);
}

#[test]
fn json_output() {
    let file = format!("{CORPUS}/process_subclass_lock_attribute.txt");
    let run = spawnsafe(
        &[
            "explain",
            &file,
            "--json",
            "--path-map",
            "/home/dev=crates/spawnsafe_runtime/tests/explain/programs",
        ],
        None,
    );
    assert_eq!(run.code, 0);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["tracebacks"], 1);
    let item = &json["items"][0];
    assert_eq!(item["signature"], "unpicklable-object");
    // The relative `main.py` of the parent's frame is not found from the repo
    // root, so the local check cannot choose SPS203 here.
    assert_eq!(item["code"], "SPS202");
    assert_eq!(item["frame"]["line"], 15);
    assert_eq!(item["frame"]["source"], "c.start()");
    assert_eq!(item["local_check"]["status"], "not-found");
    let run = spawnsafe(&["explain", &file, "--json", "--no-check"], None);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["items"][0]["local_check"]["status"], "not-checked");
}

#[test]
fn help_lists_explain() {
    let run = spawnsafe(&["--help"], None);
    assert!(run.stdout.contains("spawnsafe explain traceback.txt"));
    let run = spawnsafe(&["explain", "--help"], None);
    assert_eq!(run.code, 0);
    assert!(run
        .stdout
        .contains("Exit status: 0 a known failure was explained, 1 the text has no failure"));
}

#[test]
fn readme_sample_is_real_output() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let start = readme
        .find("<!-- begin explain sample")
        .expect("README has the explain sample");
    let end = readme[start..].find("<!-- end explain sample -->").unwrap() + start;
    let block = &readme[start..end];
    let command_line = block
        .lines()
        .find_map(|line| line.strip_prefix("$ spawnsafe "))
        .expect("the sample's command");
    let args: Vec<&str> = command_line.split(' ').collect();
    let run = spawnsafe(&args, None);
    assert_eq!(run.code, 0);
    let shown = block
        .split_once(&format!("$ spawnsafe {command_line}\n"))
        .unwrap()
        .1
        .strip_suffix("```\n")
        .expect("the sample ends the code block");
    assert_eq!(shown, run.stdout, "the README's explain sample is stale");
}

/// `--json` carries what the text says (the rule code, the user's frame, the
/// cause in one line, the fix) and the confidence, the evidence lines and
/// what the paste is missing: here a paste with frames only.
#[test]
fn json_carries_confidence_evidence_and_what_is_missing() {
    let file = format!("{CORPUS}/damaged/frames-only__process_args_threading_lock.txt");
    let run = spawnsafe(
        &[
            "explain",
            &file,
            "--json",
            "--path-map",
            &format!("{PROGRAMS}/"),
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let item = &json["items"][0];
    assert_eq!(item["code"], "SPS202", "{item:#}");
    assert!(item["frame"]["file"].as_str().unwrap().ends_with("main.py"));
    assert!(item["title"].as_str().unwrap().contains("could not pickle"));
    assert!(!item["help"].as_str().unwrap().is_empty());
    let confidence = item["confidence"].as_f64().unwrap();
    assert!((0.5..0.85).contains(&confidence), "{confidence}");
    assert_eq!(item["confidence_label"], "medium");
    assert!(item["missing"]
        .as_str()
        .unwrap()
        .starts_with("the paste ends before the exception line"));
    let evidence = item["evidence"].as_array().unwrap();
    assert!(evidence
        .iter()
        .any(|line| line["text"].as_str().unwrap().contains("in _launch")));
    // The frame names `main.py` relative to where the program ran.
    assert_eq!(item["local_check"]["status"], "not-found", "{item:#}");
}

/// The decorations of a chat paste (a Markdown quote, typographic quotes)
/// do not hide the failure.
#[test]
fn a_quoted_paste_from_standard_input() {
    let paste = "> Traceback (most recent call last):\n>   File \u{201c}/srv/app/run.py\u{201d}, line 4, in <module>\n>     set_start_method(\u{2018}spawn\u{2019})\n>   File \u{201c}/usr/lib/python3.12/multiprocessing/context.py\u{201d}, line 247, in set_start_method\n>     raise RuntimeError(\u{2018}context has already been set\u{2019})\n> RuntimeError: context has already been se";
    let run = spawnsafe(&["explain", "-"], Some(paste.as_bytes()));
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout.starts_with("SPS104 start-method-at-import:"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("  --> /srv/app/run.py:4, in <module>"),
        "{}",
        run.stdout
    );
}
