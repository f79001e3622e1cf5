//! Properties of `--fix` over many generated modules (a seeded generator of
//! our own: the shapes people write, in random order, with random line
//! endings and indentation): fixing never produces code that does not parse,
//! never changes a file without a finding, and is idempotent.

use std::path::{Path, PathBuf};

use spawnsafe_linter::fixer::{fix_paths, FixOptions};
use spawnsafe_linter::settings::Overrides;
use spawnsafe_linter::{check_paths, CheckOptions};

/// xorshift64*: deterministic, so a failure names a module that can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const IMPORTS: &[&str] = &[
    "import multiprocessing",
    "import multiprocessing as mp",
    "from multiprocessing import Pool, Process, freeze_support",
    "from concurrent.futures import ProcessPoolExecutor",
    "import os",
    "import functools",
];

/// Top-level pieces; `>` at a line start is one indentation level.
const PIECES: &[&str] = &[
    "DATA = [1, 2, 3]",
    "LABEL = 'jobs'",
    "TEXT = \"\"\"\n    kept as it is\n\"\"\"",
    "# a comment that belongs to the next statement",
    "print('loading')",
    "def work(x):\n>return x * 2",
    "def slow(x, factor=2):\n>\"\"\"Doc.\n\n>Indented docstring line.\n>\"\"\"\n>return x * factor",
    "class Job:\n>def __init__(self, n):\n>>self.n = n\n\n>def run(self):\n>>return self.n",
    "@functools.lru_cache(maxsize=None)\ndef cached(x):\n>return x + 1",
    "import multiprocessing\nwith multiprocessing.Pool(2) as pool:\n>print(pool.map(abs, DATA if 'DATA' in dir() else [1]))",
    "import multiprocessing\npool = multiprocessing.Pool(2)\nprint(pool.map(abs, [1, -2]))\npool.close()",
    "import multiprocessing\nmultiprocessing.set_start_method('spawn')",
    "import multiprocessing\ndef run_all(items):\n>with multiprocessing.Pool(2) as pool:\n>>return pool.map(abs, items)",
    "import multiprocessing\ndef square_all(items):\n>with multiprocessing.Pool(2) as pool:\n>>return pool.map(lambda v: v * v, items)",
    "import multiprocessing\ndef nested_all(items):\n>def inner(v):\n>>return v + 1\n>with multiprocessing.Pool(2) as pool:\n>>return pool.map(inner, items)",
    "from concurrent.futures import ProcessPoolExecutor\ndef submit_all(items):\n>with ProcessPoolExecutor(2) as ex:\n>>return list(ex.map(abs, items))",
    "import multiprocessing\np = multiprocessing.Process(target=print, args=('x',))",
    "if DATA if 'DATA' in dir() else True:\n>print('configured')",
    "for _i in range(1):\n>pass",
    "try:\n>import json\nexcept ImportError:\n>json = None",
];

const GUARDS: &[&str] = &[
    "if __name__ == \"__main__\":",
    "if __name__ == '__main__':",
    "if __name__ == \"main\":",
    "if __name__ is \"__main__\":",
    "if \"__main__\":",
    "if __name__ in (\"__main__\", \"__mp_main__\"):",
    "if __name__ != \"__main__\":\n>pass\nelse:",
];

const GUARD_BODIES: &[&str] = &[
    ">import multiprocessing\n>with multiprocessing.Pool(2) as pool:\n>>print(pool.map(abs, [1, -2]))",
    ">print('main')",
    ">from multiprocessing import freeze_support\n>freeze_support()\n>print('frozen ok')",
    ">import multiprocessing\n>def local_task(v):\n>>return v\n>with multiprocessing.Pool(2) as pool:\n>>print(pool.map(local_task, [1]))",
    ">import multiprocessing\n>with multiprocessing.Pool(2) as pool:\n>>print(pool.map(lambda v: v, [1]))",
];

fn module(rng: &mut Rng) -> String {
    let newline = rng.pick(&["\n", "\r\n", "\n", "\n"]);
    let indent = rng.pick(&["    ", "  ", "\t", "    "]);
    let mut pieces: Vec<String> = Vec::new();
    if rng.chance(30) {
        pieces.push("\"\"\"A generated module.\"\"\"".to_string());
    }
    for _ in 0..rng.below(3) {
        pieces.push(rng.pick(IMPORTS).to_string());
    }
    for _ in 0..1 + rng.below(6) {
        pieces.push(rng.pick(PIECES).to_string());
    }
    if rng.chance(70) {
        let guard = rng.pick(GUARDS);
        let mut body = String::new();
        for index in 0..1 + rng.below(2) {
            if index > 0 {
                body.push('\n');
            }
            body.push_str(rng.pick(GUARD_BODIES));
        }
        pieces.push(format!("{guard}\n{body}"));
    }
    if rng.chance(20) {
        pieces.push(rng.pick(PIECES).to_string());
    }
    let separator = rng.pick(&["\n", "\n\n", "\n\n\n"]);
    let mut text = String::new();
    for (index, piece) in pieces.iter().enumerate() {
        if index > 0 {
            text.push_str(separator);
        }
        for (line_index, line) in piece.split('\n').enumerate() {
            if line_index > 0 {
                text.push('\n');
            }
            let depth = line.chars().take_while(|&c| c == '>').count();
            text.push_str(&indent.repeat(depth));
            text.push_str(&line[depth..]);
        }
    }
    if rng.chance(85) {
        text.push('\n');
    }
    text.replace('\n', newline)
}

fn parses(text: &str) -> Result<(), String> {
    ruff_python_parser::parse_module(text)
        .map(|_| ())
        .map_err(|error| error.to_string())
}

const ALL_FIXES: FixOptions = FixOptions {
    unsafe_fixes: true,
    dry_run: false,
};

fn options() -> CheckOptions {
    CheckOptions {
        isolated: true,
        overrides: Overrides {
            select: vec!["ALL".to_string()],
            ..Overrides::default()
        },
        ..CheckOptions::default()
    }
}

#[test]
fn fixing_generated_modules_keeps_them_valid_and_is_idempotent() {
    const BATCHES: u64 = 4;
    const PER_BATCH: usize = 75;
    let mut fixed_files = 0;
    for batch in 0..BATCHES {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (batch + 1));
        let dir = tempfile::tempdir().unwrap();
        let mut files: Vec<(PathBuf, String)> = Vec::new();
        for index in 0..PER_BATCH {
            let text = module(&mut rng);
            parses(&text)
                .unwrap_or_else(|error| panic!("generated module does not parse: {error}\n{text}"));
            // One package per module: no module imports another.
            let home = dir.path().join(format!("m{index}"));
            std::fs::create_dir(&home).unwrap();
            let path = home.join("job.py");
            std::fs::write(&path, &text).unwrap();
            files.push((path, text));
        }
        let root = [dir.path().to_path_buf()];
        let before = check_paths(&root, &options()).unwrap();
        let flagged = |path: &Path| {
            before
                .diagnostics
                .iter()
                .any(|diagnostic| diagnostic.file.path == path)
        };
        let result = fix_paths(&root, &options(), ALL_FIXES).unwrap();
        assert!(!result.did_not_converge, "batch {batch} did not converge");
        for file in &result.files {
            assert!(
                file.error.is_none(),
                "{}: {:?}",
                file.path.display(),
                file.error
            );
        }
        for (path, original) in &files {
            let now = std::fs::read_to_string(path).unwrap();
            if now != *original {
                fixed_files += 1;
                assert!(
                    flagged(path),
                    "a file without findings changed: {}\n{original}",
                    path.display()
                );
                if let Err(error) = parses(&now) {
                    panic!("fixed module does not parse: {error}\n--- before\n{original}\n--- after\n{now}");
                }
                // The fix keeps the file's line ending: no bare LF in a CRLF file.
                if original.contains("\r\n") {
                    assert_eq!(
                        now.matches('\n').count(),
                        now.matches("\r\n").count(),
                        "mixed line endings after the fix:\n{now:?}"
                    );
                }
            }
        }
        let again = fix_paths(&root, &options(), ALL_FIXES).unwrap();
        assert_eq!(
            again.fixes_applied(),
            0,
            "fixing twice changed: {:?}",
            again
                .files
                .iter()
                .map(|file| (&file.path, &file.applied))
                .collect::<Vec<_>>()
        );
    }
    println!(
        "{fixed_files} of {} generated modules were fixed",
        BATCHES as usize * PER_BATCH
    );
    assert!(fixed_files > 0, "the generator produced nothing to fix");
}
