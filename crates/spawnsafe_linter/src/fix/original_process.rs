//! The SPS103 fix: a library module's import-time process starts run only in
//! the original process, under
//!
//! ```python
//! if multiprocessing.parent_process() is None and not getattr(multiprocessing.current_process(), "_inheriting", False):
//! ```
//!
//! Checked on CPython 3.11 and 3.13: a spawn child re-imports the main script
//! (and this module with it) while `current_process()._inheriting` is set, and
//! 3.14's fork server imports it so too, named `MainProcess`; a worker that
//! imports the module later, while unpickling a task, has a `parent_process()`.
//! A test of `current_process().name` would let the fork server start processes.
//! The parent keeps what importing the module does; children no longer run it,
//! so there is no fix when a worker reads a name the statements bind.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, ExprContext, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};
use rustc_hash::FxHashSet;

use crate::facts::PickleRole;
use crate::fix::imports::multiprocessing_member;
use crate::fix::main_guard::{
    has_tab_indentation, indent_block, multiline_strings, statement_lines,
};
use crate::fix::{Edit, Fix};
use crate::globals::Base;
use crate::project::Project;
use crate::rules::sps101_unguarded_process_start::ImportTimeEffects;
use crate::rules::Checker;
use crate::semantic::{guard_test, BindingKind, GuardTest, Value, MODULE_SCOPE};

pub use crate::semantic::guards::is_original_process_test;

/// Names a statement reads and binds at module level (reads anywhere inside,
/// nested bodies included: a superset is safe here).
#[derive(Default)]
struct Names {
    read: FxHashSet<String>,
    bound: FxHashSet<String>,
    depth: usize,
}

impl<'a> Visitor<'a> for Names {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(def) => {
                if self.depth == 0 {
                    self.bound.insert(def.name.to_string());
                }
                self.depth += 1;
                visitor::walk_stmt(self, stmt);
                self.depth -= 1;
            }
            Stmt::ClassDef(class) => {
                if self.depth == 0 {
                    self.bound.insert(class.name.to_string());
                }
                self.depth += 1;
                visitor::walk_stmt(self, stmt);
                self.depth -= 1;
            }
            Stmt::Import(import) if self.depth == 0 => {
                for alias in &import.names {
                    let name = alias.asname.as_ref().unwrap_or(&alias.name);
                    let first = name.as_str().split('.').next().unwrap_or_default();
                    self.bound.insert(first.to_string());
                }
            }
            Stmt::ImportFrom(import) if self.depth == 0 => {
                for alias in &import.names {
                    let name = alias.asname.as_ref().unwrap_or(&alias.name);
                    self.bound.insert(name.to_string());
                }
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Name(name) => match name.ctx {
                ExprContext::Store if self.depth == 0 => {
                    self.bound.insert(name.id.to_string());
                }
                ExprContext::Store => {}
                _ => {
                    self.read.insert(name.id.to_string());
                }
            },
            Expr::Lambda(_)
            | Expr::ListComp(_)
            | Expr::SetComp(_)
            | Expr::DictComp(_)
            | Expr::Generator(_) => {
                self.depth += 1;
                visitor::walk_expr(self, expr);
                self.depth -= 1;
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

fn names_of(stmt: &Stmt) -> Names {
    let mut names = Names::default();
    names.visit_stmt(stmt);
    names
}

/// What a definition evaluates when it runs: decorators, defaults and
/// annotations of a `def`; decorators, bases and the body of a class (its
/// methods as definitions).
fn definition_reads(stmt: &Stmt) -> Option<FxHashSet<String>> {
    let mut names = Names::default();
    match stmt {
        Stmt::FunctionDef(def) => {
            for decorator in &def.decorator_list {
                names.visit_expr(&decorator.expression);
            }
            for parameter in def.parameters.iter() {
                if let Some(default) = parameter.default() {
                    names.visit_expr(default);
                }
                if let Some(annotation) = parameter.annotation() {
                    names.visit_expr(annotation);
                }
            }
            if let Some(returns) = &def.returns {
                names.visit_expr(returns);
            }
        }
        Stmt::ClassDef(class) => {
            for decorator in &class.decorator_list {
                names.visit_expr(&decorator.expression);
            }
            if let Some(arguments) = &class.arguments {
                for argument in arguments.iter_source_order() {
                    names.visit_expr(argument.value());
                }
            }
            // The class body runs; its methods' bodies do not.
            for inner in &class.body {
                match definition_reads(inner) {
                    Some(reads) => names.read.extend(reads),
                    None => names.visit_stmt(inner),
                }
            }
        }
        _ => return None,
    }
    Some(names.read)
}

/// The module-level values the start statements use: the names they read
/// that an earlier top-level statement binds to a value (not a `def`, class or
/// import), and, through those statements, the values those were made from
/// (`p = Process(target=f, args=(q,))` brings in `q`).
fn resources(body: &[Stmt], starts: &[usize]) -> FxHashSet<String> {
    let first = starts[0];
    let mut bound_at: rustc_hash::FxHashMap<String, Vec<usize>> = Default::default();
    for (index, stmt) in body[..first].iter().enumerate() {
        if matches!(
            stmt,
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) | Stmt::Import(_) | Stmt::ImportFrom(_)
        ) {
            continue;
        }
        for name in names_of(stmt).bound {
            bound_at.entry(name).or_default().push(index);
        }
    }
    let mut found: FxHashSet<String> = FxHashSet::default();
    let mut pending: Vec<String> = starts
        .iter()
        .flat_map(|&index| names_of(&body[index]).read)
        .collect();
    while let Some(name) = pending.pop() {
        let Some(statements) = bound_at.get(&name) else {
            continue;
        };
        if !found.insert(name) {
            continue;
        }
        for &index in statements {
            pending.extend(names_of(&body[index]).read);
        }
    }
    found
}

/// The top-level statement of the module that holds `range`.
fn top_level_index(body: &[Stmt], range: TextRange) -> Option<usize> {
    let at = body.partition_point(|stmt| stmt.end() < range.start());
    body.get(at)
        .filter(|stmt| stmt.range().contains_range(range))
        .map(|_| at)
}

/// The fix for a library module's import-time starts: the statements it
/// guards, and the fix. `None` when no correct guard exists.
pub fn guard_fix(checker: &Checker, effects: &ImportTimeEffects) -> Option<(Vec<usize>, Fix)> {
    let project = checker.project;
    let module = checker.module;
    let file = checker.file();
    if file.notebook.is_some() || effects.starts.is_empty() {
        return None;
    }
    let text = file.text.as_str();
    let model = &project.models[module];
    let body = model.body;
    let mut starts: Vec<usize> = effects
        .starts
        .iter()
        .map(|effect| top_level_index(body, effect.range))
        .collect::<Option<_>>()?;
    starts.sort_unstable();
    starts.dedup();
    // A start in a definition (a default, a decorator, a class body) or an import cannot be guarded.
    if starts.iter().any(|&index| {
        matches!(
            body[index],
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) | Stmt::Import(_) | Stmt::ImportFrom(_)
        )
    }) {
        return None;
    }
    // The starts and every later statement that reads what they bind, or
    // what they start with: `p.start()` then `p.join()` (in a child that does
    // not start `p`, the join raises "can only join a started process"), or a
    // queue the process was given (`q.get()` would wait forever).
    let started_with = resources(body, &starts);
    let mut guarded: Vec<usize> = Vec::new();
    let mut bound: FxHashSet<String> = FxHashSet::default();
    for (index, stmt) in body.iter().enumerate().skip(starts[0]) {
        let depends = |name: &String| bound.contains(name) || started_with.contains(name);
        if let Some(reads) = definition_reads(stmt) {
            if reads.iter().any(depends) {
                return None;
            }
            continue;
        }
        if let Stmt::If(if_stmt) = stmt {
            if guard_test(&if_stmt.test) == GuardTest::Main {
                continue;
            }
        }
        let names = names_of(stmt);
        if starts.contains(&index) || names.read.iter().any(depends) {
            if matches!(stmt, Stmt::Import(_) | Stmt::ImportFrom(_)) {
                return None;
            }
            guarded.push(index);
            bound.extend(names.bound);
        }
    }
    if worker_reads(checker, &bound) || maps_own_function(checker, effects, &guarded) {
        return None;
    }
    let fallback = names_children_import(project, module, &bound);

    let style = &file.style;
    let newline = style.newline;
    let strings = multiline_strings(text);
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for &index in &guarded {
        match runs.last_mut() {
            Some((_, last)) if *last + 1 == index => *last = index,
            _ => runs.push((index, index)),
        }
    }
    // A start only in the `else` of a main guard leaves nothing to wrap here.
    let first_line = statement_lines(text, body, runs.first()?.0)?;
    let at = TextSize::try_from(first_line.start).ok()?;
    let parent = multiprocessing_member(model, text, style, "parent_process", MODULE_SCOPE, at)?;
    let current = multiprocessing_member(model, text, style, "current_process", MODULE_SCOPE, at)?;
    let test = format!(
        "{}() is None and not getattr({}(), \"_inheriting\", False)",
        parent.expr, current.expr
    );
    let mut import = parent.import.or(current.import);
    let mut edits = Vec::new();
    for &(first, last) in &runs {
        let start = statement_lines(text, body, first)?;
        let end = statement_lines(text, body, last)?;
        let lines = crate::fix::main_guard::Lines {
            start: start.start,
            end: end.end,
        };
        if style.indent.contains(' ') && has_tab_indentation(text, lines, &strings) {
            return None;
        }
        let block = &text[lines.start..lines.end];
        let mut content = String::new();
        if let Some(edit) = import.take_if(|edit| usize::from(edit.range.start()) == lines.start) {
            content.push_str(&edit.content);
        }
        content.push_str(&format!(
            "# Not in child processes: spawn and forkserver children re-import this module.{newline}if {test}:{newline}"
        ));
        content.push_str(&indent_block(block, lines.start, &style.indent, &strings));
        let names: Vec<&String> = fallback
            .iter()
            .filter(|name| {
                guarded[..]
                    .iter()
                    .filter(|&&index| index >= first && index <= last)
                    .any(|&index| names_of(&body[index]).bound.contains(*name))
            })
            .collect();
        if !names.is_empty() {
            if !content.ends_with(['\n', '\r']) {
                content.push_str(newline);
            }
            content.push_str(&format!("else:{newline}"));
            for name in names {
                content.push_str(&format!("{}{name} = None{newline}", style.indent));
            }
            if lines.end == text.len() && !text.ends_with(['\n', '\r']) {
                content.truncate(content.len() - newline.len());
            }
        }
        let range = TextRange::new(
            TextSize::try_from(lines.start).ok()?,
            TextSize::try_from(lines.end).ok()?,
        );
        edits.push(Edit::replacement(content, range));
    }
    if let Some(import) = import {
        if edits
            .iter()
            .any(|edit| edit.range.contains_range(import.range))
        {
            return None;
        }
        edits.push(import);
    }
    let mut names: Vec<&String> = bound.iter().collect();
    names.sort();
    let names = names
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut reason = format!(
        "child processes no longer run these statements, so they lack {names} (a worker that imports this module later skips them too); the test reads multiprocessing's private `_inheriting` flag, which CPython sets while a child imports its main module"
    );
    if !fallback.is_empty() {
        let mut fallback: Vec<&String> = fallback.iter().collect();
        fallback.sort();
        reason.push_str(&format!(
            "; in children, {} is None",
            fallback
                .iter()
                .map(|name| format!("`{name}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let fix = Fix::unsafe_because(
        "Start the processes only in the original process, not in the children that re-import this module",
        reason,
        edits,
    );
    Some((starts, fix))
}

/// Does a function that runs in a child read one of `names` of this module?
fn worker_reads(checker: &Checker, names: &FxHashSet<String>) -> bool {
    let project = checker.project;
    checker.workers.functions.keys().any(|&(module, function)| {
        project.facts[module].globals.functions[function]
            .reads
            .iter()
            .any(|read| match &read.target.base {
                Base::Own(name) => module == checker.module && names.contains(*name),
                Base::Imported { .. } => {
                    let (level, dotted) = read.target.dotted();
                    names_member(project, module, level, &dotted, checker.module, names)
                }
            })
    })
}

/// Does `dotted` (as written in `importer`) name one of `names` in `target`?
fn names_member(
    project: &Project,
    importer: usize,
    level: u32,
    dotted: &str,
    target: usize,
    names: &FxHashSet<String>,
) -> bool {
    let parts: Vec<&str> = dotted.split('.').collect();
    let first = usize::from(level == 0);
    (first..parts.len()).any(|split| {
        names.contains(parts[split])
            && project.resolve_module(importer, level, &parts[..split].join(".")) == Some(target)
    })
}

/// Pool and executor tasks are pickled in a helper thread: a function of this
/// module sent while the module is still importing deadlocks on its import
/// lock, under any start method.
fn maps_own_function(checker: &Checker, effects: &ImportTimeEffects, guarded: &[usize]) -> bool {
    let project = checker.project;
    let module = checker.module;
    let model = &project.models[module];
    let traced: FxHashSet<&str> = effects
        .starts
        .iter()
        .flat_map(|effect| &effect.trace)
        .filter(|step| step.module == module)
        .map(|step| step.function.as_str())
        .collect();
    project.facts[module].pickle_sites.iter().any(|site| {
        let threaded = matches!(site.role, PickleRole::PoolTask | PickleRole::ExecutorTask);
        let mut value = &site.value;
        while let Value::Partial(inner) = value {
            value = inner;
        }
        let own = matches!(value, Value::Function(_));
        let runs_at_import = guarded
            .iter()
            .any(|&index| model.body[index].range().contains_range(site.call.range()))
            || model
                .functions
                .iter()
                .any(|info| info.scope == site.scope && traced.contains(info.qualname.as_str()));
        threaded && own && runs_at_import
    })
}

/// The `names` other project modules import by name (`from lib import NAME`)
/// or `__all__` lists: they must still exist in children.
fn names_children_import(
    project: &Project,
    module: usize,
    names: &FxHashSet<String>,
) -> FxHashSet<String> {
    let mut found = FxHashSet::default();
    for (importer, model) in project.models.iter().enumerate() {
        for bindings in model.scopes[MODULE_SCOPE].bindings.values() {
            for binding in bindings {
                if let BindingKind::FromImport {
                    level,
                    module: from,
                    name,
                } = &binding.kind
                {
                    if names.contains(*name)
                        && project.resolve_module(importer, *level, from.unwrap_or_default())
                            == Some(module)
                    {
                        found.insert((*name).to_string());
                    }
                }
            }
        }
    }
    for stmt in project.models[module].body {
        let Stmt::Assign(assign) = stmt else { continue };
        let is_all = assign
            .targets
            .iter()
            .any(|target| matches!(target, Expr::Name(name) if name.id.as_str() == "__all__"));
        let elements = match assign.value.as_ref() {
            Expr::List(list) if is_all => &list.elts,
            Expr::Tuple(tuple) if is_all => &tuple.elts,
            _ => continue,
        };
        for element in elements {
            if let Expr::StringLiteral(literal) = element {
                let name = literal.value.to_str();
                if names.contains(name) {
                    found.insert(name.to_string());
                }
            }
        }
    }
    found
}
