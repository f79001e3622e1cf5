//! `spawnsafe run`: runs a Python program with a start method forced as the
//! *default*, as Windows (spawn), macOS (spawn) or Linux on Python 3.14+
//! (forkserver) would pick it, so that their failures show on any machine.
//!
//! A script or `-m` module runs through the embedded bootstrap
//! (`python/spawnsafe/_bootstrap.py`) in the interpreter's real `__main__`, so children
//! re-import it as `__mp_main__` exactly as under `python script.py`. Any other
//! command runs with an injected `sitecustomize` (`python/spawnsafe/_sitecustomize.py`)
//! that forces the default in every Python process the command starts and then
//! chains to the `sitecustomize` it hides. The program's stdin and stdout pass
//! through untouched; its stderr is passed through and also kept, so that a
//! failure can be diagnosed after the program's own output.

mod kept;
mod supervise;
#[cfg(windows)]
mod windows_job;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::BOOTSTRAP_PY;
use kept::Kept;
use supervise::{kill_tree, run_marker_value, supervise, ForwardSignals, Watchdog, RUN_MARKER};

/// From the Python package, which the pytest plugin uses it from too.
const SITECUSTOMIZE_PY: &str = include_str!("../../../python/spawnsafe/_sitecustomize.py");

/// What to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Program {
    /// `SCRIPT [ARGS...]` (a `.py` file, a directory or zip app, or a notebook).
    Script(PathBuf, Vec<String>),
    /// `-m MODULE [ARGS...]`.
    Module(String, Vec<String>),
    /// `-- COMMAND [ARGS...]`: any command that starts Python.
    Command(Vec<String>),
}

#[derive(Debug, Clone)]
pub struct RunOptions {
    /// `spawn`, `forkserver`, or `windows` (spawn without the fork contexts).
    pub start_method: String,
    /// The interpreter (`--python`); found with [`find_python`] when `None`.
    pub python: Option<PathBuf>,
    /// Stop the program after this long (a hang is a finding too).
    pub timeout: Option<Duration>,
    /// Pass the program's stderr through as it comes (off for `--json`).
    pub echo_stderr: bool,
}

/// How the program ended.
#[derive(Debug, Clone)]
pub struct RunOutcome {
    /// The exit code, or 128 + the signal number that ended it.
    pub exit_code: i32,
    /// What the program and its children wrote to stderr: all of it, or
    /// when it was long, its first 256 KiB and last 1 MiB (all of it was
    /// passed through).
    pub stderr: String,
    /// How many bytes they wrote to stderr in all.
    pub stderr_bytes: u64,
    pub timed_out: bool,
    pub python: PathBuf,
    pub duration: Duration,
}

pub const START_METHODS: &[&str] = &["spawn", "forkserver", "windows"];

/// The interpreter to use: `--python`, else the active virtualenv or conda
/// environment, else `python3` or `python` on `PATH`.
pub fn find_python(explicit: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(path) = explicit {
        return Ok(path.to_path_buf());
    }
    let in_env = |variable: &str| -> Option<PathBuf> {
        let root = PathBuf::from(std::env::var_os(variable)?);
        [
            root.join("bin/python"),
            root.join("bin/python3"),
            root.join("Scripts/python.exe"),
            root.join("python.exe"),
        ]
        .into_iter()
        .find(|candidate| candidate.is_file())
    };
    if let Some(python) = in_env("VIRTUAL_ENV").or_else(|| in_env("CONDA_PREFIX")) {
        return Ok(python);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in ["python3", "python", "python3.exe", "python.exe"] {
        for directory in std::env::split_paths(&path) {
            let candidate = directory.join(name);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    Err("no Python interpreter found: pass `--python PATH`, activate a virtual environment, or put `python3` on PATH".to_string())
}

/// Runs the program and waits for it (or for the timeout).
pub fn run(program: &Program, options: &RunOptions) -> Result<RunOutcome, String> {
    if !START_METHODS.contains(&options.start_method.as_str()) {
        return Err(format!(
            "unknown start method `{}` (use spawn, forkserver or windows)",
            options.start_method
        ));
    }
    match program {
        Program::Script(script, _) if !script.exists() => {
            return Err(format!(
                "cannot run `{}`: no such file or directory",
                script.display()
            ));
        }
        _ => {}
    }
    let python = find_python(options.python.as_deref())?;
    // Holds the injected sitecustomize for `-- COMMAND` until the run ends.
    let mut _site_dir = None;
    let mut command = match program {
        Program::Script(script, args) => {
            let mut command = Command::new(&python);
            command
                .arg("-c")
                .arg(BOOTSTRAP_PY)
                .arg(&options.start_method)
                .arg(script)
                .args(args);
            command
        }
        Program::Module(module, args) => {
            let mut command = Command::new(&python);
            command
                .arg("-c")
                .arg(BOOTSTRAP_PY)
                .arg(&options.start_method)
                .arg("-m")
                .arg(module)
                .args(args);
            command
        }
        Program::Command(words) => {
            let (first, rest) = words.split_first().ok_or("`--` needs a command to run")?;
            let site = tempfile::Builder::new()
                .prefix("spawnsafe-run-")
                .tempdir()
                .map_err(|err| format!("cannot create a temporary directory: {err}"))?;
            std::fs::write(site.path().join("sitecustomize.py"), SITECUSTOMIZE_PY)
                .and_then(|()| {
                    std::fs::write(site.path().join("_spawnsafe_bootstrap.py"), BOOTSTRAP_PY)
                })
                .map_err(|err| format!("cannot write the sitecustomize: {err}"))?;
            let mut python_path = std::ffi::OsString::from(site.path());
            if let Some(existing) = std::env::var_os("PYTHONPATH").filter(|value| !value.is_empty())
            {
                python_path.push(if cfg!(windows) { ";" } else { ":" });
                python_path.push(existing);
            }
            let mut command = Command::new(first);
            command
                .args(rest)
                .env("PYTHONPATH", python_path)
                .env("SPAWNSAFE_START_METHOD", &options.start_method);
            _site_dir = Some(site);
            command
        }
    };
    command
        .stdin(Stdio::inherit())
        .stdout(Stdio::inherit())
        .stderr(Stdio::piped());
    // Outside an interactive terminal the program leads a process group of
    // its own: signals sent to spawnsafe (`kill PID`, a CI runner cancelling
    // the job) are passed on to the whole group, a timeout kills all of it,
    // and a watchdog kills it if spawnsafe is killed (`supervise.rs`).
    // Every process of the run carries a marker the watchdog finds them by.
    let marker = format!("{RUN_MARKER}={}", run_marker_value());
    command.env(RUN_MARKER, &marker[RUN_MARKER.len() + 1..]);
    let supervision = supervise(&mut command);
    let forward = ForwardSignals::new(supervision);
    let started = Instant::now();
    let mut child = command.spawn().map_err(|err| match program {
        Program::Command(words) => format!("cannot run `{}`: {err}", words[0]),
        _ => format!("cannot run `{}`: {err}", python.display()),
    })?;
    forward.ignore_terminal_signals();
    let watchdog = Watchdog::start(supervision.own_group.then(|| child.id()), &marker);
    // Windows: the tree dies with spawnsafe through a job object.
    #[cfg(windows)]
    let job = windows_job::TreeJob::attach(&child);
    let kept = Arc::new(Mutex::new(Kept::default()));
    let mut pipe = child.stderr.take().expect("stderr is piped");
    let sink = Arc::clone(&kept);
    let echo = options.echo_stderr;
    let reader = std::thread::spawn(move || {
        let mut buffer = [0u8; 8192];
        loop {
            match pipe.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(count) => {
                    if echo {
                        let mut stderr = std::io::stderr().lock();
                        let _ = stderr.write_all(&buffer[..count]);
                        let _ = stderr.flush();
                    }
                    sink.lock().expect("stderr buffer").push(&buffer[..count]);
                }
            }
        }
    });
    let mut timed_out = false;
    let status = loop {
        forward.pass_on(child.id());
        if let Some(status) = child.try_wait().map_err(|err| err.to_string())? {
            break status;
        }
        if options
            .timeout
            .is_some_and(|timeout| started.elapsed() >= timeout)
        {
            timed_out = true;
            #[cfg(windows)]
            if let Some(job) = &job {
                job.terminate();
            }
            kill_tree(child.id(), supervision);
            break child.wait().map_err(|err| err.to_string())?;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    // Children may still hold the pipe after the program ends: wait only briefly.
    let deadline = Instant::now() + Duration::from_secs(2);
    while !reader.is_finished() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    if let Some(watchdog) = watchdog {
        watchdog.stand_down();
    }
    #[cfg(windows)]
    if let Some(job) = job {
        job.keep_until_exit();
    }
    let kept = kept.lock().expect("stderr buffer");
    Ok(RunOutcome {
        exit_code: exit_code(status),
        stderr: kept.text(),
        stderr_bytes: kept.total(),
        timed_out,
        python,
        duration: started.elapsed(),
    })
}

#[cfg(unix)]
fn exit_code(status: std::process::ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status
        .code()
        .unwrap_or_else(|| 128 + status.signal().unwrap_or(0))
}

#[cfg(not(unix))]
fn exit_code(status: std::process::ExitStatus) -> i32 {
    status.code().unwrap_or(1)
}

/// What spawnsafe says about a finished run.
#[derive(Debug, Default)]
pub struct Diagnosis {
    pub start_method: String,
    pub exit_code: i32,
    pub timed_out: bool,
    /// The program's own file, when it is one.
    pub program_file: Option<PathBuf>,
    /// The static findings for that file.
    pub findings: Vec<spawnsafe_linter::diagnostic::Diagnostic>,
    /// How often the bootstrapping RuntimeError was raised (children that
    /// re-ran an unguarded start; a Pool keeps replacing them).
    pub bootstrap_errors: usize,
    /// What `spawnsafe explain` makes of the program's stderr.
    pub explanation: Option<crate::explain::Explanation>,
}

const BOOTSTRAP_ERROR: &str =
    "An attempt has been made to start a new process before the\n        current process has finished its bootstrapping phase.";

/// The file a `-m MODULE` runs, relative to the working directory.
fn module_file(module: &str) -> Option<PathBuf> {
    let base: PathBuf = module.split('.').collect();
    [
        base.with_extension("py"),
        base.join("__main__.py"),
        base.join("__init__.py"),
    ]
    .into_iter()
    .find(|candidate| candidate.is_file())
}

/// Looks at a finished run: the static findings for the program's file, and
/// what the captured stderr and a timeout say.
pub fn diagnose(program: &Program, outcome: &RunOutcome, start_method: &str) -> Diagnosis {
    let program_file = match program {
        Program::Script(script, _) if script.is_file() => Some(script.clone()),
        Program::Module(module, _) => module_file(module),
        _ => None,
    };
    let findings = program_file
        .as_ref()
        .and_then(|file| {
            spawnsafe_linter::check_paths(
                std::slice::from_ref(file),
                &spawnsafe_linter::CheckOptions::default(),
            )
            .ok()
        })
        .map(|result| result.diagnostics)
        .unwrap_or_default();
    let explanation = crate::explain::explain(
        &outcome.stderr,
        &crate::explain::ExplainOptions {
            check_local: true,
            ..Default::default()
        },
    );
    Diagnosis {
        start_method: start_method.to_string(),
        exit_code: outcome.exit_code,
        timed_out: outcome.timed_out,
        program_file,
        findings,
        bootstrap_errors: outcome.stderr.matches(BOOTSTRAP_ERROR).count(),
        explanation: explanation.is_known().then_some(explanation),
    }
}

impl Diagnosis {
    fn failed(&self) -> bool {
        self.timed_out
            || self.exit_code != 0
            || self.bootstrap_errors > 0
            || self.explanation.is_some()
    }

    /// The text printed after the program's output, or `None` when the run
    /// succeeded and the file has no findings.
    pub fn render(&self) -> Option<String> {
        if !self.failed() && self.findings.is_empty() {
            return None;
        }
        let method = &self.start_method;
        let mut out = String::from("\n");
        let bootstrapping_explained = self.explanation.as_ref().is_some_and(|explanation| {
            explanation.items.iter().any(|item| {
                item.signature == crate::explain::signatures::SignatureId::Bootstrapping
            })
        });
        if self.timed_out {
            out.push_str(&format!(
                "spawnsafe: the program did not finish in time under the {method} start method and was stopped, with its child processes{}.\n",
                if self.bootstrap_errors > 0 {
                    " (a Pool keeps replacing the workers that die, so the parent waits forever)"
                } else {
                    ""
                }
            ));
        } else if self.bootstrap_errors > 0 || self.explanation.is_some() {
            out.push_str(&format!(
                "spawnsafe: the program failed under the {method} start method (exit status {}).\n",
                self.exit_code
            ));
        } else if self.failed() {
            out.push_str(&format!(
                "spawnsafe: the program exited with status {} under the {method} start method.\n",
                self.exit_code
            ));
        } else {
            out.push_str(&format!(
                "spawnsafe: the program worked under the {method} start method, but its file has findings.\n"
            ));
        }
        if let Some(explanation) = &self.explanation {
            out.push('\n');
            out.push_str(&crate::explain::render_text(explanation));
            out.push('\n');
        }
        // Explained once: by the explanation when it has it, else in a line.
        if self.bootstrap_errors > 0 && !bootstrapping_explained {
            out.push_str(&format!(
                "spawnsafe: {} child process{} raised the bootstrapping RuntimeError (SPS101): the main script starts processes when a spawn child re-imports it as `__mp_main__`; put that code under `if __name__ == \"__main__\":`.\n",
                self.bootstrap_errors,
                if self.bootstrap_errors == 1 { "" } else { "es" },
            ));
        }
        if let Some(file) = &self.program_file {
            // The findings the explanation already showed are not repeated.
            let shown: Vec<(&str, usize)> = self
                .explanation
                .iter()
                .flat_map(|explanation| &explanation.items)
                .filter_map(|item| match &item.local_check {
                    crate::explain::LocalCheck::Matched { findings, .. } => Some(findings),
                    _ => None,
                })
                .flatten()
                .map(|finding| (finding.code, finding.row))
                .collect();
            let rest: Vec<spawnsafe_linter::diagnostic::Diagnostic> = self
                .findings
                .iter()
                .filter(|finding| {
                    !shown.contains(&(finding.rule.code(), finding.start_location().row))
                })
                .cloned()
                .collect();
            if self.findings.is_empty() {
                out.push_str(&format!(
                    "spawnsafe: no static findings in {}.\n",
                    file.display()
                ));
            } else if !rest.is_empty() {
                out.push_str(&format!(
                    "spawnsafe: {} in {}:\n",
                    if rest.len() < self.findings.len() {
                        "other static findings"
                    } else {
                        "static findings"
                    },
                    file.display()
                ));
                let concise = spawnsafe_linter::report::render(
                    &rest,
                    spawnsafe_linter::report::OutputFormat::Concise,
                    false,
                );
                for line in concise.lines() {
                    out.push_str("  ");
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
        Some(out)
    }

    /// The outcome and diagnosis as one JSON object (`--json`).
    pub fn to_json(&self, outcome: &RunOutcome) -> String {
        let findings: Vec<serde_json::Value> = self
            .findings
            .iter()
            .map(|finding| {
                let location = finding.start_location();
                serde_json::json!({
                    "code": finding.rule.code(),
                    "name": finding.rule.name(),
                    "message": finding.message,
                    "filename": finding.file.display_path,
                    "location": {"row": location.row, "column": location.column},
                })
            })
            .collect();
        serde_json::json!({
            "start_method": self.start_method,
            "python": outcome.python.display().to_string(),
            "exit_code": outcome.exit_code,
            "timed_out": outcome.timed_out,
            "duration_seconds": outcome.duration.as_secs_f64(),
            "failed": self.failed(),
            "bootstrap_errors": self.bootstrap_errors,
            "program_file": self.program_file.as_ref().map(|file| file.display().to_string()),
            "findings": findings,
            "explanation": self.explanation,
            "stderr": outcome.stderr,
            "stderr_bytes": outcome.stderr_bytes,
        })
        .to_string()
    }
}
