//! Values handed to a `multiprocessing` manager's shared objects: the
//! arguments of `manager.dict(...)`/`manager.list(...)` and of the proxies'
//! methods (`proxy.append(x)`, `proxy.update(x)`, `queue_proxy.put(x)`),
//! and items stored with `proxy[key] = x`. A proxy call pickles its
//! arguments and the manager's server process unpickles them
//! (Lib/multiprocessing/managers.py: `BaseProxy._callmethod` sends
//! `(self._id, methodname, args, kwds)` with `conn.send`, and
//! `Server.serve_client` reads it with `recv()`), under every start method:
//! an object that does not unpickle fails there, and the error comes back to
//! the caller (`RemoteError`/the original exception).

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};

use crate::project::Project;
use crate::semantic::api::Api;
use crate::semantic::{BindingKind, ModuleModel, ScopeId, ScopeKind, Value, MODULE_SCOPE};
use crate::workers::SentValue;

/// A value sent to a manager's server process.
#[derive(Debug, Clone)]
pub struct ManagerItem<'a> {
    pub item: &'a Expr,
    pub scope: ScopeId,
    /// How it is sent, as written: `manager.dict()`, `proxy.append()`, `proxy[...] =`.
    pub how: String,
}

/// The shared objects a manager makes whose methods take values.
const PROXY_FACTORIES: &[&str] = &["dict", "list", "Queue", "JoinableQueue", "Namespace"];
/// Proxy methods whose arguments are stored in the server.
const STORING_METHODS: &[&str] = &[
    "append",
    "extend",
    "insert",
    "update",
    "setdefault",
    "put",
    "put_nowait",
];

/// Is the value a `multiprocessing.Manager()` or a started `SyncManager`?
fn is_manager(value: &Value) -> bool {
    match value {
        Value::Instance(inner) => match inner.api() {
            Some(Api::ManagerFactory) => true,
            Some(Api::ManagerClass) => {
                matches!(inner.as_ref(), Value::Qualified(name) if name.ends_with("SyncManager"))
            }
            _ => false,
        },
        _ => false,
    }
}

/// `manager.dict(...)` and friends: the factory call on a manager.
fn proxy_factory<'e>(
    model: &ModuleModel,
    call: &'e ast::ExprCall,
    scope: ScopeId,
) -> Option<&'e str> {
    let Expr::Attribute(attribute) = call.func.as_ref() else {
        return None;
    };
    let name = attribute.attr.as_str();
    (PROXY_FACTORIES.contains(&name) && is_manager(&model.resolve(&attribute.value, scope)))
        .then_some(name)
}

/// Is the expression a name bound once to a proxy a manager made, or a
/// parameter that every caller (and every `Process`/initializer that sends
/// the function) passes such a proxy?
fn is_proxy<'a>(
    project: &Project<'_, 'a>,
    sent: &[SentValue<'_, 'a>],
    module: usize,
    expr: &Expr,
    scope: ScopeId,
    depth: usize,
) -> bool {
    let model = &project.models[module];
    let Expr::Name(name) = expr else {
        return false;
    };
    let Some((found_in, bindings)) = model.lookup(name.id.as_str(), scope) else {
        return false;
    };
    let bound: Vec<_> = bindings
        .iter()
        .filter(|binding| !matches!(binding.kind, BindingKind::Appended(_)))
        .collect();
    let [binding] = bound.as_slice() else {
        return false;
    };
    match binding.kind {
        BindingKind::Assign(Expr::Call(call)) => proxy_factory(model, call, found_in).is_some(),
        BindingKind::Parameter(index) if depth < 2 => {
            let ScopeKind::Function(function) = model.scopes[found_in].kind else {
                return false;
            };
            let sources =
                crate::channels::parameter_sources(project, sent, (module, function), index);
            !sources.is_empty()
                && sources
                    .iter()
                    .all(|&(source_module, source_scope, source)| {
                        is_proxy(
                            project,
                            sent,
                            source_module,
                            source,
                            source_scope,
                            depth + 1,
                        )
                    })
        }
        _ => false,
    }
}

/// Every value `module` sends to a manager's server process.
pub fn manager_items<'a>(
    project: &Project<'_, 'a>,
    sent: &[SentValue<'_, 'a>],
    module: usize,
) -> Vec<ManagerItem<'a>> {
    let model = &project.models[module];
    let mut found = Vec::new();
    for site in &project.facts[module].calls {
        let Expr::Attribute(attribute) = site.call.func.as_ref() else {
            continue;
        };
        let method = attribute.attr.as_str();
        let how = if let Some(factory) = proxy_factory(model, site.call, site.scope) {
            format!("manager.{factory}()")
        } else if STORING_METHODS.contains(&method)
            && is_proxy(project, sent, module, &attribute.value, site.scope, 0)
        {
            format!("proxy.{method}()")
        } else {
            continue;
        };
        for argument in site.call.arguments.args.iter().chain(
            site.call
                .arguments
                .keywords
                .iter()
                .map(|keyword| &keyword.value),
        ) {
            if !matches!(argument, Expr::Starred(_)) {
                found.push(ManagerItem {
                    item: argument,
                    scope: site.scope,
                    how: how.clone(),
                });
            }
        }
    }
    // `proxy[key] = value`, in each body (nested functions are their own).
    let bodies = std::iter::once((model.body, MODULE_SCOPE)).chain(
        model
            .functions
            .iter()
            .map(|info| (info.def.body.as_slice(), info.scope)),
    );
    for (body, scope) in bodies {
        let mut stores = ItemStores { stores: Vec::new() };
        stores.visit_body(body);
        for (target, value) in stores.stores {
            if is_proxy(project, sent, module, target, scope, 0) {
                found.push(ManagerItem {
                    item: value,
                    scope,
                    how: "proxy[...] =".to_string(),
                });
            }
        }
    }
    found
}

/// `name[key] = value` statements of one body: the container and the value.
struct ItemStores<'a> {
    stores: Vec<(&'a Expr, &'a Expr)>,
}

impl<'a> Visitor<'a> for ItemStores<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
            Stmt::Assign(assign) => {
                for target in &assign.targets {
                    if let Expr::Subscript(subscript) = target {
                        self.stores.push((&subscript.value, &assign.value));
                    }
                }
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }
}
