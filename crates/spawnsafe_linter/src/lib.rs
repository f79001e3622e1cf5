//! spawnsafe's linter: finds Python multiprocessing code that breaks under the spawn and
//! forkserver start methods, and fixes what can be fixed mechanically.
//!
//! It sits on the engine's layers (`spawnsafe_source` reads and parses, `spawnsafe_semantic`
//! models each module, `spawnsafe_flow` answers the project-wide questions) and holds what a
//! linter adds to them: [`discovery`] → [`prefilter`] (skip files that cannot matter) →
//! [`rules`] (queries over the engine) → [`diagnostic`] → [`noqa`] → [`report`], and [`fix`] /
//! [`fixer`] for `--fix`. The runtime tools (`run`, `explain`, `doctor`) live in
//! `spawnsafe_runtime`.

pub mod diagnostic;
pub mod discovery;
pub mod fix;
pub mod fixer;
pub mod frozen;
pub mod linter;
pub mod messages;
pub mod noqa;
pub mod prefilter;
pub mod refusal;
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
