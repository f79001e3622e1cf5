//! spawnsafe's analysis engine: finds Python multiprocessing code that breaks
//! under the spawn and forkserver start methods.
//!
//! The data flows one way: [`discovery`] → [`source`] (read and decode) →
//! [`prefilter`] (skip files that cannot matter) → parse → [`semantic`]
//! (per-module model) → [`facts`] → [`project`] (cross-module) → [`rules`] →
//! [`diagnostic`] → [`report`].

pub mod diagnostic;
pub mod discovery;
pub mod fix;
pub mod fixer;
pub mod frozen;
pub mod linter;
pub mod noqa;
pub mod prefilter;
pub mod registry;
pub mod report;
pub mod rules;
pub mod settings;
pub mod targets;

// Reading and parsing, from the layer below.
pub use spawnsafe_source::{codec, source, syntax};

// The engine's lower layers, under the names the linter has always used.
pub use spawnsafe_flow::{
    boundary, config, contents, facts, fork_after, globals, objects, payload, platform_checks,
    project, state, torch, workers,
};
pub use spawnsafe_semantic as semantic;
pub use spawnsafe_semantic::{api, stdlib};

pub use linter::{check_paths, check_stdin, CheckOptions, CheckResult};
pub use registry::{Rule, RuleSelection, Severity};
