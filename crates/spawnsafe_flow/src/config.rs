//! The configuration of imported modules that lives in the interpreter: the
//! logging tree, the `numpy.random` global generator, the recursion limit,
//! the warnings filters and the decimal context. (`random`'s own global
//! generator is not one: `Lib/random.py` reseeds it in every forked child with
//! `os.register_at_fork(after_in_child=_inst.seed)`, so a seed the parent sets
//! reaches no child under fork either; a `random.Random` instance the parent
//! reseeds is a changed global, found as such.) A spawn or
//! forkserver child starts from a fresh interpreter and only re-runs what
//! importing the modules does, so what the parent configures at run time is
//! not there. The environment, the working directory and `sys.path` are passed
//! to the child (`multiprocessing/spawn.py`, `get_preparation_data()` sends
//! `sys_path` and `dir`; `os.environ` is inherited by the new process), so
//! they are not configuration of this kind.

use ruff_python_ast::{self as ast, Expr};

use crate::semantic::Value;
use crate::state::Facility;

/// Logging calls that emit records.
const LOGGING_EMIT: &[&str] = &[
    "debug",
    "info",
    "warning",
    "warn",
    "error",
    "exception",
    "critical",
    "fatal",
    "log",
];

/// Logging calls that configure where records go or which ones pass.
const LOGGING_CONFIG: &[&str] = &[
    "basicConfig",
    "config.dictConfig",
    "config.fileConfig",
    "disable",
    "root.setLevel",
    "root.addHandler",
];

/// Functions of `numpy.random` that do not draw from its global generator.
const NUMPY_OWN_GENERATOR: &[&str] = &[
    "seed",
    "default_rng",
    "RandomState",
    "Generator",
    "SeedSequence",
    "PCG64",
    "MT19937",
    "Philox",
    "SFC64",
    "BitGenerator",
    "get_state",
    "set_state",
];

/// `logging.getLogger(...)` (or a method of what it returns).
fn logger_method(value: &Value) -> Option<&str> {
    match value {
        Value::BoundMethod(instance, method) => match instance.as_ref() {
            Value::Instance(class) if matches!(class.as_ref(), Value::Qualified(name) if name == "logging.getLogger" || name == "logging.Logger") => {
                Some(method.as_str())
            }
            _ => None,
        },
        _ => None,
    }
}

fn qualified(value: &Value) -> Option<&str> {
    match value {
        Value::Qualified(name) => Some(name.as_str()),
        _ => None,
    }
}

/// The module state a call in worker code depends on.
pub fn worker_use(callee: &Value) -> Option<Facility> {
    if let Some(method) = logger_method(callee) {
        return LOGGING_EMIT.contains(&method).then_some(Facility::Logging);
    }
    let name = qualified(callee)?;
    if let Some(function) = name.strip_prefix("logging.") {
        return LOGGING_EMIT
            .contains(&function)
            .then_some(Facility::Logging);
    }
    if let Some(function) = name.strip_prefix("numpy.random.") {
        return (!function.contains('.') && !NUMPY_OWN_GENERATOR.contains(&function))
            .then_some(Facility::NumpyRandom);
    }
    match name {
        "warnings.warn" | "warnings.warn_explicit" => Some(Facility::Warnings),
        "decimal.Decimal" => Some(Facility::Decimal),
        _ => None,
    }
}

/// Which parts of a facility's state a call sets: the level (or the seed, the
/// limit...) and, for logging, the handlers.
pub const LEVEL: u8 = 1;
pub const HANDLERS: u8 = 2;
pub const ALL: u8 = LEVEL | HANDLERS;

/// The module state a call configures, and which parts of it (in a worker or
/// at import time: the child sets it up itself).
pub fn configures(callee: &Value, call: &ast::ExprCall) -> Option<(Facility, u8)> {
    if let Some(method) = logger_method(callee) {
        return match method {
            "setLevel" => Some((Facility::Logging, LEVEL)),
            "addHandler" => Some((Facility::Logging, HANDLERS)),
            _ => None,
        };
    }
    let name = qualified(callee)?;
    if let Some(function) = name.strip_prefix("logging.") {
        return match function {
            "root.setLevel" | "disable" => Some((Facility::Logging, LEVEL)),
            "root.addHandler" => Some((Facility::Logging, HANDLERS)),
            _ => LOGGING_CONFIG
                .contains(&function)
                .then_some((Facility::Logging, ALL)),
        };
    }
    configures_other(name, call).map(|facility| (facility, ALL))
}

fn configures_other(name: &str, call: &ast::ExprCall) -> Option<Facility> {
    match name {
        "numpy.random.seed" => Some(Facility::NumpyRandom),
        "sys.setrecursionlimit" => raises_limit(call).then_some(Facility::RecursionLimit),
        "warnings.filterwarnings" | "warnings.simplefilter" | "warnings.resetwarnings" => {
            Some(Facility::Warnings)
        }
        "decimal.setcontext" => Some(Facility::Decimal),
        _ => None,
    }
}

/// A decimal context setting: `decimal.getcontext().prec = 50` stores to an
/// attribute of what `getcontext()` returns.
pub fn is_decimal_context(callee: &Value) -> bool {
    qualified(callee) == Some("decimal.getcontext")
}

/// `sys.setrecursionlimit(n)` with `n` above CPython's default of 1000 (or unknown).
fn raises_limit(call: &ast::ExprCall) -> bool {
    match call.arguments.args.first() {
        Some(Expr::NumberLiteral(number)) => match &number.value {
            ast::Number::Int(int) => int.as_u64().is_none_or(|limit| limit > 1000),
            _ => true,
        },
        Some(_) => true,
        None => false,
    }
}
