//! The pipeline, one direction: discover files → read → pick the files that
//! can matter → parse → per-module model and facts → project model → rules.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;
use ruff_python_ast::ModModule;
use ruff_text_size::TextRange;
use rustc_hash::{FxHashMap, FxHashSet};

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
    /// Skip what `.gitignore`, `.ignore` and `.git/info/exclude` hide
    /// (off: `--no-respect-gitignore`).
    pub respect_gitignore: bool,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            prefilter: true,
            config: None,
            isolated: false,
            overrides: Overrides::default(),
            respect_gitignore: true,
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
/// The work runs on threads with large stacks (see
/// [`crate::syntax::analysis_pool`]): a file nested as deep as CPython
/// accepts is walked by recursion.
pub fn check_paths(paths: &[PathBuf], options: &CheckOptions) -> Result<CheckResult, String> {
    crate::syntax::analysis_pool().install(|| check_paths_here(paths, options))
}

fn check_paths_here(paths: &[PathBuf], options: &CheckOptions) -> Result<CheckResult, String> {
    phase("start");
    let (files, mut resolver, warnings) = discover_files(paths, options)?;
    phase("discover");
    // Each file is read and scanned once; only the text of a file that
    // matters by itself is kept (it is parsed next). A later wave that needs
    // another file reads it again, so memory holds the analysed files only.
    let cwd = std::env::current_dir().ok();
    let stems = module_stems(files.iter());
    let candidates: Vec<Candidate> = files
        .into_par_iter()
        .map_init(Vec::new, |buffer, path| {
            let display_path = display_path_in(&path, cwd.as_deref());
            Candidate::read(path, display_path, buffer, options, &stems)
        })
        .collect();
    phase("read+scan");
    let mut result = check_candidates(candidates, options, &mut resolver)?;
    result.warnings.extend(warnings);
    Ok(result)
}

/// The module stems of the files being checked: the only imported names
/// the prefilter ever asks about.
fn module_stems<'p>(paths: impl Iterator<Item = &'p PathBuf>) -> FxHashSet<String> {
    paths
        .filter_map(|path| prefilter::module_stem(path))
        .collect()
}

fn discover_files(
    paths: &[PathBuf],
    options: &CheckOptions,
) -> Result<(Vec<PathBuf>, Resolver, Vec<String>), String> {
    let resolver = Arc::new(Mutex::new(Resolver::new(
        options.config.as_deref(),
        options.isolated,
        options.overrides.clone(),
    )?));
    let Discovered { files, warnings } = discover(paths, &resolver, options.respect_gitignore)?;
    let mut resolver = Arc::try_unwrap(resolver)
        .map_err(|_| "internal error: discovery kept the settings".to_string())?
        .into_inner()
        .expect("resolver lock");
    // The process starters the configurations declare join the knowledge base
    // for this run, before any file is read (the prefilter reads their names).
    for file in &files {
        resolver.settings_for(file)?;
    }
    crate::semantic::knowledge::declare(&resolver.declared_starters())?;
    Ok((files, resolver, warnings))
}

/// Finds and reads the files under `paths`; also returns the settings
/// resolver discovery filled, and discovery's warnings.
pub fn read_inputs(
    paths: &[PathBuf],
    options: &CheckOptions,
) -> Result<(Vec<InputFile>, Resolver, Vec<String>), String> {
    let (files, resolver, warnings) = discover_files(paths, options)?;
    let inputs: Vec<InputFile> = files
        .into_par_iter()
        .map(|path| InputFile {
            display_path: display_path(&path),
            source: read_source_file(&path),
            path,
        })
        .collect();
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
    resolver.settings_for(filename)?;
    crate::semantic::knowledge::declare(&resolver.declared_starters())?;
    let input = InputFile {
        path: filename.to_path_buf(),
        display_path: display_path(filename),
        source: crate::source::decode(filename, contents),
    };
    check_inputs(vec![input], options, &mut resolver)
}

/// The path relative to the working directory when it is below it.
pub fn display_path(path: &Path) -> String {
    display_path_in(path, std::env::current_dir().ok().as_deref())
}

fn display_path_in(path: &Path, cwd: Option<&Path>) -> String {
    let relative = cwd
        .and_then(|cwd| path.strip_prefix(cwd).ok())
        .unwrap_or(path);
    let text = relative.to_string_lossy();
    text.strip_prefix("./").unwrap_or(&text).to_string()
}

struct ParsedFile {
    file: Arc<SourceFile>,
    /// The syntax tree; the tokens are dropped once the file's suppressions
    /// and style are read from them.
    module: ModModule,
    /// The first syntax problem: reported; a file with one that blocks the
    /// analysis (all but a syntax newer than the target) is not analysed.
    syntax_error: Option<crate::syntax::SyntaxProblem>,
    module_path: ModulePath,
}

impl ParsedFile {
    fn blocks_analysis(&self) -> bool {
        self.syntax_error
            .as_ref()
            .is_some_and(|problem| problem.blocks_analysis)
    }
}

/// A file the check knows of, and what its bytes said when it was read.
struct Candidate {
    path: PathBuf,
    display_path: String,
    /// The text while it is kept (see [`check_paths`]); taken when parsed.
    text: Mutex<Option<SourceText>>,
    /// The text can be read again from disk when it was not kept.
    on_disk: bool,
    /// What the bytes said, or why there are none to look at. Taken (left
    /// as an error) when the scans are gathered.
    scan: Result<prefilter::FileScan, ReadError>,
}

impl Candidate {
    fn new(
        path: PathBuf,
        display_path: String,
        source: Result<SourceText, ReadError>,
        on_disk: bool,
        options: &CheckOptions,
        stems: &FxHashSet<String>,
    ) -> Candidate {
        let (text, scan) = match source {
            Ok(source) => {
                let scan = prefilter::scan_file(&source.text, stems);
                let keep = !on_disk || Candidate::keeps_text(&scan, options);
                (keep.then_some(source), Ok(scan))
            }
            Err(error) => (None, Err(error)),
        };
        Candidate {
            path,
            display_path,
            text: Mutex::new(text),
            on_disk,
            scan,
        }
    }

    /// A file on disk keeps its text only when the first wave parses it.
    fn keeps_text(scan: &prefilter::FileScan, options: &CheckOptions) -> bool {
        !options.prefilter || scan.self_relevant
    }

    /// Reads a file from disk into a reused buffer and scans it there: only
    /// a file whose text is kept is copied out of the buffer.
    fn read(
        path: PathBuf,
        display_path: String,
        buffer: &mut Vec<u8>,
        options: &CheckOptions,
        stems: &FxHashSet<String>,
    ) -> Candidate {
        let plain = match crate::source::read_into(&path, buffer) {
            Ok(()) => crate::source::as_plain_text(&path, buffer),
            Err(error) => {
                return Candidate::new(path, display_path, Err(error), true, options, stems)
            }
        };
        let Some(text) = plain else {
            let source = crate::source::decode(&path, buffer.clone());
            return Candidate::new(path, display_path, source, true, options, stems);
        };
        let scan = prefilter::scan_file(text, stems);
        let text = Candidate::keeps_text(&scan, options).then(|| SourceText {
            text: text.to_string(),
            encoding: None,
            has_bom: false,
            notebook: None,
        });
        Candidate {
            path,
            display_path,
            text: Mutex::new(text),
            on_disk: true,
            scan: Ok(scan),
        }
    }

    /// The file's text for parsing: the kept one, or read again.
    fn take_text(&self) -> Result<SourceText, ReadError> {
        let kept = self.text.lock().expect("text lock").take();
        match kept {
            Some(text) => Ok(text),
            None if self.on_disk => read_source_file(&self.path),
            None => Err(ReadError::Io("the text is gone".to_string())),
        }
    }

    /// Does the file mention one of the matcher's words? A file that cannot
    /// be read again does: parsing it then reports why.
    fn mentions(&self, matcher: &aho_corasick::AhoCorasick) -> bool {
        if let Some(source) = self.text.lock().expect("text lock").as_ref() {
            return prefilter::mentions_word(matcher, &source.text);
        }
        match self.on_disk.then(|| read_source_file(&self.path)) {
            Some(Ok(source)) => prefilter::mentions_word(matcher, &source.text),
            _ => true,
        }
    }
}

/// The per-file inputs of every file found (by index into all files).
struct Inputs<'f> {
    readable: &'f [Candidate],
    module_paths: &'f [ModulePath],
    stems: &'f [Option<String>],
    versions: &'f [ruff_python_ast::PythonVersion],
}

/// One import group's files (`members`, indices into all files) and the
/// cells the waves fill, by index into `members`.
struct Files<'f, 'a> {
    inputs: &'f Inputs<'f>,
    members: &'f [usize],
    parsed: &'a [OnceLock<Result<Box<ParsedFile>, Box<Diagnostic>>>],
    analysed: &'f [OnceLock<Box<(ModuleModel<'a>, ModuleFacts<'a>)>>],
}

impl<'a> Files<'_, 'a> {
    /// Parses and models the members (indices into `members`) not done yet.
    fn analyse(&self, wanted: &[usize]) {
        let inputs = self.inputs;
        wanted.par_iter().for_each(|&local| {
            let index = self.members[local];
            let file = self.parsed[local].get_or_init(|| {
                let _timer = PhaseTimer::start(&PHASE_TIMES.parse);
                parse_file(
                    &inputs.readable[index],
                    &inputs.module_paths[index],
                    inputs.versions[index],
                )
                .map(Box::new)
            });
            // A file with syntax errors is reported and left out of the
            // analysis: a recovered AST is a guess, and findings must be true.
            if let Ok(file) = file {
                if !file.blocks_analysis() {
                    self.analysed[local].get_or_init(|| {
                        let model = {
                            let _timer = PhaseTimer::start(&PHASE_TIMES.model);
                            ModuleModel::build(&file.module.body)
                        };
                        let module_facts = {
                            let _timer = PhaseTimer::start(&PHASE_TIMES.facts);
                            facts::collect(&model)
                        };
                        Box::new((model, module_facts))
                    });
                }
            }
        });
    }

    /// Parses the members (with their scans) that can matter, in waves: the
    /// files that matter by themselves, then the files that import what they
    /// offer, until nothing new is needed (everything, without `prefilter`).
    /// Returns, for each member, whether a file of its root that was not
    /// parsed imports it.
    fn select(&self, scans: Vec<prefilter::FileScan>, prefilter: bool) -> Vec<bool> {
        let members = self.members;
        let readable = self.inputs.readable;
        if !prefilter {
            self.analyse(&(0..members.len()).collect::<Vec<_>>());
            return vec![false; members.len()];
        }
        let mentions = |local: usize, matcher: &aho_corasick::AhoCorasick| {
            readable[members[local]].mentions(matcher)
        };
        let stems: Vec<Option<String>> = members
            .iter()
            .map(|&index| self.inputs.stems[index].clone())
            .collect();
        let paths = &self.inputs.module_paths;
        let path_of = |local: usize| &paths[members[local]];
        let group_paths: Vec<ModulePath> =
            members.iter().map(|&index| paths[index].clone()).collect();
        let module_names: Vec<&str> = group_paths.iter().map(|path| path.name.as_str()).collect();
        let scan = prefilter::Scan::new(scans, stems.clone(), &module_names, &mentions);
        let is_parsed = |local: usize| self.parsed[local].get().is_some();
        let mut summaries: Vec<prefilter::ModuleSummary> = Vec::new();
        let mut downs: Vec<Option<Box<prefilter::DownSummary>>> =
            (0..members.len()).map(|_| None).collect();
        let mut demand = prefilter::Demand::default();
        let mut wanted: Vec<usize> = (0..members.len())
            .filter(|&local| scan.self_relevant[local])
            .collect();
        let mut wave = 0;
        while !wanted.is_empty() {
            wave += 1;
            self.analyse(&wanted);
            let summarize_timer = PhaseTimer::start(&PHASE_TIMES.summarize);
            let summarized: Vec<_> = wanted
                .par_iter()
                .filter_map(|&local| {
                    let (model, module_facts) = &**self.analysed[local].get()?;
                    Some((
                        local,
                        prefilter::summarize(
                            stems[local].clone(),
                            &path_of(local).name,
                            path_of(local).is_package_init,
                            model,
                            module_facts,
                        ),
                        Box::new(prefilter::down_summary(
                            model,
                            module_facts,
                            &path_of(local).name,
                            path_of(local).is_package_init,
                        )),
                    ))
                })
                .collect();
            for (local, summary, down) in summarized {
                summaries.push(summary);
                downs[local] = Some(down);
            }
            drop(summarize_timer);
            let demand_timer = PhaseTimer::start(&PHASE_TIMES.demand);
            demand.update(&summaries.iter().collect::<Vec<_>>());
            let parsed_now: Vec<bool> = (0..members.len()).map(is_parsed).collect();
            wanted = scan.needed(&demand, &parsed_now);
            let by_effects = wanted.len();
            // The modules that define what parsed modules send to children.
            for (local, stem) in stems.iter().enumerate() {
                if !parsed_now[local]
                    && stem
                        .as_ref()
                        .is_some_and(|stem| demand.sent_modules.contains(stem))
                {
                    wanted.push(local);
                }
            }
            // A module another file imports is not an entry script.
            let imported = |local: usize| {
                stems[local].as_deref().is_some_and(|stem| {
                    scan.importers_of(stem).iter().any(|&importer| {
                        importer != local && path_of(importer).root == path_of(local).root
                    })
                })
            };
            wanted.extend(prefilter::down_needed(
                &downs,
                &group_paths,
                &parsed_now,
                &demand,
                imported,
            ));
            let by_sent_and_down = wanted.len() - by_effects;
            wanted.sort_unstable();
            wanted.dedup();
            drop(demand_timer);
            if phases_on() {
                phase_note(&format!(
                    "wave {wave}: {} files parsed; next {} ({by_effects} import an effect \
                     name or a worker's module, {by_sent_and_down} sent/down, before dedup); \
                     demand: {} effect names in {} modules, {} worker pairs, {} global chains",
                    parsed_now.iter().filter(|parsed| **parsed).count(),
                    wanted.len(),
                    demand.names.len(),
                    demand.modules.len(),
                    demand.worker_pairs.len(),
                    demand.global_chains.len(),
                ));
            }
        }
        (0..members.len())
            .map(|local| {
                stems[local].as_deref().is_some_and(|stem| {
                    scan.importers_of(stem).iter().any(|&importer| {
                        importer != local
                            && !is_parsed(importer)
                            && path_of(importer).root == path_of(local).root
                    })
                })
            })
            .collect()
    }
}

/// Parses a file for its Python version, or says why its text could not be had again.
fn parse_file(
    candidate: &Candidate,
    module_path: &ModulePath,
    version: ruff_python_ast::PythonVersion,
) -> Result<ParsedFile, Box<Diagnostic>> {
    let source = candidate.take_text().map_err(|error| {
        Box::new(read_error_diagnostic(
            &candidate.path,
            &candidate.display_path,
            &error,
        ))
    })?;
    let parsed = crate::syntax::parse(
        &source.text,
        crate::source::source_type(&candidate.path),
        version,
    );
    let file = SourceFile::parsed(
        candidate.path.clone(),
        candidate.display_path.clone(),
        source.text,
        parsed.parsed.tokens(),
        source.notebook,
    );
    let (module, syntax_error) = parsed.into_module();
    Ok(ParsedFile {
        file,
        module,
        syntax_error,
        module_path: module_path.clone(),
    })
}

/// The finding for a file CPython refuses to compile, if it is one.
fn refusal_finding(
    candidate: &Candidate,
    module_path: &ModulePath,
    version: ruff_python_ast::PythonVersion,
) -> Option<Diagnostic> {
    match parse_file(candidate, module_path, version) {
        Err(diagnostic) => Some(*diagnostic),
        Ok(parsed) => {
            let problem = parsed
                .syntax_error
                .filter(|problem| problem.blocks_analysis)?;
            Some(Diagnostic::new(
                Rule::SyntaxError,
                parsed.file,
                problem.range,
                problem.message,
            ))
        }
    }
}

/// An unreadable or undecodable file is an I/O or syntax finding.
fn read_error_diagnostic(path: &Path, display_path: &str, error: &ReadError) -> Diagnostic {
    let (rule, line, text) = match error {
        ReadError::Undecodable {
            line, lossy_text, ..
        } => (Rule::SyntaxError, *line, lossy_text.clone()),
        _ => (Rule::IoError, 1, String::new()),
    };
    let file = SourceFile::new(path.to_path_buf(), display_path.to_string(), text);
    let start = file.line_start(line);
    Diagnostic::new(rule, file, TextRange::empty(start), error.to_string())
}

/// Checks files whose text is already in memory (the standard input, the
/// fixer's rounds, an editor's buffers).
pub fn check_inputs(
    inputs: Vec<InputFile>,
    options: &CheckOptions,
    resolver: &mut Resolver,
) -> Result<CheckResult, String> {
    crate::syntax::analysis_pool().install(|| check_inputs_here(inputs, options, resolver))
}

fn check_inputs_here(
    inputs: Vec<InputFile>,
    options: &CheckOptions,
    resolver: &mut Resolver,
) -> Result<CheckResult, String> {
    let stems = module_stems(inputs.iter().map(|input| &input.path));
    let candidates = inputs
        .into_par_iter()
        .map(|input| {
            Candidate::new(
                input.path,
                input.display_path,
                input.source,
                false,
                options,
                &stems,
            )
        })
        .collect();
    check_candidates(candidates, options, resolver)
}

fn check_candidates(
    candidates: Vec<Candidate>,
    options: &CheckOptions,
    resolver: &mut Resolver,
) -> Result<CheckResult, String> {
    let mut result = CheckResult {
        files_found: candidates.len(),
        ..CheckResult::default()
    };
    let mut diagnostics = Vec::new();

    // Files that cannot be read become I/O or syntax findings; the others go on.
    let mut readable = Vec::with_capacity(candidates.len());
    let mut scans = Vec::with_capacity(candidates.len());
    for mut candidate in candidates {
        let taken = std::mem::replace(&mut candidate.scan, Err(ReadError::Io(String::new())));
        match taken {
            Ok(scan) => {
                scans.push(scan);
                readable.push(candidate);
            }
            Err(error) => diagnostics.push(read_error_diagnostic(
                &candidate.path,
                &candidate.display_path,
                &error,
            )),
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
        .map(|candidate| {
            let absolute =
                std::path::absolute(&candidate.path).unwrap_or_else(|_| candidate.path.clone());
            let mut path = module_path(&absolute, &mut has_init);
            if absolute.extension().is_none() {
                // A script run by its shebang (`bin/tool`): always the main
                // script, and no `import` can name it.
                path.name = format!("{} (script)", path.name);
                path.in_package = false;
            }
            path
        })
        .collect();
    let stems: Vec<Option<String>> = readable
        .iter()
        .map(|candidate| prefilter::module_stem(&candidate.path))
        .collect();

    // Each file is parsed for the oldest Python its settings target.
    let versions = readable
        .iter()
        .map(|candidate| {
            let settings = resolver.settings_for(&candidate.path)?;
            Ok(crate::syntax::parser_version(settings.syntax_version))
        })
        .collect::<Result<Vec<_>, String>>()?;

    // Files that cannot import one another (see `prefilter::import_groups`)
    // are checked apart, one group at a time, as if each were checked alone:
    // a group's syntax trees, models and facts are dropped before the next
    // group is parsed, so memory holds the largest group, not every file.
    // Without the prefilter too: only what is parsed in a group differs.
    let may_be_refused: Vec<bool> = scans.iter().map(|scan| scan.may_be_refused).collect();
    let groups = prefilter::import_groups(&module_paths, &stems, &scans);
    if phases_on() {
        phase(&format!(
            "import groups: {}, the largest {} files",
            groups.len(),
            groups.iter().map(Vec::len).max().unwrap_or(0)
        ));
    }
    // Imports resolve against every file found, in any group.
    let mut found_names: FxHashMap<String, usize> = FxHashMap::default();
    for path in &module_paths {
        *found_names.entry(path.name.clone()).or_default() += 1;
    }
    let inputs = Inputs {
        readable: &readable,
        module_paths: &module_paths,
        stems: &stems,
        versions: &versions,
    };
    let mut scans: Vec<Option<prefilter::FileScan>> = scans.into_iter().map(Some).collect();
    for members in groups {
        let group_scans = members
            .iter()
            .map(|&index| scans[index].take().expect("each file in one group"))
            .collect();
        let (group_diagnostics, analysed) = check_group(
            &inputs,
            &members,
            group_scans,
            options.prefilter,
            &may_be_refused,
            &found_names,
        );
        diagnostics.extend(group_diagnostics);
        result.files_analysed += analysed;
    }
    phase("groups");
    PHASE_TIMES.report();

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
    result.warnings.extend(resolver.warnings());
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup_by(|a, b| a.sort_key() == b.sort_key());
    result.diagnostics = diagnostics;
    Ok(result)
}

/// Parses, analyses and checks one import group (`members`, indices into
/// all files): its findings, and how many of its files were parsed.
fn check_group(
    inputs: &Inputs,
    members: &[usize],
    scans: Vec<prefilter::FileScan>,
    prefilter: bool,
    may_be_refused: &[bool],
    found_names: &FxHashMap<String, usize>,
) -> (Vec<Diagnostic>, usize) {
    // Each file is parsed and modelled at most once: the cells are filled wave
    // by wave and never move, so a model can borrow its file's syntax tree.
    // They are boxed: one cell per member, many of them never filled.
    let parsed: Vec<OnceLock<Result<Box<ParsedFile>, Box<Diagnostic>>>> =
        members.iter().map(|_| OnceLock::new()).collect();
    let analysed: Vec<OnceLock<Box<(ModuleModel, ModuleFacts)>>> =
        members.iter().map(|_| OnceLock::new()).collect();
    let files_of = Files {
        inputs,
        members,
        parsed: &parsed,
        analysed: &analysed,
    };
    let imported_elsewhere_of = files_of.select(scans, prefilter);
    let is_parsed = |local: usize| parsed[local].get().is_some();
    // A file no wave parsed that CPython may refuse for its shape is parsed
    // for that only: every file CPython refuses so is reported.
    let mut diagnostics: Vec<Diagnostic> = (0..members.len())
        .into_par_iter()
        .filter(|&local| may_be_refused[members[local]] && !is_parsed(local))
        .filter_map(|local| {
            let index = members[local];
            refusal_finding(
                &inputs.readable[index],
                &inputs.module_paths[index],
                inputs.versions[index],
            )
        })
        .collect();
    let files_analysed = (0..members.len()).filter(|&local| is_parsed(local)).count();

    let mut files: Vec<Arc<SourceFile>> = Vec::new();
    let mut paths: Vec<ModulePath> = Vec::new();
    // A module imported only by files that were not parsed is still imported.
    let mut imported_elsewhere: Vec<bool> = Vec::new();
    for (local, cell) in parsed.iter().enumerate() {
        let parsed_file = match cell.get() {
            None => continue,
            Some(Err(diagnostic)) => {
                diagnostics.push(Diagnostic::clone(diagnostic));
                continue;
            }
            Some(Ok(parsed_file)) => parsed_file,
        };
        if let Some(problem) = &parsed_file.syntax_error {
            diagnostics.push(Diagnostic::new(
                Rule::SyntaxError,
                parsed_file.file.clone(),
                problem.range,
                problem.message.clone(),
            ));
            if problem.blocks_analysis {
                continue;
            }
        }
        files.push(parsed_file.file.clone());
        paths.push(parsed_file.module_path.clone());
        imported_elsewhere.push(imported_elsewhere_of[local]);
    }
    if files.is_empty() {
        return (diagnostics, files_analysed);
    }
    // In member order, one per file without syntax errors, like `files`.
    let (models, module_facts): (Vec<ModuleModel>, Vec<ModuleFacts>) = analysed
        .into_iter()
        .filter_map(OnceLock::into_inner)
        .map(|analysis| *analysis)
        .unzip();
    let project_timer = PhaseTimer::start(&PHASE_TIMES.project);
    let mut project = Project::with_found_names(
        &paths,
        &models,
        &module_facts,
        std::borrow::Cow::Borrowed(found_names),
    );
    drop(project_timer);
    for (imported, elsewhere) in project.imported.iter_mut().zip(imported_elsewhere) {
        *imported |= elsewhere;
    }
    let rules_timer = PhaseTimer::start(&PHASE_TIMES.rules);
    diagnostics.extend(rules::check_project(
        &project,
        &files,
        &RuleSelection::all(),
    ));
    drop(rules_timer);
    if phases_on() {
        phase(&format!(
            "group of {}: {files_analysed} parsed",
            members.len()
        ));
    }
    (diagnostics, files_analysed)
}

fn phases_on() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("SPAWNSAFE_PHASES").is_some())
}

/// A line of `SPAWNSAFE_PHASES=1` output that is not a phase's end.
fn phase_note(note: &str) {
    eprintln!("  {note}");
}

/// Time spent in each step of the analysis, summed over threads (so parse,
/// model and facts are CPU time; the others run on one thread and are wall time).
#[derive(Default)]
struct PhaseTimes {
    parse: AtomicU64,
    model: AtomicU64,
    facts: AtomicU64,
    summarize: AtomicU64,
    demand: AtomicU64,
    project: AtomicU64,
    rules: AtomicU64,
}

static PHASE_TIMES: PhaseTimes = PhaseTimes {
    parse: AtomicU64::new(0),
    model: AtomicU64::new(0),
    facts: AtomicU64::new(0),
    summarize: AtomicU64::new(0),
    demand: AtomicU64::new(0),
    project: AtomicU64::new(0),
    rules: AtomicU64::new(0),
};

impl PhaseTimes {
    fn report(&self) {
        if !phases_on() {
            return;
        }
        let ms = |cell: &AtomicU64| cell.load(Ordering::Relaxed) / 1_000_000;
        phase_note(&format!(
            "cpu: parse {} ms, model {} ms, facts {} ms; wall: prefilter summaries {} ms, \
             prefilter demand {} ms, project {} ms, rules {} ms",
            ms(&self.parse),
            ms(&self.model),
            ms(&self.facts),
            ms(&self.summarize),
            ms(&self.demand),
            ms(&self.project),
            ms(&self.rules),
        ));
    }
}

/// Adds the time until it is dropped to a [`PhaseTimes`] cell, when
/// `SPAWNSAFE_PHASES` is set (otherwise it costs one load).
struct PhaseTimer<'c> {
    started: Option<(std::time::Instant, &'c AtomicU64)>,
}

impl<'c> PhaseTimer<'c> {
    fn start(cell: &'c AtomicU64) -> Self {
        PhaseTimer {
            started: phases_on().then(|| (std::time::Instant::now(), cell)),
        }
    }
}

impl Drop for PhaseTimer<'_> {
    fn drop(&mut self) {
        if let Some((started, cell)) = self.started {
            let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
            cell.fetch_add(nanos, Ordering::Relaxed);
        }
    }
}

/// `SPAWNSAFE_PHASES=1`: each phase's end, its time and the memory high-water
/// mark, on stderr (for `bench/`'s "where the time goes").
fn phase(name: &str) {
    static START: OnceLock<Option<std::time::Instant>> = OnceLock::new();
    let Some(start) = START
        .get_or_init(|| std::env::var_os("SPAWNSAFE_PHASES").map(|_| std::time::Instant::now()))
    else {
        return;
    };
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |key: &str| {
        status
            .lines()
            .find(|line| line.starts_with(key))
            .and_then(|line| line.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
            .map_or(0, |kb| kb / 1024)
    };
    eprintln!(
        "phase {name:<12} {:>8.0?}  rss {:>5} MB  peak {:>5} MB",
        start.elapsed(),
        field("VmRSS:"),
        field("VmHWM:")
    );
}
