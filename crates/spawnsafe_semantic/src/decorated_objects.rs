//! A decorator that replaces a module-level function with an instance of a
//! class keeping the original function in an attribute (`@flow` returning
//! `Flow(fn)`, `@cli_option("-b")` returning `CLIOption(f, "-b")`, `@Task`
//! used directly). The module name then holds the instance, so pickling the
//! instance pickles its `__dict__`, including the original function, which
//! pickle sends by reference to its qualified name; the lookup finds the
//! instance instead: "_pickle.PicklingError: Can't pickle <function f at
//! 0x...>: it's not the same object as __main__.f" (Lib/pickle.py
//! `save_global`, Modules/_pickle.c `save_global`). A class with
//! `__reduce__`, `__reduce_ex__` or `__getstate__` decides its own state and
//! is left alone.

use ruff_python_ast::Expr;
use ruff_text_size::Ranged;

use crate::model::{ClassId, FunctionId, ModuleModel, ScopeId, Value};

/// What a decorator turned a function into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplacingInstance {
    pub class: ClassId,
    /// The attribute of the instance that keeps the original function.
    pub attribute: String,
}

const CUSTOM_STATE: [&str; 3] = ["__reduce__", "__reduce_ex__", "__getstate__"];

impl ModuleModel<'_> {
    /// The instance the outermost decorator of a module-level function made of it,
    /// when that instance keeps the function in one of its attributes.
    pub fn replaced_by_instance(&self, function: FunctionId) -> Option<ReplacingInstance> {
        let info = &self.functions[function];
        if info.class.is_some() || info.is_local {
            return None;
        }
        // The outermost decorator runs last: its result is what the name holds.
        let decorator = info.def.decorator_list.first()?;
        let (class, position) = self.decorating_class(&decorator.expression, info.parent_scope)?;
        let class_info = &self.classes[class];
        if CUSTOM_STATE
            .iter()
            .any(|method| class_info.methods.contains_key(method))
        {
            return None;
        }
        let init = *class_info.methods.get("__init__")?;
        let init_info = &self.functions[init];
        // `position` counts the arguments after `self`.
        let parameter = init_info
            .def
            .parameters
            .posonlyargs
            .iter()
            .chain(&init_info.def.parameters.args)
            .nth(position + 1)?
            .parameter
            .name
            .as_str();
        let attribute = class_info
            .self_attributes
            .iter()
            .find(|(_, values)| {
                values.iter().any(|(value, scope)| {
                    *scope == init_info.scope
                        && matches!(value, Expr::Name(name) if name.id.as_str() == parameter)
                })
            })
            .map(|(attribute, _)| (*attribute).to_string())?;
        Some(ReplacingInstance { class, attribute })
    }

    /// The class whose instance a decorator expression returns for the
    /// decorated function, and the position of the function among the
    /// arguments of that class's construction.
    fn decorating_class(&self, decorator: &Expr, scope: ScopeId) -> Option<(ClassId, usize)> {
        match self.resolve(decorator, scope) {
            Value::Class(class) => Some((class, 0)),
            Value::Function(decorate) => self.constructs_with_parameter(decorate),
            _ => {
                // `@factory(options)`: the factory returns the real decorator.
                let Expr::Call(call) = decorator else {
                    return None;
                };
                let Value::Function(factory) = self.resolve(&call.func, scope) else {
                    return None;
                };
                let decorate = self.returned_local_function(factory)?;
                self.constructs_with_parameter(decorate)
            }
        }
    }

    /// `def decorate(f): return Cls(f, ...)` on every return: the class and
    /// where `f` is among its positional arguments.
    fn constructs_with_parameter(&self, decorate: FunctionId) -> Option<(ClassId, usize)> {
        let info = &self.functions[decorate];
        let parameter = info
            .def
            .parameters
            .posonlyargs
            .iter()
            .chain(&info.def.parameters.args)
            .next()?
            .parameter
            .name
            .as_str();
        // `def deco(_func=None, *, name=None)`: used bare, `_func` is the
        // function, so what it returns when `_func is None` does not apply.
        let when_none = crate::optional_decorator::when_none(info.def, parameter);
        let mut found = None;
        for returned in &info.returns {
            if when_none
                .iter()
                .any(|range| range.contains_range(returned.range()))
            {
                continue;
            }
            let returned = crate::optional_decorator::when_given(returned, parameter);
            let Expr::Call(call) = returned else {
                return None;
            };
            let Value::Class(class) = self.resolve(&call.func, info.scope) else {
                return None;
            };
            let position = call.arguments.args.iter().position(
                |argument| matches!(argument, Expr::Name(name) if name.id.as_str() == parameter),
            )?;
            if found.is_some_and(|seen| seen != (class, position)) {
                return None;
            }
            found = Some((class, position));
        }
        found
    }
}
