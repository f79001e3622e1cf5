//! `spawnsafe run` against real CPython: programs that work under fork (plain
//! `python3` on Linux up to 3.13) fail under `spawnsafe run` as they would on
//! Windows or macOS, and the failure is diagnosed; stdin, stdout and the exit
//! status pass through.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

mod run_support;
use run_support::{plain_python, project, python, spawnsafe, text};

const UNGUARDED_EXECUTOR: &str = "\
from concurrent.futures import ProcessPoolExecutor


def square(x):
    return x * x


with ProcessPoolExecutor(2) as executor:
    print(sorted(executor.map(square, [1, 2, 3])))
";

#[test]
fn an_unguarded_executor_fails_under_run_and_works_under_fork() {
    let dir = project(&[("job.py", UNGUARDED_EXECUTOR)]);
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
    // The static finding, shown once: under the explanation.
    assert_eq!(stderr.matches("job.py:9:18: SPS101").count(), 1, "{stderr}");
}

#[test]
fn a_respawning_pool_is_stopped_at_the_timeout_and_diagnosed() {
    let dir = project(&[
        ("pool.py", "import multiprocessing\n\n\ndef square(x):\n    return x * x\n\n\nwith multiprocessing.Pool(2) as pool:\n    print(pool.map(square, [1, 2, 3]))\n"),
    ]);
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
    let dir = project(&[
        ("echo.py", "import sys\n\nif __name__ == '__main__':\n    print('got', sys.stdin.read().strip())\n    sys.exit(3)\n"),
    ]);
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
    let dir = project(&[
        ("twice.py", "import multiprocessing as mp\n\nif __name__ == '__main__':\n    print('default', mp.get_start_method(allow_none=True))\n    mp.set_start_method('spawn')\n    print('first call ok')\n    mp.set_start_method('spawn')\n"),
    ]);
    let python = python();
    let run = spawnsafe(dir.path(), &["run", "--python", &python, "twice.py"]);
    assert_eq!(text(&run.stdout), "default None\nfirst call ok\n");
    assert!(text(&run.stderr).contains("RuntimeError: context has already been set"));
}

#[test]
fn modules_run_like_python_dash_m() {
    let dir = project(&[("pkg/__init__.py", ""), ("pkg/job.py", UNGUARDED_EXECUTOR)]);
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
    // The static finding (the module checked on its own: SPS103), shown once.
    assert_eq!(
        stderr.matches("pkg/job.py:9:18: SPS10").count(),
        1,
        "{stderr}"
    );
}

#[test]
fn any_command_gets_the_default_and_the_hidden_sitecustomize_still_runs() {
    let dir = project(&[
        (
            "site/sitecustomize.py",
            "import os\nos.environ['HIDDEN_SITECUSTOMIZE'] = 'ran'\n",
        ),
        (
            "show.py",
            "import os\nfrom multiprocessing import context\nprint(os.environ.get('HIDDEN_SITECUSTOMIZE'), context._default_context._default_context.get_start_method())\n",
        ),
    ]);
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
    let dir = project(&[("job.py", UNGUARDED_EXECUTOR)]);
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

/// One program of the `explain` corpus, as `manifest.txt` lists it.
struct CorpusCase {
    name: String,
    method: String,
    hangs: bool,
    reads_stdin: bool,
    /// The rule codes the diagnosis must name, or the signature of a known
    /// failure that no rule finds (`-`: none).
    codes: String,
    /// Plain `python3` (fork) runs it fine; capture.py says why not otherwise.
    fork_ok: bool,
    /// The program and its arguments.
    run: Vec<String>,
}

fn corpus_programs() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../spawnsafe_runtime/tests/explain/programs")
        .canonicalize()
        .unwrap()
}

fn corpus_cases() -> Vec<CorpusCase> {
    let manifest = std::fs::read_to_string(corpus_programs().join("manifest.txt")).unwrap();
    manifest
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let words: Vec<String> = line.split_whitespace().map(str::to_string).collect();
            assert!(
                matches!(words[5].as_str(), "ok" | "fails"),
                "manifest line: {line}"
            );
            CorpusCase {
                name: words[0].clone(),
                method: words[1].clone(),
                hangs: words[2] == "yes",
                reads_stdin: words[3] == "yes",
                codes: words[4].clone(),
                fork_ok: words[5] == "ok",
                run: words[6..].to_vec(),
            }
        })
        .collect()
}

/// What a program that reads stdin is given (capture.py writes `stdin.txt`).
fn corpus_stdin(programs: &Path, case: &CorpusCase) -> Option<Vec<u8>> {
    case.reads_stdin
        .then(|| std::fs::read(programs.join(&case.name).join("stdin.txt")).unwrap())
}

/// Runs `command` with `stdin` and a time limit: (exit code, stdout, stderr, hung).
fn run_bounded(
    mut command: Command,
    stdin: Option<&[u8]>,
    limit: std::time::Duration,
) -> (Option<i32>, String, String, bool) {
    command
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    if let Some(bytes) = stdin {
        child.stdin.take().unwrap().write_all(bytes).unwrap();
    }
    // Read both pipes on threads, so a chatty program cannot block on them.
    let mut out_pipe = child.stdout.take().unwrap();
    let mut err_pipe = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = std::io::Read::read_to_end(&mut out_pipe, &mut text);
        text
    });
    let err = std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = std::io::Read::read_to_end(&mut err_pipe, &mut text);
        text
    });
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() && started.elapsed() < limit {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let hung = child.try_wait().unwrap().is_none();
    if hung {
        kill_family(child.id());
    }
    let status = child.wait().unwrap();
    // A hung program's children may keep the pipes open: give up on them.
    let grace = std::time::Instant::now();
    while !(out.is_finished() && err.is_finished()) && grace.elapsed().as_secs() < 5 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let take = |handle: std::thread::JoinHandle<Vec<u8>>| {
        if handle.is_finished() {
            text(&handle.join().unwrap())
        } else {
            String::new()
        }
    };
    (status.code(), take(out), take(err), hung)
}

/// Kills a process and its descendants (found through `/proc`).
fn kill_family(pid: u32) {
    let mut family = vec![pid];
    let mut index = 0;
    while index < family.len() {
        let parent = family[index];
        if let Ok(entries) = std::fs::read_dir("/proc") {
            for entry in entries.flatten() {
                let Some(child) = entry
                    .file_name()
                    .to_str()
                    .and_then(|name| name.parse::<u32>().ok())
                else {
                    continue;
                };
                let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                    continue;
                };
                let Some(after) = stat.rfind(')').map(|at| &stat[at + 1..]) else {
                    continue;
                };
                if after.split_whitespace().nth(1) == Some(&parent.to_string()) {
                    family.push(child);
                }
            }
        }
        index += 1;
    }
    for member in family {
        let _ = Command::new("kill")
            .args(["-KILL", &member.to_string()])
            .stderr(Stdio::null())
            .status();
    }
}

/// The program's own Python files, relative to its directory.
fn program_files(dir: &Path, base: &Path, found: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            program_files(&path, base, found);
        } else if path
            .extension()
            .is_some_and(|ext| ext == "py" || ext == "ipynb")
        {
            let relative = path.strip_prefix(base).unwrap();
            found.push(relative.to_string_lossy().into_owned());
        }
    }
}

/// `spawnsafe doctor --session-probe` run inside real CPython sessions of
/// each kind: how their `__main__` reaches spawn children, as
/// `multiprocessing.spawn` decides it.
#[test]
fn doctor_inspects_the_main_module_of_a_live_session() {
    let python = python();
    let dir = tempfile::tempdir().unwrap();
    let session_code = format!(
        "import subprocess\nexec(subprocess.run([{:?}, 'doctor', '--session-probe'], capture_output=True, text=True, check=True).stdout)\n",
        env!("CARGO_BIN_EXE_spawnsafe")
    );
    std::fs::write(dir.path().join("session.py"), &session_code).unwrap();
    std::fs::create_dir(dir.path().join("app")).unwrap();
    std::fs::write(dir.path().join("app/__init__.py"), "").unwrap();
    std::fs::write(dir.path().join("app/__main__.py"), &session_code).unwrap();
    std::fs::write(dir.path().join("app/cli.py"), &session_code).unwrap();
    let report = |args: &[&str], stdin: &str| -> String {
        let mut child = Command::new(&python)
            .args(args)
            .current_dir(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        let output = child.wait_with_output().unwrap();
        format!("{}{}", text(&output.stdout), text(&output.stderr))
    };
    let script = report(&["session.py"], "");
    assert!(
        script.contains("ok  spawn children re-import `__main__` from")
            && script.contains("session.py"),
        "{script}"
    );
    let module = report(&["-m", "app.cli"], "");
    assert!(
        module.contains("spawn children import `__main__` as the module `app.cli`"),
        "{module}"
    );
    let package = report(&["-m", "app"], "");
    assert!(
        package.contains("warning  `__main__` is the module `app.__main__`"),
        "{package}"
    );
    let command = report(&["-c", &session_code], "");
    assert!(
        command.contains("warning  an interactive `__main__`"),
        "{command}"
    );
    let stdin = report(&["-"], &session_code);
    assert!(
        stdin.contains("problem  `__main__.__file__` is `<stdin>`"),
        "{stdin}"
    );
    // pdb replaces `__main__`'s namespace: before Python 3.13 without `__spec__`.
    let version = text(
        &plain_python(
            dir.path(),
            &["-c", "import sys; print(sys.version_info[1])"],
        )
        .stdout,
    );
    let debugged = report(&["-m", "pdb", "session.py"], "continue\nquit\n");
    if version.trim().parse::<u32>().unwrap() < 13 {
        assert!(
            debugged.contains("problem  `__main__` has no `__spec__`"),
            "{debugged}"
        );
    } else {
        assert!(
            debugged.contains("ok  spawn children re-import `__main__`"),
            "{debugged}"
        );
    }
}

/// Every program of the `explain` corpus (`spawnsafe_runtime/tests/explain/programs`,
/// listed with how it runs in `manifest.txt`) that fails under a start method
/// `run` can force: `spawnsafe run` makes it fail, names the rule, and points
/// at a line of the program's own files (the user's frame, or the static
/// finding where the traceback has only multiprocessing's frames).
#[test]
fn run_diagnoses_every_corpus_program() {
    let programs = corpus_programs();
    let cases: Vec<CorpusCase> = corpus_cases()
        .into_iter()
        .filter(|case| case.method != "fork" && case.codes != "-")
        .collect();
    assert!(cases.len() >= 45, "{} cases", cases.len());
    let python = python();
    let failures = std::sync::Mutex::new(Vec::new());
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some(case) = cases.get(index) else { break };
                let mut files = Vec::new();
                let source = programs.join(&case.name);
                program_files(&source, &source, &mut files);
                // A program that hangs is stopped at the timeout; on a loaded
                // machine its children may not have failed yet, so a miss is
                // retried once with more time.
                let short = if case.hangs { "10" } else { "60" };
                let mut last = String::new();
                let diagnosed = [short, "40"].iter().any(|timeout| {
                    let dir = tempfile::tempdir().unwrap();
                    copy_tree(&source, dir.path());
                    let mut command = Command::new(env!("CARGO_BIN_EXE_spawnsafe"));
                    command
                        .args(["run", "--python", &python, "--start-method"])
                        .args([&case.method, "--timeout", timeout])
                        .args(&case.run)
                        .current_dir(dir.path())
                        .env_remove("VIRTUAL_ENV")
                        .env_remove("CONDA_PREFIX");
                    let stdin = corpus_stdin(&programs, case);
                    let (code, _, stderr, _) = run_bounded(
                        command,
                        stdin.as_deref(),
                        std::time::Duration::from_secs(120),
                    );
                    let Some(at) = stderr.find("\nspawnsafe: ") else {
                        last = format!("exit {code:?}, no diagnosis\n{stderr}");
                        return false;
                    };
                    let diagnosis = &stderr[at..];
                    let named = case.codes.split(',').all(|code| {
                        // `SPS101 unguarded-process-start: ...`, `main-without-spec: ...`
                        diagnosis.contains(&format!("\n{code} "))
                            || diagnosis.contains(&format!("\n{code}: "))
                    });
                    // `--> main.py:4, in f`, or a static finding `main.py:4:5: SPS105 ...`.
                    let points_at_own_line = diagnosis.lines().any(|line| {
                        let line = line.trim_start().trim_start_matches("--> ");
                        files.iter().any(|file| {
                            let at_file = line
                                .strip_prefix(dir.path().to_str().unwrap())
                                .map(|rest| rest.trim_start_matches('/'))
                                .unwrap_or(line);
                            at_file
                                .strip_prefix(file.as_str())
                                .and_then(|rest| rest.strip_prefix(':'))
                                .is_some_and(|rest| {
                                    // `analysis.ipynb:cell 2:3:23` in a notebook.
                                    rest.starts_with(|c: char| c.is_ascii_digit())
                                        || rest.starts_with("cell ")
                                })
                        })
                    });
                    last = format!(
                        "exit {code:?}, rule named: {named}, own line: {points_at_own_line}\n{}",
                        diagnosis.lines().take(30).collect::<Vec<_>>().join("\n")
                    );
                    // A dead `Process` child leaves the parent's exit status 0:
                    // the diagnosis, not the status, says the run failed.
                    named && points_at_own_line
                });
                if !diagnosed {
                    failures.lock().unwrap().push(format!(
                        "{} ({}): expected {}, {last}",
                        case.name, case.method, case.codes
                    ));
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Plain `python3` (fork on Linux up to 3.13) runs every corpus program that
/// the manifest marks `ok` without a traceback: their failures exist only
/// because spawn and forkserver children re-import the main module and
/// unpickle what they are sent. The ones marked `fails` fail under fork too,
/// for the reason capture.py gives (a task pickled under every start method,
/// a daemonic pool worker, a program that asks for spawn itself, a plain
/// bug), and this checks that as well, so that the marks stay true.
#[test]
fn plain_python_fork_runs_the_corpus_programs_that_only_spawn_breaks() {
    let programs = corpus_programs();
    let bootstrap = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../python/spawnsafe/_bootstrap.py")
        .canonicalize()
        .unwrap();
    let bootstrap = std::fs::read_to_string(bootstrap).unwrap();
    let cases = corpus_cases();
    let ok_count = cases.iter().filter(|case| case.fork_ok).count();
    assert!(ok_count >= 30, "{ok_count} programs marked ok under fork");
    let python = python();
    let failures = std::sync::Mutex::new(Vec::new());
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some(case) = cases.get(index) else { break };
                let dir = tempfile::tempdir().unwrap();
                copy_tree(&programs.join(&case.name), dir.path());
                let mut command = Command::new(&python);
                // A notebook runs its cells in a `__main__` without a file, as
                // Jupyter does: through the bootstrap, with fork.
                if case.run[0].ends_with(".ipynb") {
                    command.args(["-c", &bootstrap, "fork"]);
                }
                command.args(&case.run).current_dir(dir.path());
                let stdin = corpus_stdin(&programs, case);
                let limit = std::time::Duration::from_secs(if case.fork_ok { 60 } else { 20 });
                let (code, _, stderr, hung) = run_bounded(command, stdin.as_deref(), limit);
                let clean = !hung && code == Some(0) && !stderr.contains("Traceback");
                if clean != case.fork_ok {
                    failures.lock().unwrap().push(format!(
                        "{}: marked {} under fork, but exit {code:?}, hung {hung}:\n{stderr}",
                        case.name,
                        if case.fork_ok { "ok" } else { "fails" }
                    ));
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// SPS302: top-level work re-runs in every spawn child. Nothing raises, so
/// no traceback names it; the output shows it (repeated once per child) and
/// the diagnosis shows the static finding for the line that repeats.
#[test]
fn repeated_top_level_output_is_shown_with_its_static_finding() {
    let dir = project(&[
        ("report.py", "import multiprocessing\n\nprint(\"loading settings\")\n\n\ndef square(x):\n    return x * x\n\n\nif __name__ == \"__main__\":\n    pool = multiprocessing.Pool(2)\n    print(pool.map(square, [1, 2, 3]))\n    pool.close()\n    pool.join()\n"),
    ]);
    // `close()` and `join()`, not `with` (which terminates the pool): every
    // worker finishes starting, so each prints once.
    let fork = plain_python(dir.path(), &["report.py"]);
    assert!(fork.status.success(), "{}", text(&fork.stderr));
    assert_eq!(text(&fork.stdout), "loading settings\n[1, 4, 9]\n");

    let python = python();
    let run = spawnsafe(
        dir.path(),
        &["run", "--python", &python, "--timeout", "60", "report.py"],
    );
    let stdout = text(&run.stdout);
    let stderr = text(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    // The parent and each of the pool's two workers (whose writes may
    // interleave in the pipe).
    assert_eq!(stdout.matches("loading settings").count(), 3, "{stdout}");
    assert!(
        stderr.contains("spawnsafe: the program worked under the spawn start method, but its file has findings."),
        "{stderr}"
    );
    assert!(stderr.contains("report.py:3:1: SPS302"), "{stderr}");
}

/// SPS304: joining a process before draining the queue it fills deadlocks
/// under every start method (fork too): `run` stops it at the timeout and
/// shows the static finding for the join.
#[test]
fn a_join_before_drain_deadlock_is_stopped_and_diagnosed() {
    let dir = project(&[
        ("drain.py", "import multiprocessing\n\n\ndef produce(queue):\n    queue.put(b\"x\" * 1_000_000)\n\n\nif __name__ == \"__main__\":\n    queue = multiprocessing.Queue()\n    p = multiprocessing.Process(target=produce, args=(queue,))\n    p.start()\n    p.join()\n    print(len(queue.get()))\n"),
    ]);
    let python = python();
    let run = spawnsafe(
        dir.path(),
        &["run", "--python", &python, "--timeout", "8", "drain.py"],
    );
    let stderr = text(&run.stderr);
    assert_eq!(run.status.code(), Some(124), "{stderr}");
    assert!(stderr.contains("did not finish in time"), "{stderr}");
    assert!(stderr.contains("drain.py:12:5: SPS304"), "{stderr}");
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
    let dir = project(&[
        ("wait.py", "import sys, time\n\nif __name__ == '__main__':\n    try:\n        print('ready', flush=True)\n        time.sleep(60)\n    except KeyboardInterrupt:\n        print('interrupted', flush=True)\n        sys.exit(42)\n"),
    ]);
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

/// SIGTERM and SIGHUP sent to spawnsafe alone (not to the process group, as
/// `kill PID` or a CI runner cancelling a job does) reach the program, which
/// decides what they do; spawnsafe passes its exit status on.
#[cfg(unix)]
#[test]
fn sigterm_and_sighup_are_forwarded_to_the_program() {
    use std::io::BufRead as _;
    let dir = project(&[
        ("serve.py", "import signal, sys, time\n\n\ndef stop(number, frame):\n    print('stopped by', signal.Signals(number).name, flush=True)\n    sys.exit(43)\n\n\nif __name__ == '__main__':\n    signal.signal(signal.SIGTERM, stop)\n    signal.signal(signal.SIGHUP, stop)\n    print('ready', flush=True)\n    time.sleep(60)\n"),
    ]);
    let python = python();
    for signal in ["TERM", "HUP"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_spawnsafe"))
            .args(["run", "--python", &python, "serve.py"])
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        assert_eq!(line, "ready\n");
        // To spawnsafe's own pid only.
        assert!(Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap()
            .success());
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
        let status = child.wait().unwrap();
        assert_eq!(rest, format!("stopped by SIG{signal}\n"));
        assert_eq!(status.code(), Some(43), "SIG{signal}");
    }
}
