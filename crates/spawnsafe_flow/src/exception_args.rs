//! An exception whose `__init__` passes `super().__init__` a value *derived*
//! from one of its parameters (`stuff.two`, `f"{response.url} failed"`,
//! `str(error)`) and also reads attributes of that parameter.
//!
//! `BaseException.__reduce__` returns `(type(self), self.args, self.__dict__)`
//! (`Objects/exceptions.c`, `BaseException_reduce`), so the receiving process
//! calls `type(self)(*self.args)`: the parameter now receives the derived value,
//! and `__init__` reads the attribute of *that* value. Checked on CPython 3.11:
//! `class MyExc(Exception): def __init__(self, stuff): super().__init__(stuff.two)`
//! re-created from `(2,)` raises `AttributeError: 'int' object has no attribute 'two'`
//! (python/cpython#103061: the pool's result thread dies and `map()` hangs).

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};

/// What `str` has: reading one of these of a message string succeeds.
const STR_ATTRIBUTES: &[&str] = &[
    "capitalize",
    "casefold",
    "center",
    "count",
    "encode",
    "endswith",
    "expandtabs",
    "find",
    "format",
    "format_map",
    "index",
    "isalnum",
    "isalpha",
    "isascii",
    "isdecimal",
    "isdigit",
    "isidentifier",
    "islower",
    "isnumeric",
    "isprintable",
    "isspace",
    "istitle",
    "isupper",
    "join",
    "ljust",
    "lower",
    "lstrip",
    "maketrans",
    "partition",
    "removeprefix",
    "removesuffix",
    "replace",
    "rfind",
    "rindex",
    "rjust",
    "rpartition",
    "rsplit",
    "rstrip",
    "split",
    "splitlines",
    "startswith",
    "strip",
    "swapcase",
    "title",
    "translate",
    "upper",
    "zfill",
];

/// How a value passed to `super().__init__` derives from a parameter.
enum Derived {
    /// `param.attr` (or deeper): a value of unknown type.
    Attribute,
    /// An f-string, `str(param)`, `repr(param)`, `"..." % param`, `"...".format(param)`: a `str`.
    Text,
}

fn is_name(expr: &Expr, name: &str) -> bool {
    matches!(expr, Expr::Name(found) if found.id.as_str() == name)
}

/// Does `expr` mention the name anywhere?
fn mentions(expr: &Expr, name: &str) -> bool {
    struct Finder<'n> {
        name: &'n str,
        found: bool,
    }
    impl<'a> Visitor<'a> for Finder<'_> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if is_name(expr, self.name) {
                self.found = true;
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut finder = Finder { name, found: false };
    finder.visit_expr(expr);
    finder.found
}

fn derived(argument: &Expr, name: &str) -> Option<Derived> {
    match argument {
        Expr::Attribute(attribute) => {
            let mut root = attribute.value.as_ref();
            while let Expr::Attribute(inner) = root {
                root = inner.value.as_ref();
            }
            is_name(root, name).then_some(Derived::Attribute)
        }
        Expr::FString(_) => mentions(argument, name).then_some(Derived::Text),
        Expr::BinOp(binop)
            if matches!(binop.op, ast::Operator::Mod)
                && matches!(binop.left.as_ref(), Expr::StringLiteral(_)) =>
        {
            mentions(&binop.right, name).then_some(Derived::Text)
        }
        Expr::Call(call) => {
            let text_call = match call.func.as_ref() {
                Expr::Name(func) => matches!(func.id.as_str(), "str" | "repr"),
                Expr::Attribute(attribute) => {
                    attribute.attr.as_str() == "format"
                        && matches!(attribute.value.as_ref(), Expr::StringLiteral(_))
                }
                _ => false,
            };
            (text_call
                && call.arguments.keywords.is_empty()
                && call.arguments.args.iter().any(|arg| mentions(arg, name)))
            .then_some(Derived::Text)
        }
        _ => None,
    }
}

/// The attributes of `name` that the body reads (`name.attr`), in order; none
/// when the body rebinds the name, catches errors, or asks what the value is
/// (`isinstance`, `hasattr`, `getattr`): then the read may be guarded.
fn attribute_reads<'a>(body: &'a [Stmt], name: &str) -> Option<Vec<&'a str>> {
    struct Reads<'a, 'n> {
        name: &'n str,
        reads: Vec<&'a str>,
        guarded: bool,
    }
    impl<'a> Visitor<'a> for Reads<'a, '_> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            match stmt {
                Stmt::Try(_) | Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {
                    self.guarded |= matches!(stmt, Stmt::Try(_));
                    if !matches!(stmt, Stmt::Try(_)) {
                        return;
                    }
                }
                _ => {}
            }
            visitor::walk_stmt(self, stmt);
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            match expr {
                Expr::Name(found) if found.id.as_str() == self.name && found.ctx.is_store() => {
                    self.guarded = true;
                }
                Expr::Call(call) => {
                    if let Expr::Name(func) = call.func.as_ref() {
                        if matches!(
                            func.id.as_str(),
                            "isinstance" | "hasattr" | "getattr" | "type"
                        ) {
                            self.guarded = true;
                        }
                    }
                }
                Expr::Attribute(attribute) if is_name(&attribute.value, self.name) => {
                    self.reads.push(attribute.attr.as_str());
                }
                _ => {}
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut reads = Reads {
        name,
        reads: Vec::new(),
        guarded: false,
    };
    reads.visit_body(body);
    (!reads.guarded).then_some(reads.reads)
}

/// The error `cls(*self.args)` raises when `__init__` (`def`, called
/// `qualname`) passed `passed` to `super().__init__`: a parameter receives the
/// value derived from it, and `__init__` reads an attribute that value lacks.
pub fn derived_argument_error(def: &ast::StmtFunctionDef, passed: &[Expr]) -> Option<String> {
    let parameters = &def.parameters;
    let positional: Vec<&ast::ParameterWithDefault> = parameters
        .posonlyargs
        .iter()
        .chain(parameters.args.iter())
        .skip(1)
        .collect();
    for (argument, parameter) in passed.iter().zip(positional) {
        let name = parameter.parameter.name.as_str();
        let Some(derived) = derived(argument, name) else {
            continue;
        };
        let reads = attribute_reads(&def.body, name)?;
        match derived {
            Derived::Text => {
                if let Some(attr) = reads.iter().find(|attr| !STR_ATTRIBUTES.contains(attr)) {
                    return Some(format!(
                        "AttributeError: 'str' object has no attribute '{attr}'"
                    ));
                }
            }
            Derived::Attribute => {
                // `stuff` re-created from the value of `stuff.two`: reading
                // `.two` of that value (of a type not known here) again.
                if let Some(attr) = reads.first() {
                    return Some(format!(
                        "AttributeError: '...' object has no attribute '{attr}'"
                    ));
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use ruff_python_parser::parse_module;

    fn error(source: &str) -> Option<String> {
        let parsed = parse_module(source).unwrap();
        let Stmt::ClassDef(class) = &parsed.syntax().body[0] else {
            panic!()
        };
        let Stmt::FunctionDef(init) = &class.body[0] else {
            panic!()
        };
        let Stmt::Expr(call) = &init.body[0] else {
            panic!()
        };
        let Expr::Call(call) = call.value.as_ref() else {
            panic!()
        };
        derived_argument_error(init, &call.arguments.args)
    }

    #[test]
    fn derived_values_and_guards() {
        assert!(error("class E(Exception):\n    def __init__(self, stuff):\n        super().__init__(stuff.two)\n").is_some());
        assert_eq!(
            error("class E(Exception):\n    def __init__(self, response):\n        super().__init__(f'{response.url} failed')\n        self.status = response.status\n").as_deref(),
            Some("AttributeError: 'str' object has no attribute 'url'")
        );
        // The parameter itself is kept: re-created as it was.
        assert!(error("class E(Exception):\n    def __init__(self, stuff):\n        super().__init__(stuff)\n        self.two = stuff.two\n").is_none());
        // A guarded read may never happen.
        assert!(error("class E(Exception):\n    def __init__(self, stuff):\n        super().__init__(str(stuff))\n        if isinstance(stuff, int):\n            return\n        self.two = stuff.two\n").is_none());
        // A str has `upper`.
        assert!(error("class E(Exception):\n    def __init__(self, msg):\n        super().__init__(str(msg))\n        self.loud = msg.upper()\n").is_none());
    }
}
