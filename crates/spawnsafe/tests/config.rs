//! Configuration files, command-line overrides, target platforms and versions,
//! and `# noqa` suppressions, through the real binary.

use std::path::Path;
use std::process::Command;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_spawnsafe"))
        .args(args)
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

fn check(dir: &Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "check",
        "--output-format",
        "concise",
        "--quiet",
        "--color",
        "never",
    ];
    args.extend_from_slice(extra);
    run(dir, &args)
}

/// `(file:row, code)` of each finding.
fn findings(run: &Run) -> Vec<(String, String)> {
    run.stdout
        .lines()
        .map(|line| {
            let mut parts = line.splitn(4, ':');
            let file = parts.next().unwrap_or_default();
            let row = parts.next().unwrap_or_default();
            let _column = parts.next();
            let code = parts
                .next()
                .unwrap_or_default()
                .split_whitespace()
                .next()
                .unwrap_or_default();
            (format!("{file}:{row}"), code.to_string())
        })
        .collect()
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A script with an unguarded pool (SPS101) and a lambda sent to a Process (SPS201).
const UNSAFE: &str = "\
import multiprocessing as mp


def work(x):
    return x


pool = mp.Pool(2)
if __name__ == \"__main__\":
    mp.Process(target=lambda: None).start()
";

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app.py", UNSAFE);
    dir
}

#[test]
fn no_configuration_reports_both() {
    let dir = project();
    let run = check(dir.path(), &[]);
    assert_eq!(
        findings(&run),
        [
            ("app.py:8".into(), "SPS101".into()),
            ("app.py:10".into(), "SPS201".into())
        ]
    );
    assert!(
        run.stdout
            .contains("(on Windows, macOS, and Linux with Python 3.14+)"),
        "{}",
        run.stdout
    );
}

#[test]
fn pyproject_select_and_ignore() {
    let dir = project();
    write(
        dir.path(),
        "pyproject.toml",
        "[tool.spawnsafe]\nignore = [\"SPS101\"]\n",
    );
    assert_eq!(
        findings(&check(dir.path(), &[])),
        [("app.py:10".into(), "SPS201".into())]
    );
    write(
        dir.path(),
        "pyproject.toml",
        "[tool.spawnsafe]\nselect = [\"SPS1\"]\n",
    );
    assert_eq!(
        findings(&check(dir.path(), &[])),
        [("app.py:8".into(), "SPS101".into())]
    );
    // The command line's --select replaces the file's.
    assert_eq!(
        findings(&check(dir.path(), &["--select", "SPS201"])),
        [("app.py:10".into(), "SPS201".into())]
    );
}

#[test]
fn spawnsafe_toml_and_extend_select() {
    let dir = project();
    write(
        dir.path(),
        "spawnsafe.toml",
        "select = [\"SPS101\"]\nextend-select = [\"unpicklable-callable\"]\n",
    );
    assert_eq!(findings(&check(dir.path(), &[])).len(), 2);
}

#[test]
fn per_file_ignores_and_exclude() {
    let dir = project();
    write(dir.path(), "scripts/tool.py", UNSAFE);
    write(dir.path(), "generated/gen.py", UNSAFE);
    write(
        dir.path(),
        "pyproject.toml",
        "[tool.spawnsafe]\nextend-exclude = [\"generated\"]\n[tool.spawnsafe.per-file-ignores]\n\"scripts/*.py\" = [\"SPS101\"]\n",
    );
    let found = findings(&check(dir.path(), &[]));
    assert!(
        !found
            .iter()
            .any(|(place, _)| place.starts_with("generated")),
        "{found:?}"
    );
    assert!(
        found.contains(&("scripts/tool.py:10".into(), "SPS201".into())),
        "{found:?}"
    );
    assert!(
        !found.contains(&("scripts/tool.py:8".into(), "SPS101".into())),
        "{found:?}"
    );
    // A file named on the command line is checked even when excluded.
    let named = findings(&check(dir.path(), &["generated/gen.py"]));
    assert_eq!(named.len(), 2, "{named:?}");
}

#[test]
fn linux_on_312_means_fork_unless_the_code_picks_spawn() {
    let dir = project();
    write(
        dir.path(),
        "pyproject.toml",
        "[tool.spawnsafe]\ntarget-platforms = [\"linux\"]\ntarget-version = \"py312\"\n",
    );
    assert_eq!(
        findings(&check(dir.path(), &[])),
        Vec::<(String, String)>::new()
    );
    // The same code that pins spawn fails on Linux 3.12 too.
    write(
        dir.path(),
        "app.py",
        &UNSAFE.replace(
            "pool = mp.Pool(2)",
            "mp.set_start_method(\"spawn\", force=True)\npool = mp.Pool(2)",
        ),
    );
    let run = check(dir.path(), &[]);
    assert_eq!(findings(&run).len(), 2, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("since the code selects the spawn start method"),
        "{}",
        run.stdout
    );
}

#[test]
fn requires_python_decides_the_linux_default() {
    let dir = project();
    write(
        dir.path(),
        "pyproject.toml",
        "[project]\nname = \"app\"\nrequires-python = \">=3.9,<3.13\"\n[tool.spawnsafe]\ntarget-platforms = [\"linux\", \"macos\"]\n",
    );
    let run = check(dir.path(), &[]);
    assert!(run.stdout.contains("(on macOS)"), "{}", run.stdout);
    write(
        dir.path(),
        "pyproject.toml",
        "[project]\nname = \"app\"\nrequires-python = \">=3.10\"\n[tool.spawnsafe]\ntarget-platforms = [\"linux\"]\n",
    );
    let run = check(dir.path(), &[]);
    assert!(
        run.stdout.contains("(on Linux with Python 3.14+)"),
        "{}",
        run.stdout
    );
}

#[test]
fn command_line_targets() {
    let dir = project();
    let run = check(dir.path(), &["--target-platforms", "windows"]);
    assert!(run.stdout.contains("(on Windows)"), "{}", run.stdout);
    let run = check(
        dir.path(),
        &["--target-platforms", "linux", "--target-version", "3.11"],
    );
    assert_eq!(findings(&run), Vec::<(String, String)>::new());
}

#[test]
fn closest_configuration_wins() {
    let dir = project();
    write(
        dir.path(),
        "pyproject.toml",
        "[tool.spawnsafe]\nignore = [\"SPS101\"]\n",
    );
    write(dir.path(), "sub/spawnsafe.toml", "ignore = [\"SPS201\"]\n");
    write(dir.path(), "sub/job.py", UNSAFE);
    let found = findings(&check(dir.path(), &[]));
    assert!(
        found.contains(&("app.py:10".into(), "SPS201".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&("sub/job.py:8".into(), "SPS101".into())),
        "{found:?}"
    );
    assert_eq!(found.len(), 2, "{found:?}");
}

#[test]
fn pyproject_without_a_spawnsafe_table_is_skipped() {
    let dir = project();
    write(
        dir.path(),
        "pyproject.toml",
        "[tool.spawnsafe]\nignore = [\"SPS101\"]\n",
    );
    write(
        dir.path(),
        "sub/pyproject.toml",
        "[tool.black]\nline-length = 100\n",
    );
    write(dir.path(), "sub/job.py", UNSAFE);
    let found = findings(&check(dir.path(), &[]));
    assert!(!found.iter().any(|(_, code)| code == "SPS101"), "{found:?}");
}

#[test]
fn explicit_config_and_isolated() {
    let dir = project();
    write(
        dir.path(),
        "pyproject.toml",
        "[tool.spawnsafe]\nignore = [\"SPS101\"]\n",
    );
    write(dir.path(), "other.toml", "ignore = [\"SPS201\"]\n");
    assert_eq!(findings(&check(dir.path(), &[])).len(), 1);
    assert_eq!(findings(&check(dir.path(), &["--isolated"])).len(), 2);
    assert_eq!(
        findings(&check(dir.path(), &["--config", "other.toml"])),
        [("app.py:8".into(), "SPS101".into())]
    );
}

#[test]
fn configuration_errors_name_the_file_and_key() {
    let dir = project();
    write(
        dir.path(),
        "pyproject.toml",
        "[tool.spawnsafe]\nselectt = [\"SPS101\"]\n",
    );
    let run = check(dir.path(), &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("pyproject.toml") && run.stderr.contains("selectt"),
        "{}",
        run.stderr
    );

    write(
        dir.path(),
        "pyproject.toml",
        "[tool.spawnsafe]\ntarget-platforms = [\"amiga\"]\n",
    );
    let run = check(dir.path(), &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("target-platforms") && run.stderr.contains("amiga"),
        "{}",
        run.stderr
    );

    write(
        dir.path(),
        "pyproject.toml",
        "[tool.spawnsafe]\ntarget-version = \"py27\"\n",
    );
    let run = check(dir.path(), &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("target-version") && run.stderr.contains("py27"),
        "{}",
        run.stderr
    );

    write(
        dir.path(),
        "pyproject.toml",
        "[tool.spawnsafe]\nignore = [\"SPS9\"]\n",
    );
    let run = check(dir.path(), &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("ignore") && run.stderr.contains("SPS9"),
        "{}",
        run.stderr
    );

    write(
        dir.path(),
        "pyproject.toml",
        "[tool.spawnsafe\nignore = 1\n",
    );
    let run = check(dir.path(), &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("pyproject.toml") && run.stderr.contains("TOML"),
        "{}",
        run.stderr
    );

    write(
        dir.path(),
        "pyproject.toml",
        "[tool.spawnsafe]\nignore = \"SPS101\"\n",
    );
    let run = check(dir.path(), &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("ignore"), "{}", run.stderr);
}

#[test]
fn noqa_comments() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app.py",
        &UNSAFE
            .replace(
                "pool = mp.Pool(2)",
                "pool = mp.Pool(2)  # noqa: SPS101 -- a demo",
            )
            .replace(".start()", ".start()  # noqa: E501"),
    );
    assert_eq!(
        findings(&check(dir.path(), &[])),
        [("app.py:10".into(), "SPS201".into())]
    );
    write(
        dir.path(),
        "app.py",
        &UNSAFE.replace(".start()", ".start()  # NOQA"),
    );
    assert_eq!(
        findings(&check(dir.path(), &[])),
        [("app.py:8".into(), "SPS101".into())]
    );
    // Text that only looks like a comment, inside a string, suppresses nothing.
    write(
        dir.path(),
        "app.py",
        &UNSAFE.replace("pool = mp.Pool(2)", "pool = mp.Pool(2); note = '# noqa'"),
    );
    assert_eq!(findings(&check(dir.path(), &[])).len(), 2);
}

#[test]
fn file_level_exemptions() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.py", &format!("# spawnsafe: noqa\n{UNSAFE}"));
    write(
        dir.path(),
        "b.py",
        &format!("# spawnsafe: noqa: SPS201\n{UNSAFE}"),
    );
    assert_eq!(
        findings(&check(dir.path(), &[])),
        [("b.py:9".into(), "SPS101".into())]
    );
}

/// `--per-file-ignores`, `--exclude`, `--extend-exclude` and `--config KEY=VALUE`:
/// the configuration's settings from the command line, on top of the files'.
#[test]
fn configuration_settings_on_the_command_line() {
    let dir = project();
    write(dir.path(), "scripts/tool.py", UNSAFE);
    write(dir.path(), "generated/gen.py", UNSAFE);
    write(
        dir.path(),
        "pyproject.toml",
        "[tool.spawnsafe]\nextend-exclude = [\"generated\"]\n",
    );
    let all = findings(&check(dir.path(), &[]));
    assert_eq!(all.len(), 4, "{all:?}");
    // Added to the file's per-file-ignores.
    let ignored = findings(&check(
        dir.path(),
        &["--per-file-ignores", "scripts/*.py:SPS101,SPS201"],
    ));
    assert_eq!(
        ignored,
        [
            ("app.py:8".into(), "SPS101".into()),
            ("app.py:10".into(), "SPS201".into())
        ]
    );
    // --extend-exclude adds to the file's; --exclude replaces the `exclude`
    // list (the defaults, `build` among them), as in Ruff.
    assert_eq!(
        findings(&check(dir.path(), &["--extend-exclude", "scripts"])).len(),
        2
    );
    write(dir.path(), "build/out.py", UNSAFE);
    assert_eq!(findings(&check(dir.path(), &[])).len(), 4);
    let replaced = findings(&check(dir.path(), &["--exclude", "scripts"]));
    assert_eq!(
        replaced,
        [
            ("app.py:8".into(), "SPS101".into()),
            ("app.py:10".into(), "SPS201".into()),
            ("build/out.py:8".into(), "SPS101".into()),
            ("build/out.py:10".into(), "SPS201".into())
        ]
    );
    // --config KEY=VALUE, in TOML, as the key would be in the file.
    assert_eq!(
        findings(&check(
            dir.path(),
            &[
                "--config",
                "ignore = ['SPS201']",
                "--config",
                "per-file-ignores = {'scripts/*' = ['SPS101']}"
            ]
        )),
        [("app.py:8".into(), "SPS101".into())]
    );
    let unknown = check(dir.path(), &["--config", "colour = 'red'"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown
            .stderr
            .contains("`--config colour`: unknown setting"),
        "{}",
        unknown.stderr
    );
    let bad = check(dir.path(), &["--per-file-ignores", "no-colon"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("expected PATTERN:CODES"),
        "{}",
        bad.stderr
    );
}

/// `--watch` checks, then checks again after a change (once for a burst).
#[test]
fn watch_checks_again_after_a_change() {
    use std::io::{BufRead, BufReader};
    let dir = project();
    let mut child = Command::new(env!("CARGO_BIN_EXE_spawnsafe"))
        .args(["check", "--watch", "--output-format", "concise", "."])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let (sender, lines) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if sender.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let wait_for = |wanted: &str| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let line = lines
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no `{wanted}` within 60 s"));
            if line.contains(wanted) {
                return;
            }
        }
    };
    wait_for("Found 2 findings in 1 file checked.");
    write(
        dir.path(),
        "app.py",
        "import multiprocessing as mp\n\nif __name__ == \"__main__\":\n    mp.Pool(2)\n",
    );
    wait_for("All checks passed (1 file checked).");
    write(dir.path(), "more.py", UNSAFE);
    wait_for("Found 2 findings in 2 files checked.");
    child.kill().unwrap();
    child.wait().unwrap();
}

/// `extend = "..."`: a shared base configuration, overridden key by key; the
/// `extend-` lists add up; a cycle is an error naming the file.
#[test]
fn extend_a_base_configuration() {
    let dir = project();
    write(dir.path(), "generated/gen.py", UNSAFE);
    write(dir.path(), "scripts/tool.py", UNSAFE);
    write(
        dir.path(),
        "shared/base.toml",
        "ignore = [\"SPS201\"]\nextend-exclude = [\"generated\"]\n",
    );
    write(
        dir.path(),
        "pyproject.toml",
        "[tool.spawnsafe]\nextend = \"shared/base.toml\"\nextend-exclude = [\"scripts\"]\n",
    );
    assert_eq!(
        findings(&check(dir.path(), &[])),
        [("app.py:8".into(), "SPS101".into())]
    );
    // The file's own key wins over the base's.
    write(
        dir.path(),
        "pyproject.toml",
        "[tool.spawnsafe]\nextend = \"shared/base.toml\"\nignore = [\"SPS101\"]\n",
    );
    assert_eq!(
        findings(&check(dir.path(), &[])),
        [
            ("app.py:10".into(), "SPS201".into()),
            ("scripts/tool.py:10".into(), "SPS201".into())
        ]
    );
    write(
        dir.path(),
        "shared/base.toml",
        "extend = \"../pyproject.toml\"\n",
    );
    let cycle = check(dir.path(), &[]);
    assert_eq!(cycle.code, 2);
    assert!(cycle.stderr.contains("(a cycle)"), "{}", cycle.stderr);
}
