//! The rules. Each lives in its own file with its documentation; the registry
//! (`crate::registry`) is the single list of them.

use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Related, SourceFile};
use crate::project::{Project, TraceStep};
use crate::registry::{Rule, RuleSelection};
use crate::targets::StartMethod;
use crate::workers::{find_workers, sent_values, SentValue, Workers};

pub mod io_error;
pub mod sps101_unguarded_process_start;
pub mod sps102_malformed_main_guard;
pub mod sps103_import_time_process_start;
pub mod sps104_start_method_at_import;
pub mod sps105_worker_defined_in_guard;
pub mod sps201_unpicklable_callable;
pub mod sps202_unpicklable_argument;
pub mod sps203_unpicklable_process_state;
pub mod sps204_interactive_worker;
pub mod sps205_pickle_protocol_pitfall;
pub mod sps206_unpicklable_result;
pub mod sps207_unpicklable_queue_item;
pub mod sps208_unpicklable_manager_callable;
pub mod sps209_import_string_required;
pub mod sps301_global_not_inherited;
pub mod sps302_side_effects_in_children;
pub mod sps303_worker_output;
pub mod sps304_join_before_drain;
pub mod sps305_stdin_in_worker;
pub mod sps306_nested_pool_in_daemon;
pub mod sps401_fork_only_start_method;
pub mod sps402_windows_worker_limit;
pub mod sps403_freeze_support;
pub mod sps404_cuda_or_threads_then_fork;
pub mod syntax_error;

/// What a rule sees: the project, the files, and the module being checked.
pub struct Checker<'c, 'p, 'a> {
    pub project: &'c Project<'p, 'a>,
    pub files: &'c [Arc<SourceFile>],
    pub module: usize,
    pub diagnostics: Vec<Diagnostic>,
    /// The start method this module's program selects with `set_start_method()`, if one.
    pub program_method: Option<StartMethod>,
    /// The functions that run in child processes, project-wide.
    pub workers: &'c Workers,
    /// The values this module sends to child processes (`SentValue::module`).
    pub sent: &'c [SentValue<'c, 'a>],
}

impl Checker<'_, '_, '_> {
    pub fn file(&self) -> &Arc<SourceFile> {
        &self.files[self.module]
    }

    pub fn report(
        &mut self,
        rule: Rule,
        range: ruff_text_size::TextRange,
        message: String,
        help: Option<String>,
    ) -> &mut Diagnostic {
        let mut diagnostic = Diagnostic::new(rule, self.file().clone(), range, message);
        diagnostic.help = help;
        self.diagnostics.push(diagnostic);
        self.diagnostics.last_mut().expect("just pushed")
    }

    /// The method a site runs under when the code pins it: the site's own
    /// context (`get_context("spawn").Pool()`), else the program's `set_start_method()`.
    pub fn pinned(&self, site_method: Option<&str>) -> Option<StartMethod> {
        site_method
            .and_then(StartMethod::from_name)
            .or(self.program_method)
    }

    /// Turns a cross-module trace into related notes.
    pub fn related(&self, trace: &[TraceStep]) -> Vec<Related> {
        trace
            .iter()
            .map(|step| Related {
                file: self.files[step.module].clone(),
                range: step.range,
                message: step.message.clone(),
            })
            .collect()
    }
}

/// The one start method a module's `set_start_method()` calls select, if they agree.
fn program_method(facts: &crate::facts::ModuleFacts) -> Option<StartMethod> {
    let mut methods = facts
        .selected_methods
        .iter()
        .map(|method| StartMethod::from_name(method));
    let first = methods.next()??;
    methods.all(|method| method == Some(first)).then_some(first)
}

/// Runs every enabled rule on every module.
pub fn check_project(
    project: &Project,
    files: &[Arc<SourceFile>],
    selection: &RuleSelection,
) -> Vec<Diagnostic> {
    // The cross-module searches share one memo, so they run first, in one pass.
    let import_time = if selection.is_enabled(Rule::UnguardedProcessStart)
        || selection.is_enabled(Rule::ImportTimeProcessStart)
        || selection.is_enabled(Rule::StartMethodAtImport)
    {
        sps101_unguarded_process_start::import_time_effects(project)
    } else {
        vec![Default::default(); files.len()]
    };
    let mut sent = sent_values(project);
    let workers = find_workers(project, &sent);
    // Each module's checker gets the values it sends (stable: in the order
    // found): the rules ask per module, and scanning the project's values
    // for every module was quadratic.
    sent.sort_by_key(|value| value.module);
    let global_findings = if selection.is_enabled(Rule::GlobalNotInherited) {
        sps301_global_not_inherited::analyze(project, files, &workers)
    } else {
        Default::default()
    };
    let process_starts = if selection.is_enabled(Rule::UnpicklableProcessState) {
        sps203_unpicklable_process_state::process_starts(project)
    } else {
        Vec::new()
    };
    (0..files.len())
        .into_par_iter()
        .flat_map_iter(|module| {
            let mut checker = Checker {
                project,
                files,
                module,
                diagnostics: Vec::new(),
                program_method: program_method(&project.facts[module]),
                workers: &workers,
                sent: {
                    let start = sent.partition_point(|value| value.module < module);
                    let end = sent.partition_point(|value| value.module <= module);
                    &sent[start..end]
                },
            };
            let effects = &import_time[module];
            if selection.is_enabled(Rule::UnguardedProcessStart)
                || selection.is_enabled(Rule::ImportTimeProcessStart)
            {
                sps101_unguarded_process_start::check(&mut checker, effects);
            }
            if selection.is_enabled(Rule::StartMethodAtImport) {
                sps104_start_method_at_import::check(&mut checker, effects);
                sps104_start_method_at_import::check_second_calls(&mut checker);
            }
            if selection.is_enabled(Rule::MalformedMainGuard) {
                sps102_malformed_main_guard::check(&mut checker);
            }
            if selection.is_enabled(Rule::WorkerDefinedInGuard)
                || selection.is_enabled(Rule::UnpicklableCallable)
            {
                sps201_unpicklable_callable::check(&mut checker);
            }
            if selection.is_enabled(Rule::UnpicklableArgument) {
                sps202_unpicklable_argument::check(&mut checker);
            }
            if selection.is_enabled(Rule::UnpicklableProcessState) {
                sps203_unpicklable_process_state::check(&mut checker, &process_starts);
            }
            if selection.is_enabled(Rule::InteractiveWorker) {
                sps204_interactive_worker::check(&mut checker);
            }
            if selection.is_enabled(Rule::PickleProtocolPitfall) {
                sps205_pickle_protocol_pitfall::check(&mut checker);
            }
            if selection.is_enabled(Rule::UnpicklableResult) {
                sps206_unpicklable_result::check(&mut checker);
            }
            if selection.is_enabled(Rule::UnpicklableQueueItem) {
                sps207_unpicklable_queue_item::check(&mut checker);
            }
            if selection.is_enabled(Rule::UnpicklableManagerCallable) {
                sps208_unpicklable_manager_callable::check(&mut checker);
            }
            if selection.is_enabled(Rule::ImportStringRequired) {
                sps209_import_string_required::check(&mut checker);
            }
            if selection.is_enabled(Rule::GlobalNotInherited) {
                sps301_global_not_inherited::check(&mut checker, &global_findings);
            }
            if selection.is_enabled(Rule::SideEffectsInChildren) {
                sps302_side_effects_in_children::check(&mut checker);
            }
            if selection.is_enabled(Rule::WorkerOutput) {
                sps303_worker_output::check(&mut checker);
            }
            if selection.is_enabled(Rule::JoinBeforeDrain) {
                sps304_join_before_drain::check(&mut checker);
            }
            if selection.is_enabled(Rule::StdinInWorker) {
                sps305_stdin_in_worker::check(&mut checker);
            }
            if selection.is_enabled(Rule::NestedPoolInDaemon) {
                sps306_nested_pool_in_daemon::check(&mut checker);
            }
            if selection.is_enabled(Rule::ForkOnlyStartMethod) {
                sps401_fork_only_start_method::check(&mut checker);
            }
            if selection.is_enabled(Rule::WindowsWorkerLimit) {
                sps402_windows_worker_limit::check(&mut checker);
            }
            if selection.is_enabled(Rule::FreezeSupport) {
                sps403_freeze_support::check(&mut checker);
            }
            if selection.is_enabled(Rule::CudaOrThreadsThenFork) {
                sps404_cuda_or_threads_then_fork::check(&mut checker);
            }
            checker.diagnostics
        })
        .collect()
}
