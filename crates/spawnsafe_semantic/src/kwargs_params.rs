//! What a `**kwargs` parameter holds, from the calls that fill it: a helper
//! `def dataloader(self, dataset, **kwargs): return DataLoader(dataset,
//! collate_fn=..., **kwargs)` gets, in `kwargs`, the keywords its callers pass
//! that name none of its own parameters, and the items of the dicts they
//! unpack. When every call of the helper in the module shows those (literal
//! keys and values the analysis can tell), `kwargs` is one of those dicts, as
//! [`Known::Mapping`]s; `DataLoader(..., **kwargs)` then starts workers only if
//! one of them gives `num_workers` a value that starts them.
//!
//! Followed like a positional parameter (`argvalues::passed_for`): a plain
//! function called by name, or a method called on its own instance
//! (`self.dataloader(...)`), with every use of its name in the module one of
//! those calls, at least one of them, and a `kwargs` the body never changes
//! (`kwargs.setdefault(...)`, `kwargs[...] = ...`, `kwargs.update(...)`, or
//! handing it on as a value). A helper called from other modules only is
//! never called here, so it stays unknown; anything else unknown stays
//! unknown, and an unknown `num_workers` "may start".

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr};

use crate::knowledge::{literal, Known};
use crate::model::{BindingKind, ClassId, FunctionId, ModuleModel, ScopeId, ScopeKind, Value};

/// At most this many dicts for one `**kwargs` (callers times the dicts each unpacks).
const MAX_MAPPINGS: usize = 16;

/// The dicts the `**kwargs` parameter `expr` names may be, when every call
/// that fills it is in the module and shows them; `values` evaluates what
/// the callers pass (with the caller's scope). `None` when `expr` is not such
/// a parameter or something cannot be told.
pub(crate) fn mappings(
    model: &ModuleModel,
    expr: &Expr,
    scope: ScopeId,
    values: &dyn Fn(&Expr, ScopeId) -> Option<Vec<Known>>,
) -> Option<Vec<Known>> {
    let Expr::Name(name) = expr else {
        return None;
    };
    let (found_in, bindings) = model.lookup(name.id.as_str(), scope)?;
    let [binding] = bindings else {
        return None;
    };
    let BindingKind::Parameter(_) = binding.kind else {
        return None;
    };
    let ScopeKind::Function(function) = model.scopes[found_in].kind else {
        return None;
    };
    let info = &model.functions[function];
    let parameters = &info.def.parameters;
    let kwarg = parameters.kwarg.as_ref()?;
    if kwarg.name.id.as_str() != name.id.as_str() || !info.def.decorator_list.is_empty() {
        return None;
    }
    if changed_in(&info.def.body, name.id.as_str()) {
        return None;
    }
    // The names a keyword fills instead of `**kwargs`.
    let named: Vec<&str> = parameters
        .iter_non_variadic_params()
        .map(|parameter| parameter.name().as_str())
        .collect();
    let mut out = Vec::new();
    for (call, call_scope) in calls_of(model, function)? {
        let mut given: Vec<Vec<(String, Option<Known>)>> = vec![Vec::new()];
        for keyword in &call.arguments.keywords {
            match &keyword.arg {
                Some(key) if named.contains(&key.as_str()) => {}
                Some(key) => {
                    let possible = values(&keyword.value, call_scope)
                        .or_else(|| literal(&keyword.value).map(|value| vec![value]));
                    let choices: Vec<Option<Known>> = match possible {
                        Some(values) if !values.is_empty() => {
                            values.into_iter().map(Some).collect()
                        }
                        _ => vec![None],
                    };
                    given = product(given, |items| {
                        choices
                            .iter()
                            .map(|choice| {
                                let mut items = items.clone();
                                items.push((key.as_str().to_string(), choice.clone()));
                                items
                            })
                            .collect()
                    })?;
                }
                // `helper(**options)`: each dict it may be.
                None => {
                    let dicts = values(&keyword.value, call_scope)?;
                    given = product(given, |items| {
                        dicts
                            .iter()
                            .map(|dict| match dict {
                                Known::Mapping(more) => {
                                    let mut items = items.clone();
                                    items.extend(more.iter().cloned());
                                    Some(items)
                                }
                                _ => None,
                            })
                            .collect::<Option<Vec<_>>>()
                            .unwrap_or_default()
                    })?;
                    if given.is_empty() {
                        return None;
                    }
                }
            }
        }
        out.extend(given.into_iter().map(Known::Mapping));
        if out.len() > MAX_MAPPINGS {
            return None;
        }
    }
    (!out.is_empty()).then_some(out)
}

fn product<T>(current: Vec<T>, extend: impl Fn(&T) -> Vec<T>) -> Option<Vec<T>> {
    let next: Vec<T> = current.iter().flat_map(extend).collect();
    (next.len() <= MAX_MAPPINGS).then_some(next)
}

/// Every call of `function` in the module, with its scope, when those are all
/// the uses of its name: by name for a plain function, on its own instance
/// (`self.helper(...)`) for a method, and the class called by name
/// (`Module(data, loader="full")`) for `__init__`. `None` otherwise, or when
/// there is none.
pub(crate) fn calls_of<'a>(
    model: &ModuleModel<'a>,
    function: FunctionId,
) -> Option<Vec<(&'a ast::ExprCall, ScopeId)>> {
    let info = &model.functions[function];
    let init_of = info
        .class
        .filter(|_| info.def.name.id.as_str() == "__init__");
    let name = match init_of {
        Some(class) => model.classes[class].def.name.id.as_str(),
        None => info.def.name.id.as_str(),
    };
    let mut finder = UseFinder {
        name,
        calls: Vec::new(),
        other_uses: 0,
        scope: crate::model::MODULE_SCOPE,
    };
    finder.visit_body(model.body);
    for info in &model.functions {
        finder.scope = info.scope;
        finder.visit_body(&info.def.body);
    }
    for info in &model.classes {
        finder.scope = info.scope;
        finder.visit_body(&info.def.body);
    }
    let mut calls = Vec::new();
    for (call, scope) in finder.calls {
        let fills = match (info.class, call.func.as_ref()) {
            (Some(class), Expr::Name(_)) if init_of.is_some() => {
                model.resolve(&call.func, scope) == Value::Class(class)
            }
            (None, Expr::Name(_)) => model.resolve(&call.func, scope) == Value::Function(function),
            (Some(class), Expr::Attribute(attribute)) if init_of.is_none() => {
                receiver_is(model, &attribute.value, scope, class)
                    && model.classes[class].methods.get(name) == Some(&function)
            }
            _ => false,
        };
        if !fills {
            return None;
        }
        calls.push((call, scope));
    }
    let uses = match info.class {
        None => model.load_count(name),
        Some(_) if init_of.is_some() => model.load_count(name),
        Some(_) => finder.other_uses + calls.len(),
    };
    (!calls.is_empty() && uses == calls.len()).then_some(calls)
}

fn receiver_is(model: &ModuleModel, expr: &Expr, scope: ScopeId, class: ClassId) -> bool {
    model.receiver_class(expr, scope) == Some(class)
}

/// The calls of `name` (by name, or as an attribute) in the module, with the
/// scope each is in, and how many other uses of the attribute there are.
struct UseFinder<'a, 'n> {
    name: &'n str,
    calls: Vec<(&'a ast::ExprCall, ScopeId)>,
    other_uses: usize,
    scope: ScopeId,
}

impl<'a> UseFinder<'a, '_> {
    fn names_it(&self, expr: &Expr) -> bool {
        match expr {
            Expr::Name(name) => name.id.as_str() == self.name,
            Expr::Attribute(attribute) => attribute.attr.as_str() == self.name,
            _ => false,
        }
    }
}

impl<'a> Visitor<'a> for UseFinder<'a, '_> {
    fn visit_stmt(&mut self, stmt: &'a ast::Stmt) {
        match stmt {
            // Their bodies are their own scopes, visited on their own.
            ast::Stmt::FunctionDef(def) => {
                for decorator in &def.decorator_list {
                    self.visit_decorator(decorator);
                }
                for parameter in def.parameters.iter_non_variadic_params() {
                    if let Some(default) = parameter.default() {
                        self.visit_expr(default);
                    }
                }
            }
            ast::Stmt::ClassDef(def) => {
                for decorator in &def.decorator_list {
                    self.visit_decorator(decorator);
                }
                if let Some(arguments) = &def.arguments {
                    for base in &arguments.args {
                        self.visit_expr(base);
                    }
                }
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Call(call) if self.names_it(&call.func) => {
                self.calls.push((call, self.scope));
                if let Expr::Attribute(attribute) = call.func.as_ref() {
                    self.visit_expr(&attribute.value);
                }
                for argument in &call.arguments.args {
                    self.visit_expr(argument);
                }
                for keyword in &call.arguments.keywords {
                    self.visit_expr(&keyword.value);
                }
            }
            Expr::Attribute(attribute) if attribute.attr.as_str() == self.name => {
                self.other_uses += 1;
                visitor::walk_expr(self, expr);
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

/// Does the body change the dict `name` holds, or hand it on as a value?
fn changed_in(body: &[ast::Stmt], name: &str) -> bool {
    crate::kwargs_dicts::may_change_in(body, name)
}

#[cfg(test)]
mod tests {
    use crate::model::ScopeKind;

    fn loader_may_start(source: &str, helper: &str) -> bool {
        crate::test_loader::loader_may_start_in(source, helper, |model, scope| {
            assert!(matches!(model.scopes[scope].kind, ScopeKind::Function(_)));
        })
    }

    const MODULE: &str = r#"
class DataModule:
    def dataloader(self, dataset, **kwargs):
        return DataLoader(dataset, collate_fn=lambda xs: xs[0], **kwargs)

    def train_dataloader(self):
        return self.dataloader(self.train, shuffle=True)

    def val_dataloader(self):
        return self.dataloader(self.val, shuffle=False, num_workers=0)
"#;

    #[test]
    fn method_callers_pass_no_workers() {
        assert!(!loader_may_start(MODULE, "dataloader"));
        let workers = MODULE.replace("num_workers=0", "num_workers=4");
        assert!(loader_may_start(&workers, "dataloader"));
        let unknown = MODULE.replace("num_workers=0", "num_workers=self.workers");
        assert!(loader_may_start(&unknown, "dataloader"));
        // A caller's own `**options` that cannot be told.
        let unpacked = MODULE.replace("num_workers=0", "**self.loader_kwargs");
        assert!(loader_may_start(&unpacked, "dataloader"));
        // The method handed on, called elsewhere with anything.
        let handed = format!("{MODULE}\nmake = DataModule().dataloader\n");
        assert!(loader_may_start(&handed, "dataloader"));
        // The helper changes the dict before passing it on.
        let changed = MODULE.replace(
            "        return DataLoader(",
            "        kwargs.setdefault('num_workers', 4)\n        return DataLoader(",
        );
        assert!(loader_may_start(&changed, "dataloader"));
    }

    #[test]
    fn function_callers_and_their_dicts() {
        let helper = "def build(samples, batch_size=1, **loader_args):\n    return DataLoader(samples, batch_size=batch_size, **loader_args)\n";
        // Never called in this module: another may pass anything.
        assert!(loader_may_start(helper, "build"));
        let called = format!(
            "{helper}\ndef main():\n    options = {{'num_workers': 0}}\n    build([1], batch_size=2, **options)\n    build([2], pin_memory=True)\n"
        );
        assert!(!loader_may_start(&called, "build"));
        assert!(loader_may_start(
            &called.replace("'num_workers': 0", "'num_workers': 2"),
            "build"
        ));
        // `num_workers` by name is the helper's own parameter there, not a key of the dict.
        let own = "def build(samples, num_workers=0, **rest):\n    return DataLoader(samples, **rest)\n\nbuild([1], num_workers=4)\n";
        assert!(!loader_may_start(own, "build"));
        // Forwarded through a second helper's `**kwargs`.
        let chained = format!(
            "{helper}\ndef outer(**kw):\n    return build([1], **kw)\n\nouter(shuffle=True)\n"
        );
        assert!(!loader_may_start(&chained, "build"));
        assert!(loader_may_start(
            &chained.replace("shuffle=True", "num_workers=3"),
            "build"
        ));
    }
}
