//! `check`'s arguments validated once into what the command does: where the
//! input comes from, what to do with the fixes, and how to print.

use std::io::IsTerminal;
use std::path::PathBuf;

use spawnsafe_core::report::OutputFormat;
use spawnsafe_core::settings::{Overrides, Resolver};
use spawnsafe_core::CheckOptions;

use crate::args::{CheckArgs, ColorChoice};

/// What `check` does with the fixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixMode {
    /// Report the findings; change nothing.
    Report,
    /// `--fix`: apply the fixes, then report what remains.
    Apply,
    /// `--fix-only`: apply the fixes, report only how many.
    ApplyOnly,
    /// `--diff`: print what the fixes would change.
    Diff,
    /// `--add-noqa`: suppress every finding on its line.
    AddNoqa,
    /// `--show-files`: list the files, check nothing.
    ShowFiles,
    /// `--show-settings`: print the settings, check nothing.
    ShowSettings,
}

/// Where the source comes from.
pub enum Input {
    Paths(Vec<PathBuf>),
    /// `-`: the standard input, reported under this name.
    Stdin(PathBuf),
}

pub struct CheckSettings {
    pub input: Input,
    pub options: CheckOptions,
    pub fix_mode: FixMode,
    pub unsafe_fixes: bool,
    pub printer: PrinterSettings,
    pub exit_zero: bool,
    pub exit_non_zero_on_fix: bool,
    pub verbose: bool,
    /// `--force-exclude` left no path to check: nothing is checked.
    pub nothing_left: bool,
}

/// How the report is printed.
pub struct PrinterSettings {
    pub format: OutputFormat,
    pub output_file: Option<PathBuf>,
    pub color: bool,
    pub statistics: bool,
    /// No summary lines (`--quiet`).
    pub quiet: bool,
    /// After the report, list the fixes applied (`--show-fixes`).
    pub show_fixes: bool,
}

impl CheckSettings {
    pub fn from_args(args: CheckArgs) -> Result<CheckSettings, String> {
        let reads_stdin = args.paths.iter().any(|path| path.as_os_str() == "-");
        let input = if reads_stdin {
            if args.paths.len() > 1 {
                return Err("`-` (standard input) cannot be combined with other paths".to_string());
            }
            Input::Stdin(
                args.stdin_filename
                    .clone()
                    .unwrap_or_else(|| PathBuf::from("-")),
            )
        } else {
            Input::Paths(args.paths.clone())
        };
        let force_exclude = args.force_exclude;
        let fix_mode = match (args.diff, args.fix_only, args.fix) {
            _ if args.show_files => FixMode::ShowFiles,
            _ if args.show_settings => FixMode::ShowSettings,
            _ if args.add_noqa => FixMode::AddNoqa,
            (true, _, _) => FixMode::Diff,
            (false, true, _) => FixMode::ApplyOnly,
            (false, false, true) => FixMode::Apply,
            (false, false, false) => FixMode::Report,
        };
        if args.statistics
            && !matches!(
                args.output_format,
                OutputFormat::Full
                    | OutputFormat::Concise
                    | OutputFormat::Grouped
                    | OutputFormat::Json
            )
        {
            return Err(
                "`--statistics` supports `--output-format full`, `concise` or `json`".to_string(),
            );
        }
        // A file is not a terminal: `auto` writes it without colour.
        let color = match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                args.output_file.is_none()
                    && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
                    && std::io::stdout().is_terminal()
            }
        };
        let mut settings = CheckSettings {
            input,
            options: CheckOptions {
                prefilter: !args.no_prefilter,
                config: args.config,
                isolated: args.isolated,
                respect_gitignore: !args.no_respect_gitignore,
                overrides: Overrides {
                    select: args.select,
                    extend_select: args.extend_select,
                    ignore: args.ignore,
                    target_platforms: args.target_platforms,
                    target_version: args.target_version,
                },
            },
            fix_mode,
            unsafe_fixes: args.unsafe_fixes,
            printer: PrinterSettings {
                show_fixes: args.show_fixes,
                format: args.output_format,
                output_file: args.output_file,
                color,
                statistics: args.statistics,
                quiet: args.quiet,
            },
            exit_zero: args.exit_zero,
            exit_non_zero_on_fix: args.exit_non_zero_on_fix,
            verbose: args.verbose,
            nothing_left: false,
        };
        if force_exclude {
            settings.drop_excluded_files()?;
        }
        Ok(settings)
    }

    /// `--force-exclude`: the files named on the command line that the
    /// configuration's `exclude` covers are left out (directories are
    /// walked with it anyway).
    fn drop_excluded_files(&mut self) -> Result<(), String> {
        let Input::Paths(paths) = &mut self.input else {
            return Ok(());
        };
        let mut resolver = Resolver::new(
            self.options.config.as_deref(),
            self.options.isolated,
            self.options.overrides.clone(),
        )?;
        let mut kept = Vec::with_capacity(paths.len());
        for path in paths.drain(..) {
            if path.is_file() {
                let absolute = std::path::absolute(&path).unwrap_or_else(|_| path.clone());
                if resolver.settings_for(&absolute)?.is_excluded(&absolute) {
                    continue;
                }
            }
            kept.push(path);
        }
        if kept.is_empty() {
            self.nothing_left = true;
        }
        *paths = kept;
        Ok(())
    }
}
