//! SPS204 interactive-worker.

use crate::rules::Checker;

pub const DOCS: &str = r#"# interactive-worker (SPS204)

## What it does
(Not implemented yet.)
"#;

pub fn check(_checker: &mut Checker) {}
