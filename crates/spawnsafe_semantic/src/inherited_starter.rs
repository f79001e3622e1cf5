//! A class of the module that subclasses a knowledge-base object which starts
//! processes later (`class FastLoader(DataLoader)`, iterated like its base):
//! an instance is the base's object, with the conditions judged on what the
//! subclass passes on to the base's `__init__` (through `super().__init__(...)`
//! or `Base.__init__(self, ...)`, its own parameters and `**kwargs`). A
//! subclass that replaces the method that starts the workers (`__iter__` of a
//! `DataLoader`) is not the base's object any more: unknown.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};

use crate::api::Api;
use crate::argvalues::possible_values;
use crate::knowledge::{passed_in, starter, Passed, StarterId, Trigger};
use crate::model::{BindingKind, ClassId, FunctionId, ModuleModel, ScopeId, Value};

const MAX_BASE_DEPTH: usize = 4;

impl ModuleModel<'_> {
    /// The knowledge-base object an instance made by `call` of `class` is,
    /// when the class inherits a lazy starter.
    pub fn inherited_starter_object(
        &self,
        class: ClassId,
        call: &ast::ExprCall,
        scope: ScopeId,
    ) -> Option<Value> {
        let mut chain = Vec::new();
        let id = self.lazy_starter_base(class, &mut chain, 0)?;
        let known = starter(id);
        let replaced: Vec<&str> = match known.starts {
            Trigger::Iteration => vec!["__iter__"],
            Trigger::Enter => vec!["__enter__"],
            Trigger::Methods => known.methods.iter().map(String::as_str).collect(),
            // The library's code that iterates it reads its settings, not its methods.
            Trigger::Handed => Vec::new(),
            Trigger::Call | Trigger::DecoratedCall => return None,
        };
        if chain.iter().any(|&class| {
            replaced
                .iter()
                .any(|method| self.classes[class].methods.contains_key(*method))
        }) {
            return None;
        }
        // The `__init__`s between the call and the base; with more than one,
        // what reaches the base is not followed.
        let inits: Vec<FunctionId> = chain
            .iter()
            .filter_map(|&class| self.classes[class].methods.get("__init__").copied())
            .collect();
        let passed = |name: &str, position: Option<usize>| -> Passed {
            match inits.as_slice() {
                [] => passed_in(call, name, position, &|expr| {
                    possible_values(self, expr, scope)
                }),
                [init] => self.passed_through(*init, call, scope, name, position),
                _ => Passed::Unknown,
            }
        };
        Some(Value::LibraryObject {
            starter: id,
            may_start: known.may_start_passed(&passed),
            method: known.pinned_method_passed(&passed),
        })
    }

    /// The lazy knowledge-base starter `class` inherits, with the project
    /// classes from `class` up to it in `chain`.
    fn lazy_starter_base(
        &self,
        class: ClassId,
        chain: &mut Vec<ClassId>,
        depth: usize,
    ) -> Option<StarterId> {
        if depth > MAX_BASE_DEPTH || chain.contains(&class) {
            return None;
        }
        chain.push(class);
        let info = &self.classes[class];
        for base in info.def.bases() {
            match self.resolve(base, info.parent_scope) {
                Value::Class(base) => {
                    if let Some(id) = self.lazy_starter_base(base, chain, depth + 1) {
                        return Some(id);
                    }
                }
                value => {
                    if let Some(Api::Library(id)) = value.api() {
                        let known = starter(id);
                        if known.starts != Trigger::Call && known.reimports_main {
                            return Some(id);
                        }
                    }
                }
            }
        }
        chain.pop();
        None
    }

    /// What reaches the base's parameter `name` when `call` runs the subclass's
    /// `init`, which passes its arguments on to the base's `__init__`.
    fn passed_through(
        &self,
        init: FunctionId,
        call: &ast::ExprCall,
        scope: ScopeId,
        name: &str,
        position: Option<usize>,
    ) -> Passed {
        let info = &self.functions[init];
        let Some((base_call, shift)) = base_init_call(info.def) else {
            return Passed::Unknown;
        };
        if forwards_everything(info.def, base_call, shift) {
            return passed_in(call, name, position, &|expr| {
                possible_values(self, expr, scope)
            });
        }
        let position_in = position.map(|position| position + shift);
        let Some(argument) = base_call
            .arguments
            .find_argument_value(name, position_in.unwrap_or(usize::MAX))
        else {
            if position_in.is_some() && base_call.arguments.args.iter().any(Expr::is_starred_expr) {
                return Passed::Unknown;
            }
            let parameters = &info.def.parameters;
            let forwards_kwargs = base_call.arguments.keywords.iter().any(|keyword| {
                keyword.arg.is_none()
                    && matches!((&keyword.value, &parameters.kwarg),
                        (Expr::Name(used), Some(kwarg)) if used.id.as_str() == kwarg.name.as_str())
            });
            if base_call.arguments.keywords.iter().any(|k| k.arg.is_none()) && !forwards_kwargs {
                return Passed::Unknown;
            }
            if !forwards_kwargs {
                return Passed::Absent;
            }
            // `**kwargs` holds the call's keywords that name none of `init`'s parameters.
            if parameters
                .iter()
                .any(|parameter| parameter.name().as_str() == name)
            {
                return Passed::Absent;
            }
            return match call.arguments.find_keyword(name) {
                Some(keyword) => values_of(self, &keyword.value, scope),
                None if call.arguments.keywords.iter().any(|k| k.arg.is_none()) => Passed::Unknown,
                None => Passed::Absent,
            };
        };
        // One of `init`'s own parameters, passed on unchanged.
        if let Expr::Name(used) = argument {
            if let Some((found_in, [binding])) = self.lookup(used.id.as_str(), info.scope) {
                if found_in == info.scope {
                    if let BindingKind::Parameter(index) = binding.kind {
                        return self.parameter_value(init, index, call, scope);
                    }
                }
            }
        }
        values_of(self, argument, info.scope)
    }

    /// What `call` (of the class) gives `init`'s parameter at `index` (`self` is 0).
    fn parameter_value(
        &self,
        init: FunctionId,
        index: usize,
        call: &ast::ExprCall,
        scope: ScopeId,
    ) -> Passed {
        let info = &self.functions[init];
        let parameters = &info.def.parameters;
        let Some(parameter) = parameters.iter().nth(index) else {
            return Passed::Unknown;
        };
        let positional = parameters.posonlyargs.len() + parameters.args.len();
        let position = (index >= 1 && index < positional).then(|| index - 1);
        match call
            .arguments
            .find_argument_value(parameter.name().as_str(), position.unwrap_or(usize::MAX))
        {
            Some(argument) => values_of(self, argument, scope),
            None if call.arguments.keywords.iter().any(|k| k.arg.is_none())
                || call.arguments.args.iter().any(Expr::is_starred_expr) =>
            {
                Passed::Unknown
            }
            None => match parameter.default() {
                Some(default) => values_of(self, default, info.parent_scope),
                None => Passed::Unknown,
            },
        }
    }
}

fn values_of(model: &ModuleModel, expr: &Expr, scope: ScopeId) -> Passed {
    match possible_values(model, expr, scope) {
        Some(values) if !values.is_empty() => Passed::Values(values),
        _ => Passed::Given,
    }
}

/// The one call in `init` that runs the base's `__init__`: `super().__init__(...)`
/// (shift 0) or `Base.__init__(self, ...)` (shift 1, for `self`).
fn base_init_call(init: &ast::StmtFunctionDef) -> Option<(&ast::ExprCall, usize)> {
    struct Finder<'a> {
        found: Vec<(&'a ast::ExprCall, usize)>,
    }
    impl<'a> Visitor<'a> for Finder<'a> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if !matches!(stmt, Stmt::FunctionDef(_) | Stmt::ClassDef(_)) {
                visitor::walk_stmt(self, stmt);
            }
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Call(call) = expr {
                if let Expr::Attribute(attribute) = call.func.as_ref() {
                    if attribute.attr.as_str() == "__init__" {
                        match attribute.value.as_ref() {
                            Expr::Call(inner) if matches!(inner.func.as_ref(), Expr::Name(name) if name.id.as_str() == "super") =>
                            {
                                self.found.push((call, 0));
                            }
                            Expr::Name(_) | Expr::Attribute(_) => self.found.push((call, 1)),
                            _ => {}
                        }
                    }
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut finder = Finder { found: Vec::new() };
    finder.visit_body(&init.body);
    match finder.found.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// `def __init__(self, *args, **kwargs): super().__init__(*args, **kwargs)`:
/// the base gets the call's arguments as they are.
fn forwards_everything(
    init: &ast::StmtFunctionDef,
    base_call: &ast::ExprCall,
    shift: usize,
) -> bool {
    let parameters = &init.parameters;
    let (Some(vararg), Some(kwarg)) = (&parameters.vararg, &parameters.kwarg) else {
        return false;
    };
    if parameters.posonlyargs.len() + parameters.args.len() != 1
        || !parameters.kwonlyargs.is_empty()
    {
        return false;
    }
    let arguments = &base_call.arguments;
    let is = |expr: &Expr, name: &str| matches!(expr, Expr::Name(used) if used.id.as_str() == name);
    arguments.args.len() == shift + 1
        && matches!(&arguments.args[shift], Expr::Starred(starred) if is(&starred.value, vararg.name.as_str()))
        && matches!(arguments.keywords.as_ref(), [keyword] if keyword.arg.is_none() && is(&keyword.value, kwarg.name.as_str()))
}
