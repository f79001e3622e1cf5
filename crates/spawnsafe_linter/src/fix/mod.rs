//! Fixes: the edits that turn a finding's spawn-unsafe code into spawn-safe
//! code, and the machinery that applies them.
//!
//! A rule attaches a [`Fix`] to its diagnostic; [`apply`] applies the fixes of
//! one file without conflicts; [`style`] tells how the file writes newlines and
//! indentation so that inserted code looks native; [`write`] puts the result
//! back on disk atomically in the file's own encoding; the fixed-point loop
//! that re-checks after each round lives in [`crate::fixer::fix_paths`].

pub mod apply;
pub mod bound_values;
pub mod class_by_name;
pub mod config_initializer;
pub mod configure_process;
pub mod drain_first;
pub mod drain_in_helper;
pub mod exception_reduce;
pub mod force_start_method;
pub mod free_names;
pub mod getattr_setstate;
pub mod hoist;
pub mod import_string;
pub mod import_time_guard;
pub mod imports;
pub mod inherit_globals;
pub mod initializer_call;
pub mod items_reduce;
pub mod lines;
pub mod main_guard;
pub mod manager_proxy;
pub mod materialize_generator;
pub mod member_state;
pub mod named_lambda;
pub mod notebook;
pub mod original_process;
pub mod parent_only;
pub mod parent_state;
pub mod pass_to_child;
pub mod process_sync;
pub mod replay_setter;
pub mod returned_closure;
pub mod sent_definition;
pub mod sent_object;
pub mod set_method_first;
pub mod side_effect_into_guard;
pub mod start_method;
pub mod style;
pub mod suite;
pub mod truncate_once;
pub mod unwrap_decorated;
pub mod wraps;
pub mod write;

use ruff_text_size::{Ranged, TextRange, TextSize};
use serde::Serialize;

/// Whether a fix keeps the program's meaning for sure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// May change what the program does (applied only with `--unsafe-fixes`).
    Unsafe,
    /// Keeps the program's meaning for the parent and makes it spawn-safe.
    Safe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// One replacement in a file: `range` (possibly empty: an insertion) becomes `content`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: TextRange,
    pub content: String,
}

impl Edit {
    pub fn replacement(content: impl Into<String>, range: TextRange) -> Edit {
        Edit {
            range,
            content: content.into(),
        }
    }

    pub fn insertion(content: impl Into<String>, at: TextSize) -> Edit {
        Edit {
            range: TextRange::empty(at),
            content: content.into(),
        }
    }

    pub fn deletion(range: TextRange) -> Edit {
        Edit {
            range,
            content: String::new(),
        }
    }
}

impl Ranged for Edit {
    fn range(&self) -> TextRange {
        self.range
    }
}

/// What a rule proposes for one finding: edits applied together or not at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub applicability: Applicability,
    /// What the fix does, in words (`Move the pool into the main guard`).
    pub message: String,
    /// Sorted by position, not overlapping.
    pub edits: Vec<Edit>,
    /// For an unsafe fix: why it may change the program's meaning.
    pub unsafe_reason: Option<String>,
}

impl Fix {
    pub fn safe(message: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix::new(Applicability::Safe, message.into(), edits, None)
    }

    pub fn unsafe_because(
        message: impl Into<String>,
        reason: impl Into<String>,
        edits: Vec<Edit>,
    ) -> Fix {
        Fix::new(
            Applicability::Unsafe,
            message.into(),
            edits,
            Some(reason.into()),
        )
    }

    fn new(
        applicability: Applicability,
        message: String,
        mut edits: Vec<Edit>,
        unsafe_reason: Option<String>,
    ) -> Fix {
        edits.sort_by_key(|edit| (edit.range.start(), edit.range.end()));
        Fix {
            applicability,
            message,
            edits,
            unsafe_reason,
        }
    }

    /// Where the fix's edits start (for ordering fixes in a file).
    pub fn start(&self) -> TextSize {
        self.edits
            .first()
            .map_or(TextSize::default(), |edit| edit.range.start())
    }

    pub fn is_applicable(&self, unsafe_fixes: bool) -> bool {
        self.applicability == Applicability::Safe || unsafe_fixes
    }
}
