//! spawnsafe's analysis engine: finds Python multiprocessing code that breaks
//! under the spawn and forkserver start methods.
//!
//! The data flows one way: [`discovery`] → [`source`] (read and decode) →
//! [`prefilter`] (skip files that cannot matter) → parse → [`semantic`]
//! (per-module model) → [`facts`] → [`project`] (cross-module) → [`rules`] →
//! [`diagnostic`] → [`report`].

pub mod api;
pub mod codec;
pub mod diagnostic;
pub mod discovery;
pub mod doctor;
pub mod explain;
pub mod facts;
pub mod fix;
pub mod fixer;
pub mod frozen;
pub mod globals;
pub mod linter;
pub mod noqa;
pub mod objects;
pub mod payload;
pub mod platform_checks;
pub mod prefilter;
pub mod project;
pub mod registry;
pub mod report;
pub mod rules;
pub mod run;
pub mod semantic;
pub mod settings;
pub mod source;
pub mod stdlib;
pub mod syntax;
pub mod targets;
pub mod workers;

pub use linter::{check_paths, check_stdin, CheckOptions, CheckResult};
pub use registry::{Rule, RuleSelection, Severity};

/// The Python bootstrap that runs a program with a start method forced as the default.
pub const BOOTSTRAP_PY: &str = include_str!("../python/bootstrap.py");
