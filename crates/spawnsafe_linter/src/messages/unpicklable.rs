//! What the rules say about an object that cannot make the trip to or from a
//! child process: how it is named, where it was made, what to do instead.
//! SPS202 words arguments with it, SPS201 and SPS206 share its phrases.

use ruff_python_ast::Expr;
use ruff_text_size::Ranged;

use super::crossing::{destination, not_the_same_object, pickled_module_name, when_pickled};
use super::{capitalize, short_text, via_notes, written, Words};
use crate::boundary::ReplacedOriginal;
use crate::contents::{pickle_error, Inside};
use crate::diagnostic::Related;
use crate::facts::Sender;
use crate::objects::ObjectKind;
use crate::payload::{Leaf, Sent};
use crate::rules::Checker;
use spawnsafe_flow::argument_sites::Callable;
use spawnsafe_flow::trip_failures::TripFailure;

/// What to do instead of sending `kind` with `sender`.
pub fn remedy(kind: &ObjectKind, sender: Sender) -> String {
    let task = !sender.while_spawning();
    match kind {
        ObjectKind::SpawnShared { .. } => "pass it when the workers start (`Pool(initializer=init, initargs=(obj,))`, or `Process(args=...)`), or use a `multiprocessing.Manager()` proxy, which can travel in task arguments".to_string(),
        ObjectKind::ThreadPrimitive { .. } if task => "create it in the worker (for a pool, once per worker in an `initializer`), or use a `multiprocessing.Manager()` proxy".to_string(),
        ObjectKind::ThreadPrimitive { .. } => "use the `multiprocessing` equivalent (`multiprocessing.Lock()`, `multiprocessing.Queue()`, ...), which is shared with the child when it starts, or create it in the child".to_string(),
        ObjectKind::Thread { .. } => "pass what the child needs (a name, or a `multiprocessing.Event` to signal), not the `Thread` object".to_string(),
        ObjectKind::File { .. } => "pass the file's path and open it in the child".to_string(),
        ObjectKind::Generator => "pass a list (`list(...)`), or the arguments that make the generator and create it in the child".to_string(),
        ObjectKind::SqliteConnection | ObjectKind::SqliteCursor => "pass the database path and connect in the child (for a pool, once per worker in an `initializer`)".to_string(),
        ObjectKind::Pool { .. } | ObjectKind::Executor { .. } => "a child cannot use the parent's pool: return the work to the parent, which submits it".to_string(),
        ObjectKind::Process { .. } => "pass the process's `pid` or `name` instead of the `Process` object".to_string(),
        ObjectKind::Manager { .. } => "pass the manager's proxies (`manager.dict()`, `manager.Queue()`, ...), which pickle, not the manager".to_string(),
        ObjectKind::LogHandler { .. } => "configure logging in the child, or send records to the parent through a `logging.handlers.QueueHandler`".to_string(),
        ObjectKind::RawFd { .. } => "pass the file's path and open it in the child, or pass a socket or a `multiprocessing.Pipe()` connection, which multiprocessing duplicates into the child".to_string(),
        ObjectKind::Native { .. } => "pass what the child needs to re-create it (a path, an address) and create it in the child".to_string(),
        ObjectKind::ClassByName(class) => format!("pickle finds a class again by its module and name: make `{}` at module level, bound to a variable of the same name", class.typename),
        ObjectKind::Lambda | ObjectKind::LocalFunction { .. } => String::new(),
        ObjectKind::FactoryLocalClass { qualname } => format!("pickle finds a class again by its module and qualified name (`{qualname}`): define the class at module level (with its bases chosen there, or as one class per combination) and have the function return that class"),
        ObjectKind::ReplacedFunction { name, .. } => format!("keep the undecorated function under its own name (`def _{name}(...)` then `{name} = decorator(_{name})`), or give the decorator's class a `__reduce__` that finds the object by name"),
        ObjectKind::GuardFunction { name } => format!("define `{name}` at module level, above `if __name__ == \"__main__\":`, so that the children's import of the script defines it too"),
        ObjectKind::Module { name } => format!("import `{name}` at the top of the module and use it as a global in the child, or keep its name and re-import it (`importlib.import_module`) where it is used"),
    }
}

/// The object as a message's subject: "`queue` is a `multiprocessing.Queue`"
/// (`makes` where the sent expression creates it, `holds` when it holds it).
pub fn object_subject(
    checker: &Checker,
    sent_module: usize,
    leaf: &Leaf,
    kind: &ObjectKind,
) -> String {
    let described = kind.describe();
    match short_text(checker, leaf.anchor.range()) {
        Some(text) => {
            let verb = if leaf.anchor.range() == leaf.expr.range() && leaf.module == sent_module {
                "makes"
            } else if leaf.nested {
                "holds"
            } else {
                "is"
            };
            format!("`{text}` {verb} {described}")
        }
        None => capitalize(&described),
    }
}

/// A note where the object is made (unless the sent expression makes it),
/// then notes at the helpers it goes through.
pub fn object_notes(
    checker: &Checker,
    sent: &Sent,
    leaf: &Leaf,
    kind: &ObjectKind,
) -> Vec<Related> {
    let mut related = Vec::new();
    if leaf.module != sent.module || leaf.expr.range() != leaf.anchor.range() {
        let what = if leaf.entered { "opened" } else { "created" };
        related.push(Related {
            file: checker.files[leaf.module].clone(),
            range: leaf.expr.range(),
            message: format!("{} is {what} here", kind.noun()),
        });
    }
    related.extend(via_notes(checker, &sent.via));
    related
}

/// An object that cannot make the trip, sent by `sender` as `sent`: why, and
/// what to do instead.
pub fn object_words(
    checker: &Checker,
    sent: &Sent,
    leaf: &Leaf,
    kind: &ObjectKind,
    sender: Sender,
    failure: &TripFailure,
) -> Words {
    let subject = object_subject(checker, sent.module, leaf, kind);
    let (destination, error) = (destination(sent.site, sender), &failure.error);
    let message = match kind {
        ObjectKind::SpawnShared { .. } => format!(
            "{subject}, {destination}: task arguments are pickled under every start method, outside process creation, and {}: {error}",
            failure.mechanism
        ),
        ObjectKind::RawFd { .. } => {
            format!("{subject}, {destination}: {}: {error}", failure.mechanism)
        }
        _ => format!(
            "{subject}, {destination}: {}, and {}: {error}",
            when_pickled(sender),
            failure.mechanism
        ),
    };
    Words {
        message,
        help: remedy(kind, sender),
        related: object_notes(checker, sent, leaf, kind),
    }
}

/// An unpicklable object found inside a pickled instance, with the attribute
/// path to it and a note where it is stored: `anchor` `what` (`destination`).
pub fn inside_words(
    checker: &Checker,
    anchor: &Expr,
    what: &str,
    destination: &str,
    inside: &Inside,
) -> Option<Words> {
    let error = pickle_error(checker.project, &inside.leaf, &inside.kind)?;
    let subject = written(checker, anchor.range(), "This");
    let path = inside.path.trim_start_matches('.');
    // A guard function pickles by name; the child cannot find it.
    let fate = if matches!(inside.kind, ObjectKind::GuardFunction { .. }) {
        "which the children cannot find by its name"
    } else {
        "which cannot be pickled"
    };
    let message = format!(
        "{subject} {what} ({destination}), and pickling the instance pickles its attributes: `{path}` is {}, {fate}: {error}",
        inside.kind.describe(),
    );
    let related = vec![Related {
        file: checker.files[inside.leaf.module].clone(),
        range: inside.leaf.expr.range(),
        message: format!("`{}{}` is stored here", inside.holder, inside.path),
    }];
    let help = match inside.kind {
        // A lambda or nested function: the fix is a function pickle can find by name.
        ObjectKind::Lambda | ObjectKind::LocalFunction { .. } => format!(
            "replace {} in `{path}` with a module-level function (`def`, or a class with `__call__`), which pickle finds by name",
            inside.kind.describe(),
        ),
        ObjectKind::GuardFunction { ref name } => format!(
            "define `{name}` at module level, above `if __name__ == \"__main__\":` (bind what it reads from the main block with `functools.partial`), so that the children's import of the script defines it too",
        ),
        _ => format!(
            "leave `{path}` out of the pickled state (`__getstate__` that drops it and `__setstate__` that re-creates it in the child), or create it in the worker",
        ),
    };
    Some(Words {
        message,
        help,
        related,
    })
}

/// The original of a decorated function, sent from its wrapper (`destination`).
pub fn replaced_original_words(
    checker: &Checker,
    item: &Expr,
    destination: &str,
    under_fork: bool,
    original: &ReplacedOriginal,
) -> Words {
    let module_name = pickled_module_name(checker.project, original.module);
    let name = &original.name;
    let subject = written(checker, item.range(), "This");
    let message = format!(
        "{subject} is the function `{name}` that its decorator replaced at its module-level name ({destination}): pickle sends a function by reference to `{module_name}.{name}` and finds the decorator's wrapper there, not the same object: \"{}\" ({})",
        not_the_same_object(name, &module_name),
        if under_fork {
            "under every start method"
        } else {
            "under spawn and forkserver"
        },
    );
    let related = vec![Related {
        file: checker.files[original.module].clone(),
        range: original.decorator_range,
        message: format!("the decorator replaces `{name}` here"),
    }];
    let help = "run the child with a module-level function that calls the undecorated code, or define the undecorated function under its own name and bind the decorated one to another (`def _work(...): ...` then `work = decorator(_work)`)".to_string();
    Words {
        message,
        help,
        related,
    }
}

/// A callable sent to a child that pickles a `holder` instance, in words.
pub fn callable_words(callable: &Callable, holder: &str) -> String {
    match callable {
        Callable::PartialOfBoundMethod(method) => format!(
            "is a `functools.partial` of the bound method `{method}` of a `{holder}` instance"
        ),
        Callable::BoundMethod(method) => {
            format!("is the bound method `{method}` of a `{holder}` instance")
        }
        Callable::Instance => format!("is a `{holder}` instance"),
    }
}
