//! SPS203 unpicklable-process-state.

use crate::rules::Checker;

pub const DOCS: &str = r#"# unpicklable-process-state (SPS203)

## What it does
(Not implemented yet.)
"#;

pub fn check(_checker: &mut Checker) {}
