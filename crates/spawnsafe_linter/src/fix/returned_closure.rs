//! Where a closure factory hands out its nested function: the one place a
//! hoisting fix can bind the captured values with `functools.partial`.
//!
//! ```python
//! def make_runtime(name, replicas):
//!     def run(out): ...          # reads `name` and `replicas`
//!     return run                 # -> return functools.partial(run, name=name, replicas=replicas)
//! ```
//!
//! A closure reads its variables when it is called, a partial binds them when
//! it is made. At a `return` the factory's code has run for good, so the two
//! agree, provided nothing else can rebind them later: no other nested
//! function of the factory declares them `nonlocal`.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};

use super::free_names::count_name_uses;

/// The only use of `name` in `factory`'s body, when it is read in a `return`
/// statement of the factory itself (not inside a lambda, comprehension or
/// nested definition) and none of `captured` is rebound through `nonlocal`.
pub fn returned_use<'a>(
    factory: &'a ast::StmtFunctionDef,
    name: &str,
    captured: &[&str],
) -> Option<&'a ast::ExprName> {
    if count_name_uses(&factory.body, name) != 1 {
        return None;
    }
    let mut finder = Finder {
        name,
        captured,
        in_return: false,
        found: None,
        nonlocal: false,
    };
    finder.visit_body(&factory.body);
    if finder.nonlocal {
        return None;
    }
    finder.found
}

struct Finder<'a, 'n> {
    name: &'n str,
    captured: &'n [&'n str],
    in_return: bool,
    found: Option<&'a ast::ExprName>,
    nonlocal: bool,
}

impl<'a> Visitor<'a> for Finder<'a, '_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::Return(_) => {
                self.in_return = true;
                visitor::walk_stmt(self, stmt);
                self.in_return = false;
            }
            Stmt::Nonlocal(nonlocal) => {
                if nonlocal
                    .names
                    .iter()
                    .any(|n| self.captured.contains(&n.as_str()))
                {
                    self.nonlocal = true;
                }
            }
            // A nested definition's body runs later: only look for `nonlocal`.
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {
                let outer = self.in_return;
                self.in_return = false;
                visitor::walk_stmt(self, stmt);
                self.in_return = outer;
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Name(found) if found.id.as_str() == self.name => {
                if self.in_return {
                    self.found = Some(found);
                }
            }
            // Their own scopes: the value is read when they run, not at the return.
            Expr::Lambda(_)
            | Expr::ListComp(_)
            | Expr::SetComp(_)
            | Expr::DictComp(_)
            | Expr::Generator(_) => {
                let outer = self.in_return;
                self.in_return = false;
                visitor::walk_expr(self, expr);
                self.in_return = outer;
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn factory(source: &str) -> ast::ModModule {
        ruff_python_parser::parse_module(source)
            .unwrap()
            .into_syntax()
    }

    fn found(source: &str, captured: &[&str]) -> bool {
        let module = factory(source);
        let Stmt::FunctionDef(def) = &module.body[0] else {
            panic!("a function first");
        };
        returned_use(def, "inner", captured).is_some()
    }

    #[test]
    fn a_returned_closure_is_found() {
        assert!(found(
            "def make(a):\n    def inner(x):\n        return a + x\n    return inner\n",
            &["a"]
        ));
        assert!(found(
            "def make(a):\n    def inner(x, w):\n        return a + x\n    return {'f': partial(inner, w=2)}\n",
            &["a"]
        ));
    }

    #[test]
    fn other_uses_are_not() {
        // Used before the return, inside a lambda, or rebound through `nonlocal`.
        assert!(!found(
            "def make(a):\n    def inner(x):\n        return a + x\n    f = inner\n    return f\n",
            &["a"]
        ));
        assert!(!found(
            "def make(a):\n    def inner(x):\n        return a + x\n    return lambda: inner\n",
            &["a"]
        ));
        assert!(!found(
            "def make(a):\n    def inner(x):\n        return a + x\n    def bump():\n        nonlocal a\n        a += 1\n    return inner, bump\n",
            &["a"]
        ));
    }
}
