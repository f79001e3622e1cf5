//! The "move the import-time work into the main guard" fix, shared by the
//! rules whose cure is `if __name__ == "__main__":` (SPS101; later SPS104 and
//! SPS403).
//!
//! Two parts: [`plan`] decides which top-level statements move (the work) and
//! which stay at module level (definitions, imports, the constants workers
//! need), and whether the move keeps the program's meaning; [`move_into_guard`]
//! turns a list of top-level statements into edits: each run of moved
//! statements is cut out with its comments and blank lines, re-indented one
//! level in the file's own indentation and line endings (the lines of
//! multi-line strings untouched), and put into the guard at the end of the
//! file: the existing one, in original order around its body, or a new one.

use super::lines::{line_end, line_start, previous_line};
use ruff_python_ast::token::TokenKind;
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, CmpOp, Expr, ExprContext, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};
use rustc_hash::{FxHashMap, FxHashSet};

use super::style::Style;
use super::Edit;
use crate::semantic::{string_literal, GuardTest, ModuleModel, Value, MODULE_SCOPE};

// ---------------------------------------------------------------------------
// The edit builder.

/// The last top-level statement that is a plain, working
/// `if __name__ == "__main__":` guard (no `elif`/`else`, its body on its own
/// lines): the guard moved statements are added to.
pub fn target_guard(text: &str, body: &[Stmt]) -> Option<usize> {
    let index = body
        .iter()
        .rposition(|stmt| guard_kind(stmt) != GuardTest::None)?;
    let Stmt::If(guard) = &body[index] else {
        return None;
    };
    if !is_plain_main_test(&guard.test) || !guard.elif_else_clauses.is_empty() {
        return None;
    }
    let first = guard.body.first()?;
    let header_line = line_start(text, usize::from(guard.range.start()));
    if line_start(text, usize::from(first.start())) == header_line {
        return None;
    }
    Some(index)
}

/// What a top-level statement is as a guard (`None` for a non-guard).
fn guard_kind(stmt: &Stmt) -> GuardTest {
    match stmt {
        Stmt::If(if_stmt) => crate::semantic::guard_test(&if_stmt.test),
        _ => GuardTest::None,
    }
}

/// `__name__ == "__main__"` (either way round), nothing more.
fn is_plain_main_test(test: &Expr) -> bool {
    let Expr::Compare(compare) = test else {
        return false;
    };
    if compare.ops.len() != 1 || compare.ops[0] != CmpOp::Eq {
        return false;
    }
    let is_name = |expr: &Expr| matches!(expr, Expr::Name(name) if name.id.as_str() == "__name__");
    let is_main = |expr: &Expr| string_literal(expr) == Some("__main__");
    let (left, right) = (&*compare.left, &compare.comparators[0]);
    (is_name(left) && is_main(right)) || (is_main(left) && is_name(right))
}

fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// A line a moved statement must not take along: a shebang or a coding cookie
/// on the first two lines.
fn is_file_header(text: &str, line: usize) -> bool {
    let first_two = line_end(text, line_end(text, 0));
    if line >= first_two {
        return false;
    }
    let content = text[line..line_end(text, line)].trim();
    content.starts_with("#!") || (content.contains("coding") && content.starts_with('#'))
}

/// A top-level statement as lines: from its first leading comment line to the
/// end of its last line.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lines {
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// The lines of top-level statement `index`, with the comment lines directly
/// above it; `None` when it shares a line with another statement (`a; b`).
pub(crate) fn statement_lines(text: &str, body: &[Stmt], index: usize) -> Option<Lines> {
    let stmt = &body[index];
    let start = line_start(text, usize::from(stmt.start()));
    if !text[start..usize::from(stmt.start())].trim().is_empty() {
        return None;
    }
    let end_offset = usize::from(stmt.end());
    let end = line_end(text, end_offset);
    let rest = text[end_offset..end].trim();
    if !(rest.is_empty() || rest.starts_with('#')) {
        return None;
    }
    let floor = match index.checked_sub(1) {
        Some(previous) => line_end(text, usize::from(body[previous].end())),
        None => 0,
    };
    let mut first = start;
    while let Some(line) = previous_line(text, first) {
        if line < floor {
            break;
        }
        let content = &text[line..first];
        if !content.trim_start().starts_with('#') || is_file_header(text, line) {
            break;
        }
        first = line;
    }
    Some(Lines { start: first, end })
}

/// The blank lines right before `at` (down to `floor`): where they start.
fn blank_lines_before(text: &str, at: usize, floor: usize) -> usize {
    let mut start = at;
    while let Some(line) = previous_line(text, start) {
        if line < floor || !is_blank(&text[line..start]) {
            break;
        }
        start = line;
    }
    start
}

/// The blank lines right after `at` (up to `ceiling`): where they end.
fn blank_lines_after(text: &str, at: usize, ceiling: usize) -> usize {
    let mut end = at;
    while end < ceiling {
        let next = line_end(text, end);
        if next > ceiling || !is_blank(&text[end..next]) {
            break;
        }
        end = next;
    }
    end
}

/// The ranges of multi-line strings (and f-strings): their inner lines are
/// data and keep their indentation.
pub(crate) fn multiline_strings(text: &str) -> Vec<TextRange> {
    let Ok(parsed) = ruff_python_parser::parse_module(text) else {
        return Vec::new();
    };
    let mut ranges = Vec::new();
    let mut open: Vec<TextSize> = Vec::new();
    for token in parsed.tokens() {
        match token.kind() {
            TokenKind::String => ranges.push(token.range()),
            TokenKind::FStringStart | TokenKind::TStringStart => open.push(token.start()),
            TokenKind::FStringEnd | TokenKind::TStringEnd => {
                if let Some(start) = open.pop() {
                    if open.is_empty() {
                        ranges.push(TextRange::new(start, token.end()));
                    }
                }
            }
            _ => {}
        }
    }
    ranges.retain(|range| text[range.to_std_range()].contains(['\n', '\r']));
    ranges
}

/// Indents every line of `block` (which starts at `offset` in the file) by
/// `indent`, except blank lines (left empty) and lines that start inside a
/// multi-line string.
pub(crate) fn indent_block(
    block: &str,
    offset: usize,
    indent: &str,
    strings: &[TextRange],
) -> String {
    let mut output = String::with_capacity(block.len() + indent.len() * 8);
    let mut position = 0usize;
    while position < block.len() {
        let end = line_end(block, position);
        let line = &block[position..end];
        let at = TextSize::try_from(offset + position).unwrap_or_default();
        let in_string = strings
            .iter()
            .any(|range| range.start() < at && at < range.end());
        let content = line.trim_end_matches(['\n', '\r']);
        if in_string {
            output.push_str(line);
        } else if is_blank(content) {
            output.push_str(&line[content.len()..]);
        } else {
            output.push_str(indent);
            output.push_str(line);
        }
        position = end;
    }
    output
}

/// Does a code line of the block start with indentation that holds a tab?
pub(crate) fn has_tab_indentation(text: &str, lines: Lines, strings: &[TextRange]) -> bool {
    let mut position = lines.start;
    while position < lines.end {
        let end = line_end(text, position);
        let at = size(position);
        let in_string = strings
            .iter()
            .any(|range| range.start() < at && at < range.end());
        let line = &text[position..end];
        let indentation = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
        if !in_string && indentation.contains('\t') && !is_blank(line) {
            return true;
        }
        position = end;
    }
    false
}

/// One run of consecutive moved statements.
struct Run {
    lines: Lines,
    /// The text removed from the file: the run and the blank lines on its smaller side.
    removed: (usize, usize),
    /// Blank lines separated it from what came before it.
    blank_before: bool,
    /// Blank lines separated it from what comes after it.
    blank_after: bool,
}

/// The edits that move the top-level statements `moved` (indices into `body`,
/// in any order; never the guard itself) into the main guard at the end of the
/// file: the existing one (see [`target_guard`]; statements before it go
/// before its body, those after it after its body) or a new one appended to
/// the file. `None` when a statement shares a line with another one or the
/// guard's body cannot take more lines.
pub fn move_into_guard(
    text: &str,
    style: &Style,
    body: &[Stmt],
    moved: &[usize],
) -> Option<Vec<Edit>> {
    let mut moved: Vec<usize> = moved.to_vec();
    moved.sort_unstable();
    moved.dedup();
    if moved.is_empty() || moved.iter().any(|&index| index >= body.len()) {
        return None;
    }
    let guard = target_guard(text, body);
    if guard.is_some_and(|guard| moved.contains(&guard)) {
        return None;
    }
    // Consecutive statements (the guard splits runs) move as one block.
    let mut groups: Vec<(usize, usize)> = Vec::new();
    for &index in &moved {
        match groups.last_mut() {
            Some((_, last)) if *last + 1 == index => *last = index,
            _ => groups.push((index, index)),
        }
    }
    let mut runs = Vec::new();
    for &(first, last) in &groups {
        let start = statement_lines(text, body, first)?;
        let end = statement_lines(text, body, last)?;
        let lines = Lines {
            start: start.start,
            end: end.end,
        };
        let floor = match first.checked_sub(1) {
            Some(previous) => line_end(text, usize::from(body[previous].end())),
            None => 0,
        };
        let ceiling = match body.get(last + 1) {
            Some(next) => statement_lines(text, body, last + 1).map_or_else(
                || line_start(text, usize::from(next.start())),
                |lines| lines.start,
            ),
            None => text.len(),
        };
        let before = blank_lines_before(text, lines.start, floor);
        let after = blank_lines_after(text, lines.end, ceiling);
        let blanks_before = text[before..lines.start].matches(['\n', '\r']).count()
            - text[before..lines.start].matches("\r\n").count();
        let blanks_after = text[lines.end..after].matches(['\n', '\r']).count()
            - text[lines.end..after].matches("\r\n").count();
        // Keep the larger gap, so that the code around the hole keeps its spacing.
        let removed = if before == 0 || (blanks_before >= blanks_after && after != text.len()) {
            (lines.start, after)
        } else {
            (before, lines.end)
        };
        runs.push(Run {
            lines,
            removed,
            blank_before: blanks_before > 0,
            blank_after: blanks_after > 0,
        });
    }
    let strings = multiline_strings(text);
    // A space prefix before tab indentation would make the tabs inconsistent
    // (CPython's TabError); a tab prefix keeps any consistent indentation so.
    let prefix_has_spaces = match guard {
        Some(guard) => match &body[guard] {
            Stmt::If(if_stmt) => if_stmt.body.first().is_none_or(|first| {
                text[line_start(text, usize::from(first.start()))..usize::from(first.start())]
                    .contains(' ')
            }),
            _ => true,
        },
        None => style.indent.contains(' '),
    };
    if prefix_has_spaces
        && runs
            .iter()
            .any(|run| has_tab_indentation(text, run.lines, &strings))
    {
        return None;
    }
    let newline = style.newline;
    let render = |runs: &[&Run], indent: &str| -> String {
        let mut output = String::new();
        for (position, run) in runs.iter().enumerate() {
            if position > 0 && run.blank_before {
                output.push_str(newline);
            }
            let block = &text[run.lines.start..run.lines.end];
            output.push_str(&indent_block(block, run.lines.start, indent, &strings));
            if !block.ends_with(['\n', '\r']) {
                output.push_str(newline);
            }
        }
        output
    };
    let mut edits: Vec<Edit> = runs
        .iter()
        .map(|run| Edit::deletion(range(run.removed.0, run.removed.1)))
        .collect();
    match guard {
        Some(guard) => {
            let Stmt::If(if_stmt) = &body[guard] else {
                return None;
            };
            let first = if_stmt.body.first()?;
            let indent =
                &text[line_start(text, usize::from(first.start()))..usize::from(first.start())];
            if indent.is_empty() || !indent.chars().all(|c| c == ' ' || c == '\t') {
                return None;
            }
            let guard_start = usize::from(if_stmt.range.start());
            let before: Vec<&Run> = runs
                .iter()
                .filter(|run| run.lines.end <= guard_start)
                .collect();
            let after: Vec<&Run> = runs
                .iter()
                .filter(|run| run.lines.start > guard_start)
                .collect();
            if !before.is_empty() {
                let header_end = header_end(text, if_stmt)?;
                let mut content = render(&before, indent);
                let body_starts_blank = is_blank(&text[header_end..line_end(text, header_end)]);
                if before.last().is_some_and(|run| run.blank_after) && !body_starts_blank {
                    content.push_str(newline);
                }
                edits.push(Edit::insertion(content, size(header_end)));
            }
            if !after.is_empty() {
                let end = usize::from(if_stmt.range.end());
                let at = line_end(text, end);
                let mut content = String::new();
                if !text[..at].ends_with(['\n', '\r']) {
                    content.push_str(newline);
                }
                if after.first().is_some_and(|run| run.blank_before) {
                    content.push_str(newline);
                }
                content.push_str(&render(&after, indent));
                // The insertion goes where the first run after the guard is cut
                // out, so both become one replacement.
                let cut = edits
                    .iter()
                    .position(|edit| usize::from(edit.range.start()) == at);
                match cut {
                    Some(position) => edits[position].content = content,
                    None => edits.push(Edit::insertion(content, size(at))),
                }
            }
        }
        None => {
            let all: Vec<&Run> = runs.iter().collect();
            let block = render(&all, &style.indent);
            // What the file ends with once the runs are cut out.
            let mut kept = String::with_capacity(text.len());
            let mut last = 0;
            for run in &runs {
                kept.push_str(&text[last..run.removed.0]);
                last = run.removed.1;
            }
            kept.push_str(&text[last..]);
            let mut content = String::new();
            if !kept.is_empty() {
                if !kept.ends_with(['\n', '\r']) {
                    content.push_str(newline);
                }
                let wanted = if uses_two_blank_lines(text) { 2 } else { 1 };
                let mut trailing = 0;
                let mut rest = kept.as_str();
                loop {
                    let trimmed = rest
                        .strip_suffix("\r\n")
                        .or_else(|| rest.strip_suffix(['\n', '\r']));
                    match trimmed {
                        Some(shorter) if shorter.ends_with(['\n', '\r']) || shorter.is_empty() => {
                            trailing += 1;
                            rest = shorter;
                        }
                        _ => break,
                    }
                }
                for _ in trailing..wanted {
                    content.push_str(newline);
                }
            }
            content.push_str("if __name__ == \"__main__\":");
            content.push_str(newline);
            content.push_str(&block);
            let end = text.len();
            match edits
                .iter()
                .position(|edit| usize::from(edit.range.end()) == end)
            {
                Some(position) => edits[position].content = content,
                None => edits.push(Edit::insertion(content, size(end))),
            }
        }
    }
    edits.sort_by_key(|edit| (edit.range.start(), edit.range.end()));
    Some(edits)
}

/// Where the guard's body lines start: after the line of the header's colon.
fn header_end(text: &str, guard: &ast::StmtIf) -> Option<usize> {
    let mut at = usize::from(guard.test.end());
    let bytes = text.as_bytes();
    while at < text.len() && matches!(bytes[at], b' ' | b'\t' | b'\r' | b'\n' | b'\\' | b')') {
        at += 1;
    }
    if bytes.get(at) != Some(&b':') {
        return None;
    }
    let end = line_end(text, at);
    (end <= usize::from(guard.body.first()?.start())).then_some(end)
}

/// Does the file separate its top-level definitions by two blank lines (PEP 8)?
fn uses_two_blank_lines(text: &str) -> bool {
    ["\n\n\n", "\r\n\r\n\r\n", "\r\r\r"]
        .iter()
        .any(|gap| text.contains(gap))
}

fn size(offset: usize) -> TextSize {
    TextSize::try_from(offset).unwrap_or_default()
}

fn range(start: usize, end: usize) -> TextRange {
    TextRange::new(size(start), size(end))
}

// ---------------------------------------------------------------------------
// Which statements move.

/// What a top-level statement is, for the move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `def`, `class`, a type alias, or an `if`/`try` made only of definitions:
    /// never moved (a worker may need it; a function must stay module-level).
    Definition,
    Import,
    /// An assignment of a side-effect-free value.
    Constant,
    /// No effect at all: a docstring, `pass`, `global`.
    Inert,
    /// A main guard or a broken one.
    Guard,
    /// Anything else: the work.
    Work,
}

/// The names a top-level statement reads and binds at module level while it runs.
#[derive(Debug, Default)]
struct Names<'a> {
    reads: FxHashSet<&'a str>,
    binds: FxHashSet<&'a str>,
    /// Names whose value it may change in place (`x.append(...)`, `x[k] = v`).
    mutates: FxHashSet<&'a str>,
    /// It defines a function or class at module level (inside an `if`, `with`, ...).
    defines: bool,
}

struct NameCollector<'m, 'a> {
    model: &'m ModuleModel<'a>,
    names: Names<'a>,
    /// Inside a class body: its assignments bind class attributes.
    class_depth: usize,
    lambda_parameters: Vec<Vec<&'a str>>,
    in_comprehension_target: bool,
}

/// Methods that do not change their receiver.
const READ_ONLY_METHODS: &[&str] = &[
    "get",
    "keys",
    "values",
    "items",
    "copy",
    "count",
    "index",
    "format",
    "join",
    "split",
    "startswith",
    "endswith",
    "strip",
    "lower",
    "upper",
    "replace",
    "encode",
    "decode",
    "result",
    "done",
    "exists",
    "is_file",
    "is_dir",
];

impl<'a> NameCollector<'_, 'a> {
    fn base_name(expr: &'a Expr) -> Option<&'a str> {
        match expr {
            Expr::Name(name) => Some(name.id.as_str()),
            Expr::Attribute(attribute) => Self::base_name(&attribute.value),
            Expr::Subscript(subscript) => Self::base_name(&subscript.value),
            _ => None,
        }
    }

    fn bind(&mut self, name: &'a str) {
        if self.class_depth == 0 {
            self.names.binds.insert(name);
        }
    }
}

impl<'a> Visitor<'a> for NameCollector<'_, 'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(def) => {
                for decorator in &def.decorator_list {
                    self.visit_decorator(decorator);
                }
                if let Some(type_params) = &def.type_params {
                    self.visit_type_params(type_params);
                }
                self.visit_parameters(&def.parameters);
                if let Some(returns) = &def.returns {
                    self.visit_annotation(returns);
                }
                if self.class_depth == 0 {
                    self.names.defines = true;
                }
                self.bind(def.name.as_str());
            }
            Stmt::ClassDef(def) => {
                for decorator in &def.decorator_list {
                    self.visit_decorator(decorator);
                }
                if let Some(arguments) = &def.arguments {
                    self.visit_arguments(arguments);
                }
                if self.class_depth == 0 {
                    self.names.defines = true;
                }
                self.bind(def.name.as_str());
                self.class_depth += 1;
                self.visit_body(&def.body);
                self.class_depth -= 1;
            }
            Stmt::Import(import) => {
                for alias in &import.names {
                    let name = match &alias.asname {
                        Some(asname) => asname.as_str(),
                        None => alias.name.split('.').next().unwrap_or_default(),
                    };
                    self.bind(name);
                }
            }
            Stmt::ImportFrom(import) => {
                for alias in &import.names {
                    self.bind(alias.asname.as_ref().unwrap_or(&alias.name).as_str());
                }
            }
            Stmt::AugAssign(assign) => {
                if let Some(name) = Self::base_name(&assign.target) {
                    self.names.reads.insert(name);
                    self.names.mutates.insert(name);
                }
                visitor::walk_stmt(self, stmt);
            }
            Stmt::Assign(ast::StmtAssign { targets, .. })
            | Stmt::Delete(ast::StmtDelete { targets, .. }) => {
                for target in targets {
                    if matches!(target, Expr::Attribute(_) | Expr::Subscript(_)) {
                        if let Some(name) = Self::base_name(target) {
                            self.names.mutates.insert(name);
                        }
                    }
                }
                visitor::walk_stmt(self, stmt);
            }
            Stmt::Try(try_stmt) => {
                for handler in &try_stmt.handlers {
                    let ast::ExceptHandler::ExceptHandler(handler) = handler;
                    if let Some(name) = &handler.name {
                        self.bind(name.as_str());
                    }
                }
                visitor::walk_stmt(self, stmt);
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Name(name) => {
                let id = name.id.as_str();
                match name.ctx {
                    ExprContext::Load => {
                        let lambda_local = self
                            .lambda_parameters
                            .iter()
                            .any(|parameters| parameters.contains(&id));
                        let comprehension_local = self
                            .model
                            .comprehension_binding(id, name.range.start())
                            .is_some();
                        if !lambda_local && !comprehension_local {
                            self.names.reads.insert(id);
                        }
                    }
                    ExprContext::Store | ExprContext::Del => {
                        if !self.in_comprehension_target {
                            self.bind(id);
                        }
                    }
                    ExprContext::Invalid => {}
                }
            }
            Expr::Lambda(lambda) => {
                if let Some(parameters) = &lambda.parameters {
                    self.visit_parameters(parameters);
                    self.lambda_parameters
                        .push(parameters.iter().map(|p| p.name().as_str()).collect());
                } else {
                    self.lambda_parameters.push(Vec::new());
                }
                self.visit_expr(&lambda.body);
                self.lambda_parameters.pop();
            }
            Expr::Call(call) => {
                if let Expr::Attribute(attribute) = call.func.as_ref() {
                    if !READ_ONLY_METHODS.contains(&attribute.attr.as_str()) {
                        if let Some(name) = Self::base_name(&attribute.value) {
                            self.names.mutates.insert(name);
                        }
                    }
                }
                visitor::walk_expr(self, expr);
            }
            _ => visitor::walk_expr(self, expr),
        }
    }

    fn visit_comprehension(&mut self, comprehension: &'a ast::Comprehension) {
        self.visit_expr(&comprehension.iter);
        self.in_comprehension_target = true;
        self.visit_expr(&comprehension.target);
        self.in_comprehension_target = false;
        for condition in &comprehension.ifs {
            self.visit_expr(condition);
        }
    }
}

fn names_of<'a>(model: &ModuleModel<'a>, stmt: &'a Stmt) -> Names<'a> {
    let mut collector = NameCollector {
        model,
        names: Names::default(),
        class_depth: 0,
        lambda_parameters: Vec::new(),
        in_comprehension_target: false,
    };
    collector.visit_stmt(stmt);
    collector.names
}

/// The module-level names function bodies read (a worker reads its globals in
/// the child), each with the first function that reads it.
fn names_functions_read<'a>(model: &ModuleModel<'a>) -> FxHashMap<&'a str, String> {
    struct Reads<'a> {
        loads: Vec<(&'a str, TextSize)>,
    }
    impl<'a> Visitor<'a> for Reads<'a> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            match stmt {
                // A nested function's body is its own function (seen on its own).
                Stmt::FunctionDef(def) => {
                    for decorator in &def.decorator_list {
                        self.visit_decorator(decorator);
                    }
                    self.visit_parameters(&def.parameters);
                }
                _ => visitor::walk_stmt(self, stmt),
            }
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Name(name) = expr {
                if name.ctx == ExprContext::Load {
                    self.loads.push((name.id.as_str(), name.range.start()));
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut read: FxHashMap<&'a str, String> = FxHashMap::default();
    // Functions defined in the guard never run in a child.
    for info in model.functions.iter().filter(|info| !info.in_main_guard) {
        let mut reads = Reads { loads: Vec::new() };
        reads.visit_body(&info.def.body);
        for (name, at) in reads.loads {
            if model.comprehension_binding(name, at).is_some() {
                continue;
            }
            let global = match model.lookup(name, info.scope) {
                Some((scope, _)) => scope == MODULE_SCOPE,
                None => true,
            };
            if global {
                read.entry(name).or_insert_with(|| info.qualname.clone());
            }
        }
    }
    read
}

/// Calls that have no effect a worker could depend on.
const PURE_BUILTINS: &[&str] = &[
    "abs",
    "all",
    "any",
    "bool",
    "bytes",
    "chr",
    "complex",
    "dict",
    "divmod",
    "enumerate",
    "filter",
    "float",
    "frozenset",
    "int",
    "isinstance",
    "len",
    "list",
    "map",
    "max",
    "min",
    "object",
    "ord",
    "pow",
    "range",
    "repr",
    "reversed",
    "round",
    "set",
    "slice",
    "sorted",
    "str",
    "sum",
    "tuple",
    "zip",
];

const PURE_CALLS: &[&str] = &[
    "collections.Counter",
    "collections.OrderedDict",
    "collections.defaultdict",
    "collections.namedtuple",
    "datetime.date",
    "datetime.datetime",
    "datetime.timedelta",
    "decimal.Decimal",
    "fractions.Fraction",
    "functools.partial",
    "os.cpu_count",
    "os.environ.get",
    "os.getenv",
    "os.path.abspath",
    "os.path.basename",
    "os.path.dirname",
    "os.path.expanduser",
    "os.path.join",
    "os.path.realpath",
    "os.path.splitext",
    "multiprocessing.cpu_count",
    "pathlib.Path",
    "pathlib.PurePath",
    "re.compile",
    "typing.NamedTuple",
    "typing.NewType",
    "typing.TypeVar",
];

/// Is evaluating `expr` free of side effects?
fn is_pure(model: &ModuleModel, expr: &Expr) -> bool {
    struct Purity<'m, 'a> {
        model: &'m ModuleModel<'a>,
        pure: bool,
    }
    impl<'a> Visitor<'a> for Purity<'_, 'a> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            match expr {
                Expr::Call(call) => {
                    if !is_pure_callee(self.model, &call.func) {
                        self.pure = false;
                        return;
                    }
                    visitor::walk_expr(self, expr);
                }
                Expr::Await(_) | Expr::Yield(_) | Expr::YieldFrom(_) | Expr::Named(_) => {
                    self.pure = false;
                }
                // Building a lambda runs nothing.
                Expr::Lambda(_) => {}
                _ => visitor::walk_expr(self, expr),
            }
        }
    }
    let mut purity = Purity { model, pure: true };
    purity.visit_expr(expr);
    purity.pure
}

fn is_pure_callee(model: &ModuleModel, func: &Expr) -> bool {
    if let Expr::Name(name) = func {
        if PURE_BUILTINS.contains(&name.id.as_str())
            && model.lookup(name.id.as_str(), MODULE_SCOPE).is_none()
        {
            return true;
        }
    }
    // `", ".join(...)`, `"{}".format(...)`.
    if let Expr::Attribute(attribute) = func {
        if attribute.value.is_string_literal_expr()
            && matches!(
                attribute.attr.as_str(),
                "join" | "format" | "upper" | "lower" | "split"
            )
        {
            return true;
        }
    }
    matches!(model.resolve(func, MODULE_SCOPE), Value::Qualified(name) if PURE_CALLS.contains(&name.as_str()))
}

/// Calls that configure the process (logging, warnings, seeds, ...): a spawn
/// child gets their effect only by running them itself, as a forked child
/// inherits it, so they stay at module level when they come before the start.
fn is_configuration(model: &ModuleModel, stmt: &Stmt) -> bool {
    const PREFIXES: &[&str] = &[
        "logging.basicConfig",
        "logging.config.",
        "logging.captureWarnings",
        "logging.disable",
        "warnings.",
        "random.seed",
        "numpy.random.seed",
        "numpy.set_printoptions",
        "numpy.seterr",
        "torch.manual_seed",
        "torch.set_",
        "sys.setrecursionlimit",
        "sys.set_int_max_str_digits",
        "sys.path.",
        "matplotlib.use",
        "socket.setdefaulttimeout",
        "locale.setlocale",
        "signal.signal",
        "faulthandler.enable",
        "os.putenv",
        "os.environ.",
        "os.umask",
        "dotenv.load_dotenv",
        "decimal.getcontext",
    ];
    match stmt {
        Stmt::Expr(ast::StmtExpr { value, .. }) => {
            let Expr::Call(call) = value.as_ref() else {
                return false;
            };
            if let Expr::Attribute(attribute) = call.func.as_ref() {
                if matches!(
                    attribute.attr.as_str(),
                    "setLevel" | "addHandler" | "addFilter" | "setFormatter"
                ) {
                    return true;
                }
            }
            matches!(model.resolve(&call.func, MODULE_SCOPE), Value::Qualified(name)
                if PREFIXES.iter().any(|prefix| name.starts_with(prefix)))
        }
        Stmt::Assign(ast::StmtAssign { targets, .. }) => targets.iter().any(|target| {
            let Expr::Subscript(subscript) = target else {
                return false;
            };
            matches!(model.resolve(&subscript.value, MODULE_SCOPE), Value::Qualified(name) if name == "os.environ")
        }),
        _ => false,
    }
}

fn kind_of(model: &ModuleModel, stmt: &Stmt) -> Kind {
    match stmt {
        Stmt::FunctionDef(_) | Stmt::ClassDef(_) | Stmt::TypeAlias(_) => Kind::Definition,
        Stmt::Import(_) | Stmt::ImportFrom(_) => Kind::Import,
        Stmt::Pass(_) | Stmt::Global(_) | Stmt::Nonlocal(_) => Kind::Inert,
        Stmt::Expr(ast::StmtExpr { value, .. }) if is_pure(model, value) => Kind::Inert,
        Stmt::AnnAssign(assign) => match &assign.value {
            None => Kind::Inert,
            Some(value) if is_pure(model, value) && assign.target.is_name_expr() => Kind::Constant,
            Some(_) => Kind::Work,
        },
        Stmt::Assign(assign) => {
            let names_only = assign.targets.iter().all(is_name_target);
            if names_only && is_pure(model, &assign.value) {
                Kind::Constant
            } else {
                Kind::Work
            }
        }
        Stmt::If(if_stmt) => {
            if crate::semantic::guard_test(&if_stmt.test) != GuardTest::None {
                return Kind::Guard;
            }
            let tests_pure = is_pure(model, &if_stmt.test)
                && if_stmt
                    .elif_else_clauses
                    .iter()
                    .all(|clause| clause.test.as_ref().is_none_or(|test| is_pure(model, test)));
            let bodies = std::iter::once(&if_stmt.body)
                .chain(if_stmt.elif_else_clauses.iter().map(|clause| &clause.body));
            if tests_pure && bodies.flatten().all(|inner| defines_only(model, inner)) {
                Kind::Definition
            } else {
                Kind::Work
            }
        }
        Stmt::Try(try_stmt) => {
            let handlers_pure = try_stmt.handlers.iter().all(|handler| {
                let ast::ExceptHandler::ExceptHandler(handler) = handler;
                handler
                    .type_
                    .as_deref()
                    .is_none_or(|type_| is_pure(model, type_))
                    && handler.body.iter().all(|inner| defines_only(model, inner))
            });
            let bodies = [&try_stmt.body, &try_stmt.orelse, &try_stmt.finalbody];
            if handlers_pure
                && bodies
                    .into_iter()
                    .flatten()
                    .all(|inner| defines_only(model, inner))
            {
                Kind::Definition
            } else {
                Kind::Work
            }
        }
        _ => Kind::Work,
    }
}

fn defines_only(model: &ModuleModel, stmt: &Stmt) -> bool {
    matches!(
        kind_of(model, stmt),
        Kind::Definition | Kind::Import | Kind::Constant | Kind::Inert
    )
}

fn is_name_target(target: &Expr) -> bool {
    match target {
        Expr::Name(_) => true,
        Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
            elts.iter().all(is_name_target)
        }
        Expr::Starred(starred) => is_name_target(&starred.value),
        _ => false,
    }
}

/// Decorators that only wrap or register nothing: a definition using them may
/// run before moved statements that preceded it.
const PURE_DECORATORS: &[&str] = &[
    "abc.abstractmethod",
    "contextlib.asynccontextmanager",
    "contextlib.contextmanager",
    "dataclasses.dataclass",
    "enum.unique",
    "functools.cache",
    "functools.cached_property",
    "functools.lru_cache",
    "functools.total_ordering",
    "functools.wraps",
    "typing.final",
    "typing.overload",
    "typing.runtime_checkable",
];

fn has_impure_decorator(model: &ModuleModel, stmt: &Stmt) -> bool {
    let decorators = match stmt {
        Stmt::FunctionDef(def) => &def.decorator_list,
        Stmt::ClassDef(def) => &def.decorator_list,
        _ => return false,
    };
    decorators.iter().any(|decorator| {
        let callee = match &decorator.expression {
            Expr::Call(call) => &*call.func,
            other => other,
        };
        if let Expr::Name(name) = callee {
            if matches!(name.id.as_str(), "staticmethod" | "classmethod" | "property")
                && model.lookup(name.id.as_str(), MODULE_SCOPE).is_none()
            {
                return false;
            }
        }
        !matches!(model.resolve(callee, MODULE_SCOPE), Value::Qualified(name) if PURE_DECORATORS.contains(&name.as_str()))
    })
}

/// Which top-level statements move into the main guard, and why the move may
/// change the program (no reasons: it keeps the parent's meaning).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Indices into the module's body, in order.
    pub moved: Vec<usize>,
    pub unsafe_reasons: Vec<String>,
}

/// Plans the move of the import-time work of a main script: `start` is the
/// first top-level statement (an index into the module's body) whose work
/// must move. `None` when no move keeps the program working (the start is a
/// definition, a definition needs a moved name, a module-level function would
/// become guarded, ...).
pub fn plan(text: &str, model: &ModuleModel, start: usize) -> Option<Plan> {
    let body = model.body;
    if start >= body.len() {
        return None;
    }
    let kinds: Vec<Kind> = body.iter().map(|stmt| kind_of(model, stmt)).collect();
    if kinds[start] != Kind::Work {
        return None;
    }
    let analysis = Analysis {
        text,
        model,
        names: body.iter().map(|stmt| names_of(model, stmt)).collect(),
        worker_reads: names_functions_read(model),
        guard: target_guard(text, body),
        kinds,
    };
    let kinds = &analysis.kinds;
    let mut best: Option<Plan> = None;
    // The work before the start moves too unless a cut after it works better
    // (it configures the process, or a definition or worker needs what it binds).
    let candidates: Vec<usize> = if body.len() > 2000 {
        vec![0, start]
    } else {
        (0..=start).collect()
    };
    for from in candidates {
        if from > 0 && kinds[from - 1] != Kind::Work && from != start {
            // Cutting right after a statement that stays anyway changes nothing.
            if kinds[from..start].iter().all(|kind| *kind != Kind::Work) {
                continue;
            }
        }
        let Some(plan) = plan_from(&analysis, from, start) else {
            continue;
        };
        let better = match &best {
            None => true,
            Some(best) => !best.unsafe_reasons.is_empty() && plan.unsafe_reasons.is_empty(),
        };
        if better {
            let safe = plan.unsafe_reasons.is_empty();
            best = Some(plan);
            if safe {
                break;
            }
        }
    }
    best
}

/// What the planner knows about a module's top-level statements.
struct Analysis<'t, 'm, 'a> {
    text: &'t str,
    model: &'m ModuleModel<'a>,
    kinds: Vec<Kind>,
    names: Vec<Names<'a>>,
    /// Module-level names function bodies read, with the first function reading each.
    worker_reads: FxHashMap<&'a str, String>,
    /// The guard moved statements join.
    guard: Option<usize>,
}

/// The plan that moves the work from top-level statement `from` on (the
/// first start is at `start`).
fn plan_from(analysis: &Analysis, from: usize, start: usize) -> Option<Plan> {
    let Analysis {
        text,
        model,
        kinds,
        names,
        worker_reads,
        guard,
    } = analysis;
    let (text, model, guard) = (*text, *model, *guard);
    let body = model.body;
    let first = (from..=start).find(|&index| kinds[index] == Kind::Work)?;
    let mut moved = vec![false; body.len()];
    for index in first..body.len() {
        if Some(index) != guard && matches!(kinds[index], Kind::Work | Kind::Constant) {
            moved[index] = true;
        }
    }
    // Constants stay when a worker or a definition that stays reads them.
    loop {
        let mut changed = false;
        for index in first..body.len() {
            if kinds[index] != Kind::Constant || !moved[index] {
                continue;
            }
            let needed = names[index].binds.iter().any(|name| {
                worker_reads.contains_key(name)
                    || (index + 1..body.len()).any(|later| {
                        !moved[later] && Some(later) != guard && names[later].reads.contains(name)
                    })
            });
            if needed {
                moved[index] = false;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    // Work after a guard that comes before it joins that guard's body, so it
    // now runs before the statements between them: only when none stay there.
    if let (Some(guard), Some(last)) = (guard, (0..body.len()).rev().find(|&index| moved[index])) {
        if guard < first && (guard + 1..last).any(|index| !moved[index]) {
            return None;
        }
    }
    let mut reasons: Vec<String> = Vec::new();
    let describe = |index: usize| -> String {
        let stmt = &body[index];
        let label = match stmt {
            Stmt::FunctionDef(def) => format!("def {}", def.name),
            Stmt::ClassDef(def) => format!("class {}", def.name),
            _ => String::new(),
        };
        if label.is_empty() {
            format!("the statement on line {}", line_number(text, stmt.start()))
        } else {
            format!("`{label}`")
        }
    };
    // What the moved statements (and the guard's body) did before each
    // statement that stays: it now runs before them.
    let mut acc_reads: FxHashSet<&str> = FxHashSet::default();
    let mut acc_binds: FxHashSet<&str> = FxHashSet::default();
    let mut acc_mutates: FxHashSet<&str> = FxHashSet::default();
    for index in 0..body.len() {
        let is_moved = moved[index] || Some(index) == guard && index > first;
        if is_moved {
            let own = &names[index];
            if moved[index] {
                if own.defines {
                    // A function defined in the guard is missing in the children.
                    return None;
                }
                let bound = own
                    .binds
                    .iter()
                    .find_map(|name| worker_reads.get(name).map(|function| (name, function)));
                let changed = own.mutates.iter().find_map(|name| {
                    worker_reads
                        .get(name)
                        .filter(|_| is_data_global(model, name))
                        .map(|function| (name, function))
                });
                if let Some((name, function)) = bound.or(changed) {
                    if index < start {
                        return None;
                    }
                    reasons.push(format!(
                        "`{function}` reads the global `{name}`, which {} sets and which spawn children no longer set once it is in the guard",
                        describe(index)
                    ));
                }
                if index < start && is_configuration(model, &body[index]) {
                    return None;
                }
            }
            acc_reads.extend(own.reads.iter().copied());
            acc_binds.extend(own.binds.iter().copied());
            acc_mutates.extend(own.mutates.iter().copied());
            continue;
        }
        if index < first {
            continue;
        }
        if kinds[index] == Kind::Guard {
            // Another guard would now run before the work that preceded it.
            return None;
        }
        let own = &names[index];
        let clash = own
            .binds
            .iter()
            .any(|name| acc_reads.contains(name) || acc_binds.contains(name))
            || own
                .reads
                .iter()
                .any(|name| acc_binds.contains(name) || acc_mutates.contains(name));
        if clash {
            return None;
        }
        if kinds[index] == Kind::Import {
            reasons.push(format!(
                "the import on line {} now runs before the moved statements that preceded it",
                line_number(text, body[index].start())
            ));
        } else if has_impure_decorator(model, &body[index]) {
            reasons.push(format!(
                "the decorator of {} now runs before the moved statements that preceded it",
                describe(index)
            ));
        }
    }
    Some(Plan {
        moved: (0..body.len()).filter(|&index| moved[index]).collect(),
        unsafe_reasons: reasons,
    })
}

/// A module-level name bound to data (not only to functions, classes and imports).
fn is_data_global(model: &ModuleModel, name: &str) -> bool {
    use crate::semantic::BindingKind;
    model.scopes[MODULE_SCOPE]
        .bindings
        .get(name)
        .is_some_and(|bindings| {
            bindings.iter().any(|binding| {
                !matches!(
                    binding.kind,
                    BindingKind::Function(_)
                        | BindingKind::Class(_)
                        | BindingKind::Import(_)
                        | BindingKind::FromImport { .. }
                )
            })
        })
}

fn line_number(text: &str, offset: TextSize) -> usize {
    let before = &text[..usize::from(offset).min(text.len())];
    before.matches(['\n', '\r']).count() - before.matches("\r\n").count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::apply::apply_fixes;
    use crate::fix::Fix;

    /// Plans and applies the move for the first top-level statement that
    /// mentions `Pool(` or `.start()`: the fixed text and the unsafe reasons.
    fn fixed(text: &str) -> Option<(String, Vec<String>)> {
        let parsed = ruff_python_parser::parse_module(text).unwrap();
        let style = Style::detect(text, parsed.tokens());
        let model = ModuleModel::build(&parsed.syntax().body);
        let start = model.body.iter().position(|stmt| {
            let source = &text[stmt.range().to_std_range()];
            source.contains("Pool(") || source.contains(".start()")
        })?;
        let plan = plan(text, &model, start)?;
        let edits = move_into_guard(text, &style, model.body, &plan.moved)?;
        let fix = Fix::safe("move", edits);
        let output = apply_fixes(text, &[&fix]).text;
        assert!(
            ruff_python_parser::parse_module(&output).is_ok(),
            "invalid code:\n{output}"
        );
        Some((output, plan.unsafe_reasons))
    }

    fn safe(text: &str) -> String {
        let (output, reasons) = fixed(text).expect("a fix");
        assert!(reasons.is_empty(), "unexpectedly unsafe: {reasons:?}");
        output
    }

    #[test]
    fn moves_the_work_and_keeps_definitions() {
        let text = "import multiprocessing as mp\n\nDATA = [1, 2, 3]\n\n\ndef square(x):\n    return x * x\n\n\nwith mp.Pool(2) as pool:\n    out = pool.map(square, DATA)\n\nprint(out)\n";
        assert_eq!(
            safe(text),
            "import multiprocessing as mp\n\nDATA = [1, 2, 3]\n\n\ndef square(x):\n    return x * x\n\n\nif __name__ == \"__main__\":\n    with mp.Pool(2) as pool:\n        out = pool.map(square, DATA)\n\n    print(out)\n"
        );
    }

    #[test]
    fn crlf_files_stay_crlf() {
        let text = "import multiprocessing as mp\r\n\r\npool = mp.Pool(2)\r\nprint(pool.map(abs, [-1]))\r\n";
        let output = safe(text);
        assert_eq!(
            output,
            "import multiprocessing as mp\r\n\r\nif __name__ == \"__main__\":\r\n    pool = mp.Pool(2)\r\n    print(pool.map(abs, [-1]))\r\n"
        );
        assert!(!output.replace("\r\n", "").contains(['\n', '\r']));
    }

    #[test]
    fn old_mac_newlines_are_kept() {
        let text = "import multiprocessing as mp\r\rpool = mp.Pool(2)\r";
        assert_eq!(
            safe(text),
            "import multiprocessing as mp\r\rif __name__ == \"__main__\":\r    pool = mp.Pool(2)\r"
        );
    }

    #[test]
    fn tabs_files_get_tabs() {
        let text = "import multiprocessing as mp\n\ndef f(x):\n\treturn x\n\nwith mp.Pool(2) as pool:\n\tprint(pool.map(f, [1]))\n";
        assert_eq!(
            safe(text),
            "import multiprocessing as mp\n\ndef f(x):\n\treturn x\n\nif __name__ == \"__main__\":\n\twith mp.Pool(2) as pool:\n\t\tprint(pool.map(f, [1]))\n"
        );
    }

    #[test]
    fn comments_and_blank_lines_move_with_the_statements() {
        let text = "import multiprocessing as mp\n\n# --- the work ---\n\n# one pool for all\npool = mp.Pool(2)  # two workers\n\n\n# use it\nprint(pool.map(abs, [-1]))\n";
        assert_eq!(
            safe(text),
            "import multiprocessing as mp\n\n# --- the work ---\n\n\nif __name__ == \"__main__\":\n    # one pool for all\n    pool = mp.Pool(2)  # two workers\n\n\n    # use it\n    print(pool.map(abs, [-1]))\n"
        );
    }

    #[test]
    fn multiline_strings_keep_their_lines() {
        let text = "import multiprocessing as mp\n\nwith mp.Pool(2) as pool:\n    print(\"\"\"report:\n  first line\nlast line\"\"\", f\"\"\"{\n1}\n\"\"\")\n";
        assert_eq!(
            safe(text),
            "import multiprocessing as mp\n\nif __name__ == \"__main__\":\n    with mp.Pool(2) as pool:\n        print(\"\"\"report:\n  first line\nlast line\"\"\", f\"\"\"{\n1}\n\"\"\")\n"
        );
    }

    #[test]
    fn a_file_without_final_newline() {
        let text = "from multiprocessing import Pool\npool = Pool(2)";
        assert_eq!(
            safe(text),
            "from multiprocessing import Pool\n\nif __name__ == \"__main__\":\n    pool = Pool(2)\n"
        );
        let text = "from multiprocessing import Pool\npool = Pool(2)\nx = 1";
        assert_eq!(
            safe(text),
            "from multiprocessing import Pool\n\nif __name__ == \"__main__\":\n    pool = Pool(2)\n    x = 1\n"
        );
    }

    #[test]
    fn an_existing_guard_gets_the_work_in_order() {
        let text = "import multiprocessing as mp\n\npool = mp.Pool(2)\n\nif __name__ == \"__main__\":\n  print(pool.map(abs, [-1]))\n\npool.close()\n";
        assert_eq!(
            safe(text),
            "import multiprocessing as mp\n\nif __name__ == \"__main__\":\n  pool = mp.Pool(2)\n\n  print(pool.map(abs, [-1]))\n\n  pool.close()\n"
        );
    }

    #[test]
    fn an_existing_guard_with_crlf_and_tabs() {
        let text = "import multiprocessing as mp\r\n\r\npool = mp.Pool(2)\r\nif __name__ == '__main__':  # entry\r\n\tprint(pool.map(abs, [-1]))";
        assert_eq!(
            safe(text),
            "import multiprocessing as mp\r\n\r\nif __name__ == '__main__':  # entry\r\n\tpool = mp.Pool(2)\r\n\tprint(pool.map(abs, [-1]))"
        );
    }

    #[test]
    fn the_call_of_main_moves_not_its_body() {
        let text = "from multiprocessing import Pool\n\n\ndef main():\n    with Pool(2) as pool:\n        print(pool.map(abs, [-1]))\n\n\nmain()\n";
        // The start is in main(); the statement that leads to it is the call.
        let parsed = ruff_python_parser::parse_module(text).unwrap();
        let model = ModuleModel::build(&parsed.syntax().body);
        let plan = plan(text, &model, 2).unwrap();
        assert_eq!(plan.moved, vec![2]);
        assert!(plan.unsafe_reasons.is_empty());
        // A definition is never moved.
        assert_eq!(super::plan(text, &model, 1), None);
    }

    #[test]
    fn work_a_definition_needs_stays_or_blocks_the_fix() {
        // Before the start: it stays.
        let text = "import multiprocessing as mp\nsize = int(input())\n\ndef f(x, n=size):\n    return x * n\n\npool = mp.Pool(2)\nprint(pool.map(f, [1]))\n";
        assert_eq!(
            safe(text),
            "import multiprocessing as mp\nsize = int(input())\n\ndef f(x, n=size):\n    return x * n\n\nif __name__ == \"__main__\":\n    pool = mp.Pool(2)\n    print(pool.map(f, [1]))\n"
        );
        // After it: a function cannot be moved, so there is no fix.
        let text =
            "import multiprocessing as mp\npool = mp.Pool(2)\n\ndef f(x, p=pool):\n    return x\n";
        assert_eq!(fixed(text), None);
    }

    #[test]
    fn a_global_a_worker_reads() {
        // Set before the start by a call: it stays at module level.
        let text = "import multiprocessing as mp\nTABLE = load()\n\ndef f(x):\n    return TABLE[x]\n\nwith mp.Pool(2) as pool:\n    print(pool.map(f, [1]))\n";
        let output = safe(text);
        assert!(output.contains("TABLE = load()\n\ndef f"), "{output}");
        // A constant needed by a worker after the start stays too.
        let text = "import multiprocessing as mp\npool = mp.Pool(2)\nSCALE = 3\n\ndef f(x):\n    return x * SCALE\n\nprint(pool.map(f, [1]))\n";
        assert_eq!(
            safe(text),
            "import multiprocessing as mp\nSCALE = 3\n\ndef f(x):\n    return x * SCALE\n\nif __name__ == \"__main__\":\n    pool = mp.Pool(2)\n\n    print(pool.map(f, [1]))\n"
        );
        // Set by the work itself: the fix is unsafe and says why.
        let text = "import multiprocessing as mp\n\ndef f(x):\n    return x + len(RESULTS)\n\npool = mp.Pool(2)\nRESULTS = pool.map(abs, [1])\nprint(pool.map(f, [1]))\n";
        let (_, reasons) = fixed(text).unwrap();
        assert_eq!(reasons.len(), 1, "{reasons:?}");
        assert!(
            reasons[0].contains("`f` reads the global `RESULTS`"),
            "{reasons:?}"
        );
        // Changed in place by the work: unsafe too.
        let text = "import multiprocessing as mp\nSEEN = []\n\ndef f(x):\n    return len(SEEN)\n\npool = mp.Pool(2)\nSEEN.append(1)\nprint(pool.map(f, [1]))\n";
        let (_, reasons) = fixed(text).unwrap();
        assert!(reasons[0].contains("`SEEN`"), "{reasons:?}");
    }

    #[test]
    fn process_configuration_before_the_start_stays() {
        let text = "import logging\nimport multiprocessing as mp\nprint('hi')\nlogging.basicConfig(level=logging.INFO)\npool = mp.Pool(2)\n";
        assert_eq!(
            safe(text),
            "import logging\nimport multiprocessing as mp\nprint('hi')\nlogging.basicConfig(level=logging.INFO)\n\nif __name__ == \"__main__\":\n    pool = mp.Pool(2)\n"
        );
    }

    #[test]
    fn reordering_that_changes_meaning_is_refused_or_unsafe() {
        // A later statement rebinds a name the moved work read.
        let text =
            "import multiprocessing as mp\npool = mp.Pool(2)\nprint(pool.map(abs, [N]))\nN = 2\n";
        let output = safe(text);
        assert!(
            output.ends_with("    N = 2\n"),
            "constants after the work move too: {output}"
        );
        let text = "import multiprocessing as mp\nN = 1\npool = mp.Pool(2)\nprint(pool.map(abs, [N]))\n\ndef N():\n    pass\n";
        assert_eq!(fixed(text), None);
        // An import after the work now runs before it.
        let text = "import multiprocessing as mp\npool = mp.Pool(2)\nimport json\nprint(json.dumps(pool.map(abs, [1])))\n";
        let (_, reasons) = fixed(text).unwrap();
        assert!(reasons[0].contains("import on line 3"), "{reasons:?}");
        // A registering decorator after the work now runs before it.
        let text = "import multiprocessing as mp\npool = mp.Pool(2)\n\n@register\ndef f(x):\n    return x\n\nprint(pool.map(f, [1]))\n";
        let (_, reasons) = fixed(text).unwrap();
        assert!(reasons[0].contains("decorator of `def f`"), "{reasons:?}");
        let text = "import functools\nimport multiprocessing as mp\npool = mp.Pool(2)\n\n@functools.lru_cache\ndef f(x):\n    return x\n\nprint(pool.map(f, [1]))\n";
        safe(text);
    }

    #[test]
    fn functions_defined_in_the_work_are_never_guarded() {
        let text = "import multiprocessing as mp\npool = mp.Pool(2)\nwith open('log', 'w') as log:\n    def f(x):\n        return x\nprint(pool.map(f, [1]))\n";
        assert_eq!(fixed(text), None);
        // Conditional definitions stay at module level.
        let text = "import multiprocessing as mp\npool = mp.Pool(2)\ntry:\n    def f(x):\n        return x\nexcept Exception:\n    f = None\nprint(pool.map(abs, [1]))\n";
        assert_eq!(
            safe(text),
            "import multiprocessing as mp\ntry:\n    def f(x):\n        return x\nexcept Exception:\n    f = None\n\nif __name__ == \"__main__\":\n    pool = mp.Pool(2)\n    print(pool.map(abs, [1]))\n"
        );
    }

    #[test]
    fn space_prefix_before_tab_indentation_is_refused() {
        // A four-space file with a tab-indented block: "    \t" is not "    " plus spaces.
        let text = "import multiprocessing as mp\nif True:\n    x = 1\nwith mp.Pool(2) as pool:\n\tprint(pool)\n";
        assert_eq!(fixed(text), None);
    }

    #[test]
    fn statements_sharing_a_line_are_left_alone() {
        let text = "import multiprocessing as mp\nx = 1; pool = mp.Pool(2)\n";
        assert_eq!(fixed(text), None);
    }

    #[test]
    fn file_headers_never_move() {
        let text = "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\nfrom multiprocessing import Pool\nPool(2).map(abs, [1])\n";
        let output = safe(text);
        assert!(output.starts_with("#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n"));
        let text = "#!/usr/bin/env python\nPool(2).map(abs, [1])\n";
        assert_eq!(
            safe(text),
            "#!/usr/bin/env python\n\nif __name__ == \"__main__\":\n    Pool(2).map(abs, [1])\n"
        );
    }

    #[test]
    fn work_after_the_guard_joins_its_body() {
        let text = "import multiprocessing as mp\n\nif __name__ == '__main__':\n    print('start')\n\npool = mp.Pool(2)\n";
        assert_eq!(
            safe(text),
            "import multiprocessing as mp\n\nif __name__ == '__main__':\n    print('start')\n\n    pool = mp.Pool(2)\n"
        );
        // Not when a definition between them would now come after it.
        let text = "import multiprocessing as mp\n\nif __name__ == '__main__':\n    print('start')\n\nN = 2\npool = mp.Pool(N)\nprint(pool)\n";
        assert_eq!(fixed(text), None);
    }

    #[test]
    fn functions_of_the_guard_are_not_workers() {
        let text = "import multiprocessing as mp\npool = mp.Pool(2)\nif __name__ == '__main__':\n    def report():\n        print(pool)\n    report()\n";
        safe(text);
    }

    #[test]
    fn another_guard_after_the_work_blocks_the_fix() {
        let text = "import multiprocessing as mp\npool = mp.Pool(2)\nif __name__ == '__main__': print(1)\nprint(pool.map(abs, [1]))\n";
        assert_eq!(fixed(text), None);
    }
}
