//! Demand-driven selection of the files worth parsing.
//!
//! A file is parsed when it names a process API or the main guard (its bytes
//! say so), or when it imports a module whose functions or classes lead to a
//! process start, a `set_start_method()` or a pickled parameter, *and* it
//! mentions one of those names: a script that calls `helpers.run_all()`
//! matters because `run_all` creates a Pool. Parsed modules are summarised
//! (which of their names carry an effect, counting re-exports), and the search
//! grows in waves until no new file is needed. The search also goes the other
//! way, down the calls: the modules that code running in child processes,
//! code coordinating processes, or an entry script's import-time code call
//! into are parsed too (see [`DownSummary`]), since the rules follow that code
//! (a worker's helper that fills the queue it is given names no process API).
//! Everything else is never parsed: a file that names no process API and
//! calls no such function cannot change a finding.

use std::path::Path;
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::Expr;

use crate::facts::{BodyFacts, ModuleFacts, PickleRole, Target};
use crate::globals::Base;
use crate::project::ModulePath;
use crate::semantic::{BindingKind, FunctionId, ModuleModel, ScopeId, Value, MODULE_SCOPE};

/// Does the text name a process API: `multiprocessing`, `multiprocess`,
/// `torch.multiprocessing`, `concurrent.futures`, `billiard`? Each needle is
/// one pass over the bytes, so there are few of them.
fn names_process_api(text: &[u8]) -> bool {
    static FINDERS: OnceLock<[memchr::memmem::Finder<'static>; 3]> = OnceLock::new();
    let [multiprocess, concurrent, billiard] = FINDERS.get_or_init(|| {
        [
            memchr::memmem::Finder::new(b"multiprocess"),
            memchr::memmem::Finder::new(b"concurrent"),
            memchr::memmem::Finder::new(b"billiard"),
        ]
    });
    multiprocess.find(text).is_some()
        || billiard.find(text).is_some()
        || names_library_starter(text)
        || concurrent.find_iter(text).any(|at| {
            text[at..].starts_with(b"concurrent.futures")
                || (text[..at].ends_with(b"from ") && text[at..].starts_with(b"concurrent import"))
        })
}

/// Does the text name one of the knowledge base's third-party starters
/// (`DataLoader`, `uvicorn`, `process_map`...)? One pass for all needles.
fn names_library_starter(text: &[u8]) -> bool {
    static NEEDLES: OnceLock<AhoCorasick> = OnceLock::new();
    NEEDLES
        .get_or_init(|| {
            let needles = crate::semantic::knowledge::builtin()
                .starters
                .iter()
                .flat_map(|starter| starter.needles.iter());
            AhoCorasick::new(needles).expect("the knowledge base's needles are plain strings")
        })
        .is_match(text)
        // The few starters the configuration declares (`extend-starters`).
        || crate::semantic::knowledge::knowledge()
            .declared()
            .iter()
            .flat_map(|starter| starter.needles.iter())
            .any(|needle| memchr::memmem::find(text, needle.as_bytes()).is_some())
}

/// Is the file relevant by itself: does it name a process API, or may it
/// hold a malformed main guard (SPS102, which needs no process API)? A file
/// whose only `__main__` is a well-formed guard matters only when it calls
/// into a module that starts processes, which the later waves find.
pub fn is_self_relevant(text: &[u8]) -> bool {
    names_process_api(text) || may_have_malformed_guard(text)
}

fn is_ident(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte >= 0x80
}

/// Blanks, line continuations and opening brackets that may stand before an operand.
const OPENING: &[u8] = b" \t\r\n\x0c\\(";

/// Where the run of `bytes` that starts at `at` ends.
fn skip_bytes(text: &[u8], at: usize, bytes: &[u8]) -> usize {
    at + text[at..]
        .iter()
        .take_while(|byte| bytes.contains(byte))
        .count()
}

/// Where the run of `bytes` that ends at `end` starts.
fn skip_bytes_back(text: &[u8], end: usize, bytes: &[u8]) -> usize {
    end - text[..end]
        .iter()
        .rev()
        .take_while(|byte| bytes.contains(byte))
        .count()
}

/// Whitespace, line continuations, brackets and comments that may stand
/// between an operand and its comparison operator.
fn skip_forward(text: &[u8], mut at: usize) -> usize {
    while at < text.len() {
        match text[at] {
            b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\\' | b')' => at += 1,
            b'#' => at = memchr::memchr(b'\n', &text[at..]).map_or(text.len(), |nl| at + nl),
            _ => break,
        }
    }
    at
}

/// Does a comparison operator that a malformed guard may use (`==`, `!=`,
/// `is`, `is not`, `in`, `not in`) start at `at`?
fn operator_after(text: &[u8], at: usize) -> bool {
    let rest = &text[at..];
    let word = |keyword: &[u8]| {
        rest.starts_with(keyword) && rest.get(keyword.len()).is_none_or(|&byte| !is_ident(byte))
    };
    rest.starts_with(b"==") || rest.starts_with(b"!=") || word(b"is") || word(b"in") || word(b"not")
}

/// Does such an operator end at `end`?
fn operator_before(text: &[u8], end: usize) -> bool {
    let head = &text[..end];
    let word = |keyword: &[u8]| {
        head.ends_with(keyword)
            && (end == keyword.len() || !is_ident(text[end - keyword.len() - 1]))
    };
    head.ends_with(b"==") || head.ends_with(b"!=") || word(b"is") || word(b"in") || word(b"not")
}

/// Is the dunder name (or the string holding it) found at `at` an operand
/// of a comparison? `getLogger(__name__)` and `dirname(__file__)` are not.
/// `canonical` lets the well-formed guard `__name__ == "__main__"` pass.
fn compared_at(text: &[u8], at: usize, len: usize, canonical: bool) -> bool {
    let (mut start, mut end) = (at, at + len);
    let quoted = start > 0
        && matches!(text[start - 1], b'"' | b'\'')
        && text.get(end) == Some(&text[start - 1]);
    if quoted {
        start -= 1;
        end += 1;
    } else if text[..skip_bytes_back(text, start, b" \t")].ends_with(b".") {
        // `cls.__name__`: an attribute, not the module's name.
        return false;
    }
    let after = skip_forward(text, end);
    if operator_after(text, after) {
        if canonical
            && !quoted
            && (text[after..].starts_with(b"==") || text[after..].starts_with(b"!="))
        {
            let value = skip_bytes(text, after + 2, b" \t");
            let rest = &text[value..];
            let is_main = rest.starts_with(b"\"__main__\"") || rest.starts_with(b"'__main__'");
            // Not followed by another string (implicit concatenation).
            let next = text.get(skip_bytes(text, value + 10.min(rest.len()), b" \t"));
            if is_main && !matches!(next, Some(b'"' | b'\'')) {
                return false;
            }
        }
        return true;
    }
    operator_before(text, skip_bytes_back(text, start, OPENING))
}

/// Does an `if`/`elif` test start with a string literal that may say
/// `main` (`if "__main__":`)? SPS102 flags a bare string with `main` in it.
fn if_tests_a_main_string(text: &[u8]) -> bool {
    memchr::memmem::find_iter(text, b"if").any(|at| {
        // The keyword starts at `at`, or at `at - 2` for `elif`.
        let keyword_start = if text[..at].ends_with(b"el") {
            at - 2
        } else {
            at
        };
        if keyword_start > 0 && is_ident(text[keyword_start - 1]) {
            return false;
        }
        let mut test = at + 2;
        if !matches!(text.get(test), Some(b' ' | b'\t' | b'(' | b'\\')) {
            return false;
        }
        test = skip_bytes(text, test, OPENING);
        let prefix = text[test..]
            .iter()
            .take(2)
            .take_while(|b| matches!(b, b'r' | b'R' | b'u' | b'U' | b'b' | b'B' | b'f' | b'F'))
            .count();
        let quote_at = test + prefix;
        let Some(&quote) = text.get(quote_at).filter(|b| matches!(b, b'"' | b'\'')) else {
            return false;
        };
        let triple = [quote; 3];
        let (open, close): (usize, &[u8]) = if text[quote_at..].starts_with(&triple) {
            (quote_at + 3, &triple)
        } else {
            (quote_at + 1, &triple[..1])
        };
        // The literal's body, to its closing quote: a backslash (raw or not)
        // keeps the next byte from closing it.
        let mut length = 0;
        loop {
            let at = open + length;
            match text.get(at) {
                None => return true,
                Some(b'\\') => length += 2,
                Some(_) if text[at..].starts_with(close) => break,
                Some(_) => length += 1,
            }
        }
        let Some(body) = text.get(open..open + length) else {
            return true;
        };
        let after = skip_forward(text, open + length + close.len());
        match text.get(after) {
            // The whole test is the string.
            Some(b':') => memchr::memmem::find(body, b"main").is_some(),
            // Implicit concatenation (`if "a" "main":`): another literal follows.
            Some(b'"' | b'\'' | b'r' | b'R' | b'u' | b'U') => true,
            // `if "domain" in names:`, `if "x".startswith(...)`: not a bare string.
            _ => false,
        }
    })
}

/// May the file hold a test that SPS102 flags? Such a test compares
/// `__name__` (or the string `"__name__"`) other than as the well-formed
/// guard, compares `__file__`, or is a bare string.
fn may_have_malformed_guard(text: &[u8]) -> bool {
    memchr::memmem::find_iter(text, b"__name__").any(|at| compared_at(text, at, 8, true))
        || memchr::memmem::find_iter(text, b"__file__").any(|at| compared_at(text, at, 8, false))
        // A bare string test needs `main` in the file: one cheap pass
        // before the search for `if`, a needle found everywhere.
        || (memchr::memmem::find(text, b"main").is_some() && if_tests_a_main_string(text))
}

/// The identifiers in a file's `import` and `from` statements (with their
/// parenthesised and backslash continuation lines). Every such statement
/// contains the word `import`, so only the lines around its occurrences are
/// read: most lines of a big file are never looked at.
fn imported_names(text: &str, keep: impl Fn(&str) -> bool) -> FxHashSet<&str> {
    let mut names = FxHashSet::default();
    for statement in import_statements(text) {
        for line in statement.lines() {
            let code = line.split('#').next().unwrap_or_default();
            for name in code.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
                if !name.is_empty() && keep(name) {
                    names.insert(name);
                }
            }
        }
    }
    names
}

/// The text of each `import` and `from` statement (from its line's start,
/// with its parenthesised and backslash continuation lines).
fn import_statements(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let line_start = |at: usize| memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |nl| nl + 1);
    let line_end =
        |at: usize| memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |nl| at + nl);
    let mut statements = Vec::new();
    let mut scanned_to = 0;
    for found in memchr::memmem::find_iter(bytes, b"import") {
        if found < scanned_to {
            continue;
        }
        // The statement starts on this line or, after backslash
        // continuations (`from pkg \` / `import x`), on an earlier one.
        let mut start = line_start(found);
        while start > 0 {
            let previous = line_start(start - 1);
            if !text[previous..start - 1]
                .trim_end_matches('\r')
                .ends_with('\\')
            {
                break;
            }
            start = previous;
        }
        let first = text[start..].trim_start_matches([' ', '\t']);
        if !(first.starts_with("import ") || first.starts_with("from ")) {
            scanned_to = line_end(found);
            continue;
        }
        let mut open_parens = 0usize;
        let mut at = start;
        while at < bytes.len() {
            let end = line_end(at);
            let code = text[at..end].split('#').next().unwrap_or_default();
            open_parens += code.matches('(').count();
            open_parens = open_parens.saturating_sub(code.matches(')').count());
            at = end + 1;
            if open_parens == 0 && !code.trim_end().ends_with('\\') {
                break;
            }
        }
        statements.push(&text[start..at.min(bytes.len())]);
        scanned_to = at;
    }
    statements
}

/// The first components of the absolute names a file's imports can stand
/// for: `a` of `import a.b` and of `from a.b import c`; for a relative
/// import, the first name after the dots, or each imported name of `from .
/// import c`, with a leading dot (outside a package, `from .x import y`
/// names `x`; inside one, it names a module of the file's own package, whose
/// set [`import_groups`] puts the file in).
fn import_heads(text: &str, keep: impl Fn(&str) -> bool) -> FxHashSet<String> {
    let mut heads = FxHashSet::default();
    fn first_name(dotted: &str) -> Option<&str> {
        dotted
            .trim_start_matches(|c: char| c == '.' || c.is_whitespace())
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .next()
            .filter(|name| !name.is_empty())
    }
    for statement in import_statements(text) {
        // Comments out, lines joined; `;` may put more statements on a line.
        let mut code = String::new();
        for line in statement.lines() {
            code.push_str(line.split('#').next().unwrap_or_default());
            code.push(' ');
        }
        let code = code.replace(['\\', '(', ')'], " ");
        for part in code.split(';') {
            let part = part.trim();
            let mut found: Vec<&str> = Vec::new();
            let mut relative = false;
            if let Some(rest) = part.strip_prefix("import ") {
                found.extend(rest.split(',').filter_map(first_name));
            } else if let Some(rest) = part.strip_prefix("from ") {
                let (module, names) = rest.split_once(" import ").unwrap_or((rest, ""));
                let module = module.trim();
                relative = module.starts_with('.');
                match first_name(module) {
                    Some(head) => found.push(head),
                    // `from . import a, b as c`: each name is a module.
                    None => found.extend(names.split(',').filter_map(first_name)),
                }
            }
            // A relative head keeps a dot: inside a package it names a
            // module of the file's own package, never another top-level one.
            heads.extend(found.into_iter().filter(|head| keep(head)).map(|head| {
                if relative {
                    format!(".{head}")
                } else {
                    head.to_string()
                }
            }));
        }
    }
    heads
}

/// The name other files use to import this one: its stem, or its package's
/// name for an `__init__.py`.
pub fn module_stem(path: &Path) -> Option<String> {
    // A script without an extension (`bin/tool`) cannot be imported.
    path.extension()?;
    let stem = path.file_stem()?.to_string_lossy().into_owned();
    if stem == "__init__" {
        return path
            .parent()?
            .file_name()
            .map(|name| name.to_string_lossy().into_owned());
    }
    (stem != "__main__").then_some(stem)
}

/// What one file's bytes say, read once while the file is in memory.
#[derive(Debug, Default)]
pub struct FileScan {
    pub self_relevant: bool,
    /// Not relevant, but CPython may refuse it for its shape: parsed for its
    /// syntax problem only (see [`crate::refusal`]).
    pub may_be_refused: bool,
    /// The identifiers of its `import` and `from` statements.
    pub imported: Vec<Box<str>>,
    /// The first components of the names its imports stand for (see [`import_heads`]).
    pub import_heads: Vec<Box<str>>,
}

/// Scans a file's text. Only the imported names that are the module stem of
/// a file being checked are kept: no other name is ever asked about.
pub fn scan_file(text: &str, stems: &FxHashSet<String>) -> FileScan {
    let self_relevant = is_self_relevant(text.as_bytes());
    FileScan {
        self_relevant,
        may_be_refused: !self_relevant && crate::refusal::may_be_refused(text.as_bytes()),
        imported: imported_names(text, |name| stems.contains(name))
            .into_iter()
            .map(Box::from)
            .collect(),
        import_heads: import_heads(text, |name| stems.contains(name))
            .into_iter()
            .map(Box::from)
            .collect(),
    }
}

/// Splits the files into groups that cannot import one another, so that
/// each group's waves run as if it were checked alone: one project's common
/// names (`utils`, `run`, `fit`) then never pull in another project's files.
///
/// [`crate::project::Project::resolve_module`] takes a module from the
/// importer's own root, or else the only module of that name. A module is
/// imported by its dotted name, so a file reaches another top-level module
/// or package only by spelling its first component: in an import statement
/// (the scan's `import_heads`), or as its own top package (a relative import
/// is resolved inside it). So each top-level name of each root starts as its
/// own set (several projects side by side under one folder stay apart), and
/// sets join when a file spells another's first component: any file, for a
/// unique name; a file under the same root, for a name other roots have too.
/// A folder without `__init__.py` under another root is a namespace package:
/// inside a package of that root it belongs to the package's set; directly
/// under the root, its importers cannot be seen (its name is no file's stem),
/// so it joins every set of that root. A first component that is no file's
/// stem (its package's `__init__.py` is not among the files checked) is not
/// in the scan, so such a module joins every group.
pub fn import_groups(
    paths: &[ModulePath],
    stems: &[Option<String>],
    scans: &[FileScan],
) -> Vec<Vec<usize>> {
    let top = |name: &str| name.split('.').next().unwrap_or(name).to_string();
    let root_set: FxHashSet<&Path> = paths.iter().map(|path| path.root.as_path()).collect();
    // The topmost root above a root (a chain of namespace folders), if any.
    fn topmost_above<'p>(root: &'p Path, roots: &FxHashSet<&Path>) -> Option<&'p Path> {
        root.ancestors()
            .skip(1)
            .filter(|dir| roots.contains(dir))
            .last()
    }
    // Each file's root for grouping, and the top-level name it sits under.
    struct Place<'p> {
        root: &'p Path,
        top: String,
        /// A namespace folder directly under the root: joins the whole root.
        whole_root: bool,
    }
    let tops_at: FxHashSet<(&Path, String)> = paths
        .iter()
        .filter(|path| topmost_above(&path.root, &root_set).is_none())
        .map(|path| (path.root.as_path(), top(&path.name)))
        .collect();
    let places: Vec<Place> = paths
        .iter()
        .map(|path| match topmost_above(&path.root, &root_set) {
            Some(above) => {
                let component = path
                    .root
                    .strip_prefix(above)
                    .ok()
                    .and_then(|rest| rest.components().next())
                    .map(|first| first.as_os_str().to_string_lossy().into_owned())
                    .unwrap_or_default();
                let whole_root = !tops_at.contains(&(above, component.clone()));
                Place {
                    root: above,
                    top: component,
                    whole_root,
                }
            }
            None => Place {
                root: path.root.as_path(),
                top: top(&path.name),
                whole_root: false,
            },
        })
        .collect();
    let mut sets: FxHashMap<(&Path, &str), usize> = FxHashMap::default();
    let set_of: Vec<usize> = places
        .iter()
        .map(|place| {
            let next = sets.len();
            *sets.entry((place.root, place.top.as_str())).or_insert(next)
        })
        .collect();
    // One more set: "every root", for names the scan cannot see.
    let everything = sets.len();
    let mut parent: Vec<usize> = (0..=everything).collect();
    fn find(parent: &mut [usize], mut at: usize) -> usize {
        while parent[at] != at {
            parent[at] = parent[parent[at]];
            at = parent[at];
        }
        at
    }
    let union = |parent: &mut Vec<usize>, a: usize, b: usize| {
        let (a, b) = (find(parent, a), find(parent, b));
        if a != b {
            parent[a.max(b)] = a.min(b);
        }
    };
    // A namespace folder whose importers cannot be seen: the whole root.
    let mut first_of_root: FxHashMap<&Path, usize> = FxHashMap::default();
    for (index, place) in places.iter().enumerate() {
        first_of_root.entry(place.root).or_insert(set_of[index]);
    }
    let whole_roots: FxHashSet<&Path> = places
        .iter()
        .filter(|place| place.whole_root)
        .map(|place| place.root)
        .collect();
    for (index, place) in places.iter().enumerate() {
        if whole_roots.contains(place.root) {
            union(&mut parent, set_of[index], first_of_root[place.root]);
        }
    }
    let mut name_count: FxHashMap<&str, usize> = FxHashMap::default();
    for path in paths {
        *name_count.entry(path.name.as_str()).or_default() += 1;
    }
    let stems: FxHashSet<&str> = stems.iter().flatten().map(String::as_str).collect();
    // First component → the sets (and roots) that spell it (import or own package).
    let mut spelled_in: FxHashMap<String, Vec<(usize, &Path)>> = FxHashMap::default();
    for (index, path) in paths.iter().enumerate() {
        let speller = (set_of[index], path.root.as_path());
        spelled_in.entry(top(&path.name)).or_default().push(speller);
        for name in &scans[index].import_heads {
            match name.strip_prefix('.') {
                // Resolved inside the file's own package: its own set.
                Some(_) if path.in_package => {}
                Some(name) => spelled_in
                    .entry(name.to_string())
                    .or_default()
                    .push(speller),
                None => spelled_in
                    .entry(name.to_string())
                    .or_default()
                    .push(speller),
            }
        }
    }
    for (index, path) in paths.iter().enumerate() {
        // A script run by its shebang cannot be imported (see the linter).
        if path.name.ends_with(" (script)") {
            continue;
        }
        let set = set_of[index];
        let unique = name_count[path.name.as_str()] == 1;
        let first = top(&path.name);
        if let Some(spellers) = spelled_in.get(&first) {
            for &(speller, root) in spellers {
                // A name other roots have too resolves in the importer's root.
                if unique || root == path.root.as_path() {
                    union(&mut parent, set, speller);
                }
            }
        }
        // The scan keeps only names that are some file's stem: a first
        // component that is not one may be imported unseen.
        if unique && !stems.contains(first.as_str()) {
            union(&mut parent, set, everything);
        }
    }
    let mut groups: FxHashMap<usize, Vec<usize>> = FxHashMap::default();
    for (index, &set) in set_of.iter().enumerate() {
        groups
            .entry(find(&mut parent, set))
            .or_default()
            .push(index);
    }
    let mut groups: Vec<Vec<usize>> = groups.into_values().collect();
    groups.sort_unstable();
    groups
}

/// Does file `index` mention one of the matcher's words? The scan keeps no
/// text: the caller has the file's text, or reads it again.
pub type Mentions<'m> = dyn Fn(usize, &AhoCorasick) -> bool + Sync + 'm;

/// What the bytes of every file say, computed once.
pub struct Scan<'m> {
    pub self_relevant: Vec<bool>,
    /// Module stem → the files that import a name equal to it.
    importers: FxHashMap<Box<str>, Vec<usize>>,
    /// Each file's module stem (see [`module_stem`]), when known.
    stems: Vec<Option<String>>,
    /// Every file's dotted module name and each of its dotted suffixes
    /// (`twisted.trial.unittest`, `trial.unittest`, `unittest`).
    module_names: FxHashSet<String>,
    module_suffixes: FxHashSet<String>,
    mentions: &'m Mentions<'m>,
}

impl<'m> Scan<'m> {
    /// `stems` holds each file's module stem.
    pub fn new(
        files: Vec<FileScan>,
        stems: Vec<Option<String>>,
        module_names: &[&str],
        mentions: &'m Mentions<'m>,
    ) -> Self {
        let mut module_suffixes = FxHashSet::default();
        for name in module_names {
            let mut rest = *name;
            while let Some((_, suffix)) = rest.split_once('.') {
                module_suffixes.insert(suffix.to_string());
                rest = suffix;
            }
        }
        let known: FxHashSet<&str> = stems.iter().flatten().map(String::as_str).collect();
        let mut importers: FxHashMap<Box<str>, Vec<usize>> = FxHashMap::default();
        let mut self_relevant = Vec::with_capacity(files.len());
        for (index, file) in files.into_iter().enumerate() {
            self_relevant.push(file.self_relevant);
            for name in file.imported {
                if known.contains(&*name) {
                    importers.entry(name).or_default().push(index);
                }
            }
        }
        Scan {
            self_relevant,
            importers,
            stems,
            module_names: module_names.iter().map(|name| name.to_string()).collect(),
            module_suffixes,
            mentions,
        }
    }

    /// The files with an import statement naming `stem`.
    pub fn importers_of(&self, stem: &str) -> &[usize] {
        self.importers.get(stem).map_or(&[], Vec::as_slice)
    }

    /// Files not parsed yet that import an effect module and mention one of its effect names.
    pub fn needed(&self, demand: &Demand, parsed: &[bool]) -> Vec<usize> {
        let mut needed = self.importers_mentioning(&demand.modules, &demand.names, parsed);
        // The modules that define code running in child processes (a task
        // function, what it calls, the globals it reads)...
        if !demand.worker_pairs.is_empty() {
            for (index, stem) in self.stems.iter().enumerate() {
                let Some(names) = stem
                    .as_deref()
                    .and_then(|stem| demand.worker_pairs.by_stem.get(stem))
                else {
                    continue;
                };
                if !parsed[index] {
                    needed.extend(self.mentioning(vec![index], names));
                }
            }
        }
        // ...and the modules that may change those globals in the parent.
        let project_stems: FxHashSet<&str> =
            self.stems.iter().flatten().map(String::as_str).collect();
        let mut by_module: FxHashMap<&str, FxHashSet<String>> = FxHashMap::default();
        for (chain, called) in &demand.global_chains {
            // The global is the first name after a project module that is not
            // itself a module: `keras.src.saving.CONFIG.get` is `CONFIG` of `saving`.
            let parts: Vec<&str> = chain.split('.').filter(|part| !part.is_empty()).collect();
            let relative = chain.starts_with('.');
            let pair = parts.iter().enumerate().skip(1).find(|(index, part)| {
                project_stems.contains(parts[index - 1])
                    && !project_stems.contains(*part)
                    && (relative || self.may_be_project_module(&parts[..*index]))
            });
            // A function the worker calls is not state the parent sets.
            let pair = pair
                .filter(|(index, _)| !(*called && *index == parts.len() - 1))
                .map(|(index, _)| [parts[index - 1], parts[index]]);
            if let Some(window) = pair {
                by_module
                    .entry(window[0])
                    .or_default()
                    .insert(window[1].to_string());
            }
        }
        for (stem, names) in by_module {
            let modules = std::iter::once(stem.to_string()).collect();
            needed.extend(self.importers_mentioning(&modules, &names, parsed));
        }
        // ...and the files that import what a module makes at import time.
        for (stem, names) in &demand.import_time_names {
            let modules = std::iter::once(stem.clone()).collect();
            needed.extend(self.importers_mentioning(&modules, names, parsed));
        }
        needed.sort_unstable();
        needed.dedup();
        needed
    }

    /// Can the absolute dotted module name `parts` (as an `import` resolves
    /// it) be a project file? It is when a file has that name, or a suffix
    /// of it (a namespace package without `__init__.py`), or when the name
    /// is a suffix of a file's name (a script importing its neighbour inside
    /// a package), unless it starts with a standard library module:
    /// `unittest.suite` is the standard library's, not `twisted.trial.unittest`.
    fn may_be_project_module(&self, parts: &[&str]) -> bool {
        let name = parts.join(".");
        if (0..parts.len()).any(|start| self.module_names.contains(&parts[start..].join("."))) {
            return true;
        }
        self.module_suffixes.contains(&name) && !crate::stdlib::is_stdlib_module(parts[0])
    }

    /// Files not parsed yet that import one of `modules` and mention one of `names`.
    fn importers_mentioning(
        &self,
        modules: &FxHashSet<String>,
        names: &FxHashSet<String>,
        parsed: &[bool],
    ) -> Vec<usize> {
        if names.is_empty() {
            return Vec::new();
        }
        let mut candidates: Vec<usize> = modules
            .iter()
            .filter_map(|stem| self.importers.get(stem.as_str()))
            .flatten()
            .copied()
            .filter(|&index| !parsed[index])
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        self.mentioning(candidates, names)
    }

    fn mentioning(&self, candidates: Vec<usize>, names: &FxHashSet<String>) -> Vec<usize> {
        if candidates.is_empty() || names.is_empty() {
            return Vec::new();
        }
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let matcher = AhoCorasick::new(&names).expect("identifiers are plain text");
        candidates
            .into_par_iter()
            .filter(|&index| (self.mentions)(index, &matcher))
            .collect()
    }
}

/// Does the text contain one of the matcher's words as a whole identifier?
pub fn mentions_word(matcher: &AhoCorasick, text: &str) -> bool {
    let bytes = text.as_bytes();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    matcher.find_overlapping_iter(bytes).any(|found| {
        let before = found.start().checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(found.end()).copied();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}

/// What a parsed module offers to the files that import it.
#[derive(Debug, Default)]
pub struct ModuleSummary {
    stem: Option<String>,
    /// The module's dotted name (`pkg.tasks`).
    module: Option<String>,
    /// Per function: a direct effect, the local functions it calls, and the
    /// outside names it calls (absolute dotted names).
    functions: Vec<(bool, Vec<usize>, Vec<String>)>,
    /// Top-level names and the functions they stand for (a class: its methods).
    exports: Vec<(String, Vec<usize>)>,
    /// Top-level `multiprocessing.Process` subclasses: starting one is an effect.
    process_classes: Vec<String>,
    /// `from m import name as local`, `import m as local`: (local, the
    /// absolute dotted name it stands for).
    reexports: Vec<(String, String)>,
    /// The components of the modules whose functions and classes this module
    /// sends to child processes (`adapters.retry.Retrying(...)` in `args=`):
    /// their definitions decide whether the objects pickle.
    sent_modules: Vec<String>,
    /// What runs in child processes, for [`Demand`]'s worker search.
    workers: WorkerSummary,
    /// A module that starts processes at import time: its top-level names.
    /// The files that import them are parsed, since SPS103's fix must know
    /// which names importers take (`from lib import POOL`).
    import_time_names: Vec<String>,
}

/// What a module tells about code that runs in child processes.
#[derive(Debug, Default)]
struct WorkerSummary {
    /// Names from other modules this module sends to children: `helpers.work`, `.tasks.run`.
    sent: Vec<String>,
    /// This module's functions it sends to children (and the methods of its
    /// `Process` subclasses).
    local_roots: Vec<usize>,
    /// Values passed to functions of other modules (which may send them to
    /// children): the callee's absolute dotted name, the names from other
    /// modules passed, and this module's functions passed.
    passed: Vec<(String, Vec<String>, Vec<usize>)>,
    /// Per function: the names from other modules it calls.
    calls: Vec<Vec<String>>,
    /// Per function: the globals of other modules it reads (`settings.CONFIG`).
    global_reads: Vec<Vec<(String, bool)>>,
    /// Per function: the globals of this module it reads.
    own_reads: Vec<Vec<String>>,
    /// `from m import name as local`: (local, `m.name`).
    reexports: Vec<(String, String)>,
}

/// The names from other modules a value stands for (`helpers.work`, the
/// function of a `partial`, `Class.method` of a bound method).
fn external_names(value: &Value, names: &mut Vec<String>) {
    match value {
        Value::Qualified(name) => names.push(name.to_string()),
        Value::Partial(inner) | Value::Collection(inner) => external_names(inner, names),
        Value::BoundMethod(receiver, method) => {
            if let Value::Instance(class) = receiver.as_ref() {
                if let Value::Qualified(name) = class.as_ref() {
                    names.push(format!("{name}.{method}"));
                }
            }
        }
        _ => {}
    }
}

/// This module's functions a value stands for.
fn local_functions(model: &ModuleModel, value: &Value, functions: &mut Vec<usize>) {
    match value {
        Value::Function(function) => functions.push(function.index()),
        Value::Partial(inner) | Value::Collection(inner) => {
            local_functions(model, inner, functions)
        }
        Value::BoundMethod(receiver, _) => {
            if let Value::Instance(class) = receiver.as_ref() {
                if let Value::Class(class) = class.as_ref() {
                    functions.extend(model.classes[*class].methods.values().map(|id| id.index()));
                }
            }
        }
        _ => {}
    }
}

fn summarize_workers(model: &ModuleModel, facts: &ModuleFacts, package: &Package) -> WorkerSummary {
    let mut summary = WorkerSummary::default();
    for site in &facts.pickle_sites {
        external_names(&site.value, &mut summary.sent);
        local_functions(model, &site.value, &mut summary.local_roots);
    }
    // Functions of this module that send a parameter to children.
    let sends_parameter: Vec<bool> = model
        .functions
        .iter()
        .map(|info| {
            facts
                .pickle_sites
                .iter()
                .any(|site| site.parameter.is_some() && site.scope == info.scope)
        })
        .collect();
    let bodies = std::iter::once(&facts.import_time)
        .chain(std::iter::once(&facts.main_only))
        .chain(facts.functions.iter());
    for body in bodies {
        for edge in &body.calls {
            let Some(call) = edge.call else { continue };
            let callee = match &edge.target {
                Target::Function(function) if sends_parameter[function.index()] => None,
                Target::Method(class, method) => {
                    match model.classes[*class].methods.get(method.as_str()) {
                        Some(&function) if sends_parameter[function.index()] => None,
                        _ => continue,
                    }
                }
                Target::External(name) => Some(package.absolute(name)),
                Target::ExternalMethod(owner, method) => {
                    Some(package.absolute(&format!("{owner}.{method}")))
                }
                _ => continue,
            };
            let mut external = Vec::new();
            let mut local = Vec::new();
            let arguments = call
                .arguments
                .args
                .iter()
                .chain(call.arguments.keywords.iter().map(|keyword| &keyword.value));
            for argument in arguments {
                let value = model.resolve(argument, edge.scope);
                external_names(&value, &mut external);
                local_functions(model, &value, &mut local);
            }
            match callee {
                None => {
                    summary.sent.extend(external);
                    summary.local_roots.extend(local);
                }
                Some(callee) if !external.is_empty() || !local.is_empty() => {
                    summary.passed.push((callee, external, local));
                }
                Some(_) => {}
            }
        }
    }
    for info in &model.classes {
        let is_process = info.def.arguments.as_ref().is_some_and(|arguments| {
            arguments.args.iter().any(|base| {
                model.resolve(base, info.parent_scope).api() == Some(crate::api::Api::Process)
            })
        });
        if is_process {
            summary
                .local_roots
                .extend(info.methods.values().map(|id| id.index()));
        }
    }
    for (function, body) in facts.functions.iter_enumerated() {
        let calls =
            body.calls
                .iter()
                .filter_map(|edge| match &edge.target {
                    Target::External(name) => Some(name.clone()),
                    Target::ExternalMethod(name, method)
                    | Target::ExternalElement(name, _, method) => Some(format!("{name}.{method}")),
                    _ => None,
                })
                .collect();
        summary.calls.push(calls);
        let mut global_reads = Vec::new();
        let mut own_reads = Vec::new();
        for read in &facts.globals.functions[function].reads {
            let called = read.usage == crate::globals::Usage::Call;
            match &read.target.base {
                Base::Own(name) if !(called && read.target.attrs.is_empty()) => {
                    own_reads.push((*name).to_string());
                }
                Base::Own(_) => {}
                Base::Imported { .. } => {
                    let (level, dotted) = read.target.dotted();
                    let dotted = format!("{}{dotted}", ".".repeat(level as usize));
                    global_reads.push((dotted, called));
                }
            }
        }
        summary.global_reads.push(global_reads);
        summary.own_reads.push(own_reads);
    }
    for (name, bindings) in &model.scopes[MODULE_SCOPE].bindings {
        for binding in bindings {
            if let BindingKind::FromImport {
                level,
                module,
                name: imported,
            } = &binding.kind
            {
                let dots = ".".repeat(*level as usize);
                let qualified = match module {
                    Some(module) => format!("{dots}{module}.{imported}"),
                    None => format!("{dots}{imported}"),
                };
                summary.reexports.push((name.to_string(), qualified));
            }
        }
    }
    summary.local_roots.sort_unstable();
    summary.local_roots.dedup();
    summary
}

/// The package a module's relative imports start from.
struct Package<'m> {
    /// `pkg.sub` for `pkg/sub/mod.py` and for `pkg/sub/__init__.py`.
    parts: Vec<&'m str>,
}

impl<'m> Package<'m> {
    fn of(module: &'m str, is_package_init: bool) -> Self {
        let mut parts: Vec<&str> = module.split('.').filter(|part| !part.is_empty()).collect();
        if !is_package_init {
            parts.pop();
        }
        Package { parts }
    }

    /// A written qualified name (`..utils.run`) made absolute (`pkg.utils.run`),
    /// as the engine resolves it; a relative name that leaves the top package
    /// keeps only its written components.
    fn absolute(&self, name: &str) -> String {
        let level = name.bytes().take_while(|&byte| byte == b'.').count();
        if level == 0 {
            return name.to_string();
        }
        let dotted = &name[level..];
        let Some(kept) = self.parts.len().checked_sub(level - 1) else {
            return dotted.to_string();
        };
        let mut absolute = self.parts[..kept].join(".");
        if !dotted.is_empty() {
            if !absolute.is_empty() {
                absolute.push('.');
            }
            absolute.push_str(dotted);
        }
        absolute
    }
}

fn last_component(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

pub fn summarize(
    stem: Option<String>,
    module: &str,
    is_package_init: bool,
    model: &ModuleModel,
    facts: &ModuleFacts,
) -> ModuleSummary {
    let package = Package::of(module, is_package_init);
    let mut summary = ModuleSummary {
        stem,
        module: (!module.is_empty()).then(|| module.to_string()),
        workers: summarize_workers(model, facts, &package),
        ..ModuleSummary::default()
    };
    for site in &facts.pickle_sites {
        let mut names = SentNames {
            model,
            scope: site.scope,
            names: Vec::new(),
        };
        names.visit_expr(site.expr);
        for name in names.names {
            let dotted = name.trim_start_matches('.');
            let mut parts: Vec<&str> = dotted.split('.').collect();
            parts.pop();
            for part in parts {
                if !summary.sent_modules.iter().any(|known| known == part) {
                    summary.sent_modules.push(part.to_string());
                }
            }
        }
    }
    if !facts.import_time.starts.is_empty() {
        summary.import_time_names = model.scopes[MODULE_SCOPE]
            .bindings
            .keys()
            .map(|name| name.to_string())
            .collect();
    }
    for (function, body) in facts.functions.iter_enumerated() {
        // A start on a parameter (`executor.submit(...)`, `proc.start()`) is
        // not an effect of the function by itself: the engine finds it only
        // where a call passes a process object for that parameter, one call
        // deep (`Tracer::edge_effect`), and such a caller is direct here.
        let direct = !body.starts.is_empty()
            || !body.set_start_methods.is_empty()
            || passes_process_object(model, facts, function)
            || facts.pickle_sites.iter().any(|site| {
                site.parameter.is_some() && site.scope == model.functions[function].scope
            })
            // `def get_loader(): return DataLoader(..., num_workers=n)`: iterating the
            // result in an importer starts the workers.
            || spawnsafe_flow::returns::returns_lazy_starter(model, function);
        let mut local = Vec::new();
        let mut external = Vec::new();
        for edge in &body.calls {
            match &edge.target {
                Target::Function(callee) => local.push(callee.index()),
                Target::Class(class) | Target::Method(class, _) => {
                    local.extend(model.classes[*class].methods.values().map(|id| id.index()));
                }
                // Matched by module and name (see [`Demand::leads_to_effect`]):
                // `Service.run(...)` on an imported class (a staticmethod or
                // classmethod called through the class) is `(module, Service)`.
                Target::External(name)
                | Target::ExternalMethod(name, _)
                | Target::ExternalElement(name, _, _) => {
                    external.push(package.absolute(name));
                }
                // Any function of the module may be stored in it.
                Target::Registry(_) => local.extend(0..model.functions.len()),
            }
        }
        // A function that returns one it defines (a decorator, a decorator
        // factory) leads to what that one does: it runs when the result is
        // called (`@timeout(5)` makes the decorated name call the wrapper).
        let info = &model.functions[function];
        for returned in &info.returns {
            if let Expr::Name(_) = returned {
                if let Value::Function(inner) = model.resolve(returned, info.scope) {
                    local.push(inner.index());
                }
            }
        }
        summary.functions.push((direct, local, external));
    }
    for (name, bindings) in &model.scopes[MODULE_SCOPE].bindings {
        for binding in bindings {
            match &binding.kind {
                BindingKind::Function(function) => {
                    summary
                        .exports
                        .push((name.to_string(), vec![function.index()]));
                }
                BindingKind::Class(class) => {
                    let info = &model.classes[*class];
                    summary.exports.push((
                        name.to_string(),
                        info.methods.values().map(|id| id.index()).collect(),
                    ));
                    let is_process = info.def.arguments.as_ref().is_some_and(|arguments| {
                        arguments.args.iter().any(|base| {
                            model.resolve(base, info.parent_scope).api()
                                == Some(crate::api::Api::Process)
                        })
                    });
                    if is_process {
                        summary.process_classes.push(name.to_string());
                    }
                }
                BindingKind::FromImport {
                    level,
                    module,
                    name: imported,
                } => {
                    let dots = ".".repeat(*level as usize);
                    let qualified = match module {
                        Some(module) => format!("{dots}{module}.{imported}"),
                        None => format!("{dots}{imported}"),
                    };
                    summary
                        .reexports
                        .push((name.to_string(), package.absolute(&qualified)));
                }
                // `import pkg.mod as alias`: `this.alias.f()` calls into `pkg.mod`.
                BindingKind::Import(path) => {
                    summary
                        .reexports
                        .push((name.to_string(), package.absolute(path.as_ref())));
                }
                _ => {}
            }
        }
    }
    summary
}

/// The outside names an expression sent to a child process stands for.
struct SentNames<'m, 'a> {
    model: &'m ModuleModel<'a>,
    scope: crate::semantic::ScopeId,
    names: Vec<String>,
}

impl SentNames<'_, '_> {
    fn collect(&mut self, value: &Value) {
        match value {
            Value::Qualified(name) => self.names.push(name.to_string()),
            Value::Instance(inner)
            | Value::Collection(inner)
            | Value::Partial(inner)
            | Value::BoundMethod(inner, _) => self.collect(inner),
            _ => {}
        }
    }
}

impl<'b> Visitor<'b> for SentNames<'_, '_> {
    fn visit_expr(&mut self, expr: &'b Expr) {
        if matches!(expr, Expr::Name(_) | Expr::Attribute(_) | Expr::Call(_)) {
            let value = self.model.resolve(expr, self.scope);
            self.collect(&value);
        }
        visitor::walk_expr(self, expr);
    }
}

/// The names (and the modules offering them) that lead to effects, so far.
#[derive(Debug, Default)]
pub struct Demand {
    /// `(module stem, top-level name)` pairs that lead to effects: what a
    /// call of `pkg.mod.name` (resolved through the caller's imports, as the
    /// engine resolves it) is matched against, component pair by pair.
    pub effects: WorkerPairs,
    /// The names and modules of `effects`, for the importers' text search.
    pub names: FxHashSet<String>,
    pub modules: FxHashSet<String>,
    /// Module stems whose definitions are sent to children by parsed modules.
    pub sent_modules: FxHashSet<String>,
    /// Code (and globals) that runs or is read in child processes: `(stem,
    /// name)`, a module stem that may define the name (`helpers.work` is
    /// `("helpers", "work")`).
    pub worker_pairs: WorkerPairs,
    /// Globals read in child processes, as written (`settings.CONFIG.get`,
    /// `tasks.LIMIT` for a module's own global): the files that import their
    /// module and name the global may change it in the parent.
    /// With whether the last name is called (a function, not state).
    pub global_chains: FxHashSet<(String, bool)>,
    /// Modules that start processes at import time, with their top-level names.
    pub import_time_names: FxHashMap<String, FxHashSet<String>>,
    /// Per summary (in the order [`Demand::update`] is given them), what the
    /// demand made of it when it was last followed: what it adds depends on
    /// that alone, so a summary whose state has not changed adds nothing new.
    followed: Vec<Followed>,
}

/// What [`Demand::update`] last found in one summary.
#[derive(Debug, Default)]
struct Followed {
    /// The functions reached from child-process code, then which passed
    /// values and re-exports counted.
    workers: Option<Vec<bool>>,
    /// The functions with effects, then which re-exports name an effect.
    effects: Option<Vec<bool>>,
    /// The summary's `sent_modules` and `import_time_names` are in.
    added: bool,
}

/// `(stem, name)` pairs, by stem: looked up without building strings.
#[derive(Debug, Default)]
pub struct WorkerPairs {
    pub by_stem: FxHashMap<String, FxHashSet<String>>,
    len: usize,
}

impl WorkerPairs {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn contains(&self, stem: &str, name: &str) -> bool {
        self.by_stem
            .get(stem)
            .is_some_and(|names| names.contains(name))
    }

    fn insert(&mut self, stem: &str, name: &str) {
        if self.contains(stem, name) {
            return;
        }
        self.by_stem
            .entry(stem.to_string())
            .or_default()
            .insert(name.to_string());
        self.len += 1;
    }
}

/// The `(module, name)` pairs a dotted name (`.pkg.mod.name`) may stand for:
/// each component followed by the next.
fn dotted_pairs(dotted: &str, pairs: &mut WorkerPairs) {
    let mut parts = dotted.split('.').filter(|part| !part.is_empty());
    let Some(mut before) = parts.next() else {
        return;
    };
    for part in parts {
        pairs.insert(before, part);
        before = part;
    }
}

impl Demand {
    fn size(&self) -> usize {
        self.effects.len() + self.worker_pairs.len() + self.global_chains.len()
    }

    /// Can calling the dotted name lead to an effect? When a component
    /// followed by the next is a module and one of its effect names (the
    /// engine resolves the longest module prefix, then names inside it).
    fn leads_to_effect(&self, dotted: &str) -> bool {
        let mut parts = dotted.split('.').filter(|part| !part.is_empty());
        let Some(mut before) = parts.next() else {
            return false;
        };
        for part in parts {
            if self.effects.contains(before, part) {
                return true;
            }
            before = part;
        }
        false
    }

    /// Is the reexported name an effect name, or a module with effects?
    fn reexports_effect(&self, qualified: &str) -> bool {
        self.leads_to_effect(qualified) || self.modules.contains(last_component(qualified))
    }

    fn is_worker_name(&self, stem: Option<&String>, name: &str) -> bool {
        stem.is_some_and(|stem| self.worker_pairs.contains(stem, name))
    }

    /// Follows what runs in child processes through one module (the
    /// `at`-th summary).
    fn update_workers(&mut self, at: usize, summary: &ModuleSummary) {
        let workers = &summary.workers;
        let stem = summary.stem.as_ref();
        let mut reached = vec![false; summary.functions.len()];
        for &root in &workers.local_roots {
            reached[root] = true;
        }
        // Values passed to a function that leads to effects (it may send them).
        let passed: Vec<bool> = workers
            .passed
            .iter()
            .map(|(callee, _, _)| self.leads_to_effect(callee))
            .collect();
        for ((_, _, local), _) in workers.passed.iter().zip(&passed).filter(|(_, hit)| **hit) {
            for &function in local {
                reached[function] = true;
            }
        }
        for (name, functions) in &summary.exports {
            if self.is_worker_name(stem, name) {
                for &function in functions {
                    reached[function] = true;
                }
            }
        }
        loop {
            let mut changed = false;
            for (index, (_, local, _)) in summary.functions.iter().enumerate() {
                if reached[index] {
                    for &callee in local {
                        if !reached[callee] {
                            reached[callee] = true;
                            changed = true;
                        }
                    }
                }
            }
            if !changed {
                break;
            }
        }
        let reexported: Vec<bool> = workers
            .reexports
            .iter()
            .map(|(local, _)| self.is_worker_name(stem, local))
            .collect();
        let state: Vec<bool> = reached
            .iter()
            .chain(&passed)
            .chain(&reexported)
            .copied()
            .collect();
        if self.followed[at].workers.as_ref() == Some(&state) {
            return;
        }
        self.followed[at].workers = Some(state);
        let mut dotted: Vec<&str> = workers.sent.iter().map(String::as_str).collect();
        for ((_, external, _), _) in workers.passed.iter().zip(&passed).filter(|(_, hit)| **hit) {
            dotted.extend(external.iter().map(String::as_str));
        }
        for (index, _) in reached.iter().enumerate().filter(|(_, reached)| **reached) {
            dotted.extend(workers.calls[index].iter().map(String::as_str));
            for (global, called) in &workers.global_reads[index] {
                dotted.push(global);
                self.global_chains.insert((global.clone(), *called));
            }
            // A module's own globals, by its full dotted name.
            if let Some(module) = &summary.module {
                for name in &workers.own_reads[index] {
                    self.global_chains
                        .insert((format!("{module}.{name}"), false));
                }
            }
        }
        for ((_, qualified), _) in workers
            .reexports
            .iter()
            .zip(&reexported)
            .filter(|(_, hit)| **hit)
        {
            dotted.push(qualified);
        }
        for name in dotted {
            dotted_pairs(name, &mut self.worker_pairs);
        }
    }
}

impl Demand {
    /// Recomputes the effect names from every summary, to a fixed point.
    /// `summaries` grows from call to call (the same ones first, in the same
    /// order): a summary whose state is unchanged is not followed again.
    pub fn update(&mut self, summaries: &[&ModuleSummary]) {
        self.followed
            .resize_with(summaries.len(), Followed::default);
        for (summary, followed) in summaries.iter().zip(&mut self.followed) {
            if followed.added {
                continue;
            }
            followed.added = true;
            self.sent_modules
                .extend(summary.sent_modules.iter().cloned());
            if let (Some(stem), false) = (&summary.stem, summary.import_time_names.is_empty()) {
                self.import_time_names
                    .entry(stem.clone())
                    .or_default()
                    .extend(summary.import_time_names.iter().cloned());
            }
        }
        loop {
            let before = self.size();
            for (at, summary) in summaries.iter().enumerate() {
                self.update_workers(at, summary);
                let mut effect: Vec<bool> = summary
                    .functions
                    .iter()
                    .map(|(direct, _, external)| {
                        *direct || external.iter().any(|name| self.leads_to_effect(name))
                    })
                    .collect();
                // Local calls: a function that calls an effect function has the effect.
                loop {
                    let mut changed = false;
                    for (index, (_, local, _)) in summary.functions.iter().enumerate() {
                        if !effect[index] && local.iter().any(|&callee| effect[callee]) {
                            effect[index] = true;
                            changed = true;
                        }
                    }
                    if !changed {
                        break;
                    }
                }
                effect.extend(
                    summary
                        .reexports
                        .iter()
                        .map(|(_, imported)| self.reexports_effect(imported)),
                );
                if self.followed[at].effects.as_ref() == Some(&effect) {
                    continue;
                }
                let functions = summary.functions.len();
                let mut offers = Vec::new();
                for (name, exported) in &summary.exports {
                    if exported.iter().any(|&function| effect[function]) {
                        offers.push(name.clone());
                    }
                }
                offers.extend(summary.process_classes.iter().cloned());
                for ((local, _), _) in summary
                    .reexports
                    .iter()
                    .zip(&effect[functions..])
                    .filter(|(_, hit)| **hit)
                {
                    offers.push(local.clone());
                }
                self.followed[at].effects = Some(effect);
                if !offers.is_empty() {
                    // A module without a stem (a script) cannot be imported.
                    if let Some(stem) = &summary.stem {
                        self.modules.insert(stem.clone());
                        for name in &offers {
                            self.effects.insert(stem, name);
                        }
                        self.names.extend(offers);
                    }
                }
            }
            if self.size() == before {
                break;
            }
        }
    }
}

/// What a parsed module needs parsed among the modules it calls into, even
/// when they name no process API themselves: the code that runs in child
/// processes (targets, tasks, initializers, `Process.run` and what they call),
/// the helpers that process-coordinating code hands processes and queues to
/// (`etl.runner.wait_for(procs)`), and what an entry script runs at import
/// time. The rules follow that code, so it must be parsed for them to see it.
#[derive(Debug, Default)]
pub struct DownSummary {
    /// Qualified names (as written in the module) whose code is followed.
    seeds: Vec<String>,
    /// The same, for what the module runs at import time when it is the
    /// program's main script (a module with a main guard that nothing imports)
    /// and it may start processes.
    entry_seeds: Vec<String>,
    /// The module starts processes itself.
    starts_processes: bool,
    /// The outside names it calls (absolute dotted names), to match against
    /// the names known to lead to process starts.
    callees: Vec<String>,
    /// Top-level names → the outside names their code calls, through local calls.
    symbols: FxHashMap<String, Vec<String>>,
    /// `from m import name as local` / `import m as local`: local → qualified.
    reexports: FxHashMap<String, String>,
}

fn external_name(target: &Target) -> Option<&str> {
    match target {
        Target::External(name)
        | Target::ExternalMethod(name, _)
        | Target::ExternalElement(name, _, _) => Some(name),
        _ => None,
    }
}

fn local_callees(model: &ModuleModel, target: &Target) -> Vec<FunctionId> {
    match target {
        Target::Function(function) => vec![*function],
        Target::Class(class) => model.classes[*class].methods.values().copied().collect(),
        Target::Method(class, method) => model.classes[*class]
            .methods
            .get(method.as_str())
            .copied()
            .into_iter()
            .collect(),
        _ => Vec::new(),
    }
}

/// The outside names a set of bodies calls, directly or through local functions.
fn outside_calls<'b>(
    model: &ModuleModel,
    facts: &ModuleFacts,
    bodies: impl IntoIterator<Item = &'b BodyFacts<'b>>,
    functions: impl IntoIterator<Item = FunctionId>,
) -> Vec<String> {
    let mut names = Vec::new();
    let mut seen: FxHashSet<FunctionId> = FxHashSet::default();
    let mut stack: Vec<FunctionId> = functions.into_iter().collect();
    for body in bodies {
        for edge in &body.calls {
            names.extend(external_name(&edge.target).map(str::to_string));
            stack.extend(local_callees(model, &edge.target));
        }
    }
    while let Some(function) = stack.pop() {
        if !seen.insert(function) {
            continue;
        }
        for edge in &facts.functions[function].calls {
            names.extend(external_name(&edge.target).map(str::to_string));
            stack.extend(local_callees(model, &edge.target));
        }
    }
    names.sort_unstable();
    names.dedup();
    names
}

pub fn down_summary(
    model: &ModuleModel,
    facts: &ModuleFacts,
    module: &str,
    is_package_init: bool,
) -> DownSummary {
    let package = Package::of(module, is_package_init);
    let mut summary = DownSummary::default();
    for (name, bindings) in &model.scopes[MODULE_SCOPE].bindings {
        for binding in bindings {
            match &binding.kind {
                BindingKind::Function(function) => {
                    summary.symbols.insert(
                        name.to_string(),
                        outside_calls(model, facts, [], [*function]),
                    );
                }
                BindingKind::Class(class) => {
                    let methods: Vec<FunctionId> =
                        model.classes[*class].methods.values().copied().collect();
                    summary
                        .symbols
                        .insert(name.to_string(), outside_calls(model, facts, [], methods));
                }
                BindingKind::FromImport {
                    level,
                    module,
                    name: imported,
                } => {
                    let dots = ".".repeat(*level as usize);
                    let qualified = match module {
                        Some(module) => format!("{dots}{module}.{imported}"),
                        None => format!("{dots}{imported}"),
                    };
                    summary.reexports.insert(name.to_string(), qualified);
                }
                BindingKind::Import(path) => {
                    summary.reexports.insert(name.to_string(), path.to_string());
                }
                _ => {}
            }
        }
    }

    let mut seeds: Vec<String> = Vec::new();
    let mut seed_functions: Vec<FunctionId> = Vec::new();
    // Code sent to child processes.
    for site in &facts.pickle_sites {
        if matches!(site.role, PickleRole::Argument | PickleRole::ProcessObject) {
            continue;
        }
        let mut value = &site.value;
        while let Value::Partial(inner) = value {
            value = inner;
        }
        match value {
            Value::Qualified(name) => seeds.push(name.to_string()),
            Value::Function(function) => seed_functions.push(*function),
            Value::BoundMethod(receiver, _) => {
                if let Value::Instance(class) = receiver.as_ref() {
                    match class.as_ref() {
                        Value::Qualified(name) => seeds.push(name.to_string()),
                        Value::Class(class) => {
                            seed_functions.extend(model.classes[*class].methods.values().copied());
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    // `Process` subclasses: `run()` runs in the child.
    for info in &model.classes {
        let is_process = info.def.arguments.as_ref().is_some_and(|arguments| {
            arguments.args.iter().any(|base| {
                model.resolve(base, info.parent_scope).api() == Some(crate::api::Api::Process)
            })
        });
        if is_process {
            seed_functions.extend(info.methods.values().copied());
        }
    }
    // Bodies that start processes, send them work, or hand processes or
    // queues to helpers (`wait_for(procs)`): the helpers they call.
    let coordinates = |body: &BodyFacts, scope: ScopeId, function: Option<FunctionId>| {
        !body.starts.is_empty()
            || facts.pickle_sites.iter().any(|site| site.scope == scope)
            || facts.calls.iter().any(|site| {
                site.function == function
                    && site.scope == scope
                    && site
                        .call
                        .arguments
                        .args
                        .iter()
                        .chain(
                            site.call
                                .arguments
                                .keywords
                                .iter()
                                .map(|keyword| &keyword.value),
                        )
                        .any(|argument| holds_process_object(model, argument, scope))
            })
    };
    let mut bodies: Vec<&BodyFacts> = Vec::new();
    for (function, body) in facts.functions.iter_enumerated() {
        if coordinates(body, model.functions[function].scope, Some(function)) {
            bodies.push(body);
        }
    }
    if coordinates(&facts.main_only, MODULE_SCOPE, None)
        || coordinates(&facts.import_time, MODULE_SCOPE, None)
    {
        bodies.push(&facts.main_only);
        bodies.push(&facts.import_time);
    }
    seeds.extend(outside_calls(model, facts, bodies, seed_functions));
    seeds.sort_unstable();
    seeds.dedup();
    summary.seeds = seeds;
    // What a script runs at import time (it re-runs in every spawn child).
    if model.has_main_guard {
        summary.entry_seeds = outside_calls(model, facts, [&facts.import_time], []);
        let all_bodies = || {
            std::iter::once(&facts.import_time)
                .chain(std::iter::once(&facts.main_only))
                .chain(facts.functions.iter())
        };
        summary.starts_processes = all_bodies().any(|body| !body.starts.is_empty());
        let mut callees: Vec<String> = all_bodies()
            .flat_map(|body| body.calls.iter())
            .filter_map(|edge| external_name(&edge.target))
            .map(|name| package.absolute(name))
            .collect();
        callees.sort_unstable();
        callees.dedup();
        summary.callees = callees;
    }
    summary
}

/// Does the function pass a process object (a process, a pool, an executor)
/// to a call? The callee may start it (`run(executor)` where `run` calls
/// `executor.submit(...)`).
fn passes_process_object(model: &ModuleModel, facts: &ModuleFacts, function: FunctionId) -> bool {
    facts.calls.iter().any(|site| {
        site.function == Some(function)
            && site
                .call
                .arguments
                .args
                .iter()
                .chain(
                    site.call
                        .arguments
                        .keywords
                        .iter()
                        .map(|keyword| &keyword.value),
                )
                .any(|argument| holds_process_object(model, argument, site.scope))
    })
}

/// Does an argument hold a `multiprocessing` object (`procs`, `self.queue`)?
fn holds_process_object(
    model: &ModuleModel,
    argument: &ruff_python_ast::Expr,
    scope: ScopeId,
) -> bool {
    if is_process_object(&model.resolve(argument, scope)) {
        return true;
    }
    let ruff_python_ast::Expr::Attribute(attribute) = argument else {
        return false;
    };
    model
        .receiver_class(&attribute.value, scope)
        .is_some_and(|class| {
            model
                .self_attribute_values(class, attribute.attr.as_str())
                .iter()
                .any(|(value, scope)| is_process_object(&model.resolve(value, *scope)))
        })
}

/// A `multiprocessing` object (a process, a queue, a pool), or a collection of them.
fn is_process_object(value: &Value) -> bool {
    match value {
        Value::Instance(class) => class.api().is_some_and(|api| {
            !matches!(
                api,
                crate::api::Api::Thread
                    | crate::api::Api::ThreadPool
                    | crate::api::Api::ThreadExecutor
                    | crate::api::Api::Partial
            )
        }),
        Value::Collection(element) => is_process_object(element),
        _ => false,
    }
}

/// Resolves a qualified name written in a module to the project file it
/// lives in, and the top-level name inside that file (`None`: the module itself).
fn resolve_down(
    paths: &[ModulePath],
    by_name: &FxHashMap<&str, Vec<usize>>,
    importer: usize,
    qualified: &str,
) -> Option<(usize, Option<String>)> {
    let level = qualified.chars().take_while(|&c| c == '.').count();
    let dotted = &qualified[level..];
    let parts: Vec<&str> = if dotted.is_empty() {
        Vec::new()
    } else {
        dotted.split('.').collect()
    };
    let mut package: Vec<&str> = Vec::new();
    if level > 0 {
        let path = &paths[importer];
        package = path.name.split('.').collect();
        if !path.is_package_init {
            package.pop();
        }
        for _ in 1..level {
            package.pop()?;
        }
    }
    for split in (0..=parts.len()).rev() {
        if split == 0 && level == 0 {
            break;
        }
        let mut name = package.clone();
        name.extend(&parts[..split]);
        let name = name.join(".");
        let Some(candidates) = by_name.get(name.as_str()) else {
            continue;
        };
        let root = &paths[importer].root;
        let file = candidates
            .iter()
            .copied()
            .find(|&candidate| &paths[candidate].root == root)
            .or_else(|| (candidates.len() == 1).then(|| candidates[0]))?;
        return Some((file, parts.get(split).map(|part| part.to_string())));
    }
    None
}

/// The files not parsed yet that the parsed files' code reaches (see [`DownSummary`]).
pub fn down_needed(
    summaries: &[Option<Box<DownSummary>>],
    paths: &[ModulePath],
    parsed: &[bool],
    demand: &Demand,
    imported: impl Fn(usize) -> bool,
) -> Vec<usize> {
    let mut by_name: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
    for (index, path) in paths.iter().enumerate() {
        by_name.entry(path.name.as_str()).or_default().push(index);
    }
    let mut queue: Vec<(usize, Option<String>)> = Vec::new();
    for (index, summary) in summaries.iter().enumerate() {
        if let Some(summary) = summary {
            for seed in &summary.seeds {
                queue.extend(resolve_down(paths, &by_name, index, seed));
            }
            let may_start = summary.starts_processes
                || summary
                    .callees
                    .iter()
                    .any(|name| demand.leads_to_effect(name));
            if may_start
                && !summary.entry_seeds.is_empty()
                && !paths[index].is_package_init
                && !imported(index)
            {
                for seed in &summary.entry_seeds {
                    queue.extend(resolve_down(paths, &by_name, index, seed));
                }
            }
        }
    }
    let mut seen: FxHashSet<(usize, Option<String>)> = FxHashSet::default();
    let mut needed = Vec::new();
    while let Some((file, symbol)) = queue.pop() {
        if !seen.insert((file, symbol.clone())) {
            continue;
        }
        if !parsed[file] {
            needed.push(file);
            continue;
        }
        let (Some(summary), Some(symbol)) = (&summaries[file], symbol) else {
            continue;
        };
        if let Some(calls) = summary.symbols.get(&symbol) {
            for name in calls {
                queue.extend(resolve_down(paths, &by_name, file, name));
            }
        }
        if let Some(name) = summary.reexports.get(&symbol) {
            queue.extend(resolve_down(paths, &by_name, file, name));
        }
    }
    needed.sort_unstable();
    needed.dedup();
    needed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn imported_names_all(text: &str) -> FxHashSet<&str> {
        imported_names(text, |_| true)
    }

    #[test]
    fn import_heads_are_the_first_components_of_imported_names() {
        let heads = import_heads(
            "import os.path, json as j\nfrom pkg.sub import (\n    alpha,\n)\nfrom .local import beta\nfrom . import gamma, delta as d\nx = 1; import epsilon\nfrom .. import \\\n    zeta\n",
            |_| true,
        );
        let mut heads: Vec<&str> = heads.iter().map(String::as_str).collect();
        heads.sort_unstable();
        assert_eq!(
            heads,
            [".delta", ".gamma", ".local", ".zeta", "json", "os", "pkg"],
        );
    }

    #[test]
    fn projects_that_cannot_import_one_another_are_apart() {
        let path = |root: &str, name: &str| ModulePath {
            root: std::path::PathBuf::from(root),
            name: name.to_string(),
            is_package_init: false,
            in_package: true,
            is_dunder_main: false,
            is_conftest: false,
            is_notebook: false,
        };
        let paths = [
            path("/a", "alpha.utils"),
            path("/a", "alpha.run"),
            path("/b", "beta.utils"),
            path("/c", "gamma.main"),
            path("/d", "tool"),
        ];
        let stems: Vec<Option<String>> = ["utils", "run", "utils", "main", "tool"]
            .iter()
            .map(|stem| Some(stem.to_string()))
            .collect();
        let scan = |text: &str| {
            let known: FxHashSet<String> =
                ["alpha", "beta", "gamma", "utils", "run", "main", "tool"]
                    .iter()
                    .map(|name| name.to_string())
                    .collect();
            scan_file(text, &known)
        };
        let scans = [
            scan("from . import run\n"),
            scan("from .utils import x\n"),
            scan("from .utils import x\n"),
            // `gamma` imports `beta` by its absolute name.
            scan("from beta.utils import x\nimport utils\n"),
            scan("import os\n"),
        ];
        let stems_with_tops: Vec<Option<String>> = stems
            .into_iter()
            .chain(["alpha", "beta", "gamma"].map(|top| Some(top.to_string())))
            .collect();
        let groups = import_groups(&paths, &stems_with_tops, &scans);
        assert_eq!(groups, vec![vec![0, 1], vec![2, 3], vec![4]]);
    }

    #[test]
    fn packages_side_by_side_under_one_folder_are_apart_until_one_imports_another() {
        // `site/alpha/...`, `site/beta/...`, `site/gamma/...` and a script: a
        // folder of several projects. `beta` has a `base.py` with a unique name,
        // which `alpha`'s relative `from .base import x` does not reach.
        let path = |root: &str, name: &str, in_package: bool| ModulePath {
            root: std::path::PathBuf::from(root),
            name: name.to_string(),
            is_package_init: false,
            in_package,
            is_dunder_main: false,
            is_conftest: false,
            is_notebook: false,
        };
        let paths = [
            path("/site", "alpha.core", true),
            path("/site", "alpha.sub.helpers", true),
            path("/site/alpha/sub/data", "loader", false),
            path("/site", "beta.base", true),
            path("/site", "gamma.run", true),
            path("/site", "tool", false),
        ];
        let stems: Vec<Option<String>> = [
            "core", "helpers", "loader", "base", "run", "tool", "alpha", "beta", "gamma",
        ]
        .iter()
        .map(|stem| Some(stem.to_string()))
        .collect();
        let known: FxHashSet<String> = stems.iter().flatten().cloned().collect();
        let scans = [
            scan_file("from .sub.helpers import x\nfrom .base import y\n", &known),
            scan_file("from .. import core\n", &known),
            scan_file("import os\n", &known),
            scan_file("import os\n", &known),
            // `gamma` imports `beta` by its absolute name.
            scan_file("from beta.base import Base\n", &known),
            scan_file("import alpha.core\n", &known),
        ];
        let groups = import_groups(&paths, &stems, &scans);
        // The namespace folder `alpha/sub/data` is `alpha`'s; the script joins `alpha`.
        assert_eq!(groups, vec![vec![0, 1, 2, 5], vec![3, 4]]);
    }

    #[test]
    fn a_namespace_package_is_grouped_with_the_scripts_above_it() {
        // LTSF-Linear's layout: `exp/` (no `__init__.py`) at the top and again in a
        // sub-project `FEDformer/`, so `exp_main` is not a unique name.
        let path = |root: &str, name: &str| ModulePath {
            root: std::path::PathBuf::from(root),
            name: name.to_string(),
            is_package_init: false,
            in_package: false,
            is_dunder_main: false,
            is_conftest: false,
            is_notebook: false,
        };
        let paths = [
            path("/repo", "run_longExp"),
            path("/repo/exp", "exp_main"),
            path("/repo/FEDformer", "run"),
            path("/repo/FEDformer/exp", "exp_main"),
            path("/other", "tool"),
        ];
        let stems: Vec<Option<String>> = ["run_longExp", "exp_main", "run", "exp_main", "tool"]
            .iter()
            .map(|stem| Some(stem.to_string()))
            .collect();
        let known: FxHashSet<String> = ["exp_main", "run", "tool"]
            .iter()
            .map(|name| name.to_string())
            .collect();
        let scans = [
            scan_file("from exp.exp_main import Exp_Main\n", &known),
            scan_file("import torch\n", &known),
            scan_file("from exp.exp_main import Exp_Main\n", &known),
            scan_file("import torch\n", &known),
            scan_file("import os\n", &known),
        ];
        let groups = import_groups(&paths, &stems, &scans);
        assert_eq!(groups, vec![vec![0, 1, 2, 3], vec![4]]);
    }

    #[test]
    fn import_names_follow_continuations() {
        let names = imported_names_all(
            "import os\nfrom pkg.sub import (\n    alpha,\n    beta,  # comment\n)\nx = gamma\nfrom . import \\\n    delta\n",
        );
        for name in ["os", "pkg", "sub", "alpha", "beta", "delta"] {
            assert!(names.contains(name), "{name}");
        }
        assert!(!names.contains("gamma"));
        let names = imported_names_all(
            "x = importlib.import_module(name)\nfrom pkg \\\r\n    import epsilon\nimport zeta",
        );
        for name in ["pkg", "epsilon", "zeta"] {
            assert!(names.contains(name), "{name}");
        }
        assert!(!names.contains("importlib") && !names.contains("x"));
    }

    #[test]
    fn self_relevance() {
        for relevant in [
            "import multiprocessing as mp\n",
            "from concurrent.futures import ProcessPoolExecutor\n",
            "if __name__ == 'main':\n",
            "if __name__ == \"__main\":\n",
            "if (__name__) == 'main':\n",
            "if 'main' == __name__:\n",
            "if __name__ is '__main__':\n",
            "if __name__ in ('__main__', '__mp_main__'):\n",
            "if __name__ == '__main__' 'x':\n",
            "if \"__name__\" == \"__main__\":\n",
            "if 'x' == __file__:\n",
            "if __file__ == 'main.py':\n",
            "if \"__main__\":\n",
            "elif ( r'main' ):\n",
            "if 'a' 'main':\n",
            "if 'it\\'s main':\n",
            "if \"\"\"__main__\"\"\":\n",
            "x = 1\nelif 'main':\n",
            "if __name__ \\\n    == 'main':\n",
        ] {
            assert!(is_self_relevant(relevant.as_bytes()), "{relevant}");
        }
        for irrelevant in [
            "if __name__ == '__main__':\n    main()\n",
            "if __name__ == \"__main__\":  # run\n    main()\n",
            "if __name__ != '__main__':\n    pass\n",
            "log = getLogger(__name__)\n",
            "here = os.path.dirname(__file__)\n",
            "name = cls.__name__\nif x in y:\n    pass\n",
            "if 'key' in mapping:\n    pass\n",
            "if 'domain' in mapping:\n    pass\n",
            "if 'domain'.startswith(x):\n    pass\n",
            "if '\\x00' in value:\n    pass\n",
            "if 'it\\'s main' in value:\n    pass\n",
            "if \"\"\"doc\"\"\" in x:\n    pass\n",
            "def is_main(): return __name__\n",
            "if cls.__name__ == 'main':\n",
            "while x:\n    pass\nelif_ = 'main'\n",
        ] {
            assert!(!is_self_relevant(irrelevant.as_bytes()), "{irrelevant}");
        }
    }

    #[test]
    fn down_names_resolve_to_project_files() {
        let path = |name: &str, is_package_init: bool| ModulePath {
            root: std::path::PathBuf::from("/project"),
            name: name.to_string(),
            is_package_init,
            in_package: name.contains('.') || is_package_init,
            is_dunder_main: false,
            is_conftest: false,
            is_notebook: false,
        };
        let paths = vec![
            path("main", false),
            path("etl", true),
            path("etl.extract", false),
        ];
        let mut by_name: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
        for (index, path) in paths.iter().enumerate() {
            by_name.entry(path.name.as_str()).or_default().push(index);
        }
        let resolve = |importer: usize, name: &str| resolve_down(&paths, &by_name, importer, name);
        assert_eq!(
            resolve(0, "etl.extract.emit"),
            Some((2, Some("emit".to_string())))
        );
        assert_eq!(
            resolve(2, ".extract.emit"),
            Some((2, Some("emit".to_string())))
        );
        assert_eq!(resolve(1, ".extract"), Some((2, None)));
        assert_eq!(
            resolve(0, "etl.run_all"),
            Some((1, Some("run_all".to_string())))
        );
        assert_eq!(resolve(0, "os.path.join"), None);
    }

    #[test]
    fn words_match_whole_identifiers_only() {
        let matcher = AhoCorasick::new(["run_all"]).unwrap();
        assert!(mentions_word(&matcher, "helpers.run_all()"));
        assert!(!mentions_word(&matcher, "helpers.run_all_later()"));
    }
}
