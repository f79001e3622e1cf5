//! Every rule fixture, as a test of its own named after it (`sps304::flagged::01_...`, so
//! `cargo test -p spawnsafe_linter --test fixtures sps304` runs one rule's fixtures): the codes
//! spawnsafe reports must be exactly the ones its `# expect:` header names, and the findings
//! are snapshot-tested.
//!
//! The fixtures are found when the tests run (a harness of our own, `libtest-mimic`), so a new
//! fixture needs no line here.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use common::{expected_codes, fixtures, fixtures_root, options_for, snapshot_name, test_name};
use libtest_mimic::{Arguments, Failed, Trial};
use spawnsafe_linter::report::{render, OutputFormat};
use spawnsafe_linter::settings::Overrides;
use spawnsafe_linter::{check_paths, CheckOptions};

fn main() {
    // Paths in the output are relative to the crate, like a user's relative paths.
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
    let arguments = Arguments::from_args();
    let mut trials: Vec<Trial> = fixtures()
        .into_iter()
        .map(|fixture| Trial::test(test_name(&fixture), move || check_fixture(&fixture)))
        .collect();
    trials.push(Trial::test(
        "prefilter_changes_no_finding",
        prefilter_changes_no_finding,
    ));
    libtest_mimic::run(&arguments, trials).exit();
}

fn check_fixture(fixture: &PathBuf) -> Result<(), Failed> {
    let result = check_paths(std::slice::from_ref(fixture), &options_for(fixture))
        .map_err(|error| Failed::from(format!("{error:?}")))?;
    let found: BTreeSet<String> = result
        .diagnostics
        .iter()
        .map(|diagnostic| diagnostic.rule.code().to_string())
        .collect();
    let mut output = render(&result.diagnostics, OutputFormat::Full, false);
    if output.is_empty() {
        output = "(no findings)\n".to_string();
    }
    insta::assert_snapshot!(snapshot_name(fixture), output);
    let expected = expected_codes(fixture);
    if found != expected {
        return Err(format!(
            "expected {expected:?}, found {found:?}\n{}",
            render(&result.diagnostics, OutputFormat::Concise, false)
        )
        .into());
    }
    Ok(())
}

fn prefilter_changes_no_finding() -> Result<(), Failed> {
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
    if fast != slow {
        return Err(format!("with the prefilter:\n{fast}\nwithout:\n{slow}").into());
    }
    Ok(())
}
