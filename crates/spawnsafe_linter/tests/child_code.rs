//! Cases of the rules about code that runs in child processes (SPS301,
//! SPS303, SPS305, SPS306) that the fixtures do not spell out: what they must
//! find, and the look-alikes they must leave alone.

use std::path::Path;

use spawnsafe_linter::settings::Overrides;
use spawnsafe_linter::{check_stdin, CheckOptions};

/// The `(code, row)` of every finding of the rules in `codes` for a script.
fn findings(source: &str, codes: &[&str]) -> Vec<(String, usize)> {
    let options = CheckOptions {
        isolated: true,
        overrides: Overrides {
            select: vec!["ALL".to_string()],
            ..Overrides::default()
        },
        ..CheckOptions::default()
    };
    let result = check_stdin(source.as_bytes().to_vec(), Path::new("script.py"), &options).unwrap();
    result
        .diagnostics
        .iter()
        .filter(|diagnostic| codes.contains(&diagnostic.rule.code()))
        .map(|diagnostic| {
            (
                diagnostic.rule.code().to_string(),
                diagnostic.start_location().row,
            )
        })
        .collect()
}

#[test]
fn daemon_set_after_construction() {
    let source = r#"
import multiprocessing as mp

def inner(x):
    return x

def fan(xs):
    with mp.Pool(2) as pool:
        return pool.map(inner, xs)

def other(xs):
    with mp.Pool(2) as pool:
        return pool.map(inner, xs)

def main():
    procs = [mp.Process(target=fan, args=([1],)) for _ in range(2)]
    for p in procs:
        p.daemon = True
        p.start()
    q = mp.Process(target=other, args=([1],))
    q.start()

if __name__ == "__main__":
    main()
"#;
    assert_eq!(findings(source, &["SPS306"]), [("SPS306".to_string(), 8)]);
}

#[test]
fn daemon_flag_cleared_again_is_not_daemonic() {
    let source = r#"
import multiprocessing as mp

def inner(x):
    return x

def fan(xs):
    with mp.Pool(2) as pool:
        return pool.map(inner, xs)

if __name__ == "__main__":
    p = mp.Process(target=fan, args=([1],), daemon=False)
    p.daemon = True
    p.daemon = False
    p.start()
"#;
    assert!(findings(source, &["SPS306"]).is_empty());
}

#[test]
fn globals_set_after_the_processes_ran_are_not_reported() {
    let source = r#"
import multiprocessing as mp

MODE = "slow"
LIMIT = None
CACHE = {}

def work(x):
    if LIMIT is None:
        return x, MODE
    return LIMIT(x)

def cached(x):
    if x not in CACHE:
        CACHE[x] = x * 2
    return CACHE[x]

def main():
    global LIMIT, MODE
    CACHE.update({1: 2})
    LIMIT = abs
    with mp.Pool(2) as pool:
        pool.map(work, [1])
        pool.map(cached, [1])
    MODE = "fast"

if __name__ == "__main__":
    main()
"#;
    // `LIMIT` is set before the pool starts; the worker checks it for `None`
    // (a warning, not an error). `MODE` is set after; `CACHE` is filled by
    // the worker itself.
    let found = findings(source, &["SPS301"]);
    assert_eq!(found, [("SPS301".to_string(), 9)]);
}

#[test]
fn none_global_called_is_an_error() {
    let source = r#"
import multiprocessing as mp

HANDLER = None

def work(x):
    return HANDLER(x)

def main():
    global HANDLER
    HANDLER = abs
    with mp.Pool(2) as pool:
        pool.map(work, [1])

if __name__ == "__main__":
    main()
"#;
    let options = CheckOptions {
        isolated: true,
        ..CheckOptions::default()
    };
    let result = check_stdin(source.as_bytes().to_vec(), Path::new("script.py"), &options).unwrap();
    let finding = result
        .diagnostics
        .iter()
        .find(|diagnostic| diagnostic.rule.code() == "SPS301")
        .expect("SPS301");
    assert_eq!(finding.severity().as_str(), "error");
    assert!(
        finding
            .message
            .contains("TypeError: 'NoneType' object is not callable"),
        "{}",
        finding.message
    );
}

#[test]
fn globals_changed_in_the_parent_through_a_class_attribute() {
    let source = r#"
import multiprocessing as mp

class Config:
    debug = False

def work(x):
    return x, Config.debug

if __name__ == "__main__":
    Config.debug = True
    with mp.Pool(2) as pool:
        pool.map(work, [1])
"#;
    assert_eq!(findings(source, &["SPS301"]), [("SPS301".to_string(), 8)]);
}

#[test]
fn stdin_behind_a_branch_is_not_reported() {
    let source = r#"
import sys
import multiprocessing as mp

def read_lines(name):
    if name == "-":
        return sys.stdin.read().splitlines()
    with open(name) as handle:
        return handle.read().splitlines()

def ask(x):
    if sys.stdin.isatty():
        return input("?")
    return "n"

def count(name):
    return len(read_lines(name))

def lines(x):
    return [line for line in sys.stdin]

if __name__ == "__main__":
    with mp.Pool(2) as pool:
        pool.map(count, ["a.txt"])
        pool.map(ask, [1])
        pool.map(lines, [1])
        pool.map(input, ["prompt"])
"#;
    assert_eq!(
        findings(source, &["SPS305"]),
        [("SPS305".to_string(), 20), ("SPS305".to_string(), 27)]
    );
}

#[test]
fn worker_rebinding_stdin_is_not_reported() {
    let source = r#"
import sys
import multiprocessing as mp

def init(path):
    sys.stdin = open(path)

def work(x):
    return sys.stdin.readline()

if __name__ == "__main__":
    with mp.Pool(2, initializer=init, initargs=("in.txt",)) as pool:
        pool.map(work, [1])
"#;
    assert!(findings(source, &["SPS305"]).is_empty());
}

#[test]
fn output_to_a_file_or_in_a_callback_is_not_reported() {
    let source = r#"
import sys
import multiprocessing as mp

def work(x, path):
    with open(path, "a") as handle:
        print(x, file=handle)
    print(x, file=sys.stderr)
    return x

def done(result):
    print(result)

if __name__ == "__main__":
    with mp.Pool(2) as pool:
        pool.apply_async(work, (1, "out.txt"), callback=done).get()
"#;
    assert_eq!(findings(source, &["SPS303"]), [("SPS303".to_string(), 8)]);
}

#[test]
fn imports_made_only_in_the_guard() {
    let source = r#"
import multiprocessing as mp
import json

def work(x):
    return json.dumps(x), np.zeros(1)

if __name__ == "__main__":
    import json
    import numpy as np
    with mp.Pool(2) as pool:
        pool.map(work, [1])
"#;
    // `json` is imported at module level too: the guard's import changes nothing.
    assert_eq!(findings(source, &["SPS301"]), [("SPS301".to_string(), 6)]);
}
