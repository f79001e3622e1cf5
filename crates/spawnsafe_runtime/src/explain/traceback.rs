//! A parser of Python traceback text: what CPython prints on stderr, pasted
//! from a console or a CI log, or what IPython/Jupyter prints (with or without
//! ANSI colours).
//!
//! It reads every traceback in the text, in order: frames (file, line,
//! function, source line), the exception (type and message), the chain between
//! exceptions ("The above exception was the direct cause…", "During handling…"),
//! the child tracebacks that `multiprocessing.pool.RemoteTraceback` and
//! `concurrent.futures.process._RemoteTraceback` embed between `"""` lines, and
//! the `Process SpawnProcess-1:` header a multiprocessing child prints before
//! its traceback. Interleaved child tracebacks (several children writing to one
//! stderr at once) are taken apart as far as the lines allow: a traceback
//! interrupted by another one is resumed when the other one ends.

use serde::Serialize;

/// One frame of a traceback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Frame {
    /// The path as printed (`/home/me/job.py`, `C:\work\job.py`, `<frozen runpy>`, `Cell In[3]`).
    pub file: String,
    pub line: Option<u32>,
    pub function: Option<String>,
    /// The source line CPython showed, without its indentation.
    pub source: Option<String>,
}

/// How an exception is linked to the one printed before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Chain {
    /// "The above exception was the direct cause of the following exception:"
    DirectCause,
    /// "During handling of the above exception, another exception occurred:"
    DuringHandling,
}

/// An exception and the traceback that led to it.
#[derive(Debug, Clone, Serialize)]
pub struct Exception {
    /// The type as printed: `RuntimeError`, `_pickle.PicklingError`,
    /// `concurrent.futures.process.BrokenProcessPool`.
    pub type_name: String,
    /// The message: everything after `Type: `, over several lines when it has them.
    pub message: String,
    pub frames: Vec<Frame>,
    /// The 1-based line of the input where the exception line is.
    pub input_line: usize,
    /// The index (in [`Parsed::exceptions`]) of the exception printed above
    /// this one, and how they are linked.
    pub chained_from: Option<(usize, Chain)>,
    /// The multiprocessing child that printed it (`SpawnProcess-1`), from a
    /// `Process SpawnProcess-1:` header.
    pub process: Option<String>,
    /// It was printed inside a `RemoteTraceback` block: it happened in a child.
    pub remote: bool,
    /// No traceback came before it: a bare `Type: message` line.
    pub bare: bool,
    /// Its frames came without a `Traceback (most recent call last):` header
    /// (the paste starts in the middle of the traceback).
    pub headerless: bool,
    /// The text ends (or another traceback starts for good) before the
    /// exception line: only the frames are known, `type_name` is empty.
    pub truncated: bool,
    /// Notes printed under the exception (3.14's "when serializing dict item '_lock'").
    pub notes: Vec<String>,
}

impl Exception {
    /// The type without its module: `PicklingError` for `_pickle.PicklingError`.
    pub fn short_type(&self) -> &str {
        self.type_name.rsplit('.').next().unwrap_or(&self.type_name)
    }

    /// The first line of the message.
    pub fn first_message_line(&self) -> &str {
        self.message
            .lines()
            .map(str::trim)
            .find(|line| !line.is_empty())
            .unwrap_or("")
    }

    /// `Type: message` on one line, the message's lines joined by spaces.
    pub fn summary(&self) -> String {
        let message = self
            .message
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if message.is_empty() {
            self.type_name.clone()
        } else {
            format!("{}: {message}", self.type_name)
        }
    }
}

/// Everything the parser found in the text.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Parsed {
    /// In the order their exception lines appear (an embedded child traceback
    /// before the exception it caused).
    pub exceptions: Vec<Exception>,
    /// How many `Traceback (most recent call last)` headers the text has.
    pub tracebacks: usize,
    /// The decorations taken off the text before it was read.
    pub removed: Vec<&'static str>,
    /// The text as it was read, after the decorations were taken off.
    pub cleaned: String,
}

pub(super) const HEADER: &str = "Traceback (most recent call last)";
const DIRECT_CAUSE: &str = "The above exception was the direct cause of the following exception:";
const DURING_HANDLING: &str = "During handling of the above exception, another exception occurred:";

/// Parses every traceback in `text`.
pub fn parse(text: &str) -> Parsed {
    let cleaned = super::clean::clean(text);
    let text = super::clean::strip_log_prefixes(&cleaned.text);
    let text = super::clean::unbox_exception_groups(&text);
    let lines: Vec<&str> = text
        .lines()
        .map(|line| line.trim_end_matches('\r'))
        .collect();
    let mut parser = Parser::default();
    parser.run(&lines, 0, false);
    Parsed {
        exceptions: parser.exceptions,
        tracebacks: parser.tracebacks,
        removed: cleaned.removed,
        cleaned: text,
    }
}

/// A traceback being read.
#[derive(Debug, Default)]
struct Open {
    frames: Vec<Frame>,
    process: Option<String>,
    chained_from: Option<(usize, Chain)>,
    /// IPython's style: frames are `Cell In[3], line 5` / `File path:12, in f()`.
    ipython: bool,
    /// Opened by a frame line, with no header before it.
    headerless: bool,
}

#[derive(Default)]
struct Parser {
    exceptions: Vec<Exception>,
    tracebacks: usize,
}

impl Parser {
    fn run(&mut self, lines: &[&str], line_offset: usize, remote: bool) {
        // Interrupted tracebacks, innermost last.
        let mut stack: Vec<Open> = Vec::new();
        let mut pending_process: Option<String> = None;
        let mut pending_chain: Option<Chain> = None;
        // The exception a chain separator links to: the last one finished here.
        let mut last_exception: Option<usize> = None;
        let mut index = 0;
        while index < lines.len() {
            let line = lines[index];
            let trimmed = line.trim();

            if let Some(position) = line.find(HEADER) {
                let after = line[position + HEADER.len()..].trim();
                let before = &line[..position];
                let ipython = after.is_empty() && is_exception_type(before.trim());
                if after == ":" || ipython {
                    self.tracebacks += 1;
                    stack.push(Open {
                        process: pending_process.take(),
                        chained_from: pending_chain
                            .take()
                            .and_then(|chain| last_exception.map(|last| (last, chain))),
                        ipython,
                        ..Open::default()
                    });
                    index += 1;
                    continue;
                }
            }
            if trimmed == DIRECT_CAUSE || trimmed == DURING_HANDLING {
                pending_chain = Some(if trimmed == DIRECT_CAUSE {
                    Chain::DirectCause
                } else {
                    Chain::DuringHandling
                });
                index += 1;
                continue;
            }
            if let Some(name) = process_header(trimmed) {
                pending_process = Some(name.to_string());
                index += 1;
                continue;
            }
            if stack.is_empty() {
                // A frame with no header above it: the paste starts in the
                // middle of a traceback, which is still evidence.
                if let Some(frame) = standard_frame(line) {
                    stack.push(Open {
                        frames: vec![frame],
                        process: pending_process.take(),
                        headerless: true,
                        ..Open::default()
                    });
                    index += 1;
                    continue;
                }
            }
            let Some(open) = stack.last_mut() else {
                // Outside a traceback: a bare exception line, or the header
                // line of an embedded child traceback.
                if let Some((type_name, message)) = exception_line(line) {
                    if let Some(end) = remote_block(lines, index, type_name) {
                        self.run(&lines[index + 2..end], line_offset + index + 2, true);
                        last_exception = self.exceptions.len().checked_sub(1);
                        index = end + 1;
                        continue;
                    }
                    let (message, notes, next) = read_message(lines, index, message);
                    self.exceptions.push(Exception {
                        type_name: type_name.to_string(),
                        message,
                        frames: Vec::new(),
                        input_line: line_offset + index + 1,
                        chained_from: None,
                        process: pending_process.take(),
                        remote,
                        bare: true,
                        headerless: false,
                        truncated: false,
                        notes,
                    });
                    last_exception = Some(self.exceptions.len() - 1);
                    index = next;
                    continue;
                }
                index += 1;
                continue;
            };

            if open.ipython {
                if let Some(frame) = ipython_frame(line) {
                    open.frames.push(frame);
                    index += 1;
                    continue;
                }
                if let Some((number, source)) = ipython_marked_line(line) {
                    if let Some(frame) = open.frames.last_mut() {
                        if frame.line.is_none() {
                            frame.line = Some(number);
                        }
                        if frame.source.is_none() {
                            frame.source = Some(source.to_string());
                        }
                    }
                    index += 1;
                    continue;
                }
                if trimmed.is_empty()
                    || trimmed.starts_with("---")
                    || line.starts_with(' ')
                    || trimmed == "..."
                {
                    index += 1;
                    continue;
                }
            } else if let Some(frame) = standard_frame(line) {
                if open.headerless && starts_another_stack(&open.frames, &frame) {
                    // Tracebacks pasted without their headers: a module's
                    // top level that nothing in this stack ran is another one.
                    let finished = stack.pop().unwrap_or_default();
                    self.push_truncated(finished, line_offset + index, remote);
                    stack.push(Open {
                        frames: vec![frame],
                        headerless: true,
                        ..Open::default()
                    });
                } else {
                    open.frames.push(frame);
                }
                index += 1;
                continue;
            } else if line.starts_with("    ") && !trimmed.is_empty() {
                // The source line of the frame above, or its carets.
                let is_carets = trimmed.chars().all(|c| matches!(c, '^' | '~' | '-' | ' '));
                if let Some(frame) = open.frames.last_mut() {
                    if !is_carets && frame.source.is_none() && !trimmed.starts_with('[') {
                        frame.source = Some(trimmed.to_string());
                    }
                }
                index += 1;
                continue;
            } else if trimmed.is_empty() || trimmed.starts_with("[Previous line repeated") {
                index += 1;
                continue;
            }

            if let Some((type_name, message)) = exception_line(line) {
                if let Some(end) = remote_block(lines, index, type_name) {
                    // IPython opens a traceback for the wrapper itself.
                    stack.pop();
                    self.run(&lines[index + 2..end], line_offset + index + 2, true);
                    last_exception = self.exceptions.len().checked_sub(1);
                    index = end + 1;
                    continue;
                }
                let open = stack.pop().unwrap_or_default();
                let (message, notes, next) = read_message(lines, index, message);
                self.exceptions.push(Exception {
                    type_name: type_name.to_string(),
                    message,
                    frames: open.frames,
                    input_line: line_offset + index + 1,
                    chained_from: open.chained_from,
                    process: open.process,
                    remote,
                    bare: false,
                    headerless: open.headerless,
                    truncated: false,
                    notes,
                });
                last_exception = Some(self.exceptions.len() - 1);
                index = next;
                continue;
            }
            // An unrelated line (a log message, a warning): the traceback was cut off.
            index += 1;
        }
        // Tracebacks the text ends inside: their frames are what is known.
        for open in stack {
            self.push_truncated(open, line_offset + lines.len(), remote);
        }
    }

    /// A traceback with frames and no exception line.
    fn push_truncated(&mut self, open: Open, input_line: usize, remote: bool) {
        if open.frames.is_empty() {
            return;
        }
        self.exceptions.push(Exception {
            type_name: String::new(),
            message: String::new(),
            frames: open.frames,
            input_line,
            chained_from: open.chained_from,
            process: open.process,
            remote,
            bare: false,
            headerless: open.headerless,
            truncated: true,
            notes: Vec::new(),
        });
    }
}

/// Functions that run a module's top level (`<module>` frames follow them).
const RUNS_MODULES: &[&str] = &[
    "_run_code",
    "_run_module_code",
    "_call_with_frames_removed",
    "exec_module",
    "_exec",
    "_load_unlocked",
    "run_path",
    "run_module",
    "_run_module_as_main",
    "_fixup_main_from_path",
    "_fixup_main_from_name",
    "import_main_path",
    "_main",
];

/// `frame` cannot be called from the last frame of `frames`: a module's top
/// level under a frame that does not run modules (or the `<string>` line a
/// spawn child starts with) begins another traceback.
fn starts_another_stack(frames: &[Frame], frame: &Frame) -> bool {
    let Some(last) = frames.last() else {
        return false;
    };
    if frame.function.as_deref() != Some("<module>") {
        return false;
    }
    let caller = last.function.as_deref().unwrap_or("");
    frame.file == "<string>" || !(RUNS_MODULES.contains(&caller) || caller == "<module>")
}

/// `Process SpawnProcess-1:` → `SpawnProcess-1`.
fn process_header(line: &str) -> Option<&str> {
    let name = line.strip_prefix("Process ")?.strip_suffix(':')?;
    (!name.is_empty() && !name.contains(' ')).then_some(name)
}

/// A dotted identifier that can name an exception type.
fn is_exception_type(text: &str) -> bool {
    !text.is_empty()
        && text.split('.').all(|part| {
            let mut chars = part.chars();
            chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
                && chars.all(|c| c.is_alphanumeric() || c == '_')
        })
}

/// `Type: message` or `Type` at the start of a line (not indented).
fn exception_line(line: &str) -> Option<(&str, &str)> {
    if line.starts_with(char::is_whitespace) {
        return None;
    }
    let (type_name, message) = match line.find(':') {
        Some(colon) => {
            let rest = &line[colon + 1..];
            if !(rest.is_empty() || rest.starts_with(' ')) {
                return None;
            }
            (&line[..colon], rest.strip_prefix(' ').unwrap_or(rest))
        }
        None => (line, ""),
    };
    if !is_exception_type(type_name) {
        return None;
    }
    // A bare word is an exception only when it is named like one (`KeyboardInterrupt`).
    if message.is_empty() && !line.contains(':') && !looks_like_exception_name(type_name) {
        return None;
    }
    Some((type_name, message))
}

fn looks_like_exception_name(type_name: &str) -> bool {
    let short = type_name.rsplit('.').next().unwrap_or(type_name);
    [
        "Error",
        "Exception",
        "Interrupt",
        "Exit",
        "Pool",
        "Iteration",
        "Warning",
    ]
    .iter()
    .any(|suffix| short.ends_with(suffix))
}

/// The message of the exception line at `index`: its first line, then the
/// indented or blank lines that follow (the bootstrapping RuntimeError spans
/// 15 lines). Returns the message and the index of the next line to read.
fn read_message(lines: &[&str], index: usize, first: &str) -> (String, Vec<String>, usize) {
    let mut message = vec![first.to_string()];
    let mut next = index + 1;
    while next < lines.len() {
        let line = lines[next];
        if !(line.trim().is_empty() || line.starts_with(char::is_whitespace)) {
            break;
        }
        if line.contains(HEADER)
            || line.trim() == DIRECT_CAUSE
            || line.trim() == DURING_HANDLING
            || standard_frame(line).is_some()
        {
            break;
        }
        message.push(line.to_string());
        next += 1;
    }
    while message.len() > 1 && message.last().is_some_and(|line| line.trim().is_empty()) {
        message.pop();
    }
    // 3.11+ prints an exception's notes under it, unindented; 3.14's pickle
    // adds "when serializing ..." notes with the path to the failing object.
    let mut notes = Vec::new();
    while let Some(line) = lines.get(next) {
        if !line.starts_with("when serializing ") {
            break;
        }
        notes.push(line.trim().to_string());
        next += 1;
    }
    (message.join("\n"), notes, next)
}

/// For `…RemoteTraceback: ` followed by a `"""` line: the index of the closing `"""`.
fn remote_block(lines: &[&str], index: usize, type_name: &str) -> Option<usize> {
    if !type_name.ends_with("RemoteTraceback") {
        return None;
    }
    let quote = lines.get(index + 1)?.trim();
    if quote != "\"\"\"" && quote != "'''" {
        return None;
    }
    (index + 2..lines.len()).find(|&end| lines[end].trim() == quote)
}

/// `  File "path", line 12, in function` (CPython's own format).
fn standard_frame(line: &str) -> Option<Frame> {
    let rest = line.trim_start().strip_prefix("File \"")?;
    if !line.starts_with(' ') {
        return None;
    }
    let quote = rest.rfind("\", line ").or_else(|| rest.rfind('"'))?;
    let file = &rest[..quote];
    let after = &rest[quote + 1..];
    let mut line_number = None;
    let mut function = None;
    for part in after.split(", ") {
        let part = part.trim();
        if let Some(number) = part.strip_prefix("line ") {
            line_number = number.trim().parse().ok();
        } else if let Some(name) = part.strip_prefix("in ") {
            function = Some(name.trim().to_string());
        }
    }
    Some(Frame {
        file: file.to_string(),
        line: line_number,
        function,
        source: None,
    })
}

/// IPython's frame headers: `Cell In[3], line 5`, `Cell In[5], line 3, in f(x)`,
/// `File /path/x.py:12, in f(a, b)`, `File ~/x.py:12`, and the older
/// `<ipython-input-3-ab12> in <module>` and `/path/x.py in f(a, b)`.
fn ipython_frame(line: &str) -> Option<Frame> {
    if line.starts_with(char::is_whitespace) {
        return None;
    }
    if let Some(rest) = line.strip_prefix("Cell In[") {
        let close = rest.find(']')?;
        let file = format!("Cell In[{}]", &rest[..close]);
        let mut frame = Frame {
            file,
            line: None,
            function: None,
            source: None,
        };
        for part in rest[close + 1..].split(", ") {
            if let Some(number) = part.trim().strip_prefix("line ") {
                frame.line = number.trim().parse().ok();
            } else if let Some(function) = part.trim().strip_prefix("in ") {
                frame.function = Some(function_name(function));
            }
        }
        return Some(frame);
    }
    if let Some(rest) = line.strip_prefix("File ") {
        let (location, function) = match rest.rfind(", in ") {
            Some(at) => (&rest[..at], Some(function_name(&rest[at + 5..]))),
            None => (rest, None),
        };
        let (file, number) = match location.rsplit_once(':') {
            Some((file, number)) if number.chars().all(|c| c.is_ascii_digit()) => {
                (file, number.parse().ok())
            }
            _ => (location, None),
        };
        return Some(Frame {
            file: file.to_string(),
            line: number,
            function,
            source: None,
        });
    }
    // Older IPython: `path in function(args)`.
    let at = line.find(" in ")?;
    let file = &line[..at];
    let looks_like_path = file.starts_with("<ipython-input-")
        || file.contains('/')
        || file.contains('\\')
        || file.starts_with('~');
    if !looks_like_path || file.contains(": ") {
        return None;
    }
    Some(Frame {
        file: file.to_string(),
        line: None,
        function: Some(function_name(&line[at + 4..])),
        source: None,
    })
}

/// `f(a, b)` → `f`; `<module>` stays.
fn function_name(text: &str) -> String {
    let text = text.trim();
    if text.starts_with('<') {
        return text.to_string();
    }
    text.split('(').next().unwrap_or(text).trim().to_string()
}

/// IPython's marked line: `----> 5     pool.map(f, xs)` or `--> 367 return …`.
fn ipython_marked_line(line: &str) -> Option<(u32, &str)> {
    let rest = line.trim_start().strip_prefix("--")?;
    let rest = rest.trim_start_matches('-').strip_prefix('>')?;
    let rest = rest.trim_start();
    let digits = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let number = rest[..digits].parse().ok()?;
    Some((number, rest[digits..].trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_exception_groups_are_unboxed() {
        // CPython 3.11.7's output for a group holding a ValueError and a group.
        let text = "  + Exception Group Traceback (most recent call last):\n  |   File \"<string>\", line 4, in <module>\n  |   File \"<string>\", line 3, in f\n  | ExceptionGroup: outer (2 sub-exceptions)\n  +-+---------------- 1 ----------------\n    | ValueError: v\n    +---------------- 2 ----------------\n    | ExceptionGroup: inner (1 sub-exception)\n    +-+---------------- 1 ----------------\n      | RuntimeError: Queue objects should only be shared between processes through inheritance\n      +------------------------------------\nafter\n";
        let parsed = parse(text);
        let seen: Vec<(&str, &str)> = parsed
            .exceptions
            .iter()
            .map(|exception| (exception.type_name.as_str(), exception.message.as_str()))
            .collect();
        assert_eq!(
            seen,
            [
                ("ExceptionGroup", "outer (2 sub-exceptions)"),
                ("ValueError", "v"),
                ("ExceptionGroup", "inner (1 sub-exception)"),
                (
                    "RuntimeError",
                    "Queue objects should only be shared between processes through inheritance"
                ),
            ]
        );
        assert_eq!(parsed.exceptions[0].frames.len(), 2);
        assert_eq!(parsed.tracebacks, 1);
    }

    #[test]
    fn standard_traceback_with_frames_and_message() {
        let text = "Traceback (most recent call last):\n  File \"/home/a/job.py\", line 6, in <module>\n    pool = Pool(2)\n           ^^^^^^^\n  File \"<frozen runpy>\", line 88, in _run_code\nRuntimeError: \n        An attempt has been made\n\n        more\n        \n";
        let parsed = parse(text);
        assert_eq!(parsed.tracebacks, 1);
        let exception = &parsed.exceptions[0];
        assert_eq!(exception.type_name, "RuntimeError");
        assert_eq!(exception.first_message_line(), "An attempt has been made");
        assert_eq!(exception.frames.len(), 2);
        assert_eq!(exception.frames[0].file, "/home/a/job.py");
        assert_eq!(exception.frames[0].line, Some(6));
        assert_eq!(
            exception.frames[0].source.as_deref(),
            Some("pool = Pool(2)")
        );
        assert_eq!(exception.frames[1].source, None);
    }

    #[test]
    fn remote_traceback_becomes_the_cause() {
        let text = "multiprocessing.pool.RemoteTraceback: \n\"\"\"\nTraceback (most recent call last):\n  File \"C:\\work\\job.py\", line 7, in outer\n    with Pool(2) as pool:\nAssertionError: daemonic processes are not allowed to have children\n\"\"\"\n\nThe above exception was the direct cause of the following exception:\n\nTraceback (most recent call last):\n  File \"C:\\work\\job.py\", line 12, in <module>\n    print(pool.map(outer, [2, 3]))\nAssertionError: daemonic processes are not allowed to have children\n";
        let parsed = parse(text);
        assert_eq!(parsed.exceptions.len(), 2);
        assert!(parsed.exceptions[0].remote);
        assert_eq!(parsed.exceptions[0].frames[0].file, "C:\\work\\job.py");
        assert_eq!(
            parsed.exceptions[1].chained_from,
            Some((0, Chain::DirectCause))
        );
        assert!(!parsed.exceptions[1].remote);
    }

    #[test]
    fn ipython_traceback_with_ansi_colours() {
        let text = "\u{1b}[0;31m---------------------------------------------------------------------------\u{1b}[0m\n\u{1b}[0;31mPicklingError\u{1b}[0m                             Traceback (most recent call last)\nCell \u{1b}[0;32mIn[3], line 5\u{1b}[0m\n\u{1b}[1;32m      3\u{1b}[0m \u{1b}[38;5;28;01mwith\u{1b}[39;00m Pool(\u{1b}[38;5;241m2\u{1b}[39m) \u{1b}[38;5;28;01mas\u{1b}[39;00m pool:\n\u{1b}[0;32m----> 5\u{1b}[0m     pool\u{1b}[38;5;241m.\u{1b}[39mmap(\u{1b}[38;5;28;01mlambda\u{1b}[39;00m x: x, \u{1b}[38;5;28mrange\u{1b}[39m(\u{1b}[38;5;241m3\u{1b}[39m))\n\nFile \u{1b}[0;32m/usr/lib/python3.11/multiprocessing/pool.py:367\u{1b}[0m, in \u{1b}[0;36mPool.map\u{1b}[0;34m(self, func, iterable, chunksize)\u{1b}[0m\n\u{1b}[0;32m--> 367\u{1b}[0m     \u{1b}[38;5;28;01mreturn\u{1b}[39;00m \u{1b}[38;5;28mself\u{1b}[39m\u{1b}[38;5;241m.\u{1b}[39m_map_async(func)\u{1b}[38;5;241m.\u{1b}[39mget()\n\n\u{1b}[0;31mPicklingError\u{1b}[0m: Can't pickle <function <lambda> at 0x7f>: attribute lookup <lambda> on __main__ failed\n";
        let parsed = parse(text);
        assert_eq!(parsed.tracebacks, 1);
        let exception = &parsed.exceptions[0];
        assert_eq!(exception.type_name, "PicklingError");
        assert_eq!(exception.frames.len(), 2);
        assert_eq!(exception.frames[0].file, "Cell In[3]");
        assert_eq!(exception.frames[0].line, Some(5));
        assert_eq!(
            exception.frames[0].source.as_deref(),
            Some("pool.map(lambda x: x, range(3))")
        );
        assert_eq!(
            exception.frames[1].file,
            "/usr/lib/python3.11/multiprocessing/pool.py"
        );
        assert_eq!(exception.frames[1].line, Some(367));
        assert_eq!(exception.frames[1].function.as_deref(), Some("Pool.map"));
    }

    #[test]
    fn interleaved_tracebacks_resume() {
        let text = "Traceback (most recent call last):\n  File \"/a.py\", line 1, in <module>\nTraceback (most recent call last):\n  File \"/b.py\", line 2, in <module>\nValueError: b\n  File \"/a2.py\", line 3, in f\nKeyError: 'a'\n";
        let parsed = parse(text);
        assert_eq!(parsed.exceptions.len(), 2);
        assert_eq!(parsed.exceptions[0].frames[0].file, "/b.py");
        assert_eq!(parsed.exceptions[1].frames.len(), 2);
    }

    #[test]
    fn log_prefixes_and_process_headers() {
        let text = "2024-05-01T10:00:00Z Traceback (most recent call last):\n2024-05-01T10:00:01Z   File \"/a.py\", line 1, in <module>\n2024-05-01T10:00:02Z ValueError: x\nProcess SpawnProcess-3:\nTraceback (most recent call last):\n  File \"/b.py\", line 2, in run\nEOFError: EOF when reading a line\n";
        let parsed = parse(text);
        assert_eq!(parsed.exceptions.len(), 2);
        assert_eq!(parsed.exceptions[0].frames[0].file, "/a.py");
        assert_eq!(parsed.exceptions[0].type_name, "ValueError");
        assert_eq!(
            parsed.exceptions[1].process.as_deref(),
            Some("SpawnProcess-3")
        );
    }

    #[test]
    fn not_exception_lines() {
        assert!(exception_line("C:\\work\\x.py in f()").is_none());
        assert!(exception_line("Process SpawnProcess-1:").is_none());
        assert!(exception_line("hello world").is_none());
        assert!(exception_line("KeyboardInterrupt").is_some());
        assert!(exception_line("ValueError: x").is_some());
        assert!(exception_line("  ValueError: x").is_none());
    }
}
