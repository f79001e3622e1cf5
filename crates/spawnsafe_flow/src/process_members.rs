//! What a project instance kept in a `Process` subclass's attribute holds.
//!
//! Spawn and forkserver pickle the whole `Process` object at `start()`
//! (`Lib/multiprocessing/popen_spawn_posix.py`, `Popen._launch`:
//! `reduction.dump(process_obj, fp)`), and pickling an instance pickles its
//! `__dict__` (`copyreg.__reduce_ex__` / `object.__reduce_ex__`), so an attribute
//! holding `Updater(token)` fails when `Updater.__init__` stored a
//! `threading.RLock`: `TypeError: cannot pickle '_thread.RLock' object`
//! (python-telegram-bot/python-telegram-bot#917). The attribute's own value is
//! picklable; what it contains is not.

use crate::contents::{construction, instance_class, pickle_error, unpicklable_in_instance};
use crate::objects::{ErrorText, ObjectKind};
use crate::payload::{all_leaves, Flow, Leaf, Walker};

/// The first unpicklable object inside a project instance among `flows`, with
/// its error; the leaf is marked nested (the attribute *holds* it).
pub fn unpicklable_member<'a>(
    walker: &mut Walker<'_, '_, 'a>,
    flows: &[Flow<'a>],
) -> Option<(Leaf<'a>, ObjectKind, ErrorText)> {
    let project = walker.project;
    for leaf in all_leaves(flows) {
        let model = &project.models[leaf.module];
        let value = model.resolve(leaf.expr, leaf.scope);
        let Some((class_module, class)) = instance_class(project, leaf.module, &value) else {
            continue;
        };
        let made_by = construction(model, leaf.module, leaf.expr, leaf.scope);
        let Some(inside) = unpicklable_in_instance(walker, class_module, class, made_by) else {
            continue;
        };
        let Some(error) = pickle_error(project, &inside.leaf, &inside.kind) else {
            continue;
        };
        let mut held = inside.leaf;
        held.nested = true;
        return Some((held, inside.kind, error));
    }
    None
}
