//! `spawnsafe server`: a Language Server over the standard input and output.
//!
//! It publishes spawnsafe's findings as diagnostics when a document is
//! opened, changed or saved (or, to a client that pulls, answers
//! `textDocument/diagnostic` and `workspace/diagnostic`), analysing the whole
//! project (the workspace folders, with each folder's configuration and the
//! editor's settings) so that cross-module findings appear; open documents
//! and notebooks are analysed from the editor's text, the other files from
//! disk. Fixes are offered as code actions (a quick fix per finding, unsafe
//! ones labelled, "disable for this line", and `source.fixAll.spawnsafe` for
//! the safe ones), and hovering a code in a `# noqa:` comment shows the
//! rule's documentation.
//!
//! The protocol is JSON-RPC 2.0 with `Content-Length` framing, written with
//! `serde_json`. `lsp-server` was weighed and not taken: its reader sizes the
//! body buffer from the announced length before reading and ends the
//! connection on the first malformed message, the two faults the transport
//! here is built to survive (see `transport`).

mod analysis;
mod convert;
mod hover;
mod incremental;
mod server;
/// Public for the fuzz target (`fuzz/fuzz_targets/lsp_transport.rs`).
pub mod transport;

pub use server::serve;
