//! The fix for a main script that starts processes while it is imported
//! (SPS101): its import-time work moves into the main guard (see
//! [`crate::fix::main_guard`]).

use ruff_text_size::{Ranged, TextRange};

use crate::fix::main_guard::{move_into_guard, plan};
use crate::fix::Fix;
use crate::project::Project;
use crate::rules::Checker;
use spawnsafe_flow::import_time_effects::{ImportTimeEffect, ImportTimeEffects};

/// The top-level statement of the module that holds `range`.
pub fn top_level_index(project: &Project, module: usize, range: TextRange) -> Option<usize> {
    let body = project.models[module].body;
    let at = body.partition_point(|stmt| stmt.end() < range.start());
    body.get(at)
        .filter(|stmt| stmt.range().contains_range(range))
        .map(|_| at)
}

/// The statements the fix moves, and the fix.
pub fn guard_fix(checker: &Checker, effects: &ImportTimeEffects) -> Option<(Vec<usize>, Fix)> {
    let file = checker.file();
    if file.notebook.is_some() {
        return None;
    }
    let model = &checker.project.models[checker.module];
    let mut starts: Vec<usize> = effects
        .starts
        .iter()
        .filter_map(|effect| top_level_index(checker.project, checker.module, effect.range))
        .collect();
    starts.sort_unstable();
    starts.dedup();
    // The first start a move can fix (one in a definition's default cannot be).
    let plan = starts
        .iter()
        .find_map(|&start| plan(&file.text, model, start))?;
    let edits = move_into_guard(&file.text, &file.style, model.body, &plan.moved)?;
    let message = "Move the import-time work into `if __name__ == \"__main__\":`";
    let fix = if plan.unsafe_reasons.is_empty() {
        Fix::safe(message, edits)
    } else {
        Fix::unsafe_because(message, plan.unsafe_reasons.join("; "), edits)
    };
    Some((plan.moved, fix))
}

/// For a start in a default argument written at import time: the default is
/// made on the first call instead.
pub fn lazy_default_fix(checker: &Checker, effect: &ImportTimeEffect) -> Option<Fix> {
    if !effect.trace.is_empty() || checker.file().notebook.is_some() {
        return None;
    }
    let file = checker.file();
    let context = crate::fix::hoist::Context {
        model: &checker.project.models[checker.module],
        text: &file.text,
        style: &file.style,
    };
    crate::fix::hoist::lazy_default_fix(&context, effect.range)
}
