//! `spawnsafe server` end to end: the real binary, spoken to in LSP JSON-RPC
//! (`Content-Length` framing) over its standard input and output, as an
//! editor would. Every wait has a timeout, so a hang fails instead of blocking.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const TIMEOUT: Duration = Duration::from_secs(60);

/// Starts nothing by itself; `run_all` starts a pool (the other module).
const HELPERS: &str = r#""""Line counting helpers; importing this module starts nothing."""
import multiprocessing


def count_lines(path):
    with open(path) as handle:
        return path, sum(1 for _ in handle)


def run_all(paths, workers=2):
    with multiprocessing.Pool(workers) as pool:
        return dict(pool.map(count_lines, paths))
"#;

/// Calls `helpers.run_all()` at import time: SPS101, found only through helpers.py.
const MAIN_UNGUARDED: &str = r#""""Entry script: the helpers are fine, but run_all() is called without a guard."""
import os

import helpers

for name, lines in (("a.txt", 3), ("b.txt", 4), ("c.txt", 5)):
    with open(name, "w") as handle:
        handle.write("line\n" * lines)

paths = sorted(p for p in os.listdir(".") if p.endswith(".txt"))
counts = helpers.run_all(paths)
print(f"report: {len(counts)} files, {sum(counts.values())} lines")
"#;

/// What SPS101's fix makes of it (as `spawnsafe check --diff` shows).
const MAIN_GUARDED: &str = r#""""Entry script: the helpers are fine, but run_all() is called without a guard."""
import os

import helpers

if __name__ == "__main__":
    for name, lines in (("a.txt", 3), ("b.txt", 4), ("c.txt", 5)):
        with open(name, "w") as handle:
            handle.write("line\n" * lines)

    paths = sorted(p for p in os.listdir(".") if p.endswith(".txt"))
    counts = helpers.run_all(paths)
    print(f"report: {len(counts)} files, {sum(counts.values())} lines")
"#;

/// The 0-based line of `counts = helpers.run_all(paths)` in MAIN_UNGUARDED.
const CALL_LINE: u64 = 10;

struct Server {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    /// Messages read while waiting for another.
    backlog: Vec<Value>,
    next_id: i64,
}

fn read_message(output: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if output.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length:") {
            length = Some(value.trim().parse::<usize>().ok()?);
        }
    }
    let mut body = vec![0; length?];
    output.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Server {
    fn start() -> Server {
        Server::start_with_env(&[])
    }

    fn start_with_env(env: &[(&str, &str)]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_spawnsafe"))
            .arg("server")
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawnsafe server starts");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (sender, messages) = mpsc::channel();
        std::thread::spawn(move || {
            while let Some(message) = read_message(&mut stdout) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        Server {
            child,
            stdin,
            messages,
            backlog: Vec::new(),
            next_id: 1,
        }
    }

    fn send(&mut self, message: Value) {
        let body = serde_json::to_vec(&message).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.stdin.write_all(&body).unwrap();
        self.stdin.flush().unwrap();
    }

    /// Bytes as they are, framed or not.
    fn send_raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its response (`result` or `error`).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait_for(&format!("the response to {method}"), |message| {
            message["id"] == id && message.get("method").is_none()
        })
    }

    /// The first message (kept from before, or still to come) that `wanted` accepts.
    fn wait_for(&mut self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(at) = self.backlog.iter().position(&wanted) {
            return self.backlog.remove(at);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = self.messages.recv_timeout(left).unwrap_or_else(|_| {
                panic!(
                    "no {what} within {TIMEOUT:?}; received meanwhile: {:#?}",
                    self.backlog
                )
            });
            if wanted(&message) {
                return message;
            }
            self.backlog.push(message);
        }
    }

    /// The diagnostics published for `uri` at `version` (`None`: any).
    fn diagnostics(&mut self, uri: &str, version: Option<i64>) -> Vec<Value> {
        let message = self.wait_for(
            &format!("publishDiagnostics for {uri} version {version:?}"),
            |message| {
                message["method"] == "textDocument/publishDiagnostics"
                    && message["params"]["uri"] == uri
                    && version.is_none_or(|version| message["params"]["version"] == version)
            },
        );
        message["params"]["diagnostics"].as_array().unwrap().clone()
    }

    fn initialize(&mut self, root: &Path) {
        self.initialize_with(root, json!({}));
    }

    fn initialize_with(&mut self, root: &Path, capabilities: Value) {
        self.initialize_full(root, capabilities, Value::Null);
    }

    fn initialize_full(&mut self, root: &Path, capabilities: Value, options: Value) {
        let response = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": null,
                "workspaceFolders": [{"uri": file_uri(root), "name": "project"}],
                "capabilities": capabilities,
                "initializationOptions": options,
            }),
        );
        let capabilities = &response["result"]["capabilities"];
        assert_eq!(capabilities["positionEncoding"], "utf-16", "{response}");
        assert_eq!(capabilities["hoverProvider"], true);
        assert!(capabilities["codeActionProvider"]["codeActionKinds"]
            .as_array()
            .unwrap()
            .contains(&json!("source.fixAll.spawnsafe")));
        self.notify("initialized", json!({}));
    }

    fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, uri: &str, version: i64, change: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}),
        );
    }

    /// `shutdown`, then `exit`: the process must end with status 0.
    fn shut_down(mut self) {
        let response = self.request("shutdown", Value::Null);
        assert_eq!(response["result"], Value::Null, "{response}");
        assert!(response.get("error").is_none(), "{response}");
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "exit status {status}");
                return;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // A failed test must not leave the server running.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn file_uri(path: &Path) -> String {
    let path = std::fs::canonicalize(path).unwrap();
    format!("file://{}", path.display())
}

/// A project: helpers.py, and main.py as given on disk.
fn project(main_on_disk: &str, pyproject: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("helpers.py"), HELPERS).unwrap();
    std::fs::write(dir.path().join("main.py"), main_on_disk).unwrap();
    if let Some(pyproject) = pyproject {
        std::fs::write(dir.path().join("pyproject.toml"), pyproject).unwrap();
    }
    dir
}

/// The byte offset of a protocol position in an ASCII text.
fn offset(text: &str, position: &Value) -> usize {
    let line = position["line"].as_u64().unwrap() as usize;
    let character = position["character"].as_u64().unwrap() as usize;
    let line_start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    line_start + character
}

/// Applies a list of text edits, as an editor does.
fn apply_edits(text: &str, edits: &[Value]) -> String {
    let mut edits: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|edit| {
            (
                offset(text, &edit["range"]["start"]),
                offset(text, &edit["range"]["end"]),
                edit["newText"].as_str().unwrap(),
            )
        })
        .collect();
    edits.sort_by_key(|edit| std::cmp::Reverse(edit.0));
    let mut text = text.to_string();
    for (start, end, new_text) in edits {
        text.replace_range(start..end, new_text);
    }
    text
}

#[test]
fn the_editor_workflow() {
    // On disk main.py is already fixed: the findings must come from the buffer.
    let dir = project(MAIN_GUARDED, None);
    let main_uri = file_uri(&dir.path().join("main.py"));
    let helpers_uri = file_uri(&dir.path().join("helpers.py"));
    let mut server = Server::start();
    server.initialize(dir.path());

    // The unsaved buffer, analysed with helpers.py from disk: SPS101 is found
    // only because run_all() starts a pool in the other module.
    server.open(&main_uri, MAIN_UNGUARDED);
    let diagnostics = server.diagnostics(&main_uri, Some(1));
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let diagnostic = &diagnostics[0];
    assert_eq!(diagnostic["code"], "SPS101");
    assert_eq!(diagnostic["source"], "spawnsafe");
    assert_eq!(diagnostic["severity"], 1);
    assert_eq!(
        diagnostic["range"],
        json!({"start": {"line": CALL_LINE, "character": 9}, "end": {"line": CALL_LINE, "character": 31}})
    );
    assert!(diagnostic["codeDescription"]["href"]
        .as_str()
        .unwrap()
        .ends_with("docs/rules.md#unguarded-process-start-sps101"));
    assert!(diagnostic["message"]
        .as_str()
        .unwrap()
        .contains("`run_all` creates a process pool"));
    let related = &diagnostic["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], helpers_uri);
    assert_eq!(related["location"]["range"]["start"]["line"], 10);
    assert_eq!(related["message"], "`run_all` creates a process pool here");

    // The quick fix for the finding, and its edits applied.
    let actions = server.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": main_uri},
            "range": diagnostic["range"],
            "context": {"diagnostics": [diagnostic]},
        }),
    )["result"]
        .clone();
    let quick_fix = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|action| action["kind"] == "quickfix")
        .unwrap_or_else(|| panic!("no quick fix in {actions:#?}"));
    assert!(quick_fix["title"].as_str().unwrap().contains("SPS101"));
    assert_eq!(quick_fix["isPreferred"], true);
    assert_eq!(quick_fix["diagnostics"][0]["code"], "SPS101");
    let edits = quick_fix["edit"]["changes"][&main_uri].as_array().unwrap();
    assert_eq!(apply_edits(MAIN_UNGUARDED, edits), MAIN_GUARDED);

    // The safe fixes of the whole document, as on save (`source.fixAll`).
    let actions = server.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": main_uri},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
            "context": {"diagnostics": [], "only": ["source.fixAll"]},
        }),
    )["result"]
        .clone();
    let actions = actions.as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:#?}");
    assert_eq!(actions[0]["kind"], "source.fixAll.spawnsafe");
    let edits = actions[0]["edit"]["changes"][&main_uri].as_array().unwrap();
    assert_eq!(apply_edits(MAIN_UNGUARDED, edits), MAIN_GUARDED);

    // The buffer fixed: its findings are cleared.
    server.change(&main_uri, 2, json!({"text": MAIN_GUARDED}));
    assert_eq!(server.diagnostics(&main_uri, Some(2)), Vec::<Value>::new());

    // Back to the hazard, then a `# noqa` typed at the end of the line
    // (an incremental change): suppressed, and its code explained on hover.
    server.change(&main_uri, 3, json!({"text": MAIN_UNGUARDED}));
    assert_eq!(server.diagnostics(&main_uri, Some(3)).len(), 1);
    let line_end = "counts = helpers.run_all(paths)".len();
    let end_of_call = json!({"line": CALL_LINE, "character": line_end});
    server.change(
        &main_uri,
        4,
        json!({"range": {"start": end_of_call, "end": end_of_call}, "text": "  # noqa: SPS101"}),
    );
    assert_eq!(server.diagnostics(&main_uri, Some(4)), Vec::<Value>::new());
    let code_at = line_end + "  # noqa: ".len();
    let hover = server.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": main_uri}, "position": {"line": CALL_LINE, "character": code_at + 3}}),
    );
    let contents = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_else(|| panic!("{hover}"));
    assert!(
        contents.starts_with("# unguarded-process-start (SPS101)\n"),
        "{contents}"
    );
    assert!(contents.contains("## What it does"));
    assert_eq!(
        hover["result"]["range"],
        json!({"start": {"line": CALL_LINE, "character": code_at}, "end": {"line": CALL_LINE, "character": code_at + 6}})
    );
    // Elsewhere on the line there is nothing to show.
    let hover = server.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": main_uri}, "position": {"line": CALL_LINE, "character": 3}}),
    );
    assert_eq!(hover["result"], Value::Null, "{hover}");

    let unknown = server.request("spawnsafe/noSuchRequest", json!({}));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");

    // Closing the document clears its findings.
    server.change(&main_uri, 5, json!({"text": MAIN_UNGUARDED}));
    assert_eq!(server.diagnostics(&main_uri, Some(5)).len(), 1);
    server.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": main_uri}}),
    );
    assert_eq!(server.diagnostics(&main_uri, None), Vec::<Value>::new());

    server.shut_down();
}

/// A typo'd guard: SPS102, whose fix is unsafe (the block starts running).
const TYPO_GUARD: &str = "import multiprocessing\n\n\ndef work(x):\n    return x * 2\n\n\nif __name__ == \"main\":\n    with multiprocessing.Pool(2) as pool:\n        print(pool.map(work, [1, 2]))\n";

fn code_actions(server: &mut Server, uri: &str, range: &Value) -> Vec<Value> {
    let response = server.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range, "context": {"diagnostics": []}}),
    );
    response["result"]
        .as_array()
        .unwrap_or_else(|| panic!("{response}"))
        .clone()
}

#[test]
fn unsafe_fixes_are_labelled_and_fix_all_resolves_lazily() {
    let dir = project(MAIN_UNGUARDED, None);
    std::fs::write(dir.path().join("job.py"), TYPO_GUARD).unwrap();
    let main_uri = file_uri(&dir.path().join("main.py"));
    let job_uri = file_uri(&dir.path().join("job.py"));
    let mut server = Server::start();
    server.initialize_with(
        dir.path(),
        json!({"textDocument": {"codeAction": {"resolveSupport": {"properties": ["edit"]}}}}),
    );

    // The unsafe fix is offered, labelled, not preferred, and not part of fix-all.
    server.open(&job_uri, TYPO_GUARD);
    let diagnostics = server.diagnostics(&job_uri, Some(1));
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["code"], "SPS102");
    let actions = code_actions(&mut server, &job_uri, &diagnostics[0]["range"]);
    // The fix, then "disable for this line".
    assert_eq!(actions.len(), 2, "{actions:#?}");
    assert_eq!(
        actions[1]["title"],
        "spawnsafe: disable SPS102 for this line"
    );
    assert!(
        actions[0]["title"]
            .as_str()
            .unwrap()
            .contains("(unsafe fix: "),
        "{actions:#?}"
    );
    assert_eq!(actions[0]["isPreferred"], false);
    let edits = actions[0]["edit"]["changes"][&job_uri].as_array().unwrap();
    assert!(apply_edits(TYPO_GUARD, edits).contains("if __name__ == \"__main__\":"));

    // A safe fix: fix-all comes without its edit, which `codeAction/resolve` computes.
    server.open(&main_uri, MAIN_UNGUARDED);
    let diagnostics = server.diagnostics(&main_uri, Some(1));
    let actions = code_actions(&mut server, &main_uri, &diagnostics[0]["range"]);
    let fix_all = actions
        .iter()
        .find(|action| action["kind"] == "source.fixAll.spawnsafe")
        .unwrap_or_else(|| panic!("no fix-all in {actions:#?}"))
        .clone();
    assert!(fix_all.get("edit").is_none(), "{fix_all}");
    let resolved = server.request("codeAction/resolve", fix_all)["result"].clone();
    let edits = resolved["edit"]["changes"][&main_uri].as_array().unwrap();
    assert_eq!(apply_edits(MAIN_UNGUARDED, edits), MAIN_GUARDED);
    // Nothing was written: the buffer is the editor's to change.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("main.py")).unwrap(),
        MAIN_UNGUARDED
    );
    server.shut_down();
}

#[test]
fn an_unsaved_edit_in_one_module_changes_the_findings_of_another() {
    let dir = project(MAIN_UNGUARDED, None);
    let main_uri = file_uri(&dir.path().join("main.py"));
    let helpers_uri = file_uri(&dir.path().join("helpers.py"));
    let mut server = Server::start();
    server.initialize(dir.path());
    server.open(&main_uri, MAIN_UNGUARDED);
    assert_eq!(server.diagnostics(&main_uri, Some(1)).len(), 1);
    server.open(&helpers_uri, HELPERS);
    assert_eq!(
        server.diagnostics(&helpers_uri, Some(1)),
        Vec::<Value>::new()
    );
    assert_eq!(server.diagnostics(&main_uri, Some(1)).len(), 1);

    // helpers.py now runs its work on threads, in the buffer only: main.py's
    // call starts no process any more, though the file on disk still would.
    let threads = HELPERS.replace("multiprocessing.Pool(", "multiprocessing.pool.ThreadPool(");
    server.change(&helpers_uri, 2, json!({"text": threads}));
    assert_eq!(
        server.diagnostics(&helpers_uri, Some(2)),
        Vec::<Value>::new()
    );
    assert_eq!(server.diagnostics(&main_uri, Some(1)), Vec::<Value>::new());

    // Closed unsaved, helpers.py is read from disk again: the finding is back.
    server.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": helpers_uri}}),
    );
    assert_eq!(server.diagnostics(&helpers_uri, None), Vec::<Value>::new());
    assert_eq!(server.diagnostics(&main_uri, Some(1)).len(), 1);
    server.shut_down();
}

#[test]
fn the_workspace_configuration_applies() {
    let dir = project(
        MAIN_UNGUARDED,
        Some("[tool.spawnsafe]\nignore = [\"SPS101\"]\n"),
    );
    let main_uri = file_uri(&dir.path().join("main.py"));
    let mut server = Server::start();
    server.initialize(dir.path());
    server.open(&main_uri, MAIN_UNGUARDED);
    assert_eq!(server.diagnostics(&main_uri, Some(1)), Vec::<Value>::new());
    server.shut_down();
}

#[test]
fn a_broken_configuration_is_shown_to_the_user() {
    let dir = project(
        MAIN_UNGUARDED,
        Some("[tool.spawnsafe]\nselct = [\"SPS1\"]\n"),
    );
    let main_uri = file_uri(&dir.path().join("main.py"));
    let mut server = Server::start();
    server.initialize(dir.path());
    server.open(&main_uri, MAIN_UNGUARDED);
    let shown = server.wait_for("window/showMessage", |message| {
        message["method"] == "window/showMessage"
    });
    assert_eq!(shown["params"]["type"], 1, "{shown}");
    assert!(
        shown["params"]["message"]
            .as_str()
            .unwrap()
            .contains("selct"),
        "{shown}"
    );
    // No findings can be trusted without the configuration.
    assert_eq!(server.diagnostics(&main_uri, Some(1)), Vec::<Value>::new());
    server.shut_down();
}

#[test]
fn requests_before_initialize_and_exit_without_shutdown() {
    let mut server = Server::start();
    let early = server.request("textDocument/hover", json!({}));
    assert_eq!(early["error"]["code"], -32002, "{early}");
    server.notify("exit", Value::Null);
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    };
    // `exit` without `shutdown` is an error exit, as the protocol says.
    assert_eq!(status.code(), Some(1));
}

/// Issue 14, item 7: hostile frames are answered with JSON-RPC errors and the
/// server goes on serving; it never allocates what a header announces.
#[test]
fn malformed_frames_are_answered_and_the_server_goes_on() {
    let dir = project(MAIN_UNGUARDED, None);
    let mut server = Server::start();
    server.initialize(dir.path());
    let ping = r#"{"jsonrpc":"2.0","id":"after","method":"textDocument/hover","params":{"textDocument":{"uri":"file:///nowhere.py"},"position":{"line":0,"character":0}}}"#;
    let cases: Vec<(&str, Vec<u8>, i64)> = vec![
        (
            "huge length",
            b"Content-Length: 99999999999999\r\n\r\n".to_vec(),
            -32600,
        ),
        (
            "negative length",
            b"Content-Length: -1\r\n\r\n".to_vec(),
            -32700,
        ),
        (
            "garbage length",
            b"Content-Length: twelve\r\n\r\n".to_vec(),
            -32700,
        ),
        ("garbage header", b"GET / HTTP/1.1\r\n\r\n".to_vec(), -32700),
        (
            "no Content-Length",
            b"Content-Type: application/json\r\n\r\n".to_vec(),
            -32600,
        ),
        (
            "not JSON",
            b"Content-Length: 9\r\n\r\n{not json".to_vec(),
            -32700,
        ),
        (
            "not an object",
            b"Content-Length: 6\r\n\r\n[1, 2]".to_vec(),
            -32600,
        ),
        (
            "too short",
            format!("Content-Length: 10\r\n\r\n{ping}").into_bytes(),
            -32700,
        ),
    ];
    for (what, bytes, code) in cases {
        server.send_raw(&bytes);
        let error = server.wait_for(&format!("the error for {what}"), |message| {
            message["id"].is_null() && message.get("error").is_some()
        });
        assert_eq!(error["error"]["code"], code, "{what}: {error}");
        // Still serving.
        server.send_raw(format!("Content-Length: {}\r\n\r\n{ping}", ping.len()).as_bytes());
        let answer = server.wait_for(&format!("the answer after {what}"), |message| {
            message["id"] == "after"
        });
        assert!(answer.get("error").is_none(), "{what}: {answer}");
    }
    // An invalid request with an id is answered under that id.
    let bad = r#"{"jsonrpc":"2.0","id":41,"method":7}"#;
    server.send_raw(format!("Content-Length: {}\r\n\r\n{bad}", bad.len()).as_bytes());
    let answer = server.wait_for("the answer to id 41", |message| message["id"] == 41);
    assert_eq!(answer["error"]["code"], -32600);
    server.shut_down();
}

/// A panic while answering one request is answered as an internal error
/// (-32603) and logged; the next requests are served.
#[test]
fn a_panic_in_a_request_is_an_internal_error_not_a_crash() {
    let dir = project(MAIN_UNGUARDED, None);
    let mut server = Server::start_with_env(&[("SPAWNSAFE_SERVER_TEST_HOOKS", "1")]);
    server.initialize(dir.path());
    let answer = server.request("spawnsafe/testPanic", json!({}));
    assert_eq!(answer["error"]["code"], -32603, "{answer}");
    assert!(answer["error"]["message"]
        .as_str()
        .unwrap()
        .contains("a test asked for a panic"));
    let log = server.wait_for("the panic's log message", |message| {
        message["method"] == "window/logMessage"
    });
    assert_eq!(log["params"]["type"], 1);
    let uri = file_uri(&dir.path().join("main.py"));
    server.open(&uri, MAIN_UNGUARDED);
    assert_eq!(server.diagnostics(&uri, Some(1)).len(), 1);
    server.shut_down();
}

/// Neovim asks for code actions with the cursor where it is (often the start
/// of the line) and names the diagnostics in the context: their fixes are
/// offered whatever the range, with a "disable for this line" action.
#[test]
fn quick_fixes_for_the_named_diagnostics_whatever_the_range_and_noqa() {
    let dir = project(MAIN_UNGUARDED, None);
    let main_uri = file_uri(&dir.path().join("main.py"));
    let mut server = Server::start();
    server.initialize(dir.path());
    server.open(&main_uri, MAIN_UNGUARDED);
    let diagnostic = server.diagnostics(&main_uri, Some(1))[0].clone();
    let line_start = json!({"line": CALL_LINE, "character": 0});
    let actions = server.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": main_uri},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
            "context": {"diagnostics": [diagnostic]},
        }),
    )["result"]
        .as_array()
        .unwrap()
        .clone();
    let titles: Vec<&str> = actions
        .iter()
        .map(|action| action["title"].as_str().unwrap())
        .collect();
    assert!(
        titles
            .iter()
            .any(|title| title.starts_with("spawnsafe (SPS101)")),
        "{titles:?}"
    );
    let noqa = actions
        .iter()
        .find(|action| action["title"] == "spawnsafe: disable SPS101 for this line")
        .unwrap_or_else(|| panic!("{titles:?}"));
    let edits = noqa["edit"]["changes"][&main_uri].as_array().unwrap();
    let silenced = apply_edits(MAIN_UNGUARDED, edits);
    assert!(silenced.contains("counts = helpers.run_all(paths)  # noqa: SPS101\n"));
    // Applied, the finding is gone and no action is left on the line.
    server.change(&main_uri, 2, json!({"text": silenced}));
    assert_eq!(server.diagnostics(&main_uri, Some(2)), Vec::<Value>::new());
    assert_eq!(
        code_actions(
            &mut server,
            &main_uri,
            &json!({"start": line_start, "end": line_start})
        ),
        Vec::<Value>::new()
    );
    server.shut_down();
}

/// A client that pulls (`textDocument/diagnostic`, `workspace/diagnostic`)
/// gets the findings by request, and none pushed.
#[test]
fn pull_diagnostics() {
    let dir = project(MAIN_UNGUARDED, None);
    std::fs::write(dir.path().join("job.py"), TYPO_GUARD).unwrap();
    let main_uri = file_uri(&dir.path().join("main.py"));
    let job_uri = file_uri(&dir.path().join("job.py"));
    let mut server = Server::start();
    server.initialize_with(
        dir.path(),
        json!({"textDocument": {"diagnostic": {"dynamicRegistration": false}}}),
    );
    server.open(&main_uri, MAIN_UNGUARDED);
    let report = server.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": main_uri}}),
    );
    assert_eq!(report["result"]["kind"], "full", "{report}");
    let items = report["result"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["code"], "SPS101");
    // The whole workspace: the open document, and job.py from disk.
    let workspace = server.request("workspace/diagnostic", json!({"previousResultIds": []}));
    let reports = workspace["result"]["items"].as_array().unwrap();
    let codes = |uri: &str| -> Vec<Value> {
        reports
            .iter()
            .find(|report| report["uri"] == uri)
            .map(|report| {
                report["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|item| item["code"].clone())
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(codes(&main_uri), [json!("SPS101")]);
    assert_eq!(codes(&job_uri), [json!("SPS102")]);
    // An edit, then a pull: the new text's findings.
    server.change(&main_uri, 2, json!({"text": MAIN_GUARDED}));
    let report = server.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": main_uri}}),
    );
    assert_eq!(report["result"]["items"], json!([]));
    assert!(
        !server
            .backlog
            .iter()
            .any(|message| message["method"] == "textDocument/publishDiagnostics"),
        "nothing is pushed to a client that pulls: {:#?}",
        server.backlog
    );
    server.shut_down();
}

/// Settings from the client (`initializationOptions`, then
/// `workspace/didChangeConfiguration`) apply like command-line options.
#[test]
fn settings_from_the_client() {
    let dir = project(MAIN_UNGUARDED, None);
    let main_uri = file_uri(&dir.path().join("main.py"));
    let mut server = Server::start();
    server.initialize_full(
        dir.path(),
        json!({}),
        json!({"spawnsafe": {"ignore": ["SPS101"]}}),
    );
    server.open(&main_uri, MAIN_UNGUARDED);
    assert_eq!(server.diagnostics(&main_uri, Some(1)), Vec::<Value>::new());
    server.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"spawnsafe": {"select": ["SPS1"]}}}),
    );
    assert_eq!(server.diagnostics(&main_uri, None).len(), 1);
    // A wrong selector is shown, not fatal.
    server.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"select": ["SPS999"]}}),
    );
    let shown = server.wait_for("the settings error", |message| {
        message["method"] == "window/showMessage"
    });
    assert!(
        shown["params"]["message"]
            .as_str()
            .unwrap()
            .contains("SPS999"),
        "{shown}"
    );
    server.shut_down();
}

/// The server asks to watch configuration files, and a changed
/// `pyproject.toml` is read again.
#[test]
fn a_changed_pyproject_is_read_again() {
    let dir = project(MAIN_UNGUARDED, None);
    let main_uri = file_uri(&dir.path().join("main.py"));
    let mut server = Server::start();
    server.initialize_with(
        dir.path(),
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}),
    );
    let registration = server.wait_for("the watcher registration", |message| {
        message["method"] == "client/registerCapability"
    });
    let watchers = &registration["params"]["registrations"][0]["registerOptions"]["watchers"];
    assert!(watchers
        .as_array()
        .unwrap()
        .contains(&json!({"globPattern": "**/pyproject.toml"})));
    server.send(json!({"jsonrpc": "2.0", "id": registration["id"], "result": null}));
    server.open(&main_uri, MAIN_UNGUARDED);
    assert_eq!(server.diagnostics(&main_uri, Some(1)).len(), 1);
    let pyproject = dir.path().join("pyproject.toml");
    std::fs::write(&pyproject, "[tool.spawnsafe]\nignore = [\"SPS101\"]\n").unwrap();
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&pyproject), "type": 1}]}),
    );
    assert_eq!(server.diagnostics(&main_uri, None), Vec::<Value>::new());
    server.shut_down();
}

/// A notebook (`notebookDocument/*`): its cells' findings are published on
/// the cells, follow edits to a cell, and are cleared on close.
#[test]
fn notebooks_get_diagnostics_per_cell() {
    let dir = tempfile::tempdir().unwrap();
    let notebook_uri = file_uri(dir.path()).to_string() + "/analysis.ipynb";
    let cell = |n: usize| {
        format!(
            "vscode-notebook-cell:{}/analysis.ipynb#cell{n}",
            dir.path().canonicalize().unwrap().display()
        )
    };
    let mut server = Server::start();
    server.initialize(dir.path());
    let first = "import multiprocessing\n\ndef work(x):\n    return x * 2\n";
    let second = "with multiprocessing.Pool(2) as pool:\n    print(pool.map(work, [1, 2]))\n";
    server.notify(
        "notebookDocument/didOpen",
        json!({
            "notebookDocument": {
                "uri": notebook_uri, "notebookType": "jupyter-notebook", "version": 1,
                "cells": [
                    {"kind": 2, "document": cell(1)},
                    {"kind": 1, "document": cell(2)},
                    {"kind": 2, "document": cell(3)},
                ],
            },
            "cellTextDocuments": [
                {"uri": cell(1), "languageId": "python", "version": 1, "text": first},
                {"uri": cell(2), "languageId": "markdown", "version": 1, "text": "# Run"},
                {"uri": cell(3), "languageId": "python", "version": 1, "text": second},
            ],
        }),
    );
    let diagnostics = server.diagnostics(&cell(3), None);
    assert!(!diagnostics.is_empty(), "{diagnostics:#?}");
    let codes: Vec<&str> = diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"SPS204"), "{codes:?}");
    // Positions are in the cell: `work` on the cell's second line.
    let sps204 = diagnostics.iter().find(|d| d["code"] == "SPS204").unwrap();
    assert_eq!(
        sps204["range"]["start"],
        json!({"line": 1, "character": 19}),
        "{sps204}"
    );
    assert_eq!(server.diagnostics(&cell(1), None), Vec::<Value>::new());

    // The pool removed from the third cell: its findings go.
    server.notify(
        "notebookDocument/didChange",
        json!({
            "notebookDocument": {"uri": notebook_uri, "version": 2},
            "change": {"cells": {"textContent": [{
                "document": {"uri": cell(3), "version": 2},
                "changes": [{"text": "print(work(2))\n"}],
            }]}},
        }),
    );
    assert_eq!(server.diagnostics(&cell(3), None), Vec::<Value>::new());
    server.notify(
        "notebookDocument/didClose",
        json!({"notebookDocument": {"uri": notebook_uri}, "cellTextDocuments": [{"uri": cell(1)}, {"uri": cell(2)}, {"uri": cell(3)}]}),
    );
    server.shut_down();
}

/// A finding in a notebook cell gets its quick fix, with the edit in the
/// cell's own coordinates, and "disable for this line".
#[test]
fn notebook_cells_get_quick_fixes_and_noqa() {
    let dir = tempfile::tempdir().unwrap();
    let notebook_uri = file_uri(dir.path()).to_string() + "/analysis.ipynb";
    let cell = |n: usize| {
        format!(
            "vscode-notebook-cell:{}/analysis.ipynb#cell{n}",
            dir.path().canonicalize().unwrap().display()
        )
    };
    let mut server = Server::start();
    server.initialize(dir.path());
    let first = "import multiprocessing\n\ndef work(x):\n    return x * 2\n";
    let second = "x = 1\nif __name__ == \"main\":\n    print(work(2))\n";
    server.notify(
        "notebookDocument/didOpen",
        json!({
            "notebookDocument": {
                "uri": notebook_uri, "notebookType": "jupyter-notebook", "version": 1,
                "cells": [{"kind": 2, "document": cell(1)}, {"kind": 2, "document": cell(2)}],
            },
            "cellTextDocuments": [
                {"uri": cell(1), "languageId": "python", "version": 1, "text": first},
                {"uri": cell(2), "languageId": "python", "version": 1, "text": second},
            ],
        }),
    );
    let diagnostics = server.diagnostics(&cell(2), None);
    let finding = diagnostics
        .iter()
        .find(|d| d["code"] == "SPS102")
        .unwrap_or_else(|| panic!("{diagnostics:#?}"))
        .clone();
    assert_eq!(finding["range"]["start"]["line"], 1, "{finding}");
    // Asked with the cursor at the start of the cell, naming the finding.
    let response = server.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": cell(2)},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
            "context": {"diagnostics": [finding]},
        }),
    );
    let actions = response["result"].as_array().unwrap();
    let titles: Vec<&str> = actions
        .iter()
        .map(|action| action["title"].as_str().unwrap())
        .collect();
    let fix = actions
        .iter()
        .find(|action| {
            action["kind"] == "quickfix"
                && action["title"]
                    .as_str()
                    .is_some_and(|title| title.starts_with("spawnsafe (SPS102)"))
        })
        .unwrap_or_else(|| panic!("{titles:?}"));
    let changes = fix["edit"]["changes"].as_object().unwrap();
    assert_eq!(changes.keys().collect::<Vec<_>>(), [&cell(2)], "{fix}");
    let fixed = apply_edits(second, changes[&cell(2)].as_array().unwrap());
    assert_eq!(
        fixed,
        "x = 1\nif __name__ == \"__main__\":\n    print(work(2))\n"
    );
    let noqa = actions
        .iter()
        .find(|action| action["title"] == "spawnsafe: disable SPS102 for this line")
        .unwrap_or_else(|| panic!("{titles:?}"));
    let silenced = apply_edits(
        second,
        noqa["edit"]["changes"][&cell(2)].as_array().unwrap(),
    );
    assert_eq!(
        silenced,
        "x = 1\nif __name__ == \"main\":  # noqa: SPS102\n    print(work(2))\n"
    );
    server.shut_down();
}

/// Every file's findings as `workspace/diagnostic` reports them, by URI, in order.
fn workspace_findings(server: &mut Server) -> Vec<(String, Vec<Value>)> {
    let response = server.request("workspace/diagnostic", json!({"previousResultIds": []}));
    let mut reports: Vec<(String, Vec<Value>)> = response["result"]["items"]
        .as_array()
        .unwrap_or_else(|| panic!("{response}"))
        .iter()
        .map(|report| {
            (
                report["uri"].as_str().unwrap().to_string(),
                report["items"].as_array().unwrap().clone(),
            )
        })
        .filter(|(_, items)| !items.is_empty())
        .collect();
    reports.sort_by(|a, b| a.0.cmp(&b.0));
    reports
}

/// What a server started afresh reports for the same disk and buffers: a
/// full check, nothing kept from before.
fn fresh_check(root: &Path, buffers: &[(String, String)]) -> Vec<(String, Vec<Value>)> {
    let mut server = Server::start();
    server.initialize(root);
    for (uri, text) in buffers {
        server.open(uri, text);
    }
    let findings = workspace_findings(&mut server);
    server.shut_down();
    findings
}

/// The server keeps what it read from disk between edits; after each edit,
/// in a buffer or on disk (reported as a watched file), its findings for
/// every file equal a fresh full check's.
#[test]
fn after_edits_the_findings_equal_a_fresh_check() {
    let dir = project(MAIN_UNGUARDED, None);
    let root = dir.path();
    let main_uri = file_uri(&root.join("main.py"));
    let helpers_uri = file_uri(&root.join("helpers.py"));
    let mut server = Server::start();
    server.initialize_with(
        root,
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}),
    );
    let registration = server.wait_for("the watcher registration", |message| {
        message["method"] == "client/registerCapability"
    });
    server.send(json!({"jsonrpc": "2.0", "id": registration["id"], "result": null}));
    let mut buffers: BTreeMap<String, (i64, String)> = BTreeMap::new();
    let mut steps = 0;
    let mut check = |server: &mut Server, buffers: &BTreeMap<String, (i64, String)>, what: &str| {
        let kept = workspace_findings(server);
        let open: Vec<(String, String)> = buffers
            .iter()
            .map(|(uri, (_, text))| (uri.clone(), text.clone()))
            .collect();
        assert_eq!(kept, fresh_check(root, &open), "after {what}");
        steps += 1;
        kept
    };
    let edit = |server: &mut Server,
                buffers: &mut BTreeMap<String, (i64, String)>,
                uri: &str,
                text: &str| {
        let entry = buffers.get_mut(uri).unwrap();
        entry.0 += 1;
        entry.1 = text.to_string();
        server.change(uri, entry.0, json!({"text": text}));
    };
    let watched = |server: &mut Server, uri: &str, kind: i64| {
        server.notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": uri, "type": kind}]}),
        );
    };

    server.open(&main_uri, MAIN_UNGUARDED);
    buffers.insert(main_uri.clone(), (1, MAIN_UNGUARDED.to_string()));
    let first = check(&mut server, &buffers, "opening main.py");
    assert_eq!(first.len(), 1, "{first:?}");

    server.open(&helpers_uri, HELPERS);
    buffers.insert(helpers_uri.clone(), (1, HELPERS.to_string()));
    let threads = HELPERS.replace("multiprocessing.Pool(", "multiprocessing.pool.ThreadPool(");
    edit(&mut server, &mut buffers, &helpers_uri, &threads);
    assert_eq!(
        check(&mut server, &buffers, "helpers.py on threads"),
        vec![]
    );
    edit(&mut server, &mut buffers, &helpers_uri, HELPERS);
    check(&mut server, &buffers, "helpers.py back to a pool");

    // A new module on disk that main.py's buffer then uses, unguarded, and
    // which starts a pool when imported (SPS103 there).
    let jobs = root.join("jobs.py");
    std::fs::write(
        &jobs,
        "import multiprocessing\n\n\ndef double(x):\n    return 2 * x\n\n\ndef go():\n    with multiprocessing.Pool(2) as pool:\n        return pool.map(lambda x: x, [1])\n",
    )
    .unwrap();
    let jobs_uri = file_uri(&jobs);
    watched(&mut server, &jobs_uri, 1);
    let main_with_jobs = format!("import jobs\n{MAIN_UNGUARDED}jobs.go()\n");
    edit(&mut server, &mut buffers, &main_uri, &main_with_jobs);
    let with_jobs = check(
        &mut server,
        &buffers,
        "a new module on disk, used by main.py",
    );
    assert!(
        with_jobs.iter().any(|(uri, _)| uri.ends_with("/jobs.py")),
        "{with_jobs:?}"
    );

    // The module changed on disk.
    std::fs::write(
        &jobs,
        "import multiprocessing\n\n\ndef double(x):\n    return 2 * x\n\n\ndef go():\n    with multiprocessing.Pool(2) as pool:\n        return pool.map(double, [1])\n\n\ngo()\n",
    )
    .unwrap();
    watched(&mut server, &jobs_uri, 2);
    check(&mut server, &buffers, "jobs.py changed on disk");

    // main.py saved guarded; helpers.py closed unsaved (read from disk again).
    std::fs::write(root.join("main.py"), MAIN_GUARDED).unwrap();
    edit(&mut server, &mut buffers, &main_uri, MAIN_GUARDED);
    server.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": main_uri}}),
    );
    check(&mut server, &buffers, "main.py saved guarded");
    server.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": helpers_uri}}),
    );
    buffers.remove(&helpers_uri);
    check(&mut server, &buffers, "helpers.py closed");

    // The module deleted.
    std::fs::remove_file(&jobs).unwrap();
    watched(&mut server, &jobs_uri, 3);
    check(&mut server, &buffers, "jobs.py deleted");
    assert_eq!(steps, 8);
    server.shut_down();
}

/// A client that refuses the watcher registration will not report changed
/// files: the server then reads the disk again at every check.
#[test]
fn a_refused_watcher_registration_reads_the_disk_at_every_check() {
    let dir = project(MAIN_UNGUARDED, None);
    let main_uri = file_uri(&dir.path().join("main.py"));
    let mut server = Server::start();
    server.initialize_with(
        dir.path(),
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}),
    );
    let registration = server.wait_for("the watcher registration", |message| {
        message["method"] == "client/registerCapability"
    });
    server.send(json!({
        "jsonrpc": "2.0",
        "id": registration["id"],
        "error": {"code": -32601, "message": "no file watching here"},
    }));
    server.open(&main_uri, MAIN_UNGUARDED);
    assert_eq!(server.diagnostics(&main_uri, Some(1)).len(), 1);
    // helpers.py changes on disk, unreported: the next check still sees it.
    let threads = HELPERS.replace("multiprocessing.Pool(", "multiprocessing.pool.ThreadPool(");
    std::fs::write(dir.path().join("helpers.py"), threads).unwrap();
    server.change(&main_uri, 2, json!({"text": MAIN_UNGUARDED}));
    assert_eq!(server.diagnostics(&main_uri, Some(2)), Vec::<Value>::new());
    server.shut_down();
}

/// Issue 14: a document nested deeper than CPython accepts, opened or typed
/// into, is a syntax finding (SPS001), and the server goes on answering.
#[test]
fn a_deeply_nested_document_is_a_syntax_finding_not_a_crash() {
    let dir = project(MAIN_UNGUARDED, None);
    let deep_path = dir.path().join("deep.py");
    std::fs::write(&deep_path, "x = 1\n").unwrap();
    let deep_uri = file_uri(&deep_path);
    let main_uri = file_uri(&dir.path().join("main.py"));
    let mut server = Server::start();
    server.initialize(dir.path());
    let sums = format!("x = {}\n", vec!["1"; 16_000].join("+"));
    server.open(&deep_uri, &sums);
    let found = server.diagnostics(&deep_uri, Some(1));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["code"], "SPS001");
    assert!(found[0]["message"]
        .as_str()
        .unwrap()
        .starts_with("RecursionError: maximum recursion depth exceeded during compilation"));
    let calls = format!("x = {}1{}\n", "f(".repeat(12_000), ")".repeat(12_000));
    server.change(&deep_uri, 2, json!({"text": calls}));
    let found = server.diagnostics(&deep_uri, Some(2));
    assert_eq!(
        found[0]["message"],
        "SyntaxError: too many nested parentheses"
    );
    // The other files are still checked.
    server.open(&main_uri, MAIN_UNGUARDED);
    assert_eq!(server.diagnostics(&main_uri, Some(1)).len(), 1);
    server.shut_down();
}
