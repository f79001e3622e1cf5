//! What spawnsafe knows about the process-parallel APIs: which names start
//! processes, which start threads, and which pickle what.

use crate::knowledge::{knowledge, StarterId};

/// A known API, after the module aliases are normalised
/// (`torch.multiprocessing`, `billiard` and `multiprocess` mirror `multiprocessing`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// `multiprocessing.Pool`: creating one starts its worker processes.
    ProcessPool,
    /// `multiprocessing.pool.ThreadPool`, `multiprocessing.dummy.Pool`: threads.
    ThreadPool,
    /// `multiprocessing.Process` and the context-specific process classes.
    Process,
    /// `threading.Thread`, `multiprocessing.dummy.Process`.
    Thread,
    /// `multiprocessing.Manager()`: starts the manager's server process.
    ManagerFactory,
    /// `multiprocessing.managers.SyncManager`/`BaseManager`: starts on `.start()` or `with`.
    ManagerClass,
    /// `concurrent.futures.ProcessPoolExecutor`: starts processes on `submit`/`map`.
    ProcessExecutor,
    /// `concurrent.futures.ThreadPoolExecutor`.
    ThreadExecutor,
    /// `multiprocessing.get_context(method)`.
    GetContext,
    /// `multiprocessing.set_start_method(method, force=False)`.
    SetStartMethod,
    /// `multiprocessing.get_start_method(allow_none=False)`: without
    /// `allow_none=True` it fixes the default context (Lib/multiprocessing/context.py,
    /// `DefaultContext.get_start_method`), so a later `set_start_method()` raises.
    GetStartMethod,
    /// `torch.multiprocessing.spawn`/`start_processes`: always the spawn method.
    TorchSpawn,
    /// `functools.partial`.
    Partial,
    /// `multiprocessing.Queue()`, `Lock()`, `Value()`...: made through the
    /// default context, they fix it, so a later `set_start_method()` raises.
    DefaultContextUser,
    /// A third-party process starter from the knowledge base.
    Library(StarterId),
}

/// How objects are serialised for the child: `multiprocess` uses dill, and
/// dask cloudpickle, which pickle lambdas and closures by value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pickler {
    Pickle,
    Dill,
    Cloudpickle,
}

impl Pickler {
    /// Functions, lambdas and local classes travel by value, not by qualified name.
    pub fn pickles_code_by_value(self) -> bool {
        !matches!(self, Pickler::Pickle)
    }
}

/// The `multiprocessing` path a name stands for, and the pickler of its family.
pub fn normalize(qualified: &str) -> Option<(&str, Pickler)> {
    for (prefix, pickler) in [
        ("torch.multiprocessing", Pickler::Pickle),
        ("billiard", Pickler::Pickle),
        ("multiprocess", Pickler::Dill),
        ("multiprocessing", Pickler::Pickle),
    ] {
        if let Some(rest) = qualified.strip_prefix(prefix) {
            if rest.is_empty() || rest.starts_with('.') {
                return Some((rest.trim_start_matches('.'), pickler));
            }
        }
    }
    None
}

pub fn pickler_of(qualified: &str) -> Pickler {
    normalize(qualified).map_or(Pickler::Pickle, |(_, pickler)| pickler)
}

/// Classifies a fully qualified name (`multiprocessing.pool.Pool`).
pub fn classify(qualified: &str) -> Option<Api> {
    if let Some(starter) = knowledge().lookup(qualified) {
        return Some(Api::Library(starter));
    }
    match qualified {
        "concurrent.futures.ProcessPoolExecutor"
        | "concurrent.futures.process.ProcessPoolExecutor" => return Some(Api::ProcessExecutor),
        "concurrent.futures.ThreadPoolExecutor"
        | "concurrent.futures.thread.ThreadPoolExecutor" => return Some(Api::ThreadExecutor),
        "threading.Thread" => return Some(Api::Thread),
        "functools.partial" => return Some(Api::Partial),
        "torch.multiprocessing.spawn"
        | "torch.multiprocessing.start_processes"
        | "torch.multiprocessing.spawn.spawn"
        | "torch.multiprocessing.spawn.start_processes" => return Some(Api::TorchSpawn),
        _ => {}
    }
    let (path, _) = normalize(qualified)?;
    classify_multiprocessing(path)
}

/// Classifies a name inside the `multiprocessing` package (`pool.Pool`, `Pool`).
pub fn classify_multiprocessing(path: &str) -> Option<Api> {
    Some(match path {
        "Pool" | "pool.Pool" | "context.BaseContext.Pool" => Api::ProcessPool,
        "pool.ThreadPool" | "dummy.Pool" | "dummy.ThreadPool" => Api::ThreadPool,
        "Process"
        | "process.BaseProcess"
        | "context.Process"
        | "context.SpawnProcess"
        | "context.ForkServerProcess"
        | "context.ForkProcess" => Api::Process,
        "dummy.Process" | "dummy.DummyProcess" => Api::Thread,
        "Manager" | "context.BaseContext.Manager" => Api::ManagerFactory,
        "managers.SyncManager" | "managers.BaseManager" | "managers.SharedMemoryManager" => {
            Api::ManagerClass
        }
        "get_context" | "context.BaseContext.get_context" => Api::GetContext,
        "set_start_method" => Api::SetStartMethod,
        "get_start_method" => Api::GetStartMethod,
        "Queue" | "JoinableQueue" | "SimpleQueue" | "Lock" | "RLock" | "Event" | "Semaphore"
        | "BoundedSemaphore" | "Condition" | "Barrier" | "Value" | "Array" | "RawValue"
        | "RawArray" => Api::DefaultContextUser,
        _ => return None,
    })
}

/// Classifies an attribute of a context object (`ctx.Pool`, `ctx.Process`).
pub fn classify_context_attribute(attribute: &str) -> Option<Api> {
    Some(match attribute {
        "Pool" => Api::ProcessPool,
        "Process" => Api::Process,
        "Manager" => Api::ManagerFactory,
        "get_context" => Api::GetContext,
        "set_start_method" => Api::SetStartMethod,
        _ => return None,
    })
}

/// `Pool` methods whose first argument is a task function, pickled for the
/// workers under every start method.
pub const POOL_TASK_METHODS: &[&str] = &[
    "map",
    "map_async",
    "imap",
    "imap_unordered",
    "starmap",
    "starmap_async",
    "apply",
    "apply_async",
];

/// Executor methods whose first argument is a task function.
pub const EXECUTOR_TASK_METHODS: &[&str] = &["submit", "map"];
