//! Hoisting fixes: a callable that a child process cannot find by name
//! becomes a module-level definition it can.
//!
//! - a `lambda` becomes a module-level `def` with a new, unique name;
//! - a nested function or class that captures nothing moves to module level
//!   under its own name;
//! - a nested function or lambda that reads variables of the code around it
//!   becomes a module-level function taking them as keyword-only parameters,
//!   sent as `functools.partial(function, name=name, ...)` (unsafe: the values
//!   are bound when the partial is made and must pickle);
//! - a function or class defined inside `if __name__ == "__main__":` moves
//!   out of the guard, right before it.
//!
//! Every name the moved code reads is resolved (see [`super::free_names`]):
//! a hoist is offered only when each one means the same at module level.

use super::lines::{line_end, line_start, previous_line};
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};

use super::free_names::{self, FreeKind, FreeName, FreeNames};
use super::style::Style;
use super::{Edit, Fix};
use crate::globals::is_builtin;
use crate::semantic::{guard_test, GuardTest, ModuleModel, ScopeId, ScopeKind, MODULE_SCOPE};

/// What a fix needs to know about the file.
pub struct Context<'c, 'a> {
    pub model: &'c ModuleModel<'a>,
    pub text: &'c str,
    pub style: &'c Style,
}

/// Where a free name comes from, seen from the code it is read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// A builtin nothing in the module shadows.
    Builtin,
    /// A module-level name bound outside the main guard.
    Module {
        /// Every binding comes before the point the definition moves to.
        bound_before: bool,
        /// Some function assigns it with `global`: its value depends on when it is read.
        assigned_at_run_time: bool,
    },
    /// A module-level name bound in the main guard: spawn children never have it.
    Guard,
    /// A variable of an enclosing function (or comprehension).
    Captured,
    /// Not known well enough to move the code.
    Unknown,
}

/// What the fix does with each free name, once all are resolved.
#[derive(Default)]
struct Plan<'a> {
    /// Names to pass in (`functools.partial`), in order of first use.
    captured: Vec<&'a str>,
    /// Why the fix may change the program's meaning.
    unsafe_reasons: Vec<String>,
}

impl<'a> Plan<'a> {
    fn capture(&mut self, name: &'a str) {
        if !self.captured.contains(&name) {
            self.captured.push(name);
        }
    }
}

/// Resolves a definition's free names. `scope` is the scope it is written in,
/// `insertion` where its module-level form will be, `own_name` the name it
/// keeps (a recursive function reads it), `lambda_at` the lambda's position
/// (for comprehension variables). `None` when a name rules the fix out.
fn plan<'a>(
    context: &Context<'_, 'a>,
    free: &FreeNames<'a>,
    scope: ScopeId,
    insertion: TextSize,
    own_name: Option<&str>,
    at: TextSize,
    can_capture: bool,
) -> Option<Plan<'a>> {
    if free.unsupported || free.needs_class_cell {
        return None;
    }
    let mut plan = Plan::default();
    for name in free.unique() {
        if name.name.starts_with("__") && !name.name.ends_with("__") {
            // Private names are mangled inside classes.
            return None;
        }
        match name.kind {
            FreeKind::Nonlocal => return None,
            // `global X` means the module's `X` wherever the code is.
            FreeKind::Global => continue,
            FreeKind::Read => {}
        }
        if Some(name.name) == own_name {
            continue;
        }
        match origin(context, &name, scope, insertion, at) {
            Origin::Builtin => {}
            Origin::Module {
                bound_before,
                assigned_at_run_time,
            } => {
                if name.at_definition && (!bound_before || assigned_at_run_time) {
                    return None;
                }
                if assigned_at_run_time {
                    plan.unsafe_reasons.push(format!(
                        "it reads the global `{}`, which the program assigns at run time: a child process reads its own copy",
                        name.name
                    ));
                }
            }
            Origin::Guard | Origin::Captured => {
                if name.at_definition || !can_capture || !binds_picklable(context, name.name, scope)
                {
                    return None;
                }
                plan.capture(name.name);
            }
            Origin::Unknown => return None,
        }
    }
    Some(plan)
}

/// Whether a captured name can be bound into a `functools.partial` without
/// failing for sure: not a function, class or lambda defined in a function or
/// the main guard (those pickle by a name the child cannot find either).
fn binds_picklable(context: &Context, name: &str, scope: ScopeId) -> bool {
    use crate::semantic::BindingKind;
    let Some((_, bindings)) = context.model.lookup(name, scope) else {
        // A comprehension variable: its values are whatever the iterable holds.
        return true;
    };
    bindings.iter().all(|binding| match &binding.kind {
        BindingKind::Function(_) | BindingKind::Class(_) => false,
        BindingKind::Assign(value) => !matches!(value, Expr::Lambda(_)),
        _ => true,
    })
}

fn origin(
    context: &Context,
    free: &FreeName,
    scope: ScopeId,
    insertion: TextSize,
    at: TextSize,
) -> Origin {
    let model = context.model;
    let name = free.name;
    if model.comprehension_binding(name, at).is_some() {
        return Origin::Captured;
    }
    let mut current = Some(scope);
    let mut first = true;
    while let Some(id) = current {
        match model.scopes[id].kind {
            ScopeKind::Function(function) => {
                let locals = free_names::locals_of(model.functions[function].def);
                if locals.globals.contains(name) {
                    break;
                }
                if locals.locals.contains(name) {
                    return Origin::Captured;
                }
            }
            // Code written directly in a class body is not moved.
            ScopeKind::Class(_) if first => return Origin::Unknown,
            ScopeKind::Class(_) => {}
            ScopeKind::Module => break,
        }
        first = false;
        current = model.scopes[id].parent;
    }
    // The model's own view must agree (it also sees bindings of enclosing functions).
    if let Some((found_in, _)) = model.lookup(name, scope) {
        if found_in != MODULE_SCOPE {
            return Origin::Captured;
        }
    }
    let (module_names, star_import) = free_names::module_bindings(model.body);
    let bindings = model.scopes[MODULE_SCOPE].bindings.get(name);
    let Some(bindings) = bindings.filter(|bindings| !bindings.is_empty()) else {
        if module_names.contains(name) || star_import {
            return Origin::Unknown;
        }
        return if is_builtin(name) {
            Origin::Builtin
        } else {
            Origin::Unknown
        };
    };
    if bindings.iter().any(|binding| binding.in_main_guard) {
        return Origin::Guard;
    }
    let assigned_at_run_time = model
        .scopes
        .iter()
        .skip(1)
        .any(|scope| scope.globals.contains(&name));
    Origin::Module {
        bound_before: bindings
            .iter()
            .all(|binding| binding.range.end() <= insertion),
        assigned_at_run_time,
    }
}

/// Whether `name`, read at module level at `at`, is a builtin or a
/// module-level name bound before `at`, outside the guard, that no function
/// rebinds with `global`.
pub(super) fn module_name_before(context: &Context, name: &str, at: TextSize) -> bool {
    let free = FreeName {
        name,
        range: TextRange::empty(at),
        at_definition: true,
        kind: FreeKind::Read,
    };
    match origin(context, &free, MODULE_SCOPE, at, at) {
        Origin::Builtin => true,
        Origin::Module {
            bound_before,
            assigned_at_run_time,
        } => bound_before && !assigned_at_run_time,
        _ => false,
    }
}

/// Whether nothing in the module mentions `name` (no binding, no read, no
/// `global`, no star import) and it is no builtin: a new module-level
/// binding of it changes no other code.
pub(super) fn name_is_unused(context: &Context, name: &str) -> bool {
    let (module_names, star) = free_names::module_bindings(context.model.body);
    !star
        && !module_names.contains(name)
        && !is_builtin(name)
        && !mentioned_names(context.model.body).contains(name)
        && context
            .model
            .scopes
            .iter()
            .all(|scope| !scope.bindings.contains_key(name) && !scope.globals.contains(&name))
}

// ---------------------------------------------------------------------------
// Text helpers

fn is_blank(text: &str, start: usize) -> bool {
    text[start..line_end(text, start)].trim().is_empty()
}

/// The first line of a statement with the comment lines right above it (same indentation).
fn with_leading_comments(text: &str, stmt_start: usize) -> usize {
    let mut start = line_start(text, stmt_start);
    let indent = &text[start..stmt_start];
    while let Some(previous) = previous_line(text, start) {
        let line = &text[previous..line_end(text, previous)];
        match line.strip_prefix(indent) {
            Some(rest) if rest.starts_with('#') => start = previous,
            _ => break,
        }
    }
    start
}

/// The whitespace before a statement on its line, when only whitespace is.
fn indentation_of(text: &str, stmt_start: usize) -> Option<&str> {
    let indent = &text[line_start(text, stmt_start)..stmt_start];
    indent
        .chars()
        .all(|c| c == ' ' || c == '\t')
        .then_some(indent)
}

/// The ranges of the string literals in a statement or expression.
fn string_ranges(stmt: Option<&Stmt>, expr: Option<&Expr>) -> Vec<TextRange> {
    #[derive(Default)]
    struct Strings(Vec<TextRange>);
    impl<'a> Visitor<'a> for Strings {
        fn visit_string_literal(&mut self, literal: &'a ast::StringLiteral) {
            self.0.push(literal.range);
        }
        fn visit_bytes_literal(&mut self, literal: &'a ast::BytesLiteral) {
            self.0.push(literal.range);
        }
        fn visit_f_string(&mut self, f_string: &'a ast::FString) {
            self.0.push(f_string.range);
            visitor::walk_f_string(self, f_string);
        }
        fn visit_t_string(&mut self, t_string: &'a ast::TString) {
            self.0.push(t_string.range);
            visitor::walk_t_string(self, t_string);
        }
    }
    let mut strings = Strings::default();
    if let Some(stmt) = stmt {
        strings.visit_stmt(stmt);
    }
    if let Some(expr) = expr {
        strings.visit_expr(expr);
    }
    strings.0
}

/// Strips `indent` from the lines of `block` (which starts at `block_start`
/// in the file), except lines that start inside a string literal.
fn dedent(block: &str, block_start: usize, indent: &str, strings: &[TextRange]) -> String {
    let mut output = String::with_capacity(block.len());
    let mut offset = 0;
    while offset < block.len() {
        let end = line_end(block, offset);
        let line = &block[offset..end];
        let absolute = TextSize::try_from(block_start + offset).unwrap_or_default();
        let in_string = strings
            .iter()
            .any(|range| range.start() < absolute && absolute < range.end());
        let content = line.trim_end_matches(['\n', '\r']);
        if in_string {
            output.push_str(line);
        } else if content.trim().is_empty() {
            output.push_str(&line[content.len()..]);
        } else {
            output.push_str(line.strip_prefix(indent).unwrap_or(line));
        }
        offset = end;
    }
    output
}

/// Whether `name` is written anywhere in the text as an identifier.
fn mentions(text: &str, name: &str) -> bool {
    let is_ident = |c: char| c == '_' || c.is_alphanumeric();
    text.match_indices(name).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}

/// Literals, names and attributes: evaluating them earlier or once changes nothing.
fn is_inert(expr: &Expr) -> bool {
    match expr {
        Expr::NumberLiteral(_)
        | Expr::StringLiteral(_)
        | Expr::BytesLiteral(_)
        | Expr::BooleanLiteral(_)
        | Expr::NoneLiteral(_)
        | Expr::EllipsisLiteral(_)
        | Expr::Name(_) => true,
        Expr::Attribute(attribute) => is_inert(&attribute.value),
        Expr::UnaryOp(unary) => is_inert(&unary.operand),
        Expr::Tuple(tuple) => tuple.elts.iter().all(is_inert),
        _ => false,
    }
}

fn defaults_are_inert(parameters: &ast::Parameters) -> bool {
    parameters
        .iter()
        .all(|parameter| parameter.default().is_none_or(is_inert))
}

/// The top-level statement that holds `offset`.
pub(super) fn top_level(body: &[Stmt], offset: TextSize) -> Option<&Stmt> {
    body.iter().find(|stmt| stmt.range().contains(offset))
}

/// How many blank lines the file puts before its top-level definitions
/// (the most common count; two, as PEP 8 says, when it has none).
fn blank_lines_convention(body: &[Stmt], text: &str) -> usize {
    let mut counts = [0usize; 4];
    for pair in body.windows(2) {
        if !matches!(pair[1], Stmt::FunctionDef(_) | Stmt::ClassDef(_)) {
            continue;
        }
        let mut start = with_leading_comments(text, pair[1].start().to_usize());
        let previous_end = pair[0].end().to_usize();
        let mut blanks = 0;
        while let Some(previous) = previous_line(text, start) {
            if previous < previous_end || !is_blank(text, previous) {
                break;
            }
            blanks += 1;
            start = previous;
        }
        if blanks < counts.len() {
            counts[blanks] += 1;
        }
    }
    match counts
        .iter()
        .enumerate()
        .max_by_key(|&(blanks, count)| (*count, blanks == 2))
    {
        Some((blanks, count)) if *count > 0 && blanks > 0 => blanks,
        _ => 2,
    }
}

/// Inserts module-level code right before the top-level statement `before`
/// (and the comments right above it), separated by the file's blank lines.
pub(super) fn insert_before(context: &Context, before: &Stmt, code: &str) -> Edit {
    let text = context.text;
    let newline = context.style.newline;
    let at = with_leading_comments(text, before.start().to_usize());
    let blanks = blank_lines_convention(context.model.body, text);
    let mut existing = 0;
    let mut line = at;
    while let Some(previous) = previous_line(text, line) {
        if !is_blank(text, previous) {
            break;
        }
        existing += 1;
        line = previous;
    }
    let mut content = String::new();
    if line > 0 {
        content.push_str(&newline.repeat(blanks.saturating_sub(existing)));
    }
    content.push_str(code);
    if !code.ends_with(['\n', '\r']) {
        content.push_str(newline);
    }
    content.push_str(&newline.repeat(blanks));
    Edit::insertion(content, TextSize::try_from(at).unwrap_or_default())
}

/// The text to delete to take `body[index]` (with its comments) out of its
/// block, keeping the blank lines around it tidy. `None` when it is the
/// block's only statement.
fn removal(text: &str, body: &[Stmt], index: usize) -> Option<TextRange> {
    if body.len() < 2 {
        return None;
    }
    let stmt = &body[index];
    let mut start = with_leading_comments(text, stmt.start().to_usize());
    let mut end = line_end(text, stmt.end().to_usize());
    let is_first = index == 0;
    let is_last = index + 1 == body.len();
    let blank_before = previous_line(text, start).is_some_and(|line| is_blank(text, line));
    if is_first || is_last {
        while let Some(previous) = previous_line(text, start) {
            if !is_blank(text, previous) {
                break;
            }
            start = previous;
        }
    }
    if !is_last && (is_first || blank_before) {
        while end < text.len() && is_blank(text, end) {
            end = line_end(text, end);
        }
    }
    Some(TextRange::new(
        TextSize::try_from(start).ok()?,
        TextSize::try_from(end).ok()?,
    ))
}

/// How to write `functools.partial` where `scope` reads it, and the import
/// to add when the module has none.
fn partial_reference(context: &Context, scope: ScopeId) -> Option<(String, Option<Edit>)> {
    functools_reference(context, scope, "partial")
}

/// How to write `functools.<member>` where `scope` reads it, and the import
/// to add when the module has none.
pub(super) fn functools_reference(
    context: &Context,
    scope: ScopeId,
    member: &str,
) -> Option<(String, Option<Edit>)> {
    let model = context.model;
    let module_binding = |name: &str| {
        model
            .lookup(name, scope)
            .filter(|(found_in, _)| *found_in == MODULE_SCOPE)
            .map(|(_, bindings)| bindings)
    };
    if let Some(bindings) = module_binding("functools") {
        let plain = bindings.iter().all(|binding| {
            matches!(&binding.kind, crate::semantic::BindingKind::Import(path) if path == "functools")
        });
        return plain.then(|| (format!("functools.{member}"), None));
    }
    if let Some(bindings) = module_binding(member) {
        if bindings.iter().all(|binding| {
            matches!(
                binding.kind,
                crate::semantic::BindingKind::FromImport {
                    level: 0,
                    module: Some("functools"),
                    name,
                } if name == member
            )
        }) {
            return Some((member.to_string(), None));
        }
    }
    // Bound anywhere (a parameter, a local): an import at the top would be shadowed there.
    if model.lookup("functools", scope).is_some()
        || model
            .scopes
            .iter()
            .any(|scope| scope.bindings.contains_key("functools"))
    {
        return None;
    }
    // Among the imports at the top of the module, where isort would put it:
    // before the first `from` import or later-sorting `import`; else after
    // them (or after the docstring).
    let mut after = None;
    let mut before = None;
    for (index, stmt) in model.body.iter().enumerate() {
        match stmt {
            Stmt::ImportFrom(import)
                if import
                    .module
                    .as_ref()
                    .is_some_and(|m| m.as_str() == "__future__") =>
            {
                after = Some(stmt.end());
            }
            Stmt::Import(import)
                if import
                    .names
                    .first()
                    .is_some_and(|alias| alias.name.as_str() < "functools") =>
            {
                after = Some(stmt.end());
            }
            Stmt::Import(_) | Stmt::ImportFrom(_) => {
                before = Some(stmt.start());
                break;
            }
            Stmt::Expr(expr) if index == 0 && expr.value.is_string_literal_expr() => {
                after = Some(stmt.end());
            }
            _ => break,
        }
    }
    let newline = context.style.newline;
    let at = match (before, after) {
        (Some(start), _) if indentation_of(context.text, start.to_usize()) == Some("") => {
            line_start(context.text, start.to_usize())
        }
        (_, Some(end)) => line_end(context.text, end.to_usize()),
        _ => 0,
    };
    let edit = Edit::insertion(
        format!("import functools{newline}"),
        TextSize::try_from(at).ok()?,
    );
    if edit.range.start().to_usize() == context.text.len() && !context.text.ends_with(['\n', '\r'])
    {
        return None;
    }
    Some((format!("functools.{member}"), Some(edit)))
}

/// A parameter list written out again from the source of its parts, with
/// `extra` names added as keyword-only parameters.
fn render_parameters(
    text: &str,
    parameters: Option<&ast::Parameters>,
    extra: &[&str],
) -> Option<String> {
    let slice = |range: TextRange| -> Option<String> {
        let part = &text[range];
        (!part.contains('#')).then(|| part.to_string())
    };
    let starred = |range: TextRange, stars: &str| -> Option<String> {
        let part = slice(range)?;
        Some(if part.starts_with('*') {
            part
        } else {
            format!("{stars}{part}")
        })
    };
    let mut parts: Vec<String> = Vec::new();
    if let Some(parameters) = parameters {
        for parameter in &parameters.posonlyargs {
            parts.push(slice(parameter.range)?);
        }
        if !parameters.posonlyargs.is_empty() {
            parts.push("/".to_string());
        }
        for parameter in &parameters.args {
            parts.push(slice(parameter.range)?);
        }
        match &parameters.vararg {
            Some(vararg) => parts.push(starred(vararg.range, "*")?),
            None if !parameters.kwonlyargs.is_empty() || !extra.is_empty() => {
                parts.push("*".to_string());
            }
            None => {}
        }
        for parameter in &parameters.kwonlyargs {
            parts.push(slice(parameter.range)?);
        }
        parts.extend(extra.iter().map(|name| name.to_string()));
        if let Some(kwarg) = &parameters.kwarg {
            parts.push(starred(kwarg.range, "**")?);
        }
    } else if !extra.is_empty() {
        parts.push("*".to_string());
        parts.extend(extra.iter().map(|name| name.to_string()));
    }
    Some(parts.join(", "))
}

/// `partial(name, a=a, b=b)`.
fn partial_call(partial: &str, name: &str, captured: &[&str]) -> String {
    let bound: Vec<String> = captured.iter().map(|c| format!("{c}={c}")).collect();
    format!("{partial}({name}, {})", bound.join(", "))
}

fn capture_reason(captured: &[&str], what: &str) -> String {
    let names: Vec<String> = captured.iter().map(|c| format!("`{c}`")).collect();
    format!(
        "{what} read {} when it ran; `functools.partial` binds their values when the partial is made, and those values must be picklable themselves",
        names.join(", ")
    )
}

/// Adds the `import functools` edit before the definition's insertion (the
/// fix's edits keep their order at one point), separated from it by the
/// file's blank lines when both go in at the same place.
fn push_import(context: &Context, edits: &mut Vec<Edit>, import: Option<Edit>, insertion: &Edit) {
    if let Some(mut import) = import {
        if import.range.start() == insertion.range.start() {
            let blanks = blank_lines_convention(context.model.body, context.text);
            import
                .content
                .push_str(&context.style.newline.repeat(blanks));
        }
        edits.push(import);
    }
}

fn finish(message: String, reasons: Vec<String>, edits: Vec<Edit>) -> Fix {
    if reasons.is_empty() {
        Fix::safe(message, edits)
    } else {
        Fix::unsafe_because(message, reasons.join("; "), edits)
    }
}

// ---------------------------------------------------------------------------
// Lambdas

/// The name of the function a lambda becomes: `_<function>_lambda_<n>`
/// (`_lambda_<n>` outside functions), `n` counting the lambdas of that
/// function, so that lambdas fixed in one round never share a name.
fn lambda_name(context: &Context, lambda: &ast::ExprLambda) -> Option<String> {
    struct Lambdas<'a> {
        functions: Vec<&'a str>,
        found: Vec<(TextSize, String)>,
    }
    impl<'a> Visitor<'a> for Lambdas<'a> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if let Stmt::FunctionDef(def) = stmt {
                self.functions.push(def.name.as_str());
                visitor::walk_stmt(self, stmt);
                self.functions.pop();
            } else {
                visitor::walk_stmt(self, stmt);
            }
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Lambda(lambda) = expr {
                let base = match self.functions.last() {
                    Some(function) => format!("_{}_lambda", function.trim_start_matches('_')),
                    None => "_lambda".to_string(),
                };
                self.found.push((lambda.range.start(), base));
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut lambdas = Lambdas {
        functions: Vec::new(),
        found: Vec::new(),
    };
    lambdas.visit_body(context.model.body);
    let (_, base) = lambdas
        .found
        .iter()
        .find(|(start, _)| *start == lambda.range.start())?;
    let group: Vec<TextSize> = lambdas
        .found
        .iter()
        .filter(|(_, other)| other == base)
        .map(|(start, _)| *start)
        .collect();
    let ordinal = group
        .iter()
        .position(|start| *start == lambda.range.start())?
        + 1;
    // One shift for the whole group, past every name the file already uses.
    let shift = (0..1000).find(|shift| {
        (1..=group.len()).all(|n| !mentions(context.text, &format!("{base}_{}", n + shift)))
    })?;
    Some(format!("{base}_{}", ordinal + shift))
}

/// Replaces a lambda with a module-level function.
pub fn lambda_fix(context: &Context, lambda: &ast::ExprLambda, scope: ScopeId) -> Option<Fix> {
    let name = lambda_name(context, lambda)?;
    lambda_fix_named(context, lambda, scope, name)
}

/// Replaces a lambda stored under a name (an attribute, a field, a
/// parameter) with a module-level function named after it: `_<stored>`, or
/// `_<stored>_<n>` when the file already uses that name.
pub fn stored_lambda_fix(
    context: &Context,
    lambda: &ast::ExprLambda,
    scope: ScopeId,
    stored: &str,
) -> Option<Fix> {
    let base = format!("_{}", stored.trim_start_matches('_'));
    let name = std::iter::once(base.clone())
        .chain((2..1000).map(|n| format!("{base}_{n}")))
        .find(|name| !mentions(context.text, name))?;
    lambda_fix_named(context, lambda, scope, name)
}

fn lambda_fix_named(
    context: &Context,
    lambda: &ast::ExprLambda,
    scope: ScopeId,
    name: String,
) -> Option<Fix> {
    let top = top_level(context.model.body, lambda.range.start())?;
    let mut free = free_names::of_lambda(lambda);
    // `lambda i=i: work(i)` freezes a variable's value in a default: the
    // parameter becomes one the partial binds, read at the same moment.
    let frozen = frozen_defaults(lambda);
    free.names
        .retain(|name| !frozen.iter().any(|(_, default)| *default == name.range));
    let mut plan = plan(
        context,
        &free,
        scope,
        top.start(),
        None,
        lambda.range.start(),
        true,
    )?;
    let mut frozen_names = Vec::new();
    for (name, _) in &frozen {
        if !binds_picklable(context, name, scope) || plan.captured.contains(name) {
            return None;
        }
        frozen_names.push(*name);
    }
    let trimmed = lambda.parameters.as_deref().map(|parameters| {
        let mut trimmed = parameters.clone();
        trimmed
            .args
            .retain(|parameter| !frozen_names.contains(&parameter.parameter.name.as_str()));
        trimmed
            .kwonlyargs
            .retain(|parameter| !frozen_names.contains(&parameter.parameter.name.as_str()));
        trimmed
    });
    if !frozen_names.is_empty() {
        plan.unsafe_reasons.push(format!(
            "{} now passed by keyword: a call that gives {} positionally fails",
            frozen_names
                .iter()
                .map(|name| format!("`{name}`"))
                .collect::<Vec<_>>()
                .join(", "),
            if frozen_names.len() == 1 {
                "it"
            } else {
                "them"
            }
        ));
        for name in &frozen_names {
            plan.capture(name);
        }
    }
    let text = context.text;
    let parameters = render_parameters(text, trimmed.as_ref(), &plan.captured)?;
    let body = &text[lambda.body.range()];
    let body = if body.contains(['\n', '\r']) {
        format!("({body})")
    } else {
        body.to_string()
    };
    let newline = context.style.newline;
    let indent = &context.style.indent;
    let code = format!("def {name}({parameters}):{newline}{indent}return {body}{newline}");
    let insertion = insert_before(context, top, &code);
    let mut edits = Vec::new();
    let mut reasons = plan.unsafe_reasons;
    let message = if plan.captured.is_empty() {
        edits.push(insertion);
        edits.push(Edit::replacement(name.clone(), lambda.range));
        format!("Replace the lambda with a module-level function `{name}`")
    } else {
        let (partial, import) = partial_reference(context, scope)?;
        push_import(context, &mut edits, import, &insertion);
        edits.push(insertion);
        edits.push(Edit::replacement(
            partial_call(&partial, &name, &plan.captured),
            lambda.range,
        ));
        reasons.insert(0, capture_reason(&plan.captured, "the lambda"));
        format!("Replace the lambda with `functools.partial` of a module-level function `{name}`")
    };
    Some(finish(message, reasons, edits))
}

/// The parameters of a lambda whose default is the variable of the same
/// name (`lambda i=i: ...`), with the default's range.
fn frozen_defaults(lambda: &ast::ExprLambda) -> Vec<(&str, TextRange)> {
    let Some(parameters) = lambda.parameters.as_deref() else {
        return Vec::new();
    };
    parameters
        .args
        .iter()
        .chain(&parameters.kwonlyargs)
        .filter_map(|parameter| {
            let name = parameter.parameter.name.as_str();
            match parameter.default.as_deref() {
                Some(Expr::Name(default)) if default.id.as_str() == name => {
                    Some((name, default.range))
                }
                _ => None,
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Nested functions and classes

/// A `def` or `class` statement that moves, or an assignment `Point =
/// namedtuple("Point", ...)` whose value makes a class (one target, a name).
#[derive(Clone, Copy)]
pub enum Definition<'a> {
    Function(&'a ast::StmtFunctionDef),
    Class(&'a ast::StmtClassDef),
    ClassFactory(&'a ast::StmtAssign),
}

impl<'a> Definition<'a> {
    pub(super) fn name(&self) -> &'a str {
        match self {
            Definition::Function(def) => def.name.as_str(),
            Definition::Class(def) => def.name.as_str(),
            Definition::ClassFactory(assign) => match assign.targets.as_slice() {
                [Expr::Name(target)] => target.id.as_str(),
                _ => "",
            },
        }
    }

    fn range(&self) -> TextRange {
        match self {
            Definition::Function(def) => def.range,
            Definition::Class(def) => def.range,
            Definition::ClassFactory(assign) => assign.range,
        }
    }

    fn free_names(&self) -> FreeNames<'a> {
        match self {
            Definition::Function(def) => free_names::of_function(def),
            Definition::Class(def) => free_names::of_class(def),
            Definition::ClassFactory(assign) => factory_free_names(assign),
        }
    }

    fn has_decorators(&self) -> bool {
        match self {
            Definition::Function(def) => !def.decorator_list.is_empty(),
            Definition::Class(def) => !def.decorator_list.is_empty(),
            Definition::ClassFactory(_) => false,
        }
    }

    /// What could behave differently when the definition runs at a
    /// different time, or once instead of many times.
    fn timing_concerns(&self) -> Vec<&'static str> {
        let mut concerns = Vec::new();
        if self.has_decorators() {
            concerns.push("its decorators");
        }
        match self {
            Definition::Function(def) => {
                if !defaults_are_inert(&def.parameters) {
                    concerns.push("its default values");
                }
            }
            Definition::Class(def) => {
                if def
                    .arguments
                    .as_ref()
                    .is_some_and(|arguments| !arguments.keywords.is_empty())
                {
                    concerns.push("its metaclass");
                }
                let plain_body = def.body.iter().enumerate().all(|(index, stmt)| match stmt {
                    Stmt::FunctionDef(method) => {
                        method
                            .decorator_list
                            .iter()
                            .all(|d| is_inert(&d.expression))
                            && defaults_are_inert(&method.parameters)
                    }
                    Stmt::Pass(_) => true,
                    Stmt::Expr(expr) => index == 0 && expr.value.is_string_literal_expr(),
                    Stmt::AnnAssign(assign) => assign.value.as_deref().is_none_or(is_inert),
                    Stmt::Assign(assign) => is_inert(&assign.value),
                    _ => false,
                });
                if !plain_body {
                    concerns.push("its class body");
                }
            }
            // Each run made a new class: now every run shares one.
            Definition::ClassFactory(_) => concerns.push("the call that makes the class"),
        }
        concerns
    }
}

/// The statements of the block that directly holds `range`, and its index there.
/// What the value of `Point = namedtuple("Point", ...)` reads, all of it
/// when the assignment runs. Syntax that binds or defers names (a lambda, a
/// comprehension) is not modelled.
fn factory_free_names(assign: &ast::StmtAssign) -> FreeNames<'_> {
    let Some(names) = plain_expression_names(&assign.value) else {
        return FreeNames {
            unsupported: true,
            ..FreeNames::default()
        };
    };
    FreeNames {
        names: names
            .into_iter()
            .map(|name| FreeName {
                name: name.id.as_str(),
                range: name.range,
                at_definition: true,
                kind: FreeKind::Read,
            })
            .collect(),
        ..FreeNames::default()
    }
}

fn enclosing_block(body: &[Stmt], range: TextRange) -> Option<(&[Stmt], usize)> {
    if let Some(index) = body.iter().position(|stmt| stmt.range() == range) {
        return Some((body, index));
    }
    None
}

/// The `def`/`class` block text moved to module level: its lines (with the
/// comments right above), dedented, and `edit` applied to its header.
fn moved_text(
    context: &Context,
    stmt: &Stmt,
    header_edit: Option<(TextRange, String)>,
) -> Option<String> {
    let text = context.text;
    let range = stmt.range();
    let indent = indentation_of(text, range.start().to_usize())?;
    let start = with_leading_comments(text, range.start().to_usize());
    let end = line_end(text, range.end().to_usize());
    let mut block = text[start..end].to_string();
    let mut strings = string_ranges(Some(stmt), None);
    if let Some((edit_range, replacement)) = header_edit {
        let edit_start = edit_range.start().to_usize();
        let edit_end = edit_range.end().to_usize();
        block.replace_range(edit_start - start..edit_end - start, &replacement);
        let delta = replacement.len() as i64 - (edit_end - edit_start) as i64;
        strings = strings
            .into_iter()
            .filter(|string| {
                string.end().to_usize() <= edit_start || string.start().to_usize() >= edit_end
            })
            .map(|string| {
                if string.start().to_usize() >= edit_end {
                    let shift = |at: TextSize| {
                        TextSize::try_from((at.to_usize() as i64 + delta) as usize)
                            .unwrap_or_default()
                    };
                    TextRange::new(shift(string.start()), shift(string.end()))
                } else {
                    string
                }
            })
            .collect();
    }
    let mut moved = dedent(&block, start, indent, &strings);
    if !moved.ends_with(['\n', '\r']) {
        moved.push_str(context.style.newline);
    }
    Some(moved)
}

/// The edit that adds keyword-only parameters to a `def`'s header.
fn header_with_parameters(
    text: &str,
    def: &ast::StmtFunctionDef,
    extra: &[&str],
) -> Option<(TextRange, String)> {
    let parameters = &def.parameters;
    let mut pieces: Vec<TextRange> = parameters.iter().map(|p| p.range()).collect();
    pieces.sort_by_key(|range| range.start());
    let rendered = render_parameters(text, Some(parameters), extra)?;
    match (pieces.first(), pieces.last()) {
        (Some(first), Some(last)) => {
            // A `/` after the last positional-only parameter belongs to the list too.
            let mut end = last.end().to_usize();
            let after = &text[end..];
            let skipped = after.len() - after.trim_start_matches([' ', ',', '\t']).len();
            if after[skipped..].starts_with('/') {
                end += skipped + 1;
            }
            if text[first.start().to_usize()..end].contains(['#', '\n', '\r']) {
                return None;
            }
            Some((
                TextRange::new(first.start(), TextSize::try_from(end).ok()?),
                rendered,
            ))
        }
        _ => {
            let open = def.name.range.end().to_usize()
                + text[def.name.range.end().to_usize()..].find('(')?;
            Some((
                TextRange::empty(TextSize::try_from(open + 1).ok()?),
                rendered,
            ))
        }
    }
}

/// Checks that a definition's name can be bound at module level and still
/// mean it everywhere it is used: the module and every other scope leave the
/// name alone (so two hoists never collide either).
pub(super) fn name_is_free_for(context: &Context, name: &str) -> bool {
    if name.starts_with("__") && !name.ends_with("__") {
        return false;
    }
    let model = context.model;
    let bindings: usize = model
        .scopes
        .iter()
        .map(|scope| scope.bindings.get(name).map_or(0, Vec::len))
        .sum();
    let declared = model
        .scopes
        .iter()
        .any(|scope| scope.globals.contains(&name));
    let (module_names, star) = free_names::module_bindings(model.body);
    bindings == 1 && !declared && !module_names.contains(name) && !star && !is_builtin(name)
}

/// Moves a function or class defined inside a function to module level.
/// `parent` is the function it is written in (directly in its body), `scope`
/// that function's scope; `use_site` the sent expression, when it is the
/// plain name in that scope (needed to bind captured variables there).
pub fn nested_fix(
    context: &Context,
    definition: Definition,
    parent: &ast::StmtFunctionDef,
    scope: ScopeId,
    use_site: Option<&Expr>,
) -> Option<Fix> {
    let name = definition.name();
    if !name_is_free_for(context, name) {
        return None;
    }
    let (block, index) = enclosing_block(&parent.body, definition.range())?;
    let top = top_level(context.model.body, parent.range.start())?;
    let free = definition.free_names();
    let is_function = matches!(definition, Definition::Function(_));
    let plan = plan(
        context,
        &free,
        scope,
        top.start(),
        Some(name),
        definition.range().start(),
        is_function,
    )?;
    let mut reasons = plan.unsafe_reasons;
    let concerns = definition.timing_concerns();
    if !concerns.is_empty() {
        reasons.push(format!(
            "{} now run once, when the module is imported, instead of each time `{}` runs",
            concerns.join(" and "),
            parent.name.as_str()
        ));
    }
    let removal = removal(context.text, block, index)?;
    let mut edits = vec![Edit::deletion(removal)];
    let message = if plan.captured.is_empty() {
        let code = moved_text(context, &block[index], None)?;
        edits.push(insert_before(context, top, &code));
        format!(
            "Move `{name}` out of `{}` to module level",
            parent.name.as_str()
        )
    } else {
        let Definition::Function(def) = definition else {
            return None;
        };
        // The captured values are bound where the function is sent: that must
        // be its only use, in the function it is defined in; or, for a factory
        // that hands the function out, where it returns it.
        let sent_here = use_site
            .and_then(|site| match site {
                Expr::Name(used) => Some(used),
                _ => None,
            })
            .filter(|used| {
                used.id.as_str() == name
                    && parent.range.contains_range(used.range)
                    && free_names::count_name_uses(&parent.body, name) == 1
            });
        let used = sent_here
            .or_else(|| super::returned_closure::returned_use(parent, name, &plan.captured))?;
        if plan.captured.iter().any(|captured| {
            context
                .model
                .comprehension_binding(captured, used.range.start())
                .is_some()
        }) {
            return None;
        }
        let header = header_with_parameters(context.text, def, &plan.captured)?;
        let code = moved_text(context, &block[index], Some(header))?;
        let insertion = insert_before(context, top, &code);
        let (partial, import) = partial_reference(context, scope)?;
        push_import(context, &mut edits, import, &insertion);
        edits.push(insertion);
        edits.push(Edit::replacement(
            partial_call(&partial, name, &plan.captured),
            used.range,
        ));
        reasons.insert(0, capture_reason(&plan.captured, &format!("`{name}`")));
        format!(
            "Move `{name}` to module level and send it as `functools.partial` with the values it captures"
        )
    };
    Some(finish(message, reasons, edits))
}

// ---------------------------------------------------------------------------
// Definitions in the main guard

/// Moves a function or class defined directly in the main guard's body to
/// module level, right before the guard.
pub fn guard_fix(context: &Context, definition: Definition) -> Option<Fix> {
    let model = context.model;
    let name = definition.name();
    let range = definition.range();
    let guard = top_level(model.body, range.start())?;
    let Stmt::If(if_stmt) = guard else {
        return None;
    };
    let block: &[Stmt] = match guard_test(&if_stmt.test) {
        GuardTest::Main => &if_stmt.body,
        GuardTest::NotMain => match if_stmt.elif_else_clauses.as_slice() {
            [clause] if clause.test.is_none() => &clause.body,
            _ => return None,
        },
        _ => return None,
    };
    let (block, index) = enclosing_block(block, range)?;
    // The name is bound once, by this definition, and never declared global.
    let module_bindings = model.scopes[MODULE_SCOPE]
        .bindings
        .get(name)
        .map_or(0, Vec::len);
    if module_bindings != 1
        || model
            .scopes
            .iter()
            .any(|scope| scope.globals.contains(&name))
        || (name.starts_with("__") && !name.ends_with("__"))
    {
        return None;
    }
    let mut free = definition.free_names();
    // Standard library imports of the guard the definition needs go to the module's imports.
    let hoisted = guard_imports(context, block, index, &free)?;
    free.names.retain(|free_name| {
        !hoisted
            .iter()
            .any(|&j| binds_name(&block[j], free_name.name))
    });
    let plan = plan(
        context,
        &free,
        MODULE_SCOPE,
        guard.start(),
        Some(name),
        range.start(),
        false,
    )?;
    let mut reasons = plan.unsafe_reasons;
    let concerns = definition.timing_concerns();
    if !concerns.is_empty() {
        reasons.push(format!(
            "{} now also run when child processes import the module",
            concerns.join(" and ")
        ));
    }
    let code = moved_text(context, &block[index], None)?;
    let mut edits = vec![insert_before(context, guard, &code)];
    if hoisted.is_empty() {
        edits.push(Edit::deletion(removal(context.text, block, index)?));
    } else {
        // The block keeps at least one statement; neighbouring removals merge into one.
        if block.len() <= hoisted.len() + 1 {
            return None;
        }
        let mut removed: Vec<TextRange> = Vec::new();
        let mut taken: Vec<usize> = hoisted.clone();
        taken.push(index);
        taken.sort_unstable();
        for &j in &taken {
            let range = removal(context.text, block, j)?;
            match removed.last_mut() {
                Some(last) if last.end() >= range.start() => {
                    *last = TextRange::new(last.start(), range.end().max(last.end()));
                }
                _ => removed.push(range),
            }
        }
        edits.extend(removed.into_iter().map(Edit::deletion));
        for &j in &hoisted {
            let statement = &context.text[block[j].range()];
            if statement.contains(['\n', '\r']) {
                return None;
            }
            edits.push(super::imports::import_statement(
                context.model,
                context.text,
                context.style,
                statement,
            )?);
        }
    }
    Some(finish(
        format!("Move `{name}` out of the main guard to module level"),
        reasons,
        edits,
    ))
}

/// The import statements of the guard block, before the definition, that bind
/// a name the definition reads and import only harmless standard library
/// modules (`from dataclasses import dataclass`): moving them to the module's
/// imports lets the definition move. `None` when such a name has another binding.
fn guard_imports(
    context: &Context,
    block: &[Stmt],
    index: usize,
    free: &FreeNames,
) -> Option<Vec<usize>> {
    let model = context.model;
    let mut hoisted: Vec<usize> = Vec::new();
    for free_name in free.unique() {
        let Some(bindings) = model.scopes[MODULE_SCOPE].bindings.get(free_name.name) else {
            continue;
        };
        let Some(j) = block[..index].iter().position(|stmt| {
            matches!(stmt, Stmt::Import(_) | Stmt::ImportFrom(_))
                && bindings
                    .iter()
                    .any(|binding| stmt.range().contains_range(binding.range))
        }) else {
            continue;
        };
        if hoisted.contains(&j) {
            continue;
        }
        let harmless = match &block[j] {
            Stmt::Import(import) => import
                .names
                .iter()
                .all(|alias| harmless_module(alias.name.as_str())),
            Stmt::ImportFrom(import) => {
                import.level == 0
                    && import
                        .module
                        .as_ref()
                        .is_some_and(|module| harmless_module(module.as_str()))
            }
            _ => false,
        };
        // Every name the import binds must be bound only by it.
        let single = names_bound_by(&block[j]).iter().all(|name| {
            model.scopes[MODULE_SCOPE]
                .bindings
                .get(name.as_str())
                .is_some_and(|bindings| bindings.len() == 1)
        });
        if !harmless || !single {
            continue;
        }
        hoisted.push(j);
    }
    Some(hoisted)
}

fn harmless_module(name: &str) -> bool {
    let top = name.split('.').next().unwrap_or(name);
    crate::rules::sps104_start_method_at_import::HARMLESS_MODULES.contains(&top)
}

/// The names an import statement binds.
fn names_bound_by(stmt: &Stmt) -> Vec<String> {
    match stmt {
        Stmt::Import(import) => import
            .names
            .iter()
            .map(|alias| match &alias.asname {
                Some(asname) => asname.to_string(),
                None => alias
                    .name
                    .as_str()
                    .split('.')
                    .next()
                    .unwrap_or_default()
                    .to_string(),
            })
            .collect(),
        Stmt::ImportFrom(import) => import
            .names
            .iter()
            .map(|alias| alias.asname.as_ref().unwrap_or(&alias.name).to_string())
            .collect(),
        _ => Vec::new(),
    }
}

fn binds_name(stmt: &Stmt, name: &str) -> bool {
    names_bound_by(stmt).iter().any(|bound| bound == name)
}

// ---------------------------------------------------------------------------
// A process start in a default argument

/// Names read by an expression; `None` when it holds a scope of its own
/// (lambda, comprehension) or binds (`:=`), which a move could change.
pub(crate) fn plain_expression_names(expr: &Expr) -> Option<Vec<&ast::ExprName>> {
    struct Reads<'e> {
        names: Vec<&'e ast::ExprName>,
        refused: bool,
    }
    impl<'e> Visitor<'e> for Reads<'e> {
        fn visit_expr(&mut self, expr: &'e Expr) {
            match expr {
                Expr::Name(name) => self.names.push(name),
                Expr::Lambda(_)
                | Expr::ListComp(_)
                | Expr::SetComp(_)
                | Expr::DictComp(_)
                | Expr::Generator(_)
                | Expr::Named(_)
                | Expr::Await(_)
                | Expr::Yield(_)
                | Expr::YieldFrom(_) => self.refused = true,
                _ => visitor::walk_expr(self, expr),
            }
        }
    }
    let mut reads = Reads {
        names: Vec::new(),
        refused: false,
    };
    reads.visit_expr(expr);
    (!reads.refused).then_some(reads.names)
}

/// Every name the module's code mentions, for choosing a new one.
fn mentioned_names(body: &[Stmt]) -> rustc_hash::FxHashSet<&str> {
    struct Mentions<'a>(rustc_hash::FxHashSet<&'a str>);
    impl<'a> Visitor<'a> for Mentions<'a> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Name(name) = expr {
                self.0.insert(name.id.as_str());
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut mentions = Mentions(rustc_hash::FxHashSet::default());
    mentions.visit_body(body);
    mentions.0
}

/// A top-level function whose parameter default starts processes (at `start`,
/// when the `def` runs): the default becomes `None`, and the function makes
/// the value on its first call that needs it, through a cached module-level
/// function (one pool for every call, as before):
///
/// ```python
/// @functools.lru_cache(maxsize=None)
/// def _normalize_pool():
///     return multiprocessing.pool.Pool(2)
///
///
/// def normalize(values, pool=None):
///     if pool is None:
///         pool = _normalize_pool()
/// ```
///
/// Unsafe: the processes start at the first call instead of at import, and
/// a caller passing `None` explicitly now gets the shared value too.
pub fn lazy_default_fix(context: &Context, start: TextRange) -> Option<Fix> {
    let model = context.model;
    let text = context.text;
    let Some(Stmt::FunctionDef(def)) = model
        .body
        .iter()
        .find(|stmt| stmt.range().contains_range(start))
    else {
        return None;
    };
    if def.is_async {
        return None;
    }
    let parameter = def
        .parameters
        .posonlyargs
        .iter()
        .chain(&def.parameters.args)
        .chain(&def.parameters.kwonlyargs)
        .find(|parameter| {
            parameter
                .default
                .as_deref()
                .is_some_and(|default| default.range().contains_range(start))
        })?;
    let default = parameter.default.as_deref()?;
    let default_text = &text[default.range()];
    if default_text.contains(['\n', '\r']) {
        return None;
    }
    // Each name the default reads means the same at call time: a builtin, or a
    // module-level name bound once, before the `def`, and never declared global.
    let module_scope = &model.scopes[MODULE_SCOPE];
    for name in plain_expression_names(default)? {
        let name = name.id.as_str();
        match module_scope.bindings.get(name) {
            Some(bindings) => {
                if bindings.len() != 1
                    || bindings[0].in_main_guard
                    || bindings[0].range.end() > def.start()
                    || model
                        .scopes
                        .iter()
                        .any(|scope| scope.globals.contains(&name))
                {
                    return None;
                }
            }
            None if is_builtin(name) => {}
            None => return None,
        }
    }
    let parameter_name = parameter.parameter.name.as_str();
    let first = def.body.first()?;
    let mentioned = mentioned_names(model.body);
    let taken = |candidate: &str| {
        mentioned.contains(candidate)
            || model
                .scopes
                .iter()
                .any(|scope| scope.bindings.contains_key(candidate))
    };
    let helper = [
        format!("_{}_{}", def.name, parameter_name.trim_start_matches('_')),
        format!(
            "_default_{}_{}",
            def.name,
            parameter_name.trim_start_matches('_')
        ),
    ]
    .into_iter()
    .find(|candidate| !taken(candidate))?;
    let functools = match module_scope.bindings.get("functools") {
        Some(bindings)
            if bindings.len() == 1
                && matches!(&bindings[0].kind, crate::semantic::BindingKind::Import(module) if module == "functools")
                && !bindings[0].in_main_guard
                && model.body.iter().any(|stmt| {
                    matches!(stmt, Stmt::Import(_))
                        && stmt.range().contains_range(bindings[0].range)
                }) =>
        {
            None
        }
        Some(_) => return None,
        None if taken("functools") => return None,
        None => Some(super::imports::import_statement(
            model,
            text,
            context.style,
            "import functools",
        )?),
    };
    let newline = context.style.newline;
    let unit = &context.style.indent;
    // Where the check goes: after a docstring, else before the first statement.
    let docstring =
        matches!(first, Stmt::Expr(expr) if matches!(expr.value.as_ref(), Expr::StringLiteral(_)));
    let body_indent = indentation_of(text, first.start().to_usize())?;
    let check = format!(
        "{body_indent}if {parameter_name} is None:{newline}{body_indent}{unit}{parameter_name} = {helper}(){newline}"
    );
    let check_edit = if docstring {
        if def.body.len() < 2 {
            return None;
        }
        let second = &def.body[1];
        // The next statement starts its own line.
        indentation_of(text, second.start().to_usize())?;
        let at = with_leading_comments(text, second.start().to_usize());
        Edit::insertion(check, TextSize::try_from(at).ok()?)
    } else {
        let at = with_leading_comments(text, first.start().to_usize());
        if line_start(text, first.start().to_usize())
            != first.start().to_usize() - body_indent.len()
        {
            return None;
        }
        Edit::insertion(check, TextSize::try_from(at).ok()?)
    };
    let code = format!(
        "@functools.lru_cache(maxsize=None){newline}def {helper}():{newline}{unit}return {default_text}{newline}"
    );
    let stmt = model
        .body
        .iter()
        .find(|stmt| stmt.range().contains_range(start))?;
    let mut edits = vec![
        insert_before(context, stmt, &code),
        Edit::replacement("None", default.range()),
        check_edit,
    ];
    edits.extend(functools);
    Some(Fix::unsafe_because(
        format!("Make the default of `{parameter_name}` on the first call, not when `{}` is defined", def.name),
        format!(
            "the processes start at the first call of `{}` instead of at import, and a caller that passes `{parameter_name}=None` now gets the shared default too",
            def.name
        ),
        edits,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::apply::apply_fixes;

    /// Builds a fix with the model of `source` and returns the fixed text
    /// and the fix (or `None`).
    fn with_context<T>(source: &str, build: impl FnOnce(&Context) -> Option<T>) -> Option<T> {
        let parsed = ruff_python_parser::parse_module(source).unwrap();
        let model = ModuleModel::build(&parsed.syntax().body);
        let style = Style::detect(source, parsed.tokens());
        let context = Context {
            model: &model,
            text: source,
            style: &style,
        };
        build(&context)
    }

    fn apply(source: &str, fix: &Fix) -> String {
        let fixed = apply_fixes(source, &[fix]).text;
        ruff_python_parser::parse_module(&fixed)
            .unwrap_or_else(|error| panic!("fixed code does not parse: {error}\n{fixed}"));
        fixed
    }

    fn find_lambda(body: &[Stmt]) -> Option<&ast::ExprLambda> {
        struct Find<'a>(Option<&'a ast::ExprLambda>);
        impl<'a> Visitor<'a> for Find<'a> {
            fn visit_expr(&mut self, expr: &'a Expr) {
                if let (None, Expr::Lambda(lambda)) = (&self.0, expr) {
                    self.0 = Some(lambda);
                }
                visitor::walk_expr(self, expr);
            }
        }
        let mut find = Find(None);
        find.visit_body(body);
        find.0
    }

    /// Fixes the first lambda of `source`.
    fn fix_lambda(source: &str) -> Option<(Fix, String)> {
        with_context(source, |context| {
            let lambda = find_lambda(context.model.body)?;
            // The scope the lambda is written in: the innermost function around it.
            let scope = context
                .model
                .functions
                .iter()
                .filter(|info| info.def.range.contains_range(lambda.range))
                .min_by_key(|info| info.def.range.len())
                .map_or(MODULE_SCOPE, |info| info.scope);
            let fix = lambda_fix(context, lambda, scope)?;
            let fixed = apply(source, &fix);
            Some((fix, fixed))
        })
    }

    fn fix_nested(source: &str, name: &str) -> Option<(Fix, String)> {
        with_context(source, |context| {
            let model = context.model;
            let use_site = model.body.iter().find_map(|stmt| {
                let Stmt::FunctionDef(def) = stmt else {
                    return None;
                };
                def.body.iter().rev().find_map(|stmt| match stmt {
                    Stmt::Expr(expr) => match expr.value.as_ref() {
                        Expr::Call(call) => call.arguments.args.first(),
                        _ => None,
                    },
                    _ => None,
                })
            });
            let (definition, parent_scope) = match model
                .functions
                .iter()
                .find(|info| info.def.name.as_str() == name && info.is_local)
            {
                Some(info) => (Definition::Function(info.def), info.parent_scope),
                None => {
                    let info = model
                        .classes
                        .iter()
                        .find(|info| info.def.name.as_str() == name)?;
                    (Definition::Class(info.def), info.parent_scope)
                }
            };
            let ScopeKind::Function(parent) = model.scopes[parent_scope].kind else {
                return None;
            };
            let fix = nested_fix(
                context,
                definition,
                model.functions[parent].def,
                parent_scope,
                use_site,
            )?;
            let fixed = apply(source, &fix);
            Some((fix, fixed))
        })
    }

    fn fix_guard(source: &str, name: &str) -> Option<(Fix, String)> {
        with_context(source, |context| {
            let model = context.model;
            let definition = match model
                .functions
                .iter()
                .find(|info| info.def.name.as_str() == name)
            {
                Some(info) => Definition::Function(info.def),
                None => Definition::Class(
                    model
                        .classes
                        .iter()
                        .find(|info| info.def.name.as_str() == name)?
                        .def,
                ),
            };
            let fix = guard_fix(context, definition)?;
            let fixed = apply(source, &fix);
            Some((fix, fixed))
        })
    }

    #[test]
    fn lambda_without_free_names_becomes_a_safe_def() {
        let source = "import multiprocessing as mp\n\n\ndef main():\n    with mp.Pool(2) as pool:\n        print(pool.map(lambda x, k=2, *a, m=1, **kw: x * k, range(3)))\n";
        let (fix, fixed) = fix_lambda(source).unwrap();
        assert_eq!(fix.applicability, crate::fix::Applicability::Safe);
        assert_eq!(
            fixed,
            "import multiprocessing as mp\n\n\ndef _main_lambda_1(x, k=2, *a, m=1, **kw):\n    return x * k\n\n\ndef main():\n    with mp.Pool(2) as pool:\n        print(pool.map(_main_lambda_1, range(3)))\n"
        );
    }

    #[test]
    fn lambda_names_skip_names_in_use() {
        let source =
            "_lambda_1 = None\nif __name__ == '__main__':\n    pool.map(lambda x: -x, [1])\n";
        let (_, fixed) = fix_lambda(source).unwrap();
        assert!(
            fixed.contains("def _lambda_2(x):\n    return -x\n"),
            "{fixed}"
        );
        assert!(fixed.contains("pool.map(_lambda_2, [1])"), "{fixed}");
    }

    #[test]
    fn lambda_over_a_local_becomes_a_partial() {
        let source = "from multiprocessing import Pool\n\n\ndef main(scale):\n    with Pool() as pool:\n        pool.map(lambda x: x * scale, [1])\n";
        let (fix, fixed) = fix_lambda(source).unwrap();
        assert_eq!(fix.applicability, crate::fix::Applicability::Unsafe);
        assert!(fix.unsafe_reason.unwrap().contains("`scale`"));
        assert_eq!(
            fixed,
            "import functools\nfrom multiprocessing import Pool\n\n\ndef _main_lambda_1(x, *, scale):\n    return x * scale\n\n\ndef main(scale):\n    with Pool() as pool:\n        pool.map(functools.partial(_main_lambda_1, scale=scale), [1])\n"
        );
    }

    #[test]
    fn lambda_over_a_comprehension_variable_is_bound_per_item() {
        let source = "import functools\nfrom x import ex\n\nif __name__ == '__main__':\n    fs = [ex.submit(lambda: n * 2) for n in range(3)]\n";
        let (_, fixed) = fix_lambda(source).unwrap();
        assert!(
            fixed.contains("[ex.submit(functools.partial(_lambda_1, n=n)) for n in range(3)]"),
            "{fixed}"
        );
    }

    #[test]
    fn lambda_keeps_crlf_and_tabs_and_wraps_multiline_bodies() {
        let source = "if __name__ == '__main__':\r\n\tpool.map(lambda x: x +\r\n\t\t1, [1])\r\n";
        let (_, fixed) = fix_lambda(source).unwrap();
        assert_eq!(
            fixed,
            "def _lambda_1(x):\r\n\treturn (x +\r\n\t\t1)\r\n\r\n\r\nif __name__ == '__main__':\r\n\tpool.map(_lambda_1, [1])\r\n"
        );
    }

    #[test]
    fn lambda_defaults_reading_locals_are_not_fixed() {
        let source = "def main(k):\n    pool.map(lambda x, m=k: x * m, [1])\n";
        assert!(fix_lambda(source).is_none());
        let source = "def main(k):\n    pool.map(lambda x, k=k + 1: x * k, [1])\n";
        assert!(fix_lambda(source).is_none());
    }

    #[test]
    fn lambda_default_freezing_a_variable_is_bound_by_keyword() {
        let source = "def main(k):\n    pool.map(lambda x, k=k: x * k, [1])\n";
        let (fix, fixed) = fix_lambda(source).unwrap();
        assert_eq!(fix.applicability, crate::fix::Applicability::Unsafe);
        assert!(
            fixed.contains("def _main_lambda_1(x, *, k):\n    return x * k\n"),
            "{fixed}"
        );
        assert!(
            fixed.contains("pool.map(functools.partial(_main_lambda_1, k=k), [1])"),
            "{fixed}"
        );
    }

    #[test]
    fn lambda_reading_a_later_module_name_is_safe_but_a_default_is_not() {
        let source = "def main():\n    pool.map(lambda x: helper(x), [1])\n\n\ndef helper(x):\n    return x\n";
        assert!(fix_lambda(source).is_some());
        let source = "def main():\n    pool.map(lambda x, h=helper: h(x), [1])\n\n\ndef helper(x):\n    return x\n";
        assert!(fix_lambda(source).is_none());
    }

    #[test]
    fn lambda_calling_a_local_function_is_not_fixed() {
        let source = "def main():\n    def helper(x):\n        return x\n    pool.map(lambda x: helper(x), [1])\n";
        assert!(fix_lambda(source).is_none());
    }

    #[test]
    fn lambda_reading_a_guard_variable_binds_it() {
        let source = "import multiprocessing\n\nif __name__ == '__main__':\n    port = 1\n    p = multiprocessing.Process(target=lambda: print(port))\n";
        let (fix, fixed) = fix_lambda(source).unwrap();
        assert_eq!(fix.applicability, crate::fix::Applicability::Unsafe);
        assert!(
            fixed.contains("def _lambda_1(*, port):\n    return print(port)\n"),
            "{fixed}"
        );
        assert!(
            fixed.contains("target=functools.partial(_lambda_1, port=port)"),
            "{fixed}"
        );
    }

    #[test]
    fn nested_function_without_captures_moves_with_comments_and_decorators() {
        let source = "import functools\n\n\ndef run(items):\n    x = 1\n    # Cached per process.\n    @functools.lru_cache\n    def work(item, minimum=0.0):\n        \"\"\"Doc\n        text.\"\"\"\n        return max(item, minimum)\n\n    return pool.map(work, items)\n";
        let (fix, fixed) = fix_nested(source, "work").unwrap();
        assert_eq!(fix.applicability, crate::fix::Applicability::Unsafe);
        assert!(fix.unsafe_reason.unwrap().contains("decorators"));
        assert_eq!(
            fixed,
            "import functools\n\n\n# Cached per process.\n@functools.lru_cache\ndef work(item, minimum=0.0):\n    \"\"\"Doc\n        text.\"\"\"\n    return max(item, minimum)\n\n\ndef run(items):\n    x = 1\n\n    return pool.map(work, items)\n"
        );
    }

    #[test]
    fn nested_function_with_a_global_statement_is_safe() {
        let source = "_P = None\n\n\ndef run(p):\n    def setup(value):\n        global _P\n        _P = value\n\n    go(setup)\n";
        let (fix, fixed) = fix_nested(source, "setup").unwrap();
        assert_eq!(fix.applicability, crate::fix::Applicability::Safe);
        assert_eq!(
            fixed,
            "_P = None\n\n\ndef setup(value):\n    global _P\n    _P = value\n\n\ndef run(p):\n    go(setup)\n"
        );
    }

    #[test]
    fn closure_becomes_a_partial_with_keyword_only_parameters() {
        let source = "def main(args):\n    def work(a, /, b, *rest, c=1):\n        return a + args.k\n\n    go(work)\n";
        let (fix, fixed) = fix_nested(source, "work").unwrap();
        assert_eq!(fix.applicability, crate::fix::Applicability::Unsafe);
        assert_eq!(
            fixed,
            "import functools\n\n\ndef work(a, /, b, *rest, c=1, args):\n    return a + args.k\n\n\ndef main(args):\n    go(functools.partial(work, args=args))\n"
        );
        let source =
            "def main(args):\n    def work(a, /):\n        return a + args.k\n\n    go(work)\n";
        let (_, fixed) = fix_nested(source, "work").unwrap();
        assert!(fixed.contains("def work(a, /, *, args):"), "{fixed}");
        let source = "def main(args):\n    def work():\n        return args.k\n\n    go(work)\n";
        let (_, fixed) = fix_nested(source, "work").unwrap();
        assert!(fixed.contains("def work(*, args):"), "{fixed}");
    }

    #[test]
    fn closures_that_are_used_twice_or_assign_are_not_fixed() {
        let twice = "def main(args):\n    def work(a):\n        return a + args\n\n    work(1)\n    go(work)\n";
        assert!(fix_nested(twice, "work").is_none());
        let nonlocal = "def main():\n    n = 0\n    def work(a):\n        nonlocal n\n        n += a\n\n    go(work)\n";
        assert!(fix_nested(nonlocal, "work").is_none());
        let taken =
            "work = 1\n\n\ndef main():\n    def work(a):\n        return a\n\n    go(work)\n";
        assert!(fix_nested(taken, "work").is_none());
    }

    #[test]
    fn recursive_closures_and_shared_names_are_not_fixed() {
        let recursive = "def main(k):\n    def work(n):\n        return work(n - 1) if n else k\n\n    go(work)\n";
        assert!(fix_nested(recursive, "work").is_none());
        // Two functions with a nested `work` would both move to one module-level name.
        let shared = "def main():\n    def work(a):\n        return a\n\n    go(work)\n\n\ndef other():\n    def work(b):\n        return b\n\n    go(work)\n";
        assert!(fix_nested(shared, "work").is_none());
        // Without captures, a recursive function moves and keeps calling itself.
        let plain = "def main():\n    def work(n):\n        return work(n - 1) if n else 0\n\n    go(work)\n";
        assert!(fix_nested(plain, "work").is_some());
    }

    #[test]
    fn local_class_moves_when_plain() {
        let source = "def main():\n    class Norm:\n        def __init__(self, lo):\n            self.lo = lo\n\n        def apply(self, v):\n            return v - self.lo\n\n    n = Norm(1)\n    go(n.apply)\n";
        let (fix, fixed) = fix_nested(source, "Norm").unwrap();
        assert_eq!(fix.applicability, crate::fix::Applicability::Safe);
        assert_eq!(
            fixed,
            "class Norm:\n    def __init__(self, lo):\n        self.lo = lo\n\n    def apply(self, v):\n        return v - self.lo\n\n\ndef main():\n    n = Norm(1)\n    go(n.apply)\n"
        );
    }

    #[test]
    fn guard_function_moves_before_the_guard() {
        let source = "import os\n\nif __name__ == \"__main__\":\n\n    # Worker.\n    def work(path):\n        text = '''\nkeep\n    this'''\n        return os.path.basename(path) + text\n\n    with Pool() as pool:\n        pool.map(work, [])\n";
        let (fix, fixed) = fix_guard(source, "work").unwrap();
        assert_eq!(fix.applicability, crate::fix::Applicability::Safe);
        assert_eq!(
            fixed,
            "import os\n\n\n# Worker.\ndef work(path):\n    text = '''\nkeep\n    this'''\n    return os.path.basename(path) + text\n\n\nif __name__ == \"__main__\":\n    with Pool() as pool:\n        pool.map(work, [])\n"
        );
    }

    #[test]
    fn guard_function_with_tabs_and_cr_line_endings() {
        let source = "import os\r\rif __name__ == '__main__':\r\tx = 1\r\tdef work(p):\r\t\treturn os.sep + p\r\tgo(work)\r";
        let (_, fixed) = fix_guard(source, "work").unwrap();
        assert_eq!(
            fixed,
            "import os\r\r\rdef work(p):\r\treturn os.sep + p\r\r\rif __name__ == '__main__':\r\tx = 1\r\tgo(work)\r"
        );
    }

    #[test]
    fn guard_function_reading_guard_names_is_not_moved() {
        let source = "if __name__ == '__main__':\n    limit = 3\n    def work(x):\n        return x < limit\n    go(work)\n";
        assert!(fix_guard(source, "work").is_none());
        // A decorator imported in the guard from a module whose import may do anything.
        let decorated = "if __name__ == '__main__':\n    from jobs import registered\n    @registered\n    class Job:\n        n: int\n    go(Job(1))\n";
        assert!(fix_guard(decorated, "Job").is_none());
        let rebound = "if __name__ == '__main__':\n    def work(x):\n        return x\n    work = wrap(work)\n    go(work)\n";
        assert!(fix_guard(rebound, "work").is_none());
    }

    #[test]
    fn guard_standard_library_import_moves_to_the_imports() {
        let source = "import os\n\nif __name__ == '__main__':\n    from dataclasses import dataclass\n\n    @dataclass\n    class Job:\n        n: int\n\n    go(Job(1))\n";
        let (fix, fixed) = fix_guard(source, "Job").unwrap();
        assert_eq!(fix.applicability, crate::fix::Applicability::Unsafe);
        assert_eq!(
            fixed,
            "import os\nfrom dataclasses import dataclass\n\n\n@dataclass\nclass Job:\n    n: int\n\n\nif __name__ == '__main__':\n    go(Job(1))\n"
        );
        // The import is the guard's only other statement: the guard would be left empty.
        let alone = "if __name__ == '__main__':\n    from dataclasses import dataclass\n    @dataclass\n    class Job:\n        n: int\n";
        assert!(fix_guard(alone, "Job").is_none());
    }

    /// The lazy-default fix for the first call found in a default of `source`.
    fn fix_default(source: &str) -> Option<(Fix, String)> {
        with_context(source, |context| {
            let start = context.model.body.iter().find_map(|stmt| match stmt {
                Stmt::FunctionDef(def) => def
                    .parameters
                    .iter_non_variadic_params()
                    .find_map(|parameter| parameter.default.as_deref())
                    .map(Ranged::range),
                _ => None,
            })?;
            let fix = lazy_default_fix(context, start)?;
            let fixed = apply(source, &fix);
            Some((fix, fixed))
        })
    }

    #[test]
    fn default_argument_pool_is_made_on_first_call() {
        let source = "import multiprocessing as mp\n\n\ndef run(xs, pool=mp.Pool(2)):\n    \"\"\"Doc.\"\"\"\n    return pool.map(abs, xs)\n";
        let (fix, fixed) = fix_default(source).unwrap();
        assert_eq!(fix.applicability, crate::fix::Applicability::Unsafe);
        assert_eq!(
            fixed,
            "import multiprocessing as mp\nimport functools\n\n\n@functools.lru_cache(maxsize=None)\ndef _run_pool():\n    return mp.Pool(2)\n\n\ndef run(xs, pool=None):\n    \"\"\"Doc.\"\"\"\n    if pool is None:\n        pool = _run_pool()\n    return pool.map(abs, xs)\n"
        );
    }

    #[test]
    fn default_argument_reading_later_or_local_names_is_not_made_lazily() {
        for source in [
            // `N` is rebound after the `def`: at call time it means something else.
            "import multiprocessing as mp\nN = 2\ndef run(xs, pool=mp.Pool(N)):\n    return pool.map(abs, xs)\nN = 4\n",
            // A one-line body has no line to put the check on.
            "import multiprocessing as mp\ndef run(xs, pool=mp.Pool(2)): return pool.map(abs, xs)\n",
            // `functools` is something else here.
            "import multiprocessing as mp\nfunctools = None\ndef run(xs, pool=mp.Pool(2)):\n    return pool.map(abs, xs)\n",
        ] {
            assert!(fix_default(source).is_none(), "{source}");
        }
    }

    #[test]
    fn guard_class_with_inert_body_is_safe() {
        let source = "import multiprocessing as mp\n\nif __name__ == '__main__':\n    class Finder(mp.Process):\n        limit = 10\n\n        def run(self):\n            super().run()\n\n    Finder().start()\n";
        let (fix, fixed) = fix_guard(source, "Finder").unwrap();
        assert_eq!(fix.applicability, crate::fix::Applicability::Safe);
        assert!(fixed.starts_with("import multiprocessing as mp\n\n\nclass Finder(mp.Process):\n    limit = 10\n\n    def run(self):\n        super().run()\n\n\nif __name__ == '__main__':\n    Finder().start()\n"), "{fixed}");
    }
}
