//! The per-module semantic model, the lowest layer above the parser: scopes,
//! bindings, definitions, the main guard and its branches, and what known
//! process APIs a name stands for. Nothing here knows about other modules,
//! rules or diagnostics.

pub mod api;
pub mod argvalues;
mod config_values;
pub mod constant_tests;
mod containers;
pub mod decorated_objects;
pub mod guards;
#[macro_use]
pub mod index;
pub mod inherited_api;
mod inherited_starter;
pub mod knowledge;
mod kwargs_dicts;
mod kwargs_params;
pub mod model;
mod optional_decorator;
mod path_state;
pub mod qualified;
pub mod references;
mod settings_objects;
pub mod stdlib;
mod subclass_init_sends;
#[cfg(test)]
mod test_loader;
pub mod unfindable;
pub mod unpacked_values;

pub use model::*;
