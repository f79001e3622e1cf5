//! What the code a module runs at import time does that matters when it runs again in
//! every child process: prints, file writes, truncating logs, `atexit` handlers, argparse,
//! `input()`, single-instance checks, ... (the question SPS302 asks). The walk follows the
//! calls that import-time code makes into the project's functions.

use ruff_python_ast::comparable::ComparableExpr;
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::facts::Target;
use crate::project::Project;
use crate::semantic::{
    BindingKind, FunctionId, GuardTest, ModuleModel, ScopeId, Value, MODULE_SCOPE,
};

pub const HELP_MOVE: &str =
    "move it into `main()` or under `if __name__ == \"__main__\":`, so that only the parent runs it";

/// How far calls made at import time are followed.
const MAX_DEPTH: usize = 8;

/// One side effect of import-time code.
#[derive(Debug, Clone)]
pub struct SideEffect {
    /// Where it is reported: the effect itself, or the call that leads to it.
    pub module: usize,
    pub range: TextRange,
    /// The re-run breaks the child (an error, not a warning).
    pub error: bool,
    /// Only spawn children are affected (not forkserver ones).
    pub spawn_only: bool,
    /// What runs, in words ("`print()`").
    pub action: String,
    /// What happens in each child, as the end of a sentence.
    pub consequence: String,
    pub help: &'static str,
    /// Who re-imports the script ("spawn and forkserver children").
    pub children: &'static str,
    /// The child exits here: later statements do not run in it.
    pub stops: bool,
    /// Raises `FileExistsError`: not when the caller checks or catches that.
    pub raises_if_exists: bool,
    /// The function that performs the action, for an effect reached through calls.
    pub function: Option<String>,
    /// The function called at `range`, for an effect reached through calls.
    pub callee: Option<String>,
    /// From the reported call to the effect.
    pub trace: Vec<(usize, TextRange, String)>,
    /// Happens only when the function's parameter at this position is truthy
    /// (`true`) or falsy (`false`): `if verbose: print(...)`. Judged against
    /// each call's argument when the effect is lifted to it.
    when_parameter: Option<(usize, bool)>,
}

const SPAWN_AND_FORKSERVER: &str = "spawn and forkserver children";

impl SideEffect {
    fn new(module: usize, range: TextRange, action: String, consequence: String) -> SideEffect {
        SideEffect {
            module,
            range,
            error: false,
            spawn_only: false,
            action,
            consequence,
            help: HELP_MOVE,
            children: SPAWN_AND_FORKSERVER,
            stops: false,
            raises_if_exists: false,
            function: None,
            callee: None,
            trace: Vec::new(),
            when_parameter: None,
        }
    }

    fn error(mut self) -> SideEffect {
        self.error = true;
        self
    }

    fn raises_if_exists(mut self) -> SideEffect {
        self.raises_if_exists = true;
        self
    }

    fn help(mut self, help: &'static str) -> SideEffect {
        self.help = help;
        self
    }

    /// The effect as seen from a call to `callee` at `range` in `module`.
    fn lifted(&self, module: usize, range: TextRange, callee: &str) -> SideEffect {
        let step = match &self.callee {
            None => format!("`{callee}` runs {} here", self.action),
            Some(inner) => format!("`{callee}` calls `{inner}` here"),
        };
        let mut trace = vec![(self.module, self.range, step)];
        trace.extend(self.trace.iter().cloned());
        SideEffect {
            module,
            range,
            function: Some(self.function.clone().unwrap_or_else(|| callee.to_string())),
            callee: Some(callee.to_string()),
            trace,
            when_parameter: None,
            ..self.clone()
        }
    }

    pub fn message(&self) -> String {
        let runs = match &self.function {
            None => format!("{} runs again in every child process", capitalize(&self.action)),
            Some(function) => format!(
                "This call runs {} (in `{function}`) at import time, so it runs again in every child process",
                self.action
            ),
        };
        format!(
            "{runs}: {} re-import this script as `__mp_main__`, and {}",
            self.children, self.consequence
        )
    }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

/// The side effects of the code `module` runs when it is imported (its top level and
/// what that calls, guarded code excluded), which every spawn or forkserver child re-runs
/// when it re-imports the module as `__mp_main__`. `texts` gives each module's source text
/// (effects are described with their code).
pub fn import_time_side_effects<'c>(
    project: &'c Project<'_, '_>,
    module: usize,
    texts: &'c dyn Fn(usize) -> &'c str,
) -> Vec<SideEffect> {
    let mut walker = Walker {
        project,
        texts,
        memo: FxHashMap::default(),
        visiting: FxHashSet::default(),
        targets: FxHashMap::default(),
        depth: 0,
    };
    let model = &project.models[module];
    let context = Context {
        module,
        scope: MODULE_SCOPE,
        function: None,
        exists_checked: false,
        catches_exists: false,
    };
    let mut effects = Vec::new();
    walker.suite(model.body, context, &mut effects);
    effects
}

#[derive(Clone, Copy)]
struct Context {
    module: usize,
    scope: ScopeId,
    function: Option<FunctionId>,
    /// Inside an `if` whose test checks that a path exists.
    exists_checked: bool,
    /// Inside a `try` (or `contextlib.suppress`) that catches `FileExistsError`.
    catches_exists: bool,
}

struct Walker<'c, 'p, 'a> {
    project: &'c Project<'p, 'a>,
    /// The source text of each module.
    texts: &'c dyn Fn(usize) -> &'c str,
    memo: FxHashMap<(usize, FunctionId), Vec<SideEffect>>,
    visiting: FxHashSet<(usize, FunctionId)>,
    /// Per module: the project code each call leads to.
    targets: FxHashMap<usize, FxHashMap<TextRange, Target>>,
    depth: usize,
}

impl<'c, 'p, 'a> Walker<'c, 'p, 'a> {
    fn model(&self, module: usize) -> &'p ModuleModel<'a> {
        let models: &'p [ModuleModel<'a>] = self.project.models;
        &models[module]
    }

    /// Walks statements that run; `true` when the child exits in them.
    fn suite(&mut self, body: &'a [Stmt], context: Context, out: &mut Vec<SideEffect>) -> bool {
        body.iter().any(|stmt| self.stmt(stmt, context, out))
    }

    fn stmt(&mut self, stmt: &'a Stmt, context: Context, out: &mut Vec<SideEffect>) -> bool {
        let model = self.model(context.module);
        let module_level = context.function.is_none() && context.scope == MODULE_SCOPE;
        if let Stmt::Expr(ast::StmtExpr { value, .. }) = stmt {
            // `main() if __name__ == "__main__" else None`: the guarded call runs only in the main script.
            if let Some(guard) = model.expression_guard(value).filter(|_| module_level) {
                return self.expr(guard.test, context, out)
                    || guard
                        .elsewhere
                        .is_some_and(|other| self.expr(other, context, out));
            }
        }
        match stmt {
            Stmt::FunctionDef(def) => {
                let mut stops = self.decorators(&def.decorator_list, context, out, |walker| {
                    walker.function_by_def(context.module, def)
                });
                for parameter in def.parameters.iter() {
                    if let Some(default) = parameter.default() {
                        stops |= self.expr(default, context, out);
                    }
                }
                stops
            }
            Stmt::ClassDef(def) => {
                let mut stops = self.decorators(&def.decorator_list, context, out, |_| None);
                if let Some(arguments) = &def.arguments {
                    for argument in arguments.args.iter() {
                        stops |= self.expr(argument, context, out);
                    }
                }
                let Some(class) = model.classes.position(|info| info.def.range == def.range) else {
                    return stops;
                };
                let inner = Context {
                    scope: model.classes[class].scope,
                    ..context
                };
                stops || self.suite(&def.body, inner, out)
            }
            Stmt::If(if_stmt) => self.if_stmt(if_stmt, context, out),
            Stmt::Try(try_stmt) => {
                let catches = try_stmt.handlers.iter().any(|handler| {
                    let ast::ExceptHandler::ExceptHandler(handler) = handler;
                    catches_file_exists(handler.type_.as_deref())
                });
                let body = Context {
                    catches_exists: context.catches_exists || catches,
                    ..context
                };
                if self.suite(&try_stmt.body, body, out) {
                    return true;
                }
                for handler in &try_stmt.handlers {
                    let ast::ExceptHandler::ExceptHandler(handler) = handler;
                    self.suite(&handler.body, context, out);
                }
                self.suite(&try_stmt.orelse, context, out)
                    || self.suite(&try_stmt.finalbody, context, out)
            }
            Stmt::With(with) => {
                let mut inner = context;
                for item in &with.items {
                    if self.expr(&item.context_expr, context, out) {
                        return true;
                    }
                    if let Some(effect) = self.append_in_with(item, &with.body, context) {
                        out.push(effect);
                    }
                    if let Expr::Call(call) = &item.context_expr {
                        if qualified(model, &call.func, context.scope).as_deref()
                            == Some("contextlib.suppress")
                            && call
                                .arguments
                                .args
                                .iter()
                                .any(|argument| catches_file_exists(Some(argument)))
                        {
                            inner.catches_exists = true;
                        }
                    }
                }
                self.suite(&with.body, inner, out)
            }
            Stmt::For(for_stmt) => {
                if self.expr(&for_stmt.iter, context, out) {
                    return true;
                }
                if qualified(model, &for_stmt.iter, context.scope).as_deref() == Some("sys.stdin") {
                    out.push(stdin_effect(
                        context.module,
                        for_stmt.iter.range(),
                        "reading `sys.stdin`",
                    ));
                }
                self.suite(&for_stmt.body, context, out)
                    || self.suite(&for_stmt.orelse, context, out)
            }
            Stmt::While(while_stmt) => {
                self.expr(&while_stmt.test, context, out)
                    || self.suite(&while_stmt.body, context, out)
                    || self.suite(&while_stmt.orelse, context, out)
            }
            Stmt::Match(match_stmt) => {
                if self.expr(&match_stmt.subject, context, out) {
                    return true;
                }
                for case in &match_stmt.cases {
                    self.suite(&case.body, context, out);
                }
                false
            }
            Stmt::Import(_) | Stmt::ImportFrom(_) | Stmt::Global(_) | Stmt::Nonlocal(_) => false,
            _ => {
                let mut finder = CallFinder { calls: Vec::new() };
                finder.visit_stmt(stmt);
                finder
                    .calls
                    .into_iter()
                    .any(|call| self.call(call, context, out))
            }
        }
    }

    fn if_stmt(
        &mut self,
        if_stmt: &'a ast::StmtIf,
        context: Context,
        out: &mut Vec<SideEffect>,
    ) -> bool {
        let model = self.model(context.module);
        let module_level = context.function.is_none() && context.scope == MODULE_SCOPE;
        let test = if module_level {
            // Code that checks which process it runs in means to run there.
            if checks_process_role(model, &if_stmt.test, context.scope) {
                return false;
            }
            model.judge_guard(&if_stmt.test)
        } else {
            GuardTest::None
        };
        let (body_runs, else_runs) = match test {
            GuardTest::Main | GuardTest::NeverTrue => (false, true),
            GuardTest::NotMain | GuardTest::AlwaysTrue => (true, false),
            GuardTest::None => (true, true),
        };
        if self.expr(&if_stmt.test, context, out) {
            return true;
        }
        // `if verbose:` on a parameter: what the branches do depends on the call.
        if let Some((parameter, truthy)) = parameter_test(model, &if_stmt.test, context) {
            let mut branch = Vec::new();
            let mut stops = self.suite(&if_stmt.body, context, &mut branch);
            tag_parameter(&mut branch, (parameter, truthy));
            out.append(&mut branch);
            for clause in &if_stmt.elif_else_clauses {
                if let Some(test) = &clause.test {
                    stops |= self.expr(test, context, &mut branch);
                }
                stops |= self.suite(&clause.body, context, &mut branch);
                tag_parameter(&mut branch, (parameter, !truthy));
                out.append(&mut branch);
            }
            return stops;
        }
        let checked = positive_exists_checks(model, &if_stmt.test, context.scope);
        if body_runs {
            if let Some(effect) = self.exit_check(&checked, &if_stmt.body, context) {
                out.push(effect);
                return true;
            }
            let body = Context {
                exists_checked: context.exists_checked
                    || mentions_exists_check(model, &if_stmt.test, context.scope),
                ..context
            };
            if self.suite(&if_stmt.body, body, out) {
                return true;
            }
        }
        for clause in &if_stmt.elif_else_clauses {
            let runs = match clause.test {
                Some(_) => test != GuardTest::AlwaysTrue,
                None => else_runs,
            };
            if !runs {
                continue;
            }
            let mut inner = context;
            if let Some(test) = &clause.test {
                if self.expr(test, context, out) {
                    return true;
                }
                inner.exists_checked |= mentions_exists_check(model, test, context.scope);
            } else {
                // `if not os.path.exists(p): ... else: ...` checks too.
                inner.exists_checked |= mentions_exists_check(model, &if_stmt.test, context.scope);
            }
            if self.suite(&clause.body, inner, out) {
                return true;
            }
        }
        false
    }

    /// Decorators run when the definition does; `@atexit.register` registers the function.
    fn decorators(
        &mut self,
        decorators: &'a [ast::Decorator],
        context: Context,
        out: &mut Vec<SideEffect>,
        function: impl Fn(&Self) -> Option<FunctionId>,
    ) -> bool {
        let mut stops = false;
        for decorator in decorators {
            stops |= self.expr(&decorator.expression, context, out);
            if matches!(decorator.expression, Expr::Call(_)) {
                continue;
            }
            let model = self.model(context.module);
            if qualified(model, &decorator.expression, context.scope).as_deref()
                == Some("atexit.register")
            {
                if let Some(function) = function(self) {
                    let handler = Value::Function(function);
                    let name = model.functions[function].def.name.to_string();
                    out.push(self.atexit_effect(
                        context,
                        decorator.expression.range(),
                        &handler,
                        &name,
                    ));
                }
                continue;
            }
            stops |= self.follow(decorator.expression.range(), context, out);
        }
        stops
    }

    fn function_by_def(&self, module: usize, def: &ast::StmtFunctionDef) -> Option<FunctionId> {
        self.model(module)
            .functions
            .position(|info| info.def.range == def.range)
    }

    /// Walks the calls an expression makes; `true` when the child exits in one.
    fn expr(&mut self, expr: &'a Expr, context: Context, out: &mut Vec<SideEffect>) -> bool {
        let mut finder = CallFinder { calls: Vec::new() };
        finder.visit_expr(expr);
        finder
            .calls
            .into_iter()
            .any(|call| self.call(call, context, out))
    }

    fn call(
        &mut self,
        call: &'a ast::ExprCall,
        context: Context,
        out: &mut Vec<SideEffect>,
    ) -> bool {
        if let Some(effect) = self.classify(call, context) {
            let stops = effect.stops;
            out.push(effect);
            return stops;
        }
        self.follow_call(call.range(), Some(call), context, out)
    }

    /// Follows a call into the project's own code and lifts what it does to the call.
    fn follow(&mut self, range: TextRange, context: Context, out: &mut Vec<SideEffect>) -> bool {
        self.follow_call(range, None, context, out)
    }

    /// As [`Walker::follow`]; with the call, effects that depend on a
    /// parameter are kept only when its argument may have the truth they need.
    fn follow_call(
        &mut self,
        range: TextRange,
        call: Option<&'a ast::ExprCall>,
        context: Context,
        out: &mut Vec<SideEffect>,
    ) -> bool {
        let Some(target) = self.target_at(context.module, range) else {
            return false;
        };
        let Some((module, function, _)) = self.project.called_function(context.module, &target)
        else {
            return false;
        };
        let effects = self.function_effects(module, function);
        let name = self.model(module).functions[function].qualname.clone();
        let mut stops = false;
        let info = &self.model(module).functions[function];
        for effect in effects {
            if effect.raises_if_exists && (context.exists_checked || context.catches_exists) {
                continue;
            }
            if let (Some((parameter, truthy)), Some(call)) = (effect.when_parameter, call) {
                if argument_truth(info.def, call, parameter).is_some_and(|truth| truth != truthy) {
                    continue;
                }
            }
            stops |= effect.stops;
            out.push(effect.lifted(context.module, range, &name));
        }
        stops
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

    fn function_effects(&mut self, module: usize, function: FunctionId) -> Vec<SideEffect> {
        let key = (module, function);
        if let Some(known) = self.memo.get(&key) {
            return known.clone();
        }
        if self.depth >= MAX_DEPTH || !self.visiting.insert(key) {
            return Vec::new();
        }
        self.depth += 1;
        let info = &self.project.models[module].functions[function];
        let context = Context {
            module,
            scope: info.scope,
            function: Some(function),
            exists_checked: false,
            catches_exists: false,
        };
        let mut effects = Vec::new();
        self.suite(&info.def.body, context, &mut effects);
        self.depth -= 1;
        self.visiting.remove(&key);
        self.memo.insert(key, effects.clone());
        effects
    }

    /// What a call does by itself, when that is a side effect.
    fn classify(&mut self, call: &'a ast::ExprCall, context: Context) -> Option<SideEffect> {
        let model = self.model(context.module);
        let scope = context.scope;
        let module = context.module;
        let range = call.range();
        let arguments = &call.arguments;
        if let Some(builtin) = builtin_name(model, &call.func, scope) {
            return match builtin {
                "print" => Some(output_effect(module, range, "`print()`")),
                "input" => Some(stdin_effect(module, range, "`input()`")),
                "open" => self.open_effect(call, context, 1, arguments.args.first()),
                _ => None,
            };
        }
        let callee = model.resolve(&call.func, scope);
        if let Value::Qualified(name) = &callee {
            let name = name.as_str();
            return match name {
                "sys.stdout.write" | "sys.stderr.write" | "sys.stdout.writelines"
                | "sys.stderr.writelines" | "pprint.pprint" | "pprint.pp" => {
                    Some(output_effect(module, range, &format!("`{name}()`")))
                }
                "sys.stdin.read" | "sys.stdin.readline" | "sys.stdin.readlines"
                | "sys.stdin.buffer.read" | "sys.stdin.buffer.readline" => {
                    Some(stdin_effect(module, range, &format!("`{name}()`")))
                }
                "getpass.getpass" => Some(stdin_effect(module, range, "`getpass.getpass()`")),
                "io.open" | "codecs.open" => {
                    self.open_effect(call, context, 1, arguments.find_argument_value("file", 0))
                }
                "os.makedirs" | "os.mkdir" => {
                    let path = arguments.find_argument_value(
                        if name == "os.mkdir" { "path" } else { "name" },
                        0,
                    )?;
                    let exist_ok = name == "os.makedirs"
                        && arguments
                            .find_argument_value("exist_ok", 2)
                            .is_some_and(|value| !is_false(value));
                    let action = format!("`{name}({})`", self.snippet(module, path));
                    self.mkdir_effect(call, context, path, exist_ok, &action)
                }
                "tempfile.mkdtemp" | "tempfile.mkstemp" => Some(SideEffect::new(
                    module,
                    range,
                    format!("`{name}()`"),
                    "each child creates another temporary path (never removed), so the module-level name that holds it names a different one in every process".to_string(),
                ).help("create it in `main()` and pass the path to the workers as an argument")),
                "shutil.rmtree" | "os.remove" | "os.unlink" | "os.rmdir" | "os.removedirs" => {
                    let path = arguments.args.first()?;
                    Some(SideEffect::new(
                        module,
                        range,
                        format!("`{name}({})`", self.snippet(module, path)),
                        "each child deletes it again, with whatever the parent or an earlier child has written there since".to_string(),
                    ))
                }
                "shutil.copy" | "shutil.copy2" | "shutil.copyfile" | "shutil.copytree"
                | "shutil.move" | "os.rename" | "os.replace" => {
                    let source = arguments.args.first()?;
                    Some(SideEffect::new(
                        module,
                        range,
                        format!("`{name}({}, ...)`", self.snippet(module, source)),
                        "each child copies or moves the files again, over what the parent may be using".to_string(),
                    ))
                }
                "logging.basicConfig" => {
                    let filename = arguments.find_keyword("filename")?;
                    let mode = arguments.find_keyword("filemode")?;
                    let modes = model.possible_strings(&mode.value, scope)?;
                    modes.iter().all(|mode| mode.contains('w')).then(|| {
                        SideEffect::new(
                            module,
                            range,
                            "`logging.basicConfig(filemode=\"w\")`".to_string(),
                            format!(
                                "each child opens the log file `{}` with mode \"w\" again, truncating the lines the parent already logged",
                                self.snippet(module, &filename.value)
                            ),
                        )
                    })
                }
                "logging.FileHandler" | "logging.handlers.RotatingFileHandler"
                | "logging.handlers.WatchedFileHandler" => {
                    let filename = arguments.find_argument_value("filename", 0)?;
                    let mode = arguments.find_argument_value("mode", 1)?;
                    let modes = model.possible_strings(mode, scope)?;
                    modes.iter().all(|mode| mode.contains('w')).then(|| {
                        SideEffect::new(
                            module,
                            range,
                            format!("`{name}(mode=\"w\")`"),
                            format!(
                                "each child opens the log file `{}` with mode \"w\" again, truncating the lines the parent already logged",
                                self.snippet(module, filename)
                            ),
                        )
                    })
                }
                "atexit.register" => {
                    let handler = arguments.args.first()?;
                    let value = model.resolve(handler, scope);
                    let text = self.snippet(module, handler);
                    Some(self.atexit_effect(context, range, &value, &text))
                }
                "fcntl.flock" | "fcntl.lockf" => {
                    let flags = arguments.args.get(1)?;
                    mentions_attribute(flags, "LOCK_EX").then(|| {
                        SideEffect::new(
                            module,
                            range,
                            format!("`{name}()`"),
                            "a child cannot take the lock the parent holds: it blocks (and the parent, waiting for the child, deadlocks) or, with `LOCK_NB`, fails with `BlockingIOError`".to_string(),
                        )
                        .error()
                        .help("take the single-instance lock in `main()`, under the guard")
                    })
                }
                "tendo.singleton.SingleInstance" => {
                    let mut effect = SideEffect::new(
                        module,
                        range,
                        "the single-instance check `tendo.singleton.SingleInstance()`".to_string(),
                        "the child finds the lock the parent holds and exits before it runs its task".to_string(),
                    )
                    .error()
                    .help("do the single-instance check in `main()`, under the guard");
                    effect.stops = true;
                    Some(effect)
                }
                _ => None,
            };
        }
        if let Value::BoundMethod(receiver, method) = &callee {
            if let Value::Instance(class) = receiver.as_ref() {
                if matches!(class.as_ref(), Value::Qualified(name) if name == "argparse.ArgumentParser")
                    && matches!(method.as_str(), "parse_args" | "parse_known_args")
                {
                    return self.parse_args_effect(call, context);
                }
            }
        }
        // `pathlib.Path` methods.
        let Expr::Attribute(attribute) = call.func.as_ref() else {
            return None;
        };
        if !is_path_value(model, &attribute.value, scope, 0) {
            return None;
        }
        let path = &attribute.value;
        let method = attribute.attr.as_str();
        match method {
            "mkdir" => {
                let exist_ok = arguments
                    .find_argument_value("exist_ok", 2)
                    .is_some_and(|value| !is_false(value));
                let action = format!("`{}.mkdir()`", self.snippet(module, path));
                self.mkdir_effect(call, context, path, exist_ok, &action)
            }
            "write_text" | "write_bytes" if !own_or_null_path(model, path, scope) => {
                let action = format!("`{}.{method}()`", self.snippet(module, path));
                if let Some(effect) = self.per_process_effect(call, context, path, &action) {
                    return Some(effect);
                }
                Some(SideEffect::new(
                    module,
                    range,
                    format!("`{}.{method}()`", self.snippet(module, path)),
                    "each child overwrites the file again, replacing what the parent (or an earlier child) wrote".to_string(),
                ))
            }
            "open" => self.open_effect(call, context, 0, Some(path)),
            "unlink" | "rmdir" => Some(SideEffect::new(
                module,
                range,
                format!("`{}.{method}()`", self.snippet(module, path)),
                "each child deletes it again, with whatever the parent or an earlier child has written there since".to_string(),
            )),
            _ => None,
        }
    }

    /// `open(path, mode)`: truncating and exclusive modes; appends are found
    /// with their writes (`append_in_with`).
    fn open_effect(
        &mut self,
        call: &'a ast::ExprCall,
        context: Context,
        mode_position: usize,
        path: Option<&'a Expr>,
    ) -> Option<SideEffect> {
        let model = self.model(context.module);
        let path = path?;
        let mode = call.arguments.find_argument_value("mode", mode_position)?;
        let modes = model.possible_strings(mode, context.scope)?;
        let writes = |letter: char| modes.iter().all(|mode| mode.contains(letter));
        if !(writes('w') || writes('x')) || own_or_null_path(model, path, context.scope) {
            return None;
        }
        let module = context.module;
        let text = self.snippet(module, path);
        let mode_text = if writes('x') { "x" } else { "w" };
        let action = format!("`open({text}, \"{mode_text}\")`");
        if let Some(effect) = self.per_process_effect(call, context, path, &action) {
            return Some(effect);
        }
        if writes('x') {
            if context.exists_checked || context.catches_exists {
                return None;
            }
            return Some(
                SideEffect::new(
                    module,
                    call.range(),
                    format!("`open({text}, \"x\")`"),
                    "in a child the file already exists (the parent created it), so the re-import raises `FileExistsError` and the child dies".to_string(),
                )
                .error()
                .raises_if_exists(),
            );
        }
        Some(SideEffect::new(
            module,
            call.range(),
            format!("`open({text}, \"w\")`"),
            "each child opens the file with mode \"w\" again and truncates what the parent (or an earlier child) wrote to it".to_string(),
        ))
    }

    /// `with open(path, "a") as handle:` whose body writes to the handle.
    fn append_in_with(
        &self,
        item: &'a ast::WithItem,
        body: &'a [Stmt],
        context: Context,
    ) -> Option<SideEffect> {
        let model = self.model(context.module);
        let Expr::Call(call) = &item.context_expr else {
            return None;
        };
        let builtin_open = builtin_name(model, &call.func, context.scope) == Some("open");
        let module_open = matches!(
            qualified(model, &call.func, context.scope).as_deref(),
            Some("io.open" | "codecs.open")
        );
        let (path, mode_position) = if builtin_open || module_open {
            (call.arguments.find_argument_value("file", 0)?, 1)
        } else {
            match call.func.as_ref() {
                Expr::Attribute(attribute)
                    if attribute.attr.as_str() == "open"
                        && is_path_value(model, &attribute.value, context.scope, 0) =>
                {
                    (&*attribute.value, 0)
                }
                _ => return None,
            }
        };
        let mode = call.arguments.find_argument_value("mode", mode_position)?;
        let modes = model.possible_strings(mode, context.scope)?;
        if !modes.iter().all(|mode| mode.contains('a'))
            || own_or_null_path(model, path, context.scope)
        {
            return None;
        }
        let Some(Expr::Name(handle)) = item.optional_vars.as_deref() else {
            return None;
        };
        if !writes_to(model, body, handle.id.as_str(), context.scope) {
            return None;
        }
        let text = self.snippet(context.module, path);
        Some(SideEffect::new(
            context.module,
            call.range(),
            format!("`open({text}, \"a\")` and its writes"),
            "each child appends to the file again, repeating what the parent wrote".to_string(),
        ))
    }

    fn mkdir_effect(
        &mut self,
        call: &'a ast::ExprCall,
        context: Context,
        path: &'a Expr,
        exist_ok: bool,
        action: &str,
    ) -> Option<SideEffect> {
        let model = self.model(context.module);
        if own_or_null_path(model, path, context.scope) {
            return None;
        }
        if let Some(effect) = self.per_process_effect(call, context, path, action) {
            return Some(effect);
        }
        if exist_ok
            || context.exists_checked
            || context.catches_exists
            || deleted_at_import(self.project, context.module, path, context.scope)
        {
            return None;
        }
        Some(
            SideEffect::new(
                context.module,
                call.range(),
                action.to_string(),
                "in a child the directory already exists (the parent created it), so the re-import raises `FileExistsError` and the child dies".to_string(),
            )
            .error()
            .raises_if_exists(),
        )
    }

    /// A file or directory created under a name built from the time or a random id.
    fn per_process_effect(
        &mut self,
        call: &'a ast::ExprCall,
        context: Context,
        path: &'a Expr,
        action: &str,
    ) -> Option<SideEffect> {
        let model = self.model(context.module);
        let source = per_process_source(model, path, context.scope, 0)?;
        let text = self.snippet(context.module, path);
        let action = if action.starts_with('`') {
            action.to_string()
        } else {
            format!("`{action}()` of `{text}`")
        };
        let consequence = match path {
            Expr::Name(_) => format!(
                "the name comes from `{source}()`, so each child computes a new one and creates another path; in the child `{text}` names that new path, not the parent's, so what the child writes there is not where the parent looks for it"
            ),
            _ => format!(
                "the name comes from `{source}()`, so each child computes a new one and creates another path of its own"
            ),
        };
        Some(
            SideEffect::new(context.module, call.range(), action, consequence)
                .help("create it in `main()` and pass the path to the workers as an argument"),
        )
    }

    fn atexit_effect(
        &mut self,
        context: Context,
        range: TextRange,
        handler: &Value,
        name: &str,
    ) -> SideEffect {
        let deletes = self.deletes(context.module, handler, 0);
        let mut consequence = format!(
            "they end with a normal interpreter exit (`spawn_main()` calls `sys.exit()`), so `{name}` runs when each child finishes"
        );
        if let Some(deletion) = &deletes {
            consequence.push_str(&format!(
                " and deletes files the parent may still need (`{deletion}()`)"
            ));
        }
        consequence.push_str(
            "; fork and forkserver children leave through `os._exit()` and skip atexit handlers",
        );
        let mut effect = SideEffect::new(
            context.module,
            range,
            format!("`atexit.register({name})`"),
            consequence,
        )
        .help("register the handler in `main()`, so that only the parent runs it");
        effect.children = "spawn children";
        effect.spawn_only = true;
        if deletes.is_some() {
            effect = effect.error();
        }
        effect
    }

    /// The deleting call a handler makes (`shutil.rmtree`), following project calls.
    fn deletes(&self, module: usize, handler: &Value, depth: usize) -> Option<String> {
        if depth > 4 {
            return None;
        }
        let project = self.project;
        let (module, function) = match handler {
            Value::Qualified(name) if is_deletion(name) => return Some(name.to_string()),
            Value::Qualified(name) => project.resolve_function(module, name)?,
            Value::Function(function) => (module, *function),
            Value::Partial(inner) => return self.deletes(module, inner, depth),
            _ => return None,
        };
        let model = &project.models[module];
        for site in &project.facts[module].calls {
            if site.function != Some(function) {
                continue;
            }
            let callee = model.resolve(&site.call.func, site.scope);
            if let Value::Qualified(name) = &callee {
                if is_deletion(name) {
                    return Some(name.to_string());
                }
            }
            if let Expr::Attribute(attribute) = site.call.func.as_ref() {
                if matches!(attribute.attr.as_str(), "unlink" | "rmdir")
                    && is_path_value(model, &attribute.value, site.scope, 0)
                {
                    return Some(format!("Path.{}", attribute.attr));
                }
            }
            let followed = match callee {
                Value::Function(_) | Value::Qualified(_) => {
                    self.deletes(module, &callee, depth + 1)
                }
                _ => None,
            };
            if followed.is_some() {
                return followed;
            }
        }
        None
    }

    /// `if os.path.exists(PID_FILE): sys.exit(...)` where the program writes that file.
    fn exit_check(
        &self,
        checked: &[&'a Expr],
        body: &'a [Stmt],
        context: Context,
    ) -> Option<SideEffect> {
        if checked.is_empty() {
            return None;
        }
        let model = self.model(context.module);
        let exit = find_exit(model, body, context.scope)?;
        let path = checked.iter().find(|path| {
            written_paths(self.project, context.module)
                .iter()
                .any(|(written, scope)| same_path(model, path, context.scope, written, *scope))
        })?;
        let text = self.snippet(context.module, path);
        let mut effect = SideEffect::new(
            context.module,
            exit,
            format!("the single-instance check on `{text}`"),
            format!(
                "the child finds `{text}`, which the parent created, and exits here before it runs its task"
            ),
        )
        .error()
        .help("do the single-instance check in `main()`, under the guard");
        effect.stops = true;
        Some(effect)
    }

    /// `parser.parse_args()` whose parser has an `argparse.FileType` option in a writing mode.
    fn parse_args_effect(&self, call: &'a ast::ExprCall, context: Context) -> Option<SideEffect> {
        let model = self.model(context.module);
        let Expr::Attribute(parse) = call.func.as_ref() else {
            return None;
        };
        let parser = ComparableExpr::from(&*parse.value);
        for site in &self.project.facts[context.module].calls {
            if site.scope != context.scope {
                continue;
            }
            let Expr::Attribute(add) = site.call.func.as_ref() else {
                continue;
            };
            if add.attr.as_str() != "add_argument" || ComparableExpr::from(&*add.value) != parser {
                continue;
            }
            let Some(Expr::Call(file_type)) = site
                .call
                .arguments
                .find_keyword("type")
                .map(|keyword| &keyword.value)
            else {
                continue;
            };
            if qualified(model, &file_type.func, site.scope).as_deref() != Some("argparse.FileType")
            {
                continue;
            }
            let Some(modes) = file_type
                .arguments
                .find_argument_value("mode", 0)
                .and_then(|mode| model.possible_strings(mode, site.scope))
            else {
                continue;
            };
            let exclusive = modes.iter().all(|mode| mode.contains('x'));
            if !(exclusive || modes.iter().all(|mode| mode.contains('w'))) {
                continue;
            }
            let option = site
                .call
                .arguments
                .args
                .iter()
                .find_map(|argument| match argument {
                    Expr::StringLiteral(literal) => Some(literal.value.to_str().to_string()),
                    _ => None,
                })
                .unwrap_or_else(|| "an option".to_string());
            let action = format!("`{}()`", self.snippet(context.module, &call.func));
            let effect = if exclusive {
                SideEffect::new(
                    context.module,
                    call.range(),
                    action,
                    format!(
                        "children get the parent's `sys.argv`, so each one opens `{option}` (an `argparse.FileType(\"x\")`) again; the file exists by then, so parsing fails and the child exits"
                    ),
                )
                .error()
            } else {
                SideEffect::new(
                    context.module,
                    call.range(),
                    action,
                    format!(
                        "children get the parent's `sys.argv`, so each one opens `{option}` (an `argparse.FileType(\"w\")`) with mode \"w\" again and truncates what the parent wrote to it"
                    ),
                )
            };
            return Some(effect.help(
                "parse the arguments in `main()` and pass what the workers need as arguments",
            ));
        }
        None
    }

    /// The source text of an expression, on one line and shortened.
    fn snippet(&self, module: usize, expr: &Expr) -> String {
        snippet((self.texts)(module), expr.range())
    }
}

/// The source text of a range, on one line and shortened.
pub fn snippet(text: &str, range: TextRange) -> String {
    let source = text
        .get(range.start().to_usize()..range.end().to_usize())
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if source.chars().count() > 40 {
        format!("{}...", source.chars().take(37).collect::<String>())
    } else {
        source
    }
}

/// `if p:` or `if not p:` on a parameter of the function being walked: the
/// parameter's position and the truth the body needs.
fn parameter_test(model: &ModuleModel, test: &Expr, context: Context) -> Option<(usize, bool)> {
    context.function?;
    let (name, truthy) = match test {
        Expr::Name(name) => (name, true),
        Expr::UnaryOp(ast::ExprUnaryOp {
            op: ast::UnaryOp::Not,
            operand,
            ..
        }) => (operand.as_name_expr()?, false),
        _ => return None,
    };
    let (_, bindings) = model.lookup(name.id.as_str(), context.scope)?;
    match bindings {
        [binding] => match binding.kind {
            BindingKind::Parameter(position) => Some((position, truthy)),
            _ => None,
        },
        _ => None,
    }
}

/// Marks effects found in a branch on a parameter (unless an inner branch did).
fn tag_parameter(effects: &mut [SideEffect], condition: (usize, bool)) {
    for effect in effects {
        effect.when_parameter.get_or_insert(condition);
    }
}

/// The truth of the argument `call` passes for the parameter at `position` of
/// `def` (its default when not passed), when a literal says it; `None` when
/// unknown (a variable, `*args`, `**kwargs`, a method's shifted positions).
fn argument_truth(
    def: &ast::StmtFunctionDef,
    call: &ast::ExprCall,
    position: usize,
) -> Option<bool> {
    let parameters = &def.parameters;
    if !parameters.posonlyargs.is_empty() || parameters.vararg.is_some() {
        return None;
    }
    let named: Vec<&ast::ParameterWithDefault> = parameters
        .args
        .iter()
        .chain(&parameters.kwonlyargs)
        .collect();
    let parameter = named.get(position)?;
    let name = parameter.parameter.name.as_str();
    if matches!(name, "self" | "cls") {
        return None;
    }
    let keyword = call
        .arguments
        .keywords
        .iter()
        .find(|keyword| keyword.arg.as_ref().is_some_and(|arg| arg.as_str() == name));
    let unpacked = call.arguments.keywords.iter().any(|k| k.arg.is_none())
        || call.arguments.args.iter().any(Expr::is_starred_expr);
    let value = match keyword {
        Some(keyword) => &keyword.value,
        None => match call.arguments.args.get(position) {
            // A method's positions are shifted by its receiver.
            Some(_)
                if parameters.args.first().is_some_and(|first| {
                    matches!(first.parameter.name.as_str(), "self" | "cls")
                }) =>
            {
                return None
            }
            Some(argument) if position < parameters.args.len() => argument,
            _ if unpacked => return None,
            _ => parameter.default.as_deref()?,
        },
    };
    literal_truth(value)
}

/// The truth of a literal (`False`, `0`, `None`, `""`, `True`, `1`), as the
/// knowledge base reads literals.
fn literal_truth(expr: &Expr) -> Option<bool> {
    use crate::semantic::knowledge::{literal, Known};
    match literal(expr)? {
        Known::Bool(value) => Some(value),
        Known::None => Some(false),
        Known::Int(value) => Some(value != 0),
        Known::Str(text) => Some(!text.is_empty()),
        Known::Mapping(_) => None,
    }
}

fn output_effect(module: usize, range: TextRange, action: &str) -> SideEffect {
    SideEffect::new(
        module,
        range,
        action.to_string(),
        "the output is repeated once per child".to_string(),
    )
}

fn stdin_effect(module: usize, range: TextRange, action: &str) -> SideEffect {
    SideEffect::new(
        module,
        range,
        action.to_string(),
        "each child reads stdin again: multiprocessing replaces a child's stdin only after this import, so a spawn child reads the parent's stdin (on a terminal it waits for input) and a forkserver child gets `EOFError`".to_string(),
    )
    .error()
    .help("read the input in `main()` (under the guard) and pass it to the workers as an argument")
}

fn is_deletion(name: &str) -> bool {
    matches!(
        name,
        "shutil.rmtree" | "os.remove" | "os.unlink" | "os.rmdir" | "os.removedirs"
    )
}

fn is_false(expr: &Expr) -> bool {
    matches!(expr, Expr::BooleanLiteral(literal) if !literal.value)
        || matches!(expr, Expr::NoneLiteral(_))
}

/// The qualified name an expression stands for.
fn qualified(model: &ModuleModel, expr: &Expr, scope: ScopeId) -> Option<String> {
    match model.resolve(expr, scope) {
        Value::Qualified(name) => Some(name.to_string()),
        _ => None,
    }
}

/// The builtin a name calls (`print`, `open`) when nothing in the module shadows it.
fn builtin_name<'e>(model: &ModuleModel, expr: &'e Expr, scope: ScopeId) -> Option<&'e str> {
    let Expr::Name(name) = expr else {
        return None;
    };
    model
        .lookup(name.id.as_str(), scope)
        .is_none()
        .then_some(name.id.as_str())
}

/// Does an `except` clause catch `FileExistsError`?
fn catches_file_exists(type_: Option<&Expr>) -> bool {
    let Some(type_) = type_ else {
        return true;
    };
    match type_ {
        Expr::Name(name) => matches!(
            name.id.as_str(),
            "FileExistsError"
                | "OSError"
                | "IOError"
                | "EnvironmentError"
                | "Exception"
                | "BaseException"
        ),
        Expr::Tuple(tuple) => tuple
            .elts
            .iter()
            .any(|element| catches_file_exists(Some(element))),
        _ => false,
    }
}

/// Does an expression mention `NAME` or `x.NAME`?
fn mentions_attribute(expr: &Expr, attribute: &str) -> bool {
    struct Finder<'n> {
        name: &'n str,
        found: bool,
    }
    impl<'a> Visitor<'a> for Finder<'_> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            match expr {
                Expr::Name(name) if name.id.as_str() == self.name => self.found = true,
                Expr::Attribute(attr) if attr.attr.as_str() == self.name => self.found = true,
                _ => visitor::walk_expr(self, expr),
            }
        }
    }
    let mut finder = Finder {
        name: attribute,
        found: false,
    };
    finder.visit_expr(expr);
    finder.found
}

/// A test that asks which process the code runs in (`__name__ == "__mp_main__"`,
/// `multiprocessing.parent_process() is None`, `current_process().name`): the
/// code under it is meant to run where it does.
fn checks_process_role(model: &ModuleModel, test: &Expr, scope: ScopeId) -> bool {
    struct Finder<'m, 'a> {
        model: &'m ModuleModel<'a>,
        scope: ScopeId,
        found: bool,
    }
    impl<'e> Visitor<'e> for Finder<'_, '_> {
        fn visit_expr(&mut self, expr: &'e Expr) {
            match expr {
                Expr::StringLiteral(literal) if literal.value.to_str() == "__mp_main__" => {
                    self.found = true;
                }
                Expr::Call(call) => {
                    if let Value::Qualified(name) = self.model.resolve(&call.func, self.scope) {
                        if crate::api::normalize(&name).is_some_and(|(path, _)| {
                            matches!(
                                path,
                                "parent_process"
                                    | "current_process"
                                    | "process.parent_process"
                                    | "process.current_process"
                            )
                        }) {
                            self.found = true;
                        }
                    }
                    visitor::walk_expr(self, expr);
                }
                _ => visitor::walk_expr(self, expr),
            }
        }
    }
    let mut finder = Finder {
        model,
        scope,
        found: false,
    };
    finder.visit_expr(test);
    finder.found
}

/// The paths an `if` test requires to exist (`os.path.exists(p)`, `p.exists()`,
/// joined with `and`/`or`; not negated ones).
fn positive_exists_checks<'e>(
    model: &ModuleModel,
    test: &'e Expr,
    scope: ScopeId,
) -> Vec<&'e Expr> {
    match test {
        Expr::BoolOp(bool_op) => bool_op
            .values
            .iter()
            .flat_map(|value| positive_exists_checks(model, value, scope))
            .collect(),
        Expr::Call(call) => exists_check(model, call, scope).into_iter().collect(),
        _ => Vec::new(),
    }
}

/// The path an existence check is about.
fn exists_check<'e>(
    model: &ModuleModel,
    call: &'e ast::ExprCall,
    scope: ScopeId,
) -> Option<&'e Expr> {
    if let Some(name) = qualified(model, &call.func, scope) {
        if matches!(
            name.as_str(),
            "os.path.exists" | "os.path.isfile" | "os.path.isdir" | "os.path.lexists"
        ) {
            return call.arguments.args.first();
        }
    }
    match call.func.as_ref() {
        Expr::Attribute(attribute)
            if matches!(attribute.attr.as_str(), "exists" | "is_file" | "is_dir")
                && is_path_value(model, &attribute.value, scope, 0) =>
        {
            Some(&attribute.value)
        }
        _ => None,
    }
}

/// Does a test check that some path exists (negated or not)?
fn mentions_exists_check(model: &ModuleModel, test: &Expr, scope: ScopeId) -> bool {
    let mut finder = CallFinder { calls: Vec::new() };
    finder.visit_expr(test);
    finder
        .calls
        .iter()
        .any(|call| exists_check(model, call, scope).is_some())
}

/// The first statement of a body that exits the process (`sys.exit()`,
/// `raise SystemExit`), not inside nested blocks' functions.
fn find_exit(model: &ModuleModel, body: &[Stmt], scope: ScopeId) -> Option<TextRange> {
    let mut found = None;
    crate::semantic::for_each_statement(body, &mut |stmt| {
        if found.is_some() {
            return;
        }
        match stmt {
            Stmt::Raise(raise) => {
                if let Some(exception) = &raise.exc {
                    let name = match exception.as_ref() {
                        Expr::Call(call) => &call.func,
                        other => other,
                    };
                    if matches!(name, Expr::Name(n) if n.id.as_str() == "SystemExit") {
                        found = Some(stmt.range());
                    }
                }
            }
            Stmt::Expr(ast::StmtExpr { value, .. }) => {
                if let Expr::Call(call) = value.as_ref() {
                    let exits = matches!(
                        qualified(model, &call.func, scope).as_deref(),
                        Some("sys.exit" | "os._exit")
                    ) || matches!(
                        builtin_name(model, &call.func, scope),
                        Some("exit" | "quit")
                    );
                    if exits {
                        found = Some(call.range());
                    }
                }
            }
            _ => {}
        }
    });
    found
}

/// The paths a module creates or writes anywhere (its pid file, say), with the scope of the write.
fn written_paths<'a>(project: &Project<'_, 'a>, module: usize) -> Vec<(&'a Expr, ScopeId)> {
    let model = &project.models[module];
    let mut written = Vec::new();
    for site in &project.facts[module].calls {
        let call = site.call;
        let scope = site.scope;
        let writing_mode = |position: usize| {
            call.arguments
                .find_argument_value("mode", position)
                .and_then(|mode| model.possible_strings(mode, scope))
                .is_some_and(|modes| {
                    modes
                        .iter()
                        .all(|mode| mode.contains('w') || mode.contains('a') || mode.contains('x'))
                })
        };
        if builtin_name(model, &call.func, scope) == Some("open")
            || matches!(
                qualified(model, &call.func, scope).as_deref(),
                Some("io.open" | "codecs.open")
            )
        {
            if writing_mode(1) {
                if let Some(path) = call.arguments.find_argument_value("file", 0) {
                    written.push((path, scope));
                }
            }
            continue;
        }
        if qualified(model, &call.func, scope).as_deref() == Some("os.open") {
            if let (Some(path), Some(flags)) =
                (call.arguments.args.first(), call.arguments.args.get(1))
            {
                if mentions_attribute(flags, "O_CREAT") {
                    written.push((path, scope));
                }
            }
            continue;
        }
        if let Expr::Attribute(attribute) = call.func.as_ref() {
            let writes = match attribute.attr.as_str() {
                "write_text" | "write_bytes" | "touch" => true,
                "open" => writing_mode(0),
                _ => false,
            };
            if writes && is_path_value(model, &attribute.value, scope, 0) {
                written.push((&*attribute.value, scope));
                // `Path(PID_FILE).touch()` writes `PID_FILE`.
                if let Expr::Call(path_call) = attribute.value.as_ref() {
                    if let Some(inner) = path_call.arguments.args.first() {
                        written.push((inner, scope));
                    }
                }
            }
        }
    }
    written
}

/// Is a path deleted at import time (`shutil.rmtree(OUT)` before `os.makedirs(OUT)`)?
fn deleted_at_import(project: &Project, module: usize, path: &Expr, scope: ScopeId) -> bool {
    let model = &project.models[module];
    project.facts[module].calls.iter().any(|site| {
        site.import_time
            && qualified(model, &site.call.func, site.scope).is_some_and(|name| is_deletion(&name))
            && site
                .call
                .arguments
                .args
                .first()
                .is_some_and(|deleted| same_path(model, deleted, site.scope, path, scope))
    })
}

/// Do two expressions name the same path: equal literals, or the same variable.
fn same_path(model: &ModuleModel, a: &Expr, a_scope: ScopeId, b: &Expr, b_scope: ScopeId) -> bool {
    if ComparableExpr::from(a) != ComparableExpr::from(b) {
        return false;
    }
    match (a, b) {
        (Expr::Name(a), Expr::Name(b)) => {
            let a = model.lookup(a.id.as_str(), a_scope).map(|(scope, _)| scope);
            let b = model.lookup(b.id.as_str(), b_scope).map(|(scope, _)| scope);
            a.is_some() && a == b
        }
        _ => true,
    }
}

/// Does a body write to a file handle (`handle.write(...)`, `print(..., file=handle)`,
/// `json.dump(obj, handle)`)?
fn writes_to(model: &ModuleModel, body: &[Stmt], handle: &str, scope: ScopeId) -> bool {
    let is_handle = |expr: &Expr| matches!(expr, Expr::Name(name) if name.id.as_str() == handle);
    let mut found = false;
    crate::semantic::for_each_statement(body, &mut |stmt| {
        if found {
            return;
        }
        let mut finder = CallFinder { calls: Vec::new() };
        match stmt {
            Stmt::Expr(_)
            | Stmt::Assign(_)
            | Stmt::AugAssign(_)
            | Stmt::AnnAssign(_)
            | Stmt::Return(_) => {
                finder.visit_stmt(stmt);
            }
            _ => return,
        }
        for call in finder.calls {
            if let Expr::Attribute(attribute) = call.func.as_ref() {
                if matches!(attribute.attr.as_str(), "write" | "writelines")
                    && is_handle(&attribute.value)
                {
                    found = true;
                }
            }
            if builtin_name(model, &call.func, scope) == Some("print")
                && call
                    .arguments
                    .find_keyword("file")
                    .is_some_and(|keyword| is_handle(&keyword.value))
            {
                found = true;
            }
            if let Some(name) = qualified(model, &call.func, scope) {
                if matches!(
                    name.as_str(),
                    "json.dump"
                        | "pickle.dump"
                        | "yaml.dump"
                        | "yaml.safe_dump"
                        | "csv.writer"
                        | "csv.DictWriter"
                        | "toml.dump"
                ) && call.arguments.args.iter().any(&is_handle)
                {
                    found = true;
                }
            }
        }
    });
    found
}

const PATH_CLASSES: &[&str] = &[
    "pathlib.Path",
    "pathlib.PurePath",
    "pathlib.PosixPath",
    "pathlib.WindowsPath",
    "pathlib.Path.cwd",
    "pathlib.Path.home",
];

/// Is an expression a `pathlib.Path` (`Path(x)`, `Path(x) / "y"`, `p.parent`,
/// or a name only ever bound to those)?
fn is_path_value(model: &ModuleModel, expr: &Expr, scope: ScopeId, depth: usize) -> bool {
    if depth > 6 {
        return false;
    }
    match expr {
        Expr::BinOp(binary) if binary.op == ast::Operator::Div => {
            is_path_value(model, &binary.left, scope, depth + 1)
        }
        Expr::Attribute(attribute) if attribute.attr.as_str() == "parent" => {
            is_path_value(model, &attribute.value, scope, depth + 1)
        }
        Expr::Call(call) => {
            if let Expr::Attribute(attribute) = call.func.as_ref() {
                if matches!(
                    attribute.attr.as_str(),
                    "joinpath"
                        | "with_suffix"
                        | "with_name"
                        | "with_stem"
                        | "resolve"
                        | "absolute"
                        | "expanduser"
                ) && is_path_value(model, &attribute.value, scope, depth + 1)
                {
                    return true;
                }
            }
            matches!(
                model.resolve(&call.func, scope),
                Value::Qualified(name) if PATH_CLASSES.contains(&name.as_str())
            )
        }
        Expr::Name(name) => {
            let Some((found_in, bindings)) = model.lookup(name.id.as_str(), scope) else {
                return false;
            };
            !bindings.is_empty()
                && bindings.iter().all(|binding| match binding.kind {
                    BindingKind::Assign(value) => is_path_value(model, value, found_in, depth + 1),
                    _ => false,
                })
        }
        _ => false,
    }
}

/// Calls whose result differs in every process: the path they name is new each time.
const PER_PROCESS: &[&str] = &[
    "time.strftime",
    "time.time",
    "time.time_ns",
    "datetime.datetime.now",
    "datetime.datetime.utcnow",
    "datetime.datetime.today",
    "uuid.uuid1",
    "uuid.uuid4",
    "secrets.token_hex",
    "secrets.token_urlsafe",
    "tempfile.mkdtemp",
    "tempfile.mktemp",
];

/// Where a path's per-process part comes from (`datetime.datetime.now`), when
/// it is built from the time or a random id (following names bound once).
fn per_process_source(
    model: &ModuleModel,
    expr: &Expr,
    scope: ScopeId,
    depth: usize,
) -> Option<String> {
    path_source(model, expr, scope, depth, PER_PROCESS)
}

/// Calls that name the process itself: a path built from them is meant to
/// differ in every process (`f"worker-{os.getpid()}.log"`).
const OWN_PROCESS: &[&str] = &[
    "os.getpid",
    "multiprocessing.current_process",
    "multiprocessing.process.current_process",
    "threading.get_ident",
];

/// Is a path one each process is meant to have for itself, or `os.devnull`?
fn own_or_null_path(model: &ModuleModel, expr: &Expr, scope: ScopeId) -> bool {
    if matches!(model.resolve(expr, scope), Value::Qualified(name) if name == "os.devnull")
        || matches!(expr, Expr::StringLiteral(literal) if literal.value.to_str() == "/dev/null")
    {
        return true;
    }
    path_source(model, expr, scope, 0, OWN_PROCESS).is_some()
}

/// Where a path's varying part comes from, among `sources` (following names bound once).
fn path_source(
    model: &ModuleModel,
    expr: &Expr,
    scope: ScopeId,
    depth: usize,
    sources: &[&str],
) -> Option<String> {
    if depth > 6 {
        return None;
    }
    match expr {
        Expr::Name(name) => {
            let (found_in, bindings) = model.lookup(name.id.as_str(), scope)?;
            match bindings {
                [binding] => match binding.kind {
                    BindingKind::Assign(value) => {
                        path_source(model, value, found_in, depth + 1, sources)
                    }
                    _ => None,
                },
                _ => None,
            }
        }
        Expr::Call(call) => {
            let callee = model.resolve(&call.func, scope);
            // `strftime` with a format coarser than seconds gives every child the same name.
            let is_strftime = match &callee {
                Value::Qualified(name) => name == "time.strftime",
                Value::BoundMethod(_, method) => method == "strftime",
                _ => false,
            };
            if is_strftime && sources.contains(&"time.strftime") {
                if let Some(Expr::StringLiteral(format)) = call.arguments.args.first() {
                    let format = format.value.to_str();
                    if !["%S", "%f", "%s", "%X", "%T", "%c"]
                        .iter()
                        .any(|directive| format.contains(directive))
                    {
                        return None;
                    }
                }
            }
            if let Value::Qualified(name) = &callee {
                if sources.contains(&name.as_str()) {
                    return Some(name.to_string());
                }
            }
            if let Expr::Attribute(attribute) = call.func.as_ref() {
                if let Some(found) = path_source(model, &attribute.value, scope, depth + 1, sources)
                {
                    return Some(found);
                }
            }
            call.arguments
                .args
                .iter()
                .chain(call.arguments.keywords.iter().map(|keyword| &keyword.value))
                .find_map(|argument| path_source(model, argument, scope, depth + 1, sources))
        }
        Expr::BinOp(binary) => path_source(model, &binary.left, scope, depth + 1, sources)
            .or_else(|| path_source(model, &binary.right, scope, depth + 1, sources)),
        Expr::FString(fstring) => {
            let mut found = None;
            for element in fstring.value.elements() {
                if let ast::InterpolatedStringElement::Interpolation(interpolation) = element {
                    found = found.or_else(|| {
                        path_source(model, &interpolation.expression, scope, depth + 1, sources)
                    });
                }
            }
            found
        }
        Expr::Attribute(attribute) => {
            path_source(model, &attribute.value, scope, depth + 1, sources)
        }
        _ => None,
    }
}

/// The calls an expression (or simple statement) makes, inner ones first; not inside lambdas.
struct CallFinder<'a> {
    calls: Vec<&'a ast::ExprCall>,
}

impl<'a> Visitor<'a> for CallFinder<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        visitor::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Lambda(_) => {}
            Expr::Call(call) => {
                visitor::walk_expr(self, expr);
                self.calls.push(call);
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_project::with_project;
    use ruff_text_size::TextLen;

    /// The import-time side effects of a one-module program: (action, error, spawn only).
    fn effects(source: &str) -> Vec<(String, bool, bool)> {
        with_project(&[("main", source)], |project| {
            import_time_side_effects(project, 0, &|_| source)
                .into_iter()
                .map(|effect| (effect.action, effect.error, effect.spawn_only))
                .collect()
        })
    }

    #[test]
    fn top_level_print_runs_in_every_child() {
        let found = effects("print('starting')\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].0.contains("print"), "{found:?}");
        assert!(!found[0].1 && !found[0].2);
    }

    #[test]
    fn guarded_code_does_not_run_in_children() {
        assert_eq!(
            effects("if __name__ == '__main__':\n    print('starting')\n    input('name? ')\n"),
            vec![]
        );
    }

    #[test]
    fn input_at_import_breaks_the_child() {
        let found = effects("name = input('name? ')\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].1, "an error: {found:?}");
    }

    #[test]
    fn effects_behind_a_parameter_follow_each_call_argument() {
        let source = "def timed(items, verbose=False, *, label=''):\n    if verbose:\n        print(items)\n    if not label:\n        return 0\n    else:\n        print(label)\n\ntimed(1)\ntimed(2, False)\ntimed(3, verbose=0)\ntimed(4, verbose=True)\ntimed(5, flag)\ntimed(6, label='x')\n";
        with_project(&[("main", source)], |project| {
            let reported: Vec<&str> = import_time_side_effects(project, 0, &|_| source)
                .iter()
                .map(|effect| &source[effect.range])
                .collect();
            assert_eq!(
                reported,
                [
                    "timed(4, verbose=True)",
                    "timed(5, flag)",
                    "timed(6, label='x')"
                ]
            );
        });
    }

    #[test]
    fn effects_through_a_called_function() {
        let source = "def banner():\n    print('hello')\n\nbanner()\n";
        with_project(&[("main", source)], |project| {
            let found = import_time_side_effects(project, 0, &|_| source);
            assert_eq!(found.len(), 1);
            assert_eq!(found[0].callee.as_deref(), Some("banner"));
            assert_eq!(&source[found[0].range], "banner()");
        });
    }

    #[test]
    fn atexit_handlers_run_again_only_in_spawn_children() {
        let found = effects("import atexit\n\ndef bye():\n    pass\n\natexit.register(bye)\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].2, "spawn only: {found:?}");
    }

    #[test]
    fn snippets_are_short_and_on_one_line() {
        let text = "open(\n    'a'\n)";
        assert_eq!(
            snippet(text, TextRange::up_to(text.text_len())),
            "open( 'a' )"
        );
        let long = "x".repeat(60);
        assert_eq!(snippet(&long, TextRange::up_to(long.text_len())).len(), 40);
    }
}
