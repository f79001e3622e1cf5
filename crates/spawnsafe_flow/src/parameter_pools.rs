//! Tasks sent through a pool that a helper receives as a parameter:
//! `def run(pool, func, *args): return pool.submit(func, *args).result()`,
//! `loop.run_in_executor(executor, partial(func, *args))` in an `async def`
//! helper. Whether the call pickles anything depends on what the caller passes:
//! a `ProcessPoolExecutor` or a `multiprocessing` pool pickles the task (and its
//! result and exceptions come back pickled, `Lib/concurrent/futures/process.py`,
//! `_process_worker` / `_ResultItem`; `Lib/multiprocessing/pool.py`, `worker`),
//! a `ThreadPoolExecutor` pickles nothing. So the site is recorded apart from the
//! module's pickle sites, and becomes a sent value only at a call that passes a
//! process pool for the receiver: the task is then the function that call (or the
//! helper itself) names.

use ruff_python_ast::{self as ast, Expr};

use crate::api::{Api, Pickler, POOL_TASK_METHODS};
use crate::facts::{PickleRole, PickleSite};
use crate::project::Project;
use crate::semantic::{ModuleModel, ScopeId, Value};
use crate::workers::{argument_for, SentValue};

/// A task call on a pool that is a parameter of the enclosing function.
#[derive(Debug, Clone)]
pub struct ParameterTask<'a> {
    /// The position of the parameter that receives the pool (`self` counts).
    pub receiver: usize,
    /// The scope of the enclosing function.
    pub scope: ScopeId,
    /// The pickle site as it is for each kind of pool the caller may pass.
    pub sites: Vec<(Api, PickleSite<'a>)>,
}

/// `param.submit(f, ...)`, `param.map(f, ...)`, `param.apply_async(f, ...)`,
/// `loop.run_in_executor(param, f, ...)`: the task call on a parameter, if `call` is one.
pub fn task_on_parameter<'a>(
    model: &ModuleModel<'a>,
    call: &'a ast::ExprCall,
    scope: ScopeId,
) -> Option<ParameterTask<'a>> {
    let Expr::Attribute(attribute) = call.func.as_ref() else {
        return None;
    };
    let method = attribute.attr.as_str();
    let (receiver, task, kinds): (&Expr, &'a Expr, &[(Api, PickleRole)]) = match method {
        "run_in_executor" => (
            call.arguments.args.first()?,
            call.arguments.args.get(1)?,
            &[(Api::ProcessExecutor, PickleRole::ExecutorTask)],
        ),
        "submit" => (
            attribute.value.as_ref(),
            call.arguments.args.first()?,
            &[(Api::ProcessExecutor, PickleRole::ExecutorTask)],
        ),
        "map" => (
            attribute.value.as_ref(),
            call.arguments.find_argument_value("func", 0)?,
            &[
                (Api::ProcessExecutor, PickleRole::ExecutorTask),
                (Api::ProcessPool, PickleRole::PoolTask),
            ],
        ),
        _ if POOL_TASK_METHODS.contains(&method) => (
            attribute.value.as_ref(),
            call.arguments.find_argument_value("func", 0)?,
            &[(Api::ProcessPool, PickleRole::PoolTask)],
        ),
        _ => return None,
    };
    let receiver = model.parameter_index(receiver, scope)?;
    let sites = kinds
        .iter()
        .map(|&(api, role)| {
            let site = PickleSite {
                call,
                expr: task,
                value: model.resolve(task, scope),
                role,
                scope,
                context_method: None,
                pickler: Pickler::Pickle,
                parameter: model.parameter_index(task, scope),
                send: None,
            };
            (api, site)
        })
        .collect();
    Some(ParameterTask {
        receiver,
        scope,
        sites,
    })
}

/// The parameter a task expression forwards: the task itself
/// (`pool.submit(func, ...)`) or the function of a partial made of it
/// (`run_in_executor(pool, partial(func, *args))`).
fn forwarded_parameter(model: &ModuleModel, site: &PickleSite) -> Option<usize> {
    if let Some(index) = site.parameter {
        return Some(index);
    }
    let partial = crate::boundary::partial_call(model, site.expr, site.scope)?;
    model.parameter_index(partial.arguments.args.first()?, site.scope)
}

/// The process pool or executor a value is an instance of.
fn pool_api(value: &Value) -> Option<Api> {
    match value {
        Value::Instance(class) => match class.api()? {
            api @ (Api::ProcessExecutor | Api::ProcessPool) => Some(api),
            _ => None,
        },
        _ => None,
    }
}

/// The tasks that calls of helpers send through the process pools they pass.
pub fn sent_values<'s, 'a>(project: &'s Project<'_, 'a>) -> Vec<SentValue<'s, 'a>> {
    let mut sent = Vec::new();
    for (module, facts) in project.facts.iter().enumerate() {
        let bodies = std::iter::once(&facts.import_time)
            .chain(std::iter::once(&facts.main_only))
            .chain(facts.functions.iter());
        for body in bodies {
            for edge in &body.calls {
                let Some(call) = edge.call else { continue };
                let Some((callee_module, callee, bound)) =
                    project.called_function(module, &edge.target)
                else {
                    continue;
                };
                let callee_model = &project.models[callee_module];
                let info = &callee_model.functions[callee];
                for task in &project.facts[callee_module].parameter_tasks {
                    if task.scope != info.scope {
                        continue;
                    }
                    let Some(pool) = argument_for(call, info.def, task.receiver, bound) else {
                        continue;
                    };
                    let Some(api) = pool_api(&project.models[module].resolve(pool, edge.scope))
                    else {
                        continue;
                    };
                    let Some((_, site)) = task.sites.iter().find(|(kind, _)| *kind == api) else {
                        continue;
                    };
                    match forwarded_parameter(callee_model, site) {
                        // The caller names the task.
                        Some(index) => {
                            let Some(argument) = argument_for(call, info.def, index, bound) else {
                                continue;
                            };
                            sent.push(SentValue {
                                module,
                                expr: argument,
                                value: project.models[module].resolve(argument, edge.scope),
                                scope: edge.scope,
                                site_module: callee_module,
                                site,
                                via_parameter: true,
                            });
                        }
                        // The helper names it.
                        None => sent.push(SentValue {
                            module: callee_module,
                            expr: site.expr,
                            value: site.value.clone(),
                            scope: site.scope,
                            site_module: callee_module,
                            site,
                            via_parameter: false,
                        }),
                    }
                }
            }
        }
    }
    sent
}
