//! `spawnsafe check --show-files` and `--show-settings`: what a check would
//! look at, and with which settings, without checking anything.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use spawnsafe_linter::discovery::discover;
use spawnsafe_linter::settings::Resolver;
use spawnsafe_linter::{Rule, RuleSelection};

use crate::settings::{CheckSettings, Input};

fn paths(settings: &CheckSettings, option: &str) -> Result<Vec<PathBuf>, String> {
    match &settings.input {
        Input::Paths(paths) => Ok(paths.clone()),
        Input::Stdin(_) => Err(format!("`{option}` needs paths, not `-`")),
    }
}

fn resolver(settings: &CheckSettings) -> Result<Resolver, String> {
    Resolver::new(
        settings.options.config.as_deref(),
        settings.options.isolated,
        settings.options.overrides.clone(),
    )
}

/// The files a check would read (after ignore files and `exclude`), one a line.
pub fn show_files(settings: &CheckSettings) -> Result<ExitCode, String> {
    let paths = paths(settings, "--show-files")?;
    let resolver = Arc::new(Mutex::new(resolver(settings)?));
    let discovered = discover(&paths, &resolver, settings.options.respect_gitignore)?;
    for warning in &discovered.warnings {
        eprintln!("spawnsafe: warning: {warning}");
    }
    let mut out = String::new();
    for file in &discovered.files {
        out.push_str(&spawnsafe_linter::linter::display_path(file));
        out.push('\n');
    }
    crate::printer::write_stdout(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// The settings that apply to the first file found under the paths, each
/// with where it came from: the command line, the configuration file, or
/// the default.
pub fn show_settings(settings: &CheckSettings) -> Result<ExitCode, String> {
    let paths = paths(settings, "--show-settings")?;
    let resolver = Arc::new(Mutex::new(resolver(settings)?));
    let discovered = discover(&paths, &resolver, settings.options.respect_gitignore)?;
    let file = discovered
        .files
        .first()
        .cloned()
        .or_else(|| paths.first().cloned())
        .ok_or("no file to show the settings of")?;
    let absolute = std::path::absolute(&file).unwrap_or_else(|_| file.clone());
    let mut resolver = resolver.lock().expect("resolver lock");
    let resolved = resolver.settings_for(&absolute)?;
    let keys = configured_keys(resolved.path.as_deref());
    let overrides = &settings.options.overrides;
    let source = |key: &str, on_command_line: bool| -> String {
        if on_command_line {
            "command line".to_string()
        } else if let Some((_, file)) = keys.iter().find(|(configured, _)| configured == key) {
            file.display().to_string()
        } else {
            "default".to_string()
        }
    };
    let mut out = String::new();
    out.push_str(&format!(
        "Resolved settings for: {}\n",
        spawnsafe_linter::linter::display_path(&file)
    ));
    out.push_str(&format!(
        "Configuration file: {}\n",
        resolved.path.as_deref().map_or_else(
            || "none (defaults)".to_string(),
            |path| path.display().to_string()
        )
    ));
    out.push_str(&format!("Root: {}\n\n", resolved.root.display()));
    let rules_source = source(
        "select",
        !overrides.select.is_empty()
            || !overrides.extend_select.is_empty()
            || !overrides.ignore.is_empty(),
    );
    let rules_source = if rules_source == "default" {
        ["ignore", "extend-select"]
            .iter()
            .map(|key| source(key, false))
            .find(|found| found != "default")
            .unwrap_or(rules_source)
    } else {
        rules_source
    };
    out.push_str(&format!(
        "rules = [{}]  # {rules_source}\n",
        enabled_rules(&resolved.selection).join(", ")
    ));
    let targets = &resolved.targets;
    let platforms: Vec<&str> = [
        (targets.windows, "windows"),
        (targets.macos, "macos"),
        (targets.linux, "linux"),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .map(|(_, name)| *name)
    .collect();
    out.push_str(&format!(
        "target-platforms = [{}]  # {}\n",
        platforms.join(", "),
        source("target-platforms", !overrides.target_platforms.is_empty())
    ));
    let versions = match targets.versions.max {
        Some(max) if max == targets.versions.min => format!("3.{max}"),
        Some(max) => format!("3.{} to 3.{max}", targets.versions.min),
        None => format!("3.{} and newer", targets.versions.min),
    };
    let versions_source = if overrides.target_version.is_some() {
        "command line".to_string()
    } else if keys.iter().any(|(key, _)| key == "target-version") {
        source("target-version", false)
    } else if keys.iter().any(|(key, _)| key == "requires-python") {
        format!("{} (requires-python)", source("requires-python", false))
    } else {
        "default".to_string()
    };
    out.push_str(&format!(
        "target-version = {versions}  # {versions_source}\n"
    ));
    out.push_str(&format!(
        "per-file-ignores = {} pattern{}  # {}\n",
        resolved.per_file_ignores.len(),
        if resolved.per_file_ignores.len() == 1 {
            ""
        } else {
            "s"
        },
        source("per-file-ignores", false)
    ));
    let exclude_source = ["exclude", "extend-exclude"]
        .iter()
        .map(|key| source(key, false))
        .find(|found| found != "default")
        .unwrap_or_else(|| "default".to_string());
    out.push_str(&format!(
        "exclude: {}  # {exclude_source}\n",
        if resolved.is_excluded(&absolute) {
            "this file is excluded when found in a directory"
        } else {
            "this file is not excluded"
        }
    ));
    crate::printer::write_stdout(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn enabled_rules(selection: &RuleSelection) -> Vec<&'static str> {
    Rule::ALL
        .iter()
        .filter(|rule| selection.is_enabled(**rule))
        .map(|rule| rule.code())
        .collect()
}

/// The keys a configuration file sets (`[tool.spawnsafe]` of a
/// `pyproject.toml`, or the whole `spawnsafe.toml`), each with the file that
/// sets it: the file's own keys, then those of the files it `extend`s (a key
/// the file sets itself hides its base's), plus `requires-python`.
fn configured_keys(path: Option<&Path>) -> Vec<(String, PathBuf)> {
    let Some(path) = path else {
        return Vec::new();
    };
    let mut keys: Vec<(String, PathBuf)> = Vec::new();
    let mut next = Some(path.to_path_buf());
    let mut seen: Vec<PathBuf> = Vec::new();
    while let Some(file) = next.take() {
        if seen.contains(&file) {
            break;
        }
        seen.push(file.clone());
        let Some(table) = spawnsafe_table(&file) else {
            break;
        };
        for key in table.keys() {
            if !keys.iter().any(|(known, _)| known == key) {
                keys.push((key.clone(), file.clone()));
            }
        }
        // As the linter reads it: relative to the file that names it.
        next = table
            .get("extend")
            .and_then(toml::Value::as_str)
            .and_then(|base| {
                std::fs::canonicalize(file.parent().unwrap_or(Path::new(".")).join(base)).ok()
            });
    }
    let pyproject = if is_pyproject(path) {
        path.to_path_buf()
    } else {
        path.parent()
            .map_or_else(PathBuf::new, |dir| dir.join("pyproject.toml"))
    };
    if read_table(&pyproject)
        .as_ref()
        .and_then(|table| table.get("project"))
        .and_then(|project| project.get("requires-python"))
        .is_some()
    {
        keys.push(("requires-python".to_string(), pyproject));
    }
    keys
}

fn is_pyproject(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|name| name == "pyproject.toml")
}

fn read_table(path: &Path) -> Option<toml::Table> {
    std::fs::read_to_string(path)
        .ok()?
        .parse::<toml::Table>()
        .ok()
}

/// The spawnsafe settings of a configuration file.
fn spawnsafe_table(path: &Path) -> Option<toml::Table> {
    let table = read_table(path)?;
    if is_pyproject(path) {
        table
            .get("tool")
            .and_then(|tool| tool.get("spawnsafe"))
            .and_then(toml::Value::as_table)
            .cloned()
    } else {
        Some(table)
    }
}
