//! The per-module semantic model: scopes, bindings, definitions, the main
//! guard, and a small value model that resolves an expression to what it
//! stands for (`mp.Pool` ≡ `multiprocessing.Pool`, `ctx.Pool()` is a pool,
//! `for p in procs: p.start()` starts a `Process`).

use ruff_python_ast::visitor::Visitor;
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};
use rustc_hash::FxHashMap;

use crate::api::{self, Api};
use crate::knowledge::{starter, StarterId, Trigger};
use crate::references::ReferenceCollector;

pub use crate::index::{Idx, IndexVec};
pub use crate::qualified::QualifiedName;

crate::newtype_index! {
    /// A scope of a module: the module itself, a function's or a class's body.
    pub struct ScopeId;
}
crate::newtype_index! {
    /// A function (or method) defined in a module.
    pub struct FunctionId;
}
crate::newtype_index! {
    /// A class defined in a module.
    pub struct ClassId;
}
crate::newtype_index! {
    /// A binding of a name in one of a module's scopes.
    pub struct BindingId;
}

pub use crate::references::{Reference, ReferenceId, ReferenceKind, Resolved};

pub const MODULE_SCOPE: ScopeId = ScopeId::new(0);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    Module,
    Function(FunctionId),
    Class(ClassId),
}

#[derive(Debug)]
pub struct Scope<'a> {
    pub kind: ScopeKind,
    pub parent: Option<ScopeId>,
    pub bindings: FxHashMap<&'a str, Vec<Binding<'a>>>,
    /// Names a function declares `global`: its assignments bind in the module.
    pub globals: Vec<&'a str>,
    /// Names a function declares `nonlocal`: its assignments bind in the
    /// enclosing function.
    pub nonlocals: Vec<&'a str>,
}

#[derive(Debug, Clone)]
pub enum BindingKind<'a> {
    /// `import a.b as c` binds `c` to `a.b`; `import a.b` binds `a` to `a`.
    Import(QualifiedName),
    /// `from .m import n`: the module as written (`level` leading dots) and the name.
    FromImport {
        level: u32,
        module: Option<&'a str>,
        name: &'a str,
    },
    Function(FunctionId),
    Class(ClassId),
    Assign(&'a Expr),
    /// The target of `for x in ITER`.
    ForTarget(&'a Expr),
    /// The target of `with CONTEXT as x`.
    WithItem(&'a Expr),
    /// `x.append(VALUE)`: what a list holds.
    Appended(&'a Expr),
    /// `a, b = VALUE` where `VALUE` is not a tuple display: the element at this
    /// position of what `VALUE` holds (`loader = make()[1]` in effect).
    Unpacked {
        value: &'a Expr,
        index: usize,
    },
    /// The function's parameter at this position (keyword-only ones count on).
    Parameter(usize),
    /// Bound in a way the model does not follow (tuple unpacking, augmented assignment, ...).
    Other,
}

#[derive(Debug, Clone)]
pub struct Binding<'a> {
    /// Its id, for [`ModuleModel::references_of`].
    pub id: BindingId,
    pub kind: BindingKind<'a>,
    pub range: TextRange,
    /// Bound inside the body of `if __name__ == "__main__":`.
    pub in_main_guard: bool,
}

#[derive(Debug)]
pub struct FunctionInfo<'a> {
    pub def: &'a ast::StmtFunctionDef,
    pub scope: ScopeId,
    pub parent_scope: ScopeId,
    pub class: Option<ClassId>,
    pub qualname: String,
    /// Defined inside another function: pickle cannot find it by name.
    pub is_local: bool,
    pub in_main_guard: bool,
    /// The values of its `return` statements (not those of nested functions).
    pub returns: Vec<&'a Expr>,
}

#[derive(Debug)]
pub struct ClassInfo<'a> {
    pub def: &'a ast::StmtClassDef,
    pub scope: ScopeId,
    pub parent_scope: ScopeId,
    pub qualname: String,
    pub is_local: bool,
    pub in_main_guard: bool,
    pub methods: FxHashMap<&'a str, FunctionId>,
    /// The values assigned to each `self.<attr>` in the class's methods, each
    /// with the scope of the method that assigns it.
    pub self_attributes: FxHashMap<&'a str, Vec<(&'a Expr, ScopeId)>>,
}

/// The parts of a guard written as an expression statement.
#[derive(Debug, Clone, Copy)]
pub struct ExpressionGuard<'e> {
    pub test: &'e Expr,
    /// Runs only in the main script.
    pub main_only: &'e Expr,
    /// The other branch of a conditional expression, which runs in the children.
    pub elsewhere: Option<&'e Expr>,
}

/// What an `if` test says about `__name__ == "__main__"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuardTest {
    /// The body runs only when the file is the program's main script.
    Main,
    /// The `else` branch runs only in the main script (`if __name__ != "__main__":`).
    NotMain,
    /// A broken guard whose body never runs.
    NeverTrue,
    /// A broken guard whose body always runs, in the children too.
    AlwaysTrue,
    /// Not a guard.
    None,
}

#[derive(Debug)]
pub struct ModuleModel<'a> {
    pub body: &'a [Stmt],
    pub scopes: IndexVec<ScopeId, Scope<'a>>,
    pub functions: IndexVec<FunctionId, FunctionInfo<'a>>,
    pub classes: IndexVec<ClassId, ClassInfo<'a>>,
    /// The module has a working `if __name__ == "__main__":` guard.
    pub has_main_guard: bool,
    /// Comprehension variables: `for x in ITER` inside `[... for x in ITER]`,
    /// with the comprehension's range and the scope its `ITER` is read in.
    pub comprehension_targets: Vec<ComprehensionTarget<'a>>,
    /// Every comprehension and generator expression, outer ones first: the
    /// names their `for` clauses bind are not in `scopes`.
    pub comprehensions: Vec<&'a Expr>,
    /// Where each binding is, by id.
    binding_sites: IndexVec<BindingId, BindingSite<'a>>,
    /// Every read of a name (`Name` loads, the read of `x += 1`, `del x`),
    /// each resolved to the binding it sees.
    pub references: IndexVec<ReferenceId, Reference<'a>>,
    /// The reads by where their name starts.
    reference_by_start: FxHashMap<TextSize, ReferenceId>,
}

/// Where a binding is kept, and what reads it.
#[derive(Debug)]
struct BindingSite<'a> {
    scope: ScopeId,
    name: &'a str,
    /// Its position among the bindings of `name` in `scope`.
    position: u32,
    /// A read in the same scope from here on sees it (after the value of an
    /// assignment, the iterable of a `for`, the defaults of a `def`).
    visible_from: TextSize,
    references: Vec<ReferenceId>,
}

#[derive(Debug, Clone)]
pub struct ComprehensionTarget<'a> {
    pub range: TextRange,
    pub name: &'a str,
    pub iter: &'a Expr,
    pub scope: ScopeId,
}

/// What an expression stands for, as far as a flow-insensitive look can tell.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A name from outside this module (`multiprocessing.Pool`, `helpers.run_all`,
    /// `.helpers.run_all` for a relative import).
    Qualified(QualifiedName),
    /// An attribute of a multiprocessing context (`ctx.Pool`), with the context's method.
    ContextApi {
        api: Api,
        method: Option<String>,
    },
    Function(FunctionId),
    Class(ClassId),
    /// An instance of a class (a `Qualified`, `ContextApi` or `Class`).
    Instance(Box<Value>),
    /// A multiprocessing context and its start method, when known.
    Context(Option<String>),
    /// A list, tuple or set whose elements are this.
    Collection(Box<Value>),
    Lambda,
    /// `obj.method` of an instance.
    BoundMethod(Box<Value>, String),
    /// `functools.partial(func, ...)`.
    Partial(Box<Value>),
    /// The element at this position of what a call of a name from another module
    /// returns (`data, loader = provider(args)`): the project layer looks it up.
    Element(Box<Value>, usize),
    /// An object a knowledge-base starter makes (`DataLoader(ds, num_workers=4)`),
    /// which starts processes when iterated, entered or called as the entry says.
    LibraryObject {
        starter: StarterId,
        /// Its arguments allow a start (unknown values count as "may").
        may_start: bool,
        /// The start method its arguments pin (`multiprocessing_context="spawn"`).
        method: Option<String>,
    },
    Unknown,
}

impl Value {
    /// The known API this value is (for a class or factory).
    pub fn api(&self) -> Option<Api> {
        match self {
            Value::Qualified(name) => api::classify(name),
            Value::ContextApi { api, .. } => Some(*api),
            _ => None,
        }
    }

    /// The start method a context-bound API pins (`get_context("fork").Pool`).
    pub fn context_method(&self) -> Option<&str> {
        match self {
            Value::ContextApi { method, .. } => method.as_deref(),
            _ => None,
        }
    }
}

const MAX_RESOLVE_DEPTH: usize = 12;
/// How many expressions one `resolve()` may look at.
const MAX_RESOLVE_STEPS: u32 = 400;

thread_local! {
    static RESOLVE_FUEL: std::cell::Cell<u32> = const { std::cell::Cell::new(MAX_RESOLVE_STEPS) };
    /// Whether a `resolve()` is under way on this thread.
    static RESOLVING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

impl<'a> ModuleModel<'a> {
    pub fn build(body: &'a [Stmt]) -> ModuleModel<'a> {
        let mut model = ModuleModel {
            body,
            scopes: IndexVec::from_iter([Scope {
                kind: ScopeKind::Module,
                parent: None,
                bindings: FxHashMap::default(),
                globals: Vec::new(),
                nonlocals: Vec::new(),
            }]),
            functions: IndexVec::new(),
            classes: IndexVec::new(),
            has_main_guard: false,
            comprehension_targets: Vec::new(),
            comprehensions: Vec::new(),
            binding_sites: IndexVec::new(),
            references: IndexVec::new(),
            reference_by_start: FxHashMap::default(),
        };
        model.collect_suite(body, MODULE_SCOPE, false, "");
        // One walk of every expression: the reads of names and the comprehensions.
        let mut collector = ReferenceCollector::new(&model);
        collector.visit_body(body);
        let ReferenceCollector {
            references,
            comprehension_targets,
            comprehensions,
            ..
        } = collector;
        model.comprehension_targets = comprehension_targets;
        model.comprehensions = comprehensions;
        model.reference_by_start.reserve(references.len());
        for reference in references {
            let start = reference.range.start();
            let binding = reference.binding();
            let id = model.references.push(reference);
            model.reference_by_start.insert(start, id);
            if let Some(binding) = binding {
                model.binding_sites[binding].references.push(id);
            }
        }
        for class in model.classes.indices() {
            model.classes[class].self_attributes = model.self_attribute_index(class);
        }
        model
    }

    /// The `for` clause of the innermost comprehension that binds `name` where
    /// it is read at `at`, with the clause's target (`x` or `(i, x)`).
    pub fn comprehension_binding(
        &self,
        name: &str,
        at: TextSize,
    ) -> Option<&'a ast::Comprehension> {
        self.comprehensions.iter().rev().find_map(|expr| {
            let generators = comprehension_generators(expr)?;
            if !expr.range().contains(at) {
                return None;
            }
            // The first iterable is evaluated outside the comprehension.
            if generators
                .first()
                .is_some_and(|first| first.iter.range().contains(at))
            {
                return None;
            }
            generators
                .iter()
                .find(|generator| target_binds(&generator.target, name))
        })
    }

    /// Binds `name` in `scope` (in the module for a `global` name, in the
    /// enclosing function for a `nonlocal` one); reads in the same scope see
    /// it from `visible_from` on.
    fn add_binding(
        &mut self,
        scope: ScopeId,
        name: &'a str,
        kind: BindingKind<'a>,
        range: TextRange,
        in_main_guard: bool,
        visible_from: TextSize,
    ) {
        let target = if self.scopes[scope].globals.contains(&name) {
            MODULE_SCOPE
        } else if self.scopes[scope].nonlocals.contains(&name) {
            self.nonlocal_scope(scope, name).unwrap_or(scope)
        } else {
            scope
        };
        let id = self.binding_sites.next_index();
        let bindings = self.scopes[target].bindings.entry(name).or_default();
        let position = u32::try_from(bindings.len()).expect("fewer than 2^32 bindings");
        bindings.push(Binding {
            id,
            kind,
            range,
            in_main_guard,
        });
        self.binding_sites.push(BindingSite {
            scope: target,
            name,
            position,
            visible_from,
            references: Vec::new(),
        });
    }

    /// The enclosing function scope a `nonlocal` name of `scope` lives in: the
    /// nearest that binds it so far, else the nearest.
    fn nonlocal_scope(&self, scope: ScopeId, name: &str) -> Option<ScopeId> {
        let mut nearest = None;
        let mut current = self.scopes[scope].parent;
        while let Some(id) = current {
            let info = &self.scopes[id];
            current = info.parent;
            if !matches!(info.kind, ScopeKind::Function(_)) {
                continue;
            }
            if info.nonlocals.contains(&name) {
                continue;
            }
            if info.bindings.contains_key(name) {
                return Some(id);
            }
            nearest.get_or_insert(id);
        }
        nearest
    }

    /// The binding with this id.
    pub fn binding(&self, id: BindingId) -> &Binding<'a> {
        let site = &self.binding_sites[id];
        &self.scopes[site.scope].bindings[site.name][site.position as usize]
    }

    /// The scope that holds a binding, and the name it binds.
    pub fn binding_scope(&self, id: BindingId) -> (ScopeId, &'a str) {
        let site = &self.binding_sites[id];
        (site.scope, site.name)
    }

    /// Where reads in the binding's own scope start to see it.
    pub(crate) fn binding_visible_from(&self, id: BindingId) -> TextSize {
        self.binding_sites[id].visible_from
    }

    /// Every read that resolves to a binding, in the order of the walk.
    pub fn references_of(&self, id: BindingId) -> impl Iterator<Item = &Reference<'a>> + '_ {
        self.binding_sites[id]
            .references
            .iter()
            .map(|&reference| &self.references[reference])
    }

    /// The read of a name whose expression starts at `range`'s start.
    pub fn reference_at(&self, range: TextRange) -> Option<&Reference<'a>> {
        let id = *self.reference_by_start.get(&range.start())?;
        let reference = &self.references[id];
        (reference.range == range).then_some(reference)
    }

    /// The binding a `Name` load reads, when it is one of this module's.
    pub fn resolve_load(&self, name: &ast::ExprName) -> Option<BindingId> {
        self.reference_at(name.range)?.binding()
    }

    /// How many plain loads of `name` the module makes, in any scope.
    pub fn load_count(&self, name: &str) -> usize {
        self.references
            .iter()
            .filter(|reference| reference.kind == ReferenceKind::Load && reference.name == name)
            .count()
    }

    fn new_scope(&mut self, kind: ScopeKind, parent: ScopeId) -> ScopeId {
        self.scopes.push(Scope {
            kind,
            parent: Some(parent),
            bindings: FxHashMap::default(),
            globals: Vec::new(),
            nonlocals: Vec::new(),
        })
    }

    fn is_function_scope(&self, scope: ScopeId) -> bool {
        let mut current = Some(scope);
        while let Some(id) = current {
            if matches!(self.scopes[id].kind, ScopeKind::Function(_)) {
                return true;
            }
            current = self.scopes[id].parent;
        }
        false
    }

    fn bind_target(
        &mut self,
        scope: ScopeId,
        target: &'a Expr,
        kind: BindingKind<'a>,
        guard: bool,
        visible_from: TextSize,
    ) {
        match target {
            Expr::Name(name) => self.add_binding(
                scope,
                name.id.as_str(),
                kind,
                name.range,
                guard,
                visible_from,
            ),
            Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
                for element in elts {
                    self.bind_target(scope, element, BindingKind::Other, guard, visible_from);
                }
            }
            Expr::Starred(starred) => {
                self.bind_target(
                    scope,
                    &starred.value,
                    BindingKind::Other,
                    guard,
                    visible_from,
                );
            }
            _ => {}
        }
    }

    fn collect_suite(&mut self, suite: &'a [Stmt], scope: ScopeId, guard: bool, prefix: &str) {
        for stmt in suite {
            self.collect_stmt(stmt, scope, guard, prefix);
        }
    }

    fn collect_stmt(&mut self, stmt: &'a Stmt, scope: ScopeId, guard: bool, prefix: &str) {
        match stmt {
            Stmt::Import(import) => {
                for alias in &import.names {
                    let (name, path) = match &alias.asname {
                        Some(asname) => (asname.as_str(), QualifiedName::new(&alias.name)),
                        None => {
                            let first = alias.name.split('.').next().unwrap_or_default();
                            (first, QualifiedName::new(first))
                        }
                    };
                    self.add_binding(
                        scope,
                        name,
                        BindingKind::Import(path),
                        alias.range,
                        guard,
                        stmt.end(),
                    );
                }
            }
            Stmt::ImportFrom(import) => {
                for alias in &import.names {
                    if alias.name.as_str() == "*" {
                        continue;
                    }
                    let name = alias.asname.as_ref().unwrap_or(&alias.name).as_str();
                    self.add_binding(
                        scope,
                        name,
                        BindingKind::FromImport {
                            level: import.level,
                            module: import.module.as_ref().map(|m| m.as_str()),
                            name: alias.name.as_str(),
                        },
                        alias.range,
                        guard,
                        stmt.end(),
                    );
                }
            }
            Stmt::FunctionDef(def) => {
                let id = self.functions.next_index();
                let is_local = self.is_function_scope(scope);
                let class = match self.scopes[scope].kind {
                    ScopeKind::Class(class) => Some(class),
                    _ => None,
                };
                let qualname = format!("{prefix}{}", def.name.as_str());
                let function_scope = self.new_scope(ScopeKind::Function(id), scope);
                self.functions.push(FunctionInfo {
                    def,
                    scope: function_scope,
                    parent_scope: scope,
                    class,
                    qualname: qualname.clone(),
                    is_local,
                    in_main_guard: guard,
                    returns: Vec::new(),
                });
                if let Some(class) = class {
                    self.classes[class].methods.insert(def.name.as_str(), id);
                }
                self.add_binding(
                    scope,
                    def.name.as_str(),
                    BindingKind::Function(id),
                    def.name.range,
                    guard,
                    stmt.end(),
                );
                // `global` and `nonlocal` declarations come first so that
                // assignments see them.
                for inner in def.body.iter() {
                    if let Stmt::Global(global) = inner {
                        for name in &global.names {
                            self.scopes[function_scope].globals.push(name.as_str());
                        }
                    }
                }
                for_each_statement(&def.body, &mut |inner| {
                    if let Stmt::Nonlocal(nonlocal) = inner {
                        for name in &nonlocal.names {
                            self.scopes[function_scope].nonlocals.push(name.as_str());
                        }
                    }
                });
                for (index, parameter) in def.parameters.iter().enumerate() {
                    self.add_binding(
                        function_scope,
                        parameter.name().as_str(),
                        BindingKind::Parameter(index),
                        parameter.name().range,
                        false,
                        parameter.name().range.start(),
                    );
                }
                let inner_prefix = format!("{qualname}.<locals>.");
                self.collect_suite(&def.body, function_scope, false, &inner_prefix);
            }
            Stmt::ClassDef(def) => {
                let id = self.classes.next_index();
                let is_local = self.is_function_scope(scope);
                let qualname = format!("{prefix}{}", def.name.as_str());
                let class_scope = self.new_scope(ScopeKind::Class(id), scope);
                self.classes.push(ClassInfo {
                    def,
                    scope: class_scope,
                    parent_scope: scope,
                    qualname: qualname.clone(),
                    is_local,
                    in_main_guard: guard,
                    methods: FxHashMap::default(),
                    self_attributes: FxHashMap::default(),
                });
                self.add_binding(
                    scope,
                    def.name.as_str(),
                    BindingKind::Class(id),
                    def.name.range,
                    guard,
                    stmt.end(),
                );
                let inner_prefix = format!("{qualname}.");
                self.collect_suite(&def.body, class_scope, guard, &inner_prefix);
            }
            Stmt::Assign(assign) => {
                for target in &assign.targets {
                    // `a, b = x, y` binds `a` to `x` and `b` to `y`.
                    if let Some(pairs) = unpacked_pairs(target, &assign.value) {
                        for (name, value) in pairs {
                            let kind = BindingKind::Assign(value);
                            self.bind_target(scope, name, kind, guard, stmt.end());
                        }
                        continue;
                    }
                    // `data, loader = provider(args)`: each name, its element.
                    if let Some(names) = flat_names(target) {
                        for (index, name) in names.into_iter().enumerate() {
                            let kind = BindingKind::Unpacked {
                                value: &assign.value,
                                index,
                            };
                            self.bind_target(scope, name, kind, guard, stmt.end());
                        }
                        continue;
                    }
                    let kind = BindingKind::Assign(&assign.value);
                    self.bind_target(scope, target, kind, guard, stmt.end());
                }
            }
            Stmt::AnnAssign(assign) => {
                if let Some(value) = &assign.value {
                    let kind = BindingKind::Assign(value);
                    self.bind_target(scope, &assign.target, kind, guard, stmt.end());
                }
            }
            Stmt::AugAssign(assign) => {
                let kind = BindingKind::Other;
                self.bind_target(scope, &assign.target, kind, guard, stmt.end());
            }
            Stmt::For(for_stmt) => {
                self.bind_target(
                    scope,
                    &for_stmt.target,
                    BindingKind::ForTarget(&for_stmt.iter),
                    guard,
                    for_stmt.iter.end(),
                );
                self.collect_suite(&for_stmt.body, scope, guard, prefix);
                self.collect_suite(&for_stmt.orelse, scope, guard, prefix);
            }
            Stmt::While(while_stmt) => {
                self.collect_suite(&while_stmt.body, scope, guard, prefix);
                self.collect_suite(&while_stmt.orelse, scope, guard, prefix);
            }
            Stmt::With(with) => {
                for item in &with.items {
                    if let Some(target) = &item.optional_vars {
                        self.bind_target(
                            scope,
                            target,
                            BindingKind::WithItem(&item.context_expr),
                            guard,
                            target.start(),
                        );
                    }
                }
                self.collect_suite(&with.body, scope, guard, prefix);
            }
            Stmt::If(if_stmt) => {
                let test = if scope == MODULE_SCOPE {
                    self.judge_guard(&if_stmt.test)
                } else {
                    GuardTest::None
                };
                if test == GuardTest::Main || test == GuardTest::NotMain {
                    self.has_main_guard = true;
                }
                self.collect_suite(
                    &if_stmt.body,
                    scope,
                    guard || test == GuardTest::Main,
                    prefix,
                );
                for clause in &if_stmt.elif_else_clauses {
                    let else_is_guard = test == GuardTest::NotMain && clause.test.is_none();
                    self.collect_suite(&clause.body, scope, guard || else_is_guard, prefix);
                }
            }
            Stmt::Try(try_stmt) => {
                self.collect_suite(&try_stmt.body, scope, guard, prefix);
                for handler in &try_stmt.handlers {
                    let ast::ExceptHandler::ExceptHandler(handler) = handler;
                    if let Some(name) = &handler.name {
                        self.add_binding(
                            scope,
                            name.as_str(),
                            BindingKind::Other,
                            name.range,
                            guard,
                            name.range.start(),
                        );
                    }
                    self.collect_suite(&handler.body, scope, guard, prefix);
                }
                self.collect_suite(&try_stmt.orelse, scope, guard, prefix);
                self.collect_suite(&try_stmt.finalbody, scope, guard, prefix);
            }
            Stmt::Match(match_stmt) => {
                for case in &match_stmt.cases {
                    self.collect_suite(&case.body, scope, guard, prefix);
                }
            }
            Stmt::Return(ast::StmtReturn {
                value: Some(value), ..
            }) => {
                if let ScopeKind::Function(function) = self.scopes[scope].kind {
                    self.functions[function].returns.push(value);
                }
            }
            Stmt::Expr(ast::StmtExpr { value, .. }) => {
                // `procs.append(Process(...))` tells what `procs` holds.
                if let Expr::Call(call) = value.as_ref() {
                    if let Expr::Attribute(attribute) = call.func.as_ref() {
                        if matches!(attribute.attr.as_str(), "append" | "add" | "put") {
                            if let (Expr::Name(list), Some(item)) =
                                (attribute.value.as_ref(), call.arguments.args.first())
                            {
                                self.add_binding(
                                    scope,
                                    list.id.as_str(),
                                    BindingKind::Appended(item),
                                    list.range,
                                    guard,
                                    stmt.end(),
                                );
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// The scope that encloses `scope` for name lookup (class scopes are skipped
    /// by nested functions, as in Python).
    fn lookup_chain(&self, scope: ScopeId) -> impl Iterator<Item = ScopeId> + '_ {
        let mut current = Some(scope);
        let mut first = true;
        std::iter::from_fn(move || loop {
            let id = current?;
            current = self.scopes[id].parent;
            let skip = !first && matches!(self.scopes[id].kind, ScopeKind::Class(_));
            first = false;
            if !skip {
                return Some(id);
            }
        })
    }

    /// The bindings a name refers to from `scope`, and the scope that holds them.
    pub fn lookup(&self, name: &str, scope: ScopeId) -> Option<(ScopeId, &[Binding<'a>])> {
        for id in self.lookup_chain(scope) {
            if self.scopes[id].globals.contains(&name) {
                continue;
            }
            if let Some(bindings) = self.scopes[id].bindings.get(name) {
                return Some((id, bindings));
            }
        }
        None
    }

    /// Judges a module-level test as a guard, looking through module names
    /// bound once (`IS_MAIN = __name__ == "__main__"`) and calls of helpers
    /// defined above it that only return a test (`def is_main(): return ...`).
    pub fn judge_guard<'e>(&self, test: &'e Expr) -> GuardTest
    where
        'a: 'e,
    {
        let stands_for = |expr: &Expr| -> Option<&'e Expr> {
            let name = match expr {
                Expr::Name(name) => name,
                Expr::Call(call) if call.arguments.is_empty() => match call.func.as_ref() {
                    Expr::Name(name) => name,
                    _ => return None,
                },
                _ => return None,
            };
            let bindings = self.scopes[MODULE_SCOPE].bindings.get(name.id.as_str())?;
            let [binding] = bindings.as_slice() else {
                return None;
            };
            match (&binding.kind, expr) {
                (BindingKind::Assign(value), Expr::Name(_)) => Some(*value),
                (BindingKind::Function(function), Expr::Call(_)) => {
                    let info = &self.functions[*function];
                    let simple = info.def.body.len() <= 2 && info.def.parameters.is_empty();
                    match info.returns.as_slice() {
                        [returned] if simple => Some(*returned),
                        _ => None,
                    }
                }
                _ => None,
            }
        };
        crate::guards::judge_guard(test, &stands_for)
    }

    /// A module-level expression statement that guards code by its test:
    /// `main() if __name__ == "__main__" else None`, `__name__ == "__main__" and main()`.
    /// The guarded operand runs only in the main script.
    pub fn expression_guard<'e>(&self, value: &'e Expr) -> Option<ExpressionGuard<'e>>
    where
        'a: 'e,
    {
        match value {
            Expr::If(if_expr) => match self.judge_guard(&if_expr.test) {
                GuardTest::Main => Some(ExpressionGuard {
                    test: &if_expr.test,
                    main_only: &if_expr.body,
                    elsewhere: Some(&if_expr.orelse),
                }),
                GuardTest::NotMain => Some(ExpressionGuard {
                    test: &if_expr.test,
                    main_only: &if_expr.orelse,
                    elsewhere: Some(&if_expr.body),
                }),
                _ => None,
            },
            Expr::BoolOp(bool_op) if bool_op.values.len() == 2 => {
                let test = &bool_op.values[0];
                let guarded = matches!(
                    (bool_op.op, self.judge_guard(test)),
                    (ast::BoolOp::And, GuardTest::Main) | (ast::BoolOp::Or, GuardTest::NotMain)
                );
                guarded.then(|| ExpressionGuard {
                    test,
                    main_only: &bool_op.values[1],
                    elsewhere: None,
                })
            }
            _ => None,
        }
    }

    /// The nested function a module-level function's name holds after its
    /// decorator ran, when the decorator (a function of this module, or a
    /// factory's result) returns a wrapper it defines and does not copy the
    /// original's name onto with `functools.wraps`: pickle then looks the
    /// wrapper up by its own qualified name (`timeout.<locals>.wrapper`) and
    /// fails. `None` when the name still pickles (no decorator, `wraps`, or
    /// a decorator this module does not define).
    pub fn replaced_by_wrapper(&self, function: FunctionId) -> Option<FunctionId> {
        let info = &self.functions[function];
        // The outermost decorator runs last: its result is what the name holds.
        let decorator = info.def.decorator_list.first()?;
        let wrapper = match &decorator.expression {
            Expr::Call(call) => {
                let Value::Function(factory) = self.resolve(&call.func, info.parent_scope) else {
                    return None;
                };
                let decorate = self.returned_local_function(factory)?;
                self.returned_local_function(decorate)?
            }
            expression => {
                let Value::Function(decorate) = self.resolve(expression, info.parent_scope) else {
                    return None;
                };
                self.returned_local_function(decorate)?
            }
        };
        let copies_name = self.functions[wrapper]
            .def
            .decorator_list
            .iter()
            .any(|decorator| {
                let Expr::Call(call) = &decorator.expression else {
                    return false;
                };
                match self.resolve(&call.func, self.functions[wrapper].parent_scope) {
                    Value::Qualified(name) => name == "functools.wraps",
                    _ => false,
                }
            });
        (!copies_name).then_some(wrapper)
    }

    /// The function `function` defines and returns on every `return`.
    pub(crate) fn returned_local_function(&self, function: FunctionId) -> Option<FunctionId> {
        let info = &self.functions[function];
        let mut found = None;
        for returned in &info.returns {
            match self.resolve(returned, info.scope) {
                Value::Function(inner) if self.functions[inner].parent_scope == info.scope => {
                    if found.is_some_and(|seen| seen != inner) {
                        return None;
                    }
                    found = Some(inner);
                }
                _ => return None,
            }
        }
        found
    }

    /// Resolves an expression, read in `scope`, to what it stands for.
    pub fn resolve(&self, expr: &Expr, scope: ScopeId) -> Value {
        // Helpers of the resolver call `resolve` again (a dict item read from
        // what a call returns): only the outermost call gets fresh fuel, so a
        // self-referencing binding (`df = df.set_index("x")["y"]`) stays bounded.
        if RESOLVING.with(|active| active.get()) {
            return self.resolve_depth(expr, scope, 0);
        }
        /// Clears the flag however the outermost call ends (a caught panic too).
        struct Outermost;
        impl Drop for Outermost {
            fn drop(&mut self) {
                RESOLVING.with(|active| active.set(false));
            }
        }
        RESOLVING.with(|active| active.set(true));
        let _outermost = Outermost;
        RESOLVE_FUEL.with(|fuel| fuel.set(MAX_RESOLVE_STEPS));
        self.resolve_depth(expr, scope, 0)
    }

    pub(crate) fn resolve_depth(&self, expr: &Expr, scope: ScopeId, depth: usize) -> Value {
        // Each name can have several bindings, each resolved in turn: without a
        // budget, chains of reassignments make the search exponential.
        let out_of_fuel = RESOLVE_FUEL.with(|fuel| {
            let left = fuel.get();
            fuel.set(left.saturating_sub(1));
            left == 0
        });
        if out_of_fuel {
            return Value::Unknown;
        }
        if depth > MAX_RESOLVE_DEPTH {
            return Value::Unknown;
        }
        match expr {
            Expr::Name(name) => {
                self.resolve_name(name.id.as_str(), name.range.start(), scope, depth)
            }
            Expr::Attribute(attribute) => {
                let attr = attribute.attr.as_str();
                match self.resolve_depth(&attribute.value, scope, depth + 1) {
                    Value::Qualified(base) => Value::Qualified(base.child(attr)),
                    Value::Context(method) => match api::classify_context_attribute(attr) {
                        Some(api) => Value::ContextApi { api, method },
                        None => Value::Unknown,
                    },
                    instance @ (Value::Instance(_) | Value::LibraryObject { .. }) => {
                        if let Value::Instance(class) = &instance {
                            if let Value::Class(class) = class.as_ref() {
                                if let Some(value) = self.instance_attribute(*class, attr, depth) {
                                    return value;
                                }
                            }
                        }
                        Value::BoundMethod(Box::new(instance), attr.to_string())
                    }
                    Value::Class(class) => match self.classes[class].methods.get(attr) {
                        Some(&function) => Value::Function(function),
                        None => Value::Unknown,
                    },
                    _ => Value::Unknown,
                }
            }
            Expr::Call(call) => {
                let callee = self.resolve_depth(&call.func, scope, depth + 1);
                match callee.api() {
                    Some(Api::GetContext) => {
                        let method = call
                            .arguments
                            .find_argument_value("method", 0)
                            .and_then(string_literal)
                            .map(str::to_string)
                            .or_else(|| callee.context_method().map(str::to_string));
                        return Value::Context(method);
                    }
                    Some(Api::Library(id)) if starter(id).starts != Trigger::Call => {
                        let known = starter(id);
                        return Value::LibraryObject {
                            starter: id,
                            may_start: known.may_start_with(call, &|expr| {
                                crate::argvalues::possible_values(self, expr, scope)
                            }),
                            method: known.pinned_method(call),
                        };
                    }
                    Some(Api::Partial) => {
                        return match call.arguments.args.first() {
                            Some(func) => {
                                Value::Partial(Box::new(self.resolve_depth(func, scope, depth + 1)))
                            }
                            None => Value::Unknown,
                        };
                    }
                    _ => {}
                }
                if let Value::Class(class) = &callee {
                    if let Some(base) = self.inherited_pool_api(*class) {
                        return Value::Instance(Box::new(base));
                    }
                    // `class FastLoader(DataLoader)`: the base's object.
                    if let Some(object) = self.inherited_starter_object(*class, call, scope) {
                        return object;
                    }
                }
                match callee {
                    Value::Qualified(_) | Value::ContextApi { .. } | Value::Class(_) => {
                        Value::Instance(Box::new(callee))
                    }
                    // What a function of this module returns (`discount = build_pipeline()`).
                    Value::Function(function) => {
                        let info = &self.functions[function];
                        info.returns
                            .iter()
                            .map(|value| self.resolve_depth(value, info.scope, depth + 1))
                            .find(|value| *value != Value::Unknown)
                            .unwrap_or(Value::Unknown)
                    }
                    // What a method of this module's class returns (`loader = self.get_loader()`).
                    Value::BoundMethod(receiver, method) => match *receiver {
                        Value::Instance(class) => match *class {
                            Value::Class(class) => {
                                match self.classes[class].methods.get(method.as_str()) {
                                    Some(&function) => {
                                        let info = &self.functions[function];
                                        info.returns
                                            .iter()
                                            .map(|value| {
                                                self.resolve_depth(value, info.scope, depth + 1)
                                            })
                                            .find(|value| *value != Value::Unknown)
                                            .unwrap_or(Value::Unknown)
                                    }
                                    None => Value::Unknown,
                                }
                            }
                            _ => Value::Unknown,
                        },
                        _ => Value::Unknown,
                    },
                    _ => Value::Unknown,
                }
            }
            Expr::Lambda(_) => Value::Lambda,
            Expr::List(ast::ExprList { elts, .. })
            | Expr::Tuple(ast::ExprTuple { elts, .. })
            | Expr::Set(ast::ExprSet { elts, .. }) => {
                let element = elts
                    .iter()
                    .map(|element| self.resolve_depth(element, scope, depth + 1))
                    .find(|value| *value != Value::Unknown)
                    .unwrap_or(Value::Unknown);
                Value::Collection(Box::new(element))
            }
            Expr::ListComp(ast::ExprListComp { elt, .. })
            | Expr::SetComp(ast::ExprSetComp { elt, .. })
            | Expr::Generator(ast::ExprGenerator { elt, .. }) => {
                Value::Collection(Box::new(self.resolve_depth(elt, scope, depth + 1)))
            }
            Expr::Subscript(subscript) => {
                if let Some(item) = self.dict_item_value(subscript, scope, depth) {
                    return item;
                }
                match self.resolve_depth(&subscript.value, scope, depth + 1) {
                    Value::Collection(element) => *element,
                    _ => Value::Unknown,
                }
            }
            Expr::Named(named) => self.resolve_depth(&named.value, scope, depth + 1),
            _ => Value::Unknown,
        }
    }

    /// What the element at `index` of `value` stands for: of a tuple display, of what
    /// a function or method of this module returns, or (for a name from another
    /// module) an [`Value::Element`] for the project layer.
    pub fn element_of(&self, value: &Expr, index: usize, scope: ScopeId, depth: usize) -> Value {
        if depth > MAX_RESOLVE_DEPTH {
            return Value::Unknown;
        }
        if let Some(element) = display_element(value, index) {
            return self.resolve_depth(element, scope, depth + 1);
        }
        let Expr::Call(call) = value else {
            return Value::Unknown;
        };
        let function = match self.resolve_depth(&call.func, scope, depth + 1) {
            Value::Function(function) => function,
            Value::BoundMethod(instance, method) => match *instance {
                Value::Instance(class) => match *class {
                    Value::Class(class) => match self.classes[class].methods.get(method.as_str()) {
                        Some(&function) => function,
                        None => return Value::Unknown,
                    },
                    _ => return Value::Unknown,
                },
                _ => return Value::Unknown,
            },
            callee @ Value::Qualified(_) if callee.api().is_none() => {
                return Value::Element(Box::new(Value::Instance(Box::new(callee))), index);
            }
            _ => return Value::Unknown,
        };
        self.returned_element(function, index, depth + 1)
    }

    /// What the element at `index` of what `function` returns stands for
    /// (`return data_set, data_loader`), the first of its returns that tells.
    pub fn returned_element(&self, function: FunctionId, index: usize, depth: usize) -> Value {
        let info = &self.functions[function];
        info.returns
            .iter()
            .map(|returned| self.element_of(returned, index, info.scope, depth + 1))
            .find(|value| *value != Value::Unknown)
            .unwrap_or(Value::Unknown)
    }

    fn resolve_name(&self, name: &str, at: TextSize, scope: ScopeId, depth: usize) -> Value {
        // A comprehension variable in scope here (the innermost comprehension wins).
        if let Some(target) = self
            .comprehension_targets
            .iter()
            .filter(|target| target.range.contains(at) && target.name == name)
            .min_by_key(|target| target.range.len())
        {
            return match self.resolve_depth(target.iter, target.scope, depth + 1) {
                Value::Collection(element) => *element,
                _ => Value::Unknown,
            };
        }
        let Some((found_in, bindings)) = self.lookup(name, scope) else {
            return Value::Unknown;
        };
        // Prefer the bindings made before the use when the use is in the same
        // scope (and there are any); filtered in place, without collecting.
        let only_before = found_in == scope && bindings.iter().any(|b| b.range.start() <= at);
        let candidates = || {
            bindings
                .iter()
                .filter(move |b| !only_before || b.range.start() <= at)
        };
        let mut fallback = Value::Unknown;
        // `model.add(layer)` on a knowledge-base object (a Keras model) is a
        // method of its own, not a container being filled.
        let library_object = candidates()
            .any(|binding| matches!(binding.kind, BindingKind::Appended(_)))
            && candidates().any(|binding| {
                matches!(binding.kind, BindingKind::Assign(_))
                    && matches!(
                        self.binding_value(binding, found_in, depth),
                        Value::LibraryObject { .. }
                    )
            });
        for binding in candidates().rev() {
            if library_object && matches!(binding.kind, BindingKind::Appended(_)) {
                continue;
            }
            let value = self.binding_value(binding, found_in, depth);
            match &value {
                Value::Unknown => {}
                Value::Collection(element) if **element == Value::Unknown => {
                    if fallback == Value::Unknown {
                        fallback = value;
                    }
                }
                _ => return value,
            }
        }
        fallback
    }

    fn binding_value(&self, binding: &Binding<'a>, scope: ScopeId, depth: usize) -> Value {
        match &binding.kind {
            BindingKind::Import(path) => Value::Qualified(*path),
            BindingKind::FromImport {
                level,
                module,
                name,
            } => Value::Qualified(QualifiedName::from_import(*level, *module, name)),
            BindingKind::Function(id) => Value::Function(*id),
            BindingKind::Class(id) => Value::Class(*id),
            BindingKind::Assign(value) => self.resolve_depth(value, scope, depth + 1),
            BindingKind::WithItem(context) => self.resolve_depth(context, scope, depth + 1),
            BindingKind::ForTarget(iter) => match self.resolve_depth(iter, scope, depth + 1) {
                Value::Collection(element) => *element,
                _ => Value::Unknown,
            },
            BindingKind::Appended(item) => {
                Value::Collection(Box::new(self.resolve_depth(item, scope, depth + 1)))
            }
            BindingKind::Unpacked { value, index } => {
                self.element_of(value, *index, scope, depth + 1)
            }
            BindingKind::Parameter(0) => self.receiver_value(scope),
            BindingKind::Parameter(_) | BindingKind::Other => Value::Unknown,
        }
    }

    /// What the first parameter of a method is: `self` (an instance of its
    /// class) or `cls` (the class); nothing for a static method or a function.
    fn receiver_value(&self, scope: ScopeId) -> Value {
        let ScopeKind::Function(function) = self.scopes[scope].kind else {
            return Value::Unknown;
        };
        let info = &self.functions[function];
        let Some(class) = info.class else {
            return Value::Unknown;
        };
        let decorated = |name: &str| {
            info.def.decorator_list.iter().any(
                |decorator| matches!(&decorator.expression, Expr::Name(n) if n.id.as_str() == name),
            )
        };
        if decorated("staticmethod") {
            Value::Unknown
        } else if decorated("classmethod") {
            Value::Class(class)
        } else {
            Value::Instance(Box::new(Value::Class(class)))
        }
    }

    /// The strings an expression can evaluate to, when all are literals
    /// (`"spawn"`, `"a" if x else "b"`, or a name only ever bound to those).
    pub fn possible_strings(&self, expr: &Expr, scope: ScopeId) -> Option<Vec<String>> {
        self.possible_strings_depth(expr, scope, 0)
    }

    fn possible_strings_depth(
        &self,
        expr: &Expr,
        scope: ScopeId,
        depth: usize,
    ) -> Option<Vec<String>> {
        if depth > MAX_RESOLVE_DEPTH {
            return None;
        }
        match expr {
            Expr::StringLiteral(literal) => Some(vec![literal.value.to_str().to_string()]),
            Expr::If(if_expr) => {
                let mut values = self.possible_strings_depth(&if_expr.body, scope, depth + 1)?;
                values.extend(self.possible_strings_depth(&if_expr.orelse, scope, depth + 1)?);
                Some(values)
            }
            Expr::Name(name) => {
                let (found_in, bindings) = self.lookup(name.id.as_str(), scope)?;
                let mut values = Vec::new();
                for binding in bindings {
                    match binding.kind {
                        BindingKind::Assign(value) => {
                            values.extend(self.possible_strings_depth(
                                value,
                                found_in,
                                depth + 1,
                            )?);
                        }
                        _ => return None,
                    }
                }
                (!values.is_empty()).then_some(values)
            }
            _ => None,
        }
    }

    /// The position of the parameter an expression names, when it is one of
    /// the enclosing function's parameters (and never rebound).
    pub fn parameter_index(&self, expr: &Expr, scope: ScopeId) -> Option<usize> {
        let Expr::Name(name) = expr else {
            return None;
        };
        let (found_in, bindings) = self.lookup(name.id.as_str(), scope)?;
        match bindings {
            [Binding {
                kind: BindingKind::Parameter(index),
                ..
            }] if found_in == scope => Some(*index),
            _ => None,
        }
    }

    /// The module-level bindings of a name, without those made inside the main guard.
    pub fn has_module_binding_outside_guard(&self, name: &str) -> bool {
        self.scopes[MODULE_SCOPE]
            .bindings
            .get(name)
            .is_some_and(|bindings| bindings.iter().any(|binding| !binding.in_main_guard))
    }

    /// The scope that the body of a function or class opens.
    pub fn function_scope(&self, function: FunctionId) -> ScopeId {
        self.functions[function].scope
    }

    /// The class a name stands for an instance of when it is a method's
    /// receiver (`self` in a method of that class, never rebound).
    pub fn receiver_class(&self, expr: &Expr, scope: ScopeId) -> Option<ClassId> {
        let Expr::Name(name) = expr else {
            return None;
        };
        let (found_in, bindings) = self.lookup(name.id.as_str(), scope)?;
        if !matches!(
            bindings,
            [Binding {
                kind: BindingKind::Parameter(0),
                ..
            }]
        ) {
            return None;
        }
        match self.receiver_value(found_in) {
            Value::Instance(class) => match *class {
                Value::Class(class) => Some(class),
                _ => None,
            },
            _ => None,
        }
    }

    /// The values assigned to `self.<attr>` in the methods of a class (not in
    /// its base classes), each with the scope of the method that assigns it.
    pub fn self_attribute_values(&self, class: ClassId, attr: &str) -> Vec<(&'a Expr, ScopeId)> {
        self.classes[class]
            .self_attributes
            .get(attr)
            .cloned()
            .unwrap_or_default()
    }

    fn self_attribute_index(&self, class: ClassId) -> FxHashMap<&'a str, Vec<(&'a Expr, ScopeId)>> {
        {
            let mut index: FxHashMap<&'a str, Vec<(&'a Expr, ScopeId)>> = FxHashMap::default();
            let mut methods: Vec<FunctionId> =
                self.classes[class].methods.values().copied().collect();
            methods.sort_unstable();
            for method in methods {
                let info = &self.functions[method];
                for_each_statement(&info.def.body, &mut |stmt| {
                    let (targets, value): (&'a [Expr], &'a Expr) = match stmt {
                        Stmt::Assign(assign) => (&assign.targets, &assign.value),
                        Stmt::AnnAssign(ast::StmtAnnAssign {
                            target,
                            value: Some(value),
                            ..
                        }) => (std::slice::from_ref(target.as_ref()), value),
                        _ => return,
                    };
                    for target in targets {
                        if let Expr::Attribute(attribute) = target {
                            if self.receiver_class(&attribute.value, info.scope) == Some(class) {
                                index
                                    .entry(attribute.attr.as_str())
                                    .or_default()
                                    .push((value, info.scope));
                            }
                        }
                    }
                });
            }
            index
        }
    }

    /// What `self.<attr>` holds when every method that assigns it (outside
    /// `None`) assigns the same known kind of value (`self.pool = Pool(2)`),
    /// and the attribute is not a method: the pool whose `map` a method calls.
    fn instance_attribute(&self, class: ClassId, attr: &str, depth: usize) -> Option<Value> {
        if self.classes[class].methods.contains_key(attr) {
            return None;
        }
        let mut found: Option<Value> = None;
        for (value, scope) in self.self_attribute_values(class, attr) {
            if matches!(value, Expr::NoneLiteral(_)) {
                continue;
            }
            let resolved = self.resolve_depth(value, scope, depth + 1);
            if resolved == Value::Unknown || found.as_ref().is_some_and(|known| *known != resolved)
            {
                return None;
            }
            found = Some(resolved);
        }
        found
    }
}

/// Calls `visit` on every statement of a body, including those nested in
/// compound statements, but not those of nested function or class definitions.
pub fn for_each_statement<'a>(body: &'a [Stmt], visit: &mut impl FnMut(&'a Stmt)) {
    for stmt in body {
        visit(stmt);
        match stmt {
            Stmt::If(if_stmt) => {
                for_each_statement(&if_stmt.body, visit);
                for clause in &if_stmt.elif_else_clauses {
                    for_each_statement(&clause.body, visit);
                }
            }
            Stmt::For(for_stmt) => {
                for_each_statement(&for_stmt.body, visit);
                for_each_statement(&for_stmt.orelse, visit);
            }
            Stmt::While(while_stmt) => {
                for_each_statement(&while_stmt.body, visit);
                for_each_statement(&while_stmt.orelse, visit);
            }
            Stmt::With(with) => for_each_statement(&with.body, visit),
            Stmt::Try(try_stmt) => {
                for_each_statement(&try_stmt.body, visit);
                for handler in &try_stmt.handlers {
                    let ast::ExceptHandler::ExceptHandler(handler) = handler;
                    for_each_statement(&handler.body, visit);
                }
                for_each_statement(&try_stmt.orelse, visit);
                for_each_statement(&try_stmt.finalbody, visit);
            }
            Stmt::Match(match_stmt) => {
                for case in &match_stmt.cases {
                    for_each_statement(&case.body, visit);
                }
            }
            _ => {}
        }
    }
}

/// The targets and values of `a, b = x, y` (same length, nothing starred).
/// The names of a tuple or list target made only of names (`a, b`, `[x, y]`).
fn flat_names(target: &Expr) -> Option<Vec<&Expr>> {
    let (Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. })) =
        target
    else {
        return None;
    };
    elts.iter()
        .all(|element| matches!(element, Expr::Name(_)))
        .then(|| elts.iter().collect())
}

/// The element at `index` of a tuple or list display without `*` (`return data, loader`).
pub fn display_element(expr: &Expr, index: usize) -> Option<&Expr> {
    let (Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. })) = expr
    else {
        return None;
    };
    if elts
        .iter()
        .any(|element| matches!(element, Expr::Starred(_)))
    {
        return None;
    }
    elts.get(index)
}

fn unpacked_pairs<'a>(target: &'a Expr, value: &'a Expr) -> Option<Vec<(&'a Expr, &'a Expr)>> {
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

/// The `for` clauses of a comprehension or generator expression.
pub fn comprehension_generators(expr: &Expr) -> Option<&[ast::Comprehension]> {
    match expr {
        Expr::ListComp(ast::ExprListComp { generators, .. })
        | Expr::SetComp(ast::ExprSetComp { generators, .. })
        | Expr::DictComp(ast::ExprDictComp { generators, .. })
        | Expr::Generator(ast::ExprGenerator { generators, .. }) => Some(generators),
        _ => None,
    }
}

fn target_binds(target: &Expr, name: &str) -> bool {
    match target {
        Expr::Name(target) => target.id.as_str() == name,
        Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
            elts.iter().any(|element| target_binds(element, name))
        }
        Expr::Starred(starred) => target_binds(&starred.value, name),
        _ => false,
    }
}

/// The text of a plain string literal.
pub fn string_literal(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::StringLiteral(literal) => Some(literal.value.to_str()),
        _ => None,
    }
}

/// Classifies an `if` test as a main guard, a broken guard, or neither, by
/// what it evaluates to in the main script and in a spawn child (see
/// [`crate::guards::judge_guard`]), without following names or helpers.
pub fn guard_test(test: &Expr) -> GuardTest {
    crate::guards::judge_guard(test, &|_| None)
}

/// The range of a statement's header, for locations (the `def f(...)` line, not the body).
pub fn header_range(stmt: &Stmt) -> TextRange {
    match stmt {
        Stmt::FunctionDef(def) => def.name.range,
        Stmt::ClassDef(def) => def.name.range,
        _ => stmt.range(),
    }
}
