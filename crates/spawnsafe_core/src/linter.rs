//! The pipeline, one direction: discover files → read → pick the files that
//! can matter → parse → per-module model and facts → project model → rules.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;
use ruff_python_ast::ModModule;
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
use crate::settings::{Overrides, Resolver};
use crate::source::{read_source_file, ReadError, SourceText};

#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// Skip files that cannot matter (no process API, no guard, not imported
    /// by a file that matters). Off only to prove it changes nothing.
    pub prefilter: bool,
    /// `--config`: one configuration file for every checked file.
    pub config: Option<PathBuf>,
    /// `--isolated`: ignore configuration files.
    pub isolated: bool,
    /// Rule and target choices from the command line.
    pub overrides: Overrides,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            prefilter: true,
            config: None,
            isolated: false,
            overrides: Overrides::default(),
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
#[derive(Debug, Clone)]
pub struct InputFile {
    pub path: PathBuf,
    pub display_path: String,
    pub source: Result<SourceText, ReadError>,
}

/// Checks files and directories on disk.
pub fn check_paths(paths: &[PathBuf], options: &CheckOptions) -> Result<CheckResult, String> {
    let (inputs, mut resolver, warnings) = read_inputs(paths, options)?;
    let mut result = check_inputs(inputs, options, &mut resolver)?;
    result.warnings.extend(warnings);
    Ok(result)
}

/// Finds and reads the files under `paths`; also returns the settings
/// resolver discovery filled, and discovery's warnings.
pub fn read_inputs(
    paths: &[PathBuf],
    options: &CheckOptions,
) -> Result<(Vec<InputFile>, Resolver, Vec<String>), String> {
    let resolver = Arc::new(Mutex::new(Resolver::new(
        options.config.as_deref(),
        options.isolated,
        options.overrides.clone(),
    )?));
    let Discovered { files, warnings } = discover(paths, &resolver)?;
    let inputs: Vec<InputFile> = files
        .par_iter()
        .map(|path| InputFile {
            display_path: display_path(path),
            source: read_source_file(path),
            path: path.clone(),
        })
        .collect();
    let resolver = Arc::try_unwrap(resolver)
        .map_err(|_| "internal error: discovery kept the settings".to_string())?
        .into_inner()
        .expect("resolver lock");
    Ok((inputs, resolver, warnings))
}

/// Checks source text that did not come from disk (`-` on the command line).
pub fn check_stdin(
    contents: Vec<u8>,
    filename: &Path,
    options: &CheckOptions,
) -> Result<CheckResult, String> {
    let mut resolver = Resolver::new(
        options.config.as_deref(),
        options.isolated,
        options.overrides.clone(),
    )?;
    let input = InputFile {
        path: filename.to_path_buf(),
        display_path: display_path(filename),
        source: crate::source::decode(filename, contents),
    };
    check_inputs(vec![input], options, &mut resolver)
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

fn parse_file(
    (path, display, source): &(PathBuf, String, SourceText),
    module_path: &ModulePath,
) -> ParsedFile {
    let parsed =
        ruff_python_parser::parse_unchecked_source(&source.text, crate::source::source_type(path));
    ParsedFile {
        file: SourceFile::parsed(
            path.clone(),
            display.clone(),
            source.text.clone(),
            parsed.tokens(),
            source.notebook.clone(),
        ),
        parsed,
        module_path: module_path.clone(),
    }
}

pub fn check_inputs(
    inputs: Vec<InputFile>,
    options: &CheckOptions,
    resolver: &mut Resolver,
) -> Result<CheckResult, String> {
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
                diagnostics.push(Diagnostic::new(
                    rule,
                    file,
                    TextRange::empty(start),
                    error.to_string(),
                ));
            }
        }
    }

    let mut init_cache: FxHashMap<PathBuf, bool> = FxHashMap::default();
    let mut has_init = |directory: &Path| -> bool {
        *init_cache
            .entry(directory.to_path_buf())
            .or_insert_with(|| directory.join("__init__.py").is_file())
    };
    let module_paths: Vec<ModulePath> = readable
        .iter()
        .map(|(path, _, _)| {
            let absolute = std::path::absolute(path).unwrap_or_else(|_| path.clone());
            module_path(&absolute, &mut has_init)
        })
        .collect();

    // Parse in waves: the files that matter by themselves, then the files that
    // import what they offer, until nothing new is needed.
    let scan = prefilter::Scan::new(
        readable
            .iter()
            .map(|(_, _, source)| source.text.as_str())
            .collect(),
    )
    .with_stems(
        readable
            .iter()
            .map(|(path, _, _)| prefilter::module_stem(path))
            .collect(),
    );
    // Each file is parsed and modelled at most once: the cells are filled wave
    // by wave and never move, so a model can borrow its file's syntax tree.
    let parsed: Vec<OnceLock<ParsedFile>> = (0..readable.len()).map(|_| OnceLock::new()).collect();
    let analysed: Vec<OnceLock<(ModuleModel, ModuleFacts)>> =
        (0..readable.len()).map(|_| OnceLock::new()).collect();
    let mut summaries: Vec<prefilter::ModuleSummary> = Vec::new();
    let mut downs: Vec<Option<prefilter::DownSummary>> =
        (0..readable.len()).map(|_| None).collect();
    let mut demand = prefilter::Demand::default();
    let mut wanted: Vec<usize> = if options.prefilter {
        (0..readable.len())
            .filter(|&i| scan.self_relevant[i])
            .collect()
    } else {
        (0..readable.len()).collect()
    };
    while !wanted.is_empty() {
        wanted.par_iter().for_each(|&index| {
            let file =
                parsed[index].get_or_init(|| parse_file(&readable[index], &module_paths[index]));
            // A file with syntax errors is reported and left out of the
            // analysis: a recovered AST is a guess, and findings must be true.
            if !file.parsed.has_syntax_errors() {
                analysed[index].get_or_init(|| {
                    let model = ModuleModel::build(&file.parsed.syntax().body);
                    let module_facts = facts::collect(&model);
                    (model, module_facts)
                });
            }
        });
        if !options.prefilter {
            break;
        }
        let summarized: Vec<_> = wanted
            .par_iter()
            .filter_map(|&index| {
                let (model, module_facts) = analysed[index].get()?;
                Some((
                    index,
                    prefilter::summarize(&readable[index].0, model, module_facts),
                    prefilter::down_summary(model, module_facts),
                ))
            })
            .collect();
        for (index, summary, down) in summarized {
            summaries.push(summary);
            downs[index] = Some(down);
        }
        demand.update(&summaries.iter().collect::<Vec<_>>());
        let is_parsed: Vec<bool> = parsed.iter().map(|cell| cell.get().is_some()).collect();
        wanted = scan.needed(&demand, &is_parsed);
        // The modules that define what parsed modules send to children.
        for (index, (path, _, _)) in readable.iter().enumerate() {
            if !is_parsed[index]
                && !wanted.contains(&index)
                && prefilter::module_stem(path)
                    .is_some_and(|stem| demand.sent_modules.contains(&stem))
            {
                wanted.push(index);
            }
        }
        // A module another file imports is not an entry script.
        let imported = |index: usize| {
            prefilter::module_stem(&readable[index].0).is_some_and(|stem| {
                scan.importers_of(&stem).iter().any(|&importer| {
                    importer != index && module_paths[importer].root == module_paths[index].root
                })
            })
        };
        wanted.extend(prefilter::down_needed(
            &downs,
            &module_paths,
            &is_parsed,
            &demand,
            imported,
        ));
        wanted.sort_unstable();
        wanted.dedup();
    }
    let is_parsed = |index: usize| parsed[index].get().is_some();
    result.files_analysed = (0..readable.len())
        .filter(|&index| is_parsed(index))
        .count();

    let mut files: Vec<Arc<SourceFile>> = Vec::new();
    let mut paths: Vec<ModulePath> = Vec::new();
    // A module imported only by files that were not parsed is still imported.
    let mut imported_elsewhere: Vec<bool> = Vec::new();
    for (index, cell) in parsed.iter().enumerate() {
        let Some(parsed_file) = cell.get() else {
            continue;
        };
        if let Some(error) = parsed_file.parsed.errors().first() {
            diagnostics.push(Diagnostic::new(
                Rule::SyntaxError,
                parsed_file.file.clone(),
                error.location,
                format!("SyntaxError: {}", error.error),
            ));
            continue;
        }
        files.push(parsed_file.file.clone());
        paths.push(parsed_file.module_path.clone());
        imported_elsewhere.push(
            prefilter::module_stem(&readable[index].0).is_some_and(|stem| {
                scan.importers_of(&stem).iter().any(|&importer| {
                    importer != index
                        && !is_parsed(importer)
                        && module_paths[importer].root == module_paths[index].root
                })
            }),
        );
    }
    // In file order, one per file without syntax errors, like `files`.
    let (models, module_facts): (Vec<ModuleModel>, Vec<ModuleFacts>) = analysed
        .into_iter()
        .filter_map(OnceLock::into_inner)
        .unzip();
    let mut project = Project::new(&paths, &models, &module_facts);
    for (imported, elsewhere) in project.imported.iter_mut().zip(imported_elsewhere) {
        *imported |= elsewhere;
    }
    diagnostics.extend(rules::check_project(
        &project,
        &files,
        &RuleSelection::all(),
    ));

    // Each finding is kept when its file's settings select its rule, no
    // `# noqa` suppresses it, and the targets meet the start methods it is about.
    let mut kept = Vec::with_capacity(diagnostics.len());
    for mut diagnostic in diagnostics {
        let settings = resolver.settings_for(&diagnostic.file.path)?;
        if !settings.is_enabled(diagnostic.rule, &diagnostic.file.path) {
            continue;
        }
        let row = diagnostic.file.row(diagnostic.range.start());
        if diagnostic
            .file
            .suppressions
            .suppresses(diagnostic.rule.code(), row)
        {
            continue;
        }
        if let Some(methods) = diagnostic.fails_under {
            match settings.targets.where_it_fails(methods, diagnostic.pinned) {
                Some(place) => diagnostic.message = format!("{} ({place})", diagnostic.message),
                None => continue,
            }
        }
        if !diagnostic.platform_clauses.is_empty() {
            let clauses: Vec<String> = diagnostic
                .platform_clauses
                .iter()
                .filter_map(|clause| {
                    let place = settings.targets.where_on(clause.on)?;
                    Some(format!("{place}, {}", clause.text))
                })
                .collect();
            if clauses.is_empty() {
                continue;
            }
            diagnostic.message = format!("{}: {}", diagnostic.message, clauses.join("; "));
        }
        kept.push(diagnostic);
    }
    let mut diagnostics = kept;
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup_by(|a, b| a.sort_key() == b.sort_key());
    result.diagnostics = diagnostics;
    Ok(result)
}
