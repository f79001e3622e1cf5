//! The project-wide layer over the per-module semantic model: the facts one
//! walk collects per module, imports between the project's modules, what a
//! call leads to transitively, what reaches child processes (and what it
//! contains), what runs in them, and which module state they read.

pub use spawnsafe_semantic as semantic;
pub use spawnsafe_semantic::api;

mod appended_elements;
pub mod argument_sites;
pub mod bound_methods;
pub mod boundary;
pub mod branches;
pub mod callbacks;
pub mod channels;
pub mod config;
pub mod contents;
mod dataclass_fields;
pub mod environment;
pub mod exception_args;
mod factory_classes;
pub mod facts;
mod fit_hooks;
pub mod fork_after;
pub mod freeze_support;
pub mod globals;
pub mod import_time_effects;
pub mod imported_guards;
mod instance_items;
pub mod joins;
pub mod late_start_methods;
pub mod lazy_members;
pub mod library_tasks;
pub mod manager_classes;
pub mod manager_items;
pub mod method_returns;
pub mod module_objects;
pub mod objects;
pub mod parameter_pools;
pub mod parameter_receivers;
mod parameter_stores;
pub mod payload;
pub mod pitfall_sites;
pub mod pitfalls;
pub mod pitfalls_nested;
mod pitfalls_set;
pub mod platform_checks;
pub mod pool_process_factory;
pub mod process_members;
pub mod process_state;
pub mod project;
pub mod returns;
pub mod side_effects;
pub mod sole_construction;
pub mod start_order;
pub mod state;
mod stored_by_methods;
mod test_fixtures;
#[cfg(test)]
mod test_project;
pub mod torch;
pub mod trip_failures;
mod unpacked_sends;
mod vision_datasets;
pub mod worker_counts;
pub mod worker_io;
pub mod workers;
