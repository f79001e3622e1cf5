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

/// The two ways a main module's top level runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportedAs {
    /// The program's main script: `__name__` is `"__main__"` and the process
    /// is `MainProcess`.
    Main,
    /// A spawn or forkserver child re-importing it: `multiprocessing.spawn.prepare()`
    /// first sets the child's process name (`SpawnProcess-1`, `ForkServerProcess-1`)
    /// and then `_fixup_main_from_path()` runs the file as `__mp_main__`;
    /// `parent_process()` is still `None` then (Lib/multiprocessing/spawn.py,
    /// `prepare`; Lib/multiprocessing/process.py, `_bootstrap` sets
    /// `_parent_process` only after the preparation).
    SpawnChild,
}

/// A test's value where the analysis can tell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Truth {
    True,
    False,
    Unknown,
}

impl Truth {
    fn from_bool(value: bool) -> Truth {
        if value {
            Truth::True
        } else {
            Truth::False
        }
    }

    fn not(self) -> Truth {
        match self {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
        }
    }
}

/// A value a guard compares.
#[derive(Debug, Clone, PartialEq)]
enum Known<'a> {
    Str(&'a str),
    Bool(bool),
    None,
    /// `current_process().name`: `"MainProcess"` in the main script, another
    /// name in a child.
    ProcessName {
        main: bool,
    },
    Unknown,
}

/// Looks through a name bound once to an expression (`IS_MAIN = __name__ == "__main__"`)
/// or a call of a helper that returns one (`def is_main(): return __name__ == ...`).
pub type StandsFor<'r, 'a> = &'r dyn Fn(&Expr) -> Option<&'a Expr>;

const MAX_DEPTH: usize = 8;

/// What a test evaluates to when the module is imported as `imported_as`.
pub fn evaluate<'a>(
    test: &'a Expr,
    imported_as: ImportedAs,
    stands_for: StandsFor<'_, 'a>,
) -> Truth {
    truth(test, imported_as, stands_for, 0)
}

fn truth<'a>(
    test: &'a Expr,
    imported_as: ImportedAs,
    stands_for: StandsFor<'_, 'a>,
    depth: usize,
) -> Truth {
    if depth > MAX_DEPTH {
        return Truth::Unknown;
    }
    match test {
        Expr::BoolOp(bool_op) => {
            let values = bool_op
                .values
                .iter()
                .map(|value| truth(value, imported_as, stands_for, depth + 1));
            let (absorbing, identity) = match bool_op.op {
                ast::BoolOp::And => (Truth::False, Truth::True),
                ast::BoolOp::Or => (Truth::True, Truth::False),
            };
            let mut result = identity;
            for value in values {
                if value == absorbing {
                    return absorbing;
                }
                if value == Truth::Unknown {
                    result = Truth::Unknown;
                }
            }
            result
        }
        Expr::UnaryOp(unary) if unary.op == ast::UnaryOp::Not => {
            truth(&unary.operand, imported_as, stands_for, depth + 1).not()
        }
        Expr::Compare(compare) if compare.ops.len() == 1 => {
            let left = known(&compare.left, imported_as, stands_for, depth + 1);
            let right = &compare.comparators[0];
            match compare.ops[0] {
                CmpOp::Eq => equal(&left, &known(right, imported_as, stands_for, depth + 1)),
                CmpOp::NotEq => {
                    equal(&left, &known(right, imported_as, stands_for, depth + 1)).not()
                }
                CmpOp::In => contains(right, &left, imported_as, stands_for, depth),
                CmpOp::NotIn => contains(right, &left, imported_as, stands_for, depth).not(),
                // `x is None` for `parent_process()`; identity of strings is SPS102's.
                CmpOp::Is | CmpOp::IsNot => {
                    let right = known(right, imported_as, stands_for, depth + 1);
                    let same = match (&left, &right) {
                        (Known::None, Known::None) => Truth::True,
                        (Known::None, Known::Unknown) | (Known::Unknown, Known::None) => {
                            Truth::Unknown
                        }
                        (Known::None, _) | (_, Known::None) => Truth::False,
                        _ => Truth::Unknown,
                    };
                    if compare.ops[0] == CmpOp::Is {
                        same
                    } else {
                        same.not()
                    }
                }
                _ => Truth::Unknown,
            }
        }
        _ => match known(test, imported_as, stands_for, depth + 1) {
            Known::Bool(value) => Truth::from_bool(value),
            Known::Str(text) => Truth::from_bool(!text.is_empty()),
            Known::None => Truth::False,
            Known::ProcessName { .. } => Truth::True,
            Known::Unknown => match stands_for(test) {
                Some(inner) if !std::ptr::eq(inner, test) => {
                    truth(inner, imported_as, stands_for, depth + 1)
                }
                _ => Truth::Unknown,
            },
        },
    }
}

fn equal(left: &Known, right: &Known) -> Truth {
    match (left, right) {
        (Known::Unknown, _) | (_, Known::Unknown) => Truth::Unknown,
        (Known::ProcessName { main }, Known::Str(text))
        | (Known::Str(text), Known::ProcessName { main }) => {
            if *text == "MainProcess" {
                Truth::from_bool(*main)
            } else if *main {
                Truth::False
            } else {
                Truth::Unknown
            }
        }
        (Known::ProcessName { .. }, _) | (_, Known::ProcessName { .. }) => Truth::Unknown,
        (a, b) => Truth::from_bool(a == b),
    }
}

fn contains<'a>(
    container: &'a Expr,
    item: &Known,
    imported_as: ImportedAs,
    stands_for: StandsFor<'_, 'a>,
    depth: usize,
) -> Truth {
    let (Expr::Tuple(ast::ExprTuple { elts, .. })
    | Expr::List(ast::ExprList { elts, .. })
    | Expr::Set(ast::ExprSet { elts, .. })) = container
    else {
        return Truth::Unknown;
    };
    let mut result = Truth::False;
    for element in elts {
        match equal(item, &known(element, imported_as, stands_for, depth + 1)) {
            Truth::True => return Truth::True,
            Truth::Unknown => result = Truth::Unknown,
            Truth::False => {}
        }
    }
    result
}

/// Is `expr` a call of a function named `name` (`current_process()`, `mp.current_process()`)?
fn calls(expr: &Expr, name: &str) -> bool {
    let Expr::Call(call) = expr else { return false };
    let callee = match call.func.as_ref() {
        Expr::Name(callee) => callee.id.as_str(),
        Expr::Attribute(attribute) => attribute.attr.as_str(),
        _ => return false,
    };
    callee == name && call.arguments.is_empty()
}

fn known<'a>(
    expr: &'a Expr,
    imported_as: ImportedAs,
    stands_for: StandsFor<'_, 'a>,
    depth: usize,
) -> Known<'a> {
    if depth > MAX_DEPTH {
        return Known::Unknown;
    }
    let main = imported_as == ImportedAs::Main;
    match expr {
        Expr::Name(name) if name.id.as_str() == "__name__" => {
            Known::Str(if main { "__main__" } else { "__mp_main__" })
        }
        Expr::StringLiteral(literal) => Known::Str(literal.value.to_str()),
        Expr::BooleanLiteral(literal) => Known::Bool(literal.value),
        Expr::NoneLiteral(_) => Known::None,
        Expr::Attribute(attribute)
            if attribute.attr.as_str() == "name" && calls(&attribute.value, "current_process") =>
        {
            Known::ProcessName { main }
        }
        _ if calls(expr, "parent_process") => Known::None,
        Expr::Call(call) => {
            // `__name__.endswith("__main__")`, `.startswith(...)`.
            if let Expr::Attribute(attribute) = call.func.as_ref() {
                let method = attribute.attr.as_str();
                if matches!(method, "endswith" | "startswith") && call.arguments.args.len() == 1 {
                    if let (Known::Str(text), Some(Known::Str(affix))) = (
                        known(&attribute.value, imported_as, stands_for, depth + 1),
                        call.arguments
                            .args
                            .first()
                            .map(|argument| known(argument, imported_as, stands_for, depth + 1)),
                    ) {
                        return Known::Bool(if method == "endswith" {
                            text.ends_with(affix)
                        } else {
                            text.starts_with(affix)
                        });
                    }
                }
            }
            stood_for(expr, imported_as, stands_for, depth)
        }
        Expr::Name(_) => stood_for(expr, imported_as, stands_for, depth),
        _ => Known::Unknown,
    }
}

/// The value of the expression a name or helper call stands for.
fn stood_for<'a>(
    expr: &'a Expr,
    imported_as: ImportedAs,
    stands_for: StandsFor<'_, 'a>,
    depth: usize,
) -> Known<'a> {
    let Some(inner) = stands_for(expr) else {
        return Known::Unknown;
    };
    match truth(inner, imported_as, stands_for, depth + 1) {
        Truth::True => Known::Bool(true),
        Truth::False => Known::Bool(false),
        Truth::Unknown => known(inner, imported_as, stands_for, depth + 1),
    }
}

/// Classifies a module-level test by what it evaluates to in the main script
/// and in a spawn child re-importing it: a test false in the children and not
/// false in the main script guards the main-only code, whatever its spelling
/// (`__name__ != "__mp_main__"`, `current_process().name == "MainProcess"`,
/// `__name__.endswith("__main__")`, a helper returning `__name__ == "__main__"`).
pub fn judge_guard<'a>(test: &'a Expr, stands_for: StandsFor<'_, 'a>) -> GuardTest {
    if let Some(malformed) = malformed_guard(test) {
        return malformed.effect;
    }
    let in_main = evaluate(test, ImportedAs::Main, stands_for);
    let in_child = evaluate(test, ImportedAs::SpawnChild, stands_for);
    match (in_main, in_child) {
        (Truth::True | Truth::Unknown, Truth::False)
            if in_main == Truth::True || mentions_main(test) =>
        {
            GuardTest::Main
        }
        (Truth::False | Truth::Unknown, Truth::True)
            if in_main == Truth::False || mentions_main(test) =>
        {
            GuardTest::NotMain
        }
        _ => GuardTest::None,
    }
}

/// A test that names `__name__` itself (`__name__ == "__main__" and not TESTING`):
/// where it is false in the children, its body runs only in the main script.
fn mentions_main(test: &Expr) -> bool {
    match test {
        Expr::BoolOp(bool_op) => bool_op.values.iter().any(mentions_main),
        Expr::UnaryOp(unary) => mentions_main(&unary.operand),
        Expr::Compare(compare) => std::iter::once(compare.left.as_ref())
            .chain(compare.comparators.iter())
            .any(|operand| matches!(operand, Expr::Name(name) if name.id.as_str() == "__name__")),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judge(source: &str) -> GuardTest {
        let parsed = ruff_python_parser::parse_expression(source).unwrap();
        let expr = parsed.into_expr();
        judge_guard(&expr, &|_| None)
    }

    #[test]
    fn guards_by_what_they_evaluate_to() {
        assert_eq!(judge("__name__ == '__main__'"), GuardTest::Main);
        assert_eq!(judge("'__main__' == __name__"), GuardTest::Main);
        assert_eq!(judge("__name__ != '__main__'"), GuardTest::NotMain);
        assert_eq!(judge("__name__ != '__mp_main__'"), GuardTest::Main);
        assert_eq!(judge("__name__.endswith('__main__')"), GuardTest::Main);
        assert_eq!(
            judge("mp.current_process().name == 'MainProcess'"),
            GuardTest::Main
        );
        assert_eq!(
            judge("current_process().name != 'MainProcess'"),
            GuardTest::NotMain
        );
        assert_eq!(
            judge("__name__ == '__main__' and not TESTING"),
            GuardTest::Main
        );
        assert_eq!(judge("__name__ in ('__main__',)"), GuardTest::Main);
        // True in the spawn child too: not a guard.
        assert_eq!(judge("mp.parent_process() is None"), GuardTest::None);
        assert_eq!(judge("DEBUG"), GuardTest::None);
        assert_eq!(judge("__name__ == '__main__' or DEBUG"), GuardTest::None);
        // Broken guards keep their SPS102 judgement.
        assert_eq!(judge("__name__ == 'main'"), GuardTest::NeverTrue);
        assert_eq!(
            judge("__name__ in ('__main__', '__mp_main__')"),
            GuardTest::AlwaysTrue
        );
    }
}
