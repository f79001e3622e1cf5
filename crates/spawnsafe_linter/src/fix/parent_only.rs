//! Which code of a main script runs only in the original (parent) process:
//! the main guard's block, and functions and methods that only that code
//! refers to. A spawn child imports the script as `__mp_main__`, so it never
//! runs the guard's block, and it can only call a function something it runs
//! refers to. What a child unpickles is used only by code it runs, so an
//! attribute that only parent-only code reads (or the `__init__` that made
//! it) is never read from the child's copy.
//!
//! Refers to means by name: any `name` or `.name` anywhere counts, so a
//! method and a function of the same name are one. Anything that reaches
//! attributes by a computed name (`getattr`, `vars`, `__dict__`) makes every
//! answer "no".

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::TextRange;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::semantic::{guard_test, GuardTest};

/// Where a reference sits.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    /// Module level outside the guard, a class body there, a lambda: runs in children too.
    Anywhere,
    /// The main guard's block.
    Guard,
    /// The body of the function at this range.
    Function(TextRange),
}

struct Reference<'a> {
    name: &'a str,
    place: Place,
    range: TextRange,
    /// The callee of a call (`f(...)`, `obj.f(...)`): any other reference may
    /// hand the function to something that runs it elsewhere (a pool task).
    called: bool,
}

/// The references and definitions of one module.
pub(super) struct ParentOnly<'a> {
    references: Vec<Reference<'a>>,
    /// Functions and methods by name, with their ranges.
    functions: FxHashMap<&'a str, Vec<&'a ast::StmtFunctionDef>>,
    /// Methods that a base class may call (`run` of a class with bases: `Process.start()` runs it).
    inherited_hooks: FxHashSet<TextRange>,
    /// Attributes reached by computed names: nothing can be proven.
    dynamic: bool,
    has_guard: bool,
}

impl<'a> ParentOnly<'a> {
    pub(super) fn new(body: &'a [Stmt]) -> Self {
        let mut collect = Collect {
            place: Place::Anywhere,
            found: ParentOnly {
                references: Vec::new(),
                functions: FxHashMap::default(),
                inherited_hooks: FxHashSet::default(),
                dynamic: false,
                has_guard: false,
            },
        };
        for stmt in body {
            if let Stmt::If(if_stmt) = stmt {
                let guarded: Option<&[Stmt]> = match guard_test(&if_stmt.test) {
                    GuardTest::Main => Some(&if_stmt.body),
                    GuardTest::NotMain => if_stmt
                        .elif_else_clauses
                        .first()
                        .filter(|clause| clause.test.is_none())
                        .map(|clause| clause.body.as_slice()),
                    _ => None,
                };
                if let Some(guarded) = guarded {
                    collect.found.has_guard = true;
                    collect.visit_expr(&if_stmt.test);
                    collect.place = Place::Guard;
                    collect.visit_body(guarded);
                    collect.place = Place::Anywhere;
                    for clause in &if_stmt.elif_else_clauses {
                        if clause.body.as_ptr() != guarded.as_ptr() {
                            collect.visit_body(&clause.body);
                        }
                    }
                    if !std::ptr::eq(guarded.as_ptr(), if_stmt.body.as_ptr()) {
                        collect.visit_body(&if_stmt.body);
                    }
                    continue;
                }
            }
            collect.visit_stmt(stmt);
        }
        collect.found
    }

    /// Whether every read of the attribute `name` is in `making` (an
    /// `__init__`, which never runs on an unpickled object) or in code that
    /// runs only in the parent.
    pub(super) fn attribute_read_only_in_parent(
        &self,
        name: &str,
        making: &ast::StmtFunctionDef,
    ) -> bool {
        if self.dynamic || !self.has_guard || making.name.as_str() != "__init__" {
            return false;
        }
        let mut proven = FxHashMap::default();
        self.references.iter().filter(|r| r.name == name).all(|r| {
            making.range.contains_range(r.range)
                || self.place_is_parent_only(r.place, &mut proven, &mut FxHashSet::default())
        })
    }

    fn place_is_parent_only(
        &self,
        place: Place,
        proven: &mut FxHashMap<TextRange, bool>,
        visiting: &mut FxHashSet<TextRange>,
    ) -> bool {
        match place {
            Place::Anywhere => false,
            Place::Guard => true,
            Place::Function(range) => self.function_is_parent_only(range, proven, visiting),
        }
    }

    /// A function runs only in the parent when it is a plain one (no
    /// decorator, not a special method, not the `run` of a class with bases) and everything that refers
    /// to its name runs only in the parent.
    fn function_is_parent_only(
        &self,
        range: TextRange,
        proven: &mut FxHashMap<TextRange, bool>,
        visiting: &mut FxHashSet<TextRange>,
    ) -> bool {
        if let Some(known) = proven.get(&range) {
            return *known;
        }
        // A cycle proves nothing.
        if !visiting.insert(range) {
            return false;
        }
        let def = self
            .functions
            .values()
            .flatten()
            .find(|def| def.range == range);
        let answer = def.is_some_and(|def| {
            let name = def.name.as_str();
            let plain = def.decorator_list.is_empty()
                && !(name.starts_with("__") && name.ends_with("__"))
                && !self.inherited_hooks.contains(&def.range);
            plain
                && self.references.iter().filter(|r| r.name == name).all(|r| {
                    // The function's own recursion adds nothing.
                    r.called
                        && (r.place == Place::Function(range)
                            || self.place_is_parent_only(r.place, proven, visiting))
                })
        });
        visiting.remove(&range);
        proven.insert(range, answer);
        answer
    }
}

struct Collect<'a> {
    place: Place,
    found: ParentOnly<'a>,
}

impl<'a> Collect<'a> {
    fn reference(&mut self, name: &'a str, range: TextRange, called: bool) {
        self.found.references.push(Reference {
            name,
            place: self.place,
            range,
            called,
        });
    }
}

impl<'a> Visitor<'a> for Collect<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if let Stmt::FunctionDef(def) = stmt {
            self.found
                .functions
                .entry(def.name.as_str())
                .or_default()
                .push(def);
            // Decorators, defaults and annotations run where the `def` runs.
            for decorator in &def.decorator_list {
                self.visit_expr(&decorator.expression);
            }
            for parameter in def.parameters.iter_non_variadic_params() {
                if let Some(default) = parameter.default.as_deref() {
                    self.visit_expr(default);
                }
            }
            let outer = self.place;
            self.place = Place::Function(def.range);
            self.visit_body(&def.body);
            self.place = outer;
            return;
        }
        if let Stmt::ClassDef(class) = stmt {
            // A class body runs where the class statement runs; its methods are functions.
            for base in class.bases() {
                self.visit_expr(base);
            }
            for decorator in &class.decorator_list {
                self.visit_expr(&decorator.expression);
            }
            if !class.bases().is_empty() {
                for stmt in &class.body {
                    if let Stmt::FunctionDef(def) = stmt {
                        if def.name.as_str() == "run" {
                            self.found.inherited_hooks.insert(def.range);
                        }
                    }
                }
            }
            self.visit_body(&class.body);
            return;
        }
        visitor::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Name(name) => {
                if matches!(name.id.as_str(), "getattr" | "vars" | "setattr" | "hasattr") {
                    self.found.dynamic = true;
                }
                self.reference(name.id.as_str(), name.range, false);
            }
            Expr::Attribute(attribute) => {
                if attribute.attr.as_str() == "__dict__" {
                    self.found.dynamic = true;
                }
                if attribute.ctx.is_load() {
                    self.reference(attribute.attr.as_str(), attribute.range, false);
                }
                visitor::walk_expr(self, expr);
            }
            Expr::Call(call) => {
                match &*call.func {
                    Expr::Name(name) => {
                        if matches!(name.id.as_str(), "getattr" | "vars" | "setattr" | "hasattr") {
                            self.found.dynamic = true;
                        }
                        self.reference(name.id.as_str(), name.range, true);
                    }
                    Expr::Attribute(attribute) => {
                        if attribute.attr.as_str() == "__dict__" {
                            self.found.dynamic = true;
                        }
                        self.reference(attribute.attr.as_str(), attribute.range, true);
                        self.visit_expr(&attribute.value);
                    }
                    func => self.visit_expr(func),
                }
                for argument in &*call.arguments.args {
                    self.visit_expr(argument);
                }
                for keyword in &*call.arguments.keywords {
                    self.visit_expr(&keyword.value);
                }
            }
            Expr::Lambda(lambda) => {
                // A lambda may be called anywhere it is sent.
                let outer = self.place;
                self.place = Place::Anywhere;
                self.visit_expr(&lambda.body);
                self.place = outer;
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}
