//! The values an argument of a process starter may hold (`num_workers`,
//! `workers`, `n_jobs`), when the module shows all of them: a literal, a name
//! only ever bound to such values, a parameter of a function whose every call
//! in this module passes such values, or an option of an `argparse` parser.
//!
//! An `argparse` option (`args.num_workers` from `parser.parse_args()`) is
//! read as the program runs without that option on its command line: its
//! `default=` (and `set_defaults(...)`), widened to its `choices=` when it has
//! them. The alternative, "the user may pass anything", would make every
//! option-driven `num_workers` a finding even where the script's author chose
//! `default=0` to keep the workers off (the fix PyTorch users are given on
//! Windows). Options that only flip a flag (`store_true`, `count`, ...) and
//! positional arguments stay unknown. Anything else the analysis cannot
//! follow is unknown, and an unknown value "may start".

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};

use crate::knowledge::{literal, Known};
use crate::model::{BindingKind, ModuleModel, ScopeId, ScopeKind, Value, MODULE_SCOPE};

const MAX_DEPTH: usize = 6;

/// Every value `expr` may hold, or `None` when the module does not show them all.
pub fn possible_values(model: &ModuleModel, expr: &Expr, scope: ScopeId) -> Option<Vec<Known>> {
    values(model, expr, scope, 0)
}

fn values(model: &ModuleModel, expr: &Expr, scope: ScopeId, depth: usize) -> Option<Vec<Known>> {
    if depth > MAX_DEPTH {
        return None;
    }
    let path_values = |value: &Expr, at: ScopeId| values(model, value, at, depth + 1);
    flow_insensitive(model, expr, scope, depth)
        // `kwargs["num_workers"] = 0` under `if loader == "full":`, `self.kwargs`:
        // the statements before the read, path by path.
        .or_else(|| crate::path_state::name_values(model, expr, scope, &path_values))
        .or_else(|| crate::path_state::attribute_values(model, expr, scope, &path_values))
}

fn flow_insensitive(
    model: &ModuleModel,
    expr: &Expr,
    scope: ScopeId,
    depth: usize,
) -> Option<Vec<Known>> {
    // Through configuration dicts: `config["data_params"]`, a dict display
    // whose items are not all literals, a parameter filled by `**config`.
    if let Some(found) = config_values(model, expr, scope, depth) {
        return Some(found);
    }
    // `**options`: the dicts it may be.
    if let Some(mappings) = crate::kwargs_dicts::mappings(model, expr, scope) {
        return Some(mappings);
    }
    // `TrainingArguments(dataloader_num_workers=4)`: the keywords that made it.
    if let Some(mappings) = crate::settings_objects::mappings(model, expr, scope, &|value, at| {
        values(model, value, at, depth + 1)
    }) {
        return Some(mappings);
    }
    // A `**kwargs` parameter: the dicts its callers fill it with.
    if let Some(mappings) = crate::kwargs_params::mappings(model, expr, scope, &|value, at| {
        values(model, value, at, depth + 1)
    }) {
        return Some(mappings);
    }
    let mut out = Vec::new();
    for (origin, origin_scope) in origins(model, expr, scope, depth)? {
        if let Some(value) = literal(origin) {
            out.push(value);
            continue;
        }
        match origin {
            Expr::If(if_expr) => {
                out.extend(values(model, &if_expr.body, origin_scope, depth + 1)?);
                out.extend(values(model, &if_expr.orelse, origin_scope, depth + 1)?);
            }
            Expr::Attribute(attribute) => {
                out.extend(option_values(model, attribute, origin_scope, depth + 1)?);
            }
            _ => return None,
        }
    }
    (!out.is_empty()).then_some(out)
}

/// [`crate::config_values`] for `expr`, with this module's evaluation.
fn config_values(
    model: &ModuleModel,
    expr: &Expr,
    scope: ScopeId,
    depth: usize,
) -> Option<Vec<Known>> {
    let evaluate = |value: &Expr, at: ScopeId| values(model, value, at, depth + 1);
    if let Expr::Name(name) = expr {
        if let Some((found_in, [binding])) = model.lookup(name.id.as_str(), scope) {
            if let BindingKind::Parameter(index) = binding.kind {
                return crate::config_values::parameter_values(model, found_in, index, &evaluate);
            }
        }
    }
    crate::config_values::values(model, expr, scope, &evaluate)
}

/// The expressions that make the value of `expr`: through names bound by
/// assignment and through the parameters of functions whose calls are all in
/// this module. `None` when some way the value comes cannot be followed.
fn origins<'a>(
    model: &ModuleModel<'a>,
    expr: &'a Expr,
    scope: ScopeId,
    depth: usize,
) -> Option<Vec<(&'a Expr, ScopeId)>> {
    if depth > MAX_DEPTH {
        return None;
    }
    let Expr::Name(name) = expr else {
        return Some(vec![(expr, scope)]);
    };
    let (found_in, bindings) = model.lookup(name.id.as_str(), scope)?;
    let mut out = Vec::new();
    for binding in bindings {
        match binding.kind {
            BindingKind::Assign(value) => out.extend(origins(model, value, found_in, depth + 1)?),
            BindingKind::Parameter(index) => {
                for (argument, argument_scope) in passed_for(model, found_in, index)? {
                    out.extend(origins(model, argument, argument_scope, depth + 1)?);
                }
            }
            _ => return None,
        }
    }
    (!out.is_empty()).then_some(out)
}

/// What the calls of the function whose scope is `function_scope` pass for
/// its parameter `index`, when the function is a plain function of this
/// module that is only ever called by name, with no `*args`/`**kwargs`.
fn passed_for<'a>(
    model: &ModuleModel<'a>,
    function_scope: ScopeId,
    index: usize,
) -> Option<Vec<(&'a Expr, ScopeId)>> {
    let ScopeKind::Function(function) = model.scopes[function_scope].kind else {
        return None;
    };
    let info = &model.functions[function];
    if info.class.is_some() || !info.def.decorator_list.is_empty() {
        return None;
    }
    let parameters = &info.def.parameters;
    if parameters.vararg.is_some() || parameters.kwarg.is_some() {
        return None;
    }
    let parameter = parameters.iter().nth(index)?;
    let positional = parameters.posonlyargs.len() + parameters.args.len();
    let name = info.def.name.id.as_str();
    let mut out = Vec::new();
    let mut calls = 0;
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
        if call.arguments.args.iter().any(Expr::is_starred_expr)
            || call.arguments.keywords.iter().any(|k| k.arg.is_none())
        {
            return None;
        }
        let by_position = (index < positional)
            .then(|| call.arguments.args.get(index))
            .flatten();
        let by_keyword = call
            .arguments
            .find_keyword(parameter.name().as_str())
            .map(|keyword| &keyword.value);
        match by_position.or(by_keyword) {
            Some(argument) => out.push((argument, scope)),
            None => out.push((parameter.default()?, info.parent_scope)),
        }
    }
    // Every use of the name must be one of those calls: a function passed on
    // (`Thread(target=train)`, `pool.map(train, ...)`) is called elsewhere.
    (calls > 0 && model.load_count(name) == calls).then_some(out)
}

/// The values an option of an `argparse` parser may hold: `args.workers`
/// where `args = parser.parse_args()`.
fn option_values(
    model: &ModuleModel,
    attribute: &ast::ExprAttribute,
    scope: ScopeId,
    depth: usize,
) -> Option<Vec<Known>> {
    let dest = attribute.attr.as_str();
    let mut out = Vec::new();
    for (namespace, namespace_scope) in origins(model, &attribute.value, scope, depth)? {
        let Expr::Call(parse) = namespace else {
            return None;
        };
        let Expr::Attribute(method) = parse.func.as_ref() else {
            return None;
        };
        if method.attr.as_str() != "parse_args" {
            return None;
        }
        let parsers = parser_calls(model, &method.value, namespace_scope, depth)?;
        let option = options(model, &parsers, dest, depth)?;
        // `parse_args(["--workers", "4"])`: the list names the option.
        match parse.arguments.find_argument_value("args", 0) {
            None => {}
            Some(Expr::List(list)) => {
                let names_it = list.elts.iter().any(|element| {
                    matches!(element, Expr::StringLiteral(text)
                        if option.flags.iter().any(|flag| text.value.to_str().starts_with(flag.as_str())))
                });
                if names_it {
                    return None;
                }
            }
            Some(_) => return None,
        }
        out.extend(option.values);
    }
    (!out.is_empty()).then_some(out)
}

/// The `argparse.ArgumentParser(...)` calls an expression may stand for.
fn parser_calls<'a>(
    model: &ModuleModel<'a>,
    expr: &'a Expr,
    scope: ScopeId,
    depth: usize,
) -> Option<Vec<&'a ast::ExprCall>> {
    let mut out = Vec::new();
    for (origin, origin_scope) in origins(model, expr, scope, depth + 1)? {
        let Expr::Call(call) = origin else {
            return None;
        };
        match model.resolve(&call.func, origin_scope) {
            Value::Qualified(name) if name == "argparse.ArgumentParser" => out.push(call),
            _ => return None,
        }
    }
    Some(out)
}

/// An option of a parser: the strings that name it on the command line and
/// the values it holds when none is given there.
struct OptionValues {
    flags: Vec<String>,
    values: Vec<Known>,
}

/// The option with destination `dest` of the parsers (or their argument
/// groups), and what it holds when the command line does not give it.
fn options(
    model: &ModuleModel,
    parsers: &[&ast::ExprCall],
    dest: &str,
    depth: usize,
) -> Option<OptionValues> {
    let is_parser = |expr: &Expr, scope: ScopeId| -> bool {
        let Some(origins) = origins(model, expr, scope, depth + 1) else {
            return false;
        };
        origins.iter().all(|(origin, origin_scope)| match origin {
            Expr::Call(call) if parsers.iter().any(|parser| std::ptr::eq(*parser, call)) => true,
            // `group = parser.add_argument_group(...)`
            Expr::Call(call) => match call.func.as_ref() {
                Expr::Attribute(group) => {
                    matches!(
                        group.attr.as_str(),
                        "add_argument_group" | "add_mutually_exclusive_group"
                    ) && origins_are(model, &group.value, *origin_scope, parsers, depth)
                }
                _ => false,
            },
            _ => false,
        }) && !origins.is_empty()
    };
    let mut found: Option<OptionValues> = None;
    let mut overrides = Vec::new();
    for (call, scope) in calls_in(model) {
        let Expr::Attribute(method) = call.func.as_ref() else {
            continue;
        };
        match method.attr.as_str() {
            "add_argument" => {
                let flags: Vec<String> = call
                    .arguments
                    .args
                    .iter()
                    .filter_map(|arg| match arg {
                        Expr::StringLiteral(text) => Some(text.value.to_str().to_string()),
                        _ => None,
                    })
                    .collect();
                if option_dest(call, &flags).as_deref() != Some(dest)
                    || !is_parser(&method.value, scope)
                {
                    continue;
                }
                if found.is_some() {
                    return None;
                }
                found = Some(OptionValues {
                    values: stored_values(call)?,
                    flags,
                });
            }
            "set_defaults" if is_parser(&method.value, scope) => {
                if call.arguments.keywords.iter().any(|k| k.arg.is_none()) {
                    return None;
                }
                if let Some(keyword) = call.arguments.find_keyword(dest) {
                    overrides.push(literal(&keyword.value)?);
                }
            }
            _ => {}
        }
    }
    let mut option = found?;
    if !overrides.is_empty() {
        option.values = overrides;
    }
    Some(option)
}

fn origins_are(
    model: &ModuleModel,
    expr: &Expr,
    scope: ScopeId,
    parsers: &[&ast::ExprCall],
    depth: usize,
) -> bool {
    origins(model, expr, scope, depth + 1).is_some_and(|origins| {
        !origins.is_empty()
            && origins.iter().all(|(origin, _)| {
                matches!(origin, Expr::Call(call) if parsers.iter().any(|parser| std::ptr::eq(*parser, call)))
            })
    })
}

/// argparse's `dest` for an option: `dest=`, else the first long flag
/// (`--num-workers` -> `num_workers`), else the first short one (`-j` -> `j`)
/// (Lib/argparse.py `_ActionsContainer._get_optional_kwargs`). Positional
/// arguments have none here: the command line always gives them.
fn option_dest(call: &ast::ExprCall, flags: &[String]) -> Option<String> {
    if let Some(keyword) = call.arguments.find_keyword("dest") {
        return match &keyword.value {
            Expr::StringLiteral(text) => Some(text.value.to_str().to_string()),
            _ => None,
        };
    }
    if flags.is_empty() || flags.iter().any(|flag| !flag.starts_with('-')) {
        return None;
    }
    let flag = flags
        .iter()
        .find(|flag| flag.starts_with("--"))
        .unwrap_or(&flags[0]);
    Some(flag.trim_start_matches('-').replace('-', "_"))
}

/// What a plain `store` option holds when the command line does not give it:
/// its default (converted by `type=int` when it is a string, as argparse
/// does), and any of its `choices`. `None` for other actions and for values
/// that are not literals.
fn stored_values(call: &ast::ExprCall) -> Option<Vec<Known>> {
    if let Some(action) = call.arguments.find_keyword("action") {
        match &action.value {
            Expr::StringLiteral(text) if text.value.to_str() == "store" => {}
            _ => return None,
        }
    }
    if call.arguments.find_keyword("nargs").is_some() {
        return None;
    }
    let to_int = call.arguments.find_keyword("type").is_some_and(
        |keyword| matches!(&keyword.value, Expr::Name(name) if name.id.as_str() == "int"),
    );
    let default = match call.arguments.find_keyword("default") {
        Some(keyword) => match literal(&keyword.value)? {
            Known::Str(text) if to_int => Known::Int(text.trim().parse().ok()?),
            value => value,
        },
        None => Known::None,
    };
    let mut values = vec![default];
    if let Some(choices) = call.arguments.find_keyword("choices") {
        match &choices.value {
            Expr::List(ast::ExprList { elts, .. }) | Expr::Tuple(ast::ExprTuple { elts, .. }) => {
                for element in elts {
                    values.push(literal(element)?);
                }
            }
            _ => return None,
        }
    }
    Some(values)
}

/// Every call in the module with the scope it is made in (not in lambdas).
pub(crate) fn calls_in<'a>(model: &ModuleModel<'a>) -> Vec<(&'a ast::ExprCall, ScopeId)> {
    let mut finder = CallFinder::default();
    finder.visit_body(model.body);
    let mut out: Vec<_> = finder
        .calls
        .drain(..)
        .map(|call| (call, MODULE_SCOPE))
        .collect();
    for info in &model.functions {
        finder.visit_body(&info.def.body);
        out.extend(finder.calls.drain(..).map(|call| (call, info.scope)));
    }
    for info in &model.classes {
        finder.visit_body(&info.def.body);
        out.extend(finder.calls.drain(..).map(|call| (call, info.scope)));
    }
    out
}

#[derive(Default)]
struct CallFinder<'a> {
    calls: Vec<&'a ast::ExprCall>,
}

impl<'a> Visitor<'a> for CallFinder<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            // Their bodies are their own scopes, visited on their own.
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Lambda(_) => {}
            Expr::Call(call) => {
                self.calls.push(call);
                visitor::walk_expr(self, expr);
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::{knowledge, starter};

    /// Does the `DataLoader(...)` call in `source` (the last one) start workers?
    fn loader_may_start(source: &str) -> bool {
        let parsed = ruff_python_parser::parse_module(source).unwrap();
        let model = ModuleModel::build(parsed.suite());
        let calls = calls_in(&model);
        let (call, scope) = calls
            .iter()
            .rev()
            .find(|(call, _)| matches!(call.func.as_ref(), Expr::Name(n) if n.id.as_str() == "DataLoader"))
            .unwrap();
        let loader = starter(knowledge().lookup("torch.utils.data.DataLoader").unwrap());
        loader.may_start_with(call, &|expr| possible_values(&model, expr, *scope))
    }

    #[test]
    fn argparse_default_through_a_parameter() {
        let source = r#"
import argparse
from torch.utils.data import DataLoader

def train(docs, num_workers):
    return list(DataLoader(docs, num_workers=num_workers))

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--num-workers", type=int, default=0)
    args = parser.parse_args()
    train([1, 2], args.num_workers)
"#;
        assert!(!loader_may_start(source));
        assert!(loader_may_start(&source.replace("default=0", "default=4")));
        assert!(loader_may_start(
            &source.replace("default=0", "default=0, choices=[0, 2]")
        ));
        assert!(loader_may_start(
            &source.replace("default=0", "default=os.cpu_count()")
        ));
        // `train` is also handed to something that calls it: unknown arguments.
        assert!(loader_may_start(&format!("{source}\nrun_later(train)\n")));
        // The command line given in the code names the option.
        assert!(loader_may_start(
            &source.replace("parse_args()", "parse_args(['--num-workers', '2'])")
        ));
        assert!(!loader_may_start(
            &source.replace("parse_args()", "parse_args([])")
        ));
        assert!(!loader_may_start(
            &source.replace("default=0)", "default='0')")
        ));
    }

    #[test]
    fn groups_set_defaults_and_flags() {
        let source = r#"
import argparse
from torch.utils.data import DataLoader

parser = argparse.ArgumentParser()
group = parser.add_argument_group("data")
group.add_argument("-j", "--workers", type=int, default=0)
args = parser.parse_args()
loader = DataLoader([1, 2], num_workers=args.workers)
"#;
        assert!(!loader_may_start(source));
        assert!(loader_may_start(&source.replace(
            "args = parser",
            "parser.set_defaults(workers=8)\nargs = parser"
        )));
        // An option without a literal default, and a flag, stay unknown.
        assert!(loader_may_start(&source.replace("default=0", "default=N")));
        assert!(loader_may_start(
            &source.replace("type=int, default=0", "action='count'")
        ));
    }

    #[test]
    fn names_parameters_and_conditionals() {
        assert!(!loader_may_start(
            "WORKERS = 0\nloader = DataLoader([1], num_workers=WORKERS)\n"
        ));
        assert!(loader_may_start(
            "import os\nWORKERS = 0 if os.name == 'nt' else 4\nloader = DataLoader([1], num_workers=WORKERS)\n"
        ));
        let by_parameter =
            "def make(n=0):\n    return DataLoader([1], num_workers=n)\n\nmake()\nmake(n=0)\n";
        assert!(!loader_may_start(by_parameter));
        assert!(loader_may_start(&format!("{by_parameter}make(2)\n")));
        // Never called here: another module may pass anything.
        assert!(loader_may_start(
            "def make(n=0):\n    return DataLoader([1], num_workers=n)\n"
        ));
    }
}
