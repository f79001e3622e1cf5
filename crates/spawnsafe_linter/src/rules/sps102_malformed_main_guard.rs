//! SPS102 malformed-main-guard.

use ruff_python_ast::{CmpOp, Expr};
use ruff_text_size::Ranged;

use crate::fix::{Edit, Fix};
use crate::registry::Rule;
use crate::rules::Checker;
use crate::semantic::guards::{malformed_guard, MalformedGuard};
use crate::semantic::GuardTest;

pub const DOCS: &str = r#"# malformed-main-guard (SPS102)

## What it does
Finds an `if` that was meant to be the main guard, `if __name__ == "__main__":`,
but is always or never true: a misspelt string (`"main"`, `"__main"`,
`"__Main__"`, `"__main__ "`), a comparison of `__file__` or of two strings, a
bare string (`if "__main__":`), an identity test (`__name__ is "__main__"`), or
a test that is also true in spawn children (`__name__ in ("__main__", "__mp_main__")`).

## Why is this bad?
Under spawn and forkserver every child process re-imports the main script
under the name `__mp_main__`, and only a real main guard keeps the program's
entry point from running again there.

- A guard that is **never true** silently skips the program: nothing runs, no
  error, under every start method.
- A guard that is **always true** (or true in children too) does not guard:
  the children start processes while importing the script and fail with

  ```
  RuntimeError:
          An attempt has been made to start a new process before the
          current process has finished its bootstrapping phase.
  ```

- `__name__ is "__main__"` compares object identity. Run as `python script.py`
  on CPython 3.6–3.12 `__name__` is not the interned literal, so the test is
  `False` and the program does nothing; it is `True` under `python -m` and on
  3.13. CPython also warns: `SyntaxWarning: "is" with a literal. Did you mean "=="?`

## Messages
Proven on CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1 and 3.13.0 by `tests/messages/collect.py`
(the `is-literal` case). A row for 3.14 alone is read from the 3.14 source, not run; a range up
to 3.14 was run up to 3.13 and assumes the raising code named below is unchanged in 3.14.

`is` against a string literal is flagged by the compiler (the guard's test
then depends on string interning, and is false in the parent):

| Python | Message |
|---|---|
| 3.8-3.11 | `SyntaxWarning: "is" with a literal. Did you mean "=="?` |
| 3.12-3.14 | `SyntaxWarning: "is" with 'str' literal. Did you mean "=="?` |

A guard that is always true raises SPS101's bootstrapping `RuntimeError` in
every child; one that is never true prints nothing at all. Source:
`Python/compile.c` `check_compare` (3.12 adds the literal's type name).

## Example
```python
import multiprocessing as mp

def work(x):
    return x * x

if __name__ == "main":   # never true
    with mp.Pool() as pool:
        print(pool.map(work, range(10)))
```

Use instead:
```python
if __name__ == "__main__":
    with mp.Pool() as pool:
        print(pool.map(work, range(10)))
```

## Fix
`--fix` rewrites the test as `__name__ == "__main__"` (`!=` for a negated
test), in the quotes the test used. The fix is **safe** when the block already
ran in the main script (`if "__main__":`, `__name__ in ("__main__",
"__mp_main__")`): only spawn children stop running it. It is **unsafe** when
the main script's own behaviour changes: a block that never ran (a misspelt
name, `is`, `__file__`) or raised `NameError` now runs, and a negated test now
takes the other branch.

## CPython source (3.11.7; the same in 3.8-3.14 unless the text says otherwise)
- The child's re-import and the bootstrapping `RuntimeError`: see SPS101's
  "CPython source" (`Lib/multiprocessing/spawn.py:126-157`, `_fixup_main_from_path`
  at lines 275-300).

## References
- [Python docs: `__main__` — Top-level code environment](https://docs.python.org/3/library/__main__.html)
- [multiprocessing: Safe importing of main module](https://docs.python.org/3/library/multiprocessing.html#multiprocessing-safe-main-import)
"#;

pub fn check(checker: &mut Checker) {
    let facts = &checker.project.facts[checker.module];
    let tests: Vec<_> = facts
        .malformed_guards
        .iter()
        .map(|test| (*test, malformed_guard(test)))
        .collect();
    for (test, malformed) in tests {
        let Some(malformed) = malformed else { continue };
        let help = "write the guard as `if __name__ == \"__main__\":`".to_string();
        let fix = guard_fix(checker.file().text.as_str(), test, &malformed);
        let diagnostic = checker.report(
            Rule::MalformedMainGuard,
            test.range(),
            format!("Malformed main guard: {}", malformed.reason),
            Some(help),
        );
        diagnostic.fix = Some(fix);
    }
}

/// The test rewritten as the main guard it means. Safe when the block ran in
/// the main script before and still does (`if "__main__":`, `__name__ in
/// ("__main__", "__mp_main__")`): only spawn children stop running it. Unsafe
/// when the main script's own behaviour changes: a block that never ran (or
/// raised `NameError`) now runs, and a negated test now takes the other branch.
fn guard_fix(text: &str, test: &Expr, malformed: &MalformedGuard) -> Fix {
    let negated = matches!(
        test,
        Expr::Compare(compare) if matches!(compare.ops.first(), Some(CmpOp::NotEq | CmpOp::IsNot))
    );
    let source = &text[test.range()];
    // The file's own quotes: those of the test's string literal, if it has one.
    let quote = if source.contains('\'') && !source.contains('"') {
        '\''
    } else {
        '"'
    };
    let operator = if negated { "!=" } else { "==" };
    let replacement = format!("__name__ {operator} {quote}__main__{quote}");
    let edit = Edit::replacement(replacement.clone(), test.range());
    let message = format!("Rewrite the guard as `{replacement}`");
    if malformed.effect == GuardTest::AlwaysTrue && !negated {
        Fix::safe(message, vec![edit])
    } else if malformed.effect == GuardTest::AlwaysTrue {
        Fix::unsafe_because(
            message,
            "the test was always true; the main script now takes the other branch",
            vec![edit],
        )
    } else {
        Fix::unsafe_because(
            message,
            "the guarded block never ran (or raised); after the fix it runs in the main script",
            vec![edit],
        )
    }
}
