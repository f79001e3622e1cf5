//! Where an object of a class with a pickle-protocol pitfall ([`pitfalls`]) crosses
//! the process boundary: sent to a child (task or `Process` arguments, the
//! instance behind a bound method sent as a callable), put on a queue or sent on
//! a connection, handed to a manager's shared object, or returned by a
//! `Pool`/`ProcessPoolExecutor` task (pickled in the worker, unpickled in the
//! parent: Lib/multiprocessing/pool.py `worker` → `put((job, i, result))`, read by
//! `Pool._handle_results`; Lib/concurrent/futures/process.py `_sendback_result`).
//! SPS205 words the answers.

use ruff_python_ast::Expr;
use ruff_text_size::Ranged;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::channels::{channel_items, ChannelItem};
use crate::facts::{PickleRole, Sender, Shape};
use crate::manager_items::{manager_items, ManagerItem};
use crate::payload::{problems, Leaf, Sent, Walker};
use crate::pitfalls::{class_pitfall, instance_class, ClassPitfall};
use crate::pitfalls_nested::{nested_pitfall, receiver_leaf};
use crate::semantic::{ClassId, Value};
use crate::workers::{SentValue, Workers};

/// How the object crosses the boundary.
pub enum Crossing<'s, 'a> {
    /// Sent to a child; `bound_method` when it is the instance of a bound
    /// method sent as a callable (the site's role says as what).
    Sent {
        sent: Sent<'s, 'a>,
        sender: Sender,
        bound_method: bool,
    },
    /// Put on a queue or sent on a connection.
    Channel(ChannelItem<'a>),
    /// Handed to a manager's shared object.
    Manager(ManagerItem<'a>),
    /// Returned by a task (`task` is its qualified name).
    Result {
        task: &'s str,
        returned: &'a Expr,
        sender: Sender,
    },
}

/// One object that will not make the trip, where it crosses, and why.
pub struct PitfallFinding<'s, 'a> {
    pub crossing: Crossing<'s, 'a>,
    pub leaf: Leaf<'a>,
    pub class: (usize, ClassId),
    pub pitfall: ClassPitfall,
}

/// Every crossing out of `module` of an object whose class has a pitfall, once
/// per (place in the code, class), in the order the checks find them.
pub fn pitfall_findings<'s, 'a>(
    walker: &mut Walker<'s, '_, 'a>,
    workers: &Workers,
    sent_values: &[SentValue<'_, 'a>],
    module: usize,
) -> Vec<PitfallFinding<'s, 'a>> {
    let project = walker.project;
    let mut memo: FxHashMap<(usize, ClassId), Option<ClassPitfall>> = FxHashMap::default();
    let mut pitfall_of = |leaf: &Leaf| {
        let class = instance_class(project, leaf)?;
        memo.entry(class)
            .or_insert_with(|| class_pitfall(project, class.0, class.1))
            .clone()
            .map(|pitfall| (class, pitfall))
    };
    let mut reported = FxHashSet::default();
    let mut findings = Vec::new();
    let mut push = |crossing, leaf: Leaf<'a>, class: (usize, ClassId), pitfall| {
        if reported.insert((leaf.anchor.range(), class)) {
            findings.push(PitfallFinding {
                crossing,
                leaf,
                class,
                pitfall,
            });
        }
    };
    for sent in walker.sent_from(module) {
        let Some(send) = sent.site.send else { continue };
        let found = problems(&sent.flows, &mut pitfall_of);
        let nested = if found.is_empty() {
            // An object the sent instance keeps in an attribute is unpickled too.
            problems(&sent.flows, &mut |leaf| nested_pitfall(project, leaf))
                .into_iter()
                .map(|(outer, inner)| {
                    let leaf = Leaf {
                        module: inner.inner.module,
                        expr: inner.inner.expr,
                        scope: inner.inner.scope,
                        nested: true,
                        ..outer
                    };
                    (leaf, (inner.class, inner.pitfall))
                })
                .collect()
        } else {
            Vec::new()
        };
        for (leaf, (class, pitfall)) in found.into_iter().chain(nested) {
            let crossing = Crossing::Sent {
                sent: Sent {
                    module: sent.module,
                    site_module: sent.site_module,
                    site: sent.site,
                    flows: Vec::new(),
                    via: sent.via.clone(),
                },
                sender: send.sender,
                bound_method: false,
            };
            push(crossing, leaf, class, pitfall);
        }
    }
    // A bound method sent as a target or task pickles its instance, and what
    // the instance keeps.
    for site in &project.facts[module].pickle_sites {
        let (Value::BoundMethod(..), Expr::Attribute(bound)) = (&site.value, site.expr) else {
            continue;
        };
        let Some(sender) = crate::boundary::callable_sender(site.role) else {
            continue;
        };
        if site.pickler.pickles_code_by_value() {
            continue;
        }
        let Some(leaf) = receiver_leaf(project, module, &bound.value, site.expr, site.scope) else {
            continue;
        };
        let own = pitfall_of(&leaf).map(|(class, pitfall)| (leaf, class, pitfall));
        let found = own.or_else(|| {
            let inner = nested_pitfall(project, &leaf)?;
            let leaf = Leaf {
                module: inner.inner.module,
                expr: inner.inner.expr,
                scope: inner.inner.scope,
                ..leaf
            };
            Some((leaf, inner.class, inner.pitfall))
        });
        let Some((leaf, class, pitfall)) = found else {
            continue;
        };
        let sent = Sent {
            module,
            site_module: module,
            site,
            flows: Vec::new(),
            via: Vec::new(),
        };
        let crossing = Crossing::Sent {
            sent,
            sender,
            bound_method: true,
        };
        push(crossing, leaf, class, pitfall);
    }
    // Items put on a queue or sent on a connection are unpickled by the reader.
    for item in channel_items(walker, sent_values, module) {
        let flows = walker.flows(module, item.item, item.scope, Shape::Whole);
        for (leaf, (class, pitfall)) in problems(&flows, &mut pitfall_of) {
            push(Crossing::Channel(item.clone()), leaf, class, pitfall);
        }
    }
    // Values handed to a manager's shared objects are unpickled in its server process.
    for item in manager_items(project, sent_values, module) {
        let flows = walker.flows(module, item.item, item.scope, Shape::Whole);
        for (leaf, (class, pitfall)) in problems(&flows, &mut pitfall_of) {
            push(Crossing::Manager(item.clone()), leaf, class, pitfall);
        }
    }
    // What comes back: a task's return value.
    let mut tasks = FxHashSet::default();
    for origin in workers.roots_in_module(module) {
        let sender = match origin.role {
            Some(PickleRole::PoolTask) => Sender::Pool,
            Some(PickleRole::ExecutorTask) => Sender::Executor,
            _ => continue,
        };
        let (task_module, task) = origin.root_function;
        if task_module != module
            || !tasks.insert((
                task,
                sender.pickled_under_fork(),
                matches!(sender, Sender::Pool),
            ))
        {
            continue;
        }
        let info = &project.models[task_module].functions[task];
        for &returned in &info.returns {
            let flows = walker.flows(task_module, returned, info.scope, Shape::Whole);
            for (leaf, (class, pitfall)) in problems(&flows, &mut pitfall_of) {
                let crossing = Crossing::Result {
                    task: &info.qualname,
                    returned,
                    sender,
                };
                push(crossing, leaf, class, pitfall);
            }
        }
    }
    findings
}
