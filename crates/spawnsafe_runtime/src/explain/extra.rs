//! Failures beyond the first catalogue: CUDA (or threads) then fork, mixed
//! fork/spawn contexts, stdin in a child beyond `EOFError`, a worker that
//! finds a global empty, pickling failures that name no type, and 3.14's
//! pickling notes (the path to the object that failed).

use super::signatures::{
    frames_pickle_at_start, has_function, in_child, is_library_frame, quoted, unpickling_at,
    Identified, SignatureId, SPAWN_PLATFORMS,
};
use super::traceback::Exception;
use spawnsafe_linter::registry::Rule;

/// torch/cuda/__init__.py `_lazy_init`: "Cannot re-initialize CUDA in forked
/// subprocess. To use CUDA with multiprocessing, you must use the 'spawn'
/// start method".
pub const CUDA_FORK: &str = "Cannot re-initialize CUDA in forked subprocess";

/// Lib/multiprocessing/synchronize.py `SemLock.__getstate__` (3.11.5+, 3.12+).
pub const SEMLOCK_MIX: &str =
    "A SemLock created in a fork context is being shared with a process in a spawn context";

/// Lib/multiprocessing/popen_fork.py (3.12+) warns with
/// "This process (pid=N) is multi-threaded, use of fork() may lead to
/// deadlocks in the child."
pub const THREADS_FORK: &str =
    "is multi-threaded, use of fork() may lead to deadlocks in the child";

pub fn cuda_or_threads(warning_only: bool) -> Identified {
    Identified {
        signature: SignatureId::CudaOrThreadsThenFork,
        rule: None,
        alternatives: Vec::new(),
        title: if warning_only {
            "a process with running threads forked a child".to_string()
        } else {
            "a forked child used CUDA that the parent had already initialised".to_string()
        },
        meaning: if warning_only {
            "`fork()` copies only the thread that calls it: locks held by the parent's other threads (logging, allocators, CUDA or BLAS runtimes) stay locked forever in the child, which can deadlock. Python 3.12+ warns when a multi-threaded process forks; 3.14 stopped using fork by default on Linux for this reason.".to_string()
        } else {
            "The parent initialised CUDA (a tensor on the GPU, `torch.cuda.is_available()` is enough with some versions) and then started a child with the fork start method (the default on Linux up to Python 3.13, and `DataLoader` workers). CUDA's state cannot be copied into a forked process, so the child's first CUDA call raises. This is the reverse of the other spawn hazards: here fork is the problem and spawn is the fix.".to_string()
        },
        help: "start the children with spawn (or forkserver): `torch.multiprocessing.set_start_method(\"spawn\")` first thing under `if __name__ == \"__main__\":`, or `multiprocessing.get_context(\"spawn\")` / `DataLoader(..., multiprocessing_context=\"spawn\")`, and make the code spawn-safe (`spawnsafe check`); or initialise CUDA only in the children".to_string(),
    }
}

fn semlock_mix() -> Identified {
    Identified {
        signature: SignatureId::SemLockContextMix,
        rule: Some(Rule::ForkOnlyStartMethod),
        alternatives: Vec::new(),
        title: "a lock or queue made in a fork context was given to a spawn process".to_string(),
        meaning: "The `Lock`, `Semaphore`, `Queue` or `Event` was created through a fork context (`multiprocessing.Lock()` while fork is the default on Linux up to 3.13, or `get_context(\"fork\")`), and a process of a spawn (or forkserver) context was started with it. Since 3.11.5/3.12 CPython refuses: a fork-context semaphore is not registered for a fresh interpreter to open.".to_string(),
        help: "create the shared objects from the same context as the processes: `ctx = multiprocessing.get_context(\"spawn\")`, then `ctx.Lock()`, `ctx.Queue()` and `ctx.Process(...)`; or set the start method once, first thing in the main guard".to_string(),
    }
}

pub fn frozen_respawn() -> Identified {
    Identified {
        signature: SignatureId::FrozenRespawn,
        rule: Some(Rule::FreezeSupport),
        alternatives: Vec::new(),
        title: "a frozen executable ran its own program instead of the child's code".to_string(),
        meaning: format!("Under spawn ({SPAWN_PLATFORMS}) a child of a frozen executable (PyInstaller, cx_Freeze, PyOxidizer, Nuitka) is the executable itself, started with `--multiprocessing-fork ...` (or, when `sys.frozen` is not set, with the interpreter options `-B -s -c \"from multiprocessing.spawn import spawn_main; ...\"`). Unless `multiprocessing.freeze_support()` runs first and takes over, the program starts again from the top: its argument parser rejects those arguments, or it opens another window, which starts another child, again and again."),
        help: "call `multiprocessing.freeze_support()` as the first statement under `if __name__ == \"__main__\":`, before parsing arguments or building a GUI; with PyOxidizer or cx_Freeze, also make sure `sys.frozen` is set so children get `--multiprocessing-fork`".to_string(),
    }
}

pub fn main_rerun_in_child() -> Identified {
    Identified {
        signature: SignatureId::MainRerunInChild,
        rule: Some(Rule::SideEffectsInChildren),
        alternatives: vec![Rule::UnguardedProcessStart, Rule::ImportTimeProcessStart],
        title: "a child process failed while re-running your main module's top level".to_string(),
        meaning: format!("Under spawn and forkserver ({SPAWN_PLATFORMS}) every child imports the main module again (as `__mp_main__`), running all of its top-level code; this child was at a line of that code when the paste ends. Top-level work (reading input, parsing arguments, opening files, loading models, starting processes) runs again in every child and can fail there."),
        help: "move the program's work under `if __name__ == \"__main__\":` (or into a `main()` called from there), leaving only imports and definitions at the top level".to_string(),
    }
}

/// The failures of this module found in one exception.
pub fn identify(exception: &Exception) -> Option<Identified> {
    let short = exception.short_type();
    let message = exception.summary();
    let first = exception.first_message_line();
    if message.contains(CUDA_FORK) {
        return Some(cuda_or_threads(false));
    }
    if short == "RuntimeError" && message.contains(SEMLOCK_MIX) {
        return Some(semlock_mix());
    }
    if let Some(found) = stdin_closed_in_child(exception) {
        return Some(found);
    }
    if let Some(found) = parent_failed_pickling(exception) {
        return Some(found);
    }
    if let Some(found) = child_died_at_start(exception) {
        return Some(found);
    }
    if let Some(found) = dataloader_worker_exited(exception) {
        return Some(found);
    }
    if let Some(found) = not_the_same_object(exception) {
        return Some(found);
    }
    if let Some(found) = global_empty_in_child(exception) {
        return Some(found);
    }
    // Any other pickling failure at process start or in a queue's feeder thread.
    if matches!(short, "PicklingError" | "TypeError" | "AttributeError")
        && !first.is_empty()
        && pickled_by_multiprocessing(exception)
    {
        return Some(pickling_failed(exception, first));
    }
    None
}

/// Where a multiprocessing pickling was under way when this was raised:
/// `Process.start()` (spawn/forkserver), a queue's feeder thread, a pool's
/// task handler.
pub fn pickled_by_multiprocessing(exception: &Exception) -> bool {
    let frames = &exception.frames;
    let dumping = has_function(frames, "multiprocessing/reduction.py", "dump")
        || has_function(frames, "multiprocessing/reduction.py", "dumps");
    dumping
        && (super::signatures::frames_pickle_at_start(frames)
            || has_function(frames, "multiprocessing/queues.py", "_feed")
            || has_function(frames, "multiprocessing/pool.py", "_handle_tasks")
            || has_function(frames, "multiprocessing/connection.py", "send"))
}

pub fn pickling_failed(exception: &Exception, first: &str) -> Identified {
    let feeder = has_function(&exception.frames, "multiprocessing/queues.py", "_feed");
    let at_start = super::signatures::frames_pickle_at_start(&exception.frames);
    let (title, meaning) = if feeder {
        ("an item put on a multiprocessing queue could not be pickled".to_string(),
         "`Queue.put()` returns at once; a feeder thread pickles the item later and, when that fails, prints this traceback in the thread and drops the item, so the consumer waits forever.".to_string())
    } else if at_start {
        ("`Process.start()` could not pickle the process object".to_string(),
         format!("Under spawn and forkserver ({SPAWN_PLATFORMS}) `Process.start()` pickles the process object with its target and arguments (and a `Process` subclass's attributes); something in it cannot be pickled. Under fork nothing is pickled, which is why this works on Linux up to Python 3.13."))
    } else {
        ("a task sent to a worker could not be pickled".to_string(),
         "Task functions and arguments of a `Pool` or `ProcessPoolExecutor` are pickled under every start method; something in this one cannot be.".to_string())
    };
    Identified {
        signature: SignatureId::UnpicklableObject,
        rule: Some(Rule::UnpicklableArgument),
        alternatives: vec![Rule::UnpicklableCallable, Rule::UnpicklableProcessState],
        title,
        meaning: format!("{meaning} pickle said: {first}"),
        help: "send plain data (paths, numbers, strings, dicts) and module-level functions, and build everything else in the child; `spawnsafe check` on the file points at the argument".to_string(),
    }
}

/// `Can't pickle <function f at 0x..>: it's not the same object as __main__.f`:
/// a function replaced by a decorator that did not use `functools.wraps`.
fn not_the_same_object(exception: &Exception) -> Option<Identified> {
    let first = exception.first_message_line();
    if !(first.starts_with("Can't pickle ") && first.contains(": it's not the same object as ")) {
        return None;
    }
    let name = first.rsplit(' ').next().unwrap_or("?");
    Some(Identified {
        signature: SignatureId::UnpicklableCallable,
        rule: Some(Rule::UnpicklableCallable),
        alternatives: Vec::new(),
        title: format!("`{name}` is not the function that was sent: a decorator replaced it"),
        meaning: format!("pickle sends a function by its module and qualified name and checks that the name leads back to the same object; `{name}` names another object, typically the wrapper a decorator returned (without `functools.wraps`) or a function redefined later."),
        help: "send the undecorated function (keep a module-level reference to it), or make the decorator return a module-level callable class, or use `functools.wraps` and a wrapper that is itself reachable by name".to_string(),
    })
}

/// A worker's standard input is `os.devnull` (or closed) in every child.
fn stdin_closed_in_child(exception: &Exception) -> Option<Identified> {
    let first = exception.first_message_line();
    let closed = exception.short_type() == "ValueError" && first == "I/O operation on closed file.";
    let not_terminal = first.contains("Input is not a terminal")
        || first.contains("Inappropriate ioctl for device");
    if !(closed || not_terminal) || !in_child(exception) {
        return None;
    }
    let reads_stdin = exception.frames.iter().any(|frame| {
        let source = frame.source.as_deref().unwrap_or("");
        ["stdin", "input(", "prompt", "readline(", ".read("]
            .iter()
            .any(|word| source.contains(word))
    }) || not_terminal;
    if !reads_stdin {
        return None;
    }
    Some(Identified {
        signature: SignatureId::StdinInChild,
        rule: Some(Rule::StdinInWorker),
        alternatives: Vec::new(),
        title: "a child process read from standard input".to_string(),
        meaning: "multiprocessing closes a child's standard input and replaces it with `os.devnull`, under every start method: a `sys.stdin` saved before that is a closed file (`I/O operation on closed file`), `input()` reads end-of-file, and prompt libraries find no terminal.".to_string(),
        help: "read the input in the parent and pass it to the workers as arguments (or through a queue)".to_string(),
    })
}

/// `TypeError: 'NoneType' object is not subscriptable` (and friends) raised in
/// a worker: often a module global that the parent filled at run time and
/// that a spawn child sees with its import-time value. Only a hint: the
/// local check confirms it or drops it.
fn global_empty_in_child(exception: &Exception) -> Option<Identified> {
    let first = exception.first_message_line();
    let none = first.starts_with("'NoneType' object ");
    if !none || !matches!(exception.short_type(), "TypeError" | "AttributeError") {
        return None;
    }
    if !in_child(exception) {
        return None;
    }
    let user = exception
        .frames
        .iter()
        .rev()
        .find(|frame| !is_library_frame(&frame.file))?;
    // The line shows that the `None` was computed there, not read from a name.
    let source = user.source.as_deref().unwrap_or_default();
    if super::operand::none_from_a_name(first, source) == Some(false) {
        return None;
    }
    let function = user.function.clone().unwrap_or_else(|| "?".to_string());
    Some(Identified {
        signature: SignatureId::GlobalEmptyInChild,
        rule: Some(Rule::GlobalNotInherited),
        alternatives: Vec::new(),
        title: format!("a worker (`{function}`) found `None` where the parent had set a value, possibly a global filled at run time"),
        meaning: format!("Under spawn and forkserver ({SPAWN_PLATFORMS}) a child gets its globals by importing your module again: a global that the parent assigns in `main()` or under the main guard still has its import-time value (`None`) in the child. Under fork the child is a copy of the parent and has the value. The paste alone cannot tell this from an ordinary `None` bug; the local check on the file can."),
        help: "pass the value to the workers explicitly (a task argument, `Process(args=...)`, or `Pool(initializer=init, initargs=(value,))` storing it in the child's global)".to_string(),
    })
}

/// A `KeyboardInterrupt` while the parent waited for a pool or a process:
/// not a start-method problem itself, but a pool that hangs is how most of
/// them look from the parent, so say what would precede it.
pub fn interrupted_wait(exception: &Exception) -> Option<String> {
    if exception.short_type() != "KeyboardInterrupt" {
        return None;
    }
    let frames = &exception.frames;
    let waiting = [
        "get",
        "wait",
        "join",
        "map",
        "starmap",
        "_wait_for_tstate_lock",
    ]
    .iter()
    .any(|function| has_function(frames, "multiprocessing/pool.py", function))
        || has_function(frames, "multiprocessing/process.py", "join")
        || has_function(frames, "concurrent/futures/_base.py", "result")
        || has_function(frames, "concurrent/futures/_base.py", "wait");
    waiting.then(|| "interrupted while waiting for worker processes. If they hung, look earlier in the output for what usually precedes that under spawn: the children's bootstrapping `RuntimeError` (SPS101), `Can't get attribute ...` (SPS105/SPS204) or `context has already been set` (SPS104); a `Pool` replaces workers that die and waits forever. `spawnsafe run --timeout 60` reproduces and diagnoses a hang".to_string())
}

/// 3.14's notes under a pickling error, innermost first ("when serializing
/// dict item '_lock'", "when serializing Worker state", "when serializing
/// Worker object"), as a path from the object sent to the one that failed.
/// CPython's `Lib/pickle.py` (3.14 line; read at python/cpython commit
/// 015a323e) adds them as the error unwinds: `_batch_setitems`
/// `f'when serializing {_T(obj)} item {k!r}'` (a dict key, quoted),
/// `_batch_appends` `f'... item {i}'` (a list position), `save_set` and
/// `save_frozenset` `f'... {_T(obj)} element'`, and `save`
/// `f'... {_T(obj)} object'` around every `__reduce__`.
pub fn serialization_path(notes: &[String]) -> Option<String> {
    let steps: Vec<String> = notes
        .iter()
        .rev()
        .filter_map(|note| note.strip_prefix("when serializing "))
        .map(|step| match quoted(step) {
            Some(key) if step.contains(" item ") => format!("[{key:?}]"),
            // `tuple item 0` keeps the container's type: it says more than `[0]`.
            _ => step.to_string(),
        })
        .collect();
    (!steps.is_empty()).then(|| steps.join(" → "))
}

/// A Windows spawn child that read end-of-file where its process object
/// should be. `popen_spawn_win32.Popen.__init__` creates the child
/// (`_winapi.CreateProcess`) before it pickles the preparation data and the
/// process object into the pipe (`reduction.dump(prep_data, to_child)`,
/// `reduction.dump(process_obj, to_child)`); when pickling raises, the parent
/// closes the pipe and the child's `spawn._main`
/// (`reduction.pickle.load(from_parent)`) reads end-of-file. (POSIX spawn and
/// forkserver pickle into a buffer before the child exists.)
fn parent_failed_pickling(exception: &Exception) -> Option<Identified> {
    let short = exception.short_type();
    let first = exception.first_message_line();
    let end_of_file = (short == "EOFError" && first == "Ran out of input")
        || (short == "UnpicklingError" && first.starts_with("pickle data was truncated"));
    if !end_of_file {
        return None;
    }
    let frames = &exception.frames;
    let at = unpickling_at(frames)?;
    let frame = &frames[at];
    if !frame
        .file
        .replace('\\', "/")
        .ends_with("multiprocessing/spawn.py")
        || frame.function.as_deref() != Some("_main")
    {
        return None;
    }
    Some(Identified {
        signature: SignatureId::ParentFailedPickling,
        rule: Some(Rule::UnpicklableArgument),
        alternatives: vec![Rule::UnpicklableCallable, Rule::UnpicklableProcessState],
        title: "the child got no process object: the parent failed while pickling it".to_string(),
        meaning: "On Windows `Process.start()` creates the child first and then pickles the process object (its target, its arguments, and the attributes of a `Process` subclass) into a pipe to it (`multiprocessing/popen_spawn_win32.py`). Pickling failed in the parent, which closed the pipe, so the child read end-of-file where the object should be. The parent printed its own traceback (above this one, or interleaved with it) with the real error: `TypeError: cannot pickle '...' object`, `Can't pickle local object '...'`, `Can't pickle <function <lambda> ...>`. Under fork nothing is pickled, which is why the same code works on Linux up to Python 3.13.".to_string(),
        help: "find the parent's traceback next to this one: it names what could not be pickled (a lambda or nested function, an open file, a lock, a database connection, a generator, or an object holding one); pass plain data and module-level functions instead, and build the rest in the child. `spawnsafe check` points at the line".to_string(),
    })
}

/// The parent's pipe to a new spawn child broke while it wrote the pickled
/// process object: the child was already dead. `spawn._main` reads the
/// preparation data, re-imports the main module (`prepare()`), and only then
/// reads the process object; a process object bigger than the pipe's buffer
/// (a `DataLoader` worker's dataset) keeps the parent writing until the child
/// reads, so a child that died re-importing the main module breaks the pipe.
fn child_died_at_start(exception: &Exception) -> Option<Identified> {
    let short = exception.short_type();
    let first = exception.first_message_line();
    let broken = short == "BrokenPipeError"
        || (short == "OSError" && first.contains("[WinError 232]"))
        || (short == "OSError" && first.contains("[Errno 22] Invalid argument"));
    let frames = &exception.frames;
    let writing = has_function(frames, "multiprocessing/reduction.py", "dump")
        || frames.iter().any(|frame| {
            frame
                .source
                .as_deref()
                .is_some_and(|source| source.contains("reduction.dump(process_obj"))
        });
    if !broken || !writing || !frames_pickle_at_start(frames) {
        return None;
    }
    Some(Identified {
        signature: SignatureId::ChildDiedAtStart,
        rule: Some(Rule::UnguardedProcessStart),
        alternatives: vec![Rule::ImportTimeProcessStart, Rule::SideEffectsInChildren],
        title: "the new child process died before it read what the parent sent it".to_string(),
        meaning: format!("Under spawn ({SPAWN_PLATFORMS}) `Process.start()` writes the pickled process object into a pipe to the child, while the child first imports your main module again (as `__mp_main__`) and only then reads it. The child died during that import, closing the pipe, so the parent's write failed. The usual cause is code at the main module's top level that starts processes again in the child (the bootstrapping `RuntimeError`: a `Pool`, a `Process`, or a PyTorch `DataLoader` with `num_workers > 0` iterated outside `if __name__ == \"__main__\":`), or other top-level code that fails there. The child printed its own traceback separately."),
        help: "move the code that starts processes (and the rest of the program's work) under `if __name__ == \"__main__\":` (or into a `main()` called from there); look for the child's own traceback (`RuntimeError: An attempt has been made to start a new process ...`) next to this one".to_string(),
    })
}

/// PyTorch's `_MultiProcessingDataLoaderIter._try_get_data`
/// (`torch/utils/data/dataloader.py`): "DataLoader worker (pid(s) {pids})
/// exited unexpectedly", raised when a worker is gone and no batch arrives.
fn dataloader_worker_exited(exception: &Exception) -> Option<Identified> {
    let first = exception.first_message_line();
    if exception.short_type() != "RuntimeError"
        || !first.starts_with("DataLoader worker (pid")
        || !first.contains("exited unexpectedly")
    {
        return None;
    }
    Some(Identified {
        signature: SignatureId::DataLoaderWorkerExited,
        rule: None,
        alternatives: vec![
            Rule::UnguardedProcessStart,
            Rule::UnpicklableCallable,
            Rule::UnpicklableArgument,
            Rule::WorkerDefinedInGuard,
        ],
        title: "a `DataLoader` worker process died".to_string(),
        meaning: format!("PyTorch noticed that a worker of a `DataLoader` with `num_workers > 0` was gone. Under spawn ({SPAWN_PLATFORMS}; PyTorch uses the platform's default) a worker starts by importing your main module again and unpickling the dataset, `collate_fn` and `worker_init_fn`: it dies when the main module iterates a `DataLoader` (or starts other processes) at its top level (the bootstrapping `RuntimeError`), when the dataset's class or a function it uses is defined only under `if __name__ == \"__main__\":` (`Can't get attribute ...`), or when top-level code fails in the child. The worker's own traceback, when it printed one, is above this one. Without one, the usual cause is the kernel killing the worker (out of memory, or too little shared memory in a container: `--shm-size`)."),
        help: "look for the worker's own traceback above this one; put the training loop under `if __name__ == \"__main__\":` (or in `main()` called from there), keep the dataset, `collate_fn` and transforms at module level (no lambdas); to tell a code problem from memory, try `num_workers=0`".to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialization_notes_become_a_path() {
        let notes = [
            "when serializing dict item '_lock'".to_string(),
            "when serializing Worker state".to_string(),
            "when serializing Worker object".to_string(),
        ];
        assert_eq!(
            serialization_path(&notes).as_deref(),
            Some("Worker object → Worker state → [\"_lock\"]")
        );
        let notes = [
            "when serializing list item 2".to_string(),
            "when serializing set element".to_string(),
            "when serializing tuple item 0".to_string(),
            "when serializing functools.partial object".to_string(),
        ];
        assert_eq!(
            serialization_path(&notes).as_deref(),
            Some("functools.partial object → tuple item 0 → set element → list item 2")
        );
    }
}
