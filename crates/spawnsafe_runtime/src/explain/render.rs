//! How an explanation is shown: text in the manner of Ruff's reports, or JSON.

use std::fmt::Write;

use super::{Explanation, Item, LocalCheck, UserFrame};

/// The explanation as text, in the manner of Ruff's reports.
pub fn render_text(explanation: &Explanation) -> String {
    let mut out = String::new();
    for item in &explanation.items {
        let label = match (item.code, item.name) {
            (Some(code), Some(name)) => format!("{code} {name}"),
            _ => item.signature.as_str().to_string(),
        };
        let _ = writeln!(out, "{label}: {}", item.title);
        if item.consequence {
            let _ = writeln!(
                out,
                "  = saw: {}{}",
                item.exception,
                times(item.occurrences)
            );
            let _ = writeln!(
                out,
                "  = why: its worker processes died of the failure explained above; fix that one\n"
            );
            continue;
        }
        match &item.frame {
            Some(frame) => write_frame(&mut out, frame),
            None => {
                let _ = writeln!(out, "  --> (no frame of your own code in the traceback)");
            }
        }
        let mut notes = Vec::new();
        if item.occurrences > 1 {
            notes.push(format!("{} times", item.occurrences));
        }
        if item.in_child {
            notes.push("in a child process".to_string());
        }
        let notes = if notes.is_empty() {
            String::new()
        } else {
            format!(" ({})", notes.join(", "))
        };
        let _ = writeln!(out, "  = saw: {}{notes}", item.exception);
        if let Some(parent) = &item.raised_in_parent {
            let _ = writeln!(
                out,
                "  = re-raised in the parent at {}",
                frame_location(parent)
            );
        }
        if let Some(missing) = &item.missing {
            let _ = writeln!(out, "  = missing: {missing}");
        }
        let _ = writeln!(out, "  = why: {}", item.meaning);
        let _ = writeln!(out, "  = help: {}", item.help);
        let _ = writeln!(
            out,
            "  = confidence: {} ({:.2}), from:",
            item.confidence_label, item.confidence
        );
        for evidence in &item.evidence {
            let _ = writeln!(out, "      {}  ({})", evidence.text, evidence.shows);
        }
        match &item.local_check {
            LocalCheck::NotChecked => {}
            LocalCheck::NotFound { files } => {
                let _ = writeln!(
                    out,
                    "  = check: not run ({} not found here)",
                    files.join(", ")
                );
            }
            LocalCheck::NoMatch { files } => {
                let _ = writeln!(
                    out,
                    "  = check: `spawnsafe check {}` reports no {} finding",
                    files.join(" "),
                    item.code.unwrap_or("matching")
                );
            }
            LocalCheck::Matched { files, findings } => {
                let _ = writeln!(
                    out,
                    "  = check: `spawnsafe check {}` finds it:",
                    files.join(" ")
                );
                for finding in findings {
                    let _ = writeln!(out, "      {}", finding.message);
                }
            }
            LocalCheck::Error { message } => {
                let _ = writeln!(out, "  = check: failed: {message}");
            }
        }
        if let Some(url) = &item.url {
            let _ = writeln!(out, "  = docs: {url}");
        }
        out.push('\n');
    }
    if explanation.items.is_empty() {
        if explanation.unknown.is_empty() {
            let _ = writeln!(out, "No Python traceback or exception found in the input.");
            return out;
        }
        for unknown in &explanation.unknown {
            let _ = writeln!(
                out,
                "not a start-method problem that spawnsafe knows: {}",
                unknown.exception
            );
            if let Some(frame) = &unknown.frame {
                write_frame(&mut out, frame);
            }
            if let Some(hint) = &unknown.hint {
                let _ = writeln!(out, "  = note: {hint}");
            }
            out.push('\n');
        }
        return out;
    }
    let known: Vec<&Item> = explanation
        .items
        .iter()
        .filter(|item| !item.consequence)
        .collect();
    let mut codes: Vec<&str> = Vec::new();
    for code in known.iter().filter_map(|item| item.code) {
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    let count = known.len().max(1);
    let _ = write!(
        out,
        "Explained {count} known problem{}",
        if count == 1 { "" } else { "s" }
    );
    if !codes.is_empty() {
        let _ = write!(out, " ({})", codes.join(", "));
    }
    if explanation.tracebacks == 0 {
        // Frames or an exception line without the header above them.
        let _ = write!(out, " from a paste with no traceback header");
    } else {
        let _ = write!(
            out,
            " in {} traceback{}",
            explanation.tracebacks,
            if explanation.tracebacks == 1 { "" } else { "s" }
        );
    }
    if explanation.items.iter().any(|item| item.consequence) {
        let _ = write!(out, ", and the `BrokenProcessPool` it caused");
    }
    let _ = writeln!(out, ".");
    if !explanation.unknown.is_empty() {
        let others: Vec<&str> = explanation
            .unknown
            .iter()
            .map(|unknown| unknown.exception.as_str())
            .collect();
        let _ = writeln!(
            out,
            "Also in the text, not explained: {}",
            others.join("; ")
        );
    }
    out
}

fn times(count: usize) -> String {
    if count > 1 {
        format!(" ({count} times)")
    } else {
        String::new()
    }
}

fn frame_location(frame: &UserFrame) -> String {
    let mut text = frame.file.clone();
    if let Some(line) = frame.line {
        let _ = write!(text, ":{line}");
    }
    if let Some(function) = &frame.function {
        let _ = write!(text, ", in {function}");
    }
    text
}

fn write_frame(out: &mut String, frame: &UserFrame) {
    let _ = writeln!(out, "  --> {}", frame_location(frame));
    if let Some(source) = &frame.source {
        let number = frame.line.map(|line| line.to_string()).unwrap_or_default();
        let pad = " ".repeat(number.len());
        let _ = writeln!(out, " {pad} |");
        let _ = writeln!(out, " {number} | {source}");
        let _ = writeln!(out, " {pad} |");
    }
}

/// The explanation as JSON.
pub fn render_json(explanation: &Explanation) -> String {
    let mut text = serde_json::to_string_pretty(explanation).unwrap_or_default();
    text.push('\n');
    text
}
