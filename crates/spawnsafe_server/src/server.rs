//! The server's state and its message loop: one thread reads messages, the
//! main thread handles them in order and re-checks the project when the
//! documents changed and no message is waiting (a burst of edits is checked once).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, TryRecvError};

use ruff_text_size::TextRange;
use serde_json::{json, Value};
use spawnsafe_linter::diagnostic::{Diagnostic, SourceFile};
use spawnsafe_linter::fix::Applicability;
use spawnsafe_linter::noqa::add_noqa_edits;
use spawnsafe_linter::settings::Overrides;
use spawnsafe_linter::Severity;

use crate::analysis::{self, canonical, Document};
use crate::convert::{path_to_uri, uri_to_path, LineStarts, PositionEncoding};
use crate::hover;
use crate::transport::{read_frame, write_message, Frame};

const FIX_ALL_KIND: &str = "source.fixAll.spawnsafe";

// JSON-RPC and LSP error codes.
const INVALID_REQUEST: i64 = -32600;
const METHOD_NOT_FOUND: i64 = -32601;
const INVALID_PARAMS: i64 = -32602;
const INTERNAL_ERROR: i64 = -32603;
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
    /// The edits by document URI (a notebook's fix may touch several cells).
    changes: Value,
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
    /// The client pulls diagnostics (`textDocument/diagnostic`): none are pushed.
    pull: bool,
    /// The client can be asked to pull again (`workspace/diagnostic/refresh`).
    refresh_support: bool,
    /// The client lets the server register file watchers.
    watch_registration: bool,
    /// The id of the request registering them, until the client answers it.
    watch_registration_id: Option<String>,
    /// Every file's findings (open or not) at the last check, by URI, for
    /// `workspace/diagnostic`.
    workspace_findings: BTreeMap<String, Vec<Value>>,
    /// Rule and target choices from the editor's settings.
    overrides: Overrides,
    /// The id of the next request the server sends.
    next_request_id: i64,
    /// Whether the project was checked at all yet.
    checked: bool,
    /// The cells of each open notebook (by the notebook's URI), in order;
    /// the notebook itself is in `documents`, as `.ipynb` JSON.
    notebook_cells: BTreeMap<String, Vec<NotebookCell>>,
    /// What was read from disk, kept between checks while the client
    /// reports changes to the files (see `forget_disk`).
    workspace: analysis::Workspace,
}

/// A cell of an open notebook (`notebookDocument/*`).
struct NotebookCell {
    uri: String,
    code: bool,
    text: String,
}

/// Serves on the standard input and output until `exit` or the end of the
/// input; returns the exit status (0 after `shutdown` then `exit`).
pub fn serve() -> i32 {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut input = std::io::stdin().lock();
        loop {
            let frame = match read_frame(&mut input) {
                Ok(Frame::End) => break,
                Ok(frame) => frame,
                Err(error) => {
                    eprintln!("spawnsafe server: cannot read from the client: {error}");
                    break;
                }
            };
            if sender.send(frame).is_err() {
                break;
            }
        }
    });
    State::default().run(&receiver)
}

impl State {
    fn run(&mut self, receiver: &Receiver<Frame>) -> i32 {
        loop {
            let frame = if self.dirty {
                match receiver.try_recv() {
                    Ok(frame) => frame,
                    Err(TryRecvError::Empty) => {
                        self.guarded("checking the project", None, |state| {
                            state.check_and_publish()
                        });
                        continue;
                    }
                    Err(TryRecvError::Disconnected) => return 1,
                }
            } else {
                match receiver.recv() {
                    Ok(frame) => frame,
                    // The client went away without `exit`.
                    Err(_) => return 1,
                }
            };
            let message = match frame {
                Frame::Message(message) => message,
                Frame::Invalid { code, message, id } => {
                    eprintln!("spawnsafe server: {message}");
                    self.respond_error(id.unwrap_or(Value::Null), code, &message);
                    continue;
                }
                Frame::End => return 1,
            };
            let method = message["method"].as_str().map(str::to_string);
            let id = message.get("id").cloned();
            let params = message.get("params").cloned().unwrap_or(Value::Null);
            match (method, id) {
                (Some(method), Some(id)) => {
                    let what = format!("answering {method}");
                    let answered = id.clone();
                    self.guarded(&what, Some(answered), |state| {
                        state.request(&method, id, params)
                    });
                }
                (Some(method), None) => {
                    if method == "exit" {
                        return if self.shutdown_requested { 0 } else { 1 };
                    }
                    let what = format!("handling {method}");
                    self.guarded(&what, None, |state| state.notification(&method, params));
                }
                // A response to a request the server sent: only a refused
                // watcher registration matters (changed files will not be
                // reported, so the disk must be read at every check).
                (None, Some(id)) => {
                    if self.watch_registration_id.as_deref() == id.as_str() {
                        self.watch_registration_id = None;
                        if message.get("error").is_some() {
                            self.watch_registration = false;
                            self.workspace.forget_disk();
                        }
                    }
                }
                (None, None) => {}
            }
        }
    }

    /// Runs one message's work; a panic in it (a bug in an analysis) is
    /// logged and, for a request, answered as an internal error: the
    /// server goes on with the next message.
    fn guarded(&mut self, what: &str, request: Option<Value>, work: impl FnOnce(&mut State)) {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(self)));
        let Err(payload) = outcome else { return };
        let reason = payload
            .downcast_ref::<&str>()
            .map(|text| text.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        let message = format!("internal error while {what}: {reason}");
        eprintln!("spawnsafe server: {message}");
        self.notify(
            "window/logMessage",
            json!({"type": 1, "message": format!("spawnsafe: {message}")}),
        );
        // Whatever was half done is redone on the next change.
        self.dirty = false;
        if let Some(id) = request {
            self.respond_error(id, INTERNAL_ERROR, &message);
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
            // A request that panics, to prove a panic is answered, not fatal.
            "spawnsafe/testPanic" if std::env::var_os("SPAWNSAFE_SERVER_TEST_HOOKS").is_some() => {
                panic!("a test asked for a panic")
            }
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
            "textDocument/diagnostic" => {
                let result = self.document_diagnostic(&params);
                self.respond(id, result);
            }
            "workspace/diagnostic" => {
                let result = self.workspace_diagnostic();
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
            "initialized" => self.register_watchers(),
            "notebookDocument/didOpen" => self.notebook_opened(&params),
            "notebookDocument/didChange" => self.notebook_changed(&params),
            "notebookDocument/didSave" => self.disk_changed(),
            "notebookDocument/didClose" => self.notebook_closed(&params),
            // Other files (or the configuration) may have changed on disk with it.
            "textDocument/didSave" | "workspace/didChangeWatchedFiles" => self.disk_changed(),
            "workspace/didChangeConfiguration" => {
                self.apply_settings(&params["settings"]);
                self.disk_changed();
            }
            "textDocument/didClose" => {
                let uri = params["textDocument"]["uri"].as_str().unwrap_or_default();
                if self.documents.remove(uri).is_some() {
                    self.published.remove(uri);
                    self.notify(
                        "textDocument/publishDiagnostics",
                        json!({"uri": uri, "diagnostics": []}),
                    );
                    // The file on disk now stands for it in the others' findings.
                    self.disk_changed();
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
                self.disk_changed();
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
        self.pull = capabilities["textDocument"]["diagnostic"].is_object();
        self.refresh_support = capabilities["workspace"]["diagnostics"]["refreshSupport"] == true;
        self.watch_registration =
            capabilities["workspace"]["didChangeWatchedFiles"]["dynamicRegistration"] == true;
        self.apply_settings(&params["initializationOptions"]);
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
                "notebookDocumentSync": {
                    "notebookSelector": [{
                        "notebook": {"notebookType": "jupyter-notebook"},
                        "cells": [{"language": "python"}],
                    }],
                },
                "diagnosticProvider": {
                    "identifier": "spawnsafe",
                    "interFileDependencies": true,
                    "workspaceDiagnostics": true,
                },
                "workspace": {
                    "workspaceFolders": {"supported": true, "changeNotifications": true},
                },
            },
            "serverInfo": {"name": "spawnsafe", "version": env!("CARGO_PKG_VERSION")},
        })
    }

    /// Checks the project with the open documents and publishes each open
    /// document's findings (an empty list clears the old ones); a client
    /// that pulls is asked to pull again.
    fn check_and_publish(&mut self) {
        self.check_now();
        if self.pull {
            if self.refresh_support {
                self.send_request("workspace/diagnostic/refresh", Value::Null);
            }
            return;
        }
        for document in self
            .documents
            .values()
            .filter(|document| document.is_checked())
        {
            if let Some(cells) = self.notebook_cells.get(&document.uri) {
                // A notebook's findings go to its cells.
                for cell in cells.iter().filter(|cell| cell.code) {
                    let params =
                        json!({"uri": cell.uri, "diagnostics": self.diagnostics_of(&cell.uri)});
                    self.notify("textDocument/publishDiagnostics", params);
                }
                continue;
            }
            let mut params =
                json!({"uri": document.uri, "diagnostics": self.diagnostics_of(&document.uri)});
            if let Some(version) = document.version {
                params["version"] = json!(version);
            }
            self.notify("textDocument/publishDiagnostics", params);
        }
    }

    /// `notebookDocument/didOpen`: the notebook and its cells' text.
    fn notebook_opened(&mut self, params: &Value) {
        let notebook = &params["notebookDocument"];
        let Some(uri) = notebook["uri"].as_str() else {
            return;
        };
        let Some(path) = uri_to_path(uri) else { return };
        let texts: BTreeMap<&str, &str> = params["cellTextDocuments"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|item| Some((item["uri"].as_str()?, item["text"].as_str()?)))
            .collect();
        let cells = notebook["cells"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|cell| {
                let cell_uri = cell["document"].as_str()?;
                Some(NotebookCell {
                    uri: cell_uri.to_string(),
                    code: cell["kind"] == 2,
                    text: texts.get(cell_uri).copied().unwrap_or_default().to_string(),
                })
            })
            .collect();
        self.notebook_cells.insert(uri.to_string(), cells);
        self.documents.insert(
            uri.to_string(),
            Document {
                uri: uri.to_string(),
                path: canonical(&path),
                text: String::new(),
                version: notebook["version"].as_i64(),
            },
        );
        self.refresh_notebook_text(uri);
    }

    /// `notebookDocument/didChange`: cells added, removed or moved, their
    /// kinds, and their text.
    fn notebook_changed(&mut self, params: &Value) {
        let Some(uri) = params["notebookDocument"]["uri"].as_str() else {
            return;
        };
        let encoding = self.encoding();
        let Some(cells) = self.notebook_cells.get_mut(uri) else {
            return;
        };
        let change = &params["change"]["cells"];
        let structure = &change["structure"];
        if let Some(array) = structure.get("array") {
            let opened: BTreeMap<&str, &str> = structure["didOpen"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|item| Some((item["uri"].as_str()?, item["text"].as_str()?)))
                .collect();
            let start = (array["start"].as_u64().unwrap_or(0) as usize).min(cells.len());
            let delete =
                (array["deleteCount"].as_u64().unwrap_or(0) as usize).min(cells.len() - start);
            let inserted: Vec<NotebookCell> = array["cells"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|cell| {
                    let cell_uri = cell["document"].as_str()?;
                    Some(NotebookCell {
                        uri: cell_uri.to_string(),
                        code: cell["kind"] == 2,
                        text: opened
                            .get(cell_uri)
                            .copied()
                            .unwrap_or_default()
                            .to_string(),
                    })
                })
                .collect();
            cells.splice(start..start + delete, inserted);
        }
        for data in change["data"].as_array().into_iter().flatten() {
            if let Some(cell) = cells
                .iter_mut()
                .find(|cell| data["document"] == cell.uri.as_str())
            {
                cell.code = data["kind"] == 2;
            }
        }
        for content in change["textContent"].as_array().into_iter().flatten() {
            let Some(cell) = cells
                .iter_mut()
                .find(|cell| content["document"]["uri"] == cell.uri.as_str())
            else {
                continue;
            };
            for edit in content["changes"].as_array().into_iter().flatten() {
                let text = edit["text"].as_str().unwrap_or_default();
                match edit.get("range") {
                    Some(range) => {
                        let lines = LineStarts::new(&cell.text);
                        let start = usize::from(lines.offset(&range["start"], encoding));
                        let end = usize::from(lines.offset(&range["end"], encoding));
                        cell.text.replace_range(start..end.max(start), text);
                    }
                    None => cell.text = text.to_string(),
                }
            }
        }
        if let Some(document) = self.documents.get_mut(uri) {
            document.version = params["notebookDocument"]["version"].as_i64();
        }
        self.refresh_notebook_text(uri);
    }

    fn notebook_closed(&mut self, params: &Value) {
        let Some(uri) = params["notebookDocument"]["uri"].as_str() else {
            return;
        };
        self.documents.remove(uri);
        for cell in self.notebook_cells.remove(uri).unwrap_or_default() {
            if self.published.remove(&cell.uri).is_some() && !self.pull {
                self.notify(
                    "textDocument/publishDiagnostics",
                    json!({"uri": cell.uri, "diagnostics": []}),
                );
            }
        }
        self.dirty = !self.documents.is_empty();
    }

    /// The notebook's `.ipynb` JSON from its cells: what the analysis reads.
    fn refresh_notebook_text(&mut self, uri: &str) {
        let Some(cells) = self.notebook_cells.get(uri) else {
            return;
        };
        let cells: Vec<Value> = cells
            .iter()
            .map(|cell| {
                if cell.code {
                    json!({"cell_type": "code", "execution_count": null, "metadata": {},
                           "outputs": [], "source": cell.text})
                } else {
                    json!({"cell_type": "markdown", "metadata": {}, "source": cell.text})
                }
            })
            .collect();
        let notebook = json!({
            "cells": cells,
            "metadata": {"language_info": {"name": "python"}},
            "nbformat": 4,
            "nbformat_minor": 5,
        });
        if let Some(document) = self.documents.get_mut(uri) {
            document.text = notebook.to_string();
        }
        self.dirty = true;
    }

    /// A finding in an open notebook, as a diagnostic of its cell, with its
    /// fix in the cells' coordinates.
    fn in_notebook_cell(&self, diagnostic: &Diagnostic) -> Option<(String, Published)> {
        diagnostic.file.notebook.as_ref()?;
        let document = self
            .documents
            .values()
            .find(|document| document.path == diagnostic.file.path)?;
        let cells = self.notebook_cells.get(&document.uri)?;
        let encoding = self.encoding();
        let position = |offset| -> Option<(usize, Value)> {
            let location = diagnostic.file.location(offset);
            let cell = cells.get(location.cell? - 1)?;
            let line = cell.text.split('\n').nth(location.row - 1).unwrap_or("");
            let character: usize = line
                .chars()
                .take(location.column - 1)
                .map(|c| encoding.width(c))
                .sum();
            Some((
                location.cell? - 1,
                json!({"line": location.row - 1, "character": character}),
            ))
        };
        let (cell_index, start) = position(diagnostic.range.start())?;
        let end = match position(diagnostic.range.end()) {
            Some((index, end)) if index == cell_index => end,
            _ => start.clone(),
        };
        let mut published = self.to_published(diagnostic);
        published.diagnostic["range"] = json!({"start": start, "end": end});
        published.span = (
            point(&published.diagnostic["range"]["start"]),
            point(&published.diagnostic["range"]["end"]),
        );
        // The fix's edits, each inside one cell, in that cell's coordinates;
        // an edit across cells is not offered.
        published.fix = published.fix.take().and_then(|mut fix| {
            let mut changes = serde_json::Map::new();
            for edit in &diagnostic.fix.as_ref()?.edits {
                let (cell, start) = position(edit.range.start())?;
                let (end_cell, end) = position(edit.range.end())?;
                if cell != end_cell {
                    return None;
                }
                let edits = changes
                    .entry(cells[cell].uri.clone())
                    .or_insert_with(|| Value::Array(Vec::new()));
                edits
                    .as_array_mut()?
                    .push(json!({"range": {"start": start, "end": end}, "newText": edit.content}));
            }
            fix.changes = Value::Object(changes);
            Some(fix)
        });
        Some((cells[cell_index].uri.clone(), published))
    }

    /// Checks the project with the open documents; keeps the findings.
    fn check_now(&mut self) {
        self.dirty = false;
        self.checked = true;
        let documents: Vec<&Document> = self.documents.values().collect();
        // A bug in one analysis must not take the editor's server down with it.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            analysis::check(
                &mut self.workspace,
                &self.roots,
                &documents,
                &self.overrides,
            )
        }))
        .unwrap_or_else(|_| {
            Err("internal error while checking (see the server's log)".to_string())
        });
        // A client that does not report changed files gets the disk read again at every check.
        if result.is_err() || !self.watch_registration {
            self.workspace.forget_disk();
        }
        let mut published: BTreeMap<String, Vec<Published>> = BTreeMap::new();
        let mut workspace_findings: BTreeMap<String, Vec<Value>> = BTreeMap::new();
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
                    if let Some((cell_uri, finding)) = self.in_notebook_cell(diagnostic) {
                        workspace_findings
                            .entry(cell_uri.clone())
                            .or_default()
                            .push(finding.diagnostic.clone());
                        published.entry(cell_uri).or_default().push(finding);
                        continue;
                    }
                    let finding = self.to_published(diagnostic);
                    workspace_findings
                        .entry(self.uri_of(&diagnostic.file))
                        .or_default()
                        .push(finding.diagnostic.clone());
                    let Some(document) = self
                        .documents
                        .values()
                        .find(|document| document.path == diagnostic.file.path)
                    else {
                        continue;
                    };
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
        self.published = published;
        self.workspace_findings = workspace_findings;
    }

    /// The LSP diagnostics of an open document at the last check.
    fn diagnostics_of(&self, uri: &str) -> Vec<Value> {
        self.published
            .get(uri)
            .into_iter()
            .flatten()
            .map(|finding| finding.diagnostic.clone())
            .collect()
    }

    /// `textDocument/diagnostic`: the document's findings, checked now if
    /// anything changed.
    fn document_diagnostic(&mut self, params: &Value) -> Value {
        if self.dirty || !self.checked {
            self.check_now();
        }
        let uri = params["textDocument"]["uri"].as_str().unwrap_or_default();
        let items = if self.documents.contains_key(uri) || self.published.contains_key(uri) {
            self.diagnostics_of(uri)
        } else {
            self.workspace_findings
                .get(uri)
                .cloned()
                .unwrap_or_default()
        };
        json!({"kind": "full", "items": items})
    }

    /// `workspace/diagnostic`: every file's findings (the open documents'
    /// from their buffers), an empty report for open documents without any.
    fn workspace_diagnostic(&mut self) -> Value {
        if self.dirty || !self.checked {
            self.check_now();
        }
        let mut reports: BTreeMap<&str, Value> = BTreeMap::new();
        for (uri, items) in &self.workspace_findings {
            reports.insert(
                uri,
                json!({"uri": uri, "kind": "full", "version": null, "items": items}),
            );
        }
        for document in self
            .documents
            .values()
            .filter(|document| document.is_checked())
        {
            reports.insert(
                &document.uri,
                json!({
                    "uri": document.uri,
                    "kind": "full",
                    "version": document.version,
                    "items": self.diagnostics_of(&document.uri),
                }),
            );
        }
        json!({"items": reports.into_values().collect::<Vec<_>>()})
    }

    /// Files on disk, or what decides which are checked and how, may have
    /// changed: the next check reads the workspace again.
    fn disk_changed(&mut self) {
        self.workspace.forget_disk();
        self.dirty = !self.documents.is_empty();
    }

    /// Settings from the editor (`initializationOptions`, or the `settings`
    /// of `workspace/didChangeConfiguration`), under `spawnsafe` or at the
    /// top: `select`, `extendSelect`, `ignore`, `targetPlatforms`,
    /// `targetVersion` (kebab-case too), as on the command line.
    fn apply_settings(&mut self, settings: &Value) {
        let settings = settings.get("spawnsafe").unwrap_or(settings);
        if !settings.is_object() {
            return;
        }
        let list = |camel: &str, kebab: &str| -> Vec<String> {
            let value = settings.get(camel).or_else(|| settings.get(kebab));
            match value {
                Some(Value::Array(items)) => items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect(),
                Some(Value::String(text)) => text
                    .split(',')
                    .map(str::trim)
                    .filter(|item| !item.is_empty())
                    .map(str::to_string)
                    .collect(),
                _ => Vec::new(),
            }
        };
        self.overrides = Overrides {
            select: list("select", "select"),
            extend_select: list("extendSelect", "extend-select"),
            ignore: list("ignore", "ignore"),
            target_platforms: list("targetPlatforms", "target-platforms"),
            target_version: settings
                .get("targetVersion")
                .or_else(|| settings.get("target-version"))
                .and_then(Value::as_str)
                .map(str::to_string),
            ..Overrides::default()
        };
    }

    /// Asks the client to tell the server when a configuration file, an
    /// ignore file or a Python file changes on disk.
    fn register_watchers(&mut self) {
        if !self.watch_registration {
            return;
        }
        let watchers: Vec<Value> = [
            "**/pyproject.toml",
            "**/spawnsafe.toml",
            "**/.spawnsafe.toml",
            "**/.gitignore",
            "**/.ignore",
            "**/.git/info/exclude",
            "**/*.py",
            "**/*.pyi",
            "**/*.ipynb",
        ]
        .iter()
        .map(|glob| json!({"globPattern": glob}))
        .collect();
        self.watch_registration_id = Some(self.send_request(
            "client/registerCapability",
            json!({"registrations": [{
                "id": "spawnsafe-watched-files",
                "method": "workspace/didChangeWatchedFiles",
                "registerOptions": {"watchers": watchers},
            }]}),
        ));
    }

    /// A request to the client; its response is not waited for. Returns its id.
    fn send_request(&mut self, method: &str, params: Value) -> String {
        self.next_request_id += 1;
        let id = format!("spawnsafe-{}", self.next_request_id);
        let mut message = json!({"jsonrpc": "2.0", "id": id.clone(), "method": method});
        if !params.is_null() {
            message["params"] = params;
        }
        self.send(message);
        id
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
            let edits: Vec<Value> = fix
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
                changes: json!({self.uri_of(&diagnostic.file): edits}),
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
        // The findings the client asks about: those it names in the context
        // (wherever the cursor is: Neovim asks with the cursor at the start
        // of the line), and those under the requested range.
        let named: Vec<&Value> = params["context"]["diagnostics"]
            .as_array()
            .into_iter()
            .flatten()
            .collect();
        let asked: Vec<&Published> = findings
            .iter()
            .filter(|finding| {
                let overlaps = finding.span.0 <= requested.1 && requested.0 <= finding.span.1;
                overlaps
                    || named
                        .iter()
                        .any(|named| same_finding(named, &finding.diagnostic))
            })
            .collect();
        let mut actions = Vec::new();
        if wanted("quickfix") {
            for finding in &asked {
                let Some(fix) = &finding.fix else { continue };
                actions.push(json!({
                    "title": fix.title,
                    "kind": "quickfix",
                    "diagnostics": [finding.diagnostic],
                    "isPreferred": fix.applicability == Applicability::Safe,
                    "edit": {"changes": fix.changes},
                }));
            }
            for finding in &asked {
                if let Some(action) = self.noqa_action(uri, finding) {
                    actions.push(action);
                }
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

    /// "Disable SPS101 for this line": adds the code to the line's `# noqa`.
    fn noqa_action(&self, uri: &str, finding: &Published) -> Option<Value> {
        // A document, or a notebook's code cell (parsed as the Python it holds).
        let (path, text) = match self.documents.get(uri) {
            Some(document) => (document.path.as_path(), document.text.as_str()),
            None => self
                .notebook_cells
                .values()
                .flatten()
                .find(|cell| cell.uri == uri && cell.code)
                .map(|cell| (Path::new("cell.py"), cell.text.as_str()))?,
        };
        let code = finding.diagnostic["code"].as_str()?;
        let row = usize::try_from(finding.span.0 .0).ok()? + 1;
        let edits = add_noqa_edits(path, text, &[(row, code)])?;
        if edits.edits.is_empty() {
            return None;
        }
        let lines = LineStarts::new(text);
        let edits: Vec<Value> = edits
            .edits
            .iter()
            .map(|edit| {
                json!({"range": lines.range(edit.range, self.encoding()), "newText": edit.content})
            })
            .collect();
        Some(json!({
            "title": format!("spawnsafe: disable {code} for this line"),
            "kind": "quickfix",
            "diagnostics": [finding.diagnostic],
            "edit": {"changes": {uri: edits}},
        }))
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
            analysis::fix_all(
                &mut self.workspace,
                &self.roots,
                &documents,
                target,
                &self.overrides,
            )
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

/// Whether a diagnostic the client sent back is this published one: the same
/// code and range (clients may drop or reorder the other fields).
fn same_finding(named: &Value, published: &Value) -> bool {
    named["code"] == published["code"]
        && point(&named["range"]["start"]) == point(&published["range"]["start"])
        && point(&named["range"]["end"]) == point(&published["range"]["end"])
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
