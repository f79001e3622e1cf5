//! Main guards written as a call of a helper from another project module
//! (`from utils import is_main_process` ... `if is_main_process():`). The
//! per-module walk cannot see the helper's body; here the helper's returned
//! test is judged by what CPython makes it evaluate to in the main script and
//! in a spawn child re-importing the script (see
//! `spawnsafe_semantic::guards`), and the code it guards is set apart.

use ruff_python_ast::{Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use crate::project::Project;
use crate::semantic::{GuardTest, Value, MODULE_SCOPE};

/// The ranges of a module's top-level code that run only in the main script
/// because an imported project helper guards them.
pub fn main_only_ranges(project: &Project, module: usize) -> Vec<TextRange> {
    let model = &project.models[module];
    let mut ranges = Vec::new();
    for stmt in model.body {
        let Stmt::If(if_stmt) = stmt else {
            continue;
        };
        // Guards the module itself can judge were judged in its walk.
        if model.judge_guard(&if_stmt.test) != GuardTest::None {
            continue;
        }
        match imported_guard(project, module, &if_stmt.test) {
            GuardTest::Main => {
                if let (Some(first), Some(last)) = (if_stmt.body.first(), if_stmt.body.last()) {
                    ranges.push(TextRange::new(first.start(), last.end()));
                }
            }
            GuardTest::NotMain => {
                ranges.extend(
                    if_stmt
                        .elif_else_clauses
                        .iter()
                        .filter(|clause| clause.test.is_none())
                        .map(Ranged::range),
                );
            }
            _ => {}
        }
    }
    ranges
}

/// Judges `helper()` (or `not helper()`) where `helper` is a project
/// function of another module whose body only returns a test.
fn imported_guard(project: &Project, module: usize, test: &Expr) -> GuardTest {
    let (call, negated) = match test {
        Expr::Call(call) => (call, false),
        Expr::UnaryOp(unary) if unary.op == ruff_python_ast::UnaryOp::Not => {
            match unary.operand.as_ref() {
                Expr::Call(call) => (call, true),
                _ => return GuardTest::None,
            }
        }
        _ => return GuardTest::None,
    };
    if !call.arguments.is_empty() {
        return GuardTest::None;
    }
    let Value::Qualified(name) = project.models[module].resolve(&call.func, MODULE_SCOPE) else {
        return GuardTest::None;
    };
    let Some((helper_module, helper)) = project.resolve_function(module, &name) else {
        return GuardTest::None;
    };
    let helper_model = &project.models[helper_module];
    let info = &helper_model.functions[helper];
    let simple = info.def.body.len() <= 2 && info.def.parameters.is_empty() && info.class.is_none();
    let [returned] = info.returns.as_slice() else {
        return GuardTest::None;
    };
    if !simple {
        return GuardTest::None;
    }
    // `__name__` in the helper is its own module's name, never `"__main__"`
    // of the script: only tests of the process itself carry over.
    if mentions_name_dunder(returned) {
        return GuardTest::None;
    }
    let judged = helper_model.judge_guard(returned);
    match (judged, negated) {
        (GuardTest::Main, false) | (GuardTest::NotMain, true) => GuardTest::Main,
        (GuardTest::NotMain, false) | (GuardTest::Main, true) => GuardTest::NotMain,
        _ => GuardTest::None,
    }
}

fn mentions_name_dunder(expr: &Expr) -> bool {
    use ruff_python_ast::visitor::{self, Visitor};
    struct Finder(bool);
    impl<'e> Visitor<'e> for Finder {
        fn visit_expr(&mut self, expr: &'e Expr) {
            if matches!(expr, Expr::Name(name) if name.id.as_str() == "__name__") {
                self.0 = true;
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut finder = Finder(false);
    finder.visit_expr(expr);
    finder.0
}
