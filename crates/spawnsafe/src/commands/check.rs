//! `spawnsafe check`: report the findings, or fix them (`--fix`,
//! `--fix-only`, `--diff`).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use spawnsafe_linter::fixer::{
    fix_paths, fix_stdin, unified_diff, FixOptions, FixResult, MAX_ROUNDS,
};
use spawnsafe_linter::report::RenderOptions;
use spawnsafe_linter::settings::Resolver;
use spawnsafe_linter::{check_paths, check_stdin, CheckResult};

use crate::args::CheckArgs;
use crate::printer::{self, count, FixCounts};
use crate::settings::{CheckSettings, FixMode, Input};

pub fn check(args: CheckArgs) -> Result<ExitCode, String> {
    let settings = CheckSettings::from_args(args)?;
    if settings.nothing_left {
        // Every file named was excluded: like Ruff, a quiet success.
        return Ok(ExitCode::SUCCESS);
    }
    match settings.fix_mode {
        FixMode::AddNoqa => return super::add_noqa::add_noqa(&settings),
        FixMode::ShowFiles => return super::show::show_files(&settings),
        FixMode::ShowSettings => return super::show::show_settings(&settings),
        _ => {}
    }
    if settings.watch {
        return super::watch::watch(&settings);
    }
    check_once(&settings)
}

/// One check (or fix) of the input, printed; its exit status.
pub fn check_once(settings: &CheckSettings) -> Result<ExitCode, String> {
    let started = Instant::now();
    let stdin = match &settings.input {
        Input::Stdin(filename) => {
            let mut contents = Vec::new();
            std::io::stdin()
                .read_to_end(&mut contents)
                .map_err(|err| format!("cannot read standard input: {err}"))?;
            Some((contents, filename.clone()))
        }
        Input::Paths(_) => None,
    };
    if settings.fix_mode == FixMode::Report {
        let result = match (&stdin, &settings.input) {
            (Some((contents, filename)), _) => {
                check_stdin(contents.clone(), filename, &settings.options)?
            }
            (None, Input::Paths(paths)) => check_paths(paths, &settings.options)?,
            (None, Input::Stdin(_)) => unreachable!("the standard input was read"),
        };
        print_warnings(settings, &result, started);
        let out = printer::report(
            &result,
            None,
            &settings.printer,
            settings.unsafe_fixes,
            &render_options(settings),
        );
        printer::write_report(&out, settings.printer.output_file.as_deref())?;
        return Ok(exit(!result.diagnostics.is_empty(), 0, settings));
    }

    let fixed = match (&stdin, &settings.input) {
        (Some((contents, filename)), _) => fix_stdin(
            contents.clone(),
            filename,
            &settings.options,
            settings.unsafe_fixes,
        )?,
        (None, Input::Paths(paths)) => fix_paths(
            paths,
            &settings.options,
            FixOptions {
                unsafe_fixes: settings.unsafe_fixes,
                dry_run: settings.fix_mode == FixMode::Diff,
            },
        )?,
        (None, Input::Stdin(_)) => unreachable!("the standard input was read"),
    };
    for file in &fixed.files {
        if let Some(error) = &file.error {
            eprintln!("spawnsafe: error: {}: {error}", file.display_path);
        }
    }
    if fixed.did_not_converge {
        eprintln!(
            "spawnsafe: warning: fixes were still being found after {MAX_ROUNDS} rounds; run `--fix` again and report the file"
        );
    }
    print_warnings(settings, &fixed.check, started);
    // The standard input is never written: its fixed text is the output.
    let dry_run = stdin.is_some() || settings.fix_mode == FixMode::Diff;
    let counts = FixCounts::of(&fixed, dry_run);
    match settings.fix_mode {
        FixMode::Diff => diff(&fixed, counts, settings),
        FixMode::ApplyOnly => {
            if let Some((contents, _)) = &stdin {
                print_fixed_stdin(&fixed, contents)?;
            }
            if !settings.printer.quiet {
                if counts.fixes == 0 {
                    eprintln!("No fixes applied.");
                } else {
                    eprintln!("Fixed {}.", count(counts.fixed, "finding"));
                }
            }
            if settings.printer.show_fixes {
                eprint!("{}", printer::show_fixes(&fixed.files));
            }
            Ok(exit(false, counts.fixes, settings))
        }
        FixMode::Apply => {
            let out = printer::report(
                &fixed.check,
                Some((counts, &fixed.files)),
                &settings.printer,
                settings.unsafe_fixes,
                &render_options(settings),
            );
            if let Some((contents, _)) = &stdin {
                // Like Ruff: the fixed source goes to the standard output, the report to stderr.
                print_fixed_stdin(&fixed, contents)?;
                eprint!("{out}");
            } else {
                printer::write_report(&out, settings.printer.output_file.as_deref())?;
            }
            Ok(exit(
                !fixed.check.diagnostics.is_empty(),
                counts.fixes,
                settings,
            ))
        }
        FixMode::Report | FixMode::AddNoqa | FixMode::ShowFiles | FixMode::ShowSettings => {
            unreachable!("handled above")
        }
    }
}

/// The exit status: 1 for findings (unless `--exit-zero`), or for fixes
/// applied with `--exit-non-zero-on-fix`.
fn exit(findings: bool, fixes_applied: usize, settings: &CheckSettings) -> ExitCode {
    let report_fixes = settings.exit_non_zero_on_fix && fixes_applied > 0;
    if report_fixes || (findings && !settings.exit_zero) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn print_fixed_stdin(fixed: &FixResult, contents: &[u8]) -> Result<(), String> {
    let text = match fixed.files.first() {
        Some(file) if printer::lands(file, true) => &file.fixed_bytes[..],
        _ => contents,
    };
    printer::write_stdout(text)
}

/// `--diff`: the unified diffs of the fixes, and `Would fix N findings.` on
/// stderr; exit 1 when there is something to change.
fn diff(
    fixed: &FixResult,
    counts: FixCounts,
    settings: &CheckSettings,
) -> Result<ExitCode, String> {
    let mut out = String::new();
    for file in fixed.files.iter().filter(|file| printer::lands(file, true)) {
        out.push_str(&unified_diff(file));
        out.push('\n');
    }
    printer::write_report(&out, settings.printer.output_file.as_deref())?;
    if !settings.printer.quiet {
        if counts.fixes == 0 {
            eprintln!("No fixes to apply.");
        } else {
            eprintln!("Would fix {}.", count(counts.fixed, "finding"));
        }
    }
    Ok(if counts.fixes == 0 || settings.exit_zero {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Discovery's warnings, `--verbose`'s numbers, and, when ignore files hid
/// every Python file, how many and how to check them.
fn print_warnings(settings: &CheckSettings, result: &CheckResult, started: Instant) {
    if settings.verbose {
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
    if let Input::Paths(paths) = &settings.input {
        if result.files_found == 0 {
            eprintln!("spawnsafe: warning: {}", no_files_found(paths, settings));
        }
    }
}

/// Why no Python file was found: none there, or ignore files hid them.
fn no_files_found(paths: &[PathBuf], settings: &CheckSettings) -> String {
    let hidden = if settings.options.respect_gitignore {
        count_hidden_by_ignore_files(paths, settings)
    } else {
        0
    };
    if hidden == 0 {
        "no Python files found under the given paths".to_string()
    } else {
        format!(
            "no Python files found: ignore files (`.gitignore`, `.ignore`, `.git/info/exclude`) hide {}; pass `--no-respect-gitignore` to check {}",
            count(hidden, "Python file"),
            if hidden == 1 { "it" } else { "them" },
        )
    }
}

/// The Python files under `paths` that discovery would check if it did not
/// read ignore files (the configuration's `exclude` still applies).
fn count_hidden_by_ignore_files(paths: &[PathBuf], settings: &CheckSettings) -> usize {
    let Ok(mut resolver) = Resolver::new(
        settings.options.config.as_deref(),
        settings.options.isolated,
        settings.options.overrides.clone(),
    ) else {
        return 0;
    };
    let mut hidden = 0;
    for root in paths.iter().filter(|path| path.is_dir()) {
        let walker = ignore::WalkBuilder::new(root)
            .hidden(true)
            .git_ignore(false)
            .git_global(false)
            .git_exclude(false)
            .ignore(false)
            .parents(false)
            .build();
        hidden += walker
            .filter_map(Result::ok)
            .filter(|entry| entry.file_type().is_some_and(|kind| kind.is_file()))
            .filter(|entry| is_python_file(entry.path()))
            .filter(|entry| {
                let absolute = std::path::absolute(entry.path())
                    .unwrap_or_else(|_| entry.path().to_path_buf());
                resolver
                    .settings_for(&absolute)
                    .is_ok_and(|settings| !settings.is_excluded(&absolute))
            })
            .count();
    }
    hidden
}

fn is_python_file(path: &Path) -> bool {
    path.extension()
        .is_some_and(|ext| ext == "py" || ext == "pyi" || ext == "ipynb")
}

fn render_options(settings: &CheckSettings) -> RenderOptions {
    RenderOptions {
        color: settings.printer.color,
        project_root: project_root(),
    }
}

/// The root machine-read paths are relative to: the repository around the
/// working directory (`.git`), else the nearest directory with a
/// configuration file, else the working directory.
fn project_root() -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    let ancestors = || cwd.ancestors();
    ancestors()
        .find(|dir| dir.join(".git").exists())
        .or_else(|| {
            ancestors().find(|dir| {
                spawnsafe_linter::settings::CONFIG_FILES
                    .iter()
                    .any(|name| dir.join(name).is_file())
            })
        })
        .map(Path::to_path_buf)
        .or(Some(cwd.clone()))
}
