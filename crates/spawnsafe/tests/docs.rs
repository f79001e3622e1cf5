//! The rule documentation in `docs/rules.md` and the rule table in the README
//! are generated from the rules' own docs, so they cannot drift: this test
//! fails when they are stale. `SPAWNSAFE_UPDATE_DOCS=1 cargo test -p spawnsafe
//! --test docs` regenerates them.

use std::path::PathBuf;

use spawnsafe_linter::registry::{rules_document, rules_table};

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn updating() -> bool {
    std::env::var_os("SPAWNSAFE_UPDATE_DOCS").is_some_and(|value| value == "1")
}

const BEGIN: &str = "<!-- begin rules: generated from the rule docs -->\n";
const END: &str = "<!-- end rules -->";

#[test]
fn docs_rules_md_is_generated_from_the_rules() {
    let path = repo_root().join("docs/rules.md");
    let expected = rules_document();
    if updating() {
        std::fs::write(&path, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/rules.md is stale: run `SPAWNSAFE_UPDATE_DOCS=1 cargo test -p spawnsafe --test docs`"
    );
}

#[test]
fn readme_rule_table_is_generated_from_the_rules() {
    let path = repo_root().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let start = readme
        .find(BEGIN)
        .expect("README has the rules begin marker")
        + BEGIN.len();
    let end = readme[start..]
        .find(END)
        .expect("README has the rules end marker")
        + start;
    let expected = rules_table();
    if updating() {
        let updated = format!("{}{}{}", &readme[..start], expected, &readme[end..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    assert!(
        readme[start..end] == expected,
        "the README's rule table is stale: run `SPAWNSAFE_UPDATE_DOCS=1 cargo test -p spawnsafe --test docs`"
    );
}
