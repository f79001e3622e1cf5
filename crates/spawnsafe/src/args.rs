//! The command line as clap parses it: every subcommand's arguments, with
//! their help. Nothing here acts; `settings.rs` validates what needs it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use spawnsafe_linter::report::OutputFormat;

const EXAMPLES: &str = "\
Examples:
  spawnsafe check                      Check every Python file under the current directory
  spawnsafe check src/ scripts/run.py  Check some paths
  spawnsafe check --select SPS1        Only the main-module import-safety rules
  spawnsafe check --fix                Apply the safe fixes (add `--unsafe-fixes` for the others)
  spawnsafe check --diff               Show what `--fix` would change, change nothing
  spawnsafe check --output-format json Machine-readable findings
  spawnsafe check --output-format sarif --output-file spawnsafe.sarif
                                       SARIF 2.1.0 for code scanning, written to a file
  cat job.py | spawnsafe check - --stdin-filename job.py
  spawnsafe rule SPS101                What SPS101 is about, and how to fix it
  spawnsafe run job.py                 Run job.py with spawn forced, as on Windows
  spawnsafe doctor                     What this Python's setup means for multiprocessing
  spawnsafe explain traceback.txt      Name the spawn/forkserver failure in a traceback or log
  pbpaste | spawnsafe explain          ... read from the standard input
  spawnsafe server                     The Language Server editors start (LSP over stdio)

Exit status: 0 no findings, 1 findings, 2 usage, configuration or internal error.";

#[derive(Parser)]
#[command(
    name = "spawnsafe",
    version,
    about = "Finds Python multiprocessing code that breaks under the spawn and forkserver start methods \
             (Windows, macOS, and Linux with Python 3.14+).",
    after_help = EXAMPLES
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Check Python files for spawn/forkserver hazards.
    #[command(after_help = EXAMPLES)]
    Check(CheckArgs),
    /// Show a rule's documentation (`spawnsafe rule SPS101`, `spawnsafe rule --all`).
    Rule(RuleArgs),
    /// Run a Python program with spawn (or forkserver) forced as the default
    /// start method, as on Windows, macOS or Python 3.14, and diagnose its failure.
    #[command(after_help = RUN_EXAMPLES)]
    Run(RunArgs),
    /// Inspect the Python interpreter that will run the code: its start
    /// methods, and what in its setup breaks multiprocessing.
    Doctor(DoctorArgs),
    /// Explain a traceback or console log: name the spawn/forkserver failure,
    /// say what to change, and check the files it names when they exist here.
    #[command(after_help = EXPLAIN_HELP)]
    Explain(ExplainArgs),
    /// Run the Language Server (LSP, on stdin/stdout) that editors start:
    /// findings as diagnostics, fixes as code actions, rule docs on hover.
    Server(ServerArgs),
    /// Print spawnsafe's version.
    Version(VersionArgs),
    /// Print a shell completion script (`spawnsafe completions bash > ...`).
    Completions(CompletionsArgs),
}

#[derive(Args)]
pub struct ServerArgs {
    /// Accepted for clients that pass it; stdio is the only transport.
    #[arg(long, hide = true)]
    pub stdio: bool,
}

#[derive(Args)]
pub struct VersionArgs {
    /// `text` or `json`.
    #[arg(long, value_enum, default_value = "text")]
    pub output_format: TextOrJson,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum TextOrJson {
    Text,
    Json,
}

#[derive(Args)]
pub struct CompletionsArgs {
    /// The shell to write the completion script for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Args)]
pub struct DoctorArgs {
    /// The interpreter to inspect (default: the active virtualenv or conda
    /// environment, else `python3` on PATH).
    #[arg(long, value_name = "PATH")]
    pub python: Option<PathBuf>,
    /// Print the facts and checks as JSON.
    #[arg(long)]
    pub json: bool,
    /// Print Python code to run inside a live session (a Jupyter cell, IDLE's
    /// shell, a debugger's console): it checks that session's `__main__` too.
    #[arg(long, conflicts_with_all = ["python", "facts"])]
    pub session_probe: bool,
    /// Judge these facts (JSON from the probe, `-` for stdin) instead of
    /// running the probe.
    #[arg(long, value_name = "FILE", conflicts_with = "python")]
    pub facts: Option<PathBuf>,
}

const RUN_EXAMPLES: &str = "\
Examples:
  spawnsafe run train.py --epochs 3      Run a script as Windows would (spawn)
  spawnsafe run -m pkg.cli serve         Run a module, like `python -m`
  spawnsafe run -m pytest tests/         A test suite, as on Windows
  spawnsafe run --start-method forkserver job.py
                                         As Linux on Python 3.14+ would
  spawnsafe run -- make test             Any command: every Python it starts gets the default

The program's stdin, stdout, stderr and exit code pass through; a failure that
spawnsafe knows is explained after the program's output (on stderr). On
--timeout the program and its children are stopped and the exit status is 124.";

#[derive(Args)]
pub struct RunArgs {
    /// The start method to force as the default: spawn (Windows, macOS),
    /// forkserver (Linux, Python 3.14+) or windows (spawn, and no fork contexts).
    #[arg(long, default_value = "spawn", value_parser = ["spawn", "forkserver", "windows"])]
    pub start_method: String,
    /// The Python interpreter (default: the active virtualenv or conda
    /// environment, else `python3` on PATH).
    #[arg(long, value_name = "PATH")]
    pub python: Option<PathBuf>,
    /// Stop the program (and its children) after this many seconds: a hang is diagnosed too.
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// After the program, print the outcome and diagnosis as JSON on stderr
    /// (the program's stderr is then not echoed, but included).
    #[arg(long)]
    pub json: bool,
    /// Run a module, like `python -m MODULE`.
    #[arg(short = 'm', value_name = "MODULE")]
    pub module: Option<String>,
    /// The script and its arguments; with `-m`, the module's arguments; after
    /// `--`, any command that starts Python, and its arguments.
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "SCRIPT|-- COMMAND"
    )]
    pub args: Vec<String>,
}

const EXPLAIN_HELP: &str = "\
Examples:
  spawnsafe explain traceback.txt      A saved traceback or CI log
  python job.py 2>&1 | spawnsafe explain
  spawnsafe explain ci.log --path-map /home/runner/work/app/app=.
                                       Map the CI machine's paths to this checkout

Exit status: 0 a known failure was explained, 1 the text has no failure spawnsafe knows,
2 usage or input error.";

#[derive(Args)]
pub struct ExplainArgs {
    /// The file with the traceback; `-` or nothing reads the standard input.
    pub file: Option<PathBuf>,
    /// Print the explanation as JSON.
    #[arg(long)]
    pub json: bool,
    /// Do not run the static check on the files named in the traceback.
    #[arg(long)]
    pub no_check: bool,
    /// Read paths starting with FROM as starting with TO (`FROM=TO`; repeatable),
    /// for tracebacks from another machine.
    #[arg(long, value_name = "FROM=TO")]
    pub path_map: Vec<String>,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Args)]
pub struct CheckArgs {
    /// Files or directories to check; `-` reads the standard input.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// How to print findings.
    #[arg(long, value_enum, default_value = "full")]
    pub output_format: OutputFormat,
    /// Write the report to this file (created or truncated) instead of the standard output.
    #[arg(long, value_name = "PATH")]
    pub output_file: Option<PathBuf>,
    /// Print the number of findings per rule instead of the findings
    /// (with `--output-format full`, `concise` or `json`).
    #[arg(long)]
    pub statistics: bool,
    /// Exit 0 even when there are findings.
    #[arg(long)]
    pub exit_zero: bool,
    /// Exit 1 when a fix was applied (with `--fix` or `--fix-only`), even if
    /// no finding remains: for pre-commit hooks and CI that must notice changes.
    #[arg(long)]
    pub exit_non_zero_on_fix: bool,
    /// Only these rules: codes, code prefixes (`SPS1`), names or `ALL`, comma
    /// separated (replaces the configuration's `select`).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// These rules too, on top of the selection (e.g. the advice rule SPS303).
    #[arg(long, value_delimiter = ',')]
    pub extend_select: Vec<String>,
    /// Leave out these rules: codes, code prefixes or names, comma separated.
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// The platforms the code must work on: windows, macos, linux (comma separated).
    #[arg(long, value_delimiter = ',')]
    pub target_platforms: Vec<String>,
    /// The Python version the code runs on (`py312` or `3.12`); default: the
    /// project's `requires-python`, else every version from 3.8 on.
    #[arg(long)]
    pub target_version: Option<String>,
    /// Use this configuration file for every file (`pyproject.toml` with
    /// `[tool.spawnsafe]`, or `spawnsafe.toml`); or, given as `KEY = VALUE`
    /// in TOML (`--config "ignore = ['SPS303']"`), override one setting
    /// (repeatable).
    #[arg(long, value_name = "PATH|KEY=VALUE")]
    pub config: Vec<String>,
    /// Exclude these files and directories (globs, comma separated): replaces
    /// the configuration's `exclude`.
    #[arg(long, value_delimiter = ',')]
    pub exclude: Vec<String>,
    /// Exclude these too (globs, comma separated).
    #[arg(long, value_delimiter = ',')]
    pub extend_exclude: Vec<String>,
    /// Ignore rules in some files: `PATTERN:CODES` (`tests/*:SPS101,SPS302`), repeatable.
    #[arg(long, value_name = "PATTERN:CODES")]
    pub per_file_ignores: Vec<String>,
    /// Ignore every configuration file.
    #[arg(long)]
    pub isolated: bool,
    /// Check the files that `.gitignore`, `.ignore` and `.git/info/exclude`
    /// hide too.
    #[arg(long)]
    pub no_respect_gitignore: bool,
    /// Apply `exclude` to the files named on the command line too (they are
    /// otherwise always checked): for pre-commit and editors, which name files.
    #[arg(long)]
    pub force_exclude: bool,
    /// The file name to report for source read from `-`.
    #[arg(long)]
    pub stdin_filename: Option<PathBuf>,
    /// Print only the findings, not the summary.
    #[arg(short, long)]
    pub quiet: bool,
    /// Also say how many files were found and analysed, and how long it took (on stderr).
    #[arg(short, long)]
    pub verbose: bool,
    /// Colour: on a terminal (auto), always or never. `NO_COLOR` turns auto off.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    /// Apply the safe fixes, re-checking until nothing is left to fix, and
    /// report what remains.
    #[arg(long)]
    pub fix: bool,
    /// Also apply (with `--fix`) or show (with `--diff`) the unsafe fixes,
    /// which may change what the program does.
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print a unified diff of what the fixes would change; write nothing.
    /// Exit 1 when there is something to change.
    #[arg(long, conflicts_with_all = ["fix", "fix_only"])]
    pub diff: bool,
    /// Apply the fixes like `--fix`, but do not report the findings left.
    #[arg(long)]
    pub fix_only: bool,
    /// After the report, list the fixes applied, per file.
    #[arg(long)]
    pub show_fixes: bool,
    /// Add `# noqa: CODE` to every line with a finding (keeping the codes and
    /// comments already there), so a legacy codebase starts clean.
    #[arg(long, conflicts_with_all = ["fix", "fix_only", "diff", "statistics"])]
    pub add_noqa: bool,
    /// Check again whenever a Python or configuration file under the paths
    /// changes (a burst of changes is checked once), until interrupted.
    #[arg(long, conflicts_with_all = ["diff", "fix_only", "add_noqa"])]
    pub watch: bool,
    /// Print the files a check would read (after ignore files and `exclude`), and stop.
    #[arg(long, conflicts_with_all = ["fix", "fix_only", "diff", "add_noqa", "show_settings"])]
    pub show_files: bool,
    /// Print the settings that apply to the first file found, each with where
    /// it came from (command line, configuration file or default), and stop.
    #[arg(long, conflicts_with_all = ["fix", "fix_only", "diff", "add_noqa"])]
    pub show_settings: bool,
    /// Parse every Python file, not only those that can matter (slower; the same
    /// findings, plus syntax errors in files that cannot matter).
    #[arg(long, hide = true)]
    pub no_prefilter: bool,
}

#[derive(Args)]
pub struct RuleArgs {
    /// A rule code or name.
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub code: Option<String>,
    /// Print every rule's documentation.
    #[arg(long)]
    pub all: bool,
    /// `text` (the Markdown page) or `json` (code, name, severity, url and the page).
    #[arg(long, value_enum, default_value = "text")]
    pub output_format: TextOrJson,
}
