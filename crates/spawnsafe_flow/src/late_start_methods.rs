//! `set_start_method()` calls (without `force=True`) that come after the
//! default context is already fixed in the same run of a body — a function,
//! the module's import-time code, or the main guard (which runs after the
//! whole import, so what the import fixed stays fixed): each raises
//! "RuntimeError: context has already been set" in the parent
//! (Lib/multiprocessing/context.py `DefaultContext.set_start_method`).

use ruff_text_size::TextRange;

use crate::facts::{BodyFacts, CallEdge, ContextFixer, SetStartMethodCall};
use crate::import_time_effects::is_entry_script;
use crate::project::{Effect, EffectFinder, Project, TraceStep};
use crate::start_order::{import_time_fixer, FixedAt, ALL_DEFAULTS};

/// A `set_start_method()` that raises because the context is already fixed.
#[derive(Debug, Clone)]
pub struct LateCall {
    /// The call, or the call of this module that leads to it.
    pub at: TextRange,
    pub fixed: FixedBefore,
    /// The steps from `at` to the `set_start_method()` it leads to (empty for the call itself).
    pub trace: Vec<TraceStep>,
    /// The platform defaults under which it runs (bits as [`SetStartMethodCall::under_defaults`]).
    pub under_defaults: u8,
    /// A call of this module that `force=True` would fix, and where the
    /// context was fixed first: `(call, (module, first))`.
    pub force: Option<(TextRange, (usize, TextRange))>,
    /// A call of this module that could move before the first fixing:
    /// `(call, first)`.
    pub set_first: Option<(TextRange, TextRange)>,
}

/// What fixed the context before the late call.
#[derive(Debug, Clone)]
pub enum FixedBefore {
    /// Earlier in the same body, in this module: where, and how in words.
    InBody { at: TextRange, how: String },
    /// Importing the program (the script or a module it imports), before the main guard ran.
    ByImport(FixedAt),
}

/// One thing that happens in a body, in source order.
enum Event<'f, 'a> {
    SetStartMethod(&'f SetStartMethodCall),
    Fixer(&'f ContextFixer),
    Call(&'f CallEdge<'a>),
}

impl Event<'_, '_> {
    fn range(&self) -> TextRange {
        match self {
            Event::SetStartMethod(call) => call.range,
            Event::Fixer(fixer) => fixer.range,
            Event::Call(edge) => edge.range,
        }
    }
}

/// The late `set_start_method()` calls of `module`: its main guard's, its
/// import-time code's, then each function's, each in source order.
pub fn late_start_methods(project: &Project, module: usize) -> Vec<LateCall> {
    let facts = &project.facts[module];
    let mut search = Search {
        project,
        module,
        finder: EffectFinder::new(project),
        late: Vec::new(),
    };
    // The main guard runs after the whole import: what that fixed stays fixed.
    let imported = is_entry_script(project, module)
        .then(|| import_time_fixer(project, &mut search.finder, module))
        .flatten();
    search.body(&facts.main_only, imported);
    search.body(&facts.import_time, None);
    for body in &facts.functions {
        search.body(body, None);
    }
    search.late
}

struct Search<'x, 'p, 'a> {
    project: &'x Project<'p, 'a>,
    module: usize,
    finder: EffectFinder<'x, 'p, 'a>,
    late: Vec<LateCall>,
}

impl Search<'_, '_, '_> {
    fn body(&mut self, body: &BodyFacts, fixed_before: Option<FixedAt>) {
        let module = self.module;
        let import_time = std::ptr::eq(body, &self.project.facts[module].import_time);
        let mut events: Vec<Event> = body
            .set_start_methods
            .iter()
            .map(Event::SetStartMethod)
            .chain(body.context_fixers.iter().map(Event::Fixer))
            .chain(body.calls.iter().map(Event::Call))
            .collect();
        if events.len() < 2 && fixed_before.is_none() {
            return;
        }
        events.sort_by_key(|event| event.range().start());
        // Where the context got fixed in this body, and how.
        let mut fixed: Option<(TextRange, String)> = None;
        for event in &events {
            match event {
                Event::SetStartMethod(call) => {
                    // At import time SPS104's import-time finding already covers it.
                    let reported_at_import =
                        import_time && call.method != "fork" && call.under_defaults == ALL_DEFAULTS;
                    if let Some((first, how)) = &fixed {
                        if !call.catches_runtime_error && !reported_at_import {
                            self.late.push(LateCall {
                                at: call.range,
                                fixed: FixedBefore::InBody {
                                    at: *first,
                                    how: how.clone(),
                                },
                                trace: Vec::new(),
                                under_defaults: call.under_defaults,
                                force: Some((call.range, (module, *first))),
                                set_first: Some((call.range, *first)),
                            });
                        }
                    } else if let Some(first) = &fixed_before {
                        if !call.catches_runtime_error {
                            self.late.push(LateCall {
                                at: call.range,
                                fixed: FixedBefore::ByImport(first.clone()),
                                trace: Vec::new(),
                                under_defaults: call.under_defaults,
                                force: Some((call.range, (first.module, first.range))),
                                set_first: None,
                            });
                        }
                    } else if call.unconditional {
                        fixed = Some((
                            call.range,
                            format!(
                                "`set_start_method(\"{}\")` already set it here",
                                call.method
                            ),
                        ));
                    }
                }
                Event::Fixer(fixer) => {
                    if fixed.is_none() && fixer.unconditional {
                        fixed = Some((
                            fixer.range,
                            "this already fixed the default context".to_string(),
                        ));
                    }
                }
                Event::Call(edge) => {
                    if let Some((first, how)) = &fixed {
                        if edge.catches_runtime_error {
                            continue;
                        }
                        let Some(trace) =
                            self.finder
                                .call_effect(module, &edge.target, Effect::SetStartMethod)
                        else {
                            continue;
                        };
                        let set_first = trace
                            .last()
                            .filter(|last| last.module == module)
                            .map(|last| (last.range, *first));
                        self.late.push(LateCall {
                            at: edge.range,
                            fixed: FixedBefore::InBody {
                                at: *first,
                                how: how.clone(),
                            },
                            trace,
                            under_defaults: ALL_DEFAULTS,
                            force: None,
                            set_first,
                        });
                    } else if let Some(first) = fixed_before
                        .as_ref()
                        .filter(|_| !edge.catches_runtime_error && !import_time)
                    {
                        let Some(mut trace) =
                            self.finder
                                .call_effect(module, &edge.target, Effect::SetStartMethod)
                        else {
                            continue;
                        };
                        // Point at the call that raises when this module makes it.
                        let (at, force) = match trace.last() {
                            Some(last) if last.module == module => {
                                let at = last.range;
                                trace.pop();
                                (at, Some((at, (first.module, first.range))))
                            }
                            _ => (edge.range, None),
                        };
                        self.late.push(LateCall {
                            at,
                            fixed: FixedBefore::ByImport(first.clone()),
                            trace,
                            under_defaults: ALL_DEFAULTS,
                            force,
                            set_first: None,
                        });
                    } else if edge.unconditional
                        && self
                            .finder
                            .call_effect(module, &edge.target, Effect::FixContext)
                            .is_some()
                    {
                        fixed = Some((
                            edge.range,
                            "this call already fixed the default context".to_string(),
                        ));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_project::with_project;

    fn late_of(source: &str) -> Vec<LateCall> {
        with_project(&[("main", source)], |project| {
            late_start_methods(project, 0)
        })
    }

    #[test]
    fn a_second_call_in_the_main_guard_is_late() {
        let late = late_of(
            "import multiprocessing as mp\nif __name__ == \"__main__\":\n    mp.set_start_method(\"spawn\")\n    mp.set_start_method(\"forkserver\")\n",
        );
        assert_eq!(late.len(), 1);
        assert!(
            matches!(&late[0].fixed, FixedBefore::InBody { how, .. } if how.contains("set_start_method(\"spawn\")"))
        );
        assert!(late[0].force.is_some() && late[0].set_first.is_some());
    }

    #[test]
    fn a_queue_fixes_the_context_before_the_call() {
        let late = late_of(
            "import multiprocessing as mp\ndef main():\n    q = mp.Queue()\n    mp.set_start_method(\"spawn\")\n",
        );
        assert_eq!(late.len(), 1);
        assert!(
            matches!(&late[0].fixed, FixedBefore::InBody { how, .. } if how == "this already fixed the default context")
        );
    }

    #[test]
    fn one_call_or_a_forced_second_is_not_late() {
        assert!(late_of(
            "import multiprocessing as mp\ndef main():\n    mp.set_start_method(\"spawn\")\n"
        )
        .is_empty());
        let caught = "import multiprocessing as mp\ndef main():\n    mp.set_start_method(\"spawn\")\n    try:\n        mp.set_start_method(\"spawn\")\n    except RuntimeError:\n        pass\n";
        assert!(late_of(caught).is_empty());
    }
}
