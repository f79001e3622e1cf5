//! What a worker's own code does with the terminal: the calls that write to standard
//! output or error, and the reads of standard input (a child's stdin is `os.devnull`).
//! The questions SPS303 and SPS305 ask of each function that runs in a child.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use crate::semantic::{ModuleModel, ScopeId, Value};

/// The standard streams, as qualified names.
fn is_standard_stream(name: &str) -> bool {
    matches!(
        name,
        "sys.stdout" | "sys.stderr" | "sys.__stdout__" | "sys.__stderr__"
    )
}

/// What kind of terminal output a callee writes.
pub fn output_callee(model: &ModuleModel, func: &Expr, scope: ScopeId) -> Option<String> {
    if let Expr::Name(name) = func {
        if name.id.as_str() == "print" && model.lookup("print", scope).is_none() {
            return Some("print".to_string());
        }
    }
    match model.resolve(func, scope) {
        Value::Qualified(name) if name == "builtins.print" => Some("print".to_string()),
        Value::Qualified(name) => {
            let (stream, method) = name.rsplit_once('.')?;
            (is_standard_stream(stream) && matches!(method, "write" | "writelines"))
                .then(|| name.to_string())
        }
        _ => None,
    }
}

/// Does this `print()` call write to a terminal stream (no `file=`, `file=None`,
/// or `file=sys.stdout`/`sys.stderr`)?
fn prints_to_terminal(model: &ModuleModel, call: &ast::ExprCall, scope: ScopeId) -> bool {
    let Some(keyword) = call.arguments.find_keyword("file") else {
        // `print(*args, **kwargs)` may pass a file.
        return !call
            .arguments
            .keywords
            .iter()
            .any(|keyword| keyword.arg.is_none());
    };
    match &keyword.value {
        Expr::NoneLiteral(_) => true,
        value => {
            matches!(model.resolve(value, scope), Value::Qualified(name) if is_standard_stream(&name))
        }
    }
}

struct OutputFinder<'m, 'a> {
    model: &'m ModuleModel<'a>,
    scope: ScopeId,
    /// The calls that write, and what they call.
    found: Vec<(&'a ast::ExprCall, String)>,
}

impl<'a> Visitor<'a> for OutputFinder<'_, 'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            // Nested functions and classes run when called (and are workers then).
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Call(call) = expr {
            if let Some(callee) = output_callee(self.model, &call.func, self.scope) {
                if callee != "print" || prints_to_terminal(self.model, call, self.scope) {
                    self.found.push((call, callee));
                }
            }
        }
        visitor::walk_expr(self, expr);
    }
}

/// The calls in a function body (not in nested functions or classes) that write to the
/// terminal: `print()` without another `file=`, `sys.stdout.write()`, ...; with what they call.
pub fn terminal_output<'a>(
    model: &ModuleModel<'a>,
    body: &'a [Stmt],
    scope: ScopeId,
) -> Vec<(&'a ast::ExprCall, String)> {
    let mut finder = OutputFinder {
        model,
        scope,
        found: Vec::new(),
    };
    finder.visit_body(body);
    finder.found
}

/// Names of the standard input stream.
fn stdin_name(name: &str) -> Option<&'static str> {
    match name {
        "sys.stdin" => Some("sys.stdin"),
        "sys.__stdin__" => Some("sys.__stdin__"),
        _ => None,
    }
}

/// What reads standard input, and what the child gets.
#[derive(Debug, Clone)]
pub enum Read {
    /// `input()`.
    Input,
    /// `sys.stdin.readline()` and friends: the method's qualified name.
    Method(String),
    /// `for line in sys.stdin`.
    Iterate(&'static str),
    /// `json.load(sys.stdin)`: the stream passed to a call, and the callee's range.
    Argument(&'static str, TextRange),
}

struct StdinFinder<'m, 'a> {
    model: &'m ModuleModel<'a>,
    scope: ScopeId,
    found: Vec<(TextRange, Read)>,
    /// The code asks `sys.stdin.isatty()`: it knows the input may not be a terminal.
    checks_tty: bool,
}

impl StdinFinder<'_, '_> {
    fn stream(&self, expr: &Expr) -> Option<&'static str> {
        match self.model.resolve(expr, self.scope) {
            Value::Qualified(name) => stdin_name(&name),
            _ => None,
        }
    }

    /// The stream (or its binary buffer) an expression names.
    fn stream_or_buffer(&self, expr: &Expr) -> Option<&'static str> {
        if let Some(stream) = self.stream(expr) {
            return Some(stream);
        }
        match expr {
            Expr::Attribute(attribute) if attribute.attr.as_str() == "buffer" => {
                self.stream(&attribute.value)
            }
            _ => None,
        }
    }

    fn is_builtin(&self, func: &Expr, names: &[&str]) -> bool {
        matches!(func, Expr::Name(name)
            if names.contains(&name.id.as_str()) && self.model.lookup(name.id.as_str(), self.scope).is_none())
    }

    fn call(&mut self, call: &ast::ExprCall) {
        if self.is_builtin(&call.func, &["input"]) {
            self.found.push((call.range(), Read::Input));
            return;
        }
        if let Expr::Attribute(attribute) = call.func.as_ref() {
            let method = attribute.attr.as_str();
            if method == "isatty" && self.stream(&attribute.value) == Some("sys.stdin") {
                self.checks_tty = true;
                return;
            }
            if let Some(stream) = self.stream_or_buffer(&attribute.value) {
                if stream == "sys.__stdin__"
                    || matches!(
                        method,
                        "read" | "readline" | "readlines" | "read1" | "readinto" | "__next__"
                    )
                {
                    let receiver = match attribute.value.as_ref() {
                        Expr::Attribute(inner) if inner.attr.as_str() == "buffer" => {
                            format!("{stream}.buffer")
                        }
                        _ => stream.to_string(),
                    };
                    self.found
                        .push((call.range(), Read::Method(format!("{receiver}.{method}"))));
                    return;
                }
            }
        }
        // The stream handed to a reader: `json.load(sys.stdin)`, `next(sys.stdin)`.
        if self.is_builtin(
            &call.func,
            &[
                "isinstance",
                "id",
                "type",
                "repr",
                "str",
                "print",
                "hasattr",
                "getattr",
                "callable",
            ],
        ) {
            return;
        }
        for argument in call.arguments.args.iter() {
            if let Some(stream) = self.stream_or_buffer(argument) {
                self.found
                    .push((argument.range(), Read::Argument(stream, call.func.range())));
            }
        }
    }
}

impl<'a> Visitor<'a> for StdinFinder<'_, 'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            // Nested functions and classes run when called (and are workers then).
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
            Stmt::For(for_stmt) => {
                if let Some(stream) = self.stream_or_buffer(&for_stmt.iter) {
                    self.found
                        .push((for_stmt.iter.range(), Read::Iterate(stream)));
                }
                visitor::walk_stmt(self, stmt);
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_comprehension(&mut self, comprehension: &'a ast::Comprehension) {
        if let Some(stream) = self.stream_or_buffer(&comprehension.iter) {
            self.found
                .push((comprehension.iter.range(), Read::Iterate(stream)));
        }
        visitor::walk_comprehension(self, comprehension);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Call(call) = expr {
            self.call(call);
        }
        visitor::walk_expr(self, expr);
    }
}

/// What a function body (not its nested functions or classes) reads from standard input.
pub struct StdinReads {
    /// Each read: where, and how.
    pub found: Vec<(TextRange, Read)>,
    /// The code asks `sys.stdin.isatty()`: it knows the input may not be a terminal.
    pub checks_tty: bool,
}

pub fn stdin_reads(model: &ModuleModel, body: &[Stmt], scope: ScopeId) -> StdinReads {
    let mut finder = StdinFinder {
        model,
        scope,
        found: Vec::new(),
        checks_tty: false,
    };
    finder.visit_body(body);
    StdinReads {
        found: finder.found,
        checks_tty: finder.checks_tty,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantic::FunctionId;

    fn with_first_function<R>(
        source: &str,
        query: impl FnOnce(&ModuleModel, FunctionId) -> R,
    ) -> R {
        let parsed = ruff_python_parser::parse_module(source).expect("valid Python");
        let model = ModuleModel::build(&parsed.syntax().body);
        query(&model, FunctionId::new(0))
    }

    #[test]
    fn terminal_writes() {
        let source = "
import sys

def work(path):
    print('a')
    print('b', file=sys.stderr)
    with open(path, 'w') as f:
        print('c', file=f)
    sys.stdout.write('d')
    def later():
        print('not this one')
";
        let found = with_first_function(source, |model, function| {
            let info = &model.functions[function];
            terminal_output(model, &info.def.body, info.scope)
                .into_iter()
                .map(|(_, callee)| callee)
                .collect::<Vec<_>>()
        });
        assert_eq!(found, vec!["print", "print", "sys.stdout.write"]);
    }

    #[test]
    fn stdin_reads_and_tty_checks() {
        let source = "
import sys, json

def work():
    name = input()
    for line in sys.stdin:
        pass
    data = json.load(sys.stdin)
    return sys.stdin.buffer.read()
";
        let reads = with_first_function(source, |model, function| {
            let info = &model.functions[function];
            stdin_reads(model, &info.def.body, info.scope)
        });
        assert!(!reads.checks_tty);
        let kinds: Vec<String> = reads
            .found
            .iter()
            .map(|(_, read)| match read {
                Read::Input => "input".to_string(),
                Read::Method(name) => name.clone(),
                Read::Iterate(stream) => format!("for {stream}"),
                Read::Argument(stream, _) => format!("arg {stream}"),
            })
            .collect();
        assert_eq!(
            kinds,
            vec![
                "input",
                "for sys.stdin",
                "arg sys.stdin",
                "sys.stdin.buffer.read"
            ]
        );
        let checked =
            "import sys\n\ndef work():\n    if sys.stdin.isatty():\n        return input()\n";
        let reads = with_first_function(checked, |model, function| {
            let info = &model.functions[function];
            stdin_reads(model, &info.def.body, info.scope)
        });
        assert!(reads.checks_tty);
    }
}
