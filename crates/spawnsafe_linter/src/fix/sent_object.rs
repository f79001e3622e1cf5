//! The fix for an object that cannot be sent to a child process as an
//! argument (SPS202): a manager proxy for a multiprocessing primitive sent as
//! a task argument, a module-level class for one pickled by name, the
//! multiprocessing lock for a `threading` one in `Process` args, a list for a
//! generator.

use crate::facts::Sender;
use crate::fix::Fix;
use crate::objects::ObjectKind;
use crate::payload::{Leaf, Sent};
use crate::rules::Checker;

pub fn fix_for(
    checker: &Checker,
    sent: &Sent,
    leaf: &Leaf,
    kind: &ObjectKind,
    sender: Sender,
) -> Option<Fix> {
    match kind {
        ObjectKind::SpawnShared { .. } if !sender.while_spawning() => {
            crate::fix::manager_proxy::manager_proxy_fix(checker, leaf)
        }
        ObjectKind::ClassByName(class) if leaf.module == checker.module => {
            crate::fix::class_by_name::fix_in(checker, class)
        }
        ObjectKind::ThreadPrimitive { .. } if sender.while_spawning() && !leaf.nested => {
            crate::fix::process_sync::process_sync_fix(checker, leaf)
        }
        ObjectKind::Generator if sent.module == checker.module && !leaf.nested => {
            crate::fix::materialize_generator::materialize_fix(
                checker,
                leaf.module,
                leaf.expr,
                leaf.anchor,
            )
            .or_else(|| crate::fix::materialize_generator::materialize_variable_fix(checker, leaf))
        }
        _ => None,
    }
}
