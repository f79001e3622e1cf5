//! SPS404 cuda-or-threads-then-fork. The analysis is a query over the flow
//! layer (`spawnsafe_flow::fork_after`); this file reports it.

use ruff_text_size::Ranged;

use crate::diagnostic::{PlatformClause, Related};
use crate::fork_after::{forks_after, Before, ForkBy};
use crate::registry::Rule;
use crate::rules::Checker;
use crate::semantic::FunctionId;
use crate::targets::{OnPlatforms, ALL_VERSIONS};

pub const DOCS: &str = r#"# cuda-or-threads-then-fork (SPS404)

## What it does
Finds a process start that uses the *fork* start method after the same code
has, earlier in the same function (or at module level before the main guard's
body), initialised CUDA or started a `threading.Thread` — directly, or by
calling a function of the same module that does (`model = load_model()`,
`start_heartbeat()`, through helpers of its own too):

- CUDA: `model.cuda()`, `tensor.to("cuda")`, `torch.zeros(..., device="cuda")`,
  or a `torch.cuda` function that initialises it (`init`, `current_device`,
  `synchronize`, `get_device_properties`/`get_device_name`/`get_device_capability`,
  `current_stream`, `default_stream`, `ipc_collect`, `with torch.cuda.device(...)`),
  when code that runs in the children uses CUDA too. `torch.cuda.is_available()`
  and `device_count()` only ask the driver and are not counted.
- threads: `t.start()` of a `threading.Thread` that is still running when the
  process forks.

The start forks when the code asks for fork (`get_context("fork")`,
`set_start_method("fork")`, mpire's default), or by default on Linux before
Python 3.14 (then the finding is reported only when Linux and those versions
are targets). `torch.multiprocessing.spawn`, spawn and forkserver are never
reported: their children are fresh interpreters.

## Why is this bad?
A forked child is a copy of the parent's memory with only the forking thread
running. CUDA's driver state cannot be used in such a copy: PyTorch registers
an at-fork handler when it initialises CUDA (`torch/csrc/cuda/Module.cpp`,
`poison_fork`) that marks the child as a bad fork, and the child's first CUDA
call (`_lazy_init()` in `torch/cuda/__init__.py`) raises:

```
RuntimeError: Cannot re-initialize CUDA in forked subprocess. To use CUDA with multiprocessing, you must use the 'spawn' start method
```

Threads do not survive a fork, but what they hold does: a lock a thread held
at the moment of the fork (a `logging` handler's lock, a queue's, an allocator's)
stays locked forever in the child, which deadlocks the first time it takes it.
Since Python 3.12, `os.fork()` warns when the process has more than one thread
(`warn_about_fork_with_threads` in CPython's `Modules/posixmodule.c`):

```
DeprecationWarning: This process (pid=12345) is multi-threaded, use of fork() may lead to deadlocks in the child.
```

Python 3.11 and older fork just as silently. This is why macOS uses spawn
since 3.8 and Linux forkserver since 3.14.

## Messages
Proven on CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1 and 3.13.0 by `tests/messages/collect.py`
(the `fork-with-threads` case). A row for 3.14 alone is read from the 3.14 source, not run; a range up
to 3.14 was run up to 3.13 and assumes the raising code named below is unchanged in 3.14.

| Python | Message |
|---|---|
| 3.8-3.11 | (no warning) |
| 3.12-3.14 | `DeprecationWarning: This process (pid=...) is multi-threaded, use of fork() may lead to deadlocks in the child.` |

Source: `Modules/posixmodule.c` `warn_about_fork_with_threads` (3.12+, called
by `os.fork()`, which `Lib/multiprocessing/popen_fork.py` `Popen._launch` uses). PyTorch's CUDA message is PyTorch's, not CPython's.

## Example
```python
import multiprocessing as mp
import torch

def infer(batch):
    return model(batch.to("cuda"))

if __name__ == "__main__":
    model = Net().cuda()
    with mp.get_context("fork").Pool(4) as pool:
        pool.map(infer, batches)
```

Use instead:
```python
if __name__ == "__main__":
    with mp.get_context("spawn").Pool(4) as pool:  # children start fresh, then load CUDA
        pool.map(infer, batches)
```

or start the processes before CUDA is initialised or the thread is started.

## References
- PyTorch `torch/cuda/__init__.py`: `_lazy_init()` raises "Cannot re-initialize
  CUDA in forked subprocess. " + "To use CUDA with multiprocessing, you must use
  the 'spawn' start method" when `_is_in_bad_fork()`; `is_available()` does not
  call it.
- [PyTorch: CUDA in multiprocessing](https://pytorch.org/docs/stable/notes/multiprocessing.html#cuda-in-multiprocessing)
- CPython `Modules/posixmodule.c`: `warn_about_fork_with_threads()` (3.12+).
- [os.fork](https://docs.python.org/3/library/os.html#os.fork): "If Python is able
  to detect that your process has multiple threads, os.fork() now raises a
  DeprecationWarning."
- [gh-84559: multiprocessing's default start method of fork is broken](https://github.com/python/cpython/issues/84559)
"#;

pub fn check(checker: &mut Checker) {
    let project = checker.project;
    let module = checker.module;
    let worker_functions: Vec<(usize, FunctionId)> =
        checker.workers.functions.keys().copied().collect();
    let program_method = checker.program_method.map(|method| method.name());
    let found = forks_after(project, module, program_method, &worker_functions);
    for fork in found {
        let source = &checker.file().text;
        let before_text = shown(&source[fork.before]);
        let (message, related) = match fork.what {
            Before::Cuda => (
                format!(
                    "This call {} with the fork start method after `{before_text}` initialised CUDA in this process: a child that uses CUDA raises \"RuntimeError: Cannot re-initialize CUDA in forked subprocess. To use CUDA with multiprocessing, you must use the 'spawn' start method\"",
                    fork.kind.describe()
                ),
                "CUDA is initialised here, before the fork",
            ),
            Before::Thread => (
                format!(
                    "This call {} with the fork start method while the thread started by `{before_text}` may run: the child gets copies of the locks that thread holds and can deadlock on them (Python 3.12+ warns \"DeprecationWarning: This process (pid=...) is multi-threaded, use of fork() may lead to deadlocks in the child.\")",
                    fork.kind.describe()
                ),
                "the thread is started here, before the fork",
            ),
        };
        let help = match fork.what {
            Before::Cuda => "use the spawn start method (`get_context(\"spawn\")`, or `torch.multiprocessing.spawn`), or start the processes before CUDA is initialised",
            Before::Thread => "use the spawn or forkserver start method, or start the processes before the thread",
        };
        let on = match fork.fork {
            ForkBy::Explicit => OnPlatforms {
                windows: None,
                macos: Some(ALL_VERSIONS),
                linux: Some(ALL_VERSIONS),
            },
            ForkBy::LinuxDefault => OnPlatforms {
                windows: None,
                macos: None,
                linux: Some(ALL_VERSIONS),
            }
            .before(14),
        };
        let clause = match fork.fork {
            ForkBy::Explicit => "the code selects fork",
            ForkBy::LinuxDefault => "fork is the default start method",
        };
        let related = Related {
            file: checker.file().clone(),
            range: fork.before,
            message: related.to_string(),
        };
        let inside = fork.inside.map(|inside| Related {
            file: checker.file().clone(),
            range: inside,
            message: match fork.what {
                Before::Cuda => "where that call initialises CUDA",
                Before::Thread => "where that call starts the thread",
            }
            .to_string(),
        });
        let diagnostic = checker.report(
            Rule::CudaOrThreadsThenFork,
            fork.start.range(),
            message,
            Some(help.to_string()),
        );
        diagnostic.related.push(related);
        diagnostic.related.extend(inside);
        diagnostic.platform_clauses = vec![PlatformClause {
            on,
            text: clause.to_string(),
        }];
    }
}

/// The call as written when it is short, else its first line cut.
fn shown(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    if line.len() <= 50 && !text.contains('\n') {
        line.to_string()
    } else {
        format!("{}...", line.chars().take(40).collect::<String>())
    }
}
