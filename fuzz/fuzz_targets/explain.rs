//! `spawnsafe explain` on arbitrary text: the traceback parser, the hazard
//! signatures and both renderings. It must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use spawnsafe_runtime::explain::{explain, render_json, render_text, ExplainOptions};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let options = ExplainOptions {
        check_local: false,
        ..ExplainOptions::default()
    };
    let explanation = explain(&text, &options);
    let _ = render_text(&explanation);
    let _ = render_json(&explanation);
});
