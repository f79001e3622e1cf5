//! `check`'s arguments validated once into what the command does: where the
//! input comes from, what to do with the fixes, and how to print.

use std::io::IsTerminal;
use std::path::PathBuf;

use spawnsafe_linter::report::OutputFormat;
use spawnsafe_linter::settings::{Overrides, Resolver};
use spawnsafe_linter::CheckOptions;

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
    /// `--watch`: check again on every change.
    pub watch: bool,
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
        let mut overrides = Overrides {
            select: args.select,
            extend_select: args.extend_select,
            ignore: args.ignore,
            target_platforms: args.target_platforms,
            target_version: args.target_version,
            exclude: (!args.exclude.is_empty()).then_some(args.exclude),
            extend_exclude: args.extend_exclude,
            per_file_ignores: Vec::new(),
        };
        for entry in &args.per_file_ignores {
            let (pattern, codes) = entry
                .rsplit_once(':')
                .ok_or_else(|| format!("`--per-file-ignores {entry}`: expected PATTERN:CODES"))?;
            let codes = codes
                .split(',')
                .map(|code| code.trim().to_string())
                .collect();
            overrides
                .per_file_ignores
                .push((pattern.to_string(), codes));
        }
        // `--config PATH` names a file; `--config KEY=VALUE` overrides a setting.
        let mut config_file = None;
        for config in &args.config {
            if config.contains('=') && !std::path::Path::new(config).is_file() {
                apply_inline_config(config, &mut overrides)?;
            } else if config_file.replace(PathBuf::from(config)).is_some() {
                return Err("`--config` names more than one configuration file".to_string());
            }
        }
        if config_file.is_some() && args.isolated {
            return Err("`--config PATH` and `--isolated` cannot be used together".to_string());
        }
        let mut settings = CheckSettings {
            input,
            options: CheckOptions {
                prefilter: !args.no_prefilter,
                config: config_file,
                isolated: args.isolated,
                respect_gitignore: !args.no_respect_gitignore,
                overrides,
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
            watch: args.watch,
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

/// `--config "KEY = VALUE"`: one setting, in the configuration's TOML syntax,
/// on top of the configuration files (as the matching option would be).
fn apply_inline_config(text: &str, overrides: &mut Overrides) -> Result<(), String> {
    let table: toml::Table = text
        .parse()
        .map_err(|err| format!("`--config {text}`: not `KEY = VALUE` in TOML: {err}"))?;
    let strings = |key: &str, value: &toml::Value| -> Result<Vec<String>, String> {
        match value {
            toml::Value::String(text) => Ok(vec![text.clone()]),
            toml::Value::Array(items) => items
                .iter()
                .map(|item| {
                    item.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| format!("`--config {key}`: expected strings"))
                })
                .collect(),
            _ => Err(format!(
                "`--config {key}`: expected a string or a list of strings"
            )),
        }
    };
    for (key, value) in &table {
        match key.as_str() {
            "select" => overrides.select = strings(key, value)?,
            "extend-select" => overrides.extend_select.extend(strings(key, value)?),
            "ignore" => overrides.ignore.extend(strings(key, value)?),
            "target-platforms" => overrides.target_platforms = strings(key, value)?,
            "target-version" => {
                overrides.target_version = Some(
                    value
                        .as_str()
                        .ok_or("`--config target-version`: expected a string")?
                        .to_string(),
                )
            }
            "exclude" => overrides.exclude = Some(strings(key, value)?),
            "extend-exclude" => overrides.extend_exclude.extend(strings(key, value)?),
            "per-file-ignores" => {
                let table = value
                    .as_table()
                    .ok_or("`--config per-file-ignores`: expected a table")?;
                for (pattern, codes) in table {
                    overrides
                        .per_file_ignores
                        .push((pattern.clone(), strings(key, codes)?));
                }
            }
            other => {
                return Err(format!(
                    "`--config {other}`: unknown setting (known: select, extend-select, ignore, target-platforms, target-version, exclude, extend-exclude, per-file-ignores)"
                ))
            }
        }
    }
    Ok(())
}
