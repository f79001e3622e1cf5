//! `spawnsafe doctor`: what the interpreter that will run the code means for
//! multiprocessing. An embedded probe (`python/doctor_probe.py`) reports facts
//! as JSON; the judgements are made here, from the facts alone, so that the
//! checks for other platforms are tested with those platforms' values.

use std::path::Path;
use std::process::{Command, Stdio};

use serde::{Deserialize, Serialize};

const PROBE_PY: &str = include_str!("../python/doctor_probe.py");

/// What the probe reports about an interpreter.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Facts {
    pub version: Vec<u32>,
    pub version_text: String,
    pub implementation: String,
    /// `sys.platform`: `win32`, `darwin`, `linux`...
    pub platform: String,
    pub executable: String,
    pub prefix: String,
    pub base_prefix: String,
    pub frozen: bool,
    pub stdout_is_none: bool,
    pub start_methods: Vec<String>,
    /// `get_start_method(allow_none=True)`: a method already set (by a sitecustomize, say).
    pub start_method_set: Option<String>,
    /// The method the default context would pick.
    pub default_start_method: String,
    pub child_executable: Option<String>,
    pub conda_prefix_env: Option<String>,
    /// `sys.prefix` holds `conda-meta`: a conda environment.
    pub conda_meta: bool,
    pub path: String,
    pub path_separator: String,
    pub virtual_env_env: Option<String>,
    pub sitecustomize: Option<String>,
    pub sitecustomize_sets_start_method: bool,
    pub usercustomize: Option<String>,
    pub ipykernel: bool,
    /// The tool that started the interpreter (`jupyter`, `pycharm`, `debugpy`,
    /// `spyder`, `idle`), from the environment it sets.
    pub host: Option<String>,
    /// The `__main__` facts below come from a live session (the probe run
    /// inside it, `--session-probe`), not from `python -c PROBE`, whose
    /// `__main__` is the probe's own.
    pub main_inspected: bool,
    /// `__main__` has a `__spec__` attribute at all (pdb before Python 3.13
    /// replaces its namespace without one).
    pub main_spec_attribute: bool,
    /// `__main__.__spec__.name`: spawn children import `__main__` by this name.
    pub main_spec_name: Option<String>,
    /// `__main__.__file__`: otherwise spawn children run this file.
    pub main_file: Option<String>,
    pub main_file_is_file: bool,
}

/// Facts given as JSON (`spawnsafe doctor --facts FILE`), from the probe run
/// in a live session.
pub fn facts_from_json(text: &str) -> Result<Facts, String> {
    serde_json::from_str(text.trim())
        .map_err(|err| format!("not the facts of spawnsafe's probe: {err}"))
}

/// Python code to run inside a live session (a Jupyter cell, IDLE's shell, a
/// debugger's console, the REPL): it inspects that session's `__main__` and
/// prints the report of `spawnsafe` (this binary) `doctor --facts -`.
pub fn session_probe(spawnsafe: &Path) -> String {
    // JSON string escapes are Python string escapes too.
    let quote = |text: &str| serde_json::to_string(text).unwrap_or_default();
    format!(
        "# spawnsafe doctor, run inside this Python session: how its __main__ reaches spawn children.\n\
         # Its names live in a namespace of their own: nothing is added to __main__.\n\
         exec({probe}, {{\"__name__\": \"_spawnsafe_probe\", \"SPAWNSAFE\": {binary}}})\n",
        probe = quote(PROBE_PY),
        binary = quote(&spawnsafe.display().to_string()),
    )
}

/// How spawn children rebuild `__main__`, as `multiprocessing.spawn` decides
/// (`get_preparation_data` in the parent, `_fixup_main_from_name` and
/// `_fixup_main_from_path` in the child).
fn main_module_check(facts: &Facts) -> Option<Check> {
    if !facts.main_inspected {
        return None;
    }
    const BUILTIN: &str = "spawn children cannot import the functions and classes defined in it: sending one fails with \"Can't get attribute 'f' on <module '__main__' (built-in)>\" (SPS204). Put worker functions in a .py module and import them, or run the code as a file (`python script.py`, `spawnsafe run script.py`).";
    if !facts.main_spec_attribute {
        return Some(Check {
            status: Status::Problem,
            title: "`__main__` has no `__spec__`: a tool replaced it".to_string(),
            detail: "A debugger (pdb before Python 3.13) or another runner cleared `__main__`'s namespace, `__spec__` included, so under spawn and forkserver every `Process.start()` fails in the parent with \"AttributeError: module '__main__' has no attribute '__spec__'\" (`multiprocessing.spawn.get_preparation_data`). Run the program without it, on Python 3.13+, or with `__spec__ = None` at the top of the script.".to_string(),
        });
    }
    if let Some(name) = &facts.main_spec_name {
        if name == "__main__" || name.ends_with(".__main__") {
            return Some(Check {
                status: Status::Warning,
                title: format!("`__main__` is the module `{name}`, which spawn children do not import again"),
                detail: format!("multiprocessing never re-runs a module named `__main__` (`python -m pkg` runs `pkg/__main__.py`), so {BUILTIN}"),
            });
        }
        return Some(Check {
            status: Status::Ok,
            title: format!("spawn children import `__main__` as the module `{name}`"),
            detail: "As `python -m` does: its top-level definitions reach the children (its `if __name__ == \"__main__\":` block does not run there).".to_string(),
        });
    }
    match &facts.main_file {
        Some(file) => {
            let stem = file.rsplit(['/', '\\']).next().unwrap_or(file);
            let stem = stem.rsplit_once('.').map_or(stem, |(stem, _)| stem);
            if stem == "__ipython_main__" {
                Some(Check {
                    status: Status::Warning,
                    title: "`__main__` is IPython's interactive namespace".to_string(),
                    detail: format!("multiprocessing does not run `{file}` again in spawn children, so {BUILTIN}"),
                })
            } else if !facts.main_file_is_file {
                Some(Check {
                    status: Status::Problem,
                    title: format!("`__main__.__file__` is `{file}`, which is not a file"),
                    detail: format!("Spawn children run the parent's main file again (`runpy.run_path`), and there is none (code read from standard input, say): every child fails at start with \"FileNotFoundError: [Errno 2] No such file or directory\" for `{file}` (joined to the starting directory). Save the code to a .py file and run that."),
                })
            } else {
                Some(Check {
                    status: Status::Ok,
                    title: format!("spawn children re-import `__main__` from {file}"),
                    detail: "As `python script.py` does: its top-level definitions reach the children (its `if __name__ == \"__main__\":` block does not run there).".to_string(),
                })
            }
        }
        None => Some(Check {
            status: Status::Warning,
            title: "an interactive `__main__` (no file, no module name)".to_string(),
            detail: format!(
                "This is the REPL, `python -c`, a Jupyter notebook or an IDE's console: {BUILTIN}"
            ),
        }),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Info,
    Warning,
    Problem,
}

impl Status {
    fn label(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Info => "info",
            Status::Warning => "warning",
            Status::Problem => "problem",
        }
    }
}

/// One line of the report, with what it means.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub status: Status,
    pub title: String,
    pub detail: String,
}

/// Runs the probe with `python` and parses its facts.
pub fn probe(python: &Path) -> Result<Facts, String> {
    let output = Command::new(python)
        .arg("-c")
        .arg(PROBE_PY)
        .stdin(Stdio::null())
        .output()
        .map_err(|err| format!("cannot run `{}`: {err}", python.display()))?;
    if !output.status.success() {
        return Err(format!(
            "`{}` failed to report on itself: {}",
            python.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text.lines().last().unwrap_or_default();
    serde_json::from_str(line).map_err(|err| {
        format!(
            "`{}` is not a Python that spawnsafe can inspect ({err})",
            python.display()
        )
    })
}

/// The start method each platform's default context picks, for Python `minor` (3.x).
fn platform_defaults(minor: u32) -> [(&'static str, &'static str); 3] {
    [
        ("Windows", "spawn"),
        ("macOS", if minor >= 8 { "spawn" } else { "fork" }),
        ("Linux", if minor >= 14 { "forkserver" } else { "fork" }),
    ]
}

fn platform_name(platform: &str) -> &str {
    match platform {
        "win32" | "cygwin" => "Windows",
        "darwin" => "macOS",
        platform if platform.starts_with("linux") => "Linux",
        other => other,
    }
}

/// The report's checks, from the facts.
pub fn assess(facts: &Facts) -> Vec<Check> {
    let minor = facts.version.get(1).copied().unwrap_or(0);
    let here = platform_name(&facts.platform);
    let windows = facts.platform == "win32";
    let mut checks = vec![Check {
        status: Status::Info,
        title: format!(
            "Python {} ({}) on {here}",
            facts.version_text, facts.implementation
        ),
        detail: facts.executable.clone(),
    }];

    let defaults = platform_defaults(minor);
    let mut elsewhere: Vec<String> = defaults
        .iter()
        .map(|(platform, method)| format!("{platform}: {method}"))
        .collect();
    if minor < 14 {
        elsewhere.push("Linux with Python 3.14+: forkserver".to_string());
    }
    let default = &facts.default_start_method;
    let status = if default == "fork" {
        Status::Warning
    } else {
        Status::Ok
    };
    let detail = if default == "fork" {
        format!(
            "Code that works here can fail where the default is spawn or forkserver ({}). Test it as they run it: `spawnsafe run --start-method spawn SCRIPT`.",
            elsewhere.join(", ")
        )
    } else {
        format!(
            "Children re-import the main module here, as on the other platforms ({}).",
            elsewhere.join(", ")
        )
    };
    checks.push(Check {
        status,
        title: format!(
            "default start method here: {default} (available: {})",
            facts.start_methods.join(", ")
        ),
        detail,
    });

    if let Some(method) = &facts.start_method_set {
        checks.push(Check {
            status: Status::Warning,
            title: format!("the start method is already set at startup: {method}"),
            detail: "Something run at interpreter start (a sitecustomize or a .pth file) called set_start_method(): programs that call it themselves raise \"context has already been set\", and results here differ from other machines.".to_string(),
        });
    }
    if facts.sitecustomize_sets_start_method {
        checks.push(Check {
            status: Status::Warning,
            title: "a sitecustomize changes multiprocessing's start method".to_string(),
            detail: format!(
                "{} runs in every Python process of this interpreter, children included: what works here may fail elsewhere.",
                facts.sitecustomize.as_deref().unwrap_or("sitecustomize")
            ),
        });
    }

    if facts.frozen {
        checks.push(Check {
            status: Status::Warning,
            title: "a frozen application (sys.frozen)".to_string(),
            detail: "Children start the executable itself: call multiprocessing.freeze_support() first thing under `if __name__ == \"__main__\":` (SPS403), or every child runs the program again.".to_string(),
        });
    }

    // Either separator: the facts may come from another platform.
    let executable_name = facts
        .executable
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if facts.stdout_is_none || executable_name.starts_with("pythonw") {
        checks.push(Check {
            status: Status::Warning,
            title: "pythonw: no console, sys.stdout is None".to_string(),
            detail: "print() in the program and in its children writes to nothing, and code that writes to sys.stdout or sys.stderr directly raises AttributeError: 'NoneType' object has no attribute 'write'. Log to a file instead (SPS303).".to_string(),
        });
    }

    let is_conda = facts.conda_meta;
    if is_conda {
        let separator = if facts.path_separator.is_empty() {
            if windows {
                ";"
            } else {
                ":"
            }
        } else {
            &facts.path_separator
        };
        let normalise = |path: &str| {
            path.trim_end_matches(['\\', '/'])
                .replace('/', "\\")
                .to_ascii_lowercase()
        };
        let library_bin = normalise(&format!("{}\\Library\\bin", facts.prefix));
        let activated = facts
            .conda_prefix_env
            .as_deref()
            .is_some_and(|prefix| normalise(prefix) == normalise(&facts.prefix));
        let dlls_on_path = facts
            .path
            .split(separator)
            .any(|entry| normalise(entry) == library_bin);
        if windows && !(activated && dlls_on_path) {
            checks.push(Check {
                status: Status::Problem,
                title: "a conda environment used without activating it".to_string(),
                detail: format!(
                    "Spawned children start {} with this PATH, which lacks {}\\Library\\bin: extension modules (numpy, torch, ...) fail in the children with \"ImportError: DLL load failed\" while the parent works. Activate the environment (`conda activate`) or start the program with `conda run -p {}`.",
                    facts.child_executable.as_deref().unwrap_or(&facts.executable),
                    facts.prefix,
                    facts.prefix
                ),
            });
        } else {
            checks.push(Check {
                status: Status::Ok,
                title: "conda environment".to_string(),
                detail: if windows {
                    "Activated: children find the environment's DLLs.".to_string()
                } else {
                    "Children inherit the environment's libraries (the DLL search problem of unactivated environments is Windows-only).".to_string()
                },
            });
        }
    }

    if let Some(child) = &facts.child_executable {
        if child != &facts.executable {
            checks.push(Check {
                status: Status::Info,
                title: "children start another executable".to_string(),
                detail: format!(
                    "multiprocessing starts {child} for spawn children (a venv launcher on Windows hands over to the base interpreter; the children still see the venv)."
                ),
            });
        }
    }

    if let Some(check) = main_module_check(facts) {
        checks.push(check);
    }
    if let Some(host) = &facts.host {
        let (name, how) = match host.as_str() {
            "jupyter" => ("Jupyter", "notebook cells run in an interactive `__main__` with no file"),
            "spyder" => ("Spyder", "its console runs code in an interactive `__main__` unless you run the file in an external terminal"),
            "idle" => ("IDLE", "its shell runs code in an interactive `__main__`"),
            "pycharm" => ("PyCharm", "its Python console (not Run) runs code in an interactive `__main__`"),
            _ => ("a debugger (debugpy/pydevd)", "its launcher may replace `__main__` and drop `__spec__`"),
        };
        checks.push(Check {
            status: Status::Warning,
            title: format!("started from {name}"),
            detail: format!(
                "{how}: spawn children cannot import functions and classes defined there (\"Can't get attribute ... on <module '__main__' (built-in)>\", SPS204). Put the workers in a .py module, or run the script as a file with `python script.py` or `spawnsafe run script.py`."
            ),
        });
    }
    if facts.ipykernel {
        checks.push(Check {
            status: Status::Info,
            title: "Jupyter (ipykernel) is installed".to_string(),
            detail: "In a notebook, functions and classes defined in cells live in an interactive __main__ that spawn children cannot re-import: they fail with \"Can't get attribute ... on <module '__main__' (built-in)>\" (SPS204). Put worker functions in a .py module and import them.".to_string(),
        });
    }
    checks
}

/// The report as text.
pub fn render(checks: &[Check]) -> String {
    let mut out = String::new();
    for check in checks {
        out.push_str(&format!("{:>7}  {}\n", check.status.label(), check.title));
        if !check.detail.is_empty() {
            out.push_str(&format!("         {}\n", check.detail));
        }
    }
    let problems = checks
        .iter()
        .filter(|check| matches!(check.status, Status::Problem | Status::Warning))
        .count();
    out.push_str(&if problems == 0 {
        "\nNo problems found.\n".to_string()
    } else {
        format!(
            "\n{problems} thing{} to look at.\n",
            if problems == 1 { "" } else { "s" }
        )
    });
    out
}

/// The report as JSON: the interpreter, the facts and the checks.
pub fn render_json(python: &Path, facts: &Facts, checks: &[Check]) -> String {
    let report = serde_json::json!({
        "python": python.display().to_string(),
        "facts": facts,
        "checks": checks,
    });
    format!("{report:#}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn linux_311() -> Facts {
        Facts {
            version: vec![3, 11, 7],
            version_text: "3.11.7".into(),
            implementation: "cpython".into(),
            platform: "linux".into(),
            executable: "/usr/bin/python3".into(),
            prefix: "/usr".into(),
            base_prefix: "/usr".into(),
            start_methods: vec!["fork".into(), "spawn".into(), "forkserver".into()],
            default_start_method: "fork".into(),
            child_executable: Some("/usr/bin/python3".into()),
            path: "/usr/bin:/bin".into(),
            path_separator: ":".into(),
            ..Facts::default()
        }
    }

    fn windows_conda(activated: bool) -> Facts {
        let prefix = r"C:\Users\ada\miniconda3\envs\ml".to_string();
        Facts {
            version: vec![3, 12, 4],
            version_text: "3.12.4".into(),
            implementation: "cpython".into(),
            platform: "win32".into(),
            executable: format!(r"{prefix}\python.exe"),
            prefix: prefix.clone(),
            base_prefix: prefix.clone(),
            start_methods: vec!["spawn".into()],
            default_start_method: "spawn".into(),
            child_executable: Some(format!(r"{prefix}\python.exe")),
            conda_meta: true,
            conda_prefix_env: activated.then(|| prefix.clone()),
            path: if activated {
                format!(r"{prefix};{prefix}\Library\bin;C:\Windows\system32")
            } else {
                r"C:\Windows\system32".to_string()
            },
            path_separator: ";".into(),
            ..Facts::default()
        }
    }

    fn titles(checks: &[Check]) -> Vec<(Status, String)> {
        checks
            .iter()
            .map(|check| (check.status, check.title.clone()))
            .collect()
    }

    #[test]
    fn linux_before_314_warns_that_fork_hides_spawn_failures() {
        let checks = assess(&linux_311());
        assert_eq!(checks[1].status, Status::Warning);
        assert!(checks[1]
            .detail
            .contains("Windows: spawn, macOS: spawn, Linux: fork"));
        let mut facts = linux_311();
        facts.version = vec![3, 14, 0];
        facts.default_start_method = "forkserver".into();
        let checks = assess(&facts);
        assert_eq!(checks[1].status, Status::Ok);
        assert!(checks[1].detail.contains("Linux: forkserver"));
    }

    #[test]
    fn unactivated_conda_on_windows_is_a_problem() {
        let checks = assess(&windows_conda(false));
        let conda = checks
            .iter()
            .find(|check| check.title.contains("conda"))
            .unwrap();
        assert_eq!(conda.status, Status::Problem);
        assert!(conda.detail.contains("DLL load failed"));
        let checks = assess(&windows_conda(true));
        let conda = checks
            .iter()
            .find(|check| check.title.contains("conda"))
            .unwrap();
        assert_eq!(conda.status, Status::Ok);
    }

    #[test]
    fn frozen_pythonw_and_sitecustomize_are_reported() {
        let mut facts = windows_conda(true);
        facts.frozen = true;
        facts.executable = r"C:\Python312\pythonw.exe".into();
        facts.sitecustomize = Some(r"C:\Python312\Lib\site-packages\sitecustomize.py".into());
        facts.sitecustomize_sets_start_method = true;
        facts.start_method_set = Some("spawn".into());
        facts.ipykernel = true;
        facts.host = Some("jupyter".into());
        let found = titles(&assess(&facts));
        for expected in [
            "a frozen application (sys.frozen)",
            "pythonw: no console, sys.stdout is None",
            "a sitecustomize changes multiprocessing's start method",
            "the start method is already set at startup: spawn",
            "Jupyter (ipykernel) is installed",
            "started from Jupyter",
        ] {
            assert!(
                found.iter().any(|(_, title)| title == expected),
                "{expected}: {found:?}"
            );
        }
    }

    /// The `__main__` of a live session, as the probe reports it from there.
    fn session(spec: Option<Option<&str>>, file: Option<(&str, bool)>) -> Facts {
        Facts {
            main_inspected: true,
            main_spec_attribute: spec.is_some(),
            main_spec_name: spec.flatten().map(str::to_string),
            main_file: file.map(|(path, _)| path.to_string()),
            main_file_is_file: file.is_some_and(|(_, exists)| exists),
            ..windows_conda(true)
        }
    }

    fn main_check(facts: &Facts) -> Option<(Status, String)> {
        main_module_check(facts).map(|check| (check.status, check.title))
    }

    #[test]
    fn the_main_module_is_judged_as_multiprocessing_spawn_does() {
        // `python -c PROBE`: the probe's own `__main__` says nothing.
        assert!(main_check(&linux_311()).is_none());
        // Jupyter, the REPL, IDLE's shell, `python -c`: no file, no name.
        let (status, title) = main_check(&session(Some(None), None)).unwrap();
        assert_eq!(status, Status::Warning);
        assert!(title.contains("interactive"), "{title}");
        // pdb before 3.13 drops `__spec__`: Process.start() raises.
        let (status, title) = main_check(&session(None, Some((r"C:\work\job.py", true)))).unwrap();
        assert_eq!(status, Status::Problem);
        assert!(title.contains("no `__spec__`"), "{title}");
        // `python -m pkg`: a module named `__main__` is never imported again.
        let (status, title) = main_check(&session(Some(Some("pkg.__main__")), None)).unwrap();
        assert_eq!(status, Status::Warning);
        assert!(title.contains("`pkg.__main__`"), "{title}");
        // `python -m pkg.cli` and `python job.py` are re-imported.
        let (status, _) = main_check(&session(Some(Some("pkg.cli")), None)).unwrap();
        assert_eq!(status, Status::Ok);
        let (status, _) =
            main_check(&session(Some(None), Some((r"C:\work\job.py", true)))).unwrap();
        assert_eq!(status, Status::Ok);
        // `python - < job.py`: `__file__` is `<stdin>`, which children cannot run.
        let (status, _) = main_check(&session(Some(None), Some(("<stdin>", false)))).unwrap();
        assert_eq!(status, Status::Problem);
        // IPython's `%run` namespace.
        let (status, _) = main_check(&session(
            Some(None),
            Some(("/home/ada/__ipython_main__.py", false)),
        ))
        .unwrap();
        assert_eq!(status, Status::Warning);
    }

    #[test]
    fn the_probe_reports_on_the_real_interpreter() {
        let facts = probe(Path::new("python3")).expect("python3 runs the probe");
        assert_eq!(facts.implementation, "cpython");
        assert!(facts.start_methods.contains(&"spawn".to_string()));
        assert_eq!(
            facts.default_start_method,
            if facts.version[1] >= 14 || facts.platform == "darwin" {
                facts.default_start_method.clone()
            } else {
                "fork".to_string()
            }
        );
        let report = render(&assess(&facts));
        assert!(report.contains("default start method here"));
    }
}
