//! The pipeline, one direction: discover files → read → pick the files that
//! can matter → parse → per-module model and facts → project model → rules.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use ruff_python_ast::{ModModule, PySourceType};
use ruff_python_parser::Parsed;
use ruff_text_size::TextRange;
use rustc_hash::FxHashMap;

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::discovery::{discover, Discovered};
use crate::facts::{self, ModuleFacts};
use crate::prefilter;
use crate::project::{module_path, ModulePath, Project};
use crate::registry::{Rule, RuleSelection};
use crate::rules;
use crate::semantic::ModuleModel;
use crate::source::{decode_source, read_source_file, ReadError, SourceText};

#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub selection: RuleSelection,
    /// Skip files that cannot matter (no process API, no guard, not imported
    /// by a file that matters). Off only to prove it changes nothing.
    pub prefilter: bool,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            selection: RuleSelection::default(),
            prefilter: true,
        }
    }
}

#[derive(Debug, Default)]
pub struct CheckResult {
    /// Sorted by file, then position.
    pub diagnostics: Vec<Diagnostic>,
    /// Python files found.
    pub files_found: usize,
    /// Files parsed and analysed (the others cannot matter).
    pub files_analysed: usize,
    /// Problems that are not findings (symlink loops, unreadable directories).
    pub warnings: Vec<String>,
}

/// A file to check: where it is, how to show its path, and its text (or why there is none).
pub struct InputFile {
    pub path: PathBuf,
    pub display_path: String,
    pub source: Result<SourceText, ReadError>,
}

/// Checks files and directories on disk.
pub fn check_paths(paths: &[PathBuf], options: &CheckOptions) -> CheckResult {
    let Discovered { files, warnings } = discover(paths);
    let inputs: Vec<InputFile> = files
        .par_iter()
        .map(|path| InputFile {
            display_path: display_path(path),
            source: read_source_file(path),
            path: path.clone(),
        })
        .collect();
    let mut result = check_inputs(inputs, options);
    result.warnings.extend(warnings);
    result
}

/// Checks source text that did not come from disk (`-` on the command line).
pub fn check_stdin(contents: Vec<u8>, filename: &Path, options: &CheckOptions) -> CheckResult {
    let input = InputFile {
        path: filename.to_path_buf(),
        display_path: display_path(filename),
        source: decode_source(contents),
    };
    check_inputs(vec![input], options)
}

/// The path relative to the working directory when it is below it.
pub fn display_path(path: &Path) -> String {
    let relative = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    let text = relative.to_string_lossy();
    text.strip_prefix("./").unwrap_or(&text).to_string()
}

struct ParsedFile {
    file: Arc<SourceFile>,
    parsed: Parsed<ModModule>,
    module_path: ModulePath,
}

pub fn check_inputs(inputs: Vec<InputFile>, options: &CheckOptions) -> CheckResult {
    let mut result = CheckResult {
        files_found: inputs.len(),
        ..CheckResult::default()
    };
    let mut diagnostics = Vec::new();

    // Files that cannot be read become I/O or syntax findings; the others go on.
    let mut readable = Vec::with_capacity(inputs.len());
    for input in inputs {
        match input.source {
            Ok(source) => readable.push((input.path, input.display_path, source)),
            Err(error) => {
                let (rule, line, text) = match &error {
                    ReadError::Undecodable {
                        line, lossy_text, ..
                    } => (Rule::SyntaxError, *line, lossy_text.clone()),
                    _ => (Rule::IoError, 1, String::new()),
                };
                let file = SourceFile::new(input.path, input.display_path, text);
                let start = file.line_start(line);
                diagnostics.push(Diagnostic {
                    rule,
                    message: error.to_string(),
                    help: None,
                    file,
                    range: TextRange::empty(start),
                    related: Vec::new(),
                });
            }
        }
    }

    let matters = if options.prefilter {
        prefilter::files_that_matter(&readable)
    } else {
        vec![true; readable.len()]
    };

    let mut init_cache: FxHashMap<PathBuf, bool> = FxHashMap::default();
    let mut has_init = |directory: &Path| -> bool {
        *init_cache
            .entry(directory.to_path_buf())
            .or_insert_with(|| directory.join("__init__.py").is_file())
    };
    let selected: Vec<(PathBuf, String, SourceText, ModulePath)> = readable
        .into_iter()
        .zip(matters)
        .filter(|(_, matters)| *matters)
        .map(|((path, display, source), _)| {
            let absolute = std::path::absolute(&path).unwrap_or_else(|_| path.clone());
            let module_path = module_path(&absolute, &mut has_init);
            (path, display, source, module_path)
        })
        .collect();
    result.files_analysed = selected.len();

    let parsed_files: Vec<ParsedFile> = selected
        .into_par_iter()
        .map(|(path, display, source, module_path)| {
            let source_type = if path.extension().is_some_and(|ext| ext == "pyi") {
                PySourceType::Stub
            } else {
                PySourceType::Python
            };
            let parsed = ruff_python_parser::parse_unchecked_source(&source.text, source_type);
            ParsedFile {
                file: SourceFile::new(path, display, source.text),
                parsed,
                module_path,
            }
        })
        .collect();

    // A file with syntax errors is reported and left out of the analysis: a
    // recovered AST is a guess, and findings must be true.
    let mut valid = Vec::with_capacity(parsed_files.len());
    for parsed_file in parsed_files {
        if let Some(error) = parsed_file.parsed.errors().first() {
            diagnostics.push(Diagnostic {
                rule: Rule::SyntaxError,
                message: format!("SyntaxError: {}", error.error),
                help: None,
                file: parsed_file.file.clone(),
                range: error.location,
                related: Vec::new(),
            });
        } else {
            valid.push(parsed_file);
        }
    }

    let models: Vec<ModuleModel> = valid
        .par_iter()
        .map(|file| ModuleModel::build(&file.parsed.syntax().body))
        .collect();
    let module_facts: Vec<ModuleFacts> = models.par_iter().map(facts::collect).collect();
    let paths: Vec<ModulePath> = valid.iter().map(|file| file.module_path.clone()).collect();
    let files: Vec<Arc<SourceFile>> = valid.iter().map(|file| file.file.clone()).collect();
    let project = Project::new(&paths, &models, &module_facts);
    diagnostics.extend(rules::check_project(&project, &files, &options.selection));

    diagnostics.retain(|diagnostic| options.selection.is_enabled(diagnostic.rule));
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup_by(|a, b| a.sort_key() == b.sort_key());
    result.diagnostics = diagnostics;
    result
}
