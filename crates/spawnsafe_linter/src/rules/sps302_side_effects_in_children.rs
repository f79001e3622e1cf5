//! SPS302 side-effects-in-children: top-level work in a main script that
//! starts processes re-runs in every spawn/forkserver child. What that work
//! does is the flow layer's [`side_effects`](spawnsafe_flow::side_effects).

use ruff_text_size::TextRange;
use spawnsafe_flow::side_effects::{self, import_time_side_effects, SideEffect};

use crate::diagnostic::{Related, SourceFile};
use crate::project::{Effect, EffectFinder};
use crate::registry::{Rule, Severity};
use crate::rules::sps101_unguarded_process_start::is_entry_script;
use crate::rules::Checker;
use crate::targets::{Methods, StartMethod};

pub const DOCS: &str = r#"# side-effects-in-children (SPS302)

## What it does
Finds work with visible side effects that runs while the main script is
imported — at top level, in a top-level `if`/`try`/`with`, or in a function
called from there — in a script that starts child processes (from its main
guard or `main()`): printing, writing, truncating or deleting files,
`logging.basicConfig(filename=..., filemode="w")`, creating directories named
after the current time, `atexit.register()`, reading stdin with `input()`,
single-instance checks that exit when a pid file exists, and
`parse_args()` with an `argparse.FileType("w")` option.

Scripts that start only threads, and code under `if __name__ == "__main__":`
or in `main()`, are not reported; neither is top-level code that is meant to
run in every process: imports, definitions, constants, `re.compile`,
`logging.getLogger`, `os.environ.setdefault`, `warnings.filterwarnings`,
reading a configuration file, or a plain `parse_args()` (children get the
parent's `sys.argv`). A script that starts processes at import time is
reported by SPS101 instead.

## Why is this bad?
Under the *spawn* and *forkserver* start methods (the default on Windows, on
macOS since Python 3.8 and on Linux since Python 3.14) every child process is
a fresh interpreter that re-imports the main script as `__mp_main__` before it
runs its task. Everything outside the main guard runs again, once per child:

- output is repeated (a banner printed four times for three workers);
- `open(path, "w")` and `logging.basicConfig(filename=..., filemode="w")`
  truncate what the parent already wrote; appends are repeated;
- a directory named from `datetime.now()` is created again in each child, and
  the child's module-level path names its own directory, not the parent's:
  results land where the parent never looks;
- `os.makedirs(path)` without `exist_ok=True` raises `FileExistsError` in the
  child, because the parent already created the directory;
- a single-instance check finds the pid file the parent created and exits the
  child before it runs its task (an error);
- `input()` asks again: a spawn child re-imports the script before
  multiprocessing replaces its stdin, so it reads the parent's stdin (on a
  terminal it waits for the user); a forkserver child gets `EOFError`;
- `atexit.register()` registers the handler in each spawn child too, and spawn
  children end with a normal interpreter exit (`spawn_main()` calls
  `sys.exit()`), so the handler runs when each child finishes — a cleanup that
  deletes a scratch directory deletes it under the parent's feet. Fork and
  forkserver children leave through `os._exit()` and skip atexit handlers;
- `parse_args()` opens every `argparse.FileType("w")` option again, with the
  parent's arguments, truncating the file the parent is writing.

Under fork (Linux up to Python 3.13) children are copies of the parent and
re-run nothing, which is why these bugs go unnoticed there.

## Messages
Proven on CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1 and 3.13.0 by `tests/messages/collect.py`
(the `input-at-import` case). A row for 3.14 alone is read from the 3.14 source, not run; a range up
to 3.14 was run up to 3.13 and assumes the raising code named below is unchanged in 3.14.

`input()` in a spawn child (its standard input is `os.devnull`):

| Python | Message |
|---|---|
| 3.8-3.14 | `EOFError: EOF when reading a line` |

Source: `Lib/multiprocessing/process.py` `BaseProcess._bootstrap` →
`Lib/multiprocessing/util.py` `_close_stdin` (closes `sys.stdin` and reopens
it on `os.devnull`).

## Example
```python
import logging
from multiprocessing import Pool

logging.basicConfig(filename="run.log", filemode="w", level=logging.INFO)
print("etl 1.4 starting")

def transform(row):
    return row.strip().lower()

if __name__ == "__main__":
    with Pool(4) as pool:
        logging.info("cleaned %d rows", len(pool.map(transform, [" A", "B "])))
```

Use instead:
```python
import logging
from multiprocessing import Pool

def transform(row):
    return row.strip().lower()

def main():
    logging.basicConfig(filename="run.log", filemode="w", level=logging.INFO)
    print("etl 1.4 starting")
    with Pool(4) as pool:
        logging.info("cleaned %d rows", len(pool.map(transform, [" A", "B "])))

if __name__ == "__main__":
    main()
```

## CPython source (3.11.7; the same in 3.8-3.14 unless the text says otherwise)
- `Lib/multiprocessing/spawn.py:275-300` `_fixup_main_from_path`: every spawn or
  forkserver child runs the parent's main file again as `__mp_main__` before it
  runs its task, so all top-level code outside `if __name__ == "__main__":` runs
  once more in every child (and in every replacement worker of a `Pool`).

## References
- [multiprocessing: Safe importing of main module](https://docs.python.org/3/library/multiprocessing.html#multiprocessing-safe-main-import)
- [multiprocessing: Contexts and start methods](https://docs.python.org/3/library/multiprocessing.html#contexts-and-start-methods)
- [atexit](https://docs.python.org/3/library/atexit.html)
"#;

pub fn check(checker: &mut Checker) {
    let project = checker.project;
    let module = checker.module;
    let path = &project.paths[module];
    let notebook = checker
        .file()
        .path
        .extension()
        .is_some_and(|extension| extension == "ipynb");
    if path.is_dunder_main || path.is_conftest || notebook || !is_entry_script(project, module) {
        return;
    }
    let Some(pinned) = child_start_method(checker) else {
        return;
    };
    let texts = |index: usize| checker.files[index].text.as_str();
    let effects = import_time_side_effects(project, module, &texts);

    // One finding per site: the worst effect, with the others as notes.
    let mut sites: Vec<(TextRange, Vec<SideEffect>)> = Vec::new();
    for effect in effects {
        match sites.iter_mut().find(|(range, _)| *range == effect.range) {
            Some((_, group)) => group.push(effect),
            None => sites.push((effect.range, vec![effect])),
        }
    }
    for (range, group) in sites {
        let primary = group
            .iter()
            .find(|effect| effect.error)
            .unwrap_or(&group[0])
            .clone();
        let mut related: Vec<Related> = primary
            .trace
            .iter()
            .map(|(module, range, message)| Related {
                file: checker.files[*module].clone(),
                range: *range,
                message: message.clone(),
            })
            .collect();
        for other in group.iter().filter(|effect| effect.trace != primary.trace) {
            if let Some((module, range, _)) = other.trace.last() {
                related.push(Related {
                    file: checker.files[*module].clone(),
                    range: *range,
                    message: format!(
                        "`{}` also runs {} here",
                        other.function.as_deref().unwrap_or("it"),
                        other.action
                    ),
                });
            }
        }
        let fix = crate::fix::side_effect_into_guard::fix_in(checker, range)
            .or_else(|| crate::fix::truncate_once::fix_in(checker, range));
        let diagnostic = checker.report(
            Rule::SideEffectsInChildren,
            range,
            primary.message(),
            Some(primary.help.to_string()),
        );
        diagnostic.related = related;
        diagnostic.fails_under = Some(if primary.spawn_only {
            Methods::SPAWN
        } else {
            Methods::SPAWN_AND_FORKSERVER
        });
        diagnostic.pinned = pinned;
        diagnostic.fix = fix;
        if primary.error {
            diagnostic.severity_override = Some(Severity::Error);
        }
    }
}

/// The start method of the processes the script starts from its main guard,
/// when it starts any whose children re-import it. `None`: it starts none (or
/// starts them at import time, which SPS101 reports).
fn child_start_method(checker: &Checker) -> Option<Option<StartMethod>> {
    let project = checker.project;
    let module = checker.module;
    let facts = &project.facts[module];
    let mut finder = EffectFinder::new(project);
    if !facts.import_time.starts.is_empty()
        || facts.import_time.calls.iter().any(|edge| {
            finder
                .call_effect(module, &edge.target, Effect::Start)
                .is_some()
        })
    {
        return None;
    }
    let mut methods: Vec<Option<StartMethod>> = facts
        .main_only
        .starts
        .iter()
        .map(|start| checker.pinned(start.method.as_deref()))
        .collect();
    for edge in &facts.main_only.calls {
        if let Some(trace) = finder.call_effect(module, &edge.target, Effect::Start) {
            let method = trace.last().and_then(|step| step.method.clone());
            methods.push(checker.pinned(method.as_deref()));
        }
    }
    // Fork children are copies of the parent: they re-import nothing.
    [
        Some(StartMethod::Spawn),
        None,
        Some(StartMethod::Forkserver),
    ]
    .into_iter()
    .find(|method| methods.contains(method))
}

/// The source text of a range, on one line and shortened.
pub(crate) fn snippet(file: &SourceFile, range: TextRange) -> String {
    side_effects::snippet(&file.text, range)
}
