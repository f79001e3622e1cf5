use std::process::ExitCode;

use spawnsafe_linter::Rule;

use crate::args::{RuleArgs, TextOrJson};

/// `spawnsafe rule CODE` / `--all`: the rule's documentation, as Markdown or JSON.
pub fn rule(args: RuleArgs) -> Result<ExitCode, String> {
    let rules: Vec<Rule> = if args.all {
        Rule::ALL.to_vec()
    } else {
        let code = args.code.unwrap_or_default();
        let rule = Rule::from_code_or_name(&code).ok_or_else(|| {
            let known: Vec<&str> = Rule::ALL.iter().map(|rule| rule.code()).collect();
            format!("unknown rule `{code}` (known rules: {})", known.join(", "))
        })?;
        vec![rule]
    };
    let out = match args.output_format {
        TextOrJson::Text if args.all => rules
            .iter()
            .map(|rule| format!("{}\n", rule.docs()))
            .collect(),
        TextOrJson::Text => rules[0].docs().to_string(),
        TextOrJson::Json => {
            let entries: Vec<serde_json::Value> =
                rules.iter().map(|rule| rule_json(*rule)).collect();
            // One rule: an object, as `ruff rule --output-format json` prints; `--all`: an array.
            let value = if args.all {
                serde_json::Value::Array(entries)
            } else {
                entries.into_iter().next().unwrap_or_default()
            };
            let mut text = serde_json::to_string_pretty(&value).expect("JSON serialises");
            text.push('\n');
            text
        }
    };
    crate::printer::write_stdout(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn rule_json(rule: Rule) -> serde_json::Value {
    serde_json::json!({
        "code": rule.code(),
        "name": rule.name(),
        "severity": rule.severity().as_str(),
        "url": rule.url(),
        "explanation": rule.docs(),
    })
}
