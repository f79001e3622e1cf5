//! One file per subcommand; each returns the exit status, or the message of
//! a usage or internal error (exit 2).

pub mod add_noqa;
pub mod check;
pub mod completions;
pub mod doctor;
pub mod explain;
pub mod rule;
pub mod run;
pub mod server;
pub mod show;
pub mod version;
pub mod watch;
