//! Is a program frozen into an executable? The build files beside a script
//! (a PyInstaller `*.spec`, a cx_Freeze or py2exe `setup.py`, cx_Freeze's
//! `[tool.cxfreeze]` in `pyproject.toml`) that name it, and the script's own
//! checks of `sys.frozen` / `sys._MEIPASS`.
//!
//! Build files are not modules the linter discovers: they are found by
//! listing the script's directory (and two above it), and parsed with the
//! Python parser (`.spec` files are Python) — never executed.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rustc_hash::FxHashMap;

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use crate::semantic::{string_literal, BindingKind, ModuleModel, Value, MODULE_SCOPE};

/// The tool that freezes a program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freezer {
    PyInstaller,
    CxFreeze,
    Py2exe,
}

impl Freezer {
    pub fn name(self) -> &'static str {
        match self {
            Freezer::PyInstaller => "PyInstaller",
            Freezer::CxFreeze => "cx_Freeze",
            Freezer::Py2exe => "py2exe",
        }
    }
}

/// A build file that freezes a script, and where it names the script.
#[derive(Debug, Clone)]
pub struct FreezeBuild {
    pub freezer: Freezer,
    pub path: PathBuf,
    pub text: String,
    /// The script's name in the build file (empty for `pyproject.toml`).
    pub range: TextRange,
}

/// How many directories above the script's own are searched for build files.
const PARENT_LEVELS: usize = 2;

/// The build files that freeze `script`: in its directory, or up to two above
/// it when they name it by a relative path (`Analysis(['src/app/main.py'])`).
///
/// What a directory holds is read once and kept (see [`directory_builds`]):
/// a folder of thousands of scripts is listed once, not once per script.
pub fn builds_freezing(script: &Path) -> Vec<FreezeBuild> {
    let Some(script) = canonical(script) else {
        return Vec::new();
    };
    let mut builds = Vec::new();
    for directory in script.ancestors().skip(1).take(PARENT_LEVELS + 1) {
        for file in directory_builds(directory).iter() {
            for (freezer, name, range) in &file.named {
                if canonical(&directory.join(name)).as_deref() == Some(script.as_path()) {
                    builds.push(FreezeBuild {
                        freezer: *freezer,
                        path: file.path.clone(),
                        text: file.text.to_string(),
                        range: *range,
                    });
                    break;
                }
            }
        }
    }
    builds
}

/// A build file and the scripts it names.
struct BuildFile {
    path: PathBuf,
    /// When it was read: a file changed since is read again.
    stamp: Option<(std::time::SystemTime, u64)>,
    text: Arc<str>,
    named: Vec<(Freezer, String, TextRange)>,
}

/// The build files of one directory, as listed when the directory last changed.
struct DirectoryBuilds {
    stamp: Option<std::time::SystemTime>,
    files: Arc<Vec<BuildFile>>,
}

fn stamp(metadata: &std::fs::Metadata) -> Option<(std::time::SystemTime, u64)> {
    Some((metadata.modified().ok()?, metadata.len()))
}

/// The build files in `directory` (`*.spec`, `setup.py`, `pyproject.toml`)
/// with the scripts each names. Kept per directory for the life of the
/// process, and read again when the directory or a build file in it changes
/// (the language server checks the same tree many times).
fn directory_builds(directory: &Path) -> Arc<Vec<BuildFile>> {
    static CACHE: Mutex<Option<FxHashMap<PathBuf, DirectoryBuilds>>> = Mutex::new(None);
    let directory_stamp = std::fs::metadata(directory)
        .ok()
        .and_then(|metadata| metadata.modified().ok());
    {
        let cache = CACHE.lock().expect("build file cache");
        if let Some(known) = cache.as_ref().and_then(|cache| cache.get(directory)) {
            let unchanged = known.stamp.is_some()
                && known.stamp == directory_stamp
                && known.files.iter().all(|file| {
                    std::fs::metadata(&file.path)
                        .ok()
                        .and_then(|metadata| stamp(&metadata))
                        == file.stamp
                });
            if unchanged {
                return Arc::clone(&known.files);
            }
        }
    }
    let files = Arc::new(read_directory_builds(directory));
    CACHE
        .lock()
        .expect("build file cache")
        .get_or_insert_with(FxHashMap::default)
        .insert(
            directory.to_path_buf(),
            DirectoryBuilds {
                stamp: directory_stamp,
                files: Arc::clone(&files),
            },
        );
    files
}

fn is_build_file(path: &Path) -> bool {
    path.extension().is_some_and(|ext| ext == "spec")
        || path
            .file_name()
            .is_some_and(|name| name == "setup.py" || name == "pyproject.toml")
}

fn read_directory_builds(directory: &Path) -> Vec<BuildFile> {
    let Ok(entries) = std::fs::read_dir(directory) else {
        return Vec::new();
    };
    // Only the names are looked at for every entry; a build file is stat'ed.
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| is_build_file(path) && path.is_file())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|path| {
            let metadata = std::fs::metadata(&path).ok()?;
            let text = std::fs::read_to_string(&path).ok()?;
            let named: Vec<(Freezer, String, TextRange)> =
                if path.extension().is_some_and(|ext| ext == "spec") {
                    spec_scripts(&text)
                        .into_iter()
                        .map(|(name, range)| (Freezer::PyInstaller, name, range))
                        .collect()
                } else if path.extension().is_some_and(|ext| ext == "toml") {
                    pyproject_scripts(&text)
                        .into_iter()
                        .map(|name| (Freezer::CxFreeze, name, TextRange::default()))
                        .collect()
                } else {
                    setup_scripts(&text)
                };
            Some(BuildFile {
                path,
                stamp: stamp(&metadata),
                text: Arc::from(text),
                named,
            })
        })
        .collect()
}

fn canonical(path: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(path).ok()
}

/// Every call in a module, in any statement.
struct Calls<'a> {
    calls: Vec<&'a ast::ExprCall>,
}

impl<'a> Visitor<'a> for Calls<'a> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Call(call) = expr {
            self.calls.push(call);
        }
        visitor::walk_expr(self, expr);
    }
}

fn calls_of(body: &[Stmt]) -> Vec<&ast::ExprCall> {
    let mut calls = Calls { calls: Vec::new() };
    calls.visit_body(body);
    calls.calls
}

/// The string literals of a list or tuple (or a single string).
fn strings(expr: &Expr) -> Vec<(String, TextRange)> {
    match expr {
        Expr::List(ast::ExprList { elts, .. }) | Expr::Tuple(ast::ExprTuple { elts, .. }) => elts
            .iter()
            .filter_map(|element| {
                string_literal(element).map(|text| (text.to_string(), element.range()))
            })
            .collect(),
        _ => string_literal(expr)
            .map(|text| vec![(text.to_string(), expr.range())])
            .unwrap_or_default(),
    }
}

/// A build file's syntax tree, when it is Python that CPython runs (not
/// nested too deep for the walks that read it).
fn build_file_module(text: &str) -> Option<ast::ModModule> {
    let parsed = crate::syntax::parse(
        text,
        ast::PySourceType::Python,
        crate::syntax::parser_version(None),
    );
    match parsed.into_module() {
        (module, None) => Some(module),
        _ => None,
    }
}

/// The scripts a PyInstaller spec analyses: `Analysis(['main.py'], ...)`.
pub fn spec_scripts(text: &str) -> Vec<(String, TextRange)> {
    let Some(module) = build_file_module(text) else {
        return Vec::new();
    };
    let body = &module.body;
    calls_of(body)
        .into_iter()
        .filter(|call| match call.func.as_ref() {
            Expr::Name(name) => name.id.as_str() == "Analysis",
            Expr::Attribute(attribute) => attribute.attr.as_str() == "Analysis",
            _ => false,
        })
        .filter_map(|call| call.arguments.find_argument_value("scripts", 0))
        .flat_map(strings)
        .collect()
}

/// The scripts a `setup.py` freezes: cx_Freeze's `Executable("main.py")` (or
/// `Executable(script=...)`), py2exe's `setup(console=[...], windows=[...])`.
pub fn setup_scripts(text: &str) -> Vec<(Freezer, String, TextRange)> {
    let Some(module) = build_file_module(text) else {
        return Vec::new();
    };
    let body = &module.body;
    let model = ModuleModel::build(body);
    let uses_py2exe = model.scopes[MODULE_SCOPE]
        .bindings
        .values()
        .flatten()
        .any(|binding| match &binding.kind {
            BindingKind::Import(path) => path == "py2exe" || path.starts_with("py2exe."),
            BindingKind::FromImport {
                module: Some(module),
                ..
            } => *module == "py2exe" || module.starts_with("py2exe."),
            _ => false,
        });
    let mut scripts = Vec::new();
    for call in calls_of(body) {
        let callee = model.resolve(&call.func, MODULE_SCOPE);
        let is_executable = matches!(
            &callee,
            Value::Qualified(name) if name.starts_with("cx_Freeze.") && name.ends_with(".Executable")
        );
        if is_executable {
            if let Some(script) = call.arguments.find_argument_value("script", 0) {
                scripts.extend(
                    strings(script)
                        .into_iter()
                        .map(|(name, range)| (Freezer::CxFreeze, name, range)),
                );
            }
            continue;
        }
        let is_setup = match call.func.as_ref() {
            Expr::Name(name) => name.id.as_str() == "setup",
            Expr::Attribute(attribute) => attribute.attr.as_str() == "setup",
            _ => false,
        };
        if uses_py2exe && is_setup {
            for keyword in ["console", "windows", "service"] {
                let Some(keyword) = call.arguments.find_keyword(keyword) else {
                    continue;
                };
                let mut found = strings(&keyword.value);
                // `windows=[{"script": "main.py", ...}]`
                if let Expr::List(ast::ExprList { elts, .. }) = &keyword.value {
                    for element in elts {
                        if let Expr::Dict(dict) = element {
                            for item in &dict.items {
                                if item.key.as_ref().and_then(string_literal) == Some("script") {
                                    found.extend(strings(&item.value));
                                }
                            }
                        }
                    }
                }
                scripts.extend(
                    found
                        .into_iter()
                        .map(|(name, range)| (Freezer::Py2exe, name, range)),
                );
            }
        }
    }
    scripts
}

/// The scripts of cx_Freeze's `[tool.cxfreeze] executables = [{script = "main.py"}]`.
pub fn pyproject_scripts(text: &str) -> Vec<String> {
    let Ok(document) = text.parse::<toml::Table>() else {
        return Vec::new();
    };
    let Some(executables) = document
        .get("tool")
        .and_then(|tool| tool.get("cxfreeze"))
        .and_then(|cxfreeze| cxfreeze.get("executables"))
        .and_then(toml::Value::as_array)
    else {
        return Vec::new();
    };
    executables
        .iter()
        .filter_map(|executable| match executable {
            toml::Value::String(script) => Some(script.clone()),
            toml::Value::Table(table) => table
                .get("script")
                .and_then(toml::Value::as_str)
                .map(str::to_string),
            _ => None,
        })
        .collect()
}

/// The first place a module reads `sys.frozen` or `sys._MEIPASS`
/// (`getattr(sys, "frozen", False)`, `hasattr(sys, "frozen")`, `sys.frozen`),
/// and the attribute it reads.
pub fn reads_frozen(model: &ModuleModel, body: &[Stmt]) -> Option<(TextRange, &'static str)> {
    struct Finder<'m, 'a> {
        model: &'m ModuleModel<'a>,
        found: Option<(TextRange, &'static str)>,
    }
    impl Finder<'_, '_> {
        fn is_sys(&self, expr: &Expr) -> bool {
            matches!(expr, Expr::Name(name) if name.id.as_str() == "sys")
                || matches!(self.model.resolve(expr, MODULE_SCOPE), Value::Qualified(name) if name == "sys")
        }
    }
    fn frozen_attribute(name: &str) -> Option<&'static str> {
        match name {
            "frozen" => Some("sys.frozen"),
            "_MEIPASS" => Some("sys._MEIPASS"),
            _ => None,
        }
    }
    impl<'a> Visitor<'a> for Finder<'_, '_> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if self.found.is_some() {
                return;
            }
            match expr {
                Expr::Attribute(attribute) if self.is_sys(&attribute.value) => {
                    if let Some(what) = frozen_attribute(attribute.attr.as_str()) {
                        self.found = Some((expr.range(), what));
                        return;
                    }
                }
                Expr::Call(call) => {
                    let probes = matches!(
                        call.func.as_ref(),
                        Expr::Name(name) if matches!(name.id.as_str(), "getattr" | "hasattr")
                    );
                    if probes
                        && call
                            .arguments
                            .args
                            .first()
                            .is_some_and(|object| self.is_sys(object))
                    {
                        if let Some(what) = call
                            .arguments
                            .args
                            .get(1)
                            .and_then(string_literal)
                            .and_then(frozen_attribute)
                        {
                            self.found = Some((expr.range(), what));
                            return;
                        }
                    }
                }
                _ => {}
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut finder = Finder { model, found: None };
    finder.visit_body(body);
    finder.found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_is_read_once_and_again_when_it_changes() {
        let directory = tempfile::tempdir().unwrap();
        let script = directory.path().join("main.py");
        std::fs::write(&script, "x = 1\n").unwrap();
        std::fs::write(directory.path().join("other.py"), "x = 1\n").unwrap();
        assert!(builds_freezing(&script).is_empty());
        // A build file added later changes the directory: it is listed again.
        std::thread::sleep(std::time::Duration::from_millis(20));
        let spec = directory.path().join("app.spec");
        std::fs::write(&spec, "a = Analysis(['main.py'])\n").unwrap();
        let builds = builds_freezing(&script);
        assert_eq!(builds.len(), 1);
        assert_eq!(builds[0].freezer, Freezer::PyInstaller);
        // A build file rewritten to name another script is read again.
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&spec, "a = Analysis(['other.py', 'x.py'])\n").unwrap();
        assert!(builds_freezing(&script).is_empty());
        assert_eq!(builds_freezing(&directory.path().join("other.py")).len(), 1);
    }

    #[test]
    fn spec_lists_its_scripts() {
        let spec = "a = Analysis(\n    ['main.py', 'tools/other.py'],\n    pathex=[],\n)\npyz = PYZ(a.pure)\n";
        let scripts: Vec<String> = spec_scripts(spec).into_iter().map(|(s, _)| s).collect();
        assert_eq!(scripts, vec!["main.py", "tools/other.py"]);
        let keyword = "a = Analysis(scripts=['app.py'])";
        assert_eq!(spec_scripts(keyword)[0].0, "app.py");
        assert!(spec_scripts("this is not python (").is_empty());
    }

    #[test]
    fn setup_files_of_freezers() {
        let cx = "from cx_Freeze import Executable, setup\nsetup(executables=[Executable('main.py', base=None)])";
        let found = setup_scripts(cx);
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].0, found[0].1.as_str()),
            (Freezer::CxFreeze, "main.py")
        );
        assert_eq!(&cx[found[0].2], "'main.py'");
        let keyword =
            "import cx_Freeze as cx\ncx.setup(executables=[cx.Executable(script='app.py')])";
        assert_eq!(setup_scripts(keyword)[0].1, "app.py");
        let py2exe = "from distutils.core import setup\nimport py2exe\nsetup(console=['cli.py'], windows=[{'script': 'gui.py'}])";
        let found: Vec<(Freezer, String)> = setup_scripts(py2exe)
            .into_iter()
            .map(|(freezer, name, _)| (freezer, name))
            .collect();
        assert_eq!(
            found,
            vec![
                (Freezer::Py2exe, "cli.py".to_string()),
                (Freezer::Py2exe, "gui.py".to_string())
            ]
        );
        // setuptools alone freezes nothing, even with an `Executable` of its own.
        let plain = "from setuptools import setup\nfrom mytool import Executable\nsetup(console=['x.py'], scripts=[Executable('main.py')])";
        assert!(setup_scripts(plain).is_empty());
    }

    #[test]
    fn pyproject_cxfreeze_executables() {
        let text = "[project]\nname = 'x'\n[tool.cxfreeze]\nexecutables = [{script = 'main.py', base = 'gui'}, 'cli.py']\n";
        assert_eq!(pyproject_scripts(text), vec!["main.py", "cli.py"]);
        assert!(pyproject_scripts("[tool.ruff]\nline-length = 100\n").is_empty());
    }

    fn frozen_read(source: &str) -> Option<&'static str> {
        let parsed = ruff_python_parser::parse_module(source).unwrap();
        let body = &parsed.syntax().body;
        let model = ModuleModel::build(body);
        reads_frozen(&model, body).map(|(_, what)| what)
    }

    #[test]
    fn frozen_checks() {
        assert_eq!(
            frozen_read("import sys\nif getattr(sys, 'frozen', False):\n    pass"),
            Some("sys.frozen")
        );
        assert_eq!(
            frozen_read("import sys\ndef base():\n    return sys._MEIPASS"),
            Some("sys._MEIPASS")
        );
        assert_eq!(
            frozen_read("import sys as system\nFROZEN = hasattr(system, 'frozen')"),
            Some("sys.frozen")
        );
        assert_eq!(
            frozen_read(
                "from dataclasses import dataclass\n@dataclass(frozen=True)\nclass A:\n    x: int"
            ),
            None
        );
        assert_eq!(frozen_read("x = frozenset()\ny = obj.frozen"), None);
    }

    #[test]
    fn build_files_beside_the_script() {
        let root = tempfile::tempdir().unwrap();
        let app = root.path().join("src").join("app");
        std::fs::create_dir_all(&app).unwrap();
        let script = app.join("main.py");
        std::fs::write(&script, "print('hi')\n").unwrap();
        let other = app.join("other.py");
        std::fs::write(&other, "print('hi')\n").unwrap();
        std::fs::write(
            root.path().join("app.spec"),
            "a = Analysis(['src/app/main.py'])\n",
        )
        .unwrap();
        std::fs::write(
            app.join("setup.py"),
            "from cx_Freeze import setup, Executable\nsetup(executables=[Executable('main.py')])\n",
        )
        .unwrap();
        let builds = builds_freezing(&script);
        let freezers: Vec<Freezer> = builds.iter().map(|build| build.freezer).collect();
        assert_eq!(freezers, vec![Freezer::CxFreeze, Freezer::PyInstaller]);
        assert!(builds_freezing(&other).is_empty());
    }
}
