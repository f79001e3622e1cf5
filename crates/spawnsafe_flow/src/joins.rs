//! Joins that wait for a process before the parent has read what the process sends:
//! `p.join()` (or a project helper that joins the processes it is given) on a process that
//! puts data on a queue or sends it through a pipe, with nothing reading it in between.
//! Such a join deadlocks once the data outgrows the pipe buffer (the multiprocessing docs'
//! "Joining processes that use queues"). The question SPS304 asks.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::api::{self, Api};
use crate::facts::Target;
use crate::project::Project;
use crate::semantic::{
    for_each_statement, BindingKind, ClassId, FunctionId, ModuleModel, ScopeId, ScopeKind, Value,
    MODULE_SCOPE,
};

const TINY_MESSAGES: usize = 64;
const MAX_DEPTH: usize = 8;

/// A variable: a name in a scope, or an attribute of `self` in a class.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Place {
    Name(ScopeId, String),
    SelfAttribute(ClassId, String),
}

/// What a process can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelKind {
    /// `Queue`/`JoinableQueue`: a feeder thread the child waits for at exit.
    Queue,
    /// `SimpleQueue`: `put()` writes into the pipe itself.
    SimpleQueue,
    /// A `Pipe()` end: `send()` writes into the pipe itself.
    Pipe,
}

#[derive(Debug, Clone)]
pub struct Channel {
    pub kind: ChannelKind,
    /// Where the parent reads what the child sends: the queue itself, or the other end of the pipe.
    pub read_end: Place,
}

/// How code that receives a channel uses it.
#[derive(Debug, Clone, Default)]
pub struct Usage<'a> {
    /// `put`/`send` calls.
    pub puts: Vec<Put<'a>>,
    /// The function that makes the first put.
    pub putter: Option<String>,
    pub reads: bool,
    /// `cancel_join_thread()`: the child may exit with data still queued.
    pub cancels: bool,
    /// Passed somewhere the analysis cannot follow.
    pub unknown: bool,
}

/// A `put()`/`send()` in the child.
#[derive(Debug, Clone)]
pub struct Put<'a> {
    pub module: usize,
    pub function: FunctionId,
    pub range: TextRange,
    pub in_loop: bool,
    /// Its argument is provably small.
    pub tiny: bool,
    pub argument: Option<&'a Expr>,
}

impl<'a> Usage<'a> {
    fn merge(&mut self, other: Usage<'a>) {
        if self.putter.is_none() {
            self.putter = other.putter;
        }
        self.puts.extend(other.puts);
        self.reads |= other.reads;
        self.cancels |= other.cancels;
        self.unknown |= other.unknown;
    }

    fn tiny(&self) -> bool {
        self.puts.iter().all(|put| !put.in_loop && put.tiny)
    }
}

/// How code refers to the channel it was given.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Reference {
    /// The function's parameter at this position.
    Parameter(usize),
    /// `self.<name>` (set from a constructor parameter).
    SelfAttribute(String),
}

/// A process construction.
#[derive(Debug, Clone, Copy)]
struct Origin<'a> {
    call: &'a ast::ExprCall,
    scope: ScopeId,
    /// How many processes it makes, when that is a known constant.
    count: Option<usize>,
}

/// A join that may wait forever: the parent joins a process before it drains the channel
/// the process fills.
pub struct JoinBeforeDrain<'a> {
    /// The `join()` call, or the call of the helper that joins.
    pub join: TextRange,
    pub channel: Channel,
    /// How the child uses the channel (its puts).
    pub usage: Usage<'a>,
    /// The process construction.
    pub origin: TextRange,
    /// The helper that joins (for a join through a helper): its module, the `join()` in it, its name.
    pub helper: Option<(usize, TextRange, String)>,
}

/// Every join in `module` (module level and every function) that waits for a process
/// before the channel it fills is drained.
pub fn joins_before_drain<'a>(
    project: &Project<'_, 'a>,
    module: usize,
) -> Vec<JoinBeforeDrain<'a>> {
    let model = &project.models[module];
    let mut analysis = Analysis {
        project,
        module,
        usage_memo: FxHashMap::default(),
        visiting: FxHashSet::default(),
        targets: FxHashMap::default(),
        joins_memo: FxHashMap::default(),
    };
    let mut bodies: Vec<(Option<FunctionId>, &[Stmt], ScopeId)> = model
        .functions
        .iter_enumerated()
        .map(|(id, info)| (Some(id), &info.def.body[..], info.scope))
        .collect();
    bodies.push((None, model.body, MODULE_SCOPE));
    let mut findings = Vec::new();
    for (function, body, scope) in bodies {
        findings.extend(analysis.body_findings(function, body, scope));
    }
    findings
}

struct Analysis<'c, 'p, 'a> {
    project: &'c Project<'p, 'a>,
    module: usize,
    usage_memo: FxHashMap<(usize, FunctionId, Reference), Usage<'a>>,
    visiting: FxHashSet<(usize, FunctionId, Reference)>,
    targets: FxHashMap<usize, FxHashMap<TextRange, Target>>,
    /// Per function: the parameter it joins, and where.
    joins_memo: FxHashMap<(usize, FunctionId), Option<(usize, TextRange)>>,
}

/// A join in the parent: where, on which processes, and through which helper.
struct Join<'a> {
    range: TextRange,
    processes: &'a Expr,
    helper: Option<(usize, TextRange, String)>,
}

impl<'c, 'p, 'a> Analysis<'c, 'p, 'a> {
    fn model(&self, module: usize) -> &'p ModuleModel<'a> {
        let models: &'p [ModuleModel<'a>] = self.project.models;
        &models[module]
    }

    fn body_findings(
        &mut self,
        function: Option<FunctionId>,
        body: &'a [Stmt],
        scope: ScopeId,
    ) -> Vec<JoinBeforeDrain<'a>> {
        let model = self.model(self.module);
        let mut calls = Vec::new();
        for_each_statement(body, &mut |stmt| {
            for expr in own_expressions(stmt) {
                let mut finder = CallFinder::default();
                finder.visit_expr(expr);
                calls.extend(finder.calls.into_iter().map(|(call, _)| call));
            }
        });
        let mut findings = Vec::new();
        for call in calls {
            let Some(join) = self.join_of(call, scope) else {
                continue;
            };
            for origin in self.process_origins(self.module, join.processes, scope, 0) {
                // A process created after this join (in the same body) is another one.
                if origin.scope == scope && origin.call.range().start() >= join.range.start() {
                    continue;
                }
                let Some((channel, usage)) = self.feed(origin) else {
                    continue;
                };
                if self.drained_before(function, body, scope, &channel, join.range.start(), origin)
                    || self.helper_drains_first(call, &join, &channel, scope, origin)
                    || stopped_before(model, body, scope, join.processes, join.range.start())
                {
                    continue;
                }
                findings.push(JoinBeforeDrain {
                    join: join.range,
                    channel,
                    usage,
                    origin: origin.call.range(),
                    helper: join.helper,
                });
                break;
            }
        }
        findings
    }

    /// `p.join()` (no timeout), or a project helper that joins the processes it is given.
    fn join_of(&mut self, call: &'a ast::ExprCall, scope: ScopeId) -> Option<Join<'a>> {
        let model = self.model(self.module);
        if let Expr::Attribute(attribute) = call.func.as_ref() {
            if attribute.attr.as_str() == "join" && no_timeout(call) {
                let value = model.resolve(&attribute.value, scope);
                let is_process = match &value {
                    Value::Instance(class) => self.is_process_class_value(self.module, class),
                    _ => false,
                } || !self
                    .process_origins(self.module, &attribute.value, scope, 0)
                    .is_empty();
                if is_process {
                    return Some(Join {
                        range: call.range(),
                        processes: &attribute.value,
                        helper: None,
                    });
                }
            }
        }
        let target = self.target_at(self.module, call.range())?;
        let (callee_module, callee, bound) = self.project.called_function(self.module, &target)?;
        let info = &self.model(callee_module).functions[callee];
        let key = (callee_module, callee);
        let joined = match self.joins_memo.get(&key) {
            Some(known) => *known,
            None => {
                let found = self.joins_parameter(callee_module, callee);
                self.joins_memo.insert(key, found);
                found
            }
        };
        let (index, range) = joined?;
        let argument = crate::workers::argument_for(call, info.def, index, bound)?;
        Some(Join {
            range: call.range(),
            processes: argument,
            helper: Some((callee_module, range, info.qualname.clone())),
        })
    }

    /// A helper that joins (`drain_and_join(proc, results)`) and is handed the
    /// channel too: does it read the channel before its own join?
    fn helper_drains_first(
        &mut self,
        call: &'a ast::ExprCall,
        join: &Join<'a>,
        channel: &Channel,
        scope: ScopeId,
        origin: Origin<'a>,
    ) -> bool {
        let Some((helper_module, inner_join, _)) = &join.helper else {
            return false;
        };
        if *helper_module != self.module {
            return false;
        }
        let model = self.model(self.module);
        let Some(target) = self.target_at(self.module, call.range()) else {
            return false;
        };
        let Some((_, helper, bound)) = self.project.called_function(self.module, &target) else {
            return false;
        };
        let info = &model.functions[helper];
        let passed =
            |argument: &Expr| place_of(model, argument, scope).as_ref() == Some(&channel.read_end);
        let index = call
            .arguments
            .args
            .iter()
            .position(&passed)
            .map(|position| position + usize::from(bound))
            .or_else(|| {
                let keyword = call
                    .arguments
                    .keywords
                    .iter()
                    .find(|keyword| passed(&keyword.value))?;
                parameter_named(info.def, keyword.arg.as_ref()?.as_str())
            });
        let Some(name) = index.and_then(|index| info.def.parameters.iter().nth(index)) else {
            return false;
        };
        let inside = Channel {
            kind: channel.kind,
            read_end: Place::Name(info.scope, name.name().to_string()),
        };
        self.drained_before(
            Some(helper),
            &info.def.body,
            info.scope,
            &inside,
            inner_join.start(),
            origin,
        )
    }

    fn is_process_class_value(&self, module: usize, class: &Value) -> bool {
        match class {
            Value::Qualified(_) | Value::ContextApi { .. } => class.api() == Some(Api::Process),
            Value::Class(class) => self.project.is_process_class(module, *class),
            _ => false,
        }
    }

    /// The parameter a function joins (`for p in processes: p.join()`), and where.
    fn joins_parameter(&self, module: usize, function: FunctionId) -> Option<(usize, TextRange)> {
        let model = self.model(module);
        let info = &model.functions[function];
        let scope = info.scope;
        let mut found = None;
        for_each_statement(&info.def.body, &mut |stmt| {
            if found.is_some() {
                return;
            }
            for expr in own_expressions(stmt) {
                let mut finder = CallFinder::default();
                finder.visit_expr(expr);
                for (call, _) in finder.calls {
                    let Expr::Attribute(attribute) = call.func.as_ref() else {
                        continue;
                    };
                    if attribute.attr.as_str() != "join" || !no_timeout(call) {
                        continue;
                    }
                    if let Some(index) = parameter_or_element(model, &attribute.value, scope) {
                        found = Some((index, call.range()));
                    }
                }
            }
        });
        found
    }

    fn target_at(&mut self, module: usize, range: TextRange) -> Option<Target> {
        let project = self.project;
        let targets = self.targets.entry(module).or_insert_with(|| {
            let facts = &project.facts[module];
            std::iter::once(&facts.import_time)
                .chain(std::iter::once(&facts.main_only))
                .chain(facts.functions.iter())
                .flat_map(|body| body.calls.iter())
                .map(|edge| (edge.range, edge.target.clone()))
                .collect()
        });
        targets.get(&range).cloned()
    }

    /// The process constructions an expression can stand for (`p`, `for p in procs`).
    fn process_origins(
        &self,
        module: usize,
        expr: &'a Expr,
        scope: ScopeId,
        depth: usize,
    ) -> Vec<Origin<'a>> {
        if depth > MAX_DEPTH {
            return Vec::new();
        }
        let model = self.model(module);
        match expr {
            Expr::Name(name) => {
                let Some((found_in, bindings)) = model.lookup(name.id.as_str(), scope) else {
                    return Vec::new();
                };
                let mut origins = Vec::new();
                for binding in bindings {
                    match binding.kind {
                        BindingKind::Assign(value) | BindingKind::WithItem(value) => {
                            origins.extend(self.value_origins(module, value, found_in, depth + 1));
                        }
                        BindingKind::ForTarget(iter) => {
                            origins.extend(self.collection_origins(
                                module,
                                iter,
                                found_in,
                                depth + 1,
                            ));
                        }
                        _ => {}
                    }
                }
                origins
            }
            Expr::Attribute(attribute) => {
                let Some(class) = model.receiver_class(&attribute.value, scope) else {
                    return Vec::new();
                };
                model
                    .self_attribute_values(class, attribute.attr.as_str())
                    .into_iter()
                    .flat_map(|(value, scope)| self.value_origins(module, value, scope, depth + 1))
                    .collect()
            }
            Expr::Subscript(subscript) => {
                self.collection_origins(module, &subscript.value, scope, depth + 1)
            }
            _ => self.value_origins(module, expr, scope, depth + 1),
        }
    }

    fn value_origins(
        &self,
        module: usize,
        value: &'a Expr,
        scope: ScopeId,
        depth: usize,
    ) -> Vec<Origin<'a>> {
        match value {
            Expr::Call(call) if self.process_construction(module, call, scope).is_some() => {
                let count = loop_count(self.model(module), scope, call.range());
                vec![Origin { call, scope, count }]
            }
            Expr::Name(_) | Expr::Attribute(_) => self.process_origins(module, value, scope, depth),
            // A collection handed to a helper that joins each element.
            Expr::ListComp(_) | Expr::Generator(_) | Expr::List(_) | Expr::Tuple(_) => {
                self.collection_origins(module, value, scope, depth)
            }
            _ => Vec::new(),
        }
    }

    /// The processes a collection holds (`[Process(...) for ...]`, `procs.append(p)`).
    fn collection_origins(
        &self,
        module: usize,
        collection: &'a Expr,
        scope: ScopeId,
        depth: usize,
    ) -> Vec<Origin<'a>> {
        if depth > MAX_DEPTH {
            return Vec::new();
        }
        let model = self.model(module);
        match collection {
            Expr::ListComp(ast::ExprListComp {
                elt, generators, ..
            })
            | Expr::Generator(ast::ExprGenerator {
                elt, generators, ..
            }) => {
                let count = comprehension_count(generators);
                self.value_origins(module, elt, scope, depth + 1)
                    .into_iter()
                    .map(|origin| Origin {
                        count: count.and_then(|n| origin.count.map(|m| n * m)),
                        ..origin
                    })
                    .collect()
            }
            Expr::List(ast::ExprList { elts, .. }) | Expr::Tuple(ast::ExprTuple { elts, .. }) => {
                elts.iter()
                    .flat_map(|element| self.value_origins(module, element, scope, depth + 1))
                    .collect()
            }
            Expr::Name(name) => {
                let Some((found_in, bindings)) = model.lookup(name.id.as_str(), scope) else {
                    return Vec::new();
                };
                let mut origins = Vec::new();
                for binding in bindings {
                    match binding.kind {
                        BindingKind::Assign(value) => {
                            origins.extend(self.collection_origins(
                                module,
                                value,
                                found_in,
                                depth + 1,
                            ));
                        }
                        BindingKind::Appended(item) => {
                            origins.extend(self.value_origins(module, item, found_in, depth + 1));
                        }
                        _ => {}
                    }
                }
                origins
            }
            Expr::Attribute(attribute) => {
                let Some(class) = model.receiver_class(&attribute.value, scope) else {
                    return Vec::new();
                };
                model
                    .self_attribute_values(class, attribute.attr.as_str())
                    .into_iter()
                    .flat_map(|(value, scope)| {
                        self.collection_origins(module, value, scope, depth + 1)
                    })
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    /// What a call constructs, when it is a `multiprocessing` process.
    fn process_construction(
        &self,
        module: usize,
        call: &ast::ExprCall,
        scope: ScopeId,
    ) -> Option<Construction> {
        let model = self.model(module);
        let callee = model.resolve(&call.func, scope);
        if callee.api() == Some(Api::Process) {
            return Some(Construction::Process);
        }
        if let Expr::Attribute(attribute) = call.func.as_ref() {
            if attribute.attr.as_str() == "Process" && is_context(model, &attribute.value, scope, 0)
            {
                return Some(Construction::Process);
            }
        }
        let (class_module, class) = match callee {
            Value::Class(class) => (module, class),
            Value::Qualified(name) => self.project.resolve_class(module, &name)?,
            _ => return None,
        };
        self.project
            .is_process_class(class_module, class)
            .then_some(Construction::Subclass(class_module, class))
    }

    /// The channel a process construction is given and fills, with how the child uses it.
    fn feed(&mut self, origin: Origin<'a>) -> Option<(Channel, Usage<'a>)> {
        let module = self.module;
        let call = origin.call;
        let scope = origin.scope;
        let starter = match self.process_construction(module, call, scope)? {
            Construction::Process => Starter::Target,
            Construction::Subclass(class_module, class) => Starter::Subclass(class_module, class),
        };
        for (argument, slot) in self.starter_slots(module, call, scope, starter) {
            let Some(channel) = self.channel(module, argument, scope) else {
                continue;
            };
            let Some(mut usage) = self.child_usage(module, call, scope, starter, slot) else {
                continue;
            };
            if let Starter::Target = starter {
                self.parameters_passed_small(module, call, scope, &mut usage);
            }
            if usage.puts.is_empty() || usage.cancels {
                continue;
            }
            // A few scalars from a known, small number of processes fit in any pipe.
            if usage.tiny() {
                if let Some(count) = origin.count {
                    if count * usage.puts.len() <= TINY_MESSAGES {
                        continue;
                    }
                }
            }
            return Some((channel, usage));
        }
        None
    }

    /// A target that puts its own parameters (`q.put((shard, errors))`) puts
    /// small values when the construction passes small values for them.
    fn parameters_passed_small(
        &self,
        module: usize,
        call: &'a ast::ExprCall,
        scope: ScopeId,
        usage: &mut Usage<'a>,
    ) {
        let Some(target) = call.arguments.find_argument_value("target", 1) else {
            return;
        };
        let Some((function_module, function, leading)) =
            self.target_function(module, target, scope)
        else {
            return;
        };
        let info = &self.model(function_module).functions[function];
        let offset = usize::from(info.class.is_some() && !is_static(info.def));
        let arguments: Vec<&Expr> = match call.arguments.find_argument_value("args", 3) {
            Some(
                Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }),
            ) => elts
                .iter()
                .take_while(|element| !element.is_starred_expr())
                .collect(),
            _ => Vec::new(),
        };
        let keywords: Vec<(&str, &Expr)> = match call.arguments.find_argument_value("kwargs", 4) {
            Some(Expr::Dict(dict)) => dict
                .items
                .iter()
                .filter_map(|item| match &item.key {
                    Some(Expr::StringLiteral(key)) => Some((key.value.to_str(), &item.value)),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        let caller = self.model(module);
        let passed_small = |index: usize| {
            let positional = index.checked_sub(offset).and_then(|position| {
                if position < leading.len() {
                    Some(leading[position])
                } else {
                    arguments.get(position - leading.len()).copied()
                }
            });
            let keyword = || {
                let name = info.def.parameters.iter().nth(index)?.name().as_str();
                keywords
                    .iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| *value)
            };
            positional
                .or_else(keyword)
                .is_some_and(|argument| caller_small(caller, argument, scope, call.range()))
        };
        let model = self.model(function_module);
        for put in &mut usage.puts {
            if put.tiny || put.module != function_module || put.function != function {
                continue;
            }
            if let Some(argument) = put.argument {
                put.tiny = small(model, argument, info.def, 0, false, &passed_small);
            }
        }
    }

    /// What a call starts: a process (or a `Process` subclass), or a thread.
    fn starter_of(&self, module: usize, call: &ast::ExprCall, scope: ScopeId) -> Option<Starter> {
        match self.process_construction(module, call, scope) {
            Some(Construction::Process) => Some(Starter::Target),
            Some(Construction::Subclass(class_module, class)) => {
                Some(Starter::Subclass(class_module, class))
            }
            None => (self.model(module).resolve(&call.func, scope).api() == Some(Api::Thread))
                .then_some(Starter::Target),
        }
    }

    /// The arguments a construction hands to the code it starts, with their
    /// slots, including those bound by `functools.partial(work, queue)`.
    fn starter_slots(
        &self,
        module: usize,
        call: &'a ast::ExprCall,
        scope: ScopeId,
        starter: Starter,
    ) -> Vec<(&'a Expr, Slot<'a>)> {
        let mut slots = channel_slots(call, starter);
        if let Starter::Target = starter {
            if let Some(target) = call.arguments.find_argument_value("target", 1) {
                if let Some((_, _, leading)) = self.target_function(module, target, scope) {
                    slots.extend(
                        leading
                            .into_iter()
                            .enumerate()
                            .map(|(position, argument)| (argument, Slot::Bound(position))),
                    );
                }
            }
        }
        slots
    }

    /// How the code a process (or thread) runs uses what it gets in `slot`.
    fn child_usage(
        &mut self,
        module: usize,
        call: &'a ast::ExprCall,
        scope: ScopeId,
        starter: Starter,
        slot: Slot<'a>,
    ) -> Option<Usage<'a>> {
        match starter {
            Starter::Target => {
                let target = call.arguments.find_argument_value("target", 1)?;
                let (function_module, function, leading) =
                    self.target_function(module, target, scope)?;
                let info = &self.model(function_module).functions[function];
                let offset = usize::from(info.class.is_some() && !is_static(info.def));
                let index = match slot {
                    Slot::Positional(position) => leading.len() + position + offset,
                    Slot::Bound(position) => position + offset,
                    Slot::Keyword(name) => parameter_named(info.def, name)?,
                };
                Some(self.usage(
                    function_module,
                    function,
                    Reference::Parameter(index),
                    false,
                    0,
                ))
            }
            Starter::Subclass(class_module, class) => {
                let (init_module, init) =
                    self.project
                        .find_method_of(class_module, class, "__init__")?;
                let (run_module, run) = self.project.find_method_of(class_module, class, "run")?;
                let init_model = self.model(init_module);
                let index = match slot {
                    Slot::Positional(position) => position + 1,
                    Slot::Keyword(name) => parameter_named(init_model.functions[init].def, name)?,
                    Slot::Bound(_) => return None,
                };
                let mut usage = Usage::default();
                for attribute in stored_on_self(init_model, init, index) {
                    let inner = self.usage(
                        run_module,
                        run,
                        Reference::SelfAttribute(attribute),
                        false,
                        0,
                    );
                    usage.merge(inner);
                }
                Some(usage)
            }
        }
    }

    /// The project function a `target=` names, and arguments it binds first
    /// (`functools.partial(work, queue)`).
    fn target_function(
        &self,
        module: usize,
        target: &'a Expr,
        scope: ScopeId,
    ) -> Option<(usize, FunctionId, Vec<&'a Expr>)> {
        let model = self.model(module);
        if let Expr::Call(call) = target {
            if model.resolve(&call.func, scope).api() == Some(Api::Partial) {
                let (function, rest) = call.arguments.args.split_first()?;
                if !call.arguments.keywords.is_empty() || rest.iter().any(Expr::is_starred_expr) {
                    return None;
                }
                let (function_module, function, leading) =
                    self.target_function(module, function, scope)?;
                let mut arguments = leading;
                arguments.extend(rest.iter());
                return Some((function_module, function, arguments));
            }
        }
        let (function_module, function) = match model.resolve(target, scope) {
            Value::Function(function) => (module, function),
            Value::Qualified(name) => self.project.resolve_function(module, &name)?,
            _ => return None,
        };
        Some((function_module, function, Vec::new()))
    }

    /// The channel an expression in the parent names (`results`, `self.sink`, `sender`).
    fn channel(&self, module: usize, expr: &Expr, scope: ScopeId) -> Option<Channel> {
        let model = self.model(module);
        let place = place_of(model, expr, scope)?;
        match &place {
            Place::Name(found_in, name) => {
                // `queue.put(x)` is an `Appended` binding for the semantic model.
                let bindings: Vec<_> = model.scopes[*found_in]
                    .bindings
                    .get(name.as_str())?
                    .iter()
                    .filter(|binding| !matches!(binding.kind, BindingKind::Appended(_)))
                    .collect();
                if bindings
                    .iter()
                    .all(|binding| matches!(binding.kind, BindingKind::Assign(_)))
                {
                    let mut kinds = bindings.iter().map(|binding| match binding.kind {
                        BindingKind::Assign(value) => queue_kind(model, value, *found_in),
                        _ => None,
                    });
                    let kind = kinds.next()??;
                    if kinds.all(|other| other == Some(kind)) {
                        return Some(Channel {
                            kind,
                            read_end: place.clone(),
                        });
                    }
                    return None;
                }
                // `receiver, sender = Pipe()`.
                pipe_end(model, *found_in, name)
            }
            Place::SelfAttribute(class, attribute) => {
                let values = model.self_attribute_values(*class, attribute);
                let (first, rest) = values.split_first()?;
                let kind = queue_kind(model, first.0, first.1)?;
                rest.iter()
                    .all(|(value, scope)| queue_kind(model, value, *scope) == Some(kind))
                    .then(|| Channel {
                        kind,
                        read_end: place.clone(),
                    })
            }
        }
    }

    /// How a function (and what it calls) uses the channel it receives.
    fn usage(
        &mut self,
        module: usize,
        function: FunctionId,
        reference: Reference,
        in_loop: bool,
        depth: usize,
    ) -> Usage<'a> {
        let key = (module, function, reference.clone());
        if let Some(known) = self.usage_memo.get(&key) {
            return with_loop(known.clone(), in_loop);
        }
        if depth > MAX_DEPTH || !self.visiting.insert(key.clone()) {
            return Usage::default();
        }
        let model = self.model(module);
        let info = &model.functions[function];
        let scope = info.scope;
        let mut usage = Usage::default();
        let mut calls: Vec<(&'a ast::ExprCall, bool)> = Vec::new();
        let mut expressions: Vec<&'a Expr> = Vec::new();
        walk_with_loops(&info.def.body, false, &mut |expr, looped| {
            let mut finder = CallFinder::default();
            finder.visit_expr(expr);
            calls.extend(
                finder
                    .calls
                    .into_iter()
                    .map(|(call, comprehension)| (call, looped || comprehension)),
            );
            expressions.push(expr);
        });
        // Handed to another process or a thread: a reader if its code reads it.
        let mut handed: Vec<TextRange> = Vec::new();
        for (call, _) in &calls {
            let Some(starter) = self.starter_of(module, call, scope) else {
                continue;
            };
            for (argument, slot) in self.starter_slots(module, call, scope, starter) {
                if !refers(model, argument, scope, &reference) {
                    continue;
                }
                handed.push(argument.range());
                match self.child_usage(module, call, scope, starter, slot) {
                    Some(child) => usage.reads |= child.reads || child.unknown,
                    None => usage.unknown = true,
                }
            }
        }
        // The channel stored or returned elsewhere: not followed.
        usage.unknown |= expressions
            .iter()
            .any(|expr| escapes(model, expr, scope, &reference, &handed));
        for (call, looped) in calls {
            if let Expr::Attribute(attribute) = call.func.as_ref() {
                if refers(model, &attribute.value, scope, &reference) {
                    match attribute.attr.as_str() {
                        "put" | "put_nowait" | "send" | "send_bytes" => {
                            let argument = call.arguments.args.first();
                            let tiny = argument.is_some_and(|argument| {
                                small(model, argument, info.def, 0, false, &|_| false)
                            });
                            usage.puts.push(Put {
                                module,
                                function,
                                range: call.range(),
                                in_loop: looped,
                                tiny,
                                argument,
                            });
                            if usage.putter.is_none() {
                                usage.putter = Some(info.qualname.clone());
                            }
                        }
                        "get" | "get_nowait" | "recv" | "recv_bytes" | "recv_bytes_into" => {
                            usage.reads = true;
                        }
                        "cancel_join_thread" => usage.cancels = true,
                        _ => {}
                    }
                    continue;
                }
                // `self.helper()` keeps the same `self`.
                if let Reference::SelfAttribute(_) = reference {
                    if model.receiver_class(&attribute.value, scope).is_some() {
                        if let Some(target) = self.target_at(module, call.range()) {
                            if let Some((callee_module, callee, true)) =
                                self.project.called_function(module, &target)
                            {
                                let inner = self.usage(
                                    callee_module,
                                    callee,
                                    reference.clone(),
                                    in_loop || looped,
                                    depth + 1,
                                );
                                usage.merge(inner);
                            }
                        }
                    }
                }
            }
            // The channel passed on to a helper.
            let passed: Vec<(Option<usize>, Option<&str>)> = call
                .arguments
                .args
                .iter()
                .enumerate()
                .filter(|(_, argument)| {
                    refers(model, argument, scope, &reference)
                        && !handed.contains(&argument.range())
                })
                .map(|(position, _)| (Some(position), None))
                .chain(
                    call.arguments
                        .keywords
                        .iter()
                        .filter(|keyword| {
                            refers(model, &keyword.value, scope, &reference)
                                && !handed.contains(&keyword.value.range())
                        })
                        .map(|keyword| (None, keyword.arg.as_ref().map(|arg| arg.as_str()))),
                )
                .collect();
            if passed.is_empty() {
                continue;
            }
            let callee = self
                .target_at(module, call.range())
                .and_then(|target| self.project.called_function(module, &target));
            let Some((callee_module, callee, bound)) = callee else {
                usage.unknown = true;
                continue;
            };
            let callee_def = self.model(callee_module).functions[callee].def;
            for (position, keyword) in passed {
                let index = match (position, keyword) {
                    (Some(position), _) => Some(position + usize::from(bound)),
                    (None, Some(name)) => parameter_named(callee_def, name),
                    (None, None) => None,
                };
                let Some(index) = index else {
                    usage.unknown = true;
                    continue;
                };
                let inner = self.usage(
                    callee_module,
                    callee,
                    Reference::Parameter(index),
                    in_loop || looped,
                    depth + 1,
                );
                usage.merge(inner);
            }
        }
        self.visiting.remove(&key);
        self.usage_memo.insert(key, usage.clone());
        with_loop(usage, in_loop)
    }

    /// Does the parent read the channel (or start something that does) before the join?
    fn drained_before(
        &mut self,
        function: Option<FunctionId>,
        body: &'a [Stmt],
        scope: ScopeId,
        channel: &Channel,
        join: TextSize,
        producer: Origin<'a>,
    ) -> bool {
        let model = self.model(self.module);
        let read_end = &channel.read_end;
        // A closure or lambda that mentions it may read it from a thread.
        if mentioned_in_nested_code(model, body, scope, read_end) {
            return true;
        }
        // Another method may drain `self.<queue>` from a thread.
        if let Place::SelfAttribute(class, attribute) = read_end {
            let mut methods: Vec<FunctionId> =
                model.classes[*class].methods.values().copied().collect();
            methods.sort_unstable();
            for method in methods {
                if Some(method) == function {
                    continue;
                }
                let info = &model.functions[method];
                let usage = self.usage(
                    self.module,
                    method,
                    Reference::SelfAttribute(attribute.clone()),
                    false,
                    0,
                );
                if usage.reads || usage.unknown {
                    return true;
                }
                let _ = info;
            }
        }
        // A module-level queue may be drained by any function (a thread's target).
        if let Place::Name(MODULE_SCOPE, name) = read_end {
            if function.is_some() || global_read_in_functions(model, name) {
                return true;
            }
        }
        let mut uses: Vec<Use<'a>> = Vec::new();
        for_each_statement(body, &mut |stmt| {
            for expr in own_expressions(stmt) {
                collect_uses(model, expr, scope, read_end, &mut uses);
            }
        });
        for found in uses {
            if found.range.start() >= join {
                continue;
            }
            // Reading before the process exists drains nothing of it (unless a
            // loop runs the read again after the process is created).
            let before_producer = producer.scope == scope
                && found.range.start() < producer.call.range().start()
                && !shares_loop(body, found.range, producer.call.range());
            match found.kind {
                UseKind::Method(method) => match method {
                    "put" | "put_nowait" | "close" | "join_thread" | "cancel_join_thread"
                    | "empty" | "qsize" | "full" | "send" | "send_bytes" | "fileno"
                    | "task_done" => {}
                    _ if before_producer => {}
                    _ => return true,
                },
                // `p.terminate()`/`p.kill()` would not wait; not a use of the queue.
                UseKind::Argument {
                    call,
                    slot,
                    in_target_arguments,
                } => {
                    // Handing it to the producer itself (`args=`, a `partial`).
                    if producer.call.range().contains_range(found.range) {
                        continue;
                    }
                    // A thread, a consumer process or a listener started before keeps reading.
                    let keeps_reading = self.starter_of(self.module, call, scope).is_some()
                        || matches!(
                            model.resolve(&call.func, scope),
                            Value::Qualified(name) if name == "logging.handlers.QueueListener"
                        );
                    if before_producer && !keeps_reading {
                        continue;
                    }
                    if self.argument_may_read(call, slot, in_target_arguments, scope) {
                        return true;
                    }
                }
                UseKind::Other => return true,
            }
        }
        false
    }

    /// Does a call that receives the channel read it (a consumer process, a
    /// thread, a helper), or might it?
    fn argument_may_read(
        &mut self,
        call: &'a ast::ExprCall,
        slot: Slot<'a>,
        in_target_arguments: bool,
        scope: ScopeId,
    ) -> bool {
        let module = self.module;
        if let Some(starter) = self.starter_of(module, call, scope) {
            let matches = match starter {
                Starter::Target => in_target_arguments,
                Starter::Subclass(..) => !in_target_arguments,
            };
            if !matches {
                return true;
            }
            return self
                .child_usage(module, call, scope, starter, slot)
                .is_none_or(|usage| usage.reads || usage.unknown);
        }
        if in_target_arguments {
            return true;
        }
        let Some(target) = self.target_at(module, call.range()) else {
            return true;
        };
        let Some((callee_module, callee, bound)) = self.project.called_function(module, &target)
        else {
            return true;
        };
        let def = self.model(callee_module).functions[callee].def;
        let index = match slot {
            Slot::Positional(position) => position + usize::from(bound),
            Slot::Keyword(name) => match parameter_named(def, name) {
                Some(index) => index,
                None => return true,
            },
            Slot::Bound(_) => return true,
        };
        let usage = self.usage(callee_module, callee, Reference::Parameter(index), false, 0);
        usage.reads || usage.unknown
    }
}

/// What runs the code a construction's arguments go to.
#[derive(Debug, Clone, Copy)]
enum Starter {
    /// A `Process`/`Thread` with `target=`, `args=`, `kwargs=`.
    Target,
    /// A `Process` subclass: its `__init__` gets the arguments, its `run()` runs.
    Subclass(usize, ClassId),
}

/// Where an argument goes: a position or a keyword of the code that receives it.
#[derive(Debug, Clone, Copy)]
enum Slot<'a> {
    Positional(usize),
    Keyword(&'a str),
    /// Bound first by `functools.partial` in the `target=`.
    Bound(usize),
}

/// The arguments a construction hands to the code it starts, with their slots.
fn channel_slots(call: &ast::ExprCall, starter: Starter) -> Vec<(&Expr, Slot<'_>)> {
    let mut slots = Vec::new();
    match starter {
        Starter::Target => {
            if let Some(
                Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }),
            ) = call.arguments.find_argument_value("args", 3)
            {
                for (position, element) in elts.iter().enumerate() {
                    if element.is_starred_expr() {
                        break;
                    }
                    slots.push((element, Slot::Positional(position)));
                }
            }
            if let Some(Expr::Dict(dict)) = call.arguments.find_argument_value("kwargs", 4) {
                for item in &dict.items {
                    if let Some(Expr::StringLiteral(key)) = &item.key {
                        slots.push((&item.value, Slot::Keyword(key.value.to_str())));
                    }
                }
            }
        }
        Starter::Subclass(..) => {
            for (position, argument) in call.arguments.args.iter().enumerate() {
                if argument.is_starred_expr() {
                    break;
                }
                slots.push((argument, Slot::Positional(position)));
            }
            for keyword in &call.arguments.keywords {
                if let Some(name) = &keyword.arg {
                    slots.push((&keyword.value, Slot::Keyword(name.as_str())));
                }
            }
        }
    }
    slots
}

#[derive(Debug, Clone, Copy)]
enum Construction {
    Process,
    Subclass(usize, ClassId),
}

/// Is there a loop in the body around both ranges?
fn shares_loop(body: &[Stmt], a: TextRange, b: TextRange) -> bool {
    let mut found = false;
    for_each_statement(body, &mut |stmt| {
        if matches!(stmt, Stmt::For(_) | Stmt::While(_))
            && stmt.range().contains_range(a)
            && stmt.range().contains_range(b)
        {
            found = true;
        }
    });
    found
}

/// Does the parent `terminate()` or `kill()` the joined processes before the join
/// (the same variable, or the elements of the same collection)?
fn stopped_before(
    model: &ModuleModel,
    body: &[Stmt],
    scope: ScopeId,
    processes: &Expr,
    join: TextSize,
) -> bool {
    let Some(place) = place_of(model, processes, scope) else {
        return false;
    };
    // `for p in procs: p.join()`: also `procs` itself.
    let collection = match processes {
        Expr::Name(name) => model
            .lookup(name.id.as_str(), scope)
            .and_then(|(_, bindings)| {
                bindings.iter().find_map(|binding| match binding.kind {
                    BindingKind::ForTarget(iter) => place_of(model, iter, scope),
                    _ => None,
                })
            }),
        _ => None,
    };
    let mut stopped = false;
    for_each_statement(body, &mut |stmt| {
        for expr in own_expressions(stmt) {
            let mut finder = CallFinder::default();
            finder.visit_expr(expr);
            for (call, _) in finder.calls {
                if call.range().start() >= join {
                    continue;
                }
                let Expr::Attribute(attribute) = call.func.as_ref() else {
                    continue;
                };
                if !matches!(attribute.attr.as_str(), "terminate" | "kill") {
                    continue;
                }
                let Some(receiver) = place_of(model, &attribute.value, scope) else {
                    continue;
                };
                let receiver_collection = match attribute.value.as_ref() {
                    Expr::Name(name) => {
                        model
                            .lookup(name.id.as_str(), scope)
                            .and_then(|(_, bindings)| {
                                bindings.iter().find_map(|binding| match binding.kind {
                                    BindingKind::ForTarget(iter) => place_of(model, iter, scope),
                                    _ => None,
                                })
                            })
                    }
                    _ => None,
                };
                if receiver == place || (collection.is_some() && receiver_collection == collection)
                {
                    stopped = true;
                }
            }
        }
    });
    stopped
}

fn with_loop(mut usage: Usage<'_>, in_loop: bool) -> Usage<'_> {
    if in_loop {
        for put in &mut usage.puts {
            put.in_loop = true;
        }
    }
    usage
}

/// `join()` or `join(None)`/`join(timeout=None)`.
fn no_timeout(call: &ast::ExprCall) -> bool {
    match call.arguments.find_argument_value("timeout", 0) {
        None => call.arguments.is_empty(),
        Some(value) => matches!(value, Expr::NoneLiteral(_)) && call.arguments.len() == 1,
    }
}

fn is_static(def: &ast::StmtFunctionDef) -> bool {
    def.decorator_list.iter().any(|decorator| {
        matches!(&decorator.expression, Expr::Name(name) if name.id.as_str() == "staticmethod")
    })
}

fn parameter_named(def: &ast::StmtFunctionDef, name: &str) -> Option<usize> {
    def.parameters
        .iter()
        .position(|parameter| parameter.name().as_str() == name)
}

/// The parameter an expression is, or iterates over (`for p in processes: p`).
fn parameter_or_element(model: &ModuleModel, expr: &Expr, scope: ScopeId) -> Option<usize> {
    if let Some(index) = parameter_of(model, expr, scope) {
        return Some(index);
    }
    let Expr::Name(name) = expr else {
        return None;
    };
    let (found_in, bindings) = model.lookup(name.id.as_str(), scope)?;
    if found_in != scope {
        return None;
    }
    match bindings {
        [binding] => match binding.kind {
            BindingKind::ForTarget(iter) => parameter_of(model, iter, scope),
            _ => None,
        },
        _ => None,
    }
}

/// The attributes `__init__` stores a parameter in (`self.matches = matches`).
fn stored_on_self(model: &ModuleModel, init: FunctionId, index: usize) -> Vec<String> {
    let info = &model.functions[init];
    let Some(class) = info.class else {
        return Vec::new();
    };
    let mut attributes = Vec::new();
    for_each_statement(&info.def.body, &mut |stmt| {
        let Stmt::Assign(assign) = stmt else {
            return;
        };
        if parameter_of(model, &assign.value, info.scope) != Some(index) {
            return;
        }
        for target in &assign.targets {
            if let Expr::Attribute(attribute) = target {
                if model.receiver_class(&attribute.value, info.scope) == Some(class) {
                    attributes.push(attribute.attr.to_string());
                }
            }
        }
    });
    attributes
}

/// The variable an expression names.
fn place_of(model: &ModuleModel, expr: &Expr, scope: ScopeId) -> Option<Place> {
    match expr {
        Expr::Name(name) => {
            let (found_in, _) = model.lookup(name.id.as_str(), scope)?;
            Some(Place::Name(found_in, name.id.to_string()))
        }
        Expr::Attribute(attribute) => {
            let class = model.receiver_class(&attribute.value, scope)?;
            Some(Place::SelfAttribute(class, attribute.attr.to_string()))
        }
        _ => None,
    }
}

/// Does an expression name the channel a function was given?
fn refers(model: &ModuleModel, expr: &Expr, scope: ScopeId, reference: &Reference) -> bool {
    match reference {
        Reference::Parameter(index) => parameter_of(model, expr, scope) == Some(*index),
        Reference::SelfAttribute(name) => matches!(
            expr,
            Expr::Attribute(attribute)
                if attribute.attr.as_str() == name
                    && model.receiver_class(&attribute.value, scope).is_some()
        ),
    }
}

/// The parameter a name is, when the function never rebinds it (`queue.put(x)`
/// counts as filling a collection for the semantic model, not as a rebinding).
fn parameter_of(model: &ModuleModel, expr: &Expr, scope: ScopeId) -> Option<usize> {
    let Expr::Name(name) = expr else {
        return None;
    };
    let (found_in, bindings) = model.lookup(name.id.as_str(), scope)?;
    if found_in != scope {
        return None;
    }
    let mut index = None;
    for binding in bindings {
        match binding.kind {
            BindingKind::Parameter(position) if index.is_none() => index = Some(position),
            BindingKind::Appended(_) => {}
            _ => return None,
        }
    }
    index
}

/// Is the channel used in an expression other than as a method receiver or a
/// call argument (stored, returned, put in a container)?
fn escapes(
    model: &ModuleModel,
    expr: &Expr,
    scope: ScopeId,
    reference: &Reference,
    handed: &[TextRange],
) -> bool {
    struct Finder<'m, 'a, 'r> {
        model: &'m ModuleModel<'a>,
        scope: ScopeId,
        reference: &'r Reference,
        handed: &'r [TextRange],
        found: bool,
    }
    impl<'e> Visitor<'e> for Finder<'_, '_, '_> {
        fn visit_expr(&mut self, expr: &'e Expr) {
            if refers(self.model, expr, self.scope, self.reference) {
                self.found |= !self.handed.contains(&expr.range());
                return;
            }
            match expr {
                Expr::Attribute(attribute)
                    if refers(self.model, &attribute.value, self.scope, self.reference) => {}
                Expr::Call(call) => {
                    self.visit_expr(&call.func);
                    for argument in &call.arguments.args {
                        if !refers(self.model, argument, self.scope, self.reference) {
                            self.visit_expr(argument);
                        }
                    }
                    for keyword in &call.arguments.keywords {
                        if !refers(self.model, &keyword.value, self.scope, self.reference) {
                            self.visit_expr(&keyword.value);
                        }
                    }
                }
                _ => visitor::walk_expr(self, expr),
            }
        }
    }
    let mut finder = Finder {
        model,
        scope,
        reference,
        handed,
        found: false,
    };
    finder.visit_expr(expr);
    finder.found
}

/// The kind of queue a value creates (`multiprocessing.Queue()`, `ctx.SimpleQueue()`).
fn queue_kind(model: &ModuleModel, value: &Expr, scope: ScopeId) -> Option<ChannelKind> {
    let Expr::Call(call) = value else {
        return None;
    };
    let name = match model.resolve(&call.func, scope) {
        Value::Qualified(name) => {
            let (path, _) = api::normalize(&name)?;
            // Not `multiprocessing.dummy.Queue` (a `queue.Queue` for threads).
            match path {
                "Queue" | "JoinableQueue" | "SimpleQueue" => path.to_string(),
                "queues.Queue" | "queues.JoinableQueue" | "queues.SimpleQueue" => {
                    path.trim_start_matches("queues.").to_string()
                }
                _ => return None,
            }
        }
        _ => match call.func.as_ref() {
            Expr::Attribute(attribute) if is_context(model, &attribute.value, scope, 0) => {
                attribute.attr.to_string()
            }
            _ => return None,
        },
    };
    match name.as_str() {
        "Queue" | "JoinableQueue" => Some(ChannelKind::Queue),
        "SimpleQueue" => Some(ChannelKind::SimpleQueue),
        _ => None,
    }
}

/// Is a call `multiprocessing.Pipe(...)` (or a context's)?
fn is_pipe(model: &ModuleModel, call: &ast::ExprCall, scope: ScopeId) -> bool {
    match model.resolve(&call.func, scope) {
        Value::Qualified(name) => api::normalize(&name)
            .is_some_and(|(path, _)| path == "Pipe" || path == "connection.Pipe"),
        _ => matches!(
            call.func.as_ref(),
            Expr::Attribute(attribute)
                if attribute.attr.as_str() == "Pipe" && is_context(model, &attribute.value, scope, 0)
        ),
    }
}

/// The pipe end a name holds when the scope unpacks `a, b = Pipe()` into it
/// (and binds it nowhere else); its read end is the other one.
fn pipe_end(model: &ModuleModel, scope: ScopeId, name: &str) -> Option<Channel> {
    let bindings = model.scopes[scope].bindings.get(name)?;
    if bindings
        .iter()
        .filter(|binding| !matches!(binding.kind, BindingKind::Appended(_)))
        .count()
        != 1
    {
        return None;
    }
    let body: &[Stmt] = match model.scopes[scope].kind {
        ScopeKind::Module => model.body,
        ScopeKind::Function(function) => &model.functions[function].def.body,
        ScopeKind::Class(_) => return None,
    };
    let mut found = None;
    for_each_statement(body, &mut |stmt| {
        let Stmt::Assign(assign) = stmt else { return };
        let [Expr::Tuple(ast::ExprTuple { elts, .. })] = &assign.targets[..] else {
            return;
        };
        let Expr::Call(call) = assign.value.as_ref() else {
            return;
        };
        if elts.len() != 2 || !is_pipe(model, call, scope) {
            return;
        }
        let names: Vec<Option<&str>> = elts
            .iter()
            .map(|element| match element {
                Expr::Name(name) => Some(name.id.as_str()),
                _ => None,
            })
            .collect();
        let Some(index) = names.iter().position(|n| *n == Some(name)) else {
            return;
        };
        let duplex = !call
            .arguments
            .find_argument_value("duplex", 0)
            .is_some_and(|value| matches!(value, Expr::BooleanLiteral(literal) if !literal.value));
        // `Pipe(duplex=False)` returns (receive end, send end).
        if !duplex && index == 0 {
            return;
        }
        let Some(peer) = names[1 - index] else { return };
        found = Some(Channel {
            kind: ChannelKind::Pipe,
            read_end: Place::Name(scope, peer.to_string()),
        });
    });
    found
}

/// Is an expression a multiprocessing context (`get_context()`, `self.ctx`)?
fn is_context(model: &ModuleModel, expr: &Expr, scope: ScopeId, depth: usize) -> bool {
    if depth > 4 {
        return false;
    }
    if matches!(model.resolve(expr, scope), Value::Context(_)) {
        return true;
    }
    let Expr::Attribute(attribute) = expr else {
        return false;
    };
    let Some(class) = model.receiver_class(&attribute.value, scope) else {
        return false;
    };
    let values = model.self_attribute_values(class, attribute.attr.as_str());
    !values.is_empty()
        && values
            .iter()
            .all(|(value, scope)| is_context(model, value, *scope, depth + 1))
}

/// How many times code at `range` runs per run of its scope's body: 1 outside
/// loops, the product of literal `for` loops' lengths, `None` when unknown.
fn loop_count(model: &ModuleModel, scope: ScopeId, range: TextRange) -> Option<usize> {
    let body: &[Stmt] = match model.scopes[scope].kind {
        ScopeKind::Module => model.body,
        ScopeKind::Function(function) => &model.functions[function].def.body,
        ScopeKind::Class(_) => return None,
    };
    let mut count = Some(1usize);
    for_each_statement(body, &mut |stmt| {
        if !stmt.range().contains_range(range) {
            return;
        }
        let inside_body = |suite: &[Stmt]| {
            suite
                .iter()
                .any(|inner| inner.range().contains_range(range))
        };
        match stmt {
            Stmt::For(for_stmt) if inside_body(&for_stmt.body) => {
                count = count.and_then(|count| {
                    iteration_count(&for_stmt.iter).and_then(|n| count.checked_mul(n))
                });
            }
            Stmt::While(while_stmt) if inside_body(&while_stmt.body) => count = None,
            _ => {}
        }
    });
    count
}

/// How many items a comprehension makes, when its sources are literal.
fn comprehension_count(generators: &[ast::Comprehension]) -> Option<usize> {
    let mut count = 1usize;
    for generator in generators {
        count = count.checked_mul(iteration_count(&generator.iter)?)?;
    }
    Some(count)
}

/// The length of a literal iterable: `range(3)`, `range(1, 4)`, `[a, b]`.
fn iteration_count(iter: &Expr) -> Option<usize> {
    match iter {
        Expr::Call(call) => {
            let Expr::Name(name) = call.func.as_ref() else {
                return None;
            };
            if name.id.as_str() != "range" || !call.arguments.keywords.is_empty() {
                return None;
            }
            let numbers: Option<Vec<i64>> = call.arguments.args.iter().map(int_literal).collect();
            match numbers?.as_slice() {
                [stop] => usize::try_from(*stop).ok(),
                [start, stop] => usize::try_from(stop - start).ok(),
                _ => None,
            }
        }
        Expr::List(ast::ExprList { elts, .. })
        | Expr::Tuple(ast::ExprTuple { elts, .. })
        | Expr::Set(ast::ExprSet { elts, .. }) => Some(elts.len()),
        _ => None,
    }
}

fn int_literal(expr: &Expr) -> Option<i64> {
    match expr {
        Expr::NumberLiteral(number) => match &number.value {
            ast::Number::Int(int) => int.as_i64(),
            _ => None,
        },
        _ => None,
    }
}

/// Is a value sent through a queue provably small: a number, a bool, `None`,
/// `len(...)`, arithmetic on those, a short literal, a small tuple of them, or
/// a local variable only ever bound to such values?
/// A small value; `numeric`: a number (arithmetic on `"x" * 100000` is not
/// small); `parameters`: whether the function's parameter at an index is known
/// to hold a small value.
fn small(
    model: &ModuleModel,
    expr: &Expr,
    def: &ast::StmtFunctionDef,
    depth: usize,
    numeric: bool,
    parameters: &dyn Fn(usize) -> bool,
) -> bool {
    if depth > 6 {
        return false;
    }
    match expr {
        Expr::NumberLiteral(_) | Expr::BooleanLiteral(_) => true,
        Expr::NoneLiteral(_) => !numeric,
        Expr::StringLiteral(literal) => !numeric && literal.value.len() <= 256,
        Expr::BytesLiteral(literal) => !numeric && literal.value.len() <= 256,
        Expr::Compare(_) => true,
        Expr::BoolOp(bool_op) => bool_op
            .values
            .iter()
            .all(|value| small(model, value, def, depth + 1, numeric, parameters)),
        Expr::UnaryOp(unary) => small(model, &unary.operand, def, depth + 1, true, parameters),
        Expr::BinOp(binary) => {
            small(model, &binary.left, def, depth + 1, true, parameters)
                && small(model, &binary.right, def, depth + 1, true, parameters)
        }
        Expr::Tuple(ast::ExprTuple { elts, .. }) => {
            !numeric
                && elts.len() <= 8
                && elts
                    .iter()
                    .all(|element| small(model, element, def, depth + 1, false, parameters))
        }
        Expr::Call(call) => matches!(
            call.func.as_ref(),
            Expr::Name(name) if matches!(name.id.as_str(), "len" | "int" | "float" | "bool" | "abs" | "round")
        ),
        Expr::Name(name) => {
            scalar_variable(model, name.id.as_str(), def, depth, numeric, parameters)
        }
        _ => false,
    }
}

/// Is a value the parent passes to a process small: a literal number or short
/// string, `len(...)`, or a loop variable over `range(...)`?
fn caller_small(model: &ModuleModel, expr: &Expr, scope: ScopeId, call: TextRange) -> bool {
    let literal = |expr: &Expr| match expr {
        Expr::NumberLiteral(_) | Expr::BooleanLiteral(_) | Expr::NoneLiteral(_) => true,
        Expr::StringLiteral(literal) => literal.value.len() <= 256,
        Expr::BytesLiteral(literal) => literal.value.len() <= 256,
        Expr::UnaryOp(unary) => matches!(*unary.operand, Expr::NumberLiteral(_)),
        _ => false,
    };
    let over_range = |iter: &Expr| {
        matches!(
            iter,
            Expr::Call(call) if matches!(call.func.as_ref(), Expr::Name(name) if name.id.as_str() == "range")
        )
    };
    match expr {
        Expr::Call(call) => matches!(
            call.func.as_ref(),
            Expr::Name(name) if matches!(name.id.as_str(), "len" | "int" | "float" | "bool" | "abs" | "round")
        ),
        Expr::Name(name) => match model.lookup(name.id.as_str(), scope) {
            Some((_, bindings)) => {
                !bindings.is_empty()
                    && bindings.iter().all(|binding| match binding.kind {
                        BindingKind::ForTarget(iter) => over_range(iter),
                        BindingKind::Assign(value) => literal(value),
                        _ => false,
                    })
            }
            // A comprehension's variable: `[Process(args=(i, q)) for i in range(3)]`.
            None => {
                let body: &[Stmt] = match model.scopes[scope].kind {
                    ScopeKind::Module => model.body,
                    ScopeKind::Function(function) => &model.functions[function].def.body,
                    ScopeKind::Class(_) => return false,
                };
                let mut found = false;
                for_each_statement(body, &mut |stmt| {
                    for expr in own_expressions(stmt) {
                        let mut finder = ComprehensionFinder {
                            around: call,
                            generators: Vec::new(),
                        };
                        finder.visit_expr(expr);
                        found |= finder.generators.iter().any(|generator| {
                            matches!(&generator.target, Expr::Name(target) if target.id == name.id)
                                && over_range(&generator.iter)
                        });
                    }
                });
                found
            }
        },
        _ => literal(expr),
    }
}

/// The generators of the comprehensions around a range.
struct ComprehensionFinder<'a> {
    around: TextRange,
    generators: Vec<&'a ast::Comprehension>,
}

impl<'a> Visitor<'a> for ComprehensionFinder<'a> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        if !expr.range().contains_range(self.around) {
            return;
        }
        match expr {
            Expr::ListComp(ast::ExprListComp { generators, .. })
            | Expr::SetComp(ast::ExprSetComp { generators, .. })
            | Expr::Generator(ast::ExprGenerator { generators, .. })
            | Expr::DictComp(ast::ExprDictComp { generators, .. }) => {
                self.generators.extend(generators.iter());
            }
            _ => {}
        }
        visitor::walk_expr(self, expr);
    }
}

/// A local variable bound only to small values (`bad = 0`, `bad += 1`, `for i in range(n)`).
fn scalar_variable(
    model: &ModuleModel,
    name: &str,
    def: &ast::StmtFunctionDef,
    depth: usize,
    numeric: bool,
    parameters: &dyn Fn(usize) -> bool,
) -> bool {
    // A parameter never rebound: what the caller passes.
    if let Some(index) = parameter_named(def, name) {
        let mut rebound = false;
        for_each_statement(&def.body, &mut |stmt| {
            let targets: Vec<&Expr> = match stmt {
                Stmt::Assign(assign) => assign.targets.iter().collect(),
                Stmt::AugAssign(assign) => vec![&*assign.target],
                Stmt::AnnAssign(assign) => vec![&*assign.target],
                Stmt::For(for_stmt) => vec![&*for_stmt.target],
                Stmt::With(with) => with
                    .items
                    .iter()
                    .filter_map(|item| item.optional_vars.as_deref())
                    .collect(),
                _ => Vec::new(),
            };
            rebound |= targets.iter().any(|target| mentions_name(target, name));
        });
        return !rebound && parameters(index);
    }
    let mut bound = false;
    let mut scalar = true;
    let mut augmented = false;
    let is_name = |expr: &Expr| matches!(expr, Expr::Name(n) if n.id.as_str() == name);
    for_each_statement(&def.body, &mut |stmt| match stmt {
        Stmt::Assign(assign) => {
            if assign.targets.iter().any(&is_name) {
                bound = true;
                scalar &= assign.targets.len() == 1
                    && small(model, &assign.value, def, depth + 1, numeric, parameters);
            } else if assign
                .targets
                .iter()
                .any(|target| mentions_name(target, name))
            {
                bound = true;
                scalar = false;
            }
        }
        // `n += 1` keeps a number small only if `n` is a number (`s *= 1000` is not).
        Stmt::AugAssign(assign) if is_name(&assign.target) => {
            bound = true;
            augmented = true;
            scalar &= small(model, &assign.value, def, depth + 1, true, parameters);
        }
        Stmt::AnnAssign(assign) if is_name(&assign.target) => {
            bound = true;
            scalar &= assign
                .value
                .as_ref()
                .is_some_and(|value| small(model, value, def, depth + 1, numeric, parameters));
        }
        Stmt::For(for_stmt) if mentions_name(&for_stmt.target, name) => {
            bound = true;
            let over_range = matches!(
                for_stmt.iter.as_ref(),
                Expr::Call(call) if matches!(call.func.as_ref(), Expr::Name(n) if n.id.as_str() == "range")
            );
            scalar &= over_range && is_name(&for_stmt.target);
        }
        Stmt::With(with)
            if with.items.iter().any(|item| {
                item.optional_vars
                    .as_deref()
                    .is_some_and(|var| mentions_name(var, name))
            }) =>
        {
            bound = true;
            scalar = false;
        }
        _ => {}
    });
    if augmented && !numeric {
        return bound && scalar && scalar_variable(model, name, def, depth + 1, true, parameters);
    }
    bound && scalar
}

fn mentions_name(expr: &Expr, name: &str) -> bool {
    match expr {
        Expr::Name(n) => n.id.as_str() == name,
        Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
            elts.iter().any(|element| mentions_name(element, name))
        }
        Expr::Starred(starred) => mentions_name(&starred.value, name),
        _ => false,
    }
}

/// The expressions a statement evaluates itself (not those of nested bodies).
fn own_expressions(stmt: &Stmt) -> Vec<&Expr> {
    match stmt {
        Stmt::If(if_stmt) => std::iter::once(&*if_stmt.test)
            .chain(
                if_stmt
                    .elif_else_clauses
                    .iter()
                    .filter_map(|clause| clause.test.as_ref()),
            )
            .collect(),
        Stmt::For(for_stmt) => vec![&*for_stmt.iter],
        Stmt::While(while_stmt) => vec![&*while_stmt.test],
        Stmt::With(with) => with.items.iter().map(|item| &item.context_expr).collect(),
        Stmt::Match(match_stmt) => std::iter::once(&*match_stmt.subject)
            .chain(
                match_stmt
                    .cases
                    .iter()
                    .filter_map(|case| case.guard.as_deref()),
            )
            .collect(),
        Stmt::Try(_) | Stmt::FunctionDef(_) | Stmt::ClassDef(_) => Vec::new(),
        Stmt::Assign(assign) => vec![&*assign.value],
        Stmt::AugAssign(assign) => vec![&*assign.value],
        Stmt::AnnAssign(assign) => assign.value.as_deref().into_iter().collect(),
        Stmt::Expr(expr) => vec![&*expr.value],
        Stmt::Return(ret) => ret.value.as_deref().into_iter().collect(),
        Stmt::Raise(raise) => raise.exc.as_deref().into_iter().collect(),
        Stmt::Assert(assert) => std::iter::once(&*assert.test)
            .chain(assert.msg.as_deref())
            .collect(),
        _ => Vec::new(),
    }
}

/// Walks a body's expressions, telling whether each runs inside a loop.
fn walk_with_loops<'a>(body: &'a [Stmt], in_loop: bool, visit: &mut impl FnMut(&'a Expr, bool)) {
    for stmt in body {
        for expr in own_expressions(stmt) {
            let looped = in_loop || matches!(stmt, Stmt::While(_));
            visit(expr, looped);
        }
        match stmt {
            Stmt::If(if_stmt) => {
                walk_with_loops(&if_stmt.body, in_loop, visit);
                for clause in &if_stmt.elif_else_clauses {
                    walk_with_loops(&clause.body, in_loop, visit);
                }
            }
            Stmt::For(for_stmt) => {
                walk_with_loops(&for_stmt.body, true, visit);
                walk_with_loops(&for_stmt.orelse, in_loop, visit);
            }
            Stmt::While(while_stmt) => {
                walk_with_loops(&while_stmt.body, true, visit);
                walk_with_loops(&while_stmt.orelse, in_loop, visit);
            }
            Stmt::With(with) => walk_with_loops(&with.body, in_loop, visit),
            Stmt::Try(try_stmt) => {
                walk_with_loops(&try_stmt.body, in_loop, visit);
                for handler in &try_stmt.handlers {
                    let ast::ExceptHandler::ExceptHandler(handler) = handler;
                    walk_with_loops(&handler.body, in_loop, visit);
                }
                walk_with_loops(&try_stmt.orelse, in_loop, visit);
                walk_with_loops(&try_stmt.finalbody, in_loop, visit);
            }
            Stmt::Match(match_stmt) => {
                for case in &match_stmt.cases {
                    walk_with_loops(&case.body, in_loop, visit);
                }
            }
            _ => {}
        }
    }
}

/// Does any function of the module refer to a module-level name?
fn global_read_in_functions(model: &ModuleModel, name: &str) -> bool {
    struct Finder<'m, 'a, 'n> {
        model: &'m ModuleModel<'a>,
        scope: ScopeId,
        name: &'n str,
        found: bool,
    }
    impl<'e> Visitor<'e> for Finder<'_, '_, '_> {
        fn visit_expr(&mut self, expr: &'e Expr) {
            if let Expr::Name(name) = expr {
                if name.id.as_str() == self.name
                    && self
                        .model
                        .lookup(self.name, self.scope)
                        .is_some_and(|(scope, _)| scope == MODULE_SCOPE)
                {
                    self.found = true;
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    model.functions.iter().any(|info| {
        let mut finder = Finder {
            model,
            scope: info.scope,
            name,
            found: false,
        };
        for_each_statement(&info.def.body, &mut |stmt| {
            for expr in own_expressions(stmt) {
                finder.visit_expr(expr);
            }
        });
        finder.found
    })
}

/// Does a nested function, class or lambda in the body refer to the variable
/// (a closure that may drain it from a thread)?
fn mentioned_in_nested_code(
    model: &ModuleModel,
    body: &[Stmt],
    scope: ScopeId,
    place: &Place,
) -> bool {
    struct Finder<'m, 'a, 'p> {
        model: &'m ModuleModel<'a>,
        place: &'p Place,
        scopes: Vec<ScopeId>,
        lambdas: usize,
        found: bool,
    }
    impl<'e> Visitor<'e> for Finder<'_, '_, '_> {
        fn visit_stmt(&mut self, stmt: &'e Stmt) {
            let inner = match stmt {
                Stmt::FunctionDef(def) => self
                    .model
                    .functions
                    .iter()
                    .find(|info| info.def.range == def.range)
                    .map(|info| info.scope),
                Stmt::ClassDef(def) => self
                    .model
                    .classes
                    .iter()
                    .find(|info| info.def.range == def.range)
                    .map(|info| info.scope),
                _ => None,
            };
            match inner {
                Some(scope) => {
                    self.scopes.push(scope);
                    visitor::walk_stmt(self, stmt);
                    self.scopes.pop();
                }
                None => visitor::walk_stmt(self, stmt),
            }
        }

        fn visit_expr(&mut self, expr: &'e Expr) {
            let nested = self.lambdas > 0 || self.scopes.len() > 1;
            let scope = *self.scopes.last().expect("the body's scope");
            match expr {
                Expr::Lambda(_) => {
                    self.lambdas += 1;
                    visitor::walk_expr(self, expr);
                    self.lambdas -= 1;
                }
                Expr::Name(name) if nested => {
                    if let Place::Name(place_scope, place_name) = self.place {
                        if name.id.as_str() == place_name
                            && self
                                .model
                                .lookup(place_name, scope)
                                .is_some_and(|(found, _)| found == *place_scope)
                        {
                            self.found = true;
                        }
                    }
                }
                Expr::Attribute(attribute)
                    if nested
                        && matches!(self.place, Place::SelfAttribute(_, name) if attribute.attr.as_str() == name) =>
                {
                    self.found = true;
                }
                _ => visitor::walk_expr(self, expr),
            }
        }
    }
    let mut finder = Finder {
        model,
        place,
        scopes: vec![scope],
        lambdas: 0,
        found: false,
    };
    for stmt in body {
        finder.visit_stmt(stmt);
    }
    finder.found
}

#[derive(Debug, Clone, Copy)]
enum UseKind<'a> {
    /// `queue.<method>`.
    Method(&'a str),
    /// Passed to a call, or in the `args=`/`kwargs=` it hands to a target.
    Argument {
        call: &'a ast::ExprCall,
        slot: Slot<'a>,
        in_target_arguments: bool,
    },
    /// Anything else (stored, aliased, returned).
    Other,
}

#[derive(Debug, Clone, Copy)]
struct Use<'a> {
    range: TextRange,
    kind: UseKind<'a>,
}

/// Every use of a variable in an expression.
fn collect_uses<'a>(
    model: &ModuleModel,
    expr: &'a Expr,
    scope: ScopeId,
    place: &Place,
    uses: &mut Vec<Use<'a>>,
) {
    struct Finder<'m, 'b, 'p, 'u, 'a> {
        model: &'m ModuleModel<'b>,
        scope: ScopeId,
        place: &'p Place,
        uses: &'u mut Vec<Use<'a>>,
    }
    impl<'a> Finder<'_, '_, '_, '_, 'a> {
        fn is_place(&self, expr: &Expr) -> bool {
            place_of(self.model, expr, self.scope).as_ref() == Some(self.place)
        }

        fn argument(
            &mut self,
            call: &'a ast::ExprCall,
            argument: &'a Expr,
            slot: Slot<'a>,
            in_target_arguments: bool,
        ) {
            if self.is_place(argument) {
                self.uses.push(Use {
                    range: argument.range(),
                    kind: UseKind::Argument {
                        call,
                        slot,
                        in_target_arguments,
                    },
                });
            } else {
                self.visit_expr(argument);
            }
        }
    }
    impl<'a> Visitor<'a> for Finder<'_, '_, '_, '_, 'a> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if self.is_place(expr) {
                self.uses.push(Use {
                    range: expr.range(),
                    kind: UseKind::Other,
                });
                return;
            }
            match expr {
                Expr::Attribute(attribute) if self.is_place(&attribute.value) => {
                    self.uses.push(Use {
                        range: expr.range(),
                        kind: UseKind::Method(attribute.attr.as_str()),
                    });
                }
                Expr::Call(call) => {
                    self.visit_expr(&call.func);
                    let args = call.arguments.find_argument_value("args", 3);
                    let kwargs = call.arguments.find_argument_value("kwargs", 4);
                    let handled = |expr: &Expr| {
                        args.is_some_and(|args| args.range() == expr.range())
                            || kwargs.is_some_and(|kwargs| kwargs.range() == expr.range())
                    };
                    match args {
                        Some(
                            Expr::Tuple(ast::ExprTuple { elts, .. })
                            | Expr::List(ast::ExprList { elts, .. }),
                        ) => {
                            for (position, element) in elts.iter().enumerate() {
                                self.argument(call, element, Slot::Positional(position), true);
                            }
                        }
                        Some(other) => self.visit_expr(other),
                        None => {}
                    }
                    match kwargs {
                        Some(Expr::Dict(dict)) => {
                            for item in &dict.items {
                                match &item.key {
                                    Some(Expr::StringLiteral(key)) => self.argument(
                                        call,
                                        &item.value,
                                        Slot::Keyword(key.value.to_str()),
                                        true,
                                    ),
                                    key => {
                                        if let Some(key) = key {
                                            self.visit_expr(key);
                                        }
                                        self.visit_expr(&item.value);
                                    }
                                }
                            }
                        }
                        Some(other) => self.visit_expr(other),
                        None => {}
                    }
                    for (position, argument) in call.arguments.args.iter().enumerate() {
                        if !handled(argument) {
                            self.argument(call, argument, Slot::Positional(position), false);
                        }
                    }
                    for keyword in &call.arguments.keywords {
                        if handled(&keyword.value) {
                            continue;
                        }
                        match &keyword.arg {
                            Some(name) => {
                                self.argument(
                                    call,
                                    &keyword.value,
                                    Slot::Keyword(name.as_str()),
                                    false,
                                );
                            }
                            None => self.visit_expr(&keyword.value),
                        }
                    }
                }
                _ => visitor::walk_expr(self, expr),
            }
        }
    }
    let mut finder = Finder {
        model,
        scope,
        place,
        uses,
    };
    finder.visit_expr(expr);
}

/// The calls an expression makes, each with whether it is inside a comprehension.
#[derive(Default)]
struct CallFinder<'a> {
    calls: Vec<(&'a ast::ExprCall, bool)>,
    comprehension: usize,
}

impl<'a> Visitor<'a> for CallFinder<'a> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Lambda(_) => {}
            Expr::ListComp(_) | Expr::SetComp(_) | Expr::DictComp(_) | Expr::Generator(_) => {
                self.comprehension += 1;
                visitor::walk_expr(self, expr);
                self.comprehension -= 1;
            }
            Expr::Call(call) => {
                visitor::walk_expr(self, expr);
                self.calls.push((call, self.comprehension > 0));
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_project::with_project;

    /// The channel kind of each join that waits before the drain, in the first module.
    fn kinds(source: &str) -> Vec<ChannelKind> {
        with_project(&[("main", source)], |project| {
            joins_before_drain(project, 0)
                .into_iter()
                .map(|found| found.channel.kind)
                .collect()
        })
    }

    const WORKER: &str = "
import multiprocessing

def work(n, out):
    rows = []
    for i in range(n):
        rows.append(str(i) * 100)
    out.put(rows)
";

    #[test]
    fn join_before_get_waits_forever() {
        let source = format!(
            "{WORKER}
def main():
    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=work, args=(1000, q))
    p.start()
    p.join()
    print(len(q.get()))
"
        );
        assert_eq!(kinds(&source), vec![ChannelKind::Queue]);
    }

    #[test]
    fn get_before_join_is_fine() {
        let source = format!(
            "{WORKER}
def main():
    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=work, args=(1000, q))
    p.start()
    rows = q.get()
    p.join()
"
        );
        assert_eq!(kinds(&source), vec![]);
    }

    #[test]
    fn pipe_send_before_recv() {
        let source = "
import multiprocessing

def work(conn):
    conn.send([0] * 100000)

def main():
    parent, child = multiprocessing.Pipe()
    p = multiprocessing.Process(target=work, args=(child,))
    p.start()
    p.join()
    data = parent.recv()
";
        assert_eq!(kinds(source), vec![ChannelKind::Pipe]);
    }

    #[test]
    fn a_process_that_only_reads_fills_nothing() {
        let source = "
import multiprocessing

def work(q):
    while q.get() is not None:
        pass

def main():
    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=work, args=(q,))
    p.start()
    q.put(None)
    p.join()
";
        assert_eq!(kinds(source), vec![]);
    }
}
