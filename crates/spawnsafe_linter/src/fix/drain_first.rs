//! The fix for a `join()` before the parent reads what the child sends
//! (SPS304): the join statement moves to just after the statements that read
//! the queue or pipe, so the parent empties the pipe while the child writes
//! and joins a child that can exit.
//!
//! It is offered only where that changes nothing but the order of waiting:
//! the join (`proc.join()`, or `for p in procs: p.join()`) is followed
//! directly, in the same suite, by statements that read the channel with
//! plain `get()`/`recv()` (no timeout, no `empty()`/`poll()` checks, whose
//! answers change once the child may still be running), that do not use the
//! joined processes (`proc.exitcode` needs the join first), and after which
//! the suite reads the channel no more.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use super::imports::line_indent;
use super::lines::line_end;
use super::{Edit, Fix};

/// Where the parent reads the channel: a name, or an attribute of `self`.
#[derive(Debug, Clone, Copy)]
pub enum ReadEnd<'n> {
    Name(&'n str),
    SelfAttribute(&'n str),
}

impl ReadEnd<'_> {
    fn is(&self, expr: &Expr) -> bool {
        match (self, expr) {
            (ReadEnd::Name(name), Expr::Name(found)) => found.id.as_str() == *name,
            (ReadEnd::SelfAttribute(attr), Expr::Attribute(attribute)) => {
                attribute.attr.as_str() == *attr
                    && matches!(attribute.value.as_ref(), Expr::Name(found) if found.id.as_str() == "self")
            }
            _ => false,
        }
    }

    fn text(&self) -> String {
        match self {
            ReadEnd::Name(name) => (*name).to_string(),
            ReadEnd::SelfAttribute(attr) => format!("self.{attr}"),
        }
    }
}

/// The fix for the join at `join` (a call expression) when the parent reads
/// the channel through `read_end`.
pub fn fix(text: &str, body: &[Stmt], join: TextRange, read_end: ReadEnd) -> Option<Fix> {
    let (suite, index) = find_suite(body, join)?;
    let join_stmt = &suite[index];
    if ChannelUse::of(join_stmt, read_end).all > 0 {
        return None;
    }
    let joined = names_in(std::slice::from_ref(join_stmt));
    let mut last = None;
    for stmt in &suite[index + 1..] {
        let reads = ChannelUse::of(stmt, read_end);
        if reads.all == 0 && is_plain_initialisation(stmt) {
            // `rows = []` before the read loop: runs the same before or after the join.
            continue;
        }
        if reads.plain == 0 || reads.all != reads.plain || reads.nested {
            break;
        }
        // `proc.exitcode`, `report(procs)`: needs the processes joined. Only
        // counting them (`for _ in procs`, `len(procs)`) is the same either way.
        if process_uses(stmt, &joined) {
            return None;
        }
        last = Some(stmt);
    }
    let last = last?;
    // Nothing after reads the channel: a later read would wait for data the
    // child may still be blocked writing.
    let rest_start = suite.iter().position(|stmt| std::ptr::eq(stmt, last))? + 1;
    if suite[rest_start..]
        .iter()
        .any(|stmt| ChannelUse::of(stmt, read_end).all > 0)
    {
        return None;
    }
    // Both statements must have their lines to themselves.
    line_indent(text, join_stmt.start())?;
    let join_end = line_end(text, join_stmt.end().to_usize());
    let last_end = line_end(text, last.end().to_usize());
    if !only_comment(&text[join_stmt.end().to_usize()..join_end])
        || !only_comment(&text[last.end().to_usize()..last_end])
    {
        return None;
    }
    let join_start = super::lines::line_start(text, join_stmt.start().to_usize());
    let mut moved = text[join_start..join_end].to_string();
    if !moved.ends_with(['\n', '\r']) {
        return None;
    }
    let at = if last_end == text.len() && !text.ends_with(['\n', '\r']) {
        moved.insert(0, '\n');
        text.len()
    } else {
        last_end
    };
    let deletion = Edit::deletion(TextRange::new(
        (join_start as u32).into(),
        (join_end as u32).into(),
    ));
    let insertion = Edit::insertion(moved, (at as u32).into());
    Some(Fix::unsafe_because(
        format!("Join after reading `{}`", read_end.text()),
        "the statements that read the channel now run while the child may still be running: what they print or do may come before the rest of the child's output",
        vec![deletion, insertion],
    ))
}

/// `rows = []`, `total = 0`: a name bound to a literal or an empty display.
fn is_plain_initialisation(stmt: &Stmt) -> bool {
    let Stmt::Assign(assign) = stmt else {
        return false;
    };
    let literal = match assign.value.as_ref() {
        Expr::NumberLiteral(_)
        | Expr::StringLiteral(_)
        | Expr::BooleanLiteral(_)
        | Expr::NoneLiteral(_) => true,
        Expr::List(list) => list.elts.is_empty(),
        Expr::Dict(dict) => dict.items.is_empty(),
        Expr::Tuple(tuple) => tuple.elts.is_empty(),
        _ => false,
    };
    literal
        && assign
            .targets
            .iter()
            .all(|target| matches!(target, Expr::Name(_)))
}

fn only_comment(rest: &str) -> bool {
    let rest = rest.trim();
    rest.is_empty() || rest.starts_with('#')
}

/// The suite holding the statement that is the join (`proc.join()`, or a
/// `for` loop whose body is only that call), and its index there.
fn find_suite(body: &[Stmt], join: TextRange) -> Option<(&[Stmt], usize)> {
    for (index, stmt) in body.iter().enumerate() {
        if is_join_statement(stmt, join) {
            return Some((body, index));
        }
        if !stmt.range().contains_range(join) {
            continue;
        }
        let found = match stmt {
            Stmt::If(if_stmt) => find_suite(&if_stmt.body, join).or_else(|| {
                if_stmt
                    .elif_else_clauses
                    .iter()
                    .find_map(|clause| find_suite(&clause.body, join))
            }),
            Stmt::For(for_stmt) => {
                find_suite(&for_stmt.body, join).or_else(|| find_suite(&for_stmt.orelse, join))
            }
            Stmt::While(while_stmt) => {
                find_suite(&while_stmt.body, join).or_else(|| find_suite(&while_stmt.orelse, join))
            }
            Stmt::With(with_stmt) => find_suite(&with_stmt.body, join),
            Stmt::Try(try_stmt) => find_suite(&try_stmt.body, join)
                .or_else(|| {
                    try_stmt.handlers.iter().find_map(|handler| {
                        let ast::ExceptHandler::ExceptHandler(handler) = handler;
                        find_suite(&handler.body, join)
                    })
                })
                .or_else(|| find_suite(&try_stmt.orelse, join))
                .or_else(|| find_suite(&try_stmt.finalbody, join)),
            Stmt::FunctionDef(def) => find_suite(&def.body, join),
            Stmt::ClassDef(class) => find_suite(&class.body, join),
            _ => None,
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

fn is_join_call(stmt: &Stmt, join: TextRange) -> bool {
    matches!(stmt, Stmt::Expr(ast::StmtExpr { value, .. })
        if value.range() == join
            && matches!(value.as_ref(), Expr::Call(call)
                if call.arguments.is_empty()
                    && matches!(call.func.as_ref(), Expr::Attribute(attribute) if attribute.attr.as_str() == "join")))
}

fn is_join_statement(stmt: &Stmt, join: TextRange) -> bool {
    if is_join_call(stmt, join) {
        return true;
    }
    match stmt {
        Stmt::For(for_stmt) => {
            for_stmt.orelse.is_empty()
                && matches!(for_stmt.body.as_slice(), [only] if is_join_call(only, join))
        }
        _ => false,
    }
}

/// The names a statement mentions.
fn names_in(stmts: &[Stmt]) -> Vec<&str> {
    struct Names<'a> {
        names: Vec<&'a str>,
    }
    impl<'a> Visitor<'a> for Names<'a> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Name(name) = expr {
                self.names.push(name.id.as_str());
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut names = Names { names: Vec::new() };
    names.visit_body(stmts);
    names.names
}

/// Does the statement use the joined processes other than by counting them?
fn process_uses(stmt: &Stmt, joined: &[&str]) -> bool {
    struct Uses<'j> {
        joined: &'j [&'j str],
        found: bool,
    }
    impl<'a> Visitor<'a> for Uses<'_> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            match expr {
                Expr::Name(name) if self.joined.contains(&name.id.as_str()) => self.found = true,
                // `len(procs)`
                Expr::Call(call)
                    if matches!(call.func.as_ref(), Expr::Name(func) if func.id.as_str() == "len")
                        && matches!(call.arguments.args.as_ref(), [Expr::Name(_)])
                        && call.arguments.keywords.is_empty() => {}
                _ => visitor::walk_expr(self, expr),
            }
        }
        fn visit_comprehension(&mut self, comprehension: &'a ast::Comprehension) {
            // `for _ in procs`: the iterable is only counted when the target is unused.
            if matches!(&comprehension.iter, Expr::Name(_))
                && is_unused_target(&comprehension.target)
            {
                for condition in &comprehension.ifs {
                    self.visit_expr(condition);
                }
                return;
            }
            visitor::walk_comprehension(self, comprehension);
        }
    }
    let mut uses = Uses {
        joined,
        found: false,
    };
    uses.visit_stmt(stmt);
    uses.found
}

fn is_unused_target(target: &Expr) -> bool {
    matches!(target, Expr::Name(name) if name.id.as_str().starts_with('_'))
}

/// How a statement uses the channel: plain reads (`get()`, `recv()`,
/// `iter(q.get, None)`), all mentions, and whether it defines code.
#[derive(Default)]
struct ChannelUse {
    plain: usize,
    all: usize,
    nested: bool,
}

impl ChannelUse {
    fn of(stmt: &Stmt, read_end: ReadEnd) -> ChannelUse {
        struct Uses<'n> {
            read_end: ReadEnd<'n>,
            found: ChannelUse,
        }
        impl<'a> Visitor<'a> for Uses<'_> {
            fn visit_stmt(&mut self, stmt: &'a Stmt) {
                if matches!(stmt, Stmt::FunctionDef(_) | Stmt::ClassDef(_)) {
                    self.found.nested = true;
                }
                visitor::walk_stmt(self, stmt);
            }
            fn visit_expr(&mut self, expr: &'a Expr) {
                if self.read_end.is(expr) {
                    self.found.all += 1;
                    return;
                }
                if let Expr::Call(call) = expr {
                    let reader = |func: &Expr| {
                        matches!(func, Expr::Attribute(attribute)
                            if self.read_end.is(&attribute.value)
                                && matches!(attribute.attr.as_str(), "get" | "recv"))
                    };
                    if reader(&call.func) && call.arguments.is_empty() {
                        self.found.plain += 1;
                    }
                    // `iter(q.get, None)`: reads until the sentinel.
                    if matches!(call.func.as_ref(), Expr::Name(func) if func.id.as_str() == "iter")
                        && call.arguments.keywords.is_empty()
                        && matches!(call.arguments.args.as_ref(), [first, _] if reader(first))
                    {
                        self.found.plain += 1;
                    }
                }
                visitor::walk_expr(self, expr);
            }
        }
        let mut uses = Uses {
            read_end,
            found: ChannelUse::default(),
        };
        uses.visit_stmt(stmt);
        uses.found
    }
}
