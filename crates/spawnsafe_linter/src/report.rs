//! Printing findings: `full` (code frames), `concise` (a line each), `json`,
//! `json-lines`, `github` (workflow commands), `sarif` (2.1.0) and `junit`
//! (XML), and the `--statistics` table.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use ruff_text_size::{TextRange, TextSize};
use serde::Serialize;

use crate::diagnostic::{Diagnostic, Location, SourceFile};
use crate::registry::{Rule, Severity};

/// How findings are printed (`--output-format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum OutputFormat {
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
    /// The findings under a heading per file.
    Grouped,
    /// GitLab Code Quality (a JSON array; paths relative to the project root).
    Gitlab,
    /// Pylint's parseable text: `path:row: [CODE] message`.
    Pylint,
    /// reviewdog's Diagnostic Format (rdjson), with the fixes as suggestions.
    Rdjson,
    /// Azure Pipelines logging commands (`##vso[task.logissue ...]`).
    Azure,
}

impl OutputFormat {
    /// Whether the format is meant for people: only these get the closing
    /// summary line ("Found 3 findings …"); the others are parsed by programs.
    pub fn is_human_readable(self) -> bool {
        matches!(
            self,
            OutputFormat::Full | OutputFormat::Concise | OutputFormat::Grouped
        )
    }
}

/// What a report needs besides the findings.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// ANSI styles in the text formats.
    pub color: bool,
    /// The directory the paths of machine-read formats are relative to (the
    /// repository or project root; SARIF's `%SRCROOT%`). `None`: the paths
    /// as displayed (relative to the working directory).
    pub project_root: Option<PathBuf>,
}

/// Renders all findings in a format; `color` adds ANSI styles to text formats.
pub fn render(diagnostics: &[Diagnostic], format: OutputFormat, color: bool) -> String {
    render_with(
        diagnostics,
        format,
        &RenderOptions {
            color,
            project_root: None,
        },
    )
}

/// Renders all findings in a format.
pub fn render_with(
    diagnostics: &[Diagnostic],
    format: OutputFormat,
    options: &RenderOptions,
) -> String {
    let color = options.color;
    match format {
        OutputFormat::Full => render_full(diagnostics, color),
        OutputFormat::Concise => render_concise(diagnostics, color),
        OutputFormat::Json => render_json(diagnostics),
        OutputFormat::JsonLines => render_json_lines(diagnostics),
        OutputFormat::Github => render_github(diagnostics),
        OutputFormat::Sarif => render_sarif(diagnostics, options.project_root.as_deref()),
        OutputFormat::Junit => render_junit(diagnostics),
        OutputFormat::Grouped => render_grouped(diagnostics, color),
        OutputFormat::Gitlab => render_gitlab(diagnostics, options.project_root.as_deref()),
        OutputFormat::Pylint => render_pylint(diagnostics),
        OutputFormat::Rdjson => render_rdjson(diagnostics),
        OutputFormat::Azure => render_azure(diagnostics),
    }
}

// ---------------------------------------------------------------------------
// grouped, pylint, azure
// ---------------------------------------------------------------------------

/// Ruff's `grouped`: the file's path, then its findings indented, a blank
/// line between files.
fn render_grouped(diagnostics: &[Diagnostic], color: bool) -> String {
    let (bold, red, reset) = if color {
        ("\x1b[1m", "\x1b[1;31m", "\x1b[0m")
    } else {
        ("", "", "")
    };
    let mut out = String::new();
    let mut index = 0;
    while index < diagnostics.len() {
        let path = &diagnostics[index].file.display_path;
        let end = diagnostics[index..]
            .iter()
            .position(|diagnostic| diagnostic.file.display_path != *path)
            .map_or(diagnostics.len(), |offset| index + offset);
        let group = &diagnostics[index..end];
        let locations: Vec<String> = group
            .iter()
            .map(|diagnostic| diagnostic.start_location().display())
            .collect();
        let width = locations.iter().map(String::len).max().unwrap_or(0);
        let _ = writeln!(out, "{bold}{path}{reset}:");
        for (diagnostic, location) in group.iter().zip(&locations) {
            let fixable = if diagnostic.fix.is_some() { " [*]" } else { "" };
            let _ = writeln!(
                out,
                "  {location:<width$} {red}{}{reset}{fixable} {}",
                diagnostic.rule.code(),
                diagnostic.message
            );
        }
        out.push('\n');
        index = end;
    }
    out
}

/// Pylint's parseable format, as Ruff writes it: `path:row: [CODE] message`.
fn render_pylint(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        let _ = writeln!(
            out,
            "{}:{}: [{}] {}",
            diagnostic.file.display_path,
            diagnostic.start_location().row,
            diagnostic.rule.code(),
            one_line(&diagnostic.message)
        );
    }
    out
}

/// Azure Pipelines `task.logissue` commands, one per finding.
fn render_azure(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        let kind = match diagnostic.severity() {
            Severity::Error => "error",
            Severity::Warning | Severity::Info => "warning",
        };
        let start = diagnostic.start_location();
        let _ = writeln!(
            out,
            "##vso[task.logissue type={kind};sourcepath={};linenumber={};columnnumber={};code={};]{}",
            azure_escape(&diagnostic.file.display_path),
            start.row,
            start.column,
            diagnostic.rule.code(),
            azure_escape(&diagnostic.message)
        );
    }
    out
}

/// Azure's logging-command escapes (`%`, `;`, `]`, line breaks), as its task library does.
fn azure_escape(text: &str) -> String {
    text.replace('%', "%AZP25")
        .replace(';', "%3B")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
        .replace(']', "%5D")
}

fn one_line(text: &str) -> String {
    text.split('\n').collect::<Vec<_>>().join(" ")
}

// ---------------------------------------------------------------------------
// GitLab Code Quality
// ---------------------------------------------------------------------------

#[derive(Serialize)]
struct GitlabIssue {
    description: String,
    check_name: &'static str,
    fingerprint: String,
    severity: &'static str,
    location: GitlabLocation,
}

#[derive(Serialize)]
struct GitlabLocation {
    path: String,
    lines: GitlabLines,
}

#[derive(Serialize)]
struct GitlabLines {
    begin: usize,
    end: usize,
}

/// FNV-1a, 64 bits: a fingerprint that stays the same across runs and builds.
fn fnv1a(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// The path GitLab shows: relative to the project root (the repository)
/// when the file is below it, with forward slashes.
fn project_relative(file: &SourceFile, root: Option<&Path>) -> String {
    let relative = root.and_then(|root| {
        let absolute = std::path::absolute(&file.path).ok()?;
        absolute
            .strip_prefix(root)
            .ok()
            .map(|relative| relative.to_string_lossy().into_owned())
    });
    relative
        .unwrap_or_else(|| file.display_path.clone())
        .replace('\\', "/")
}

/// A GitLab Code Quality report: the fingerprint of a finding is its path,
/// code, message and how many identical ones came before it, so it survives
/// edits elsewhere in the file (as Ruff's does).
fn render_gitlab(diagnostics: &[Diagnostic], root: Option<&Path>) -> String {
    let mut seen: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
    let issues: Vec<GitlabIssue> = diagnostics
        .iter()
        .map(|diagnostic| {
            let path = project_relative(&diagnostic.file, root);
            let base = fnv1a(&[&path, diagnostic.rule.code(), &diagnostic.message]);
            let occurrence = seen.entry(base).or_insert(0);
            *occurrence += 1;
            let fingerprint = format!(
                "{:016x}",
                fnv1a(&[&format!("{base:016x}"), &occurrence.to_string()])
            );
            GitlabIssue {
                description: format!(
                    "{} {}",
                    diagnostic.rule.code(),
                    one_line(&diagnostic.message)
                ),
                check_name: diagnostic.rule.code(),
                fingerprint,
                severity: match diagnostic.severity() {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                    Severity::Info => "info",
                },
                location: GitlabLocation {
                    path,
                    lines: GitlabLines {
                        begin: diagnostic.start_location().row,
                        end: diagnostic.end_location().row,
                    },
                },
            }
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&issues).expect("GitLab JSON serialises");
    out.push('\n');
    out
}

// ---------------------------------------------------------------------------
// reviewdog rdjson
// ---------------------------------------------------------------------------

/// A position as rdjson wants it: 1-based line, 1-based column in UTF-8 bytes.
fn rdjson_position(file: &SourceFile, offset: TextSize) -> serde_json::Value {
    let row = file.row(offset);
    let line_start = file.line_start(row);
    let column = usize::from(offset.checked_sub(line_start).unwrap_or_default()) + 1;
    let location = file.location(offset);
    serde_json::json!({"line": location.row, "column": column})
}

fn rdjson_range(file: &SourceFile, range: TextRange) -> serde_json::Value {
    serde_json::json!({
        "start": rdjson_position(file, range.start()),
        "end": rdjson_position(file, range.end()),
    })
}

/// reviewdog's Diagnostic Format: one result, a diagnostic per finding with
/// its code, URL, related locations and the fix as suggestions.
fn render_rdjson(diagnostics: &[Diagnostic]) -> String {
    let items: Vec<serde_json::Value> = diagnostics
        .iter()
        .map(|diagnostic| {
            let file = &diagnostic.file;
            let mut item = serde_json::json!({
                "message": diagnostic.message,
                "location": {
                    "path": file.display_path,
                    "range": rdjson_range(file, diagnostic.range),
                },
                "severity": match diagnostic.severity() {
                    Severity::Error => "ERROR",
                    Severity::Warning => "WARNING",
                    Severity::Info => "INFO",
                },
                "code": {"value": diagnostic.rule.code(), "url": diagnostic.rule.url()},
            });
            // Notebook rows are per cell: no text edits against the file.
            if let (Some(fix), None) = (&diagnostic.fix, &file.notebook) {
                item["suggestions"] = fix
                    .edits
                    .iter()
                    .map(|edit| {
                        serde_json::json!({
                            "range": rdjson_range(file, edit.range),
                            "text": edit.content,
                        })
                    })
                    .collect();
            }
            if !diagnostic.related.is_empty() {
                item["related_locations"] = diagnostic
                    .related
                    .iter()
                    .map(|related| {
                        serde_json::json!({
                            "message": related.message,
                            "location": {
                                "path": related.file.display_path,
                                "range": rdjson_range(&related.file, related.range),
                            },
                        })
                    })
                    .collect();
            }
            item
        })
        .collect();
    let result = serde_json::json!({
        "source": {"name": "spawnsafe", "url": env!("CARGO_PKG_REPOSITORY")},
        "diagnostics": items,
    });
    let mut out = serde_json::to_string_pretty(&result).expect("rdjson serialises");
    out.push('\n');
    out
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    }
}

/// The whole lines a range touches, with the offset of the first and its row.
fn line_window(file: &SourceFile, range: TextRange) -> (usize, usize, &str) {
    let text = file.text.as_str();
    let start = usize::from(range.start()).min(text.len());
    let end = usize::from(range.end()).clamp(start, text.len());
    let window_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let window_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let row = file.location(TextSize::new(start as u32)).row;
    (window_start, row, &text[window_start..window_end])
}

fn snippet<'a>(
    file: &'a SourceFile,
    range: TextRange,
    label: &'a str,
    kind: AnnotationKind,
) -> Snippet<'a, annotate_snippets::Annotation<'a>> {
    let (window_start, row, window) = line_window(file, range);
    let start = usize::from(range.start())
        .saturating_sub(window_start)
        .min(window.len());
    let end = usize::from(range.end())
        .saturating_sub(window_start)
        .clamp(start, window.len());
    // Show CRLF (and lone CR) files without a visible carriage return.
    let carriage_returns_before = |offset: usize| {
        window.as_bytes()[..offset]
            .iter()
            .filter(|&&b| b == b'\r')
            .count()
    };
    let (start, end) = (
        start - carriage_returns_before(start),
        end - carriage_returns_before(end),
    );
    let window = window.replace('\r', "");
    let cell = file
        .notebook
        .as_ref()
        .and_then(|_| file.location(range.start()).cell);
    Snippet::source(window)
        .line_start(row)
        .path(file.display_path.as_str())
        .cell_index(cell)
        .annotation(kind.span(start..end).label(label))
}

fn render_full(diagnostics: &[Diagnostic], color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for diagnostic in diagnostics {
        let message = diagnostic.message.clone();
        let mut groups = vec![level(diagnostic.severity())
            .primary_title(message)
            .id(diagnostic.rule.code())
            .element(snippet(
                &diagnostic.file,
                diagnostic.range,
                "",
                AnnotationKind::Primary,
            ))];
        for related in &diagnostic.related {
            groups.push(
                Group::with_title(Level::NOTE.secondary_title(related.message.as_str())).element(
                    snippet(&related.file, related.range, "", AnnotationKind::Context),
                ),
            );
        }
        if let Some(help) = &diagnostic.help {
            groups.push(Group::with_title(
                Level::HELP.secondary_title(help.as_str()),
            ));
        }
        let _ = writeln!(out, "{}\n", renderer.render(&groups));
    }
    out
}

fn render_concise(diagnostics: &[Diagnostic], color: bool) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        let location = diagnostic.start_location();
        let (bold, red, reset) = if color {
            ("\x1b[1m", "\x1b[1;31m", "\x1b[0m")
        } else {
            ("", "", "")
        };
        let _ = writeln!(
            out,
            "{bold}{}{reset}:{}: {red}{}{reset} {}",
            diagnostic.file.display_path,
            location.display(),
            diagnostic.rule.code(),
            diagnostic.message
        );
    }
    out
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    filename: &'a str,
    location: Location,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    content: &'a str,
    location: Location,
    end_location: Location,
}

/// Ruff's shape: `{applicability, message, edits: [{content, location, end_location}]}`.
#[derive(Serialize)]
struct JsonFix<'a> {
    applicability: crate::fix::Applicability,
    message: &'a str,
    edits: Vec<JsonEdit<'a>>,
}

fn json_fix<'a>(file: &SourceFile, fix: &'a crate::fix::Fix) -> JsonFix<'a> {
    JsonFix {
        applicability: fix.applicability,
        message: &fix.message,
        edits: fix
            .edits
            .iter()
            .map(|edit| JsonEdit {
                content: &edit.content,
                location: file.location(edit.range.start()),
                end_location: file.location(edit.range.end()),
            })
            .collect(),
    }
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    name: &'static str,
    severity: Severity,
    message: &'a str,
    filename: &'a str,
    location: Location,
    end_location: Location,
    fix: Option<JsonFix<'a>>,
    url: Option<String>,
    related: Vec<JsonRelated<'a>>,
    /// The notebook cell of `location` (only for notebooks).
    #[serde(skip_serializing_if = "Option::is_none")]
    cell: Option<usize>,
}

fn json_diagnostic(diagnostic: &Diagnostic) -> JsonDiagnostic<'_> {
    JsonDiagnostic {
        code: diagnostic.rule.code(),
        name: diagnostic.rule.name(),
        severity: diagnostic.severity(),
        message: &diagnostic.message,
        filename: &diagnostic.file.display_path,
        location: diagnostic.start_location(),
        end_location: diagnostic.end_location(),
        fix: diagnostic
            .fix
            .as_ref()
            .map(|fix| json_fix(&diagnostic.file, fix)),
        url: Some(diagnostic.rule.url()),
        related: diagnostic
            .related
            .iter()
            .map(|related| JsonRelated {
                filename: &related.file.display_path,
                location: related.file.location(related.range.start()),
                message: &related.message,
            })
            .collect(),
        cell: diagnostic.start_location().cell,
    }
}

fn render_json(diagnostics: &[Diagnostic]) -> String {
    let items: Vec<JsonDiagnostic> = diagnostics.iter().map(json_diagnostic).collect();
    let mut out = serde_json::to_string_pretty(&items).expect("diagnostics serialise");
    out.push('\n');
    out
}

/// One compact JSON object per line, with the fields of `json`.
fn render_json_lines(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        let line =
            serde_json::to_string(&json_diagnostic(diagnostic)).expect("diagnostics serialise");
        out.push_str(&line);
        out.push('\n');
    }
    out
}

// ---------------------------------------------------------------------------
// GitHub Actions workflow commands
// ---------------------------------------------------------------------------

/// Escapes a workflow command's message as `@actions/core` does (`escapeData`).
fn github_escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value as `@actions/core` does
/// (`escapeProperty`): the data escapes, plus `:` and `,`.
fn github_escape_property(text: &str) -> String {
    github_escape_data(text)
        .replace(':', "%3A")
        .replace(',', "%2C")
}

/// One `::error`/`::warning`/`::notice` command per finding, which GitHub
/// Actions shows as an annotation on the line.
fn render_github(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        let command = match diagnostic.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let path = diagnostic.file.display_path.as_str();
        let start = diagnostic.start_location();
        let end = diagnostic.end_location();
        let code = diagnostic.rule.code();
        let title = format!("spawnsafe ({code})");
        let message = format!("{path}:{}: {code} {}", start.display(), diagnostic.message);
        let _ = writeln!(
            out,
            "::{command} title={},file={},line={},col={},endLine={},endColumn={}::{}",
            github_escape_property(&title),
            github_escape_property(path),
            start.row,
            start.column,
            end.row,
            end.column,
            github_escape_data(&message),
        );
    }
    out
}

// ---------------------------------------------------------------------------
// SARIF 2.1.0
// ---------------------------------------------------------------------------

const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// Where relative artifact URIs are rooted: the project root, given in the
/// run's `originalUriBaseIds` (or, without one, the working directory).
const SARIF_SRCROOT: &str = "%SRCROOT%";

#[derive(Serialize)]
struct SarifLog<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<SarifRun<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRun<'a> {
    tool: SarifTool,
    results: Vec<SarifResult<'a>>,
    /// `%SRCROOT%` → the project root's `file://` URI.
    #[serde(skip_serializing_if = "Option::is_none")]
    original_uri_base_ids: Option<std::collections::BTreeMap<&'static str, SarifBaseUri>>,
    /// spawnsafe's columns count Unicode code points, not SARIF's default
    /// UTF-16 code units.
    column_kind: &'static str,
}

#[derive(Serialize)]
struct SarifBaseUri {
    uri: String,
}

#[derive(Serialize)]
struct SarifTool {
    driver: SarifDriver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifDriver {
    name: &'static str,
    version: &'static str,
    information_uri: &'static str,
    rules: Vec<SarifRule>,
}

#[derive(Serialize)]
struct SarifText<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct SarifMultiformatText<'a> {
    text: &'a str,
    markdown: &'a str,
}

#[derive(Serialize)]
struct SarifConfiguration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRule {
    id: &'static str,
    name: &'static str,
    short_description: SarifOwnedText,
    full_description: SarifOwnedText,
    help: SarifMultiformatText<'static>,
    help_uri: String,
    default_configuration: SarifConfiguration,
}

#[derive(Serialize)]
struct SarifOwnedText {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: SarifText<'a>,
    locations: Vec<SarifLocation<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<SarifLocation<'a>>,
    /// The finding's fix as SARIF `fixes` (not for notebooks: their rows are per cell).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix<'a> {
    description: SarifText<'a>,
    artifact_changes: Vec<SarifArtifactChange<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifArtifactChange<'a> {
    artifact_location: SarifArtifactLocation,
    replacements: Vec<SarifReplacement<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifReplacement<'a> {
    deleted_region: SarifRegion,
    inserted_content: SarifText<'a>,
}

fn sarif_fixes<'a>(diagnostic: &'a Diagnostic, root: Option<&Path>) -> Vec<SarifFix<'a>> {
    let Some(fix) = diagnostic.fix.as_ref() else {
        return Vec::new();
    };
    if diagnostic.file.notebook.is_some() {
        return Vec::new();
    }
    let replacements = fix
        .edits
        .iter()
        .map(|edit| SarifReplacement {
            deleted_region: sarif_physical_location(&diagnostic.file, edit.range, root).region,
            inserted_content: SarifText {
                text: &edit.content,
            },
        })
        .collect();
    vec![SarifFix {
        description: SarifText { text: &fix.message },
        artifact_changes: vec![SarifArtifactChange {
            artifact_location: sarif_artifact(&diagnostic.file, root),
            replacements,
        }],
    }]
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: SarifPhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<SarifText<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifPhysicalLocation {
    artifact_location: SarifArtifactLocation,
    region: SarifRegion,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRegion {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Percent-encodes a path for a URI, keeping `/` and the characters a path
/// segment may hold as they are (`:` too when `keep_colon`).
fn percent_encode_path(path: &str, keep_colon: bool) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        let keep = byte.is_ascii_alphanumeric()
            || b"-._~/!$&'()*+,;=@".contains(&byte)
            || (keep_colon && byte == b':');
        if keep {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// The artifact location of a file: below the project root, a URI relative
/// to `%SRCROOT%` (forward slashes); elsewhere an absolute `file://` URI.
/// Without a root, the displayed path decides.
fn sarif_artifact(file: &SourceFile, root: Option<&Path>) -> SarifArtifactLocation {
    if let Some(root) = root {
        let absolute = std::path::absolute(&file.path).unwrap_or_else(|_| file.path.clone());
        return match absolute.strip_prefix(root) {
            Ok(relative) => SarifArtifactLocation {
                uri: percent_encode_path(&relative.to_string_lossy().replace('\\', "/"), false),
                uri_base_id: Some(SARIF_SRCROOT),
            },
            Err(_) => sarif_artifact_of_display(&absolute.to_string_lossy()),
        };
    }
    sarif_artifact_of_display(&file.display_path)
}

/// The `file://` URI of an absolute directory, ending in `/` as SARIF wants
/// for a base URI.
fn file_uri_of_directory(directory: &Path) -> String {
    let mut uri = match sarif_artifact_of_display(&directory.to_string_lossy()) {
        SarifArtifactLocation {
            uri,
            uri_base_id: None,
        } => uri,
        SarifArtifactLocation { uri, .. } => format!("file:///{uri}"),
    };
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// The artifact location of a displayed path: relative paths become URIs
/// relative to `%SRCROOT%` (forward slashes); absolute ones `file://` URIs.
fn sarif_artifact_of_display(display_path: &str) -> SarifArtifactLocation {
    let path = display_path.replace('\\', "/");
    let bytes = path.as_bytes();
    let has_drive =
        bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/';
    if has_drive {
        SarifArtifactLocation {
            uri: format!(
                "file:///{}{}",
                &path[..2],
                percent_encode_path(&path[2..], false)
            ),
            uri_base_id: None,
        }
    } else if path.starts_with('/') {
        SarifArtifactLocation {
            uri: format!("file://{}", percent_encode_path(&path, true)),
            uri_base_id: None,
        }
    } else {
        SarifArtifactLocation {
            uri: percent_encode_path(&path, false),
            uri_base_id: Some(SARIF_SRCROOT),
        }
    }
}

fn sarif_physical_location(
    file: &SourceFile,
    range: TextRange,
    root: Option<&Path>,
) -> SarifPhysicalLocation {
    let start = file.location(range.start());
    let end = file.location(range.end());
    SarifPhysicalLocation {
        artifact_location: sarif_artifact(file, root),
        region: SarifRegion {
            start_line: start.row,
            start_column: start.column,
            end_line: end.row,
            end_column: end.column,
        },
    }
}

/// The paragraphs of a rule's `## What it does` section (or, without one, the
/// first paragraph after the title), each joined onto one line; code blocks
/// are left out.
fn docs_description(docs: &str) -> Vec<String> {
    let lines: Vec<&str> = docs.lines().collect();
    let section = lines
        .iter()
        .position(|line| line.trim().eq_ignore_ascii_case("## What it does"));
    let body = match section {
        Some(heading) => &lines[heading + 1..],
        None => &lines[..],
    };
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    let mut flush = |current: &mut Vec<&str>| {
        if !current.is_empty() {
            paragraphs.push(current.join(" "));
            current.clear();
        }
    };
    let mut in_fence = false;
    for line in body {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            in_fence = !in_fence;
            flush(&mut current);
        } else if in_fence {
            continue;
        } else if trimmed.starts_with('#') {
            if section.is_some() {
                break;
            }
            flush(&mut current);
        } else if trimmed.is_empty() {
            flush(&mut current);
        } else {
            current.push(trimmed);
        }
    }
    flush(&mut current);
    if section.is_none() {
        paragraphs.truncate(1);
    }
    paragraphs
}

/// The first sentence of a paragraph: up to the first `. ` that ends neither
/// an abbreviation nor an ellipsis and is not inside a `code span`; or the
/// whole paragraph.
fn first_sentence(paragraph: &str) -> &str {
    let mut search_from = 0;
    while let Some(found) = paragraph[search_from..].find(". ") {
        let end = search_from + found + 1;
        let before = &paragraph[..end - 1];
        let last_word = before.rsplit(' ').next().unwrap_or("");
        let abbreviation = matches!(last_word, "e.g" | "i.e" | "etc" | "vs" | "cf");
        let ellipsis = before.ends_with('.');
        let in_code = before.matches('`').count() % 2 == 1;
        if !abbreviation && !ellipsis && !in_code {
            return &paragraph[..end];
        }
        search_from = end;
    }
    paragraph
}

/// GitHub code scanning takes rule descriptions of up to 1024 characters.
const SARIF_DESCRIPTION_LIMIT: usize = 1024;

/// `text` cut at a word boundary to at most `limit` characters, with `…`.
fn truncate_words(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_string();
    }
    let cut: String = text.chars().take(limit - 1).collect();
    let cut = match cut.rfind(' ') {
        Some(space) if space > 0 => &cut[..space],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

fn sarif_rule(rule: Rule) -> SarifRule {
    let docs = rule.docs();
    let paragraphs = docs_description(docs);
    let (short, full) = match paragraphs.first() {
        Some(first) => (first_sentence(first), paragraphs.join("\n\n")),
        None => (rule.name(), rule.name().to_string()),
    };
    let short = truncate_words(short, SARIF_DESCRIPTION_LIMIT);
    let full = truncate_words(&full, SARIF_DESCRIPTION_LIMIT);
    SarifRule {
        id: rule.code(),
        name: rule.name(),
        short_description: SarifOwnedText { text: short },
        full_description: SarifOwnedText { text: full },
        help: SarifMultiformatText {
            text: docs,
            markdown: docs,
        },
        help_uri: rule.url(),
        default_configuration: SarifConfiguration {
            level: sarif_level(rule.severity()),
        },
    }
}

/// A SARIF 2.1.0 log: one run, every rule spawnsafe knows as a reporting
/// descriptor, one result per finding.
fn render_sarif(diagnostics: &[Diagnostic], root: Option<&Path>) -> String {
    let results = diagnostics
        .iter()
        .map(|diagnostic| SarifResult {
            rule_id: diagnostic.rule.code(),
            rule_index: Rule::ALL
                .iter()
                .position(|rule| *rule == diagnostic.rule)
                .expect("every rule is in the registry"),
            level: sarif_level(diagnostic.severity()),
            message: SarifText {
                text: &diagnostic.message,
            },
            locations: vec![SarifLocation {
                id: None,
                physical_location: sarif_physical_location(
                    &diagnostic.file,
                    diagnostic.range,
                    root,
                ),
                message: None,
            }],
            related_locations: diagnostic
                .related
                .iter()
                .enumerate()
                .map(|(index, related)| SarifLocation {
                    id: Some(index),
                    physical_location: sarif_physical_location(&related.file, related.range, root),
                    message: Some(SarifText {
                        text: &related.message,
                    }),
                })
                .collect(),
            fixes: sarif_fixes(diagnostic, root),
        })
        .collect();
    let log = SarifLog {
        schema: SARIF_SCHEMA,
        version: "2.1.0",
        runs: vec![SarifRun {
            tool: SarifTool {
                driver: SarifDriver {
                    name: "spawnsafe",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    rules: Rule::ALL.iter().copied().map(sarif_rule).collect(),
                },
            },
            results,
            original_uri_base_ids: root.map(|root| {
                std::collections::BTreeMap::from([(
                    SARIF_SRCROOT,
                    SarifBaseUri {
                        uri: file_uri_of_directory(root),
                    },
                )])
            }),
            column_kind: "unicodeCodePoints",
        }],
    };
    let mut out = serde_json::to_string_pretty(&log).expect("SARIF serialises");
    out.push('\n');
    out
}

// ---------------------------------------------------------------------------
// JUnit XML
// ---------------------------------------------------------------------------

/// Escapes text for XML 1.0: markup characters become entities, characters
/// XML cannot hold become U+FFFD; in attribute values, quotes and the
/// whitespace a parser would normalise become character references.
fn xml_escape(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(ch),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            _ => out.push(ch),
        }
    }
    out
}

/// `<testsuites>` with a `<testsuite>` per file and a failing `<testcase>`
/// per finding; a clean run is one passing test case.
fn render_junit(diagnostics: &[Diagnostic]) -> String {
    let attr = |text: &str| xml_escape(text, true);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    if diagnostics.is_empty() {
        out.push_str(concat!(
            "<testsuites name=\"spawnsafe\" tests=\"1\" failures=\"0\" errors=\"0\">\n",
            "  <testsuite name=\"spawnsafe\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\">\n",
            "    <testcase name=\"No findings\" classname=\"spawnsafe\"/>\n",
            "  </testsuite>\n",
            "</testsuites>\n",
        ));
        return out;
    }
    // Files in the order their first finding is printed.
    let mut files: Vec<(&str, Vec<&Diagnostic>)> = Vec::new();
    for diagnostic in diagnostics {
        let path = diagnostic.file.display_path.as_str();
        match files.iter_mut().find(|(file, _)| *file == path) {
            Some((_, findings)) => findings.push(diagnostic),
            None => files.push((path, vec![diagnostic])),
        }
    }
    let total = diagnostics.len();
    let _ = writeln!(
        out,
        "<testsuites name=\"spawnsafe\" tests=\"{total}\" failures=\"{total}\" errors=\"0\">"
    );
    for (path, findings) in &files {
        let count = findings.len();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{count}\" failures=\"{count}\" errors=\"0\" skipped=\"0\">",
            attr(path)
        );
        for diagnostic in findings {
            let start = diagnostic.start_location();
            let code = diagnostic.rule.code();
            let mut body = format!("{path}:{}: {code} {}", start.display(), diagnostic.message);
            for related in &diagnostic.related {
                let location = related.file.location(related.range.start());
                let _ = write!(
                    body,
                    "\nnote: {}:{}: {}",
                    related.file.display_path,
                    location.display(),
                    related.message
                );
            }
            if let Some(help) = &diagnostic.help {
                let _ = write!(body, "\nhelp: {help}");
            }
            let _ = write!(body, "\nsee: {}", diagnostic.rule.url());
            let _ = writeln!(
                out,
                "    <testcase name=\"{code} {} ({}:{})\" classname=\"{}\" file=\"{}\" line=\"{}\">",
                diagnostic.rule.name(),
                start.row,
                start.column,
                attr(path),
                attr(path),
                start.row,
            );
            let _ = writeln!(
                out,
                "      <failure message=\"{}\" type=\"{code}\">{}</failure>",
                attr(&diagnostic.message),
                xml_escape(&body, false),
            );
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

// ---------------------------------------------------------------------------
// --statistics
// ---------------------------------------------------------------------------

/// How many findings each rule has, most first (then by code).
fn statistics(diagnostics: &[Diagnostic]) -> Vec<(Rule, usize)> {
    let mut counts: Vec<(Rule, usize)> = Vec::new();
    for diagnostic in diagnostics {
        match counts.iter_mut().find(|(rule, _)| *rule == diagnostic.rule) {
            Some((_, count)) => *count += 1,
            None => counts.push((diagnostic.rule, 1)),
        }
    }
    counts.sort_by(|(a_rule, a_count), (b_rule, b_count)| {
        b_count
            .cmp(a_count)
            .then_with(|| a_rule.code().cmp(b_rule.code()))
    });
    counts
}

#[derive(Serialize)]
struct JsonStatistic {
    code: &'static str,
    name: &'static str,
    count: usize,
    fixable: bool,
}

/// The count of findings per rule, as Ruff's `--statistics` prints it: a
/// `count<TAB>code<TAB>name` table for `full` and `concise`, an array of
/// `{code, name, count, fixable}` for `json`. `None` for the other formats.
pub fn render_statistics(
    diagnostics: &[Diagnostic],
    format: OutputFormat,
    color: bool,
) -> Option<String> {
    let counts = statistics(diagnostics);
    match format {
        OutputFormat::Full | OutputFormat::Concise | OutputFormat::Grouped => {
            let count_width = counts
                .iter()
                .map(|(_, count)| count.to_string().len())
                .max()
                .unwrap_or(1);
            let code_width = counts
                .iter()
                .map(|(rule, _)| rule.code().len())
                .max()
                .unwrap_or(0);
            let (bold, red, reset) = if color {
                ("\x1b[1m", "\x1b[1;31m", "\x1b[0m")
            } else {
                ("", "", "")
            };
            let mut out = String::new();
            for (rule, count) in &counts {
                let _ = writeln!(
                    out,
                    "{bold}{count:>count_width$}{reset}\t{red}{:<code_width$}{reset}\t{}",
                    rule.code(),
                    rule.name()
                );
            }
            Some(out)
        }
        OutputFormat::Json => {
            let items: Vec<JsonStatistic> = counts
                .iter()
                .map(|(rule, count)| JsonStatistic {
                    code: rule.code(),
                    name: rule.name(),
                    count: *count,
                    fixable: diagnostics
                        .iter()
                        .any(|diagnostic| diagnostic.rule == *rule && diagnostic.fix.is_some()),
                })
                .collect();
            let mut out = serde_json::to_string_pretty(&items).expect("statistics serialise");
            out.push('\n');
            Some(out)
        }
        OutputFormat::JsonLines
        | OutputFormat::Github
        | OutputFormat::Sarif
        | OutputFormat::Junit
        | OutputFormat::Gitlab
        | OutputFormat::Pylint
        | OutputFormat::Rdjson
        | OutputFormat::Azure => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_escapes_like_the_actions_toolkit() {
        assert_eq!(github_escape_data("50% a:b,c\r\nd"), "50%25 a:b,c%0D%0Ad");
        assert_eq!(
            github_escape_property("50% a:b,c\r\nd"),
            "50%25 a%3Ab%2Cc%0D%0Ad"
        );
        // `%` first, so escapes are not escaped twice.
        assert_eq!(github_escape_property("%3A"), "%253A");
    }

    #[test]
    fn xml_escapes_markup_and_invalid_characters() {
        assert_eq!(
            xml_escape("a<b>&\"c\" 'd'\n\te\r\u{1}\u{fffe}", false),
            "a&lt;b&gt;&amp;\"c\" 'd'\n\te&#13;\u{fffd}\u{fffd}"
        );
        assert_eq!(
            xml_escape("a<b>&\"c\" 'd'\n\te\r", true),
            "a&lt;b&gt;&amp;&quot;c&quot; &apos;d&apos;&#10;&#9;e&#13;"
        );
    }

    #[test]
    fn sarif_artifact_uris() {
        let relative = sarif_artifact_of_display("src\\odd dir/a:b%,c.py");
        assert_eq!(relative.uri, "src/odd%20dir/a%3Ab%25,c.py");
        assert_eq!(relative.uri_base_id, Some("%SRCROOT%"));
        let absolute = sarif_artifact_of_display("/home/me/a b.py");
        assert_eq!(absolute.uri, "file:///home/me/a%20b.py");
        assert_eq!(absolute.uri_base_id, None);
        let windows = sarif_artifact_of_display("C:\\Users\\me\\é.py");
        assert_eq!(windows.uri, "file:///C:/Users/me/%C3%A9.py");
        assert_eq!(windows.uri_base_id, None);
    }

    #[test]
    fn rule_descriptions_come_from_what_it_does() {
        let docs = "# name (SPS999)\n\n## What it does\nFinds a thing, e.g. this\none. Then more.\n\n```python\nx = 1\n```\n\nA second paragraph.\n\n## Why is this bad?\nIgnored.\n";
        assert_eq!(
            docs_description(docs),
            [
                "Finds a thing, e.g. this one. Then more.",
                "A second paragraph."
            ]
        );
        assert_eq!(
            first_sentence("Finds a thing, e.g. this one. Then more."),
            "Finds a thing, e.g. this one."
        );
        assert_eq!(
            first_sentence("Finds `try: ... except. x` and `a. b` here... yes. No."),
            "Finds `try: ... except. x` and `a. b` here... yes."
        );
        // Without the section: the first paragraph after the title.
        assert_eq!(
            docs_description("# title\n\nFirst\nparagraph.\n\nSecond.\n"),
            ["First paragraph."]
        );
    }

    #[test]
    fn every_rule_has_descriptions_within_github_limits() {
        for rule in Rule::ALL {
            let descriptor = sarif_rule(*rule);
            let short = &descriptor.short_description.text;
            let full = &descriptor.full_description.text;
            assert!(!short.is_empty() && short.chars().count() <= SARIF_DESCRIPTION_LIMIT);
            assert!(!full.is_empty() && full.chars().count() <= SARIF_DESCRIPTION_LIMIT);
            assert!(!full.contains("##"), "{}: {full}", rule.code());
        }
    }

    #[test]
    fn long_descriptions_are_cut_at_a_word() {
        assert_eq!(truncate_words("short", 10), "short");
        assert_eq!(truncate_words("one two, three four", 12), "one two…");
        assert_eq!(truncate_words("abcdefghijkl", 5), "abcd…");
    }
}
