//! `set` and `frozenset` subclasses: unlike `dict` and `list` (rebuilt with
//! `copyreg.__newobj__`, without `__init__`), a set pickles with its own
//! `__reduce__`, `(type(self), (list(self),), self.__dict__)`
//! (Objects/setobject.c `set_reduce`), so the unpickler calls `cls(items)`,
//! and an `__init__` that takes other arguments fails there. Checked on
//! CPython 3.11: `class UserSet(set): def __init__(self, y, x)` unpickles with
//! `TypeError: UserSet.__init__() missing 1 required positional argument: 'x'`.

use crate::pitfalls::{ClassPitfall, Pitfall};
use crate::project::Project;
use crate::semantic::FunctionId;

/// The pitfall of a set subclass whose `__init__` cannot take the items
/// alone (`method` finds a method in the class's hierarchy).
pub(crate) fn set_init_pitfall(
    project: &Project,
    builtins: &[&'static str],
    method: &dyn Fn(&str) -> Option<(usize, FunctionId)>,
    custom_new: bool,
) -> Option<ClassPitfall> {
    let base = *builtins
        .iter()
        .find(|base| matches!(**base, "set" | "frozenset"))?;
    if custom_new {
        return None;
    }
    let (module, init) = method("__init__")?;
    let info = &project.models[module].functions[init];
    // A decorated `__init__` may take anything.
    if !info.def.decorator_list.is_empty() {
        return None;
    }
    let error = crate::channels::call_error(info.def, &info.qualname, 1)?;
    Some(ClassPitfall {
        pitfall: Pitfall::SetInitArguments { base, error },
        module,
        method: init,
    })
}
