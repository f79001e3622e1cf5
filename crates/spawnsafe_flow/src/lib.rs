//! The project-wide layer over the per-module semantic model: the facts one
//! walk collects per module, imports between the project's modules, what a
//! call leads to transitively, what reaches child processes (and what it
//! contains), what runs in them, and which module state they read.

pub use spawnsafe_semantic as semantic;
pub use spawnsafe_semantic::api;

pub mod boundary;
pub mod channels;
pub mod config;
pub mod contents;
pub mod facts;
pub mod globals;
pub mod objects;
pub mod payload;
pub mod platform_checks;
pub mod project;
pub mod state;
pub mod workers;
