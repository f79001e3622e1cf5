//! SPS302 side-effects-in-children.

use crate::rules::Checker;

pub const DOCS: &str = r#"# side-effects-in-children (SPS302)

## What it does
(Not implemented yet.)
"#;

pub fn check(_checker: &mut Checker) {}
