//! Which files can matter, decided from their bytes alone, so that the rest
//! are never parsed.
//!
//! A file matters when it names a process API or the main guard, or when it
//! imports a module that matters: a script that calls `helpers.run_all()`
//! matters because `helpers.py` creates a Pool. Every import of a module names
//! the module's last component in an `import`/`from` statement
//! (`import pkg.helpers`, `from pkg import helpers`, `from .helpers import f`),
//! and a package that re-exports it imports it in its `__init__.py`, which
//! then matters too; so following those names to a fixed point finds every
//! file the analysis can reach.

use std::path::{Path, PathBuf};

use aho_corasick::AhoCorasick;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::source::SourceText;

/// Text that every file relevant by itself contains: the process APIs
/// (`multiprocessing`, `multiprocess`, `torch.multiprocessing`,
/// `concurrent.futures`, `billiard`) and the main guard's `"__main__"`.
const SELF_RELEVANT: &[&str] = &[
    "multiprocess",
    "concurrent.futures",
    "from concurrent import",
    "billiard",
    "__main__",
];

/// `__name__ == "main"`, `__file__ == ...`: broken guards with no `__main__` in them.
fn compares_dunder(text: &[u8], dunder: &[u8]) -> bool {
    memchr::memmem::find_iter(text, dunder).any(|at| {
        let after = text[at + dunder.len()..]
            .iter()
            .skip_while(|b| **b == b' ' || **b == b'\t')
            .take(3)
            .copied()
            .collect::<Vec<u8>>();
        let before: Vec<u8> = text[..at]
            .iter()
            .rev()
            .skip_while(|b| **b == b' ' || **b == b'\t')
            .take(2)
            .copied()
            .collect();
        after.starts_with(b"==")
            || after.starts_with(b"!=")
            || after.starts_with(b"is ")
            || after.starts_with(b"in ")
            || before.starts_with(b"==")
            || before.starts_with(b"=!")
    })
}

fn is_self_relevant(keywords: &AhoCorasick, text: &[u8]) -> bool {
    keywords.is_match(text)
        || compares_dunder(text, b"__name__")
        || compares_dunder(text, b"__file__")
}

/// The identifiers in a file's `import` and `from` statements (with their
/// parenthesised and backslash continuation lines).
fn imported_names(text: &str) -> FxHashSet<&str> {
    let mut names = FxHashSet::default();
    let mut in_statement = false;
    let mut open_parens = 0usize;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if !in_statement {
            let starts_import = trimmed.starts_with("import ") || trimmed.starts_with("from ");
            if !starts_import {
                continue;
            }
            open_parens = 0;
        }
        let code = trimmed.split('#').next().unwrap_or_default();
        for name in code.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
            if !name.is_empty() {
                names.insert(name);
            }
        }
        open_parens += code.matches('(').count();
        open_parens = open_parens.saturating_sub(code.matches(')').count());
        in_statement = open_parens > 0 || code.trim_end().ends_with('\\');
    }
    names
}

/// For each file, whether it can matter.
pub fn files_that_matter(files: &[(PathBuf, String, SourceText)]) -> Vec<bool> {
    let keywords = AhoCorasick::new(SELF_RELEVANT).expect("static patterns");
    let scanned: Vec<(bool, FxHashSet<&str>)> = files
        .par_iter()
        .map(|(_, _, source)| {
            let text = source.text.as_str();
            if is_self_relevant(&keywords, text.as_bytes()) {
                (true, FxHashSet::default())
            } else {
                (false, imported_names(text))
            }
        })
        .collect();
    let mut matters: Vec<bool> = scanned.iter().map(|(relevant, _)| *relevant).collect();

    // Which files import a name: the reverse index, so each round is linear.
    let mut importers: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
    for (index, (_, names)) in scanned.iter().enumerate() {
        for name in names {
            importers.entry(name).or_default().push(index);
        }
    }
    let mut pending: Vec<usize> = (0..files.len()).filter(|&i| matters[i]).collect();
    while let Some(index) = pending.pop() {
        let Some(stem) = module_stem(&files[index].0) else {
            continue;
        };
        if let Some(importing) = importers.get(stem.as_str()) {
            for &importer in importing {
                if !matters[importer] {
                    matters[importer] = true;
                    pending.push(importer);
                }
            }
        }
    }
    matters
}

/// The name other files use to import this one: its stem, or its package's
/// name for an `__init__.py`.
fn module_stem(path: &Path) -> Option<String> {
    let stem = path.file_stem()?.to_string_lossy().into_owned();
    if stem == "__init__" {
        return path
            .parent()?
            .file_name()
            .map(|name| name.to_string_lossy().into_owned());
    }
    (stem != "__main__").then_some(stem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_names_follow_continuations() {
        let names = imported_names(
            "import os\nfrom pkg.sub import (\n    alpha,\n    beta,  # comment\n)\nx = gamma\nfrom . import \\\n    delta\n",
        );
        for name in ["os", "pkg", "sub", "alpha", "beta", "delta"] {
            assert!(names.contains(name), "{name}");
        }
        assert!(!names.contains("gamma"));
    }

    #[test]
    fn guard_comparisons_without_main_string() {
        assert!(compares_dunder(b"if __name__ == 'main':", b"__name__"));
        assert!(compares_dunder(b"if 'x' == __file__:", b"__file__"));
        assert!(!compares_dunder(b"log = getLogger(__name__)", b"__name__"));
        assert!(!compares_dunder(
            b"here = os.path.dirname(__file__)",
            b"__file__"
        ));
    }
}
