//! `executor.map(processor.process, chunks)` in a helper that receives
//! `processor`: the task is a bound method, and pickling a bound method
//! pickles its instance (`method.__reduce__` returns `(getattr, (obj,
//! name))`, Objects/classobject.c `method___reduce___impl`), which the
//! helper's callers pass. Under every start method for pool and executor
//! tasks (`Lib/multiprocessing/pool.py` puts the task on `_taskqueue`;
//! `Lib/concurrent/futures/process.py` pickles the `_CallItem`), under spawn
//! and forkserver for a `Process` target.
//!
//! The receiver is a plain parameter of the function that sends the task
//! (not `self`, whose class the model already knows); each call of that
//! function in the project that passes an instance of a project class with
//! that method is checked like a bound method of a local instance.

use ruff_python_ast::Expr;

use crate::contents::{construction, instance_class, unpicklable_in_instance, Inside};
use crate::facts::PickleSite;
use crate::payload::{argument_of, Argument, Walker};
use crate::semantic::{BindingKind, ScopeKind};

/// The first caller's instance whose state cannot be pickled, for a site
/// whose task is `param.method` of a parameter.
pub fn unpicklable_receiver<'s, 'a>(
    walker: &mut Walker<'s, '_, 'a>,
    module: usize,
    site: &PickleSite<'a>,
) -> Option<(String, Inside<'a>)> {
    let project = walker.project;
    let model = &project.models[module];
    let Expr::Attribute(bound) = site.expr else {
        return None;
    };
    let Expr::Name(receiver) = bound.value.as_ref() else {
        return None;
    };
    let ScopeKind::Function(function) = model.scopes[site.scope].kind else {
        return None;
    };
    let (found_in, bindings) = model.lookup(receiver.id.as_str(), site.scope)?;
    let [binding] = bindings else {
        return None;
    };
    let BindingKind::Parameter(index) = binding.kind else {
        return None;
    };
    // A method's own receiver resolves through the model.
    if found_in != site.scope || (index == 0 && model.functions[function].class.is_some()) {
        return None;
    }
    let method = bound.attr.as_str();
    for (caller_module, facts) in project.facts.iter().enumerate() {
        let bodies = std::iter::once(&facts.import_time)
            .chain(std::iter::once(&facts.main_only))
            .chain(facts.functions.iter());
        for body in bodies {
            for edge in &body.calls {
                let Some(call) = edge.call else { continue };
                let Some((callee_module, callee, is_bound)) =
                    project.called_function(caller_module, &edge.target)
                else {
                    continue;
                };
                if (callee_module, callee) != (module, function) {
                    continue;
                }
                let def = model.functions[function].def;
                let Argument::Passed(argument) = argument_of(call, def, index, is_bound) else {
                    continue;
                };
                let caller_model = &project.models[caller_module];
                let value = caller_model.resolve(argument, edge.scope);
                let Some((class_module, class)) = instance_class(project, caller_module, &value)
                else {
                    continue;
                };
                if project
                    .find_method_of(class_module, class, method)
                    .is_none()
                {
                    continue;
                }
                let made_by = construction(caller_model, caller_module, argument, edge.scope);
                if let Some(inside) = unpicklable_in_instance(walker, class_module, class, made_by)
                {
                    return Some((method.to_string(), inside));
                }
            }
        }
    }
    None
}
