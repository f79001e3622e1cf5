//! `queue.put(sensor.read(step))`: what a method of a project class returns,
//! when the receiver is known to be an instance of that class. The method is
//! the one the class (or its nearest project base) defines; when a project
//! subclass could override it, or the method is decorated (a property, a
//! staticmethod, a classmethod, a wrapper), the call stays unknown.

use crate::contents::instance_class;
use crate::payload::{class_hierarchy, Walker};
use crate::semantic::{FunctionId, Value};

/// The project method `receiver.method(...)` runs, and its module.
pub fn called_method(
    walker: &mut Walker,
    module: usize,
    receiver: &Value,
    method: &str,
) -> Option<(usize, FunctionId)> {
    let project = walker.project;
    let (class_module, class) = instance_class(project, module, receiver)?;
    if !walker.subclasses_of(class_module, class).is_empty() {
        return None;
    }
    for (m, c) in class_hierarchy(project, class_module, class) {
        let Some(&function) = project.models[m].classes[c].methods.get(method) else {
            continue;
        };
        let def = project.models[m].functions[function].def;
        // A plain method: `self` is its first positional parameter.
        let plain = def.decorator_list.is_empty()
            && (!def.parameters.posonlyargs.is_empty() || !def.parameters.args.is_empty());
        return plain.then_some((m, function));
    }
    None
}
