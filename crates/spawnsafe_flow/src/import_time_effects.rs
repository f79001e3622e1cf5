//! What each module does while it is imported: the processes it starts and
//! the `set_start_method()` calls it makes, directly or through the calls it
//! makes at import time (SPS101, SPS103 and SPS104 ask), and whether a module
//! is the program's main script.

use ruff_text_size::TextRange;

use crate::project::{Effect, EffectFinder, Project, TraceStep};

/// One import-time effect of a module: where it happens in the module, and
/// (for a call) the trace to where the effect really is.
#[derive(Debug, Clone)]
pub struct ImportTimeEffect {
    pub range: TextRange,
    /// Empty for an effect written directly at import time.
    pub trace: Vec<TraceStep>,
    pub description: String,
    /// The start method the code pins at the site (`get_context("spawn").Pool()`).
    pub method: Option<String>,
}

/// What each module does while it is imported.
#[derive(Debug, Clone, Default)]
pub struct ImportTimeEffects {
    pub starts: Vec<ImportTimeEffect>,
    pub set_start_methods: Vec<ImportTimeEffect>,
}

pub fn import_time_effects(project: &Project) -> Vec<ImportTimeEffects> {
    let mut finder = EffectFinder::new(project);
    (0..project.facts.len())
        .map(|module| {
            let facts = &project.facts[module].import_time;
            let mut effects = ImportTimeEffects::default();
            // `if is_main_process():` with the helper imported from another module.
            let main_only = crate::imported_guards::main_only_ranges(project, module);
            let guarded =
                |range: TextRange| main_only.iter().any(|outer| outer.contains_range(range));
            for start in facts.starts.iter().filter(|start| !guarded(start.range)) {
                effects.starts.push(ImportTimeEffect {
                    range: start.range,
                    trace: Vec::new(),
                    description: start.kind.describe().to_string(),
                    method: start.method.clone(),
                });
            }
            for call in facts
                .set_start_methods
                .iter()
                .filter(|call| !guarded(call.range))
            {
                if !call.catches_runtime_error
                    && call.method != "fork"
                    && call.under_defaults == crate::start_order::ALL_DEFAULTS
                {
                    effects.set_start_methods.push(ImportTimeEffect {
                        range: call.range,
                        trace: Vec::new(),
                        description: format!("calls `set_start_method(\"{}\")`", call.method),
                        method: Some(call.method.clone()),
                    });
                }
            }
            for edge in facts.calls.iter().filter(|edge| !guarded(edge.range)) {
                if let Some(trace) = finder.edge_effect(module, edge, Effect::Start) {
                    let description = describe_trace(&trace, "leads to a process start");
                    let method = trace.last().and_then(|step| step.method.clone());
                    effects.starts.push(ImportTimeEffect {
                        range: edge.range,
                        trace,
                        description,
                        method,
                    });
                }
                if !edge.catches_runtime_error {
                    if let Some(trace) =
                        finder.call_effect(module, &edge.target, Effect::SetStartMethod)
                    {
                        let description = describe_trace(&trace, "leads to `set_start_method()`");
                        let method = trace.last().and_then(|step| step.method.clone());
                        effects.set_start_methods.push(ImportTimeEffect {
                            range: edge.range,
                            trace,
                            description,
                            method,
                        });
                    }
                }
            }
            effects
        })
        .collect()
}

impl ImportTimeEffect {
    /// Where the effect really is: the end of its trace, else the site in `module`.
    pub fn site(&self, module: usize) -> (usize, TextRange) {
        self.trace
            .last()
            .map_or((module, self.range), |step| (step.module, step.range))
    }
}

/// "This call leads to a process start (`run_all` creates a process pool)".
fn describe_trace(trace: &[TraceStep], what: &str) -> String {
    match trace.last() {
        Some(last) => format!(
            "This call {what} ({})",
            last.message.trim_end_matches(" here")
        ),
        None => format!("This call {what}"),
    }
}

/// Is this module the program's main script (as opposed to a library module)?
pub fn is_entry_script(project: &Project, module: usize) -> bool {
    let path = &project.paths[module];
    if path.is_package_init || project.imported[module] {
        return false;
    }
    // A module inside a package with no main guard is a library module.
    !path.in_package || project.models[module].has_main_guard
}

/// The library, in words, when the start is one whose failure in a child the
/// library catches, running its work serially there (`parmap`).
pub fn serial_fallback(
    project: &Project,
    module: usize,
    effect: &ImportTimeEffect,
) -> Option<&'static str> {
    let (module, range) = effect.site(module);
    let id = crate::torch::library_start_at(project, module, range)?;
    let known = spawnsafe_semantic::knowledge::starter(id);
    // The package: `parmap` of `parmap.map`.
    let package = known.names.first()?.split('.').next()?;
    known.serial_in_children.then_some(package)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_project::with_project;

    fn effects_of(source: &str) -> ImportTimeEffects {
        with_project(&[("main", source)], |project| {
            import_time_effects(project).swap_remove(0)
        })
    }

    #[test]
    fn a_pool_made_at_import_time_is_a_start() {
        let effects = effects_of("import multiprocessing\npool = multiprocessing.Pool(2)\n");
        assert_eq!(effects.starts.len(), 1);
        assert!(effects.starts[0].trace.is_empty());
        assert!(effects.set_start_methods.is_empty());
    }

    #[test]
    fn a_start_under_the_main_guard_is_not() {
        let effects = effects_of(
            "import multiprocessing\nif __name__ == \"__main__\":\n    pool = multiprocessing.Pool(2)\n",
        );
        assert!(effects.starts.is_empty());
    }

    #[test]
    fn a_call_that_leads_to_a_start_is_traced() {
        let effects = effects_of(
            "import multiprocessing\ndef run():\n    multiprocessing.Process(target=print).start()\nrun()\n",
        );
        assert_eq!(effects.starts.len(), 1);
        let start = &effects.starts[0];
        assert!(!start.trace.is_empty());
        assert!(start
            .description
            .starts_with("This call leads to a process start"));
        assert_eq!(
            start.site(0),
            (
                start.trace.last().unwrap().module,
                start.trace.last().unwrap().range
            )
        );
    }

    #[test]
    fn set_start_method_at_import_time_is_recorded_unless_forced_or_fork() {
        let effects =
            effects_of("import multiprocessing\nmultiprocessing.set_start_method(\"spawn\")\n");
        assert_eq!(effects.set_start_methods.len(), 1);
        assert_eq!(
            effects.set_start_methods[0].method.as_deref(),
            Some("spawn")
        );
        let effects =
            effects_of("import multiprocessing\nmultiprocessing.set_start_method(\"fork\")\n");
        assert!(effects.set_start_methods.is_empty());
    }

    #[test]
    fn a_plain_script_is_the_entry_script() {
        with_project(&[("main", "x = 1\n")], |project| {
            assert!(is_entry_script(project, 0));
        });
    }
}
