//! Parsing a file for the Python version it targets, and the errors CPython
//! raises before it runs a line that Ruff's parser does not report: its
//! tokenizer's `TabError` and nesting limits, and its compiler's recursion
//! limit.
//!
//! A file CPython refuses is reported (SPS001) and not analysed: its syntax
//! tree would be a guess, or deeper than any walk should follow. A syntax that
//! only a *newer* Python accepts (`except*` for a 3.10 target) is reported
//! too, with the parser's message, and the file is still analysed: the tree
//! is exact.

use ruff_python_ast::token::TokenKind;
use ruff_python_ast::token::Tokens;
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, ModModule, PySourceType, PythonVersion, Stmt};
use ruff_python_parser::Parsed;
use ruff_text_size::{Ranged, TextRange, TextSize};

/// CPython's tokenizer: at most 100 indentation levels (`MAXINDENT`)...
pub const MAX_INDENT: usize = 100;
/// ... and 200 open brackets (`MAXLEVEL`), in `Parser/tokenizer.h`.
pub const MAX_BRACKETS: usize = 200;
/// CPython 3.11 stops compiling past about 3,000 nested nodes (the recursion
/// limit, 1,000, times `COMPILER_STACK_FRAME_SCALE`, 3): `x = 1+1+...+1` with
/// 2,994 terms fails with "RecursionError: maximum recursion depth exceeded
/// during compilation", 2,993 compile (checked with python3). Deeper than
/// this, spawnsafe is sure CPython refuses the file.
pub const MAX_NESTING: usize = 3_000;

/// The stack of a thread that parses and analyses files: a walk of a tree
/// [`MAX_NESTING`] deep (the deepest one analysed) needs far more than the
/// 2 MiB Rust gives a thread, in a debug build most. Only the pages used are
/// ever touched.
pub const ANALYSIS_STACK_SIZE: usize = 256 * 1024 * 1024;

/// Runs `work` on a thread with an [`ANALYSIS_STACK_SIZE`] stack.
pub fn with_analysis_stack<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("spawnsafe-analysis".to_string())
            .stack_size(ANALYSIS_STACK_SIZE)
            .spawn_scoped(scope, work)
            .expect("a thread for the analysis")
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// A pool of threads with [`ANALYSIS_STACK_SIZE`] stacks, for parsing and
/// analysing files in parallel (rayon's own threads have 2 MiB).
pub fn analysis_pool() -> &'static rayon::ThreadPool {
    static POOL: std::sync::OnceLock<rayon::ThreadPool> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .thread_name(|index| format!("spawnsafe-analysis-{index}"))
            .stack_size(ANALYSIS_STACK_SIZE)
            .build()
            .expect("the analysis threads")
    })
}

/// A reason CPython would not run the file, or a syntax its target version lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxProblem {
    pub range: TextRange,
    /// As CPython prints it: `TabError: inconsistent use of tabs and spaces in indentation`.
    pub message: String,
    /// The file is not analysed (everything but a version-only error).
    pub blocks_analysis: bool,
}

/// A parsed file and its first syntax problem, if any.
pub struct ParsedSource {
    pub parsed: Parsed<ModModule>,
    pub problem: Option<SyntaxProblem>,
}

/// The version a file is parsed for: the target's oldest, else the newest
/// the parser knows.
pub fn parser_version(minor: Option<u32>) -> PythonVersion {
    match minor.and_then(|minor| u8::try_from(minor).ok()) {
        Some(minor) => PythonVersion { major: 3, minor },
        None => PythonVersion::latest(),
    }
}

/// Parses `text` for `version` and finds its first syntax problem. A tree too
/// deep for CPython is not kept (the module comes back empty; see [`discard`]).
pub fn parse(text: &str, source_type: PySourceType, version: PythonVersion) -> ParsedSource {
    let options = ruff_python_parser::ParseOptions::from(source_type).with_target_version(version);
    let parsed = ruff_python_parser::parse_unchecked(text, options)
        .try_into_module()
        .expect("a source type parses to a module");
    let problem = problem(text, &parsed);
    ParsedSource { parsed, problem }
}

fn problem(text: &str, parsed: &Parsed<ModModule>) -> Option<SyntaxProblem> {
    let blocking = |range: TextRange, message: String| SyntaxProblem {
        range,
        message,
        blocks_analysis: true,
    };
    // The tokenizer's errors come before the parser's in CPython, and the
    // parser's own are about the text as it reads it.
    let tokenizer = tokenizer_error(text, parsed.tokens());
    let parser = parsed
        .errors()
        .first()
        .map(|error| (error.location, format!("SyntaxError: {}", error.error)));
    let first = match (tokenizer, parser) {
        // On one line, CPython's tokenizer speaks first.
        (Some(a), Some(b)) => Some(if a.0.start() <= line_start(text, b.0.start()) {
            a
        } else {
            b
        }),
        (a, b) => a.or(b),
    };
    if let Some((range, message)) = first {
        return Some(blocking(range, message));
    }
    if let Some(range) = too_deep(&parsed.syntax().body) {
        return Some(blocking(
            range,
            format!(
                "RecursionError: maximum recursion depth exceeded during compilation (the code nests more than {MAX_NESTING} levels deep here; CPython refuses to compile it)"
            ),
        ));
    }
    parsed
        .unsupported_syntax_errors()
        .first()
        .map(|error| SyntaxProblem {
            range: error.range,
            message: format!("SyntaxError: {error}"),
            blocks_analysis: false,
        })
}

fn line_start(text: &str, offset: TextSize) -> TextSize {
    let offset = usize::from(offset).min(text.len());
    let start = text
        .get(..offset)
        .and_then(|before| before.rfind(['\n', '\r']))
        .map_or(0, |position| position + 1);
    TextSize::try_from(start).unwrap_or_default()
}

/// What CPython's tokenizer rejects, in its order (Ruff's lexer takes some of
/// it, and places the rest elsewhere): indentation whose meaning depends on
/// the tab size (`TabError`), a dedent to no outer level, more than
/// [`MAX_INDENT`] levels, more than [`MAX_BRACKETS`] open brackets.
fn tokenizer_error(text: &str, tokens: &Tokens) -> Option<(TextRange, String)> {
    // `indstack`/`altindstack` of `Parser/tokenizer.c`: the indentation of
    // each open block, counting a tab as up to the next multiple of 8 and as 1.
    let mut columns: Vec<(usize, usize)> = vec![(0, 0)];
    let mut brackets = 0usize;
    let mut at_line_start = true;
    for token in tokens.iter() {
        match token.kind() {
            TokenKind::Newline => {
                at_line_start = true;
                continue;
            }
            TokenKind::NonLogicalNewline
            | TokenKind::Comment
            | TokenKind::Indent
            | TokenKind::Dedent
            | TokenKind::EndOfFile => continue,
            TokenKind::Lpar | TokenKind::Lsqb | TokenKind::Lbrace => {
                brackets += 1;
                if brackets > MAX_BRACKETS {
                    return Some((
                        token.range(),
                        "SyntaxError: too many nested parentheses".to_string(),
                    ));
                }
            }
            TokenKind::Rpar | TokenKind::Rsqb | TokenKind::Rbrace => {
                brackets = brackets.saturating_sub(1);
            }
            _ => {}
        }
        if !std::mem::take(&mut at_line_start) {
            continue;
        }
        let start = usize::from(token.start());
        let line_start = text[..start]
            .rfind(['\n', '\r'])
            .map_or(0, |position| position + 1);
        let (mut column, mut alternative) = (0usize, 0usize);
        // The line's leading blanks (Ruff's lexer may start a token there:
        // an `Unknown` for indentation it cannot match).
        for byte in text[line_start..].bytes() {
            match byte {
                b' ' => {
                    column += 1;
                    alternative += 1;
                }
                b'\t' => {
                    column = (column / 8 + 1) * 8;
                    alternative += 1;
                }
                // A form feed resets the column (CPython: `col = altcol = 0`).
                b'\x0c' => (column, alternative) = (0, 0),
                _ => break,
            }
        }
        let line = TextRange::empty(TextSize::try_from(line_start).unwrap_or_default());
        let tab_error = || {
            Some((
                line,
                "TabError: inconsistent use of tabs and spaces in indentation".to_string(),
            ))
        };
        let &(top, top_alternative) = columns.last().expect("the stack holds column 0");
        if column == top {
            if alternative != top_alternative {
                return tab_error();
            }
        } else if column > top {
            if columns.len() >= MAX_INDENT {
                return Some((
                    line,
                    "IndentationError: too many levels of indentation".to_string(),
                ));
            }
            if alternative <= top_alternative {
                return tab_error();
            }
            columns.push((column, alternative));
        } else {
            while columns.len() > 1 && column < columns.last().expect("not empty").0 {
                columns.pop();
            }
            let &(top, top_alternative) = columns.last().expect("not empty");
            if column != top {
                return Some((
                    line,
                    "IndentationError: unindent does not match any outer indentation level"
                        .to_string(),
                ));
            }
            if alternative != top_alternative {
                return tab_error();
            }
        }
    }
    None
}

/// Where the statements and expressions nest deeper than [`MAX_NESTING`]:
/// the statement holding the deepest point. The walk never goes deeper.
fn too_deep(body: &[Stmt]) -> Option<TextRange> {
    struct Depth {
        depth: usize,
        statement: TextRange,
        found: Option<TextRange>,
    }
    impl<'a> Visitor<'a> for Depth {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if self.found.is_some() {
                return;
            }
            self.depth += 1;
            let outer = std::mem::replace(&mut self.statement, stmt.range());
            if self.depth > MAX_NESTING {
                self.found = Some(TextRange::empty(stmt.start()));
            } else {
                visitor::walk_stmt(self, stmt);
            }
            self.statement = outer;
            self.depth -= 1;
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            if self.found.is_some() {
                return;
            }
            self.depth += 1;
            if self.depth > MAX_NESTING {
                self.found = Some(TextRange::empty(self.statement.start()));
            } else {
                visitor::walk_expr(self, expr);
            }
            self.depth -= 1;
        }
    }
    let mut depth = Depth {
        depth: 0,
        statement: TextRange::default(),
        found: None,
    };
    depth.visit_body(body);
    depth.found
}

impl ParsedSource {
    /// The syntax tree to analyse (an empty module when the problem blocks
    /// the analysis), and the problem. A tree CPython refuses for its depth
    /// is leaked, not dropped: dropping recurses once per level, and it may
    /// be deeper than any stack. It happens only for such files, and the
    /// memory is the tree's.
    pub fn into_module(self) -> (ModModule, Option<SyntaxProblem>) {
        let ParsedSource { parsed, problem } = self;
        let Some(blocking) = problem.as_ref().filter(|problem| problem.blocks_analysis) else {
            return (parsed.into_syntax(), problem);
        };
        if blocking.message.starts_with("RecursionError") {
            std::mem::forget(parsed);
        }
        let empty = ModModule {
            node_index: ruff_python_ast::AtomicNodeIndex::default(),
            range: TextRange::default(),
            body: Default::default(),
        };
        (empty, problem)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem_of(text: &str, minor: Option<u32>) -> Option<SyntaxProblem> {
        with_analysis_stack(|| {
            parse(text, PySourceType::Python, parser_version(minor))
                .into_module()
                .1
        })
    }

    fn message_of(text: &str) -> Option<String> {
        problem_of(text, None).map(|problem| problem.message)
    }

    #[test]
    fn newer_syntax_is_a_version_error_that_does_not_block() {
        let text = "try:\n    pass\nexcept* ValueError:\n    pass\n";
        assert_eq!(problem_of(text, None), None);
        assert_eq!(problem_of(text, Some(11)), None);
        let problem = problem_of(text, Some(10)).unwrap();
        assert!(!problem.blocks_analysis);
        assert!(
            problem.message.contains("Python 3.10"),
            "{}",
            problem.message
        );
        assert_eq!(problem_of("type X = int\n", None), None);
        assert!(problem_of("def f[T](x: T) -> T:\n    return x\n", Some(11)).is_some());
        assert_eq!(problem_of("x = f\"{'a' f\"{1}\"}\"\n", Some(12)), None);
    }

    #[test]
    fn tab_errors_are_cpythons() {
        // Each checked with python3: TabError at line 3.
        for text in [
            "if x:\n\tpass\n        pass\n",
            "if x:\n        a\n\tb\n",
            "if x:\n    \ta\n\t    b\n",
        ] {
            let problem = problem_of(text, None).unwrap();
            assert_eq!(
                problem.message,
                "TabError: inconsistent use of tabs and spaces in indentation"
            );
            assert_eq!(
                usize::from(problem.range.start()),
                text.match_indices('\n').nth(1).unwrap().0 + 1
            );
        }
        // Consistent tabs, and tabs only in continuation lines, are fine.
        assert_eq!(message_of("if x:\n\tif y:\n\t\tpass\n\tpass\n"), None);
        assert_eq!(message_of("x = (1,\n\t  2)\nif x:\n    pass\n"), None);
        assert_eq!(message_of("if x:\n    a\n\x0c\n    b\n"), None);
    }

    #[test]
    fn nesting_limits_are_cpythons() {
        let brackets = |n: usize| format!("x = {}1{}\n", "[".repeat(n), "]".repeat(n));
        assert_eq!(message_of(&brackets(200)), None);
        let problem = problem_of(&brackets(201), None).unwrap();
        assert_eq!(problem.message, "SyntaxError: too many nested parentheses");
        assert_eq!(usize::from(problem.range.start()), 4 + 200);
        let ifs = |n: usize| {
            let mut text: String = (0..n)
                .map(|i| format!("{}if x:\n", " ".repeat(i)))
                .collect();
            text.push_str(&format!("{}pass\n", " ".repeat(n)));
            text
        };
        assert_eq!(message_of(&ifs(99)), None);
        assert_eq!(
            message_of(&ifs(100)).as_deref(),
            Some("IndentationError: too many levels of indentation")
        );
        let chain = |n: usize| format!("x = {}\n", vec!["1"; n].join("+"));
        assert_eq!(message_of(&chain(2_000)), None);
        let deep = problem_of(&chain(16_000), None).unwrap();
        assert!(deep.message.starts_with("RecursionError"));
        assert!(deep.blocks_analysis);
        let calls = format!("x = a{}\n", ".b()".repeat(8_000));
        assert!(message_of(&calls).unwrap().starts_with("RecursionError"));
    }
}
