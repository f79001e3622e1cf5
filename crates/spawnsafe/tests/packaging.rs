//! The PyPI packaging, end to end with the real tools from PyPI:
//! - the wheel that maturin builds from `pyproject.toml` installs into a fresh
//!   venv, and both its `spawnsafe` script and `python -m spawnsafe` check a
//!   project (also from `pip install --target` and `pip install --user`);
//! - the `.pre-commit-hooks.yaml` hooks, installed by the real `pre-commit` from a
//!   throwaway git copy of this repository, block a commit with a finding.
//!
//! Both builds reuse the compiled dependencies of `cargo test`: maturin runs cargo
//! with this workspace's target directory and the profile the tests were built
//! with, so only the two spawnsafe crates (and the few dependencies whose
//! features differ without the dev-dependencies) are compiled again.
//!
//! The tools come from PyPI into a venv under the target directory, made once.
//! Without PyPI (offline) the tests are skipped with a message on the terminal,
//! except where `CI` or `SPAWNSAFE_REQUIRE_PACKAGING_TESTS` is set (`.ci/run`
//! sets the latter): there they must run.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Instant;

const MATURIN: &str = "maturin==1.16.0";
const PRE_COMMIT: &str = "pre-commit==4.7.0";
const PYTEST: &str = "pytest==9.2.0";
/// The C toolchain maturin links with for `--zig`: glibc 2.17 symbols on any Linux.
const ZIGLANG: &str = "ziglang==0.15.2";
const AUDITWHEEL: &str = "auditwheel==6.8.2";

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .unwrap()
        .to_path_buf()
}

/// `target/debug/spawnsafe` → (`target`, `dev`): where and how `cargo test` compiled.
fn cargo_target_and_profile() -> (PathBuf, &'static str) {
    let profile_dir = Path::new(env!("CARGO_BIN_EXE_spawnsafe")).parent().unwrap();
    let profile = match profile_dir.file_name().and_then(|name| name.to_str()) {
        Some("release") => "release",
        _ => "dev",
    };
    (profile_dir.parent().unwrap().to_path_buf(), profile)
}

fn python3() -> String {
    std::env::var("SPAWNSAFE_ORACLE_PYTHON").unwrap_or_else(|_| "python3".to_string())
}

/// The interpreter outside any venv: `pip install --user` is refused inside one.
fn base_python3() -> String {
    let output = run_ok(Command::new(python3()).args([
        "-c",
        "import sys; print(getattr(sys, '_base_executable', sys.executable))",
    ]));
    text(&output.stdout).trim().to_string()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn describe(command: &Command, output: &Output) -> String {
    format!(
        "{command:?}\nexit: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        output.status,
        text(&output.stdout),
        text(&output.stderr)
    )
}

/// Runs `command` (no stdin) and fails the test unless it exits 0.
fn run_ok(command: &mut Command) -> Output {
    let output = command
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|error| panic!("{command:?} could not start: {error}"));
    assert!(output.status.success(), "{}", describe(command, &output));
    output
}

/// Git that ignores the user's and the system's configuration (global hooks, signing).
fn git(dir: &Path) -> Command {
    let mut git = Command::new("git");
    git.current_dir(dir)
        // Never find a repository above the scratch directory.
        .env("GIT_CEILING_DIRECTORIES", std::env::temp_dir())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "spawnsafe")
        .env("GIT_AUTHOR_EMAIL", "dev@spawnsafe.invalid")
        .env("GIT_COMMITTER_NAME", "spawnsafe")
        .env("GIT_COMMITTER_EMAIL", "dev@spawnsafe.invalid");
    git
}

fn packaging_required() -> bool {
    let set = |name: &str| std::env::var(name).is_ok_and(|value| !value.is_empty() && value != "0");
    set("CI") || set("SPAWNSAFE_REQUIRE_PACKAGING_TESTS")
}

/// Says so on the terminal: the test harness captures `eprintln!`, not direct writes.
fn skip(test: &str, reason: &str) {
    let _ = writeln!(
        std::io::stderr(),
        "\n!!! SKIPPED {test}: {reason}\n!!! (set SPAWNSAFE_REQUIRE_PACKAGING_TESTS=1 to make this a failure)\n"
    );
}

/// A venv with the pinned maturin and pre-commit, made once per target directory:
/// `Err` with the reason when PyPI cannot be reached.
fn tools_venv() -> Result<PathBuf, String> {
    static TOOLS: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    static MAKING: Mutex<()> = Mutex::new(());
    let _making = MAKING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    TOOLS.get_or_init(make_tools_venv).clone()
}

fn make_tools_venv() -> Result<PathBuf, String> {
    let pins = format!("{MATURIN} {PRE_COMMIT} {PYTEST} {ZIGLANG} {AUDITWHEEL}");
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("packaging-tools");
    let stamp = venv.join("spawnsafe-pins.txt");
    if std::fs::read_to_string(&stamp).is_ok_and(|installed| installed == pins) {
        return Ok(venv);
    }
    let started = Instant::now();
    let _ = std::fs::remove_dir_all(&venv);
    run_ok(Command::new(python3()).args(["-m", "venv"]).arg(&venv));
    let mut pip = Command::new(venv.join("bin/python"));
    pip.args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
    ])
    .args([MATURIN, PRE_COMMIT, PYTEST, ZIGLANG, AUDITWHEEL]);
    let output = pip.stdin(Stdio::null()).output().unwrap();
    if !output.status.success() {
        if pypi_reachable() {
            panic!(
                "PyPI answers, but installing the tools failed:\n{}",
                describe(&pip, &output)
            );
        }
        return Err(format!(
            "PyPI is unreachable, so {pins} cannot be installed:\n{}",
            text(&output.stderr)
        ));
    }
    std::fs::write(&stamp, &pins).unwrap();
    log_time(&format!("installing {pins}"), started);
    Ok(venv)
}

fn pypi_reachable() -> bool {
    let index =
        std::env::var("PIP_INDEX_URL").unwrap_or_else(|_| "https://pypi.org/simple/".into());
    Command::new(python3())
        .args([
            "-c",
            "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=20)",
        ])
        .arg(index)
        .stdin(Stdio::null())
        .output()
        .is_ok_and(|output| output.status.success())
}

/// The tools, or `None` after a loud skip message (a failure where the tests are required).
fn tools_or_skip(test: &str) -> Option<PathBuf> {
    match tools_venv() {
        Ok(venv) => Some(venv),
        Err(reason) if packaging_required() => panic!("{reason}"),
        Err(reason) => {
            skip(test, &reason);
            None
        }
    }
}

/// Sets what makes maturin (directly or under pip/pre-commit) build with the compiled
/// dependencies of `cargo test`.
fn reuse_cargo_build(command: &mut Command) -> &mut Command {
    let (target, profile) = cargo_target_and_profile();
    command
        .env("CARGO_TARGET_DIR", target)
        .env("MATURIN_PEP517_ARGS", format!("--profile {profile}"))
}

/// Cargo links each build of the binary to `target/<profile>/spawnsafe`, the file the
/// other test binaries run (`CARGO_BIN_EXE_spawnsafe`); maturin's build of it has the same
/// sources but not the dev-dependencies' features. While this lives, builds are one at a
/// time; when it is dropped, `cargo test`'s own build is put back.
struct CargoTestBinaryKept {
    backup: PathBuf,
    _one_build_at_a_time: MutexGuard<'static, ()>,
}

fn keep_cargo_test_binary() -> CargoTestBinaryKept {
    static BUILDING: Mutex<()> = Mutex::new(());
    let one_build_at_a_time = BUILDING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let binary = Path::new(env!("CARGO_BIN_EXE_spawnsafe"));
    let backup = binary.with_file_name(format!(".spawnsafe-cargo-test-{}", std::process::id()));
    let _ = std::fs::remove_file(&backup);
    std::fs::hard_link(binary, &backup).unwrap();
    CargoTestBinaryKept {
        backup,
        _one_build_at_a_time: one_build_at_a_time,
    }
}

impl Drop for CargoTestBinaryKept {
    fn drop(&mut self) {
        // A rename replaces the file at once: nothing ever finds it missing.
        let _ = std::fs::rename(&self.backup, env!("CARGO_BIN_EXE_spawnsafe"));
    }
}

fn log_time(what: &str, started: Instant) {
    let _ = writeln!(
        std::io::stderr(),
        "packaging: {what} took {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

/// `spawnsafe check examples/photo_stats` as the binary `cargo test` built prints it.
fn expected_photo_stats_check() -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_spawnsafe"))
        .args(["check", "examples/photo_stats"])
        .current_dir(workspace_root())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stdout));
    output
}

/// The installed `spawnsafe` (script or `python -m`) checks the example project like the
/// binary itself: the four findings, exit 1.
fn assert_checks_photo_stats(command: &mut Command, expected: &Output) {
    let output = command
        .args(["check", "examples/photo_stats"])
        .current_dir(workspace_root())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let report = text(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        describe(command, &output)
    );
    for finding in [
        "error[SPS104]",
        "error[SPS101]",
        "error[SPS105]",
        "error[SPS201]",
        "--> examples/photo_stats/main.py:21:9",
        "Found 4 findings in 2 files checked.",
    ] {
        assert!(
            report.contains(finding),
            "{finding} missing from:\n{report}"
        );
    }
    assert_eq!(report, text(&expected.stdout), "{command:?}");
}

fn assert_version(command: &mut Command) {
    let output = run_ok(command.arg("--version"));
    assert_eq!(
        text(&output.stdout),
        format!("spawnsafe {VERSION}\n"),
        "{command:?}"
    );
}

#[test]
fn wheel_installs_and_runs_in_a_fresh_venv() {
    let Some(tools) = tools_or_skip("wheel_installs_and_runs_in_a_fresh_venv") else {
        return;
    };
    let root = workspace_root();
    let (_, profile) = cargo_target_and_profile();
    let scratch = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let wheels = scratch.path().join("wheels");

    let started = Instant::now();
    let kept = keep_cargo_test_binary();
    // The release's Linux wheel: linked by zig against glibc 2.17 (manylinux2014),
    // so it installs on every Linux teams run, not only on this machine's glibc.
    let tools_bin = tools.join("bin");
    let path = std::env::join_paths(std::iter::once(tools_bin.clone()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    run_ok(
        reuse_cargo_build(&mut Command::new(tools_bin.join("maturin")))
            .args(["build", "--locked", "--profile", profile])
            .args(["--zig", "--compatibility", "manylinux2014", "--out"])
            .arg(&wheels)
            .env("PATH", &path)
            .current_dir(&root),
    );
    drop(kept);
    log_time("maturin build --zig --compatibility manylinux2014", started);
    let wheel = std::fs::read_dir(&wheels)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| path.extension().is_some_and(|ext| ext == "whl"))
        .expect("maturin wrote a wheel");
    let wheel_name = wheel.file_name().unwrap().to_str().unwrap();
    // A binary-only wheel: any Python 3, one platform.
    assert!(
        wheel_name.starts_with(&format!("spawnsafe-{VERSION}-py3-none-")),
        "{wheel_name}"
    );
    if cfg!(all(target_os = "linux", target_arch = "x86_64")) {
        assert!(
            wheel_name.ends_with("-manylinux2014_x86_64.manylinux_2_17_x86_64.whl"),
            "{wheel_name}"
        );
        // auditwheel reads the binary's symbol versions: it must need nothing newer.
        let shown = run_ok(
            Command::new(tools_bin.join("auditwheel"))
                .arg("show")
                .arg(&wheel),
        );
        let shown = text(&shown.stdout)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            shown.contains(
                "is consistent with the following platform tag: \"manylinux_2_17_x86_64\""
            ),
            "{shown}"
        );
        let _ = writeln!(std::io::stderr(), "packaging: {wheel_name}: {shown}");
    }

    let started = Instant::now();
    let venv = scratch.path().join("venv");
    // A venv without pip of its own (faster to make): the tools' pip installs into it.
    run_ok(
        Command::new(python3())
            .args(["-m", "venv", "--without-pip"])
            .arg(&venv),
    );
    let venv_python = venv.join("bin/python");
    let pip_install = |python: &Path| {
        let mut pip = Command::new(tools.join("bin/python"));
        pip.args(["-m", "pip", "--python"]).arg(python).args([
            "install",
            "--quiet",
            "--no-index",
            "--no-deps",
        ]);
        pip
    };
    run_ok(pip_install(&venv_python).arg(&wheel));
    log_time("venv and pip install", started);

    // The metadata pip installed: the version comes from Cargo.
    let metadata = run_ok(Command::new(&venv_python).args([
        "-c",
        "from importlib.metadata import metadata as m; d = m('spawnsafe'); \
         print(d['Name'], d['Version'], d['Requires-Python'], d['License-Expression'], \
         sorted(d.get_all('Project-URL'))[0], sep='|')",
    ]));
    assert_eq!(
        text(&metadata.stdout),
        format!(
            "spawnsafe|{VERSION}|>=3.8|MIT|Documentation, https://github.com/spawnsafe/spawnsafe#readme\n"
        )
    );

    let expected = expected_photo_stats_check();
    // The console script, and `python -m spawnsafe` from a venv that is not activated
    // (its bin directory is not on PATH).
    assert_checks_photo_stats(&mut Command::new(venv.join("bin/spawnsafe")), &expected);
    assert_checks_photo_stats(
        Command::new(&venv_python).args(["-m", "spawnsafe"]),
        &expected,
    );
    assert_version(&mut Command::new(venv.join("bin/spawnsafe")));
    assert_version(Command::new(&venv_python).args(["-m", "spawnsafe"]));

    // `python -m spawnsafe` passes stdin through and returns the binary's exit status.
    let mut stdin_check = Command::new(&venv_python);
    stdin_check
        .args(["-m", "spawnsafe", "check", "--output-format", "concise"])
        .args(["-", "--stdin-filename", "job.py"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped());
    let mut child = stdin_check.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"import multiprocessing\npool = multiprocessing.Pool()\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        describe(&stdin_check, &output)
    );
    assert!(
        text(&output.stdout).starts_with("job.py:2:8: SPS101 "),
        "{}",
        text(&output.stdout)
    );
    let mut usage_error = Command::new(&venv_python);
    let output = usage_error
        .args(["-m", "spawnsafe", "check", "--no-such-option"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(2),
        "{}",
        describe(&usage_error, &output)
    );

    // `pip install --target DIR`: the binary lands in DIR/bin, beside the package.
    let target_dir = scratch.path().join("target-install");
    run_ok(
        pip_install(&venv_python)
            .arg("--target")
            .arg(&target_dir)
            .arg(&wheel),
    );
    let base_python3 = base_python3();
    assert_version(
        Command::new(&base_python3)
            .args(["-m", "spawnsafe"])
            .env("PYTHONPATH", &target_dir)
            .current_dir(scratch.path()),
    );
    // `pip install --user`: the binary lands in the user scheme's scripts directory.
    let user_base = scratch.path().join("user-base");
    run_ok(
        pip_install(Path::new(&base_python3))
            .arg("--user")
            .arg(&wheel)
            .env("PYTHONUSERBASE", &user_base)
            .env_remove("PIP_REQUIRE_VIRTUALENV"),
    );
    assert_version(
        Command::new(&base_python3)
            .args(["-m", "spawnsafe"])
            .env("PYTHONUSERBASE", &user_base)
            .current_dir(scratch.path()),
    );

    pre_commit_mirror_installs_the_wheel_without_rust(&tools, &wheels);
}

/// The pre-commit mirror layout (`pre-commit-mirror/`, like ruff-pre-commit)
/// installed by the real pre-commit with the wheel just built as the only
/// `spawnsafe` it can find, and no Rust on PATH: nothing is compiled, and
/// the hook blocks a commit with a finding, leaving an excluded file alone.
fn pre_commit_mirror_installs_the_wheel_without_rust(tools: &Path, wheels: &Path) {
    let started = Instant::now();
    let scratch = tempfile::tempdir().unwrap();
    let mirror = scratch.path().join("mirror");
    std::fs::create_dir_all(&mirror).unwrap();
    for name in [".pre-commit-hooks.yaml", "pyproject.toml", "README.md"] {
        std::fs::copy(
            workspace_root().join("pre-commit-mirror").join(name),
            mirror.join(name),
        )
        .unwrap();
    }
    run_ok(git(&mirror).args(["init", "--quiet"]));
    run_ok(git(&mirror).args(["add", "--all"]));
    run_ok(git(&mirror).args(["commit", "--quiet", "--no-verify", "-m", "mirror"]));
    let rev = text(&run_ok(git(&mirror).args(["rev-parse", "HEAD"])).stdout);

    let project = scratch.path().join("project");
    std::fs::create_dir(&project).unwrap();
    run_ok(git(&project).args(["init", "--quiet"]));
    std::fs::write(
        project.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n  - repo: {}\n    rev: {}\n    hooks:\n      - id: spawnsafe-check\n",
            mirror.display(),
            rev.trim()
        ),
    )
    .unwrap();
    std::fs::write(
        project.join("pyproject.toml"),
        "[tool.spawnsafe]\nextend-exclude = [\"legacy\"]\n",
    )
    .unwrap();
    // No cargo, no rustc: only the system's directories and the tools' (git, python).
    let path = std::env::join_paths(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
            .filter(|dir| !dir.join("cargo").exists() && !dir.join("rustc").exists()),
    )
    .unwrap();
    let pre_commit_env = |command: &mut Command| {
        command
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", scratch.path().join("pre-commit-home"))
            .env("PRE_COMMIT_COLOR", "never")
            // The wheel just built is the `spawnsafe` pip finds (PyPI has none yet).
            .env("PIP_FIND_LINKS", wheels)
            .env_remove("PIP_REQUIRE_VIRTUALENV")
            .env_remove("CARGO")
            .env_remove("RUSTC");
    };
    let mut install = Command::new(tools.join("bin/pre-commit"));
    pre_commit_env(install.arg("install").current_dir(&project));
    run_ok(&mut install);
    std::fs::create_dir_all(project.join("legacy")).unwrap();
    let unguarded = "import multiprocessing\n\npool = multiprocessing.Pool()\n";
    std::fs::write(project.join("legacy/old.py"), unguarded).unwrap();
    std::fs::write(project.join("job.py"), unguarded).unwrap();
    run_ok(git(&project).args(["add", "--all"]));
    let mut commit = git(&project);
    pre_commit_env(commit.args(["commit", "-m", "change"]));
    let output = commit.stdin(Stdio::null()).output().unwrap();
    let log = text(&output.stdout) + &text(&output.stderr);
    log_time("pre-commit with the mirror (installs the wheel)", started);
    assert!(!output.status.success(), "{log}");
    assert!(log.contains("--> job.py:3:8"), "{log}");
    // `--force-exclude`: the excluded file was passed, and not checked.
    assert!(!log.contains("legacy/old.py"), "{log}");
    assert!(!log.contains("maturin"), "nothing was built: {log}");
}

/// The mirror's hooks are this repository's hooks (only the heading comment differs).
#[test]
fn pre_commit_mirror_hooks_match_the_repository_hooks() {
    let hooks = |path: &str| -> String {
        let text = std::fs::read_to_string(workspace_root().join(path)).unwrap();
        text.lines()
            .skip_while(|line| line.starts_with('#') || line.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        hooks("pre-commit-mirror/.pre-commit-hooks.yaml"),
        hooks(".pre-commit-hooks.yaml")
    );
    let mirror =
        std::fs::read_to_string(workspace_root().join("pre-commit-mirror/pyproject.toml")).unwrap();
    assert!(mirror.contains(&format!("version = \"{VERSION}\"")));
    assert!(mirror.contains(&format!("dependencies = [\"spawnsafe=={VERSION}\"]")));
}

/// Copies the repository's files as they are on disk, committed or not: the ones git
/// tracks or would track (`.gitignore` applies). Nothing of its `.git` is copied.
fn copy_repository(from: &Path, to: &Path) {
    let listed = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(from)
        .stdin(Stdio::null())
        .output();
    let names: Vec<PathBuf> = match listed {
        Ok(listed) if listed.status.success() => text(&listed.stdout)
            .split('\0')
            .filter(|name| !name.is_empty())
            .map(PathBuf::from)
            .collect(),
        // Not a git checkout (an unpacked archive): what `.gitignore` leaves out, by hand.
        _ => list_files_by_hand(from, Path::new("")),
    };
    for name in names {
        let source = from.join(&name);
        // Tracked but deleted in the working tree.
        if !source.is_file() {
            continue;
        }
        let destination = to.join(&name);
        std::fs::create_dir_all(destination.parent().unwrap()).unwrap();
        std::fs::copy(&source, &destination).unwrap();
    }
}

fn list_files_by_hand(root: &Path, relative: &Path) -> Vec<PathBuf> {
    const IGNORED: &[&str] = &["target", "bench/corpus", "bench/.venv", "bench/wheels"];
    let mut files = Vec::new();
    for entry in std::fs::read_dir(root.join(relative)).unwrap() {
        let entry = entry.unwrap();
        let name = relative.join(entry.file_name());
        if entry.file_name() == ".git"
            || entry.file_name() == "__pycache__"
            || IGNORED.iter().any(|ignored| name == Path::new(ignored))
        {
            continue;
        }
        if entry.file_type().unwrap().is_dir() {
            files.extend(list_files_by_hand(root, &name));
        } else {
            files.push(name);
        }
    }
    files
}

/// A project whose `main.py` calls into `stats.py`: only `stats.py` can start a pool.
const MAIN_PY: &str = "\
from stats import summarise

print(summarise([1, 2, 3]))
";
const STATS_PY: &str = "\
def summarise(values):
    return sum(values) / len(values)
";
const STATS_WITH_POOL_PY: &str = "\
import multiprocessing


def double(value):
    return value * 2


def summarise(values):
    with multiprocessing.Pool(2) as pool:
        return sum(pool.map(double, values)) / len(values)
";
const GUARDED_MAIN_PY: &str = "\
from stats import summarise

if __name__ == \"__main__\":
    print(summarise([1, 2, 3]))
";

#[test]
fn pre_commit_hooks_block_a_commit_with_a_finding() {
    let Some(tools) = tools_or_skip("pre_commit_hooks_block_a_commit_with_a_finding") else {
        return;
    };
    // Outside the target directory: cargo records the sources of a crate built from
    // under it by their full path, so the next build here would compile them again.
    let scratch = tempfile::tempdir().unwrap();

    // The hook repository: pre-commit needs a git repository with a commit, and sees
    // only what is committed, so commit a copy of the working tree.
    let hook_repo = scratch.path().join("hook-repo");
    copy_repository(&workspace_root(), &hook_repo);
    assert!(!hook_repo.join(".git").exists());
    run_ok(git(&hook_repo).args(["init", "--quiet"]));
    run_ok(git(&hook_repo).args(["add", "--all"]));
    run_ok(git(&hook_repo).args(["commit", "--quiet", "--no-verify", "-m", "spawnsafe"]));
    let hook_rev = text(&run_ok(git(&hook_repo).args(["rev-parse", "HEAD"])).stdout);

    let project = scratch.path().join("project");
    std::fs::create_dir(&project).unwrap();
    run_ok(git(&project).args(["init", "--quiet"]));
    assert!(project.join(".git").is_dir());
    std::fs::write(
        project.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n  - repo: {}\n    rev: {}\n    hooks:\n      - id: spawnsafe-check\n      - id: spawnsafe-check-project\n",
            hook_repo.display(),
            hook_rev.trim()
        ),
    )
    .unwrap();
    let pre_commit_env = |command: &mut Command| {
        reuse_cargo_build(command)
            .env("PRE_COMMIT_HOME", scratch.path().join("pre-commit-home"))
            .env("PRE_COMMIT_COLOR", "never")
            .env_remove("PIP_REQUIRE_VIRTUALENV");
    };
    let mut install = Command::new(tools.join("bin/pre-commit"));
    pre_commit_env(install.arg("install").current_dir(&project));
    run_ok(&mut install);
    // Commits `files` with the installed git hook; its output and whether it passed.
    let commit = |files: &[(&str, &str)]| -> (bool, String) {
        for (name, content) in files {
            std::fs::write(project.join(name), content).unwrap();
            run_ok(git(&project).args(["add", name]));
        }
        let mut commit = git(&project);
        pre_commit_env(commit.args(["commit", "-m", "change"]));
        let output = commit.stdin(Stdio::null()).output().unwrap();
        (
            output.status.success(),
            text(&output.stdout) + &text(&output.stderr),
        )
    };

    // The first commit installs the hooks' environment: pip builds the hook
    // repository with maturin.
    let started = Instant::now();
    run_ok(git(&project).args(["add", ".pre-commit-config.yaml"]));
    let kept = keep_cargo_test_binary();
    let (passed, log) = commit(&[("main.py", MAIN_PY), ("stats.py", STATS_PY)]);
    drop(kept);
    log_time(
        "first commit (pre-commit installs the hook from source)",
        started,
    );
    assert!(passed, "{log}");
    assert!(
        log.contains("spawnsafe check....") && log.contains("Passed"),
        "{log}"
    );

    // A change to stats.py alone makes main.py start a pool at import time. The
    // per-file hook sees only stats.py, which is fine by itself; the project hook
    // finds the unguarded call in main.py and blocks the commit.
    let started = Instant::now();
    let (passed, log) = commit(&[("stats.py", STATS_WITH_POOL_PY)]);
    log_time("second commit", started);
    assert!(!passed, "{log}");
    let per_file = log
        .lines()
        .find(|line| line.starts_with("spawnsafe check...."))
        .unwrap_or_else(|| panic!("{log}"));
    assert!(per_file.ends_with("Passed"), "{log}");
    let project_wide = log
        .lines()
        .find(|line| line.starts_with("spawnsafe check (whole project)"))
        .unwrap_or_else(|| panic!("{log}"));
    assert!(project_wide.ends_with("Failed"), "{log}");
    assert!(log.contains("- hook id: spawnsafe-check-project"), "{log}");
    assert!(
        log.contains("error[SPS101]") && log.contains("--> main.py:3:7"),
        "{log}"
    );

    // Guarding main.py fixes it: both hooks pass; main.py itself is checked by the
    // per-file hook.
    let (passed, log) = commit(&[("main.py", GUARDED_MAIN_PY)]);
    assert!(passed, "{log}");
    assert_eq!(log.matches("Passed").count(), 2, "{log}");

    // An unguarded pool in a staged file fails the per-file hook too, with the finding.
    let (passed, log) = commit(&[(
        "job.py",
        "import multiprocessing\n\npool = multiprocessing.Pool()\n",
    )]);
    assert!(!passed, "{log}");
    assert!(log.contains("- hook id: spawnsafe-check\n"), "{log}");
    assert!(log.contains("--> job.py:3:8"), "{log}");

    // A commit without Python files skips both hooks.
    run_ok(git(&project).args(["rm", "--quiet", "--cached", "job.py"]));
    let (passed, log) = commit(&[("notes.txt", "no Python here\n")]);
    assert!(passed, "{log}");
    assert_eq!(
        log.matches("(no files to check)Skipped").count(),
        2,
        "{log}"
    );
}

// ---------------------------------------------------------------------------
// The pytest plugin
// ---------------------------------------------------------------------------

/// The bootstrap and `sitecustomize` the pytest plugin imports from the
/// wheel are the ones `spawnsafe run` embeds: the binary `include_str!`s the
/// Python package's files, and no copy of them is kept anywhere else.
#[test]
fn the_pytest_plugin_bootstrap_is_the_one_run_uses() {
    let root = workspace_root();
    let bootstrap = std::fs::read_to_string(root.join("python/spawnsafe/_bootstrap.py")).unwrap();
    assert_eq!(spawnsafe_runtime::BOOTSTRAP_PY, bootstrap);
    for shipped in ["_bootstrap.py", "_sitecustomize.py"] {
        let text = std::fs::read_to_string(root.join("python/spawnsafe").join(shipped)).unwrap();
        for copy in list_files_by_hand(&root, Path::new("crates")) {
            if copy.extension().is_some_and(|ext| ext == "py") {
                let other = std::fs::read_to_string(root.join(&copy)).unwrap_or_default();
                assert_ne!(
                    other,
                    text,
                    "{} is a copy of python/spawnsafe/{shipped}",
                    copy.display()
                );
            }
        }
    }
}

/// `pytest -p spawnsafe --start-method spawn` on a real suite
/// (tests/data/pytest_suite): the session and a child interpreter default to
/// spawn, a module-level worker passes, and the two failures (a lambda task;
/// a worker the child cannot find) carry spawnsafe's diagnosis, the child's
/// one read from the captured stderr. Without the option the same suite runs
/// under fork, and with the ini option as with the flag.
#[test]
fn pytest_plugin_forces_spawn_and_diagnoses_failures() {
    let Some(tools) = tools_or_skip("pytest_plugin_forces_spawn_and_diagnoses_failures") else {
        return;
    };
    let root = workspace_root();
    let suite = tempfile::tempdir().unwrap();
    for name in ["test_pool.py", "workers.py", "guarded_worker.py"] {
        std::fs::copy(
            root.join("crates/spawnsafe/tests/data/pytest_suite")
                .join(name),
            suite.path().join(name),
        )
        .unwrap();
    }
    let binary_dir = Path::new(env!("CARGO_BIN_EXE_spawnsafe")).parent().unwrap();
    let path = std::env::join_paths(std::iter::once(binary_dir.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let pytest = |args: &[&str]| {
        let output = Command::new(tools.join("bin/python"))
            .args(["-m", "pytest", "-p", "no:cacheprovider"])
            .args(args)
            .current_dir(suite.path())
            .env("PYTHONPATH", root.join("python"))
            .env("PATH", &path)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        (output.status.code(), text(&output.stdout))
    };

    let (code, out) = pytest(&["-p", "spawnsafe", "--start-method", "spawn"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("2 failed, 3 passed"), "{out}");
    assert!(
        out.contains("FAILED test_pool.py::test_a_lambda_task_fails"),
        "{out}"
    );
    assert!(
        out.contains("FAILED test_pool.py::test_a_worker_defined_in_the_guard_fails_in_the_child"),
        "{out}"
    );
    assert_eq!(out.matches("- spawnsafe diagnosis -").count(), 2, "{out}");
    assert!(out.contains("SPS201 unpicklable-callable"), "{out}");
    assert!(out.contains("SPS105 worker-defined-in-guard"), "{out}");
    assert!(
        out.contains("spawnsafe: default start method forced to spawn"),
        "{out}"
    );

    // Without the plugin's option: fork, as Linux on 3.11 (the lambda still fails: Pool pickles tasks).
    let (_, out) = pytest(&["-p", "spawnsafe"]);
    assert!(
        out.contains("FAILED test_pool.py::test_the_session_default_is_spawn"),
        "{out}"
    );
    assert!(
        !out.contains("spawnsafe: default start method forced"),
        "{out}"
    );

    // The ini option does what the flag does.
    let (_, out) = pytest(&["-p", "spawnsafe", "-o", "spawnsafe_start_method=spawn"]);
    assert!(out.contains("2 failed, 3 passed"), "{out}");
}

/// `.github/workflows/release.yml`, read with PyYAML (pre-commit's) as GitHub
/// reads it: a wheel for each platform the README promises, an sdist, and a
/// publish job that waits for all of them and runs only for a `v*` tag or when
/// asked. Its sdist step runs here: `maturin sdist` packs every file the
/// crates embed (`include_str!`) and leaves the test data out.
#[test]
fn release_workflow_builds_every_platform_and_its_sdist_is_complete() {
    let Some(tools) =
        tools_or_skip("release_workflow_builds_every_platform_and_its_sdist_is_complete")
    else {
        return;
    };
    let root = workspace_root();
    let workflow = run_ok(
        Command::new(tools.join("bin/python"))
            .args([
                "-c",
                "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
            ])
            .arg(root.join(".github/workflows/release.yml")),
    );
    let workflow: serde_json::Value = serde_json::from_slice(&workflow.stdout).unwrap();
    // YAML 1.1 reads the key `on` as `true`.
    let trigger = if workflow["on"].is_object() {
        &workflow["on"]
    } else {
        &workflow["true"]
    };
    assert_eq!(trigger["push"]["tags"], serde_json::json!(["v*"]));
    let jobs = workflow["jobs"].as_object().unwrap();
    let mut targets = Vec::new();
    for job in jobs.values() {
        let matrix = &job["strategy"]["matrix"];
        let listed = matrix["target"].as_array().cloned().unwrap_or_default();
        let included = matrix["include"]
            .as_array()
            .map(|rows| rows.iter().map(|row| row["target"].clone()).collect())
            .unwrap_or_else(Vec::new);
        for target in listed.iter().chain(&included) {
            targets.push(target.as_str().unwrap().to_string());
        }
        for step in job["steps"].as_array().unwrap() {
            if step["uses"]
                .as_str()
                .is_some_and(|action| action.starts_with("PyO3/maturin-action"))
                && step["with"]["command"].as_str() != Some("sdist")
            {
                let args = step["with"]["args"].as_str().unwrap();
                assert!(
                    args.contains("--release") && args.contains("--locked"),
                    "{args}"
                );
            }
        }
    }
    targets.sort();
    assert_eq!(
        targets,
        [
            "aarch64-apple-darwin",
            "aarch64-pc-windows-msvc",
            "aarch64-unknown-linux-gnu",
            "aarch64-unknown-linux-musl",
            "x86_64-apple-darwin",
            "x86_64-pc-windows-msvc",
            "x86_64-unknown-linux-gnu",
            "x86_64-unknown-linux-musl",
        ]
    );
    assert_eq!(jobs["linux"]["steps"][2]["with"]["manylinux"], "2014");
    let publish = &jobs["publish"];
    let mut needs: Vec<&str> = publish["needs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|need| need.as_str().unwrap())
        .collect();
    needs.sort_unstable();
    let mut builders: Vec<&str> = jobs
        .keys()
        .map(String::as_str)
        .filter(|job| *job != "publish")
        .collect();
    builders.sort_unstable();
    assert_eq!(needs, builders, "publish waits for every build");
    assert_eq!(
        publish["permissions"]["id-token"], "write",
        "trusted publishing"
    );
    assert!(publish["if"]
        .as_str()
        .unwrap()
        .contains("startsWith(github.ref, 'refs/tags/v')"));

    // The sdist, as the workflow's first job builds it.
    let scratch = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    run_ok(
        Command::new(tools.join("bin/maturin"))
            .args(["sdist", "--out"])
            .arg(scratch.path())
            .current_dir(&root),
    );
    let sdist = scratch.path().join(format!("spawnsafe-{VERSION}.tar.gz"));
    run_ok(
        Command::new("tar")
            .arg("xzf")
            .arg(&sdist)
            .current_dir(scratch.path()),
    );
    let unpacked = scratch.path().join(format!("spawnsafe-{VERSION}"));
    for file in [
        "pyproject.toml",
        "Cargo.lock",
        "python/spawnsafe/__main__.py",
        "crates/spawnsafe/Cargo.toml",
    ] {
        assert!(unpacked.join(file).is_file(), "the sdist lacks {file}");
    }
    assert!(
        !unpacked
            .join("crates/spawnsafe_linter/resources/fixtures")
            .exists()
            || std::fs::read_dir(unpacked.join("crates/spawnsafe_linter/resources/fixtures"))
                .unwrap()
                .next()
                .is_none(),
        "the sdist leaves the fixtures out"
    );
    // Every file a crate embeds is in the sdist, where the source expects it.
    let mut embedded = 0;
    let mut pending = vec![unpacked.join("crates")];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                let source = std::fs::read_to_string(&path).unwrap();
                for part in source.split("include_str!(\"").skip(1) {
                    let relative = part.split('"').next().unwrap();
                    let target = path.parent().unwrap().join(relative);
                    assert!(
                        target.is_file(),
                        "{} embeds {relative}, which the sdist lacks",
                        path.display()
                    );
                    embedded += 1;
                }
            }
        }
    }
    assert!(embedded >= 4, "{embedded} embedded files");
}
