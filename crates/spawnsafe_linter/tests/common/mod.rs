//! What the fixture tests share: finding the fixtures and reading their headers.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use spawnsafe_linter::settings::Overrides;
use spawnsafe_linter::{CheckOptions, Rule};

pub fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("resources/fixtures")
}

/// Every fixture: a `.py` file with an `# expect:` header, or a directory with `main.py`.
pub fn fixtures() -> Vec<PathBuf> {
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
pub fn header_text(entry: &Path) -> String {
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

pub fn expected_codes(fixture: &Path) -> BTreeSet<String> {
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

/// The name of a fixture's test: `SPS304/flagged/01_x.py` → `sps304::flagged::01_x`.
pub fn test_name(fixture: &Path) -> String {
    let relative = fixture.strip_prefix(fixtures_root()).unwrap();
    relative
        .with_extension("")
        .iter()
        .map(|part| part.to_string_lossy().to_lowercase())
        .collect::<Vec<_>>()
        .join("::")
}

pub fn snapshot_name(fixture: &Path) -> String {
    let relative = fixture.strip_prefix(fixtures_root()).unwrap();
    relative
        .with_extension("")
        .to_string_lossy()
        .replace(['/', '\\'], "__")
}

/// The default selection, plus the fixture's own rule (advice rules are off by default).
pub fn options_for(fixture: &Path) -> CheckOptions {
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
