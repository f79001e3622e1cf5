//! A `unittest.TestCase`'s fixtures run in the parent before its tests:
//! `TestCase.run()` calls `self._callSetUp()` and then
//! `self._callTestMethod(testMethod)` (Lib/unittest/case.py), and the suite
//! calls `setUpClass()` before the class's first test (Lib/unittest/suite.py
//! `_handleClassSetUp`). What a fixture sets in the parent (`global LETTERS;
//! LETTERS = manager.dict()` in `setUp()`) is set when a test then starts
//! processes, but a spawn or forkserver child re-imports the module, where no
//! fixture ran. These are not calls the code spells, so the call graph does not
//! see them: this module says which test methods run after a fixture.

use ruff_python_ast::Expr;

use crate::payload::class_hierarchy;
use crate::project::Project;
use crate::semantic::{FunctionId, Value};

/// The fixtures unittest runs before a test method of the same class.
const FIXTURES: &[&str] = &["setUp", "setUpClass", "asyncSetUp"];

/// The test methods of the `unittest.TestCase` subclass that unittest runs after
/// `function`, when `function` is one of its fixtures (`setUp`, `setUpClass`,
/// `asyncSetUp`); in source order.
pub(crate) fn tests_run_after(
    project: &Project,
    module: usize,
    function: FunctionId,
) -> Vec<FunctionId> {
    let model = &project.models[module];
    let info = &model.functions[function];
    let Some(class) = info.class else {
        return Vec::new();
    };
    if !FIXTURES.contains(&info.def.name.as_str()) || !is_test_case(project, module, class) {
        return Vec::new();
    }
    let mut tests: Vec<FunctionId> = model.classes[class]
        .methods
        .iter()
        .filter(|(name, _)| name.starts_with("test"))
        .map(|(_, &method)| method)
        .collect();
    tests.sort_by_key(|&method| model.functions[method].def.range.start());
    tests
}

/// Whether the class derives, in the project or directly, from unittest's `TestCase`.
fn is_test_case(project: &Project, module: usize, class: crate::semantic::ClassId) -> bool {
    class_hierarchy(project, module, class)
        .into_iter()
        .any(|(m, c)| {
            let model = &project.models[m];
            let info = &model.classes[c];
            info.def.arguments.as_ref().is_some_and(|arguments| {
                arguments.args.iter().any(|base: &Expr| {
                    matches!(
                        model.resolve(base, info.parent_scope),
                        Value::Qualified(name)
                            if matches!(
                                name.as_str(),
                                "unittest.TestCase"
                                    | "unittest.IsolatedAsyncioTestCase"
                                    | "unittest.case.TestCase"
                                    | "unittest.async_case.IsolatedAsyncioTestCase"
                            )
                    )
                })
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_project::with_project;

    const SOURCE: &str = r#"
import unittest

class Helper:
    def setUp(self):
        pass
    def test_not_a_case(self):
        pass

class TestCounts(unittest.TestCase):
    def setUp(self):
        pass
    def helper(self):
        pass
    def test_b(self):
        pass
    def test_a(self):
        pass
"#;

    fn names(project: &Project, class: &str) -> Vec<String> {
        let model = &project.models[0];
        let (_, setup) = model
            .functions
            .iter_enumerated()
            .find(|(_, info)| info.qualname == format!("{class}.setUp"))
            .map(|(id, info)| (info, id))
            .expect("setUp");
        tests_run_after(project, 0, setup)
            .into_iter()
            .map(|test| model.functions[test].def.name.to_string())
            .collect()
    }

    #[test]
    fn a_test_cases_setup_runs_before_its_test_methods() {
        with_project(&[("tests", SOURCE)], |project| {
            assert_eq!(names(project, "TestCounts"), ["test_b", "test_a"]);
            assert!(names(project, "Helper").is_empty());
        });
    }
}
