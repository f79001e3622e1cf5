//! Every rule fixture: the codes spawnsafe reports must be exactly the ones its
//! `# expect:` header names, and the findings are snapshot-tested.

mod common;

use std::collections::BTreeSet;

use common::{expected_codes, fixtures, fixtures_root, options_for, snapshot_name};
use spawnsafe_core::report::{render, OutputFormat};
use spawnsafe_core::settings::Overrides;
use spawnsafe_core::{check_paths, CheckOptions};

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
