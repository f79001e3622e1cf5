pub const DOCS: &str = r#"# syntax-error (SPS001)

## What it does
Reports a file that CPython cannot compile: a syntax error, or bytes that are
not valid in the file's encoding (UTF-8 unless a coding cookie says otherwise).

## Why is this bad?
spawnsafe only reasons about code it can parse, so such a file is left out of
the analysis (a recovered syntax tree is a guess, and findings must be true).
CPython would refuse to run it with `SyntaxError`.

Files that cannot matter to multiprocessing (they name no process API, no main
guard, and no module that does) are not parsed at all, so their syntax errors
are not reported: spawnsafe is not a syntax checker.
"#;
