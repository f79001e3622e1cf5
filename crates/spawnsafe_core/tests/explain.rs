//! `spawnsafe explain` on the traceback corpus: tracebacks captured from real
//! CPython runs (`tests/explain/capture.py` writes `tests/explain/corpus/`) and
//! hand-written variants for other Python versions, Windows, IPython/Jupyter
//! and CI logs (`tests/explain/corpus/handwritten/`). Each file must yield the
//! signatures and rule codes its `expected.txt` line names, and its rendered
//! explanation is snapshot-tested.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use spawnsafe_core::explain::{explain, render_json, render_text, ExplainOptions};

fn corpus_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/explain/corpus")
}

/// `name.txt signatures=a,b codes=SPS101` lines.
fn expectations(dir: &Path) -> BTreeMap<String, (String, String)> {
    let text = std::fs::read_to_string(dir.join("expected.txt")).unwrap();
    let mut expected = BTreeMap::new();
    for line in text
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
    {
        let mut parts = line.split_whitespace();
        let name = parts.next().unwrap().to_string();
        let mut signatures = String::new();
        let mut codes = String::new();
        for part in parts {
            if let Some(value) = part.strip_prefix("signatures=") {
                signatures = value.to_string();
            } else if let Some(value) = part.strip_prefix("codes=") {
                codes = value.to_string();
            }
        }
        expected.insert(name, (signatures, codes));
    }
    expected
}

fn corpus_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.extension().is_some_and(|ext| ext == "txt")
                && path.file_name().is_some_and(|name| name != "expected.txt")
        })
        .collect();
    files.sort();
    files
}

fn found(explanation: &spawnsafe_core::explain::Explanation) -> (String, String) {
    let mut signatures: Vec<&str> = Vec::new();
    for item in &explanation.items {
        if !signatures.contains(&item.signature.as_str()) {
            signatures.push(item.signature.as_str());
        }
    }
    let signatures = if !signatures.is_empty() {
        signatures.join(",")
    } else if !explanation.unknown.is_empty() {
        "unknown".to_string()
    } else {
        "none".to_string()
    };
    let mut codes: Vec<&str> = Vec::new();
    for item in explanation.items.iter().filter(|item| !item.consequence) {
        if let Some(code) = item.code {
            if !codes.contains(&code) {
                codes.push(code);
            }
        }
    }
    let codes = if codes.is_empty() {
        "-".to_string()
    } else {
        codes.join(",")
    };
    (signatures, codes)
}

#[test]
fn corpus_explanations_match_expectations_and_snapshots() {
    // Paths in the local check's findings are relative to the crate.
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
    let programs = Path::new("tests/explain/programs");
    let mut mismatches = Vec::new();
    let mut counts = BTreeMap::new();
    for (kind, dir) in [
        ("captured", corpus_root()),
        ("handwritten", corpus_root().join("handwritten")),
        ("extra", corpus_root().join("extra")),
    ] {
        let expected = expectations(&dir);
        let files = corpus_files(&dir);
        counts.insert(kind, files.len());
        for file in files {
            let name = file.file_name().unwrap().to_string_lossy().to_string();
            let stem = name.trim_end_matches(".txt");
            let text = std::fs::read_to_string(&file).unwrap();
            // capture.py ran each program in a copy at /home/dev/<case>; the
            // hand-written Windows variants name C:\Users\dev\<case>.
            // A variant captured from another version (`py38_<case>`) ran
            // the program of its case, with relative paths from its directory.
            let case = match stem.split_once('_') {
                Some((version, case))
                    if version.starts_with("py") && programs.join(case).is_dir() =>
                {
                    case
                }
                _ => stem,
            };
            let options = ExplainOptions {
                check_local: true,
                base_dir: Some(programs.join(case)),
                path_map: vec![
                    ("/home/dev/".to_string(), programs.to_path_buf()),
                    ("C:\\Users\\dev\\".to_string(), programs.to_path_buf()),
                ],
            };
            let explanation = explain(&text, &options);
            let Some(want) = expected.get(&name) else {
                mismatches.push(format!("{kind}/{name}: no line in expected.txt"));
                continue;
            };
            let got = found(&explanation);
            if &got != want {
                mismatches.push(format!(
                    "{kind}/{name}: expected signatures={} codes={}, found signatures={} codes={}",
                    want.0, want.1, got.0, got.1
                ));
            }
            insta::assert_snapshot!(format!("{kind}__{stem}"), render_text(&explanation));
        }
        assert_eq!(
            expected.len(),
            counts[kind],
            "{kind}: expected.txt and the corpus files disagree"
        );
    }
    println!("corpus: {counts:?}");
    assert!(counts["captured"] >= 40, "at least 40 captured tracebacks");
    assert!(
        mismatches.is_empty(),
        "{} corpus files disagree with expected.txt:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

#[test]
fn json_rendering_of_a_captured_traceback() {
    let text = std::fs::read_to_string(corpus_root().join("worker_defined_in_guard_executor.txt"))
        .unwrap();
    let explanation = explain(&text, &ExplainOptions::default());
    let json: serde_json::Value = serde_json::from_str(&render_json(&explanation)).unwrap();
    assert_eq!(json["items"][0]["signature"], "missing-in-mp-main");
    assert_eq!(json["items"][0]["code"], "SPS105");
    assert_eq!(json["items"][0]["local_check"]["status"], "not-checked");
    assert_eq!(json["items"][1]["signature"], "broken-process-pool");
    assert_eq!(json["items"][1]["consequence"], true);
    assert_eq!(
        json["items"][1]["frame"]["file"], "main.py",
        "the parent's own frame"
    );
}

#[test]
fn local_check_says_when_no_finding_matches() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("job.py");
    // Guarded: spawnsafe finds nothing, although the (pasted) traceback says otherwise.
    std::fs::write(
        &script,
        "from multiprocessing import Pool\n\ndef f(x):\n    return x\n\nif __name__ == \"__main__\":\n    with Pool(2) as pool:\n        pool.map(f, [1])\n",
    )
    .unwrap();
    let traceback = format!(
        "Traceback (most recent call last):\n  File \"{}\", line 7, in <module>\n    with Pool(2) as pool:\n  File \"/usr/lib/python3.11/multiprocessing/spawn.py\", line 140, in _check_not_importing_main\n    raise RuntimeError('''\nRuntimeError: \n        An attempt has been made to start a new process before the\n        current process has finished its bootstrapping phase.\n",
        script.display()
    );
    let explanation = explain(
        &traceback,
        &ExplainOptions {
            check_local: true,
            ..ExplainOptions::default()
        },
    );
    let text = render_text(&explanation);
    assert!(text.contains("reports no SPS101 finding"), "{text}");
}
