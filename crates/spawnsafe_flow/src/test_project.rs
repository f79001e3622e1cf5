//! For the flow layer's unit tests: a project made of a few modules given as source.

use crate::facts;
use crate::project::{ModulePath, Project};
use crate::semantic::ModuleModel;

/// Builds the project of `modules` (`(name, source)`, each a plain script) and hands it
/// to `query`; the first module is module 0.
pub fn with_project<R>(modules: &[(&str, &str)], query: impl FnOnce(&Project) -> R) -> R {
    let parsed: Vec<_> = modules
        .iter()
        .map(|(_, source)| ruff_python_parser::parse_module(source).expect("valid Python"))
        .collect();
    let models: Vec<ModuleModel> = parsed
        .iter()
        .map(|parsed| ModuleModel::build(&parsed.syntax().body))
        .collect();
    let module_facts: Vec<_> = models.iter().map(facts::collect).collect();
    let paths: Vec<ModulePath> = modules
        .iter()
        .map(|(name, _)| ModulePath::test_script(name))
        .collect();
    let project = Project::new(&paths, &models, &module_facts);
    query(&project)
}
