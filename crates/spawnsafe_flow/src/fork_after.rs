//! Forking a parent that already initialised CUDA or started threads (the
//! query behind SPS404): a process start under the fork start method that
//! runs after, in the same body, a call that initialises CUDA or starts a
//! `threading.Thread`.
//!
//! Which calls initialise CUDA is PyTorch's `torch/cuda/__init__.py`:
//! `_lazy_init()` (called by `init`, `current_device`, `synchronize`,
//! `get_device_properties`/`get_device_name`/`get_device_capability`,
//! `current_stream`, `default_stream`, `ipc_collect`, entering
//! `torch.cuda.device(...)`) and making CUDA tensors or modules (`.cuda()`,
//! `.to("cuda")`, `device="cuda"`). `is_available()` and `device_count()` only
//! query the driver and are not counted.

use ruff_python_ast::Expr;
use ruff_text_size::{Ranged, TextRange};
use rustc_hash::FxHashMap;

use crate::api::Api;
use crate::facts::{CallSite, Start, StartKind};
use crate::project::Project;
use crate::semantic::{FunctionId, ModuleModel, Value};

/// What the parent did before it forked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Before {
    /// Initialised CUDA: a forked child that uses CUDA raises.
    Cuda,
    /// Started a thread: the child gets a copy of the locks it may hold.
    Thread,
}

/// How the start forks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForkBy {
    /// The code asks for fork (`get_context("fork")`, `set_start_method("fork")`).
    Explicit,
    /// The platform default: fork on Linux before Python 3.14.
    LinuxDefault,
}

#[derive(Debug, Clone)]
pub struct ForkAfter {
    /// The process start.
    pub start: TextRange,
    pub kind: StartKind,
    pub fork: ForkBy,
    /// The call that initialised CUDA or started the thread, or the call of
    /// the helper function that did.
    pub before: TextRange,
    /// Where the helper did it, when `before` calls a helper.
    pub inside: Option<TextRange>,
    pub what: Before,
}

/// `torch.cuda` functions that call `_lazy_init()`.
const CUDA_INITIALISERS: &[&str] = &[
    "init",
    "current_device",
    "synchronize",
    "get_device_properties",
    "get_device_name",
    "get_device_capability",
    "current_stream",
    "default_stream",
    "ipc_collect",
    "current_blas_handle",
    "device",
];

fn imports_torch(project: &Project, module: usize) -> bool {
    project.facts[module]
        .imports
        .iter()
        .any(|(level, name)| *level == 0 && (name == "torch" || name.starts_with("torch.")))
}

fn is_cuda_string(expr: &Expr) -> bool {
    matches!(expr, Expr::StringLiteral(text) if {
        let text = text.value.to_str();
        text == "cuda" || text.starts_with("cuda:")
    })
}

/// Does this call initialise CUDA in the process that runs it?
pub fn initialises_cuda(project: &Project, module: usize, site: &CallSite) -> bool {
    let model = &project.models[module];
    let call = site.call;
    if let Value::Qualified(name) = model.resolve(&call.func, site.scope) {
        if let Some(function) = name.strip_prefix("torch.cuda.") {
            return CUDA_INITIALISERS.contains(&function);
        }
        // `torch.zeros(3, device="cuda")`, `torch.tensor(x, device="cuda:0")`.
        if name.starts_with("torch.") {
            return call
                .arguments
                .find_keyword("device")
                .is_some_and(|keyword| is_cuda_string(&keyword.value));
        }
        return false;
    }
    let Expr::Attribute(attribute) = call.func.as_ref() else {
        return false;
    };
    if !imports_torch(project, module) {
        return false;
    }
    match attribute.attr.as_str() {
        // `model.cuda()`, `batch.cuda(0)`.
        "cuda" => call.arguments.keywords.is_empty() && call.arguments.args.len() <= 1,
        // `model.to("cuda")`, `x.to(device="cuda:1")`.
        "to" => call
            .arguments
            .find_argument_value("device", 0)
            .is_some_and(is_cuda_string),
        _ => false,
    }
}

/// Does this call start a `threading.Thread` (`t.start()`, `Thread(...).start()`)?
pub fn starts_thread(model: &ModuleModel, site: &CallSite) -> bool {
    let Value::BoundMethod(receiver, method) = model.resolve(&site.call.func, site.scope) else {
        return false;
    };
    method == "start"
        && matches!(*receiver, Value::Instance(ref class)
            if class.api() == Some(Api::Thread)
                && matches!(class.as_ref(), Value::Qualified(name) if name == "threading.Thread"))
}

/// Does code that runs in child processes initialise CUDA?
fn workers_use_cuda(project: &Project, worker_functions: &[(usize, FunctionId)]) -> bool {
    worker_functions.iter().any(|&(module, function)| {
        project.facts[module]
            .calls
            .iter()
            .filter(|site| site.function == Some(function))
            .any(|site| initialises_cuda(project, module, site))
    })
}

/// The process starts of `module` that fork a parent which, earlier in the
/// same body, initialised CUDA (when code of the children uses CUDA too) or
/// started a thread. `program_method` is the start method the module's
/// `set_start_method()` selects; `worker_functions` the project's functions
/// that run in children.
pub fn forks_after(
    project: &Project,
    module: usize,
    program_method: Option<&str>,
    worker_functions: &[(usize, FunctionId)],
) -> Vec<ForkAfter> {
    let facts = &project.facts[module];
    let model = &project.models[module];
    let mut befores: Vec<(Option<FunctionId>, TextRange, Option<TextRange>, Before)> = Vec::new();
    let mut children_use_cuda = None;
    for site in &facts.calls {
        let what = if starts_thread(model, site) {
            Before::Thread
        } else if initialises_cuda(project, module, site) {
            Before::Cuda
        } else {
            continue;
        };
        befores.push((site.function, site.call.range(), None, what));
    }
    if befores.is_empty() {
        return Vec::new();
    }
    // A call of a helper of this module that did it (directly or through
    // helpers of its own) counts where the helper is called.
    let mut helpers: FxHashMap<FunctionId, (TextRange, Before)> = FxHashMap::default();
    for &(function, range, _, what) in &befores {
        if let Some(function) = function {
            helpers.entry(function).or_insert((range, what));
        }
    }
    loop {
        let mut added = false;
        for site in &facts.calls {
            let Value::Function(callee) = model.resolve(&site.call.func, site.scope) else {
                continue;
            };
            let Some(&(inside, what)) = helpers.get(&callee) else {
                continue;
            };
            let range = site.call.range();
            if befores.iter().any(|(_, known, _, _)| *known == range) {
                continue;
            }
            befores.push((site.function, range, Some(inside), what));
            if let Some(caller) = site.function {
                helpers.entry(caller).or_insert((inside, what));
            }
            added = true;
        }
        if !added {
            break;
        }
    }
    befores.sort_by_key(|(_, range, _, _)| range.start());
    let bodies = std::iter::once((None, &facts.import_time))
        .chain(std::iter::once((None, &facts.main_only)))
        .chain(
            facts
                .functions
                .iter_enumerated()
                .map(|(index, body)| (Some(index), body)),
        );
    let mut found = Vec::new();
    for (function, body) in bodies {
        for start in &body.starts {
            let Some(fork) = fork_by(start, program_method) else {
                continue;
            };
            // The last qualifying call before the start, in the same body
            // (module-level code runs before the main guard's body).
            let before = befores.iter().rev().find(|(at, range, _, what)| {
                *at == function
                    && range.end() <= start.range.start()
                    && (*what == Before::Thread
                        || *children_use_cuda
                            .get_or_insert_with(|| workers_use_cuda(project, worker_functions)))
            });
            if let Some(&(_, range, inside, what)) = before {
                found.push(ForkAfter {
                    start: start.range,
                    kind: start.kind,
                    fork,
                    before: range,
                    inside,
                    what,
                });
            }
        }
    }
    found
}

/// Does the start fork, and why?
fn fork_by(start: &Start, program_method: Option<&str>) -> Option<ForkBy> {
    if start.kind == StartKind::TorchSpawn {
        return None;
    }
    match start.method.as_deref().or(program_method) {
        Some("fork") => Some(ForkBy::Explicit),
        Some(_) => None,
        None => Some(ForkBy::LinuxDefault),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts;
    use crate::project::ModulePath;
    use crate::semantic::ModuleModel;

    fn findings(source: &str) -> Vec<(String, Before, ForkBy)> {
        let parsed = ruff_python_parser::parse_module(source).expect("valid Python");
        let models = vec![ModuleModel::build(&parsed.syntax().body)];
        let module_facts: Vec<_> = models.iter().map(facts::collect).collect();
        let paths = vec![ModulePath::test_script("main")];
        let project = Project::new(&paths, &models, &module_facts);
        // Every function of the script counts as worker code here.
        let workers: Vec<(usize, FunctionId)> = (models[0].functions.indices())
            .map(|index| (0, index))
            .collect();
        let method = module_facts[0].selected_methods.first().map(String::as_str);
        forks_after(&project, 0, method, &workers)
            .into_iter()
            .map(|found| (source[found.start].to_string(), found.what, found.fork))
            .collect()
    }

    #[test]
    fn cuda_then_fork() {
        let source = "import torch, multiprocessing as mp\ndef infer(x):\n    return torch.cuda.current_device()\nif __name__ == '__main__':\n    model = Net().cuda()\n    with mp.get_context('fork').Pool(2) as pool:\n        pool.map(infer, [1])\n";
        let found = findings(source);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].1, Before::Cuda);
        assert_eq!(found[0].2, ForkBy::Explicit);
        for source in [
            // `.to("cuda")` and the default start method.
            "import torch\nfrom multiprocessing import Pool\ndef infer(x):\n    return x.to('cuda')\ndef main():\n    net = Net().to('cuda')\n    with Pool(2) as pool:\n        pool.map(infer, [1])\n",
            // `set_start_method("fork")` for the program.
            "import torch, multiprocessing as mp\ndef infer(x):\n    torch.cuda.synchronize()\nif __name__ == '__main__':\n    mp.set_start_method('fork')\n    torch.cuda.init()\n    mp.Process(target=infer, args=(1,)).start()\n",
        ] {
            assert_eq!(findings(source).len(), 1, "{source}");
        }
    }

    #[test]
    fn threads_then_fork() {
        let source = "import threading, multiprocessing as mp\ndef beat():\n    pass\nif __name__ == '__main__':\n    t = threading.Thread(target=beat, daemon=True)\n    t.start()\n    ctx = mp.get_context('fork')\n    p = ctx.Process(target=beat)\n    p.start()\n";
        let found = findings(source);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].1, Before::Thread);
    }

    #[test]
    fn through_helpers() {
        for source in [
            // CUDA initialised in a helper, two calls deep, before the fork.
            "import torch, multiprocessing as mp\ndef infer(x):\n    return torch.cuda.current_device()\ndef to_gpu(net):\n    return net.cuda()\ndef load():\n    return to_gpu(Net())\nif __name__ == '__main__':\n    model = load()\n    with mp.get_context('fork').Pool(2) as pool:\n        pool.map(infer, [1])\n",
            // A heartbeat thread started by a helper.
            "import threading, multiprocessing as mp\ndef beat():\n    pass\ndef start_heartbeat():\n    threading.Thread(target=beat, daemon=True).start()\ndef main():\n    start_heartbeat()\n    mp.get_context('fork').Process(target=beat).start()\nif __name__ == '__main__':\n    main()\n",
        ] {
            assert_eq!(findings(source).len(), 1, "{source}");
        }
        // The helper is called after the fork, or never.
        for source in [
            "import threading, multiprocessing as mp\ndef beat():\n    pass\ndef start_heartbeat():\n    threading.Thread(target=beat, daemon=True).start()\ndef main():\n    mp.get_context('fork').Process(target=beat).start()\n    start_heartbeat()\nif __name__ == '__main__':\n    main()\n",
            "import threading, multiprocessing as mp\ndef beat():\n    pass\ndef start_heartbeat():\n    threading.Thread(target=beat, daemon=True).start()\nif __name__ == '__main__':\n    mp.get_context('fork').Process(target=beat).start()\n",
        ] {
            assert!(findings(source).is_empty(), "{source}");
        }
    }

    #[test]
    fn no_fork_or_nothing_before() {
        for source in [
            // Spawn: a fresh interpreter, nothing inherited.
            "import torch, multiprocessing as mp\ndef infer(x):\n    return torch.cuda.current_device()\nif __name__ == '__main__':\n    torch.cuda.init()\n    with mp.get_context('spawn').Pool(2) as pool:\n        pool.map(infer, [1])\n",
            // The pool is made before CUDA is initialised.
            "import torch, multiprocessing as mp\ndef infer(x):\n    return torch.cuda.current_device()\nif __name__ == '__main__':\n    pool = mp.get_context('fork').Pool(2)\n    torch.cuda.init()\n    pool.map(infer, [1])\n",
            // `is_available()` does not initialise CUDA.
            "import torch, multiprocessing as mp\ndef infer(x):\n    return torch.cuda.current_device()\nif __name__ == '__main__':\n    print(torch.cuda.is_available())\n    with mp.get_context('fork').Pool(2) as pool:\n        pool.map(infer, [1])\n",
            // Children that never touch CUDA.
            "import torch, multiprocessing as mp\ndef infer(x):\n    return x + 1\nif __name__ == '__main__':\n    torch.cuda.init()\n    with mp.get_context('fork').Pool(2) as pool:\n        pool.map(infer, [1])\n",
            // A thread started after the fork, and a thread that is never started.
            "import threading, multiprocessing as mp\ndef beat():\n    pass\nif __name__ == '__main__':\n    p = mp.get_context('fork').Process(target=beat)\n    p.start()\n    threading.Thread(target=beat).start()\n    t = threading.Thread(target=beat)\n",
            // torch.multiprocessing.spawn always spawns.
            "import threading\nimport torch.multiprocessing as tmp\ndef run(rank):\n    pass\nif __name__ == '__main__':\n    threading.Thread(target=run).start()\n    tmp.spawn(run, nprocs=2)\n",
        ] {
            assert!(findings(source).is_empty(), "{source}");
        }
    }
}
