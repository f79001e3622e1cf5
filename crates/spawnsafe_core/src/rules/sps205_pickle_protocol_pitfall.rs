//! SPS205 pickle-protocol-pitfall.

use crate::rules::Checker;

pub const DOCS: &str = r#"# pickle-protocol-pitfall (SPS205)

## What it does
(Not implemented yet.)
"#;

pub fn check(_checker: &mut Checker) {}
