//! spawnsafe's bottom layer: what a file says, before any analysis.
//!
//! - [`codec`]: bytes to text as CPython decodes a source file (BOM, coding cookie and its aliases);
//! - [`source`]: a file or notebook read into one text, with the map back to cells and lines;
//! - [`syntax`]: parsing for the file's target version, and the syntax errors CPython would raise.

pub mod codec;
pub mod source;
pub mod syntax;
