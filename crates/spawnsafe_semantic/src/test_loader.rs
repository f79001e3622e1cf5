//! Test support: whether the one `DataLoader(...)` call of a function may
//! start workers, by the knowledge base and the argument values.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr};

use crate::argvalues::possible_values;
use crate::knowledge::{knowledge, starter};
use crate::model::ModuleModel;

/// Does the one `DataLoader(...)` call in `source`, made in the function or
/// method `at`, start workers? `check` sees the function's model first.
pub(crate) fn loader_may_start_in(
    source: &str,
    at: &str,
    check: impl Fn(&ModuleModel, crate::model::ScopeId),
) -> bool {
    #[derive(Default)]
    struct Loader<'a>(Option<&'a ast::ExprCall>);
    impl<'a> Visitor<'a> for Loader<'a> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Call(call) = expr {
                if matches!(call.func.as_ref(), Expr::Name(n) if n.id.as_str() == "DataLoader") {
                    self.0 = Some(call);
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let parsed = ruff_python_parser::parse_module(source).unwrap();
    let model = ModuleModel::build(parsed.suite());
    let info = model
        .functions
        .iter()
        .find(|info| info.def.name.id.as_str() == at)
        .unwrap();
    check(&model, info.scope);
    let mut finder = Loader::default();
    finder.visit_body(&info.def.body);
    let call = finder.0.unwrap();
    let loader = starter(knowledge().lookup("torch.utils.data.DataLoader").unwrap());
    loader.may_start_with(call, &|expr| possible_values(&model, expr, info.scope))
}
