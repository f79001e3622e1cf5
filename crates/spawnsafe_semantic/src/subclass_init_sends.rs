//! The arguments a subclass of a knowledge-base object passes to the base's
//! `__init__` are the base's arguments: PyG 1.7's `DataListLoader(DataLoader)`
//! calls `super().__init__(dataset, batch_size, shuffle, collate_fn=lambda
//! data_list: data_list, **kwargs)`, so every loader it makes carries that
//! lambda, and iterating one with `num_workers > 0` pickles it for the workers
//! (torch/utils/data/dataloader.py `_MultiProcessingDataLoaderIter.__init__`
//! sends `collate_fn` in the worker `Process`'s args).
//!
//! The `super().__init__(...)` call sends what the base's call would when an
//! instantiation of the class in this module may start processes (judged on
//! what that call passes through the subclass, see `inherited_starter`);
//! a class only made elsewhere, or only with its workers off, sends nothing.

use ruff_python_ast::{self as ast, Expr};

use crate::argvalues::calls_in;
use crate::knowledge::StarterId;
use crate::model::{ModuleModel, ScopeId, ScopeKind, Value};

impl ModuleModel<'_> {
    /// The starter whose sends `call` makes: a `super().__init__(...)` in the
    /// `__init__` of a class of this module that inherits a lazy starter, one of
    /// whose instantiations here may start processes.
    pub fn subclass_init_starter(&self, call: &ast::ExprCall, scope: ScopeId) -> Option<StarterId> {
        let Expr::Attribute(attribute) = call.func.as_ref() else {
            return None;
        };
        if attribute.attr.as_str() != "__init__" {
            return None;
        }
        let Expr::Call(inner) = attribute.value.as_ref() else {
            return None;
        };
        if !matches!(inner.func.as_ref(), Expr::Name(name) if name.id.as_str() == "super")
            || self.lookup("super", scope).is_some()
        {
            return None;
        }
        let ScopeKind::Function(function) = self.scopes[scope].kind else {
            return None;
        };
        let info = &self.functions[function];
        let class = info.class?;
        if info.def.name.as_str() != "__init__" {
            return None;
        }
        calls_in(self).into_iter().find_map(|(made, at)| {
            if self.resolve(&made.func, at) != Value::Class(class) {
                return None;
            }
            match self.inherited_starter_object(class, made, at)? {
                Value::LibraryObject {
                    starter,
                    may_start: true,
                    ..
                } => Some(starter),
                _ => None,
            }
        })
    }
}
