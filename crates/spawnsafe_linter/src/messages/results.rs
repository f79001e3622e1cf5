//! What a pool or executor task sends back that cannot travel to the parent
//! (SPS206), in words: how the returned value is named, the notes where it is
//! made and where the task is sent, and what to do about an exception.

use ruff_text_size::{Ranged, TextRange};

use super::short_text;
use crate::diagnostic::Related;
use crate::payload::Leaf;
use crate::project::Project;
use crate::rules::Checker;
use crate::workers::{origin_note, WorkerOrigin};
use spawnsafe_flow::channels::ExceptionDefect;

/// "1 value", "2 values".
pub fn kept_values(kept: usize) -> String {
    match kept {
        1 => "1 value".to_string(),
        n => format!("{n} values"),
    }
}

pub fn origin_related(checker: &Checker, origin: &WorkerOrigin) -> Related {
    let (module, range, message) = origin_note(checker.project, origin);
    Related {
        file: checker.files[module].clone(),
        range,
        message,
    }
}

/// The returned expression as the message names it.
pub fn value_text(checker: &Checker, at: TextRange) -> String {
    short_text(checker, at).map_or_else(|| "The value".to_string(), |text| format!("`{text}`"))
}

/// A note where the value is made, unless that is the returned expression itself.
pub fn created_note(
    checker: &Checker,
    at: TextRange,
    leaf: &Leaf,
    message: String,
) -> Option<(usize, TextRange, String)> {
    (leaf.module != checker.module || !at.contains_range(leaf.expr.range()))
        .then(|| (leaf.module, leaf.expr.range(), message))
}

/// The note where the value is made (if any), then where the task is sent.
pub fn related_notes(
    checker: &Checker,
    note: Option<(usize, TextRange, String)>,
    origin: &WorkerOrigin,
) -> Vec<Related> {
    let mut related: Vec<Related> = note
        .map(|(module, range, message)| Related {
            file: checker.files[module].clone(),
            range,
            message,
        })
        .into_iter()
        .collect();
    related.push(origin_related(checker, origin));
    related
}

/// The note at what `self.args` keeps: where it is set, or the `__init__`
/// that does not call `super().__init__`.
pub fn raise_note(
    project: &Project,
    defect: &ExceptionDefect,
) -> Option<(usize, TextRange, String)> {
    let kept = kept_values(defect.kept);
    match (defect.args_set_at, defect.init) {
        (Some((module, range)), _) => Some((module, range, format!("`self.args` is set here, with {kept}"))),
        (None, Some((init_module, init))) => Some((
            init_module,
            project.models[init_module].functions[init].def.name.range,
            format!("`{}.__init__` does not call `super().__init__`: `self.args` is what the `raise` passes by position", defect.class),
        )),
        (None, None) => None,
    }
}

/// What to do about an exception raised in a task that the parent cannot re-create.
pub fn raise_help(project: &Project, defect: &ExceptionDefect) -> String {
    let keyword_only = defect.init.is_some_and(|(init_module, init)| {
        !project.models[init_module].functions[init]
            .def
            .parameters
            .kwonlyargs
            .is_empty()
    });
    if let Some(init) = defect.init.filter(|_| !keyword_only) {
        format!(
            "pass every argument on (`super().__init__({})`), or define `__reduce__` returning `({}, (...))` with the arguments `__init__` needs",
            init_arguments(project, init),
            defect.class
        )
    } else if defect.init.is_none() {
        format!(
            "catch the `{}` in the task and return (or raise) plain data the parent can rebuild, such as its message and fields",
            defect.class
        )
    } else {
        format!(
            "give `{}`'s keyword-only arguments defaults, or define `__reduce__` returning a module-level function and the arguments that re-create it (passing the keyword-only ones by keyword)",
            defect.class
        )
    }
}

/// `msg, code`: the parameters of `__init__` after `self`, as a call passes them on.
pub fn init_arguments(
    project: &crate::project::Project,
    (module, init): (usize, crate::semantic::FunctionId),
) -> String {
    let parameters = &project.models[module].functions[init].def.parameters;
    parameters
        .posonlyargs
        .iter()
        .chain(parameters.args.iter())
        .skip(1)
        .map(|parameter| parameter.parameter.name.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn kept_values_counts_in_words() {
        assert_eq!(super::kept_values(1), "1 value");
        assert_eq!(super::kept_values(3), "3 values");
    }
}
