//! How many workers a process pool or executor asks for, as far as the code says: a number,
//! a multiple of the CPU count (with its cap), or unknown — through constants, module
//! attributes, arithmetic, `min`/`max`, conditional expressions and `or` defaults, across
//! modules (the question SPS402 asks).

use ruff_python_ast::{self as ast, Expr, Number, Operator, UnaryOp};
use ruff_text_size::TextRange;

use crate::api::{self, Api};
use crate::project::Project;
use crate::semantic::{Binding, BindingKind, ScopeId, Value, MODULE_SCOPE};

/// `concurrent.futures.process._MAX_WINDOWS_WORKERS`.
pub const MAX_EXECUTOR_WORKERS: i64 = 61;
/// The most `Pool` processes whose handles (processes + 2) `_winapi.WaitForMultipleObjects`
/// accepts before Python 3.13: it rejects 63 or more (`nhandles >= MAXIMUM_WAIT_OBJECTS - 1`).
pub const MAX_POOL_PROCESSES: i64 = 60;

const MAX_DEPTH: usize = 8;

/// What a worker count comes to, as far as the code says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// A known number.
    Fixed(i64),
    /// `factor * cpu_count() + offset`, at most `cap`: it grows with the machine.
    PerCpu {
        factor: i64,
        offset: i64,
        cap: Option<i64>,
    },
    /// Depends on the data, a parameter, or something else the code does not say.
    Unknown,
}

/// How a size goes past a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Excess {
    /// Always: it is this number.
    Always(i64),
    /// On a machine with at least this many logical CPUs.
    FromCpus(i64),
}

impl Size {
    /// Does the size go past `limit`, and when?
    pub fn exceeds(self, limit: i64) -> Option<Excess> {
        match self {
            Size::Fixed(value) => (value > limit).then_some(Excess::Always(value)),
            Size::PerCpu {
                factor,
                offset,
                cap,
            } => {
                if factor < 1 || cap.is_some_and(|cap| cap <= limit) {
                    return None;
                }
                // The fewest CPUs with factor * cpus + offset > limit.
                let cpus = ((limit - offset).max(0) / factor + 1).max(1);
                Some(Excess::FromCpus(cpus))
            }
            Size::Unknown => None,
        }
    }

    fn plus(self, other: Size) -> Size {
        match (self, other) {
            (Size::Fixed(a), Size::Fixed(b)) => a.checked_add(b).map_or(Size::Unknown, Size::Fixed),
            (
                Size::PerCpu {
                    factor,
                    offset,
                    cap,
                },
                Size::Fixed(k),
            )
            | (
                Size::Fixed(k),
                Size::PerCpu {
                    factor,
                    offset,
                    cap,
                },
            ) => Size::PerCpu {
                factor,
                offset: offset.saturating_add(k),
                cap: cap.map(|cap| cap.saturating_add(k)),
            },
            _ => Size::Unknown,
        }
    }

    fn times(self, other: Size) -> Size {
        match (self, other) {
            (Size::Fixed(a), Size::Fixed(b)) => a.checked_mul(b).map_or(Size::Unknown, Size::Fixed),
            (
                Size::PerCpu {
                    factor,
                    offset,
                    cap,
                },
                Size::Fixed(k),
            )
            | (
                Size::Fixed(k),
                Size::PerCpu {
                    factor,
                    offset,
                    cap,
                },
            ) if k >= 1 => Size::PerCpu {
                factor: factor.saturating_mul(k),
                offset: offset.saturating_mul(k),
                cap: cap.map(|cap| cap.saturating_mul(k)),
            },
            _ => Size::Unknown,
        }
    }

    /// The known numbers and the CPU-bound sizes of `min(...)`/`max(...)`'s
    /// arguments; none when there are none or one is unknown.
    fn split(sizes: &[Size]) -> Option<(Vec<i64>, Vec<Size>)> {
        if sizes.is_empty() || sizes.contains(&Size::Unknown) {
            return None;
        }
        let fixed = sizes
            .iter()
            .filter_map(|size| match size {
                Size::Fixed(value) => Some(*value),
                _ => None,
            })
            .collect();
        let per_cpu = sizes
            .iter()
            .copied()
            .filter(|size| matches!(size, Size::PerCpu { .. }))
            .collect();
        Some((fixed, per_cpu))
    }

    /// `min(...)`: a known bound caps the CPU count; anything unknown may be small.
    fn min_of(sizes: &[Size]) -> Size {
        let Some((fixed, per_cpu)) = Self::split(sizes) else {
            return Size::Unknown;
        };
        let fixed = fixed.into_iter().min();
        match (per_cpu.as_slice(), fixed) {
            ([], Some(value)) => Size::Fixed(value),
            (
                [Size::PerCpu {
                    factor,
                    offset,
                    cap,
                }],
                bound,
            ) => Size::PerCpu {
                factor: *factor,
                offset: *offset,
                cap: match (cap, bound) {
                    (Some(a), Some(b)) => Some((*a).min(b)),
                    (a, b) => a.or(b),
                },
            },
            _ => Size::Unknown,
        }
    }

    /// `max(...)`: a known floor, or the CPU count on big machines.
    fn max_of(sizes: &[Size]) -> Size {
        let Some((fixed, per_cpu)) = Self::split(sizes) else {
            return Size::Unknown;
        };
        let fixed = fixed.into_iter().max();
        match (per_cpu.as_slice(), fixed) {
            ([], Some(value)) => Size::Fixed(value),
            ([per_cpu], None) => *per_cpu,
            // `max(1, cpu_count() - 1)`: the CPU count wins on a big machine,
            // unless the floor is already the larger number.
            (
                [Size::PerCpu {
                    factor,
                    offset,
                    cap,
                }],
                Some(floor),
            ) => match cap {
                Some(cap) if *cap <= floor => Size::Fixed(floor),
                _ => Size::PerCpu {
                    factor: *factor,
                    offset: *offset,
                    cap: *cap,
                },
            },
            _ => Size::Unknown,
        }
    }

    /// One value for a name bound several times: only when all agree.
    fn agree(sizes: &[Size]) -> Size {
        match sizes.split_first() {
            Some((first, rest)) if rest.iter().all(|size| size == first) => *first,
            _ => Size::Unknown,
        }
    }
}

/// A named constant a size comes from, for a note at its definition.
#[derive(Debug, Clone)]
pub struct Constant {
    pub module: usize,
    pub range: TextRange,
    pub name: String,
}

/// What an evaluation carries along.
#[derive(Debug, Default)]
pub struct State {
    /// The named constant the size is read from, if one.
    pub constant: Option<Constant>,
    /// The bindings being evaluated (`n = min(n, 60)` refers to itself).
    visiting: Vec<(usize, TextRange)>,
}

/// Evaluates worker counts across the project.
pub struct Sizer<'c, 'p, 'a> {
    project: &'c Project<'p, 'a>,
}

impl<'c, 'p, 'a> Sizer<'c, 'p, 'a> {
    pub fn new(project: &'c Project<'p, 'a>) -> Self {
        Sizer { project }
    }

    /// What `expr`, read in `scope` of `module`, comes to; `state.constant`
    /// receives the named constant it is read from, if one.
    pub fn size(&self, module: usize, expr: &Expr, scope: ScopeId, state: &mut State) -> Size {
        self.size_depth(module, expr, scope, state, 0)
    }

    fn size_depth(
        &self,
        module: usize,
        expr: &Expr,
        scope: ScopeId,
        state: &mut State,
        depth: usize,
    ) -> Size {
        if depth > MAX_DEPTH {
            return Size::Unknown;
        }
        let model = &self.project.models[module];
        let size =
            |expr: &Expr, state: &mut State| self.size_depth(module, expr, scope, state, depth + 1);
        match expr {
            Expr::NumberLiteral(ast::ExprNumberLiteral {
                value: Number::Int(value),
                ..
            }) => value.as_i64().map_or(Size::Unknown, Size::Fixed),
            Expr::UnaryOp(unary) if unary.op == UnaryOp::USub => {
                match size(&unary.operand, state) {
                    Size::Fixed(value) => Size::Fixed(-value),
                    _ => Size::Unknown,
                }
            }
            Expr::BinOp(binop) => {
                let left = size(&binop.left, state);
                let right = size(&binop.right, state);
                match binop.op {
                    Operator::Add => left.plus(right),
                    Operator::Sub => match right {
                        Size::Fixed(k) => left.plus(Size::Fixed(-k)),
                        _ => Size::Unknown,
                    },
                    Operator::Mult => left.times(right),
                    Operator::FloorDiv => match (left, right) {
                        (Size::Fixed(a), Size::Fixed(b)) if b != 0 => Size::Fixed(a.div_euclid(b)),
                        _ => Size::Unknown,
                    },
                    _ => Size::Unknown,
                }
            }
            // `os.cpu_count() or 1`: the fallback only replaces `None`.
            Expr::BoolOp(bool_op) if bool_op.op == ast::BoolOp::Or => {
                match bool_op.values.first().map(|first| size(first, state)) {
                    Some(per_cpu @ Size::PerCpu { .. }) => per_cpu,
                    Some(Size::Fixed(value)) if value != 0 => Size::Fixed(value),
                    _ => Size::Unknown,
                }
            }
            Expr::Call(call) => self.call_size(module, call, scope, state, depth),
            Expr::Name(name) => {
                let Some((found_in, bindings)) = model.lookup(name.id.as_str(), scope) else {
                    return Size::Unknown;
                };
                // An import of another project module's constant.
                if let [Binding {
                    kind: BindingKind::Import(_) | BindingKind::FromImport { .. },
                    ..
                }] = bindings
                {
                    return match model.resolve(expr, scope) {
                        Value::Qualified(qualified) => {
                            self.qualified_size(module, &qualified, state, depth)
                        }
                        _ => Size::Unknown,
                    };
                }
                self.bindings_size(
                    module,
                    name.id.as_str(),
                    &bindings.iter().collect::<Vec<_>>(),
                    found_in,
                    state,
                    depth,
                )
            }
            Expr::Attribute(_) => match model.resolve(expr, scope) {
                Value::Qualified(qualified) => {
                    self.qualified_size(module, &qualified, state, depth)
                }
                _ => Size::Unknown,
            },
            _ => Size::Unknown,
        }
    }

    /// A constant of another project module (`settings.WORKERS`).
    fn qualified_size(
        &self,
        module: usize,
        qualified: &str,
        state: &mut State,
        depth: usize,
    ) -> Size {
        let Some((target, bindings)) = self.project.module_assignments(module, qualified) else {
            return Size::Unknown;
        };
        let name = qualified.rsplit('.').next().unwrap_or(qualified);
        self.bindings_size(target, name, &bindings, MODULE_SCOPE, state, depth)
    }

    /// A name's value when every binding of it is an assignment that agrees.
    fn bindings_size(
        &self,
        module: usize,
        name: &str,
        bindings: &[&Binding],
        scope: ScopeId,
        state: &mut State,
        depth: usize,
    ) -> Size {
        let mut sizes = Vec::new();
        for binding in bindings {
            let BindingKind::Assign(value) = binding.kind else {
                return Size::Unknown;
            };
            let key = (module, binding.range);
            if state.visiting.contains(&key) {
                return Size::Unknown;
            }
            state.visiting.push(key);
            sizes.push(self.size_depth(module, value, scope, state, depth + 1));
            state.visiting.pop();
        }
        let size = Size::agree(&sizes);
        if let ([binding], Size::Fixed(_)) = (bindings, size) {
            if state.constant.is_none() {
                state.constant = Some(Constant {
                    module,
                    range: binding.range,
                    name: name.to_string(),
                });
            }
        }
        size
    }

    fn call_size(
        &self,
        module: usize,
        call: &ast::ExprCall,
        scope: ScopeId,
        state: &mut State,
        depth: usize,
    ) -> Size {
        let model = &self.project.models[module];
        let arguments: Vec<&Expr> = call.arguments.args.iter().collect();
        let sizes = |state: &mut State| -> Vec<Size> {
            arguments
                .iter()
                .map(|argument| self.size_depth(module, argument, scope, state, depth + 1))
                .collect()
        };
        // The builtins, when nothing rebinds them.
        if let Expr::Name(name) = call.func.as_ref() {
            let builtin = model.lookup(name.id.as_str(), scope).is_none()
                && call.arguments.keywords.is_empty()
                && !arguments.iter().any(|argument| argument.is_starred_expr());
            match name.id.as_str() {
                "min" if builtin && arguments.len() >= 2 => return Size::min_of(&sizes(state)),
                "max" if builtin && arguments.len() >= 2 => return Size::max_of(&sizes(state)),
                "int" if builtin && arguments.len() == 1 => return sizes(state)[0],
                _ => {}
            }
        }
        match model.resolve(&call.func, scope) {
            Value::Qualified(name) if is_cpu_count(&name) => Size::PerCpu {
                factor: 1,
                offset: 0,
                cap: None,
            },
            // A helper of this module: what all its returns agree on.
            Value::Function(function) if call.arguments.is_empty() => {
                let info = &model.functions[function];
                let returns: Vec<Size> = info
                    .returns
                    .iter()
                    .map(|value| self.size_depth(module, value, info.scope, state, depth + 1))
                    .collect();
                Size::agree(&returns)
            }
            _ => Size::Unknown,
        }
    }
}

/// `os.cpu_count`, `os.process_cpu_count`, `multiprocessing.cpu_count`, `psutil.cpu_count`.
fn is_cpu_count(name: &str) -> bool {
    matches!(
        name,
        "os.cpu_count" | "os.process_cpu_count" | "psutil.cpu_count"
    ) || api::normalize(name).is_some_and(|(path, _)| path == "cpu_count")
}

/// The size argument of a process pool or executor constructor, if the call is one.
pub fn sized_pool<'e>(callee: &Value, call: &'e ast::ExprCall) -> Option<(PoolKind, &'e Expr)> {
    // billiard has its own pool.
    if matches!(callee, Value::Qualified(name) if name.starts_with("billiard")) {
        return None;
    }
    let (kind, keyword) = match callee.api()? {
        Api::ProcessPool => (PoolKind::Pool, "processes"),
        Api::ProcessExecutor => (PoolKind::Executor, "max_workers"),
        _ => return None,
    };
    let size = call.arguments.find_argument_value(keyword, 0)?;
    (!size.is_none_literal_expr()).then_some((kind, size))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolKind {
    Pool,
    Executor,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts;
    use crate::project::{ModulePath, Project};
    use crate::semantic::ModuleModel;

    fn path(name: &str) -> ModulePath {
        ModulePath::test_script(name)
    }

    /// The size of every pool or executor created in the first module, in order,
    /// with the other modules as project modules (`(name, source)`).
    fn sizes(modules: &[(&str, &str)]) -> Vec<Size> {
        let parsed: Vec<_> = modules
            .iter()
            .map(|(_, source)| ruff_python_parser::parse_module(source).expect("valid Python"))
            .collect();
        let models: Vec<ModuleModel> = parsed
            .iter()
            .map(|parsed| ModuleModel::build(&parsed.syntax().body))
            .collect();
        let module_facts: Vec<_> = models.iter().map(facts::collect).collect();
        let paths: Vec<ModulePath> = modules.iter().map(|(name, _)| path(name)).collect();
        let project = Project::new(&paths, &models, &module_facts);
        let sizer = Sizer::new(&project);
        module_facts[0]
            .calls
            .iter()
            .filter_map(|site| {
                let callee = models[0].resolve(&site.call.func, site.scope);
                let (_, expr) = sized_pool(&callee, site.call)?;
                Some(sizer.size(0, expr, site.scope, &mut State::default()))
            })
            .collect()
    }

    fn size(source: &str) -> Size {
        let found = sizes(&[("main", source)]);
        assert_eq!(found.len(), 1, "one pool in {source}");
        found[0]
    }

    const PER_CPU: Size = Size::PerCpu {
        factor: 1,
        offset: 0,
        cap: None,
    };

    #[test]
    fn literals_and_constants() {
        assert_eq!(
            size("from multiprocessing import Pool\nPool(processes=64)"),
            Size::Fixed(64)
        );
        assert_eq!(
            size("from concurrent.futures import ProcessPoolExecutor\nWORKERS = 96\nProcessPoolExecutor(WORKERS)"),
            Size::Fixed(96)
        );
        assert_eq!(
            size("import multiprocessing as mp\ndef f():\n    n = 8 * 8\n    return mp.Pool(n)"),
            Size::Fixed(64)
        );
        // Bound twice to different values: nothing certain.
        assert_eq!(
            size("import multiprocessing as mp\nN = 64\nif X:\n    N = 4\nmp.Pool(N)"),
            Size::Unknown
        );
        // A parameter: the caller decides.
        assert_eq!(
            size("import multiprocessing as mp\ndef f(n=64):\n    return mp.Pool(n)"),
            Size::Unknown
        );
    }

    #[test]
    fn constants_of_other_modules() {
        let found = sizes(&[
            (
                "main",
                "from concurrent.futures import ProcessPoolExecutor\nfrom settings import WORKERS\nimport settings\nProcessPoolExecutor(WORKERS)\nProcessPoolExecutor(max_workers=settings.WORKERS)",
            ),
            ("settings", "WORKERS = 128\n"),
        ]);
        assert_eq!(found, vec![Size::Fixed(128), Size::Fixed(128)]);
    }

    #[test]
    fn cpu_count_arithmetic() {
        assert_eq!(
            size("import os, multiprocessing\nmultiprocessing.Pool(os.cpu_count())"),
            PER_CPU
        );
        assert_eq!(
            size("import multiprocessing as mp\nmp.Pool(processes=mp.cpu_count() + 4)"),
            Size::PerCpu {
                factor: 1,
                offset: 4,
                cap: None
            }
        );
        assert_eq!(
            size("import os\nfrom multiprocessing import Pool\nPool((os.cpu_count() or 1) * 2)"),
            Size::PerCpu {
                factor: 2,
                offset: 0,
                cap: None
            }
        );
        assert_eq!(
            size("from os import cpu_count\nfrom multiprocessing import get_context\nget_context('spawn').Pool(cpu_count())"),
            PER_CPU
        );
        assert_eq!(
            size("import os\nfrom multiprocessing import Pool\nPool(max(1, os.cpu_count() - 1))"),
            Size::PerCpu {
                factor: 1,
                offset: -1,
                cap: None
            }
        );
        // A helper's return value.
        assert_eq!(
            size("import os\nfrom multiprocessing import Pool\ndef workers():\n    return os.cpu_count() * 2\nPool(workers())"),
            Size::PerCpu {
                factor: 2,
                offset: 0,
                cap: None
            }
        );
    }

    #[test]
    fn caps_silence() {
        let executor = size("import os\nfrom concurrent.futures import ProcessPoolExecutor\nProcessPoolExecutor(max_workers=min(61, os.cpu_count() or 1))");
        assert_eq!(executor.exceeds(MAX_EXECUTOR_WORKERS), None);
        for source in [
            "import os, multiprocessing\nmultiprocessing.Pool(max(1, min(60, (os.cpu_count() or 2) - 1)))",
            "import multiprocessing as mp\nitems = load()\nmp.Pool(processes=min(len(items), 8))",
            "import os, sys, multiprocessing\ndef size():\n    n = (os.cpu_count() or 1) * 2\n    if sys.platform == 'win32':\n        n = min(n, 60)\n    return n\nmultiprocessing.Pool(size())",
            "import multiprocessing as mp\nmp.Pool(min(len(xs), mp.cpu_count()))",
        ] {
            let found = size(source);
            assert_eq!(found.exceeds(MAX_POOL_PROCESSES), None, "{source}: {found:?}");
        }
        // A cap above the limit still lets it grow too far.
        let capped_high =
            size("import os, multiprocessing\nmultiprocessing.Pool(min(100, os.cpu_count() * 2))");
        assert_eq!(
            capped_high.exceeds(MAX_POOL_PROCESSES),
            Some(Excess::FromCpus(31))
        );
    }

    #[test]
    fn limits() {
        assert_eq!(Size::Fixed(60).exceeds(MAX_POOL_PROCESSES), None);
        assert_eq!(
            Size::Fixed(61).exceeds(MAX_POOL_PROCESSES),
            Some(Excess::Always(61))
        );
        assert_eq!(Size::Fixed(61).exceeds(MAX_EXECUTOR_WORKERS), None);
        assert_eq!(
            PER_CPU.exceeds(MAX_EXECUTOR_WORKERS),
            Some(Excess::FromCpus(62))
        );
        assert_eq!(
            Size::PerCpu {
                factor: 2,
                offset: 0,
                cap: None
            }
            .exceeds(MAX_POOL_PROCESSES),
            Some(Excess::FromCpus(31))
        );
        assert_eq!(
            Size::PerCpu {
                factor: 1,
                offset: 4,
                cap: None
            }
            .exceeds(MAX_POOL_PROCESSES),
            Some(Excess::FromCpus(57))
        );
        assert_eq!(
            PER_CPU.exceeds(MAX_POOL_PROCESSES),
            Some(Excess::FromCpus(61))
        );
        assert_eq!(
            Size::PerCpu {
                factor: 1,
                offset: 0,
                cap: Some(60)
            }
            .exceeds(MAX_POOL_PROCESSES),
            None
        );
        // A cap of 61 suits the executor's constructor, not a pool.
        let capped_61 = Size::PerCpu {
            factor: 1,
            offset: 0,
            cap: Some(61),
        };
        assert_eq!(capped_61.exceeds(MAX_EXECUTOR_WORKERS), None);
        assert_eq!(
            capped_61.exceeds(MAX_POOL_PROCESSES),
            Some(Excess::FromCpus(61))
        );
    }

    #[test]
    fn thread_pools_and_other_arguments_are_not_sizes() {
        assert!(sizes(&[(
            "main",
            "import os\nfrom concurrent.futures import ThreadPoolExecutor\nfrom multiprocessing.pool import ThreadPool\nThreadPoolExecutor(max_workers=os.cpu_count() * 5)\nThreadPool(100)"
        )])
        .is_empty());
        assert!(sizes(&[(
            "main",
            "import multiprocessing\nmultiprocessing.Pool(maxtasksperchild=200)\nmultiprocessing.Pool()\nmultiprocessing.Pool(None)"
        )])
        .is_empty());
        assert_eq!(
            sizes(&[(
                "main",
                "import multiprocessing\np = multiprocessing.Pool(processes=2, maxtasksperchild=200)\np.map(f, xs, chunksize=100)"
            )]),
            vec![Size::Fixed(2)]
        );
    }
}
