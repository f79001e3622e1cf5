//! SPS401 fork-only-start-method.

use crate::rules::Checker;

pub const DOCS: &str = r#"# fork-only-start-method (SPS401)

## What it does
(Not implemented yet.)
"#;

pub fn check(_checker: &mut Checker) {}
