pub const DOCS: &str = r#"# io-error (SPS002)

## What it does
Reports a file that could not be read: it does not exist, permission is
denied, it is binary (contains NUL bytes), or it is larger than 64 MiB.

## Why is this bad?
A file that is not checked may hide a hazard. The rest of the files are still
checked.
"#;
