//! What reaches a child process through the arguments of tasks and targets,
//! value by value: the items of `args=(...)`, of the list given to
//! `pool.map`, of a `(name, queue)` tuple built in a comprehension, of
//! `itertools.repeat(x)`; followed through variables, `self.attr`, the
//! return values of the project's functions, and the parameters of helper
//! functions that send what their callers pass (`run_stages(names, log)`).
//!
//! The walk is syntactic plus the module model: it yields the expressions
//! that *make* the values (`threading.Lock()`, `open(path)`), and says
//! nothing about a value it cannot follow. Rules classify the values they
//! care about ([`crate::objects`]).

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};
use rustc_hash::{FxHashMap, FxHashSet};
use std::rc::Rc;

use crate::facts::{PickleSite, Shape};
use crate::project::Project;
use crate::semantic::{BindingKind, ClassId, FunctionId, ScopeId, ScopeKind, Value};

/// The variable a value was last read from, and where it was bound.
#[derive(Debug, Clone, Copy)]
pub struct Holder<'a> {
    pub name: &'a str,
    pub scope: ScopeId,
    pub bound_at: TextSize,
}

/// An expression that makes a value which is pickled.
#[derive(Debug, Clone, Copy)]
pub struct Leaf<'a> {
    pub module: usize,
    pub expr: &'a Expr,
    pub scope: ScopeId,
    /// The value is what `with EXPR as name:` binds (`EXPR.__enter__()`).
    pub entered: bool,
    /// The variable it was read from last (to tell whether a `Process` was started).
    pub holder: Option<Holder<'a>>,
    /// Where the value shows in the code that sends it: the variable or
    /// attribute written there, or the leaf itself. Always in the walk's module.
    pub anchor: &'a Expr,
    /// The anchor holds the value (in a list, a tuple, as an item) rather than being it.
    pub nested: bool,
}

/// One way a value reaches the pickler.
#[derive(Debug, Clone)]
pub enum Flow<'a> {
    Value(Leaf<'a>),
    /// Exactly one of these is the value (an attribute assigned in several
    /// places, a name with several bindings): a rule should report only when
    /// every alternative is a problem.
    OneOf(Vec<Vec<Flow<'a>>>),
    /// The walk's function's parameter at this position: what its callers pass.
    Parameter {
        index: usize,
        shape: Shape,
        anchor: &'a Expr,
    },
}

/// The call a function runs for: its parameters are the call's arguments.
#[derive(Debug)]
pub struct Env<'a> {
    /// The function called, and its module.
    pub module: usize,
    pub function: FunctionId,
    pub call: &'a ast::ExprCall,
    /// The call passes `self` implicitly (`obj.method(...)`, `Class(...)`, `super().__init__(...)`).
    pub bound: bool,
    /// Where the call is written.
    pub caller_module: usize,
    pub caller_scope: ScopeId,
    /// The call the caller runs for, when known.
    pub parent: Option<Rc<Env<'a>>>,
}

/// What a call passes for a parameter.
#[derive(Debug, Clone, Copy)]
pub enum Argument<'a> {
    Passed(&'a Expr),
    /// Not passed: the parameter's default (none for a required parameter).
    Default(Option<&'a Expr>),
    /// Cannot tell (`*args`, `**kwargs` in the call, or a variadic parameter).
    Unknown,
}

/// What `call` passes for the parameter of `def` at `index` (in the order of
/// `Parameters::iter`, as the module model numbers them); `bound`: the call
/// passes `self` implicitly.
pub fn argument_of<'a>(
    call: &'a ast::ExprCall,
    def: &'a ast::StmtFunctionDef,
    index: usize,
    bound: bool,
) -> Argument<'a> {
    let parameters = &def.parameters;
    let positional: Vec<&ast::ParameterWithDefault> = parameters
        .posonlyargs
        .iter()
        .chain(parameters.args.iter())
        .collect();
    let Some(parameter) = parameters.iter().nth(index) else {
        return Argument::Unknown;
    };
    let name = parameter.name().as_str();
    let default = |p: &'a ast::ParameterWithDefault| Argument::Default(p.default.as_deref());
    let starred = call
        .arguments
        .args
        .iter()
        .any(|argument| matches!(argument, Expr::Starred(_)));
    let double_starred = call.arguments.keywords.iter().any(|k| k.arg.is_none());
    if index < positional.len() {
        let parameter = positional[index];
        if let Some(position) = index.checked_sub(usize::from(bound)) {
            if starred {
                return Argument::Unknown;
            }
            if let Some(argument) = call.arguments.args.get(position) {
                return Argument::Passed(argument);
            }
        } else {
            // The implicit `self`.
            return Argument::Unknown;
        }
        if index >= parameters.posonlyargs.len() {
            if let Some(keyword) = call.arguments.find_keyword(name) {
                return Argument::Passed(&keyword.value);
            }
        }
        return if double_starred {
            Argument::Unknown
        } else {
            default(parameter)
        };
    }
    if let Some(parameter) = parameters
        .kwonlyargs
        .iter()
        .find(|p| p.name().as_str() == name)
    {
        if let Some(keyword) = call.arguments.find_keyword(name) {
            return Argument::Passed(&keyword.value);
        }
        return if double_starred {
            Argument::Unknown
        } else {
            default(parameter)
        };
    }
    // `*args` or `**kwargs`.
    Argument::Unknown
}

/// A helper function a value passes through on its way to a pickle site.
#[derive(Debug, Clone)]
pub struct Via {
    pub module: usize,
    pub range: TextRange,
    pub message: String,
}

/// What one pickle site sends, as written in `module` (the site's, or a caller's).
#[derive(Debug, Clone)]
pub struct Sent<'s, 'a> {
    pub module: usize,
    pub site_module: usize,
    pub site: &'s PickleSite<'a>,
    pub flows: Vec<Flow<'a>>,
    /// The helpers between the written value and the site, outermost first.
    pub via: Vec<Via>,
}

/// A parameter of a function that reaches a pickle site.
#[derive(Debug, Clone)]
struct SendingParameter<'s, 'a> {
    index: usize,
    shape: Shape,
    site_module: usize,
    site: &'s PickleSite<'a>,
    via: Vec<Via>,
}

/// Each project class (module, class) → the project classes deriving from it.
type SubclassTable = FxHashMap<(usize, ClassId), Vec<(usize, ClassId)>>;

const MAX_DEPTH: usize = 24;
const MAX_HELPER_DEPTH: usize = 4;
const MAX_STEPS: usize = 4096;

/// Walks values to the expressions that make them. Keeps memos: make one per check.
pub struct Walker<'x, 'p, 'a> {
    pub project: &'x Project<'p, 'a>,
    sending: FxHashMap<(usize, FunctionId), Vec<SendingParameter<'x, 'a>>>,
    visiting: FxHashSet<(usize, FunctionId)>,
    /// Steps left in the current walk (each walk is bounded).
    budget: usize,
    /// The project classes that derive from each project class (computed on first use).
    subclasses: Option<SubclassTable>,
}

struct Walk<'a> {
    module: usize,
    /// The scope whose parameters become [`Flow::Parameter`].
    root: Option<ScopeId>,
    seen: FxHashSet<(TextSize, TextSize, bool)>,
    /// Since the anchor, the walk went into items of a collection.
    nested: bool,
    /// The call the root function runs for: its parameters are followed into it.
    env: Option<Rc<Env<'a>>>,
}

impl<'x, 'p, 'a> Walker<'x, 'p, 'a> {
    pub fn new(project: &'x Project<'p, 'a>) -> Self {
        Walker {
            project,
            sending: FxHashMap::default(),
            visiting: FxHashSet::default(),
            budget: 0,
            subclasses: None,
        }
    }

    /// The flows of the values an expression read in `scope` of `module`
    /// delivers: the expression itself (`Shape::Whole`) or its items.
    /// Parameters of the function that owns `scope` come out as [`Flow::Parameter`].
    pub fn flows(
        &mut self,
        module: usize,
        expr: &'a Expr,
        scope: ScopeId,
        shape: Shape,
    ) -> Vec<Flow<'a>> {
        self.flows_in(module, expr, scope, shape, None)
    }

    /// Like [`Walker::flows`], with the parameters of the function that owns
    /// `scope` bound to the arguments of `env`'s call.
    pub fn flows_in(
        &mut self,
        module: usize,
        expr: &'a Expr,
        scope: ScopeId,
        shape: Shape,
        env: Option<Rc<Env<'a>>>,
    ) -> Vec<Flow<'a>> {
        let model = &self.project.models[module];
        let root = matches!(model.scopes[scope].kind, ScopeKind::Function(_)).then_some(scope);
        let mut walk = Walk {
            module,
            root,
            seen: FxHashSet::default(),
            nested: false,
            env,
        };
        let mut out = Vec::new();
        let budget = std::mem::replace(&mut self.budget, MAX_STEPS);
        self.walk(&mut walk, expr, scope, shape, None, None, 0, &mut out);
        self.budget = budget;
        out
    }

    /// The project classes deriving (directly or not) from a project class.
    pub fn subclasses_of(&mut self, module: usize, class: ClassId) -> Vec<(usize, ClassId)> {
        let project = self.project;
        let table = self.subclasses.get_or_insert_with(|| {
            let mut table = SubclassTable::default();
            for (m, model) in project.models.iter().enumerate() {
                for c in model.classes.indices() {
                    for base in class_hierarchy(project, m, c).into_iter().skip(1) {
                        table.entry(base).or_default().push((m, c));
                    }
                }
            }
            table
        });
        table.get(&(module, class)).cloned().unwrap_or_default()
    }

    /// Every argument value a module sends to child processes: those of its
    /// own pickle sites, and those it passes to helpers that send them.
    pub fn sent_from(&mut self, module: usize) -> Vec<Sent<'x, 'a>> {
        let project = self.project;
        let facts = &project.facts[module];
        let mut sent = Vec::new();
        for site in &facts.pickle_sites {
            let Some(send) = site.send else { continue };
            let flows = self.flows(module, site.expr, site.scope, send.shape);
            sent.push(Sent {
                module,
                site_module: module,
                site,
                flows,
                via: Vec::new(),
            });
        }
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
                let def = project.models[callee_module].functions[callee].def;
                for parameter in self.sending_parameters(callee_module, callee, 0) {
                    let Argument::Passed(argument) = argument_of(call, def, parameter.index, bound)
                    else {
                        continue;
                    };
                    let flows = self.flows(module, argument, edge.scope, parameter.shape);
                    sent.push(Sent {
                        module,
                        site_module: parameter.site_module,
                        site: parameter.site,
                        flows,
                        via: parameter.via.clone(),
                    });
                }
            }
        }
        sent
    }

    /// The parameters of a function whose values reach a pickle site, directly
    /// or through further helpers.
    fn sending_parameters(
        &mut self,
        module: usize,
        function: FunctionId,
        depth: usize,
    ) -> Vec<SendingParameter<'x, 'a>> {
        let key = (module, function);
        if let Some(known) = self.sending.get(&key) {
            return known.clone();
        }
        if depth > MAX_HELPER_DEPTH || !self.visiting.insert(key) {
            return Vec::new();
        }
        let project = self.project;
        let model = &project.models[module];
        let info = &model.functions[function];
        let mut found = Vec::new();
        for site in &project.facts[module].pickle_sites {
            let Some(send) = site.send else { continue };
            if site.scope != info.scope {
                continue;
            }
            for flow in self.flows(module, site.expr, site.scope, send.shape) {
                if let Flow::Parameter { index, shape, .. } = flow {
                    found.push(SendingParameter {
                        index,
                        shape,
                        site_module: module,
                        site,
                        via: vec![Via {
                            module,
                            range: site.expr.range(),
                            message: format!(
                                "`{}` sends it to a child process here",
                                info.qualname
                            ),
                        }],
                    });
                }
            }
        }
        for edge in &project.facts[module].functions[function].calls {
            let Some(call) = edge.call else { continue };
            let Some((callee_module, callee, bound)) =
                project.called_function(module, &edge.target)
            else {
                continue;
            };
            let callee_info = &project.models[callee_module].functions[callee];
            for parameter in self.sending_parameters(callee_module, callee, depth + 1) {
                let Argument::Passed(argument) =
                    argument_of(call, callee_info.def, parameter.index, bound)
                else {
                    continue;
                };
                for flow in self.flows(module, argument, edge.scope, parameter.shape) {
                    if let Flow::Parameter { index, shape, .. } = flow {
                        let mut via = vec![Via {
                            module,
                            range: argument.range(),
                            message: format!(
                                "`{}` passes it to `{}` here",
                                info.qualname, callee_info.qualname
                            ),
                        }];
                        via.extend(parameter.via.iter().cloned());
                        found.push(SendingParameter {
                            index,
                            shape,
                            site_module: parameter.site_module,
                            site: parameter.site,
                            via,
                        });
                    }
                }
            }
        }
        self.visiting.remove(&key);
        self.sending.insert(key, found.clone());
        found
    }

    fn leaf(
        walk: &Walk<'a>,
        expr: &'a Expr,
        scope: ScopeId,
        anchor: Option<&'a Expr>,
        holder: Option<Holder<'a>>,
        out: &mut Vec<Flow<'a>>,
    ) {
        out.push(Flow::Value(Leaf {
            module: walk.module,
            expr,
            scope,
            entered: false,
            holder,
            anchor: anchor.unwrap_or(expr),
            nested: walk.nested,
        }));
    }

    #[allow(clippy::too_many_arguments)]
    fn walk(
        &mut self,
        walk: &mut Walk<'a>,
        expr: &'a Expr,
        scope: ScopeId,
        shape: Shape,
        anchor: Option<&'a Expr>,
        holder: Option<Holder<'a>>,
        depth: usize,
        out: &mut Vec<Flow<'a>>,
    ) {
        if depth > MAX_DEPTH || self.budget == 0 {
            return;
        }
        self.budget -= 1;
        let key = (
            expr.range().start(),
            expr.range().end(),
            shape == Shape::Items,
        );
        if !walk.seen.insert(key) {
            return;
        }
        let was_nested = walk.nested;
        let collection = matches!(
            expr,
            Expr::Tuple(_)
                | Expr::List(_)
                | Expr::Set(_)
                | Expr::Dict(_)
                | Expr::ListComp(_)
                | Expr::SetComp(_)
                | Expr::DictComp(_)
        );
        if anchor.is_some() && (shape == Shape::Items || collection) {
            walk.nested = true;
        }
        self.walk_inner(walk, expr, scope, shape, anchor, holder, depth, out);
        walk.nested = was_nested;
    }

    #[allow(clippy::too_many_arguments)]
    fn walk_inner(
        &mut self,
        walk: &mut Walk<'a>,
        expr: &'a Expr,
        scope: ScopeId,
        shape: Shape,
        anchor: Option<&'a Expr>,
        holder: Option<Holder<'a>>,
        depth: usize,
        out: &mut Vec<Flow<'a>>,
    ) {
        let project = self.project;
        let model = &project.models[walk.module];
        match expr {
            Expr::Starred(starred) => {
                self.walk(
                    walk,
                    &starred.value,
                    scope,
                    Shape::Items,
                    anchor,
                    None,
                    depth + 1,
                    out,
                );
            }
            Expr::Tuple(ast::ExprTuple { elts, .. })
            | Expr::List(ast::ExprList { elts, .. })
            | Expr::Set(ast::ExprSet { elts, .. }) => {
                // Pickling a display pickles its items; iterating it yields them.
                for element in elts {
                    self.walk(
                        walk,
                        element,
                        scope,
                        Shape::Whole,
                        anchor,
                        None,
                        depth + 1,
                        out,
                    );
                }
            }
            Expr::Dict(dict) => {
                for item in &dict.items {
                    match &item.key {
                        Some(key) => {
                            self.walk(walk, key, scope, Shape::Whole, anchor, None, depth + 1, out);
                            if shape == Shape::Whole {
                                self.walk(
                                    walk,
                                    &item.value,
                                    scope,
                                    Shape::Whole,
                                    anchor,
                                    None,
                                    depth + 1,
                                    out,
                                );
                            }
                        }
                        // `{**other}`
                        None => self.walk(
                            walk,
                            &item.value,
                            scope,
                            shape,
                            anchor,
                            None,
                            depth + 1,
                            out,
                        ),
                    }
                }
            }
            Expr::ListComp(ast::ExprListComp { elt, .. })
            | Expr::SetComp(ast::ExprSetComp { elt, .. }) => {
                self.walk(walk, elt, scope, Shape::Whole, anchor, None, depth + 1, out);
            }
            Expr::DictComp(comp) => {
                if let Some(key) = &comp.key {
                    self.walk(walk, key, scope, Shape::Whole, anchor, None, depth + 1, out);
                }
                if shape == Shape::Whole {
                    self.walk(
                        walk,
                        &comp.value,
                        scope,
                        Shape::Whole,
                        anchor,
                        None,
                        depth + 1,
                        out,
                    );
                }
            }
            Expr::Generator(generator) => match shape {
                // The generator object itself is pickled.
                Shape::Whole => Self::leaf(walk, expr, scope, anchor, holder, out),
                Shape::Items => self.walk(
                    walk,
                    &generator.elt,
                    scope,
                    Shape::Whole,
                    anchor,
                    None,
                    depth + 1,
                    out,
                ),
            },
            Expr::Named(named) => {
                self.walk(
                    walk,
                    &named.value,
                    scope,
                    shape,
                    anchor,
                    holder,
                    depth + 1,
                    out,
                );
            }
            Expr::If(if_expr) => {
                // `x if x is not None else default` with `x` surely `None`: one branch runs.
                if let Some(taken) = self.decided_branch(walk, if_expr, scope, shape, depth) {
                    self.walk(walk, taken, scope, shape, anchor, None, depth + 1, out);
                    return;
                }
                let mut body = Vec::new();
                self.walk(
                    walk,
                    &if_expr.body,
                    scope,
                    shape,
                    anchor,
                    None,
                    depth + 1,
                    &mut body,
                );
                let mut orelse = Vec::new();
                self.walk(
                    walk,
                    &if_expr.orelse,
                    scope,
                    shape,
                    anchor,
                    None,
                    depth + 1,
                    &mut orelse,
                );
                out.push(Flow::OneOf(vec![body, orelse]));
            }
            Expr::BoolOp(bool_op) => {
                // `x or default`: an operand that is surely falsy (`None`, a
                // parameter left at its `None` default) is never the value.
                let mut alternatives = Vec::new();
                let count = bool_op.values.len();
                for (position, value) in bool_op.values.iter().enumerate() {
                    let mut flows = Vec::new();
                    self.walk(
                        walk,
                        value,
                        scope,
                        shape,
                        anchor,
                        None,
                        depth + 1,
                        &mut flows,
                    );
                    let last = position + 1 == count;
                    if bool_op.op == ast::BoolOp::Or && !last && surely_falsy(&flows) {
                        continue;
                    }
                    alternatives.push(flows);
                }
                if alternatives.len() == 1 {
                    out.append(&mut alternatives[0]);
                } else {
                    out.push(Flow::OneOf(alternatives));
                }
            }
            Expr::BinOp(bin_op) if bin_op.op == ast::Operator::Mult && shape == Shape::Items => {
                // `[queue] * 4`
                for side in [&bin_op.left, &bin_op.right] {
                    if matches!(side.as_ref(), Expr::List(_) | Expr::Tuple(_)) {
                        self.walk(
                            walk,
                            side,
                            scope,
                            Shape::Items,
                            anchor,
                            None,
                            depth + 1,
                            out,
                        );
                    }
                }
            }
            Expr::BinOp(bin_op)
                if bin_op.op == ast::Operator::Add
                    && (shape == Shape::Items
                        || [&bin_op.left, &bin_op.right].iter().any(|side| {
                            matches!(side.as_ref(), Expr::List(_) | Expr::Tuple(_))
                        })) =>
            {
                // `(queue, function) + args`: a sequence holding the items of both.
                for side in [&bin_op.left, &bin_op.right] {
                    self.walk(walk, side, scope, shape, anchor, None, depth + 1, out);
                }
            }
            Expr::Call(call) => {
                self.walk_call(walk, call, expr, scope, shape, anchor, holder, depth, out)
            }
            Expr::Name(name) => self.walk_name(walk, name, expr, scope, shape, anchor, depth, out),
            Expr::Attribute(attribute) => {
                let receiver = model.resolve(&attribute.value, scope);
                let class = match &receiver {
                    Value::Instance(class) => match class.as_ref() {
                        Value::Class(class) => Some((walk.module, *class)),
                        Value::Qualified(name) => project.resolve_class(walk.module, name),
                        _ => None,
                    },
                    _ => None,
                };
                let Some((class_module, class)) = class else {
                    return Self::leaf(walk, expr, scope, anchor, holder, out);
                };
                let mut assignments =
                    instance_attribute_assignments(project, class_module, class, &attribute.attr);
                // A subclass may assign it too: the object may be one of those.
                if !assignments.is_empty() {
                    for (sub_module, sub) in self.subclasses_of(class_module, class) {
                        let info = &project.models[sub_module].classes[sub];
                        let mut methods: Vec<FunctionId> = info.methods.values().copied().collect();
                        methods.sort_unstable();
                        for method in methods {
                            assignments.extend(
                                method_attribute_assignments(project, sub_module, method)
                                    .into_iter()
                                    .filter(|assignment| {
                                        matches!(assignment.target, Expr::Attribute(a) if a.attr == attribute.attr)
                                    }),
                            );
                        }
                    }
                }
                if assignments.is_empty() {
                    return Self::leaf(walk, expr, scope, anchor, holder, out);
                }
                let anchor = anchor.or(Some(expr));
                let mut alternatives = Vec::new();
                let subclassed = !self.subclasses_of(class_module, class).is_empty();
                for assignment in assignments {
                    let mut flows = Vec::new();
                    match assignment.value {
                        Some(value) => {
                            // `__init__`'s parameters hold what the class's one construction passed.
                            let env = (!subclassed
                                && assignment.class == class
                                && assignment.module == class_module)
                                .then(|| {
                                    crate::sole_construction::sole_construction(
                                        project,
                                        class_module,
                                        class,
                                        assignment.method,
                                    )
                                })
                                .flatten();
                            // Follow the value in its own module; its leaves keep our anchor.
                            let mut inner = Walk {
                                module: assignment.module,
                                root: None,
                                seen: FxHashSet::default(),
                                nested: walk.nested,
                                env,
                            };
                            self.walk(
                                &mut inner,
                                value,
                                assignment.scope,
                                shape,
                                anchor,
                                None,
                                depth + 1,
                                &mut flows,
                            );
                        }
                        // Bound in a way the walk does not follow: nothing is known.
                        None => flows.push(Flow::OneOf(Vec::new())),
                    }
                    alternatives.push(flows);
                }
                push_alternatives(alternatives, out);
            }
            _ => Self::leaf(walk, expr, scope, anchor, holder, out),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn walk_call(
        &mut self,
        walk: &mut Walk<'a>,
        call: &'a ast::ExprCall,
        expr: &'a Expr,
        scope: ScopeId,
        shape: Shape,
        anchor: Option<&'a Expr>,
        holder: Option<Holder<'a>>,
        depth: usize,
        out: &mut Vec<Flow<'a>>,
    ) {
        let project = self.project;
        let model = &project.models[walk.module];
        let callee = model.resolve(&call.func, scope);
        let first = || call.arguments.args.first();
        // Builtins that hold (or iterate) their argument's items.
        if let Expr::Name(name) = call.func.as_ref() {
            if model.lookup(name.id.as_str(), scope).is_none() {
                match name.id.as_str() {
                    "list" | "tuple" | "set" | "frozenset" | "sorted" | "iter" | "reversed"
                    | "enumerate" => {
                        if let Some(argument) = first() {
                            self.walk(
                                walk,
                                argument,
                                scope,
                                Shape::Items,
                                anchor,
                                None,
                                depth + 1,
                                out,
                            );
                        }
                        return;
                    }
                    // `dict(a=x)` holds its keyword values.
                    "dict" => {
                        if shape == Shape::Whole {
                            for keyword in call.arguments.keywords.iter() {
                                self.walk(
                                    walk,
                                    &keyword.value,
                                    scope,
                                    Shape::Whole,
                                    anchor,
                                    None,
                                    depth + 1,
                                    out,
                                );
                            }
                        }
                        return;
                    }
                    "zip" => {
                        for argument in call.arguments.args.iter() {
                            self.walk(
                                walk,
                                argument,
                                scope,
                                Shape::Items,
                                anchor,
                                None,
                                depth + 1,
                                out,
                            );
                        }
                        return;
                    }
                    _ => {}
                }
            }
        }
        match &callee {
            Value::Qualified(name) if name == "itertools.repeat" => {
                if let Some(argument) = call.arguments.find_argument_value("object", 0) {
                    self.walk(
                        walk,
                        argument,
                        scope,
                        Shape::Whole,
                        anchor,
                        None,
                        depth + 1,
                        out,
                    );
                }
                return;
            }
            Value::Qualified(name)
                if matches!(name.as_str(), "itertools.chain" | "itertools.cycle") =>
            {
                for argument in call.arguments.args.iter() {
                    self.walk(
                        walk,
                        argument,
                        scope,
                        Shape::Items,
                        anchor,
                        None,
                        depth + 1,
                        out,
                    );
                }
                return;
            }
            _ => {}
        }
        // What the project's own functions return (and the methods of a
        // project class instance: `sensor.read(step)`), with the parameters
        // bound to this call's arguments.
        let (function, bound) = match &callee {
            Value::Function(function) => (Some((walk.module, *function)), false),
            Value::Qualified(name) => (project.resolve_function(walk.module, name), false),
            Value::BoundMethod(receiver, method) => (
                crate::method_returns::called_method(self, walk.module, receiver, method),
                true,
            ),
            _ => (None, false),
        };
        if let Some((function_module, function)) = function {
            let env = Some(Rc::new(Env {
                module: function_module,
                function,
                call,
                bound,
                caller_module: walk.module,
                caller_scope: scope,
                parent: walk.env.clone(),
            }));
            let info = &project.models[function_module].functions[function];
            if is_generator_function(info.def) {
                if shape == Shape::Whole {
                    Self::leaf(walk, expr, scope, anchor, holder, out);
                }
                return;
            }
            if info.returns.is_empty() {
                return;
            }
            let anchor = anchor.unwrap_or(expr);
            let mut alternatives = Vec::new();
            for value in &info.returns {
                let mut inner = Walk {
                    module: function_module,
                    root: None,
                    seen: FxHashSet::default(),
                    nested: walk.nested,
                    env: env.clone(),
                };
                let mut flows = Vec::new();
                self.walk(
                    &mut inner,
                    value,
                    info.scope,
                    shape,
                    Some(anchor),
                    None,
                    depth + 1,
                    &mut flows,
                );
                alternatives.push(flows);
            }
            push_alternatives(alternatives, out);
            return;
        }
        match shape {
            Shape::Whole => Self::leaf(walk, expr, scope, anchor, holder, out),
            // The items of an unknown call's result are unknown.
            Shape::Items => {}
        }
    }

    /// The flows of what `env`'s call passes for a parameter (or its default).
    #[allow(clippy::too_many_arguments)]
    fn walk_argument(
        &mut self,
        walk: &Walk<'a>,
        env: &Rc<Env<'a>>,
        index: usize,
        shape: Shape,
        anchor: &'a Expr,
        depth: usize,
        out: &mut Vec<Flow<'a>>,
    ) {
        let project = self.project;
        let info = &project.models[env.module].functions[env.function];
        match argument_of(env.call, info.def, index, env.bound) {
            Argument::Passed(argument) => {
                let caller_model = &project.models[env.caller_module];
                let root = matches!(
                    caller_model.scopes[env.caller_scope].kind,
                    ScopeKind::Function(_)
                )
                .then_some(env.caller_scope);
                let mut inner = Walk {
                    module: env.caller_module,
                    root,
                    seen: FxHashSet::default(),
                    nested: walk.nested,
                    env: env.parent.clone(),
                };
                self.walk(
                    &mut inner,
                    argument,
                    env.caller_scope,
                    shape,
                    Some(anchor),
                    None,
                    depth + 1,
                    out,
                );
                // The caller's own parameters stay unknown.
                strip_parameters(out);
            }
            Argument::Default(Some(default)) => {
                let mut inner = Walk {
                    module: env.module,
                    root: None,
                    seen: FxHashSet::default(),
                    nested: walk.nested,
                    env: None,
                };
                self.walk(
                    &mut inner,
                    default,
                    info.parent_scope,
                    shape,
                    Some(anchor),
                    None,
                    depth + 1,
                    out,
                );
            }
            Argument::Default(None) | Argument::Unknown => out.push(Flow::OneOf(Vec::new())),
        }
    }

    /// The branch of a conditional expression that surely runs, when its test
    /// reads a value that is surely falsy (`None`, a parameter left at its
    /// `None` default): `x if x is not None else d`, `x if x else d`,
    /// `d if x is None else x`, `d if not x else x`. See [`crate::branches`].
    fn decided_branch(
        &mut self,
        walk: &mut Walk<'a>,
        if_expr: &'a ast::ExprIf,
        scope: ScopeId,
        shape: Shape,
        depth: usize,
    ) -> Option<&'a Expr> {
        let (tested, when_falsy) = crate::branches::falsy_test(if_expr)?;
        // The test's own walk must not mark what the branches read as seen.
        let mut probe = Walk {
            module: walk.module,
            root: walk.root,
            seen: walk.seen.clone(),
            nested: walk.nested,
            env: walk.env.clone(),
        };
        let mut flows = Vec::new();
        self.walk(
            &mut probe,
            tested,
            scope,
            shape,
            None,
            None,
            depth + 1,
            &mut flows,
        );
        surely_falsy(&flows).then_some(when_falsy)
    }

    #[allow(clippy::too_many_arguments)]
    fn walk_name(
        &mut self,
        walk: &mut Walk<'a>,
        name: &'a ast::ExprName,
        expr: &'a Expr,
        scope: ScopeId,
        shape: Shape,
        anchor: Option<&'a Expr>,
        depth: usize,
        out: &mut Vec<Flow<'a>>,
    ) {
        let project = self.project;
        let model = &project.models[walk.module];
        let id = name.id.as_str();
        let at = name.range.start();
        let anchor_expr = anchor.unwrap_or(expr);
        let anchor = Some(anchor_expr);
        // Iterating an enum class yields its members (`EnumType.__iter__`),
        // each pickled by its class's name.
        if shape == Shape::Items
            && crate::boundary::unfindable_class(model, name, scope)
                .is_some_and(|class| class.printed_as == "enum")
        {
            return Self::leaf(walk, expr, scope, anchor, None, out);
        }
        // A name bound by a comprehension's `for` clause: the items of its iterable.
        if let Some(generator) = model.comprehension_binding(id, at) {
            match &generator.target {
                Expr::Name(_) => {
                    self.walk(
                        walk,
                        &generator.iter,
                        scope,
                        Shape::Items,
                        anchor,
                        None,
                        depth + 1,
                        out,
                    );
                }
                Expr::Tuple(ast::ExprTuple { elts, .. }) => {
                    let position = elts.iter().position(
                        |element| matches!(element, Expr::Name(n) if n.id.as_str() == id),
                    );
                    if let (Some(position), Expr::Call(iter_call)) = (position, &generator.iter) {
                        if let Expr::Name(function) = iter_call.func.as_ref() {
                            let builtin = model.lookup(function.id.as_str(), scope).is_none();
                            let source = match function.id.as_str() {
                                "zip" if builtin => iter_call.arguments.args.get(position),
                                "enumerate" if builtin && position == 1 => {
                                    iter_call.arguments.args.first()
                                }
                                _ => None,
                            };
                            if let Some(source) = source {
                                self.walk(
                                    walk,
                                    source,
                                    scope,
                                    Shape::Items,
                                    anchor,
                                    None,
                                    depth + 1,
                                    out,
                                );
                            }
                        }
                    }
                }
                _ => {}
            }
            return;
        }
        let Some((found_in, bindings)) = model.lookup(id, scope) else {
            // A builtin name.
            return Self::leaf(walk, expr, scope, anchor, None, out);
        };
        // What the list holds: `items.append(x)`.
        let appended: Vec<&Expr> = bindings
            .iter()
            .filter_map(|binding| match binding.kind {
                BindingKind::Appended(item) if found_in != scope || binding.range.start() <= at => {
                    Some(item)
                }
                _ => None,
            })
            .collect();
        let values: Vec<_> = bindings
            .iter()
            .filter(|binding| !matches!(binding.kind, BindingKind::Appended(_)))
            .collect();
        // The binding that reaches the use: the last one before it in the same
        // scope; any of them from an enclosing scope.
        let reaching: Vec<_> = if found_in == scope {
            values
                .iter()
                .rfind(|binding| binding.range.start() <= at)
                .map(|binding| vec![*binding])
                .unwrap_or_else(|| values.clone())
        } else {
            values.clone()
        };
        for item in appended {
            self.walk(
                walk,
                item,
                found_in,
                Shape::Whole,
                anchor,
                None,
                depth + 1,
                out,
            );
        }
        // What its methods stored in it: `model.register_forward_hook(hook)`.
        if shape == Shape::Whole {
            let stored = crate::stored_by_methods::stored_items(
                project,
                walk.module,
                name,
                expr,
                scope,
                found_in,
            );
            for (_, item, at) in stored {
                self.walk(walk, item, at, Shape::Whole, anchor, None, depth + 1, out);
            }
        }
        let mut alternatives = Vec::new();
        for binding in reaching {
            let holder = Some(Holder {
                name: id,
                scope: found_in,
                bound_at: binding.range.start(),
            });
            let mut flows = Vec::new();
            match &binding.kind {
                BindingKind::Assign(value) => {
                    self.walk(
                        walk,
                        value,
                        found_in,
                        shape,
                        anchor,
                        holder,
                        depth + 1,
                        &mut flows,
                    );
                }
                BindingKind::WithItem(context) => {
                    if shape == Shape::Whole {
                        flows.push(Flow::Value(Leaf {
                            module: walk.module,
                            expr: context,
                            scope: found_in,
                            entered: true,
                            holder,
                            anchor: anchor_expr,
                            nested: walk.nested,
                        }));
                    } else {
                        flows.push(Flow::OneOf(Vec::new()));
                    }
                }
                BindingKind::ForTarget(iter) => {
                    self.walk(
                        walk,
                        iter,
                        found_in,
                        Shape::Items,
                        anchor,
                        None,
                        depth + 1,
                        &mut flows,
                    );
                }
                BindingKind::Parameter(index) => {
                    let receiver = *index == 0 && model.resolve(expr, scope) != Value::Unknown;
                    let env = walk.env.clone().filter(|env| {
                        env.module == walk.module
                            && project.models[env.module].functions[env.function].scope == found_in
                    });
                    if let (Some(env), false) = (env, receiver) {
                        self.walk_argument(
                            walk,
                            &env,
                            *index,
                            shape,
                            anchor_expr,
                            depth,
                            &mut flows,
                        );
                    } else if Some(found_in) == walk.root && !receiver {
                        flows.push(Flow::Parameter {
                            index: *index,
                            shape,
                            anchor: anchor_expr,
                        });
                    } else if shape == Shape::Whole
                        && crate::boundary::replaced_original(project, walk.module, expr, scope)
                            .is_some()
                    {
                        // A decorator's parameter read in its wrapper: the decorated function.
                        Self::leaf(walk, expr, scope, anchor, None, &mut flows);
                    } else {
                        flows.push(Flow::OneOf(Vec::new()));
                    }
                }
                BindingKind::Import(_)
                | BindingKind::FromImport { .. }
                | BindingKind::Function(_)
                | BindingKind::Class(_) => {
                    if shape == Shape::Whole {
                        Self::leaf(walk, expr, scope, anchor, None, &mut flows);
                    }
                }
                BindingKind::Appended(_) | BindingKind::Unpacked { .. } | BindingKind::Other => {
                    flows.push(Flow::OneOf(Vec::new()))
                }
            }
            alternatives.push(flows);
        }
        push_alternatives(alternatives, out);
    }
}

/// Flows that are all falsy literals (`None`, `False`, `0`, `""`, `[]`).
fn surely_falsy(flows: &[Flow]) -> bool {
    !flows.is_empty()
        && flows.iter().all(|flow| match flow {
            Flow::Value(leaf) => match leaf.expr {
                Expr::NoneLiteral(_) => true,
                Expr::BooleanLiteral(literal) => !literal.value,
                Expr::StringLiteral(literal) => literal.value.to_str().is_empty(),
                Expr::NumberLiteral(number) => {
                    matches!(&number.value, ast::Number::Int(i) if i.as_u8() == Some(0))
                }
                _ => false,
            },
            _ => false,
        })
}

/// Replaces parameter flows (of a function whose callers are not followed) by "unknown".
fn strip_parameters(flows: &mut [Flow]) {
    for flow in flows {
        match flow {
            Flow::Parameter { .. } => *flow = Flow::OneOf(Vec::new()),
            Flow::OneOf(alternatives) => {
                for alternative in alternatives {
                    strip_parameters(alternative);
                }
            }
            Flow::Value(_) => {}
        }
    }
}

/// Several alternatives become a [`Flow::OneOf`]; a single one is inlined.
fn push_alternatives<'a>(mut alternatives: Vec<Vec<Flow<'a>>>, out: &mut Vec<Flow<'a>>) {
    match alternatives.len() {
        0 => {}
        1 => out.append(&mut alternatives[0]),
        _ => out.push(Flow::OneOf(alternatives)),
    }
}

/// Collects the problems of flows: every problem of every value, and for a
/// [`Flow::OneOf`] the problems of its alternatives only when each has one.
pub fn problems<'a, K>(
    flows: &[Flow<'a>],
    classify: &mut dyn FnMut(&Leaf<'a>) -> Option<K>,
) -> Vec<(Leaf<'a>, K)> {
    let mut found = Vec::new();
    for flow in flows {
        match flow {
            Flow::Value(leaf) => {
                if let Some(kind) = classify(leaf) {
                    found.push((*leaf, kind));
                }
            }
            Flow::OneOf(alternatives) => {
                if alternatives.is_empty() {
                    continue;
                }
                let mut all = Vec::new();
                let mut every = true;
                for alternative in alternatives {
                    let inner = problems(alternative, classify);
                    if inner.is_empty() {
                        every = false;
                        break;
                    }
                    all.extend(inner);
                }
                if every {
                    // One report is enough: the first alternative's.
                    if let Some(first) = all.into_iter().next() {
                        found.push(first);
                    }
                }
            }
            Flow::Parameter { .. } => {}
        }
    }
    found
}

/// Every value leaf of flows, alternatives included.
pub fn all_leaves<'a>(flows: &[Flow<'a>]) -> Vec<Leaf<'a>> {
    let mut found = Vec::new();
    for flow in flows {
        match flow {
            Flow::Value(leaf) => found.push(*leaf),
            Flow::OneOf(alternatives) => {
                for alternative in alternatives {
                    found.extend(all_leaves(alternative));
                }
            }
            Flow::Parameter { .. } => {}
        }
    }
    found
}

/// An assignment `self.attr = value` in a method of a class.
#[derive(Debug, Clone, Copy)]
pub struct AttributeAssignment<'a> {
    pub module: usize,
    pub class: ClassId,
    pub method: FunctionId,
    /// The scope of the method (to resolve the value).
    pub scope: ScopeId,
    /// `self.attr` as written.
    pub target: &'a Expr,
    /// The value, when the assignment is a plain `self.attr = value`
    /// (`None` for `self.attr += 1`, `self.a, self.b = pair`, ...).
    pub value: Option<&'a Expr>,
}

/// The name of a method's instance parameter (`self`), if it has one.
pub fn self_parameter<'a>(
    project: &Project<'_, 'a>,
    module: usize,
    method: FunctionId,
) -> Option<&'a str> {
    let info = &project.models[module].functions[method];
    info.class?;
    let is_static_or_class = info.def.decorator_list.iter().any(|decorator| {
        matches!(&decorator.expression, Expr::Name(name)
            if matches!(name.id.as_str(), "staticmethod" | "classmethod"))
    });
    if is_static_or_class {
        return None;
    }
    info.def
        .parameters
        .iter()
        .next()
        .map(|parameter| parameter.name().as_str())
}

/// The assignments to `self.<attribute>` in one method (outside nested functions and classes).
pub fn method_attribute_assignments<'a>(
    project: &Project<'_, 'a>,
    module: usize,
    method: FunctionId,
) -> Vec<AttributeAssignment<'a>> {
    let Some(receiver) = self_parameter(project, module, method) else {
        return Vec::new();
    };
    let info = &project.models[module].functions[method];
    let Some(class) = info.class else {
        return Vec::new();
    };
    let mut found = Vec::new();
    let mut push = |target: &'a Expr, value: Option<&'a Expr>| {
        if let Expr::Attribute(attribute) = target {
            if matches!(attribute.value.as_ref(), Expr::Name(name) if name.id.as_str() == receiver)
            {
                found.push(AttributeAssignment {
                    module,
                    class,
                    method,
                    scope: info.scope,
                    target,
                    value,
                });
            }
        }
    };
    visit_statements(&info.def.body, &mut |stmt| match stmt {
        Stmt::Assign(assign) => {
            for target in &assign.targets {
                match unpacked(target, &assign.value) {
                    Some(pairs) => {
                        for (target, value) in pairs {
                            push(target, Some(value));
                        }
                    }
                    None => match target {
                        Expr::Tuple(ast::ExprTuple { elts, .. })
                        | Expr::List(ast::ExprList { elts, .. }) => {
                            for element in elts {
                                push(element, None);
                            }
                        }
                        _ => push(target, Some(&assign.value)),
                    },
                }
            }
        }
        Stmt::AnnAssign(assign) => push(&assign.target, assign.value.as_deref()),
        Stmt::AugAssign(assign) => push(&assign.target, None),
        Stmt::Delete(delete) => {
            for target in &delete.targets {
                push(target, None);
            }
        }
        _ => {}
    });
    found
}

/// The assignments to `self.<attribute>` in every method of a project class
/// and of its project base classes.
pub fn instance_attribute_assignments<'a>(
    project: &Project<'_, 'a>,
    module: usize,
    class: ClassId,
    attribute: &str,
) -> Vec<AttributeAssignment<'a>> {
    let mut found = Vec::new();
    for (class_module, class) in class_hierarchy(project, module, class) {
        let info = &project.models[class_module].classes[class];
        let mut methods: Vec<FunctionId> = info.methods.values().copied().collect();
        methods.sort_unstable();
        for method in methods {
            for assignment in method_attribute_assignments(project, class_module, method) {
                if matches!(assignment.target, Expr::Attribute(a) if a.attr.as_str() == attribute) {
                    found.push(assignment);
                }
            }
        }
    }
    found
}

/// A project class and its project base classes, the class first.
pub fn class_hierarchy(project: &Project, module: usize, class: ClassId) -> Vec<(usize, ClassId)> {
    let mut found = vec![(module, class)];
    let mut index = 0;
    while index < found.len() && found.len() < 32 {
        let (m, c) = found[index];
        for base in project.project_bases_of(m, c) {
            if !found.contains(&base) {
                found.push(base);
            }
        }
        index += 1;
    }
    found
}

fn unpacked<'a>(target: &'a Expr, value: &'a Expr) -> Option<Vec<(&'a Expr, &'a Expr)>> {
    let targets = match target {
        Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => elts,
        _ => return None,
    };
    let values = match value {
        Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => elts,
        _ => return None,
    };
    let starred = |expr: &Expr| matches!(expr, Expr::Starred(_));
    if targets.len() != values.len() || targets.iter().any(starred) || values.iter().any(starred) {
        return None;
    }
    Some(targets.iter().zip(values.iter()).collect())
}

/// Calls `visit` on every statement of a body, nested blocks included, but not
/// the bodies of nested functions and classes.
pub fn visit_statements<'a>(body: &'a [Stmt], visit: &mut dyn FnMut(&'a Stmt)) {
    crate::semantic::for_each_statement(body, &mut |stmt| visit(stmt));
}

/// Does a function's own body (not nested functions) contain `yield`?
pub fn is_generator_function(def: &ast::StmtFunctionDef) -> bool {
    use ruff_python_ast::visitor::{self, Visitor};
    struct Finder {
        found: bool,
    }
    impl<'b> Visitor<'b> for Finder {
        fn visit_stmt(&mut self, stmt: &'b Stmt) {
            match stmt {
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
                _ => visitor::walk_stmt(self, stmt),
            }
        }
        fn visit_expr(&mut self, expr: &'b Expr) {
            match expr {
                Expr::Yield(_) | Expr::YieldFrom(_) => self.found = true,
                Expr::Lambda(_) => {}
                _ => visitor::walk_expr(self, expr),
            }
        }
    }
    let mut finder = Finder { found: false };
    for stmt in &def.body {
        finder.visit_stmt(stmt);
    }
    finder.found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(source: &str) -> ruff_python_parser::Parsed<ast::ModModule> {
        ruff_python_parser::parse_module(source).expect("valid Python")
    }

    fn passed(argument: Argument) -> Option<String> {
        match argument {
            Argument::Passed(Expr::Name(name)) => Some(name.id.to_string()),
            Argument::Passed(_) => Some("<expr>".to_string()),
            Argument::Default(Some(_)) => Some("<default>".to_string()),
            Argument::Default(None) => Some("<missing>".to_string()),
            Argument::Unknown => None,
        }
    }

    #[test]
    fn arguments_follow_python_binding_rules() {
        let module = parsed(
            "def f(self, a, /, b, *rest, c=None, **extra): ...\n\
             obj.f(x, y, c=z)\n\
             obj.f(x, *ys)\n\
             obj.f(x, b=y)\n\
             obj.f(x, **kw)\n",
        );
        let body = &module.syntax().body;
        let Stmt::FunctionDef(def) = &body[0] else {
            panic!("a function")
        };
        let call = |index: usize| match &body[index] {
            Stmt::Expr(expr) => match expr.value.as_ref() {
                Expr::Call(call) => call,
                _ => panic!("a call"),
            },
            _ => panic!("an expression"),
        };
        // Indices as `Parameters::iter` numbers them: self, a, b, rest, c, extra.
        assert_eq!(passed(argument_of(call(1), def, 1, true)), Some("x".into()));
        assert_eq!(passed(argument_of(call(1), def, 2, true)), Some("y".into()));
        assert_eq!(passed(argument_of(call(1), def, 4, true)), Some("z".into()));
        assert_eq!(passed(argument_of(call(1), def, 3, true)), None);
        // After `*ys` the positions are unknown.
        assert_eq!(passed(argument_of(call(2), def, 2, true)), None);
        assert_eq!(passed(argument_of(call(3), def, 2, true)), Some("y".into()));
        assert_eq!(
            passed(argument_of(call(3), def, 4, true)),
            Some("<default>".into())
        );
        // `**kw` may hold anything not passed otherwise.
        assert_eq!(passed(argument_of(call(4), def, 4, true)), None);
        // The implicit `self` is not an argument.
        assert_eq!(passed(argument_of(call(1), def, 0, true)), None);
    }

    #[test]
    fn generator_functions_are_found_by_their_own_yields() {
        let module = parsed(
            "def gen():\n    yield 1\n\
             def not_gen():\n    def inner():\n        yield 1\n    return [x for x in inner()]\n",
        );
        let body = &module.syntax().body;
        let defs: Vec<&ast::StmtFunctionDef> = body
            .iter()
            .filter_map(|stmt| match stmt {
                Stmt::FunctionDef(def) => Some(def),
                _ => None,
            })
            .collect();
        assert!(is_generator_function(defs[0]));
        assert!(!is_generator_function(defs[1]));
    }
}
