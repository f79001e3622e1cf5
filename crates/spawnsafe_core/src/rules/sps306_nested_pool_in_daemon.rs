//! SPS306 nested-pool-in-daemon.

use crate::rules::Checker;

pub const DOCS: &str = r#"# nested-pool-in-daemon (SPS306)

## What it does
(Not implemented yet.)
"#;

pub fn check(_checker: &mut Checker) {}
