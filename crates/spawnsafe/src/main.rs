//! The `spawnsafe` command line: a thin layer over `spawnsafe_core`.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use spawnsafe_core::fixer::{fix_paths, fix_stdin, unified_diff, FixOptions, FixResult};
use spawnsafe_core::report::{render, render_statistics, OutputFormat};
use spawnsafe_core::settings::Overrides;
use spawnsafe_core::{check_paths, check_stdin, CheckOptions, CheckResult, Rule};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
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
}

#[derive(Args)]
struct ServerArgs {
    /// Accepted for clients that pass it; stdio is the only transport.
    #[arg(long, hide = true)]
    stdio: bool,
}

#[derive(Args)]
struct DoctorArgs {
    /// The interpreter to inspect (default: the active virtualenv or conda
    /// environment, else `python3` on PATH).
    #[arg(long, value_name = "PATH")]
    python: Option<PathBuf>,
    /// Print the facts and checks as JSON.
    #[arg(long)]
    json: bool,
    /// Print Python code to run inside a live session (a Jupyter cell, IDLE's
    /// shell, a debugger's console): it checks that session's `__main__` too.
    #[arg(long, conflicts_with_all = ["python", "facts"])]
    session_probe: bool,
    /// Judge these facts (JSON from the probe, `-` for stdin) instead of
    /// running the probe.
    #[arg(long, value_name = "FILE", conflicts_with = "python")]
    facts: Option<PathBuf>,
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
struct RunArgs {
    /// The start method to force as the default: spawn (Windows, macOS),
    /// forkserver (Linux, Python 3.14+) or windows (spawn, and no fork contexts).
    #[arg(long, default_value = "spawn", value_parser = ["spawn", "forkserver", "windows"])]
    start_method: String,
    /// The Python interpreter (default: the active virtualenv or conda
    /// environment, else `python3` on PATH).
    #[arg(long, value_name = "PATH")]
    python: Option<PathBuf>,
    /// Stop the program (and its children) after this many seconds: a hang is diagnosed too.
    #[arg(long, value_name = "SECONDS")]
    timeout: Option<f64>,
    /// After the program, print the outcome and diagnosis as JSON on stderr
    /// (the program's stderr is then not echoed, but included).
    #[arg(long)]
    json: bool,
    /// Run a module, like `python -m MODULE`.
    #[arg(short = 'm', value_name = "MODULE")]
    module: Option<String>,
    /// The script and its arguments; with `-m`, the module's arguments; after
    /// `--`, any command that starts Python, and its arguments.
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "SCRIPT|-- COMMAND"
    )]
    args: Vec<String>,
}

/// Whether `spawnsafe run ... -- COMMAND` was given: clap drops the `--`, so
/// the raw arguments tell a command from a script.
fn run_has_command_separator() -> bool {
    let arguments: Vec<String> = std::env::args().collect();
    let Some(run) = arguments.iter().position(|argument| argument == "run") else {
        return false;
    };
    let mut words = arguments[run + 1..].iter();
    while let Some(word) = words.next() {
        match word.as_str() {
            "--" => return true,
            "--python" | "--timeout" | "--start-method" | "-m" => {
                words.next();
            }
            option if option.starts_with('-') => {}
            _ => return false,
        }
    }
    false
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
struct ExplainArgs {
    /// The file with the traceback; `-` or nothing reads the standard input.
    file: Option<PathBuf>,
    /// Print the explanation as JSON.
    #[arg(long)]
    json: bool,
    /// Do not run the static check on the files named in the traceback.
    #[arg(long)]
    no_check: bool,
    /// Read paths starting with FROM as starting with TO (`FROM=TO`; repeatable),
    /// for tracebacks from another machine.
    #[arg(long, value_name = "FROM=TO")]
    path_map: Vec<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// Each finding with a code frame, notes and help.
    Full,
    /// One line per finding: `path:row:column: CODE message`.
    Concise,
    /// A JSON array of findings.
    Json,
    /// One JSON object per line, with the fields of `json`.
    JsonLines,
    /// GitHub Actions workflow commands (annotations on the lines).
    Github,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// JUnit XML: a test suite per file, a failing test case per finding.
    Junit,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Args)]
struct CheckArgs {
    /// Files or directories to check; `-` reads the standard input.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// How to print findings.
    #[arg(long, value_enum, default_value = "full")]
    output_format: Format,
    /// Write the report to this file (created or truncated) instead of the standard output.
    #[arg(long, value_name = "PATH")]
    output_file: Option<PathBuf>,
    /// Print the number of findings per rule instead of the findings
    /// (with `--output-format full`, `concise` or `json`).
    #[arg(long)]
    statistics: bool,
    /// Exit 0 even when there are findings.
    #[arg(long)]
    exit_zero: bool,
    /// Only these rules: codes, code prefixes (`SPS1`), names or `ALL`, comma
    /// separated (replaces the configuration's `select`).
    #[arg(long, value_delimiter = ',')]
    select: Vec<String>,
    /// These rules too, on top of the selection (e.g. the advice rule SPS303).
    #[arg(long, value_delimiter = ',')]
    extend_select: Vec<String>,
    /// Leave out these rules: codes, code prefixes or names, comma separated.
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// The platforms the code must work on: windows, macos, linux (comma separated).
    #[arg(long, value_delimiter = ',')]
    target_platforms: Vec<String>,
    /// The Python version the code runs on (`py312` or `3.12`); default: the
    /// project's `requires-python`, else every version from 3.8 on.
    #[arg(long)]
    target_version: Option<String>,
    /// Use this configuration file for every file (`pyproject.toml` with
    /// `[tool.spawnsafe]`, or `spawnsafe.toml`).
    #[arg(long, conflicts_with = "isolated")]
    config: Option<PathBuf>,
    /// Ignore every configuration file.
    #[arg(long)]
    isolated: bool,
    /// The file name to report for source read from `-`.
    #[arg(long)]
    stdin_filename: Option<PathBuf>,
    /// Print only the findings, not the summary.
    #[arg(short, long)]
    quiet: bool,
    /// Also say how many files were found and analysed, and how long it took (on stderr).
    #[arg(short, long)]
    verbose: bool,
    /// Colour: on a terminal (auto), always or never. `NO_COLOR` turns auto off.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorChoice,
    /// Apply the safe fixes, re-checking until nothing is left to fix, and
    /// report what remains.
    #[arg(long)]
    fix: bool,
    /// Also apply (with `--fix`) or show (with `--diff`) the unsafe fixes,
    /// which may change what the program does.
    #[arg(long)]
    unsafe_fixes: bool,
    /// Print a unified diff of what the fixes would change; write nothing.
    /// Exit 1 when there is something to change.
    #[arg(long, conflicts_with_all = ["fix", "fix_only"])]
    diff: bool,
    /// Apply the fixes like `--fix`, but do not report the findings left.
    #[arg(long)]
    fix_only: bool,
    /// After the report, list the fixes applied, per file.
    #[arg(long)]
    show_fixes: bool,
    /// Parse every Python file, not only those that can matter (slower; the same
    /// findings, plus syntax errors in files that cannot matter).
    #[arg(long, hide = true)]
    no_prefilter: bool,
}

#[derive(Args)]
struct RuleArgs {
    /// A rule code or name.
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    code: Option<String>,
    /// Print every rule's documentation.
    #[arg(long)]
    all: bool,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let result = match cli.command {
        Command::Check(args) => run_check(args),
        Command::Rule(args) => run_rule(args),
        Command::Run(args) => run_program(args),
        Command::Doctor(args) => run_doctor(args),
        Command::Explain(args) => run_explain(args),
        Command::Server(_) => return ExitCode::from(spawnsafe_server::serve() as u8),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("spawnsafe: error: {message}");
            ExitCode::from(2)
        }
    }
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

fn run_check(args: CheckArgs) -> Result<ExitCode, String> {
    let options = CheckOptions {
        prefilter: !args.no_prefilter,
        config: args.config.clone(),
        isolated: args.isolated,
        overrides: Overrides {
            select: args.select.clone(),
            extend_select: args.extend_select.clone(),
            ignore: args.ignore.clone(),
            target_platforms: args.target_platforms.clone(),
            target_version: args.target_version.clone(),
        },
    };
    let started = std::time::Instant::now();
    let reads_stdin = args.paths.iter().any(|path| path.as_os_str() == "-");
    let fixing = args.fix || args.fix_only || args.diff;
    let stdin = if reads_stdin {
        if args.paths.len() > 1 {
            return Err("`-` (standard input) cannot be combined with other paths".to_string());
        }
        let mut contents = Vec::new();
        std::io::stdin()
            .read_to_end(&mut contents)
            .map_err(|err| format!("cannot read standard input: {err}"))?;
        let filename = args
            .stdin_filename
            .clone()
            .unwrap_or_else(|| PathBuf::from("-"));
        Some((contents, filename))
    } else {
        None
    };
    let mut fixed: Option<FixResult> = None;
    let result: CheckResult = match (stdin, fixing) {
        (Some((contents, filename)), false) => check_stdin(contents, &filename, &options)?,
        (None, false) => check_paths(&args.paths, &options)?,
        (Some((contents, filename)), true) => {
            let mut fix_result =
                fix_stdin(contents.clone(), &filename, &options, args.unsafe_fixes)?;
            let check = std::mem::take(&mut fix_result.check);
            if !args.diff {
                // Like Ruff: the fixed source goes to the standard output, the report to stderr.
                let text = match fix_result.files.first() {
                    Some(file) if file.error.is_none() => file.fixed_bytes.clone(),
                    _ => contents,
                };
                let _ = std::io::stdout().write_all(&text);
            }
            fixed = Some(fix_result);
            check
        }
        (None, true) => {
            let fix_options = FixOptions {
                unsafe_fixes: args.unsafe_fixes,
                dry_run: args.diff,
            };
            let mut fix_result = fix_paths(&args.paths, &options, fix_options)?;
            let check = std::mem::take(&mut fix_result.check);
            fixed = Some(fix_result);
            check
        }
    };
    if let Some(fix_result) = &fixed {
        for file in &fix_result.files {
            if let Some(error) = &file.error {
                eprintln!("spawnsafe: error: {}: {error}", file.display_path);
            }
        }
        if fix_result.did_not_converge {
            eprintln!(
                "spawnsafe: warning: fixes were still being found after {} rounds; run `--fix` again and report the file",
                spawnsafe_core::fixer::MAX_ROUNDS
            );
        }
        if args.diff {
            return print_diff(fix_result, &args);
        }
    }
    let report_to_stderr = reads_stdin && fixing;

    if args.verbose {
        eprintln!(
            "spawnsafe: {} Python files found, {} could matter and were analysed, in {:.0?}",
            result.files_found,
            result.files_analysed,
            started.elapsed()
        );
    }
    for warning in &result.warnings {
        eprintln!("spawnsafe: warning: {warning}");
    }
    // A file is not a terminal: `auto` writes it without colour.
    let color =
        use_color(args.color) && (args.output_file.is_none() || args.color == ColorChoice::Always);
    let format = match args.output_format {
        Format::Full => OutputFormat::Full,
        Format::Concise => OutputFormat::Concise,
        Format::Json => OutputFormat::Json,
        Format::JsonLines => OutputFormat::JsonLines,
        Format::Github => OutputFormat::Github,
        Format::Sarif => OutputFormat::Sarif,
        Format::Junit => OutputFormat::Junit,
    };
    let fixed_count = fixed.as_ref().map_or(0, FixResult::findings_fixed);
    if args.fix_only {
        if !args.quiet {
            eprintln!(
                "Fixed {fixed_count} finding{}.",
                if fixed_count == 1 { "" } else { "s" }
            );
        }
        if args.show_fixes {
            eprint!("{}", show_fixes(fixed.as_ref()));
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = if args.statistics {
        render_statistics(&result.diagnostics, format, color).ok_or_else(|| {
            "`--statistics` supports `--output-format full`, `concise` or `json`".to_string()
        })?
    } else {
        render(&result.diagnostics, format, color)
    };
    let summarise =
        format.is_human_readable() && (!args.statistics || result.diagnostics.is_empty());
    if !args.quiet && summarise {
        let count = result.diagnostics.len();
        if count == 0 && fixed_count == 0 {
            out.push_str(&format!(
                "All checks passed ({} file{} checked).\n",
                result.files_found,
                if result.files_found == 1 { "" } else { "s" }
            ));
        } else if fixed.is_some() {
            out.push_str(&format!(
                "Found {} finding{} ({fixed_count} fixed, {count} remaining) in {} file{} checked.\n",
                count + fixed_count,
                if count + fixed_count == 1 { "" } else { "s" },
                result.files_found,
                if result.files_found == 1 { "" } else { "s" }
            ));
        } else {
            out.push_str(&format!(
                "Found {count} finding{} in {} file{} checked.\n",
                if count == 1 { "" } else { "s" },
                result.files_found,
                if result.files_found == 1 { "" } else { "s" }
            ));
        }
        out.push_str(&fixable_hint(&result, args.unsafe_fixes));
    }
    if args.show_fixes && fixed.is_some() {
        out.push_str(&show_fixes(fixed.as_ref()));
    }
    if report_to_stderr {
        eprint!("{out}");
    } else {
        write_report(&out, args.output_file.as_deref())?;
    }
    if result.diagnostics.is_empty() || args.exit_zero {
        Ok(ExitCode::SUCCESS)
    } else {
        Ok(ExitCode::from(1))
    }
}

/// `[*] 2 fixable with the `--fix` option.`, as Ruff says it.
fn fixable_hint(result: &CheckResult, unsafe_fixes: bool) -> String {
    let (mut safe, mut hidden) = (0, 0);
    for diagnostic in &result.diagnostics {
        match &diagnostic.fix {
            Some(fix) if fix.is_applicable(unsafe_fixes) => safe += 1,
            Some(_) => hidden += 1,
            None => {}
        }
    }
    let option = if unsafe_fixes {
        "`--fix --unsafe-fixes`"
    } else {
        "`--fix`"
    };
    match (safe, hidden) {
        (0, 0) => String::new(),
        (0, hidden) => format!(
            "No fixes available ({hidden} hidden fix{} can be enabled with the `--unsafe-fixes` option).\n",
            if hidden == 1 { "" } else { "es" }
        ),
        (safe, 0) => format!("[*] {safe} fixable with the {option} option.\n"),
        (safe, hidden) => format!(
            "[*] {safe} fixable with the {option} option ({hidden} hidden fix{} can be enabled with the `--unsafe-fixes` option).\n",
            if hidden == 1 { "" } else { "es" }
        ),
    }
}

/// The fixes applied, per file (`--show-fixes`).
fn show_fixes(fixed: Option<&FixResult>) -> String {
    let Some(fixed) = fixed else {
        return String::new();
    };
    let files: Vec<_> = fixed
        .files
        .iter()
        .filter(|file| !file.applied.is_empty())
        .collect();
    if files.is_empty() {
        return "\nNo findings were fixed.\n".to_string();
    }
    let mut out = format!(
        "\nApplied {} fix{}:\n",
        fixed.fixes_applied(),
        if fixed.fixes_applied() == 1 { "" } else { "es" }
    );
    for file in files {
        out.push_str(&format!("- {}:\n", file.display_path));
        let mut counts: Vec<(Rule, usize)> = Vec::new();
        for (rule, _) in &file.applied {
            match counts.iter_mut().find(|(seen, _)| seen == rule) {
                Some((_, count)) => *count += 1,
                None => counts.push((*rule, 1)),
            }
        }
        for (rule, count) in counts {
            out.push_str(&format!(
                "    {count} × {} ({})\n",
                rule.code(),
                rule.name()
            ));
        }
    }
    out
}

/// `--diff`: the unified diffs of the fixes, and `Would fix N findings.` on stderr.
fn print_diff(fixed: &FixResult, args: &CheckArgs) -> Result<ExitCode, String> {
    let mut out = String::new();
    for file in fixed.files.iter().filter(|file| !file.applied.is_empty()) {
        out.push_str(&unified_diff(file));
        out.push('\n');
    }
    write_report(&out, args.output_file.as_deref())?;
    let changes = fixed.fixes_applied();
    let count = fixed.findings_fixed().max(usize::from(changes > 0));
    if !args.quiet {
        if changes == 0 {
            eprintln!("No fixes to apply.");
        } else {
            eprintln!(
                "Would fix {count} finding{}.",
                if count == 1 { "" } else { "s" }
            );
        }
    }
    Ok(if changes == 0 || args.exit_zero {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Writes the report to the standard output, or to `--output-file` (its
/// directory is created when missing, like Ruff does).
fn write_report(out: &str, output_file: Option<&Path>) -> Result<(), String> {
    if let Some(path) = output_file {
        let written = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => std::fs::create_dir_all(parent),
            _ => Ok(()),
        }
        .and_then(|()| std::fs::write(path, out.as_bytes()));
        return written.map_err(|err| format!("cannot write `{}`: {err}", path.display()));
    }
    let mut stdout = std::io::stdout().lock();
    if let Err(err) = stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
    {
        if err.kind() != std::io::ErrorKind::BrokenPipe {
            return Err(format!("cannot write output: {err}"));
        }
    }
    Ok(())
}

fn run_program(args: RunArgs) -> Result<ExitCode, String> {
    use spawnsafe_core::run::{run, Program, RunOptions};
    let program = match (&args.module, run_has_command_separator()) {
        (Some(_), true) => {
            return Err("give either `-m MODULE` or `-- COMMAND`, not both".to_string())
        }
        (Some(module), false) => Program::Module(module.clone(), args.args.clone()),
        (None, true) => {
            if args.args.is_empty() {
                return Err("`--` needs a command to run".to_string());
            }
            Program::Command(args.args.clone())
        }
        (None, false) => {
            let (script, rest) = args
                .args
                .split_first()
                .ok_or("nothing to run: give a script, `-m MODULE` or `-- COMMAND`")?;
            Program::Script(PathBuf::from(script), rest.to_vec())
        }
    };
    let timeout = match args.timeout {
        Some(seconds) if seconds.is_finite() && seconds > 0.0 => {
            Some(std::time::Duration::from_secs_f64(seconds))
        }
        Some(_) => return Err("`--timeout` must be a positive number of seconds".to_string()),
        None => None,
    };
    let options = RunOptions {
        start_method: args.start_method.clone(),
        python: args.python.clone(),
        timeout,
        echo_stderr: !args.json,
    };
    let outcome = run(&program, &options)?;
    let diagnosis = spawnsafe_core::run::diagnose(&program, &outcome, &args.start_method);
    if args.json {
        eprintln!("{}", diagnosis.to_json(&outcome));
    } else if let Some(text) = diagnosis.render() {
        eprint!("{text}");
    }
    let code = if outcome.timed_out {
        124
    } else {
        outcome.exit_code
    };
    Ok(ExitCode::from(u8::try_from(code & 0xff).unwrap_or(1)))
}

fn run_doctor(args: DoctorArgs) -> Result<ExitCode, String> {
    use spawnsafe_core::doctor::{
        assess, facts_from_json, probe, render, render_json, session_probe, Status,
    };
    if args.session_probe {
        let binary = std::env::current_exe()
            .map_err(|err| format!("cannot find spawnsafe's own path: {err}"))?;
        print!("{}", session_probe(&binary));
        return Ok(ExitCode::SUCCESS);
    }
    let (python, facts) = match &args.facts {
        Some(path) => {
            let text = if path.as_os_str() == "-" {
                let mut text = String::new();
                std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
                    .map_err(|err| format!("cannot read the facts from stdin: {err}"))?;
                text
            } else {
                std::fs::read_to_string(path)
                    .map_err(|err| format!("cannot read {}: {err}", path.display()))?
            };
            let facts = facts_from_json(&text)?;
            (PathBuf::from(&facts.executable), facts)
        }
        None => {
            let python = spawnsafe_core::run::find_python(args.python.as_deref())?;
            let facts = probe(&python)?;
            (python, facts)
        }
    };
    let checks = assess(&facts);
    if args.json {
        println!("{}", render_json(&python, &facts, &checks));
    } else {
        print!("{}", render(&checks));
    }
    let problem = checks.iter().any(|check| check.status == Status::Problem);
    Ok(if problem {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn run_rule(args: RuleArgs) -> Result<ExitCode, String> {
    let mut out = String::new();
    if args.all {
        for rule in Rule::ALL {
            out.push_str(rule.docs());
            out.push('\n');
        }
    } else {
        let code = args.code.unwrap_or_default();
        let rule = Rule::from_code_or_name(&code).ok_or_else(|| {
            let known: Vec<&str> = Rule::ALL.iter().map(|rule| rule.code()).collect();
            format!("unknown rule `{code}` (known rules: {})", known.join(", "))
        })?;
        out.push_str(rule.docs());
    }
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

fn run_explain(args: ExplainArgs) -> Result<ExitCode, String> {
    let bytes = match &args.file {
        Some(path) if path.as_os_str() != "-" => {
            std::fs::read(path).map_err(|err| format!("cannot read `{}`: {err}", path.display()))?
        }
        _ => {
            let mut contents = Vec::new();
            std::io::stdin()
                .read_to_end(&mut contents)
                .map_err(|err| format!("cannot read standard input: {err}"))?;
            contents
        }
    };
    let text = String::from_utf8_lossy(&bytes);
    let mut path_map = Vec::new();
    for mapping in &args.path_map {
        let (from, to) = mapping
            .split_once('=')
            .ok_or_else(|| format!("`--path-map {mapping}`: expected FROM=TO"))?;
        path_map.push((from.to_string(), PathBuf::from(to)));
    }
    let options = spawnsafe_core::explain::ExplainOptions {
        check_local: !args.no_check,
        base_dir: None,
        path_map,
    };
    let explanation = spawnsafe_core::explain::explain(&text, &options);
    let out = if args.json {
        spawnsafe_core::explain::render_json(&explanation)
    } else {
        spawnsafe_core::explain::render_text(&explanation)
    };
    write_report(&out, None)?;
    Ok(if explanation.is_known() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
