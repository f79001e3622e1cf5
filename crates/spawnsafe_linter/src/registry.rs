//! The single list of rules: codes, names, severities and documentation.

use serde::Serialize;

use crate::rules;

/// How bad a finding is (see the BRIEF's hazard catalogue).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Raises or hangs under spawn/forkserver.
    Error,
    /// Runs, but behaves differently from fork.
    Warning,
    /// Advice.
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

macro_rules! rules {
    ($($variant:ident => ($code:literal, $name:literal, $severity:ident, $docs:path)),+ $(,)?) => {
        /// Every rule spawnsafe knows.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule {
            $($variant),+
        }

        impl Rule {
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $(Rule::$variant => $code),+ }
            }

            pub fn name(self) -> &'static str {
                match self { $(Rule::$variant => $name),+ }
            }

            pub fn severity(self) -> Severity {
                match self { $(Rule::$variant => Severity::$severity),+ }
            }

            /// The rule's documentation, in Markdown.
            pub fn docs(self) -> &'static str {
                match self { $(Rule::$variant => $docs),+ }
            }
        }
    };
}

rules! {
    SyntaxError => ("SPS001", "syntax-error", Error, rules::syntax_error::DOCS),
    IoError => ("SPS002", "io-error", Error, rules::io_error::DOCS),
    UnguardedProcessStart => ("SPS101", "unguarded-process-start", Error, rules::sps101_unguarded_process_start::DOCS),
    MalformedMainGuard => ("SPS102", "malformed-main-guard", Error, rules::sps102_malformed_main_guard::DOCS),
    ImportTimeProcessStart => ("SPS103", "import-time-process-start", Error, rules::sps103_import_time_process_start::DOCS),
    StartMethodAtImport => ("SPS104", "start-method-at-import", Error, rules::sps104_start_method_at_import::DOCS),
    WorkerDefinedInGuard => ("SPS105", "worker-defined-in-guard", Error, rules::sps105_worker_defined_in_guard::DOCS),
    UnpicklableCallable => ("SPS201", "unpicklable-callable", Error, rules::sps201_unpicklable_callable::DOCS),
    UnpicklableArgument => ("SPS202", "unpicklable-argument", Error, rules::sps202_unpicklable_argument::DOCS),
    UnpicklableProcessState => ("SPS203", "unpicklable-process-state", Error, rules::sps203_unpicklable_process_state::DOCS),
    InteractiveWorker => ("SPS204", "interactive-worker", Error, rules::sps204_interactive_worker::DOCS),
    PickleProtocolPitfall => ("SPS205", "pickle-protocol-pitfall", Error, rules::sps205_pickle_protocol_pitfall::DOCS),
    UnpicklableResult => ("SPS206", "unpicklable-result", Error, rules::sps206_unpicklable_result::DOCS),
    UnpicklableQueueItem => ("SPS207", "unpicklable-queue-item", Error, rules::sps207_unpicklable_queue_item::DOCS),
    UnpicklableManagerCallable => ("SPS208", "unpicklable-manager-callable", Error, rules::sps208_unpicklable_manager_callable::DOCS),
    ImportStringRequired => ("SPS209", "import-string-required", Error, rules::sps209_import_string_required::DOCS),
    GlobalNotInherited => ("SPS301", "global-not-inherited", Warning, rules::sps301_global_not_inherited::DOCS),
    SideEffectsInChildren => ("SPS302", "side-effects-in-children", Warning, rules::sps302_side_effects_in_children::DOCS),
    WorkerOutput => ("SPS303", "worker-output", Info, rules::sps303_worker_output::DOCS),
    JoinBeforeDrain => ("SPS304", "join-before-drain", Warning, rules::sps304_join_before_drain::DOCS),
    StdinInWorker => ("SPS305", "stdin-in-worker", Warning, rules::sps305_stdin_in_worker::DOCS),
    NestedPoolInDaemon => ("SPS306", "nested-pool-in-daemon", Error, rules::sps306_nested_pool_in_daemon::DOCS),
    ForkOnlyStartMethod => ("SPS401", "fork-only-start-method", Warning, rules::sps401_fork_only_start_method::DOCS),
    WindowsWorkerLimit => ("SPS402", "windows-worker-limit", Warning, rules::sps402_windows_worker_limit::DOCS),
    FreezeSupport => ("SPS403", "freeze-support", Warning, rules::sps403_freeze_support::DOCS),
    CudaOrThreadsThenFork => ("SPS404", "cuda-or-threads-then-fork", Warning, rules::sps404_cuda_or_threads_then_fork::DOCS),
}

impl Rule {
    /// Looks a rule up by its code (`SPS101`) or its name (`unguarded-process-start`).
    pub fn from_code_or_name(text: &str) -> Option<Rule> {
        Rule::ALL
            .iter()
            .copied()
            .find(|rule| rule.code().eq_ignore_ascii_case(text) || rule.name() == text)
    }

    /// The rule's documentation page (its heading's anchor in `docs/rules.md`).
    pub fn url(self) -> String {
        format!(
            "https://github.com/spawnsafe/spawnsafe/blob/main/docs/rules.md#{}-{}",
            self.name(),
            self.code().to_ascii_lowercase()
        )
    }

    /// Is the rule on when nothing is selected? The advice (`info`) rules are
    /// not, nor SPS401: an explicit fork context is how POSIX-only code opts
    /// out of spawn on purpose, and on Windows it fails at once with a clear
    /// `ValueError`, so the warning is for projects that say they must run
    /// there (`extend-select = ["SPS401"]`).
    pub fn is_default(self) -> bool {
        self.severity() != Severity::Info && self != Rule::ForkOnlyStartMethod
    }

    /// The first sentence of the rule's "What it does" section, on one line.
    pub fn summary(self) -> String {
        let docs = self.docs();
        let section = docs
            .split("## What it does")
            .nth(1)
            .unwrap_or_default()
            .split("\n## ")
            .next()
            .unwrap_or_default();
        let text = section.split_whitespace().collect::<Vec<_>>().join(" ");
        let sentence = match text.find(". ") {
            Some(end) => &text[..=end],
            None => text.as_str(),
        };
        // The part before the details that follow a colon.
        match sentence.find(": ") {
            Some(end) => format!("{}.", &sentence[..end]),
            None => sentence.to_string(),
        }
    }
}

/// The Markdown table of every rule: code, name, severity (and whether it is
/// off by default), summary.
pub fn rules_table() -> String {
    let mut table = String::from("| Code | Name | Severity | What it finds |\n|---|---|---|---|\n");
    for rule in Rule::ALL {
        let summary = rule.summary().replace('|', "\\|");
        table.push_str(&format!(
            "| [{}]({}) | {} | {} | {} |\n",
            rule.code(),
            rule.url()
                .replace("https://github.com/spawnsafe/spawnsafe/blob/main/", ""),
            rule.name(),
            if rule.is_default() {
                rule.severity().as_str().to_string()
            } else {
                format!("{} (opt-in)", rule.severity().as_str())
            },
            summary
        ));
    }
    table
}

/// `docs/rules.md`: the table, then every rule's documentation one heading level down.
pub fn rules_document() -> String {
    let mut document = String::from(
        "<!-- Generated from the rule documentation in crates/spawnsafe_linter/src/rules/; do not edit. -->\n# spawnsafe rules\n\n",
    );
    document.push_str(&rules_table());
    for rule in Rule::ALL {
        document.push('\n');
        let mut in_code = false;
        for line in rule.docs().lines() {
            if line.trim_start().starts_with("```") {
                in_code = !in_code;
            }
            if !in_code && line.starts_with('#') {
                document.push('#');
            }
            document.push_str(line);
            document.push('\n');
        }
    }
    document
}

/// Which rules are enabled: `--select` / `--ignore` by code or code prefix.
#[derive(Debug, Clone)]
pub struct RuleSelection {
    enabled: Vec<Rule>,
}

impl Default for RuleSelection {
    fn default() -> Self {
        RuleSelection::from_rules(RuleSelection::default_rules())
    }
}

impl RuleSelection {
    /// The rules on when nothing is selected (see [`Rule::is_default`]).
    pub fn default_rules() -> Vec<Rule> {
        Rule::ALL
            .iter()
            .copied()
            .filter(|rule| rule.is_default())
            .collect()
    }

    /// Every rule (the analysis runs them all; settings filter per file).
    pub fn all() -> RuleSelection {
        RuleSelection::from_rules(Rule::ALL.to_vec())
    }

    pub fn from_rules(mut rules: Vec<Rule>) -> RuleSelection {
        rules.sort();
        rules.dedup();
        RuleSelection { enabled: rules }
    }

    /// The rules a selector names: `ALL`, a code (`SPS101`), a code prefix
    /// (`SPS1`, `SPS`) or a rule name (`unguarded-process-start`).
    pub fn matching(selector: &str) -> Result<Vec<Rule>, String> {
        let selector = selector.trim();
        if selector.eq_ignore_ascii_case("ALL") {
            return Ok(Rule::ALL.to_vec());
        }
        if let Some(rule) = Rule::ALL.iter().find(|rule| rule.name() == selector) {
            return Ok(vec![*rule]);
        }
        let upper = selector.to_ascii_uppercase();
        let found: Vec<Rule> = if upper.starts_with("SPS") {
            Rule::ALL
                .iter()
                .copied()
                .filter(|rule| rule.code().starts_with(&upper))
                .collect()
        } else {
            Vec::new()
        };
        if found.is_empty() {
            Err(format!("unknown rule selector `{selector}`"))
        } else {
            Ok(found)
        }
    }

    /// Builds the selection; an unknown selector is an error naming it.
    pub fn new(select: &[String], ignore: &[String]) -> Result<RuleSelection, String> {
        let mut enabled = if select.is_empty() {
            RuleSelection::default_rules()
        } else {
            let mut rules = Vec::new();
            for selector in select {
                rules.extend(RuleSelection::matching(selector)?);
            }
            rules
        };
        for selector in ignore {
            let ignored = RuleSelection::matching(selector)?;
            enabled.retain(|rule| !ignored.contains(rule));
        }
        Ok(RuleSelection::from_rules(enabled))
    }

    pub fn is_enabled(&self, rule: Rule) -> bool {
        self.enabled.contains(&rule)
    }
}
