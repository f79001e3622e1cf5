//! Printing findings: `full` (code frames), `concise` (a line each), `json`.

use std::fmt::Write as _;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use ruff_text_size::{TextRange, TextSize};
use serde::Serialize;

use crate::diagnostic::{Diagnostic, Location, SourceFile};
use crate::registry::Severity;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Full,
    Concise,
    Json,
}

impl OutputFormat {
    pub const NAMES: &'static [&'static str] = &["full", "concise", "json"];

    pub fn from_name(name: &str) -> Option<OutputFormat> {
        match name {
            "full" => Some(OutputFormat::Full),
            "concise" => Some(OutputFormat::Concise),
            "json" => Some(OutputFormat::Json),
            _ => None,
        }
    }
}

/// Renders all findings in a format; `color` adds ANSI styles to text formats.
pub fn render(diagnostics: &[Diagnostic], format: OutputFormat, color: bool) -> String {
    match format {
        OutputFormat::Full => render_full(diagnostics, color),
        OutputFormat::Concise => render_concise(diagnostics, color),
        OutputFormat::Json => render_json(diagnostics),
    }
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
    Snippet::source(window)
        .line_start(row)
        .path(file.display_path.as_str())
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
            "{bold}{}{reset}:{}:{}: {red}{}{reset} {}",
            diagnostic.file.display_path,
            location.row,
            location.column,
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
struct JsonDiagnostic<'a> {
    code: &'static str,
    name: &'static str,
    severity: Severity,
    message: &'a str,
    filename: &'a str,
    location: Location,
    end_location: Location,
    fix: Option<()>,
    url: Option<String>,
    related: Vec<JsonRelated<'a>>,
}

fn render_json(diagnostics: &[Diagnostic]) -> String {
    let items: Vec<JsonDiagnostic> = diagnostics
        .iter()
        .map(|diagnostic| JsonDiagnostic {
            code: diagnostic.rule.code(),
            name: diagnostic.rule.name(),
            severity: diagnostic.severity(),
            message: &diagnostic.message,
            filename: &diagnostic.file.display_path,
            location: diagnostic.start_location(),
            end_location: diagnostic.end_location(),
            fix: None,
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
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&items).expect("diagnostics serialise");
    out.push('\n');
    out
}
