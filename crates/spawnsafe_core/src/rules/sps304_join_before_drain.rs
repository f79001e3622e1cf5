//! SPS304 join-before-drain.

use crate::rules::Checker;

pub const DOCS: &str = r#"# join-before-drain (SPS304)

## What it does
(Not implemented yet.)
"#;

pub fn check(_checker: &mut Checker) {}
