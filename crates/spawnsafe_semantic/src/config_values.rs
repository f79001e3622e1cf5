//! Values that travel through configuration dicts, as training scripts pass
//! them: `config = {"data_params": {"num_workers": 0, ...}}` in the main
//! guard, `get_loaders(**config["data_params"])` in a helper, and inside it
//! `DataLoader(**{"num_workers": num_workers, ...})`. CPython binds each item
//! of a `**` dict to the parameter of its key (Python/ceval.c `DICT_MERGE`,
//! then `_PyEval_MakeFrameVector` matching keywords to parameters), and a
//! subscript of a dict display is the item written there; so the worker
//! count is the literal the config holds.
//!
//! Three steps, each only where the module shows every value:
//! - a dict display (or a name bound only to dict displays that nothing
//!   changes) whose items are not all literals: each item evaluated;
//! - `d["key"]` where `d` is (or is a parameter always passed) a dict display;
//! - a parameter of a plain function whose callers pass it by position, by
//!   keyword, or through a `**` dict the module shows (the function may have
//!   a `**kwargs` of its own: it takes only the other keys).
//!
//! Anything else is `None`, and the caller keeps its own answer.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};

use crate::argvalues::calls_in;
use crate::knowledge::{literal, mapping_literal, Known};
use crate::kwargs_dicts::may_change_in;
use crate::model::{BindingKind, ModuleModel, ScopeId, ScopeKind, Value};

/// At most this many dicts for one expression (the combinations of its items' values).
const MAX_MAPPINGS: usize = 16;

/// Evaluates an expression, in a scope, to every value it may hold.
pub(crate) type Evaluate<'e, 'a> = dyn Fn(&'a Expr, ScopeId) -> Option<Vec<Known>> + 'e;

/// Every value `expr` may hold by the three steps above, or `None`.
pub(crate) fn values<'a>(
    model: &ModuleModel<'a>,
    expr: &'a Expr,
    scope: ScopeId,
    evaluate: &Evaluate<'_, 'a>,
) -> Option<Vec<Known>> {
    match expr {
        Expr::Subscript(subscript) => {
            let Expr::StringLiteral(key) = subscript.slice.as_ref() else {
                return None;
            };
            let key = key.value.to_str();
            let mut out = Vec::new();
            for (dict, at) in dict_displays(model, &subscript.value, scope)? {
                out.extend(evaluate(item(dict, key)?, at)?);
            }
            (!out.is_empty()).then_some(out)
        }
        Expr::Dict(_) | Expr::Name(_) => {
            let displays = match expr {
                Expr::Dict(_) => vec![(expr, scope)],
                _ => named_displays(model, expr, scope)?,
            };
            let mut out = Vec::new();
            for (dict, at) in displays {
                out.extend(evaluated_mapping(model, dict, at, evaluate)?);
            }
            (!out.is_empty()).then_some(out)
        }
        _ => None,
    }
}

/// What the callers of a plain function pass for its parameter `index`,
/// evaluated, when one of them passes it through a `**` dict (the calls
/// [`crate::argvalues`] follows on its own have none).
pub(crate) fn parameter_values<'a>(
    model: &ModuleModel<'a>,
    function_scope: ScopeId,
    index: usize,
    evaluate: &Evaluate<'_, 'a>,
) -> Option<Vec<Known>> {
    let ScopeKind::Function(function) = model.scopes[function_scope].kind else {
        return None;
    };
    let info = &model.functions[function];
    if info.class.is_some() || !info.def.decorator_list.is_empty() {
        return None;
    }
    let parameters = &info.def.parameters;
    if parameters.vararg.is_some() {
        return None;
    }
    let parameter = parameters.iter().nth(index)?;
    let positional = parameters.posonlyargs.len() + parameters.args.len();
    let name = info.def.name.id.as_str();
    let mut out = Vec::new();
    let mut calls = 0;
    let mut unpacks = false;
    for (call, scope) in calls_in(model) {
        let Expr::Name(callee) = call.func.as_ref() else {
            continue;
        };
        if callee.id.as_str() != name
            || model.resolve(&call.func, scope) != Value::Function(function)
        {
            continue;
        }
        calls += 1;
        if call.arguments.args.iter().any(Expr::is_starred_expr) {
            return None;
        }
        let by_position = (index < positional)
            .then(|| call.arguments.args.get(index))
            .flatten();
        let by_keyword = call
            .arguments
            .find_keyword(parameter.name().as_str())
            .map(|keyword| &keyword.value);
        if let Some(argument) = by_position.or(by_keyword) {
            out.extend(evaluate(argument, scope)?);
            continue;
        }
        let mut defaulted = true;
        for keyword in call.arguments.keywords.iter().filter(|k| k.arg.is_none()) {
            unpacks = true;
            for mapping in evaluate(&keyword.value, scope)? {
                let Known::Mapping(items) = mapping else {
                    return None;
                };
                match items
                    .into_iter()
                    .find(|(key, _)| key == parameter.name().as_str())
                {
                    Some((_, Some(value))) => {
                        out.push(value);
                        defaulted = false;
                    }
                    Some((_, None)) => return None,
                    None => {}
                }
            }
        }
        if defaulted {
            out.extend(evaluate(parameter.default()?, info.parent_scope)?);
        }
    }
    // Every use of the name must be one of those calls.
    (unpacks && calls > 0 && model.load_count(name) == calls && !out.is_empty()).then_some(out)
}

/// The dict displays `expr` may be: itself, a name bound only to them that
/// nothing changes, or a parameter every caller passes one for.
fn dict_displays<'a>(
    model: &ModuleModel<'a>,
    expr: &'a Expr,
    scope: ScopeId,
) -> Option<Vec<(&'a Expr, ScopeId)>> {
    if let Expr::Dict(_) = expr {
        return Some(vec![(expr, scope)]);
    }
    let Expr::Name(name) = expr else {
        return None;
    };
    let (found_in, bindings) = model.lookup(name.id.as_str(), scope)?;
    if let [binding] = bindings {
        if let BindingKind::Parameter(index) = binding.kind {
            return parameter_displays(model, found_in, index, name.id.as_str());
        }
    }
    named_displays(model, expr, scope)
}

/// The dict displays a name is bound to, when nothing may change them.
fn named_displays<'a>(
    model: &ModuleModel<'a>,
    expr: &'a Expr,
    scope: ScopeId,
) -> Option<Vec<(&'a Expr, ScopeId)>> {
    let Expr::Name(name) = expr else {
        return None;
    };
    let (found_in, bindings) = model.lookup(name.id.as_str(), scope)?;
    let mut out = Vec::new();
    for binding in bindings {
        let BindingKind::Assign(value @ Expr::Dict(_)) = binding.kind else {
            return None;
        };
        out.push((value, found_in));
    }
    if out.is_empty() || may_change_in(body_of(model, found_in), name.id.as_str()) {
        return None;
    }
    Some(out)
}

/// The dict displays a name passed to `function` is bound to, when nothing
/// but reads and such calls use it.
fn passed_displays<'a>(
    model: &ModuleModel<'a>,
    expr: &'a Expr,
    scope: ScopeId,
    function: &str,
) -> Option<Vec<(&'a Expr, ScopeId)>> {
    let Expr::Name(name) = expr else {
        return None;
    };
    let (found_in, bindings) = model.lookup(name.id.as_str(), scope)?;
    let mut out = Vec::new();
    for binding in bindings {
        let BindingKind::Assign(value @ Expr::Dict(_)) = binding.kind else {
            return None;
        };
        out.push((value, found_in));
    }
    let mut finder = UseFinder {
        name: name.id.as_str(),
        function,
        changed: false,
    };
    finder.visit_body(body_of(model, found_in));
    (!out.is_empty() && !finder.changed).then_some(out)
}

/// Finds a use of `name` other than reading an item, unpacking it with `**`,
/// or passing it to `function` (whose own body is checked apart).
struct UseFinder<'n> {
    name: &'n str,
    function: &'n str,
    changed: bool,
}

impl UseFinder<'_> {
    fn is_ours(&self, expr: &Expr) -> bool {
        matches!(expr, Expr::Name(name) if name.id.as_str() == self.name)
    }
}

impl<'a> Visitor<'a> for UseFinder<'_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::AugAssign(assign) if self.is_ours(&assign.target) => self.changed = true,
            // Its own assignments are the bindings already read.
            Stmt::Assign(assign) if assign.targets.iter().all(|target| self.is_ours(target)) => {
                self.visit_expr(&assign.value)
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Subscript(subscript) if self.is_ours(&subscript.value) => {
                if subscript.ctx != ast::ExprContext::Load {
                    self.changed = true;
                }
                self.visit_expr(&subscript.slice);
            }
            Expr::Call(call) => {
                let to_function =
                    matches!(call.func.as_ref(), Expr::Name(f) if f.id.as_str() == self.function);
                self.visit_expr(&call.func);
                for argument in &call.arguments.args {
                    if !(to_function && self.is_ours(argument)) {
                        self.visit_expr(argument);
                    }
                }
                for keyword in &call.arguments.keywords {
                    if (keyword.arg.is_none() || to_function) && self.is_ours(&keyword.value) {
                        continue;
                    }
                    self.visit_expr(&keyword.value);
                }
            }
            Expr::Name(name) if name.id.as_str() == self.name => self.changed = true,
            _ => visitor::walk_expr(self, expr),
        }
    }
}

/// A parameter only read by subscripts (`config["data_params"]`), whose every
/// caller passes a name bound to a dict display (or the display itself).
fn parameter_displays<'a>(
    model: &ModuleModel<'a>,
    function_scope: ScopeId,
    index: usize,
    parameter_name: &str,
) -> Option<Vec<(&'a Expr, ScopeId)>> {
    let ScopeKind::Function(function) = model.scopes[function_scope].kind else {
        return None;
    };
    let info = &model.functions[function];
    if info.class.is_some() || !info.def.decorator_list.is_empty() {
        return None;
    }
    if may_change_in(&info.def.body, parameter_name) {
        return None;
    }
    let parameters = &info.def.parameters;
    let parameter = parameters.iter().nth(index)?;
    let positional = parameters.posonlyargs.len() + parameters.args.len();
    let name = info.def.name.id.as_str();
    let mut out = Vec::new();
    let mut calls = 0;
    for (call, scope) in calls_in(model) {
        if !matches!(call.func.as_ref(), Expr::Name(callee) if callee.id.as_str() == name)
            || model.resolve(&call.func, scope) != Value::Function(function)
        {
            continue;
        }
        calls += 1;
        let by_position = (index < positional)
            .then(|| call.arguments.args.get(index))
            .flatten();
        let by_keyword = call
            .arguments
            .find_keyword(parameter.name().as_str())
            .map(|keyword| &keyword.value);
        let argument = by_position.or(by_keyword)?;
        match argument {
            Expr::Dict(_) => out.push((argument, scope)),
            _ => out.extend(passed_displays(model, argument, scope, name)?),
        }
    }
    (calls > 0 && model.load_count(name) == calls).then_some(out)
}

/// A dict display as [`Known::Mapping`]s, each item evaluated: one mapping
/// per combination of the values its items may hold.
fn evaluated_mapping<'a>(
    model: &ModuleModel<'a>,
    dict: &'a Expr,
    scope: ScopeId,
    evaluate: &Evaluate<'_, 'a>,
) -> Option<Vec<Known>> {
    let Expr::Dict(display) = dict else {
        return None;
    };
    // Literal keys, as `**` needs; items that are all literals are
    // `kwargs_dicts`' own case.
    mapping_literal(dict, model.lookup("dict", scope).is_none())?;
    let mut mappings: Vec<Vec<(String, Option<Known>)>> = vec![Vec::new()];
    for item in &display.items {
        let Some(Expr::StringLiteral(key)) = &item.key else {
            return None;
        };
        let key = key.value.to_str().to_string();
        let choices: Vec<Option<Known>> = match literal(&item.value) {
            Some(value) => vec![Some(value)],
            None => match evaluate(&item.value, scope) {
                Some(values) if !values.is_empty() => values.into_iter().map(Some).collect(),
                _ => vec![None],
            },
        };
        let mut next = Vec::new();
        for mapping in &mappings {
            for choice in &choices {
                let mut extended = mapping.clone();
                extended.push((key.clone(), choice.clone()));
                next.push(extended);
            }
        }
        if next.len() > MAX_MAPPINGS {
            return None;
        }
        mappings = next;
    }
    Some(mappings.into_iter().map(Known::Mapping).collect())
}

/// The value of `key` in a dict display.
fn item<'a>(dict: &'a Expr, key: &str) -> Option<&'a Expr> {
    let Expr::Dict(display) = dict else {
        return None;
    };
    display.items.iter().rev().find_map(|item| match &item.key {
        Some(Expr::StringLiteral(literal)) if literal.value.to_str() == key => Some(&item.value),
        _ => None,
    })
}

fn body_of<'a>(model: &ModuleModel<'a>, scope: ScopeId) -> &'a [Stmt] {
    match model.scopes[scope].kind {
        ScopeKind::Function(function) => &model.functions[function].def.body,
        _ => model.body,
    }
}
