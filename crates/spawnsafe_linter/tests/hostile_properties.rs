//! Properties on hostile input, with a seeded generator of our own (the
//! stable-toolchain companion of the `fuzz/` targets, run by every CI):
//!
//! - the whole check answers, without panicking, for mutated fixtures and
//!   fragments made to hurt (deep nesting, odd bytes, cookies, notebooks);
//! - on generated indentation (tabs, spaces, form feeds) and nesting, the
//!   errors spawnsafe says CPython raises are the ones `python3` raises.

mod common;

use std::path::Path;
use std::process::Command;

use spawnsafe_linter::settings::Overrides;
use spawnsafe_linter::{check_stdin, CheckOptions, Rule};

/// xorshift64*: deterministic, so a failure names a case that can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Fragments that have broken linters.
const HOSTILE: &[&[u8]] = &[
    b"\x00",
    b"\xef\xbb\xbf",
    b"# -*- coding: latin-1 -*-\n",
    b"# coding: utf\n",
    b"# coding: cp-1252\n",
    b"\r",
    b"\r\n",
    b"\x0c",
    b"\t",
    b"\xed\xa0\x80",
    b"\xff",
    b"\\\n",
    b"'''",
    b"f\"{",
    b"}",
    b"((((((((((",
    b"))))))",
    b"except* E:\n",
    b"type X = int\n",
    b"def f[T](x: T): pass\n",
    b"if __name__ == '__main__':\n",
    b"    ",
    b"lambda: lambda: ",
    b"import multiprocessing as mp\nmp.Pool()\n",
    b"mp.Process(target=lambda: 0).start()\n",
];

fn options(rng: &mut Rng) -> CheckOptions {
    let versions = [
        None,
        Some("py38"),
        Some("py310"),
        Some("py312"),
        Some("py314"),
    ];
    CheckOptions {
        isolated: true,
        prefilter: rng.below(2) == 0,
        overrides: Overrides {
            target_version: versions[rng.below(versions.len())].map(str::to_string),
            ..Overrides::default()
        },
        ..CheckOptions::default()
    }
}

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for _ in 0..1 + rng.below(6) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(6) {
            0 => {
                let fragment = HOSTILE[rng.below(HOSTILE.len())];
                bytes.splice(at..at, fragment.iter().copied());
            }
            1 => bytes.truncate(at),
            2 if !bytes.is_empty() => {
                let index = at.min(bytes.len() - 1);
                bytes[index] = rng.next() as u8;
            }
            3 => {
                // A chain deep enough to matter, sometimes deeper than CPython takes.
                let depth = [10, 250, 3_100][rng.below(3)];
                let chain = match rng.below(3) {
                    0 => format!("x = {}\n", vec!["1"; depth].join("+")),
                    1 => format!("x = a{}\n", ".b()".repeat(depth / 2)),
                    _ => format!("x = {}1{}\n", "(".repeat(depth), ")".repeat(depth)),
                };
                bytes.splice(at..at, chain.into_bytes());
            }
            4 => {
                let end = (at + rng.below(200)).min(bytes.len());
                let copy: Vec<u8> = bytes[at..end].to_vec();
                bytes.splice(at..at, copy);
            }
            _ => {
                let end = (at + rng.below(50)).min(bytes.len());
                bytes.drain(at..end);
            }
        }
    }
    bytes
}

#[test]
fn check_answers_for_mutated_input() {
    let seeds: Vec<Vec<u8>> = common::fixtures()
        .into_iter()
        .filter(|path| path.is_file())
        .step_by(7)
        .map(|path| std::fs::read(path).unwrap())
        .collect();
    assert!(!seeds.is_empty());
    let mut rng = Rng(0x5eed_0f40_5711_e5e5);
    for case in 0..600 {
        let seed = &seeds[rng.below(seeds.len())];
        let bytes = mutate(&mut rng, seed);
        let filename =
            ["m.py", "m.pyi", "m.ipynb"][usize::from(case % 10 == 0) + usize::from(case % 30 == 0)];
        let options = options(&mut rng);
        let result = check_stdin(bytes.clone(), Path::new(filename), &options);
        assert!(
            result.is_ok(),
            "case {case}: {:?}\n{}",
            result.err(),
            String::from_utf8_lossy(&bytes)
        );
    }
}

/// A small program whose indentation mixes tabs, spaces and form feeds, and
/// that opens some brackets.
fn indented_program(rng: &mut Rng) -> String {
    let blanks = [
        " ", "  ", "    ", "\t", "\t ", " \t", "        ", "\x0c", "\t\t",
    ];
    let mut text = String::new();
    let mut open = 0usize;
    for _ in 0..2 + rng.below(6) {
        let indent = if open == 0 {
            String::new()
        } else {
            (0..rng.below(4))
                .map(|_| blanks[rng.below(blanks.len())])
                .collect()
        };
        if rng.below(3) == 0 {
            text.push_str(&format!("{indent}if x:\n"));
            open += 1;
        } else {
            let nesting = [1, 2, 199, 200, 201][rng.below(5)];
            text.push_str(&format!(
                "{indent}y = {}0{}\n",
                "[".repeat(nesting),
                "]".repeat(nesting)
            ));
            open = open.saturating_sub(rng.below(2));
        }
    }
    if text.ends_with(":\n") {
        text.push_str("\tpass\n");
    }
    text
}

/// What compiling each text raised in `python3` (the exception's name and
/// message, or "ok"); `None` without python3.
fn cpython_verdicts(texts: &[String]) -> Option<Vec<String>> {
    let script = "import json, sys\nfor text in json.load(sys.stdin):\n    try:\n        compile(text, 'm.py', 'exec')\n        print('ok')\n    except (SyntaxError, RecursionError, MemoryError) as error:\n        print(type(error).__name__ + ': ' + str(getattr(error, 'msg', error)))\n";
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .ok()?;
    let input = serde_json::to_string(texts).unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), input.as_bytes()).unwrap();
    let output = child.wait_with_output().ok()?;
    assert!(output.status.success());
    Some(
        String::from_utf8(output.stdout)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect(),
    )
}

/// The CPython-only errors spawnsafe reports (the syntax layer's own).
const CPYTHON_LIMITS: &[&str] = &[
    "TabError: inconsistent use of tabs and spaces in indentation",
    "IndentationError: too many levels of indentation",
    "IndentationError: unindent does not match any outer indentation level",
    "SyntaxError: too many nested parentheses",
];

#[test]
fn tab_errors_and_limits_are_what_cpython_raises() {
    let mut rng = Rng(0x7ab5_0f5a_ce5e_1234);
    let texts: Vec<String> = (0..1_000).map(|_| indented_program(&mut rng)).collect();
    let Some(verdicts) = cpython_verdicts(&texts) else {
        eprintln!("python3 not found: skipped");
        return;
    };
    assert_eq!(verdicts.len(), texts.len());
    let options = CheckOptions {
        isolated: true,
        prefilter: false,
        ..CheckOptions::default()
    };
    let mut disagreements = Vec::new();
    let mut seen_limits = 0;
    for (text, cpython) in texts.iter().zip(&verdicts) {
        let result = check_stdin(text.clone().into_bytes(), Path::new("m.py"), &options).unwrap();
        let ours = result
            .diagnostics
            .iter()
            .find(|diagnostic| diagnostic.rule == Rule::SyntaxError)
            .map(|diagnostic| diagnostic.message.clone());
        let ours_limit = ours
            .as_deref()
            .and_then(|message| CPYTHON_LIMITS.iter().find(|limit| message == **limit));
        let cpython_limit = CPYTHON_LIMITS.iter().find(|limit| cpython == **limit);
        seen_limits += usize::from(cpython_limit.is_some());
        // Each such error spawnsafe reports is the one CPython raises, and
        // each one CPython raises is reported (this one, or, for a file Ruff's
        // parser also rejects, the parser's error).
        let agrees = match (ours_limit, cpython_limit) {
            (Some(a), Some(b)) => a == b,
            (Some(_), None) => false,
            (None, Some(_)) => ours.is_some(),
            (None, None) => (cpython == "ok") == ours.is_none(),
        };
        if !agrees {
            disagreements.push(format!(
                "{text:?}\n  cpython: {cpython}\n  spawnsafe: {ours:?}"
            ));
        }
    }
    assert!(seen_limits > 20, "the generator rarely reaches the limits");
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

/// The prefilter's byte screen (`refusal.rs`) lets no file through that
/// CPython refuses for its shape: on the same 1,000 generated programs (none
/// names a process API), each one `python3` rejects with a TabError, too
/// many indentation levels or too many nested parentheses is flagged by the
/// screen and reported as SPS001 with the prefilter on.
#[test]
fn the_prefilter_reports_every_shape_cpython_refuses() {
    let mut rng = Rng(0x7ab5_0f5a_ce5e_1234);
    let texts: Vec<String> = (0..1_000).map(|_| indented_program(&mut rng)).collect();
    let Some(verdicts) = cpython_verdicts(&texts) else {
        eprintln!("python3 not found: skipped");
        return;
    };
    let screened = [
        "TabError: inconsistent use of tabs and spaces in indentation",
        "IndentationError: too many levels of indentation",
        "SyntaxError: too many nested parentheses",
    ];
    let options = CheckOptions {
        isolated: true,
        ..CheckOptions::default()
    };
    let mut refused = 0;
    let mut missed = Vec::new();
    for (text, cpython) in texts.iter().zip(&verdicts) {
        if !screened.contains(&cpython.as_str()) {
            continue;
        }
        refused += 1;
        let result = check_stdin(text.clone().into_bytes(), Path::new("m.py"), &options).unwrap();
        let reported = result
            .diagnostics
            .iter()
            .any(|diagnostic| diagnostic.rule == Rule::SyntaxError);
        if !spawnsafe_linter::refusal::may_be_refused(text.as_bytes()) || !reported {
            missed.push(format!("{text:?}: {cpython}"));
        }
    }
    assert!(refused > 20, "the generator rarely reaches the limits");
    assert!(missed.is_empty(), "{}", missed.join("\n"));
}
