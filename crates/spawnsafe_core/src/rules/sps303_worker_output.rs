//! SPS303 worker-output.

use crate::rules::Checker;

pub const DOCS: &str = r#"# worker-output (SPS303)

## What it does
(Not implemented yet.)
"#;

pub fn check(_checker: &mut Checker) {}
