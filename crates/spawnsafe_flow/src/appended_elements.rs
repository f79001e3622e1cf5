//! The elements of a list a factory builds with `append` and returns:
//! pytorch-playground's dataset modules do `ds = []`, `ds.append(train_loader)`
//! under `if train:`, the same for the test loader under `if val:`, then
//! `ds = ds[0] if len(ds) == 1 else ds; return ds`, and the training script
//! unpacks `train_loader, test_loader = dataset.get(...)`. Which element is
//! which depends on the flags, so an element stands for the appended items
//! only when they are all the same kind of object: the same lazy starter's,
//! every one of which may start (unpacking a list assigns its items in order,
//! Python/ceval.c `UNPACK_SEQUENCE`).

use ruff_python_ast::Expr;

use crate::semantic::{BindingKind, ModuleModel, ScopeId, Value};

/// The object every element of the appended-to list `returned` is, when they
/// all are one lazy starter's objects that may start.
pub(crate) fn common_element(
    model: &ModuleModel,
    returned: &Expr,
    scope: ScopeId,
) -> Option<Value> {
    let Expr::Name(name) = returned else {
        return None;
    };
    let (found_in, bindings) = model.lookup(name.id.as_str(), scope)?;
    if found_in != scope {
        return None;
    }
    let mut items = Vec::new();
    for binding in bindings {
        match binding.kind {
            BindingKind::Appended(item) => items.push(item),
            // `ds = []`
            BindingKind::Assign(Expr::List(list)) if list.elts.is_empty() => {}
            // `ds = ds[0] if len(ds) == 1 else ds`: an item, or the list itself.
            BindingKind::Assign(Expr::If(choice))
                if only_reads(&choice.body, name.id.as_str())
                    && only_reads(&choice.orelse, name.id.as_str()) => {}
            _ => return None,
        }
    }
    let mut common: Option<Value> = None;
    for item in items {
        let value = model.resolve(item, found_in);
        let Value::LibraryObject {
            starter,
            may_start: true,
            ..
        } = &value
        else {
            return None;
        };
        match &common {
            Some(Value::LibraryObject { starter: seen, .. }) if seen != starter => return None,
            Some(_) => {}
            None => common = Some(value.clone()),
        }
    }
    common
}

/// `ds` or `ds[0]`.
fn only_reads(expr: &Expr, name: &str) -> bool {
    match expr {
        Expr::Name(read) => read.id.as_str() == name,
        Expr::Subscript(subscript) => {
            matches!(subscript.value.as_ref(), Expr::Name(read) if read.id.as_str() == name)
                && matches!(subscript.slice.as_ref(), Expr::NumberLiteral(_))
        }
        _ => false,
    }
}
