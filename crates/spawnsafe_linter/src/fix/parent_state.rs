//! The fix for a worker that reads state the parent sets only at run time
//! (SPS301): pass a module-level primitive to the child, let a pool's workers
//! inherit the globals, run the setter again in the child, or configure
//! logging (and the like) where every process runs it. Which one fits
//! depends on what the worker reads and what starts it.

use crate::facts::PickleRole;
use crate::fix::Fix;
use crate::rules::Checker;
use crate::state::{Hazard, StateFinding};

/// The fix for `finding`, when one fits.
pub fn fix_for(checker: &Checker, finding: &StateFinding) -> Option<Fix> {
    match &finding.hazard {
        Hazard::Sync { manager: false, .. }
            if finding.holder.is_none()
                && finding.origin.role == Some(PickleRole::ProcessTarget) =>
        {
            crate::fix::pass_to_child::fix_in(
                checker,
                &finding.name,
                finding.origin.root_function,
                finding.origin.site,
            )
        }
        Hazard::Sync { manager: false, .. }
            if finding.holder.is_none()
                && matches!(
                    finding.origin.role,
                    Some(PickleRole::PoolTask | PickleRole::ExecutorTask)
                ) =>
        {
            crate::fix::inherit_globals::fix_in(checker, &finding.name, finding.origin.site)
        }
        Hazard::Global { .. }
            if finding.holder.is_none()
                && matches!(
                    finding.origin.role,
                    Some(PickleRole::PoolTask | PickleRole::ExecutorTask)
                ) =>
        {
            crate::fix::inherit_globals::fix_in(checker, &finding.name, finding.origin.site)
                .or_else(|| {
                    crate::fix::initializer_call::fix_in(
                        checker,
                        &finding.name,
                        finding.origin.site,
                    )
                })
                .or_else(|| replay_setter(checker, finding, false))
        }
        Hazard::Global { .. }
            if finding.holder.is_none()
                && finding.origin.role == Some(PickleRole::ProcessTarget) =>
        {
            crate::fix::pass_to_child::global_fix_in(
                checker,
                &finding.name,
                finding.origin.root_function,
                finding.origin.site,
            )
            .or_else(|| replay_setter(checker, finding, true))
        }
        Hazard::Config { .. }
            if finding.holder.is_none()
                && matches!(
                    finding.origin.role,
                    Some(PickleRole::PoolTask | PickleRole::ExecutorTask)
                ) =>
        {
            crate::fix::config_initializer::fix_in(checker, finding.range, finding.origin.site)
        }
        Hazard::Config { .. }
            if finding.holder.is_none()
                && finding.origin.role == Some(PickleRole::ProcessTarget) =>
        {
            crate::fix::configure_process::fix_in(checker, finding.range, finding.origin.site)
        }
        _ => None,
    }
}

/// The setter call among the finding's steps (`Tracker.init(20.5)`), run again
/// in the child.
fn replay_setter(checker: &Checker, finding: &StateFinding, process: bool) -> Option<Fix> {
    finding.related.iter().find_map(|step| {
        crate::fix::replay_setter::fix_in(
            checker,
            &finding.name,
            (step.module, step.range),
            finding.origin.site,
            process,
        )
    })
}
