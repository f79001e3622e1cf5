//! Jupyter notebooks through the real binary: cells are checked, locations are
//! per cell, suppressions work in cells, and bad notebooks are reported.

use std::path::Path;
use std::process::Command;

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_spawnsafe"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("spawnsafe runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A notebook with a markdown cell and the given code cells.
fn notebook(cells: &[&str], language: &str) -> String {
    let mut json_cells = vec![serde_json::json!({
        "cell_type": "markdown", "metadata": {}, "source": ["# Analysis"]
    })];
    for source in cells {
        let lines: Vec<String> = source.split_inclusive('\n').map(str::to_string).collect();
        json_cells.push(serde_json::json!({
            "cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], "source": lines
        }));
    }
    serde_json::json!({
        "cells": json_cells,
        "metadata": {"kernelspec": {"language": language, "name": language}, "language_info": {"name": language}},
        "nbformat": 4,
        "nbformat_minor": 5
    })
    .to_string()
}

const IMPORTS: &str = "import multiprocessing as mp\n%matplotlib inline\n!pip list\n";
const WORKER: &str = "def square(x):\n    return x * x\n";
const POOL: &str = "with mp.Pool(2) as pool:\n    print(pool.map(square, range(4)))\n";

#[test]
fn cell_functions_sent_to_children_are_reported_per_cell() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("nb.ipynb"),
        notebook(&[IMPORTS, WORKER, POOL], "python"),
    )
    .unwrap();
    let (code, stdout, _) = run(
        dir.path(),
        &["check", "--output-format", "concise", "--quiet"],
    );
    assert_eq!(code, 1, "{stdout}");
    // Cell 4 is the third code cell (the markdown cell is cell 1); the top-level
    // pool is fine in a notebook, whose children never re-run it.
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(
        stdout.starts_with("nb.ipynb:cell 4:2:20: SPS204 "),
        "{stdout}"
    );

    let (_, json, _) = run(dir.path(), &["check", "--output-format", "json"]);
    let findings: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(findings[0]["cell"], 4);
    assert_eq!(findings[0]["location"]["row"], 2);

    let (_, full, _) = run(dir.path(), &["check", "--color", "never"]);
    assert!(full.contains("--> nb.ipynb:cell 4:2:20"), "{full}");
    assert!(full.contains("nb.ipynb:cell 3:1:5"), "{full}");
}

#[test]
fn noqa_in_a_cell() {
    let dir = tempfile::tempdir().unwrap();
    let pool = POOL.replace("range(4)))", "range(4)))  # noqa: SPS204");
    std::fs::write(
        dir.path().join("nb.ipynb"),
        notebook(&[IMPORTS, WORKER, &pool], "python"),
    )
    .unwrap();
    let (code, stdout, _) = run(dir.path(), &["check", "--output-format", "concise"]);
    assert_eq!(code, 0, "{stdout}");
}

#[test]
fn other_languages_and_broken_notebooks() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("r.ipynb"),
        notebook(&["library(parallel)\n"], "R"),
    )
    .unwrap();
    let (code, stdout, _) = run(dir.path(), &["check", "--output-format", "concise"]);
    assert_eq!(code, 0, "{stdout}");

    std::fs::write(dir.path().join("broken.ipynb"), "{ not json").unwrap();
    let (code, stdout, _) = run(
        dir.path(),
        &["check", "--output-format", "concise", "--quiet"],
    );
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.starts_with("broken.ipynb:1:1: SPS002 "), "{stdout}");
    assert!(stdout.contains("isn't valid JSON"), "{stdout}");
}
