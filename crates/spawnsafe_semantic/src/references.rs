//! Every read of a name in a module, resolved once to the binding it reads.
//!
//! The model's statement walk makes the bindings; this walk, which also
//! records the comprehensions, then visits every expression once and resolves
//! each `Name` load by CPython's rules: a comprehension's or lambda's own
//! variables first, then the enclosing scopes where nested functions skip
//! class bodies, `global` sends a name to the module and `nonlocal` to an
//! enclosing function. Within the scope that holds the name, a read sees the
//! last binding made before it (a loop's read before any binding sees the last
//! one); a read from a nested function sees the last binding of the enclosing
//! scope, the value it holds when the function is called.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, ExprContext, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};
use rustc_hash::FxHashMap;

use crate::model::{
    BindingId, BindingKind, ComprehensionTarget, ModuleModel, ScopeId, ScopeKind, MODULE_SCOPE,
};

crate::newtype_index! {
    /// A read of a name, in [`ModuleModel::references`].
    pub struct ReferenceId;
}

/// How a name is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferenceKind {
    /// A plain load (`print(x)`).
    Load,
    /// The read an augmented assignment makes before it binds (`x += 1`).
    AugmentedAssignment,
    /// `del x`, which needs `x` bound and unbinds it.
    Delete,
}

/// What a name read resolves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolved {
    /// A binding of one of the module's scopes.
    Binding(BindingId),
    /// A variable of an enclosing comprehension or generator expression.
    ComprehensionVariable,
    /// A parameter of an enclosing lambda.
    LambdaParameter,
    /// No binding of this module: a builtin, a name from `import *`, a name
    /// bound in a way the model does not record (a walrus, a `match` capture),
    /// or one read after `del`.
    Unbound,
}

#[derive(Debug, Clone)]
pub struct Reference<'a> {
    pub name: &'a str,
    pub range: TextRange,
    /// The model scope the read is made in (a lambda or comprehension reads
    /// in the scope around it).
    pub scope: ScopeId,
    pub kind: ReferenceKind,
    pub resolved: Resolved,
}

impl Reference<'_> {
    /// The binding the read sees, when it is one of the module's.
    pub fn binding(&self) -> Option<BindingId> {
        match self.resolved {
            Resolved::Binding(binding) => Some(binding),
            _ => None,
        }
    }
}

/// Walks every expression of a module, after its bindings are made.
pub(crate) struct ReferenceCollector<'m, 'a> {
    model: &'m ModuleModel<'a>,
    /// The scope opened by each `def` and `class`, by where its statement starts.
    scope_by_def: FxHashMap<TextSize, ScopeId>,
    scope: ScopeId,
    /// Names bound by the enclosing lambdas and comprehensions, innermost last.
    frames: Vec<(Resolved, Vec<&'a str>)>,
    /// `del NAME` statements seen so far: (scope, name, where).
    deletions: Vec<(ScopeId, &'a str, TextSize)>,
    pub(crate) references: Vec<Reference<'a>>,
    pub(crate) comprehension_targets: Vec<ComprehensionTarget<'a>>,
    pub(crate) comprehensions: Vec<&'a Expr>,
}

impl<'m, 'a> ReferenceCollector<'m, 'a> {
    pub(crate) fn new(model: &'m ModuleModel<'a>) -> Self {
        let scope_by_def = model
            .functions
            .iter()
            .map(|info| (info.def.range.start(), info.scope))
            .chain(
                model
                    .classes
                    .iter()
                    .map(|info| (info.def.range.start(), info.scope)),
            )
            .collect();
        ReferenceCollector {
            model,
            scope_by_def,
            scope: MODULE_SCOPE,
            frames: Vec::new(),
            deletions: Vec::new(),
            references: Vec::new(),
            comprehension_targets: Vec::new(),
            comprehensions: Vec::new(),
        }
    }

    fn record(&mut self, name: &'a ast::ExprName, kind: ReferenceKind) {
        let id = name.id.as_str();
        let resolved = self
            .frames
            .iter()
            .rev()
            .find(|(_, names)| names.contains(&id))
            .map(|(resolved, _)| *resolved)
            .unwrap_or_else(|| self.resolve(id, name.range.start(), kind));
        if kind == ReferenceKind::Delete {
            self.deletions.push((self.scope, id, name.range.start()));
        }
        self.references.push(Reference {
            name: id,
            range: name.range,
            scope: self.scope,
            kind,
            resolved,
        });
    }

    /// The binding a read of `name` at `at` in the current scope sees.
    fn resolve(&self, name: &str, at: TextSize, kind: ReferenceKind) -> Resolved {
        let Some(holder) = self.holding_scope(name) else {
            return Resolved::Unbound;
        };
        let bindings = &self.model.scopes[holder].bindings[name];
        let real = || {
            bindings
                .iter()
                .filter(|binding| !matches!(binding.kind, BindingKind::Appended(_)))
        };
        let found = if holder == self.scope {
            let before = real().rfind(|binding| self.model.binding_visible_from(binding.id) <= at);
            match before {
                Some(binding) => {
                    // `x = 1; del x; print(x)`: nothing is bound any more.
                    let from = self.model.binding_visible_from(binding.id);
                    let deleted = kind != ReferenceKind::Delete
                        && self.deletions.iter().any(|&(scope, deleted, position)| {
                            scope == holder && deleted == name && from <= position && position < at
                        });
                    if deleted {
                        return Resolved::Unbound;
                    }
                    Some(binding)
                }
                // A loop's read before the binding later in its body.
                None => real().next_back(),
            }
        } else {
            real().next_back()
        };
        found.map_or(Resolved::Unbound, |binding| Resolved::Binding(binding.id))
    }

    /// The scope whose bindings a read of `name` in the current scope sees.
    fn holding_scope(&self, name: &str) -> Option<ScopeId> {
        // A lambda or comprehension in a class body is a function scope of its
        // own: it does not see the class's names either.
        let in_function_frame = !self.frames.is_empty();
        let scopes = &self.model.scopes;
        let binds = |scope: ScopeId| {
            scopes[scope].bindings.get(name).is_some_and(|bindings| {
                bindings
                    .iter()
                    .any(|binding| !matches!(binding.kind, BindingKind::Appended(_)))
            })
        };
        let mut current = Some(self.scope);
        let mut first = !in_function_frame;
        while let Some(scope) = current {
            let info = &scopes[scope];
            current = info.parent;
            // Nested functions do not see the names of a class body around them.
            let skipped = !first && matches!(info.kind, ScopeKind::Class(_));
            first = false;
            if skipped {
                continue;
            }
            if info.globals.contains(&name) {
                return binds(MODULE_SCOPE).then_some(MODULE_SCOPE);
            }
            if info.nonlocals.contains(&name) {
                continue;
            }
            if binds(scope) {
                return Some(scope);
            }
        }
        None
    }

    fn with_frame(
        &mut self,
        resolved: Resolved,
        names: Vec<&'a str>,
        visit: impl FnOnce(&mut Self),
    ) {
        self.frames.push((resolved, names));
        visit(self);
        self.frames.pop();
    }

    fn visit_comprehension_parts(
        &mut self,
        expr: &'a Expr,
        generators: &'a [ast::Comprehension],
        elements: &[&'a Expr],
    ) {
        self.comprehensions.push(expr);
        for generator in generators {
            if let Expr::Name(target) = &generator.target {
                self.comprehension_targets.push(ComprehensionTarget {
                    range: expr.range(),
                    name: target.id.as_str(),
                    iter: &generator.iter,
                    scope: self.scope,
                });
            }
        }
        let Some((first, rest)) = generators.split_first() else {
            return;
        };
        // The first iterable is evaluated in the enclosing scope.
        self.visit_expr(&first.iter);
        let mut names = Vec::new();
        for generator in generators {
            bound_names(&generator.target, &mut names);
        }
        self.with_frame(Resolved::ComprehensionVariable, names, |this| {
            for expr in &first.ifs {
                this.visit_expr(expr);
            }
            for generator in rest {
                this.visit_expr(&generator.iter);
                for expr in &generator.ifs {
                    this.visit_expr(expr);
                }
            }
            for element in elements {
                this.visit_expr(element);
            }
        });
    }

    fn in_scope(&mut self, scope: Option<ScopeId>, body: &'a [Stmt]) {
        let outer = self.scope;
        if let Some(scope) = scope {
            self.scope = scope;
        }
        // A function body does not see the lambdas and comprehensions around its `def`.
        let frames = std::mem::take(&mut self.frames);
        self.visit_body(body);
        self.frames = frames;
        self.scope = outer;
    }
}

impl<'a> Visitor<'a> for ReferenceCollector<'_, 'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(def) => {
                // Decorators, defaults and annotations run in the enclosing scope.
                for decorator in &def.decorator_list {
                    self.visit_decorator(decorator);
                }
                if let Some(type_params) = &def.type_params {
                    self.visit_type_params(type_params);
                }
                self.visit_parameters(&def.parameters);
                if let Some(returns) = &def.returns {
                    self.visit_annotation(returns);
                }
                let scope = self.scope_by_def.get(&def.range.start()).copied();
                self.in_scope(scope, &def.body);
            }
            Stmt::ClassDef(def) => {
                for decorator in &def.decorator_list {
                    self.visit_decorator(decorator);
                }
                if let Some(type_params) = &def.type_params {
                    self.visit_type_params(type_params);
                }
                if let Some(arguments) = &def.arguments {
                    self.visit_arguments(arguments);
                }
                let scope = self.scope_by_def.get(&def.range.start()).copied();
                self.in_scope(scope, &def.body);
            }
            Stmt::AugAssign(assign) => {
                if let Expr::Name(name) = assign.target.as_ref() {
                    self.record(name, ReferenceKind::AugmentedAssignment);
                }
                visitor::walk_stmt(self, stmt);
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Name(name) => match name.ctx {
                ExprContext::Load => self.record(name, ReferenceKind::Load),
                ExprContext::Del => self.record(name, ReferenceKind::Delete),
                _ => {}
            },
            Expr::ListComp(ast::ExprListComp {
                elt, generators, ..
            })
            | Expr::SetComp(ast::ExprSetComp {
                elt, generators, ..
            })
            | Expr::Generator(ast::ExprGenerator {
                elt, generators, ..
            }) => self.visit_comprehension_parts(expr, generators, &[elt]),
            Expr::DictComp(ast::ExprDictComp {
                key,
                value,
                generators,
                ..
            }) => {
                let elements: Vec<&Expr> = key.as_deref().into_iter().chain([&**value]).collect();
                self.visit_comprehension_parts(expr, generators, &elements);
            }
            Expr::Lambda(lambda) => {
                let mut names = Vec::new();
                if let Some(parameters) = &lambda.parameters {
                    // Defaults are evaluated where the lambda is made.
                    self.visit_parameters(parameters);
                    names.extend(parameters.iter().map(|parameter| parameter.name().as_str()));
                }
                self.with_frame(Resolved::LambdaParameter, names, |this| {
                    this.visit_expr(&lambda.body);
                });
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

/// The names a target binds (`x`, `(i, x)`, `[a, *rest]`).
fn bound_names<'a>(target: &'a Expr, names: &mut Vec<&'a str>) {
    match target {
        Expr::Name(name) => names.push(name.id.as_str()),
        Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
            for element in elts {
                bound_names(element, names);
            }
        }
        Expr::Starred(starred) => bound_names(&starred.value, names),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(source: &str, offset: TextSize) -> usize {
        source[..offset.to_usize()].matches('\n').count() + 1
    }

    /// Each read of `name`: its line, how it reads, and the line of the binding it sees.
    fn reads(source: &str, name: &str) -> Vec<(usize, ReferenceKind, Option<usize>)> {
        let parsed = ruff_python_parser::parse_module(source).unwrap();
        let model = ModuleModel::build(parsed.suite());
        let mut found: Vec<_> = model
            .references
            .iter()
            .filter(|reference| reference.name == name)
            .map(|reference| {
                let bound = reference
                    .binding()
                    .map(|binding| line(source, model.binding(binding).range.start()));
                (line(source, reference.range.start()), reference.kind, bound)
            })
            .collect();
        found.sort_by_key(|(line, ..)| *line);
        found
    }

    /// The resolution of each read of `name`, in line order.
    fn resolutions(source: &str, name: &str) -> Vec<Resolved> {
        let parsed = ruff_python_parser::parse_module(source).unwrap();
        let model = ModuleModel::build(parsed.suite());
        let mut found: Vec<_> = model
            .references
            .iter()
            .filter(|reference| reference.name == name)
            .map(|reference| (reference.range.start(), reference.resolved))
            .collect();
        found.sort_by_key(|(start, _)| *start);
        found.into_iter().map(|(_, resolved)| resolved).collect()
    }

    use ReferenceKind::{AugmentedAssignment, Delete, Load};

    #[test]
    fn a_read_sees_the_last_binding_before_it() {
        let source = "x = 1\nprint(x)\nx = 2\nprint(x)\nx = x + 1\n";
        assert_eq!(
            reads(source, "x"),
            vec![(2, Load, Some(1)), (4, Load, Some(3)), (5, Load, Some(3))]
        );
    }

    #[test]
    fn a_function_reads_the_last_module_binding_and_a_parameter_shadows_it() {
        let source = "\
pool = None
def work():
    return pool
def other(pool):
    return pool
pool = make()
";
        assert_eq!(
            reads(source, "pool"),
            vec![(3, Load, Some(6)), (5, Load, Some(4))]
        );
    }

    #[test]
    fn methods_skip_the_class_body_but_the_body_sees_its_own_names() {
        let source = "\
size = 1
class Task:
    size = 2
    double = size * 2
    def run(self):
        return size
";
        assert_eq!(
            reads(source, "size"),
            vec![(4, Load, Some(3)), (6, Load, Some(1))]
        );
    }

    #[test]
    fn comprehension_variables_are_their_own_and_the_first_iterable_is_read_outside() {
        let source = "\
x = [1]
doubled = [x * 2 for x in x]
pairs = {k: v for k, v in items}
class Config:
    n = 3
    rows = [n for _ in range(2)]
";
        assert_eq!(
            resolutions(source, "x"),
            vec![
                Resolved::ComprehensionVariable,
                Resolved::Binding(BindingId::new(0))
            ]
        );
        assert_eq!(
            resolutions(source, "v"),
            vec![Resolved::ComprehensionVariable]
        );
        // A comprehension in a class body does not see the class's names.
        assert_eq!(resolutions(source, "n"), vec![Resolved::Unbound]);
    }

    #[test]
    fn lambda_parameters_are_their_own_and_defaults_are_read_outside() {
        let source = "y = 1\nf = lambda y, z=y: y + z\n";
        assert_eq!(
            resolutions(source, "y"),
            vec![
                Resolved::Binding(BindingId::new(0)),
                Resolved::LambdaParameter
            ]
        );
    }

    #[test]
    fn global_reads_and_binds_in_the_module() {
        let source = "\
counter = 0
def bump():
    global counter
    counter = counter + 1
def read():
    counter = 5
    return counter
print(counter)
";
        // The assignment in `bump` is a module binding; `read` has its own.
        assert_eq!(
            reads(source, "counter"),
            vec![(4, Load, Some(4)), (7, Load, Some(6)), (8, Load, Some(4))]
        );
    }

    #[test]
    fn nonlocal_reads_and_binds_in_the_enclosing_function() {
        let source = "\
def outer():
    total = 0
    def add(n):
        nonlocal total
        total += n
        return total
    add(1)
    return total
";
        let parsed = ruff_python_parser::parse_module(source).unwrap();
        let model = ModuleModel::build(parsed.suite());
        // Both bindings of `total` are in `outer`'s scope.
        let outer = model.functions[crate::FunctionId::new(0)].scope;
        assert_eq!(model.scopes[outer].bindings["total"].len(), 2);
        // A read from a nested function sees the enclosing scope's last binding.
        assert_eq!(
            reads(source, "total"),
            vec![
                (5, AugmentedAssignment, Some(5)),
                (6, Load, Some(5)),
                (8, Load, Some(5))
            ]
        );
    }

    #[test]
    fn augmented_assignment_reads_the_binding_before_it() {
        let source = "n = 1\nn += 2\nprint(n)\n";
        assert_eq!(
            reads(source, "n"),
            vec![(2, AugmentedAssignment, Some(1)), (3, Load, Some(2))]
        );
    }

    #[test]
    fn a_read_after_del_is_unbound_until_bound_again() {
        let source = "x = 1\ndel x\nprint(x)\nx = 2\nprint(x)\n";
        assert_eq!(
            reads(source, "x"),
            vec![(2, Delete, Some(1)), (3, Load, None), (5, Load, Some(4))]
        );
    }

    #[test]
    fn a_loop_read_before_the_binding_sees_the_later_binding() {
        let source = "for i in range(3):\n    if i:\n        print(last)\n    last = i\n";
        assert_eq!(reads(source, "last"), vec![(3, Load, Some(4))]);
    }

    #[test]
    fn builtins_and_unknown_names_are_unbound() {
        let source = "print(len([]))\n";
        assert_eq!(resolutions(source, "print"), vec![Resolved::Unbound]);
        assert_eq!(resolutions(source, "len"), vec![Resolved::Unbound]);
    }

    #[test]
    fn each_binding_lists_its_reads_and_a_load_finds_its_binding() {
        let source = "\
import multiprocessing as mp
def main():
    with mp.Pool() as pool:
        pool.map(str, [1])
    return mp
";
        let parsed = ruff_python_parser::parse_module(source).unwrap();
        let model = ModuleModel::build(parsed.suite());
        let (_, bindings) = model.lookup("mp", MODULE_SCOPE).unwrap();
        let import = bindings[0].id;
        assert_eq!(model.binding_scope(import), (MODULE_SCOPE, "mp"));
        let lines: Vec<usize> = model
            .references_of(import)
            .map(|reference| line(source, reference.range.start()))
            .collect();
        assert_eq!(lines, vec![3, 5]);
        let first = model.references_of(import).next().unwrap().range;
        let name = ast::ExprName {
            range: first,
            node_index: Default::default(),
            id: "mp".into(),
            ctx: ExprContext::Load,
        };
        assert_eq!(model.resolve_load(&name), Some(import));
        assert_eq!(model.load_count("pool"), 1);
    }
}
