//! The project model: module names for files, import resolution between the
//! project's own modules, and the cross-module question "what does running
//! this call (transitively) do?".

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::{OnceLock, RwLock};

use ruff_text_size::TextRange;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::api::Api;
use crate::facts::{BodyFacts, CallEdge, CallSite, ModuleFacts, StartKind, Target};
use crate::semantic::{
    BindingKind, ClassId, FunctionId, IndexVec, ModuleModel, Value, MODULE_SCOPE,
};

/// Where a file sits in the import system.
#[derive(Debug, Clone)]
pub struct ModulePath {
    /// The directory that must be on `sys.path` to import it.
    pub root: PathBuf,
    /// The dotted module name (`pkg.sub.mod`; `pkg` for `pkg/__init__.py`).
    pub name: String,
    pub is_package_init: bool,
    /// The file is in a package (its directory has an `__init__.py`).
    pub in_package: bool,
    /// `__main__.py`: run by `python -m pkg`, never re-imported by spawn children.
    pub is_dunder_main: bool,
    /// `conftest.py`: loaded by pytest as a plugin, not imported by spawn children
    /// through the main module.
    pub is_conftest: bool,
    /// A Jupyter notebook: its code runs in an interactive `__main__`.
    pub is_notebook: bool,
}

impl ModulePath {
    /// A plain script `/project/NAME.py`, for unit tests (here and in the linter's).
    #[doc(hidden)]
    pub fn test_script(name: &str) -> ModulePath {
        ModulePath {
            root: PathBuf::from("/project"),
            name: name.to_string(),
            is_package_init: false,
            in_package: false,
            is_dunder_main: false,
            is_conftest: false,
            is_notebook: false,
        }
    }

    /// A main module that spawn children never re-import: a notebook's
    /// interactive `__main__`, or a package's `__main__.py` run with `python -m`
    /// (`multiprocessing.spawn` skips main modules named `__main__`).
    pub fn is_interactive_main(&self) -> bool {
        self.is_notebook || self.is_dunder_main
    }
}

/// Computes module names: package directories are those with an `__init__.py`,
/// so `src/` layouts and plain script folders both come out right.
pub fn module_path(path: &Path, has_init: &mut impl FnMut(&Path) -> bool) -> ModulePath {
    let stem = path
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default();
    let is_package_init = stem == "__init__";
    let mut parts = if is_package_init {
        Vec::new()
    } else {
        vec![stem.clone()]
    };
    let mut directory = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let in_package = has_init(&directory);
    while has_init(&directory) {
        let Some(name) = directory.file_name() else {
            break;
        };
        parts.push(name.to_string_lossy().into_owned());
        match directory.parent() {
            Some(parent) => directory = parent.to_path_buf(),
            None => break,
        }
    }
    parts.reverse();
    ModulePath {
        root: directory,
        name: parts.join("."),
        is_package_init,
        in_package,
        is_dunder_main: stem == "__main__",
        is_conftest: stem == "conftest",
        is_notebook: path.extension().is_some_and(|ext| ext == "ipynb"),
    }
}

/// One step of a trace from a call site to the process start it leads to.
#[derive(Debug, Clone)]
pub struct TraceStep {
    pub module: usize,
    pub range: TextRange,
    pub message: String,
    /// The qualified name of the function the step is in.
    pub function: String,
    /// The start method the step's code pins (a context, or `set_start_method`).
    pub method: Option<String>,
}

/// An effect found in a body: where, what it does in words, and the start method it pins.
pub struct DirectEffect {
    pub range: TextRange,
    pub description: String,
    pub method: Option<String>,
}

/// What a call leads to, transitively.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    /// Starts a process.
    Start,
    /// Calls `set_start_method` without `force=True` (outside a `try` that catches it).
    SetStartMethod,
    /// Always fixes the default context (sets the start method, or makes a
    /// `Queue`/`Lock`/`Pool` through it), so a later `set_start_method()` raises.
    FixContext,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Symbol {
    Function(usize, FunctionId),
    Class(usize, ClassId),
}

/// The analysed modules of a project, and the lookups between them.
pub struct Project<'p, 'a> {
    pub paths: &'p [ModulePath],
    pub models: &'p [ModuleModel<'a>],
    pub facts: &'p [ModuleFacts<'a>],
    by_name: FxHashMap<&'p str, Vec<usize>>,
    /// How many files found (analysed here or not: the prefilter left them
    /// out, or another import group has them) have each module name: an
    /// import resolves as if they were all here.
    found_names: Cow<'p, FxHashMap<String, usize>>,
    /// Modules some other project module imports.
    pub imported: Vec<bool>,
    /// The call sites by the names they spell, made on first use: see [`Project::callers_of`].
    /// Owned keys: a borrowed name in a cell would make `Project` invariant.
    calls_by_name: OnceLock<CallsByName>,
    /// Every attribute load (`x.name`, read) by name, made on first use: see
    /// [`Project::attribute_loads`].
    attribute_loads: OnceLock<crate::lazy_members::AttributeLoads>,
    /// Where the project starts managers, made on first use: see
    /// [`Project::manager_starts`].
    manager_starts: OnceLock<Vec<(crate::channels::ManagerClass, usize, TextRange)>>,
    /// The project function each call site calls (see [`Project::call_site_callee`]),
    /// per module, by index in its `calls`, made on first use: `callers_of`
    /// is asked about the same names again and again.
    site_callees: Vec<OnceLock<SiteCallees>>,
    /// Each class's project base classes (by module, then class), made on
    /// first use: method lookups ask for them again and again.
    class_bases: Vec<IndexVec<ClassId, OnceLock<ClassBases>>>,
    /// What each qualified name seen in a module resolves to, by module, made
    /// on first use: every rule asks again for the same call targets.
    resolved: Vec<RwLock<FxHashMap<Box<str>, Option<Symbol>>>>,
}

const MAX_REEXPORT_DEPTH: usize = 8;

/// Call sites, as (module, index in its `calls`), under a name they spell.
type CallsByName = FxHashMap<Box<str>, Vec<(usize, usize)>>;
/// A class's project base classes, as (module, class).
type ClassBases = Vec<(usize, ClassId)>;
/// A module's call sites' callees, filled one by one.
type SiteCallees = Box<[OnceLock<Option<(usize, FunctionId)>>]>;

impl<'p, 'a> Project<'p, 'a> {
    pub fn new(
        paths: &'p [ModulePath],
        models: &'p [ModuleModel<'a>],
        facts: &'p [ModuleFacts<'a>],
    ) -> Self {
        Project::with_unanalysed(paths, models, facts, &[])
    }

    /// A project of the analysed modules, knowing the other files found
    /// (`unanalysed`): an import that names one of them, or that is not
    /// unique because of one, resolves to no analysed module, as it would
    /// not had every file been analysed.
    pub fn with_unanalysed(
        paths: &'p [ModulePath],
        models: &'p [ModuleModel<'a>],
        facts: &'p [ModuleFacts<'a>],
        unanalysed: &[ModulePath],
    ) -> Self {
        let mut found_names: FxHashMap<String, usize> = FxHashMap::default();
        for path in paths.iter().chain(unanalysed) {
            *found_names.entry(path.name.clone()).or_default() += 1;
        }
        Project::with_found_names(paths, models, facts, Cow::Owned(found_names))
    }

    /// The same, knowing how many files found have each module name
    /// (`found_names` counts the analysed ones too): the linter checks one
    /// import group at a time against the counts of every file found.
    pub fn with_found_names(
        paths: &'p [ModulePath],
        models: &'p [ModuleModel<'a>],
        facts: &'p [ModuleFacts<'a>],
        found_names: Cow<'p, FxHashMap<String, usize>>,
    ) -> Self {
        let mut by_name: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
        for (index, path) in paths.iter().enumerate() {
            by_name.entry(path.name.as_str()).or_default().push(index);
        }
        let mut project = Project {
            paths,
            models,
            facts,
            by_name,
            found_names,
            imported: vec![false; paths.len()],
            calls_by_name: OnceLock::new(),
            attribute_loads: OnceLock::new(),
            manager_starts: OnceLock::new(),
            site_callees: facts.iter().map(|_| OnceLock::new()).collect(),
            class_bases: models
                .iter()
                .map(|model| model.classes.iter().map(|_| OnceLock::new()).collect())
                .collect(),
            resolved: models.iter().map(|_| RwLock::default()).collect(),
        };
        let mut imported = vec![false; paths.len()];
        for (index, module_facts) in facts.iter().enumerate() {
            for (level, name) in &module_facts.imports {
                if let Some(target) = project.resolve_module(index, *level, name) {
                    if target != index {
                        imported[target] = true;
                    }
                }
            }
        }
        project.imported = imported;
        project
    }

    /// The absolute name of `from <dots><name> import ...` written in `importer`.
    fn absolute_name(&self, importer: usize, level: u32, name: &str) -> Option<String> {
        if level == 0 {
            return Some(name.to_string());
        }
        let path = &self.paths[importer];
        let mut package: Vec<&str> = path.name.split('.').collect();
        if !path.is_package_init {
            package.pop();
        }
        for _ in 1..level {
            package.pop()?;
        }
        if !name.is_empty() {
            package.push(name);
        }
        Some(package.join("."))
    }

    /// Finds a project module by name, preferring one under the importer's root.
    pub fn resolve_module(&self, importer: usize, level: u32, name: &str) -> Option<usize> {
        // Only a relative name needs a new string.
        let absolute;
        let name = if level == 0 {
            name
        } else {
            absolute = self.absolute_name(importer, level, name)?;
            absolute.as_str()
        };
        let root = &self.paths[importer].root;
        let Some(candidates) = self.by_name.get(name) else {
            return self.resolve_in_namespace_package(root, name).or_else(|| {
                (level == 0)
                    .then(|| self.resolve_sibling(importer, name))
                    .flatten()
            });
        };
        if let Some(same_root) = candidates
            .iter()
            .copied()
            .find(|&candidate| &self.paths[candidate].root == root)
        {
            return Some(same_root);
        }
        // Another root's module only when it is the one module of that name
        // among all files found.
        let found = self.found_names.get(name).copied().unwrap_or(0);
        (candidates.len() == 1 && found <= 1).then(|| candidates[0])
    }

    /// `import dataset` in `mnist/train.py` run as a script, where `mnist/` is a
    /// package: the script's own directory is `sys.path[0]` (Modules/main.c
    /// `pymain_run_python` prepends it), so the name is the sibling
    /// `mnist/dataset.py`. Only when no module of that name is found otherwise.
    fn resolve_sibling(&self, importer: usize, name: &str) -> Option<usize> {
        let path = &self.paths[importer];
        if !path.in_package {
            return None;
        }
        let package = if path.is_package_init {
            path.name.as_str()
        } else {
            path.name.rsplit_once('.').map(|(package, _)| package)?
        };
        let sibling = format!("{package}.{name}");
        self.by_name
            .get(sibling.as_str())?
            .iter()
            .copied()
            .find(|&candidate| self.paths[candidate].root == path.root)
    }

    /// `import exp.exp_main` where `exp/` has no `__init__.py`: a namespace package
    /// (PEP 420), whose modules this project names from their own directory
    /// (`exp_main`, rooted at `exp/`). Found by the directories the name's first
    /// components make under the importer's root.
    fn resolve_in_namespace_package(&self, root: &Path, name: &str) -> Option<usize> {
        let mut directory = root.to_path_buf();
        let mut rest = name;
        while let Some((first, tail)) = rest.split_once('.') {
            directory.push(first);
            rest = tail;
            if let Some(candidates) = self.by_name.get(rest) {
                if let Some(&found) = candidates
                    .iter()
                    .find(|&&candidate| self.paths[candidate].root == directory)
                {
                    return Some(found);
                }
            }
        }
        None
    }

    /// Resolves a qualified name seen in `module` (`helpers.run_all`, `.pkg.Runner`,
    /// `pkg.mod.Class.method`) to a project function or class, once per name and module.
    fn resolve_qualified(&self, module: usize, qualified: &str, depth: usize) -> Option<Symbol> {
        if depth > 0 {
            return self.resolve_qualified_uncached(module, qualified, depth);
        }
        let cache = &self.resolved[module];
        let cached = cache
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(qualified)
            .copied();
        if let Some(symbol) = cached {
            return symbol;
        }
        let symbol = self.resolve_qualified_uncached(module, qualified, depth);
        cache
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(qualified.into(), symbol);
        symbol
    }

    fn resolve_qualified_uncached(
        &self,
        module: usize,
        qualified: &str,
        depth: usize,
    ) -> Option<Symbol> {
        if depth > MAX_REEXPORT_DEPTH {
            return None;
        }
        let level = qualified.bytes().take_while(|&c| c == b'.').count();
        let dotted = &qualified[level..];
        let level = level as u32;
        let parts: Vec<&str> = dotted.split('.').collect();
        // The longest prefix that is a project module, then names inside it.
        // The prefix `parts[..split]` is a slice of `dotted`, ending one
        // before where `parts[split]` starts.
        let mut rest_start = dotted.len() + 1;
        for split in (0..parts.len()).rev() {
            rest_start -= parts[split].len() + 1;
            if split == 0 && level == 0 {
                break;
            }
            let module_name = if split == 0 {
                ""
            } else {
                &dotted[..rest_start - 1]
            };
            let Some(target) = self.resolve_module(module, level, module_name) else {
                continue;
            };
            return self.lookup_in_module(target, &parts[split..], depth + 1);
        }
        None
    }

    /// Looks `names` up in a module's top-level bindings, following re-exports.
    fn lookup_in_module(&self, module: usize, names: &[&str], depth: usize) -> Option<Symbol> {
        let (first, rest) = names.split_first()?;
        let model = &self.models[module];
        let binding = model.scopes[MODULE_SCOPE]
            .bindings
            .get(first)?
            .iter()
            .rev()
            .find(|binding| !binding.in_main_guard)?;
        let symbol = match &binding.kind {
            BindingKind::Function(function) if rest.is_empty() => {
                Symbol::Function(module, *function)
            }
            BindingKind::Class(class) => {
                let class = *class;
                return match rest {
                    [] => Some(Symbol::Class(module, class)),
                    [method] => self
                        .find_method(module, class, method, 0)
                        .map(|(m, f)| Symbol::Function(m, f)),
                    _ => None,
                };
            }
            BindingKind::Import(path) => {
                let mut qualified = path.to_string();
                for name in rest {
                    qualified.push('.');
                    qualified.push_str(name);
                }
                return self.resolve_qualified(module, &qualified, depth + 1);
            }
            BindingKind::FromImport {
                level,
                module: from,
                name,
            } => {
                let dots = ".".repeat(*level as usize);
                let mut qualified = match from {
                    Some(from) => format!("{dots}{from}.{name}"),
                    None => format!("{dots}{name}"),
                };
                for name in rest {
                    qualified.push('.');
                    qualified.push_str(name);
                }
                return self.resolve_qualified(module, &qualified, depth + 1);
            }
            _ => return None,
        };
        Some(symbol)
    }

    /// The project function a call runs, and whether it is called as a bound
    /// method (its first parameter is then `self`).
    pub fn called_function(
        &self,
        module: usize,
        target: &Target,
    ) -> Option<(usize, FunctionId, bool)> {
        match target {
            // `Class.method(obj, x)` passes `self` explicitly: positions line up.
            Target::Function(function) => Some((module, *function, false)),
            Target::Class(class) => self
                .find_method(module, *class, "__init__", 0)
                .map(|(m, f)| (m, f, true)),
            Target::Method(class, method) => self
                .find_method(module, *class, method, 0)
                .map(|(m, f)| (m, f, true)),
            Target::External(name) => match self.resolve_qualified(module, name, 0)? {
                Symbol::Function(m, f) => Some((m, f, false)),
                Symbol::Class(m, c) => self
                    .find_method(m, c, "__init__", 0)
                    .map(|(m, f)| (m, f, true)),
            },
            Target::ExternalMethod(name, method) => {
                match self.resolve_qualified(module, name, 0)? {
                    Symbol::Class(m, c) => {
                        self.find_method(m, c, method, 0).map(|(m, f)| (m, f, true))
                    }
                    Symbol::Function(..) => None,
                }
            }
            Target::ExternalElement(..) | Target::Registry(_) => None,
        }
    }

    /// The project functions a registry of `module` holds: those stored in it
    /// directly, and those its storing functions' callers pass.
    pub fn registry_functions(&self, module: usize, registry: &str) -> Vec<(usize, FunctionId)> {
        let Some(found) = self.facts[module].registries.get(registry) else {
            return Vec::new();
        };
        let mut functions = Vec::new();
        for item in &found.items {
            match *item {
                crate::callbacks::Stored::Function(function) => functions.push((module, function)),
                crate::callbacks::Stored::Parameter(storer, index) => {
                    let info = &self.models[module].functions[storer];
                    let bound = info.class.is_some();
                    // Only what the import itself registers is there while the
                    // script is imported (not the main guard's, not `main()`'s).
                    for (caller, site) in self.callers_of(module, storer) {
                        if !site.import_time {
                            continue;
                        }
                        let Some(argument) =
                            crate::workers::argument_for(site.call, info.def, index, bound)
                        else {
                            continue;
                        };
                        match self.models[caller].resolve(argument, site.scope) {
                            Value::Function(function) => functions.push((caller, function)),
                            Value::Qualified(name) => {
                                functions.extend(self.resolve_function(caller, &name))
                            }
                            _ => {}
                        }
                    }
                }
            }
        }
        functions.sort_unstable();
        functions.dedup();
        functions
    }

    /// The project function a qualified name stands for (`helpers.work`).
    pub fn resolve_function(&self, module: usize, qualified: &str) -> Option<(usize, FunctionId)> {
        match self.resolve_qualified(module, qualified, 0)? {
            Symbol::Function(m, f) => Some((m, f)),
            Symbol::Class(..) => None,
        }
    }

    /// The project class a qualified name stands for.
    pub fn resolve_class(&self, module: usize, qualified: &str) -> Option<(usize, ClassId)> {
        match self.resolve_qualified(module, qualified, 0)? {
            Symbol::Class(m, c) => Some((m, c)),
            Symbol::Function(..) => None,
        }
    }

    /// A method of a project class, looked up through its project base classes.
    /// The project's function or class that `qualified`, as seen from `module`, names.
    pub(crate) fn resolve_symbol(&self, module: usize, qualified: &str) -> Option<Symbol> {
        self.resolve_qualified(module, qualified, 0)
    }

    pub fn find_method_of(
        &self,
        module: usize,
        class: ClassId,
        name: &str,
    ) -> Option<(usize, FunctionId)> {
        self.find_method(module, class, name, 0)
    }

    /// Finds a method on a project class or its project base classes.
    fn find_method(
        &self,
        module: usize,
        class: ClassId,
        name: &str,
        depth: usize,
    ) -> Option<(usize, FunctionId)> {
        if depth > MAX_REEXPORT_DEPTH {
            return None;
        }
        let info = &self.models[module].classes[class];
        if let Some(&function) = info.methods.get(name) {
            return Some((module, function));
        }
        for &(base_module, base) in self.project_bases(module, class) {
            if let Some(found) = self.find_method(base_module, base, name, depth + 1) {
                return Some(found);
            }
        }
        None
    }

    /// The direct base classes of a class that are the project's own.
    pub fn project_bases_of(&self, module: usize, class: ClassId) -> Vec<(usize, ClassId)> {
        self.project_bases(module, class).to_vec()
    }

    fn project_bases(&self, module: usize, class: ClassId) -> &[(usize, ClassId)] {
        self.class_bases[module][class].get_or_init(|| self.find_project_bases(module, class))
    }

    fn find_project_bases(&self, module: usize, class: ClassId) -> Vec<(usize, ClassId)> {
        let model = &self.models[module];
        let info = &model.classes[class];
        let Some(arguments) = &info.def.arguments else {
            return Vec::new();
        };
        arguments
            .args
            .iter()
            .filter_map(|base| match model.resolve(base, info.parent_scope) {
                Value::Class(base) => Some((module, base)),
                Value::Qualified(name) => match self.resolve_qualified(module, &name, 0) {
                    Some(Symbol::Class(m, c)) => Some((m, c)),
                    _ => None,
                },
                _ => None,
            })
            .collect()
    }

    /// The values a project module's top-level name is assigned
    /// (`settings.WORKERS`, `.config.MAX_JOBS`), with the module that holds them,
    /// when every binding of it there is a plain assignment outside the main guard.
    pub fn module_assignments(
        &self,
        module: usize,
        qualified: &str,
    ) -> Option<(usize, Vec<&'p crate::semantic::Binding<'a>>)> {
        self.module_assignments_depth(module, qualified, 0)
    }

    fn module_assignments_depth(
        &self,
        module: usize,
        qualified: &str,
        depth: usize,
    ) -> Option<(usize, Vec<&'p crate::semantic::Binding<'a>>)> {
        if depth > MAX_REEXPORT_DEPTH {
            return None;
        }
        let level = qualified.chars().take_while(|&c| c == '.').count() as u32;
        let dotted = &qualified[level as usize..];
        let (module_name, name) = match dotted.rsplit_once('.') {
            Some((module_name, name)) => (module_name, name),
            None if level > 0 => ("", dotted),
            None => return None,
        };
        let target = self.resolve_module(module, level, module_name)?;
        let bindings = self.models[target].scopes[MODULE_SCOPE]
            .bindings
            .get(name)?;
        if let [binding] = bindings.as_slice() {
            // A re-export: `from .defaults import WORKERS`.
            if let BindingKind::FromImport {
                level,
                module: Some(from),
                name,
            } = &binding.kind
            {
                let dots = ".".repeat(*level as usize);
                return self.module_assignments_depth(
                    target,
                    &format!("{dots}{from}.{name}"),
                    depth + 1,
                );
            }
        }
        bindings
            .iter()
            .all(|binding| matches!(binding.kind, BindingKind::Assign(_)) && !binding.in_main_guard)
            .then(|| (target, bindings.iter().collect()))
    }

    /// The project function a call site calls: a function of its module, an
    /// imported one, or a method of a project class (`self.helper()`, `obj.run()`).
    pub fn call_site_callee(&self, module: usize, site: &CallSite) -> Option<(usize, FunctionId)> {
        let model = &self.models[module];
        match model.resolve(&site.call.func, site.scope) {
            Value::Function(function) => Some((module, function)),
            Value::Qualified(name) => self.resolve_function(module, &name),
            Value::BoundMethod(receiver, method) => match *receiver {
                Value::Instance(class) => match *class {
                    Value::Class(class) => self.find_method_of(module, class, &method),
                    Value::Qualified(name) => self
                        .resolve_class(module, &name)
                        .and_then(|(m, c)| self.find_method_of(m, c, &method)),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        }
    }

    /// Every manager start in the project (manager class, module, range),
    /// found once: every module's check asks.
    pub(crate) fn manager_starts(&self) -> &[(crate::channels::ManagerClass, usize, TextRange)] {
        self.manager_starts
            .get_or_init(|| crate::channels::manager_starts(self))
    }

    /// Where the project reads an attribute called `name` (module, range of
    /// the `x.name` expression).
    pub fn attribute_loads(&self, name: &str) -> &[(usize, TextRange)] {
        self.attribute_loads
            .get_or_init(|| crate::lazy_members::attribute_loads_of(self.models))
            .get(name)
            .map_or(&[], Vec::as_slice)
    }

    /// Every call site in the project that calls a project function, with its module.
    pub fn callers_of(&self, module: usize, function: FunctionId) -> Vec<(usize, &CallSite<'a>)> {
        let name = self.models[module].functions[function].def.name.as_str();
        // Only calls that spell the name (or import it under an alias) can
        // call it: the index finds them without scanning every call site.
        let Some(spelled) = self.calls_by_name().get(name) else {
            return Vec::new();
        };
        spelled
            .iter()
            .filter(|&&(caller_module, index)| {
                self.site_callee(caller_module, index) == Some((module, function))
            })
            .map(|&(caller_module, index)| (caller_module, &self.facts[caller_module].calls[index]))
            .collect()
    }

    /// [`Project::call_site_callee`] of a module's call site (by index in its
    /// `calls`), computed once.
    fn site_callee(&self, module: usize, index: usize) -> Option<(usize, FunctionId)> {
        let callees = self.site_callees[module].get_or_init(|| {
            self.facts[module]
                .calls
                .iter()
                .map(|_| OnceLock::new())
                .collect()
        });
        *callees[index]
            .get_or_init(|| self.call_site_callee(module, &self.facts[module].calls[index]))
    }

    /// The call sites (module, index in its `calls`) that spell `name`
    /// (`name(...)`, an alias imported from it, `obj.name(...)`).
    pub(crate) fn call_sites_named(&self, name: &str) -> &[(usize, usize)] {
        self.calls_by_name().get(name).map_or(&[], Vec::as_slice)
    }

    /// The call sites (module, index in its `calls`) under each name that
    /// can call a function of that name: `name(...)`, `alias(...)` for
    /// `from m import name as alias`, and `obj.name(...)`; in project order.
    fn calls_by_name(&self) -> &CallsByName {
        self.calls_by_name.get_or_init(|| {
            let mut index: FxHashMap<&str, Vec<(usize, usize)>> = FxHashMap::default();
            for (caller_module, facts) in self.facts.iter().enumerate() {
                for (position, site) in facts.calls.iter().enumerate() {
                    let entry = (caller_module, position);
                    match site.call.func.as_ref() {
                        ruff_python_ast::Expr::Name(called) => {
                            let called_name = called.id.as_str();
                            index.entry(called_name).or_default().push(entry);
                            let Some((_, bindings)) =
                                self.models[caller_module].lookup(called_name, site.scope)
                            else {
                                continue;
                            };
                            for binding in bindings {
                                if let BindingKind::FromImport { name: imported, .. } = binding.kind
                                {
                                    let sites = index.entry(imported).or_default();
                                    if sites.last() != Some(&entry) {
                                        sites.push(entry);
                                    }
                                }
                            }
                        }
                        ruff_python_ast::Expr::Attribute(called) => {
                            index.entry(called.attr.as_str()).or_default().push(entry);
                        }
                        _ => {}
                    }
                }
            }
            index
                .into_iter()
                .map(|(name, sites)| (Box::from(name), sites))
                .collect()
        })
    }

    /// Is this class a `multiprocessing.Process` subclass (directly or through project classes)?
    pub fn is_process_class(&self, module: usize, class: ClassId) -> bool {
        self.is_process_class_depth(module, class, 0)
    }

    fn is_process_class_depth(&self, module: usize, class: ClassId, depth: usize) -> bool {
        if depth > MAX_REEXPORT_DEPTH {
            return false;
        }
        let model = &self.models[module];
        let info = &model.classes[class];
        let Some(arguments) = &info.def.arguments else {
            return false;
        };
        arguments.args.iter().any(|base| {
            let value = model.resolve(base, info.parent_scope);
            if value.api() == Some(Api::Process) {
                return true;
            }
            match value {
                Value::Class(base) => self.is_process_class_depth(module, base, depth + 1),
                Value::Qualified(name) => match self.resolve_qualified(module, &name, 0) {
                    Some(Symbol::Class(m, c)) => self.is_process_class_depth(m, c, depth + 1),
                    _ => false,
                },
                _ => false,
            }
        })
    }
}

/// Answers "does this call lead to a process start?" with memoised,
/// cycle-safe searches over the project's call graph.
pub struct EffectFinder<'x, 'p, 'a> {
    project: &'x Project<'p, 'a>,
    memo: FxHashMap<(Symbol, Effect), Option<Vec<TraceStep>>>,
    visiting: FxHashSet<(Symbol, Effect)>,
}

impl<'x, 'p, 'a> EffectFinder<'x, 'p, 'a> {
    pub(crate) fn project(&self) -> &'x Project<'p, 'a> {
        self.project
    }

    pub fn new(project: &'x Project<'p, 'a>) -> Self {
        EffectFinder {
            project,
            memo: FxHashMap::default(),
            visiting: FxHashSet::default(),
        }
    }

    /// The trace from a call in `module` to the effect it leads to, if any.
    pub fn call_effect(
        &mut self,
        module: usize,
        target: &Target,
        effect: Effect,
    ) -> Option<Vec<TraceStep>> {
        let project = self.project;
        let (symbol, method) = match target {
            Target::Function(function) => (Symbol::Function(module, *function), None),
            Target::Class(class) => (Symbol::Class(module, *class), Some("__init__")),
            Target::Method(class, method) => (Symbol::Class(module, *class), Some(method.as_str())),
            Target::External(name) => match project.resolve_qualified(module, name, 0)? {
                symbol @ Symbol::Function(..) => (symbol, None),
                symbol @ Symbol::Class(..) => (symbol, Some("__init__")),
            },
            Target::ExternalMethod(name, method) => {
                match project.resolve_qualified(module, name, 0)? {
                    symbol @ Symbol::Class(..) => (symbol, Some(method.as_str())),
                    // `for batch in get_loader():` runs a method of what the function returns.
                    Symbol::Function(m, f) => {
                        return self.returned_object_effect(m, f, method, effect)
                    }
                }
            }
            Target::ExternalElement(name, index, method) => {
                return match project.resolve_qualified(module, name, 0)? {
                    Symbol::Function(m, f) => {
                        self.returned_element_effect(m, f, *index, method, effect)
                    }
                    Symbol::Class(..) => None,
                };
            }
            Target::Registry(registry) => {
                return project
                    .registry_functions(module, registry)
                    .into_iter()
                    .find_map(|(m, f)| self.symbol_effect(Symbol::Function(m, f), effect));
            }
        };
        match (symbol, method) {
            (Symbol::Function(..), _) => self.symbol_effect(symbol, effect),
            (Symbol::Class(class_module, class), Some(method)) => {
                if effect == Effect::Start
                    && method == "start"
                    && project.is_process_class(class_module, class)
                {
                    return Some(Vec::new());
                }
                let (function_module, function) =
                    project.find_method(class_module, class, method, 0)?;
                self.symbol_effect(Symbol::Function(function_module, function), effect)
            }
            (Symbol::Class(..), None) => None,
        }
    }

    /// The trace from a call edge in `module` to the effect it leads to: what
    /// the callee does, or, for a start, what it does with an object this
    /// call passes it (`run(executor)` where `run` calls `executor.submit(...)`).
    pub fn edge_effect(
        &mut self,
        module: usize,
        edge: &CallEdge,
        effect: Effect,
    ) -> Option<Vec<TraceStep>> {
        if let Some(trace) = self.call_effect(module, &edge.target, effect) {
            return Some(trace);
        }
        if effect != Effect::Start {
            return None;
        }
        let call = edge.call?;
        let project = self.project;
        let (callee_module, function, bound) = project.called_function(module, &edge.target)?;
        let info = &project.models[callee_module].functions[function];
        project.facts[callee_module].functions[function]
            .parameter_starts
            .iter()
            .find_map(|start| {
                let argument =
                    crate::workers::argument_for(call, info.def, start.parameter, bound)?;
                let Value::Instance(class) = project.models[module].resolve(argument, edge.scope)
                else {
                    return None;
                };
                let description = match (class.api(), start.method) {
                    (Some(Api::ProcessExecutor), "submit" | "map") => {
                        "starts the process pool executor's workers"
                    }
                    (Some(Api::Process), "start") => "starts a process",
                    _ => return None,
                };
                Some(vec![TraceStep {
                    module: callee_module,
                    range: start.range,
                    message: format!("`{}` {description} here", info.qualname),
                    function: info.qualname.clone(),
                    method: class.context_method().map(str::to_string),
                }])
            })
    }

    pub(crate) fn symbol_effect(
        &mut self,
        symbol: Symbol,
        effect: Effect,
    ) -> Option<Vec<TraceStep>> {
        let key = (symbol, effect);
        if let Some(known) = self.memo.get(&key) {
            return known.clone();
        }
        if !self.visiting.insert(key) {
            return None;
        }
        let Symbol::Function(module, function) = symbol else {
            return None;
        };
        let project = self.project;
        let body: &BodyFacts = &project.facts[module].functions[function];
        let name = &project.models[module].functions[function].qualname;
        let mut found = direct_effect(body, effect).map(|direct| {
            vec![TraceStep {
                module,
                range: direct.range,
                message: format!("`{name}` {} here", direct.description),
                function: name.clone(),
                method: direct.method,
            }]
        });
        if found.is_none() {
            for edge in &body.calls {
                if effect == Effect::SetStartMethod && edge.catches_runtime_error {
                    continue;
                }
                if effect == Effect::FixContext && !edge.unconditional {
                    continue;
                }
                if let Some(mut trace) = self.edge_effect(module, edge, effect) {
                    let message = if trace.is_empty() {
                        format!("`{name}` starts a process here")
                    } else {
                        format!("`{name}` calls `{}` here", trace[0].function)
                    };
                    trace.insert(
                        0,
                        TraceStep {
                            module,
                            range: edge.range,
                            message,
                            function: name.clone(),
                            method: None,
                        },
                    );
                    found = Some(trace);
                    break;
                }
            }
        }
        self.visiting.remove(&key);
        self.memo.insert(key, found.clone());
        found
    }
}

/// The first effect a body has by itself, with its range and a description.
pub fn direct_effect(body: &BodyFacts, effect: Effect) -> Option<DirectEffect> {
    let set_start_method = |call: &crate::facts::SetStartMethodCall| DirectEffect {
        range: call.range,
        description: format!("calls `set_start_method(\"{}\")`", call.method),
        method: Some(call.method.clone()),
    };
    match effect {
        Effect::Start => body.starts.first().map(|start| DirectEffect {
            range: start.range,
            description: describe_start(start.kind).to_string(),
            method: start.method.clone(),
        }),
        Effect::SetStartMethod => body
            .set_start_methods
            .iter()
            .find(|call| {
                !call.catches_runtime_error
                    && call.method != "fork"
                    && call.under_defaults == crate::start_order::ALL_DEFAULTS
            })
            .map(set_start_method),
        Effect::FixContext => {
            let set = body
                .set_start_methods
                .iter()
                .find(|call| call.unconditional)
                .map(set_start_method);
            let fixer = body
                .context_fixers
                .iter()
                .find(|fixer| fixer.unconditional)
                .map(|fixer| DirectEffect {
                    range: fixer.range,
                    description: "fixes the default context".to_string(),
                    method: None,
                });
            match (set, fixer) {
                (Some(a), Some(b)) => Some(if a.range.start() <= b.range.start() {
                    a
                } else {
                    b
                }),
                (a, b) => a.or(b),
            }
        }
    }
}

fn describe_start(kind: StartKind) -> &'static str {
    kind.describe()
}
