pub const DOCS: &str = r#"# syntax-error (SPS001)

## What it does
Reports a file that CPython cannot compile: a syntax error, or bytes that are
not valid in the file's encoding (UTF-8 unless a coding cookie says otherwise).

## Why is this bad?
spawnsafe only reasons about code it can parse, so such a file is left out of
the analysis (a recovered syntax tree is a guess, and findings must be true).
CPython would refuse to run it with `SyntaxError`.

Files that cannot matter to multiprocessing (they name no process API, no main
guard, and no module that does) are not analysed. Every file is still read, so
one whose bytes are not valid in its encoding is reported, and a byte screen
finds the shapes CPython's tokenizer and compiler refuse (mixed tabs and
spaces, more than 100 indentation levels, more than 200 open brackets, code
nested thousands of levels deep, an unterminated string): such a file is parsed
and its error reported. Other syntax errors in those files are not reported:
spawnsafe is not a syntax checker.
"#;
