//! `spawnsafe explain` on the traceback corpus: tracebacks captured from real
//! CPython runs (`tests/explain/capture.py` writes `tests/explain/corpus/`) and
//! hand-written variants for other Python versions, Windows, IPython/Jupyter
//! and CI logs (`tests/explain/corpus/handwritten/`). Each file must yield the
//! signatures and rule codes its `expected.txt` line names, and its rendered
//! explanation is snapshot-tested.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use spawnsafe_runtime::explain::{explain, render_json, render_text, ExplainOptions};

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

fn found(explanation: &spawnsafe_runtime::explain::Explanation) -> (String, String) {
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

/// `name.txt kind=K signatures=a,b codes=SPS101` lines of `damaged/expected.txt`.
fn damaged_expectations(dir: &Path) -> Vec<(String, String, String, String)> {
    let text = std::fs::read_to_string(dir.join("expected.txt")).unwrap();
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let mut parts = line.split_whitespace();
            let name = parts.next().unwrap().to_string();
            let mut fields = BTreeMap::new();
            for part in parts {
                let (key, value) = part.split_once('=').unwrap();
                fields.insert(key, value.to_string());
            }
            (
                name,
                fields["kind"].clone(),
                fields["signatures"].clone(),
                fields["codes"].clone(),
            )
        })
        .collect()
}

/// Per kind of damage: positives, named right, look-alikes, blamed.
#[derive(Default)]
struct Tally {
    positives: usize,
    named: usize,
    lookalikes: usize,
    blamed: usize,
    misses: Vec<String>,
}

fn score(
    tally: &mut Tally,
    name: &str,
    explanation: &spawnsafe_runtime::explain::Explanation,
    signatures: &str,
    codes: &str,
) {
    let lookalike = matches!(signatures.split(',').next(), Some("unknown" | "none"));
    let (found_signatures, found_codes) = found(explanation);
    if lookalike {
        tally.lookalikes += 1;
        // Blamed: any start-method problem named at all.
        if !explanation.items.is_empty() {
            tally.blamed += 1;
            tally.misses.push(format!(
                "{name}: look-alike blamed: {found_signatures} {found_codes}"
            ));
        }
        return;
    }
    tally.positives += 1;
    // Named right: the same rule codes, or for a failure no rule finds
    // statically (`-`), the same leading signature.
    let right = if codes == "-" {
        found_signatures.split(',').next() == signatures.split(',').next()
    } else {
        found_codes == codes
    };
    if right {
        tally.named += 1;
    } else {
        tally.misses.push(format!(
            "{name}: expected {signatures} {codes}, found {found_signatures} {found_codes}"
        ));
    }
}

fn options_for(programs: &Path, case: &str) -> ExplainOptions {
    ExplainOptions {
        check_local: true,
        base_dir: Some(programs.join(case)),
        path_map: vec![
            ("/home/dev/".to_string(), programs.to_path_buf()),
            ("C:\\Users\\dev\\".to_string(), programs.to_path_buf()),
        ],
    }
}

/// The whole corpus, complete and damaged: at least 90% of the positives
/// named right and at most 5% of the look-alikes blamed, with the numbers per
/// kind of damage printed as a table (`cargo test -p spawnsafe_linter --test
/// explain -- --nocapture damaged`).
#[test]
fn damaged_corpus_table() {
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
    let programs = Path::new("tests/explain/programs");
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    for dir in [
        corpus_root(),
        corpus_root().join("extra"),
        corpus_root().join("handwritten"),
        corpus_root().join("forkserver"),
    ] {
        for (name, (signatures, codes)) in expectations(&dir) {
            let text = std::fs::read_to_string(dir.join(&name)).unwrap();
            let stem = name.trim_end_matches(".txt");
            let case = match stem.split_once('_') {
                Some((version, case))
                    if version.starts_with("py") && programs.join(case).is_dir() =>
                {
                    case
                }
                _ => stem,
            };
            let explanation = explain(&text, &options_for(programs, case));
            let tally = tallies.entry("(complete)".to_string()).or_default();
            score(tally, &name, &explanation, &signatures, &codes);
        }
    }
    let damaged = corpus_root().join("damaged");
    tally_damaged(&damaged, programs, &mut tallies);
    let (total, table) = print_table(&tallies);
    readme_table("damaged_corpus_table", &table);
    assert!(
        total.positives + total.lookalikes >= 120,
        "at least 120 pastes"
    );
    assert!(
        total.lookalikes * 5 >= total.positives + total.lookalikes,
        "about a quarter look-alikes"
    );
    assert!(
        total.named * 10 >= total.positives * 9,
        "at least 90% of positives named right"
    );
    assert!(
        total.blamed * 20 <= total.lookalikes,
        "at most 5% of look-alikes blamed"
    );
}

/// Explains every file of a damaged corpus directory (`expected.txt` with
/// `kind=`), tallied per kind.
fn tally_damaged(damaged: &Path, programs: &Path, tallies: &mut BTreeMap<String, Tally>) {
    let expected = damaged_expectations(damaged);
    let files = corpus_files(damaged);
    assert_eq!(
        expected.len(),
        files.len(),
        "damaged/expected.txt and its files disagree"
    );
    for (name, kind, signatures, codes) in &expected {
        let text = std::fs::read_to_string(damaged.join(name)).unwrap();
        let case = name.trim_end_matches(".txt").split_once("__").unwrap().1;
        let explanation = explain(&text, &options_for(programs, case));
        score(
            tallies.entry(kind.clone()).or_default(),
            name,
            &explanation,
            signatures,
            codes,
        );
    }
}

/// Prints the table (and the misses) and returns the totals.
fn print_table(tallies: &BTreeMap<String, Tally>) -> (Tally, String) {
    let mut table = String::from(
        "| damage | pastes | positives | named right | look-alikes | blamed |\n|---|---:|---:|---:|---:|---:|\n",
    );
    let mut total = Tally::default();
    for (kind, tally) in tallies {
        table.push_str(&format!(
            "| {kind} | {} | {} | {} ({:.0}%) | {} | {} ({:.0}%) |\n",
            tally.positives + tally.lookalikes,
            tally.positives,
            tally.named,
            100.0 * tally.named as f64 / tally.positives.max(1) as f64,
            tally.lookalikes,
            tally.blamed,
            100.0 * tally.blamed as f64 / tally.lookalikes.max(1) as f64,
        ));
        total.positives += tally.positives;
        total.named += tally.named;
        total.lookalikes += tally.lookalikes;
        total.blamed += tally.blamed;
        total.misses.extend(tally.misses.iter().cloned());
    }
    table.push_str(&format!(
        "| all | {} | {} | {} ({:.1}%) | {} | {} ({:.1}%) |\n",
        total.positives + total.lookalikes,
        total.positives,
        total.named,
        100.0 * total.named as f64 / total.positives as f64,
        total.lookalikes,
        total.blamed,
        100.0 * total.blamed as f64 / total.lookalikes as f64,
    ));
    println!("{table}");
    println!("misses:\n{}", total.misses.join("\n"));
    (total, table)
}

/// The README shows `table` between `<!-- begin explain table: NAME -->` and
/// `<!-- end explain table -->`; `SPAWNSAFE_UPDATE_DOCS=1` writes it there.
fn readme_table(name: &str, table: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let begin = format!("<!-- begin explain table: {name} -->\n");
    let start = readme
        .find(&begin)
        .expect("the README has the table's markers")
        + begin.len();
    let end = start
        + readme[start..]
            .find("<!-- end explain table -->")
            .expect("the table's end marker");
    if &readme[start..end] == table {
        return;
    }
    if std::env::var_os("SPAWNSAFE_UPDATE_DOCS").is_some_and(|value| value == "1") {
        let updated = format!("{}{table}{}", &readme[..start], &readme[end..]);
        std::fs::write(&path, updated).unwrap();
    } else {
        panic!(
            "README.md's {name} table is stale (SPAWNSAFE_UPDATE_DOCS=1 cargo test -p spawnsafe_runtime --test explain writes it):\n{table}"
        );
    }
}

/// Every kind of damage on every captured paste it applies to (`damage.py
/// --all`, about a thousand pastes made in a temporary directory): the
/// committed sample must not be a lucky one.
#[test]
fn every_damage_of_every_captured_paste() {
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
    let programs = Path::new("tests/explain/programs");
    let out = tempfile::tempdir().unwrap();
    let python = std::env::var("SPAWNSAFE_ORACLE_PYTHON").unwrap_or_else(|_| "python3".into());
    let status = std::process::Command::new(python)
        .arg("tests/explain/damage.py")
        .arg("--all")
        .arg("--out")
        .arg(out.path())
        .status()
        .expect("python3 runs damage.py");
    assert!(status.success());
    let mut tallies = BTreeMap::new();
    tally_damaged(out.path(), programs, &mut tallies);
    let (total, table) = print_table(&tallies);
    readme_table("every_damage_of_every_captured_paste", &table);
    assert!(total.positives + total.lookalikes >= 900);
    assert!(
        total.named * 100 >= total.positives * 95,
        "at least 95% of positives named right"
    );
    assert!(
        total.blamed * 50 <= total.lookalikes,
        "at most 2% of look-alikes blamed"
    );
}

/// Mangled pastes never make `explain` panic: every complete paste, cut,
/// spliced and sprinkled with the characters the decorations use (box
/// drawing, typographic quotes, escape sequences, multi-byte text), by a
/// fixed pseudo-random sequence.
#[test]
fn mangled_pastes_never_panic() {
    const NOISE: &[&str] = &[
        "│",
        "╭─ Traceback ─╮",
        "❱ 3 ",
        "‘",
        "”",
        "\u{1b}[31m",
        "\u{1b}]8;;x\u{7}",
        "é",
        "🙂",
        "> ",
        "E   ",
        "____ t ____",
        "\n",
        "\r\n",
        "  File \"",
        "Traceback (most recent call last):",
        "RuntimeError: ",
        "<class '",
        "('",
        "when serializing ",
        ":12 in ",
        "\t",
        "2026-01-01T00:00:00Z ",
    ];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |bound: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % bound.max(1) as u64) as usize
    };
    let mut runs = 0;
    for dir in [
        corpus_root(),
        corpus_root().join("extra"),
        corpus_root().join("handwritten"),
    ] {
        for file in corpus_files(&dir) {
            let text = std::fs::read_to_string(&file).unwrap();
            for _ in 0..8 {
                let chars: Vec<char> = text.chars().collect();
                let mut mangled: Vec<char> = chars.clone();
                for _ in 0..1 + next(6) {
                    let at = next(mangled.len() + 1);
                    match next(4) {
                        0 => mangled.truncate(at),
                        1 => {
                            let end = (at + next(200)).min(mangled.len());
                            mangled.drain(at..end);
                        }
                        2 => {
                            let from = next(chars.len() + 1);
                            let end = (from + next(300)).min(chars.len());
                            mangled.splice(at..at, chars[from..end].iter().copied());
                        }
                        _ => {
                            let noise = NOISE[next(NOISE.len())];
                            mangled.splice(at..at, noise.chars());
                        }
                    }
                }
                let mangled: String = mangled.into_iter().collect();
                let explanation = explain(&mangled, &ExplainOptions::default());
                let _ = render_text(&explanation);
                let _ = render_json(&explanation);
                runs += 1;
            }
        }
    }
    assert!(runs >= 1000, "{runs} mangled pastes");
}

/// The unseen pastes (`tests/explain/unseen.py` writes `corpus/unseen/`):
/// shaped like public issue reports, captured from our own programs and
/// decorated as the reports were, and scored as a paste from another machine
/// is (none of its files exist here). Prints the table
/// (`cargo test -p spawnsafe_runtime --test explain -- --nocapture unseen`).
#[test]
fn unseen_pastes_table() {
    let dir = corpus_root().join("unseen");
    let mut tally = Tally::default();
    let mut kinds: BTreeMap<String, Tally> = BTreeMap::new();
    for (name, (signatures, codes)) in expectations(&dir) {
        let text = std::fs::read_to_string(dir.join(&name)).unwrap();
        let options = ExplainOptions {
            check_local: true,
            ..ExplainOptions::default()
        };
        let explanation = explain(&text, &options);
        score(&mut tally, &name, &explanation, &signatures, &codes);
    }
    let total_pastes = tally.positives + tally.lookalikes;
    kinds.insert("(unseen)".to_string(), tally);
    let (total, _) = print_table(&kinds);
    assert_eq!(total_pastes, 40, "40 unseen pastes");
    assert_eq!(
        corpus_files(&dir).len(),
        40,
        "expected.txt and the files agree"
    );
    assert!(
        total.named * 10 >= total.positives * 9,
        "at least 90% of the unseen positives named right"
    );
    assert!(
        total.blamed * 10 <= total.lookalikes,
        "at most 10% of the unseen look-alikes blamed"
    );
}

/// The fresh pastes (`tests/explain/fresh.py` writes `corpus/fresh/`): 21
/// more programs run on CPython 3.8-3.13 and damaged as users paste them
/// (tail without header, pytest `E   `, rich frames, wraps, ANSI,
/// timestamps, quotes), six of them look-alikes, scored as pastes from
/// another machine (`cargo test -p spawnsafe_runtime --test explain --
/// --nocapture fresh`).
#[test]
fn fresh_pastes_table() {
    let dir = corpus_root().join("fresh");
    let mut tally = Tally::default();
    for (name, (signatures, codes)) in expectations(&dir) {
        let text = std::fs::read_to_string(dir.join(&name)).unwrap();
        let options = ExplainOptions {
            check_local: true,
            ..ExplainOptions::default()
        };
        let explanation = explain(&text, &options);
        score(&mut tally, &name, &explanation, &signatures, &codes);
    }
    let total_pastes = tally.positives + tally.lookalikes;
    let mut kinds = BTreeMap::new();
    kinds.insert("(fresh)".to_string(), tally);
    let (total, _) = print_table(&kinds);
    assert_eq!(total_pastes, 21, "21 fresh pastes");
    assert_eq!(
        corpus_files(&dir).len(),
        21,
        "expected.txt and the files agree"
    );
    assert!(
        total.named * 10 >= total.positives * 9,
        "at least 90% of the fresh positives named right"
    );
    assert!(
        total.blamed * 20 <= total.lookalikes,
        "at most 5% of the fresh look-alikes blamed"
    );
}

/// Every spawn case of the corpus captured again under forkserver on CPython
/// 3.8-3.13 (`tests/explain/forkserver_variants.py` writes
/// `corpus/forkserver/`): `popen_forkserver.py` frames in the parent,
/// `forkserver.py` `main`/`_serve_one` above `spawn.py _main` in the
/// children. Each must get the diagnosis its spawn original gets.
#[test]
fn forkserver_variants_match_expectations() {
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
    let programs = Path::new("tests/explain/programs");
    let dir = corpus_root().join("forkserver");
    let expected = expectations(&dir);
    assert_eq!(expected.len(), corpus_files(&dir).len());
    assert!(
        expected.len() >= 50,
        "{} forkserver variants",
        expected.len()
    );
    let mut mismatches = Vec::new();
    for (name, want) in &expected {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        let case = name
            .trim_end_matches(".txt")
            .split_once('_')
            .map(|(_, case)| case)
            .unwrap();
        let explanation = explain(&text, &options_for(programs, case));
        let got = found(&explanation);
        if &got != want {
            mismatches.push(format!(
                "{name}: expected signatures={} codes={}, found signatures={} codes={}",
                want.0, want.1, got.0, got.1
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} forkserver variants disagree:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

/// Every diagnosis of every paste of the corpus names its rule code (or,
/// for a failure no static rule can find, says so by its signature), the
/// cause in one sentence and the fix, and carries a confidence with the
/// evidence lines it rests on; its JSON carries the same.
#[test]
fn every_diagnosis_names_code_cause_fix_confidence_and_evidence() {
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
    // Failures that no rule finds in the source: the environment or the
    // other side of a pipe is at fault, or the paste shows only a consequence.
    const NO_RULE: &[&str] = &[
        "broken-process-pool",
        "main-without-spec",
        "main-file-missing",
        "child-died-at-start",
        "parent-failed-pickling",
        "dataloader-worker-exited",
    ];
    let mut problems = Vec::new();
    let mut items = 0;
    for sub in [
        "",
        "extra",
        "handwritten",
        "unseen",
        "forkserver",
        "damaged",
    ] {
        let dir = corpus_root().join(sub);
        for file in corpus_files(&dir) {
            let text = std::fs::read_to_string(&file).unwrap();
            let explanation = explain(&text, &ExplainOptions::default());
            let json: serde_json::Value = serde_json::from_str(&render_json(&explanation)).unwrap();
            let name = format!("{sub}/{}", file.file_name().unwrap().to_string_lossy());
            for (index, item) in explanation.items.iter().enumerate() {
                items += 1;
                let signature = item.signature.as_str();
                if item.code.is_none() && !item.consequence && !NO_RULE.contains(&signature) {
                    problems.push(format!("{name}: {signature} names no rule code"));
                }
                let sentence = item.title.trim();
                if sentence.is_empty() || sentence.contains('\n') {
                    problems.push(format!("{name}: {signature}: no one-sentence cause"));
                }
                if item.help.trim().is_empty() || item.meaning.trim().is_empty() {
                    problems.push(format!("{name}: {signature}: no fix or no explanation"));
                }
                if !(item.confidence > 0.0 && item.confidence <= 1.0) || item.evidence.is_empty() {
                    problems.push(format!("{name}: {signature}: no confidence or evidence"));
                }
                let in_json = &json["items"][index];
                if in_json["code"].as_str() != item.code
                    || in_json["confidence"].as_f64().is_none()
                    || in_json["evidence"].as_array().is_none_or(|lines| {
                        lines.is_empty() || lines.iter().any(|line| line["text"].as_str().is_none())
                    })
                {
                    problems.push(format!(
                        "{name}: {signature}: JSON lacks code, confidence or evidence"
                    ));
                }
            }
        }
    }
    println!("{items} diagnoses checked");
    assert!(items >= 350, "{items} diagnoses");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
