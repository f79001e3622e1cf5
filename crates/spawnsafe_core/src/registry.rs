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
}

impl Rule {
    /// Looks a rule up by its code (`SPS101`) or its name (`unguarded-process-start`).
    pub fn from_code_or_name(text: &str) -> Option<Rule> {
        Rule::ALL
            .iter()
            .copied()
            .find(|rule| rule.code().eq_ignore_ascii_case(text) || rule.name() == text)
    }

    /// The rule's documentation page.
    pub fn url(self) -> String {
        format!(
            "https://github.com/spawnsafe/spawnsafe/blob/main/docs/rules.md#{}",
            self.code().to_ascii_lowercase()
        )
    }
}

/// Which rules are enabled: `--select` / `--ignore` by code or code prefix.
#[derive(Debug, Clone)]
pub struct RuleSelection {
    enabled: Vec<Rule>,
}

impl Default for RuleSelection {
    fn default() -> Self {
        RuleSelection {
            enabled: Rule::ALL.to_vec(),
        }
    }
}

impl RuleSelection {
    /// Builds the selection; an unknown selector is an error naming it.
    pub fn new(select: &[String], ignore: &[String]) -> Result<RuleSelection, String> {
        let matching = |selector: &str| -> Result<Vec<Rule>, String> {
            let selector = selector.trim();
            if selector.eq_ignore_ascii_case("ALL") {
                return Ok(Rule::ALL.to_vec());
            }
            let found: Vec<Rule> = Rule::ALL
                .iter()
                .copied()
                .filter(|rule| {
                    rule.name() == selector
                        || rule
                            .code()
                            .to_ascii_uppercase()
                            .starts_with(&selector.to_ascii_uppercase())
                })
                .collect();
            if found.is_empty()
                || !selector.to_ascii_uppercase().starts_with("SPS") && found.len() > 1
            {
                Err(format!("unknown rule selector `{selector}`"))
            } else {
                Ok(found)
            }
        };
        let mut enabled = if select.is_empty() {
            Rule::ALL.to_vec()
        } else {
            let mut rules = Vec::new();
            for selector in select {
                rules.extend(matching(selector)?);
            }
            rules
        };
        for selector in ignore {
            let ignored = matching(selector)?;
            enabled.retain(|rule| !ignored.contains(rule));
        }
        enabled.sort();
        enabled.dedup();
        Ok(RuleSelection { enabled })
    }

    pub fn is_enabled(&self, rule: Rule) -> bool {
        self.enabled.contains(&rule)
    }
}
