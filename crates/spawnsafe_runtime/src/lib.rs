//! spawnsafe's runtime tools, the ones that run or read what CPython did rather than the source:
//!
//! - [`run`]: runs a program with a start method forced as the default and diagnoses how it ends;
//! - [`explain`]: reads a pasted traceback (or a whole log) and names the hazard behind it;
//! - [`doctor`]: reports the interpreter's start method, platform and frozen-app set-up.
//!
//! They build on the linter (`spawnsafe_linter`) to confirm a diagnosis with the static check of
//! the files a traceback names.

pub mod doctor;
pub mod explain;
pub mod run;

/// The Python bootstrap that runs a program with a start method forced as the default.
/// Its one source is the Python package's module (the pytest plugin imports it).
pub const BOOTSTRAP_PY: &str = include_str!("../../../python/spawnsafe/_bootstrap.py");
