//! The catalogue of known failures: exception texts CPython prints (3.8 to
//! 3.14) when process-parallel code meets spawn/forkserver, each with what it
//! means, what to change, and the rule that finds the cause statically.
//!
//! A signature matches on the exception's type and message, and where the
//! same text can come from code that has nothing to do with multiprocessing
//! (`cannot pickle '_thread.lock' object` from `copy.deepcopy`, an `EOFError`
//! from `input()` in the parent), on the frames too: a diagnosis must be true.

use serde::Serialize;

use super::traceback::{Exception, Frame};
use spawnsafe_linter::registry::Rule;

/// What a signature is, for `--json` and the tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignatureId {
    /// `RuntimeError: An attempt has been made to start a new process before ...`
    Bootstrapping,
    /// `RuntimeError: context has already been set`
    ContextAlreadySet,
    /// `RuntimeError: Queue objects should only be shared between processes through inheritance`
    SharedThroughInheritance,
    /// A lambda, local function or class that pickle cannot send by name.
    UnpicklableCallable,
    /// An object of a type that does not pickle (`cannot pickle '_thread.lock' object`).
    UnpicklableObject,
    /// `Can't get attribute 'f' on <module '__mp_main__' from ...>`
    MissingInMpMain,
    /// `Can't get attribute 'f' on <module '__main__' (built-in)>`
    MissingInBuiltinMain,
    /// `AssertionError: daemonic processes are not allowed to have children`
    DaemonicChildren,
    /// `ValueError: cannot find context for 'fork'`
    NoForkContext,
    /// `ValueError: max_workers must be <= 61`
    MaxWorkers61,
    /// `ValueError: need at most 63 handles, got a sequence of length N`
    TooManyHandles,
    /// `EOFError: EOF when reading a line` in a child process.
    StdinInChild,
    /// `BrokenProcessPool`: a worker of a `ProcessPoolExecutor` died.
    BrokenProcessPool,
    /// `NameError` in a child: a global the parent assigned only at run time.
    GlobalMissingInChild,
    /// `AttributeError: module '__main__' has no attribute '__spec__'`: a
    /// debugger (pdb before 3.13) replaced `__main__`'s namespace.
    MainWithoutSpec,
    /// A spawn child could not run the parent's main file again: there is
    /// none (`<stdin>`).
    MainFileMissing,
    /// An exception raised by the user's own class while a child unpickled its
    /// object (`__getattr__` recursion, `__setitem__` before `__init__`'s attributes).
    FailedUnpickling,
    /// `Cannot re-initialize CUDA in forked subprocess`, or 3.12's warning
    /// that a multi-threaded process forks.
    CudaOrThreadsThenFork,
    /// A frozen executable's own argument parser rejected the arguments of a
    /// spawn child (`--multiprocessing-fork`, `-B -s -c ...`).
    FrozenRespawn,
    /// `A SemLock created in a fork context is being shared with a process in a spawn context`.
    SemLockContextMix,
    /// A worker failed on a global that is `None` (or missing) in the child:
    /// the parent fills it only at run time.
    GlobalEmptyInChild,
    /// A child re-running the main module's top-level code failed there.
    MainRerunInChild,
    /// A Windows spawn child read end-of-file where its process object should
    /// be: the parent failed while pickling it (`EOFError: Ran out of input`).
    ParentFailedPickling,
    /// The parent's pipe to a new Windows child broke while it wrote the
    /// process object: the child had already died (`BrokenPipeError`).
    ChildDiedAtStart,
    /// PyTorch: `DataLoader worker (pid(s) N) exited unexpectedly`.
    DataLoaderWorkerExited,
}

impl SignatureId {
    pub fn as_str(self) -> &'static str {
        match self {
            SignatureId::Bootstrapping => "bootstrapping",
            SignatureId::ContextAlreadySet => "context-already-set",
            SignatureId::SharedThroughInheritance => "shared-through-inheritance",
            SignatureId::UnpicklableCallable => "unpicklable-callable",
            SignatureId::UnpicklableObject => "unpicklable-object",
            SignatureId::MissingInMpMain => "missing-in-mp-main",
            SignatureId::MissingInBuiltinMain => "missing-in-builtin-main",
            SignatureId::DaemonicChildren => "daemonic-children",
            SignatureId::NoForkContext => "no-fork-context",
            SignatureId::MaxWorkers61 => "max-workers-61",
            SignatureId::TooManyHandles => "too-many-handles",
            SignatureId::StdinInChild => "stdin-in-child",
            SignatureId::BrokenProcessPool => "broken-process-pool",
            SignatureId::GlobalMissingInChild => "global-missing-in-child",
            SignatureId::FailedUnpickling => "failed-unpickling",
            SignatureId::MainWithoutSpec => "main-without-spec",
            SignatureId::MainFileMissing => "main-file-missing",
            SignatureId::CudaOrThreadsThenFork => "cuda-or-threads-then-fork",
            SignatureId::FrozenRespawn => "frozen-respawn",
            SignatureId::SemLockContextMix => "semlock-context-mix",
            SignatureId::GlobalEmptyInChild => "global-empty-in-child",
            SignatureId::MainRerunInChild => "main-rerun-in-child",
            SignatureId::ParentFailedPickling => "parent-failed-pickling",
            SignatureId::ChildDiedAtStart => "child-died-at-start",
            SignatureId::DataLoaderWorkerExited => "dataloader-worker-exited",
        }
    }

    /// A rule code the catalogue has reserved but the registry does not have
    /// yet (its static rule comes later): (code, name).
    pub fn reserved_rule(self) -> Option<(&'static str, &'static str)> {
        match self {
            SignatureId::CudaOrThreadsThenFork => Some(("SPS404", "cuda-or-threads-then-fork")),
            _ => None,
        }
    }
}

/// A known failure, recognised in one exception.
#[derive(Debug, Clone)]
pub struct Identified {
    pub signature: SignatureId,
    /// The rule that finds the cause statically, when there is one.
    pub rule: Option<Rule>,
    /// Other rules the same text can come from (the local check decides).
    pub alternatives: Vec<Rule>,
    /// One line: what happened.
    pub title: String,
    /// What CPython did, and why.
    pub meaning: String,
    /// What to change.
    pub help: String,
}

/// Where a frame's code lives: the standard library and installed packages
/// are not the user's own code.
pub fn is_library_frame(file: &str) -> bool {
    let path = file.replace('\\', "/").to_ascii_lowercase();
    if path.starts_with("<frozen ") || path == "<string>" || path.starts_with("<frozen>") {
        return true;
    }
    const PARTS: &[&str] = &[
        "/multiprocessing/",
        "/concurrent/futures/",
        "/lib/python2",
        "/lib/python3",
        "/lib64/python3",
        "site-packages/",
        "dist-packages/",
        "/importlib/",
    ];
    if PARTS.iter().any(|part| path.contains(part)) {
        return true;
    }
    // Windows installs keep the standard library in `...\Lib\`.
    const STDLIB_FILES: &[&str] = &[
        "runpy.py",
        "threading.py",
        "pickle.py",
        "copyreg.py",
        "queue.py",
        "socket.py",
        "selectors.py",
        "subprocess.py",
        "functools.py",
        "weakref.py",
        "contextlib.py",
        "traceback.py",
    ];
    let name = path.rsplit('/').next().unwrap_or(&path);
    path.ends_with("/runpy.py") || (path.contains("/lib/") && STDLIB_FILES.contains(&name))
}

pub(super) fn file_name(file: &str) -> &str {
    file.rsplit(['/', '\\']).next().unwrap_or(file)
}

fn frames_touch(frames: &[Frame], part: &str) -> bool {
    frames
        .iter()
        .any(|frame| frame.file.replace('\\', "/").contains(part))
}

pub(super) fn has_function(frames: &[Frame], file_part: &str, function: &str) -> bool {
    frames.iter().any(|frame| {
        frame.function.as_deref() == Some(function)
            && frame.file.replace('\\', "/").contains(file_part)
    })
}

/// The exception happened in a multiprocessing child (or the fork server).
pub fn in_child(exception: &Exception) -> bool {
    // A `_RemoteTraceback` also carries the parent's own queue-feeder errors.
    let remote_child =
        exception.remote && !has_function(&exception.frames, "multiprocessing/queues.py", "_feed");
    remote_child
        || exception.process.is_some()
        || has_function(&exception.frames, "multiprocessing/spawn.py", "spawn_main")
        || has_function(
            &exception.frames,
            "multiprocessing/process.py",
            "_bootstrap",
        )
        || has_function(&exception.frames, "multiprocessing/forkserver.py", "main")
        || has_function(&exception.frames, "multiprocessing/pool.py", "worker")
        // PyTorch's `torch.multiprocessing.spawn` runs the function in the
        // child through `_wrap`, and sends its traceback back to the parent's
        // `ProcessRaisedException`.
        || has_function(&exception.frames, "torch/multiprocessing/spawn.py", "_wrap")
        || has_function(
            &exception.frames,
            "concurrent/futures/process.py",
            "_process_worker",
        )
}

/// The child was importing the parent's main module (spawn's `prepare`).
pub(super) fn importing_main(frames: &[Frame]) -> bool {
    has_function(frames, "multiprocessing/spawn.py", "_fixup_main_from_path")
        || has_function(frames, "multiprocessing/spawn.py", "_fixup_main_from_name")
        || has_function(frames, "multiprocessing/spawn.py", "import_main_path")
}

/// The text between the first pair of single quotes: `'f.<locals>.g'` → `f.<locals>.g`.
pub(super) fn quoted(text: &str) -> Option<&str> {
    let start = text.find('\'')? + 1;
    let end = text[start..].find('\'')? + start;
    Some(&text[start..end])
}

/// The object named in a pickling message: `<function f.<locals>.g at 0x…>` → `f.<locals>.g`.
fn described_object(message: &str) -> Option<String> {
    // `<function f.<locals>.<lambda> at 0x…>`, `<bound method A.f of …>`, `<class '__main__.f.<locals>.A'>`
    for (kind, end) in [
        ("<function ", ' '),
        ("<bound method ", ' '),
        ("<class '", '\''),
    ] {
        if let Some(start) = message.find(kind) {
            let rest = &message[start + kind.len()..];
            let stop = rest.find(end).unwrap_or(rest.len());
            return Some(rest[..stop].to_string());
        }
    }
    None
}

fn what_callable(name: &str) -> String {
    if name == "<lambda>" || name.ends_with(".<lambda>") {
        "a lambda".to_string()
    } else if name.contains("<locals>") {
        format!("`{name}`, defined inside a function,")
    } else {
        format!("`{name}`")
    }
}

pub(super) const SPAWN_PLATFORMS: &str = "Windows, macOS, and Linux with Python 3.14+";

/// Recognises the exception, with the exception above it for context (the
/// child's cause of a `BrokenProcessPool`).
pub fn identify(exception: &Exception) -> Option<Identified> {
    let short = exception.short_type();
    let message = exception.message.as_str();
    let first = exception.first_message_line();
    let frames = &exception.frames;

    if short == "RuntimeError" && message.contains("has been made to start a new process before") {
        return Some(bootstrapping(exception));
    }
    if short == "RuntimeError" && first == "context has already been set" {
        let child = in_child(exception) && importing_main(frames);
        let meaning = if child {
            "The child process re-imported your main module, and its top-level `set_start_method()` ran again there, after the child's own start method was already set, so it raised and the child died. Under spawn and forkserver every child imports the main module again; a `Pool` then hangs, replacing workers that die one after another.".to_string()
        } else {
            "`set_start_method()` was called without `force=True` after the start method was already fixed: by an earlier call, or by something that used the default context (a `Queue`, `Lock`, `Value`, `Pool` or `Manager` made through `multiprocessing.`, or `multiprocessing.get_context()` without a method). On Windows and macOS the first call works and a second one raises; on Linux with fork the code may never have reached this line twice.".to_string()
        };
        return Some(Identified {
            signature: SignatureId::ContextAlreadySet,
            rule: Some(Rule::StartMethodAtImport),
            alternatives: Vec::new(),
            title: "the start method was set after it had already been fixed".to_string(),
            meaning,
            help: "call `multiprocessing.set_start_method()` once, first thing inside `if __name__ == \"__main__\":`, before creating any queue, lock or pool; or use a context object (`ctx = multiprocessing.get_context(\"spawn\")`, then `ctx.Pool()`, `ctx.Queue()`), which sets nothing global".to_string(),
        });
    }
    if short == "RuntimeError" {
        if let Some(kind) = first
            .strip_suffix(" objects should only be shared between processes through inheritance")
        {
            let what = match kind {
                "Synchronized" => "a `multiprocessing.Value` (a `Synchronized` object)".to_string(),
                "SynchronizedArray" => {
                    "a `multiprocessing.Array` (a `SynchronizedArray`)".to_string()
                }
                "Condition" => {
                    "a `multiprocessing.Condition`, or an `Event`/`Barrier` (which hold one)"
                        .to_string()
                }
                other => format!("a `multiprocessing.{other}`"),
            };
            return Some(Identified {
                signature: SignatureId::SharedThroughInheritance,
                rule: Some(Rule::UnpicklableArgument),
                alternatives: Vec::new(),
                title: format!("{what} was sent to a worker as a task argument"),
                meaning: format!("Task arguments of a `Pool` (`map`, `starmap`, `apply_async`, …) and of a `ProcessPoolExecutor` (`submit`, `map`) are pickled and sent through a queue, but {what} can only be pickled while a child process is being created (`multiprocessing.context.assert_spawning`), so this fails under every start method, fork included."),
                help: "hand it to the workers when they are created: `Pool(initializer=init, initargs=(obj,))` (or the executor's `initializer`) storing it in a global, or `Process(args=(obj,))`; or use a `multiprocessing.Manager()` object (`manager.Queue()`, `manager.Lock()`), whose proxy can be sent as a task argument".to_string(),
            });
        }
    }
    if matches!(short, "PicklingError" | "AttributeError") {
        if let Some(found) = unpicklable_callable(exception) {
            return Some(found);
        }
    }
    if matches!(short, "TypeError" | "NotImplementedError" | "PicklingError") {
        if let Some(found) = unpicklable_object(exception) {
            return Some(found);
        }
    }
    if let Some((name, in_mp_main)) = missing_on_unpickling(exception) {
        if in_mp_main {
            return Some(Identified {
                signature: SignatureId::MissingInMpMain,
                rule: Some(Rule::WorkerDefinedInGuard),
                alternatives: Vec::new(),
                title: format!("the child process cannot find `{name}` in your main module"),
                meaning: format!("pickle sent `{name}` by reference, as `__main__.{name}`. Under spawn and forkserver ({SPAWN_PLATFORMS}) the child imports your main module again as `__mp_main__`, where `if __name__ == \"__main__\":` is false: `{name}` is defined inside that block (or assigned only at run time), so the child does not have it and dies while unpickling the task. Under fork the child is a copy of the parent and has it."),
                help: format!("define `{name}` at the top level of the module, outside `if __name__ == \"__main__\":` (or in another module that you import)"),
            });
        }
        if !in_mp_main {
            return Some(Identified {
                signature: SignatureId::MissingInBuiltinMain,
                rule: Some(Rule::InteractiveWorker),
                alternatives: Vec::new(),
                title: format!("the child process cannot find `{name}`: your `__main__` cannot be re-imported"),
                meaning: format!("pickle sent `{name}` by reference, as `__main__.{name}`. Under spawn and forkserver ({SPAWN_PLATFORMS}) the child rebuilds `__main__` by importing the parent's main module again, but this `__main__` has no file it can import: a Jupyter notebook, IPython or the REPL, or a package's `__main__.py` run with `python -m pkg` (multiprocessing never re-runs a module named `__main__`). The child's `__main__` is empty, so unpickling fails; a `Pool` then hangs, a `ProcessPoolExecutor` raises `BrokenProcessPool`."),
                help: format!("move `{name}` into a `.py` module and import it (in a notebook: write the cell to `workers.py` with `%%writefile workers.py`, then `from workers import {name}`); for `python -m pkg`, define workers in another module of the package, or run `python -m pkg.module`"),
            });
        }
    }
    if short == "AssertionError" && first == "daemonic processes are not allowed to have children" {
        return Some(Identified {
            signature: SignatureId::DaemonicChildren,
            rule: Some(Rule::NestedPoolInDaemon),
            alternatives: Vec::new(),
            title: "a daemonic process tried to start processes".to_string(),
            meaning: "`multiprocessing.Pool` workers, and any `Process(daemon=True)`, are daemonic, and `Process.start()` refuses to start children from a daemonic process (they would be orphaned when it is terminated). This holds under every start method.".to_string(),
            help: "do not start processes inside a pool worker: submit the inner tasks to the outer pool from the parent, or make the inner level a `ThreadPool`; for an outer level that must fan out, use a `ProcessPoolExecutor` (its workers are not daemonic since Python 3.9) or a non-daemonic `Process`".to_string(),
        });
    }
    if short == "ValueError" && first.starts_with("cannot find context for '") {
        let method = quoted(first).unwrap_or("fork");
        return Some(Identified {
            signature: SignatureId::NoForkContext,
            rule: Some(Rule::ForkOnlyStartMethod),
            alternatives: Vec::new(),
            title: format!("this Python has no '{method}' start method"),
            meaning: format!("The program asked for the '{method}' start method (`get_context(\"{method}\")`, `set_start_method(\"{method}\")` or an executor's `mp_context`), and this platform does not have it: Windows offers only spawn."),
            help: "use `multiprocessing.get_context(\"spawn\")`, which exists everywhere (and make the code spawn-safe), or choose by platform: `\"fork\" in multiprocessing.get_all_start_methods()`".to_string(),
        });
    }
    if short == "ValueError" && first.starts_with("max_workers must be <= 61") {
        return Some(Identified {
            signature: SignatureId::MaxWorkers61,
            rule: Some(Rule::WindowsWorkerLimit),
            alternatives: Vec::new(),
            title: "`ProcessPoolExecutor` was given more than 61 workers on Windows".to_string(),
            meaning: "On Windows the executor waits on its workers' process handles with `WaitForMultipleObjects`, which takes at most 64 handles, so `ProcessPoolExecutor.__init__` refuses `max_workers` above 61 (`_MAX_WINDOWS_WORKERS`). An explicit `max_workers=os.cpu_count()` skips the default's cap and fails on machines with 62 or more logical CPUs.".to_string(),
            help: "cap it: `max_workers=min(61, os.cpu_count() or 1)` (60 before Python 3.13, whose manager thread needs two more handles), or leave `max_workers` out: the default is capped on Windows".to_string(),
        });
    }
    if short == "ValueError" && first.starts_with("need at most 63 handles") {
        return Some(Identified {
            signature: SignatureId::TooManyHandles,
            rule: Some(Rule::WindowsWorkerLimit),
            alternatives: Vec::new(),
            title: "a `Pool` with more than 60 processes on Windows".to_string(),
            meaning: "Before Python 3.13, Windows waits on at most 63 handles at once (`_winapi.WaitForMultipleObjects`); a `multiprocessing.Pool`'s worker-handler thread waits on every worker plus two more handles, so with more than 60 processes that thread dies with this error and the pool hangs: results never arrive.".to_string(),
            help: "cap the pool: `Pool(processes=min(60, os.cpu_count() or 1))`, or move to Python 3.13+, which waits in batches".to_string(),
        });
    }
    // `input()` says "EOF when reading a line"; prompt libraries raise a bare `EOFError`.
    if short == "EOFError"
        && (first == "EOF when reading a line" || first.is_empty())
        && in_child(exception)
    {
        let rerun = importing_main(frames);
        return Some(Identified {
            signature: SignatureId::StdinInChild,
            rule: Some(if rerun {
                Rule::SideEffectsInChildren
            } else {
                Rule::StdinInWorker
            }),
            alternatives: Vec::new(),
            title: if rerun {
                "a child re-ran your main module's top-level `input()`".to_string()
            } else {
                "a child process read from standard input".to_string()
            },
            meaning: if rerun {
                format!("Under spawn and forkserver ({SPAWN_PLATFORMS}) every child imports the main module again, running its top-level code, `input()` included; a child's standard input is `os.devnull`, so `input()` reads end-of-file and raises.")
            } else {
                "multiprocessing replaces a child's standard input with `os.devnull`, under every start method, so `input()` (or `sys.stdin.readline()`) in a worker reads end-of-file.".to_string()
            },
            help: if rerun {
                "move the `input()` (and other top-level work) into `if __name__ == \"__main__\":` or `main()`, and pass what it read to the workers as arguments".to_string()
            } else {
                "read the input in the parent and pass it to the workers as arguments (or through a queue)".to_string()
            },
        });
    }
    if short == "AttributeError"
        && first == "module '__main__' has no attribute '__spec__'"
        && has_function(frames, "multiprocessing/spawn.py", "get_preparation_data")
    {
        return Some(Identified {
            signature: SignatureId::MainWithoutSpec,
            rule: None,
            alternatives: Vec::new(),
            title: "`__main__` has no `__spec__`: a debugger or another runner replaced it".to_string(),
            meaning: format!("To start a spawn or forkserver child ({SPAWN_PLATFORMS}), `Process.start()` reads `__main__.__spec__` to tell the child how to import the main module (`multiprocessing.spawn.get_preparation_data`). A tool that ran the program cleared `__main__`'s namespace without putting `__spec__` back: pdb (`python -m pdb script.py`) before Python 3.13 does. The program's code is not at fault; under fork nothing is read."),
            help: "run the program without the debugger (or on Python 3.13+), or put `__spec__ = None` at the top of the script; `spawnsafe doctor --session-probe` checks a live session's `__main__`".to_string(),
        });
    }
    if short == "FileNotFoundError"
        && in_child(exception)
        && has_function(frames, "multiprocessing/spawn.py", "_fixup_main_from_path")
    {
        let missing = first.rsplit_once(": ").map_or(first, |(_, path)| path);
        return Some(Identified {
            signature: SignatureId::MainFileMissing,
            rule: None,
            alternatives: Vec::new(),
            title: "a spawn child cannot run the main file again: there is none".to_string(),
            meaning: format!("Under spawn and forkserver ({SPAWN_PLATFORMS}) a child rebuilds `__main__` by running the parent's `__main__.__file__` again, joined to the starting directory: {missing}. That is no file: the code was read from standard input (`python - < script.py`, `__file__` is `<stdin>`) or the file was moved or deleted after the start, so every child dies before it runs its task."),
            help: "save the code to a `.py` file and run that file; `spawnsafe doctor --session-probe` checks a live session's `__main__`".to_string(),
        });
    }
    if let Some(found) = global_missing_in_child(exception) {
        return Some(found);
    }
    if let Some(found) = failed_unpickling(exception) {
        return Some(found);
    }
    if let Some(found) = failed_pickling_lookup(exception) {
        return Some(found);
    }
    if let Some(found) = super::extra::identify(exception) {
        return Some(found);
    }
    if short == "BrokenProcessPool" {
        // 3.9+: "A process in the process pool was terminated abruptly while
        // the future was running or pending." (concurrent/futures/process.py,
        // `_ExecutorManagerThread.terminate_broken`); 3.8: "A child process
        // terminated abruptly, the process pool is not usable anymore".
        return Some(Identified {
            signature: SignatureId::BrokenProcessPool,
            rule: None,
            alternatives: Vec::new(),
            title: "a worker process of a `ProcessPoolExecutor` died".to_string(),
            meaning: "The executor noticed that one of its worker processes ended abruptly and failed every pending future. `BrokenProcessPool` says nothing about why. What usually precedes it: under spawn or forkserver, a worker that died while re-importing the main module (the bootstrapping `RuntimeError`, SPS101/SPS103) or while unpickling its task (`Can't get attribute ...`, SPS105/SPS204); otherwise a worker killed by the kernel's out-of-memory killer (SIGKILL, no traceback), a crash in a C extension (SIGSEGV), or `os._exit()`/`sys.exit()` in a task. The child's own traceback, when it printed one, comes earlier in its standard error; a `multiprocessing.Pool` in the same situation does not raise at all, it hangs.".to_string(),
            help: "look for the worker's traceback above this one (`Process SpawnProcess-N:`, a bootstrapping `RuntimeError`, `Can't get attribute`); if there is none, check the kernel log for the OOM killer (`dmesg`) and the workers' exit codes; to reproduce a Windows/macOS failure on Linux, run the program with `spawnsafe run --start-method spawn`".to_string(),
        });
    }
    None
}

/// `Can't get attribute 'f' on <module '__mp_main__' ...>` (3.8 to 3.13), and
/// 3.14's pickle wordings (`module '__mp_main__' has no attribute 'f'`,
/// `Can't resolve path 'A.f' on module '__mp_main__'`): the name the child
/// could not find, and whether it looked in the re-imported main module
/// (`__mp_main__`) rather than an empty `__main__`.
fn missing_on_unpickling(exception: &Exception) -> Option<(String, bool)> {
    if !matches!(exception.short_type(), "AttributeError" | "UnpicklingError") {
        return None;
    }
    let first = exception.first_message_line();
    if let Some(rest) = first.strip_prefix("Can't get attribute ") {
        let name = quoted(rest)?.to_string();
        if rest.contains("on <module '__mp_main__'") {
            return Some((name, true));
        }
        // A Jupyter kernel's `__main__` is `ipykernel_launcher` (run with
        // `python -m`): its children import that, not the notebook's cells.
        let kernel = rest
            .split_once("on <module '__main__' from '")
            .is_some_and(|(_, path)| {
                let path = path.replace('\\', "/");
                path.contains("ipykernel_launcher.py")
                    || path.contains("/ipykernel/")
                    || path.contains("/IPython/")
            });
        let builtin = kernel
            || rest.contains("on <module '__main__' (built-in)>")
            || rest
                .contains("on <module '__main__' (<class '_frozen_importlib.BuiltinImporter'>)>");
        return builtin.then_some((name, false));
    }
    if let Some(rest) = first.strip_prefix("Can't resolve path ") {
        let name = quoted(rest)?.to_string();
        let module = rest.rsplit_once(" on module ")?.1;
        return match module {
            "'__mp_main__'" => Some((name, true)),
            "'__main__'" => Some((name, false)),
            _ => None,
        };
    }
    // `module 'x' has no attribute 'f'` is also any failed attribute lookup:
    // only a child's unpickling of the parent's `__main__` names is this one.
    let rest = first.strip_prefix("module '")?;
    let (module, attribute) = rest.split_once("' has no attribute ")?;
    let name = quoted(attribute)?.to_string();
    match module {
        "__mp_main__" => Some((name, true)),
        "__main__" if in_child(exception) && unpickling_at(&exception.frames).is_some() => {
            Some((name, false))
        }
        _ => None,
    }
}

/// The index of the frame in which a child unpickles what the parent sent
/// (spawn's process object, or a pool or executor task read from its queue),
/// when the exception was raised below it.
pub(super) fn unpickling_at(frames: &[Frame]) -> Option<usize> {
    frames.iter().enumerate().position(|(index, frame)| {
        let file = frame.file.replace('\\', "/");
        let function = frame.function.as_deref();
        let source = frame.source.as_deref().unwrap_or("");
        // Without the source line, spawn's `_main` is unpickling unless it
        // called `prepare()` (importing the main module) below.
        let preparing = frames.get(index + 1).is_some_and(|next| {
            next.file
                .replace('\\', "/")
                .ends_with("multiprocessing/spawn.py")
        });
        (file.ends_with("multiprocessing/spawn.py")
            && function == Some("_main")
            && (source.contains("pickle.load") || (source.is_empty() && !preparing)))
            || (file.ends_with("multiprocessing/queues.py")
                && function == Some("get")
                && (source.contains("loads(") || source.is_empty()))
            || (file.ends_with("multiprocessing/connection.py")
                && function == Some("recv")
                && source.contains("loads("))
    })
}

/// A `NameError` raised in a child process: under spawn the child has only
/// what importing the module defines.
fn global_missing_in_child(exception: &Exception) -> Option<Identified> {
    if exception.short_type() != "NameError" || !in_child(exception) {
        return None;
    }
    let first = exception.first_message_line();
    let rest = first.strip_prefix("name ")?;
    let name = quoted(rest)?.to_string();
    if !rest.contains(" is not defined") {
        return None;
    }
    Some(Identified {
        signature: SignatureId::GlobalMissingInChild,
        rule: Some(Rule::GlobalNotInherited),
        alternatives: Vec::new(),
        title: format!("a child process has no global `{name}`"),
        meaning: format!("Under spawn and forkserver ({SPAWN_PLATFORMS}) a child starts as a fresh interpreter and gets its globals by importing your module again, as `__mp_main__`, so `if __name__ == \"__main__\":` blocks and functions the parent ran do not run there: a global that the parent assigns only at run time (in the guard, in `main()`, or through `global`) does not exist in the child. Under fork the child is a copy of the parent and has it. (If `{name}` is assigned nowhere, this is a plain `NameError` that fork shows too.)"),
        help: format!("pass `{name}` to the workers explicitly: as a task argument, `Process(args=...)`, or `Pool(initializer=init, initargs=({name},))` storing it in a global of the child; or assign it at module level, if its value does not depend on what the parent did at run time"),
    })
}

/// An exception that the user's own class raised while a child unpickled it:
/// pickle restored the object without `__init__`, and a method it calls
/// (`__getattr__`, `__setitem__`, `append`, `__setstate__`) needed an
/// attribute that was not there yet.
fn failed_unpickling(exception: &Exception) -> Option<Identified> {
    if !in_child(exception) {
        return None;
    }
    let frames = &exception.frames;
    let at = unpickling_at(frames)?;
    let user = frames[at + 1..]
        .iter()
        .rev()
        .find(|frame| !is_library_frame(&frame.file))?;
    let method = user.function.clone().unwrap_or_else(|| "?".to_string());
    let recursion = exception.short_type() == "RecursionError";
    let what = if recursion {
        format!("`{method}` called itself until the recursion limit: it reads an instance attribute that unpickling has not restored yet, and the lookup of that missing attribute calls `{method}` again")
    } else {
        format!("`{method}` ran before the object's attributes were restored and failed")
    };
    Some(Identified {
        signature: SignatureId::FailedUnpickling,
        rule: Some(Rule::PickleProtocolPitfall),
        alternatives: Vec::new(),
        title: format!("an object sent to a child process fails to unpickle there (in `{method}`)"),
        meaning: format!("The object pickled, but unpickling it in the child failed: pickle makes the object without calling `__init__`, looks up `__setstate__` and `__reduce_ex__` on it, and fills a `dict`/`list` subclass's items (through `__setitem__`/`append`/`extend`) before it restores `__dict__`. {what}. Under spawn and forkserver ({SPAWN_PLATFORMS}) `Process` arguments are pickled, so the child dies before it runs the target; under fork they are inherited and this works. `Pool` and executor task arguments are pickled under every start method."),
        help: "make the class survive the round trip: in `__getattr__`, raise `AttributeError` for names that start with `_` or are not in `self.__dict__` instead of reading them (`fields = self.__dict__.get(\"fields\")`); give a `dict`/`list` subclass `__reduce__` returning `(cls, (init args...), None, None, iter(self.items()))`, or `__getstate__`/`__setstate__`; or send plain data and rebuild the object in the child".to_string(),
    })
}

/// Python 3.8 to 3.10: pickling looks up `__getstate__` (and `__reduce_ex__`,
/// `__getnewargs_ex__`) on the object, and a `__getattr__` that raises
/// `KeyError` (or recurses) instead of `AttributeError` breaks the pickling
/// in the parent. 3.11+ defines `object.__getstate__`, so the same class then
/// fails while the child unpickles it.
fn failed_pickling_lookup(exception: &Exception) -> Option<Identified> {
    const HOOKS: &[&str] = &[
        "__getstate__",
        "__setstate__",
        "__reduce_ex__",
        "__reduce__",
        "__getnewargs_ex__",
        "__getnewargs__",
    ];
    let frames = &exception.frames;
    let hook = quoted(exception.first_message_line())?;
    if !HOOKS.contains(&hook) && exception.short_type() != "RecursionError" {
        return None;
    }
    let pickling = frames.iter().position(|frame| {
        frame
            .file
            .replace('\\', "/")
            .ends_with("multiprocessing/reduction.py")
            && matches!(frame.function.as_deref(), Some("dump" | "dumps"))
    })?;
    let user = frames[pickling + 1..]
        .iter()
        .rev()
        .find(|frame| !is_library_frame(&frame.file))?;
    let method = user.function.clone()?;
    if !matches!(method.as_str(), "__getattr__" | "__getattribute__") {
        return None;
    }
    Some(Identified {
        signature: SignatureId::FailedUnpickling,
        rule: Some(Rule::PickleProtocolPitfall),
        alternatives: Vec::new(),
        title: format!("an object sent to a child process breaks pickle's lookup of `{hook}` (in `{method}`)"),
        meaning: format!("pickle looks up `{hook}` on the object, which the class does not define, so `{method}` ran and raised `{}` instead of `AttributeError`, which is what tells pickle the hook is absent. Under spawn and forkserver ({SPAWN_PLATFORMS}) `Process` arguments are pickled; under fork they are inherited and this works. (From Python 3.11, `object.__getstate__` exists and the same class fails later, while the child unpickles it.)", exception.short_type()),
        help: "make `__getattr__` raise `AttributeError` for names it does not hold (`try: return self.fields[name] except KeyError: raise AttributeError(name) from None`), and for names that start with `_`; or send plain data and rebuild the object in the child".to_string(),
    })
}

pub(super) fn bootstrapping(exception: &Exception) -> Identified {
    let user: Vec<&Frame> = exception
        .frames
        .iter()
        .filter(|frame| !is_library_frame(&frame.file))
        .collect();
    // The innermost module being imported when the process was started: when it
    // is not the main module, an imported module starts processes at import.
    let main_file = user.first().map(|frame| frame.file.as_str());
    let importing = user
        .iter()
        .rev()
        .find(|frame| frame.function.as_deref() == Some("<module>"))
        .map(|frame| frame.file.as_str());
    let in_server = has_function(&exception.frames, "multiprocessing/forkserver.py", "main");
    let who = if in_server {
        "the fork server"
    } else {
        "a child process"
    };
    match (main_file, importing) {
        (Some(main), Some(module)) if main != module => {
            let name = file_name(module);
            Identified {
                signature: SignatureId::Bootstrapping,
                rule: Some(Rule::ImportTimeProcessStart),
                alternatives: vec![Rule::UnguardedProcessStart, Rule::MalformedMainGuard],
                title: format!("`{name}` starts processes when it is imported"),
                meaning: format!("Under spawn and forkserver ({SPAWN_PLATFORMS}) {who} starts as a fresh interpreter and imports your main module again (as `__mp_main__`), and with it `{name}`, which starts processes at import time. CPython refuses to start a process while the main module is still being imported (`multiprocessing.spawn._check_not_importing_main`), so {who} dies. A `Pool` then hangs, replacing workers that die one after another; a `ProcessPoolExecutor` raises `BrokenProcessPool`; a `Process` just exits with code 1."),
                help: format!("do not start processes when `{name}` is imported: create the pool in a function that the program calls from `if __name__ == \"__main__\":` (lazily, on first use). Removing `print()` calls or Anaconda does not fix this; `freeze_support()` matters only for frozen executables"),
            }
        }
        _ => Identified {
            signature: SignatureId::Bootstrapping,
            rule: Some(Rule::UnguardedProcessStart),
            alternatives: vec![Rule::ImportTimeProcessStart, Rule::MalformedMainGuard],
            title: "your main module starts processes when it is imported".to_string(),
            meaning: format!("Under spawn and forkserver ({SPAWN_PLATFORMS}) {who} starts as a fresh interpreter and imports your main module again (as `__mp_main__`, so `if __name__ == \"__main__\":` blocks do not run). This module starts a process at its top level, so the import tries to start one too, and CPython refuses (`multiprocessing.spawn._check_not_importing_main`): {who} dies. A `Pool` then hangs, replacing workers that die one after another; a `ProcessPoolExecutor` raises `BrokenProcessPool`; a `Process` just exits with code 1. Under fork (Linux up to Python 3.13) the same code works."),
            help: "move the code that starts processes under `if __name__ == \"__main__\":` (or into a `main()` called from there), leaving only imports and definitions at the top level. Removing `print()` calls or Anaconda does not fix this; `freeze_support()` matters only for frozen executables".to_string(),
        },
    }
}

fn unpicklable_callable(exception: &Exception) -> Option<Identified> {
    let first = exception.first_message_line();
    let name = if let Some(rest) = first.strip_prefix("Can't pickle local object ") {
        // 3.8–3.12: 'f.<locals>.g'; 3.14: <function f.<locals>.g at 0x…>
        quoted(rest)
            .map(str::to_string)
            .or_else(|| described_object(rest))?
    } else if let Some(rest) = first.strip_prefix("Can't get local object ") {
        // 3.13 (raised while pickling).
        quoted(rest)?.to_string()
    } else if first.starts_with("Can't pickle <")
        && (first.contains(": attribute lookup ") || first.contains(": it's not found as "))
    {
        described_object(first)?
    } else {
        return None;
    };
    if exception.short_type() == "AttributeError"
        && !(first.starts_with("Can't pickle local object")
            || first.starts_with("Can't get local object"))
    {
        return None;
    }
    // `pickle.dumps(lambda: 0)` in code that has nothing to do with processes.
    let frames = &exception.frames;
    // A bare `Type: message` line says nothing either way (kept); a header
    // with no frames under it is an interleaving's leftover (the frames went
    // to the other copy, which is judged on them).
    let by_multiprocessing = exception.remote
        || exception.bare
        || frames_touch(frames, "multiprocessing/")
        || frames_touch(frames, "concurrent/futures/")
        || frames_touch(frames, "site-packages/");
    if !by_multiprocessing {
        return None;
    }
    let what = what_callable(&name);
    let pickled_at_start = frames_pickle_at_start(&exception.frames);
    let when = if pickled_at_start {
        format!("Under spawn and forkserver ({SPAWN_PLATFORMS}) `Process.start()` pickles the process object with its target, arguments and initializer; under fork nothing is pickled, which is why this works on Linux up to Python 3.13.")
    } else {
        "`Pool` and `ProcessPoolExecutor` pickle every task function under every start method, fork included.".to_string()
    };
    Some(Identified {
        signature: SignatureId::UnpicklableCallable,
        rule: Some(Rule::UnpicklableCallable),
        alternatives: Vec::new(),
        title: format!("{what} cannot be pickled to send it to a child process"),
        meaning: format!("pickle sends functions and classes by reference, as a module and a qualified name that the child imports again; {what} has no such name: lambdas, and functions or classes defined inside another function, cannot be reached from their module. {when}"),
        help: "define the function (or class) at the top level of a module, outside `if __name__ == \"__main__\":`, and pass the values it closed over as arguments (`functools.partial(top_level_function, value)` pickles)".to_string(),
    })
}

/// The pickling happened in `Process.start()` (spawn/forkserver pickle the process object).
pub(super) fn frames_pickle_at_start(frames: &[Frame]) -> bool {
    frames.iter().any(|frame| {
        let file = frame.file.replace('\\', "/");
        (file.contains("multiprocessing/popen_spawn")
            || file.contains("multiprocessing/popen_forkserver"))
            && frame.function.as_deref() == Some("_launch")
            || file.contains("multiprocessing/popen_spawn_win32")
                && frame.function.as_deref() == Some("__init__")
    })
}

fn unpicklable_object(exception: &Exception) -> Option<Identified> {
    let first = exception.first_message_line();
    let type_text = if let Some(rest) = first.strip_prefix("cannot pickle '") {
        // 3.8+: cannot pickle 'X' object; 3.12+ for some types: cannot pickle 'X' instances.
        rest.split('\'').next()?.to_string()
    } else if let Some(rest) = first.strip_prefix("can't pickle ") {
        // 3.7: can't pickle _thread.lock objects
        rest.strip_suffix(" objects")?.to_string()
    } else if first == "pool objects cannot be passed between processes or pickled" {
        "Pool".to_string()
    } else if first == "Pickling an AuthenticationString object is disallowed for security reasons"
    {
        "Process".to_string()
    } else {
        return None;
    };
    // The same text comes from `copy.deepcopy` or a plain `pickle.dumps`:
    // only a multiprocessing pickling is a start-method problem.
    let frames = &exception.frames;
    // A lone exception line (no frames at all) is read as what a user pasting
    // into `explain` most likely has; `explain` lowers its confidence and says
    // what the frames would have told.
    let multiprocessing = exception.remote
        || frames.is_empty()
        || frames_touch(frames, "multiprocessing/")
        || frames_touch(frames, "concurrent/futures/");
    if !multiprocessing {
        return None;
    }
    let what = match type_text.as_str() {
        "_thread.lock" | "_thread.RLock" => format!("a `threading` lock (`{type_text}`; also inside `queue.Queue`, `threading.Event`, logging handlers)"),
        "_io.TextIOWrapper" | "TextIOWrapper" | "_io.BufferedReader" | "_io.BufferedWriter" | "BufferedReader" | "BufferedWriter" => format!("an open file (`{type_text}`)"),
        "generator" => "a generator".to_string(),
        "sqlite3.Connection" | "sqlite3.Cursor" => format!("a database connection (`{type_text}`)"),
        "Pool" => "a `multiprocessing.Pool`".to_string(),
        "Process" => "a `multiprocessing.Process` handle (its `authkey` refuses pickling)".to_string(),
        "weakref" | "weakref.ReferenceType" => "a started `Process` handle (it holds a `weakref`)".to_string(),
        other => format!("a `{other}` object"),
    };
    let help = match type_text.as_str() {
        "_thread.lock" | "_thread.RLock" => "use the multiprocessing versions (`multiprocessing.Lock()`, `multiprocessing.Queue()`) passed as `Process` arguments, or a `Manager()` lock/queue for pool tasks; a `threading.Lock` cannot lock anything across processes anyway",
        "_io.TextIOWrapper" | "TextIOWrapper" | "_io.BufferedReader" | "_io.BufferedWriter" | "BufferedReader" | "BufferedWriter" => "pass the file's path and open it in the child (in the worker, or in a pool initializer)",
        "generator" => "pass the data (`list(...)`) or what the generator is made from, and build it in the child",
        "sqlite3.Connection" | "sqlite3.Cursor" => "pass the database path (or DSN) and connect in the child, e.g. in a pool initializer",
        "Pool" => "do not send a pool to another process: create it where it is used, or send the tasks to the parent",
        "Process" | "weakref" | "weakref.ReferenceType" => "send the process's `pid` (or a `multiprocessing.Event` it sets) instead of the `Process` object",
        _ => "send plain data (paths, numbers, strings, dicts) and build the object in the child",
    };
    let at_start = frames_pickle_at_start(frames);
    let meaning = if at_start {
        format!("Under spawn and forkserver ({SPAWN_PLATFORMS}) `Process.start()` pickles the process object with its target and arguments, and the attributes of a `Process` subclass; {what} cannot be pickled. Under fork nothing is pickled (the child inherits a copy), which is why this works on Linux up to Python 3.13.")
    } else {
        format!("Task arguments of a `Pool` or `ProcessPoolExecutor` are pickled and sent to a worker, under every start method; {what} cannot be pickled.")
    };
    Some(Identified {
        signature: SignatureId::UnpicklableObject,
        rule: Some(Rule::UnpicklableArgument),
        alternatives: if at_start {
            vec![Rule::UnpicklableProcessState]
        } else {
            Vec::new()
        },
        title: format!("{what} cannot be pickled to send it to a child process"),
        meaning,
        help: help.to_string(),
    })
}
