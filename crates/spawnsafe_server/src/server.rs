//! The server's state and its message loop: one thread reads messages, the
//! main thread handles them in order and re-checks the project when the
//! documents changed and no message is waiting (a burst of edits is checked once).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, TryRecvError};

use ruff_text_size::TextRange;
use serde_json::{json, Value};
use spawnsafe_core::diagnostic::{Diagnostic, SourceFile};
use spawnsafe_core::fix::Applicability;
use spawnsafe_core::Severity;

use crate::analysis::{self, canonical, Document};
use crate::convert::{path_to_uri, uri_to_path, LineStarts, PositionEncoding};
use crate::hover;
use crate::transport::{read_message, write_message};

const FIX_ALL_KIND: &str = "source.fixAll.spawnsafe";

// JSON-RPC and LSP error codes.
const INVALID_REQUEST: i64 = -32600;
const METHOD_NOT_FOUND: i64 = -32601;
const INVALID_PARAMS: i64 = -32602;
const SERVER_NOT_INITIALIZED: i64 = -32002;

/// A finding as published, with what the code actions need.
struct Published {
    diagnostic: Value,
    /// Start and end as (line, character), to compare with a requested range.
    span: ((u64, u64), (u64, u64)),
    fix: Option<PublishedFix>,
}

struct PublishedFix {
    title: String,
    applicability: Applicability,
    edits: Vec<Value>,
}

#[derive(Default)]
struct State {
    initialized: bool,
    shutdown_requested: bool,
    encoding: Option<PositionEncoding>,
    /// The workspace folders, symbolic links resolved.
    roots: Vec<PathBuf>,
    /// Open documents by URI.
    documents: BTreeMap<String, Document>,
    /// The findings last published, by URI.
    published: BTreeMap<String, Vec<Published>>,
    /// The documents changed since the last check.
    dirty: bool,
    /// Whether the client resolves a code action's edit lazily (`codeAction/resolve`).
    resolves_edits: bool,
    /// The last configuration or analysis error shown, not to repeat it on every keystroke.
    last_error: Option<String>,
}

enum Incoming {
    Message(Value),
    Broken(String),
}

/// Serves on the standard input and output until `exit` or the end of the
/// input; returns the exit status (0 after `shutdown` then `exit`).
pub fn serve() -> i32 {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut input = std::io::stdin().lock();
        loop {
            let incoming = match read_message(&mut input) {
                Ok(Some(message)) => Incoming::Message(message),
                Ok(None) => break,
                Err(error) => Incoming::Broken(error),
            };
            let broken = matches!(incoming, Incoming::Broken(_));
            if sender.send(incoming).is_err() || broken {
                break;
            }
        }
    });
    State::default().run(&receiver)
}

impl State {
    fn run(&mut self, receiver: &Receiver<Incoming>) -> i32 {
        loop {
            let incoming = if self.dirty {
                match receiver.try_recv() {
                    Ok(incoming) => incoming,
                    Err(TryRecvError::Empty) => {
                        self.check_and_publish();
                        continue;
                    }
                    Err(TryRecvError::Disconnected) => return 1,
                }
            } else {
                match receiver.recv() {
                    Ok(incoming) => incoming,
                    // The client went away without `exit`.
                    Err(_) => return 1,
                }
            };
            let message = match incoming {
                Incoming::Message(message) => message,
                Incoming::Broken(error) => {
                    eprintln!("spawnsafe server: {error}");
                    return 1;
                }
            };
            let method = message["method"].as_str().map(str::to_string);
            let id = message.get("id").cloned();
            let params = message.get("params").cloned().unwrap_or(Value::Null);
            match (method, id) {
                (Some(method), Some(id)) => self.request(&method, id, params),
                (Some(method), None) => {
                    if method == "exit" {
                        return if self.shutdown_requested { 0 } else { 1 };
                    }
                    self.notification(&method, params);
                }
                // A response: the server sends no requests, so there is none to match.
                (None, _) => {}
            }
        }
    }

    fn send(&self, message: Value) {
        let mut output = std::io::stdout().lock();
        if let Err(error) = write_message(&mut output, &message) {
            eprintln!("spawnsafe server: cannot write to the client: {error}");
        }
    }

    fn respond(&self, id: Value, result: Value) {
        self.send(json!({"jsonrpc": "2.0", "id": id, "result": result}));
    }

    fn respond_error(&self, id: Value, code: i64, message: &str) {
        self.send(json!({
            "jsonrpc": "2.0",
            "id": id,
            "error": {"code": code, "message": message},
        }));
    }

    fn notify(&self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn encoding(&self) -> PositionEncoding {
        self.encoding.unwrap_or(PositionEncoding::Utf16)
    }

    fn request(&mut self, method: &str, id: Value, params: Value) {
        if method == "initialize" {
            if self.initialized {
                return self.respond_error(id, INVALID_REQUEST, "already initialized");
            }
            let result = self.initialize(&params);
            return self.respond(id, result);
        }
        if !self.initialized {
            return self.respond_error(id, SERVER_NOT_INITIALIZED, "not initialized yet");
        }
        if self.shutdown_requested {
            return self.respond_error(id, INVALID_REQUEST, "the server is shutting down");
        }
        match method {
            "shutdown" => {
                self.shutdown_requested = true;
                self.respond(id, Value::Null);
            }
            "textDocument/codeAction" => {
                let result = self.code_actions(&params);
                self.respond(id, result);
            }
            "codeAction/resolve" => match self.resolve_code_action(params) {
                Ok(action) => self.respond(id, action),
                Err(error) => self.respond_error(id, INVALID_PARAMS, &error),
            },
            "textDocument/hover" => {
                let result = self.hover(&params);
                self.respond(id, result);
            }
            _ => self.respond_error(id, METHOD_NOT_FOUND, &format!("unknown method {method}")),
        }
    }

    fn notification(&mut self, method: &str, params: Value) {
        if !self.initialized || self.shutdown_requested {
            return;
        }
        match method {
            "textDocument/didOpen" => {
                let item = &params["textDocument"];
                let (Some(uri), Some(text)) = (item["uri"].as_str(), item["text"].as_str()) else {
                    return;
                };
                // Only files can be part of a project (not `untitled:` buffers).
                let Some(path) = uri_to_path(uri) else { return };
                self.documents.insert(
                    uri.to_string(),
                    Document {
                        uri: uri.to_string(),
                        path: canonical(&path),
                        text: text.to_string(),
                        version: item["version"].as_i64(),
                    },
                );
                self.dirty = true;
            }
            "textDocument/didChange" => {
                let uri = params["textDocument"]["uri"].as_str().unwrap_or_default();
                let encoding = self.encoding();
                let Some(document) = self.documents.get_mut(uri) else {
                    return;
                };
                for change in params["contentChanges"].as_array().into_iter().flatten() {
                    let text = change["text"].as_str().unwrap_or_default();
                    match change.get("range") {
                        Some(range) => {
                            let lines = LineStarts::new(&document.text);
                            let start = usize::from(lines.offset(&range["start"], encoding));
                            let end = usize::from(lines.offset(&range["end"], encoding));
                            document.text.replace_range(start..end.max(start), text);
                        }
                        None => document.text = text.to_string(),
                    }
                }
                document.version = params["textDocument"]["version"].as_i64();
                self.dirty = true;
            }
            // Other files may have changed on disk with it.
            "textDocument/didSave"
            | "workspace/didChangeWatchedFiles"
            | "workspace/didChangeConfiguration" => self.dirty = !self.documents.is_empty(),
            "textDocument/didClose" => {
                let uri = params["textDocument"]["uri"].as_str().unwrap_or_default();
                if self.documents.remove(uri).is_some() {
                    self.published.remove(uri);
                    self.notify(
                        "textDocument/publishDiagnostics",
                        json!({"uri": uri, "diagnostics": []}),
                    );
                    // The file on disk now stands for it in the others' findings.
                    self.dirty = !self.documents.is_empty();
                }
            }
            "workspace/didChangeWorkspaceFolders" => {
                let event = &params["event"];
                for removed in event["removed"].as_array().into_iter().flatten() {
                    if let Some(path) = removed["uri"].as_str().and_then(uri_to_path) {
                        let path = canonical(&path);
                        self.roots.retain(|root| *root != path);
                    }
                }
                for added in event["added"].as_array().into_iter().flatten() {
                    if let Some(path) = added["uri"].as_str().and_then(uri_to_path) {
                        self.roots.push(canonical(&path));
                    }
                }
                self.dirty = !self.documents.is_empty();
            }
            // `initialized`, `$/cancelRequest` (every request is answered at
            // once), `$/setTrace` and the rest need nothing.
            _ => {}
        }
    }

    fn initialize(&mut self, params: &Value) -> Value {
        self.initialized = true;
        let capabilities = &params["capabilities"];
        let offers_utf8 = capabilities["general"]["positionEncodings"]
            .as_array()
            .is_some_and(|encodings| encodings.iter().any(|encoding| encoding == "utf-8"));
        self.encoding = Some(if offers_utf8 {
            PositionEncoding::Utf8
        } else {
            PositionEncoding::Utf16
        });
        self.resolves_edits = capabilities["textDocument"]["codeAction"]["resolveSupport"]
            ["properties"]
            .as_array()
            .is_some_and(|properties| properties.iter().any(|property| property == "edit"));
        // The workspace folders; else the root URI; else the root path.
        let folders: Vec<PathBuf> = params["workspaceFolders"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|folder| folder["uri"].as_str().and_then(uri_to_path))
            .collect();
        self.roots = if !folders.is_empty() {
            folders
        } else if let Some(root) = params["rootUri"].as_str().and_then(uri_to_path) {
            vec![root]
        } else {
            params["rootPath"]
                .as_str()
                .map(PathBuf::from)
                .into_iter()
                .collect()
        };
        self.roots = self.roots.iter().map(|root| canonical(root)).collect();
        json!({
            "capabilities": {
                "positionEncoding": self.encoding().name(),
                "textDocumentSync": {
                    "openClose": true,
                    "change": 2,
                    "save": {"includeText": false},
                },
                "codeActionProvider": {
                    "codeActionKinds": ["quickfix", FIX_ALL_KIND],
                    "resolveProvider": true,
                },
                "hoverProvider": true,
                "workspace": {
                    "workspaceFolders": {"supported": true, "changeNotifications": true},
                },
            },
            "serverInfo": {"name": "spawnsafe", "version": env!("CARGO_PKG_VERSION")},
        })
    }

    /// Checks the project with the open documents and publishes each open
    /// document's findings (an empty list clears the old ones).
    fn check_and_publish(&mut self) {
        self.dirty = false;
        let documents: Vec<&Document> = self.documents.values().collect();
        // A bug in one analysis must not take the editor's server down with it.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            analysis::check(&self.roots, &documents)
        }))
        .unwrap_or_else(|_| {
            Err("internal error while checking (see the server's log)".to_string())
        });
        let mut published: BTreeMap<String, Vec<Published>> = BTreeMap::new();
        match result {
            Ok(result) => {
                self.last_error = None;
                for warning in &result.warnings {
                    self.notify(
                        "window/logMessage",
                        json!({"type": 2, "message": format!("spawnsafe: {warning}")}),
                    );
                }
                for diagnostic in &result.diagnostics {
                    let Some(document) = self
                        .documents
                        .values()
                        .find(|document| document.path == diagnostic.file.path)
                    else {
                        continue;
                    };
                    let finding = self.to_published(diagnostic);
                    published
                        .entry(document.uri.clone())
                        .or_default()
                        .push(finding);
                }
            }
            Err(error) => {
                // A broken configuration: say so once; no findings can be trusted.
                if self.last_error.as_ref() != Some(&error) {
                    self.notify(
                        "window/showMessage",
                        json!({"type": 1, "message": format!("spawnsafe: {error}")}),
                    );
                    self.last_error = Some(error);
                }
            }
        }
        for document in self
            .documents
            .values()
            .filter(|document| document.is_checked())
        {
            let diagnostics: Vec<&Value> = published
                .get(&document.uri)
                .into_iter()
                .flatten()
                .map(|finding| &finding.diagnostic)
                .collect();
            let mut params = json!({"uri": document.uri, "diagnostics": diagnostics});
            if let Some(version) = document.version {
                params["version"] = json!(version);
            }
            self.notify("textDocument/publishDiagnostics", params);
        }
        self.published = published;
    }

    fn uri_of(&self, file: &SourceFile) -> String {
        self.documents
            .values()
            .find(|document| document.path == file.path)
            .map_or_else(|| path_to_uri(&file.path), |document| document.uri.clone())
    }

    fn to_published(&self, diagnostic: &Diagnostic) -> Published {
        let encoding = self.encoding();
        let lines = LineStarts::new(&diagnostic.file.text);
        let range = lines.range(diagnostic.range, encoding);
        let rule = diagnostic.rule;
        let mut message = diagnostic.message.clone();
        if let Some(help) = &diagnostic.help {
            message.push_str(&format!("\nhelp: {help}"));
        }
        let severity = match diagnostic.severity() {
            Severity::Error => 1,
            Severity::Warning => 2,
            Severity::Info => 3,
        };
        let related: Vec<Value> = diagnostic
            .related
            .iter()
            .map(|related| {
                let related_lines = LineStarts::new(&related.file.text);
                json!({
                    "location": {
                        "uri": self.uri_of(&related.file),
                        "range": related_lines.range(related.range, encoding),
                    },
                    "message": related.message,
                })
            })
            .collect();
        let mut lsp_diagnostic = json!({
            "range": range,
            "severity": severity,
            "code": rule.code(),
            "codeDescription": {"href": rule.url()},
            "source": "spawnsafe",
            "message": message,
        });
        if !related.is_empty() {
            lsp_diagnostic["relatedInformation"] = Value::Array(related);
        }
        let fix = diagnostic.fix.as_ref().map(|fix| {
            let edits = fix
                .edits
                .iter()
                .map(|edit| json!({"range": lines.range(edit.range, encoding), "newText": edit.content}))
                .collect();
            let title = match (&fix.applicability, &fix.unsafe_reason) {
                (Applicability::Safe, _) => format!("spawnsafe ({}): {}", rule.code(), fix.message),
                (Applicability::Unsafe, Some(reason)) => format!(
                    "spawnsafe ({}): {} (unsafe fix: {reason})",
                    rule.code(),
                    fix.message
                ),
                (Applicability::Unsafe, None) => {
                    format!("spawnsafe ({}): {} (unsafe fix)", rule.code(), fix.message)
                }
            };
            PublishedFix {
                title,
                applicability: fix.applicability,
                edits,
            }
        });
        Published {
            span: (point(&range["start"]), point(&range["end"])),
            diagnostic: lsp_diagnostic,
            fix,
        }
    }

    fn code_actions(&mut self, params: &Value) -> Value {
        if self.dirty {
            self.check_and_publish();
        }
        let uri = params["textDocument"]["uri"].as_str().unwrap_or_default();
        let Some(findings) = self.published.get(uri) else {
            return json!([]);
        };
        let only: Option<Vec<&str>> = params["context"]["only"]
            .as_array()
            .map(|kinds| kinds.iter().filter_map(Value::as_str).collect());
        let wanted = |kind: &str| {
            only.as_ref().is_none_or(|only| {
                only.iter().any(|asked| {
                    kind == *asked
                        || kind
                            .strip_prefix(asked)
                            .is_some_and(|rest| rest.starts_with('.'))
                })
            })
        };
        let requested = (
            point(&params["range"]["start"]),
            point(&params["range"]["end"]),
        );
        let mut actions = Vec::new();
        if wanted("quickfix") {
            for finding in findings {
                let Some(fix) = &finding.fix else { continue };
                let overlaps = finding.span.0 <= requested.1 && requested.0 <= finding.span.1;
                if !overlaps {
                    continue;
                }
                actions.push(json!({
                    "title": fix.title,
                    "kind": "quickfix",
                    "diagnostics": [finding.diagnostic],
                    "isPreferred": fix.applicability == Applicability::Safe,
                    "edit": {"changes": {uri: fix.edits}},
                }));
            }
        }
        let has_safe_fix = findings.iter().any(|finding| {
            finding
                .fix
                .as_ref()
                .is_some_and(|fix| fix.applicability == Applicability::Safe)
        });
        if wanted(FIX_ALL_KIND) && has_safe_fix {
            let mut action = json!({
                "title": "spawnsafe: fix all safely fixable findings",
                "kind": FIX_ALL_KIND,
                "data": {"uri": uri},
            });
            // A client that resolves lazily gets the edit only when it applies
            // the action: computing it re-checks the project to a fixed point.
            if !self.resolves_edits || only.is_some() {
                match self.fix_all_edit(uri) {
                    Some(edit) => action["edit"] = edit,
                    None => return Value::Array(actions),
                }
            }
            actions.push(action);
        }
        Value::Array(actions)
    }

    fn resolve_code_action(&mut self, mut action: Value) -> Result<Value, String> {
        if action["kind"] != FIX_ALL_KIND || action.get("edit").is_some() {
            return Ok(action);
        }
        let uri = action["data"]["uri"]
            .as_str()
            .ok_or("the code action names no document")?
            .to_string();
        action["edit"] = self
            .fix_all_edit(&uri)
            .unwrap_or_else(|| json!({"changes": {}}));
        Ok(action)
    }

    /// The workspace edit that applies the document's safe fixes: one edit,
    /// from the first changed character to the last.
    fn fix_all_edit(&mut self, uri: &str) -> Option<Value> {
        if self.dirty {
            self.check_and_publish();
        }
        let target = self.documents.get(uri)?;
        let documents: Vec<&Document> = self.documents.values().collect();
        let fixed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            analysis::fix_all(&self.roots, &documents, target)
        }))
        .unwrap_or_else(|_| Err("internal error while fixing".to_string()));
        let fixed = match fixed {
            Ok(fixed) => fixed?,
            Err(error) => {
                eprintln!("spawnsafe server: fixing {uri}: {error}");
                return None;
            }
        };
        let old = target.text.as_str();
        let prefix = common_prefix(old, &fixed);
        let suffix = common_suffix(&old[prefix..], &fixed[prefix..]);
        let lines = LineStarts::new(old);
        let range = TextRange::new(
            ruff_text_size::TextSize::try_from(prefix).ok()?,
            ruff_text_size::TextSize::try_from(old.len() - suffix).ok()?,
        );
        let edit = json!({
            "range": lines.range(range, self.encoding()),
            "newText": &fixed[prefix..fixed.len() - suffix],
        });
        Some(json!({"changes": {uri: [edit]}}))
    }

    fn hover(&self, params: &Value) -> Value {
        let uri = params["textDocument"]["uri"].as_str().unwrap_or_default();
        let Some(document) = self.documents.get(uri) else {
            return Value::Null;
        };
        let lines = LineStarts::new(&document.text);
        let offset = lines.offset(&params["position"], self.encoding());
        match hover::noqa_code_at(&document.path, &document.text, offset) {
            Some((rule, range)) => json!({
                "contents": {"kind": "markdown", "value": hover::rule_markdown(rule)},
                "range": lines.range(range, self.encoding()),
            }),
            None => Value::Null,
        }
    }
}

fn point(position: &Value) -> (u64, u64) {
    (
        position["line"].as_u64().unwrap_or(0),
        position["character"].as_u64().unwrap_or(0),
    )
}

/// The length in bytes of the longest common prefix, on a character boundary.
fn common_prefix(a: &str, b: &str) -> usize {
    a.char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map_or(a.len().min(b.len()), |((at, _), _)| at)
}

/// The length in bytes of the longest common suffix, on a character boundary.
fn common_suffix(a: &str, b: &str) -> usize {
    a.chars()
        .rev()
        .zip(b.chars().rev())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len_utf8())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_ends() {
        assert_eq!(common_prefix("abcé1", "abcé2"), 5);
        assert_eq!(common_suffix("1éxyz", "2éxyz"), 5);
        assert_eq!(common_prefix("ab", "abc"), 2);
        assert_eq!(common_suffix("", "abc"), 0);
    }
}
