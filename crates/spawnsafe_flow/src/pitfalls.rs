//! Classes whose objects pickle but do not unpickle, or do not pickle at all, because of
//! how they use the pickle protocol: a `__getattr__` that reads instance attributes, a
//! `dict`/`list` subclass whose item methods need attributes set in `__init__`,
//! `__getstate__`/`__setstate__` that disagree, `__reduce__` returning a local function
//! (the question SPS205 asks of what crosses the process boundary).

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use rustc_hash::FxHashSet;

use crate::payload::{
    class_hierarchy, method_attribute_assignments, self_parameter, visit_statements, Leaf,
};
use crate::project::Project;
use crate::semantic::{ClassId, FunctionId, ModuleModel, Value};

/// What goes wrong with a class's objects.
#[derive(Debug, Clone)]
pub enum Pitfall {
    GetattrRecursion {
        attr: String,
    },
    /// `__getattr__` indexes `self.__dict__["key"]`: a `KeyError`, which the
    /// unpickler's `__setstate__` lookup does not swallow.
    GetattrDictKey {
        key: String,
    },
    ItemsBeforeState {
        base: &'static str,
        method: &'static str,
        attr: String,
    },
    GetstateReturnsNothing {
        attr: String,
    },
    TupleStateIndexedByString {
        key: String,
    },
    StateMissingKey {
        key: String,
    },
    ReduceLocal {
        qualname: String,
    },
    /// A `set`/`frozenset` subclass pickles as `(cls, (list(self),), state)`
    /// (`set.__reduce__`), so unpickling calls `cls(items)`: an `__init__`
    /// that does not take exactly the items fails with this error.
    SetInitArguments {
        base: &'static str,
        error: String,
    },
}

/// A pitfall and the method that has it.
#[derive(Debug, Clone)]
pub struct ClassPitfall {
    pub pitfall: Pitfall,
    pub module: usize,
    pub method: FunctionId,
}

/// The project class a leaf instantiates (`Settings(...)`), if any.
pub fn instance_class(project: &Project, leaf: &Leaf) -> Option<(usize, ClassId)> {
    let Expr::Call(call) = leaf.expr else {
        return None;
    };
    let class = match project.models[leaf.module].resolve(&call.func, leaf.scope) {
        Value::Class(class) => (leaf.module, class),
        Value::Qualified(name) => project.resolve_class(leaf.module, &name)?,
        _ => return None,
    };
    // A `Process` object is SPS203's.
    (!project.is_process_class(class.0, class.1)).then_some(class)
}

/// How a class's bases look to pickle: every class in the hierarchy derives
/// only from project classes and these builtins.
fn builtin_bases(project: &Project, module: usize, class: ClassId) -> Option<Vec<&'static str>> {
    let mut builtins = Vec::new();
    for (m, c) in class_hierarchy(project, module, class) {
        let model = &project.models[m];
        let info = &model.classes[c];
        let Some(arguments) = &info.def.arguments else {
            continue;
        };
        if !arguments.keywords.is_empty() {
            // A metaclass may change anything.
            return None;
        }
        for base in arguments.args.iter() {
            let builtin = match base {
                Expr::Name(name) if model.lookup(name.id.as_str(), info.parent_scope).is_none() => {
                    match name.id.as_str() {
                        "object" => "object",
                        "dict" => "dict",
                        "list" => "list",
                        "set" => "set",
                        "frozenset" => "frozenset",
                        _ => return None,
                    }
                }
                _ => match model.resolve(base, info.parent_scope) {
                    Value::Class(_) => continue,
                    Value::Qualified(name) => {
                        if project.resolve_class(m, &name).is_some() {
                            continue;
                        }
                        if name == "collections.OrderedDict" {
                            "dict"
                        } else {
                            return None;
                        }
                    }
                    _ => return None,
                },
            };
            builtins.push(builtin);
        }
    }
    Some(builtins)
}

pub fn class_pitfall(project: &Project, module: usize, class: ClassId) -> Option<ClassPitfall> {
    let builtins = builtin_bases(project, module, class)?;
    let method = |name: &str| project.find_method_of(module, class, name);
    // A `__reduce__` decides everything; only its reconstructor can go wrong here.
    for name in ["__reduce_ex__", "__reduce__"] {
        if let Some((m, f)) = method(name) {
            return reduce_local(project, m, f).map(|qualname| ClassPitfall {
                pitfall: Pitfall::ReduceLocal { qualname },
                module: m,
                method: f,
            });
        }
    }
    let getstate = method("__getstate__");
    let setstate = method("__setstate__");
    // A `__new__` runs when unpickling too, and may set what the methods read.
    let custom_new = method("__new__").is_some();
    if let Some((m, f)) = method("__getattr__") {
        if setstate.is_none() && method("__getattribute__").is_none() && !custom_new {
            if let Some(attr) = unguarded_self_read(project, module, class, m, f) {
                return Some(ClassPitfall {
                    pitfall: Pitfall::GetattrRecursion { attr },
                    module: m,
                    method: f,
                });
            }
            if let Some(key) = unguarded_dict_key(project, m, f) {
                return Some(ClassPitfall {
                    pitfall: Pitfall::GetattrDictKey { key },
                    module: m,
                    method: f,
                });
            }
        }
    }
    for (base, item_method) in [("dict", "__setitem__"), ("list", "extend")] {
        if !builtins.contains(&base) || custom_new {
            continue;
        }
        if let Some((m, f)) = method(item_method) {
            if let Some(attr) = instance_attribute_read(project, module, class, m, f) {
                return Some(ClassPitfall {
                    pitfall: Pitfall::ItemsBeforeState {
                        base,
                        method: item_method,
                        attr,
                    },
                    module: m,
                    method: f,
                });
            }
        }
    }
    if let Some(found) =
        crate::pitfalls_set::set_init_pitfall(project, &builtins, &method, custom_new)
    {
        return Some(found);
    }
    let (gm, g) = getstate?;
    let state = getstate_shape(project, gm, g)?;
    if let StateShape::Nothing = state {
        let attr = first_instance_attribute(project, module, class)?;
        return Some(ClassPitfall {
            pitfall: Pitfall::GetstateReturnsNothing { attr },
            module: gm,
            method: g,
        });
    }
    let (sm, s) = setstate?;
    let keys = string_keys_read(project, sm, s)?;
    let key = match &state {
        StateShape::Tuple => keys
            .first()
            .map(|key| Pitfall::TupleStateIndexedByString { key: key.clone() }),
        StateShape::DictWith(present) => keys
            .iter()
            .find(|key| !present.contains(key))
            .map(|key| Pitfall::StateMissingKey { key: key.clone() }),
        StateShape::DictWithout(dropped) => keys
            .iter()
            .find(|key| dropped.contains(key))
            .map(|key| Pitfall::StateMissingKey { key: key.clone() }),
        StateShape::Nothing => None,
    }?;
    // The `__setstate__` line is the one that fails.
    Some(ClassPitfall {
        pitfall: key,
        module: sm,
        method: s,
    })
}

/// The nested function or lambda a `__reduce__` returns as its reconstructor.
fn reduce_local(project: &Project, module: usize, function: FunctionId) -> Option<String> {
    let model = &project.models[module];
    let info = &model.functions[function];
    info.returns.iter().find_map(|value| {
        let Expr::Tuple(tuple) = value else {
            return None;
        };
        let first = tuple.elts.first()?;
        match model.resolve(first, info.scope) {
            Value::Lambda => Some(format!("{}.<locals>.<lambda>", info.qualname)),
            Value::Function(inner) if model.functions[inner].is_local => {
                Some(model.functions[inner].qualname.clone())
            }
            _ => None,
        }
    })
}

/// Names defined on the class (or its project bases): attribute lookups find
/// them on the type, without `__getattr__`.
fn class_level_names(project: &Project, module: usize, class: ClassId) -> FxHashSet<String> {
    let mut names = FxHashSet::default();
    for (m, c) in class_hierarchy(project, module, class) {
        let model = &project.models[m];
        let scope = model.classes[c].scope;
        names.extend(
            model.scopes[scope]
                .bindings
                .keys()
                .map(|name| name.to_string()),
        );
    }
    names
}

/// The instance attributes the class's methods assign (`self.x = ...`).
fn instance_attributes(project: &Project, module: usize, class: ClassId) -> Vec<String> {
    let mut found = Vec::new();
    for (m, c) in class_hierarchy(project, module, class) {
        let info = &project.models[m].classes[c];
        let mut methods: Vec<FunctionId> = info.methods.values().copied().collect();
        methods.sort_unstable();
        for method in methods {
            for assignment in method_attribute_assignments(project, m, method) {
                if let Expr::Attribute(attribute) = assignment.target {
                    let name = attribute.attr.to_string();
                    if !found.contains(&name) {
                        found.push(name);
                    }
                }
            }
        }
    }
    found
}

fn first_instance_attribute(project: &Project, module: usize, class: ClassId) -> Option<String> {
    // Prefer what `__init__` sets.
    if let Some((m, init)) = project.find_method_of(module, class, "__init__") {
        for assignment in method_attribute_assignments(project, m, init) {
            if let Expr::Attribute(attribute) = assignment.target {
                return Some(attribute.attr.to_string());
            }
        }
    }
    instance_attributes(project, module, class)
        .into_iter()
        .next()
}

/// `self.<attr>` reads in statements or an expression of a method (not in
/// nested functions or lambdas) of attributes that only instances have, in
/// source order, with `getattr(self, "attr")` counted too.
fn instance_reads<'a>(
    project: &Project,
    module: usize,
    class: ClassId,
    method_module: usize,
    method: FunctionId,
    body: &'a [Stmt],
    expr: Option<&'a Expr>,
) -> Vec<(&'a Expr, String)> {
    let Some(receiver) = self_parameter(project, method_module, method) else {
        return Vec::new();
    };
    let instance = instance_attributes(project, module, class);
    let class_level = class_level_names(project, module, class);
    let mut finder = SelfReads {
        receiver,
        reads: Vec::new(),
    };
    for stmt in body {
        finder.visit_stmt(stmt);
    }
    if let Some(expr) = expr {
        finder.visit_expr(expr);
    }
    finder
        .reads
        .into_iter()
        .filter(|(_, attr)| instance.contains(attr) && !class_level.contains(attr))
        .collect()
}

struct SelfReads<'a, 'r> {
    receiver: &'r str,
    reads: Vec<(&'a Expr, String)>,
}

impl<'a> Visitor<'a> for SelfReads<'a, '_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Lambda(_) => {}
            Expr::Attribute(attribute)
                if attribute.ctx == ast::ExprContext::Load
                    && matches!(attribute.value.as_ref(), Expr::Name(n) if n.id.as_str() == self.receiver) =>
            {
                self.reads.push((expr, attribute.attr.to_string()));
            }
            Expr::Call(call) => {
                // `getattr(self, "attr")` looks the attribute up the same way.
                if let (Expr::Name(function), [Expr::Name(object), Expr::StringLiteral(name), ..]) =
                    (call.func.as_ref(), &call.arguments.args[..])
                {
                    if function.id.as_str() == "getattr" && object.id.as_str() == self.receiver {
                        self.reads.push((expr, name.value.to_str().to_string()));
                    }
                }
                visitor::walk_expr(self, expr);
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

/// Does an expression mention a name?
fn mentions(expr: &Expr, name: &str) -> bool {
    struct Finder<'n> {
        name: &'n str,
        found: bool,
    }
    impl<'b> Visitor<'b> for Finder<'_> {
        fn visit_expr(&mut self, expr: &'b Expr) {
            if matches!(expr, Expr::Name(n) if n.id.as_str() == self.name) {
                self.found = true;
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut finder = Finder { name, found: false };
    finder.visit_expr(expr);
    finder.found
}

/// The first instance attribute a `__getattr__` reads before any test of the
/// requested name (`if name.startswith("__"): raise AttributeError(name)`).
fn unguarded_self_read(
    project: &Project,
    module: usize,
    class: ClassId,
    method_module: usize,
    method: FunctionId,
) -> Option<String> {
    let info = &project.models[method_module].functions[method];
    let name_parameter = info.def.parameters.iter().nth(1)?.name().as_str();
    for stmt in &info.def.body {
        let reads = instance_reads(
            project,
            module,
            class,
            method_module,
            method,
            std::slice::from_ref(stmt),
            None,
        );
        if let Stmt::If(if_stmt) = stmt {
            let test_reads = instance_reads(
                project,
                module,
                class,
                method_module,
                method,
                &[],
                Some(&if_stmt.test),
            );
            if mentions(&if_stmt.test, name_parameter) && test_reads.is_empty() {
                // A guard on the name comes first: assume it refuses dunders.
                return None;
            }
        }
        if let Some((_, attr)) = reads.into_iter().next() {
            return Some(attr);
        }
        if let Some(attr) = property_read(project, module, class, method_module, method, stmt) {
            return Some(attr);
        }
    }
    None
}

/// `self.__dict__["key"]` read by `__getattr__` before anything tests the
/// name: on the half-built object the dict is empty and the lookup raises
/// `KeyError` (Modules/_pickle.c `load_build` asks for `__setstate__` with
/// `_PyObject_LookupAttr`, which only swallows `AttributeError`).
fn unguarded_dict_key(
    project: &Project,
    method_module: usize,
    method: FunctionId,
) -> Option<String> {
    struct DictKeys<'r> {
        receiver: &'r str,
        keys: Vec<String>,
    }
    impl<'a> Visitor<'a> for DictKeys<'_> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            match stmt {
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) | Stmt::Try(_) => {}
                _ => visitor::walk_stmt(self, stmt),
            }
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Subscript(subscript) = expr {
                if let (Expr::Attribute(attribute), Expr::StringLiteral(key)) =
                    (subscript.value.as_ref(), subscript.slice.as_ref())
                {
                    if subscript.ctx == ast::ExprContext::Load
                        && attribute.attr.as_str() == "__dict__"
                        && matches!(attribute.value.as_ref(), Expr::Name(n) if n.id.as_str() == self.receiver)
                    {
                        self.keys.push(key.value.to_str().to_string());
                    }
                }
            }
            if !matches!(expr, Expr::Lambda(_)) {
                visitor::walk_expr(self, expr);
            }
        }
    }
    let receiver = self_parameter(project, method_module, method)?;
    let info = &project.models[method_module].functions[method];
    let name_parameter = info.def.parameters.iter().nth(1)?.name().as_str();
    for stmt in &info.def.body {
        let mut finder = DictKeys {
            receiver,
            keys: Vec::new(),
        };
        if let Stmt::If(if_stmt) = stmt {
            // A guard on the name that comes first: assume it refuses dunders.
            finder.visit_expr(&if_stmt.test);
            if finder.keys.is_empty() && mentions(&if_stmt.test, name_parameter) {
                return None;
            }
        }
        finder.visit_stmt(stmt);
        if let Some(key) = finder.keys.into_iter().next() {
            return Some(key);
        }
    }
    None
}

/// An instance attribute read through a property the statement reads
/// (`getattr(self.path, name)` where the `path` property reads
/// `self._root`): the property runs on the half-built object too.
fn property_read(
    project: &Project,
    module: usize,
    class: ClassId,
    method_module: usize,
    method: FunctionId,
    stmt: &Stmt,
) -> Option<String> {
    let receiver = self_parameter(project, method_module, method)?;
    let mut finder = SelfReads {
        receiver,
        reads: Vec::new(),
    };
    finder.visit_stmt(stmt);
    for (_, attr) in finder.reads {
        let Some((pm, pf)) = project.find_method_of(module, class, &attr) else {
            continue;
        };
        let property = &project.models[pm].functions[pf];
        let is_property = property.def.decorator_list.iter().any(|decorator| {
            matches!(&decorator.expression, Expr::Name(name) if name.id.as_str() == "property")
        });
        if !is_property {
            continue;
        }
        let reads = instance_reads(project, module, class, pm, pf, &property.def.body, None);
        if let Some((_, inner)) = reads.into_iter().next() {
            return Some(inner);
        }
    }
    None
}

/// The first instance attribute a method reads, unless the method guards
/// against its absence (`hasattr`, `getattr` with a default, `except AttributeError`).
fn instance_attribute_read(
    project: &Project,
    module: usize,
    class: ClassId,
    method_module: usize,
    method: FunctionId,
) -> Option<String> {
    let info = &project.models[method_module].functions[method];
    let mut guarded = false;
    visit_statements(&info.def.body, &mut |stmt| {
        if let Stmt::Try(try_stmt) = stmt {
            guarded |= try_stmt.handlers.iter().any(|handler| {
                let ast::ExceptHandler::ExceptHandler(handler) = handler;
                handler.type_.as_deref().is_none_or(|type_| {
                    mentions(type_, "AttributeError") || mentions(type_, "Exception")
                })
            });
        }
    });
    let mut calls = CallNames::default();
    for stmt in &info.def.body {
        calls.visit_stmt(stmt);
    }
    if guarded || calls.names.contains("hasattr") || calls.getattr_default {
        return None;
    }
    instance_reads(
        project,
        module,
        class,
        method_module,
        method,
        &info.def.body,
        None,
    )
    .into_iter()
    .next()
    .map(|(_, attr)| attr)
}

#[derive(Default)]
struct CallNames {
    names: FxHashSet<String>,
    getattr_default: bool,
}

impl<'a> Visitor<'a> for CallNames {
    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Call(call) = expr {
            if let Expr::Name(name) = call.func.as_ref() {
                self.names.insert(name.id.to_string());
                if name.id.as_str() == "getattr" && call.arguments.args.len() >= 3 {
                    self.getattr_default = true;
                }
            }
        }
        visitor::walk_expr(self, expr);
    }
}

/// What a `__getstate__` returns.
enum StateShape {
    /// Nothing (`None`): pickle then skips `__setstate__`.
    Nothing,
    Tuple,
    /// A dict literal with these string keys.
    DictWith(Vec<String>),
    /// A copy of `self.__dict__` without these keys.
    DictWithout(Vec<String>),
}

fn getstate_shape(project: &Project, module: usize, function: FunctionId) -> Option<StateShape> {
    let model = &project.models[module];
    let info = &model.functions[function];
    let returns: Vec<&Expr> = info
        .returns
        .iter()
        .copied()
        .filter(|value| !matches!(value, Expr::NoneLiteral(_)))
        .collect();
    if returns.is_empty() {
        // Raising (to forbid pickling) or an empty body is deliberate.
        let mut raises = false;
        visit_statements(&info.def.body, &mut |stmt| {
            raises |= matches!(stmt, Stmt::Raise(_))
        });
        let trivial = info.def.body.iter().all(|stmt| match stmt {
            Stmt::Pass(_) => true,
            Stmt::Expr(expr) => matches!(
                expr.value.as_ref(),
                Expr::StringLiteral(_) | Expr::EllipsisLiteral(_)
            ),
            _ => false,
        });
        if raises || trivial || crate::payload::is_generator_function(info.def) {
            return None;
        }
        return Some(StateShape::Nothing);
    }
    if returns.iter().all(|value| matches!(value, Expr::Tuple(_))) {
        return Some(StateShape::Tuple);
    }
    if let [Expr::Dict(dict)] = returns.as_slice() {
        let mut keys = Vec::new();
        for item in &dict.items {
            keys.push(
                item.key
                    .as_ref()
                    .and_then(crate::semantic::string_literal)?
                    .to_string(),
            );
        }
        return Some(StateShape::DictWith(keys));
    }
    // `state = self.__dict__.copy(); del state["k"]; return state`
    if let [Expr::Name(name)] = returns.as_slice() {
        let receiver = self_parameter(project, module, function)?;
        let (found, bindings) = model.lookup(name.id.as_str(), info.scope)?;
        if found != info.scope {
            return None;
        }
        let [binding] = bindings
            .iter()
            .filter(|binding| !matches!(binding.kind, crate::semantic::BindingKind::Appended(_)))
            .collect::<Vec<_>>()[..]
        else {
            return None;
        };
        let crate::semantic::BindingKind::Assign(value) = binding.kind else {
            return None;
        };
        if !is_dict_copy(value, receiver) {
            return None;
        }
        let mut dropped = Vec::new();
        let mut other_writes = false;
        visit_statements(&info.def.body, &mut |stmt| match stmt {
            Stmt::Delete(delete) => {
                for target in &delete.targets {
                    if let Some(key) = subscript_key(target, name.id.as_str()) {
                        dropped.push(key);
                    }
                }
            }
            Stmt::Assign(assign)
                if assign
                    .targets
                    .iter()
                    .any(|target| subscript_key(target, name.id.as_str()).is_some()) =>
            {
                other_writes = true;
            }
            Stmt::Expr(expr) => {
                if let Expr::Call(call) = expr.value.as_ref() {
                    if let Expr::Attribute(attribute) = call.func.as_ref() {
                        let on_state =
                            matches!(attribute.value.as_ref(), Expr::Name(n) if n.id == name.id);
                        if on_state && attribute.attr.as_str() == "pop" {
                            if let Some(key) = call
                                .arguments
                                .args
                                .first()
                                .and_then(crate::semantic::string_literal)
                            {
                                dropped.push(key.to_string());
                            }
                        } else if on_state {
                            other_writes = true;
                        }
                    }
                }
            }
            _ => {}
        });
        if other_writes || dropped.is_empty() {
            return None;
        }
        return Some(StateShape::DictWithout(dropped));
    }
    None
}

/// `self.__dict__.copy()`, `dict(self.__dict__)`, `vars(self).copy()`.
fn is_dict_copy(value: &Expr, receiver: &str) -> bool {
    let is_instance_dict = |expr: &Expr| match expr {
        Expr::Attribute(attribute) => {
            attribute.attr.as_str() == "__dict__"
                && matches!(attribute.value.as_ref(), Expr::Name(n) if n.id.as_str() == receiver)
        }
        Expr::Call(call) => {
            matches!(call.func.as_ref(), Expr::Name(n) if n.id.as_str() == "vars")
                && matches!(call.arguments.args.first(), Some(Expr::Name(n)) if n.id.as_str() == receiver)
        }
        _ => false,
    };
    let Expr::Call(call) = value else {
        return false;
    };
    match call.func.as_ref() {
        Expr::Attribute(attribute) if attribute.attr.as_str() == "copy" => {
            is_instance_dict(&attribute.value)
        }
        Expr::Name(name) if name.id.as_str() == "dict" => {
            call.arguments.args.len() == 1 && is_instance_dict(&call.arguments.args[0])
        }
        _ => false,
    }
}

/// `NAME["key"]` → `key`.
fn subscript_key(expr: &Expr, name: &str) -> Option<String> {
    let Expr::Subscript(subscript) = expr else {
        return None;
    };
    if !matches!(subscript.value.as_ref(), Expr::Name(n) if n.id.as_str() == name) {
        return None;
    }
    crate::semantic::string_literal(&subscript.slice).map(str::to_string)
}

/// The string keys a `__setstate__` reads from its state with `state["key"]`
/// (the state parameter never rebound), in source order.
fn string_keys_read(project: &Project, module: usize, function: FunctionId) -> Option<Vec<String>> {
    let model: &ModuleModel = &project.models[module];
    let info = &model.functions[function];
    let state = info.def.parameters.iter().nth(1)?.name().as_str();
    let (found, bindings) = model.lookup(state, info.scope)?;
    if found != info.scope || bindings.len() != 1 {
        return None;
    }
    // A `__setstate__` that checks what it got (`isinstance(state, dict)`,
    // `"key" in state`) handles more than one shape.
    let mut checks = false;
    visit_statements(&info.def.body, &mut |stmt| {
        let test = match stmt {
            Stmt::If(if_stmt) => Some(&*if_stmt.test),
            Stmt::While(while_stmt) => Some(&*while_stmt.test),
            Stmt::Assert(assert) => Some(&*assert.test),
            _ => None,
        };
        if let Some(test) = test {
            checks |= mentions(test, state);
        }
    });
    if checks {
        return None;
    }
    struct Reads<'n> {
        state: &'n str,
        keys: Vec<String>,
    }
    impl<'b> Visitor<'b> for Reads<'_> {
        fn visit_stmt(&mut self, stmt: &'b Stmt) {
            match stmt {
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
                _ => visitor::walk_stmt(self, stmt),
            }
        }
        fn visit_expr(&mut self, expr: &'b Expr) {
            if let Expr::Subscript(subscript) = expr {
                if subscript.ctx == ast::ExprContext::Load {
                    if let Some(key) = subscript_key(expr, self.state) {
                        self.keys.push(key);
                    }
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut reads = Reads {
        state,
        keys: Vec::new(),
    };
    for stmt in &info.def.body {
        reads.visit_stmt(stmt);
    }
    (!reads.keys.is_empty()).then_some(reads.keys)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_project::with_project;

    /// The pitfall of the first class in a one-module program, if any.
    fn pitfall(source: &str) -> Option<Pitfall> {
        with_project(&[("main", source)], |project| {
            class_pitfall(project, 0, ClassId::new(0)).map(|found| found.pitfall)
        })
    }

    #[test]
    fn getattr_reading_instance_state_recurses() {
        let source = "
class Config:
    def __init__(self, values):
        self.values = values

    def __getattr__(self, name):
        return self.values[name]
";
        assert!(
            matches!(pitfall(source), Some(Pitfall::GetattrRecursion { attr }) if attr == "values")
        );
    }

    #[test]
    fn dict_subclass_items_restored_before_attributes() {
        let source = "
class Registry(dict):
    def __init__(self, prefix):
        super().__init__()
        self.prefix = prefix

    def __setitem__(self, key, value):
        super().__setitem__(self.prefix + key, value)
";
        assert!(matches!(
            pitfall(source),
            Some(Pitfall::ItemsBeforeState { base: "dict", attr, .. }) if attr == "prefix"
        ));
    }

    #[test]
    fn plain_classes_have_none() {
        let source = "
class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __getattr__(self, name):
        raise AttributeError(name)
";
        assert!(pitfall(source).is_none());
    }
}
