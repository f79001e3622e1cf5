//! The configuration of imported modules that lives in the interpreter: the
//! logging tree, the `random` and `numpy.random` global generators, the
//! recursion limit, the warnings filters and the decimal context. A spawn or
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

/// Functions of `random` that draw from the module's hidden generator.
const RANDOM_DRAW: &[&str] = &[
    "random",
    "randint",
    "randrange",
    "choice",
    "choices",
    "shuffle",
    "sample",
    "uniform",
    "gauss",
    "normalvariate",
    "lognormvariate",
    "expovariate",
    "betavariate",
    "gammavariate",
    "triangular",
    "vonmisesvariate",
    "paretovariate",
    "weibullvariate",
    "getrandbits",
    "randbytes",
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
    if let Some(function) = name.strip_prefix("random.") {
        return RANDOM_DRAW.contains(&function).then_some(Facility::Random);
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

/// The module state a call configures (in a worker: the child sets it up itself).
pub fn configures(callee: &Value, call: &ast::ExprCall) -> Option<Facility> {
    if let Some(method) = logger_method(callee) {
        return matches!(method, "setLevel" | "addHandler").then_some(Facility::Logging);
    }
    let name = qualified(callee)?;
    if let Some(function) = name.strip_prefix("logging.") {
        return LOGGING_CONFIG
            .contains(&function)
            .then_some(Facility::Logging);
    }
    match name {
        "random.seed" => Some(Facility::Random),
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
