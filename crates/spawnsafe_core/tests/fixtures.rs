//! Every rule fixture: the codes spawnsafe reports must be exactly the ones its
//! `# expect:` header names, and the findings are snapshot-tested.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use spawnsafe_core::report::{render, OutputFormat};
use spawnsafe_core::settings::Overrides;
use spawnsafe_core::{check_paths, CheckOptions, Rule};

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("resources/fixtures")
}

/// Every fixture: a `.py` file with an `# expect:` header, or a directory with `main.py`.
fn fixtures() -> Vec<PathBuf> {
    let mut found = Vec::new();
    for rule in std::fs::read_dir(fixtures_root()).unwrap() {
        let rule = rule.unwrap().path();
        if !rule.is_dir() {
            continue;
        }
        let code = rule.file_name().unwrap().to_string_lossy().to_string();
        assert!(
            Rule::from_code_or_name(&code).is_some(),
            "fixtures for an unknown rule: {code}"
        );
        for kind in ["flagged", "clean"] {
            let Ok(entries) = std::fs::read_dir(rule.join(kind)) else {
                continue;
            };
            for entry in entries {
                let path = entry.unwrap().path();
                if path.is_dir() && path.join("main.py").is_file()
                    || path
                        .extension()
                        .is_some_and(|ext| ext == "py" || ext == "ipynb")
                {
                    found.push(path);
                }
            }
        }
    }
    found.sort();
    found
}

/// The header lines: a file's first lines, or a notebook's first code cell.
fn header_text(entry: &Path) -> String {
    let text = std::fs::read_to_string(entry).unwrap();
    if entry.extension().is_none_or(|ext| ext != "ipynb") {
        return text;
    }
    let notebook: serde_json::Value = serde_json::from_str(&text).unwrap();
    let cell = notebook["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|cell| cell["cell_type"] == "code")
        .expect("a code cell");
    match &cell["source"] {
        serde_json::Value::Array(lines) => lines.iter().filter_map(|line| line.as_str()).collect(),
        serde_json::Value::String(text) => text.clone(),
        _ => String::new(),
    }
}

fn expected_codes(fixture: &Path) -> BTreeSet<String> {
    let entry = if fixture.is_dir() {
        fixture.join("main.py")
    } else {
        fixture.to_path_buf()
    };
    let text = header_text(&entry);
    let line = text
        .lines()
        .take_while(|line| line.starts_with('#'))
        .find_map(|line| line.strip_prefix("# expect:"))
        .unwrap_or_else(|| panic!("{} has no `# expect:` header", entry.display()));
    line.split(',')
        .map(str::trim)
        .filter(|code| !code.is_empty() && *code != "none")
        .map(str::to_string)
        .collect()
}

fn snapshot_name(fixture: &Path) -> String {
    let relative = fixture.strip_prefix(fixtures_root()).unwrap();
    relative
        .with_extension("")
        .to_string_lossy()
        .replace(['/', '\\'], "__")
}

/// The default selection, plus the fixture's own rule (advice rules are off by default).
fn options_for(fixture: &Path) -> CheckOptions {
    let relative = fixture.strip_prefix(fixtures_root()).unwrap();
    let code = relative
        .iter()
        .next()
        .unwrap()
        .to_string_lossy()
        .to_string();
    CheckOptions {
        isolated: true,
        overrides: Overrides {
            extend_select: vec![code],
            ..Overrides::default()
        },
        ..CheckOptions::default()
    }
}

#[test]
fn fixtures_report_exactly_their_expected_codes() {
    // Paths in the output are relative to the crate, like a user's relative paths.
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
    let mut mismatches = Vec::new();
    let mut counts = std::collections::BTreeMap::<String, (usize, usize)>::new();
    for fixture in fixtures() {
        let result = check_paths(std::slice::from_ref(&fixture), &options_for(&fixture)).unwrap();
        let found: BTreeSet<String> = result
            .diagnostics
            .iter()
            .map(|diagnostic| diagnostic.rule.code().to_string())
            .collect();
        let expected = expected_codes(&fixture);
        let relative = fixture
            .strip_prefix(fixtures_root())
            .unwrap()
            .display()
            .to_string();
        let rule = relative.split('/').next().unwrap().to_string();
        let entry = counts.entry(rule).or_default();
        if relative.contains("/flagged/") {
            entry.0 += 1;
        } else {
            entry.1 += 1;
        }
        if found != expected {
            mismatches.push(format!(
                "{relative}: expected {expected:?}, found {found:?}\n{}",
                render(&result.diagnostics, OutputFormat::Concise, false)
            ));
        }
        let mut output = render(&result.diagnostics, OutputFormat::Full, false);
        if output.is_empty() {
            output = "(no findings)\n".to_string();
        }
        insta::assert_snapshot!(snapshot_name(&fixture), output);
    }
    for (rule, (flagged, clean)) in &counts {
        println!("{rule}: {flagged} flagged, {clean} clean fixtures");
    }
    assert!(
        mismatches.is_empty(),
        "{} fixtures disagree with their headers:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

#[test]
fn prefilter_changes_no_finding() {
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
    let root = fixtures_root();
    let all = CheckOptions {
        isolated: true,
        overrides: Overrides {
            select: vec!["ALL".to_string()],
            ..Overrides::default()
        },
        ..CheckOptions::default()
    };
    let fast = check_paths(std::slice::from_ref(&root), &all).unwrap();
    let slow = check_paths(
        &[root],
        &CheckOptions {
            prefilter: false,
            ..all.clone()
        },
    )
    .unwrap();
    let fast = render(&fast.diagnostics, OutputFormat::Concise, false);
    let slow = render(&slow.diagnostics, OutputFormat::Concise, false);
    assert_eq!(fast, slow);
}
