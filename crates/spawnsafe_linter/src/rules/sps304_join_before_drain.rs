//! SPS304 join-before-drain: the parent joins a process before it reads the
//! queue or pipe the process fills. The analysis is the flow layer's
//! [`joins`](spawnsafe_flow::joins); this file words its answers.

use crate::fix::drain_first::ReadEnd;
use spawnsafe_flow::joins::{joins_before_drain, ChannelKind, JoinBeforeDrain, Place, Put};

use crate::diagnostic::Related;
use crate::registry::Rule;
use crate::rules::sps302_side_effects_in_children::snippet;
use crate::rules::Checker;

pub const DOCS: &str = r#"# join-before-drain (SPS304)

## What it does
Finds a parent that calls `join()` (without a timeout) on a
`multiprocessing.Process` — a `Process`, a context's `Process`, or a
`Process` subclass; directly, or through a helper that joins the processes it
is given — while that process puts data into a `multiprocessing.Queue`,
`JoinableQueue` or `SimpleQueue`, or sends it through a `Pipe()`, and the
parent reads nothing from it before the join: no `get()`/`recv()`, no
`iter(queue.get, None)`, no helper that reads it, no thread or
`logging.handlers.QueueListener` draining it.

It stays silent when the data is provably tiny (each process puts a few
scalars, outside loops, and the number of processes is a small constant), when
the child calls `cancel_join_thread()`, when the parent `terminate()`s or
`kill()`s the process before joining it, for `Manager().Queue()` (a proxy: its
`put()` stores the item in the manager process, no pipe fills up), and for
`queue.Queue` or `multiprocessing.dummy` with threads.

## Why is this bad?
A queue is a pipe plus, in the producer, a feeder thread that writes the
pickled items into it. A process that has put items on a queue does not exit
until its feeder thread has flushed them all into the pipe, and the pipe holds
only so much: 64 KiB on Linux, 16-64 KiB on macOS, about 8 KiB for the named
pipes on Windows. If the parent calls `join()` before it reads the queue, the
child waits for the parent to read, the parent waits for the child to exit, and
the program hangs — silently, with no error. `SimpleQueue.put()` and
`Connection.send()` write into the pipe themselves and block the same way.

The multiprocessing documentation warns about it under "Joining processes
that use queues". This deadlock does not depend on the start method: it
happens under fork, spawn and forkserver alike, as soon as the data outgrows
the pipe buffer — so code tested with small inputs hangs in production.

## Messages
None: the parent blocks in `join()` with no output, under every start method.
The child has finished `run()` but cannot exit: at exit
`Lib/multiprocessing/util.py` `_exit_function` runs the queue's finalizer
`Lib/multiprocessing/queues.py` `Queue._finalize_join`, which joins the feeder
thread, and the feeder thread (`Queue._feed`) is blocked writing into the full
pipe until someone reads it. `spawnsafe run --timeout N` reproduces the hang.

## Example
```python
import multiprocessing

def build_report(results):
    results.put([{"row": i, "total": i * 17} for i in range(5000)])

if __name__ == "__main__":
    results = multiprocessing.Queue()
    worker = multiprocessing.Process(target=build_report, args=(results,))
    worker.start()
    worker.join()
    rows = results.get()
```

Use instead:
```python
import multiprocessing

def build_report(results):
    results.put([{"row": i, "total": i * 17} for i in range(5000)])

if __name__ == "__main__":
    results = multiprocessing.Queue()
    worker = multiprocessing.Process(target=build_report, args=(results,))
    worker.start()
    rows = results.get()
    worker.join()
```

## Fix safety
The fix moves the join statement (`proc.join()`, or a `for p in procs:
p.join()` loop) to just after the statements that read the channel. It is
unsafe: those statements now run while the child may still be running, so
what they print may come before the rest of the child's output. It is
offered only when those
statements follow the join directly (after plain initialisations such as
`rows = []`), read with plain `get()`/`recv()` or `iter(q.get, None)` (a
timeout or an `empty()`/`poll()` check would see a child that may still be
running), do not use the processes (`proc.exitcode` needs the join), and
the channel is not read again later in the same block.

## CPython source (3.11.7; the same in 3.8-3.14 unless the text says otherwise)
- `Lib/multiprocessing/queues.py:212-252` `_feed`: a queue's feeder thread writes
  pickled items into a pipe; a child that put items does not exit until the
  feeder has flushed them (`Queue._finalize_join`, lines 182 and 195, unless
  `cancel_join_thread()`, line 153). The pipe's buffer is small (64 KiB on Linux), so a parent that
  `join()`s the child before reading the queue waits for a child that waits for
  the parent: a deadlock under every start method (the "Joining processes that
  use queues" programming guideline).

## References
- [multiprocessing programming guidelines: Joining processes that use queues](https://docs.python.org/3/library/multiprocessing.html#multiprocessing-programming)
- [multiprocessing: Pipes and Queues](https://docs.python.org/3/library/multiprocessing.html#pipes-and-queues)
"#;

pub fn check(checker: &mut Checker) {
    for finding in joins_before_drain(checker.project, checker.module) {
        report(checker, finding);
    }
}

fn report(checker: &mut Checker, finding: JoinBeforeDrain<'_>) {
    let file = checker.file().clone();
    let read_end = match &finding.channel.read_end {
        Place::Name(_, name) => name.clone(),
        Place::SelfAttribute(_, name) => format!("self.{name}"),
    };
    let (what, blocks) = match finding.channel.kind {
        ChannelKind::Queue => (
            "puts data on",
            "a process that has put data on a queue does not exit until its feeder thread has flushed it all into the pipe",
        ),
        ChannelKind::SimpleQueue => (
            "puts data on",
            "`SimpleQueue.put()` writes into the pipe itself and blocks while the pipe is full",
        ),
        ChannelKind::Pipe => (
            "sends data through",
            "`send()` writes into the pipe itself and blocks while the pipe is full",
        ),
    };
    let putter = finding
        .usage
        .putter
        .clone()
        .unwrap_or_else(|| "it".to_string());
    let waits = if finding.helper.is_some() {
        "joins"
    } else {
        "waits for"
    };
    let message = format!(
        "`{}` {waits} a process that {what} `{read_end}`, but nothing reads `{read_end}` before the join: {blocks}, so once the data outgrows the pipe buffer (64 KiB on Linux, less on macOS and Windows) the child never exits and the join never returns",
        snippet(&file, finding.join)
    );
    let mut related = Vec::new();
    if let Some((module, range, name)) = &finding.helper {
        related.push(Related {
            file: checker.files[*module].clone(),
            range: *range,
            message: format!("`{name}` joins the processes here"),
        });
    }
    if let Some(Put { module, range, .. }) = finding.usage.puts.first() {
        let verb = if finding.channel.kind == ChannelKind::Pipe {
            "sends"
        } else {
            "puts"
        };
        related.push(Related {
            file: checker.files[*module].clone(),
            range: *range,
            message: format!("`{putter}` {verb} the data here"),
        });
    }
    related.push(Related {
        file: file.clone(),
        range: finding.origin,
        message: "the process is created here".to_string(),
    });
    let help = if finding.channel.kind == ChannelKind::Pipe {
        format!("call `{read_end}.recv()` for everything the child sends before joining it")
    } else {
        format!(
            "read everything from `{read_end}` before joining (for example until a sentinel, with `iter({read_end}.get, None)`), or drain it from a thread while you join"
        )
    };
    // The join moves after the reads when it is in this file, not in a helper.
    let fix = match (&finding.helper, &finding.channel.read_end) {
        (None, Place::Name(_, name)) => crate::fix::drain_first::fix(
            &file.text,
            checker.project.models[checker.module].body,
            finding.join,
            ReadEnd::Name(name),
        ),
        (None, Place::SelfAttribute(_, attr)) => crate::fix::drain_first::fix(
            &file.text,
            checker.project.models[checker.module].body,
            finding.join,
            ReadEnd::SelfAttribute(attr),
        ),
        (Some((module, join, _)), Place::Name(_, name)) if *module == checker.module => {
            crate::fix::drain_in_helper::helper_fix(
                &checker.project.models[checker.module],
                &file.text,
                finding.join,
                *join,
                name,
            )
        }
        _ => None,
    };
    let diagnostic = checker.report(Rule::JoinBeforeDrain, finding.join, message, Some(help));
    diagnostic.related = related;
    diagnostic.fix = fix;
}
