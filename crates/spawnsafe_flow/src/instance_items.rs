//! Items a class's own methods put into a container attribute of the
//! instance: `self.processes.append(process)`, `self.futures.append(future)`,
//! `self.handlers[name] = handler`, `self.seen.add(item)`. Pickling the
//! instance pickles its `__dict__` (Objects/typeobject.c `object___reduce_ex__`
//! -> `copyreg.__reduce_ex__`), the list or dict with it, and every item in it.
//!
//! An item counts only when it is in the container when the instance is
//! pickled. In a method that sends a bound method of its own instance
//! (`Process(target=self.watch)`, `pool.schedule(self.run_one, ...)`), that is
//! when the item is put before such a send, or in the same loop as one: the
//! next pass of the loop sends the instance holding what the previous pass put
//! there (a started `Process` kept in `self.processes`, a future kept in
//! `self.futures`). An item put after the method's last send, outside any loop
//! with it, is not there yet. Other methods are left to the caller (whether the
//! method may have run before the instance is pickled).
//!
//! Also the future a submission returns, which keeps the lock it is waited on
//! with: `executor.submit()` and a pebble pool's `schedule()` return a
//! `concurrent.futures.Future` (`Lib/concurrent/futures/_base.py`
//! `Future.__init__`: `self._condition = threading.Condition()`, an `RLock`;
//! checked on CPython 3.11: "cannot pickle '_thread.RLock' object"). Not
//! `Pool.apply_async()`'s `ApplyResult`: its error depends on timing (its
//! `_pool` while pending: "pool objects cannot be passed between processes or
//! pickled"; its `Event`'s lock once ready).

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use crate::api::Api;
use crate::objects::ObjectKind;
use crate::payload::{self_parameter, AttributeAssignment};
use crate::project::Project;
use crate::semantic::{FunctionId, Value};

/// What one method stores in its instance, and which of it is there when the
/// instance is pickled.
pub(crate) struct MethodStores<'a> {
    /// The items put into containers held by the instance, each as a
    /// `self.attr = item` assignment (`target` is the `self.attr` that holds
    /// the container), already filtered to those there when it is pickled.
    pub items: Vec<AttributeAssignment<'a>>,
    /// Every `self.attr` the method assigns, with the loops around it.
    stores: Vec<(TextRange, Vec<TextRange>)>,
    sends: Vec<Send>,
}

impl MethodStores<'_> {
    /// Whether the value the method assigns to `target` (a `self.attr` it
    /// writes) is in the instance when the instance is pickled.
    pub(crate) fn keeps(&self, target: &Expr) -> bool {
        let range = target.range();
        match self.stores.iter().find(|(at, _)| *at == range) {
            Some((at, loops)) => present(&self.sends, *at, loops),
            None => true,
        }
    }
}

/// Stored at `at` (inside `loops`), in a method that sends its own bound
/// methods at `sends`: there when one of them pickles the instance.
fn present(sends: &[Send], at: TextRange, loops: &[TextRange]) -> bool {
    sends.is_empty()
        || sends.iter().any(|send| {
            send.at.start() > at.start() || send.loops.iter().any(|range| loops.contains(range))
        })
}

/// What method `method` stores in its instance (see [`MethodStores`]).
pub(crate) fn method_stores<'a>(
    project: &Project<'_, 'a>,
    module: usize,
    method: FunctionId,
) -> MethodStores<'a> {
    let empty = MethodStores {
        items: Vec::new(),
        stores: Vec::new(),
        sends: Vec::new(),
    };
    let Some(receiver) = self_parameter(project, module, method) else {
        return empty;
    };
    let model = &project.models[module];
    let info = &model.functions[method];
    let Some(class) = info.class else {
        return empty;
    };
    let methods = &model.classes[class].methods;
    let mut finder = Finder {
        receiver,
        is_method: &|name| methods.contains_key(name),
        loops: Vec::new(),
        puts: Vec::new(),
        stores: Vec::new(),
        sends: Vec::new(),
    };
    for stmt in &info.def.body {
        finder.visit_stmt(stmt);
    }
    let Finder {
        puts,
        stores,
        sends,
        ..
    } = finder;
    let items = puts
        .into_iter()
        .filter(|put| present(&sends, put.at, &put.loops))
        .map(|put| AttributeAssignment {
            module,
            class,
            method,
            scope: info.scope,
            target: put.holder,
            value: Some(put.item),
        })
        .collect();
    MethodStores {
        items,
        stores,
        sends,
    }
}

struct Put<'a> {
    holder: &'a Expr,
    item: &'a Expr,
    at: TextRange,
    loops: Vec<TextRange>,
}

struct Send {
    at: TextRange,
    loops: Vec<TextRange>,
}

struct Finder<'f, 'a> {
    receiver: &'a str,
    is_method: &'f dyn Fn(&str) -> bool,
    /// The loops the visitor is inside.
    loops: Vec<TextRange>,
    puts: Vec<Put<'a>>,
    stores: Vec<(TextRange, Vec<TextRange>)>,
    sends: Vec<Send>,
}

impl<'a> Finder<'_, 'a> {
    /// `self.attr` (the container), when `expr` is one.
    fn own_attribute(&self, expr: &'a Expr) -> bool {
        matches!(expr, Expr::Attribute(attribute)
            if matches!(attribute.value.as_ref(), Expr::Name(name) if name.id.as_str() == self.receiver))
    }

    fn put(&mut self, holder: &'a Expr, item: &'a Expr, at: TextRange) {
        if self.own_attribute(holder) {
            self.puts.push(Put {
                holder,
                item,
                at,
                loops: self.loops.clone(),
            });
        }
    }
}

impl<'a> Visitor<'a> for Finder<'_, 'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            // Their bodies run later, if ever.
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
            Stmt::For(ast::StmtFor { range, .. }) | Stmt::While(ast::StmtWhile { range, .. }) => {
                self.loops.push(*range);
                visitor::walk_stmt(self, stmt);
                self.loops.pop();
            }
            Stmt::Assign(assign) => {
                for target in &assign.targets {
                    if let Expr::Subscript(subscript) = target {
                        self.put(&subscript.value, &assign.value, assign.range);
                    }
                }
                visitor::walk_stmt(self, stmt);
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Lambda(_) => {}
            Expr::Call(call) => {
                if let Expr::Attribute(method) = call.func.as_ref() {
                    let args = &call.arguments.args;
                    let item = match (method.attr.as_str(), args.len()) {
                        ("append" | "add" | "appendleft", 1) => args.first(),
                        ("insert" | "setdefault", 2) => args.get(1),
                        _ => None,
                    };
                    if let Some(item) = item {
                        self.put(&method.value, item, call.range());
                    }
                    // `self.run()` is a call, not a bound method sent somewhere.
                    if self.own_attribute(&method.value) || self.own_attribute(&call.func) {
                        visitor::walk_expr(self, &method.value);
                        for argument in &call.arguments.args {
                            self.visit_expr(argument);
                        }
                        for keyword in &call.arguments.keywords {
                            self.visit_expr(&keyword.value);
                        }
                        return;
                    }
                }
                visitor::walk_expr(self, expr);
            }
            Expr::Attribute(attribute) if attribute.ctx.is_store() => {
                if self.own_attribute(expr) {
                    self.stores.push((attribute.range, self.loops.clone()));
                }
                visitor::walk_expr(self, expr);
            }
            Expr::Attribute(attribute) => {
                if self.own_attribute(expr) && (self.is_method)(attribute.attr.as_str()) {
                    self.sends.push(Send {
                        at: attribute.range,
                        loops: self.loops.clone(),
                    });
                }
                visitor::walk_expr(self, expr);
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

/// What a submission returns, when it keeps a lock: `executor.submit()`, a
/// pebble pool's `schedule()`.
pub(crate) fn submission_result(receiver: &Value, method: &str) -> Option<ObjectKind> {
    let maker = match receiver {
        Value::Instance(maker) => maker.as_ref(),
        Value::LibraryObject { starter, .. } => {
            let pebble = crate::semantic::knowledge::starter(*starter)
                .names
                .iter()
                .any(|name| name.starts_with("pebble."));
            return (pebble && method == "schedule").then(future);
        }
        _ => return None,
    };
    match (maker.api(), method) {
        (Some(Api::ProcessExecutor | Api::ThreadExecutor), "submit") => Some(future()),
        _ => match maker {
            Value::Qualified(name) if name.starts_with("pebble.") && method == "schedule" => {
                Some(future())
            }
            _ => None,
        },
    }
}

fn future() -> ObjectKind {
    ObjectKind::ThreadPrimitive {
        written: "concurrent.futures.Future".to_string(),
        lock_type: "_thread.RLock",
    }
}
