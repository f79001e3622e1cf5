//! Configuration: `[tool.spawnsafe]` in `pyproject.toml`, or `spawnsafe.toml` /
//! `.spawnsafe.toml`; the file closest to each checked file wins. An unknown
//! key, a bad value or a malformed file meant for spawnsafe is an error naming
//! the file and the key, never a silent default. A `pyproject.toml` that is
//! not TOML at all and has no `[tool.spawnsafe]` table (it may be about other
//! tools only) is skipped with a warning that names the settings used instead.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use rustc_hash::FxHashMap;
use serde::Deserialize;

use crate::registry::{Rule, RuleSelection};
use crate::targets::{Minor, Targets, VersionRange, OLDEST_SUPPORTED};

/// The configuration file names, in the order they are looked for in a directory.
pub const CONFIG_FILES: &[&str] = &[".spawnsafe.toml", "spawnsafe.toml", "pyproject.toml"];

/// `[tool.spawnsafe]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Options {
    pub select: Option<Vec<String>>,
    pub extend_select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    pub per_file_ignores: Option<FxHashMap<String, Vec<String>>>,
    pub exclude: Option<Vec<String>>,
    pub extend_exclude: Option<Vec<String>>,
    pub target_platforms: Option<Vec<String>>,
    pub target_version: Option<String>,
    /// Check files without an extension that start with a Python shebang
    /// when they are found in a directory (default true).
    pub include_shebang_scripts: Option<bool>,
    /// Process starters of the team's own (`[[tool.spawnsafe.extend-starters]]`),
    /// with the knowledge base's fields: merged into it for the run.
    pub extend_starters: Option<Vec<toml::Value>>,
    /// `extend = "../base.toml"`: another configuration file whose settings
    /// this one's override (the `extend-` lists add to the base's).
    pub extend: Option<String>,
}

impl Options {
    /// These options on top of `base`'s.
    fn over(self, base: Options) -> Options {
        let concat = |base: Option<Vec<String>>, this: Option<Vec<String>>| match (base, this) {
            (Some(mut base), Some(this)) => {
                base.extend(this);
                Some(base)
            }
            (base, this) => this.or(base),
        };
        Options {
            select: self.select.or(base.select),
            extend_select: concat(base.extend_select, self.extend_select),
            ignore: self.ignore.or(base.ignore),
            per_file_ignores: self.per_file_ignores.or(base.per_file_ignores),
            exclude: self.exclude.or(base.exclude),
            extend_exclude: concat(base.extend_exclude, self.extend_exclude),
            target_platforms: self.target_platforms.or(base.target_platforms),
            target_version: self.target_version.or(base.target_version),
            include_shebang_scripts: self
                .include_shebang_scripts
                .or(base.include_shebang_scripts),
            extend_starters: match (base.extend_starters, self.extend_starters) {
                (Some(mut base), Some(this)) => {
                    base.extend(this);
                    Some(base)
                }
                (base, this) => this.or(base),
            },
            extend: None,
        }
    }
}

/// Follows `extend` from the configuration file at `path`: the options with
/// their bases' under them. `seen` holds the files on the way (a cycle is an error).
fn with_extended(
    mut options: Options,
    path: &Path,
    seen: &mut Vec<PathBuf>,
) -> Result<Options, String> {
    let Some(base) = options.extend.take() else {
        return Ok(options);
    };
    let directory = path.parent().unwrap_or(Path::new("."));
    // Canonical: `shared/../pyproject.toml` is the file that extends it.
    let base_path = std::fs::canonicalize(directory.join(&base))
        .map_err(|err| error(path, format!("`extend`: cannot read `{base}`: {err}")))?;
    if seen.contains(&base_path) {
        return Err(error(
            path,
            format!("`extend`: `{base}` extends this file again (a cycle)"),
        ));
    }
    seen.push(base_path.clone());
    let text = std::fs::read_to_string(&base_path)
        .map_err(|err| error(path, format!("`extend`: cannot read `{base}`: {err}")))?;
    let base_options = if base_path
        .file_name()
        .is_some_and(|name| name == "pyproject.toml")
    {
        let pyproject: PyProject = toml::from_str(&text)
            .map_err(|err| error(&base_path, format!("invalid TOML: {err}")))?;
        let table = pyproject
            .tool
            .and_then(|tool| tool.spawnsafe)
            .ok_or_else(|| {
                error(
                    path,
                    format!("`extend`: `{base}` has no [tool.spawnsafe] table"),
                )
            })?;
        Options::deserialize(table)
            .map_err(|err| error(&base_path, format!("[tool.spawnsafe]: {err}")))?
    } else {
        toml::from_str(&text).map_err(|err| error(&base_path, err.to_string().trim_end()))?
    };
    let base_options = with_extended(base_options, &base_path, seen)?;
    Ok(options.over(base_options))
}

#[derive(Deserialize)]
struct PyProject {
    tool: Option<PyProjectTool>,
    project: Option<PyProjectProject>,
}

#[derive(Deserialize)]
struct PyProjectTool {
    spawnsafe: Option<toml::Value>,
}

#[derive(Deserialize)]
struct PyProjectProject {
    #[serde(rename = "requires-python")]
    requires_python: Option<toml::Value>,
}

/// Rule and target choices given on the command line; they win over files.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub select: Vec<String>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    pub target_platforms: Vec<String>,
    pub target_version: Option<String>,
    /// `--exclude`: replaces the configuration's `exclude`.
    pub exclude: Option<Vec<String>>,
    /// `--extend-exclude`: added to it.
    pub extend_exclude: Vec<String>,
    /// `--per-file-ignores PATTERN:CODES`: added to the configuration's.
    pub per_file_ignores: Vec<(String, Vec<String>)>,
}

/// The resolved settings for the files under one configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The configuration file, if any.
    pub path: Option<PathBuf>,
    /// The directory globs are relative to.
    pub root: PathBuf,
    pub selection: RuleSelection,
    pub per_file_ignores: Vec<(GlobSet, Vec<Rule>)>,
    pub exclude: GlobSet,
    pub targets: Targets,
    /// The oldest Python the files must parse on: `target-version`, else the
    /// lower bound of `requires-python`; `None` when neither says (then the
    /// newest Python the parser knows).
    pub syntax_version: Option<Minor>,
    /// Files found in directories include scripts with a Python shebang.
    pub include_shebang_scripts: bool,
    /// Process starters the configuration declares (`extend-starters`), validated.
    pub declared_starters: Vec<crate::semantic::knowledge::Starter>,
}

/// Directories and files never searched, unless `exclude` replaces the list.
pub const DEFAULT_EXCLUDE: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    "__pycache__",
    "build",
    "dist",
    "site-packages",
    "node_modules",
    ".tox",
    ".nox",
    ".eggs",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".ipynb_checkpoints",
];

/// An error about a setting: prefixed with the configuration file it is in
/// (the command line's own settings have no file).
fn error(path: &Path, message: impl std::fmt::Display) -> String {
    if path == Path::new(COMMAND_LINE) {
        message.to_string()
    } else {
        format!("{}: {message}", path.display())
    }
}

/// Stands for the command line where a configuration file's path would go.
const COMMAND_LINE: &str = "<command line>";

/// A glob matched against paths relative to the configuration's directory: a
/// bare name (`build`) matches that name anywhere, as in Ruff.
fn glob(path: &Path, key: &str, pattern: &str) -> Result<Glob, String> {
    let pattern = if pattern.contains('/') {
        pattern.trim_start_matches("./").to_string()
    } else {
        format!("**/{pattern}")
    };
    Glob::new(&pattern)
        .map_err(|err| error(path, format!("`{key}`: invalid glob `{pattern}`: {err}")))
}

fn glob_set(path: &Path, key: &str, patterns: &[String]) -> Result<GlobSet, String> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        builder.add(glob(path, key, pattern)?);
        // `exclude = ["generated"]` also excludes everything below it.
        builder.add(glob(
            path,
            key,
            &format!("{}/**", pattern.trim_end_matches('/')),
        )?);
    }
    builder
        .build()
        .map_err(|err| error(path, format!("`{key}`: {err}")))
}

fn parse_rules(path: &Path, key: &str, selectors: &[String]) -> Result<Vec<Rule>, String> {
    let mut rules = Vec::new();
    for selector in selectors {
        let found = RuleSelection::matching(selector)
            .map_err(|err| error(path, format!("`{key}`: {err}")))?;
        rules.extend(found);
    }
    Ok(rules)
}

/// `py312`, `3.12` or `3.12.1` → 12.
pub fn parse_version(text: &str) -> Option<Minor> {
    let text = text.trim();
    let digits = text.strip_prefix("py").unwrap_or(text);
    let minor = if let Some(rest) = digits.strip_prefix("3.") {
        rest.split('.').next()?.parse().ok()?
    } else {
        digits.strip_prefix('3')?.parse().ok()?
    };
    (OLDEST_SUPPORTED..=30).contains(&minor).then_some(minor)
}

/// The versions a PEP 440 `requires-python` allows (`>=3.9`, `>=3.9,<3.14`, `~=3.10`, `==3.12.*`).
pub fn parse_requires_python(text: &str) -> Option<VersionRange> {
    let mut range = VersionRange::default();
    for clause in text.split(',') {
        let clause = clause.trim();
        let operator_end = clause.find(|c: char| c.is_ascii_digit())?;
        let (operator, version) = clause.split_at(operator_end);
        let mut parts = version.trim_end_matches(".*").split('.');
        let major: u32 = parts.next()?.parse().ok()?;
        let minor: Minor = parts.next().map_or(Some(0), |m| m.parse().ok())?;
        let patch: u32 = parts.next().map_or(Some(0), |p| p.parse().ok())?;
        if major != 3 {
            if major > 3 && operator.trim() == "<" {
                continue;
            }
            return None;
        }
        match operator.trim() {
            ">=" | "~=" => range.min = range.min.max(minor),
            ">" => {
                range.min = range
                    .min
                    .max(if patch == 0 && version.split('.').count() == 2 {
                        minor + 1
                    } else {
                        minor
                    })
            }
            "<" => {
                range.max = Some(if patch == 0 {
                    minor.saturating_sub(1)
                } else {
                    minor
                })
            }
            "<=" => range.max = Some(minor),
            "==" | "===" => {
                range.min = range.min.max(minor);
                range.max = Some(minor);
            }
            "!=" => {}
            _ => return None,
        }
    }
    Some(range)
}

impl Settings {
    /// The settings with no configuration file.
    pub fn defaults(root: PathBuf, overrides: &Overrides) -> Result<Settings, String> {
        Settings::from_options(None, root, Options::default(), None, overrides)
    }

    /// Reads a configuration file. `Ok(None)`: a `pyproject.toml` without `[tool.spawnsafe]`.
    pub fn from_file(path: &Path, overrides: &Overrides) -> Result<Option<Settings>, String> {
        match Settings::load(path, overrides) {
            Loaded::Settings(settings) => Ok(settings),
            Loaded::Unparsable(message) | Loaded::Invalid(message) => Err(message),
        }
    }

    /// Reads a configuration file, telling a file that is not TOML at all
    /// (it may not even be about spawnsafe) from a wrong spawnsafe setting.
    fn load(path: &Path, overrides: &Overrides) -> Loaded {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(err) => return Loaded::Unparsable(error(path, format!("cannot read: {err}"))),
        };
        if let Err(err) = text.parse::<toml::Table>() {
            let place = err.span().map_or(String::new(), |span| {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.len() - before.rfind('\n').map_or(0, |at| at + 1) + 1;
                format!(" at line {line}, column {column}")
            });
            let message = error(path, format!("invalid TOML{place}: {}", err.message()));
            // A file that was meant to configure spawnsafe stays an error.
            return if is_for_spawnsafe(path, &text) {
                Loaded::Invalid(message)
            } else {
                Loaded::Unparsable(message)
            };
        }
        match Settings::from_text(path, &text, overrides) {
            Ok(settings) => Loaded::Settings(settings),
            Err(message) => Loaded::Invalid(message),
        }
    }

    fn from_text(
        path: &Path,
        text: &str,
        overrides: &Overrides,
    ) -> Result<Option<Settings>, String> {
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let root = absolute.parent().map(Path::to_path_buf).unwrap_or_default();
        let is_pyproject = path
            .file_name()
            .is_some_and(|name| name == "pyproject.toml");
        let (options, requires_python) = if is_pyproject {
            let pyproject: PyProject =
                toml::from_str(text).map_err(|err| error(path, format!("invalid TOML: {err}")))?;
            let requires_python = pyproject
                .project
                .and_then(|project| project.requires_python);
            let Some(table) = pyproject.tool.and_then(|tool| tool.spawnsafe) else {
                return Ok(None);
            };
            let options = Options::deserialize(table)
                .map_err(|err| error(path, format!("[tool.spawnsafe]: {err}")))?;
            (options, requires_python)
        } else {
            let options: Options =
                toml::from_str(text).map_err(|err| error(path, err.to_string().trim_end()))?;
            // `requires-python` still comes from a `pyproject.toml` beside it.
            let requires_python = std::fs::read_to_string(root.join("pyproject.toml"))
                .ok()
                .and_then(|text| toml::from_str::<PyProject>(&text).ok())
                .and_then(|pyproject| pyproject.project)
                .and_then(|project| project.requires_python);
            (options, requires_python)
        };
        let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| absolute.clone());
        let options = with_extended(options, &canonical, &mut vec![canonical.clone()])?;
        let requires_python = match requires_python {
            None => None,
            Some(toml::Value::String(text)) => {
                Some(parse_requires_python(&text).ok_or_else(|| {
                    error(path, format!("`requires-python`: cannot read `{text}`"))
                })?)
            }
            Some(other) => {
                return Err(error(
                    path,
                    format!("`requires-python` must be a string, not {other}"),
                ))
            }
        };
        Settings::from_options(
            Some(path.to_path_buf()),
            root,
            options,
            requires_python,
            overrides,
        )
        .map(Some)
    }

    fn from_options(
        path: Option<PathBuf>,
        root: PathBuf,
        options: Options,
        requires_python: Option<VersionRange>,
        overrides: &Overrides,
    ) -> Result<Settings, String> {
        let where_ = path.clone().unwrap_or_else(|| PathBuf::from(COMMAND_LINE));
        let cli = PathBuf::from(COMMAND_LINE);
        // Selection: the command line's `--select` replaces the file's.
        let select = if !overrides.select.is_empty() {
            parse_rules(&cli, "--select", &overrides.select)?
        } else if let Some(select) = &options.select {
            parse_rules(&where_, "select", select)?
        } else {
            RuleSelection::default_rules()
        };
        let mut enabled = select;
        enabled.extend(parse_rules(
            &where_,
            "extend-select",
            options.extend_select.as_deref().unwrap_or_default(),
        )?);
        enabled.extend(parse_rules(
            &cli,
            "--extend-select",
            &overrides.extend_select,
        )?);
        let mut ignored = parse_rules(
            &where_,
            "ignore",
            options.ignore.as_deref().unwrap_or_default(),
        )?;
        ignored.extend(parse_rules(&cli, "--ignore", &overrides.ignore)?);
        enabled.retain(|rule| !ignored.contains(rule));
        let selection = RuleSelection::from_rules(enabled);

        let mut per_file_ignores = Vec::new();
        let mut patterns: Vec<_> = options
            .per_file_ignores
            .unwrap_or_default()
            .into_iter()
            .collect();
        patterns.sort();
        for (pattern, codes) in patterns {
            let set = glob_set(&where_, "per-file-ignores", std::slice::from_ref(&pattern))?;
            per_file_ignores.push((set, parse_rules(&where_, "per-file-ignores", &codes)?));
        }
        for (pattern, codes) in &overrides.per_file_ignores {
            let set = glob_set(&cli, "--per-file-ignores", std::slice::from_ref(pattern))?;
            per_file_ignores.push((set, parse_rules(&cli, "--per-file-ignores", codes)?));
        }

        let mut exclude: Vec<String> = match overrides.exclude.clone().or(options.exclude) {
            Some(exclude) => exclude,
            None => DEFAULT_EXCLUDE
                .iter()
                .map(|name| name.to_string())
                .collect(),
        };
        exclude.extend(options.extend_exclude.unwrap_or_default());
        exclude.extend(overrides.extend_exclude.iter().cloned());
        let exclude = glob_set(&where_, "exclude", &exclude)?;

        let mut targets = Targets::default();
        let platforms = if !overrides.target_platforms.is_empty() {
            Some((&cli, overrides.target_platforms.clone()))
        } else {
            options
                .target_platforms
                .map(|platforms| (&where_, platforms))
        };
        if let Some((source, platforms)) = platforms {
            targets.windows = false;
            targets.macos = false;
            targets.linux = false;
            if platforms.is_empty() {
                return Err(error(
                    source,
                    "`target-platforms` must name at least one of windows, macos, linux",
                ));
            }
            for platform in &platforms {
                match platform.to_ascii_lowercase().as_str() {
                    "windows" | "win32" => targets.windows = true,
                    "macos" | "darwin" => targets.macos = true,
                    "linux" => targets.linux = true,
                    other => {
                        return Err(error(
                            source,
                            format!("`target-platforms`: unknown platform `{other}` (expected windows, macos or linux)"),
                        ))
                    }
                }
            }
        }
        let version = match (&overrides.target_version, &options.target_version) {
            (Some(version), _) => Some((&cli, version.clone())),
            (None, Some(version)) => Some((&where_, version.clone())),
            (None, None) => None,
        };
        let syntax_version;
        (targets.versions, syntax_version) = match version {
            Some((source, text)) => {
                let minor = parse_version(&text).ok_or_else(|| {
                    error(source, format!("`target-version`: unknown version `{text}` (expected py38 … py314, or 3.8 … 3.14)"))
                })?;
                let range = VersionRange {
                    min: minor,
                    max: Some(minor),
                };
                (range, Some(minor))
            }
            None => (
                requires_python.unwrap_or_default(),
                requires_python.map(|range| range.min),
            ),
        };
        let declared_starters = match &options.extend_starters {
            Some(entries) => crate::semantic::knowledge::declared_starters(
                entries,
                &where_.display().to_string(),
            )
            .map_err(|message| error(&where_, message))?,
            None => Vec::new(),
        };
        Ok(Settings {
            declared_starters,
            path,
            root,
            selection,
            per_file_ignores,
            exclude,
            targets,
            syntax_version,
            include_shebang_scripts: options.include_shebang_scripts.unwrap_or(true),
        })
    }

    /// The path relative to the configuration's directory, as globs see it.
    fn relative(&self, path: &Path) -> PathBuf {
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        absolute
            .strip_prefix(&self.root)
            .map(Path::to_path_buf)
            .unwrap_or(absolute)
    }

    /// Is this path excluded (for files found by walking directories)?
    pub fn is_excluded(&self, path: &Path) -> bool {
        self.exclude.is_match(self.relative(path))
    }

    /// Is this rule on for this file (selection and `per-file-ignores`)?
    pub fn is_enabled(&self, rule: Rule, path: &Path) -> bool {
        if !self.selection.is_enabled(rule) {
            return false;
        }
        let relative = self.relative(path);
        !self
            .per_file_ignores
            .iter()
            .any(|(globs, rules)| rules.contains(&rule) && globs.is_match(&relative))
    }
}

/// Is a configuration file that is not valid TOML about spawnsafe? A
/// `spawnsafe.toml` is; a `pyproject.toml` is when it has a line that opens a
/// `[tool.spawnsafe...]` table (its sections belong to many tools).
fn is_for_spawnsafe(path: &Path, text: &str) -> bool {
    let is_pyproject = path
        .file_name()
        .is_some_and(|name| name == "pyproject.toml");
    !is_pyproject
        || text.lines().any(|line| {
            let line = line.trim_start().trim_start_matches('[').trim_start();
            line.strip_prefix("tool")
                .map(str::trim_start)
                .and_then(|rest| rest.strip_prefix('.'))
                .is_some_and(|rest| {
                    let rest = rest.trim_start().trim_start_matches('"');
                    rest.starts_with("spawnsafe")
                })
        })
}

/// What reading a configuration file gave.
enum Loaded {
    /// Its settings (`None`: a `pyproject.toml` without `[tool.spawnsafe]`).
    Settings(Option<Settings>),
    /// Not readable as TOML: it is skipped with a warning.
    Unparsable(String),
    /// A spawnsafe setting is wrong: an error.
    Invalid(String),
}

/// Finds and caches the settings that apply to each file.
pub struct Resolver {
    overrides: Overrides,
    /// `--config`: one file for everything. `--isolated`: no files at all.
    fixed: Option<Settings>,
    isolated: bool,
    by_directory: FxHashMap<PathBuf, Option<usize>>,
    found: Vec<Settings>,
    defaults: Settings,
    /// Configuration files skipped because they are not TOML, each with the
    /// warning that says which settings the files below it get instead.
    skipped: Vec<(PathBuf, String)>,
}

impl Resolver {
    pub fn new(
        config: Option<&Path>,
        isolated: bool,
        overrides: Overrides,
    ) -> Result<Resolver, String> {
        let cwd = std::env::current_dir().unwrap_or_default();
        let fixed = match config {
            Some(path) => Some(
                Settings::from_file(path, &overrides)?
                    .ok_or_else(|| error(path, "has no [tool.spawnsafe] table"))?,
            ),
            None => None,
        };
        let defaults = Settings::defaults(cwd, &overrides)?;
        Ok(Resolver {
            overrides,
            fixed,
            isolated,
            by_directory: FxHashMap::default(),
            found: Vec::new(),
            defaults,
            skipped: Vec::new(),
        })
    }

    /// The settings for a file: `--config`, else the closest configuration file
    /// in its directory or above, else the defaults.
    pub fn settings_for(&mut self, file: &Path) -> Result<&Settings, String> {
        let index = if self.fixed.is_some() || self.isolated {
            None
        } else {
            let absolute = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
            let directory = absolute.parent().map(Path::to_path_buf).unwrap_or_default();
            self.lookup(&directory)?
        };
        Ok(match (&self.fixed, index) {
            (Some(fixed), _) => fixed,
            (None, Some(index)) => &self.found[index],
            (None, None) => &self.defaults,
        })
    }

    fn lookup(&mut self, directory: &Path) -> Result<Option<usize>, String> {
        if let Some(&known) = self.by_directory.get(directory) {
            return Ok(known);
        }
        let mut result = None;
        let mut unparsable = Vec::new();
        for name in CONFIG_FILES {
            let candidate = directory.join(name);
            if candidate.is_file() {
                match Settings::load(&candidate, &self.overrides) {
                    Loaded::Settings(Some(settings)) => {
                        self.found.push(settings);
                        result = Some(self.found.len() - 1);
                        break;
                    }
                    Loaded::Settings(None) => {}
                    Loaded::Invalid(message) => return Err(message),
                    Loaded::Unparsable(message) => unparsable.push((candidate, message)),
                }
            }
        }
        if result.is_none() {
            if let Some(parent) = directory.parent() {
                result = self.lookup(parent)?;
            }
        }
        // A file that is not TOML at all may belong to another tool (a
        // `pyproject.toml` with `[tool.black`): the files it would govern are
        // checked with the nearest settings that could be read.
        for (path, message) in unparsable {
            let instead = match result {
                Some(index) => match &self.found[index].path {
                    Some(settings) => format!("the settings of {}", settings.display()),
                    None => "the default settings".to_string(),
                },
                None => "the default settings".to_string(),
            };
            let below = path.parent().unwrap_or(directory).display().to_string();
            self.skipped.push((
                path,
                format!("{message}\n  (ignored: the files in {below} are checked with {instead})"),
            ));
        }
        self.by_directory.insert(directory.to_path_buf(), result);
        Ok(result)
    }

    /// Every process starter the configurations read so far declare, once
    /// each (a base configuration two files extend declares its starters once).
    pub fn declared_starters(&self) -> Vec<crate::semantic::knowledge::Starter> {
        let mut starters: Vec<crate::semantic::knowledge::Starter> = Vec::new();
        let all = self
            .fixed
            .iter()
            .chain(&self.found)
            .chain(std::iter::once(&self.defaults));
        for settings in all {
            for starter in &settings.declared_starters {
                if !starters.iter().any(|known| known.names == starter.names) {
                    starters.push(starter.clone());
                }
            }
        }
        starters
    }

    /// Configuration files that were skipped because they are not TOML, with
    /// the settings used instead: warnings for the user.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings: Vec<&(PathBuf, String)> = self.skipped.iter().collect();
        warnings.sort();
        warnings.dedup();
        warnings
            .into_iter()
            .map(|(_, message)| message.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_starters_are_read_validated_and_extended() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("base.toml");
        std::fs::write(
            &base,
            "[[extend-starters]]\nnames = [\"ourlib.parallel.run_all\"]\n",
        )
        .unwrap();
        let config = dir.path().join("spawnsafe.toml");
        std::fs::write(
            &config,
            "extend = \"base.toml\"\ninclude-shebang-scripts = false\n\n[[extend-starters]]\nnames = [\"ourlib.pmap\"]\nsender = \"pool\"\nsends = [{ argument = \"func\", position = 0, as = \"callable\" }]\n",
        )
        .unwrap();
        let settings = Settings::from_file(&config, &Overrides::default())
            .unwrap()
            .unwrap();
        let names: Vec<&str> = settings
            .declared_starters
            .iter()
            .map(|starter| starter.names[0].as_str())
            .collect();
        assert_eq!(names, ["ourlib.parallel.run_all", "ourlib.pmap"]);
        assert!(!settings.include_shebang_scripts);
        assert!(
            Settings::defaults(dir.path().to_path_buf(), &Overrides::default())
                .unwrap()
                .include_shebang_scripts
        );

        std::fs::write(
            &config,
            "[[extend-starters]]\nnames = [\"ourlib.pmap\"]\nstarts = \"later\"\n",
        )
        .unwrap();
        let error = Settings::from_file(&config, &Overrides::default())
            .err()
            .unwrap();
        assert!(
            error.contains("spawnsafe.toml") && error.contains("`extend-starters[0]`"),
            "{error}"
        );
    }

    #[test]
    fn versions() {
        assert_eq!(parse_version("py312"), Some(12));
        assert_eq!(parse_version("3.14"), Some(14));
        assert_eq!(parse_version("2.7"), None);
        assert_eq!(
            parse_requires_python(">=3.9"),
            Some(VersionRange { min: 9, max: None })
        );
        assert_eq!(
            parse_requires_python(">=3.9,<3.14"),
            Some(VersionRange {
                min: 9,
                max: Some(13)
            })
        );
        assert_eq!(
            parse_requires_python("==3.12.*"),
            Some(VersionRange {
                min: 12,
                max: Some(12)
            })
        );
        assert_eq!(
            parse_requires_python("~=3.10"),
            Some(VersionRange { min: 10, max: None })
        );
        assert_eq!(
            parse_requires_python(">=3.8, <4"),
            Some(VersionRange { min: 8, max: None })
        );
    }
}
