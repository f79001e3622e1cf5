//! Whether the values a moved lambda would have bound pickle. A lambda that
//! reads variables of the function around it becomes `functools.partial` of a
//! module-level function with those values as keywords; the partial pickles
//! them with it (`functools.partial.__reduce__` returns its `args` and
//! `keywords`), when the child is started. A value the engine knows never
//! pickles (a dict of `queue.Queue`s, a lock, an open file: `objects::classify`
//! through the value-flow walker, into the items of containers) would fail
//! there in place of the lambda, so the fix is refused. A value the engine
//! cannot tell stays allowed, as the fix's unsafe label says.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr};

use crate::contents::pickle_error;
use crate::facts::Shape;
use crate::objects::classify;
use crate::payload::{problems, Walker};
use crate::rules::Checker;
use crate::semantic::{ScopeId, ScopeKind};

/// Does every variable of an enclosing function that `lambda` (written in
/// `scope`) reads hold values that may pickle?
pub fn captured_values_may_pickle<'a>(
    checker: &Checker<'_, '_, 'a>,
    lambda: &'a ast::ExprLambda,
    scope: ScopeId,
) -> bool {
    let project = checker.project;
    let model = &project.models[checker.module];
    let own: Vec<&str> = lambda
        .parameters
        .iter()
        .flat_map(|parameters| parameters.iter())
        .map(|parameter| parameter.name().as_str())
        .collect();
    let mut reads = Reads::default();
    reads.visit_expr(&lambda.body);
    let mut walker = Walker::new(project);
    for expr in reads.names {
        let Expr::Name(name) = expr else { continue };
        if own.contains(&name.id.as_str()) {
            continue;
        }
        let Some((found_in, _)) = model.lookup(name.id.as_str(), scope) else {
            continue;
        };
        if !matches!(model.scopes[found_in].kind, ScopeKind::Function(_)) {
            continue;
        }
        let flows = walker.flows(checker.module, expr, scope, Shape::Whole);
        let found = problems(&flows, &mut |leaf| {
            classify(&mut walker, leaf, None)
                .filter(|kind| pickle_error(project, leaf, kind).is_some())
        });
        if !found.is_empty() {
            return false;
        }
    }
    true
}

/// The names a lambda's body reads.
#[derive(Default)]
struct Reads<'a> {
    names: Vec<&'a Expr>,
}

impl<'a> Visitor<'a> for Reads<'a> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Name(name) = expr {
            if name.ctx == ast::ExprContext::Load {
                self.names.push(expr);
            }
        }
        visitor::walk_expr(self, expr);
    }
}
