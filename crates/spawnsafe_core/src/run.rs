//! `spawnsafe run`: runs a Python program with a start method forced as the
//! *default*, as Windows (spawn), macOS (spawn) or Linux on Python 3.14+
//! (forkserver) would pick it, so that their failures show on any machine.
//!
//! A script or `-m` module runs through the embedded bootstrap
//! (`python/bootstrap.py`) in the interpreter's real `__main__`, so children
//! re-import it as `__mp_main__` exactly as under `python script.py`. Any other
//! command runs with an injected `sitecustomize` (`python/sitecustomize.py`)
//! that forces the default in every Python process the command starts and then
//! chains to the `sitecustomize` it hides. The program's stdin and stdout pass
//! through untouched; its stderr is passed through and also kept, so that a
//! failure can be diagnosed after the program's own output.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::BOOTSTRAP_PY;

const SITECUSTOMIZE_PY: &str = include_str!("../python/sitecustomize.py");

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
    /// Everything the program and its children wrote to stderr.
    pub stderr: String,
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
    // SIGTERM and SIGHUP sent to spawnsafe alone (`kill PID`, a CI runner
    // cancelling the job, a closed terminal) are passed on to the program,
    // as if it had been sent to it, and spawnsafe waits for it to end. Caught
    // from before the start (a caught signal is reset to its default in the
    // program, an ignored one would not be).
    let forward = ForwardSignals::new();
    let started = Instant::now();
    let mut child = command.spawn().map_err(|err| match program {
        Program::Command(words) => format!("cannot run `{}`: {err}", words[0]),
        _ => format!("cannot run `{}`: {err}", python.display()),
    })?;
    // Ctrl-C and Ctrl-\\ go to the whole foreground process group: the program
    // decides what they do (Python raises KeyboardInterrupt), and its exit
    // status is passed on, so spawnsafe itself ignores them while it waits.
    let _terminal_signals = IgnoreTerminalSignals::new();
    let captured = Arc::new(Mutex::new(Vec::new()));
    let mut pipe = child.stderr.take().expect("stderr is piped");
    let sink = Arc::clone(&captured);
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
                    sink.lock()
                        .expect("stderr buffer")
                        .extend_from_slice(&buffer[..count]);
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
            kill_tree(child.id());
            break child.wait().map_err(|err| err.to_string())?;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    // Children may still hold the pipe after the program ends: wait only briefly.
    let deadline = Instant::now() + Duration::from_secs(2);
    while !reader.is_finished() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    let stderr = String::from_utf8_lossy(&captured.lock().expect("stderr buffer")).into_owned();
    Ok(RunOutcome {
        exit_code: exit_code(status),
        stderr,
        timed_out,
        python,
        duration: started.elapsed(),
    })
}

/// Ignores SIGINT and SIGQUIT until dropped (a no-op off Unix).
struct IgnoreTerminalSignals {
    #[cfg(unix)]
    previous: [libc::sighandler_t; 2],
}

impl IgnoreTerminalSignals {
    fn new() -> Self {
        #[cfg(unix)]
        {
            // SAFETY: installing SIG_IGN has no handler code to run; the old
            // dispositions are put back in `drop`.
            let previous = unsafe {
                [
                    libc::signal(libc::SIGINT, libc::SIG_IGN),
                    libc::signal(libc::SIGQUIT, libc::SIG_IGN),
                ]
            };
            IgnoreTerminalSignals { previous }
        }
        #[cfg(not(unix))]
        IgnoreTerminalSignals {}
    }
}

impl Drop for IgnoreTerminalSignals {
    fn drop(&mut self) {
        #[cfg(unix)]
        // SAFETY: restores the dispositions `new` replaced.
        unsafe {
            libc::signal(libc::SIGINT, self.previous[0]);
            libc::signal(libc::SIGQUIT, self.previous[1]);
        }
    }
}

/// The signals to pass on to the program, as a bit per signal number: set by
/// the handler (which may only do async-signal-safe work), read by the wait loop.
#[cfg(unix)]
static PENDING_SIGNALS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

#[cfg(unix)]
const FORWARDED_SIGNALS: [libc::c_int; 2] = [libc::SIGTERM, libc::SIGHUP];

#[cfg(unix)]
extern "C" fn note_signal(signal: libc::c_int) {
    PENDING_SIGNALS.fetch_or(1 << signal, std::sync::atomic::Ordering::SeqCst);
}

/// Catches SIGTERM and SIGHUP until dropped, to pass them on to the program
/// (a no-op off Unix).
struct ForwardSignals {
    #[cfg(unix)]
    previous: [libc::sighandler_t; 2],
}

impl ForwardSignals {
    fn new() -> Self {
        #[cfg(unix)]
        {
            PENDING_SIGNALS.store(0, std::sync::atomic::Ordering::SeqCst);
            let handler = note_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
            // SAFETY: the handler only sets bits of an atomic; the old
            // dispositions are put back in `drop`.
            let previous = FORWARDED_SIGNALS.map(|signal| unsafe { libc::signal(signal, handler) });
            ForwardSignals { previous }
        }
        #[cfg(not(unix))]
        ForwardSignals {}
    }

    /// Sends the program the signals spawnsafe received since the last call.
    fn pass_on(&self, pid: u32) {
        #[cfg(unix)]
        {
            let pending = PENDING_SIGNALS.swap(0, std::sync::atomic::Ordering::SeqCst);
            for signal in FORWARDED_SIGNALS {
                if pending & (1 << signal) != 0 {
                    // SAFETY: kill(2) on the child's pid, which is not reaped yet.
                    unsafe {
                        libc::kill(pid as libc::pid_t, signal);
                    }
                }
            }
        }
        #[cfg(not(unix))]
        let _ = pid;
    }
}

impl Drop for ForwardSignals {
    fn drop(&mut self) {
        #[cfg(unix)]
        for (signal, previous) in FORWARDED_SIGNALS.into_iter().zip(self.previous) {
            // SAFETY: restores the dispositions `new` replaced.
            unsafe {
                libc::signal(signal, previous);
            }
        }
    }
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

/// Kills a process and its descendants (an unguarded Pool keeps respawning
/// workers: all of them must go). Descendants are found through `/proc`
/// where there is one.
#[cfg(windows)]
fn kill_tree(pid: u32) {
    let _ = Command::new("taskkill")
        .args(["/F", "/T", "/PID", &pid.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

#[cfg(not(windows))]
fn kill_tree(pid: u32) {
    let mut family = vec![pid];
    let mut index = 0;
    while index < family.len() {
        family.extend(children_of(family[index]));
        index += 1;
    }
    // The parent first, so that it cannot start new workers.
    for member in family {
        let _ = Command::new("kill")
            .arg("-KILL")
            .arg(member.to_string())
            .stderr(Stdio::null())
            .status();
    }
}

#[cfg(not(windows))]
fn children_of(pid: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let child: u32 = entry.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            // `pid (comm) state ppid ...`: comm may hold spaces and parentheses.
            let after_name = &stat[stat.rfind(')')? + 1..];
            let parent: u32 = after_name.split_whitespace().nth(1)?.parse().ok()?;
            (parent == pid).then_some(child)
        })
        .collect()
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
    pub findings: Vec<crate::diagnostic::Diagnostic>,
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
            crate::check_paths(std::slice::from_ref(file), &crate::CheckOptions::default()).ok()
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
        if self.timed_out {
            out.push_str(&format!(
                "spawnsafe: the program did not finish in time under the {method} start method and was stopped, with its child processes.\n"
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
        if self.bootstrap_errors > 0 && (self.timed_out || self.explanation.is_none()) {
            out.push_str(&format!(
                "spawnsafe: {} child process{} raised the bootstrapping RuntimeError (SPS101): the main script starts processes when a spawn child re-imports it as `__mp_main__`; put that code under `if __name__ == \"__main__\":`{}.\n",
                self.bootstrap_errors,
                if self.bootstrap_errors == 1 { "" } else { "es" },
                if self.timed_out {
                    " (a Pool keeps replacing the workers that die, so the parent waits forever)"
                } else {
                    ""
                }
            ));
        }
        if let Some(file) = &self.program_file {
            if self.findings.is_empty() {
                out.push_str(&format!(
                    "spawnsafe: no static findings in {}.\n",
                    file.display()
                ));
            } else {
                out.push_str(&format!(
                    "spawnsafe: static findings in {}:\n",
                    file.display()
                ));
                let concise = crate::report::render(
                    &self.findings,
                    crate::report::OutputFormat::Concise,
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
        })
        .to_string()
    }
}
