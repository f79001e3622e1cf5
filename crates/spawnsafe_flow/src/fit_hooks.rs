//! Objects that iterate the loaders they are given (the knowledge base's
//! `iterates`): Lightning's `trainer.fit(model, datamodule=dm)` calls the
//! model's or data module's `train_dataloader()` and `val_dataloader()` and
//! iterates what they return (lightning/pytorch/loops/fit_loop.py `setup_data`:
//! `_request_dataloader(source)`, then `iter(self._data_fetcher)`). A
//! `DataLoader(num_workers>0)` among those starts its workers at the `fit()`
//! call, whatever the trainer's strategy.

use ruff_python_ast::{self as ast, Expr};

use crate::semantic::knowledge::starter;
use crate::semantic::{ModuleModel, ScopeId, Value};

/// What a call of `method` on `receiver` iterates, with the scope to read
/// each in: the loaders passed to it, and what the hook methods of the
/// module's own classes passed to it return (`return DataLoader(...)`).
pub(crate) fn iterated_values<'a>(
    model: &ModuleModel<'a>,
    call: &'a ast::ExprCall,
    receiver: &Value,
    method: &str,
    scope: ScopeId,
) -> Vec<(&'a Expr, ScopeId)> {
    let Value::LibraryObject { starter: id, .. } = receiver else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (argument, hooks) in starter(*id).iterated_by(call, method) {
        out.push((argument, scope));
        if hooks.is_empty() {
            continue;
        }
        let Value::Instance(class) = model.resolve(argument, scope) else {
            continue;
        };
        let Value::Class(class) = *class else {
            continue;
        };
        for hook in hooks {
            let Some(&function) = model.classes[class].methods.get(hook.as_str()) else {
                continue;
            };
            let info = &model.functions[function];
            out.extend(info.returns.iter().map(|value| (*value, info.scope)));
        }
    }
    out
}
