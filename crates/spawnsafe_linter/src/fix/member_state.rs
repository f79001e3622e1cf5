//! Fixes for an unpicklable member of an instance that crosses the process
//! boundary (an instance in `Process` args or a pool task, a bound method's
//! instance, a `DataLoader` dataset, a `Process` subclass pickled at
//! `start()`, a queue item, a task's result):
//!
//! - a lambda stored in the member (`self.f = lambda x: ...`, a dataclass
//!   field's `f: Callable = lambda x: ...`, a parameter's default) becomes a
//!   module-level function, which pickles by name (see [`super::hoist`]);
//! - a member that only `__init__` and code running only in the parent read
//!   (see [`super::parent_only`]) is left out of what a child gets and is
//!   `None` there;
//! - any other value (a `threading.Lock`, an open file, a `sqlite3`
//!   connection, an `mmap`, a logging handler) is left out of the pickled
//!   state by a `__getstate__` and made again where it is unpickled by a
//!   `__setstate__` that runs the same expression `__init__` ran (inside the
//!   same `with` block, followed by the calls `__init__` made on it to
//!   configure it, reading the parameters through the attributes they are
//!   kept in, or new private ones the fix stores them in; a file opened for
//!   writing is opened again for appending). Unsafe: the new object is a new
//!   one, and what the sender's object held is not carried over. Refused for
//!   pools, executors and managers (a pool worker may not start processes)
//!   and in-memory `sqlite3` databases (a new one is empty).

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};

use super::hoist::{self, Context};
use super::imports::line_indent;
use super::lines::line_end;
use super::parent_only::ParentOnly;
use super::{Edit, Fix};
use crate::globals::is_builtin;
use crate::semantic::{ScopeId, MODULE_SCOPE};

/// Methods that already decide how the class pickles: adding ours would fight them.
pub(super) const PICKLE_PROTOCOL: [&str; 6] = [
    "__getstate__",
    "__setstate__",
    "__reduce__",
    "__reduce_ex__",
    "__getnewargs__",
    "__getnewargs_ex__",
];

/// The fix for the member stored at `at`: the stored value's range, or the
/// assignment's target or statement.
/// `to_child`: the object is unpickled in a child (not sent back to the
/// parent); `whole_program`: the module is all the code there is, so that what
/// reads a member can be known.
pub fn member_fix(
    context: &Context,
    at: TextRange,
    to_child: bool,
    whole_program: bool,
) -> Option<Fix> {
    if let Some((lambda, scope, stored)) = lambda_at(context, at) {
        return match stored {
            Some(stored) => hoist::stored_lambda_fix(context, lambda, scope, stored),
            None => hoist::lambda_fix(context, lambda, scope),
        };
    }
    let model = context.model;
    // The innermost class whose method assigns `self.<name> = value` at `at`.
    let class = model
        .classes
        .iter()
        .filter(|class| class.def.range.contains_range(at))
        .min_by_key(|class| class.def.range.len())?;
    let (method, name, value, within) = class.def.body.iter().find_map(|stmt| {
        let Stmt::FunctionDef(method) = stmt else {
            return None;
        };
        if !method.range.contains_range(at) {
            return None;
        }
        let receiver = method.parameters.args.first()?.parameter.name.as_str();
        method.body.iter().find_map(|stmt| {
            let (name, value, within) = made_by(stmt, receiver)?;
            (stmt.range().contains_range(at)).then_some((method, name, value, within))
        })
    })?;
    let receiving = Receiving {
        to_child,
        whole_program,
    };
    state_fix(context, class.def, method, name, value, within, receiving)
}

/// The member a statement of a method's body makes: `self.<name> = value`,
/// or that assignment as the one statement of a `with` block (`with
/// open(path, "rb") as f: self.buffer = mmap.mmap(f.fileno(), 0)`).
fn made_by<'a>(
    stmt: &'a Stmt,
    receiver: &str,
) -> Option<(&'a str, &'a Expr, Option<&'a ast::StmtWith>)> {
    if let Some((name, value)) = self_assignment(stmt, receiver) {
        return Some((name, value, None));
    }
    let Stmt::With(with) = stmt else {
        return None;
    };
    let [only] = with.body.as_slice() else {
        return None;
    };
    let (name, value) = self_assignment(only, receiver)?;
    (!with.is_async).then_some((name, value, Some(with)))
}

/// A lambda at `at`, the scope it is evaluated in, and the name it is
/// stored under (`self.<name> = lambda`, `<name>: T = lambda`, a parameter's
/// or keyword's default).
fn lambda_at<'a>(
    context: &Context<'_, 'a>,
    at: TextRange,
) -> Option<(&'a ast::ExprLambda, ScopeId, Option<&'a str>)> {
    struct Find<'a> {
        at: TextRange,
        found: Option<&'a ast::ExprLambda>,
        stored: Option<&'a str>,
    }
    impl<'a> Find<'a> {
        fn name_for(&mut self, value: &Expr, name: &'a str) {
            if value.range() == self.at {
                self.stored = Some(name);
            }
        }
    }
    impl<'a> Visitor<'a> for Find<'a> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            match stmt {
                Stmt::Assign(assign) if assign.targets.len() == 1 => match &assign.targets[0] {
                    Expr::Name(name) => self.name_for(&assign.value, name.id.as_str()),
                    Expr::Attribute(attribute) => {
                        self.name_for(&assign.value, attribute.attr.as_str());
                    }
                    _ => {}
                },
                Stmt::AnnAssign(assign) => {
                    if let (Some(value), Expr::Name(name)) = (&assign.value, &*assign.target) {
                        self.name_for(value, name.id.as_str());
                    }
                }
                Stmt::FunctionDef(def) => {
                    for parameter in def.parameters.iter_non_variadic_params() {
                        if let Some(default) = parameter.default.as_deref() {
                            self.name_for(default, parameter.parameter.name.as_str());
                        }
                    }
                }
                _ => {}
            }
            visitor::walk_stmt(self, stmt);
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Lambda(lambda) = expr {
                if lambda.range == self.at {
                    self.found = Some(lambda);
                    return;
                }
            }
            if let Expr::Call(call) = expr {
                for keyword in &call.arguments.keywords {
                    // A role (`callable=`, `target=`) names no value: keep the default name.
                    if let Some(arg) = keyword.arg.as_ref().filter(|arg| {
                        !matches!(
                            arg.as_str(),
                            "callable" | "target" | "initializer" | "func" | "fn"
                        )
                    }) {
                        self.name_for(&keyword.value, arg.as_str());
                    }
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut find = Find {
        at,
        found: None,
        stored: None,
    };
    find.visit_body(context.model.body);
    let lambda = find.found?;
    let stored = find.stored;
    let model = context.model;
    // A function's body is its scope; its parameters' defaults are evaluated outside it.
    let in_body = |body: &[Stmt]| {
        body.first().zip(body.last()).is_some_and(|(first, last)| {
            TextRange::new(first.start(), last.end()).contains_range(at)
        })
    };
    let function = model
        .functions
        .iter()
        .filter(|f| in_body(&f.def.body))
        .min_by_key(|f| f.def.range.len())
        .map(|f| (f.def.range.len(), f.scope));
    let class = model
        .classes
        .iter()
        .filter(|c| in_body(&c.def.body))
        .min_by_key(|c| c.def.range.len())
        .map(|c| (c.def.range.len(), c.scope));
    let scope = match (function, class) {
        (Some(f), Some(c)) => Some(if f.0 < c.0 { f.1 } else { c.1 }),
        (f, c) => f.or(c).map(|(_, scope)| scope),
    };
    Some((lambda, scope.unwrap_or(MODULE_SCOPE), stored))
}

/// `receiver.name = value` (or annotated), the attribute's name and value.
fn self_assignment<'a>(stmt: &'a Stmt, receiver: &str) -> Option<(&'a str, &'a Expr)> {
    let (target, value) = match stmt {
        Stmt::Assign(assign) if assign.targets.len() == 1 => (&assign.targets[0], &*assign.value),
        Stmt::AnnAssign(assign) => (&*assign.target, assign.value.as_deref()?),
        _ => return None,
    };
    let Expr::Attribute(attribute) = target else {
        return None;
    };
    let Expr::Name(name) = &*attribute.value else {
        return None;
    };
    (name.id.as_str() == receiver).then_some((attribute.attr.as_str(), value))
}

/// Every `self.<name> = ...` in the class's methods, by attribute name.
fn attribute_assignments(class: &ast::StmtClassDef) -> Vec<(&str, &Expr)> {
    struct Stores<'a> {
        receiver: &'a str,
        found: Vec<(&'a str, &'a Expr)>,
    }
    impl<'a> Visitor<'a> for Stores<'a> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if let Some(found) = self_assignment(stmt, self.receiver) {
                self.found.push(found);
            }
            // Augmented and unpacking assignments count as a change of any attribute they name.
            if let Stmt::AugAssign(aug) = stmt {
                if let Expr::Attribute(attribute) = &*aug.target {
                    self.found.push((attribute.attr.as_str(), &aug.value));
                }
            }
            visitor::walk_stmt(self, stmt);
        }
    }
    let mut found = Vec::new();
    for stmt in &class.body {
        if let Stmt::FunctionDef(method) = stmt {
            let Some(receiver) = method.parameters.args.first() else {
                continue;
            };
            let mut stores = Stores {
                receiver: receiver.parameter.name.as_str(),
                found: Vec::new(),
            };
            stores.visit_body(&method.body);
            found.extend(stores.found);
        }
    }
    found
}

/// Whether a class body defines any of `wanted` (a method or an assignment).
pub(super) fn defines(body: &[Stmt], wanted: &[&str]) -> bool {
    body.iter().any(|stmt| match stmt {
        Stmt::FunctionDef(def) => wanted.contains(&def.name.as_str()),
        Stmt::Assign(assign) => assign
            .targets
            .iter()
            .any(|target| matches!(target, Expr::Name(n) if wanted.contains(&n.id.as_str()))),
        Stmt::AnnAssign(assign) => {
            matches!(&*assign.target, Expr::Name(n) if wanted.contains(&n.id.as_str()))
        }
        _ => false,
    })
}

/// An edit that adds `lines` at the end of a class, after a blank line: each
/// line is its depth below the class body's indentation and its text (an
/// empty text is a blank line).
pub(super) fn append_to_class(
    context: &Context,
    class: &ast::StmtClassDef,
    lines: &[(usize, String)],
) -> Option<Edit> {
    let text = context.text;
    let body_indent = line_indent(text, class.body.first()?.start())?;
    if body_indent.is_empty() {
        return None;
    }
    let newline = context.style.newline;
    let last = class.body.last()?;
    // At the start of the line after the class's last one.
    let at = line_end(text, usize::from(last.end()));
    let mut code = String::new();
    if !text[..at].ends_with(['\n', '\r']) {
        code.push_str(newline);
    }
    code.push_str(newline);
    for (depth, line) in lines {
        if !line.is_empty() {
            code.push_str(body_indent);
            code.push_str(&context.style.indentation(*depth));
            code.push_str(line);
        }
        code.push_str(newline);
    }
    Some(Edit::insertion(code, TextSize::try_from(at).ok()?))
}

/// `__getstate__` that drops `name` and `__setstate__` that re-creates it.
fn state_fix(
    context: &Context,
    class: &ast::StmtClassDef,
    method: &ast::StmtFunctionDef,
    name: &str,
    value: &Expr,
    within: Option<&ast::StmtWith>,
    receiving: Receiving,
) -> Option<Fix> {
    let model = context.model;
    let text = context.text;
    if defines(&class.body, &PICKLE_PROTOCOL) || defines(&class.body, &["__slots__"]) {
        return None;
    }
    // A base class of this module that decides how it pickles, or a frozen dataclass.
    for base in class.bases() {
        if let Expr::Name(base) = base {
            let own = model
                .classes
                .iter()
                .find(|c| c.def.name.as_str() == base.id.as_str());
            if own.is_some_and(|c| {
                defines(&c.def.body, &PICKLE_PROTOCOL) || defines(&c.def.body, &["__slots__"])
            }) {
                return None;
            }
        }
    }
    if class.decorator_list.iter().any(|d| {
        matches!(&d.expression, Expr::Call(call) if call.arguments.keywords.iter().any(|k| {
            k.arg.as_ref().is_some_and(|a| a.as_str() == "frozen")
        }))
    }) {
        return None;
    }
    // Assigned once in the class, so that "the value `__init__` gave it" is well defined.
    let assignments = attribute_assignments(class);
    if assignments.iter().filter(|(n, _)| *n == name).count() != 1 {
        return None;
    }
    // Read only by code that runs in the parent: the child's copy does without it.
    if receiving.to_child
        && receiving.whole_program
        && ParentOnly::new(model.body).attribute_read_only_in_parent(name, method)
    {
        return drop_fix(context, class, name);
    }
    if starts_processes(value) || in_memory_database(method, value) {
        return None;
    }
    let mut remake = Remake::new(context, class, method, name, &assignments)?;
    // The `with` the member is made in is entered again, its targets kept as they are.
    let mut header = None;
    if let Some(with) = within {
        let mut items = Vec::new();
        for item in &with.items {
            let entered = remake.expression(&item.context_expr)?;
            match item.optional_vars.as_deref() {
                None => items.push(entered),
                Some(Expr::Name(target)) => {
                    remake.kept.push(target.id.as_str());
                    items.push(format!("{entered} as {}", target.id.as_str()));
                }
                Some(_) => return None,
            }
        }
        header = Some(format!("with {}:", items.join(", ")));
    }
    let recreated = remake.expression(value)?;
    // What the method goes on to do with the member (configure a handler, create a
    // table) is done again on the new one; anything else it does with it refuses.
    let mut configured = Vec::new();
    for stmt in statements_using(method, name, value)? {
        configured.push(remake.expression(configuration_call(stmt, remake.receiver, name)?)?);
    }

    let quoted = format!("\"{name}\"");
    let mut code = vec![
        (0, "def __getstate__(self):".to_string()),
        (
            1,
            format!(
                "# `{name}` cannot be pickled: leave it out, and make a new one {}",
                receiving.place()
            ),
        ),
        (1, "state = self.__dict__.copy()".to_string()),
        (1, format!("state.pop({quoted}, None)")),
        (1, "return state".to_string()),
        (0, String::new()),
        (0, "def __setstate__(self, state):".to_string()),
        (1, "self.__dict__.update(state)".to_string()),
    ];
    match header {
        Some(header) => {
            code.push((1, header));
            code.push((2, format!("self.{name} = {recreated}")));
        }
        None => code.push((1, format!("self.{name} = {recreated}"))),
    }
    code.extend(configured.into_iter().map(|line| (1, line)));
    let mut edits = vec![append_to_class(context, class, &code)?];
    edits.extend(remake.store_edits(value)?);
    let mut reason = format!(
        "{} gets a new `{name}` made by `{}`, not the sender's object: what the sender's one holds (a taken lock, a file position, rows not committed) does not travel",
        if receiving.to_child { "the child" } else { "the process that unpickles it" },
        &text[value.range()]
    );
    if remake.reopened {
        reason.push_str("; the file is opened again for appending, so that the child does not truncate what the parent wrote");
    }
    Some(Fix::unsafe_because(
        format!(
            "Leave `{name}` out of the pickled state and re-create it {} (`__getstate__`/`__setstate__`)",
            receiving.place()
        ),
        reason,
        edits,
    ))
}

/// Who unpickles the object, and what the fix may know of the program.
#[derive(Clone, Copy)]
struct Receiving {
    to_child: bool,
    whole_program: bool,
}

impl Receiving {
    fn place(self) -> &'static str {
        if self.to_child {
            "in the child"
        } else {
            "where it is unpickled"
        }
    }
}

/// `__getstate__` that drops `name` and `__setstate__` that sets it to `None`.
fn drop_fix(context: &Context, class: &ast::StmtClassDef, name: &str) -> Option<Fix> {
    let quoted = format!("\"{name}\"");
    let code = [
        (0, "def __getstate__(self):".to_string()),
        (
            1,
            format!("# `{name}` cannot be pickled and only the parent uses it: leave it out"),
        ),
        (1, "state = self.__dict__.copy()".to_string()),
        (1, format!("state.pop({quoted}, None)")),
        (1, "return state".to_string()),
        (0, String::new()),
        (0, "def __setstate__(self, state):".to_string()),
        (1, "self.__dict__.update(state)".to_string()),
        (1, format!("self.{name} = None")),
    ];
    Some(Fix::unsafe_because(
        format!("Leave `{name}` out of what the child gets (`__getstate__`/`__setstate__`): only the parent uses it"),
        format!(
            "the child's copy has `{name} = None`: only `__init__` and code that runs in the parent (the main guard and what it calls) read it"
        ),
        vec![append_to_class(context, class, &code)?],
    ))
}

/// Re-writes expressions of the method that made a member so that
/// `__setstate__` can evaluate them: the method's parameters read through the
/// attributes they were stored in (`path` -> `self.path`), or through a new
/// private attribute the fix stores them in (`self._path = path`).
struct Remake<'r, 'c, 'a> {
    context: &'r Context<'c, 'a>,
    class: &'a ast::StmtClassDef,
    method: &'a ast::StmtFunctionDef,
    receiver: &'a str,
    dropped: &'r str,
    assignments: &'r [(&'a str, &'a Expr)],
    /// Parameters stored by the fix: (parameter, attribute).
    stores: Vec<(&'a str, String)>,
    /// An `open(..., "w")` made again in append mode.
    reopened: bool,
    /// Names bound by the `with` the member is made in: read as they are.
    kept: Vec<&'a str>,
}

impl<'r, 'c, 'a> Remake<'r, 'c, 'a> {
    fn new(
        context: &'r Context<'c, 'a>,
        class: &'a ast::StmtClassDef,
        method: &'a ast::StmtFunctionDef,
        dropped: &'r str,
        assignments: &'r [(&'a str, &'a Expr)],
    ) -> Option<Self> {
        Some(Remake {
            context,
            class,
            method,
            receiver: method.parameters.args.first()?.parameter.name.as_str(),
            dropped,
            assignments,
            stores: Vec::new(),
            reopened: false,
            kept: Vec::new(),
        })
    }

    /// The text of `value` as `__setstate__` can evaluate it; `None` when a
    /// name means something else there.
    fn expression(&mut self, value: &'a Expr) -> Option<String> {
        let reads = super::hoist::plain_expression_names(value)?;
        let method = self.method;
        let receiver = self.receiver;
        let parameters: Vec<&str> = method
            .parameters
            .iter()
            .map(|p| p.name().as_str())
            .collect();
        let locals = super::free_names::locals_of(method).locals;
        let model = self.context.model;
        let text = self.context.text;
        let mut replacements: Vec<(TextRange, String)> = Vec::new();
        for read in reads {
            let name = read.id.as_str();
            if name == receiver {
                // `self.other`: restored from the state before the member is made.
                if receiver != "self" {
                    replacements.push((read.range, "self".to_string()));
                }
                continue;
            }
            if self.kept.contains(&name) {
                continue;
            }
            if parameters.contains(&name) {
                let attr = self.parameter_attribute(name)?;
                replacements.push((read.range, format!("self.{attr}")));
                continue;
            }
            if locals.contains(name) {
                return None;
            }
            let module_level =
                model.scopes[MODULE_SCOPE]
                    .bindings
                    .get(name)
                    .is_some_and(|bindings| {
                        !bindings.is_empty() && bindings.iter().all(|b| !b.in_main_guard)
                    });
            if !module_level && !is_builtin(name) {
                return None;
            }
        }
        if let Some((range, mode)) = self.append_mode(value)? {
            replacements.push((range, mode));
            self.reopened = true;
        }
        let mut out = String::new();
        let mut last = usize::from(value.start());
        replacements.sort_by_key(|(range, _)| range.start());
        for (range, replacement) in replacements {
            out.push_str(&text[last..usize::from(range.start())]);
            out.push_str(&replacement);
            last = usize::from(range.end());
        }
        out.push_str(&text[last..usize::from(value.end())]);
        if out.contains(['\n', '\r']) {
            return None;
        }
        Some(out)
    }

    /// The attribute that holds parameter `name`'s value: the one `__init__`
    /// stored it in, unchanged since, or a new private one the fix adds.
    fn parameter_attribute(&mut self, name: &'a str) -> Option<String> {
        let method = self.method;
        let stored = self.assignments.iter().find(|(attr, stored)| {
            *attr != self.dropped && matches!(stored, Expr::Name(n) if n.id.as_str() == name)
        });
        if let Some((attr, stored)) = stored {
            if self.assignments.iter().filter(|(a, _)| a == attr).count() != 1 {
                return None;
            }
            // Only a store made in the same method holds the parameter's value.
            if !method.range.contains_range(stored.range()) {
                return None;
            }
            return Some((*attr).to_string());
        }
        if let Some((_, attr)) = self.stores.iter().find(|(p, _)| *p == name) {
            return Some(attr.clone());
        }
        // A parameter the method rebinds has another value by the time the member is made.
        if rebinds(method, name) || name == self.receiver {
            return None;
        }
        let attr = format!("_{}", name.trim_start_matches('_'));
        let taken = self.assignments.iter().any(|(a, _)| *a == attr)
            || defines(&self.class.body, &[attr.as_str()])
            || attr == self.dropped;
        if taken {
            return None;
        }
        self.stores.push((name, attr.clone()));
        Some(attr)
    }

    /// For `open(path, "w")` (or `"x"`, `"w+"`, `"wb"`, or a
    /// `logging.FileHandler` opened so), where the mode's
    /// literal is and the append mode to write there: the child must not
    /// truncate the file the parent opened. `Some(None)` for a call that is
    /// not `open` or opens without truncating; `None` when the mode is unknown.
    fn append_mode(&self, value: &Expr) -> Option<Option<(TextRange, String)>> {
        let Expr::Call(call) = value else {
            return Some(None);
        };
        let opens = match &*call.func {
            // The builtin, unless the module binds the name.
            Expr::Name(callee) => {
                callee.id.as_str() == "open"
                    && self.context.model.scopes[MODULE_SCOPE]
                        .bindings
                        .get("open")
                        .is_none_or(|b| b.is_empty())
            }
            // `logging.FileHandler(path, mode="w")`.
            Expr::Attribute(callee) => callee.attr.as_str() == "FileHandler",
            _ => false,
        };
        if !opens {
            return Some(None);
        }
        let mode = call.arguments.args.get(1).or_else(|| {
            call.arguments
                .keywords
                .iter()
                .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == "mode"))
                .map(|k| &k.value)
        });
        let Some(mode) = mode else {
            return Some(None);
        };
        let Expr::StringLiteral(literal) = mode else {
            return None;
        };
        let text = literal.value.to_str();
        if !text.contains(['w', 'x']) {
            return Some(None);
        }
        let appended: String = text
            .chars()
            .map(|c| if c == 'w' || c == 'x' { 'a' } else { c })
            .collect();
        Some(Some((literal.range, format!("\"{appended}\""))))
    }

    /// `self._path = path` before the statement that makes the member, for
    /// each parameter the fix stores.
    fn store_edits(&self, value: &Expr) -> Option<Vec<Edit>> {
        if self.stores.is_empty() {
            return Some(Vec::new());
        }
        let before = self
            .method
            .body
            .iter()
            .find(|stmt| stmt.range().contains_range(value.range()))?;
        let text = self.context.text;
        let indent = line_indent(text, before.start())?;
        let newline = self.context.style.newline;
        let at = super::lines::line_start(text, usize::from(before.start()));
        let mut code = String::new();
        for (parameter, attr) in &self.stores {
            code.push_str(&format!(
                "{indent}{}.{attr} = {parameter}{newline}",
                self.receiver
            ));
        }
        Some(vec![Edit::insertion(code, TextSize::try_from(at).ok()?)])
    }
}

/// Whether the value is made by a call that starts processes (a pool, an
/// executor, a manager): made again in a pool worker, a daemonic process, it
/// would fail ("daemonic processes are not allowed to have children"), and in
/// any other child it would start processes the program never started.
fn starts_processes(value: &Expr) -> bool {
    let Expr::Call(call) = value else {
        return false;
    };
    let callee = match &*call.func {
        Expr::Name(name) => name.id.as_str(),
        Expr::Attribute(attribute) => attribute.attr.as_str(),
        _ => return false,
    };
    matches!(
        callee,
        "Pool" | "ProcessPoolExecutor" | "Process" | "Manager" | "SyncManager" | "ProcessPool"
    )
}

/// Whether the value may open an in-memory `sqlite3` database (`":memory:"`
/// written in it, or the default of a parameter it reads): a new one is empty,
/// whatever the parent's held.
fn in_memory_database(method: &ast::StmtFunctionDef, value: &Expr) -> bool {
    struct Memory<'m> {
        method: &'m ast::StmtFunctionDef,
        found: bool,
    }
    impl<'a> Visitor<'a> for Memory<'_> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            let memory =
                |e: &Expr| matches!(e, Expr::StringLiteral(s) if s.value.to_str() == ":memory:");
            match expr {
                e if memory(e) => self.found = true,
                Expr::Name(name) => {
                    let default = self
                        .method
                        .parameters
                        .iter_non_variadic_params()
                        .find(|p| p.parameter.name.as_str() == name.id.as_str())
                        .and_then(|p| p.default.as_deref());
                    if default.is_some_and(memory) {
                        self.found = true;
                    }
                }
                _ => visitor::walk_expr(self, expr),
            }
        }
    }
    let mut memory = Memory {
        method,
        found: false,
    };
    memory.visit_expr(value);
    memory.found
}

/// Whether the method assigns or deletes the name anywhere in its body.
fn rebinds(method: &ast::StmtFunctionDef, name: &str) -> bool {
    struct Stores<'n> {
        name: &'n str,
        found: bool,
    }
    impl<'a> Visitor<'a> for Stores<'_> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            match stmt {
                Stmt::Global(_) | Stmt::Nonlocal(_) => self.found = true,
                _ => visitor::walk_stmt(self, stmt),
            }
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Name(n) = expr {
                if n.id.as_str() == self.name && !n.ctx.is_load() {
                    self.found = true;
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut stores = Stores { name, found: false };
    stores.visit_body(&method.body);
    stores.found
}

/// `self.<name>.<method>(...)` as a whole statement: the call.
fn configuration_call<'a>(stmt: &'a Stmt, receiver: &str, name: &str) -> Option<&'a Expr> {
    let Stmt::Expr(expr) = stmt else {
        return None;
    };
    let Expr::Call(call) = &*expr.value else {
        return None;
    };
    let Expr::Attribute(method) = &*call.func else {
        return None;
    };
    let Expr::Attribute(member) = &*method.value else {
        return None;
    };
    let is_member = member.attr.as_str() == name
        && matches!(&*member.value, Expr::Name(n) if n.id.as_str() == receiver);
    is_member.then_some(&*expr.value)
}

/// [`member_fix`] in the checker's file (none in a notebook or a package's
/// `__main__.py`, where module level does not help a lambda), for an object a
/// child unpickles.
pub fn fix_in(checker: &crate::rules::Checker, at: TextRange) -> Option<Fix> {
    fix_for(checker, at, true)
}

/// [`member_fix`] for an object that either side may unpickle (a queue item).
pub fn fix_in_either_way(checker: &crate::rules::Checker, at: TextRange) -> Option<Fix> {
    fix_for(checker, at, false)
}

fn fix_for(checker: &crate::rules::Checker, at: TextRange, to_child: bool) -> Option<Fix> {
    let file = checker.file();
    let context = Context {
        model: &checker.project.models[checker.module],
        text: &file.text,
        style: &file.style,
    };
    if checker.project.paths[checker.module].is_interactive_main() {
        return None;
    }
    // Another module of the project may read the member where this one cannot see.
    let whole_program = checker.project.models.len() == 1;
    member_fix(&context, at, to_child, whole_program)
}

/// The statements of the method, after the one that makes the member, that
/// use it (fill an in-memory database, configure a handler): a new one made by
/// the same expression lacks what they did. `None` when a use is not a
/// statement of the method's own body (in a loop, a branch, the same statement).
fn statements_using<'a>(
    method: &'a ast::StmtFunctionDef,
    name: &str,
    value: &Expr,
) -> Option<Vec<&'a Stmt>> {
    struct Uses<'n> {
        receiver: &'n str,
        name: &'n str,
        found: bool,
    }
    impl<'a> Visitor<'a> for Uses<'_> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Attribute(attribute) = expr {
                if attribute.attr.as_str() == self.name
                    && matches!(&*attribute.value, Expr::Name(n) if n.id.as_str() == self.receiver)
                    && attribute.ctx.is_load()
                {
                    self.found = true;
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let receiver = method.parameters.args.first()?.parameter.name.as_str();
    let uses = |stmt: &Stmt| {
        let mut uses = Uses {
            receiver,
            name,
            found: false,
        };
        uses.visit_stmt(stmt);
        uses.found
    };
    let mut found = Vec::new();
    for stmt in &method.body {
        if stmt.end() <= value.end() {
            continue;
        }
        if stmt.range().contains_range(value.range()) {
            // The rest of the statement that makes it.
            let mut rest = Uses {
                receiver,
                name,
                found: false,
            };
            rest.visit_stmt(stmt);
            if rest.found {
                return None;
            }
            continue;
        }
        if uses(stmt) {
            found.push(stmt);
        }
    }
    Some(found)
}

/// The fix for a lambda at `at` sent to a child: a module-level function,
/// named `_<name>` when `name` is given (a manager's typeid).
pub fn lambda_fix_in(
    checker: &crate::rules::Checker,
    at: TextRange,
    name: Option<&str>,
) -> Option<Fix> {
    if checker.project.paths[checker.module].is_interactive_main() {
        return None;
    }
    let file = checker.file();
    let context = Context {
        model: &checker.project.models[checker.module],
        text: &file.text,
        style: &file.style,
    };
    let (lambda, scope, stored) = lambda_at(&context, at)?;
    // The values a partial would bind must pickle in the lambda's place.
    if !super::bound_values::captured_values_may_pickle(checker, lambda, scope) {
        return None;
    }
    match name.or(stored) {
        Some(name) => hoist::stored_lambda_fix(&context, lambda, scope, name),
        None => hoist::lambda_fix(&context, lambda, scope),
    }
}
