//! Which files can matter, decided from their bytes alone, so that the rest
//! are never parsed.
//!
//! A file matters when it names a process API or the main guard, or when it
//! mentions (so may import) a module that matters: a script that calls
//! `helpers.run_all()` matters because `helpers.py` creates a Pool.

use std::path::PathBuf;

use aho_corasick::AhoCorasick;
use rayon::prelude::*;

use crate::source::SourceText;

/// Text that every file relevant by itself contains: the process APIs
/// (`multiprocessing`, `multiprocess`, `concurrent.futures`, `billiard`,
/// `torch.multiprocessing`) and the main guard (`"__main__"`; `__file__` for
/// broken guards that compare it).
const SELF_RELEVANT: &[&str] = &[
    "multiprocess",
    "concurrent",
    "billiard",
    "torch",
    "__main__",
    "__file__",
];

fn names_guard_comparison(text: &[u8]) -> bool {
    // `__name__ == "main"` and friends have no `__main__` in them.
    memchr::memmem::find_iter(text, b"__name__").any(|at| {
        let after = text[at + 8..]
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

/// For each file, whether it can matter.
pub fn files_that_matter(files: &[(PathBuf, String, SourceText)]) -> Vec<bool> {
    let keywords = AhoCorasick::new(SELF_RELEVANT).expect("static patterns");
    let mut matters: Vec<bool> = files
        .par_iter()
        .map(|(_, _, source)| {
            let bytes = source.text.as_bytes();
            keywords.is_match(bytes) || names_guard_comparison(bytes)
        })
        .collect();

    // Grow the set: files that mention the module name of a file that matters.
    let mut newly: Vec<usize> = (0..files.len()).filter(|&i| matters[i]).collect();
    while !newly.is_empty() {
        let mut names: Vec<String> = newly
            .iter()
            .filter_map(|&index| module_stem(&files[index].0))
            .collect();
        names.sort();
        names.dedup();
        if names.is_empty() {
            break;
        }
        let matcher = AhoCorasick::new(&names).expect("module names are plain text");
        let found: Vec<usize> = (0..files.len())
            .into_par_iter()
            .filter(|&index| !matters[index] && matcher.is_match(files[index].2.text.as_bytes()))
            .collect();
        for &index in &found {
            matters[index] = true;
        }
        newly = found;
    }
    matters
}

/// The name other files use to import this one: its stem, or its package's
/// name for an `__init__.py`.
fn module_stem(path: &std::path::Path) -> Option<String> {
    let stem = path.file_stem()?.to_string_lossy().into_owned();
    if stem == "__init__" {
        return path
            .parent()?
            .file_name()
            .map(|name| name.to_string_lossy().into_owned());
    }
    (stem != "__main__").then_some(stem)
}
