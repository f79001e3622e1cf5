//! A real editor driven headless: Neovim's own LSP client starts
//! `spawnsafe server`, shows the SPS101 that comes from another module,
//! applies the quick fix the server offers, and the finding clears.
//!
//! Skipped (with a message) when `nvim` is not on `PATH`; `.ci/run` installs
//! it and sets `SPAWNSAFE_REQUIRE_NVIM=1`, which makes its absence a failure.
//! The client is started with the README's snippet where the Neovim has what
//! it uses (`vim.lsp.start`, `vim.fs.root`: 0.10 and later); older ones
//! (Debian 12 has 0.7.2) compile the snippet, then start the same client the
//! 0.7 way, `vim.lsp.start_client` and `vim.lsp.buf_attach_client`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Starts nothing by itself; `run_all` starts a pool.
const HELPERS: &str = r#"import multiprocessing


def count_lines(path):
    with open(path) as handle:
        return path, sum(1 for _ in handle)


def run_all(paths, workers=2):
    with multiprocessing.Pool(workers) as pool:
        return dict(pool.map(count_lines, paths))
"#;

/// Calls `helpers.run_all()` at import time: SPS101, found only through helpers.py.
const MAIN_UNGUARDED: &str = r#"import os

import helpers

paths = sorted(p for p in os.listdir(".") if p.endswith(".txt"))
counts = helpers.run_all(paths)
print(f"report: {len(counts)} files")
"#;

/// What SPS101's fix makes of it.
const MAIN_GUARDED: &str = r#"import os

import helpers

if __name__ == "__main__":
    paths = sorted(p for p in os.listdir(".") if p.endswith(".txt"))
    counts = helpers.run_all(paths)
    print(f"report: {len(counts)} files")
"#;

/// The 0-based line of `counts = helpers.run_all(paths)` in MAIN_UNGUARDED.
const CALL_LINE: u64 = 5;

const TIMEOUT: Duration = Duration::from_secs(120);

/// The client: the README's snippet, or the same client started the 0.7 way.
const INIT_LUA: &str = r#"
local snippet = assert(loadstring(README_SNIPPET))
_G.spawnsafe_client_started_by = nil
if vim.lsp.start and vim.fs and vim.fs.root then
  snippet()
  _G.spawnsafe_client_started_by = "the README's snippet"
else
  vim.api.nvim_create_autocmd("FileType", {
    pattern = "python",
    callback = function(args)
      local client = vim.lsp.start_client({
        name = "spawnsafe",
        cmd = { "spawnsafe", "server" },
        root_dir = vim.fn.getcwd(),
      })
      vim.lsp.buf_attach_client(args.buf, client)
    end,
  })
  _G.spawnsafe_client_started_by = "vim.lsp.start_client"
end
"#;

/// Waits for the finding, asks for the code actions on its line with the
/// diagnostics in the context (as `vim.lsp.buf.code_action()` does), applies
/// the quick fix's workspace edit with Neovim's own function, waits for the
/// findings to clear, and writes what it saw as JSON.
const DRIVE_LUA: &str = r#"
local v = vim.version()
local result = { started_by = _G.spawnsafe_client_started_by, version = string.format("%d.%d.%d", v.major, v.minor, v.patch) }
local function finish()
  local file = assert(io.open(os.getenv("SPAWNSAFE_NVIM_RESULT"), "w"))
  file:write(vim.fn.json_encode(result))
  file:close()
  vim.cmd("qa!")
end
local buf = vim.api.nvim_get_current_buf()
local function found()
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
    table.insert(out, {
      code = code, message = d.message, source = d.source, severity = d.severity,
      range = { start = { line = d.lnum, character = d.col },
                ["end"] = { line = d.end_lnum, character = d.end_col } },
    })
  end
  return out
end
if not vim.wait(60000, function() return #vim.diagnostic.get(buf) > 0 end, 50) then
  result.error = "no diagnostics within 60 s"
  return finish()
end
result.diagnostics = found()
local finding = result.diagnostics[1]
vim.api.nvim_win_set_cursor(0, { finding.range.start.line + 1, 0 })
local params = vim.lsp.util.make_range_params()
params.context = { diagnostics = result.diagnostics }
local responses = vim.lsp.buf_request_sync(buf, "textDocument/codeAction", params, 30000) or {}
result.titles = {}
local chosen, client_id
for id, response in pairs(responses) do
  for _, action in ipairs(response.result or {}) do
    table.insert(result.titles, action.title)
    if not chosen and action.kind == "quickfix" and not action.title:find("disable") then
      chosen, client_id = action, id
    end
  end
end
if not chosen then
  result.error = "no quick fix offered"
  return finish()
end
local client = vim.lsp.get_client_by_id(client_id)
if not chosen.edit then
  local resolved = client.request_sync("codeAction/resolve", chosen, 30000, buf)
  chosen = resolved and resolved.result or chosen
end
result.applied = chosen.title
vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding or "utf-16")
result.cleared = vim.wait(60000, function() return #vim.diagnostic.get(buf) == 0 end, 50)
result.text = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), "\n") .. "\n"
finish()
"#;

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// The Lua block of the README's Neovim section.
fn readme_snippet() -> String {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md"))
            .expect("the README");
    let section = &readme[readme.find("**Neovim**").expect("a Neovim section")..];
    let block = &section[section.find("```lua\n").expect("a lua block") + "```lua\n".len()..];
    block[..block.find("```").expect("the block's end")].to_string()
}

/// A Lua long string holding `text` (no `]==]` in it).
fn lua_string(text: &str) -> String {
    assert!(!text.contains("]==]"));
    format!("[==[{text}]==]")
}

#[test]
fn neovim_shows_the_finding_and_applies_the_quick_fix() {
    let Some(nvim) = on_path("nvim") else {
        if std::env::var_os("SPAWNSAFE_REQUIRE_NVIM").is_some() {
            panic!("nvim is not on PATH and SPAWNSAFE_REQUIRE_NVIM is set");
        }
        eprintln!(
            "skipped: nvim is not on PATH (install Neovim, or set SPAWNSAFE_REQUIRE_NVIM=1 to make this a failure)"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    std::fs::create_dir(&project).unwrap();
    std::fs::write(project.join("helpers.py"), HELPERS).unwrap();
    std::fs::write(project.join("main.py"), MAIN_UNGUARDED).unwrap();
    std::fs::create_dir(project.join(".git")).unwrap();
    let init = dir.path().join("init.lua");
    std::fs::write(
        &init,
        INIT_LUA.replace("README_SNIPPET", &lua_string(&readme_snippet())),
    )
    .unwrap();
    let drive = dir.path().join("drive.lua");
    std::fs::write(&drive, DRIVE_LUA).unwrap();
    let result_path = dir.path().join("result.json");

    // `spawnsafe` as the snippet names it: the binary under test, first on PATH.
    let binary = Path::new(env!("CARGO_BIN_EXE_spawnsafe"));
    let path = std::env::join_paths(
        std::iter::once(binary.parent().unwrap().to_path_buf())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let xdg = dir.path().join("xdg");
    let mut child = Command::new(nvim)
        .args(["--headless", "-n", "-i", "NONE", "-u"])
        .arg(&init)
        .arg("-c")
        .arg(format!("luafile {}", drive.display()))
        .arg("main.py")
        .current_dir(&project)
        .env("PATH", path)
        .env("SPAWNSAFE_NVIM_RESULT", &result_path)
        .env("XDG_CONFIG_HOME", xdg.join("config"))
        .env("XDG_DATA_HOME", xdg.join("data"))
        .env("XDG_STATE_HOME", xdg.join("state"))
        .env("XDG_CACHE_HOME", xdg.join("cache"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("nvim starts");
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("nvim did not finish within {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let result: Value = serde_json::from_str(
        &std::fs::read_to_string(&result_path)
            .unwrap_or_else(|_| panic!("nvim wrote no result (exit status {status})")),
    )
    .unwrap();
    assert!(result.get("error").is_none(), "{result:#}");
    eprintln!(
        "Neovim {}: the client was started by {}",
        result["version"], result["started_by"]
    );
    let diagnostics = result["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "{result:#}");
    assert_eq!(diagnostics[0]["code"], "SPS101", "{result:#}");
    assert_eq!(diagnostics[0]["source"], "spawnsafe", "{result:#}");
    assert_eq!(diagnostics[0]["range"]["start"]["line"], CALL_LINE);
    assert!(!diagnostics[0]["message"].as_str().unwrap().is_empty());
    let titles: Vec<&str> = result["titles"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        titles.contains(&"spawnsafe: disable SPS101 for this line"),
        "{titles:?}"
    );
    assert_eq!(result["text"], MAIN_GUARDED, "{result:#}");
    assert_eq!(result["cleared"], true, "{result:#}");
    assert!(status.success(), "nvim exit status {status}");
}
