//! What a module sends to child processes that cannot be pickled, and where it
//! sits: an object among the values sent ([`objects::classify`]), an object kept
//! in an attribute of a sent instance ([`contents::unpicklable_in_instance`]), the
//! original of a function its decorator replaced, sent from inside the
//! decorator's wrapper ([`boundary::replaced_original`]), and what the instance
//! behind a bound method (or a callable instance) sent as a target or task keeps.
//! SPS202 decides which of them fail under which start method, and words them.
//!
//! [`objects::classify`]: crate::objects::classify
//! [`contents::unpicklable_in_instance`]: crate::contents::unpicklable_in_instance
//! [`boundary::replaced_original`]: crate::boundary::replaced_original

use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::Ranged;

use crate::boundary::{replaced_original, ReplacedOriginal};
use crate::contents::{construction, instance_class, unpicklable_in_instance, Inside};
use crate::facts::{PickleRole, PickleSite, Sender};
use crate::objects::{classify, ObjectKind};
use crate::payload::{all_leaves, problems, Leaf, Sent, Walker};
use crate::semantic::Value;

/// How a bound method or callable instance was sent.
pub enum Callable {
    /// `obj.method`.
    BoundMethod(String),
    /// `functools.partial(obj.method, ...)`.
    PartialOfBoundMethod(String),
    /// `obj` itself (`pool.apply(self, ...)`).
    Instance,
}

pub enum ArgumentFinding<'s, 'a> {
    /// An object among the values sent; `leaf` is where it is made.
    Object {
        sent: Sent<'s, 'a>,
        sender: Sender,
        leaf: Leaf<'a>,
        kind: ObjectKind,
    },
    /// An object kept in an attribute of an instance among the values sent.
    InInstance {
        sent: Sent<'s, 'a>,
        sender: Sender,
        leaf: Leaf<'a>,
        inside: Inside<'a>,
    },
    /// The original of a decorated function, sent where its module-level name
    /// holds the decorator's object.
    ReplacedOriginal {
        site: &'s PickleSite<'a>,
        sender: Sender,
        item: &'a Expr,
        original: ReplacedOriginal,
    },
    /// An object kept by the instance behind a bound method or a callable
    /// instance sent as a target or task.
    InCallable {
        site: &'s PickleSite<'a>,
        callable: Callable,
        inside: Inside<'a>,
    },
}

/// Everything `module` sends that may not pickle, in the order SPS202 reports
/// it. Objects and instances among the sent values are candidates: the rule
/// keeps those that fail and reports each place once.
pub fn argument_findings<'s, 'a>(
    walker: &mut Walker<'s, '_, 'a>,
    module: usize,
) -> Vec<ArgumentFinding<'s, 'a>> {
    let project = walker.project;
    let mut findings = Vec::new();
    let same_send = |sent: &Sent<'s, 'a>| Sent {
        module: sent.module,
        site_module: sent.site_module,
        site: sent.site,
        flows: Vec::new(),
        via: sent.via.clone(),
    };
    for sent in walker.sent_from(module) {
        let Some(send) = sent.site.send else { continue };
        let found = problems(&sent.flows, &mut |leaf| {
            let sent_at = (leaf.module == sent.module).then(|| leaf.anchor.range().start());
            classify(walker, leaf, sent_at)
        });
        for (leaf, kind) in found {
            findings.push(ArgumentFinding::Object {
                sent: same_send(&sent),
                sender: send.sender,
                leaf,
                kind,
            });
        }
        // An instance of a project class pickles what its attributes hold.
        for leaf in all_leaves(&sent.flows) {
            let value = project.models[leaf.module].resolve(leaf.expr, leaf.scope);
            let Some((class_module, class)) = instance_class(project, leaf.module, &value) else {
                // A torchvision dataset pickles the transforms it keeps.
                if let Some(inside) = crate::vision_datasets::inside_vision_dataset(walker, &leaf) {
                    findings.push(ArgumentFinding::InInstance {
                        sent: same_send(&sent),
                        sender: send.sender,
                        leaf,
                        inside,
                    });
                }
                continue;
            };
            let model = &project.models[leaf.module];
            let made_by = construction(model, leaf.module, leaf.expr, leaf.scope);
            let Some(inside) = unpicklable_in_instance(walker, class_module, class, made_by) else {
                continue;
            };
            // dill and cloudpickle send modules by reference and `__main__`
            // functions by value.
            if sent.site.pickler.pickles_code_by_value()
                && matches!(
                    inside.kind,
                    crate::objects::ObjectKind::Module { .. }
                        | crate::objects::ObjectKind::GuardFunction { .. }
                )
            {
                continue;
            }
            // A function defined in the main guard is found by a forked
            // child: only say it where fork does not pickle either.
            if matches!(
                inside.kind,
                crate::objects::ObjectKind::GuardFunction { .. }
            ) && send.sender.pickled_under_fork()
            {
                continue;
            }
            findings.push(ArgumentFinding::InInstance {
                sent: same_send(&sent),
                sender: send.sender,
                leaf,
                inside,
            });
        }
    }
    // A function its decorator replaced, sent from inside the decorator's wrapper.
    for site in &project.facts[module].pickle_sites {
        let Some(send) = site.send else { continue };
        if site.pickler.pickles_code_by_value() {
            continue;
        }
        let items: &[Expr] = match site.expr {
            Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
                elts
            }
            other => std::slice::from_ref(other),
        };
        for item in items {
            if let Some(original) = replaced_original(project, module, item, site.scope) {
                // Said once, here: not again as the value the walk found.
                findings.retain(|finding| {
                    !matches!(finding, ArgumentFinding::Object { leaf, kind: crate::objects::ObjectKind::ReplacedFunction { .. }, .. }
                        if leaf.expr.range() == item.range())
                });
                findings.push(ArgumentFinding::ReplacedOriginal {
                    site,
                    sender: send.sender,
                    item,
                    original,
                });
            }
        }
    }
    // A bound method sent as a target or task pickles its instance; a callable
    // instance (`pool.apply(self, ...)`) is pickled itself.
    for site in &project.facts[module].pickle_sites {
        // `functools.partial(obj.method, ...)` pickles its function, the bound method.
        let (receiver, callable) = match &site.value {
            Value::BoundMethod(receiver, method) => {
                (receiver.as_ref(), Callable::BoundMethod(method.clone()))
            }
            Value::Partial(function) => match function.as_ref() {
                Value::BoundMethod(receiver, method) => (
                    receiver.as_ref(),
                    Callable::PartialOfBoundMethod(method.clone()),
                ),
                _ => continue,
            },
            instance @ Value::Instance(_) => (instance, Callable::Instance),
            // `processor.process` of a parameter: the instance its callers pass.
            _ => {
                let sent_by_task =
                    !matches!(site.role, PickleRole::Argument | PickleRole::ProcessObject)
                        && !site.pickler.pickles_code_by_value();
                if let Some((method, inside)) = sent_by_task
                    .then(|| crate::parameter_receivers::unpicklable_receiver(walker, module, site))
                    .flatten()
                {
                    findings.push(ArgumentFinding::InCallable {
                        site,
                        callable: Callable::BoundMethod(method),
                        inside,
                    });
                }
                continue;
            }
        };
        if matches!(site.role, PickleRole::Argument | PickleRole::ProcessObject)
            || site.pickler.pickles_code_by_value()
        {
            continue;
        }
        let Some((class_module, class)) = instance_class(project, module, receiver) else {
            continue;
        };
        let model = &project.models[module];
        let made_by = match (site.expr, &callable) {
            (_, Callable::PartialOfBoundMethod(_)) => None,
            (Expr::Attribute(bound), Callable::BoundMethod(_)) => {
                construction(model, module, &bound.value, site.scope)
            }
            (expr, Callable::Instance) => construction(model, module, expr, site.scope),
            _ => None,
        };
        let Some(inside) = unpicklable_in_instance(walker, class_module, class, made_by) else {
            continue;
        };
        findings.push(ArgumentFinding::InCallable {
            site,
            callable,
            inside,
        });
    }
    findings
}

/// Where the sent value is written in the call that sends it.
pub enum WrittenAs {
    /// Not an argument of the call: bound into the callable by `functools.partial`.
    Bound,
    /// In a `Process`'s `kwargs`.
    Kwargs,
    Argument,
}

pub fn written_as(site: &PickleSite) -> WrittenAs {
    let arguments = &site.call.arguments;
    let is_site = |argument: &Expr| argument.range() == site.expr.range();
    let written_in_call = arguments.args.iter().any(is_site)
        || arguments
            .keywords
            .iter()
            .any(|keyword| is_site(&keyword.value));
    if !written_in_call {
        WrittenAs::Bound
    } else if arguments
        .find_argument_value("kwargs", 4)
        .is_some_and(is_site)
    {
        WrittenAs::Kwargs
    } else {
        WrittenAs::Argument
    }
}
