//! Findings, as the rules produce them and the reporters print them.

use std::path::PathBuf;
use std::sync::Arc;

use ruff_source_file::{LineIndex, OneIndexed};
use ruff_text_size::{TextRange, TextSize};

use crate::fix::style::Style;
use crate::fix::Fix;
use crate::noqa::Suppressions;
use crate::registry::{Rule, Severity};
use crate::targets::{Methods, OnPlatforms, StartMethod};
use ruff_notebook::NotebookIndex;
use ruff_python_ast::token::Tokens;

/// A source file as the reporters need it: its path, text and line index.
#[derive(Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    /// The path as the user should see it (relative to the working directory when possible).
    pub display_path: String,
    pub text: String,
    pub line_index: LineIndex,
    /// Its `# noqa` comments (none for a file that was not parsed).
    pub suppressions: Suppressions,
    /// For a notebook: the cells, so that locations are given per cell.
    pub notebook: Option<Arc<NotebookIndex>>,
    /// Its line ending and indentation, for the code fixes insert.
    pub style: Style,
}

impl SourceFile {
    pub fn new(path: PathBuf, display_path: String, text: String) -> Arc<SourceFile> {
        let line_index = LineIndex::from_source_text(&text);
        Arc::new(SourceFile {
            path,
            display_path,
            text,
            line_index,
            suppressions: Suppressions::default(),
            notebook: None,
            style: Style::default(),
        })
    }

    /// A parsed file, with the suppressions its comment tokens hold.
    pub fn parsed(
        path: PathBuf,
        display_path: String,
        text: String,
        tokens: &Tokens,
        notebook: Option<Arc<NotebookIndex>>,
    ) -> Arc<SourceFile> {
        let line_index = LineIndex::from_source_text(&text);
        let suppressions = Suppressions::from_tokens(tokens, &text, &line_index);
        let style = Style::detect(&text, tokens);
        Arc::new(SourceFile {
            path,
            display_path,
            text,
            line_index,
            suppressions,
            notebook,
            style,
        })
    }

    /// 1-based row and 1-based column (in characters) of an offset; in a
    /// notebook, the row within its cell, and the cell.
    pub fn location(&self, offset: TextSize) -> Location {
        let location = self.line_index.line_column(offset, &self.text);
        match &self.notebook {
            Some(index) => Location {
                row: index.translate_line_column(&location).line.get(),
                column: location.column.get(),
                cell: index.cell(location.line).map(OneIndexed::get),
            },
            None => Location {
                row: location.line.get(),
                column: location.column.get(),
                cell: None,
            },
        }
    }

    /// The 1-based row of an offset in the whole text (all cells of a notebook).
    pub fn row(&self, offset: TextSize) -> usize {
        self.line_index.line_index(offset).get()
    }

    /// The offset where a 1-based row starts (the end of the text past the last row).
    pub fn line_start(&self, row: usize) -> TextSize {
        if row > self.line_index.line_count() {
            return self.text_len();
        }
        self.line_index
            .line_start(OneIndexed::new(row).unwrap_or(OneIndexed::MIN), &self.text)
    }

    fn text_len(&self) -> TextSize {
        TextSize::try_from(self.text.len()).unwrap_or_default()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Location {
    pub row: usize,
    pub column: usize,
    /// The notebook cell (1-based) the row is in.
    #[serde(skip)]
    pub cell: Option<usize>,
}

impl Location {
    /// `cell 3:4:1` in a notebook, `4:1` elsewhere.
    pub fn display(&self) -> String {
        match self.cell {
            Some(cell) => format!("cell {cell}:{}:{}", self.row, self.column),
            None => format!("{}:{}", self.row, self.column),
        }
    }
}

/// A secondary location that explains a finding ("the pool is created here").
#[derive(Debug, Clone)]
pub struct Related {
    pub file: Arc<SourceFile>,
    pub range: TextRange,
    pub message: String,
}

/// What a finding does on some platforms ("on Windows, the constructor raises
/// ..."): the linter keeps the clauses whose platforms the targets include,
/// each introduced by where it holds, and drops a finding none of whose
/// clauses the targets meet.
#[derive(Debug, Clone)]
pub struct PlatformClause {
    pub on: OnPlatforms,
    /// Follows the place: "on Windows, " + text.
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub rule: Rule,
    pub message: String,
    /// The fix in words, printed as `help:`.
    pub help: Option<String>,
    pub file: Arc<SourceFile>,
    pub range: TextRange,
    pub related: Vec<Related>,
    /// The start methods under which the hazard shows (`None`: it does not
    /// depend on the start method). The message then names the platforms.
    pub fails_under: Option<Methods>,
    /// The start method the code selects itself, which holds on every platform.
    pub pinned: Option<StartMethod>,
    /// A severity other than the rule's (a warning-level rule whose case here raises).
    pub severity_override: Option<Severity>,
    /// For a hazard that comes from the platform, not the start method: what
    /// happens where (appended to the message for the targeted platforms).
    pub platform_clauses: Vec<PlatformClause>,
    /// The edits that remove the hazard, when there is a mechanical fix.
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// A finding that does not depend on the start method.
    pub fn new(rule: Rule, file: Arc<SourceFile>, range: TextRange, message: String) -> Diagnostic {
        Diagnostic {
            rule,
            message,
            help: None,
            file,
            range,
            related: Vec::new(),
            fails_under: None,
            pinned: None,
            severity_override: None,
            platform_clauses: Vec::new(),
            fix: None,
        }
    }

    pub fn severity(&self) -> Severity {
        self.severity_override.unwrap_or(self.rule.severity())
    }

    pub fn start_location(&self) -> Location {
        self.file.location(self.range.start())
    }

    pub fn end_location(&self) -> Location {
        self.file.location(self.range.end())
    }

    /// The order findings are printed in: by file, then position, then code.
    pub fn sort_key(&self) -> (&str, TextSize, TextSize, &'static str, &str) {
        (
            self.file.display_path.as_str(),
            self.range.start(),
            self.range.end(),
            self.rule.code(),
            self.message.as_str(),
        )
    }
}
