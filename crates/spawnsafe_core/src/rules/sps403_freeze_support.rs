//! SPS403 freeze-support.

use crate::rules::Checker;

pub const DOCS: &str = r#"# freeze-support (SPS403)

## What it does
(Not implemented yet.)
"#;

pub fn check(_checker: &mut Checker) {}
