//! SPS202 unpicklable-argument.

use crate::rules::Checker;

pub const DOCS: &str = r#"# unpicklable-argument (SPS202)

## What it does
(Not implemented yet.)
"#;

pub fn check(_checker: &mut Checker) {}
