//! The rules. Each lives in its own file with its documentation; the registry
//! (`crate::registry`) is the single list of them.

use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Related, SourceFile};
use crate::project::{Project, TraceStep};
use crate::registry::{Rule, RuleSelection};

pub mod io_error;
pub mod sps101_unguarded_process_start;
pub mod sps102_malformed_main_guard;
pub mod sps103_import_time_process_start;
pub mod sps104_start_method_at_import;
pub mod sps105_worker_defined_in_guard;
pub mod sps201_unpicklable_callable;
pub mod syntax_error;

/// Where the platforms that default to spawn or forkserver are named in messages.
pub const SPAWN_PLATFORMS: &str = "on Windows, macOS, and Linux with Python 3.14+";

/// What a rule sees: the project, the files, and the module being checked.
pub struct Checker<'c, 'p, 'a> {
    pub project: &'c Project<'p, 'a>,
    pub files: &'c [Arc<SourceFile>],
    pub module: usize,
    pub diagnostics: Vec<Diagnostic>,
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
        self.diagnostics.push(Diagnostic {
            rule,
            message,
            help,
            file: self.file().clone(),
            range,
            related: Vec::new(),
        });
        self.diagnostics.last_mut().expect("just pushed")
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
    (0..files.len())
        .into_par_iter()
        .flat_map_iter(|module| {
            let mut checker = Checker {
                project,
                files,
                module,
                diagnostics: Vec::new(),
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
            checker.diagnostics
        })
        .collect()
}
