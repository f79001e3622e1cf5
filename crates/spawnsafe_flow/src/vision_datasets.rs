//! torchvision's datasets keep the transforms they are given:
//! `VisionDataset.__init__(root, transforms=None, transform=None,
//! target_transform=None)` sets `self.transform = transform`,
//! `self.target_transform = target_transform` and `self.transforms =
//! StandardTransform(transform, target_transform)`
//! (torchvision/datasets/vision.py:9-26, pytorch/vision 0364ec5; every
//! dataset of `torchvision.datasets` derives from it). A `DataLoader`'s
//! workers get the dataset pickled whole under spawn, so a nested function or
//! lambda given as one of them fails the start as surely as one sent directly.

use ruff_python_ast::Expr;

use crate::contents::{pickle_error, Inside};
use crate::objects::classify;
use crate::payload::{Leaf, Walker};
use crate::semantic::{BindingKind, Value};

/// The keywords a torchvision dataset keeps as attributes of the same name.
const KEPT: &[&str] = &["transform", "target_transform", "transforms"];

/// What the modules of torchvision's datasets are exported from.
const DATASET_MODULE: &str = "torchvision.datasets.";

/// An unpicklable transform held by the torchvision dataset `leaf` makes.
pub fn inside_vision_dataset<'a>(
    walker: &mut Walker<'_, '_, 'a>,
    leaf: &Leaf<'a>,
) -> Option<Inside<'a>> {
    let project = walker.project;
    let model = &project.models[leaf.module];
    // The call itself, or the single assignment of the name sent.
    let (call, scope) = match leaf.expr {
        Expr::Call(call) => (call, leaf.scope),
        Expr::Name(name) => {
            let (found_in, bindings) = model.lookup(name.id.as_str(), leaf.scope)?;
            match bindings {
                [binding] => match binding.kind {
                    BindingKind::Assign(Expr::Call(call)) => (call, found_in),
                    _ => return None,
                },
                _ => return None,
            }
        }
        _ => return None,
    };
    let Value::Qualified(name) = model.resolve(&call.func, scope) else {
        return None;
    };
    let class = name.as_str().strip_prefix(DATASET_MODULE)?;
    let class = class.rsplit('.').next().unwrap_or(class).to_string();
    for keyword in &call.arguments.keywords {
        let Some(argument) = keyword.arg.as_ref().map(|arg| arg.as_str()) else {
            continue;
        };
        if !KEPT.contains(&argument) {
            continue;
        }
        let held = Leaf {
            module: leaf.module,
            expr: &keyword.value,
            scope,
            entered: false,
            holder: None,
            anchor: &keyword.value,
            nested: false,
        };
        let path = format!(".{argument}");
        if let Some(kind) = classify(walker, &held, None) {
            if pickle_error(project, &held, &kind).is_some() {
                return Some(Inside {
                    path,
                    holder: class,
                    leaf: held,
                    kind,
                });
            }
            continue;
        }
        if let Some(found) = crate::torch::inside_transform(walker, &held, &path, &class) {
            return Some(found);
        }
    }
    None
}
