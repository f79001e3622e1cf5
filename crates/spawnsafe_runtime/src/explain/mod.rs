//! `spawnsafe explain`: reads a traceback (or a whole console log), names the
//! known spawn/forkserver failures in it, says what they mean and what to
//! change, points at the user's own frame and, when the files in the traceback
//! exist here, runs the static rules on them and shows the matching findings.
//!
//! [`traceback`] parses the text; [`signatures`] is the catalogue of failures.

pub mod clean;
pub mod evidence;
pub mod extra;
mod operand;
mod render;
pub mod signatures;
pub mod traceback;

pub use render::{render_json, render_text};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use evidence::Evidence;
use signatures::{identify, in_child, is_library_frame, Identified, SignatureId};
use spawnsafe_linter::linter::{check_paths, CheckOptions};
use spawnsafe_linter::registry::Rule;
use spawnsafe_linter::report::{render, OutputFormat};
use traceback::{Chain, Exception, Frame};

/// How `explain` treats the files named in the traceback.
#[derive(Debug, Clone, Default)]
pub struct ExplainOptions {
    /// Run the static rules on the user's files that exist here.
    pub check_local: bool,
    /// Resolve relative paths in the traceback against this directory (default: the current one).
    pub base_dir: Option<PathBuf>,
    /// Rewrite path prefixes first (`/home/ci/project/` → `./`): for tracebacks
    /// from another machine.
    pub path_map: Vec<(String, PathBuf)>,
}

/// A frame as the explanation shows it.
#[derive(Debug, Clone, Serialize)]
pub struct UserFrame {
    pub file: String,
    pub line: Option<u32>,
    pub function: Option<String>,
    pub source: Option<String>,
}

impl From<&Frame> for UserFrame {
    fn from(frame: &Frame) -> Self {
        UserFrame {
            file: frame.file.clone(),
            line: frame.line,
            function: frame.function.clone(),
            source: frame.source.clone(),
        }
    }
}

/// What the static check said about the files of the traceback.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum LocalCheck {
    /// Not asked for, or no rule to check.
    NotChecked,
    /// None of the traceback's files of the user's own exist here.
    NotFound { files: Vec<String> },
    /// Checked; these findings have the matching codes.
    Matched {
        files: Vec<String>,
        findings: Vec<LocalFinding>,
    },
    /// Checked, and no finding with a matching code.
    NoMatch { files: Vec<String> },
    /// The check itself failed.
    Error { message: String },
}

#[derive(Debug, Clone, Serialize)]
pub struct LocalFinding {
    pub code: &'static str,
    pub message: String,
    pub filename: String,
    pub row: usize,
    pub column: usize,
}

/// One known failure found in the text (the same one seen several times is one item).
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub signature: SignatureId,
    /// The rule that finds the cause (after the local check chose between candidates).
    pub code: Option<&'static str>,
    pub name: Option<&'static str>,
    pub title: String,
    /// `Type: message`, as seen (the message's first paragraph).
    pub exception: String,
    /// How many exceptions in the text are this one.
    pub occurrences: usize,
    /// Every occurrence was printed by a multiprocessing child (or came back from one).
    pub in_child: bool,
    /// The last frame of the user's own code (not the standard library or site-packages).
    pub frame: Option<UserFrame>,
    /// Where the parent re-raised it, when a child's failure came back to the parent.
    pub raised_in_parent: Option<UserFrame>,
    pub meaning: String,
    pub help: String,
    pub url: Option<String>,
    pub local_check: LocalCheck,
    /// `BrokenProcessPool` next to the child failure that caused it.
    pub consequence: bool,
    /// How sure the diagnosis is, from 0 to 1: a complete traceback is
    /// surer than its frames alone or a message cut short; the local check
    /// raises or lowers it.
    pub confidence: f32,
    /// `high` (0.85+), `medium` (0.6+) or `low`.
    pub confidence_label: &'static str,
    /// The lines of the paste the diagnosis rests on.
    pub evidence: Vec<Evidence>,
    /// What the paste lacks, and where it would have come from.
    pub missing: Option<String>,
}

fn confidence_label(confidence: f32) -> &'static str {
    if confidence >= 0.85 {
        "high"
    } else if confidence >= 0.6 {
        "medium"
    } else {
        "low"
    }
}

/// An exception spawnsafe does not know.
#[derive(Debug, Clone, Serialize)]
pub struct Unknown {
    pub exception: String,
    pub frame: Option<UserFrame>,
    /// What to look for when it may hide a start-method problem (an
    /// interrupted wait on a pool that may have hung).
    pub hint: Option<String>,
}

/// The result of `explain`.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub items: Vec<Item>,
    pub unknown: Vec<Unknown>,
    /// `Traceback (most recent call last)` headers in the text.
    pub tracebacks: usize,
}

impl Explanation {
    /// A known failure was explained.
    pub fn is_known(&self) -> bool {
        !self.items.is_empty()
    }
}

/// Explains every known failure in `text`.
pub fn explain(text: &str, options: &ExplainOptions) -> Explanation {
    let parsed = traceback::parse(text);
    let mut items: Vec<Item> = Vec::new();
    // Exception index → item index, to merge a parent's re-raise into the child's item.
    let mut item_of: BTreeMap<usize, usize> = BTreeMap::new();
    let mut files_of: Vec<Vec<String>> = Vec::new();
    let mut candidates: Vec<Vec<Rule>> = Vec::new();
    let mut unknown: Vec<Unknown> = Vec::new();
    for (index, exception) in parsed.exceptions.iter().enumerate() {
        // How the failure was recognised: the exception line, a message cut
        // short and completed, or the frames of a traceback with no exception.
        let mut confidence: f32 = if exception.bare {
            0.85
        } else if exception.headerless {
            0.9
        } else {
            0.95
        };
        let mut missing = None;
        let found = if exception.truncated {
            evidence::from_frames(exception).map(|(found, what)| {
                confidence = 0.65;
                missing = Some(what);
                found
            })
        } else {
            // A message cut short is completed first: its start alone can
            // look like a vaguer failure.
            let completed = evidence::complete(exception).and_then(|completed| {
                let found = identify(&completed)?;
                confidence = 0.8;
                missing = Some(format!(
                    "the message is cut short; read as: {}",
                    completed.summary()
                ));
                Some(found)
            });
            completed.or_else(|| identify(exception))
        };
        // A traceback cut short that shows a failure already explained in
        // full, or that stops at the user's line a full explanation points
        // at (a hang's output cut at its end), adds nothing.
        let cut_at = exception
            .truncated
            .then(|| user_frame(exception).map(UserFrame::from))
            .flatten();
        let already = |found: &Identified| {
            items.iter().any(|item| {
                item.missing.is_none()
                    && (item.signature == found.signature
                        || (cut_at.is_some() && same_place(item.frame.as_ref(), cut_at.as_ref())))
            })
        };
        if exception.truncated && found.as_ref().is_none_or(already) {
            continue;
        }
        let Some(found) = found else {
            // The parent re-raising a child's failure that is known only in
            // the child (a `NameError` in a worker): the same item.
            if let Some((cause, Chain::DirectCause)) = exception.chained_from {
                if let Some(&item_index) = item_of.get(&cause) {
                    if items[item_index].exception == headline(exception) {
                        let frame = user_frame(exception).map(UserFrame::from);
                        let item = &mut items[item_index];
                        if item.frame.is_none() {
                            item.frame = frame;
                        } else if item.raised_in_parent.is_none() {
                            item.raised_in_parent = frame;
                        }
                        item_of.insert(index, item_index);
                        continue;
                    }
                }
            }
            // An exception group only holds the exceptions printed after it.
            // Wrappers that only hold the exceptions printed after them.
            let first = exception.first_message_line();
            if matches!(
                exception.short_type(),
                "ExceptionGroup" | "BaseExceptionGroup" | "ProcessRaisedException"
            ) || (first.starts_with("Caught ")
                && first.contains(" in DataLoader worker process"))
            {
                continue;
            }
            if !exception.bare {
                let summary = headline(exception);
                let frame = user_frame(exception).map(UserFrame::from);
                // The parent re-raising a child's exception is the same one.
                if let Some(same) = unknown.iter_mut().find(|seen| seen.exception == summary) {
                    if frame.is_some() {
                        same.frame = frame;
                    }
                } else {
                    unknown.push(Unknown {
                        exception: summary,
                        frame,
                        hint: extra::interrupted_wait(exception),
                    });
                }
            }
            continue;
        };
        // A child that died unpickling shows no frame of the user's code, but
        // the `__mp_main__` module's repr names the main file.
        let frame = user_frame(exception).map(UserFrame::from).or_else(|| {
            main_module_file(exception).map(|file| UserFrame {
                file,
                line: None,
                function: None,
                source: None,
            })
        });
        let mut files: Vec<String> = exception
            .frames
            .iter()
            .filter(|frame| !is_library_frame(&frame.file))
            .map(|frame| frame.file.clone())
            .collect();
        if let Some(main) = main_module_file(exception) {
            files.push(main);
        }
        // A parent re-raising its child's failure (RemoteTraceback → direct cause).
        if let Some((cause, Chain::DirectCause)) = exception.chained_from {
            if let Some(&item_index) = item_of.get(&cause) {
                if items[item_index].signature == found.signature {
                    let item = &mut items[item_index];
                    if item.frame.is_none() {
                        item.frame = frame;
                    } else if item.raised_in_parent.is_none() {
                        item.raised_in_parent = frame;
                    }
                    files_of[item_index].extend(files);
                    item_of.insert(index, item_index);
                    continue;
                }
            }
        }
        let exception_text = headline(exception);
        let child = in_child(exception);
        // The same failure at the same place, or without a frame of the
        // user's code, is one more occurrence, not a second explanation, even
        // when children writing at once garbled its exception line
        // (`RuntimeError: RuntimeError An attempt ...`).
        let same = items.iter().position(|item| {
            item.signature == found.signature
                && item.title == found.title
                && (same_place(item.frame.as_ref(), frame.as_ref())
                    || item.frame.is_none()
                    || frame.is_none())
        });
        if let Some(item_index) = same {
            let item = &mut items[item_index];
            if item.frame.is_none() {
                item.frame = frame;
            }
            item.occurrences += 1;
            item.in_child &= child;
            files_of[item_index].extend(files);
            item_of.insert(index, item_index);
            continue;
        }
        if found.signature == SignatureId::GlobalEmptyInChild {
            confidence = 0.4;
        } else if matches!(
            found.signature,
            SignatureId::ParentFailedPickling | SignatureId::ChildDiedAtStart
        ) {
            // The cause is in the other process's traceback.
            confidence = confidence.min(0.7);
        } else if found.signature == SignatureId::DataLoaderWorkerExited {
            confidence = confidence.min(0.6);
        } else if found.signature == SignatureId::UnpicklableObject
            && exception.frames.is_empty()
            && !exception.remote
        {
            // The same line comes from `copy.deepcopy` or a plain `pickle.dump`;
            // only the frames would tell.
            confidence = confidence.min(0.5);
            missing.get_or_insert_with(|| "the paste has no frames: if they show `copy.deepcopy` or your own `pickle.dump`, this is not a start-method problem".to_string());
        } else if found.meaning.contains(" pickle said: ") {
            confidence = confidence.min(0.7);
        }
        let mut found = found;
        if let Some(path) = extra::serialization_path(&exception.notes) {
            found.title = format!("{} (pickle's path to it: {path})", found.title);
        }
        item_of.insert(index, items.len());
        files_of.push(files);
        let exception_text = if exception.truncated {
            "(no exception line in the paste)".to_string()
        } else {
            exception_text
        };
        items.push(new_item(
            found,
            &mut candidates,
            exception_text,
            child,
            frame,
            confidence,
            evidence::collect(exception),
            missing,
        ));
    }
    // Texts that name a failure with no exception line of their own.
    for (found, line) in evidence::phrases(&parsed.cleaned) {
        if items.iter().any(|item| item.signature == found.signature) {
            continue;
        }
        files_of.push(Vec::new());
        let missing = (found.signature == SignatureId::Bootstrapping).then(|| {
            "the paste has the body of the bootstrapping `RuntimeError` without its first line and traceback".to_string()
        });
        items.push(new_item(
            found,
            &mut candidates,
            line.text.clone(),
            false,
            None,
            0.75,
            vec![line],
            missing,
        ));
    }
    let has_cause = items
        .iter()
        .any(|item| item.signature != SignatureId::BrokenProcessPool);
    for item in &mut items {
        if item.signature == SignatureId::BrokenProcessPool && has_cause {
            item.consequence = true;
        } else if item.signature == SignatureId::BrokenProcessPool {
            // Looked for earlier in the paste: nothing known.
            item.missing = Some(match evidence::death_signs(&parsed.cleaned) {
                Some(sign) => format!("no worker traceback in the paste, but this line says how a worker died: {sign}"),
                None => "no traceback of the worker that died is in the paste (a worker killed by a signal prints none): look above what was pasted, or run the program with `spawnsafe run`".to_string(),
            });
        }
    }
    // The parent's traceback of the pool that broke shows the line that sent
    // the work: the user's frame of a child failure that has none (or only
    // the main file's name).
    let sent_from = items
        .iter()
        .filter(|item| item.consequence)
        .find_map(|item| item.frame.clone());
    if let Some(sent_from) = sent_from {
        for item in items.iter_mut().filter(|item| {
            !item.consequence && item.frame.as_ref().is_none_or(|frame| frame.line.is_none())
        }) {
            item.frame = Some(sent_from.clone());
        }
    }
    if options.check_local {
        let mut cache: BTreeMap<Vec<PathBuf>, Result<Vec<LocalFinding>, String>> = BTreeMap::new();
        for (index, item) in items.iter_mut().enumerate() {
            if candidates[index].is_empty() {
                continue;
            }
            item.local_check =
                local_check(&files_of[index], &candidates[index], options, &mut cache);
            // The local files confirm the diagnosis, or do not.
            match (&item.local_check, item.signature) {
                (LocalCheck::Matched { .. }, SignatureId::GlobalEmptyInChild) => {
                    item.confidence = 0.8;
                }
                (LocalCheck::Matched { .. }, _) => {
                    item.confidence = (item.confidence + 0.04).min(0.99);
                }
                (LocalCheck::NoMatch { .. }, _) => {
                    item.confidence = (item.confidence - 0.15).max(0.1);
                }
                _ => {}
            }
            item.confidence_label = confidence_label(item.confidence);
            // A process started at import because the main guard is always
            // true: the guard is what to fix.
            if item.signature == SignatureId::Bootstrapping {
                if let LocalCheck::Matched { findings, .. } = &item.local_check {
                    if findings
                        .iter()
                        .any(|finding| finding.code == Rule::MalformedMainGuard.code())
                    {
                        item.code = Some(Rule::MalformedMainGuard.code());
                        item.name = Some(Rule::MalformedMainGuard.name());
                        item.url = Some(Rule::MalformedMainGuard.url());
                        item.help = "the file's main guard is malformed and always true (the SPS102 finding below), so the code under it also runs when a child imports the module: write it as `if __name__ == \"__main__\":`. Removing `print()` calls or Anaconda does not fix this".to_string();
                    }
                }
                continue;
            }
            // The local check decides between the rules an unpicklable object
            // can come from: a `Process` argument or a `Process` subclass's state.
            if item.signature != SignatureId::UnpicklableObject {
                continue;
            }
            if let LocalCheck::Matched { findings, .. } = &item.local_check {
                let primary = item.code;
                if !findings.iter().any(|finding| Some(finding.code) == primary) {
                    if let Some(rule) = findings
                        .first()
                        .and_then(|finding| Rule::from_code_or_name(finding.code))
                    {
                        item.code = Some(rule.code());
                        item.name = Some(rule.name());
                        item.url = Some(rule.url());
                    }
                }
            }
        }
    }
    // A `None` in a worker that the local files do not explain is an
    // ordinary bug, not a start-method problem.
    items.retain(|item| {
        let refuted = item.signature == SignatureId::GlobalEmptyInChild
            && matches!(item.local_check, LocalCheck::NoMatch { .. });
        if refuted {
            unknown.push(Unknown {
                exception: item.exception.clone(),
                frame: item.frame.clone(),
                hint: None,
            });
        }
        !refuted
    });
    // The causes first, the pool that broke because of them last.
    items.sort_by_key(|item| item.consequence);
    Explanation {
        items,
        unknown,
        tracebacks: parsed.tracebacks,
    }
}

#[allow(clippy::too_many_arguments)]
fn new_item(
    found: Identified,
    candidates: &mut Vec<Vec<Rule>>,
    exception: String,
    in_child: bool,
    frame: Option<UserFrame>,
    confidence: f32,
    evidence: Vec<Evidence>,
    missing: Option<String>,
) -> Item {
    let Identified {
        signature,
        rule,
        alternatives,
        title,
        meaning,
        help,
    } = found;
    candidates.push(rule.into_iter().chain(alternatives).collect());
    let reserved = signature.reserved_rule();
    Item {
        signature,
        code: rule.map(Rule::code).or(reserved.map(|(code, _)| code)),
        name: rule.map(Rule::name).or(reserved.map(|(_, name)| name)),
        title,
        exception,
        occurrences: 1,
        in_child,
        frame,
        raised_in_parent: None,
        meaning,
        help,
        url: rule.map(Rule::url),
        local_check: LocalCheck::NotChecked,
        consequence: false,
        confidence,
        confidence_label: confidence_label(confidence),
        evidence,
        missing,
    }
}

fn same_place(a: Option<&UserFrame>, b: Option<&UserFrame>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.file == b.file && a.line == b.line,
        (None, None) => true,
        _ => false,
    }
}

/// The last frame of the user's own code.
fn user_frame(exception: &Exception) -> Option<&Frame> {
    exception
        .frames
        .iter()
        .rev()
        .find(|frame| !is_library_frame(&frame.file))
}

/// `Can't get attribute 'f' on <module '__mp_main__' from '/x/main.py'>` → `/x/main.py`.
fn main_module_file(exception: &Exception) -> Option<String> {
    let message = exception.first_message_line();
    let start =
        message.find("<module '__mp_main__' from '")? + "<module '__mp_main__' from '".len();
    let end = message[start..].find('\'')? + start;
    // A repr: a Windows path's backslashes are doubled.
    Some(message[start..end].replace("\\\\", "\\"))
}

/// `Type: message`, the message's first paragraph on one line.
fn headline(exception: &Exception) -> String {
    let paragraph: Vec<&str> = exception
        .message
        .lines()
        .map(str::trim)
        .skip_while(|line| line.is_empty())
        .take_while(|line| !line.is_empty())
        .collect();
    let message = paragraph.join(" ");
    if message.is_empty() {
        exception.type_name.clone()
    } else {
        format!("{}: {message}", exception.type_name)
    }
}

fn resolve(file: &str, options: &ExplainOptions) -> Option<PathBuf> {
    if file.starts_with('<') || file.starts_with("Cell In[") {
        return None;
    }
    for (from, to) in &options.path_map {
        if let Some(rest) = file.strip_prefix(from.as_str()) {
            // A Windows path mapped to a directory here.
            let rest = rest.trim_start_matches(['/', '\\']).replace('\\', "/");
            return Some(to.join(rest));
        }
    }
    let path = Path::new(file);
    if path.is_absolute() {
        return Some(path.to_path_buf());
    }
    Some(match &options.base_dir {
        Some(base) => base.join(path),
        None => path.to_path_buf(),
    })
}

fn local_check(
    files: &[String],
    rules: &[Rule],
    options: &ExplainOptions,
    cache: &mut BTreeMap<Vec<PathBuf>, Result<Vec<LocalFinding>, String>>,
) -> LocalCheck {
    let mut unique: Vec<&String> = Vec::new();
    for file in files {
        if !unique.contains(&file) {
            unique.push(file);
        }
    }
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut shown: Vec<String> = Vec::new();
    for file in &unique {
        if let Some(path) = resolve(file, options) {
            if path.is_file() && !paths.contains(&path) {
                shown.push(spawnsafe_linter::linter::display_path(&path));
                paths.push(path);
            }
        }
    }
    if paths.is_empty() {
        let files: Vec<String> = unique
            .iter()
            .filter(|file| !file.starts_with('<'))
            .map(|file| file.to_string())
            .collect();
        return if files.is_empty() {
            LocalCheck::NotChecked
        } else {
            LocalCheck::NotFound { files }
        };
    }
    let findings = cache
        .entry(paths.clone())
        .or_insert_with(|| {
            // Every rule, the opt-in ones too: the traceback already named
            // the problem, so the question is only whether the code shows it.
            let options = CheckOptions {
                overrides: spawnsafe_linter::settings::Overrides {
                    extend_select: vec!["ALL".to_string()],
                    ..Default::default()
                },
                ..CheckOptions::default()
            };
            let result = check_paths(&paths, &options)?;
            Ok(result
                .diagnostics
                .iter()
                .map(|diagnostic| {
                    let location = diagnostic.start_location();
                    LocalFinding {
                        code: diagnostic.rule.code(),
                        message: render(
                            std::slice::from_ref(diagnostic),
                            OutputFormat::Concise,
                            false,
                        )
                        .trim_end()
                        .to_string(),
                        filename: diagnostic.file.display_path.clone(),
                        row: location.row,
                        column: location.column,
                    }
                })
                .collect())
        })
        .clone();
    match findings {
        Err(message) => LocalCheck::Error { message },
        Ok(all) => {
            // In the order of the candidate rules: the primary one first.
            let mut matching = Vec::new();
            for rule in rules {
                matching.extend(all.iter().filter(|f| f.code == rule.code()).cloned());
            }
            if matching.is_empty() {
                LocalCheck::NoMatch { files: shown }
            } else {
                LocalCheck::Matched {
                    files: shown,
                    findings: matching,
                }
            }
        }
    }
}
