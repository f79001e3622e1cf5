//! SPS305 stdin-in-worker.

use crate::rules::Checker;

pub const DOCS: &str = r#"# stdin-in-worker (SPS305)

## What it does
(Not implemented yet.)
"#;

pub fn check(_checker: &mut Checker) {}
