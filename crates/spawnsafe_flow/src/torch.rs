//! What PyTorch's `DataLoader` runs in its worker processes, and where a
//! loader that starts them was made.
//!
//! `DataLoader.__iter__` returns `_MultiProcessingDataLoaderIter` when
//! `num_workers > 0` (torch/utils/data/dataloader.py `_get_iterator`), whose
//! `__init__` starts one `multiprocessing_context.Process(target=
//! _utils.worker._worker_loop, args=(dataset_kind, dataset, ..., collate_fn,
//! ..., worker_init_fn, ...))` per worker, `daemon = True`. In the worker,
//! `_worker_loop` builds a fetcher (torch/utils/data/_utils/fetch.py):
//! `_MapDatasetFetcher.fetch` calls `dataset.__getitems__(indices)` when the
//! dataset has it, else `dataset[idx]` for each index; `_IterableDatasetFetcher`
//! calls `iter(dataset)` and `next()` on it. So those methods of the user's
//! dataset class are worker code: they read the module state of a process that
//! re-imported the main module, not the parent's.

use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::{Ranged, TextRange};

use crate::contents::{instance_class, pickle_error, Inside};
use crate::facts::{PickleRole, Sender};
use crate::objects::classify;
use crate::payload::{Leaf, Walker};
use crate::project::Project;
use crate::semantic::argvalues::possible_values;
use crate::semantic::knowledge::{literal, starter, Known, StarterId, Trigger};
use crate::semantic::{BindingKind, FunctionId, ModuleModel, ScopeId, Value};
use crate::workers::SentValue;

/// The project methods a knowledge-base starter's workers call on a value it
/// sends (the dataset's `__getitem__`), with the role to record them under.
pub fn methods_run_by_workers(
    project: &Project,
    sent: &SentValue,
) -> Vec<((usize, FunctionId), PickleRole)> {
    let site = sent.site;
    let Some(Sender::Library(id)) = site.send.map(|send| send.sender) else {
        return Vec::new();
    };
    let methods = starter(id).methods_run_on(site.call, site.expr);
    if methods.is_empty() {
        return Vec::new();
    }
    let Some((module, class)) = instance_class(project, sent.module, &sent.value) else {
        return Vec::new();
    };
    methods
        .iter()
        .filter_map(|method| project.find_method_of(module, class, method))
        .map(|function| (function, PickleRole::LibraryCallable(id)))
        .collect()
}

/// The call that made the starter object an expression stands for (`loader =
/// DataLoader(ds, num_workers=4)` for `loader`, through `enumerate(loader)`
/// and `self.loader`), when the module shows it.
pub fn made_by<'a>(
    model: &ModuleModel<'a>,
    expr: &'a Expr,
    scope: ScopeId,
    id: StarterId,
) -> Option<(&'a ast::ExprCall, ScopeId)> {
    made_by_depth(model, expr, scope, id, 0)
}

fn made_by_depth<'a>(
    model: &ModuleModel<'a>,
    expr: &'a Expr,
    scope: ScopeId,
    id: StarterId,
    depth: usize,
) -> Option<(&'a ast::ExprCall, ScopeId)> {
    if depth > 4 {
        return None;
    }
    // The library's own call, or one of a project subclass of it (`FastLoader(...)`).
    let makes_it = |call: &ast::ExprCall, scope: ScopeId| {
        matches!(model.resolve(&call.func, scope).api(),
            Some(crate::api::Api::Library(found)) if found == id)
            || matches!(model.resolve(expr, scope),
                Value::LibraryObject { starter: found, .. } if found == id)
    };
    match expr {
        Expr::Call(call) if makes_it(call, scope) => Some((call, scope)),
        // `trainer.fit(model)`: the loaders the call iterates (`model.train_dataloader()`).
        Expr::Call(call)
            if matches!(model.resolve(&call.func, scope), Value::BoundMethod(ref receiver, _)
                if matches!(receiver.as_ref(), Value::LibraryObject { .. })) =>
        {
            let Value::BoundMethod(receiver, method) = model.resolve(&call.func, scope) else {
                return None;
            };
            crate::fit_hooks::iterated_values(model, call, &receiver, &method, scope)
                .into_iter()
                .find_map(|(value, at)| made_by_depth(model, value, at, id, depth + 1))
        }
        // `enumerate(loader)`, `iter(loader)`, `tqdm(loader)`: the wrapped loader.
        Expr::Call(call) => call
            .arguments
            .args
            .iter()
            .find_map(|argument| made_by_depth(model, argument, scope, id, depth + 1)),
        Expr::Name(name) => {
            let (found_in, bindings) = model.lookup(name.id.as_str(), scope)?;
            // The last binding made before the use, else any that makes one.
            let at = name.range().start();
            let mut candidates: Vec<_> = bindings.iter().collect();
            if found_in == scope {
                candidates.retain(|binding| binding.range.start() <= at);
            }
            candidates
                .iter()
                .rev()
                .find_map(|binding| match binding.kind {
                    BindingKind::Assign(value) | BindingKind::WithItem(value) => {
                        made_by_depth(model, value, found_in, id, depth + 1)
                    }
                    _ => None,
                })
        }
        Expr::Attribute(attribute) => {
            let class = model.receiver_class(&attribute.value, scope)?;
            model
                .self_attribute_values(class, attribute.attr.as_str())
                .into_iter()
                .find_map(|(value, scope)| made_by_depth(model, value, scope, id, depth + 1))
        }
        _ => None,
    }
}

/// The note at the `DataLoader(...)` that a start iterates: where it was made,
/// with the argument that makes it start workers (`num_workers=4`).
pub fn construction_note(
    model: &ModuleModel,
    text: &str,
    iterated: TextRange,
    scope_hint: Option<ScopeId>,
    id: StarterId,
) -> Option<(TextRange, String)> {
    if starter(id).starts != Trigger::Iteration {
        return None;
    }
    let (expr, scope) = expression_at(model, iterated, scope_hint)?;
    let (call, call_scope) = made_by(model, expr, scope, id)?;
    let known = starter(id);
    let conditions: Vec<String> = known
        .when
        .iter()
        .chain(&known.any_of)
        .filter_map(|condition| {
            // A subclass's call has its own positions: only keywords are the library's.
            let own_call = matches!(model.resolve(&call.func, call_scope).api(),
                Some(crate::api::Api::Library(found)) if found == id);
            let position = condition.position.filter(|_| own_call);
            let Some(argument) = call
                .arguments
                .find_argument_value(&condition.argument, position.unwrap_or(usize::MAX))
            else {
                return unpacked_value(model, text, call, call_scope, &condition.argument);
            };
            let written = &text[argument.range()];
            // `num_workers=args.workers`: the values the analysis knows it takes.
            let known = match literal(argument) {
                Some(_) => String::new(),
                None => possible_values(model, argument, call_scope)
                    .map(|values| {
                        let shown: Vec<String> = values.iter().map(show).collect();
                        format!(" (set to {} in the code)", shown.join(" or "))
                    })
                    .unwrap_or_default(),
            };
            Some(format!("`{}={written}`{known}", condition.argument))
        })
        .collect();
    let what = known
        .what
        .trim_start_matches("a ")
        .trim_start_matches("an ");
    let message = if conditions.is_empty() {
        format!("the {what} is made here")
    } else {
        format!(
            "the {what} is made here with {}: it starts worker processes when iterated; with `{}=0` it would load in this process and start none",
            conditions.join(", "),
            known.when.first().map_or("num_workers", |c| c.argument.as_str())
        )
    };
    Some((call.range(), message))
}

/// `**kwargs` whose dicts give the argument `name` (`kwargs = {"num_workers": 1}`):
/// the note's words for it.
fn unpacked_value(
    model: &ModuleModel,
    text: &str,
    call: &ast::ExprCall,
    scope: ScopeId,
    name: &str,
) -> Option<String> {
    call.arguments
        .keywords
        .iter()
        .filter(|keyword| keyword.arg.is_none())
        .find_map(|keyword| {
            let dicts = possible_values(model, &keyword.value, scope)?;
            let given: Vec<String> = dicts
                .iter()
                .filter_map(|dict| match dict {
                    Known::Mapping(items) => items
                        .iter()
                        .find(|(key, _)| key == name)
                        .and_then(|(_, value)| value.as_ref().map(show)),
                    _ => None,
                })
                .collect();
            // `{"num_workers": 1} if use_cuda else {}`: some of the dicts leave it out.
            let sets = if given.len() == dicts.len() {
                "sets"
            } else {
                "may set"
            };
            (!given.is_empty()).then(|| {
                format!(
                    "`**{}` (which {sets} `{name}` to {})",
                    &text[keyword.value.range()],
                    given.join(" or ")
                )
            })
        })
}

/// The iterated expression whose range is `range`, and the scope it is in.
fn expression_at<'a>(
    model: &ModuleModel<'a>,
    range: TextRange,
    scope_hint: Option<ScopeId>,
) -> Option<(&'a Expr, ScopeId)> {
    use ruff_python_ast::visitor::{self, Visitor};
    struct Finder<'a> {
        range: TextRange,
        found: Option<&'a Expr>,
    }
    impl<'a> Visitor<'a> for Finder<'a> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if self.found.is_some() {
                return;
            }
            if expr.range() == self.range {
                self.found = Some(expr);
                return;
            }
            if expr.range().contains_range(self.range) {
                visitor::walk_expr(self, expr);
            }
        }
        fn visit_stmt(&mut self, stmt: &'a ruff_python_ast::Stmt) {
            if self.found.is_none() && stmt.range().contains_range(self.range) {
                visitor::walk_stmt(self, stmt);
            }
        }
    }
    let mut finder = Finder { range, found: None };
    finder.visit_body(model.body);
    let expr = finder.found?;
    // The innermost function whose body holds it.
    let scope = scope_hint.unwrap_or_else(|| {
        model
            .functions
            .iter()
            .filter(|info| info.def.range.contains_range(range))
            .min_by_key(|info| info.def.range.len())
            .map_or(crate::semantic::MODULE_SCOPE, |info| info.scope)
    });
    Some((expr, scope))
}

/// The knowledge-base starter whose start a module records at `range` (the
/// `for` loop over a `DataLoader`), if any.
pub fn library_start_at(project: &Project, module: usize, range: TextRange) -> Option<StarterId> {
    let facts = &project.facts[module];
    std::iter::once(&facts.import_time)
        .chain(std::iter::once(&facts.main_only))
        .chain(facts.functions.iter())
        .flat_map(|body| body.starts.iter())
        .find_map(|start| match start.kind {
            crate::facts::StartKind::Library(id) if start.range == range => Some(id),
            _ => None,
        })
}

fn show(value: &Known) -> String {
    match value {
        Known::Int(int) => int.to_string(),
        Known::Bool(true) => "True".to_string(),
        Known::Bool(false) => "False".to_string(),
        Known::None => "None".to_string(),
        Known::Str(text) => format!("{text:?}"),
        Known::Mapping(_) => "a dict".to_string(),
    }
}

/// torchvision's transform containers keep what they are given in their
/// `__dict__`, so pickling one pickles its transforms: (class, argument,
/// position, attribute). torchvision/transforms/transforms.py:
/// `Compose.__init__`: `self.transforms = transforms`; `Lambda.__init__`:
/// `self.lambd = lambd`; `RandomTransforms.__init__` (the base of
/// `RandomApply`, `RandomChoice`, `RandomOrder`): `self.transforms = transforms`.
const TRANSFORM_HOLDERS: &[(&str, &str, usize, &str)] = &[
    ("Compose", "transforms", 0, "transforms"),
    ("Lambda", "lambd", 0, "lambd"),
    ("RandomApply", "transforms", 0, "transforms"),
    ("RandomChoice", "transforms", 0, "transforms"),
    ("RandomOrder", "transforms", 0, "transforms"),
];

/// The modules the transforms are exported from (`transforms.v2` since torchvision 0.15).
const TRANSFORM_MODULES: &[&str] = &[
    "torchvision.transforms",
    "torchvision.transforms.transforms",
    "torchvision.transforms.v2",
];

/// An unpicklable object held by a torchvision transform container that a
/// pickled attribute of an instance of `holder` holds
/// (`self.transform = Compose([ToTensor(), lambda x: ...])`).
pub fn inside_transform<'a>(
    walker: &mut Walker<'_, '_, 'a>,
    leaf: &Leaf<'a>,
    path: &str,
    holder: &str,
) -> Option<Inside<'a>> {
    let mut found = held(walker, leaf.module, leaf.expr, leaf.scope, path, 0)?;
    found.holder = holder.to_string();
    Some(found)
}

fn held<'a>(
    walker: &mut Walker<'_, '_, 'a>,
    module: usize,
    expr: &'a Expr,
    scope: ScopeId,
    path: &str,
    depth: usize,
) -> Option<Inside<'a>> {
    if depth > 6 {
        return None;
    }
    let project = walker.project;
    let model = &project.models[module];
    match expr {
        // One binding only: with several, the one that is pickled is not known.
        Expr::Name(name) => {
            let (found_in, bindings) = model.lookup(name.id.as_str(), scope)?;
            match bindings {
                [binding] => match binding.kind {
                    BindingKind::Assign(value) => {
                        held(walker, module, value, found_in, path, depth + 1)
                    }
                    _ => None,
                },
                _ => None,
            }
        }
        Expr::Call(call) => match model.resolve(&call.func, scope) {
            Value::Qualified(name) => {
                let (holder_module, class) = name.rsplit_once('.')?;
                if !TRANSFORM_MODULES.contains(&holder_module) {
                    return None;
                }
                let &(_, argument, position, attribute) = TRANSFORM_HOLDERS
                    .iter()
                    .find(|(holder, ..)| *holder == class)?;
                let given = call.arguments.find_argument_value(argument, position)?;
                let elements: Vec<(String, &'a Expr)> = match given {
                    Expr::List(ast::ExprList { elts, .. })
                    | Expr::Tuple(ast::ExprTuple { elts, .. }) => elts
                        .iter()
                        .enumerate()
                        .map(|(index, element)| (format!("{path}.{attribute}[{index}]"), element))
                        .collect(),
                    other => vec![(format!("{path}.{attribute}"), other)],
                };
                for (element_path, element) in elements {
                    let leaf = Leaf {
                        module,
                        expr: element,
                        scope,
                        entered: false,
                        holder: None,
                        anchor: element,
                        nested: false,
                    };
                    if let Some(kind) = classify(walker, &leaf, None) {
                        if pickle_error(project, &leaf, &kind).is_some() {
                            return Some(Inside {
                                path: element_path,
                                holder: class.to_string(),
                                leaf,
                                kind,
                            });
                        }
                        continue;
                    }
                    if let Some(found) =
                        held(walker, module, element, scope, &element_path, depth + 1)
                    {
                        return Some(found);
                    }
                }
                None
            }
            // `transform = get_transforms()`: what a plain function of the module returns.
            Value::Function(function) => {
                let info = &model.functions[function];
                if info.class.is_some() {
                    return None;
                }
                let returns = info.returns.clone();
                let inner = info.scope;
                returns
                    .into_iter()
                    .find_map(|value| held(walker, module, value, inner, path, depth + 1))
            }
            _ => None,
        },
        _ => None,
    }
}
