//! The whole `check` pipeline on arbitrary bytes: decoding (cookies, BOMs,
//! notebooks), parsing for a target version, CPython's limits, the model,
//! the rules and the reporters. It must never panic, and always answer.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use spawnsafe_linter::report::{render, OutputFormat};
use spawnsafe_linter::settings::Overrides;
use spawnsafe_linter::{check_stdin, CheckOptions};

fuzz_target!(|data: &[u8]| {
    // The first byte picks the kind of file and the target version.
    let Some((&choice, contents)) = data.split_first() else {
        return;
    };
    let filename = match choice % 4 {
        0 => "job.pyi",
        1 => "job.ipynb",
        _ => "job.py",
    };
    let target_version = match (choice / 4) % 4 {
        0 => None,
        1 => Some("py38".to_string()),
        2 => Some("py311".to_string()),
        _ => Some("py314".to_string()),
    };
    let options = CheckOptions {
        isolated: true,
        prefilter: choice & 0x80 == 0,
        overrides: Overrides {
            target_version,
            ..Overrides::default()
        },
        ..CheckOptions::default()
    };
    let result = check_stdin(contents.to_vec(), Path::new(filename), &options)
        .expect("checking standard input always answers");
    for format in [OutputFormat::Full, OutputFormat::Json, OutputFormat::Sarif] {
        let _ = render(&result.diagnostics, format, false);
    }
});
