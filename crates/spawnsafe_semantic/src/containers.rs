//! Items of dictionaries, by key: `toolbox["evaluate"]` where `toolbox` holds a
//! dict display (`{"evaluate": functools.partial(score, weight=2)}`), written in
//! place, assigned to the name, or returned by a function of this module. A
//! dict pickles its items, so what a keyed item holds is what crosses the
//! boundary when the item is sent.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr};

use crate::model::{string_literal, BindingKind, ModuleModel, ScopeId, ScopeKind, Value};

/// How many names and calls are followed to a dict display.
const MAX_STEPS: usize = 8;

impl<'a> ModuleModel<'a> {
    /// The value of `subscript` when it reads a string key of a dict display
    /// this module builds; `None` when the dict or the key is not known (a
    /// dict changed after it was built, `**spread` items, computed keys).
    pub(crate) fn dict_item_value(
        &self,
        subscript: &ast::ExprSubscript,
        scope: ScopeId,
        depth: usize,
    ) -> Option<Value> {
        let key = string_literal(&subscript.slice)?;
        let (dict, dict_scope) = self.dict_display(&subscript.value, scope, 0)?;
        let mut found = None;
        for item in &dict.items {
            match &item.key {
                // `**other`: its keys are unknown and may replace this one.
                None => return None,
                Some(item_key) => match string_literal(item_key) {
                    Some(text) if text == key => found = Some(&item.value),
                    Some(_) => {}
                    None => return None,
                },
            }
        }
        Some(self.resolve_depth(found?, dict_scope, depth + 1))
    }

    /// The dict display an expression holds, and the scope it is written in.
    fn dict_display(
        &self,
        expr: &'a Expr,
        scope: ScopeId,
        steps: usize,
    ) -> Option<(&'a ast::ExprDict, ScopeId)> {
        if steps > MAX_STEPS {
            return None;
        }
        match expr {
            Expr::Dict(dict) => Some((dict, scope)),
            Expr::Name(name) => {
                let (found_in, bindings) = self.lookup(name.id.as_str(), scope)?;
                // One binding only: a name rebound, or subscript-assigned
                // elsewhere, may hold something else by the time it is read.
                let [binding] = bindings else {
                    return None;
                };
                if self.item_assigned(name.id.as_str(), found_in) {
                    return None;
                }
                match binding.kind {
                    BindingKind::Assign(value) => self.dict_display(value, found_in, steps + 1),
                    _ => None,
                }
            }
            Expr::Call(call) => {
                let Value::Function(function) = self.resolve(&call.func, scope) else {
                    return None;
                };
                let info = &self.functions[function];
                // Every return must give the same dict display.
                let [returned] = info.returns.as_slice() else {
                    return None;
                };
                self.dict_display(returned, info.scope, steps + 1)
            }
            _ => None,
        }
    }

    /// Does any code in the scope that binds the name (nested functions
    /// included: a closure may change the dict too) store or delete an item
    /// (`name[key] = ...`) or call a method on it that may change it?
    fn item_assigned(&self, name: &str, scope: ScopeId) -> bool {
        let body = match self.scopes[scope].kind {
            ScopeKind::Module => self.body,
            ScopeKind::Function(function) => &self.functions[function].def.body,
            ScopeKind::Class(class) => &self.classes[class].def.body,
        };
        let mut finder = Changes {
            name,
            changed: false,
        };
        finder.visit_body(body);
        finder.changed
    }
}

struct Changes<'n> {
    name: &'n str,
    changed: bool,
}

impl<'a> Visitor<'a> for Changes<'_> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        let names_it =
            |value: &Expr| matches!(value, Expr::Name(found) if found.id.as_str() == self.name);
        match expr {
            Expr::Subscript(subscript)
                if !subscript.ctx.is_load() && names_it(&subscript.value) =>
            {
                self.changed = true;
            }
            // `toolbox.update(...)`, `toolbox.setdefault(...)`: only reads are known.
            Expr::Attribute(attribute)
                if names_it(&attribute.value)
                    && !matches!(
                        attribute.attr.as_str(),
                        "get" | "keys" | "values" | "items" | "copy"
                    ) =>
            {
                self.changed = true;
            }
            _ => {}
        }
        visitor::walk_expr(self, expr);
    }
}
