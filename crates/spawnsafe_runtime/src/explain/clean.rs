//! Takes the decorations off pasted text before the traceback parser reads
//! it: what terminals, CI logs, chat, Markdown, pytest and rich put around
//! (or into) CPython's output.
//!
//! Each step works on whole lines and knows one decoration: ANSI colours, a
//! timestamp before every line, 80-column hard wraps that split words,
//! Markdown quotes and fences, typographic quotes, pytest's `E   ` blocks,
//! `____ test ____` banners and `path:12: in f` locations, rich's boxed
//! tracebacks, and log lines that embed an exception
//! (`... raised <class 'AssertionError'> exception: daemonic ...`). What the
//! steps took off is recorded, so that the explanation can say what it read.

use super::traceback::HEADER;

/// The text as CPython printed it, as far as the decorations allow.
#[derive(Debug, Default, Clone)]
pub struct Cleaned {
    pub text: String,
    /// The decorations that were taken off (`"ansi"`, `"wrapped-at-80"`, ...).
    pub removed: Vec<&'static str>,
}

/// Removes every decoration it recognises.
pub fn clean(raw: &str) -> Cleaned {
    let mut removed = Vec::new();
    let mut text = strip_ansi(raw);
    if text.len() != raw.len() {
        removed.push("ansi");
    }
    let mut lines: Vec<String> = text
        .lines()
        .map(|line| line.trim_end_matches('\r').replace('\u{a0}', " "))
        .collect();
    for (name, step) in [
        (
            "timestamps",
            strip_timestamps as fn(&mut Vec<String>) -> bool,
        ),
        ("markdown", strip_markdown),
        ("rich", unbox_rich),
        ("hard-wraps", unwrap_hard_wraps),
        ("pytest", unpytest),
        ("log-embedded", unembed_log_exceptions),
    ] {
        if step(&mut lines) {
            removed.push(name);
        }
    }
    text = lines.join("\n");
    text.push('\n');
    Cleaned { text, removed }
}

/// A token that is a date or a time: `2024-05-01T10:00:00.123Z`, `10:00:00,123`,
/// `[2024-05-01`, `12:00:01]`.
fn is_timestamp_token(token: &str) -> bool {
    let token = token.trim_start_matches('[').trim_end_matches([']', ':']);
    let digits = token.chars().filter(char::is_ascii_digit).count();
    digits >= 4
        && (token.contains(':') || token.matches('-').count() == 2 || token.contains('/'))
        && token
            .chars()
            .all(|c| c.is_ascii_digit() || ":-./,TZ+".contains(c))
}

const LOG_LEVELS: &[&str] = &[
    "DEBUG",
    "INFO",
    "WARNING",
    "WARN",
    "ERROR",
    "CRITICAL",
    "[DEBUG]",
    "[INFO]",
    "[WARNING]",
    "[ERROR]",
    "[CRITICAL]",
];

/// The length of a timestamp prefix (one or two timestamp tokens, an optional
/// log level, and the space after each), or `None`.
fn timestamp_prefix(line: &str) -> Option<usize> {
    let mut end = 0;
    let mut stamps = 0;
    while stamps < 2 {
        let token = line[end..].split(' ').next().unwrap_or("");
        if token.is_empty() || !is_timestamp_token(token) {
            break;
        }
        stamps += 1;
        end += token.len();
        if !line[end..].starts_with(' ') {
            return Some(end);
        }
        // The space after a token is the prefix's; the line's own
        // indentation follows it.
        end += 1;
    }
    if stamps == 0 {
        return None;
    }
    let token = line[end..].split(' ').next().unwrap_or("");
    if LOG_LEVELS.contains(&token.trim_end_matches(':')) {
        end += token.len();
        if line[end..].starts_with(' ') {
            end += 1;
        }
    }
    Some(end)
}

/// CI logs put a timestamp before every line: when most lines have one,
/// remove it from all that do.
#[allow(clippy::ptr_arg)] // every step has the same signature
fn strip_timestamps(lines: &mut Vec<String>) -> bool {
    let non_empty = lines.iter().filter(|line| !line.trim().is_empty()).count();
    let stamped = lines
        .iter()
        .filter(|line| timestamp_prefix(line).is_some())
        .count();
    if stamped < 3 || stamped * 2 < non_empty {
        return false;
    }
    for line in lines.iter_mut() {
        if let Some(end) = timestamp_prefix(line) {
            *line = line[end..].to_string();
        }
    }
    true
}

/// Lines structural enough that a wrapped line never continues into them.
fn starts_structure(line: &str) -> bool {
    let trimmed = line.trim_start();
    trimmed.starts_with("File \"")
        || trimmed.starts_with("Traceback (most recent call last)")
        || line.starts_with("Process ")
}

/// A terminal (or a chat window) breaks lines longer than its width at
/// exactly that column, in the middle of words. The width is the length of
/// the longest lines when at least two lines have it and it is a usual
/// terminal width; each such line is joined with the next one.
fn unwrap_hard_wraps(lines: &mut Vec<String>) -> bool {
    // A box drawn around text (rich's panels) is not wrapped text.
    let lengths: Vec<usize> = lines
        .iter()
        .filter(|line| !line.trim_start().starts_with(BOX_CHARS))
        .map(|line| line.chars().count())
        .collect();
    let Some(&width) = lengths.iter().max() else {
        return false;
    };
    let at_width = lengths.iter().filter(|&&length| length == width).count();
    if at_width < 2 || ![72, 76, 79, 80, 100, 120, 132].contains(&width) {
        return false;
    }
    let mut joined: Vec<String> = Vec::with_capacity(lines.len());
    let mut continuing = false;
    for line in lines.drain(..) {
        let full = line.chars().count() == width && !line.trim_start().starts_with(BOX_CHARS);
        match joined.last_mut() {
            Some(last) if continuing && !starts_structure(&line) => last.push_str(&line),
            _ => joined.push(line),
        }
        continuing = full;
    }
    *lines = joined;
    true
}

/// Markdown: `> ` quotes, ``` fences, a line wrapped in backticks, and the
/// typographic quotes chat programs put in place of `'` and `"`.
fn strip_markdown(lines: &mut Vec<String>) -> bool {
    let mut changed = false;
    let quoted = lines
        .iter()
        .filter(|line| line.starts_with('>') && !line.starts_with(">>>"))
        .count();
    let non_empty = lines.iter().filter(|line| !line.trim().is_empty()).count();
    let strip_quotes = quoted >= 2 && quoted * 2 >= non_empty;
    let mut out = Vec::with_capacity(lines.len());
    for line in lines.drain(..) {
        let mut line = line;
        if strip_quotes {
            while let Some(rest) = line.strip_prefix('>') {
                line = rest.strip_prefix(' ').unwrap_or(rest).to_string();
                changed = true;
            }
        }
        if line.trim_start().starts_with("```") {
            changed = true;
            continue;
        }
        let trimmed = line.trim();
        if trimmed.len() > 2 && trimmed.starts_with('`') && trimmed.ends_with('`') {
            line = line.replacen('`', "", 1);
            if let Some(at) = line.rfind('`') {
                line.remove(at);
            }
            changed = true;
        }
        if line.contains(['\u{2018}', '\u{2019}', '\u{201c}', '\u{201d}']) {
            line = line
                .replace(['\u{2018}', '\u{2019}'], "'")
                .replace(['\u{201c}', '\u{201d}'], "\"");
            changed = true;
        }
        out.push(line);
    }
    *lines = out;
    changed
}

/// pytest's `path:12: in function` and `path:12: Error` location lines.
fn pytest_location(line: &str) -> Option<(&str, u32, Option<&str>)> {
    if line.starts_with(char::is_whitespace) {
        return None;
    }
    let (location, rest) = line.split_once(": ")?;
    let (file, number) = location.rsplit_once(':')?;
    let number: u32 = number.parse().ok()?;
    if !(file.ends_with(".py") || file.ends_with(".pyx") || file.starts_with('<')) {
        return None;
    }
    Some((file, number, rest.strip_prefix("in ")))
}

/// pytest's long and short tracebacks: `____ test_x ____` banners and `_ _ _`
/// separators go, `path:12: in f` becomes a CPython frame line (with the
/// `>` source line pytest printed above it), and the `E   ` block of the
/// exception is dedented to the exception line CPython printed.
fn unpytest(lines: &mut Vec<String>) -> bool {
    let is_e_line = |line: &str| line == "E" || line.starts_with("E  ");
    let has_e_block = lines.iter().any(|line| is_e_line(line));
    let has_banner = lines.iter().any(|line| is_banner(line));
    if !has_e_block && !has_banner {
        return false;
    }
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut source: Option<String> = None;
    let mut index = 0;
    let mut header_written = false;
    while index < lines.len() {
        let line = &lines[index];
        if is_banner(line) || line.trim() == "" && out.last().is_some_and(|l| l.is_empty()) {
            index += 1;
            continue;
        }
        if is_e_line(line) {
            let start = index;
            while index < lines.len() && is_e_line(&lines[index]) {
                index += 1;
            }
            let block: Vec<&str> = lines[start..index]
                .iter()
                .map(|line| line.get(1..).unwrap_or(""))
                .collect();
            let indent = block
                .iter()
                .filter(|line| !line.trim().is_empty())
                .map(|line| line.len() - line.trim_start().len())
                .min()
                .unwrap_or(0);
            for line in block {
                out.push(line.get(indent..).unwrap_or("").to_string());
            }
            continue;
        }
        if let Some(marked) = line.strip_prefix('>') {
            source = Some(marked.trim().to_string());
            index += 1;
            continue;
        }
        if let Some((file, number, function)) = pytest_location(line) {
            if !header_written {
                out.push("Traceback (most recent call last):".to_string());
                header_written = true;
            }
            let function = function.unwrap_or("?");
            out.push(format!("  File \"{file}\", line {number}, in {function}"));
            if let Some(source) = source.take() {
                out.push(format!("    {source}"));
            }
            index += 1;
            continue;
        }
        out.push(line.clone());
        index += 1;
    }
    *lines = out;
    true
}

/// `____ test_name ____`, `_ _ _ _ _`, `==== FAILURES ====`.
fn is_banner(line: &str) -> bool {
    let trimmed = line.trim();
    (trimmed.starts_with("___") && trimmed.ends_with("___"))
        || (trimmed.len() >= 5 && trimmed.chars().all(|c| c == '_' || c == ' '))
        || (trimmed.starts_with("====") && trimmed.ends_with("===="))
}

const BOX_SIDES: &[char] = &['│', '┃', '║'];
const BOX_CHARS: &[char] = &['│', '┃', '║', '╭', '╰', '┏', '┗'];

/// rich's tracebacks: a box whose frames are `path:12 in function`, whose
/// source lines are numbered with `❱` marking the current one, and with
/// `locals` panels inside. Rewritten as CPython's own frame lines.
fn unbox_rich(lines: &mut Vec<String>) -> bool {
    if !lines
        .iter()
        .any(|line| line.trim_start().starts_with('╭') && line.contains("Traceback"))
    {
        return false;
    }
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut in_locals = 0usize;
    // A frame location whose function rich wrapped onto the next line.
    let mut location: Option<(String, String)> = None;
    let mut folded: Option<String> = None;
    // After the box: rich wraps the message at the box's width, at a space.
    let mut box_width = 0;
    let mut after_box = false;
    for line in lines.drain(..) {
        let trimmed = line.trim();
        if trimmed.starts_with('╭') && trimmed.contains("Traceback") {
            out.push("Traceback (most recent call last):".to_string());
            box_width = line.chars().count();
            after_box = false;
            continue;
        }
        if trimmed.starts_with('╰') {
            after_box = true;
            continue;
        }
        let Some(inner) = trimmed
            .strip_prefix(BOX_SIDES)
            .map(|rest| rest.trim_end().trim_end_matches(BOX_SIDES))
        else {
            let joins = after_box
                && out.last().is_some_and(|last| {
                    last.ends_with(' ') && last.chars().count() + 20 >= box_width
                });
            match out.last_mut() {
                Some(last) if joins && !trimmed.is_empty() => last.push_str(&line),
                _ => out.push(line),
            }
            continue;
        };
        let inner = inner.trim();
        // A path longer than the box, folded onto the next line.
        let joined;
        let inner = match folded.take() {
            Some(start) if in_locals == 0 => {
                joined = format!("{start}{inner}");
                joined.as_str()
            }
            _ => inner,
        };
        if in_locals == 0
            && !inner.contains(' ')
            && (inner.contains('/') || inner.contains('\\'))
            && !inner.starts_with('❱')
        {
            folded = Some(inner.to_string());
            continue;
        }
        if let Some((file, number)) = location.take() {
            if in_locals == 0 && !inner.is_empty() {
                out.push(format!("  File \"{file}\", line {number}, in {inner}"));
                continue;
            }
        }
        if let Some(rest) = inner.strip_suffix(" in") {
            if let Some((file, number)) = rest.trim_end().rsplit_once(':') {
                if !number.is_empty() && number.chars().all(|c| c.is_ascii_digit()) {
                    location = Some((file.to_string(), number.to_string()));
                    continue;
                }
            }
        }
        if inner.starts_with('╭') {
            in_locals += 1;
            continue;
        }
        if inner.starts_with('╰') {
            in_locals = in_locals.saturating_sub(1);
            continue;
        }
        if in_locals > 0 || inner.is_empty() {
            continue;
        }
        // `/path/x.py:12 in f` (rich also shortens paths with `…`).
        if let Some((location, function)) = inner.rsplit_once(" in ") {
            if let Some((file, number)) = location.rsplit_once(':') {
                if number.chars().all(|c| c.is_ascii_digit()) && !number.is_empty() {
                    out.push(format!(
                        "  File \"{file}\", line {number}, in {}",
                        function.trim()
                    ));
                    continue;
                }
            }
        }
        if let Some(current) = inner.strip_prefix('❱') {
            let code = current
                .trim_start()
                .trim_start_matches(|c: char| c.is_ascii_digit());
            out.push(format!("    {}", code.trim().replace('│', " ").trim()));
        }
    }
    *lines = out;
    true
}

/// A log line that carries an exception in one line: `... raised <class
/// 'AssertionError'> exception: daemonic ...` or `... raised unexpected:
/// AssertionError('daemonic ...')`. The exception line CPython would print
/// is added under it.
fn unembed_log_exceptions(lines: &mut Vec<String>) -> bool {
    let mut changed = false;
    let mut out = Vec::with_capacity(lines.len());
    for line in lines.drain(..) {
        let embedded = embedded_exception(&line);
        out.push(line);
        if let Some(exception) = embedded {
            out.push(exception);
            changed = true;
        }
    }
    *lines = out;
    changed
}

fn embedded_exception(line: &str) -> Option<String> {
    if !line.starts_with(char::is_whitespace) {
        // Already an exception line (`Type: message`).
        let head = line.split(": ").next().unwrap_or("");
        let short = head.rsplit('.').next().unwrap_or(head);
        let typed = ["Error", "Exception", "Warning", "Interrupt", "Exit", "Pool"]
            .iter()
            .any(|suffix| short.ends_with(suffix));
        if typed && !head.contains(' ') {
            return None;
        }
    }
    if let Some(start) = line.find("<class '") {
        let before = line[..start].to_ascii_lowercase();
        if !(before.contains("raise") || before.contains("exception") || before.contains("error")) {
            return None;
        }
        let rest = &line[start + "<class '".len()..];
        let (type_name, after) = rest.split_once("'>")?;
        let after = after.trim_start();
        let message = after
            .strip_prefix("exception:")
            .or_else(|| after.strip_prefix("exception"))
            .or_else(|| after.strip_prefix(':'))?
            .trim();
        return Some(format!("{type_name}: {message}"));
    }
    // `raised unexpected: AssertionError('daemonic ...')` (Celery's wording),
    // or any `Error('...')` repr after a colon.
    let at = line.find(": ")?;
    let rest = line[at + 2..].trim();
    let open = rest.find("('").or_else(|| rest.find("(\""))?;
    let type_name = &rest[..open];
    let short = type_name.rsplit('.').next().unwrap_or(type_name);
    if !(short.ends_with("Error") || short.ends_with("Exception"))
        || type_name.contains(' ')
        || type_name.is_empty()
    {
        return None;
    }
    let quote = &rest[open + 1..open + 2];
    let body = &rest[open + 2..];
    let close = body.rfind(&format!("{quote})"))?;
    Some(format!("{type_name}: {}", &body[..close]))
}

/// Removes ANSI escape sequences (colours, cursor moves, OSC hyperlinks).
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some('[') => {
                chars.next();
                // CSI: parameters and intermediates, then one final byte in @..~.
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            Some(']') => {
                chars.next();
                // OSC: until BEL or ESC \.
                while let Some(c) = chars.next() {
                    if c == '\u{7}' {
                        break;
                    }
                    if c == '\u{1b}' {
                        if chars.peek() == Some(&'\\') {
                            chars.next();
                        }
                        break;
                    }
                }
            }
            Some(_) => {
                chars.next();
            }
            None => {}
        }
    }
    out
}

/// The shape of a log prefix: digits are any digits (`2024-05-01T10:00:00Z `).
fn shape(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_digit() { '0' } else { c })
        .collect()
}

/// Removes the prefix a CI log puts before every line (a timestamp): the
/// prefix of a `Traceback (most recent call last):` line, removed from every
/// line that starts with a prefix of the same shape.
pub(super) fn strip_log_prefixes(text: &str) -> String {
    let mut shapes: Vec<String> = Vec::new();
    for line in text.lines() {
        if let Some(position) = line.find(HEADER) {
            // `  + Exception Group Traceback ...` is not a log prefix.
            let prefix = line[..position]
                .strip_suffix("+ Exception Group ")
                .map(str::trim_end)
                .unwrap_or(&line[..position]);
            if line[position + HEADER.len()..].trim() == ":"
                && !prefix.trim().is_empty()
                && !shapes.contains(&shape(prefix))
            {
                shapes.push(shape(prefix));
            }
        }
    }
    if shapes.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let mut stripped = line;
        for wanted in &shapes {
            let length = wanted.chars().count();
            let head: String = line.chars().take(length).collect();
            if shape(&head) == *wanted {
                stripped = &line[head.len()..];
                break;
            }
            // A blank log line: the prefix without its trailing space.
            let bare = wanted.trim_end();
            let body = line.trim_end_matches(['\n', '\r']);
            if shape(body) == bare {
                stripped = &line[body.len()..];
                break;
            }
        }
        out.push_str(stripped);
    }
    out
}

/// Takes apart the boxes that Python 3.11+ draws around an exception group
/// and its sub-exceptions (`  + Exception Group Traceback ...`, `  | ` before
/// every line, `+-+---- 1 ----` between them), so that each is read as an
/// ordinary traceback: the group first, then its sub-exceptions in order.
pub(super) fn unbox_exception_groups(text: &str) -> String {
    const GROUP_HEADER: &str = "+ Exception Group Traceback (most recent call last):";
    if !text.contains(GROUP_HEADER) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    // The indentation of the outermost group's `+`, while inside its box. A
    // multi-line message (a child's traceback in a `RemoteTraceback`) is
    // printed without the box prefix: the box ends only with its closing line.
    let mut group_indent: Option<usize> = None;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let ending = &line[body.len()..];
        let mut rest = body.trim_start();
        let indent = body.len() - rest.len();
        let Some(outer) = group_indent else {
            if rest.starts_with(GROUP_HEADER) {
                group_indent = Some(indent);
            } else {
                out.push_str(line);
                continue;
            }
            out.push_str(HEADER);
            out.push_str(":\n");
            continue;
        };
        if !(rest.starts_with('|') || rest.starts_with('+')) {
            out.push_str(line);
            continue;
        }
        if indent == outer + 2 && rest.len() > 1 && rest.chars().skip(1).all(|c| c == '-') {
            group_indent = None;
            out.push_str(ending);
            continue;
        }
        // A nested group's lines carry one box prefix per level.
        let unboxed = loop {
            if rest.starts_with(GROUP_HEADER) {
                break format!("{HEADER}:");
            }
            if rest.starts_with("+-") {
                break String::new();
            }
            match rest.strip_prefix('|') {
                Some(inner) => {
                    let inner = inner.strip_prefix(' ').unwrap_or(inner);
                    let trimmed = inner.trim_start();
                    if trimmed.starts_with('|')
                        || trimmed.starts_with("+-")
                        || trimmed.starts_with(GROUP_HEADER)
                    {
                        rest = trimmed;
                    } else {
                        break inner.to_string();
                    }
                }
                None => break rest.to_string(),
            }
        };
        out.push_str(&unboxed);
        out.push_str(if ending.is_empty() { "" } else { "\n" });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_taken_off_with_their_space_only() {
        let text = "2024-05-01T10:00:00.1Z Traceback (most recent call last):\n2024-05-01T10:00:00.1Z   File \"/a.py\", line 1, in <module>\n2024-05-01T10:00:00.2Z ValueError: x\n";
        let cleaned = clean(text);
        assert_eq!(
            cleaned.text,
            "Traceback (most recent call last):\n  File \"/a.py\", line 1, in <module>\nValueError: x\n"
        );
        let text = "2024-05-01 10:00:00,123 ERROR a\n2024-05-01 10:00:00,124 ERROR   b\n2024-05-01 10:00:00,125 ERROR c\n";
        assert_eq!(clean(text).text, "a\n  b\nc\n");
    }

    #[test]
    fn hard_wraps_are_joined() {
        let long = "x".repeat(75);
        let text = format!("{long}abcde\nfghij\n{long}12345\n678\nshort\n");
        assert_eq!(
            clean(&text).text,
            format!("{long}abcdefghij\n{long}12345678\nshort\n")
        );
    }

    #[test]
    fn pytest_blocks_become_frames_and_exception_lines() {
        let text = "____ test_pool ____\n\n    def test_pool():\n>       with Pool(2) as p:\n\ntests/test_x.py:5: \n/usr/lib/python3.11/multiprocessing/spawn.py:140: in _check_not_importing_main\nE   RuntimeError: \nE           An attempt has been made\n";
        let cleaned = clean(text).text;
        assert!(cleaned.contains("  File \"/usr/lib/python3.11/multiprocessing/spawn.py\", line 140, in _check_not_importing_main\n"), "{cleaned}");
        assert!(
            cleaned.contains("\nRuntimeError: \n        An attempt"),
            "{cleaned}"
        );
    }

    #[test]
    fn log_lines_embedding_exceptions() {
        assert_eq!(
            embedded_exception("2024 worker raised <class 'AssertionError'> exception: daemonic processes are not allowed to have children").as_deref(),
            Some("AssertionError: daemonic processes are not allowed to have children")
        );
        assert_eq!(
            embedded_exception(
                "[x] Task t[1] raised unexpected: AssertionError('daemonic processes')"
            )
            .as_deref(),
            Some("AssertionError: daemonic processes")
        );
        assert_eq!(embedded_exception("ValueError: x"), None);
    }
}
