//! Module globals: which globals each function reads, and where code
//! rebinds or mutates them (`global G; G = ...`, `G[k] = v`, `G.update(...)`,
//! `settings.CONFIG.update(...)`), per function, at import time and in the
//! main guard. A child started with spawn or forkserver re-imports modules
//! and sees their import-time state, not the parent's run-time changes.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, ExprContext, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};
use rustc_hash::FxHashMap;

use crate::semantic::{
    guard_test, Binding, BindingKind, FunctionId, GuardTest, IndexVec, ModuleModel, ScopeId,
    ScopeKind, MODULE_SCOPE,
};

/// Methods that change a container (or an object) in place.
pub const MUTATING_METHODS: &[&str] = &[
    "update",
    "append",
    "extend",
    "add",
    "setdefault",
    "insert",
    "clear",
    "pop",
    "popitem",
    "remove",
    "discard",
    "appendleft",
    "extendleft",
    "__setitem__",
];

/// How code names a global.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base<'a> {
    /// A global of this module, by name.
    Own(&'a str),
    /// Through an import, as written: `from .settings import CONFIG` is
    /// `(1, "settings.CONFIG")`, `import settings` is `(0, "settings")`.
    Imported { level: u32, dotted: String },
}

/// A name, or a chain of attributes on one (`settings.CONFIG.get`).
#[derive(Debug, Clone)]
pub struct GlobalRef<'a> {
    pub base: Base<'a>,
    /// The name the chain starts with, as written (`settings` in `settings.CONFIG`).
    pub name: &'a str,
    /// The attributes after the base name, in order.
    pub attrs: Vec<&'a str>,
    /// The whole chain.
    pub range: TextRange,
}

impl GlobalRef<'_> {
    /// The absolute-looking dotted path with the attributes (`settings.CONFIG.get`) and its level.
    pub fn dotted(&self) -> (u32, String) {
        let (level, mut dotted) = match &self.base {
            Base::Own(name) => (0, (*name).to_string()),
            Base::Imported { level, dotted } => (*level, dotted.clone()),
        };
        for attr in &self.attrs {
            if !dotted.is_empty() {
                dotted.push('.');
            }
            dotted.push_str(attr);
        }
        (level, dotted)
    }
}

/// What the code does with a value it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Usage {
    Plain,
    /// `G[k]`
    Subscript,
    /// `G(...)`
    Call,
    /// `for x in G`
    Iterate,
}

#[derive(Debug, Clone)]
pub struct GlobalRead<'a> {
    pub target: GlobalRef<'a>,
    pub usage: Usage,
    /// Read in a test (`if G:`, `G is None`, `not G`): the code checks it.
    pub tested: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteKind<'a> {
    /// `G = v` (with `global G` in a function), `M.G = v`, `G.attr = v`, `import x as G`.
    Store,
    /// `del G`, `del M.G`, `del G.attr`.
    Delete,
    /// `import m as G` (with `global G` in a function).
    Import,
    /// `G[k] = v`, `G[k] += v`, `del G[k]`.
    ItemStore,
    /// `G.update(...)` and the other [`MUTATING_METHODS`].
    Method(&'a str),
    /// `G.load(...)`, another method: a change when the method stores on its
    /// receiver (`self.x = ...`) or is `seed`; the flow layer decides.
    Call(&'a str),
}

#[derive(Debug, Clone)]
pub struct GlobalWrite<'a> {
    pub target: GlobalRef<'a>,
    pub kind: WriteKind<'a>,
    /// The statement or call that writes (for locations).
    pub range: TextRange,
}

/// What a body reads and writes of the module globals.
#[derive(Debug, Clone, Default)]
pub struct BodyGlobals<'a> {
    /// Reads in function bodies (none are collected at module level).
    pub reads: Vec<GlobalRead<'a>>,
    pub writes: Vec<GlobalWrite<'a>>,
    /// Stores to an attribute of a call's result (`decimal.getcontext().prec = 50`):
    /// the call and the statement.
    pub call_attribute_stores: Vec<(&'a ast::ExprCall, TextRange)>,
    /// A method that stores on its receiver (`self.x = v`, `cls.x = v`, `self.items.append(v)`).
    pub receiver_stores: bool,
}

#[derive(Debug, Clone, Default)]
pub struct ModuleGlobals<'a> {
    pub functions: IndexVec<FunctionId, BodyGlobals<'a>>,
    pub import_time: BodyGlobals<'a>,
    /// The main guard's body: runs only in the main script.
    pub main_guard: BodyGlobals<'a>,
    /// `from m import *` or `globals()`: names may be bound in ways the model does not see.
    pub dynamic: bool,
}

pub fn collect<'a>(model: &ModuleModel<'a>) -> ModuleGlobals<'a> {
    let mut collector = Collector {
        model,
        globals: ModuleGlobals {
            functions: IndexVec::from_elem_n(BodyGlobals::default(), model.functions.len()),
            ..ModuleGlobals::default()
        },
        function_by_def: model
            .functions
            .iter_enumerated()
            .map(|(id, info)| (info.def.range.start(), id))
            .collect(),
        class_scope_by_def: model
            .classes
            .iter()
            .map(|info| (info.def.range.start(), info.scope))
            .collect(),
        body: Body::ImportTime,
        scope: MODULE_SCOPE,
        hidden: Vec::new(),
        tested: false,
        receiver: None,
    };
    for stmt in model.body {
        collector.visit_stmt(stmt);
    }
    collector.globals
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Body {
    ImportTime,
    MainGuard,
    Function(FunctionId),
}

struct Collector<'m, 'a> {
    model: &'m ModuleModel<'a>,
    globals: ModuleGlobals<'a>,
    function_by_def: FxHashMap<TextSize, FunctionId>,
    class_scope_by_def: FxHashMap<TextSize, ScopeId>,
    body: Body,
    scope: ScopeId,
    /// Names bound by enclosing lambdas and comprehensions (not globals).
    hidden: Vec<&'a str>,
    /// Visiting an expression whose truth or `None`-ness is tested.
    tested: bool,
    /// In a method of a module-level class: its first parameter, the class's
    /// name, and whether the method is a classmethod (`cls.x = v` sets a class attribute).
    receiver: Option<(&'a str, &'a str, bool)>,
}

/// A chain of attributes on a name: `a.b.c` is `(a, [b, c])`.
pub fn attribute_chain(expr: &Expr) -> Option<(&ast::ExprName, Vec<&str>)> {
    let mut attrs = Vec::new();
    let mut current = expr;
    loop {
        match current {
            Expr::Name(name) => {
                attrs.reverse();
                return Some((name, attrs));
            }
            Expr::Attribute(attribute) => {
                attrs.push(attribute.attr.as_str());
                current = &attribute.value;
            }
            _ => return None,
        }
    }
}

fn is_none(expr: &Expr) -> bool {
    matches!(expr, Expr::NoneLiteral(_))
}

impl<'a> Collector<'_, 'a> {
    fn body_globals(&mut self) -> &mut BodyGlobals<'a> {
        match self.body {
            Body::ImportTime => &mut self.globals.import_time,
            Body::MainGuard => &mut self.globals.main_guard,
            Body::Function(function) => &mut self.globals.functions[function],
        }
    }

    fn in_function(&self) -> bool {
        matches!(self.body, Body::Function(_))
    }

    /// What a name read or written in the current scope refers to, when it is a module global.
    fn base_of(&self, name: &'a str) -> Option<Base<'a>> {
        if self.hidden.contains(&name) {
            return None;
        }
        if self.scopes_declare_global(name) {
            return Some(Base::Own(name));
        }
        let (found_in, bindings) = lookup(self.model, name, self.scope)?;
        if found_in != MODULE_SCOPE {
            return None;
        }
        Some(classify_bindings(name, &bindings))
    }

    fn scopes_declare_global(&self, name: &str) -> bool {
        self.scope != MODULE_SCOPE && self.model.scopes[self.scope].globals.contains(&name)
    }

    fn reference(&self, expr: &'a Expr) -> Option<GlobalRef<'a>> {
        let (name, attrs) = attribute_chain(expr)?;
        let base = self.base_of(name.id.as_str())?;
        // A module by itself is not a global value.
        if matches!(&base, Base::Imported { .. }) && attrs.is_empty() && self.is_module_import(name)
        {
            return None;
        }
        Some(GlobalRef {
            base,
            name: name.id.as_str(),
            attrs,
            range: expr.range(),
        })
    }

    fn is_module_import(&self, name: &ast::ExprName) -> bool {
        lookup(self.model, name.id.as_str(), self.scope).is_some_and(|(_, bindings)| {
            bindings
                .iter()
                .all(|binding| matches!(binding.kind, BindingKind::Import(_)))
        })
    }

    fn read(&mut self, expr: &'a Expr, usage: Usage) -> bool {
        // Module-level reads are not needed: only functions run in children.
        if !self.in_function() {
            return attribute_chain(expr).is_some();
        }
        let target = match self.reference(expr) {
            Some(target) => target,
            // `cls.baseline` in a classmethod reads `Tracker.baseline`.
            None => match (self.receiver, attribute_chain(expr)) {
                (Some((receiver, class, true)), Some((name, attrs)))
                    if name.id.as_str() == receiver && !attrs.is_empty() =>
                {
                    GlobalRef {
                        base: Base::Own(class),
                        name: class,
                        attrs,
                        range: expr.range(),
                    }
                }
                (_, chain) => return chain.is_some(),
            },
        };
        let tested = self.tested;
        self.body_globals().reads.push(GlobalRead {
            target,
            usage,
            tested,
        });
        true
    }

    fn write(&mut self, target: &'a Expr, kind: WriteKind<'a>, range: TextRange) {
        let Some((name, attrs)) = attribute_chain(target) else {
            return;
        };
        if let Some((receiver, class, classmethod)) = self.receiver {
            if name.id.as_str() == receiver && !attrs.is_empty() && self.in_function() {
                if !matches!(kind, WriteKind::Call(_)) {
                    self.body_globals().receiver_stores = true;
                }
                // `cls.settings = v` in a classmethod sets `Class.settings`.
                if classmethod && !matches!(kind, WriteKind::Call(_)) {
                    self.body_globals().writes.push(GlobalWrite {
                        target: GlobalRef {
                            base: Base::Own(class),
                            name: class,
                            attrs,
                            range: target.range(),
                        },
                        kind,
                        range,
                    });
                }
                return;
            }
        }
        // Binding a plain name makes a global only at module level or with `global`.
        let binds = matches!(kind, WriteKind::Store | WriteKind::Delete);
        if let (Expr::Name(_), true) = (target, binds) {
            let bare = name.id.as_str();
            if self.hidden.contains(&bare) {
                return;
            }
            let global = match self.model.scopes[self.scope].kind {
                ScopeKind::Module => true,
                ScopeKind::Function(_) => self.scopes_declare_global(bare),
                ScopeKind::Class(_) => false,
            };
            if global {
                self.body_globals().writes.push(GlobalWrite {
                    target: GlobalRef {
                        base: Base::Own(bare),
                        name: bare,
                        attrs: Vec::new(),
                        range: target.range(),
                    },
                    kind,
                    range,
                });
            }
            return;
        }
        if let Some(reference) = self.reference(target) {
            self.body_globals().writes.push(GlobalWrite {
                target: reference,
                kind,
                range,
            });
        }
    }

    /// Records the writes of an assignment target (names, items, attributes, unpacking).
    fn store_target(&mut self, target: &'a Expr, range: TextRange, delete: bool) {
        match target {
            Expr::Name(_) | Expr::Attribute(_) => {
                let kind = if delete {
                    WriteKind::Delete
                } else {
                    WriteKind::Store
                };
                self.write(target, kind, range);
                if let Expr::Attribute(attribute) = target {
                    if let Expr::Call(call) = attribute.value.as_ref() {
                        self.body_globals()
                            .call_attribute_stores
                            .push((call, range));
                    }
                    // `G.attr = v` uses the object `G` holds.
                    if !self.read(&attribute.value, Usage::Plain) {
                        self.visit_expr(&attribute.value);
                    }
                }
            }
            Expr::Subscript(subscript) => {
                if attribute_chain(&subscript.value).is_some() {
                    self.write(&subscript.value, WriteKind::ItemStore, range);
                    self.read(&subscript.value, Usage::Subscript);
                } else {
                    self.visit_expr(&subscript.value);
                }
                self.visit_expr(&subscript.slice);
            }
            Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
                for element in elts {
                    self.store_target(element, range, delete);
                }
            }
            Expr::Starred(starred) => self.store_target(&starred.value, range, delete),
            _ => self.visit_expr(target),
        }
    }

    fn visit_tested(&mut self, expr: &'a Expr) {
        let outer = self.tested;
        self.tested = true;
        match expr {
            Expr::UnaryOp(unary) if unary.op == ast::UnaryOp::Not => {
                self.visit_tested(&unary.operand)
            }
            Expr::BoolOp(bool_op) => {
                for value in &bool_op.values {
                    self.visit_tested(value);
                }
            }
            Expr::Name(_) | Expr::Attribute(_) => self.visit_expr(expr),
            _ => {
                self.tested = outer;
                self.visit_expr(expr);
            }
        }
        self.tested = outer;
    }

    /// The receiver of a method of a module-level class: `(first parameter, class, classmethod)`.
    fn method_receiver(
        &self,
        id: FunctionId,
        def: &'a ast::StmtFunctionDef,
    ) -> Option<(&'a str, &'a str, bool)> {
        let class = self.model.functions[id].class?;
        let info = &self.model.classes[class];
        if info.parent_scope != MODULE_SCOPE || info.in_main_guard {
            return None;
        }
        let decorated = |wanted: &str| {
            def.decorator_list.iter().any(
                |decorator| matches!(&decorator.expression, Expr::Name(name) if name.id.as_str() == wanted),
            )
        };
        if decorated("staticmethod") {
            return None;
        }
        let first = def
            .parameters
            .posonlyargs
            .iter()
            .chain(&def.parameters.args)
            .next()?;
        Some((
            first.parameter.name.as_str(),
            info.def.name.as_str(),
            decorated("classmethod"),
        ))
    }

    fn with_hidden(&mut self, names: Vec<&'a str>, visit: impl FnOnce(&mut Self)) {
        let before = self.hidden.len();
        self.hidden.extend(names);
        visit(self);
        self.hidden.truncate(before);
    }
}

/// Looks a name up as Python does: `x.append(v)` (which the model records as
/// what `x` holds) does not bind `x`.
pub fn lookup<'m, 'a>(
    model: &'m ModuleModel<'a>,
    name: &str,
    scope: ScopeId,
) -> Option<(ScopeId, Vec<&'m Binding<'a>>)> {
    let mut current = scope;
    let mut first = true;
    loop {
        let here = &model.scopes[current];
        let skipped =
            (!first && matches!(here.kind, ScopeKind::Class(_))) || here.globals.contains(&name);
        if !skipped {
            if let Some(bindings) = here.bindings.get(name) {
                let real: Vec<&Binding> = bindings
                    .iter()
                    .filter(|binding| !matches!(binding.kind, BindingKind::Appended(_)))
                    .collect();
                if !real.is_empty() {
                    return Some((current, real));
                }
            }
        }
        current = here.parent?;
        first = false;
    }
}

/// What a module-scope name stands for, from its bindings.
fn classify_bindings<'a>(name: &'a str, bindings: &[&Binding<'a>]) -> Base<'a> {
    let mut imported: Option<(u32, String)> = None;
    for binding in bindings {
        let this = match &binding.kind {
            BindingKind::Import(path) => (0, path.to_string()),
            BindingKind::FromImport {
                level,
                module,
                name,
            } => match module {
                Some(module) => (*level, format!("{module}.{name}")),
                None => (*level, (*name).to_string()),
            },
            _ => return Base::Own(name),
        };
        match &imported {
            None => imported = Some(this),
            Some(previous) if *previous == this => {}
            Some(_) => return Base::Own(name),
        }
    }
    match imported {
        Some((level, dotted)) => Base::Imported { level, dotted },
        None => Base::Own(name),
    }
}

fn bound_names<'a>(target: &'a Expr, names: &mut Vec<&'a str>) {
    match target {
        Expr::Name(name) => names.push(name.id.as_str()),
        Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
            for element in elts {
                bound_names(element, names);
            }
        }
        Expr::Starred(starred) => bound_names(&starred.value, names),
        _ => {}
    }
}

impl<'a> Visitor<'a> for Collector<'_, 'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(def) => {
                for decorator in &def.decorator_list {
                    self.visit_expr(&decorator.expression);
                }
                for parameter in def.parameters.iter() {
                    if let Some(default) = parameter.default() {
                        self.visit_expr(default);
                    }
                }
                let Some(&id) = self.function_by_def.get(&def.range.start()) else {
                    return;
                };
                let (body, scope, hidden, receiver) = (
                    self.body,
                    self.scope,
                    std::mem::take(&mut self.hidden),
                    self.receiver,
                );
                self.receiver = self.method_receiver(id, def);
                self.body = Body::Function(id);
                self.scope = self.model.functions[id].scope;
                for inner in &def.body {
                    self.visit_stmt(inner);
                }
                self.body = body;
                self.scope = scope;
                self.hidden = hidden;
                self.receiver = receiver;
            }
            Stmt::ClassDef(def) => {
                for decorator in &def.decorator_list {
                    self.visit_expr(&decorator.expression);
                }
                if let Some(arguments) = &def.arguments {
                    self.visit_arguments(arguments);
                }
                let Some(&scope) = self.class_scope_by_def.get(&def.range.start()) else {
                    return;
                };
                let outer = self.scope;
                self.scope = scope;
                for inner in &def.body {
                    self.visit_stmt(inner);
                }
                self.scope = outer;
            }
            Stmt::If(if_stmt) if self.scope == MODULE_SCOPE && self.body != Body::MainGuard => {
                let test = guard_test(&if_stmt.test);
                self.visit_expr(&if_stmt.test);
                let outer = self.body;
                if test == GuardTest::Main {
                    self.body = Body::MainGuard;
                }
                for inner in &if_stmt.body {
                    self.visit_stmt(inner);
                }
                self.body = outer;
                for clause in &if_stmt.elif_else_clauses {
                    if let Some(test) = &clause.test {
                        self.visit_expr(test);
                    }
                    if test == GuardTest::NotMain && clause.test.is_none() {
                        self.body = Body::MainGuard;
                    }
                    for inner in &clause.body {
                        self.visit_stmt(inner);
                    }
                    self.body = outer;
                }
            }
            Stmt::If(if_stmt) => {
                self.visit_tested(&if_stmt.test);
                self.visit_body(&if_stmt.body);
                for clause in &if_stmt.elif_else_clauses {
                    if let Some(test) = &clause.test {
                        self.visit_tested(test);
                    }
                    self.visit_body(&clause.body);
                }
            }
            Stmt::While(while_stmt) => {
                self.visit_tested(&while_stmt.test);
                self.visit_body(&while_stmt.body);
                self.visit_body(&while_stmt.orelse);
            }
            Stmt::Assert(assert) => {
                self.visit_tested(&assert.test);
                if let Some(message) = &assert.msg {
                    self.visit_expr(message);
                }
            }
            Stmt::Assign(assign) => {
                self.visit_expr(&assign.value);
                for target in &assign.targets {
                    self.store_target(target, stmt.range(), false);
                }
            }
            Stmt::AugAssign(assign) => {
                self.visit_expr(&assign.value);
                self.store_target(&assign.target, stmt.range(), false);
            }
            Stmt::AnnAssign(assign) => {
                if let Some(value) = &assign.value {
                    self.visit_expr(value);
                    self.store_target(&assign.target, stmt.range(), false);
                }
            }
            Stmt::Delete(delete) => {
                for target in &delete.targets {
                    self.store_target(target, stmt.range(), true);
                }
            }
            Stmt::For(for_stmt) => {
                if !self.read(&for_stmt.iter, Usage::Iterate) {
                    self.visit_expr(&for_stmt.iter);
                }
                self.store_target(&for_stmt.target, stmt.range(), false);
                self.visit_body(&for_stmt.body);
                self.visit_body(&for_stmt.orelse);
            }
            Stmt::With(with) => {
                for item in &with.items {
                    self.visit_expr(&item.context_expr);
                    if let Some(target) = &item.optional_vars {
                        self.store_target(target, stmt.range(), false);
                    }
                }
                self.visit_body(&with.body);
            }
            Stmt::Import(import) => {
                for alias in &import.names {
                    let bound = match &alias.asname {
                        Some(asname) => asname.as_str(),
                        None => alias.name.split('.').next().unwrap_or_default(),
                    };
                    self.import_binding(bound, stmt.range());
                }
            }
            Stmt::ImportFrom(import) => {
                for alias in &import.names {
                    if alias.name.as_str() == "*" {
                        self.globals.dynamic = true;
                        continue;
                    }
                    let bound = alias.asname.as_ref().unwrap_or(&alias.name).as_str();
                    self.import_binding(bound, stmt.range());
                }
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Name(name) => match name.ctx {
                ExprContext::Load => {
                    self.read(expr, Usage::Plain);
                }
                ExprContext::Store => self.write(expr, WriteKind::Store, expr.range()),
                _ => {}
            },
            Expr::Attribute(attribute) => {
                if attribute.ctx == ExprContext::Load {
                    if !self.read(expr, Usage::Plain) {
                        self.visit_expr(&attribute.value);
                    }
                } else if attribute_chain(expr).is_none() {
                    self.visit_expr(&attribute.value);
                }
            }
            Expr::Subscript(subscript) => {
                if subscript.ctx == ExprContext::Load {
                    if !self.read(&subscript.value, Usage::Subscript) {
                        self.visit_expr(&subscript.value);
                    }
                    self.visit_expr(&subscript.slice);
                } else {
                    self.store_target(expr, expr.range(), subscript.ctx == ExprContext::Del);
                }
            }
            Expr::Call(call) => {
                let tested = self.tested;
                self.tested = false;
                if let Expr::Attribute(attribute) = call.func.as_ref() {
                    if MUTATING_METHODS.contains(&attribute.attr.as_str())
                        && attribute_chain(&attribute.value).is_some()
                    {
                        self.write(
                            &attribute.value,
                            WriteKind::Method(attribute.attr.as_str()),
                            expr.range(),
                        );
                    } else if attribute_chain(&attribute.value).is_some() {
                        self.write(
                            &attribute.value,
                            WriteKind::Call(attribute.attr.as_str()),
                            expr.range(),
                        );
                    }
                }
                if let Expr::Name(name) = call.func.as_ref() {
                    if matches!(name.id.as_str(), "globals" | "vars")
                        && self.model.lookup(name.id.as_str(), self.scope).is_none()
                    {
                        self.globals.dynamic = true;
                    }
                }
                if !self.read(&call.func, Usage::Call) {
                    self.visit_expr(&call.func);
                }
                self.visit_arguments(&call.arguments);
                self.tested = tested;
            }
            Expr::Compare(compare) => {
                let with_none = is_none(&compare.left) || compare.comparators.iter().any(is_none);
                let outer = self.tested;
                self.tested = outer || with_none;
                self.visit_expr(&compare.left);
                for comparator in compare.comparators.iter() {
                    self.visit_expr(comparator);
                }
                self.tested = outer;
            }
            Expr::If(if_expr) => {
                self.visit_tested(&if_expr.test);
                self.visit_expr(&if_expr.body);
                self.visit_expr(&if_expr.orelse);
            }
            Expr::BoolOp(_) => self.visit_tested(expr),
            Expr::UnaryOp(unary) if unary.op == ast::UnaryOp::Not => self.visit_tested(expr),
            Expr::Lambda(lambda) => {
                let mut names = Vec::new();
                if let Some(parameters) = &lambda.parameters {
                    for parameter in parameters.iter() {
                        if let Some(default) = parameter.default() {
                            self.visit_expr(default);
                        }
                        names.push(parameter.name().as_str());
                    }
                }
                self.with_hidden(names, |this| this.visit_expr(&lambda.body));
            }
            Expr::ListComp(ast::ExprListComp {
                elt, generators, ..
            })
            | Expr::SetComp(ast::ExprSetComp {
                elt, generators, ..
            })
            | Expr::Generator(ast::ExprGenerator {
                elt, generators, ..
            }) => self.comprehension(generators, &[elt]),
            Expr::DictComp(ast::ExprDictComp {
                key,
                value,
                generators,
                ..
            }) => {
                let mut elements: Vec<&Expr> = key.iter().map(|key| &**key).collect();
                elements.push(value);
                self.comprehension(generators, &elements);
            }
            Expr::Named(named) => {
                self.visit_expr(&named.value);
                self.store_target(&named.target, expr.range(), false);
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

impl<'a> Collector<'_, 'a> {
    fn import_binding(&mut self, bound: &'a str, range: TextRange) {
        let global = match self.model.scopes[self.scope].kind {
            ScopeKind::Module => true,
            ScopeKind::Function(_) => self.scopes_declare_global(bound),
            ScopeKind::Class(_) => false,
        };
        if global {
            self.body_globals().writes.push(GlobalWrite {
                target: GlobalRef {
                    base: Base::Own(bound),
                    name: bound,
                    attrs: Vec::new(),
                    range,
                },
                kind: WriteKind::Import,
                range,
            });
        }
    }

    fn comprehension(&mut self, generators: &'a [ast::Comprehension], elements: &[&'a Expr]) {
        let before = self.hidden.len();
        for generator in generators {
            // Each iterable sees the targets of the generators before it.
            if !self.read(&generator.iter, Usage::Iterate) {
                self.visit_expr(&generator.iter);
            }
            let mut names = Vec::new();
            bound_names(&generator.target, &mut names);
            self.hidden.extend(names);
            for condition in &generator.ifs {
                self.visit_tested(condition);
            }
        }
        for element in elements {
            self.visit_expr(element);
        }
        self.hidden.truncate(before);
    }
}

/// The bindings of a module-level name that exist once the module is imported:
/// not those made in the main guard or by functions (`global`).
pub fn import_time_bindings<'m, 'a>(
    model: &'m ModuleModel<'a>,
    name: &str,
) -> Vec<&'m Binding<'a>> {
    let Some(bindings) = model.scopes[MODULE_SCOPE].bindings.get(name) else {
        return Vec::new();
    };
    bindings
        .iter()
        .filter(|binding| {
            !binding.in_main_guard
                && !matches!(binding.kind, BindingKind::Appended(_))
                && !model
                    .functions
                    .iter()
                    .any(|function| function.def.range.contains_range(binding.range))
        })
        .collect()
}

/// Builtin names: reading one with no module binding finds the builtin.
pub fn is_builtin(name: &str) -> bool {
    BUILTINS.contains(&name)
}

/// The names of the builtins module (CPython 3.11).
const BUILTINS: &[&str] = &[
    "ArithmeticError",
    "AssertionError",
    "AttributeError",
    "BaseException",
    "BaseExceptionGroup",
    "BlockingIOError",
    "BrokenPipeError",
    "BufferError",
    "BytesWarning",
    "ChildProcessError",
    "ConnectionAbortedError",
    "ConnectionError",
    "ConnectionRefusedError",
    "ConnectionResetError",
    "DeprecationWarning",
    "EOFError",
    "Ellipsis",
    "EncodingWarning",
    "EnvironmentError",
    "Exception",
    "ExceptionGroup",
    "False",
    "FileExistsError",
    "FileNotFoundError",
    "FloatingPointError",
    "FutureWarning",
    "GeneratorExit",
    "IOError",
    "ImportError",
    "ImportWarning",
    "IndentationError",
    "IndexError",
    "InterruptedError",
    "IsADirectoryError",
    "KeyError",
    "KeyboardInterrupt",
    "LookupError",
    "MemoryError",
    "ModuleNotFoundError",
    "NameError",
    "None",
    "NotADirectoryError",
    "NotImplemented",
    "NotImplementedError",
    "OSError",
    "OverflowError",
    "PendingDeprecationWarning",
    "PermissionError",
    "ProcessLookupError",
    "RecursionError",
    "ReferenceError",
    "ResourceWarning",
    "RuntimeError",
    "RuntimeWarning",
    "StopAsyncIteration",
    "StopIteration",
    "SyntaxError",
    "SyntaxWarning",
    "SystemError",
    "SystemExit",
    "TabError",
    "TimeoutError",
    "True",
    "TypeError",
    "UnboundLocalError",
    "UnicodeDecodeError",
    "UnicodeEncodeError",
    "UnicodeError",
    "UnicodeTranslateError",
    "UnicodeWarning",
    "UserWarning",
    "ValueError",
    "Warning",
    "ZeroDivisionError",
    "__build_class__",
    "__debug__",
    "__doc__",
    "__import__",
    "__loader__",
    "__name__",
    "__package__",
    "__spec__",
    "abs",
    "aiter",
    "all",
    "anext",
    "any",
    "ascii",
    "bin",
    "bool",
    "breakpoint",
    "bytearray",
    "bytes",
    "callable",
    "chr",
    "classmethod",
    "compile",
    "complex",
    "copyright",
    "credits",
    "delattr",
    "dict",
    "dir",
    "divmod",
    "enumerate",
    "eval",
    "exec",
    "exit",
    "filter",
    "float",
    "format",
    "frozenset",
    "getattr",
    "globals",
    "hasattr",
    "hash",
    "help",
    "hex",
    "id",
    "input",
    "int",
    "isinstance",
    "issubclass",
    "iter",
    "len",
    "license",
    "list",
    "locals",
    "map",
    "max",
    "memoryview",
    "min",
    "next",
    "object",
    "oct",
    "open",
    "ord",
    "pow",
    "print",
    "property",
    "quit",
    "range",
    "repr",
    "reversed",
    "round",
    "set",
    "setattr",
    "slice",
    "sorted",
    "staticmethod",
    "str",
    "sum",
    "super",
    "tuple",
    "type",
    "vars",
    "zip",
    "__file__",
    "__builtins__",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn globals_of(source: &str, check: impl FnOnce(&ModuleModel, &ModuleGlobals)) {
        let parsed = ruff_python_parser::parse_module(source).unwrap();
        let model = ModuleModel::build(&parsed.syntax().body);
        let globals = collect(&model);
        check(&model, &globals);
    }

    fn describe(reference: &GlobalRef) -> String {
        let (level, dotted) = reference.dotted();
        format!("{}{dotted}", ".".repeat(level as usize))
    }

    #[test]
    fn reads_and_writes() {
        let source = r#"
import settings
from .conf import CONFIG
LIMIT = 3
ITEMS = []

def work(x, LIMIT2=LIMIT):
    local = 1
    y = [LIMIT for LIMIT in range(3)]
    if CONFIG is None:
        return settings.OPTIONS["a"]
    return ITEMS[x] + local + (lambda ITEMS: ITEMS)(1)

def configure(n):
    global LIMIT
    LIMIT = n
    ITEMS.extend([1, 2])
    settings.OPTIONS.update(a=1)
    settings.MODE = "fast"
    CONFIG["k"] = 1

if __name__ == "__main__":
    LIMIT = 5
"#;
        globals_of(source, |model, globals| {
            let work = model.functions.position(|f| f.qualname == "work").unwrap();
            let reads: Vec<(String, Usage, bool)> = globals.functions[work]
                .reads
                .iter()
                .map(|read| (describe(&read.target), read.usage, read.tested))
                .collect();
            assert_eq!(
                reads,
                vec![
                    (".conf.CONFIG".to_string(), Usage::Plain, true),
                    ("settings.OPTIONS".to_string(), Usage::Subscript, false),
                    ("ITEMS".to_string(), Usage::Subscript, false),
                ]
            );
            let configure = model
                .functions
                .position(|f| f.qualname == "configure")
                .unwrap();
            let writes: Vec<(String, WriteKind)> = globals.functions[configure]
                .writes
                .iter()
                .map(|write| (describe(&write.target), write.kind))
                .collect();
            assert_eq!(
                writes,
                vec![
                    ("LIMIT".to_string(), WriteKind::Store),
                    ("ITEMS".to_string(), WriteKind::Method("extend")),
                    ("settings.OPTIONS".to_string(), WriteKind::Method("update")),
                    ("settings.MODE".to_string(), WriteKind::Store),
                    (".conf.CONFIG".to_string(), WriteKind::ItemStore),
                ]
            );
            let guard: Vec<String> = globals
                .main_guard
                .writes
                .iter()
                .map(|write| describe(&write.target))
                .collect();
            assert_eq!(guard, vec!["LIMIT"]);
            assert_eq!(import_time_bindings(model, "LIMIT").len(), 1);
        });
    }
}
