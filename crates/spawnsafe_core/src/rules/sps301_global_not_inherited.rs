//! SPS301 global-not-inherited.

use crate::rules::Checker;

pub const DOCS: &str = r#"# global-not-inherited (SPS301)

## What it does
(Not implemented yet.)
"#;

pub fn check(_checker: &mut Checker) {}
