//! Whether a method's writes to `self` may be in an instance's state when the
//! parent pickles it. `pickle` sends the instance's `__dict__` as it is at that
//! moment (`object.__reduce_ex__`): what `__init__` stored is there, but a
//! member a method creates lazily (`if self._conn is None: self._conn =
//! sqlite3.connect(...)`) is there only if something ran that method first.
//! A method whose name nothing uses except as the callable a pool or process
//! is given (`pool.map(repo.query, ...)` runs it in the workers) never ran in
//! the parent, so the lazy member is still `None` when the instance is
//! pickled (the usual fix for "cannot pickle 'sqlite3.Connection' object").
//! Any other use, anywhere in the project and in any process, counts as a
//! call: unknown stays "may have run".

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, ExprContext};
use ruff_text_size::{Ranged, TextRange};

use rustc_hash::FxHashMap;

use crate::project::Project;
use crate::semantic::{ClassId, FunctionId, ModuleModel};

/// The methods whose writes are in every instance: they run while it is made
/// or restored.
const CONSTRUCTION: &[&str] = &[
    "__init__",
    "__new__",
    "__post_init__",
    "__setstate__",
    "__init_subclass__",
];

/// Whether `method` of `class` may have run on an instance before it is
/// pickled in the parent.
pub fn may_run_before_pickling(
    project: &Project,
    module: usize,
    class: ClassId,
    method: FunctionId,
) -> bool {
    let model = &project.models[module];
    let name = model.functions[method].def.name.as_str();
    if CONSTRUCTION.contains(&name) {
        return true;
    }
    // Dunder protocol methods run implicitly (`with`, `for`, `len()`, operators).
    if name.starts_with("__") && name.ends_with("__") {
        return true;
    }
    let methods: Vec<(&str, TextRange)> = model.classes[class]
        .methods
        .iter()
        .map(|(&name, &function)| (name, model.functions[function].def.range()))
        .collect();
    let uses = uses_of(project, module, &methods, name);
    invoked(project, &methods, module, name, uses, &mut Vec::new())
}

/// A use of an attribute name: where it is, and which method of the class
/// holds it (`None`: outside the class).
struct Use {
    inside: Option<String>,
}

fn invoked(
    project: &Project,
    methods: &[(&str, TextRange)],
    module: usize,
    name: &str,
    uses: Vec<Use>,
    visiting: &mut Vec<String>,
) -> bool {
    if visiting.iter().any(|seen| seen == name) {
        return false;
    }
    visiting.push(name.to_string());
    let result = uses.into_iter().any(|found| match found.inside {
        None => true,
        Some(caller) => {
            caller != name
                && (CONSTRUCTION.contains(&caller.as_str())
                    || (caller.starts_with("__") && caller.ends_with("__"))
                    || invoked(
                        project,
                        methods,
                        module,
                        &caller,
                        uses_of(project, module, methods, &caller),
                        visiting,
                    ))
        }
    });
    visiting.pop();
    result
}

/// Every load of `.name` in the project that is not itself the callable a
/// pickle site sends, with the method of the class it is in.
fn uses_of(
    project: &Project,
    class_module: usize,
    methods: &[(&str, TextRange)],
    name: &str,
) -> Vec<Use> {
    project
        .attribute_loads(name)
        .iter()
        .filter(|&&(module, range)| {
            !project.facts[module]
                .pickle_sites
                .iter()
                .any(|site| site.expr.range() == range)
        })
        .map(|&(module, range)| Use {
            inside: methods
                .iter()
                .filter(|_| module == class_module)
                .find(|(_, method)| method.contains_range(range))
                .map(|(method, _)| (*method).to_string()),
        })
        .collect()
}

/// The project's attribute loads by attribute name.
pub type AttributeLoads = FxHashMap<Box<str>, Vec<(usize, TextRange)>>;

/// One walk over every module for its attribute loads.
pub fn attribute_loads_of(models: &[ModuleModel]) -> AttributeLoads {
    let mut loads = AttributeLoads::default();
    for (module, model) in models.iter().enumerate() {
        let mut finder = LoadFinder {
            module,
            loads: &mut loads,
        };
        finder.visit_body(model.body);
    }
    loads
}

struct LoadFinder<'l> {
    module: usize,
    loads: &'l mut AttributeLoads,
}

impl<'a> Visitor<'a> for LoadFinder<'_> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Attribute(ast::ExprAttribute { attr, ctx, .. }) = expr {
            if *ctx == ExprContext::Load {
                let at = (self.module, expr.range());
                match self.loads.get_mut(attr.as_str()) {
                    Some(found) => found.push(at),
                    None => {
                        self.loads.insert(attr.as_str().into(), vec![at]);
                    }
                }
            }
        }
        visitor::walk_expr(self, expr);
    }
}
