//! The knowledge base of third-party process starters (`knowledge/starters.toml`):
//! which names start worker processes, when, under which argument conditions,
//! with which start method and pickler, and what they pickle for the workers.
//! The engine reads it instead of hard-coded lists; the file is compiled in
//! and parsed once, and its unit tests validate every entry.

use std::sync::{OnceLock, RwLock};

use ruff_python_ast::{self as ast, Expr, Number};
use rustc_hash::FxHashMap;
use serde::Deserialize;

use crate::api::Pickler;

const STARTERS_TOML: &str = include_str!("../knowledge/starters.toml");

/// An index into the knowledge base.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StarterId(u16);

/// When an API starts its processes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Trigger {
    /// At the call (`uvicorn.run(...)`, `process_map(...)`).
    Call,
    /// When the object the call makes is iterated (`for batch in loader:`).
    Iteration,
    /// When the object is entered (`with Cluster() as c:`).
    Enter,
    /// When one of `methods` is called on the object (`__call__` for `obj(...)`).
    Methods,
    /// When a function it decorates is called (`@concurrent.process`).
    DecoratedCall,
    /// When an object that iterates it is given it (a knowledge-base entry's
    /// `iterates`: Keras' `model.fit(x=py_dataset)`), not when the program
    /// iterates it itself (a Keras `PyDataset`'s own `__iter__` is serial).
    Handed,
}

/// What an argument sent to the workers is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SendKind {
    /// Code the workers call: pickled by reference (by qualified name) with `pickle`.
    Callable,
    /// A value pickled whole, with everything it holds.
    Object,
    /// An iterable whose items are pickled one by one.
    Items,
    /// An iterable of joblib tasks, `delayed(f)(*args, **kwargs)`: each
    /// task's function and arguments are pickled.
    DelayedTasks,
    /// The application the children import by name: the library refuses an
    /// object here (uvicorn exits: "You must pass the application as an
    /// import string"), under every start method.
    ImportString,
}

/// How the arguments travel: like `Process` args (only under spawn and
/// forkserver), or like pool or executor tasks (under every start method).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SendVia {
    #[default]
    Process,
    Pool,
    Executor,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Test {
    Positive,
    GreaterThanOne,
    NotOne,
    True,
    NotFalse,
    Absent,
    OneOf,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub argument: String,
    pub position: Option<usize>,
    /// The value when the argument is absent, as Python source (`0`, `None`, `"auto"`).
    pub default: String,
    pub test: Test,
    #[serde(default)]
    pub values: Vec<String>,
    /// Tested on the arguments of this method of the object the call makes
    /// (`num_proc` of a dataset's `map()`), when the method is called.
    #[serde(default)]
    pub method: Option<String>,
    /// Whether a value the analysis cannot tell counts as holding ("may
    /// start", the default). `false` for a choice between the library's code
    /// paths whose default starts nothing of this kind: joblib's `backend`
    /// passed through a test parameter or a setting is usually its default,
    /// loky, not `"multiprocessing"`.
    #[serde(default = "yes", rename = "unknown-may-hold")]
    pub unknown_may_hold: bool,
    /// The argument is a settings object made by one of `made-by`
    /// (`TrainingArguments(dataloader_num_workers=4)`), and the test is on
    /// this keyword of the call that made it; a keyword it does not give
    /// takes `default`.
    #[serde(default)]
    pub keyword: Option<String>,
    #[serde(default, rename = "made-by")]
    pub made_by: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Send {
    pub argument: String,
    pub position: Option<usize>,
    #[serde(rename = "as")]
    pub kind: SendKind,
    /// The methods of the object that the workers call (a `DataLoader`'s
    /// dataset: `__getitem__`, or `__iter__` for an iterable one).
    #[serde(default)]
    pub runs: Vec<String>,
    /// Sent by this method of the object the call makes (`schedule` of a
    /// pebble pool, `__call__` of a joblib `Parallel`), not by the call itself.
    #[serde(default)]
    pub method: Option<String>,
    /// How this argument travels when not as the starter's `sender` does:
    /// a pebble pool's `initializer` rides in its workers' `Process` args
    /// (pickled under spawn and forkserver only), not with the tasks.
    #[serde(default)]
    pub via: Option<SendVia>,
}

/// A method of the object that iterates what reaches one of its arguments:
/// the value itself when it is a loader, or what the methods `hooks` of it
/// return (Lightning's `Trainer.fit(model, datamodule=dm)` calls
/// `train_dataloader()` and iterates the loader it returns). Those loaders
/// start their own workers, by their own entry; this object's `when` plays
/// no part.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Iterates {
    pub method: String,
    pub argument: String,
    pub position: Option<usize>,
    #[serde(default)]
    pub hooks: Vec<String>,
}

/// The start method the children use: the one an argument names (a context
/// or a method name), else the platform default; or one the library always uses.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartMethodSpec {
    pub argument: Option<String>,
    pub position: Option<usize>,
    pub fixed: Option<String>,
    /// The method the library uses when the argument is absent, where that is
    /// not the platform's (mpire: `"fork"` wherever fork exists).
    pub default: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Starter {
    pub id: String,
    /// Qualified names, re-exports included.
    pub names: Vec<String>,
    /// Byte strings one of which a file must contain to use the API (the prefilter's needles).
    pub needles: Vec<String>,
    /// The API in words, with its article.
    pub what: String,
    pub starts: Trigger,
    #[serde(default)]
    pub methods: Vec<String>,
    /// Children re-import the main module (spawn-style), so an unguarded start fails in them.
    pub reimports_main: bool,
    /// The library catches the failed start in a re-importing child and runs
    /// the work serially there (parmap): the child repeats the work, it does
    /// not fail.
    #[serde(default)]
    pub serial_in_children: bool,
    /// The library checks `multiprocessing.current_process().daemon` and runs
    /// the work in the calling process when it is daemonic (joblib warns
    /// "... cannot be nested, setting n_jobs=1"): in a pool worker it starts
    /// nothing, so it is no nested-pool hazard.
    #[serde(default)]
    pub serial_in_daemon: bool,
    pub pickler: String,
    #[serde(default)]
    pub sender: SendVia,
    #[serde(default)]
    pub daemon_workers: bool,
    pub start_method: Option<StartMethodSpec>,
    /// All must be possible for processes to start.
    #[serde(default)]
    pub when: Vec<Condition>,
    /// Any one suffices.
    #[serde(default)]
    pub any_of: Vec<Condition>,
    pub sends: Vec<Send>,
    /// Methods of the object that iterate loaders it is given.
    #[serde(default)]
    pub iterates: Vec<Iterates>,
    pub source: Vec<String>,
    /// What a start does, in words (`starts the worker processes of ...`).
    #[serde(skip)]
    pub description: String,
    /// Where what it sends goes, in words (`sent to the worker processes of ...`).
    #[serde(skip)]
    pub sent_to: String,
}

impl Starter {
    pub fn pickler(&self) -> Pickler {
        match self.pickler.as_str() {
            "dill" => Pickler::Dill,
            "cloudpickle" => Pickler::Cloudpickle,
            _ => Pickler::Pickle,
        }
    }

    /// May this call start processes? Unknown argument values count as "may".
    pub fn may_start(&self, call: &ast::ExprCall) -> bool {
        self.may_start_with(call, &|expr| literal(expr).map(|value| vec![value]))
    }

    /// As [`Starter::may_start`], with `values` telling every value an
    /// argument expression may hold (`None`: cannot tell, so "may").
    pub fn may_start_with(&self, call: &ast::ExprCall, values: &PossibleValues) -> bool {
        self.may_start_passed(&|name, position| passed_in(call, name, position, values))
    }

    /// As [`Starter::may_start_with`], with `passed` telling what reaches the
    /// library's parameter `name` (at `position`): used where the call is not
    /// the library's own (a subclass whose `__init__` passes its arguments on).
    pub fn may_start_passed(&self, passed: &dyn Fn(&str, Option<usize>) -> Passed) -> bool {
        let holds = |condition: &Condition| {
            condition.may_hold_passed(passed(&condition.argument, condition.position))
        };
        let all = self
            .when
            .iter()
            .filter(|condition| condition.method.is_none())
            .all(holds);
        let any = self.any_of.is_empty() || self.any_of.iter().any(holds);
        all && any
    }

    /// As [`Starter::pinned_method`], from what reaches the library's parameters.
    pub fn pinned_method_passed(
        &self,
        passed: &dyn Fn(&str, Option<usize>) -> Passed,
    ) -> Option<String> {
        let spec = self.start_method.as_ref()?;
        if let Some(fixed) = &spec.fixed {
            return Some(fixed.clone());
        }
        let Some(name) = spec.argument.as_deref() else {
            return spec.default.clone();
        };
        match passed(name, spec.position) {
            Passed::Absent => spec.default.clone(),
            Passed::Values(values) => match values.as_slice() {
                [Known::Str(text)] => Some(text.clone()),
                _ => None,
            },
            Passed::ValuesOrAbsent(_) | Passed::Given | Passed::Unknown => None,
        }
    }

    /// May this call of `method` on the object start processes, by the
    /// conditions on the method's own arguments (`ds.map(f, num_proc=4)`)?
    pub fn method_may_start(
        &self,
        call: &ast::ExprCall,
        method: &str,
        values: &PossibleValues,
    ) -> bool {
        self.when
            .iter()
            .filter(|condition| condition.method.as_deref() == Some(method))
            .all(|condition| condition.may_hold(call, values))
    }

    /// The start method the call pins, when the knowledge says (`"spawn"`), or
    /// the argument naming it (a literal).
    pub fn pinned_method(&self, call: &ast::ExprCall) -> Option<String> {
        let spec = self.start_method.as_ref()?;
        if let Some(fixed) = &spec.fixed {
            return Some(fixed.clone());
        }
        let Some(name) = spec.argument.as_deref() else {
            // No argument chooses: the library's own default, if it has one.
            return spec.default.clone();
        };
        let Some(argument) = call
            .arguments
            .find_argument_value(name, spec.position.unwrap_or(usize::MAX))
        else {
            return spec.default.clone();
        };
        match argument {
            Expr::StringLiteral(literal) => Some(literal.value.to_str().to_string()),
            _ => None,
        }
    }

    /// The expressions a call of `method` on the object iterates, each with
    /// the methods of it whose results are iterated (none: the value itself).
    pub fn iterated_by<'a>(
        &self,
        call: &'a ast::ExprCall,
        method: &str,
    ) -> Vec<(&'a Expr, &[String])> {
        self.iterates
            .iter()
            .filter(|iterates| iterates.method == method)
            .filter_map(|iterates| {
                let argument = call.arguments.find_argument_value(
                    &iterates.argument,
                    iterates.position.unwrap_or(usize::MAX),
                )?;
                Some((argument, iterates.hooks.as_slice()))
            })
            .collect()
    }

    /// The methods the workers call on the value `argument` of the call sends.
    pub fn methods_run_on(&self, call: &ast::ExprCall, argument: &Expr) -> &[String] {
        self.sends
            .iter()
            .find(|send| {
                call.arguments
                    .find_argument_value(&send.argument, send.position.unwrap_or(usize::MAX))
                    .is_some_and(|found| std::ptr::eq(found, argument))
            })
            .map_or(&[], |send| send.runs.as_slice())
    }

    /// The argument expressions the call sends to the workers, with what each is.
    pub fn sent<'a>(&self, call: &'a ast::ExprCall) -> Vec<(&'a Expr, SendKind)> {
        self.sent_by(call, None)
            .into_iter()
            .map(|(argument, kind, _)| (argument, kind))
            .collect()
    }

    /// What the call sends, with how each argument travels.
    pub fn sent_with_via<'a>(&self, call: &'a ast::ExprCall) -> Vec<(&'a Expr, SendKind, SendVia)> {
        self.sent_by(call, None)
    }

    /// The argument expressions a call of `method` on the object this
    /// starter makes sends to the workers (`pool.schedule(f, args)`).
    pub fn sent_by_method<'a>(
        &self,
        call: &'a ast::ExprCall,
        method: &str,
    ) -> Vec<(&'a Expr, SendKind, SendVia)> {
        self.sent_by(call, Some(method))
    }

    fn sent_by<'a>(
        &self,
        call: &'a ast::ExprCall,
        method: Option<&str>,
    ) -> Vec<(&'a Expr, SendKind, SendVia)> {
        let mut sent = Vec::new();
        for send in self
            .sends
            .iter()
            .filter(|send| send.method.as_deref() == method)
        {
            let position = send.position.unwrap_or(usize::MAX);
            if send.kind == SendKind::Items && send.position.is_some() {
                // `*iterables`: every positional argument from there on.
                sent.extend(
                    call.arguments
                        .args
                        .iter()
                        .skip(position)
                        .filter(|argument| !argument.is_starred_expr())
                        .map(|argument| (argument, send.kind, send.via.unwrap_or(self.sender))),
                );
                continue;
            }
            if let Some(argument) = call.arguments.find_argument_value(&send.argument, position) {
                if !argument.is_none_literal_expr() {
                    sent.push((argument, send.kind, send.via.unwrap_or(self.sender)));
                }
            }
        }
        sent
    }
}

/// A literal argument's value, as far as the conditions need it.
#[derive(Debug, Clone, PartialEq)]
pub enum Known {
    Int(i64),
    Bool(bool),
    None,
    Str(String),
    /// A dict with literal string keys, unpacked into a call as `**options`:
    /// each key with its literal value (`None`: not a literal).
    Mapping(Vec<(String, Option<Known>)>),
}

/// What reaches a parameter of the library: nothing (its default applies),
/// the values it may hold, or something the analysis cannot tell.
#[derive(Debug, Clone, PartialEq)]
pub enum Passed {
    Absent,
    Values(Vec<Known>),
    /// One of the values, or nothing (`**(a if x else b)` where only `a` has the key).
    ValuesOrAbsent(Vec<Known>),
    /// Given, with a value the analysis cannot tell.
    Given,
    /// Perhaps given (`f(**options)`), with any value.
    Unknown,
}

/// What `call` passes for the parameter `name` (at `position`), with `values`
/// evaluating the expressions. `f(**options)` passes what the dicts `options`
/// may be hold for the key (a dict built from literal keys), or anything.
pub fn passed_in(
    call: &ast::ExprCall,
    name: &str,
    position: Option<usize>,
    values: &PossibleValues,
) -> Passed {
    if let Some(argument) = call
        .arguments
        .find_argument_value(name, position.unwrap_or(usize::MAX))
    {
        return match values(argument) {
            Some(possible) if !possible.is_empty() => Passed::Values(possible),
            _ => Passed::Given,
        };
    }
    // `f(*args)` may fill the position.
    if position.is_some() && call.arguments.args.iter().any(Expr::is_starred_expr) {
        return Passed::Unknown;
    }
    let mut found = Vec::new();
    let mut absent = false;
    for keyword in call.arguments.keywords.iter().filter(|k| k.arg.is_none()) {
        let Some(mappings) = values(&keyword.value) else {
            return Passed::Unknown;
        };
        for mapping in mappings {
            let Known::Mapping(items) = mapping else {
                return Passed::Unknown;
            };
            match items.into_iter().find(|(key, _)| key == name) {
                Some((_, Some(value))) => found.push(value),
                Some((_, None)) => return Passed::Unknown,
                // This dict leaves the parameter to its default.
                None => absent = true,
            }
        }
    }
    match (found.is_empty(), absent) {
        (true, _) => Passed::Absent,
        (false, false) => Passed::Values(found),
        // Some of the dicts give it, some leave the default: both may happen.
        (false, true) => Passed::ValuesOrAbsent(found),
    }
}

/// A dict built from literal string keys (`{"num_workers": 4}`,
/// `dict(num_workers=4)`), with each key's literal value; `dict_is_builtin`
/// says whether the name `dict` is the builtin where the call is.
pub fn mapping_literal(expr: &Expr, dict_is_builtin: bool) -> Option<Vec<(String, Option<Known>)>> {
    match expr {
        Expr::Dict(dict) => dict
            .items
            .iter()
            .map(|item| match &item.key {
                Some(Expr::StringLiteral(key)) => {
                    Some((key.value.to_str().to_string(), literal(&item.value)))
                }
                _ => None,
            })
            .collect(),
        Expr::Call(call)
            if dict_is_builtin
                && call.arguments.args.is_empty()
                && matches!(call.func.as_ref(), Expr::Name(name) if name.id.as_str() == "dict") =>
        {
            call.arguments
                .keywords
                .iter()
                .map(|keyword| {
                    let key = keyword.arg.as_ref()?;
                    Some((key.as_str().to_string(), literal(&keyword.value)))
                })
                .collect()
        }
        _ => None,
    }
}

/// Every value an argument expression may hold, or `None` when that cannot be told.
pub type PossibleValues<'e> = dyn Fn(&Expr) -> Option<Vec<Known>> + 'e;

/// The value of a literal (`4`, `-1`, `True`, `None`, `"spawn"`).
pub fn literal(expr: &Expr) -> Option<Known> {
    match expr {
        Expr::NumberLiteral(number) => match &number.value {
            Number::Int(int) => int.as_i64().map(Known::Int),
            _ => None,
        },
        Expr::UnaryOp(unary) if unary.op == ast::UnaryOp::USub => match literal(&unary.operand)? {
            Known::Int(int) => Some(Known::Int(-int)),
            _ => None,
        },
        Expr::BooleanLiteral(boolean) => Some(Known::Bool(boolean.value)),
        Expr::NoneLiteral(_) => Some(Known::None),
        Expr::StringLiteral(string) => Some(Known::Str(string.value.to_str().to_string())),
        _ => None,
    }
}

fn parse_default(default: &str) -> Option<Known> {
    Some(match default {
        "None" => Known::None,
        "True" => Known::Bool(true),
        "False" => Known::Bool(false),
        _ => match default.parse::<i64>() {
            Ok(int) => Known::Int(int),
            Err(_) => Known::Str(default.trim_matches('"').to_string()),
        },
    })
}

impl Condition {
    fn may_hold(&self, call: &ast::ExprCall, values: &PossibleValues) -> bool {
        self.may_hold_passed(passed_in(call, &self.argument, self.position, values))
    }

    fn may_hold_passed(&self, passed: Passed) -> bool {
        let passed = match &self.keyword {
            Some(keyword) => match self.keyword_passed(keyword, passed) {
                Some(passed) => passed,
                None => return true,
            },
            None => passed,
        };
        let default = || parse_default(&self.default);
        let possible = match passed {
            Passed::Unknown => return self.unknown_may_hold,
            Passed::Absent | Passed::ValuesOrAbsent(_) if self.test == Test::Absent => return true,
            Passed::Values(_) | Passed::Given if self.test == Test::Absent => return false,
            Passed::Given => return self.unknown_may_hold,
            Passed::Values(values) => values,
            Passed::Absent => match default() {
                Some(value) => vec![value],
                None => return true,
            },
            Passed::ValuesOrAbsent(mut values) => match default() {
                Some(value) => {
                    values.push(value);
                    values
                }
                None => return true,
            },
        };
        possible.iter().any(|value| self.holds(value))
    }

    /// What reaches `keyword` of the settings object the argument is: the
    /// keyword's values in the calls that made it (`Known::Mapping`s of their
    /// keywords), or its default where a call leaves it out. `None` when a
    /// call gives it a value the analysis cannot tell ("may").
    fn keyword_passed(&self, keyword: &str, passed: Passed) -> Option<Passed> {
        let objects = match passed {
            Passed::Absent => return Some(Passed::Absent),
            Passed::Given | Passed::Unknown => return Some(Passed::Unknown),
            Passed::Values(objects) => objects,
            Passed::ValuesOrAbsent(mut objects) => {
                objects.push(Known::Mapping(Vec::new()));
                objects
            }
        };
        let mut found = Vec::new();
        let mut absent = false;
        for object in objects {
            let Known::Mapping(items) = object else {
                return Some(Passed::Unknown);
            };
            match items.into_iter().find(|(key, _)| key == keyword) {
                Some((_, Some(value))) => found.push(value),
                Some((_, None)) => return None,
                None => absent = true,
            }
        }
        Some(match (found.is_empty(), absent) {
            (true, _) => Passed::Absent,
            (false, false) => Passed::Values(found),
            (false, true) => Passed::ValuesOrAbsent(found),
        })
    }

    fn holds(&self, value: &Known) -> bool {
        match self.test {
            Test::Positive => !matches!(value, Known::Int(n) if *n <= 0) && *value != Known::None,
            Test::GreaterThanOne => {
                !matches!(value, Known::Int(n) if *n <= 1) && *value != Known::None
            }
            Test::NotOne => *value != Known::Int(1) && *value != Known::None,
            Test::True => !matches!(value, Known::Bool(false) | Known::None | Known::Int(0)),
            Test::NotFalse => *value != Known::Bool(false),
            Test::OneOf => match value {
                Known::Str(text) => self.values.iter().any(|v| v == text),
                _ => false,
            },
            Test::Absent => false,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    starter: Vec<Starter>,
}

pub struct Knowledge {
    pub starters: Vec<Starter>,
    /// The classes whose constructor keywords a condition reads (`made-by`).
    settings_classes: rustc_hash::FxHashSet<String>,
    by_name: FxHashMap<String, StarterId>,
    /// How many of `starters`, from the start, are compiled in; the rest were
    /// declared in the configuration (`extend-starters`).
    builtin: usize,
}

impl Knowledge {
    fn parse(text: &str) -> Result<Knowledge, String> {
        let file: File = toml::from_str(text).map_err(|error| error.to_string())?;
        Knowledge::from_starters(file.starter)
    }

    fn from_starters(mut starters: Vec<Starter>) -> Result<Knowledge, String> {
        for starter in &mut starters {
            starter.description = format!("starts the worker processes of {}", starter.what);
            starter.sent_to = format!("sent to the worker processes of {}", starter.what);
        }
        let mut by_name = FxHashMap::default();
        for (index, starter) in starters.iter().enumerate() {
            let id = StarterId(u16::try_from(index).map_err(|_| "too many starters")?);
            for name in &starter.names {
                if by_name.insert(name.clone(), id).is_some() {
                    return Err(format!("{}: `{name}` is listed twice", starter.id));
                }
            }
        }
        let builtin = starters.len();
        let settings_classes = starters
            .iter()
            .flat_map(|starter| starter.when.iter().chain(&starter.any_of))
            .flat_map(|condition| condition.made_by.iter().cloned())
            .collect();
        Ok(Knowledge {
            starters,
            settings_classes,
            by_name,
            builtin,
        })
    }

    /// The starters the configuration declared, not compiled in.
    pub fn declared(&self) -> &[Starter] {
        &self.starters[self.builtin..]
    }

    /// Is `qualified` a class whose constructor keywords a condition reads
    /// (`transformers.TrainingArguments`)?
    pub fn is_settings_class(&self, qualified: &str) -> bool {
        self.settings_classes.contains(qualified)
    }

    pub fn lookup(&self, qualified: &str) -> Option<StarterId> {
        self.by_name.get(qualified).copied()
    }

    pub fn get(&self, id: StarterId) -> &Starter {
        &self.starters[usize::from(id.0)]
    }
}

/// The knowledge base compiled into spawnsafe.
pub fn builtin() -> &'static Knowledge {
    static KNOWLEDGE: OnceLock<Knowledge> = OnceLock::new();
    KNOWLEDGE.get_or_init(|| {
        Knowledge::parse(STARTERS_TOML).expect("knowledge/starters.toml is validated by its tests")
    })
}

/// The knowledge base with the configuration's declared starters, once
/// [`declare`] was called with some.
static EXTENDED: RwLock<Option<&'static Knowledge>> = RwLock::new(None);

/// The knowledge base of this run: the compiled-in one, plus the starters
/// the configuration declares.
pub fn knowledge() -> &'static Knowledge {
    match *EXTENDED
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
    {
        Some(extended) => extended,
        None => builtin(),
    }
}

/// Makes `declared` (validated by [`declared_starters`]) part of the knowledge
/// base for the rest of the run. A run declares its starters before it
/// analyses anything; declaring the same ones again changes nothing.
pub fn declare(declared: &[Starter]) -> Result<(), String> {
    let current = knowledge();
    let same = current.declared().len() == declared.len()
        && current
            .declared()
            .iter()
            .zip(declared)
            .all(|(known, new)| known.names == new.names && known.source == new.source);
    if same {
        return Ok(());
    }
    let mut starters = builtin().starters.clone();
    let builtin_count = starters.len();
    starters.extend(declared.iter().cloned());
    let mut extended = Knowledge::from_starters(starters)?;
    extended.builtin = builtin_count;
    // Kept for the rest of the process: the analysis hands out `&'static`
    // entries. A run declares once; a long-running server again only when
    // its configuration changes.
    *EXTENDED
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(Box::leak(Box::new(extended)));
    Ok(())
}

/// A starter a team declares in its configuration (`[[tool.spawnsafe.extend-starters]]`):
/// the knowledge base's fields, with defaults for what a wrapper usually is
/// (called, re-importing the main script, pickling with `pickle`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct DeclaredStarter {
    names: Vec<String>,
    what: Option<String>,
    #[serde(default = "call_trigger")]
    starts: Trigger,
    #[serde(default)]
    methods: Vec<String>,
    #[serde(default = "yes")]
    reimports_main: bool,
    #[serde(default)]
    serial_in_children: bool,
    #[serde(default)]
    serial_in_daemon: bool,
    #[serde(default = "pickle_name")]
    pickler: String,
    #[serde(default)]
    sender: SendVia,
    #[serde(default)]
    daemon_workers: bool,
    start_method: Option<StartMethodSpec>,
    #[serde(default)]
    when: Vec<Condition>,
    #[serde(default)]
    any_of: Vec<Condition>,
    #[serde(default)]
    sends: Vec<Send>,
    #[serde(default)]
    iterates: Vec<Iterates>,
}

fn call_trigger() -> Trigger {
    Trigger::Call
}

fn yes() -> bool {
    true
}

fn pickle_name() -> String {
    "pickle".to_string()
}

/// Reads and validates starters declared in a configuration (`origin` names
/// the file, for the `source` column): a list of tables with the knowledge
/// base's fields. The error names the entry and the field.
pub fn declared_starters(entries: &[toml::Value], origin: &str) -> Result<Vec<Starter>, String> {
    let mut starters = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let at = |message: String| format!("`extend-starters[{index}]`: {message}");
        let declared = DeclaredStarter::deserialize(entry.clone())
            .map_err(|error| at(error.to_string().trim_end().to_string()))?;
        if declared.names.is_empty() {
            return Err(at(
                "`names` must list at least one qualified name".to_string()
            ));
        }
        for name in &declared.names {
            let valid = name.contains('.')
                && name.split('.').all(|part| {
                    !part.is_empty()
                        && !part.starts_with(|c: char| c.is_ascii_digit())
                        && part.chars().all(|c| c.is_alphanumeric() || c == '_')
                });
            if !valid {
                return Err(at(format!(
                    "`{name}` is not a qualified name (`package.module.function`)"
                )));
            }
            if builtin().lookup(name).is_some() {
                return Err(at(format!("`{name}` is already in the knowledge base")));
            }
        }
        if !matches!(declared.pickler.as_str(), "pickle" | "dill" | "cloudpickle") {
            return Err(at(format!(
                "`pickler`: unknown pickler `{}` (expected pickle, dill or cloudpickle)",
                declared.pickler
            )));
        }
        if (declared.starts == Trigger::Methods) == declared.methods.is_empty() {
            return Err(at(
                "`methods` lists the methods that start processes, with `starts = \"methods\"` only"
                    .to_string(),
            ));
        }
        for condition in declared.when.iter().chain(&declared.any_of) {
            if parse_default(&condition.default).is_none() {
                return Err(at(format!(
                    "`default`: cannot read `{}`",
                    condition.default
                )));
            }
            if (condition.test == Test::OneOf) == condition.values.is_empty() {
                return Err(at(format!(
                    "`{}`: `values` goes with `test = \"one-of\"` only",
                    condition.argument
                )));
            }
        }
        let needles = declared
            .names
            .iter()
            .filter_map(|name| name.rsplit('.').next())
            .map(str::to_string)
            .collect();
        let what = declared
            .what
            .unwrap_or_else(|| format!("`{}`", declared.names[0]));
        starters.push(Starter {
            id: declared.names[0].clone(),
            names: declared.names,
            needles,
            what,
            starts: declared.starts,
            methods: declared.methods,
            reimports_main: declared.reimports_main,
            serial_in_children: declared.serial_in_children,
            serial_in_daemon: declared.serial_in_daemon,
            pickler: declared.pickler,
            sender: declared.sender,
            daemon_workers: declared.daemon_workers,
            start_method: declared.start_method,
            when: declared.when,
            any_of: declared.any_of,
            sends: declared.sends,
            iterates: declared.iterates,
            source: vec![format!("declared in {origin}")],
            description: String::new(),
            sent_to: String::new(),
        });
    }
    Ok(starters)
}

pub fn starter(id: StarterId) -> &'static Starter {
    knowledge().get(id)
}

/// The knowledge base as a Markdown table (the README's, kept in step by a test).
pub fn markdown_table() -> String {
    let mut table = String::from(
        "| API | starts processes | when | children re-import `__main__` | start method | pickler | sent to the workers | source |\n|---|---|---|---|---|---|---|---|\n",
    );
    for starter in &builtin().starters {
        let when = match starter.starts {
            Trigger::Call => "at the call".to_string(),
            Trigger::Iteration => "when iterated".to_string(),
            Trigger::Enter => "on `with`".to_string(),
            Trigger::DecoratedCall => "when the decorated function is called".to_string(),
            Trigger::Handed => "when handed to a method that iterates it".to_string(),
            Trigger::Methods => format!(
                "on {}",
                starter
                    .methods
                    .iter()
                    .map(|method| format!("`{method}()`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        // `fit()` iterates the loaders `train_dataloader()` returns.
        let mut when = when;
        if !starter.iterates.is_empty() {
            let mut methods: Vec<String> = Vec::new();
            let mut hooks: Vec<String> = Vec::new();
            for iterates in &starter.iterates {
                let method = format!("`{}()`", iterates.method);
                if !methods.contains(&method) {
                    methods.push(method);
                }
                for hook in &iterates.hooks {
                    let hook = format!("`{hook}()`");
                    if !hooks.contains(&hook) {
                        hooks.push(hook);
                    }
                }
            }
            let returned = if hooks.is_empty() {
                String::new()
            } else {
                format!(" or returned by {}", hooks.join(", "))
            };
            when.push_str(&format!(
                "; {} iterate the loaders given to them{returned}",
                methods.join("/"),
            ));
        }
        let condition = |condition: &Condition| {
            let test = match condition.test {
                Test::Positive => "> 0".to_string(),
                Test::GreaterThanOne => "> 1".to_string(),
                Test::NotOne => "!= 1".to_string(),
                Test::True => "true".to_string(),
                Test::NotFalse => "not False".to_string(),
                Test::Absent => "not given".to_string(),
                Test::OneOf => format!("in {}", condition.values.join("/")),
            };
            match (&condition.method, &condition.keyword) {
                (_, Some(keyword)) => format!(
                    "`{}` {test} (in `{}`)",
                    keyword,
                    condition
                        .made_by
                        .first()
                        .map_or("", |name| { name.rsplit('.').next().unwrap_or(name) })
                ),
                (Some(method), None) => format!("`{method}({})` {test}", condition.argument),
                (None, None) => format!("`{}` {test}", condition.argument),
            }
        };
        let mut conditions: Vec<String> = starter.when.iter().map(condition).collect();
        if !starter.any_of.is_empty() {
            conditions.push(
                starter
                    .any_of
                    .iter()
                    .map(condition)
                    .collect::<Vec<_>>()
                    .join(" or "),
            );
        }
        let starts = if conditions.is_empty() {
            "always".to_string()
        } else {
            conditions.join(" and ")
        };
        let method = match &starter.start_method {
            Some(StartMethodSpec {
                fixed: Some(fixed), ..
            }) => format!("always {fixed}"),
            Some(StartMethodSpec {
                argument: Some(argument),
                default: Some(default),
                ..
            }) => format!("`{argument}`, else {default}"),
            Some(StartMethodSpec {
                argument: Some(argument),
                ..
            }) => {
                format!("`{argument}`, else the platform's")
            }
            Some(StartMethodSpec {
                default: Some(default),
                ..
            }) => format!("{default} (the library's default; spawn on Windows)"),
            _ => "the platform's".to_string(),
        };
        // Constructor arguments by name; what a method sends as the method's
        // signature (`schedule(function, args, kwargs)`).
        let mut sent: Vec<String> = Vec::new();
        for send in &starter.sends {
            let argument = send.argument.clone();
            match &send.method {
                None if send.kind == SendKind::ImportString => {
                    sent.push(format!("`{argument}` (an import string)"));
                }
                None => sent.push(format!("`{argument}`")),
                Some(method) => {
                    let opening = format!("`{method}(");
                    match sent.iter_mut().find(|item| item.starts_with(&opening)) {
                        Some(item) => {
                            item.truncate(item.len() - 2);
                            item.push_str(&format!(", {argument})`"));
                        }
                        None => sent.push(format!("{opening}{argument})`")),
                    }
                }
            }
        }
        let sent = if sent.is_empty() {
            "-".to_string()
        } else {
            sent.join(", ")
        };
        // The file and lines, with the version they hold (`pebble/pool/process.py:64-73 (Pebble 5.2.3)`).
        let source = starter.source[0].split(": ").next().unwrap_or_default();
        table.push_str(&format!(
            "| `{}` | {starts} | {when} | {} | {method} | {} | {sent} | {source} |\n",
            starter.names[0],
            match (starter.reimports_main, starter.serial_in_children) {
                (true, false) => "yes",
                (true, true) => "yes (a start there falls back to a serial map)",
                (false, _) => "no",
            },
            starter.pickler,
        ));
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README's table of process starters is generated from the knowledge
    /// base; `SPAWNSAFE_UPDATE_DOCS=1` writes it again.
    #[test]
    fn readme_table_is_the_knowledge_base() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md");
        let readme = std::fs::read_to_string(path).unwrap();
        let (start, end) = ("<!-- starters-table -->\n", "<!-- /starters-table -->");
        let from = readme.find(start).expect("README has the starters table") + start.len();
        let to = from + readme[from..].find(end).unwrap();
        let table = markdown_table();
        if std::env::var_os("SPAWNSAFE_UPDATE_DOCS").is_some_and(|value| value == "1") {
            std::fs::write(path, format!("{}{table}{}", &readme[..from], &readme[to..])).unwrap();
        } else {
            assert_eq!(
                readme[from..to],
                table,
                "run with SPAWNSAFE_UPDATE_DOCS=1 to update"
            );
        }
    }

    fn call(source: &str) -> ast::ExprCall {
        let parsed = ruff_python_parser::parse_expression(source).unwrap();
        match parsed.into_expr() {
            Expr::Call(call) => call,
            _ => panic!("not a call"),
        }
    }

    #[test]
    fn every_entry_is_well_formed() {
        let knowledge = Knowledge::parse(STARTERS_TOML).unwrap();
        assert!(knowledge.starters.len() >= 8);
        for starter in &knowledge.starters {
            assert!(!starter.names.is_empty(), "{}", starter.id);
            assert!(!starter.needles.is_empty(), "{}", starter.id);
            assert!(
                !starter.source.is_empty(),
                "{}: cite the library's source",
                starter.id
            );
            assert!(
                matches!(starter.pickler.as_str(), "pickle" | "dill" | "cloudpickle"),
                "{}",
                starter.id
            );
            assert_eq!(
                starter.starts == Trigger::Methods,
                !starter.methods.is_empty(),
                "{}: `methods` goes with starts = \"methods\"",
                starter.id
            );
            // Both ways of importing each name must contain a needle, or the
            // prefilter would skip the files that use it.
            for name in &starter.names {
                let (module, last) = name.rsplit_once('.').unwrap();
                let imports = [
                    format!("from {module} import {last}"),
                    format!("import {module}\n{name}"),
                ];
                for import in imports {
                    assert!(
                        starter
                            .needles
                            .iter()
                            .any(|needle| import.contains(needle.as_str())),
                        "{}: no needle finds `{import}`",
                        starter.id
                    );
                }
            }
            for condition in starter.when.iter().chain(&starter.any_of) {
                assert!(parse_default(&condition.default).is_some());
                assert_eq!(condition.test == Test::OneOf, !condition.values.is_empty());
            }
        }
    }

    #[test]
    fn names_are_unique() {
        let error = Knowledge::parse(
            r#"
[[starter]]
id = "a"
names = ["x.f", "x.f"]
needles = ["x"]
what = "x"
starts = "call"
reimports-main = true
pickler = "pickle"
sends = []
source = ["x"]
"#,
        )
        .err()
        .unwrap();
        assert!(error.contains("listed twice"), "{error}");
    }

    #[test]
    fn unknown_fields_are_errors() {
        let error = Knowledge::parse(
            "[[starter]]\nid = \"a\"\nnames = []\nneedles = []\nwhat = \"\"\nstarts = \"call\"\nreimports-main = true\npickler = \"pickle\"\nsends = []\nsource = []\nworkres = 2\n",
        )
        .err()
        .unwrap();
        assert!(error.contains("workres"), "{error}");
    }

    fn declared(text: &str) -> Result<Vec<Starter>, String> {
        let table: toml::Table = toml::from_str(text).unwrap();
        let entries = table["extend-starters"].as_array().unwrap().clone();
        declared_starters(&entries, "spawnsafe.toml")
    }

    #[test]
    fn declared_starters_take_the_knowledge_base_fields() {
        let starters = declared(
            r#"
extend-starters = [
    { names = ["ourlib.parallel.run_all"] },
    { names = ["ourlib.pmap"], sender = "pool", sends = [{ argument = "func", position = 0, as = "callable" }] },
    { names = ["ourlib.Cluster"], starts = "methods", methods = ["run"], pickler = "cloudpickle", when = [{ argument = "workers", default = "1", test = "greater-than-one" }] },
]
"#,
        )
        .unwrap();
        assert_eq!(starters.len(), 3);
        assert_eq!(starters[0].starts, Trigger::Call);
        assert!(starters[0].reimports_main);
        assert_eq!(starters[0].needles, ["run_all"]);
        assert_eq!(starters[0].source, ["declared in spawnsafe.toml"]);
        assert_eq!(starters[1].sends[0].kind, SendKind::Callable);
        assert!(!starters[2].may_start(&call("Cluster(workers=1)")));
        assert!(starters[2].may_start(&call("Cluster(workers=n)")));
    }

    #[test]
    fn declared_starters_are_validated() {
        for (text, expected) in [
            (
                r#"extend-starters = [{ names = ["ourlib.run"], workres = 2 }]"#,
                "`extend-starters[0]`: unknown field `workres`",
            ),
            (r#"extend-starters = [{ names = [] }]"#, "at least one"),
            (
                r#"extend-starters = [{ names = ["run_all"] }]"#,
                "not a qualified name",
            ),
            (
                r#"extend-starters = [{ names = ["a.b"] }, { names = ["uvicorn.run"] }]"#,
                "`extend-starters[1]`: `uvicorn.run` is already in the knowledge base",
            ),
            (
                r#"extend-starters = [{ names = ["a.b"], pickler = "marshal" }]"#,
                "unknown pickler `marshal`",
            ),
            (
                r#"extend-starters = [{ names = ["a.b"], starts = "methods" }]"#,
                "`methods`",
            ),
            (
                r#"extend-starters = [{ names = ["a.b"], starts = "sometimes" }]"#,
                "unknown variant `sometimes`",
            ),
        ] {
            let error = declared(text).err().unwrap();
            assert!(error.contains(expected), "{text}: {error}");
        }
    }

    #[test]
    fn dataloader_conditions() {
        let loader = starter(knowledge().lookup("torch.utils.data.DataLoader").unwrap());
        assert!(!loader.may_start(&call("DataLoader(ds, batch_size=4)")));
        assert!(!loader.may_start(&call("DataLoader(ds, num_workers=0)")));
        assert!(loader.may_start(&call("DataLoader(ds, num_workers=4)")));
        assert!(loader.may_start(&call("DataLoader(ds, 8, True, None, None, 2)")));
        assert!(loader.may_start(&call("DataLoader(ds, num_workers=args.workers)")));
        assert!(loader.may_start(&call("DataLoader(ds, **loader_kwargs)")));
        assert_eq!(
            loader.pinned_method(&call(
                "DataLoader(ds, num_workers=2, multiprocessing_context='fork')"
            )),
            Some("fork".to_string())
        );
        let with_collate = call("DataLoader(ds, num_workers=2, collate_fn=lambda b: b)");
        let sent = loader.sent(&with_collate);
        assert_eq!(sent.len(), 2);
        assert_eq!(sent[1].1, SendKind::Callable);
    }

    #[test]
    fn lightning_fit_iterates_the_hooks_of_its_arguments() {
        let trainer = starter(knowledge().lookup("pytorch_lightning.Trainer").unwrap());
        let fit = call("trainer.fit(model, datamodule=dm)");
        let iterated = trainer.iterated_by(&fit, "fit");
        assert_eq!(iterated.len(), 2);
        assert_eq!(iterated[0].1, ["train_dataloader", "val_dataloader"]);
        let loaders = call("trainer.fit(model, train_loader, val_loader)");
        let iterated = trainer.iterated_by(&loaders, "fit");
        assert_eq!(iterated.len(), 3);
        assert!(iterated[2].1.is_empty());
        let test = call("trainer.test(model, datamodule=dm)");
        assert_eq!(trainer.iterated_by(&test, "test")[1].1, ["test_dataloader"]);
        assert!(trainer.iterated_by(&fit, "tune").is_empty());
        // The loaders start by their own entry: the strategy plays no part.
        assert!(!trainer.may_start(&call("Trainer(max_epochs=1)")));
    }

    #[test]
    fn joblib_backend_must_be_known_to_be_multiprocessing() {
        let parallel = starter(knowledge().lookup("joblib.Parallel").unwrap());
        assert!(parallel.may_start(&call("Parallel(n_jobs=2, backend='multiprocessing')")));
        assert!(parallel.may_start(&call(
            "Parallel(n_jobs=args.jobs, backend='multiprocessing')"
        )));
        assert!(!parallel.may_start(&call("Parallel(n_jobs=2)")));
        assert!(!parallel.may_start(&call("Parallel(n_jobs=2, backend='loky')")));
        assert!(!parallel.may_start(&call("Parallel(n_jobs=2, backend=backend)")));
        assert!(!parallel.may_start(&call("Parallel(n_jobs=2, **options)")));
    }

    #[test]
    fn uvicorn_and_dask_conditions() {
        let run = starter(knowledge().lookup("uvicorn.run").unwrap());
        assert!(!run.may_start(&call("uvicorn.run(app, host='0.0.0.0')")));
        assert!(!run.may_start(&call("uvicorn.run('app:app', workers=1)")));
        assert!(run.may_start(&call("uvicorn.run('app:app', workers=4)")));
        assert!(run.may_start(&call("uvicorn.run('app:app', reload=True)")));
        let client = starter(knowledge().lookup("dask.distributed.Client").unwrap());
        assert!(client.may_start(&call("Client()")));
        assert!(client.may_start(&call("Client(n_workers=2)")));
        assert!(!client.may_start(&call("Client('tcp://scheduler:8786')")));
        assert!(!client.may_start(&call("Client(processes=False)")));
        let pool = starter(knowledge().lookup("mpire.WorkerPool").unwrap());
        assert_eq!(
            pool.pinned_method(&call("WorkerPool(n_jobs=4)")),
            Some("fork".to_string())
        );
        assert_eq!(
            pool.pinned_method(&call("WorkerPool(n_jobs=4, start_method='spawn')")),
            Some("spawn".to_string())
        );
        let pebble = starter(knowledge().lookup("pebble.ProcessPool").unwrap());
        assert!(pebble.may_start(&call("ProcessPool(max_workers=2)")));
        assert!(!pebble.may_start(&call("ProcessPool(2, context=mp.get_context('fork'))")));
        let parallel = starter(knowledge().lookup("joblib.Parallel").unwrap());
        assert!(!parallel.may_start(&call("Parallel(n_jobs=2)")));
        assert!(parallel.may_start(&call("Parallel(n_jobs=2, backend='multiprocessing')")));
        assert!(!parallel.may_start(&call("Parallel(n_jobs=1, backend='multiprocessing')")));
    }
}
