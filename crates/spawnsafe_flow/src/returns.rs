//! What a protocol call does on the object a project function returns.
//!
//! Training scripts seldom build their `DataLoader` where they iterate it: a data module
//! offers a factory (`def get_loader(...): return DataLoader(ds, num_workers=n)`) and the
//! script runs `for batch in get_loader(...)` at its top level. The facts of the script see
//! only `Instance(dataset.get_loader)`, and record the implicit call the loop makes as
//! `ExternalMethod("dataset.get_loader", "__iter__")`. This module answers that edge: it
//! resolves the factory in its own module and asks what its `return` values are — a lazy
//! knowledge-base starter whose trigger is this protocol (iteration, `with`, a named method),
//! an instance of a project class (whose method then runs), or the result of yet another
//! factory in another module.

use ruff_python_ast::Expr;
use ruff_text_size::Ranged;

use crate::facts::library_start;
use crate::project::{Effect, EffectFinder, Symbol, TraceStep};
use crate::semantic::{ClassId, FunctionId, ModuleModel, Value};
use spawnsafe_semantic::knowledge::{starter, Trigger};

/// Factories returning factories: how far the chain is followed.
const MAX_FACTORY_DEPTH: usize = 4;

/// The trigger a protocol method pulls on a lazy starter's object.
fn trigger_of(method: &str) -> Trigger {
    match method {
        "__iter__" => Trigger::Iteration,
        "__enter__" => Trigger::Enter,
        _ => Trigger::Methods,
    }
}

/// Does `function` return a lazy starter's object that may start workers (a `DataLoader`
/// with `num_workers` > 0), alone or in a tuple? The prefilter offers such factories to
/// the files importing them.
pub fn returns_lazy_starter(model: &ModuleModel, function: FunctionId) -> bool {
    let info = &model.functions[function];
    let lazy = |expr: &Expr| {
        matches!(
            model.resolve(expr, info.scope),
            Value::LibraryObject {
                may_start: true,
                ..
            }
        )
    };
    info.returns.iter().any(|returned| match returned {
        Expr::Tuple(tuple) => tuple.elts.iter().any(lazy),
        _ => {
            lazy(returned)
                || crate::appended_elements::common_element(model, returned, info.scope).is_some()
        }
    })
}

impl EffectFinder<'_, '_, '_> {
    /// The trace to `effect` of calling `method` on what `function` (in `module`) returns.
    pub(crate) fn returned_object_effect(
        &mut self,
        module: usize,
        function: FunctionId,
        method: &str,
        effect: Effect,
    ) -> Option<Vec<TraceStep>> {
        self.returned_effect(module, function, None, method, effect, 0)
    }

    /// The same for the element at `index` of what it returns (`return data, loader`).
    pub(crate) fn returned_element_effect(
        &mut self,
        module: usize,
        function: FunctionId,
        index: usize,
        method: &str,
        effect: Effect,
    ) -> Option<Vec<TraceStep>> {
        self.returned_effect(module, function, Some(index), method, effect, 0)
    }

    fn returned_effect(
        &mut self,
        module: usize,
        function: FunctionId,
        index: Option<usize>,
        method: &str,
        effect: Effect,
        depth: usize,
    ) -> Option<Vec<TraceStep>> {
        if depth > MAX_FACTORY_DEPTH {
            return None;
        }
        let project = self.project();
        let model = &project.models[module];
        let info = &model.functions[function];
        for returned in &info.returns {
            let value = match index {
                Some(index) => match model.element_of(returned, index, info.scope, 0) {
                    // `ds.append(loader)` ... `return ds`: one of the appended loaders.
                    Value::Unknown => {
                        crate::appended_elements::common_element(model, returned, info.scope)
                            .unwrap_or(Value::Unknown)
                    }
                    value => value,
                },
                None => model.resolve(returned, info.scope),
            };
            if effect == Effect::Start {
                if let Some((id, pinned)) = library_start(&value, method, trigger_of(method)) {
                    let known = starter(id);
                    let when = match known.starts {
                        Trigger::Iteration => "when iterated".to_string(),
                        Trigger::Enter => "on `with`".to_string(),
                        _ => format!("when `{method}()` is called"),
                    };
                    return Some(vec![TraceStep {
                        module,
                        range: returned.range(),
                        message: format!(
                            "`{}` returns {}, which starts its worker processes {when} here",
                            info.qualname, known.what
                        ),
                        function: info.qualname.clone(),
                        method: pinned,
                    }]);
                }
            }
            let found = match value {
                Value::Instance(class) => match *class {
                    Value::Class(class) => self.method_effect(module, class, method, effect),
                    Value::Qualified(name) => match project.resolve_symbol(module, &name)? {
                        Symbol::Function(m, f) => {
                            self.returned_effect(m, f, None, method, effect, depth + 1)
                        }
                        Symbol::Class(m, class) => self.method_effect(m, class, method, effect),
                    },
                    _ => None,
                },
                Value::Element(result, element) => match *result {
                    Value::Instance(callee) => match *callee {
                        Value::Qualified(name) => match project.resolve_symbol(module, &name)? {
                            Symbol::Function(m, f) => {
                                self.returned_effect(m, f, Some(element), method, effect, depth + 1)
                            }
                            Symbol::Class(..) => None,
                        },
                        _ => None,
                    },
                    _ => None,
                },
                _ => None,
            };
            if found.is_some() {
                return found;
            }
        }
        None
    }

    /// What `method` of a project class does.
    fn method_effect(
        &mut self,
        module: usize,
        class: ClassId,
        method: &str,
        effect: Effect,
    ) -> Option<Vec<TraceStep>> {
        let (m, f) = self.project().find_method_of(module, class, method)?;
        self.symbol_effect(Symbol::Function(m, f), effect)
    }
}

#[cfg(test)]
mod tests {
    use crate::project::{Effect, EffectFinder};
    use crate::test_project::with_project;

    const DATA: &str = "\
from torch.utils import data

class Frames(data.Dataset):
    def __len__(self):
        return 8
    def __getitem__(self, i):
        return i

def get_loader(batch_size, num_workers=4):
    loader = data.DataLoader(Frames(), batch_size=batch_size, num_workers=num_workers)
    return loader

def build(num_workers):
    return get_loader(2, num_workers=num_workers)

def provide(flag):
    data_set = Frames()
    data_loader = data.DataLoader(data_set, batch_size=2, num_workers=2)
    return data_set, data_loader

def serial_loader():
    return data.DataLoader(Frames(), batch_size=2)
";

    /// The effect of the first top-level call edge of module 0.
    fn first_edge_effect(script: &str) -> Option<String> {
        with_project(&[("train", script), ("dataset", DATA)], |project| {
            let mut finder = EffectFinder::new(project);
            project.facts[0].import_time.calls.iter().find_map(|edge| {
                finder.edge_effect(0, edge, Effect::Start).map(|trace| {
                    trace
                        .last()
                        .map(|step| step.message.clone())
                        .unwrap_or_default()
                })
            })
        })
    }

    #[test]
    fn iterating_a_loader_made_by_a_factory_in_another_module_starts_workers() {
        let message = first_edge_effect(
            "from dataset import get_loader\nloader = get_loader(4)\nfor batch in loader:\n    print(batch)\n",
        )
        .expect("a start");
        assert!(
            message.starts_with("`get_loader` returns a PyTorch `DataLoader`"),
            "{message}"
        );
    }

    #[test]
    fn enumerate_and_a_factory_of_a_factory_are_followed() {
        let script = "import dataset\nfor i, batch in enumerate(dataset.build(2)):\n    print(i)\n";
        assert!(first_edge_effect(script).is_some());
    }

    #[test]
    fn a_loader_unpacked_from_a_tuple_a_method_returns_is_followed() {
        let script = "\
from dataset import provide

class Experiment:
    def _get_data(self, flag):
        return provide(flag)

    def train(self):
        train_data, train_loader = self._get_data('train')
        for i, batch in enumerate(train_loader):
            print(i)

Experiment().train()
";
        assert!(first_edge_effect(script).is_some());
    }

    #[test]
    fn the_other_element_of_the_tuple_starts_nothing() {
        let script = "\
from dataset import provide
data, loader = provide('train')
for item in data:
    print(item)
";
        assert_eq!(first_edge_effect(script), None);
    }

    #[test]
    fn a_loader_without_workers_starts_nothing() {
        let script =
            "from dataset import serial_loader\nfor batch in serial_loader():\n    print(batch)\n";
        assert_eq!(first_edge_effect(script), None);
    }

    #[test]
    fn a_loader_that_is_only_made_starts_nothing() {
        let script = "from dataset import get_loader\nloader = get_loader(4)\nprint(len(loader))\n";
        assert_eq!(first_edge_effect(script), None);
    }
}
