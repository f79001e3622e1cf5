//! `check --fix --unsafe-fixes` on arbitrary programs of two modules (the
//! input split at its first NUL byte): when every input parses, every fixed
//! file parses, only files with a fixable finding change, and fixing the
//! fixed program again changes nothing.
#![no_main]

use std::path::{Path, PathBuf};

use libfuzzer_sys::fuzz_target;
use spawnsafe_linter::fixer::{fix_paths, FixOptions};
use spawnsafe_linter::linter::check_paths;
use spawnsafe_linter::source::{decode_source, source_type};
use spawnsafe_linter::syntax::{parse, parser_version};
use spawnsafe_linter::CheckOptions;

/// The text parses for the newest Python, with no problem at all.
fn parses(path: &Path, text: &str) -> bool {
    let (_, problem) = parse(text, source_type(path), parser_version(None)).into_module();
    problem.is_none()
}

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(2, |&byte| byte == 0);
    let main = parts.next().unwrap_or_default();
    let helper = parts.next().unwrap_or_default();
    let dir = tempfile::tempdir().expect("a scratch directory");
    let mut files: Vec<PathBuf> = Vec::new();
    for (name, bytes) in [("main.py", main), ("helper.py", helper)] {
        let Ok(source) = decode_source(bytes.to_vec()) else {
            return;
        };
        let path = dir.path().join(name);
        if !parses(&path, &source.text) {
            return;
        }
        std::fs::write(&path, bytes).expect("write the input");
        files.push(path);
    }
    let options = CheckOptions {
        isolated: true,
        ..CheckOptions::default()
    };
    let roots = [dir.path().to_path_buf()];
    let before = check_paths(&roots, &options).expect("the check answers");
    let fixable: Vec<&Path> = before
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.fix.is_some())
        .map(|diagnostic| diagnostic.file.path.as_path())
        .collect();
    let all = FixOptions {
        unsafe_fixes: true,
        dry_run: false,
    };
    let fixed = fix_paths(&roots, &options, all).expect("fixing answers");
    for file in &fixed.files {
        if file.written {
            assert!(
                parses(&file.path, &file.fixed_text),
                "the fixed {} does not parse:\n{}",
                file.display_path,
                file.fixed_text
            );
            assert!(
                fixable.contains(&file.path.as_path()),
                "{} changed without a fixable finding",
                file.display_path
            );
        }
    }
    if fixed.fixes_applied() > 0 && !fixed.did_not_converge {
        let again = fix_paths(&roots, &options, all).expect("fixing answers");
        assert_eq!(
            again.fixes_applied(),
            0,
            "fixing the fixed program changed it again: {:?}",
            again
                .files
                .iter()
                .map(|file| (&file.display_path, &file.applied))
                .collect::<Vec<_>>()
        );
    }
    drop(files);
});
