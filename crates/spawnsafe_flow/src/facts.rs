//! One walk over a module collects the facts the rules need: which process
//! starts and calls run at import time, what each function does when called,
//! which callables are sent to child processes, and `set_start_method` calls.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use crate::api::{self, Api, Pickler};
use crate::platform_checks::{
    decorators_check_platform, ends_on_platform, mentions_platform_check,
};
use crate::semantic::knowledge::{starter, SendKind, SendVia, StarterId, Trigger};
use crate::semantic::{
    ClassId, FunctionId, GuardTest, IndexVec, ModuleModel, ScopeId, Value, MODULE_SCOPE,
};
use crate::start_order;

/// What kind of process start a call is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartKind {
    Pool,
    Process,
    Manager,
    Executor,
    TorchSpawn,
    /// A knowledge-base starter (`for batch in loader:` of a `DataLoader`).
    Library(StarterId),
}

impl StartKind {
    pub fn describe(self) -> &'static str {
        match self {
            StartKind::Library(id) => starter(id).description.as_str(),
            StartKind::Pool => "creates a process pool",
            StartKind::Process => "starts a process",
            StartKind::Manager => "starts a manager process",
            StartKind::Executor => "starts the process pool executor's workers",
            StartKind::TorchSpawn => "spawns processes",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Start {
    pub range: TextRange,
    pub kind: StartKind,
    /// The start method of the context it is made through (`get_context("fork").Pool()`).
    pub method: Option<String>,
}

/// A call into code that may be the project's own, to follow later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Function(FunctionId),
    /// Instantiating a class of this module: runs its `__init__`.
    Class(ClassId),
    /// `obj.method()` on an instance of a class of this module.
    Method(ClassId, String),
    /// A name from another module (`helpers.run_all`, `.helpers.Runner`), maybe the project's.
    External(String),
    /// `obj.method()` on an instance of a class from another module.
    ExternalMethod(String, String),
    /// `obj.method()` where `obj` is the element at this position of what a function
    /// from another module returns (`data, loader = provider(args)`, then `for b in loader`).
    ExternalElement(String, usize, String),
    /// An item of a module-level registry of callables (`_callbacks[label](...)`):
    /// every callable stored in it (see [`crate::callbacks`]).
    Registry(String),
}

#[derive(Debug, Clone)]
pub struct CallEdge<'a> {
    pub range: TextRange,
    pub target: Target,
    /// The call expression (none for a decorator applied by name, `@register`).
    pub call: Option<&'a ast::ExprCall>,
    /// The scope the call is made in (to resolve its arguments).
    pub scope: ScopeId,
    /// Inside a `try` whose handler catches `RuntimeError`, or an `if` that
    /// checks `get_start_method(allow_none=True)`.
    pub catches_runtime_error: bool,
    /// Runs whenever its body runs (not inside an `if`, loop, `try` or `match`).
    pub unconditional: bool,
}

/// A `set_start_method(...)` call that raises when it runs a second time.
#[derive(Debug, Clone)]
pub struct SetStartMethodCall {
    pub range: TextRange,
    pub method: String,
    pub catches_runtime_error: bool,
    pub unconditional: bool,
    /// The platform defaults under which it runs (a bit set of
    /// [`crate::start_order`]): all of them, unless an `if` that compares
    /// `get_start_method()` with a method decides.
    pub under_defaults: u8,
}

/// Something that fixes the default context, so that a later
/// `set_start_method()` without `force=True` raises: a `Queue()`, `Lock()`,
/// `Pool()`... made through it, or `get_context()`/`get_start_method()`.
#[derive(Debug, Clone)]
pub struct ContextFixer {
    pub range: TextRange,
    pub unconditional: bool,
}

/// What code does when it runs (a function body, or the module at import time).
#[derive(Debug, Clone, Default)]
pub struct BodyFacts<'a> {
    pub starts: Vec<Start>,
    pub calls: Vec<CallEdge<'a>>,
    pub set_start_methods: Vec<SetStartMethodCall>,
    pub context_fixers: Vec<ContextFixer>,
    /// Starts that depend on what a caller passes (`executor.submit(...)` on a parameter).
    pub parameter_starts: Vec<ParameterStart>,
}

/// A method call on a parameter that starts processes when the caller passes
/// the right object: `executor.submit(f)`, `executor.map(f, xs)` or
/// `loop.run_in_executor(executor, f)` with a `ProcessPoolExecutor`,
/// `proc.start()` with a `Process`.
#[derive(Debug, Clone)]
pub struct ParameterStart {
    pub range: TextRange,
    /// The parameter's position (the receiver `self` counts).
    pub parameter: usize,
    /// `submit`, `map` or `start` (`run_in_executor` counts as `submit`).
    pub method: &'static str,
}

/// How a callable or an object reaches a child process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickleRole {
    /// `pool.map(f, ...)`: pickled under every start method.
    PoolTask,
    /// `executor.submit(f, ...)`: pickled under every start method.
    ExecutorTask,
    /// `Process(target=f)`: pickled only under spawn and forkserver.
    ProcessTarget,
    /// `Pool(initializer=f)`: pickled only under spawn and forkserver.
    Initializer,
    /// An argument of a task or a target (`args=(...)`, the iterable of `map`).
    Argument,
    /// A `Process` subclass instance being started: spawn pickles the whole object.
    ProcessObject,
    /// A function a library's worker processes call (`DataLoader(collate_fn=f)`),
    /// pickled with the library's `Process` objects: only under spawn and forkserver.
    LibraryCallable(StarterId),
}

impl PickleRole {
    /// Pickled even under fork.
    pub fn pickled_under_fork(self) -> bool {
        matches!(self, PickleRole::PoolTask | PickleRole::ExecutorTask)
    }

    /// What the value is used as, with its article: "a `Process` target".
    pub fn describe(self) -> &'static str {
        match self {
            PickleRole::PoolTask => "a task function of a process pool",
            PickleRole::ExecutorTask => "a task function of a `ProcessPoolExecutor`",
            PickleRole::ProcessTarget => "a `Process` target",
            PickleRole::Initializer => "a worker initializer",
            PickleRole::Argument => "an argument",
            PickleRole::ProcessObject => "a `Process` object (spawn pickles the whole object)",
            PickleRole::LibraryCallable(_) => "a function the library's worker processes call",
        }
    }
}

/// What sends the arguments of a task or a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sender {
    /// `pool.map(f, items)`, `pool.apply_async(f, args, kwds)`: the arguments go
    /// through the pool's task queue, pickled under every start method.
    Pool,
    /// `executor.submit(f, *args, **kwargs)`, `executor.map(f, *iterables)`:
    /// pickled onto the call queue under every start method.
    Executor,
    /// `Process(args=..., kwargs=...)`: pickled with the `Process` object at
    /// `start()`, only under spawn and forkserver, while the child is created.
    Process,
    /// A knowledge-base starter's own `Process` objects (a `DataLoader`'s
    /// workers get the dataset as `Process` args): as [`Sender::Process`].
    Library(StarterId),
}

impl Sender {
    /// Pickled even under fork (task arguments are; `Process` args are not).
    pub fn pickled_under_fork(self) -> bool {
        !matches!(self, Sender::Process | Sender::Library(_))
    }

    /// Pickled while a child process is being created, when multiprocessing's
    /// `Queue`, `Lock`, `Value`... may be pickled (`context.assert_spawning`).
    pub fn while_spawning(self) -> bool {
        matches!(self, Sender::Process | Sender::Library(_))
    }
}

/// Which values of an argument expression are pickled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// The value itself, with everything it holds (`executor.submit(f, x)`).
    Whole,
    /// Each item the expression yields when iterated (`pool.map(f, items)`,
    /// `Process(args=...)`, which is copied with `tuple(args)`).
    Items,
}

/// How the values of an [`PickleRole::Argument`] site travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArgumentSend {
    pub sender: Sender,
    pub shape: Shape,
}

/// An expression whose value is pickled and sent to a child process.
#[derive(Debug, Clone)]
pub struct PickleSite<'a> {
    pub expr: &'a Expr,
    pub value: Value,
    pub role: PickleRole,
    pub scope: ScopeId,
    /// The start method the API is pinned to (`get_context("fork").Process`), when known.
    pub context_method: Option<String>,
    pub pickler: Pickler,
    /// The expression is this parameter of the enclosing function: what the
    /// callers pass is what gets pickled.
    pub parameter: Option<usize>,
    /// The call that sends it (`Process(target=f, daemon=True)`, `pool.map(f, xs)`).
    pub call: &'a ast::ExprCall,
    /// For an argument: what sends it and which of its values are pickled.
    pub send: Option<ArgumentSend>,
}

/// Every call in the module, with where it runs: for rules that look at
/// particular APIs (`get_context("fork")`, `print`, `Pool(processes=64)`).
#[derive(Debug, Clone, Copy)]
pub struct CallSite<'a> {
    pub call: &'a ast::ExprCall,
    pub scope: ScopeId,
    /// The innermost function the call is in.
    pub function: Option<FunctionId>,
    /// Runs when the module is imported (in a spawn child too).
    pub import_time: bool,
    /// In the body of the main guard (runs only in the main script).
    pub in_main_guard: bool,
    /// Runs only where a platform check allows it: under an `if`/`elif`/`while`
    /// or conditional expression that tests the platform (`sys.platform`,
    /// `os.name`, `platform.system()`, `get_all_start_methods()`...), after an
    /// `if` on the platform that returns or raises, in a function or class
    /// whose decorators test it (`skipif(sys.platform == "win32")`), or in a
    /// module that a platform check skips.
    pub platform_checked: bool,
    /// Inside a `try` whose handler catches `ValueError` (a fallback).
    pub catches_value_error: bool,
}

#[derive(Debug, Default)]
pub struct ModuleFacts<'a> {
    pub import_time: BodyFacts<'a>,
    /// What the main guard's body does (it runs only in the main script).
    pub main_only: BodyFacts<'a>,
    pub functions: IndexVec<FunctionId, BodyFacts<'a>>,
    pub pickle_sites: Vec<PickleSite<'a>>,
    /// Task calls on a pool the enclosing function receives as a parameter:
    /// pickle sites only where a caller passes a process pool.
    pub parameter_tasks: Vec<crate::parameter_pools::ParameterTask<'a>>,
    /// Every `if` test that is a broken main guard.
    pub malformed_guards: Vec<&'a Expr>,
    /// Every module this one imports: `(level, module)` as written.
    pub imports: Vec<(u32, String)>,
    /// The modules it imports whenever it is imported (not in a function,
    /// the main guard or a branch).
    pub import_time_imports: Vec<(u32, String)>,
    /// The methods every `set_start_method()` call here selects (with `force=True` too).
    pub selected_methods: Vec<String>,
    /// Every call, in source order.
    pub calls: Vec<CallSite<'a>>,
    /// The module globals each body reads and writes.
    pub globals: crate::globals::ModuleGlobals<'a>,
    /// Module-level containers of callables, by name.
    pub registries: rustc_hash::FxHashMap<&'a str, crate::callbacks::Registry>,
}

#[derive(Clone, Copy)]
struct Context {
    scope: ScopeId,
    function: Option<FunctionId>,
    import_time: bool,
    catches_runtime_error: bool,
    conditional: bool,
    platform_checked: bool,
    catches_value_error: bool,
    /// The platform defaults under which the code runs (see [`SetStartMethodCall::under_defaults`]).
    under_defaults: u8,
}

pub fn collect<'a>(model: &ModuleModel<'a>) -> ModuleFacts<'a> {
    let mut collector = Collector {
        model,
        facts: ModuleFacts {
            functions: IndexVec::from_elem_n(BodyFacts::default(), model.functions.len()),
            registries: crate::callbacks::stored_callables(model),
            ..ModuleFacts::default()
        },
        current_call: None,
        function_by_def: model
            .functions
            .iter_enumerated()
            .map(|(id, info)| (info.def.range.start(), id))
            .collect(),
        class_by_def: model
            .classes
            .iter_enumerated()
            .map(|(id, info)| (info.def.range.start(), id))
            .collect(),
    };
    let context = Context {
        scope: MODULE_SCOPE,
        function: None,
        import_time: true,
        catches_runtime_error: false,
        conditional: false,
        platform_checked: false,
        catches_value_error: false,
        under_defaults: crate::start_order::ALL_DEFAULTS,
    };
    collector.suite(model.body, context);
    collector.facts.globals = crate::globals::collect(model);
    collector.facts
}

struct Collector<'m, 'a> {
    model: &'m ModuleModel<'a>,
    facts: ModuleFacts<'a>,
    /// The call being classified, for the pickle sites it creates.
    current_call: Option<&'a ast::ExprCall>,
    function_by_def: rustc_hash::FxHashMap<ruff_text_size::TextSize, FunctionId>,
    class_by_def: rustc_hash::FxHashMap<ruff_text_size::TextSize, ClassId>,
}

impl<'m, 'a> Collector<'m, 'a> {
    fn suite(&mut self, suite: &'a [Stmt], context: Context) {
        let mut context = context;
        for stmt in suite {
            self.stmt(stmt, context);
            // What follows `if sys.platform == "win32": return ...` runs off Windows only.
            if !context.platform_checked && ends_on_platform(self.model, stmt, context.scope) {
                context.platform_checked = true;
            }
        }
    }

    fn body_facts(&mut self, context: Context) -> &mut BodyFacts<'a> {
        match context.function {
            Some(function) => &mut self.facts.functions[function],
            None if context.import_time => &mut self.facts.import_time,
            None => &mut self.facts.main_only,
        }
    }

    fn stmt(&mut self, stmt: &'a Stmt, context: Context) {
        match stmt {
            Stmt::FunctionDef(def) => {
                self.decorators(&def.decorator_list, context);
                for parameter in def.parameters.iter() {
                    if let Some(default) = parameter.default() {
                        self.expr(default, context);
                    }
                }
                let id = self.function_by_def[&def.range.start()];
                let inner = Context {
                    scope: self.model.functions[id].scope,
                    function: Some(id),
                    import_time: false,
                    catches_runtime_error: false,
                    conditional: false,
                    // A function defined under a platform check exists only there.
                    platform_checked: context.platform_checked
                        || decorators_check_platform(
                            self.model,
                            &def.decorator_list,
                            context.scope,
                        ),
                    catches_value_error: false,
                    under_defaults: crate::start_order::ALL_DEFAULTS,
                };
                self.suite(&def.body, inner);
            }
            Stmt::ClassDef(def) => {
                self.decorators(&def.decorator_list, context);
                if let Some(arguments) = &def.arguments {
                    for argument in arguments.args.iter() {
                        self.expr(argument, context);
                    }
                }
                let id = self.class_by_def[&def.range.start()];
                // A class body runs when the class statement does.
                let inner = Context {
                    scope: self.model.classes[id].scope,
                    platform_checked: context.platform_checked
                        || decorators_check_platform(
                            self.model,
                            &def.decorator_list,
                            context.scope,
                        ),
                    ..context
                };
                self.suite(&def.body, inner);
            }
            Stmt::If(if_stmt) => {
                let test = if context.scope == MODULE_SCOPE {
                    self.model.judge_guard(&if_stmt.test)
                } else {
                    GuardTest::None
                };
                if matches!(test, GuardTest::NeverTrue | GuardTest::AlwaysTrue) {
                    self.facts.malformed_guards.push(&if_stmt.test);
                }
                self.expr(&if_stmt.test, context);
                // The SPS103 fix's test: the body runs only in the original process.
                let original_only = context.scope == MODULE_SCOPE
                    && crate::semantic::guards::is_original_process_test(&if_stmt.test);
                let (body_runs_in_children, else_runs_in_children) = match test {
                    _ if original_only => (false, true),
                    GuardTest::Main | GuardTest::NeverTrue => (false, true),
                    GuardTest::NotMain | GuardTest::AlwaysTrue => (true, false),
                    GuardTest::None => (true, true),
                };
                // `if get_start_method(allow_none=True) is None:` checks before it sets;
                // `if get_start_method() != "fork":` fixes the context itself first.
                let method_test =
                    start_order::judge_method_test(self.model, &if_stmt.test, context.scope);
                let checks_start_method = matches!(
                    method_test,
                    start_order::MethodTest::Protective | start_order::MethodTest::Opaque
                );
                let (body_defaults, else_defaults) = match method_test {
                    start_order::MethodTest::Branch { when_true } => (
                        context.under_defaults & when_true,
                        context.under_defaults & !when_true,
                    ),
                    _ => (context.under_defaults, context.under_defaults),
                };
                let mut checks_platform =
                    mentions_platform_check(self.model, &if_stmt.test, context.scope);
                let body_context = Context {
                    import_time: context.import_time && body_runs_in_children,
                    catches_runtime_error: context.catches_runtime_error || checks_start_method,
                    // The main guard's body runs unconditionally in the main script.
                    conditional: context.conditional || !matches!(test, GuardTest::Main),
                    platform_checked: context.platform_checked || checks_platform,
                    under_defaults: body_defaults,
                    ..context
                };
                // A never-true guard's body never runs: nothing there is walked for import time,
                // but it is still walked for what it sends to children.
                // A branch a constant test (`if True:`, `if 0:`) never takes is not compiled.
                let (body_live, clauses_live) =
                    crate::semantic::constant_tests::live_branches(if_stmt);
                if body_live {
                    self.suite(&if_stmt.body, body_context);
                }
                for (clause, live) in if_stmt.elif_else_clauses.iter().zip(clauses_live) {
                    if !live {
                        continue;
                    }
                    let runs = if clause.test.is_none() {
                        else_runs_in_children
                    } else {
                        // An `elif` after a real guard runs in children (its test decides).
                        !matches!(test, GuardTest::AlwaysTrue)
                    };
                    // Every branch after a test of the platform depends on the platform.
                    checks_platform = checks_platform
                        || clause.test.as_ref().is_some_and(|test| {
                            mentions_platform_check(self.model, test, context.scope)
                        });
                    let clause_context = Context {
                        import_time: context.import_time && runs,
                        conditional: context.conditional
                            || !(test == GuardTest::NotMain && clause.test.is_none()),
                        platform_checked: context.platform_checked || checks_platform,
                        under_defaults: if clause.test.is_none()
                            && if_stmt.elif_else_clauses.len() == 1
                        {
                            else_defaults
                        } else {
                            context.under_defaults
                        },
                        ..context
                    };
                    if let Some(test) = &clause.test {
                        self.expr(test, clause_context);
                    }
                    self.suite(&clause.body, clause_context);
                }
            }
            Stmt::Try(try_stmt) => {
                let catches = try_stmt.handlers.iter().any(|handler| {
                    let ast::ExceptHandler::ExceptHandler(handler) = handler;
                    handler_catches_runtime_error(handler.type_.as_deref())
                });
                let catches_value_error = try_stmt.handlers.iter().any(|handler| {
                    let ast::ExceptHandler::ExceptHandler(handler) = handler;
                    handler_catches(handler.type_.as_deref(), "ValueError")
                });
                let body_context = Context {
                    catches_runtime_error: context.catches_runtime_error || catches,
                    catches_value_error: context.catches_value_error || catches_value_error,
                    conditional: true,
                    ..context
                };
                self.suite(&try_stmt.body, body_context);
                let conditional = Context {
                    conditional: true,
                    ..context
                };
                for handler in &try_stmt.handlers {
                    let ast::ExceptHandler::ExceptHandler(handler) = handler;
                    if let Some(type_) = &handler.type_ {
                        self.expr(type_, conditional);
                    }
                    self.suite(&handler.body, conditional);
                }
                self.suite(&try_stmt.orelse, conditional);
                self.suite(&try_stmt.finalbody, context);
            }
            Stmt::With(with) => {
                for item in &with.items {
                    self.expr(&item.context_expr, context);
                    let entered = self.model.resolve(&item.context_expr, context.scope);
                    if let Some((id, method)) = library_start(&entered, "", Trigger::Enter) {
                        let start = Start {
                            range: item.context_expr.range(),
                            kind: StartKind::Library(id),
                            method,
                        };
                        self.body_facts(context).starts.push(start);
                    }
                    // `with SyncManager() as m:` starts the manager in `__enter__`.
                    if let Value::Instance(class) =
                        self.model.resolve(&item.context_expr, context.scope)
                    {
                        if class.api() == Some(Api::ManagerClass) {
                            let start = Start {
                                range: item.context_expr.range(),
                                kind: StartKind::Manager,
                                method: class.context_method().map(str::to_string),
                            };
                            self.body_facts(context).starts.push(start);
                        }
                    }
                    self.protocol_call(&item.context_expr, "__enter__", context);
                }
                self.suite(&with.body, context);
                // Leaving the block calls `__exit__` (`__aexit__` for `async with`),
                // innermost item first: what it runs runs here too.
                let exit = if with.is_async {
                    "__aexit__"
                } else {
                    "__exit__"
                };
                for item in with.items.iter().rev() {
                    self.protocol_call(&item.context_expr, exit, context);
                }
            }
            Stmt::For(for_stmt) => {
                self.expr(&for_stmt.iter, context);
                self.iteration(&for_stmt.iter, context);
                let conditional = Context {
                    conditional: true,
                    ..context
                };
                self.suite(&for_stmt.body, conditional);
                self.suite(&for_stmt.orelse, conditional);
            }
            Stmt::While(while_stmt) => {
                self.expr(&while_stmt.test, context);
                let conditional = Context {
                    conditional: true,
                    platform_checked: context.platform_checked
                        || mentions_platform_check(self.model, &while_stmt.test, context.scope),
                    ..context
                };
                self.suite(&while_stmt.body, conditional);
                self.suite(&while_stmt.orelse, conditional);
            }
            Stmt::Match(match_stmt) => {
                self.expr(&match_stmt.subject, context);
                let conditional = Context {
                    conditional: true,
                    ..context
                };
                for case in &match_stmt.cases {
                    if let Some(guard) = &case.guard {
                        self.expr(guard, conditional);
                    }
                    self.suite(&case.body, conditional);
                }
            }
            Stmt::Import(import) => {
                for alias in &import.names {
                    self.facts.imports.push((0, alias.name.to_string()));
                    if context.import_time && !context.conditional {
                        self.facts
                            .import_time_imports
                            .push((0, alias.name.to_string()));
                    }
                }
            }
            Stmt::ImportFrom(import) => {
                let module = import
                    .module
                    .as_ref()
                    .map(|m| m.to_string())
                    .unwrap_or_default();
                self.facts.imports.push((import.level, module.clone()));
                if context.import_time && !context.conditional {
                    self.facts
                        .import_time_imports
                        .push((import.level, module.clone()));
                }
                // `from . import helpers` / `from pkg import mod` may import submodules.
                for alias in &import.names {
                    if alias.name.as_str() != "*" {
                        let sub = if module.is_empty() {
                            alias.name.to_string()
                        } else {
                            format!("{module}.{}", alias.name)
                        };
                        if context.import_time && !context.conditional {
                            self.facts
                                .import_time_imports
                                .push((import.level, sub.clone()));
                        }
                        self.facts.imports.push((import.level, sub));
                    }
                }
            }
            // `main() if __name__ == "__main__" else None` and
            // `__name__ == "__main__" and main()`: guards written as expressions.
            Stmt::Expr(ast::StmtExpr { value, .. })
                if context.scope == MODULE_SCOPE && self.expression_guard(value, context) => {}
            _ => {
                // Simple statements: walk their expressions.
                let mut finder = ExprFinder {
                    calls: Vec::new(),
                    iterated: Vec::new(),
                    platform_branches: Vec::new(),
                    guard_branches: Vec::new(),
                };
                finder.visit_stmt(stmt);
                self.found_calls(finder, context);
            }
        }
    }

    /// Walks an expression statement that guards code by its test (see
    /// [`ModuleModel::expression_guard`]). False when it is no such guard.
    fn expression_guard(&mut self, value: &'a Expr, context: Context) -> bool {
        let Some(guard) = self.model.expression_guard(value) else {
            return false;
        };
        self.expr(guard.test, context);
        let main_context = Context {
            import_time: false,
            ..context
        };
        self.expr(guard.main_only, main_context);
        if let Some(elsewhere) = guard.elsewhere {
            let conditional = Context {
                conditional: true,
                ..context
            };
            self.expr(elsewhere, conditional);
        }
        true
    }

    /// Decorators run when the definition does; `@name` (not a call) calls `name`.
    fn decorators(&mut self, decorators: &'a [ast::Decorator], context: Context) {
        for decorator in decorators {
            self.expr(&decorator.expression, context);
            if matches!(decorator.expression, Expr::Call(_)) {
                continue;
            }
            let target = match self.model.resolve(&decorator.expression, context.scope) {
                Value::Function(function) => Target::Function(function),
                Value::Class(class) => Target::Class(class),
                Value::Qualified(name) if api::classify(&name).is_none() => {
                    Target::External(name.to_string())
                }
                _ => continue,
            };
            self.body_facts(context).calls.push(CallEdge {
                range: decorator.expression.range(),
                target,
                call: None,
                scope: context.scope,
                catches_runtime_error: context.catches_runtime_error,
                unconditional: !context.conditional,
            });
        }
    }

    fn expr(&mut self, expr: &'a Expr, context: Context) {
        let mut finder = ExprFinder {
            calls: Vec::new(),
            iterated: Vec::new(),
            platform_branches: Vec::new(),
            guard_branches: Vec::new(),
        };
        finder.visit_expr(expr);
        self.found_calls(finder, context);
    }

    /// Classifies the calls an expression makes; those in a branch of a
    /// conditional expression that tests the platform are platform-checked.
    fn found_calls(&mut self, finder: ExprFinder<'a>, context: Context) {
        for iterated in &finder.iterated {
            self.iteration(iterated, context);
        }
        let checked: Vec<TextRange> = finder
            .platform_branches
            .iter()
            .filter(|(test, _)| mentions_platform_check(self.model, test, context.scope))
            .map(|(_, branch)| *branch)
            .collect();
        // `pool = Pool(2) if __name__ == "__main__" else None`: a branch that
        // runs only in the main script, judged like an `if` guard.
        let main_only: Vec<TextRange> = if context.scope == MODULE_SCOPE && context.import_time {
            finder
                .guard_branches
                .iter()
                .filter(|(test, _, when)| {
                    matches!(
                        (self.model.judge_guard(test), when),
                        (GuardTest::Main, true) | (GuardTest::NotMain, false)
                    )
                })
                .map(|(_, branch, _)| *branch)
                .collect()
        } else {
            Vec::new()
        };
        for call in finder.calls {
            let in_checked_branch = checked
                .iter()
                .any(|branch| branch.contains_range(call.range()));
            let in_main_only = main_only
                .iter()
                .any(|branch| branch.contains_range(call.range()));
            let call_context = Context {
                platform_checked: context.platform_checked || in_checked_branch,
                import_time: context.import_time && !in_main_only,
                conditional: context.conditional || in_main_only,
                ..context
            };
            self.call(call, call_context);
        }
    }

    fn call(&mut self, call: &'a ast::ExprCall, context: Context) {
        self.current_call = Some(call);
        self.facts.calls.push(CallSite {
            call,
            scope: context.scope,
            function: context.function,
            import_time: context.import_time,
            in_main_guard: context.function.is_none() && !context.import_time,
            platform_checked: context.platform_checked,
            catches_value_error: context.catches_value_error,
        });
        let model = self.model;
        let scope = context.scope;
        let callee = match model.resolve(&call.func, scope) {
            // A subclass of a pool or executor starts processes as its base does.
            Value::Class(class) => model
                .inherited_pool_api(class)
                .unwrap_or(Value::Class(class)),
            other => other,
        };
        let callee_api = callee.api();
        let context_method = callee.context_method().map(str::to_string);
        let pickler = match &callee {
            Value::Qualified(name) => api::pickler_of(name),
            _ => Pickler::Pickle,
        };

        let mut start = None;
        let mut start_method = context_method.clone();
        let mut target = None;
        match callee_api {
            Some(Api::ProcessPool) => {
                start = Some(StartKind::Pool);
                if let Some(initializer) = call.arguments.find_argument_value("initializer", 1) {
                    self.pickle_site(
                        initializer,
                        PickleRole::Initializer,
                        scope,
                        context_method.clone(),
                        pickler,
                    );
                }
            }
            Some(Api::ManagerFactory) => start = Some(StartKind::Manager),
            Some(Api::TorchSpawn) => {
                start = Some(StartKind::TorchSpawn);
                if let Some(function) = call.arguments.find_argument_value("fn", 0) {
                    self.pickle_site(
                        function,
                        PickleRole::ProcessTarget,
                        scope,
                        Some("spawn".into()),
                        pickler,
                    );
                }
            }
            Some(Api::Process) => {
                if let Some(function) = call.arguments.find_argument_value("target", 1) {
                    self.pickle_site(
                        function,
                        PickleRole::ProcessTarget,
                        scope,
                        context_method.clone(),
                        pickler,
                    );
                }
                // `args` is copied with `tuple(args)`: its items are pickled;
                // `kwargs` with `dict(kwargs)`: its keys and values.
                for (name, position, shape) in
                    [("args", 3, Shape::Items), ("kwargs", 4, Shape::Whole)]
                {
                    if let Some(arguments) = call.arguments.find_argument_value(name, position) {
                        self.argument_site(
                            arguments,
                            ArgumentSend {
                                sender: Sender::Process,
                                shape,
                            },
                            scope,
                            context_method.clone(),
                            pickler,
                        );
                    }
                }
            }
            Some(Api::ProcessExecutor) => {
                if let Some(initializer) = call.arguments.find_argument_value("initializer", 2) {
                    let method = call
                        .arguments
                        .find_keyword("mp_context")
                        .map(|keyword| model.resolve(&keyword.value, scope))
                        .and_then(|value| match value {
                            Value::Context(method) => method,
                            _ => None,
                        });
                    self.pickle_site(initializer, PickleRole::Initializer, scope, method, pickler);
                }
            }
            Some(Api::SetStartMethod) => self.set_start_method(call, context),
            Some(Api::Library(id)) => {
                let known = starter(id);
                if known.may_start_with(call, &|expr| {
                    crate::semantic::argvalues::possible_values(model, expr, scope)
                }) {
                    let method = known.pinned_method(call);
                    // A start that falls back to a serial map in a child
                    // (parmap) is recorded too: the rules say what it does there.
                    if known.starts == Trigger::Call && known.reimports_main {
                        start = Some(StartKind::Library(id));
                        start_method = method.clone();
                    }
                    self.library_sends(call, id, scope, method);
                }
            }
            // `super().__init__(..., collate_fn=lambda ...)` of a `DataLoader` subclass.
            _ => {
                if let Some(id) = model.subclass_init_starter(call, scope) {
                    self.library_sends(call, id, scope, None);
                }
            }
        }
        // `Parallel(n_jobs=2, backend="multiprocessing")(tasks)`: calling the object starts it.
        if let Some((id, method)) = library_start(&callee, "__call__", Trigger::Methods) {
            start = Some(StartKind::Library(id));
            start_method = method;
        }
        self.library_method_sends(call, &callee, "__call__", scope);
        // `@concurrent.process` functions start a process each time they are called.
        if let Value::Function(function) = &callee {
            if let Some((id, method)) = crate::library_tasks::decorated_start(self.model, *function)
            {
                start = Some(StartKind::Library(id));
                start_method = method;
            }
        }
        // `list(loader)`, `iter(loader)`, `enumerate(loader)`: builtins that call
        // `iter()` on their arguments when called.
        if let Some((id, method)) = self
            .iterated_arguments(call, scope)
            .iter()
            .find_map(|argument| self.iterated_starter(argument, scope))
        {
            start = Some(StartKind::Library(id));
            start_method = method;
        }
        for argument in self.iterated_arguments(call, scope) {
            self.protocol_call(argument, "__iter__", context);
        }

        if let Expr::Attribute(attribute) = call.func.as_ref() {
            let method = attribute.attr.as_str();
            if let Value::BoundMethod(receiver, _) = &callee {
                if let Some((id, pinned)) = library_start(receiver, method, Trigger::Methods) {
                    if self.method_may_start(call, id, method, scope) {
                        start = Some(StartKind::Library(id));
                        start_method = pinned;
                    }
                }
                self.library_method_sends(call, receiver, method, scope);
                // `trainer.fit(model)` iterates the loaders `model.train_dataloader()` returns.
                if let Some((id, pinned)) =
                    crate::fit_hooks::iterated_values(self.model, call, receiver, method, scope)
                        .into_iter()
                        .find_map(|(value, at)| {
                            self.iterated_starter(value, at).or_else(|| {
                                library_start(&self.model.resolve(value, at), "", Trigger::Handed)
                            })
                        })
                {
                    start = Some(StartKind::Library(id));
                    start_method = pinned;
                }
            }
            // `loop.run_in_executor(executor, func, *args)` is `executor.submit(func, *args)`
            // (Lib/asyncio/base_events.py, `BaseEventLoop.run_in_executor`).
            self.parameter_start(call, method, context);
            if let Some(task) =
                crate::parameter_pools::task_on_parameter(self.model, call, context.scope)
            {
                self.facts.parameter_tasks.push(task);
            }
            if method == "run_in_executor" && self.submits_to_process_executor(call, scope) {
                start = Some(StartKind::Executor);
                if let Some(function) = call.arguments.args.get(1) {
                    self.pickle_site(
                        function,
                        PickleRole::ExecutorTask,
                        scope,
                        None,
                        Pickler::Pickle,
                    );
                }
                let send = ArgumentSend {
                    sender: Sender::Executor,
                    shape: Shape::Whole,
                };
                for argument in call.arguments.args.iter().skip(2) {
                    self.argument_site(argument, send, scope, None, Pickler::Pickle);
                }
            }
            if let Value::BoundMethod(receiver, _) = &callee {
                if let Value::Instance(class) = receiver.as_ref() {
                    let receiver_method = class.context_method().map(str::to_string);
                    let receiver_pickler = match class.as_ref() {
                        Value::Qualified(name) => api::pickler_of(name),
                        _ => Pickler::Pickle,
                    };
                    match (class.api(), method) {
                        (Some(Api::Process), "start") => {
                            start = Some(StartKind::Process);
                            start_method = receiver_method.clone();
                        }
                        (Some(Api::ManagerClass), "start") => start = Some(StartKind::Manager),
                        (Some(Api::ProcessExecutor), "submit" | "map") => {
                            start = Some(StartKind::Executor);
                            if let Some(function) = call.arguments.args.first() {
                                self.pickle_site(
                                    function,
                                    PickleRole::ExecutorTask,
                                    scope,
                                    None,
                                    receiver_pickler,
                                );
                            }
                            // `submit(fn, *args, **kwargs)` pickles each argument;
                            // `map(fn, *iterables)` the items of each iterable.
                            let shape = if method == "submit" {
                                Shape::Whole
                            } else {
                                Shape::Items
                            };
                            let send = ArgumentSend {
                                sender: Sender::Executor,
                                shape,
                            };
                            for argument in call.arguments.args.iter().skip(1) {
                                self.argument_site(argument, send, scope, None, receiver_pickler);
                            }
                            if method == "submit" {
                                for keyword in call.arguments.keywords.iter() {
                                    self.argument_site(
                                        &keyword.value,
                                        send,
                                        scope,
                                        None,
                                        receiver_pickler,
                                    );
                                }
                            }
                        }
                        (Some(Api::ProcessPool), _) if api::POOL_TASK_METHODS.contains(&method) => {
                            if let Some(function) = call.arguments.find_argument_value("func", 0) {
                                self.pickle_site(
                                    function,
                                    PickleRole::PoolTask,
                                    scope,
                                    receiver_method,
                                    receiver_pickler,
                                );
                            }
                            // `apply(func, args, kwds)` pickles the tuple and the dict
                            // whole; `map(func, iterable)` and `starmap` each item.
                            let arguments: &[(&str, usize, Shape)] =
                                if matches!(method, "apply" | "apply_async") {
                                    &[("args", 1, Shape::Whole), ("kwds", 2, Shape::Whole)]
                                } else {
                                    &[("iterable", 1, Shape::Items)]
                                };
                            for &(name, position, shape) in arguments {
                                if let Some(argument) =
                                    call.arguments.find_argument_value(name, position)
                                {
                                    self.argument_site(
                                        argument,
                                        ArgumentSend {
                                            sender: Sender::Pool,
                                            shape,
                                        },
                                        scope,
                                        None,
                                        receiver_pickler,
                                    );
                                }
                            }
                        }
                        (None, "start") if self.is_local_process_class(class) => {
                            // Spawn pickles the whole `Process` object, class by reference.
                            start = Some(StartKind::Process);
                            self.pickle_site(
                                &attribute.value,
                                PickleRole::ProcessObject,
                                scope,
                                None,
                                receiver_pickler,
                            );
                        }
                        (None, _) => {
                            target = match class.as_ref() {
                                Value::Class(class) => {
                                    Some(Target::Method(*class, method.to_string()))
                                }
                                Value::Qualified(name) => Some(Target::ExternalMethod(
                                    name.to_string(),
                                    method.to_string(),
                                )),
                                _ => None,
                            };
                        }
                        _ => {}
                    }
                }
            }
        }
        if start.is_none() && target.is_none() && callee_api.is_none() {
            target = match &callee {
                // `obj()` runs `obj.__call__()`.
                Value::Instance(class) => match class.as_ref() {
                    Value::Class(class) => Some(Target::Method(*class, "__call__".to_string())),
                    Value::Qualified(name) if api::classify(name).is_none() => Some(
                        Target::ExternalMethod(name.to_string(), "__call__".to_string()),
                    ),
                    _ => None,
                },
                Value::Function(function) => Some(Target::Function(*function)),
                Value::Unknown => crate::callbacks::called_registry(
                    model,
                    &call.func,
                    scope,
                    &self.facts.registries,
                )
                .map(|name| Target::Registry(name.to_string())),
                Value::Class(class) => Some(Target::Class(*class)),
                Value::Qualified(name) => Some(Target::External(name.to_string())),
                _ => None,
            };
        }

        let made_by_default_context = matches!(callee, Value::Qualified(_))
            && matches!(
                callee_api,
                Some(Api::DefaultContextUser | Api::ProcessPool | Api::ManagerFactory)
            );
        if made_by_default_context {
            self.body_facts(context).context_fixers.push(ContextFixer {
                range: call.range(),
                unconditional: !context.conditional,
            });
        }
        // `get_start_method()` without `allow_none=True` stores the default too.
        if callee_api == Some(Api::GetStartMethod)
            && matches!(callee, Value::Qualified(_))
            && !start_order::allows_none(call)
        {
            self.body_facts(context).context_fixers.push(ContextFixer {
                range: call.range(),
                unconditional: !context.conditional,
            });
        }
        // `get_context()` with no method fixes the default context too.
        if callee_api == Some(Api::GetContext)
            && call.arguments.args.is_empty()
            && call.arguments.keywords.is_empty()
            && matches!(callee, Value::Qualified(_))
        {
            self.body_facts(context).context_fixers.push(ContextFixer {
                range: call.range(),
                unconditional: !context.conditional,
            });
        }
        let facts = self.body_facts(context);
        if let Some(kind) = start {
            facts.starts.push(Start {
                range: call.range(),
                kind,
                method: start_method,
            });
        }
        if let Some(target) = target {
            facts.calls.push(CallEdge {
                range: call.range(),
                target,
                call: Some(call),
                scope,
                catches_runtime_error: context.catches_runtime_error,
                unconditional: !context.conditional,
            });
        }
    }

    /// A class of this module whose bases include `multiprocessing.Process`.
    fn is_local_process_class(&self, class: &Value) -> bool {
        let Value::Class(class) = class else {
            return false;
        };
        let info = &self.model.classes[*class];
        info.def.arguments.as_ref().is_some_and(|arguments| {
            arguments
                .args
                .iter()
                .any(|base| self.model.resolve(base, info.parent_scope).api() == Some(Api::Process))
        })
    }

    fn set_start_method(&mut self, call: &'a ast::ExprCall, context: Context) {
        let Some(method) = call.arguments.find_argument_value("method", 0) else {
            return;
        };
        // The method must be known: a literal, or a name only ever bound to literals.
        let methods = self.model.possible_strings(method, context.scope);
        if let Some(methods) = &methods {
            self.facts.selected_methods.extend(methods.iter().cloned());
        }
        // `force=True` replaces the context instead of raising, and fixes it
        // for any later call without it (whatever the method, unless `None`).
        if let Some(force) = call.arguments.find_argument_value("force", 1) {
            if !matches!(force, Expr::BooleanLiteral(literal) if !literal.value) {
                if matches!(force, Expr::BooleanLiteral(_)) && !method.is_none_literal_expr() {
                    self.body_facts(context).context_fixers.push(ContextFixer {
                        range: call.range(),
                        unconditional: !context.conditional,
                    });
                }
                return;
            }
        }
        let Some(methods) = methods else {
            return;
        };
        let method = if methods.iter().any(|method| method == "fork") {
            "fork".to_string()
        } else {
            methods.into_iter().next().unwrap_or_default()
        };
        let unconditional = !context.conditional;
        let catches_runtime_error = context.catches_runtime_error;
        self.body_facts(context)
            .set_start_methods
            .push(SetStartMethodCall {
                range: call.range(),
                method,
                catches_runtime_error,
                unconditional,
                under_defaults: context.under_defaults,
            });
    }

    /// Records a start that depends on the object a parameter receives.
    fn parameter_start(&mut self, call: &'a ast::ExprCall, method: &str, context: Context) {
        let Expr::Attribute(attribute) = call.func.as_ref() else {
            return;
        };
        let (receiver, method) = match method {
            "run_in_executor" => match call.arguments.args.first() {
                Some(executor) => (executor, "submit"),
                None => return,
            },
            "submit" => (attribute.value.as_ref(), "submit"),
            "map" => (attribute.value.as_ref(), "map"),
            "start" => (attribute.value.as_ref(), "start"),
            _ => return,
        };
        if let Some(parameter) = self.model.parameter_index(receiver, context.scope) {
            self.body_facts(context)
                .parameter_starts
                .push(ParameterStart {
                    range: call.range(),
                    parameter,
                    method,
                });
        }
    }

    /// An argument of a task or a target: a pickle site that knows what sends it.
    /// The executor argument of `run_in_executor(executor, ...)` is a `ProcessPoolExecutor`.
    fn submits_to_process_executor(&self, call: &ast::ExprCall, scope: ScopeId) -> bool {
        call.arguments.args.first().is_some_and(|executor| {
            matches!(self.model.resolve(executor, scope),
                Value::Instance(class) if class.api() == Some(Api::ProcessExecutor))
        })
    }

    /// Iterating `iterable` starts a knowledge-base starter's workers.
    fn iteration(&mut self, iterable: &'a Expr, context: Context) {
        // `for b in enumerate(loader)`: the call itself starts it (see `call`).
        if let Expr::Call(call) = iterable {
            if !self.iterated_arguments(call, context.scope).is_empty() {
                return;
            }
        }
        if let Some((id, method)) = self.iterated_starter(iterable, context.scope) {
            let start = Start {
                range: iterable.range(),
                kind: StartKind::Library(id),
                method,
            };
            self.body_facts(context).starts.push(start);
        }
        self.protocol_call(iterable, "__iter__", context);
    }

    /// The implicit call of a special method of a project class that a
    /// protocol makes on an instance: `for x in obj` runs `obj.__iter__()`,
    /// `with obj:` `obj.__enter__()`, `obj()` `obj.__call__()`.
    fn protocol_call(&mut self, receiver: &'a Expr, method: &str, context: Context) {
        let target = match self.model.resolve(receiver, context.scope) {
            Value::Instance(class) => match *class {
                Value::Class(class) => Target::Method(class, method.to_string()),
                Value::Qualified(name) if api::classify(&name).is_none() => {
                    Target::ExternalMethod(name.to_string(), method.to_string())
                }
                _ => return,
            },
            Value::Element(result, index) => match *result {
                Value::Instance(callee) => match *callee {
                    Value::Qualified(name) => {
                        Target::ExternalElement(name.to_string(), index, method.to_string())
                    }
                    _ => return,
                },
                _ => return,
            },
            _ => return,
        };
        self.body_facts(context).calls.push(CallEdge {
            range: receiver.range(),
            target,
            call: None,
            scope: context.scope,
            catches_runtime_error: context.catches_runtime_error,
            unconditional: !context.conditional,
        });
    }

    /// The starter whose object `iterable` iterates, seen through the wrappers
    /// that iterate what they wrap (`enumerate(loader)`, `tqdm(loader)`,
    /// `zip(a, loader)`) and through `self.loader` set in any method.
    fn iterated_starter(
        &self,
        iterable: &Expr,
        scope: ScopeId,
    ) -> Option<(StarterId, Option<String>)> {
        if let Expr::Call(call) = iterable {
            if self.passes_iteration_through(call, scope) {
                return call
                    .arguments
                    .args
                    .iter()
                    .find_map(|argument| self.iterated_starter(argument, scope));
            }
        }
        let found = library_start(&self.model.resolve(iterable, scope), "", Trigger::Iteration);
        if found.is_some() {
            return found;
        }
        let Expr::Attribute(attribute) = iterable else {
            return None;
        };
        let class = self.model.receiver_class(&attribute.value, scope)?;
        self.model
            .self_attribute_values(class, attribute.attr.as_str())
            .iter()
            .find_map(|(value, scope)| {
                library_start(&self.model.resolve(value, *scope), "", Trigger::Iteration)
            })
    }

    /// `enumerate(x)`, `zip(x, y)`, `iter(x)`, `tqdm(x)`: iterating the call iterates `x`.
    fn passes_iteration_through(&self, call: &ast::ExprCall, scope: ScopeId) -> bool {
        match self.model.resolve(&call.func, scope) {
            Value::Qualified(name) => matches!(
                name.as_str(),
                "tqdm.tqdm"
                    | "tqdm.auto.tqdm"
                    | "tqdm.notebook.tqdm"
                    | "tqdm.rich.tqdm"
                    | "itertools.islice"
                    | "itertools.chain"
                    | "itertools.zip_longest"
                    // Python 2's lazy `zip` (`try: from itertools import izip as zip`):
                    // on Python 3 the import fails and `zip` stays the builtin.
                    | "itertools.izip"
                    | "itertools.izip_longest"
                    | "more_itertools.chunked"
            ),
            Value::Unknown => matches!(
                call.func.as_ref(),
                Expr::Name(name) if matches!(name.id.as_str(), "enumerate" | "zip" | "iter" | "reversed")
                    && self.model.lookup(name.id.as_str(), scope).is_none()
            ),
            _ => false,
        }
    }

    /// The arguments a builtin call iterates at once: `list(x)`, `iter(x)`,
    /// `enumerate(x)`, `zip(x, y)` and `map(f, x)` call `iter()` on them when
    /// they are made (Python/bltinmodule.c `PyObject_GetIter`); `next(x)`
    /// iterates an iterator that was made already.
    fn iterated_arguments(&self, call: &'a ast::ExprCall, scope: ScopeId) -> &'a [Expr] {
        let args = &call.arguments.args[..];
        // itertools' zips and `chain` call `iter()` on every argument when made
        // (Modules/itertoolsmodule.c); `izip` is Python 2's (see `passes_iteration_through`).
        if let Value::Qualified(name) = self.model.resolve(&call.func, scope) {
            if matches!(
                name.as_str(),
                "itertools.chain"
                    | "itertools.zip_longest"
                    | "itertools.izip"
                    | "itertools.izip_longest"
            ) {
                return args;
            }
        }
        let Expr::Name(name) = call.func.as_ref() else {
            return &[];
        };
        if self.model.lookup(name.id.as_str(), scope).is_some() {
            return &[];
        }
        match name.id.as_str() {
            "list" | "tuple" | "set" | "sorted" | "sum" | "any" | "all" | "max" | "min"
            | "dict" | "iter" | "enumerate" | "frozenset" => &args[..args.len().min(1)],
            "zip" => args,
            "map" | "filter" => args.get(1..).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// What a knowledge-base starter sends to its workers, as pickle sites.
    fn library_sends(
        &mut self,
        call: &'a ast::ExprCall,
        id: StarterId,
        scope: ScopeId,
        method: Option<String>,
    ) {
        for (argument, kind, via) in starter(id).sent_with_via(call) {
            self.library_send(argument, kind, via, id, scope, method.clone());
        }
        for (argument, kind, via, at) in
            crate::unpacked_sends::sent_unpacked(self.model, call, id, scope)
        {
            self.library_send(argument, kind, via, id, at, method.clone());
        }
    }

    /// What a method of a knowledge-base object sends when it may start
    /// processes: `pool.schedule(f, args)`, `Parallel(...)(tasks)`.
    fn library_method_sends(
        &mut self,
        call: &'a ast::ExprCall,
        receiver: &Value,
        method: &str,
        scope: ScopeId,
    ) {
        let Value::LibraryObject {
            starter: id,
            may_start: true,
            method: pinned,
        } = receiver
        else {
            return;
        };
        if !self.method_may_start(call, *id, method, scope) {
            return;
        }
        for (argument, kind, via) in starter(*id).sent_by_method(call, method) {
            self.library_send(argument, kind, via, *id, scope, pinned.clone());
        }
    }

    /// The starter's conditions on this method's own arguments (`num_proc`).
    fn method_may_start(
        &self,
        call: &ast::ExprCall,
        id: StarterId,
        method: &str,
        scope: ScopeId,
    ) -> bool {
        let model = self.model;
        starter(id).method_may_start(call, method, &|expr| {
            crate::semantic::argvalues::possible_values(model, expr, scope)
        })
    }

    fn library_send(
        &mut self,
        argument: &'a Expr,
        kind: SendKind,
        via: SendVia,
        id: StarterId,
        scope: ScopeId,
        method: Option<String>,
    ) {
        let known = starter(id);
        let pickler = known.pickler();
        let sender = match via {
            SendVia::Process => Sender::Library(id),
            SendVia::Pool => Sender::Pool,
            SendVia::Executor => Sender::Executor,
        };
        {
            match kind {
                SendKind::Callable => {
                    let role = match via {
                        SendVia::Process => PickleRole::LibraryCallable(id),
                        SendVia::Pool => PickleRole::PoolTask,
                        SendVia::Executor => PickleRole::ExecutorTask,
                    };
                    self.pickle_site(argument, role, scope, method.clone(), pickler);
                }
                SendKind::Object | SendKind::Items => {
                    let shape = if kind == SendKind::Items {
                        Shape::Items
                    } else {
                        Shape::Whole
                    };
                    self.argument_site(
                        argument,
                        ArgumentSend { sender, shape },
                        scope,
                        method.clone(),
                        pickler,
                    );
                }
                SendKind::DelayedTasks => {
                    for task in crate::library_tasks::delayed_tasks(self.model, argument, scope) {
                        self.library_send(
                            task.function,
                            SendKind::Callable,
                            via,
                            id,
                            scope,
                            method.clone(),
                        );
                        for argument in task.arguments {
                            self.library_send(
                                argument,
                                SendKind::Object,
                                via,
                                id,
                                scope,
                                method.clone(),
                            );
                        }
                    }
                }
                // Checked where the call is (SPS209): nothing is pickled.
                SendKind::ImportString => {}
            }
        }
    }

    fn argument_site(
        &mut self,
        expr: &'a Expr,
        send: ArgumentSend,
        scope: ScopeId,
        context_method: Option<String>,
        pickler: Pickler,
    ) {
        self.pickle_site(expr, PickleRole::Argument, scope, context_method, pickler);
        if let Some(site) = self.facts.pickle_sites.last_mut() {
            site.send = Some(send);
        }
    }

    fn pickle_site(
        &mut self,
        expr: &'a Expr,
        role: PickleRole,
        scope: ScopeId,
        context_method: Option<String>,
        pickler: Pickler,
    ) {
        let value = self.model.resolve(expr, scope);
        let parameter = self.model.parameter_index(expr, scope);
        let call = self.current_call.expect("pickle sites come from calls");
        self.facts.pickle_sites.push(PickleSite {
            call,
            expr,
            value,
            role,
            scope,
            context_method: context_method.clone(),
            pickler,
            parameter,
            send: None,
        });
        // A partial's bound arguments travel with the callable.
        if let Some(sender) = crate::boundary::callable_sender(role) {
            if let Some(partial) = crate::boundary::partial_call(self.model, expr, scope) {
                let send = ArgumentSend {
                    sender,
                    shape: Shape::Whole,
                };
                for argument in crate::boundary::partial_arguments(partial) {
                    self.argument_site(argument, send, scope, context_method.clone(), pickler);
                }
            }
        }
    }
}

/// A knowledge-base object that starts processes when used this way
/// (`trigger`; `method` for [`Trigger::Methods`]), with the start method it pins.
pub(crate) fn library_start(
    value: &Value,
    method: &str,
    trigger: Trigger,
) -> Option<(StarterId, Option<String>)> {
    let Value::LibraryObject {
        starter: id,
        may_start: true,
        method: pinned,
    } = value
    else {
        return None;
    };
    let known = starter(*id);
    let triggered = known.starts == trigger
        && (trigger != Trigger::Methods || known.methods.iter().any(|name| name == method));
    (triggered && known.reimports_main && !known.serial_in_children).then(|| (*id, pinned.clone()))
}

/// Does `except TYPE:` catch an exception of the builtin class `name`
/// (`except ValueError:`, `except (OSError, ValueError):`, `except Exception:`)?
pub fn handler_catches(type_: Option<&Expr>, name: &str) -> bool {
    let Some(type_) = type_ else {
        return true;
    };
    match type_ {
        Expr::Name(found) => {
            let found = found.id.as_str();
            found == name || found == "Exception" || found == "BaseException"
        }
        Expr::Tuple(tuple) => tuple
            .elts
            .iter()
            .any(|element| handler_catches(Some(element), name)),
        _ => false,
    }
}

/// Does `except TYPE:` catch a `RuntimeError`?
fn handler_catches_runtime_error(type_: Option<&Expr>) -> bool {
    let Some(type_) = type_ else {
        return true;
    };
    match type_ {
        Expr::Name(name) => matches!(
            name.id.as_str(),
            "RuntimeError" | "Exception" | "BaseException"
        ),
        Expr::Tuple(tuple) => tuple
            .elts
            .iter()
            .any(|element| handler_catches_runtime_error(Some(element))),
        _ => false,
    }
}

/// Finds the calls an expression makes when it is evaluated: not inside lambdas.
struct ExprFinder<'a> {
    calls: Vec<&'a ast::ExprCall>,
    /// What comprehensions iterate (`[f(b) for b in loader]`).
    iterated: Vec<&'a Expr>,
    /// The tests of conditional expressions (`a if TEST else b`, `TEST and a`)
    /// and the range of the code that runs only depending on them.
    platform_branches: Vec<(&'a Expr, TextRange)>,
    /// The same branches with the test's value they run under: `(test, branch, true)`
    /// for `a if test else ...` and `test and a`, `false` for the `else` and `test or a`.
    guard_branches: Vec<(&'a Expr, TextRange, bool)>,
}

impl<'a> Visitor<'a> for ExprFinder<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        visitor::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Lambda(_) => {}
            Expr::ListComp(ast::ExprListComp { generators, .. })
            | Expr::SetComp(ast::ExprSetComp { generators, .. })
            | Expr::DictComp(ast::ExprDictComp { generators, .. }) => {
                self.iterated
                    .extend(generators.iter().map(|generator| &generator.iter));
                visitor::walk_expr(self, expr);
            }
            // A generator expression calls `iter()` on its first iterable when
            // it is made (`sum(len(b) for b in loader)`); the rest run lazily.
            Expr::Generator(ast::ExprGenerator { generators, .. }) => {
                self.iterated
                    .extend(generators.first().map(|generator| &generator.iter));
                visitor::walk_expr(self, expr);
            }
            Expr::Call(call) => {
                // Inner calls first: their effects happen before this call's.
                visitor::walk_expr(self, expr);
                self.calls.push(call);
            }
            Expr::If(if_expr) => {
                self.platform_branches
                    .push((&if_expr.test, if_expr.body.range()));
                self.platform_branches
                    .push((&if_expr.test, if_expr.orelse.range()));
                self.guard_branches
                    .push((&if_expr.test, if_expr.body.range(), true));
                self.guard_branches
                    .push((&if_expr.test, if_expr.orelse.range(), false));
                visitor::walk_expr(self, expr);
            }
            Expr::BoolOp(bool_op) => {
                // `IS_POSIX and get_context("fork")`: later operands run depending on earlier ones.
                if let Some(last) = bool_op.values.last() {
                    for (index, earlier) in bool_op.values.iter().enumerate().rev().skip(1) {
                        let later = TextRange::new(bool_op.values[index + 1].start(), last.end());
                        self.platform_branches.push((earlier, later));
                        self.guard_branches
                            .push((earlier, later, bool_op.op == ast::BoolOp::And));
                    }
                }
                visitor::walk_expr(self, expr);
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}
