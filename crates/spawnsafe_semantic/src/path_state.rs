//! What a function's names hold at one statement, path by path, for each call
//! that runs it; and what a `self.<attr>` holds, from the statements that set
//! it. PyTorch Geometric's data module is the shape this is for:
//!
//! ```python
//! def __init__(self, data, loader="neighbor", **kwargs):
//!     kwargs.setdefault("num_workers", 0)
//!     if loader == "full" and kwargs["num_workers"] != 0:
//!         kwargs["num_workers"] = 0
//!     self.kwargs = kwargs
//! ```
//!
//! Every call in the module (`LightningNodeData(data, loader="full",
//! num_workers=4)`) gives one state (the values of the parameters, the dict
//! `**kwargs` collects); the statements before the one asked about run on
//! those states: `kwargs[k] = v`, `setdefault`, `update`, `pop`, a plain
//! assignment, and `if`/`elif`/`else` whose test the constants of the state
//! decide. A test that cannot be decided runs both branches (the states are
//! kept apart, never merged), so an unknown condition leaves both values
//! possible. Anything else that may change a name makes it unknown; a
//! `return` or `raise` ends its path. Loops are not iterated: what their body
//! may change is unknown from their first statement on.
//!
//! `self.<attr>` holds one of the values its assignments in the class's
//! methods give (each evaluated this way), when those are all the stores of
//! that attribute on its instances in the module and, for a dict, nothing in
//! the module changes it through the attribute (only `**self.attr`,
//! `self.attr[k]` and `self.attr.get(...)` read it).

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, BoolOp, CmpOp, Expr, Stmt, UnaryOp};
use ruff_text_size::{Ranged, TextRange};
use rustc_hash::FxHashMap;

use crate::knowledge::{literal, mapping_literal, Known};
use crate::model::{ClassId, FunctionId, ModuleModel, ScopeId, ScopeKind, Value};

/// At most this many states at once (calls times undecided tests).
const MAX_STATES: usize = 32;

type Items = Vec<(String, Option<Known>)>;
type ValuesFn<'v> = dyn Fn(&Expr, ScopeId) -> Option<Vec<Known>> + 'v;

/// The values of a function's names on one path; `None`: unknown.
#[derive(Clone, Debug, Default)]
struct State {
    names: FxHashMap<String, Option<Known>>,
}

/// Every value the name `expr` (read in function `scope`) may hold where it
/// is read, path by path; `None` when that cannot be told.
pub(crate) fn name_values(
    model: &ModuleModel,
    expr: &Expr,
    scope: ScopeId,
    values: &ValuesFn,
) -> Option<Vec<Known>> {
    let Expr::Name(name) = expr else {
        return None;
    };
    let ScopeKind::Function(function) = model.scopes[scope].kind else {
        return None;
    };
    let (found_in, _) = model.lookup(name.id.as_str(), scope)?;
    if found_in != scope {
        return None;
    }
    let body = &model.functions[function].def.body;
    let target = statement_containing(body, expr.range())?;
    values_at(model, function, target, expr, values)
}

/// Every value `self.<attr>` (`expr`, read in `scope`) may hold; `None` when
/// that cannot be told.
pub(crate) fn attribute_values(
    model: &ModuleModel,
    expr: &Expr,
    scope: ScopeId,
    values: &ValuesFn,
) -> Option<Vec<Known>> {
    let Expr::Attribute(attribute) = expr else {
        return None;
    };
    let class = model.receiver_class(&attribute.value, scope)?;
    let attr = attribute.attr.as_str();
    let assigned = model.self_attribute_values(class, attr);
    if assigned.is_empty() || !only_stores(model, class, attr, assigned.len()) {
        return None;
    }
    // A class attribute of that name is what a path that sets none reads.
    if model.scopes[model.classes[class].scope]
        .bindings
        .contains_key(attr)
    {
        return None;
    }
    let mut out = Vec::new();
    for (value, method_scope) in assigned {
        let ScopeKind::Function(function) = model.scopes[method_scope].kind else {
            return None;
        };
        let body = &model.functions[function].def.body;
        let found = statement_containing(body, value.range())
            .and_then(|target| values_at(model, function, target, value, values))
            .or_else(|| values(value, method_scope))?;
        out.extend(found);
    }
    if out.iter().any(|value| matches!(value, Known::Mapping(_))) && changed_through(model, attr) {
        return None;
    }
    (!out.is_empty()).then_some(out)
}

/// The values of `expr` at the start of `target` (a statement of
/// `function`'s body, at any depth), over every call of the function.
fn values_at(
    model: &ModuleModel,
    function: FunctionId,
    target: &Stmt,
    expr: &Expr,
    values: &ValuesFn,
) -> Option<Vec<Known>> {
    let info = &model.functions[function];
    let mut run = Run {
        model,
        scope: info.scope,
        values,
        target,
        expr,
        watched: Vec::new(),
        reached: false,
        failed: false,
        found: Vec::new(),
    };
    let states = initial_states(model, function, values)?;
    run.block(&info.def.body, states);
    if run.failed || !run.reached {
        return None;
    }
    let found: Option<Vec<Known>> = run.found.into_iter().collect();
    found.filter(|found| !found.is_empty())
}

/// One state per call of the function in the module (and per value its
/// arguments may hold); one state of unknowns when it has no such calls.
fn initial_states(
    model: &ModuleModel,
    function: FunctionId,
    values: &ValuesFn,
) -> Option<Vec<State>> {
    let info = &model.functions[function];
    let parameters = &info.def.parameters;
    let method = info.class.is_some();
    let positional: Vec<&str> = parameters
        .posonlyargs
        .iter()
        .chain(&parameters.args)
        .map(|parameter| parameter.name().as_str())
        .skip(usize::from(method))
        .collect();
    let named: Vec<&ast::ParameterWithDefault> = parameters
        .iter_non_variadic_params()
        .skip(usize::from(method))
        .collect();
    let kwarg = parameters.kwarg.as_ref().map(|k| k.name.id.as_str());
    let unknowns = || {
        let mut state = State::default();
        for parameter in parameters.iter() {
            state.names.insert(parameter.name().to_string(), None);
        }
        state
    };
    let calls = if info.def.decorator_list.is_empty() {
        crate::kwargs_params::calls_of(model, function)
    } else {
        None
    };
    let Some(calls) = calls else {
        return Some(vec![unknowns()]);
    };
    let mut out = Vec::new();
    for (call, call_scope) in calls {
        // Each entry: the parameter's name and the values it may take.
        let mut given: Vec<(String, Vec<Option<Known>>)> = Vec::new();
        let mut extras: Vec<Vec<Items>> = Vec::new();
        let mut kwargs_known = true;
        let evaluate = |expr: &Expr| -> Vec<Option<Known>> {
            match values(expr, call_scope) {
                Some(found) if !found.is_empty() => found.into_iter().map(Some).collect(),
                _ => vec![literal(expr)],
            }
        };
        for (index, argument) in call.arguments.args.iter().enumerate() {
            if argument.is_starred_expr() {
                return Some(vec![unknowns()]);
            }
            let name = positional.get(index)?;
            given.push(((*name).to_string(), evaluate(argument)));
        }
        for keyword in &call.arguments.keywords {
            match &keyword.arg {
                Some(key) if named.iter().any(|p| p.name().as_str() == key.as_str()) => {
                    given.push((key.to_string(), evaluate(&keyword.value)));
                }
                Some(key) => {
                    kwarg?;
                    let choices = evaluate(&keyword.value);
                    extras.push(
                        choices
                            .into_iter()
                            .map(|value| vec![(key.to_string(), value)])
                            .collect(),
                    );
                }
                None => match values(&keyword.value, call_scope) {
                    Some(dicts) if dicts.iter().all(|d| matches!(d, Known::Mapping(_))) => {
                        // A dict's items that name parameters go to them:
                        // only one dict is followed that way.
                        let [Known::Mapping(items)] = dicts.as_slice() else {
                            kwargs_known = false;
                            continue;
                        };
                        let mut rest = Vec::new();
                        for (key, value) in items {
                            if named.iter().any(|p| p.name().as_str() == key) {
                                given.push((key.clone(), vec![value.clone()]));
                            } else {
                                rest.push((key.clone(), value.clone()));
                            }
                        }
                        extras.push(vec![rest]);
                    }
                    _ => return Some(vec![unknowns()]),
                },
            }
        }
        let mut states = vec![State::default()];
        for parameter in &named {
            let name = parameter.name().as_str();
            let choices: Vec<Option<Known>> = match given.iter().find(|(n, _)| n == name) {
                Some((_, choices)) => choices.clone(),
                None => match parameter.default() {
                    Some(default) => vec![literal(default).or_else(|| {
                        match values(default, info.parent_scope)?.as_slice() {
                            [one] => Some(one.clone()),
                            _ => None,
                        }
                    })],
                    None => vec![None],
                },
            };
            states = product(states, |state| {
                choices
                    .iter()
                    .map(|choice| {
                        let mut state = state.clone();
                        state.names.insert(name.to_string(), choice.clone());
                        state
                    })
                    .collect()
            })?;
        }
        if let Some(vararg) = &parameters.vararg {
            for state in &mut states {
                state.names.insert(vararg.name.to_string(), None);
            }
        }
        if let Some(kwarg) = kwarg {
            let mut dicts: Vec<Items> = vec![Vec::new()];
            for choices in &extras {
                let next: Vec<Items> = dicts
                    .iter()
                    .flat_map(|dict| {
                        choices.iter().map(move |more| {
                            let mut dict = dict.clone();
                            for (key, value) in more {
                                dict.retain(|(k, _)| k != key);
                                dict.push((key.clone(), value.clone()));
                            }
                            dict
                        })
                    })
                    .collect();
                if next.len() > MAX_STATES {
                    return None;
                }
                dicts = next;
            }
            states = product(states, |state| {
                dicts
                    .iter()
                    .map(|dict| {
                        let mut state = state.clone();
                        let value = kwargs_known.then(|| Known::Mapping(dict.clone()));
                        state.names.insert(kwarg.to_string(), value);
                        state
                    })
                    .collect()
            })?;
        }
        out.extend(states);
        if out.len() > MAX_STATES {
            return None;
        }
    }
    Some(out)
}

fn product(current: Vec<State>, extend: impl Fn(&State) -> Vec<State>) -> Option<Vec<State>> {
    let next: Vec<State> = current.iter().flat_map(extend).collect();
    (next.len() <= MAX_STATES).then_some(next)
}

/// The statement of `body` (at any depth, not inside a nested function or
/// class) whose own line holds `range`: the innermost simple statement.
fn statement_containing(body: &[Stmt], range: TextRange) -> Option<&Stmt> {
    let stmt = body
        .iter()
        .find(|stmt| stmt.range().contains_range(range))?;
    let inner: Option<&Stmt> = match stmt {
        Stmt::If(if_stmt) => statement_containing(&if_stmt.body, range).or_else(|| {
            if_stmt
                .elif_else_clauses
                .iter()
                .find_map(|clause| statement_containing(&clause.body, range))
        }),
        Stmt::With(with) => statement_containing(&with.body, range),
        Stmt::For(for_stmt) => statement_containing(&for_stmt.body, range),
        Stmt::While(while_stmt) => statement_containing(&while_stmt.body, range),
        Stmt::Try(try_stmt) => statement_containing(&try_stmt.body, range),
        Stmt::FunctionDef(_) | Stmt::ClassDef(_) => return None,
        _ => None,
    };
    Some(inner.unwrap_or(stmt))
}

/// Runs a function's statements on its states up to the target statement.
struct Run<'m, 'a, 'v> {
    model: &'m ModuleModel<'a>,
    scope: ScopeId,
    values: &'v ValuesFn<'v>,
    target: &'m Stmt,
    expr: &'m Expr,
    /// Dicts the value found is: nothing after the target may change them.
    watched: Vec<String>,
    reached: bool,
    failed: bool,
    found: Vec<Option<Known>>,
}

impl Run<'_, '_, '_> {
    /// The states that fall through the block.
    fn block(&mut self, body: &[Stmt], mut states: Vec<State>) -> Vec<State> {
        for stmt in body {
            if self.failed || states.is_empty() {
                break;
            }
            states = self.statement(stmt, states);
        }
        states
    }

    fn statement(&mut self, stmt: &Stmt, mut states: Vec<State>) -> Vec<State> {
        if self.reached {
            if self
                .watched
                .iter()
                .any(|name| crate::kwargs_dicts::may_change_in(std::slice::from_ref(stmt), name))
            {
                self.failed = true;
            }
            return states;
        }
        if std::ptr::eq(stmt, self.target) {
            self.reached = true;
            for state in &states {
                let found = self.union(self.expr, state);
                match found {
                    Some(found) => self.found.extend(found.into_iter().map(Some)),
                    None => self.found.push(None),
                }
            }
            if let Expr::Name(name) = self.expr {
                self.watched.push(name.id.to_string());
            }
            return states;
        }
        let holds_target = stmt.range().contains_range(self.target.range());
        match stmt {
            Stmt::If(if_stmt) => {
                let mut clauses: Vec<(Option<&Expr>, &[Stmt])> =
                    vec![(Some(&if_stmt.test), &if_stmt.body)];
                clauses.extend(
                    if_stmt
                        .elif_else_clauses
                        .iter()
                        .map(|clause| (clause.test.as_ref(), clause.body.as_slice())),
                );
                for (test, _) in &clauses {
                    if let Some(test) = test {
                        self.forget_changed_in_expr(test, &mut states);
                    }
                }
                let mut per_clause: Vec<Vec<State>> = vec![Vec::new(); clauses.len()];
                let mut fall_through = Vec::new();
                for state in states {
                    let mut taken = false;
                    for (index, (test, _)) in clauses.iter().enumerate() {
                        let decided = match test {
                            Some(test) => self.decide(test, &state),
                            None => Some(true),
                        };
                        match decided {
                            Some(true) => {
                                per_clause[index].push(state.clone());
                                taken = true;
                                break;
                            }
                            Some(false) => {}
                            None => per_clause[index].push(state.clone()),
                        }
                    }
                    if !taken {
                        fall_through.push(state);
                    }
                }
                let mut out = fall_through;
                for (states, (_, body)) in per_clause.into_iter().zip(&clauses) {
                    if !states.is_empty() {
                        out.extend(self.block(body, states));
                    }
                }
                if out.len() > MAX_STATES {
                    self.failed = true;
                }
                out
            }
            Stmt::With(with) => {
                for item in &with.items {
                    self.forget_changed_in_expr(&item.context_expr, &mut states);
                    if let Some(vars) = &item.optional_vars {
                        forget_stores_in_expr(vars, &mut states);
                    }
                }
                self.block(&with.body, states)
            }
            // A loop or `try` that holds the target: what the whole
            // statement may change is unknown by then.
            Stmt::For(ast::StmtFor { body, .. })
            | Stmt::While(ast::StmtWhile { body, .. })
            | Stmt::Try(ast::StmtTry { body, .. })
                if holds_target =>
            {
                self.forget_changed(stmt, &mut states);
                self.block(body, states)
            }
            _ if holds_target => {
                self.failed = true;
                states
            }
            Stmt::Return(_) | Stmt::Raise(_) => Vec::new(),
            Stmt::Assign(assign) if assign.targets.len() == 1 => {
                self.assign(stmt, &assign.targets[0], &assign.value, states)
            }
            Stmt::Expr(ast::StmtExpr { value, .. }) => match value.as_ref() {
                Expr::Call(call) if self.dict_method(call, &mut states) => states,
                _ => {
                    self.forget_changed(stmt, &mut states);
                    states
                }
            },
            _ => {
                self.forget_changed(stmt, &mut states);
                states
            }
        }
    }

    fn assign(
        &mut self,
        stmt: &Stmt,
        target: &Expr,
        value: &Expr,
        mut states: Vec<State>,
    ) -> Vec<State> {
        match target {
            // `kwargs["num_workers"] = 0`
            Expr::Subscript(subscript) => {
                let Expr::Name(dict) = subscript.value.as_ref() else {
                    self.forget_changed(stmt, &mut states);
                    return states;
                };
                self.forget_changed_in_expr(value, &mut states);
                let key = match subscript.slice.as_ref() {
                    Expr::StringLiteral(key) => Some(key.value.to_str().to_string()),
                    _ => None,
                };
                for state in &mut states {
                    let new = self.eval(value, state);
                    let entry = state.names.get_mut(dict.id.as_str());
                    if let Some(slot) = entry {
                        *slot = match (slot.take(), &key) {
                            (Some(Known::Mapping(mut items)), Some(key)) => {
                                set_item(&mut items, key, new);
                                Some(Known::Mapping(items))
                            }
                            _ => None,
                        };
                    }
                }
                states
            }
            Expr::Name(name) => {
                // `workers = kwargs.pop("num_workers", 0)`
                if let Expr::Call(call) = value {
                    if let Some(popped) = self.pop(call, &mut states) {
                        for (state, popped) in states.iter_mut().zip(popped) {
                            state.names.insert(name.id.to_string(), popped);
                        }
                        return states;
                    }
                }
                self.forget_changed_in_expr(value, &mut states);
                for state in &mut states {
                    // `alias = kwargs`: two names for one dict, both unknown.
                    let new = match value {
                        Expr::Name(other)
                            if matches!(
                                state.names.get(other.id.as_str()),
                                Some(Some(Known::Mapping(_)))
                            ) =>
                        {
                            state.names.insert(other.id.to_string(), None);
                            None
                        }
                        _ => self.eval(value, state),
                    };
                    state.names.insert(name.id.to_string(), new);
                }
                states
            }
            _ => {
                self.forget_changed(stmt, &mut states);
                states
            }
        }
    }

    /// `kwargs.setdefault(k, v)`, `kwargs.update(...)`, `kwargs.pop(k)`,
    /// `kwargs.clear()` as a statement: applied to each state. `false` when
    /// the call is not one of those on a name.
    fn dict_method(&mut self, call: &ast::ExprCall, states: &mut [State]) -> bool {
        let Expr::Attribute(method) = call.func.as_ref() else {
            return false;
        };
        let Expr::Name(dict) = method.value.as_ref() else {
            return false;
        };
        let dict = dict.id.as_str();
        if !states.iter().any(|state| state.names.contains_key(dict)) {
            return false;
        }
        let args = &call.arguments;
        match method.attr.as_str() {
            "pop" => self.pop(call, states).is_some(),
            "setdefault" | "update" | "clear" => {
                for state in states.iter_mut() {
                    let current = match state.names.get(dict) {
                        Some(Some(Known::Mapping(items))) => Some(items.clone()),
                        _ => None,
                    };
                    let new = current.and_then(|mut items| {
                        match method.attr.as_str() {
                            "setdefault" => {
                                let [key, value] = args.args.as_ref() else {
                                    return None;
                                };
                                let Expr::StringLiteral(key) = key else {
                                    return None;
                                };
                                if !args.keywords.is_empty() {
                                    return None;
                                }
                                let key = key.value.to_str();
                                if !items.iter().any(|(k, _)| k == key) {
                                    items.push((key.to_string(), self.eval(value, state)));
                                }
                            }
                            "update" => {
                                for positional in args.args.iter() {
                                    let Some(Known::Mapping(more)) = self.eval(positional, state)
                                    else {
                                        return None;
                                    };
                                    for (key, value) in more {
                                        set_item(&mut items, &key, value);
                                    }
                                }
                                for keyword in &args.keywords {
                                    let key = keyword.arg.as_ref()?;
                                    let value = self.eval(&keyword.value, state);
                                    set_item(&mut items, key.as_str(), value);
                                }
                            }
                            _ => {
                                if !args.args.is_empty() || !args.keywords.is_empty() {
                                    return None;
                                }
                                items.clear();
                            }
                        }
                        Some(Known::Mapping(items))
                    });
                    state.names.insert(dict.to_string(), new);
                }
                true
            }
            _ => false,
        }
    }

    /// `d.pop("key"[, default])` on a dict name: removes the key in each
    /// state and gives the value it held (or the default).
    fn pop(&mut self, call: &ast::ExprCall, states: &mut [State]) -> Option<Vec<Option<Known>>> {
        let Expr::Attribute(method) = call.func.as_ref() else {
            return None;
        };
        let Expr::Name(dict) = method.value.as_ref() else {
            return None;
        };
        if method.attr.as_str() != "pop" || !call.arguments.keywords.is_empty() {
            return None;
        }
        let dict = dict.id.as_str();
        if !states.iter().any(|state| state.names.contains_key(dict)) {
            return None;
        }
        let (key, default) = match call.arguments.args.as_ref() {
            [Expr::StringLiteral(key)] => (key.value.to_str(), None),
            [Expr::StringLiteral(key), default] => (key.value.to_str(), Some(default)),
            _ => return None,
        };
        let mut out = Vec::new();
        for state in states.iter_mut() {
            let default_value = default.and_then(|default| self.eval(default, state));
            let popped = match state.names.get_mut(dict) {
                Some(Some(Known::Mapping(items))) => {
                    match items.iter().position(|(k, _)| k == key) {
                        Some(index) => items.remove(index).1,
                        None => default_value,
                    }
                }
                Some(slot) => {
                    *slot = None;
                    None
                }
                None => None,
            };
            out.push(popped);
        }
        Some(out)
    }

    /// Every value `expr` may hold in `state`: both branches of a conditional
    /// expression whose test is not decided.
    fn union(&self, expr: &Expr, state: &State) -> Option<Vec<Known>> {
        if let Expr::If(if_expr) = expr {
            return match self.decide(&if_expr.test, state) {
                Some(true) => self.union(&if_expr.body, state),
                Some(false) => self.union(&if_expr.orelse, state),
                None => {
                    let mut out = self.union(&if_expr.body, state)?;
                    out.extend(self.union(&if_expr.orelse, state)?);
                    Some(out)
                }
            };
        }
        if let Some(value) = self.eval(expr, state) {
            return Some(vec![value]);
        }
        // A name this function does not bind (a module constant), or a
        // parameter the calls do not show: what the module says of it.
        if let Expr::Name(name) = expr {
            if matches!(state.names.get(name.id.as_str()), Some(Some(_))) {
                return None;
            }
        }
        (self.values)(expr, self.scope)
    }

    /// The one value `expr` holds in `state`, when the state tells.
    fn eval(&self, expr: &Expr, state: &State) -> Option<Known> {
        if let Some(value) = literal(expr) {
            return Some(value);
        }
        let dict_is_builtin = self.model.lookup("dict", self.scope).is_none();
        if let Some(items) = mapping_literal(expr, dict_is_builtin) {
            return Some(Known::Mapping(items));
        }
        match expr {
            Expr::Name(name) => {
                if let Some(value) = state.names.get(name.id.as_str()) {
                    return value.clone();
                }
                let (found_in, _) = self.model.lookup(name.id.as_str(), self.scope)?;
                if found_in == self.scope {
                    return None;
                }
                match (self.values)(expr, self.scope)?.as_slice() {
                    [one] => Some(one.clone()),
                    _ => None,
                }
            }
            Expr::Subscript(subscript) => {
                let Some(Known::Mapping(items)) = self.eval(&subscript.value, state) else {
                    return None;
                };
                let Expr::StringLiteral(key) = subscript.slice.as_ref() else {
                    return None;
                };
                let key = key.value.to_str();
                items.into_iter().find(|(k, _)| k == key)?.1
            }
            // `kwargs.get("num_workers", 0)`
            Expr::Call(call) => {
                let Expr::Attribute(method) = call.func.as_ref() else {
                    return None;
                };
                if method.attr.as_str() != "get" || !call.arguments.keywords.is_empty() {
                    return None;
                }
                let Some(Known::Mapping(items)) = self.eval(&method.value, state) else {
                    return None;
                };
                let (key, default) = match call.arguments.args.as_ref() {
                    [Expr::StringLiteral(key)] => (key.value.to_str(), None),
                    [Expr::StringLiteral(key), default] => (key.value.to_str(), Some(default)),
                    _ => return None,
                };
                match items.into_iter().find(|(k, _)| k == key) {
                    Some((_, value)) => value,
                    None => match default {
                        Some(default) => self.eval(default, state),
                        None => Some(Known::None),
                    },
                }
            }
            Expr::If(if_expr) => match self.decide(&if_expr.test, state)? {
                true => self.eval(&if_expr.body, state),
                false => self.eval(&if_expr.orelse, state),
            },
            Expr::Compare(_) | Expr::BoolOp(_) => self.decide(expr, state).map(Known::Bool),
            Expr::UnaryOp(unary) if unary.op == UnaryOp::Not => {
                self.decide(expr, state).map(Known::Bool)
            }
            _ => None,
        }
    }

    /// Whether `test` is true in `state`, when the state tells.
    fn decide(&self, test: &Expr, state: &State) -> Option<bool> {
        match test {
            Expr::BoolOp(bool_op) => {
                let decided: Vec<Option<bool>> = bool_op
                    .values
                    .iter()
                    .map(|value| self.decide(value, state))
                    .collect();
                let (short, rest) = match bool_op.op {
                    BoolOp::And => (false, true),
                    BoolOp::Or => (true, false),
                };
                // Python stops at the first operand that decides it.
                for value in &decided {
                    match value {
                        Some(v) if *v == short => return Some(short),
                        Some(_) => {}
                        None => return None,
                    }
                }
                Some(rest)
            }
            Expr::UnaryOp(unary) if unary.op == UnaryOp::Not => {
                self.decide(&unary.operand, state).map(|v| !v)
            }
            Expr::Compare(compare) => {
                let ([op], [right]) = (compare.ops.as_ref(), compare.comparators.as_ref()) else {
                    return None;
                };
                let left = self.eval(&compare.left, state)?;
                match op {
                    CmpOp::In | CmpOp::NotIn => {
                        let found = self.contains(right, &left, state)?;
                        Some(found == (*op == CmpOp::In))
                    }
                    _ => compare_known(&left, *op, &self.eval(right, state)?),
                }
            }
            _ => truthy(&self.eval(test, state)?),
        }
    }

    fn contains(&self, container: &Expr, item: &Known, state: &State) -> Option<bool> {
        match container {
            Expr::List(ast::ExprList { elts, .. })
            | Expr::Tuple(ast::ExprTuple { elts, .. })
            | Expr::Set(ast::ExprSet { elts, .. }) => {
                let mut undecided = false;
                for element in elts {
                    match self.eval(element, state).and_then(|e| equal(item, &e)) {
                        Some(true) => return Some(true),
                        Some(false) => {}
                        None => undecided = true,
                    }
                }
                (!undecided).then_some(false)
            }
            _ => match (self.eval(container, state)?, item) {
                (Known::Mapping(items), Known::Str(key)) => {
                    Some(items.iter().any(|(k, _)| k == key))
                }
                _ => None,
            },
        }
    }

    /// Names `stmt` may rebind, and dicts it may change, are unknown after it.
    fn forget_changed(&self, stmt: &Stmt, states: &mut [State]) {
        let mut stores = StoreFinder::default();
        stores.visit_stmt(stmt);
        self.forget(&stores.names, states, |name| {
            crate::kwargs_dicts::may_change_in(std::slice::from_ref(stmt), name)
        });
    }

    fn forget_changed_in_expr(&self, expr: &Expr, states: &mut [State]) {
        let mut stores = StoreFinder::default();
        stores.visit_expr(expr);
        self.forget(&stores.names, states, |name| {
            crate::kwargs_dicts::may_change_in_expr(expr, name)
        });
    }

    fn forget(&self, stored: &[String], states: &mut [State], changes: impl Fn(&str) -> bool) {
        let dicts: Vec<String> = states
            .iter()
            .flat_map(|state| state.names.iter())
            .filter(|(_, value)| matches!(value, Some(Known::Mapping(_))))
            .map(|(name, _)| name.clone())
            .collect();
        let changed: Vec<&String> = dicts.iter().filter(|name| changes(name)).collect();
        for state in states {
            for name in stored.iter().chain(changed.iter().copied()) {
                state.names.insert(name.clone(), None);
            }
        }
    }
}

fn forget_stores_in_expr(expr: &Expr, states: &mut [State]) {
    let mut stores = StoreFinder::default();
    stores.visit_expr(expr);
    for state in states {
        for name in &stores.names {
            state.names.insert(name.clone(), None);
        }
    }
}

fn set_item(items: &mut Items, key: &str, value: Option<Known>) {
    match items.iter_mut().find(|(k, _)| k == key) {
        Some(item) => item.1 = value,
        None => items.push((key.to_string(), value)),
    }
}

fn as_number(value: &Known) -> Option<i64> {
    match value {
        Known::Int(int) => Some(*int),
        Known::Bool(boolean) => Some(i64::from(*boolean)),
        _ => None,
    }
}

/// Python's `==` on two known values (`1 == True`); `None` for dicts.
fn equal(left: &Known, right: &Known) -> Option<bool> {
    if let (Some(a), Some(b)) = (as_number(left), as_number(right)) {
        return Some(a == b);
    }
    match (left, right) {
        (Known::Mapping(_), _) | (_, Known::Mapping(_)) => None,
        (Known::Str(a), Known::Str(b)) => Some(a == b),
        (Known::None, Known::None) => Some(true),
        _ => Some(false),
    }
}

fn compare_known(left: &Known, op: CmpOp, right: &Known) -> Option<bool> {
    match op {
        CmpOp::Eq => equal(left, right),
        CmpOp::NotEq => equal(left, right).map(|v| !v),
        // Identity is only sure for the singletons.
        CmpOp::Is | CmpOp::IsNot => {
            let singleton = |v: &Known| matches!(v, Known::None | Known::Bool(_));
            if !singleton(left) && !singleton(right) {
                return None;
            }
            let same = match (left, right) {
                (Known::None, Known::None) => true,
                (Known::Bool(a), Known::Bool(b)) => a == b,
                _ => false,
            };
            Some(same == (op == CmpOp::Is))
        }
        CmpOp::Lt | CmpOp::LtE | CmpOp::Gt | CmpOp::GtE => {
            let (a, b) = (as_number(left)?, as_number(right)?);
            Some(match op {
                CmpOp::Lt => a < b,
                CmpOp::LtE => a <= b,
                CmpOp::Gt => a > b,
                _ => a >= b,
            })
        }
        _ => None,
    }
}

fn truthy(value: &Known) -> Option<bool> {
    Some(match value {
        Known::Int(int) => *int != 0,
        Known::Bool(boolean) => *boolean,
        Known::None => false,
        Known::Str(text) => !text.is_empty(),
        Known::Mapping(items) => !items.is_empty(),
    })
}

/// Names a statement or expression binds (assignment, loop and `with`
/// targets, `:=`, `del`, nested definitions).
#[derive(Default)]
struct StoreFinder {
    names: Vec<String>,
}

impl<'a> Visitor<'a> for StoreFinder {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(def) => self.names.push(def.name.to_string()),
            Stmt::ClassDef(def) => self.names.push(def.name.to_string()),
            Stmt::Import(import) => {
                for alias in &import.names {
                    let bound = alias.asname.as_ref().unwrap_or(&alias.name);
                    let first = bound.as_str().split('.').next().unwrap_or_default();
                    self.names.push(first.to_string());
                }
            }
            Stmt::ImportFrom(import) => {
                for alias in &import.names {
                    let bound = alias.asname.as_ref().unwrap_or(&alias.name);
                    self.names.push(bound.to_string());
                }
            }
            Stmt::Global(_) | Stmt::Nonlocal(_) => {}
            _ => visitor::walk_stmt(self, stmt),
        }
        if let Stmt::FunctionDef(_) | Stmt::ClassDef(_) = stmt {
            // Their bodies bind their own names; a closure that writes a dict
            // of ours is found by the change check.
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Name(name) = expr {
            if name.ctx != ast::ExprContext::Load {
                self.names.push(name.id.to_string());
            }
        }
        visitor::walk_expr(self, expr);
    }
}

/// Are the `assigned` stores of `self.<attr>` in the class's methods all the
/// stores of that attribute on an instance of the class (or of a subclass)
/// the module makes?
fn only_stores(model: &ModuleModel, class: ClassId, attr: &str, assigned: usize) -> bool {
    let mut finder = AttributeStores {
        model,
        class,
        attr,
        scope: crate::model::MODULE_SCOPE,
        ours: 0,
        foreign: false,
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
    !finder.foreign && finder.ours == assigned
}

struct AttributeStores<'m, 'a, 'n> {
    model: &'m ModuleModel<'a>,
    class: ClassId,
    attr: &'n str,
    scope: ScopeId,
    ours: usize,
    /// A store on something that may be an instance of the class.
    foreign: bool,
}

impl<'a> Visitor<'a> for AttributeStores<'_, '_, '_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            // Their bodies are their own scopes, visited on their own.
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Attribute(attribute) = expr {
            if attribute.attr.as_str() == self.attr && attribute.ctx != ast::ExprContext::Load {
                match self.model.receiver_class(&attribute.value, self.scope) {
                    Some(class) if class == self.class => self.ours += 1,
                    Some(other) if !inherits(self.model, other, self.class, 0) => {}
                    _ => self.foreign = true,
                }
            }
        }
        visitor::walk_expr(self, expr);
    }
}

/// Is `class` a subclass of `base` in this module?
fn inherits(model: &ModuleModel, class: ClassId, base: ClassId, depth: usize) -> bool {
    if depth > 8 {
        return true;
    }
    let info = &model.classes[class];
    let Some(arguments) = &info.def.arguments else {
        return false;
    };
    arguments.args.iter().any(|parent| {
        match model.resolve(parent, info.parent_scope) {
            Value::Class(parent) => parent == base || inherits(model, parent, base, depth + 1),
            // A base this module does not define is not ours.
            _ => false,
        }
    })
}

/// Does anything in the module change the dict an `<obj>.<attr>` holds: a
/// write through it, a method other than a read, or handing it on as a value?
fn changed_through(model: &ModuleModel, attr: &str) -> bool {
    let mut finder = AttributeChanges {
        attr,
        changed: false,
    };
    finder.visit_body(model.body);
    finder.changed
}

struct AttributeChanges<'n> {
    attr: &'n str,
    changed: bool,
}

/// Methods that read a dict without changing it.
const READS: &[&str] = &["get", "keys", "values", "items", "copy"];

impl AttributeChanges<'_> {
    fn is_ours(&self, expr: &Expr) -> bool {
        matches!(expr, Expr::Attribute(attribute) if attribute.attr.as_str() == self.attr)
    }
}

impl<'a> Visitor<'a> for AttributeChanges<'_> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        if self.changed {
            return;
        }
        match expr {
            Expr::Subscript(subscript) if self.is_ours(&subscript.value) => {
                if subscript.ctx != ast::ExprContext::Load {
                    self.changed = true;
                }
                if let Expr::Attribute(attribute) = subscript.value.as_ref() {
                    self.visit_expr(&attribute.value);
                }
                self.visit_expr(&subscript.slice);
            }
            Expr::Call(call) => {
                match call.func.as_ref() {
                    Expr::Attribute(method) if self.is_ours(&method.value) => {
                        if !READS.contains(&method.attr.as_str()) {
                            self.changed = true;
                        }
                    }
                    func => self.visit_expr(func),
                }
                for argument in &call.arguments.args {
                    self.visit_expr(argument);
                }
                for keyword in &call.arguments.keywords {
                    if keyword.arg.is_none() && self.is_ours(&keyword.value) {
                        if let Expr::Attribute(attribute) = &keyword.value {
                            self.visit_expr(&attribute.value);
                        }
                        continue;
                    }
                    self.visit_expr(&keyword.value);
                }
            }
            Expr::Attribute(attribute)
                if attribute.attr.as_str() == self.attr
                    && attribute.ctx == ast::ExprContext::Load =>
            {
                self.changed = true;
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

#[cfg(test)]
mod tests {

    fn loader_may_start(source: &str, at: &str) -> bool {
        crate::test_loader::loader_may_start_in(source, at, |_, _| {})
    }

    const MODULE: &str = r#"
class Module:
    def __init__(self, data, loader="neighbor", **kwargs):
        kwargs.setdefault("num_workers", 0)
        if loader == "full" and kwargs["num_workers"] != 0:
            kwargs["num_workers"] = 0
        self.kwargs = kwargs

    def train_dataloader(self):
        return DataLoader([1], **self.kwargs)

Module([1], loader="full", num_workers=4)
"#;

    #[test]
    fn a_condition_the_callers_decide() {
        assert!(!loader_may_start(MODULE, "train_dataloader"));
        let neighbor = MODULE.replace("loader=\"full\", num_workers", "loader=\"x\", num_workers");
        assert!(loader_may_start(&neighbor, "train_dataloader"));
        // A second caller that keeps the workers.
        let more = format!("{MODULE}Module([2], num_workers=2)\n");
        assert!(loader_may_start(&more, "train_dataloader"));
        // No worker asked for: `setdefault` gives 0.
        let none = MODULE.replace(", num_workers=4", "");
        assert!(!loader_may_start(&none, "train_dataloader"));
    }

    #[test]
    fn undecided_and_changed_stay_unknown() {
        // A test the callers do not decide: both branches.
        let undecided = MODULE.replace("loader == \"full\" and ", "os.name == \"nt\" and ");
        assert!(loader_may_start(&undecided, "train_dataloader"));
        // The dict changed through the attribute, or stored elsewhere.
        for extra in [
            "m = Module([1], loader=\"full\")\nm.kwargs[\"num_workers\"] = 2\n",
            "m = Module([1], loader=\"full\")\nm.kwargs.update(num_workers=2)\n",
            "m = Module([1], loader=\"full\")\nm.kwargs = {\"num_workers\": 2}\n",
            "m = Module([1], loader=\"full\")\ntune(m.kwargs)\n",
        ] {
            assert!(
                loader_may_start(&format!("{MODULE}{extra}"), "train_dataloader"),
                "{extra}"
            );
        }
        // The class handed on: called elsewhere with anything.
        assert!(loader_may_start(
            &format!("{MODULE}factory = Module\n"),
            "train_dataloader"
        ));
        // Changed after it is stored, through the parameter's name.
        let after = MODULE.replace(
            "        self.kwargs = kwargs\n",
            "        self.kwargs = kwargs\n        kwargs[\"num_workers\"] = 3\n",
        );
        assert!(loader_may_start(&after, "train_dataloader"));
        // An alias written to.
        let alias = MODULE.replace(
            "        self.kwargs = kwargs\n",
            "        other = kwargs\n        other[\"num_workers\"] = 3\n        self.kwargs = kwargs\n",
        );
        assert!(loader_may_start(&alias, "train_dataloader"));
    }

    #[test]
    fn local_dicts_and_returns() {
        let helper = r#"
def make(rows, debug=False, **kwargs):
    if debug:
        kwargs.update(num_workers=0)
    elif kwargs.get("num_workers", 0) > 8:
        kwargs["num_workers"] = 8
    return DataLoader(rows, **kwargs)

make([1], debug=True, num_workers=4)
"#;
        assert!(!loader_may_start(helper, "make"));
        assert!(loader_may_start(
            &helper.replace("debug=True", "debug=False"),
            "make"
        ));
        // An early return ends the path that would keep the workers.
        let early = r#"
def make(rows, **kwargs):
    if kwargs.get("num_workers"):
        kwargs.pop("num_workers")
    return DataLoader(rows, **kwargs)

make([1], num_workers=4)
"#;
        assert!(!loader_may_start(early, "make"));
        // Inside a loop the body may change: unknown.
        let looped = r#"
def make(rows, **kwargs):
    for key in list(kwargs):
        kwargs[key] = 3
    return DataLoader(rows, **kwargs)

make([1], num_workers=0)
"#;
        assert!(loader_may_start(looped, "make"));
    }
}
