//! SPS402 windows-worker-limit.

use crate::rules::Checker;

pub const DOCS: &str = r#"# windows-worker-limit (SPS402)

## What it does
(Not implemented yet.)
"#;

pub fn check(_checker: &mut Checker) {}
