//! A `BaseManager`/`SyncManager` subclass that its server process cannot find
//! again by name. `BaseManager.start()` (Lib/multiprocessing/managers.py)
//! starts the server as `self._ctx.Process(target=type(self)._run_server,
//! args=(self._registry, ...))`; under spawn and forkserver that `Process` is
//! pickled, and the bound classmethod `_run_server` pickles its class by
//! qualified name. A class defined inside a function fails in the parent
//! (`AttributeError: Can't pickle local object 'f.<locals>.M'`); a class
//! defined in the main script's `if __name__ == "__main__":` block pickles as
//! `__main__.M`, but the server re-imports the script as `__mp_main__`, where
//! the guard is false, and dies unpickling it (`AttributeError: Can't get
//! attribute 'M' on <module '__mp_main__' ...>`) while the parent's `start()`
//! raises `EOFError`. Under fork nothing is pickled.

use ruff_text_size::{Ranged, TextRange};

use crate::channels::{manager_class, ManagerClass};
use crate::objects::ErrorText;
use crate::project::Project;
use crate::semantic::Value;

/// Why pickle cannot find the manager class by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unfindable {
    /// Defined inside a function: its qualified name has `<locals>`.
    Local,
    /// Defined in the main guard: missing when the child imports the script.
    InMainGuard,
}

/// A manager started in the checked module whose class pickles by a name the
/// server process cannot look up.
#[derive(Debug, Clone)]
pub struct UnfindableManagerClass {
    /// The start: `m.start()`, `with M() as m:`.
    pub start: TextRange,
    pub class_name: String,
    pub qualname: String,
    /// The module and name range of the class definition.
    pub defined_at: (usize, TextRange),
    pub why: Unfindable,
    pub error: ErrorText,
}

/// Every manager start in `module` whose manager class is defined inside a
/// function or in the main guard.
pub fn unfindable_manager_classes(project: &Project, module: usize) -> Vec<UnfindableManagerClass> {
    let mut found: Vec<UnfindableManagerClass> = Vec::new();
    for &(manager, start_module, start) in project.manager_starts() {
        if start_module != module {
            continue;
        }
        let ManagerClass::Project(class_module, class) = manager else {
            continue;
        };
        if given_a_context(project, manager) {
            continue;
        }
        let info = &project.models[class_module].classes[class];
        let why = if info.is_local {
            Unfindable::Local
        } else if info.in_main_guard {
            Unfindable::InMainGuard
        } else {
            continue;
        };
        // One finding per start (a `with` and its `start()` are one start).
        if found.iter().any(|known| known.start == start) {
            continue;
        }
        let qualname = info.qualname.clone();
        let class_name = info.def.name.to_string();
        let error = match why {
            Unfindable::Local => ErrorText::new(format!(
                "AttributeError: Can't pickle local object '{qualname}'"
            ))
            .or(format!(
                "Python 3.13: \"Can't get local object '{qualname}'\"; 3.14: \"PicklingError: Can't pickle local object ...\""
            )),
            Unfindable::InMainGuard => ErrorText::new(format!(
                "AttributeError: Can't get attribute '{class_name}' on <module '__mp_main__' ...>"
            )),
        };
        found.push(UnfindableManagerClass {
            start,
            class_name,
            qualname,
            defined_at: (class_module, info.def.name.range()),
            why,
            error,
        });
    }
    found
}

/// Whether some instantiation of the manager class passes `ctx=`: a fork
/// context pickles nothing, and a context the analysis cannot tell may be one.
fn given_a_context(project: &Project, manager: ManagerClass) -> bool {
    let ManagerClass::Project(class_module, class) = manager else {
        return false;
    };
    // Only calls that spell the class's name (or an alias imported from it) make it.
    let name = project.models[class_module].classes[class]
        .def
        .name
        .as_str();
    project.call_sites_named(name).iter().any(|&(module, index)| {
        let model = &project.models[module];
        let site = &project.facts[module].calls[index];
        manager_class(project, module, &model.resolve(&site.call.func, site.scope)) == Some(manager)
            && site
                .call
                .arguments
                .find_argument_value("ctx", 3)
                .is_some_and(|ctx| {
                    !matches!(model.resolve(ctx, site.scope), Value::Context(Some(ref method)) if method != "fork")
                        && !ctx.is_none_literal_expr()
                })
    })
}
