//! Helpers shared by the `spawnsafe run` test files (`run.rs`, `run_control.rs`).
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

pub fn python() -> String {
    std::env::var("SPAWNSAFE_ORACLE_PYTHON").unwrap_or_else(|_| "python3".to_string())
}

pub fn spawnsafe(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_spawnsafe"))
        .args(args)
        .current_dir(dir)
        .env_remove("VIRTUAL_ENV")
        .env_remove("CONDA_PREFIX")
        .stdin(Stdio::null())
        .output()
        .expect("spawnsafe runs")
}

pub fn plain_python(dir: &Path, args: &[&str]) -> Output {
    Command::new(python())
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("python3 runs")
}

/// A temporary project with these files (their directories made as needed).
pub fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    dir
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
