//! Settings objects whose constructor keywords a knowledge-base condition
//! reads: `TrainingArguments(output_dir="out", dataloader_num_workers=4)`
//! given to a transformers `Trainer` decides whether its loaders start
//! workers. The object a name holds is read as the keywords of the call that
//! made it, as a [`Known::Mapping`] (a literal value, or `None` for one the
//! analysis cannot tell), when every binding of the name is such a call with
//! no `**options`; an attribute the module sets on it afterwards
//! (`training_args.dataloader_num_workers = 4`) may hold anything. Anything
//! else is unknown.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr};

use crate::knowledge::{knowledge, Known};
use crate::model::{BindingKind, ModuleModel, ScopeId, Value};

/// The keywords of the settings calls `expr` may have been made by.
pub(crate) fn mappings(
    model: &ModuleModel,
    expr: &Expr,
    scope: ScopeId,
    values: &dyn Fn(&Expr, ScopeId) -> Option<Vec<Known>>,
) -> Option<Vec<Known>> {
    match expr {
        Expr::Call(call) => Some(vec![made_by(model, call, scope, values)?]),
        Expr::Name(name) => {
            let (found_in, bindings) = model.lookup(name.id.as_str(), scope)?;
            let mut out = Vec::new();
            for binding in bindings {
                let BindingKind::Assign(Expr::Call(call)) = binding.kind else {
                    return None;
                };
                out.push(made_by(model, call, found_in, values)?);
            }
            if out.is_empty() {
                return None;
            }
            // `training_args.dataloader_num_workers = 4`: any value.
            let set = attributes_set(model, name.id.as_str());
            for object in &mut out {
                if let Known::Mapping(items) = object {
                    items.retain(|(key, _)| !set.contains(key));
                    items.extend(set.iter().map(|key| (key.clone(), None)));
                }
            }
            Some(out)
        }
        _ => None,
    }
}

fn made_by(
    model: &ModuleModel,
    call: &ast::ExprCall,
    scope: ScopeId,
    values: &dyn Fn(&Expr, ScopeId) -> Option<Vec<Known>>,
) -> Option<Known> {
    let Value::Qualified(name) = model.resolve(&call.func, scope) else {
        return None;
    };
    if !knowledge().is_settings_class(name.as_str()) {
        return None;
    }
    let mut items = Vec::new();
    for keyword in &call.arguments.keywords {
        // `TrainingArguments(**config)`: any keyword.
        let key = keyword.arg.as_ref()?;
        let value = match values(&keyword.value, scope) {
            Some(possible) if possible.len() == 1 => possible.into_iter().next(),
            _ => None,
        };
        items.push((key.as_str().to_string(), value));
    }
    Some(Known::Mapping(items))
}

/// The attributes the module sets on the object `name` holds (`name.x = ...`).
fn attributes_set(model: &ModuleModel, name: &str) -> Vec<String> {
    struct Finder<'n> {
        name: &'n str,
        found: Vec<String>,
    }
    impl<'a> Visitor<'a> for Finder<'_> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Attribute(attribute) = expr {
                if attribute.ctx != ast::ExprContext::Load
                    && matches!(attribute.value.as_ref(), Expr::Name(n) if n.id.as_str() == self.name)
                {
                    self.found.push(attribute.attr.as_str().to_string());
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut finder = Finder {
        name,
        found: Vec::new(),
    };
    finder.visit_body(model.body);
    finder.found
}

#[cfg(test)]
mod tests {
    use crate::argvalues::possible_values;
    use crate::knowledge::{knowledge, starter};
    use crate::model::{ModuleModel, MODULE_SCOPE};
    use ruff_python_ast::{Expr, Stmt};

    /// Does the module-level `trainer = Trainer(...)` (the last statement) start workers?
    fn trainer_may_start(source: &str) -> bool {
        let parsed = ruff_python_parser::parse_module(source).unwrap();
        let model = ModuleModel::build(parsed.suite());
        let Some(Stmt::Assign(assign)) = parsed.suite().last() else {
            panic!("ends with `trainer = Trainer(...)`");
        };
        let Expr::Call(call) = assign.value.as_ref() else {
            panic!("not a call");
        };
        let trainer = starter(knowledge().lookup("transformers.Trainer").unwrap());
        trainer.may_start_with(call, &|expr| possible_values(&model, expr, MODULE_SCOPE))
    }

    #[test]
    fn training_arguments_keywords() {
        let with = |arguments: &str| {
            format!(
                "from transformers import Trainer, TrainingArguments
args = TrainingArguments({arguments})
trainer = Trainer(model=m, args=args)
"
            )
        };
        assert!(trainer_may_start(&with("'out', dataloader_num_workers=4")));
        assert!(!trainer_may_start(&with("'out', dataloader_num_workers=0")));
        assert!(!trainer_may_start(&with("output_dir='out'")));
        // A value the analysis cannot tell, or one set afterwards: may start.
        assert!(trainer_may_start(&with(
            "'out', dataloader_num_workers=cfg.workers"
        )));
        assert!(trainer_may_start(&format!(
            "{}args.dataloader_num_workers = 2
trainer = Trainer(model=m, args=args)
",
            with("'out'")
        )));
        // No args: the default TrainingArguments, no workers.
        assert!(!trainer_may_start(
            "from transformers import Trainer
trainer = Trainer(model=m, train_dataset=ds)
"
        ));
        // Not a TrainingArguments the module shows (a parser's): its default.
        assert!(!trainer_may_start(
            "from transformers import Trainer, HfArgumentParser
args, = HfArgumentParser(X).parse_args_into_dataclasses()
trainer = Trainer(model=m, args=args)
"
        ));
        // Another library's class of the same name reads nothing.
        assert!(!trainer_may_start(
            "from transformers import Trainer
from mylib import TrainingArguments
args = TrainingArguments(dataloader_num_workers=4)
trainer = Trainer(model=m, args=args)
"
        ));
    }
}
