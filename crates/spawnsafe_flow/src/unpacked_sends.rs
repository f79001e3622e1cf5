//! What a knowledge-base starter sends through the dicts its call unpacks:
//! `DataLoader(**{"dataset": ds, "worker_init_fn": lambda w: seed(w), ...})`
//! (catalyst's `get_loaders_from_params` builds each loader this way) sends the
//! lambda to every worker as surely as `worker_init_fn=lambda w: ...` does.
//! An argument the call gives by position or keyword is not looked for again.

use ruff_python_ast::{self as ast, Expr};

use crate::semantic::knowledge::{starter, SendKind, SendVia, StarterId};
use crate::semantic::unpacked_values::unpacked_values;
use crate::semantic::{ModuleModel, ScopeId};

/// The values `call` sends to the starter's workers through `**` dicts, each
/// with what it is and the scope to read it in.
pub(crate) fn sent_unpacked<'a>(
    model: &ModuleModel<'a>,
    call: &'a ast::ExprCall,
    id: StarterId,
    scope: ScopeId,
) -> Vec<(&'a Expr, SendKind, SendVia, ScopeId)> {
    if !call.arguments.keywords.iter().any(|k| k.arg.is_none()) {
        return Vec::new();
    }
    let mut sent = Vec::new();
    for send in starter(id)
        .sends
        .iter()
        .filter(|send| send.method.is_none())
    {
        if !matches!(send.kind, SendKind::Callable | SendKind::Object) {
            continue;
        }
        let position = send.position.unwrap_or(usize::MAX);
        if call
            .arguments
            .find_argument_value(&send.argument, position)
            .is_some()
        {
            continue;
        }
        for (value, at) in unpacked_values(model, call, &send.argument, scope) {
            if !value.is_none_literal_expr() {
                sent.push((value, send.kind, send.via.unwrap_or(starter(id).sender), at));
            }
        }
    }
    sent
}
