//! Hostile input: files and trees made to break a linter. Each case puts the
//! hostile file beside a witness (`witness.py`, an unguarded pool: SPS101 at
//! 2:1) and asserts what is said about the hostile file, the exit code, and
//! that the witness was still checked. Big inputs are generated in temporary
//! directories.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const WITNESS: &str = "import multiprocessing as mp\nmp.Pool()\n";
const WITNESS_FINDING: &str = "witness.py:2:1: SPS101";

#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn has_witness(&self) -> bool {
        self.stdout.contains(WITNESS_FINDING)
    }

    /// The concise line reported for `file` (the first), if any.
    fn line_for(&self, file: &str) -> Option<&str> {
        self.stdout
            .lines()
            .find(|line| line.starts_with(&format!("{file}:")))
    }
}

fn spawnsafe(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_spawnsafe"))
        .args(args)
        .args(["--output-format", "concise"])
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs");
    Run {
        code: output
            .status
            .code()
            .unwrap_or_else(|| panic!("spawnsafe was killed: {:?}", output.status)),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// A project with the witness in it.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("witness.py"), WITNESS).unwrap();
    dir
}

fn write(dir: &Path, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, contents).unwrap();
    path
}

/// `check` finds `expected` for `file` and the witness, and exits 1.
fn assert_reported(dir: &Path, args: &[&str], file: &str, expected: &str) -> Run {
    let run = spawnsafe(dir, args);
    let line = run
        .line_for(file)
        .unwrap_or_else(|| panic!("nothing reported for {file}: {run:#?}"));
    assert!(line.contains(expected), "{file}: {line}\n{run:#?}");
    assert!(run.has_witness(), "the witness was not checked: {run:#?}");
    assert_eq!(run.code, 1, "{run:#?}");
    run
}

/// Python sources nested deeper than CPython accepts, and what CPython says
/// (each checked with `python3` 3.11); `import multiprocessing` makes them
/// files the check parses.
fn too_deep() -> Vec<(&'static str, String, &'static str)> {
    let header = "import multiprocessing\n";
    let ifs: String = (0..6_000)
        .map(|level| format!("{}if x:\n", " ".repeat(level)))
        .chain(std::iter::once(format!("{}pass\n", " ".repeat(6_000))))
        .collect();
    vec![
        (
            "sums.py",
            format!("{header}x = {}\n", vec!["1"; 16_000].join("+")),
            "RecursionError: maximum recursion depth exceeded during compilation",
        ),
        (
            "chained.py",
            format!("{header}x = a{}\n", ".b()".repeat(8_000)),
            "RecursionError: maximum recursion depth exceeded during compilation",
        ),
        (
            "calls.py",
            format!(
                "{header}x = {}1{}\n",
                "f(".repeat(12_000),
                ")".repeat(12_000)
            ),
            "SyntaxError: too many nested parentheses",
        ),
        (
            "ifs.py",
            format!("{header}{ifs}"),
            "IndentationError: too many levels of indentation",
        ),
    ]
}

#[test]
fn deep_nesting_is_a_syntax_finding_and_the_run_goes_on() {
    let dir = project();
    // Several copies, so that worker threads take some of them.
    for copy in 0..3 {
        for (name, text, _) in too_deep() {
            write(dir.path(), &format!("copy{copy}/{name}"), text);
        }
    }
    let run = spawnsafe(dir.path(), &["check", ".", "--isolated"]);
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(run.has_witness(), "{run:#?}");
    for copy in 0..3 {
        for (name, _, message) in too_deep() {
            let line = run
                .line_for(&format!("copy{copy}/{name}"))
                .unwrap_or_else(|| panic!("{name}: {run:#?}"));
            assert!(line.contains("SPS001") && line.contains(message), "{line}");
        }
    }
    // `--fix` fixes the witness and leaves the deep files as they are.
    let before = std::fs::read(dir.path().join("copy0/sums.py")).unwrap();
    let fixed = spawnsafe(dir.path(), &["check", ".", "--isolated", "--fix"]);
    assert_eq!(fixed.code, 1, "{fixed:#?}");
    assert!(fixed.line_for("copy0/sums.py").is_some(), "{fixed:#?}");
    assert!(!fixed.has_witness(), "the witness was fixed: {fixed:#?}");
    assert_eq!(
        std::fs::read(dir.path().join("copy0/sums.py")).unwrap(),
        before
    );
}

#[test]
fn code_nested_as_deep_as_cpython_allows_is_analysed() {
    let dir = project();
    let header = "import multiprocessing as mp\n";
    write(
        dir.path(),
        "deep_sum.py",
        format!("{header}x = {}\n", vec!["mp.Pool()"; 2_900].join("+")),
    );
    write(
        dir.path(),
        "deep_calls.py",
        format!(
            "{header}x = {}mp.Pool(){}\n",
            "f(".repeat(199),
            ")".repeat(199)
        ),
    );
    let run = spawnsafe(dir.path(), &["check", ".", "--isolated"]);
    assert_eq!(run.code, 1);
    assert!(run.has_witness());
    assert!(run.line_for("deep_sum.py").unwrap().contains("SPS101"));
    assert!(run.line_for("deep_calls.py").unwrap().contains("SPS101"));
    assert!(!run.stdout.contains("SPS001"), "{run:#?}");
}

#[test]
fn newer_syntax_is_judged_by_the_target_version() {
    let dir = project();
    let text = "import multiprocessing as mp\ntry:\n    pass\nexcept* ValueError:\n    pass\ntype Pair = tuple[int, int]\nmp.Pool()\n";
    write(dir.path(), "modern.py", text);
    // No target: the newest Python the parser knows; the file is analysed.
    let run = spawnsafe(dir.path(), &["check", ".", "--isolated"]);
    assert!(!run.stdout.contains("SPS001"), "{run:#?}");
    assert!(run
        .line_for("modern.py")
        .unwrap()
        .contains("modern.py:7:1: SPS101"));
    // For 3.10, `except*` is a syntax error with the parser's message, and
    // the file is still analysed.
    let run = spawnsafe(
        dir.path(),
        &["check", ".", "--isolated", "--target-version", "py310"],
    );
    assert!(
        run.stdout.contains(
            "modern.py:4:7: SPS001 SyntaxError: Cannot use `except*` on Python 3.10 (syntax was added in Python 3.11)"
        ),
        "{run:#?}"
    );
    assert!(run.stdout.contains("modern.py:7:1: SPS101"), "{run:#?}");
    assert!(run.has_witness());
    // `requires-python` decides when nothing else does.
    write(
        dir.path(),
        "pyproject.toml",
        "[project]\nname = \"x\"\nrequires-python = \">=3.11\"\n[tool.spawnsafe]\n",
    );
    let run = spawnsafe(dir.path(), &["check", "."]);
    assert!(
        run.stdout.contains(
            "modern.py:6:1: SPS001 SyntaxError: Cannot use `type` alias statement on Python 3.11"
        ),
        "{run:#?}"
    );
    assert!(run.stdout.contains("modern.py:7:1: SPS101"));
}

#[test]
fn coding_cookie_aliases_decode_as_cpython_decodes_them() {
    let dir = project();
    let pool = "import multiprocessing as mp\nname = '\u{e9}'\nmp.Pool()\n";
    write(
        dir.path(),
        "utf.py",
        format!("# -*- coding: utf -*-\n{pool}"),
    );
    let mut cp1252 = b"# coding=Windows-1252\n".to_vec();
    cp1252.extend(b"import multiprocessing as mp\nname = '\x80'\nmp.Pool()\n");
    write(dir.path(), "cp1252.py", cp1252);
    write(
        dir.path(),
        "typo.py",
        "# coding: cp-1252\nimport multiprocessing\n",
    );
    let run = spawnsafe(dir.path(), &["check", ".", "--isolated"]);
    assert!(run.stdout.contains("utf.py:4:1: SPS101"), "{run:#?}");
    assert!(run.stdout.contains("cp1252.py:4:1: SPS101"), "{run:#?}");
    assert!(
        run.stdout
            .contains("typo.py:1:1: SPS001 encoding problem: cp-1252"),
        "{run:#?}"
    );
    assert!(run.has_witness());
}

#[test]
fn mixed_tabs_and_spaces_are_a_tab_error_and_not_fixed() {
    let dir = project();
    let text = "import multiprocessing as mp\nif True:\n\tx = 1\n        mp.Pool()\n";
    let path = write(dir.path(), "tabs.py", text);
    assert_reported(
        dir.path(),
        &["check", ".", "--isolated"],
        "tabs.py",
        "tabs.py:4:1: SPS001 TabError: inconsistent use of tabs and spaces in indentation",
    );
    let run = spawnsafe(
        dir.path(),
        &["check", ".", "--isolated", "--fix", "--unsafe-fixes"],
    );
    assert!(run.line_for("tabs.py").is_some(), "{run:#?}");
    assert_eq!(std::fs::read_to_string(path).unwrap(), text);
}

#[test]
fn a_broken_toml_file_elsewhere_is_a_warning() {
    let dir = project();
    write(
        dir.path(),
        "pyproject.toml",
        "[tool.spawnsafe]\nignore = [\"SPS102\"]\n",
    );
    write(
        dir.path(),
        "tools/pyproject.toml",
        "[tool.black\nline-length = 100\n",
    );
    write(dir.path(), "tools/job.py", WITNESS);
    let run = spawnsafe(dir.path(), &["check", "."]);
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(run.has_witness());
    assert!(run.stdout.contains("tools/job.py:2:1: SPS101"), "{run:#?}");
    let root = dir.path().canonicalize().unwrap();
    let warning = format!(
        "spawnsafe: warning: {}: invalid TOML at line 1, column 12: unclosed table, expected `]`",
        root.join("tools/pyproject.toml").display()
    );
    assert!(run.stderr.contains(&warning), "{run:#?}");
    assert!(
        run.stderr.contains(&format!(
            "the files in {} are checked with the settings of {}",
            root.join("tools").display(),
            root.join("pyproject.toml").display()
        )),
        "{run:#?}"
    );
    // A broken `[tool.spawnsafe]` table, or a wrong setting, in the
    // configuration that applies stays an error.
    write(
        dir.path(),
        "tools/pyproject.toml",
        "[tool.spawnsafe\nignore = 1\n",
    );
    let run = spawnsafe(dir.path(), &["check", "."]);
    assert_eq!(run.code, 2, "{run:#?}");
    assert!(
        run.stderr
            .contains("tools/pyproject.toml: invalid TOML at line 1"),
        "{run:#?}"
    );
    write(
        dir.path(),
        "pyproject.toml",
        "[tool.spawnsafe]\nselectt = [\"SPS101\"]\n",
    );
    let run = spawnsafe(dir.path(), &["check", "."]);
    assert_eq!(run.code, 2, "{run:#?}");
    assert!(run.stderr.contains("unknown field `selectt`"), "{run:#?}");
}

#[cfg(unix)]
#[test]
fn the_same_file_twice_is_checked_and_fixed_once() {
    let dir = tempfile::tempdir().unwrap();
    let text = "import multiprocessing\n\nif __name__ == \"main\":\n    print(multiprocessing.cpu_count())\n";
    write(dir.path(), "job.py", text);
    std::os::unix::fs::symlink("job.py", dir.path().join("link.py")).unwrap();
    std::fs::hard_link(dir.path().join("job.py"), dir.path().join("alias.py")).unwrap();
    let run = spawnsafe(dir.path(), &["check", ".", "--isolated"]);
    assert_eq!(run.stdout.matches("SPS102").count(), 1, "{run:#?}");
    assert_eq!(run.code, 1);
    let fixed = spawnsafe(
        dir.path(),
        &["check", ".", "--isolated", "--fix", "--unsafe-fixes"],
    );
    assert_eq!(fixed.code, 0, "{fixed:#?}");
    assert!(!fixed.stderr.contains("changed on disk"), "{fixed:#?}");
    let job = std::fs::read_to_string(dir.path().join("job.py")).unwrap();
    assert!(job.contains("\"__main__\""));
    // Both names still lead to one file, and the link is still a link.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("alias.py")).unwrap(),
        job
    );
    use std::os::unix::fs::MetadataExt;
    assert_eq!(
        std::fs::metadata(dir.path().join("job.py"))
            .unwrap()
            .nlink(),
        2
    );
    assert!(std::fs::symlink_metadata(dir.path().join("link.py"))
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn big_files_and_many_lines() {
    let dir = project();
    // 50 MB of code that cannot matter: read and scanned, not parsed.
    let line = "value = compute(1, 2, 3)  # padding padding padding padding\n";
    let big = line.repeat(50 * 1024 * 1024 / line.len());
    write(dir.path(), "big.py", &big);
    // Over the 64 MiB limit: an I/O finding.
    let huge = std::fs::File::create(dir.path().join("huge.py")).unwrap();
    huge.set_len(65 * 1024 * 1024).unwrap();
    // A million lines, parsed and analysed.
    let mut million = String::from("import multiprocessing as mp\n");
    million.push_str(&"x = 1\n".repeat(1_000_000));
    million.push_str("mp.Pool()\n");
    write(dir.path(), "million.py", &million);
    let run = spawnsafe(dir.path(), &["check", ".", "--isolated"]);
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(run.has_witness());
    assert!(run.line_for("big.py").is_none(), "{run:#?}");
    assert!(
        run.stdout.contains("huge.py:1:1: SPS002")
            && run
                .stdout
                .contains("file is too large to check (68157440 bytes"),
        "{run:#?}"
    );
    assert!(
        run.stdout.contains("million.py:1000002:1: SPS101"),
        "{run:#?}"
    );
}

#[test]
fn odd_bytes_and_line_endings() {
    let dir = project();
    write(dir.path(), "nul.py", b"import multiprocessing\x00\n");
    // A UTF-8-encoded lone surrogate is not UTF-8 (CPython: SyntaxError).
    write(
        dir.path(),
        "surrogate.py",
        b"import multiprocessing\nx = '\xed\xa0\x80'\n",
    );
    // `\ud800` written as an escape is valid Python.
    write(
        dir.path(),
        "escaped.py",
        "import multiprocessing as mp\nx = '\\ud800'\nmp.Pool()\n",
    );
    write(
        dir.path(),
        "cr.py",
        "import multiprocessing as mp\rx = 1\rmp.Pool()\r",
    );
    write(
        dir.path(),
        "bom_latin1.py",
        b"\xef\xbb\xbf# -*- coding: latin-1 -*-\nimport multiprocessing\n",
    );
    write(
        dir.path(),
        "feeds.py",
        "import multiprocessing as mp\n\x0c\ndef f():\n\x0c    pass\n\x0cmp.Pool()\n",
    );
    let run = spawnsafe(dir.path(), &["check", ".", "--isolated"]);
    assert_eq!(run.code, 1);
    assert!(run.has_witness());
    let expect = [
        (
            "nul.py",
            "nul.py:1:1: SPS002 binary file (contains NUL bytes), not Python source",
        ),
        (
            "surrogate.py",
            "surrogate.py:2:1: SPS001 (unicode error) 'utf-8' codec can't decode byte 0xed on line 2",
        ),
        ("escaped.py", "escaped.py:3:1: SPS101"),
        ("cr.py", "cr.py:3:1: SPS101"),
        (
            "bom_latin1.py",
            "bom_latin1.py:1:1: SPS001 encoding problem: iso-8859-1 with BOM",
        ),
        ("feeds.py", "feeds.py:5:2: SPS101"),
    ];
    for (file, line) in expect {
        let reported = run
            .line_for(file)
            .unwrap_or_else(|| panic!("{file}: {run:#?}"));
        assert!(reported.starts_with(line), "{reported}");
    }
}

#[test]
fn odd_notebooks() {
    let dir = project();
    write(dir.path(), "broken.ipynb", "{\"cells\": [");
    write(dir.path(), "not_json.ipynb", b"\xff\xfe");
    write(dir.path(), "empty.ipynb", "");
    write(
        dir.path(),
        "no_cells.ipynb",
        r#"{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}"#,
    );
    write(
        dir.path(),
        "r_kernel.ipynb",
        r#"{"cells": [{"cell_type": "code", "execution_count": null, "id": "a", "metadata": {}, "outputs": [], "source": ["library(parallel)\n"]}], "metadata": {"kernelspec": {"language": "R", "name": "ir", "display_name": "R"}, "language_info": {"name": "R"}}, "nbformat": 4, "nbformat_minor": 5}"#,
    );
    write(
        dir.path(),
        "string_source.ipynb",
        r##"{"cells": [{"cell_type": "markdown", "id": "m", "metadata": {}, "source": "# title"}, {"cell_type": "code", "execution_count": null, "id": "a", "metadata": {}, "outputs": [], "source": "import multiprocessing as mp\ndef double(x):\n    return 2 * x\nwith mp.Pool(2) as pool:\n    print(pool.map(double, [1, 2]))\n"}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}"##,
    );
    let run = spawnsafe(dir.path(), &["check", ".", "--isolated"]);
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(run.has_witness());
    for file in ["broken.ipynb", "not_json.ipynb", "empty.ipynb"] {
        let line = run
            .line_for(file)
            .unwrap_or_else(|| panic!("{file}: {run:#?}"));
        assert!(line.contains("SPS002"), "{line}");
    }
    assert!(run.line_for("no_cells.ipynb").is_none());
    assert!(run.line_for("r_kernel.ipynb").is_none());
    assert!(
        run.line_for("string_source.ipynb")
            .is_some_and(|line| line.starts_with("string_source.ipynb:cell 2:5:20: SPS204")),
        "{run:#?}"
    );
}

/// 100,000 empty files: each read, none parsed.
#[test]
fn a_hundred_thousand_empty_files() {
    let dir = project();
    for folder in 0..100 {
        let folder = dir.path().join(format!("pkg{folder}"));
        std::fs::create_dir(&folder).unwrap();
        for file in 0..1_000 {
            std::fs::File::create(folder.join(format!("m{file}.py"))).unwrap();
        }
    }
    let run = spawnsafe(dir.path(), &["check", ".", "--isolated"]);
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(run.has_witness());
    assert!(run.stdout.contains("in 100001 files checked"), "{run:#?}");
}

#[cfg(unix)]
#[test]
fn symlink_loops_pipes_and_directories_named_like_modules() {
    let dir = project();
    std::fs::create_dir(dir.path().join("pkg")).unwrap();
    std::os::unix::fs::symlink("..", dir.path().join("pkg/up")).unwrap();
    std::os::unix::fs::symlink("self.py", dir.path().join("self.py")).unwrap();
    std::fs::create_dir(dir.path().join("x.py")).unwrap();
    write(dir.path(), "x.py/inner.py", WITNESS);
    let fifo = dir.path().join("pipe.py");
    let status = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(status.success());
    let run = spawnsafe(dir.path(), &["check", ".", "--isolated"]);
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(run.has_witness());
    assert!(run.stdout.contains("x.py/inner.py:2:1: SPS101"), "{run:#?}");
    assert!(run.stderr.contains("symbolic link loop"), "{run:#?}");
    // A pipe named on the command line is reported, not opened (that would wait).
    let run = spawnsafe(
        dir.path(),
        &["check", "pipe.py", "witness.py", "--isolated"],
    );
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(run.has_witness());
    assert!(
        run.stdout.contains(
            "pipe.py:1:1: SPS002 cannot read file: not a regular file (a named pipe), not read"
        ),
        "{run:#?}"
    );
}

/// A file deleted, or changed, between the check and the fix is not fixed,
/// and says so; the others are fixed.
#[test]
fn files_deleted_or_changed_during_fix() {
    use spawnsafe_linter::fixer::{fix_inputs, FixOptions};
    use spawnsafe_linter::linter::read_inputs;
    let dir = tempfile::tempdir().unwrap();
    let typo = "import multiprocessing\n\nif __name__ == \"main\":\n    print(multiprocessing.cpu_count())\n";
    for name in ["kept.py", "deleted.py", "changed.py"] {
        write(dir.path(), name, typo);
    }
    let options = spawnsafe_linter::CheckOptions {
        isolated: true,
        ..Default::default()
    };
    let (mut inputs, mut resolver, _) = read_inputs(&[dir.path().to_path_buf()], &options).unwrap();
    std::fs::remove_file(dir.path().join("deleted.py")).unwrap();
    write(dir.path(), "changed.py", "print('rewritten meanwhile')\n");
    let fix_options = FixOptions {
        unsafe_fixes: true,
        dry_run: false,
    };
    let result = fix_inputs(&mut inputs, &options, fix_options, &mut resolver, None).unwrap();
    let error_of = |name: &str| {
        result
            .files
            .iter()
            .find(|file| file.path.ends_with(name))
            .and_then(|file| file.error.clone())
            .unwrap_or_default()
    };
    assert!(error_of("deleted.py").starts_with("cannot read the file to fix it"));
    assert!(error_of("changed.py").contains("changed on disk"));
    assert!(error_of("kept.py").is_empty());
    assert!(std::fs::read_to_string(dir.path().join("kept.py"))
        .unwrap()
        .contains("\"__main__\""));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("changed.py")).unwrap(),
        "print('rewritten meanwhile')\n"
    );
    assert!(!dir.path().join("deleted.py").exists());
}

/// Files that name no process API (the prefilter does not analyse them) and
/// that CPython refuses to compile still get their syntax finding; a
/// look-alike that compiles gets none. Each message checked with `python3`.
#[test]
fn files_cpython_refuses_are_reported_when_they_name_no_process_api() {
    let dir = project();
    for (name, text, _) in too_deep() {
        let text = text.strip_prefix("import multiprocessing\n").unwrap();
        write(dir.path(), &format!("quiet/{name}"), text);
    }
    write(
        dir.path(),
        "quiet/tabs.py",
        "if True:\n\tx = 1\n        y = 2\n",
    );
    write(dir.path(), "quiet/nul.py", b"x = 1\x00\n");
    write(dir.path(), "quiet/latin.py", b"x = '\xe9'\n");
    write(dir.path(), "quiet/open_string.py", "x = 'abc\ny = 1\n");
    // Compiles: long and flat, consistent tabs, tabs in a continuation line.
    write(
        dir.path(),
        "quiet/flat.py",
        format!("x = [{}]\n", vec!["1"; 4_000].join(", ")),
    );
    write(
        dir.path(),
        "quiet/tabbed.py",
        "if x:\n\tif y:\n\t\tz = (1,\n            2)\n",
    );
    let run = spawnsafe(dir.path(), &["check", ".", "--isolated"]);
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(run.has_witness(), "{run:#?}");
    let expect = [
        ("quiet/sums.py", "quiet/sums.py:1:1: SPS001 RecursionError: maximum recursion depth exceeded during compilation"),
        ("quiet/chained.py", "quiet/chained.py:1:1: SPS001 RecursionError: maximum recursion depth exceeded during compilation"),
        ("quiet/calls.py", "quiet/calls.py:1:406: SPS001 SyntaxError: too many nested parentheses"),
        ("quiet/ifs.py", "quiet/ifs.py:101:1: SPS001 IndentationError: too many levels of indentation"),
        ("quiet/tabs.py", "quiet/tabs.py:3:1: SPS001 TabError: inconsistent use of tabs and spaces in indentation"),
        ("quiet/nul.py", "quiet/nul.py:1:1: SPS002 binary file (contains NUL bytes), not Python source"),
        ("quiet/latin.py", "quiet/latin.py:1:1: SPS001 (unicode error) 'utf-8' codec can't decode byte 0xe9 on line 1"),
        ("quiet/open_string.py", "quiet/open_string.py:1:5: SPS001 SyntaxError"),
    ];
    for (file, line) in expect {
        let reported = run
            .line_for(file)
            .unwrap_or_else(|| panic!("{file}: {run:#?}"));
        assert!(reported.starts_with(line), "{reported}");
    }
    assert!(run.line_for("quiet/flat.py").is_none(), "{run:#?}");
    assert!(run.line_for("quiet/tabbed.py").is_none(), "{run:#?}");
}

/// Names rebound from themselves through what a call returns
/// (`pdf = pdf.set_index("x")["y"]`, written in a dask test) once sent the
/// resolver round in a circle until the stack overflowed and the whole run
/// aborted; each is now followed a bounded number of steps.
#[test]
fn names_rebound_from_themselves_are_followed_a_bounded_number_of_steps() {
    let dir = project();
    write(
        dir.path(),
        "test_frame.py",
        "import multiprocessing\n\n\ndef test_values(df, pdf):\n    pdf = pdf.set_index(\"x\")[\"y\"]\n    pdf = pd.DataFrame()\n    if strings_enabled():\n        assert_eq(values, pdf.x.values)\n    else:\n        assert_eq(df.x.values, pdf.x.values)\n\n\ndef chained(table):\n    table = table()[\"rows\"]()[\"rows\"]\n    table = {\"rows\": table[\"rows\"]}\n    multiprocessing.Process(target=table[\"rows\"])\n",
    );
    let run = spawnsafe(dir.path(), &["check", ".", "--isolated", "--select", "ALL"]);
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(run.has_witness(), "{run:#?}");
    assert!(run.line_for("test_frame.py").is_none(), "{run:#?}");
}
