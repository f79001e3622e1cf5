//! What kind of object an expression makes, for the objects that matter when
//! it is pickled for a child process: multiprocessing's synchronisation
//! objects (which pickle only while a child is being created), and the
//! objects that never pickle (threading locks, open files, generators,
//! database connections, pools, started processes, logging handlers), plus
//! raw file descriptor numbers, which pickle but mean nothing in a spawned
//! child. Anything else is `None`: an unknown type is never guessed.

use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::{Ranged, TextSize};

use crate::api::{self, Api};
use crate::facts::Shape;
use crate::payload::{problems, Leaf, Walker};
use crate::semantic::{string_literal, ModuleModel, ScopeId, Value};

/// An object with a known pickling behaviour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObjectKind {
    /// `multiprocessing.Queue()`, `Lock()`, `Value()`...: pickled only while a
    /// child is being created (`context.assert_spawning`); `type_name` is the
    /// class the error names (an `Event` pickles its `Condition` first).
    SpawnShared {
        written: String,
        type_name: &'static str,
    },
    /// `threading.Lock()`, `queue.Queue()`...: `lock_type` is what the error names.
    ThreadPrimitive {
        written: String,
        lock_type: &'static str,
    },
    /// `threading.Thread(...)`.
    Thread {
        written: String,
    },
    /// An open file: `open()`, `io.open()`, `os.fdopen()`, `Path.open()`;
    /// the `_io` class when the mode says which.
    File {
        class: Option<&'static str>,
    },
    Generator,
    SqliteConnection,
    SqliteCursor,
    /// `multiprocessing.Pool()`, `ThreadPool()`: `NotImplementedError`.
    Pool {
        written: String,
    },
    /// `ProcessPoolExecutor()`/`ThreadPoolExecutor()`: `lock_type` is what the error names.
    Executor {
        written: String,
        lock_type: &'static str,
    },
    /// A `Process` (or subclass) object, and whether it was started before it is sent.
    Process {
        written: String,
        started: bool,
    },
    /// `multiprocessing.Manager()`: a started manager, which keeps its
    /// server `Process` (with a `Finalize` of weak references) and its
    /// authentication key.
    Manager {
        written: String,
    },
    /// A `logging` handler: it holds a `threading.RLock`.
    LogHandler {
        written: String,
    },
    /// A raw file descriptor number (`os.dup(...)`, `f.fileno()`, `os.pipe()[1]`).
    RawFd {
        written: String,
    },
    /// An object of a C type that refuses to be pickled (`mmap.mmap`,
    /// `socket.socket`, a selector): `type_name` is what the error names.
    Native {
        written: String,
        type_name: &'static str,
    },
    /// An instance or enum member of a class made by `namedtuple(...)` or
    /// `Enum(...)` that pickle cannot find again by its name.
    ClassByName(crate::boundary::UnfindableClass),
    Lambda,
    /// A function defined inside another function.
    LocalFunction {
        qualname: String,
    },
    /// An instance of a class defined inside a function of another module,
    /// which returned the class (`Dataset = get_dataset(...)`, `Dataset(...)`).
    FactoryLocalClass {
        qualname: String,
    },
    /// A module-level function whose name its decorator rebound to an instance
    /// of `class` keeping the function (`@flow` returning `Flow(fn)`): pickle
    /// looks `module.name` up and finds the instance, not the function.
    ReplacedFunction {
        name: String,
        class: String,
        module: String,
    },
    /// A module object (a name bound by `import`): see [`crate::module_objects`].
    Module {
        name: String,
    },
    /// A function defined inside the main guard: pickled by name, and a spawn
    /// or forkserver child imports the script as `__mp_main__` without running
    /// the guard, so the name is missing there.
    GuardFunction {
        name: String,
    },
}

impl ObjectKind {
    /// How the object is described in a message (`a `threading.Lock``).
    pub fn describe(&self) -> String {
        match self {
            ObjectKind::SpawnShared { written, .. }
            | ObjectKind::ThreadPrimitive { written, .. }
            | ObjectKind::Thread { written }
            | ObjectKind::Pool { written }
            | ObjectKind::Executor { written, .. }
            | ObjectKind::LogHandler { written } => format!("a `{written}`"),
            ObjectKind::Manager { written } => format!("a started manager (`{written}()`)"),
            ObjectKind::Process { written, started } => {
                if *started {
                    format!("a started `{written}` object")
                } else {
                    format!("a `{written}` object")
                }
            }
            ObjectKind::File { .. } => "an open file object".to_string(),
            ObjectKind::Generator => "a generator".to_string(),
            ObjectKind::SqliteConnection => "a `sqlite3` connection".to_string(),
            ObjectKind::SqliteCursor => "a `sqlite3` cursor".to_string(),
            ObjectKind::RawFd { written } => {
                format!("a raw file descriptor number (`{written}`)")
            }
            ObjectKind::Native { written, .. } => format!("a `{written}` object"),
            ObjectKind::ClassByName(class) => {
                let made = if class.printed_as == "enum" {
                    "a member of the enum"
                } else {
                    "an instance of the namedtuple class"
                };
                if let Some(holder) = &class.in_class {
                    format!(
                        "{made} `{}` made in the body of the class `{holder}`",
                        class.typename
                    )
                } else if class.local {
                    format!("{made} `{}` made inside a function", class.typename)
                } else {
                    format!(
                        "{made} `{}`, bound to the name `{}`",
                        class.typename, class.variable
                    )
                }
            }
            ObjectKind::Lambda => "a lambda".to_string(),
            ObjectKind::LocalFunction { qualname } => {
                format!("the nested function `{qualname}`")
            }
            ObjectKind::FactoryLocalClass { qualname } => {
                format!("an instance of the class `{qualname}`, defined inside the function that returned it")
            }
            // A wrapper function (see `replaced_original_function`), or an instance.
            ObjectKind::ReplacedFunction { name, class, .. } if class == "function" => format!(
                "the function `{name}`, whose module-level name its decorator rebound to the wrapper it returns"
            ),
            ObjectKind::ReplacedFunction { name, class, .. } => format!(
                "the function `{name}`, whose module-level name its decorator rebound to a `{class}` object"
            ),
            ObjectKind::Module { name } => format!("the module `{name}`"),
            ObjectKind::GuardFunction { name } => format!(
                "the function `{name}`, defined inside `if __name__ == \"__main__\":`"
            ),
        }
    }

    /// A short name for it in notes ("the file is opened here").
    pub fn noun(&self) -> String {
        match self {
            ObjectKind::SpawnShared { written, .. }
            | ObjectKind::ThreadPrimitive { written, .. }
            | ObjectKind::Thread { written }
            | ObjectKind::Pool { written }
            | ObjectKind::Executor { written, .. }
            | ObjectKind::LogHandler { written }
            | ObjectKind::Process { written, .. } => format!("the `{written}`"),
            ObjectKind::Manager { .. } => "the manager".to_string(),
            ObjectKind::File { .. } => "the file".to_string(),
            ObjectKind::Generator => "the generator".to_string(),
            ObjectKind::SqliteConnection => "the connection".to_string(),
            ObjectKind::SqliteCursor => "the cursor".to_string(),
            ObjectKind::RawFd { .. } => "the file descriptor".to_string(),
            ObjectKind::Native { written, .. } => format!("the `{written}` object"),
            ObjectKind::ClassByName(class) => format!("the class `{}`", class.typename),
            ObjectKind::Lambda => "the lambda".to_string(),
            ObjectKind::LocalFunction { .. } => "the nested function".to_string(),
            ObjectKind::FactoryLocalClass { .. } => "the instance".to_string(),
            ObjectKind::ReplacedFunction { name, .. } => format!("the function `{name}`"),
            ObjectKind::Module { .. } => "the module".to_string(),
            ObjectKind::GuardFunction { name } => format!("the function `{name}`"),
        }
    }

    /// The error when it is pickled while a child is being created
    /// (`spawning`: `Process` args under spawn/forkserver) or anywhere else
    /// (task arguments, results, queue items): only a manager differs.
    pub fn pickling_error(&self, spawning: bool) -> Option<ErrorText> {
        match self {
            ObjectKind::Manager { .. } if spawning => Some(ErrorText::new(
                "TypeError: cannot pickle 'weakref.ReferenceType' object",
            )),
            ObjectKind::Manager { .. } => Some(ErrorText::new(
                "TypeError: Pickling an AuthenticationString object is disallowed for security reasons",
            )),
            _ => self.never_pickles(),
        }
    }

    /// The error `pickle` raises for it, when it never pickles. `None` for
    /// kinds that pickle (or whose failure depends on where they are pickled).
    pub fn never_pickles(&self) -> Option<ErrorText> {
        Some(match self {
            ObjectKind::ThreadPrimitive { lock_type, .. }
            | ObjectKind::Executor { lock_type, .. } => {
                ErrorText::new(format!("TypeError: cannot pickle '{lock_type}' object"))
            }
            ObjectKind::Thread { .. } => ErrorText::new("TypeError: cannot pickle '_thread.lock' object")
                .or("Python 3.13+: \"cannot pickle '_thread._ThreadHandle' object\""),
            ObjectKind::File { class } => match class {
                Some(class) => ErrorText::new(format!("TypeError: cannot pickle '_io.{class}' object"))
                    .or(format!("Python 3.12+: \"cannot pickle '{class}' instances\"")),
                None => ErrorText::new("TypeError: cannot pickle '_io.TextIOWrapper' object")
                    .or("or the `_io` class of a binary file; Python 3.12+: \"cannot pickle 'TextIOWrapper' instances\""),
            },
            ObjectKind::Generator => ErrorText::new("TypeError: cannot pickle 'generator' object"),
            // Checked on CPython 3.6 to 3.13.
            ObjectKind::Module { .. } => ErrorText::new("TypeError: cannot pickle 'module' object")
                .or("before Python 3.8: \"TypeError: can't pickle module objects\""),
            // Lib/pickle.py `save_global`: the name now holds another object.
            ObjectKind::ReplacedFunction { name, module, .. } => ErrorText::new(format!(
                "_pickle.PicklingError: Can't pickle <function {name} at 0x...>: it's not the same object as {module}.{name}"
            )),
            ObjectKind::Native { type_name, .. } => {
                ErrorText::new(format!("TypeError: cannot pickle '{type_name}' object"))
            }
            ObjectKind::SqliteConnection => {
                ErrorText::new("TypeError: cannot pickle 'sqlite3.Connection' object")
            }
            ObjectKind::SqliteCursor => ErrorText::new("TypeError: cannot pickle 'sqlite3.Cursor' object"),
            ObjectKind::Pool { .. } => ErrorText::new(
                "NotImplementedError: pool objects cannot be passed between processes or pickled",
            ),
            ObjectKind::LogHandler { .. } => {
                ErrorText::new("TypeError: cannot pickle '_thread.RLock' object")
            }
            // Checked on CPython 3.11: `Process.start()` under spawn pickles the
            // server process's `Finalize` (Lib/multiprocessing/util.py keeps a
            // weakref); anywhere else `AuthenticationString.__reduce__`
            // (Lib/multiprocessing/process.py) refuses the manager's `_authkey`.
            ObjectKind::Manager { .. } => ErrorText::new(
                "TypeError: cannot pickle 'weakref.ReferenceType' object",
            )
            .or("in a task argument, a result or a queue item: \"TypeError: Pickling an AuthenticationString object is disallowed for security reasons\""),
            // Lib/pickle.py `save_global` looks the class up by `__qualname__`.
            ObjectKind::FactoryLocalClass { qualname } => ErrorText::new(format!(
                "AttributeError: Can't pickle local object '{qualname}'"
            ))
            .or(format!("Python 3.13: \"Can't get local object '{qualname}'\"; 3.14: \"PicklingError: Can't pickle local object ...\"")),
            // Checked on CPython 3.11 (the module is the caller's `__name__`).
            ObjectKind::ClassByName(class) => {
                let name = &class.typename;
                let printed = if class.printed_as == "enum" {
                    format!("<enum '{name}'>")
                } else {
                    format!("<class '__main__.{name}'>")
                };
                ErrorText::new(format!(
                    "_pickle.PicklingError: Can't pickle {printed}: attribute lookup {name} on __main__ failed"
                ))
                .or("the module that made the class: `__mp_main__` in a spawned child")
            }
            // Checked on CPython 3.11: a started `Process` keeps its `Popen`,
            // whose `Finalize` holds a weakref (Lib/multiprocessing/util.py), and
            // outside process creation its `AuthenticationString` refuses.
            ObjectKind::Process { started: true, .. } => ErrorText::new(
                "TypeError: cannot pickle 'weakref.ReferenceType' object",
            )
            .or("Python 3.8: 'weakref'; in a task argument, a result or a queue item: \"TypeError: Pickling an AuthenticationString object is disallowed for security reasons\""),
            ObjectKind::SpawnShared { .. }
            | ObjectKind::Process { .. }
            | ObjectKind::RawFd { .. }
            | ObjectKind::Lambda
            | ObjectKind::LocalFunction { .. }
            | ObjectKind::GuardFunction { .. } => return None,
        })
    }
}

/// An error message, with how other Python versions word it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorText {
    pub text: String,
    pub other_versions: Option<String>,
}

impl ErrorText {
    pub fn new(text: impl Into<String>) -> Self {
        ErrorText {
            text: text.into(),
            other_versions: None,
        }
    }

    /// Adds how other versions word it (`Python 3.12+: "..."`).
    pub fn or(mut self, other: impl Into<String>) -> Self {
        self.other_versions = Some(other.into());
        self
    }
}

impl std::fmt::Display for ErrorText {
    /// `"TEXT"`, or `"TEXT" (OTHER)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "\"{}\"", self.text)?;
        if let Some(other) = &self.other_versions {
            write!(f, " ({other})")?;
        }
        Ok(())
    }
}

/// The class name `assert_spawning` reports for a multiprocessing object
/// made by `path` (a name inside the `multiprocessing` package).
fn spawn_shared_type(path: &str, call: &ast::ExprCall) -> Option<&'static str> {
    let name = path
        .strip_prefix("context.BaseContext.")
        .or_else(|| path.strip_prefix("queues."))
        .or_else(|| path.strip_prefix("synchronize."))
        .unwrap_or(path);
    Some(match name {
        "Queue" => "Queue",
        "SimpleQueue" => "SimpleQueue",
        "JoinableQueue" => "JoinableQueue",
        "Lock" => "Lock",
        "RLock" => "RLock",
        "Semaphore" => "Semaphore",
        "BoundedSemaphore" => "BoundedSemaphore",
        // An `Event` and a `Barrier` pickle their `Condition` first.
        "Event" | "Condition" | "Barrier" => "Condition",
        "Value" | "Array" => {
            // `lock=False` gives a raw ctypes object, named by its ctype.
            if let Some(lock) = call.arguments.find_keyword("lock") {
                if !matches!(&lock.value, Expr::BooleanLiteral(literal) if literal.value) {
                    return None;
                }
            }
            if name == "Value" {
                "Synchronized"
            } else {
                match call.arguments.args.first().and_then(string_literal) {
                    Some("c") => "SynchronizedString",
                    Some(_) => "SynchronizedArray",
                    None => return None,
                }
            }
        }
        _ => return None,
    })
}

/// The `_io` class `open(file, mode, buffering)` returns, when the mode is a literal.
fn file_class(call: &ast::ExprCall, mode_position: usize) -> Option<&'static str> {
    let mode = match call.arguments.find_argument_value("mode", mode_position) {
        Some(mode) => string_literal(mode)?,
        None => "r",
    };
    if !mode.contains('b') {
        return Some("TextIOWrapper");
    }
    let unbuffered = call
        .arguments
        .find_argument_value("buffering", mode_position + 1)
        .is_some_and(|buffering| matches!(buffering, Expr::NumberLiteral(n) if matches!(&n.value, ast::Number::Int(i) if i.as_u8() == Some(0))));
    Some(if unbuffered {
        "FileIO"
    } else if mode.contains('+') {
        "BufferedRandom"
    } else if mode.contains('r') {
        "BufferedReader"
    } else {
        "BufferedWriter"
    })
}

fn is_builtin(model: &ModuleModel, name: &ast::ExprName, scope: ScopeId) -> bool {
    model.lookup(name.id.as_str(), scope).is_none()
}

/// The kind of object a leaf makes, when it is one of the known ones.
/// `sent_at`: where the value is sent, to tell whether a `Process` was started before.
pub fn classify<'a>(
    walker: &mut Walker<'_, '_, 'a>,
    leaf: &Leaf<'a>,
    sent_at: Option<TextSize>,
) -> Option<ObjectKind> {
    let kind = match classify_expr(walker, leaf, sent_at) {
        Some(kind) => kind,
        None => bound_method_receiver(walker, leaf, sent_at)?,
    };
    if leaf.entered {
        // `with X as x:` binds `X.__enter__()`: the object itself only for these.
        return matches!(
            kind,
            ObjectKind::File { .. }
                | ObjectKind::SqliteConnection
                | ObjectKind::Pool { .. }
                | ObjectKind::Executor { .. }
                // `BaseManager.__enter__` starts the manager and returns it.
                | ObjectKind::Manager { .. }
        )
        .then_some(kind);
    }
    Some(kind)
}

/// `pool.starmap`: the bound method of an object that cannot be pickled
/// carries that object (see [`crate::bound_methods`]).
fn bound_method_receiver<'a>(
    walker: &mut Walker<'_, '_, 'a>,
    leaf: &Leaf<'a>,
    sent_at: Option<TextSize>,
) -> Option<ObjectKind> {
    let Expr::Attribute(attribute) = leaf.expr else {
        return None;
    };
    let flows = walker.flows(leaf.module, &attribute.value, leaf.scope, Shape::Whole);
    let found = problems(&flows, &mut |inner| classify_expr(walker, inner, sent_at));
    if found.is_empty() {
        return None;
    }
    found
        .iter()
        .all(|(_, kind)| crate::bound_methods::is_method_of(kind, attribute.attr.as_str()))
        .then(|| found[0].1.clone())
}

fn classify_expr<'a>(
    walker: &mut Walker<'_, '_, 'a>,
    leaf: &Leaf<'a>,
    sent_at: Option<TextSize>,
) -> Option<ObjectKind> {
    let project = walker.project;
    let model = &project.models[leaf.module];
    let scope = leaf.scope;
    if let Some(class) = crate::boundary::instance_of_unfindable_class(model, leaf.expr, scope) {
        return Some(ObjectKind::ClassByName(class));
    }
    if let Some(kind) = crate::factory_classes::local_class_instance(project, leaf) {
        return Some(kind);
    }
    if let Some(name) = crate::module_objects::imported_module(model, leaf.expr, scope) {
        return Some(ObjectKind::Module { name });
    }
    match leaf.expr {
        Expr::Lambda(_) => Some(ObjectKind::Lambda),
        Expr::Generator(_) => Some(ObjectKind::Generator),
        Expr::Name(_) => match model.resolve(leaf.expr, scope) {
            Value::Function(function) if model.functions[function].is_local => {
                Some(ObjectKind::LocalFunction {
                    qualname: model.functions[function].qualname.clone(),
                })
            }
            Value::Function(function) => {
                let replacing = model.replaced_by_instance(function)?;
                let path = &project.paths[leaf.module];
                Some(ObjectKind::ReplacedFunction {
                    name: model.functions[function].def.name.to_string(),
                    class: model.classes[replacing.class].qualname.clone(),
                    module: if model.has_main_guard && !path.in_package {
                        "__main__".to_string()
                    } else {
                        path.name.clone()
                    },
                })
            }
            // The decorator's parameter, read in its wrapper: the original function.
            _ => replaced_original_function(project, leaf),
        },
        // `os.pipe()[1]`
        Expr::Subscript(subscript) => {
            let Expr::Call(call) = subscript.value.as_ref() else {
                return None;
            };
            match model.resolve(&call.func, scope) {
                Value::Qualified(name) if matches!(name.as_str(), "os.pipe" | "os.openpty") => {
                    Some(ObjectKind::RawFd {
                        written: format!("{name}()[...]"),
                    })
                }
                _ => None,
            }
        }
        Expr::Call(call) => classify_call(walker, leaf, call, sent_at)
            .or_else(|| returned_local_function(model, leaf.expr, scope)),
        _ => None,
    }
}

/// A decorator's parameter read inside the wrapper it returns holds the
/// function it decorated, whose module-level name now holds the wrapper (see
/// [`crate::boundary::replaced_original`]).
fn replaced_original_function(
    project: &crate::project::Project,
    leaf: &Leaf,
) -> Option<ObjectKind> {
    let original = crate::boundary::replaced_original(project, leaf.module, leaf.expr, leaf.scope)?;
    let model = &project.models[original.module];
    let path = &project.paths[original.module];
    Some(ObjectKind::ReplacedFunction {
        name: original.name,
        class: "function".to_string(),
        module: if model.has_main_guard && !path.in_package {
            "__main__".to_string()
        } else {
            path.name.clone()
        },
    })
}

/// `cached(load_audio)`, `make_scorer()`: a call of a function of this module
/// that returns a function it defines (a decorator's wrapper, a closure),
/// which pickles by its qualified name and cannot be found there.
fn returned_local_function(
    model: &crate::semantic::ModuleModel,
    expr: &Expr,
    scope: crate::semantic::ScopeId,
) -> Option<ObjectKind> {
    let Expr::Call(call) = expr else {
        return None;
    };
    let Value::Function(_) = model.resolve(&call.func, scope) else {
        return None;
    };
    match model.resolve(expr, scope) {
        Value::Function(function) if model.functions[function].is_local => {
            Some(ObjectKind::LocalFunction {
                qualname: model.functions[function].qualname.clone(),
            })
        }
        _ => None,
    }
}

fn classify_call<'a>(
    walker: &mut Walker<'_, '_, 'a>,
    leaf: &Leaf<'a>,
    call: &'a ast::ExprCall,
    sent_at: Option<TextSize>,
) -> Option<ObjectKind> {
    let project = walker.project;
    let model = &project.models[leaf.module];
    let scope = leaf.scope;
    if let Expr::Name(name) = call.func.as_ref() {
        if name.id.as_str() == "open" && is_builtin(model, name, scope) {
            return Some(ObjectKind::File {
                class: file_class(call, 1),
            });
        }
    }
    let callee = model.resolve(&call.func, scope);
    let started = || process_started(walker, leaf, sent_at);
    match &callee {
        Value::Qualified(name) => {
            if let Some((path, _)) = api::normalize(name) {
                if let Some(type_name) = spawn_shared_type(path, call) {
                    return Some(ObjectKind::SpawnShared {
                        written: name.to_string(),
                        type_name,
                    });
                }
            }
            if let Some(kind) = classify_api(callee.api(), name) {
                return Some(match kind {
                    ObjectKind::Process { written, .. } => ObjectKind::Process {
                        written,
                        started: started(),
                    },
                    other => other,
                });
            }
            let written = name.to_string();
            let kind = match name.as_str() {
                "threading.Lock"
                | "threading.Event"
                | "threading.Semaphore"
                | "threading.BoundedSemaphore"
                | "threading.Barrier"
                | "_thread.allocate_lock"
                | "queue.Queue"
                | "queue.LifoQueue"
                | "queue.PriorityQueue" => ObjectKind::ThreadPrimitive {
                    written,
                    lock_type: "_thread.lock",
                },
                "threading.RLock" => ObjectKind::ThreadPrimitive {
                    written,
                    lock_type: "_thread.RLock",
                },
                "threading.Condition" => {
                    // `Condition()` makes an `RLock`; `Condition(lock)` uses the one given.
                    if !call.arguments.args.is_empty() || !call.arguments.keywords.is_empty() {
                        return None;
                    }
                    ObjectKind::ThreadPrimitive {
                        written,
                        lock_type: "_thread.RLock",
                    }
                }
                "queue.SimpleQueue" => ObjectKind::ThreadPrimitive {
                    written,
                    lock_type: "_queue.SimpleQueue",
                },
                "threading.Thread" | "threading.Timer" => ObjectKind::Thread { written },
                "io.open" => ObjectKind::File {
                    class: file_class(call, 1),
                },
                "os.fdopen" => ObjectKind::File {
                    class: file_class(call, 1),
                },
                "sqlite3.connect" | "sqlite3.dbapi2.connect" => ObjectKind::SqliteConnection,
                // Checked on CPython 3.11: "cannot pickle 'mmap.mmap' object",
                // "... 'select.epoll' object" (the Linux default selector).
                "mmap.mmap" => ObjectKind::Native {
                    written,
                    type_name: "mmap.mmap",
                },
                // Checked on CPython 3.11: "cannot pickle 're.Match' object",
                // "... '_sre.SRE_Scanner' object" (held by what `re.finditer` returns).
                "re.match" | "re.search" | "re.fullmatch" => ObjectKind::Native {
                    written: "re.Match".to_string(),
                    type_name: "re.Match",
                },
                "re.finditer" => ObjectKind::Native {
                    written,
                    type_name: "_sre.SRE_Scanner",
                },
                "selectors.EpollSelector" | "select.epoll" => ObjectKind::Native {
                    written,
                    type_name: "select.epoll",
                },
                "os.dup" | "os.open" | "os.memfd_create" | "os.eventfd" | "os.pidfd_open" => {
                    ObjectKind::RawFd {
                        written: format!("{name}(...)"),
                    }
                }
                "logging.FileHandler"
                | "logging.StreamHandler"
                | "logging.NullHandler"
                | "logging.Handler" => ObjectKind::LogHandler { written },
                _ if name.starts_with("logging.handlers.") && name.ends_with("Handler") => {
                    ObjectKind::LogHandler { written }
                }
                _ => {
                    // A generator function of the project, or a `Process` subclass.
                    if let Some((m, f)) = project.resolve_function(leaf.module, name) {
                        return crate::payload::is_generator_function(
                            project.models[m].functions[f].def,
                        )
                        .then_some(ObjectKind::Generator);
                    }
                    if let Some((m, c)) = project.resolve_class(leaf.module, name) {
                        if project.is_process_class(m, c) {
                            return Some(ObjectKind::Process {
                                written: project.models[m].classes[c].def.name.to_string(),
                                started: started(),
                            });
                        }
                    }
                    return None;
                }
            };
            Some(kind)
        }
        Value::ContextApi { api, .. } => match classify_api(Some(*api), "")? {
            ObjectKind::Process { .. } => Some(ObjectKind::Process {
                written: "Process".to_string(),
                started: started(),
            }),
            ObjectKind::Pool { .. } => Some(ObjectKind::Pool {
                written: "Pool".to_string(),
            }),
            other => Some(other),
        },
        Value::Function(function) => {
            crate::payload::is_generator_function(model.functions[*function].def)
                .then_some(ObjectKind::Generator)
        }
        Value::Class(class) => {
            if project.is_process_class(leaf.module, *class) {
                return Some(ObjectKind::Process {
                    written: model.classes[*class].def.name.to_string(),
                    started: started(),
                });
            }
            None
        }
        Value::BoundMethod(receiver, method) => {
            if method == "open" {
                if let Value::Instance(class) = receiver.as_ref() {
                    if matches!(class.as_ref(), Value::Qualified(name) if name.starts_with("pathlib."))
                    {
                        return Some(ObjectKind::File {
                            class: file_class(call, 0),
                        });
                    }
                }
            }
            if let Some(kind) = crate::instance_items::submission_result(receiver, method) {
                return Some(kind);
            }
            classify_method_call(walker, leaf, call)
        }
        Value::Unknown => {
            // `ctx.Queue()` on a context.
            if let Expr::Attribute(attribute) = call.func.as_ref() {
                if let Value::Context(_) = model.resolve(&attribute.value, scope) {
                    let type_name = spawn_shared_type(attribute.attr.as_str(), call)?;
                    return Some(ObjectKind::SpawnShared {
                        written: format!("ctx.{}", attribute.attr),
                        type_name,
                    });
                }
            }
            classify_method_call(walker, leaf, call)
        }
        _ => None,
    }
}

/// Objects the process APIs make.
fn classify_api(api: Option<Api>, name: &str) -> Option<ObjectKind> {
    let written = name.to_string();
    Some(match api? {
        Api::ProcessPool | Api::ThreadPool => ObjectKind::Pool { written },
        Api::Process => ObjectKind::Process {
            written,
            started: false,
        },
        Api::ProcessExecutor => ObjectKind::Executor {
            written,
            lock_type: "_thread.lock",
        },
        Api::ThreadExecutor => ObjectKind::Executor {
            written,
            lock_type: "_queue.SimpleQueue",
        },
        Api::Thread if name.starts_with("threading.") => ObjectKind::Thread { written },
        Api::ManagerFactory => ObjectKind::Manager {
            written: if written.is_empty() {
                "Manager".to_string()
            } else {
                written
            },
        },
        _ => return None,
    })
}

/// `f.fileno()` and `conn.cursor()`: methods whose result is known from the name
/// (and, for a cursor, from what the receiver is).
fn classify_method_call<'a>(
    walker: &mut Walker<'_, '_, 'a>,
    leaf: &Leaf<'a>,
    call: &'a ast::ExprCall,
) -> Option<ObjectKind> {
    let Expr::Attribute(attribute) = call.func.as_ref() else {
        return None;
    };
    let model = &walker.project.models[leaf.module];
    match attribute.attr.as_str() {
        "fileno" if call.arguments.is_empty() => {
            // The standard streams are the child's too.
            if let Value::Qualified(name) = model.resolve(&attribute.value, leaf.scope) {
                if name.starts_with("sys.") {
                    return None;
                }
            }
            Some(ObjectKind::RawFd {
                written: ".fileno()".to_string(),
            })
        }
        // `pattern.match(...)` on a compiled `re.compile(...)` pattern.
        "match" | "search" | "fullmatch" | "finditer" => {
            let flows = walker.flows(leaf.module, &attribute.value, leaf.scope, Shape::Whole);
            let leaves = crate::payload::all_leaves(&flows);
            let compiled = !leaves.is_empty()
                && leaves.iter().all(|inner| {
                    let Expr::Call(call) = inner.expr else {
                        return false;
                    };
                    matches!(
                        walker.project.models[inner.module].resolve(&call.func, inner.scope),
                        Value::Qualified(name) if name == "re.compile"
                    )
                });
            compiled.then(|| {
                if attribute.attr.as_str() == "finditer" {
                    ObjectKind::Native {
                        written: "re.finditer".to_string(),
                        type_name: "_sre.SRE_Scanner",
                    }
                } else {
                    ObjectKind::Native {
                        written: "re.Match".to_string(),
                        type_name: "re.Match",
                    }
                }
            })
        }
        "cursor" | "execute" | "executemany" | "executescript" => {
            // `conn.execute(...)` returns a cursor when `conn` is a connection.
            let flows = walker.flows(leaf.module, &attribute.value, leaf.scope, Shape::Whole);
            let found = problems(&flows, &mut |inner| classify(walker, inner, None));
            (!found.is_empty()
                && found
                    .iter()
                    .all(|(_, kind)| *kind == ObjectKind::SqliteConnection))
            .then_some(ObjectKind::SqliteCursor)
        }
        _ => None,
    }
}

/// Was the `Process` a leaf makes started before it is sent? Only when it is
/// held in a variable whose `.start()` is called in the same scope, after the
/// variable is bound and (in the sending scope) before the send.
fn process_started(walker: &Walker, leaf: &Leaf, sent_at: Option<TextSize>) -> bool {
    let Some(holder) = leaf.holder else {
        return false;
    };
    let facts = &walker.project.facts[leaf.module];
    facts.calls.iter().any(|site| {
        if site.scope != holder.scope {
            return false;
        }
        let Expr::Attribute(attribute) = site.call.func.as_ref() else {
            return false;
        };
        let start = site.call.range().start();
        attribute.attr.as_str() == "start"
            && matches!(attribute.value.as_ref(), Expr::Name(name) if name.id.as_str() == holder.name)
            && start > holder.bound_at
            && sent_at.is_none_or(|sent| start < sent)
    })
}
