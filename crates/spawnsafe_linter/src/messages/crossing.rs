//! How a value reaches a child process (or comes back), in words, and under
//! which start methods that pickles it.

use ruff_text_size::Ranged;

use crate::diagnostic::Related;
use crate::facts::{PickleSite, Sender};
use crate::project::Project;
use crate::rules::Checker;
use crate::semantic::ScopeKind;
use crate::targets::Methods;
use crate::workers::SentValue;
use spawnsafe_flow::argument_sites::{written_as, WrittenAs};
use spawnsafe_flow::channels::ResultPool;

/// The start methods under which a value is pickled.
pub fn pickled_under(under_fork: bool) -> Methods {
    if under_fork {
        Methods::ALL
    } else {
        Methods::SPAWN_AND_FORKSERVER
    }
}

/// How an argument travels from `site`, in words.
pub fn destination(site: &PickleSite, sender: Sender) -> &'static str {
    match (written_as(site), sender) {
        (WrittenAs::Bound, Sender::Pool | Sender::Executor) => {
            "bound into the task function with `functools.partial`, which pickles its arguments with it"
        }
        (WrittenAs::Bound, Sender::Process | Sender::Library(_)) => {
            "bound into the callable with `functools.partial`, which pickles its arguments with it"
        }
        (_, Sender::Pool) => "sent to pool workers as a task argument",
        (_, Sender::Executor) => "sent to `ProcessPoolExecutor` workers as a task argument",
        (_, Sender::Library(id)) => crate::semantic::knowledge::starter(id).sent_to.as_str(),
        (WrittenAs::Kwargs, Sender::Process) => "passed to a child process in `Process` kwargs",
        (WrittenAs::Argument, Sender::Process) => "passed to a child process in `Process` args",
    }
}

/// How a value `sender` sends travels, in words, whatever the site writes.
pub fn sender_destination(sender: Sender) -> &'static str {
    match sender {
        Sender::Pool => "sent to pool workers as a task argument",
        Sender::Executor => "sent to `ProcessPoolExecutor` workers as a task argument",
        Sender::Process => "passed to a child process in `Process` args",
        Sender::Library(id) => crate::semantic::knowledge::starter(id).sent_to.as_str(),
    }
}

/// When what `sender` sends is pickled, in words.
pub fn when_pickled(sender: Sender) -> &'static str {
    match sender {
        Sender::Pool | Sender::Executor => "task arguments are pickled under every start method",
        Sender::Process => {
            "spawn and forkserver pickle the args with the `Process` object at `start()`"
        }
        Sender::Library(_) => {
            "spawn and forkserver pickle it with the library's worker `Process` objects when they start"
        }
    }
}

/// What happens to the receiving side when unpickling what `sender` sent fails there.
pub fn unpickle_consequence(sender: Sender) -> &'static str {
    match sender {
        Sender::Pool => "the pool worker dies reading the task, and `map()`/`get()` waits forever",
        Sender::Executor => "the worker dies, and the future fails with `BrokenProcessPool`",
        Sender::Process | Sender::Library(_) => "the child dies before `run()`",
    }
}

/// The kind of task whose result comes back, in words.
pub fn task_of(pool: ResultPool) -> &'static str {
    match pool {
        ResultPool::Pool => "a task of a process pool",
        ResultPool::Executor => "a task of a `ProcessPoolExecutor`",
    }
}

/// What the parent sees when it cannot re-create what a task sends back.
pub fn result_consequence(pool: ResultPool) -> &'static str {
    match pool {
        ResultPool::Pool => "the pool's result-handler thread dies on it and `map()`/`get()` wait forever (the pool hangs)",
        ResultPool::Executor => "the executor marks the pool broken: `result()` raises `BrokenProcessPool: A process in the process pool was terminated abruptly while the future was running or pending.`",
    }
}

/// The module name pickle stores a module-level function of `module` under:
/// `__main__` for the program's script.
pub fn pickled_module_name(project: &Project, module: usize) -> String {
    let path = &project.paths[module];
    if project.models[module].has_main_guard && !path.in_package {
        "__main__".to_string()
    } else {
        path.name.clone()
    }
}

/// The error pickle raises for a function whose module-level name holds another object.
pub fn not_the_same_object(name: &str, module_name: &str) -> String {
    format!("_pickle.PicklingError: Can't pickle <function {name} at 0x...>: it's not the same object as {module_name}.{name}")
}

/// For a value sent through a helper's parameter: a note at the helper's site.
pub fn helper_note(checker: &Checker, sent: &SentValue) -> Option<Related> {
    if !sent.via_parameter {
        return None;
    }
    let model = &checker.project.models[sent.site_module];
    let helper = match model.scopes[sent.site.scope].kind {
        ScopeKind::Function(function) => model.functions[function].qualname.clone(),
        _ => "the helper".to_string(),
    };
    Some(Related {
        file: checker.files[sent.site_module].clone(),
        range: sent.site.expr.range(),
        message: format!("`{helper}` sends it to child processes here"),
    })
}
