//! spawnsafe's analysis engine: finds Python multiprocessing code that breaks
//! under the spawn and forkserver start methods.
//!
//! The data flows one way: [`discovery`] → [`source`] (read and decode) →
//! [`prefilter`] (skip files that cannot matter) → parse → [`semantic`]
//! (per-module model) → [`facts`] → [`project`] (cross-module) → [`rules`] →
//! [`diagnostic`] → [`report`].

pub mod codec;
pub mod diagnostic;
pub mod discovery;
pub mod doctor;
pub mod explain;
pub mod fix;
pub mod fixer;
pub mod frozen;
pub mod linter;
pub mod noqa;
pub mod prefilter;
pub mod refusal;
pub mod registry;
pub mod report;
pub mod rules;
pub mod run;
pub mod settings;
pub mod source;
pub mod syntax;
pub mod targets;

// The engine's lower layers, under the names the linter has always used.
pub use spawnsafe_flow::{
    boundary, config, contents, facts, fork_after, globals, objects, payload, platform_checks,
    project, state, torch, workers,
};
pub use spawnsafe_semantic as semantic;
pub use spawnsafe_semantic::{api, stdlib};

pub use linter::{check_paths, check_stdin, CheckOptions, CheckResult};
pub use registry::{Rule, RuleSelection, Severity};

/// The Python bootstrap that runs a program with a start method forced as the default.
/// Its one source is the Python package's module (the pytest plugin imports it).
pub const BOOTSTRAP_PY: &str = include_str!("../../../python/spawnsafe/_bootstrap.py");
