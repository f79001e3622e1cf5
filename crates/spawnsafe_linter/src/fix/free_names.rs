//! Free-name analysis for the hoisting fixes: which names a `def`, `class` or
//! `lambda` reads from outside itself, and when (while it is being defined,
//! or only when it is called), following Python's scoping rules: function,
//! lambda, class and (3.11) comprehension scopes, `global`/`nonlocal`
//! declarations, walrus targets of comprehensions, imports, `except` and
//! `match` captures.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, ExprContext, Pattern, Stmt};
use ruff_text_size::TextRange;
use rustc_hash::FxHashSet;

/// How a free name is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FreeKind {
    /// Read from an enclosing scope (or the module, or the builtins).
    Read,
    /// Declared `global`: it is the module's name, wherever the code lives.
    Global,
    /// Declared `nonlocal`: it is an enclosing function's variable.
    Nonlocal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreeName<'a> {
    pub name: &'a str,
    pub range: TextRange,
    /// Read while the definition runs (decorators, defaults, annotations,
    /// base classes, a class body), not only when it is called.
    pub at_definition: bool,
    pub kind: FreeKind,
}

#[derive(Debug, Default)]
pub struct FreeNames<'a> {
    pub names: Vec<FreeName<'a>>,
    /// `super` or `__class__` read outside a class of the definition: it
    /// depends on the class the code is written in.
    pub needs_class_cell: bool,
    /// Syntax the analysis does not model (type parameters, a `global` in a class body).
    pub unsupported: bool,
}

impl<'a> FreeNames<'a> {
    /// Each name once (the first use), keeping the strongest facts: read at
    /// definition time if any use is.
    pub fn unique(&self) -> Vec<FreeName<'a>> {
        let mut unique: Vec<FreeName<'a>> = Vec::new();
        for free in &self.names {
            match unique
                .iter_mut()
                .find(|seen| seen.name == free.name && seen.kind == free.kind)
            {
                Some(seen) => seen.at_definition |= free.at_definition,
                None => unique.push(free.clone()),
            }
        }
        unique
    }
}

/// The names one scope binds and reads.
#[derive(Default)]
struct ScopeCollector<'a> {
    reads: Vec<(&'a str, TextRange)>,
    stores: FxHashSet<&'a str>,
    globals: FxHashSet<&'a str>,
    nonlocals: Vec<(&'a str, TextRange)>,
    /// Free names of nested scopes, not yet resolved against this one.
    nested: Vec<FreeName<'a>>,
    /// Direct reads run while the analysed definition is being defined.
    at_definition: bool,
    /// Inside a class of the analysed definition (`super()` works there).
    in_class: bool,
    /// A comprehension scope: walrus targets bind in the enclosing function.
    is_comprehension: bool,
    walrus: Vec<&'a str>,
    needs_class_cell: bool,
    unsupported: bool,
    star_import: bool,
}

impl<'a> ScopeCollector<'a> {
    fn child(&self, at_definition: bool, in_class: bool) -> ScopeCollector<'a> {
        ScopeCollector {
            at_definition,
            in_class,
            ..ScopeCollector::default()
        }
    }

    fn absorb_flags(&mut self, child: &ScopeCollector<'a>) {
        self.needs_class_cell |= child.needs_class_cell;
        self.unsupported |= child.unsupported;
    }

    /// A function or lambda body: its free names (none of them read at definition time).
    fn function_scope(
        &mut self,
        parameters: Option<&'a ast::Parameters>,
        body: FunctionBody<'a>,
        in_class: bool,
    ) {
        let mut scope = self.child(false, in_class);
        if let Some(parameters) = parameters {
            for parameter in parameters.iter() {
                scope.stores.insert(parameter.name().as_str());
            }
        }
        match body {
            FunctionBody::Statements(body) => {
                // `global`/`nonlocal` apply to the whole body, wherever they are written.
                for_each_declaration(body, &mut |stmt| match stmt {
                    Stmt::Global(global) => {
                        scope
                            .globals
                            .extend(global.names.iter().map(|name| name.as_str()));
                    }
                    Stmt::Nonlocal(nonlocal) => {
                        scope.nonlocals.extend(
                            nonlocal
                                .names
                                .iter()
                                .map(|name| (name.as_str(), name.range)),
                        );
                    }
                    _ => {}
                });
                scope.visit_body(body);
            }
            FunctionBody::Expression(expr) => scope.visit_expr(expr),
        }
        self.absorb_flags(&scope);
        let free = scope.free_of_function();
        self.nested.extend(free.into_iter().map(|mut free| {
            free.at_definition = false;
            free
        }));
    }

    /// The free names of a function scope: what it reads and does not bind.
    fn free_of_function(self) -> Vec<FreeName<'a>> {
        let nonlocal_names: FxHashSet<&str> = self.nonlocals.iter().map(|(n, _)| *n).collect();
        let mut free = Vec::new();
        for (name, range) in &self.nonlocals {
            free.push(FreeName {
                name,
                range: *range,
                at_definition: false,
                kind: FreeKind::Nonlocal,
            });
        }
        let resolve = |name: &'a str, range: TextRange, kind: FreeKind, free: &mut Vec<_>| {
            if self.globals.contains(name) {
                free.push(FreeName {
                    name,
                    range,
                    at_definition: false,
                    kind: FreeKind::Global,
                });
            } else if nonlocal_names.contains(name) {
                // Reported once, with the declaration.
            } else if !self.stores.contains(name) {
                free.push(FreeName {
                    name,
                    range,
                    at_definition: false,
                    kind,
                });
            }
        };
        for &(name, range) in &self.reads {
            resolve(name, range, FreeKind::Read, &mut free);
        }
        for name in &self.globals {
            // A function that only assigns a global still names it.
            free.push(FreeName {
                name,
                range: TextRange::default(),
                at_definition: false,
                kind: FreeKind::Global,
            });
        }
        for nested in &self.nested {
            match nested.kind {
                FreeKind::Read => resolve(nested.name, nested.range, FreeKind::Read, &mut free),
                // A nested `nonlocal x` is resolved by a local `x` here.
                FreeKind::Nonlocal if self.stores.contains(nested.name) => {}
                _ => free.push(nested.clone()),
            }
        }
        free
    }

    /// A class body: it runs while the class is defined.
    fn class_scope(&mut self, body: &'a [Stmt]) {
        let mut scope = self.child(self.at_definition, true);
        for_each_declaration(body, &mut |stmt| {
            if matches!(stmt, Stmt::Global(_) | Stmt::Nonlocal(_)) {
                scope.unsupported = true;
            }
        });
        scope.visit_body(body);
        self.absorb_flags(&scope);
        // A name the class body binds may still be read from outside before
        // it is bound, so every read counts (a safe over-approximation).
        for (name, range) in scope.reads {
            self.nested.push(FreeName {
                name,
                range,
                at_definition: scope.at_definition,
                kind: FreeKind::Read,
            });
        }
        self.nested.extend(scope.nested);
    }

    fn comprehension(&mut self, generators: &'a [ast::Comprehension], elements: &[&'a Expr]) {
        let Some((first, rest)) = generators.split_first() else {
            return;
        };
        // The first iterable is evaluated in the enclosing scope.
        self.visit_expr(&first.iter);
        let mut scope = self.child(self.at_definition, self.in_class);
        scope.is_comprehension = true;
        scope.visit_expr(&first.target);
        for condition in &first.ifs {
            scope.visit_expr(condition);
        }
        for generator in rest {
            scope.visit_expr(&generator.iter);
            scope.visit_expr(&generator.target);
            for condition in &generator.ifs {
                scope.visit_expr(condition);
            }
        }
        for element in elements {
            scope.visit_expr(element);
        }
        self.absorb_flags(&scope);
        // Walrus targets bind in the enclosing scope (a comprehension passes them on).
        for name in &scope.walrus {
            if self.is_comprehension {
                self.walrus.push(name);
            } else {
                self.stores.insert(name);
            }
        }
        for (name, range) in scope.reads {
            if !scope.stores.contains(name) {
                self.reads_from_nested(name, range, scope.at_definition);
            }
        }
        for nested in scope.nested {
            if nested.kind == FreeKind::Read && scope.stores.contains(nested.name) {
                continue;
            }
            self.nested.push(nested);
        }
    }

    /// A read in an inner scope that runs as part of this one (a comprehension).
    fn reads_from_nested(&mut self, name: &'a str, range: TextRange, at_definition: bool) {
        if at_definition == self.at_definition {
            self.reads.push((name, range));
        } else {
            self.nested.push(FreeName {
                name,
                range,
                at_definition,
                kind: FreeKind::Read,
            });
        }
    }

    fn visit_parameters_outside(&mut self, parameters: &'a ast::Parameters) {
        for parameter in parameters.iter() {
            if let Some(default) = parameter.default() {
                self.visit_expr(default);
            }
            if let Some(annotation) = parameter.annotation() {
                self.visit_expr(annotation);
            }
        }
    }
}

enum FunctionBody<'a> {
    Statements(&'a [Stmt]),
    Expression(&'a Expr),
}

/// Calls `visit` on the statements of a body that belong to its scope
/// (compound statements included, nested definitions not).
fn for_each_declaration<'a>(body: &'a [Stmt], visit: &mut impl FnMut(&'a Stmt)) {
    crate::semantic::for_each_statement(body, visit);
}

impl<'a> Visitor<'a> for ScopeCollector<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(def) => {
                if def.type_params.is_some() {
                    self.unsupported = true;
                }
                for decorator in &def.decorator_list {
                    self.visit_expr(&decorator.expression);
                }
                self.visit_parameters_outside(&def.parameters);
                if let Some(returns) = &def.returns {
                    self.visit_expr(returns);
                }
                self.stores.insert(def.name.as_str());
                let in_class = self.in_class;
                self.function_scope(
                    Some(&def.parameters),
                    FunctionBody::Statements(&def.body),
                    in_class,
                );
            }
            Stmt::ClassDef(def) => {
                if def.type_params.is_some() {
                    self.unsupported = true;
                }
                for decorator in &def.decorator_list {
                    self.visit_expr(&decorator.expression);
                }
                if let Some(arguments) = &def.arguments {
                    self.visit_arguments(arguments);
                }
                self.stores.insert(def.name.as_str());
                self.class_scope(&def.body);
            }
            Stmt::Import(import) => {
                for alias in &import.names {
                    let name = match &alias.asname {
                        Some(asname) => asname.as_str(),
                        None => alias.name.split('.').next().unwrap_or_default(),
                    };
                    self.stores.insert(name);
                }
            }
            Stmt::ImportFrom(import) => {
                for alias in &import.names {
                    if alias.name.as_str() == "*" {
                        self.star_import = true;
                    } else {
                        self.stores
                            .insert(alias.asname.as_ref().unwrap_or(&alias.name).as_str());
                    }
                }
            }
            Stmt::TypeAlias(_) => self.unsupported = true,
            Stmt::Global(_) | Stmt::Nonlocal(_) => {}
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Name(name) => {
                let id = name.id.as_str();
                match name.ctx {
                    ExprContext::Load => {
                        if (id == "super" || id == "__class__") && !self.in_class {
                            self.needs_class_cell = true;
                        }
                        self.reads.push((id, name.range));
                    }
                    _ => {
                        self.stores.insert(id);
                    }
                }
            }
            Expr::Named(named) => {
                self.visit_expr(&named.value);
                if let Expr::Name(target) = named.target.as_ref() {
                    if self.is_comprehension {
                        self.walrus.push(target.id.as_str());
                    } else {
                        self.stores.insert(target.id.as_str());
                    }
                } else {
                    self.visit_expr(&named.target);
                }
            }
            Expr::Lambda(lambda) => {
                if let Some(parameters) = &lambda.parameters {
                    self.visit_parameters_outside(parameters);
                }
                let in_class = self.in_class;
                self.function_scope(
                    lambda.parameters.as_deref(),
                    FunctionBody::Expression(&lambda.body),
                    in_class,
                );
            }
            Expr::ListComp(ast::ExprListComp {
                elt, generators, ..
            })
            | Expr::SetComp(ast::ExprSetComp {
                elt, generators, ..
            })
            | Expr::Generator(ast::ExprGenerator {
                elt, generators, ..
            }) => self.comprehension(generators, &[elt]),
            Expr::DictComp(ast::ExprDictComp {
                key,
                value,
                generators,
                ..
            }) => {
                let mut elements: Vec<&'a Expr> = key.iter().map(|key| &**key).collect();
                elements.push(value);
                self.comprehension(generators, &elements);
            }
            _ => visitor::walk_expr(self, expr),
        }
    }

    fn visit_except_handler(&mut self, handler: &'a ast::ExceptHandler) {
        let ast::ExceptHandler::ExceptHandler(inner) = handler;
        if let Some(name) = &inner.name {
            self.stores.insert(name.as_str());
        }
        visitor::walk_except_handler(self, handler);
    }

    fn visit_pattern(&mut self, pattern: &'a Pattern) {
        match pattern {
            Pattern::MatchAs(ast::PatternMatchAs {
                name: Some(name), ..
            })
            | Pattern::MatchStar(ast::PatternMatchStar {
                name: Some(name), ..
            })
            | Pattern::MatchMapping(ast::PatternMatchMapping {
                rest: Some(name), ..
            }) => {
                self.stores.insert(name.as_str());
            }
            _ => {}
        }
        visitor::walk_pattern(self, pattern);
    }
}

/// Runs `visit` on a fresh collector standing for the scope the definition
/// is written in, and returns what the definition reads from it.
fn analyse<'a>(visit: impl FnOnce(&mut ScopeCollector<'a>)) -> FreeNames<'a> {
    let mut outer = ScopeCollector {
        at_definition: true,
        ..ScopeCollector::default()
    };
    visit(&mut outer);
    let mut names: Vec<FreeName<'a>> = outer
        .reads
        .iter()
        .map(|&(name, range)| FreeName {
            name,
            range,
            at_definition: true,
            kind: FreeKind::Read,
        })
        .collect();
    names.extend(outer.nested);
    FreeNames {
        names,
        needs_class_cell: outer.needs_class_cell,
        unsupported: outer.unsupported || !outer.walrus.is_empty(),
    }
}

/// What a `def` (its decorators, defaults, annotations and body) reads from
/// the scope it is written in. A recursive function reads its own name.
pub fn of_function(def: &ast::StmtFunctionDef) -> FreeNames<'_> {
    analyse(|outer| {
        for decorator in &def.decorator_list {
            outer.visit_expr(&decorator.expression);
        }
        outer.visit_parameters_outside(&def.parameters);
        if let Some(returns) = &def.returns {
            outer.visit_expr(returns);
        }
        if def.type_params.is_some() {
            outer.unsupported = true;
        }
        outer.function_scope(
            Some(&def.parameters),
            FunctionBody::Statements(&def.body),
            false,
        );
    })
}

/// What a `lambda` reads from the scope it is written in.
pub fn of_lambda(lambda: &ast::ExprLambda) -> FreeNames<'_> {
    analyse(|outer| {
        if let Some(parameters) = &lambda.parameters {
            outer.visit_parameters_outside(parameters);
        }
        outer.function_scope(
            lambda.parameters.as_deref(),
            FunctionBody::Expression(&lambda.body),
            false,
        );
    })
}

/// What a `class` statement (decorators, bases, body, methods) reads from
/// the scope it is written in.
pub fn of_class(def: &ast::StmtClassDef) -> FreeNames<'_> {
    analyse(|outer| {
        for decorator in &def.decorator_list {
            outer.visit_expr(&decorator.expression);
        }
        if let Some(arguments) = &def.arguments {
            outer.visit_arguments(arguments);
        }
        if def.type_params.is_some() {
            outer.unsupported = true;
        }
        outer.class_scope(&def.body);
    })
}

/// The names a function binds locally (parameters and assignments, not those
/// it declares `global` or `nonlocal`), and those it declares `global`.
pub struct Locals<'a> {
    pub locals: FxHashSet<&'a str>,
    pub globals: FxHashSet<&'a str>,
}

pub fn locals_of(def: &ast::StmtFunctionDef) -> Locals<'_> {
    let mut scope = ScopeCollector::default();
    for parameter in def.parameters.iter() {
        scope.stores.insert(parameter.name().as_str());
    }
    let mut declared = Vec::new();
    for_each_declaration(&def.body, &mut |stmt| match stmt {
        Stmt::Global(global) => declared.extend(global.names.iter().map(|n| (n.as_str(), true))),
        Stmt::Nonlocal(nonlocal) => {
            declared.extend(nonlocal.names.iter().map(|n| (n.as_str(), false)));
        }
        _ => {}
    });
    scope.visit_body(&def.body);
    let mut globals = FxHashSet::default();
    for (name, is_global) in declared {
        scope.stores.remove(name);
        if is_global {
            globals.insert(name);
        }
    }
    Locals {
        locals: scope.stores,
        globals,
    }
}

/// The names the module's own statements bind (outside functions and
/// classes), and whether it has a star import.
pub fn module_bindings(body: &[Stmt]) -> (FxHashSet<&str>, bool) {
    let mut scope = ScopeCollector::default();
    scope.visit_body(body);
    (scope.stores, scope.star_import)
}

/// How many `Name` nodes spell `name` in a body (nested scopes included).
pub fn count_name_uses(body: &[Stmt], name: &str) -> usize {
    struct Counter<'n> {
        name: &'n str,
        count: usize,
    }
    impl<'a> Visitor<'a> for Counter<'_> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Name(found) = expr {
                if found.id.as_str() == self.name {
                    self.count += 1;
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut counter = Counter { name, count: 0 };
    counter.visit_body(body);
    counter.count
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(source: &str) -> ruff_python_parser::Parsed<ast::ModModule> {
        ruff_python_parser::parse_module(source).unwrap()
    }

    fn names(free: &FreeNames) -> Vec<String> {
        let mut names: Vec<String> = free
            .unique()
            .iter()
            .map(|free| {
                let kind = match free.kind {
                    FreeKind::Read => "",
                    FreeKind::Global => "global ",
                    FreeKind::Nonlocal => "nonlocal ",
                };
                let when = if free.at_definition { "@def " } else { "" };
                format!("{when}{kind}{}", free.name)
            })
            .collect();
        names.sort();
        names
    }

    fn function_names(source: &str) -> Vec<String> {
        let parsed = parse(source);
        let Stmt::FunctionDef(def) = &parsed.syntax().body[0] else {
            panic!("not a def")
        };
        names(&of_function(def))
    }

    #[test]
    fn parameters_locals_and_comprehensions_are_not_free() {
        assert_eq!(
            function_names(
                "def f(a, *args, b=DEFAULT, **kw):\n    c = a + len(args)\n    return [c * x for x in data if x > limit]\n"
            ),
            vec!["@def DEFAULT", "data", "len", "limit"]
        );
    }

    #[test]
    fn decorators_annotations_and_nested_scopes() {
        assert_eq!(
            function_names(
                "@deco(level)\ndef f(a: T) -> R:\n    def g(y=k):\n        return y + a + z\n    h = lambda q: q + w\n    return g, h\n"
            ),
            vec!["@def R", "@def T", "@def deco", "@def level", "k", "w", "z"]
        );
    }

    #[test]
    fn global_and_nonlocal_declarations() {
        assert_eq!(
            function_names("def f(v):\n    global G\n    G = v\n    nonlocal_free = 1\n"),
            vec!["global G"]
        );
        assert_eq!(
            function_names("def f():\n    nonlocal count\n    count += 1\n"),
            vec!["nonlocal count"]
        );
        // A nonlocal resolved inside the definition is fine.
        assert_eq!(
            function_names(
                "def f():\n    n = 0\n    def g():\n        nonlocal n\n        n += 1\n    g()\n    return n\n"
            ),
            Vec::<String>::new()
        );
    }

    #[test]
    fn walrus_in_comprehension_binds_in_the_function() {
        assert_eq!(
            function_names("def f(xs):\n    [last := x for x in xs]\n    return last\n"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn class_bodies_and_methods() {
        let parsed = parse(
            "@dataclass\nclass A(Base, metaclass=Meta):\n    x: int = LIMIT\n    def m(self):\n        return super().m() + other\n",
        );
        let Stmt::ClassDef(def) = &parsed.syntax().body[0] else {
            panic!()
        };
        let free = of_class(def);
        assert!(!free.needs_class_cell);
        assert_eq!(
            names(&free),
            vec![
                "@def Base",
                "@def LIMIT",
                "@def Meta",
                "@def dataclass",
                "@def int",
                "other",
                "super"
            ]
        );
    }

    #[test]
    fn zero_argument_super_outside_a_class_is_flagged() {
        let parsed = parse("def f():\n    return super().g()\n");
        let Stmt::FunctionDef(def) = &parsed.syntax().body[0] else {
            panic!()
        };
        assert!(of_function(def).needs_class_cell);
    }

    #[test]
    fn lambda_defaults_are_read_at_definition() {
        let parsed = parse("f = lambda x, y=scale, *a, k=1, **kw: x * y * factor\n");
        let Stmt::Assign(assign) = &parsed.syntax().body[0] else {
            panic!()
        };
        let Expr::Lambda(lambda) = assign.value.as_ref() else {
            panic!()
        };
        assert_eq!(names(&of_lambda(lambda)), vec!["@def scale", "factor"]);
    }

    #[test]
    fn locals_of_a_function() {
        let parsed = parse(
            "def f(a):\n    global g\n    g = 1\n    import os.path\n    for i in a:\n        pass\n    with x as w:\n        pass\n    try:\n        pass\n    except E as e:\n        pass\n    match a:\n        case [p, *rest]:\n            pass\n",
        );
        let Stmt::FunctionDef(def) = &parsed.syntax().body[0] else {
            panic!()
        };
        let locals = locals_of(def);
        let mut names: Vec<&str> = locals.locals.iter().copied().collect();
        names.sort_unstable();
        assert_eq!(names, vec!["a", "e", "i", "os", "p", "rest", "w"]);
        assert!(locals.globals.contains("g"));
    }
}
