//! Guards judged by what CPython makes them evaluate to: the main guard's
//! malformed spellings (always or never true), and the original-process test
//! spawnsafe's own fixes write.

use ruff_python_ast::{self as ast, CmpOp, Expr};

use crate::model::{string_literal, GuardTest};

/// A broken guard: what it does and why.
pub struct MalformedGuard {
    pub effect: GuardTest,
    pub reason: String,
}

fn is_name(expr: &Expr, name: &str) -> bool {
    matches!(expr, Expr::Name(n) if n.id.as_str() == name)
}

/// Looks like `"__main__"` but is not (`"main"`, `"__main"`, `"__Main__ "`).
fn is_misspelt_main(text: &str) -> bool {
    if text == "__main__" || text == "__mp_main__" {
        return false;
    }
    let core = text
        .trim()
        .trim_end_matches(".py")
        .trim_matches('_')
        .to_ascii_lowercase();
    core == "main"
}

/// Classifies an `if` test that was meant as the main guard but is broken.
pub fn malformed_guard(test: &Expr) -> Option<MalformedGuard> {
    match test {
        Expr::StringLiteral(literal) if literal.value.to_str().contains("main") => Some(MalformedGuard {
            effect: GuardTest::AlwaysTrue,
            reason: "a non-empty string is always true: this block also runs when spawn children import the module".into(),
        }),
        Expr::Compare(compare) if compare.ops.len() == 1 => {
            let (left, right) = (&*compare.left, &compare.comparators[0]);
            let op = compare.ops[0];
            // Put `__name__`/`__file__` on the left.
            let (subject, other) = if !is_name(left, "__name__")
                && (is_name(right, "__name__") || is_name(right, "__file__"))
            {
                (right, left)
            } else {
                (left, right)
            };
            let never = |reason: String| MalformedGuard {
                effect: if op == CmpOp::NotEq { GuardTest::AlwaysTrue } else { GuardTest::NeverTrue },
                reason,
            };
            if matches!(op, CmpOp::Eq | CmpOp::NotEq) {
                if is_name(subject, "__name__") {
                    if let Some(text) = string_literal(other) {
                        if is_misspelt_main(text) {
                            return Some(never(format!(
                                "`__name__` is `\"__main__\"` in the main script, never `{text:?}`: this block never runs"
                            )));
                        }
                    }
                    if is_name(other, "__file__") {
                        return Some(never(
                            "`__name__` is never equal to `__file__` (a path): this block never runs".into(),
                        ));
                    }
                    if is_name(other, "__main__") {
                        return Some(never(
                            "`__main__` here is a variable, not the string `\"__main__\"`: this raises `NameError`".into(),
                        ));
                    }
                }
                if is_name(subject, "__file__") && string_literal(other).is_some_and(|text| text.contains("main")) {
                    return Some(never(
                        "`__file__` is the script's path, never the string it is compared with: this block never runs"
                            .into(),
                    ));
                }
                if let (Some(a), Some(b)) = (string_literal(subject), string_literal(other)) {
                    if (a == "__name__" || b == "__name__") && a != b {
                        return Some(never(
                            "this compares two different string literals (`\"__name__\"` is quoted): this block never runs"
                                .into(),
                        ));
                    }
                }
            }
            if matches!(op, CmpOp::Is | CmpOp::IsNot) && is_name(subject, "__name__") && string_literal(other) == Some("__main__") {
                return Some(MalformedGuard {
                    effect: if op == CmpOp::Is { GuardTest::NeverTrue } else { GuardTest::AlwaysTrue },
                    reason: "`is` compares identity, not text: run as `python script.py` on CPython 3.6–3.12 this test is false and the block never runs".into(),
                });
            }
            if op == CmpOp::In && is_name(subject, "__name__") {
                if let Expr::Tuple(ast::ExprTuple { elts, .. })
                | Expr::List(ast::ExprList { elts, .. })
                | Expr::Set(ast::ExprSet { elts, .. }) = other
                {
                    let names: Vec<&str> = elts.iter().filter_map(string_literal).collect();
                    if names.contains(&"__main__") && names.contains(&"__mp_main__") {
                        return Some(MalformedGuard {
                            effect: GuardTest::AlwaysTrue,
                            reason: "spawn children import the main script as `__mp_main__`, so this block runs in them too".into(),
                        });
                    }
                }
            }
            None
        }
        _ => None,
    }
}

/// Is `test` the original-process test this fix writes (whatever names
/// `parent_process` and `current_process` are reached by)?
pub fn is_original_process_test(test: &Expr) -> bool {
    let Expr::BoolOp(bool_op) = test else {
        return false;
    };
    if bool_op.op != ast::BoolOp::And || bool_op.values.len() != 2 {
        return false;
    }
    let no_parent = matches!(&bool_op.values[0], Expr::Compare(compare)
        if compare.ops.len() == 1
            && compare.ops[0] == ast::CmpOp::Is
            && compare.comparators[0].is_none_literal_expr()
            && is_call_of(&compare.left, "parent_process"));
    let not_inheriting = matches!(&bool_op.values[1], Expr::UnaryOp(unary)
        if unary.op == ast::UnaryOp::Not && is_inheriting_lookup(&unary.operand));
    no_parent && not_inheriting
}

/// `getattr(current_process(), "_inheriting", False)`
fn is_inheriting_lookup(expr: &Expr) -> bool {
    let Expr::Call(call) = expr else { return false };
    let args = &call.arguments.args;
    matches!(call.func.as_ref(), Expr::Name(name) if name.id.as_str() == "getattr")
        && call.arguments.keywords.is_empty()
        && args.len() == 3
        && is_call_of(&args[0], "current_process")
        && matches!(&args[1], Expr::StringLiteral(literal) if literal.value.to_str() == "_inheriting")
        && matches!(&args[2], Expr::BooleanLiteral(literal) if !literal.value)
}

/// `name()` or `module.name()` without arguments.
fn is_call_of(expr: &Expr, function: &str) -> bool {
    let Expr::Call(call) = expr else { return false };
    let named = match call.func.as_ref() {
        Expr::Name(name) => name.id.as_str() == function,
        Expr::Attribute(attribute) => attribute.attr.as_str() == function,
        _ => false,
    };
    named && call.arguments.is_empty()
}
