//! SPS209 import-string-required: an application object given to a starter
//! whose children import the application by name (`uvicorn.run(app,
//! workers=4)`, `reload=True`): the library refuses it before any process starts.

use ruff_python_ast::Expr;
use ruff_text_size::Ranged;

use crate::api::Api;
use crate::registry::Rule;
use crate::rules::Checker;
use crate::semantic::knowledge::{starter, SendKind};
use crate::semantic::Value;
use crate::targets::Methods;

pub const DOCS: &str = r#"# import-string-required (SPS209)

## What it does
Finds an application *object* passed where a process starter needs an import
string, under the argument conditions that make it start processes:
`uvicorn.run(app, workers=4)` or `uvicorn.run(app, reload=True)` with `app` a
function, a class instance (`FastAPI()`, `Starlette()`, an ASGI class of the
project) or a lambda. An argument whose value cannot be told (an imported name,
a helper's result) is not reported, nor is a string (`"main:app"`).

## Why is this bad?
uvicorn runs each worker, and the server under the reloader, in a process of
its own made with `multiprocessing.get_context("spawn")`
(`uvicorn/_subprocess.py`): the child imports the application again from its
import string. An object cannot be sent that way, so `uvicorn.run()` checks
first and gives up (`uvicorn/main.py:625-629`, uvicorn 0.55.0):

```
WARNING:  You must pass the application as an import string to enable 'reload' or 'workers'.
```

and the program exits with status 1 before any process is started. This
happens on every platform and under every start method, which is why it is
reported even where the script's guard is right.

## Example
```python
import uvicorn
from fastapi import FastAPI

app = FastAPI()

if __name__ == "__main__":
    uvicorn.run(app, host="0.0.0.0", port=8000, workers=4)
```

Use instead:
```python
if __name__ == "__main__":
    uvicorn.run("main:app", host="0.0.0.0", port=8000, workers=4)
```

(`main` is the module the application is defined in, as `python -m` would
import it; with one worker and no reload the object is fine.)

## Fix
With `--unsafe-fixes`, an application bound once at module level, outside
the guard, is passed by its import string. In the main script that is
`"__main__:app"`: uvicorn's children are spawned, and a spawn child binds
`sys.modules["__main__"]` to the script it re-imported as `__mp_main__`
(`Lib/multiprocessing/spawn.py`, `_fixup_main_from_path`), where
`importlib.import_module("__main__")` (`uvicorn/importer.py`) finds it
without importing the file a second time; in an imported module it is the
module's dotted name. Unsafe: each child imports the application anew, so
changes the parent makes to the object before the call are not seen there.
An application made by a call in the function, or bound in the guard, is
left alone.

## References
- [uvicorn: Running programmatically](https://www.uvicorn.org/deployment/#running-programmatically)
- [uvicorn#687: Uvicorn can not start FastAPI APP](https://github.com/Kludex/uvicorn/issues/687)
"#;

pub fn check(checker: &mut Checker) {
    let project = checker.project;
    let module = checker.module;
    let model = &project.models[module];
    for site in &project.facts[module].calls {
        let Some(Api::Library(id)) = model.resolve(&site.call.func, site.scope).api() else {
            continue;
        };
        let known = starter(id);
        let Some((argument, _)) = known
            .sent(site.call)
            .into_iter()
            .find(|(_, kind)| *kind == SendKind::ImportString)
        else {
            continue;
        };
        if !known.may_start_with(site.call, &|expr| {
            crate::semantic::argvalues::possible_values(model, expr, site.scope)
        }) {
            continue;
        }
        let Some(object) = describe_object(&model.resolve(argument, site.scope)) else {
            continue;
        };
        let text = &checker.file().text[argument.range()];
        let stem = checker.file().path.file_stem().map_or_else(
            || "module".to_string(),
            |stem| stem.to_string_lossy().to_string(),
        );
        let import_string = match argument {
            Expr::Name(name) => format!("\"{stem}:{}\"", name.id),
            _ => format!("\"{stem}:<name of the application>\""),
        };
        let message = format!(
            "`{text}` is {object}, but {} imports the application by name in its children, so it refuses an object and exits with status 1 before any process starts: \"You must pass the application as an import string to enable 'reload' or 'workers'.\"",
            known.what
        );
        let help = format!("pass the application as an import string: {import_string}");
        let fix = crate::fix::import_string::fix_in(checker, argument, site.scope);
        let diagnostic = checker.report(
            Rule::ImportStringRequired,
            argument.range(),
            message,
            Some(help),
        );
        diagnostic.fails_under = Some(Methods::ALL);
        diagnostic.fix = fix;
    }
}

/// What the value is, in words, when it is certainly an object rather than a
/// string; `None` when it may be a string or cannot be told.
fn describe_object(value: &Value) -> Option<&'static str> {
    match value {
        Value::Function(_) => Some("a function"),
        Value::Lambda => Some("a lambda"),
        Value::Class(_) => Some("a class"),
        Value::BoundMethod(..) => Some("a bound method"),
        Value::Partial(_) => Some("a `functools.partial`"),
        Value::Instance(class) => match class.as_ref() {
            Value::Class(_) => Some("an instance of a class"),
            // `FastAPI()`, `Starlette()`: a class by its name; a function's
            // result (`get_app_path()`) may be a string.
            Value::Qualified(name)
                if name
                    .rsplit('.')
                    .next()
                    .is_some_and(|last| last.starts_with(|c: char| c.is_ascii_uppercase())) =>
            {
                Some("an instance of a class")
            }
            _ => None,
        },
        _ => None,
    }
}
