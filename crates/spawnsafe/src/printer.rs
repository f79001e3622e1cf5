//! Everything `check` prints: the report in its format, and the summary lines
//! people read ("Found 3 findings …"), each counted from what really happened.

use std::io::Write;
use std::path::Path;

use spawnsafe_linter::fixer::{FixResult, FixedFile};
use spawnsafe_linter::report::{render_statistics, render_with, RenderOptions};
use spawnsafe_linter::{CheckResult, Rule};

use crate::settings::PrinterSettings;

/// `1 finding`, `2 findings`; `1 fix`, `2 fixes`.
pub fn count(number: usize, noun: &str) -> String {
    let plural = if noun.ends_with('x') || noun.ends_with('s') {
        format!("{noun}es")
    } else {
        format!("{noun}s")
    };
    format!("{number} {}", if number == 1 { noun } else { &plural })
}

/// What the fixes did, counted from the fixes that reached their file
/// (written, or for `--diff` and the standard input, the text that would be).
#[derive(Debug, Default, Clone, Copy)]
pub struct FixCounts {
    /// The findings the fixes made go away: those of the first check that the
    /// check of the fixed files no longer reports (one fix can remove several:
    /// moving import-time work into the guard also moves its
    /// `set_start_method()`). 0 when no fix reached a file.
    pub fixed: usize,
    /// The fixes applied.
    pub fixes: usize,
    /// The files whose text changed.
    pub files: usize,
}

impl FixCounts {
    pub fn of(result: &FixResult, dry_run: bool) -> FixCounts {
        let mut counts = FixCounts::default();
        for file in &result.files {
            if lands(file, dry_run) {
                counts.fixes += file.applied.len();
                counts.files += 1;
            }
        }
        if counts.fixes > 0 {
            counts.fixed = result.findings_fixed();
        }
        counts
    }
}

/// Whether a file's fixes change (or, in a dry run, would change) the file:
/// a file whose fix failed keeps its text.
pub fn lands(file: &FixedFile, dry_run: bool) -> bool {
    !file.applied.is_empty() && file.error.is_none() && (dry_run || file.written)
}

/// The report of a check: the findings in the chosen format, then (for
/// people) the summary, the hint at the fixes, and the fixes applied.
pub fn report(
    result: &CheckResult,
    fixes: Option<(FixCounts, &[FixedFile])>,
    settings: &PrinterSettings,
    unsafe_fixes: bool,
    render_options: &RenderOptions,
) -> String {
    let format = settings.format;
    let mut out = if settings.statistics {
        render_statistics(&result.diagnostics, format, settings.color)
            .expect("validated in settings")
    } else {
        render_with(&result.diagnostics, format, render_options)
    };
    let summarise =
        format.is_human_readable() && (!settings.statistics || result.diagnostics.is_empty());
    if !settings.quiet && summarise {
        out.push_str(&summary(result, fixes.map(|(counts, _)| counts)));
        out.push_str(&fixable_hint(result, unsafe_fixes));
    }
    if let Some((_, files)) = fixes {
        if settings.show_fixes {
            out.push_str(&show_fixes(files));
        }
    }
    out
}

/// `All checks passed (3 files checked).`, `Found 2 findings in 3 files
/// checked.` or, after `--fix`, `Found 3 findings (1 fixed, 2 remaining) in
/// 3 files checked.`
pub fn summary(result: &CheckResult, fixes: Option<FixCounts>) -> String {
    let remaining = result.diagnostics.len();
    let fixed = fixes.map_or(0, |counts| counts.fixed);
    let files = count(result.files_found, "file");
    if remaining == 0 && fixed == 0 {
        format!("All checks passed ({files} checked).\n")
    } else if fixed > 0 {
        format!(
            "Found {} ({fixed} fixed, {remaining} remaining) in {files} checked.\n",
            count(fixed + remaining, "finding")
        )
    } else {
        format!(
            "Found {} in {files} checked.\n",
            count(remaining, "finding")
        )
    }
}

/// `[*] 2 fixable with the `--fix` option.`, as Ruff says it.
pub fn fixable_hint(result: &CheckResult, unsafe_fixes: bool) -> String {
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
    let hidden_text = format!(
        "{} can be enabled with the `--unsafe-fixes` option",
        count(hidden, "hidden fix")
    );
    match (safe, hidden) {
        (0, 0) => String::new(),
        (0, _) => format!("No fixes available ({hidden_text}).\n"),
        (safe, 0) => format!("[*] {safe} fixable with the {option} option.\n"),
        (safe, _) => format!("[*] {safe} fixable with the {option} option ({hidden_text}).\n"),
    }
}

/// The fixes applied, per file (`--show-fixes`).
pub fn show_fixes(files: &[FixedFile]) -> String {
    let files: Vec<&FixedFile> = files.iter().filter(|file| lands(file, true)).collect();
    if files.is_empty() {
        return "\nNo findings were fixed.\n".to_string();
    }
    let applied: usize = files.iter().map(|file| file.applied.len()).sum();
    let mut out = format!("\nApplied {}:\n", count(applied, "fix"));
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

/// Writes the report to the standard output, or to `--output-file` (its
/// directory is created when missing, like Ruff does).
pub fn write_report(out: &str, output_file: Option<&Path>) -> Result<(), String> {
    if let Some(path) = output_file {
        let written = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => std::fs::create_dir_all(parent),
            _ => Ok(()),
        }
        .and_then(|()| std::fs::write(path, out.as_bytes()));
        return written.map_err(|err| format!("cannot write `{}`: {err}", path.display()));
    }
    write_stdout(out.as_bytes())
}

/// Writes to the standard output; a closed pipe (`| head`) is not an error.
pub fn write_stdout(bytes: &[u8]) -> Result<(), String> {
    let mut stdout = std::io::stdout().lock();
    if let Err(err) = stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        if err.kind() != std::io::ErrorKind::BrokenPipe {
            return Err(format!("cannot write output: {err}"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::count;

    #[test]
    fn counts_are_plural_unless_one() {
        assert_eq!(count(0, "finding"), "0 findings");
        assert_eq!(count(1, "finding"), "1 finding");
        assert_eq!(count(2, "fix"), "2 fixes");
        assert_eq!(count(1, "hidden fix"), "1 hidden fix");
        assert_eq!(count(3, "file"), "3 files");
    }
}
