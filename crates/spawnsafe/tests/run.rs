//! `spawnsafe run` against real CPython: programs that work under fork (plain
//! `python3` on Linux up to 3.13) fail under `spawnsafe run` as they would on
//! Windows or macOS, and the failure is diagnosed; stdin, stdout and the exit
//! status pass through.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn python() -> String {
    std::env::var("SPAWNSAFE_ORACLE_PYTHON").unwrap_or_else(|_| "python3".to_string())
}

fn spawnsafe(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_spawnsafe"))
        .args(args)
        .current_dir(dir)
        .env_remove("VIRTUAL_ENV")
        .env_remove("CONDA_PREFIX")
        .stdin(Stdio::null())
        .output()
        .expect("spawnsafe runs")
}

fn plain_python(dir: &Path, args: &[&str]) -> Output {
    Command::new(python())
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("python3 runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const UNGUARDED_EXECUTOR: &str = "\
from concurrent.futures import ProcessPoolExecutor


def square(x):
    return x * x


with ProcessPoolExecutor(2) as executor:
    print(sorted(executor.map(square, [1, 2, 3])))
";

#[test]
fn an_unguarded_executor_fails_under_run_and_works_under_fork() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("job.py"), UNGUARDED_EXECUTOR).unwrap();
    let fork = plain_python(dir.path(), &["job.py"]);
    assert!(fork.status.success(), "{}", text(&fork.stderr));
    assert_eq!(text(&fork.stdout), "[1, 4, 9]\n");

    let python = python();
    let run = spawnsafe(
        dir.path(),
        &["run", "--python", &python, "--timeout", "60", "job.py"],
    );
    let stderr = text(&run.stderr);
    assert_ne!(run.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("An attempt has been made to start a new process"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "SPS101 unguarded-process-start: your main module starts processes when it is imported"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("spawnsafe: static findings in job.py:"),
        "{stderr}"
    );
    assert!(stderr.contains("job.py:9:18: SPS101"), "{stderr}");
}

#[test]
fn a_respawning_pool_is_stopped_at_the_timeout_and_diagnosed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pool.py"),
        "import multiprocessing\n\n\ndef square(x):\n    return x * x\n\n\nwith multiprocessing.Pool(2) as pool:\n    print(pool.map(square, [1, 2, 3]))\n",
    )
    .unwrap();
    let python = python();
    let run = spawnsafe(
        dir.path(),
        &["run", "--python", &python, "--timeout", "6", "pool.py"],
    );
    let stderr = text(&run.stderr);
    assert_eq!(run.status.code(), Some(124), "{stderr}");
    assert!(stderr.contains("did not finish in time"), "{stderr}");
    assert!(
        stderr.contains("a Pool keeps replacing the workers"),
        "{stderr}"
    );
}

#[test]
fn stdin_stdout_and_the_exit_status_pass_through() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("echo.py"),
        "import sys\n\nif __name__ == '__main__':\n    print('got', sys.stdin.read().strip())\n    sys.exit(3)\n",
    )
    .unwrap();
    let python = python();
    let mut child = Command::new(env!("CARGO_BIN_EXE_spawnsafe"))
        .args(["run", "--python", &python, "echo.py"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"hello\n").unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(text(&output.stdout), "got hello\n");
    assert!(text(&output.stderr).contains("exited with status 3 under the spawn start method"));
}

#[test]
fn set_start_method_behaves_as_on_windows() {
    // Forced as the default, not set: the program's own first call succeeds,
    // its second raises, as on Windows.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("twice.py"),
        "import multiprocessing as mp\n\nif __name__ == '__main__':\n    print('default', mp.get_start_method(allow_none=True))\n    mp.set_start_method('spawn')\n    print('first call ok')\n    mp.set_start_method('spawn')\n",
    )
    .unwrap();
    let python = python();
    let run = spawnsafe(dir.path(), &["run", "--python", &python, "twice.py"]);
    assert_eq!(text(&run.stdout), "default None\nfirst call ok\n");
    assert!(text(&run.stderr).contains("RuntimeError: context has already been set"));
}

#[test]
fn modules_run_like_python_dash_m() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("pkg")).unwrap();
    std::fs::write(dir.path().join("pkg/__init__.py"), "").unwrap();
    std::fs::write(dir.path().join("pkg/job.py"), UNGUARDED_EXECUTOR).unwrap();
    let fork = plain_python(dir.path(), &["-m", "pkg.job"]);
    assert!(fork.status.success(), "{}", text(&fork.stderr));
    let python = python();
    let run = spawnsafe(
        dir.path(),
        &[
            "run",
            "--python",
            &python,
            "--timeout",
            "60",
            "-m",
            "pkg.job",
        ],
    );
    let stderr = text(&run.stderr);
    assert_ne!(run.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("SPS101 unguarded-process-start"),
        "{stderr}"
    );
    assert!(stderr.contains("static findings in pkg/job.py"), "{stderr}");
}

#[test]
fn any_command_gets_the_default_and_the_hidden_sitecustomize_still_runs() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("site")).unwrap();
    std::fs::write(
        dir.path().join("site/sitecustomize.py"),
        "import os\nos.environ['HIDDEN_SITECUSTOMIZE'] = 'ran'\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("show.py"),
        "import os\nfrom multiprocessing import context\nprint(os.environ.get('HIDDEN_SITECUSTOMIZE'), context._default_context._default_context.get_start_method())\n",
    )
    .unwrap();
    let python = python();
    let output = Command::new(env!("CARGO_BIN_EXE_spawnsafe"))
        .args([
            "run",
            "--start-method",
            "forkserver",
            "--",
            &python,
            "show.py",
        ])
        .current_dir(dir.path())
        .env("PYTHONPATH", dir.path().join("site"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(
        text(&output.stdout),
        "ran forkserver\n",
        "{}",
        text(&output.stderr)
    );
    assert!(output.status.success());
}

#[test]
fn json_reports_the_outcome() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("job.py"), UNGUARDED_EXECUTOR).unwrap();
    let python = python();
    let run = spawnsafe(
        dir.path(),
        &[
            "run",
            "--python",
            &python,
            "--timeout",
            "60",
            "--json",
            "job.py",
        ],
    );
    let stderr = text(&run.stderr);
    let report: serde_json::Value =
        serde_json::from_str(stderr.lines().last().unwrap()).unwrap_or_else(|_| panic!("{stderr}"));
    assert_eq!(report["failed"], true);
    assert_eq!(report["start_method"], "spawn");
    assert!(report["bootstrap_errors"].as_u64().unwrap() >= 1);
    assert_eq!(report["findings"][0]["code"], "SPS101");
    assert_eq!(report["explanation"]["items"][0]["code"], "SPS101");
    assert!(report["stderr"]
        .as_str()
        .unwrap()
        .contains("bootstrapping phase"));
}

#[test]
fn pytest_runs_as_on_windows() {
    let python = python();
    let has_pytest = plain_python(Path::new("."), &["-c", "import pytest"])
        .status
        .success();
    if !has_pytest {
        // `.ci/run` installs pytest, so CI always runs this test.
        eprintln!(
            "skipped: pytest is not installed for {python} (`{python} -m pip install pytest`)"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // A global the test sets in the parent: fork children inherit it, spawn
    // children re-import the module and see the original value (SPS301).
    std::fs::write(
        dir.path().join("test_jobs.py"),
        "import multiprocessing\n\nSCALE = 1\n\n\ndef scaled(x):\n    return x * SCALE\n\n\ndef test_global_set_in_test():\n    global SCALE\n    SCALE = 10\n    with multiprocessing.Pool(1) as pool:\n        assert pool.map(scaled, [2]) == [20]\n",
    )
    .unwrap();
    let fork = plain_python(
        dir.path(),
        &["-m", "pytest", "-q", "-p", "no:cacheprovider"],
    );
    assert!(fork.status.success(), "{}", text(&fork.stdout));
    let run = spawnsafe(
        dir.path(),
        &[
            "run",
            "--python",
            &python,
            "--timeout",
            "120",
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
        ],
    );
    assert_eq!(run.status.code(), Some(1), "{}", text(&run.stdout));
    assert!(
        text(&run.stdout).contains("assert [2] == [20]"),
        "{}",
        text(&run.stdout)
    );
}

#[test]
fn doctor_reports_on_the_real_interpreter() {
    let python = python();
    let dir = tempfile::tempdir().unwrap();
    let report = spawnsafe(dir.path(), &["doctor", "--python", &python]);
    assert_eq!(report.status.code(), Some(0), "{}", text(&report.stderr));
    let out = text(&report.stdout);
    assert!(out.contains("default start method here: fork"), "{out}");
    assert!(out.contains("spawnsafe run --start-method spawn"), "{out}");
    let json = spawnsafe(dir.path(), &["doctor", "--python", &python, "--json"]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value["facts"]["implementation"], "cpython");
    let missing = spawnsafe(dir.path(), &["doctor", "--python", "/no/such/python"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("cannot run `/no/such/python`"));
}

/// Every program of the `explain` corpus (`spawnsafe_core/tests/explain/programs`,
/// listed with how it runs in `manifest.txt`) that fails under a start method
/// `run` can force: `spawnsafe run` makes it fail and names the rule.
#[test]
fn run_diagnoses_every_corpus_program() {
    let programs = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../spawnsafe_core/tests/explain/programs")
        .canonicalize()
        .unwrap();
    let manifest = std::fs::read_to_string(programs.join("manifest.txt")).unwrap();
    let cases: Vec<Vec<String>> = manifest
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| line.split_whitespace().map(str::to_string).collect())
        .filter(|words: &Vec<String>| {
            let (method, reads_stdin, codes) = (&words[1], &words[3], &words[4]);
            method != "fork" && reads_stdin == "no" && codes != "-"
        })
        .collect();
    assert!(cases.len() >= 40, "{} cases", cases.len());
    let python = python();
    let failures = std::sync::Mutex::new(Vec::new());
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some(words) = cases.get(index) else { break };
                let (name, method, hangs, codes) = (&words[0], &words[1], &words[2], &words[4]);
                // A program that hangs is stopped at the timeout; on a loaded
                // machine its children may not have failed yet, so a miss is
                // retried once with more time.
                let short = if hangs == "yes" { "10" } else { "60" };
                let mut last = String::new();
                let diagnosed = [short, "40"].iter().any(|timeout| {
                    let dir = tempfile::tempdir().unwrap();
                    copy_tree(&programs.join(name), dir.path());
                    let mut args = vec![
                        "run",
                        "--python",
                        &python,
                        "--start-method",
                        method,
                        "--timeout",
                        timeout,
                    ];
                    args.extend(words[5..].iter().map(String::as_str));
                    let output = spawnsafe(dir.path(), &args);
                    let stderr = text(&output.stderr);
                    let diagnosis = stderr.rfind("\nspawnsafe: ").map_or("", |at| &stderr[at..]);
                    let named = codes
                        .split(',')
                        .all(|code| stderr.contains(&format!("\n{code} ")));
                    last = format!(
                        "exit {:?}\n{}",
                        output.status.code(),
                        stderr.lines().rev().take(15).collect::<Vec<_>>().join("\n")
                    );
                    // A dead `Process` child leaves the parent's exit status 0:
                    // the diagnosis, not the status, says the run failed.
                    diagnosis.contains("spawnsafe:") && named
                });
                if !diagnosed {
                    failures
                        .lock()
                        .unwrap()
                        .push(format!("{name} ({method}): expected {codes}, {last}"));
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));

    // The hazards that exist only because spawn children re-import the main
    // module (or lack the fork context): plain `python3` (fork on Linux up to
    // 3.13) runs the same programs fine.
    // (SPS103's library keeps a module-level Pool, which hangs at interpreter
    // exit under fork too: it is left out.)
    let spawn_only = ["SPS101", "SPS105", "SPS204", "SPS401"];
    let mut fork_failures = Vec::new();
    let mut fork_checked = 0;
    for words in &cases {
        let (name, codes) = (&words[0], &words[4]);
        if !spawn_only.contains(&codes.as_str()) || words[5].ends_with(".ipynb") {
            continue;
        }
        fork_checked += 1;
        let dir = tempfile::tempdir().unwrap();
        copy_tree(&programs.join(name), dir.path());
        let args: Vec<&str> = words[5..].iter().map(String::as_str).collect();
        let mut child = Command::new(&python)
            .args(&args)
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        while child.try_wait().unwrap().is_none() && started.elapsed().as_secs() < 60 {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let hung = child.try_wait().unwrap().is_none();
        if hung {
            child.kill().unwrap();
        }
        let output = child.wait_with_output().unwrap();
        let stderr = text(&output.stderr);
        if hung || !output.status.success() || stderr.contains("Traceback") {
            fork_failures.push(format!("{name} under fork (hung: {hung}): {stderr}"));
        }
    }
    assert!(
        fork_checked >= 15,
        "{fork_checked} programs checked under fork"
    );
    assert!(fork_failures.is_empty(), "{}", fork_failures.join("\n\n"));
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// Ctrl-C reaches the program (the whole foreground group gets SIGINT), which
/// decides what it does; spawnsafe passes its exit status on.
#[cfg(unix)]
#[test]
fn ctrl_c_is_the_programs_to_handle() {
    use std::io::BufRead as _;
    use std::os::unix::process::CommandExt as _;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("wait.py"),
        "import sys, time\n\nif __name__ == '__main__':\n    try:\n        print('ready', flush=True)\n        time.sleep(60)\n    except KeyboardInterrupt:\n        print('interrupted', flush=True)\n        sys.exit(42)\n",
    )
    .unwrap();
    let python = python();
    let mut child = Command::new(env!("CARGO_BIN_EXE_spawnsafe"))
        .args(["run", "--python", &python, "wait.py"])
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert_eq!(line, "ready\n");
    // As a terminal does: SIGINT to the foreground process group.
    let group = format!("-{}", child.id());
    assert!(Command::new("kill")
        .args(["-INT", "--", &group])
        .status()
        .unwrap()
        .success());
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(rest, "interrupted\n");
    assert_eq!(status.code(), Some(42));
}
