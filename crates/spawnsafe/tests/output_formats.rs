//! End-to-end tests of the machine-readable output formats (`json-lines`,
//! `github`, `sarif`, `junit`), `--output-file` and `--statistics`.
//!
//! Every test runs the real binary (`CARGO_BIN_EXE_spawnsafe`) in the
//! workspace root on `examples/photo_stats` (or in a temporary project), with
//! relative paths, so the paths in the snapshots are stable. Each format gets
//! a snapshot and a structural check: JSON Lines parse line by line, GitHub
//! workflow commands follow the grammar of `@actions/core`, SARIF validates
//! against the official SARIF 2.1.0 schema (`tests/data`), JUnit parses as XML.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;
use spawnsafe_linter::{Rule, Severity};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// The workspace root (it holds `examples/`).
fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs the binary in `dir`, with the environment that changes its output removed.
fn run_in(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_spawnsafe"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR")
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .output()
        .expect("spawnsafe runs");
    Run {
        code: output
            .status
            .code()
            .expect("spawnsafe was killed by a signal"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// Runs in the workspace root (paths like `examples/photo_stats`).
fn run(args: &[&str]) -> Run {
    run_in(&repo_root(), args)
}

/// `spawnsafe check --output-format FORMAT examples/photo_stats`, which has findings.
fn photo_stats(format: &str) -> Run {
    let run = run(&["check", "--output-format", format, "examples/photo_stats"]);
    assert_eq!(run.code, 1, "{format}: {run:?}");
    assert_eq!(run.stderr, "", "{format}");
    run
}

/// The same on `examples/photo_stats_fixed`, which is clean.
fn photo_stats_fixed(format: &str) -> Run {
    let run = run(&[
        "check",
        "--output-format",
        format,
        "examples/photo_stats_fixed",
    ]);
    assert_eq!(run.code, 0, "{format}: {run:?}");
    assert_eq!(run.stderr, "", "{format}");
    run
}

/// The findings of `--output-format json`, the reference the other formats
/// are checked against.
fn json_findings(dir: &Path, paths: &[&str]) -> Vec<Value> {
    let mut args = vec!["check", "--output-format", "json"];
    args.extend_from_slice(paths);
    let run = run_in(dir, &args);
    let value: Value = serde_json::from_str(&run.stdout).expect("json output parses");
    value.as_array().expect("a JSON array").clone()
}

fn photo_stats_json() -> Vec<Value> {
    let findings = json_findings(&repo_root(), &["examples/photo_stats"]);
    assert!(
        findings.len() >= 3,
        "photo_stats has findings: {findings:?}"
    );
    findings
}

fn row_column(location: &Value) -> (u64, u64) {
    (
        location["row"].as_u64().expect("row"),
        location["column"].as_u64().expect("column"),
    )
}

/// A temporary project with a file whose name holds characters that the
/// formats must escape: `,`, `:` and `%` (GitHub properties), and a space.
fn project_with_awkward_file_name() -> (tempfile::TempDir, &'static str) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let name = "odd dir/we:ird,name%.py";
    std::fs::create_dir_all(dir.path().join("odd dir")).expect("create a directory");
    std::fs::write(
        dir.path().join(name),
        "import multiprocessing\n\
         \n\
         pool = multiprocessing.Pool()\n\
         other = multiprocessing.Pool()\n\
         multiprocessing.Pool().map(lambda x: x, [1])\n",
    )
    .expect("write a file");
    (dir, name)
}

// ---------------------------------------------------------------------------
// json-lines
// ---------------------------------------------------------------------------

#[test]
fn json_lines_output() {
    let run = photo_stats("json-lines");
    let expected = photo_stats_json();
    assert!(run.stdout.ends_with('\n'));
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), expected.len(), "one line per finding");
    for (line, expected) in lines.iter().zip(&expected) {
        let value: Value = serde_json::from_str(line)
            .unwrap_or_else(|err| panic!("line is not JSON ({err}): {line}"));
        assert!(value.is_object(), "{line}");
        assert_eq!(&value, expected, "the same fields as `json`");
    }
    insta::assert_snapshot!("json_lines_photo_stats", run.stdout);
}

#[test]
fn json_lines_when_clean_is_empty() {
    let run = photo_stats_fixed("json-lines");
    assert_eq!(run.stdout, "");
}

// ---------------------------------------------------------------------------
// github
// ---------------------------------------------------------------------------

/// A workflow command as `@actions/core` writes it:
/// `::COMMAND key=value,key=value::message`.
#[derive(Debug)]
struct WorkflowCommand {
    command: String,
    properties: Vec<(String, String)>,
    message: String,
}

/// Undoes `@actions/core`'s escapes, after checking that every `%` starts
/// one of `allowed` and that no character it escapes is left bare.
fn unescape_workflow(text: &str, allowed: &[(&str, char)], must_escape: &[char]) -> String {
    for ch in must_escape {
        assert!(!text.contains(*ch), "unescaped {ch:?} in {text:?}");
    }
    let mut out = String::new();
    let mut rest = text;
    while let Some(percent) = rest.find('%') {
        out.push_str(&rest[..percent]);
        let escape = rest.get(percent..percent + 3).unwrap_or(&rest[percent..]);
        let (_, ch) = allowed
            .iter()
            .find(|(code, _)| *code == escape)
            .unwrap_or_else(|| panic!("bad escape {escape:?} in {text:?}"));
        out.push(*ch);
        rest = &rest[percent + 3..];
    }
    out.push_str(rest);
    out
}

const DATA_ESCAPES: &[(&str, char)] = &[("%25", '%'), ("%0D", '\r'), ("%0A", '\n')];
const PROPERTY_ESCAPES: &[(&str, char)] = &[
    ("%25", '%'),
    ("%0D", '\r'),
    ("%0A", '\n'),
    ("%3A", ':'),
    ("%2C", ','),
];

/// Parses one line, checking it against the workflow-command grammar.
fn parse_workflow_command(line: &str) -> WorkflowCommand {
    let rest = line
        .strip_prefix("::")
        .unwrap_or_else(|| panic!("a workflow command starts with `::`: {line}"));
    let (head, data) = rest
        .split_once("::")
        .unwrap_or_else(|| panic!("no `::` before the message: {line}"));
    let (command, properties) = head.split_once(' ').unwrap_or((head, ""));
    assert!(
        ["error", "warning", "notice"].contains(&command),
        "unknown command `{command}`: {line}"
    );
    let properties = properties
        .split(',')
        .filter(|property| !property.is_empty())
        .map(|property| {
            let (key, value) = property
                .split_once('=')
                .unwrap_or_else(|| panic!("a property is key=value: {property}"));
            assert!(
                key.chars().all(|ch| ch.is_ascii_alphabetic()),
                "bad key {key:?}"
            );
            let value = unescape_workflow(value, PROPERTY_ESCAPES, &['\r', '\n', ':', ',']);
            (key.to_string(), value)
        })
        .collect();
    WorkflowCommand {
        command: command.to_string(),
        properties,
        message: unescape_workflow(data, DATA_ESCAPES, &['\r', '\n']),
    }
}

/// Checks the commands against the `json` findings of the same run.
fn assert_github_matches_json(stdout: &str, expected: &[Value]) {
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), expected.len(), "one command per finding");
    for (line, finding) in lines.iter().zip(expected) {
        let command = parse_workflow_command(line);
        let severity = finding["severity"].as_str().unwrap();
        let level = match severity {
            "error" => "error",
            "warning" => "warning",
            _ => "notice",
        };
        assert_eq!(command.command, level, "{line}");
        let filename = finding["filename"].as_str().unwrap();
        let code = finding["code"].as_str().unwrap();
        let (row, column) = row_column(&finding["location"]);
        let (end_row, end_column) = row_column(&finding["end_location"]);
        let keys: Vec<&str> = command
            .properties
            .iter()
            .map(|(key, _)| key.as_str())
            .collect();
        assert_eq!(
            keys,
            ["title", "file", "line", "col", "endLine", "endColumn"],
            "{line}"
        );
        let values: Vec<String> = command
            .properties
            .iter()
            .map(|(_, value)| value.clone())
            .collect();
        assert_eq!(
            values,
            [
                format!("spawnsafe ({code})"),
                filename.to_string(),
                row.to_string(),
                column.to_string(),
                end_row.to_string(),
                end_column.to_string(),
            ],
            "{line}"
        );
        assert_eq!(
            command.message,
            format!(
                "{filename}:{row}:{column}: {code} {}",
                finding["message"].as_str().unwrap()
            ),
            "{line}"
        );
    }
}

#[test]
fn github_output() {
    let run = photo_stats("github");
    assert_github_matches_json(&run.stdout, &photo_stats_json());
    insta::assert_snapshot!("github_photo_stats", run.stdout);
}

#[test]
fn github_output_escapes_like_the_actions_toolkit() {
    let (dir, name) = project_with_awkward_file_name();
    let run = run_in(dir.path(), &["check", "--output-format", "github"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_github_matches_json(&run.stdout, &json_findings(dir.path(), &[]));
    // `:` and `,` are escaped in the `file` property, not in the message.
    let first = run.stdout.lines().next().unwrap();
    assert!(
        first.contains(",file=odd dir/we%3Aird%2Cname%25.py,"),
        "{first}"
    );
    assert!(first.contains("::odd dir/we:ird,name%25.py:3:"), "{first}");
    assert!(name.contains('%'));
}

#[test]
fn github_when_clean_is_empty() {
    let run = photo_stats_fixed("github");
    assert_eq!(run.stdout, "");
}

// ---------------------------------------------------------------------------
// sarif
// ---------------------------------------------------------------------------

/// The official SARIF 2.1.0 schema (see `tests/data/README.md`).
fn sarif_validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(include_str!("data/sarif-schema-2.1.0.json"))
        .expect("the schema parses");
    assert_eq!(
        schema["$schema"], "http://json-schema.org/draft-04/schema#",
        "the official schema is draft-04"
    );
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles")
}

fn assert_valid_sarif(log: &Value) {
    let validator = sarif_validator();
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|error| format!("{}: {error}", error.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF output does not validate:\n{}",
        errors.join("\n")
    );
}

fn parse_sarif(stdout: &str) -> Value {
    let log: Value = serde_json::from_str(stdout).expect("SARIF output is JSON");
    assert_valid_sarif(&log);
    log
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// `(uri, startLine, startColumn, endLine, endColumn)` of a location.
fn sarif_location(location: &Value) -> (String, u64, u64, u64, u64) {
    let physical = &location["physicalLocation"];
    let artifact = &physical["artifactLocation"];
    assert_eq!(artifact["uriBaseId"], "%SRCROOT%", "{location}");
    let region = &physical["region"];
    let number = |key: &str| region[key].as_u64().unwrap_or_else(|| panic!("{key}"));
    (
        artifact["uri"].as_str().expect("uri").to_string(),
        number("startLine"),
        number("startColumn"),
        number("endLine"),
        number("endColumn"),
    )
}

/// Checks the SARIF log's structure, and its results against the `json`
/// findings of the same run (`uri` maps a displayed path to its URI).
fn assert_sarif_matches_json(log: &Value, expected: &[Value], uri: impl Fn(&str) -> String) {
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(
        log["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    let runs = log["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1);
    let sarif_run = &runs[0];
    assert_eq!(sarif_run["columnKind"], "unicodeCodePoints");

    let driver = &sarif_run["tool"]["driver"];
    assert_eq!(driver["name"], "spawnsafe");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["informationUri"], env!("CARGO_PKG_REPOSITORY"));
    let rules = driver["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), Rule::ALL.len(), "one descriptor per rule");
    for (descriptor, rule) in rules.iter().zip(Rule::ALL) {
        assert_eq!(descriptor["id"], rule.code());
        assert_eq!(descriptor["name"], rule.name());
        assert_eq!(descriptor["helpUri"], rule.url());
        assert_eq!(descriptor["help"]["markdown"], rule.docs());
        assert_eq!(descriptor["help"]["text"], rule.docs());
        assert_eq!(
            descriptor["defaultConfiguration"]["level"],
            sarif_level(rule.severity())
        );
        let short = descriptor["shortDescription"]["text"].as_str().unwrap();
        let full = descriptor["fullDescription"]["text"].as_str().unwrap();
        assert!(!short.is_empty() && !short.contains('\n'), "{short:?}");
        assert!(full.starts_with(short), "{short:?} / {full:?}");
        assert!(!full.contains("## "), "no headings: {full:?}");
    }

    let results = sarif_run["results"].as_array().expect("results");
    assert_eq!(results.len(), expected.len(), "one result per finding");
    for (result, finding) in results.iter().zip(expected) {
        let code = finding["code"].as_str().unwrap();
        assert_eq!(result["ruleId"], code);
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], code, "ruleIndex points at the rule");
        let level = match finding["severity"].as_str().unwrap() {
            "error" => "error",
            "warning" => "warning",
            _ => "note",
        };
        assert_eq!(result["level"], level);
        assert_eq!(result["message"]["text"], finding["message"]);

        let locations = result["locations"].as_array().expect("locations");
        assert_eq!(locations.len(), 1);
        let (row, column) = row_column(&finding["location"]);
        let (end_row, end_column) = row_column(&finding["end_location"]);
        let filename = finding["filename"].as_str().unwrap();
        assert_eq!(
            sarif_location(&locations[0]),
            (uri(filename), row, column, end_row, end_column)
        );

        let related = finding["related"].as_array().unwrap();
        match result.get("relatedLocations") {
            None => assert!(related.is_empty()),
            Some(locations) => {
                let locations = locations.as_array().unwrap();
                assert_eq!(locations.len(), related.len());
                for (index, (location, note)) in locations.iter().zip(related).enumerate() {
                    assert_eq!(location["id"], index);
                    assert_eq!(location["message"]["text"], note["message"]);
                    let (uri_text, row, column, ..) = sarif_location(location);
                    assert_eq!(uri_text, uri(note["filename"].as_str().unwrap()));
                    assert_eq!((row, column), row_column(&note["location"]));
                }
            }
        }
    }
}

/// The log as the snapshot shows it, byte for byte but for two things: the
/// rule descriptors (checked above against the registry) are reduced to their
/// ids, and the version is a placeholder.
fn sarif_for_snapshot(stdout: &str) -> String {
    let log: Value = serde_json::from_str(stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    let start = lines
        .iter()
        .position(|line| line.trim() == "\"rules\": [")
        .expect("a rules array");
    let indent = &lines[start][..lines[start].len() - lines[start].trim_start().len()];
    let end = start
        + lines[start..]
            .iter()
            .position(|line| *line == format!("{indent}]") || *line == format!("{indent}],"))
            .expect("the end of the rules array");
    let ids: Vec<String> = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|rule| format!("{indent}  {} (descriptor)", rule["id"]))
        .collect();
    let mut out: Vec<String> = lines[..=start]
        .iter()
        .map(|line| line.to_string())
        .collect();
    out.extend(ids);
    out.extend(lines[end..].iter().map(|line| line.to_string()));
    out.join("\n")
        .replace(
            &format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION")),
            "\"version\": \"[VERSION]\"",
        )
        .replace(
            &format!("\"file://{}/\"", repo_root().display()),
            "\"file://[ROOT]/\"",
        )
}

/// SARIF paths are relative to the project root (`%SRCROOT%`, declared in
/// `originalUriBaseIds`), whatever directory spawnsafe runs in.
#[test]
fn sarif_uris_are_relative_to_the_project_root() {
    let project = tempfile::tempdir().unwrap();
    let root = project.path().canonicalize().unwrap();
    std::fs::create_dir_all(root.join(".git")).unwrap();
    std::fs::create_dir_all(root.join("src/jobs")).unwrap();
    std::fs::write(
        root.join("src/jobs/train.py"),
        "import multiprocessing\n\ndef work(x):\n    return x\n\nmultiprocessing.Pool().map(work, [1])\n",
    )
    .unwrap();
    for (cwd, path) in [
        (root.clone(), "src/jobs"),
        (root.join("src/jobs"), "train.py"),
    ] {
        let run = run_in(
            &cwd,
            &["check", "--isolated", "--output-format", "sarif", path],
        );
        let log = parse_sarif(&run.stdout);
        let location = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
        assert_eq!(
            location["artifactLocation"],
            serde_json::json!({"uri": "src/jobs/train.py", "uriBaseId": "%SRCROOT%"}),
            "run in {}",
            cwd.display()
        );
        assert_eq!(
            log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"],
            format!("file://{}/", root.display())
        );
    }
}

#[test]
fn sarif_output() {
    let run = photo_stats("sarif");
    let log = parse_sarif(&run.stdout);
    assert_sarif_matches_json(&log, &photo_stats_json(), str::to_string);
    assert!(run.stdout.ends_with("}\n"));
    // Notes become related locations.
    assert!(run.stdout.contains("\"relatedLocations\""));
    insta::assert_snapshot!("sarif_photo_stats", sarif_for_snapshot(&run.stdout));
}

/// Fixes become SARIF `fixes` (artifact changes with replacements), valid under the schema.
#[test]
fn sarif_fixes_are_valid() {
    let run = run(&[
        "check",
        "--isolated",
        "--output-format",
        "sarif",
        "crates/spawnsafe_linter/resources/fixtures/SPS102/flagged",
    ]);
    let log = parse_sarif(&run.stdout);
    let results = log["runs"][0]["results"].as_array().unwrap();
    let fixes: Vec<&Value> = results
        .iter()
        .filter_map(|result| result["fixes"].as_array())
        .flatten()
        .collect();
    assert!(fixes.len() >= 11, "{fixes:?}");
    let replacement = &fixes[0]["artifactChanges"][0]["replacements"][0];
    assert!(replacement["insertedContent"]["text"]
        .as_str()
        .unwrap()
        .contains("__main__"));
    assert!(replacement["deletedRegion"]["startLine"].as_u64().is_some());
}

/// One rule descriptor (its help is `Rule::docs()`, checked above).
#[test]
fn sarif_rule_descriptor() {
    let run = photo_stats("sarif");
    let log: Value = serde_json::from_str(&run.stdout).unwrap();
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let mut descriptor = rules
        .iter()
        .find(|rule| rule["id"] == "SPS001")
        .expect("SPS001")
        .clone();
    descriptor["help"]["text"] = Value::from("[Rule::docs()]");
    descriptor["help"]["markdown"] = Value::from("[Rule::docs()]");
    insta::assert_snapshot!(
        "sarif_rule_descriptor_sps001",
        serde_json::to_string_pretty(&descriptor).unwrap()
    );
}

#[test]
fn sarif_when_clean_validates_with_no_results() {
    let run = photo_stats_fixed("sarif");
    let log = parse_sarif(&run.stdout);
    assert_sarif_matches_json(&log, &[], str::to_string);
    assert_eq!(log["runs"][0]["results"], Value::Array(Vec::new()));
}

#[test]
fn sarif_uris_are_percent_encoded() {
    let (dir, _name) = project_with_awkward_file_name();
    let run = run_in(dir.path(), &["check", "--output-format", "sarif"]);
    assert_eq!(run.code, 1, "{run:?}");
    let log = parse_sarif(&run.stdout);
    let expected = json_findings(dir.path(), &[]);
    assert_sarif_matches_json(&log, &expected, |path| {
        assert_eq!(path, "odd dir/we:ird,name%.py");
        "odd%20dir/we%3Aird,name%25.py".to_string()
    });
}

#[test]
fn sarif_schema_rejects_a_broken_log() {
    // The validation is real: a log that breaks the schema in small ways fails.
    let run = photo_stats("sarif");
    let log: Value = serde_json::from_str(&run.stdout).unwrap();
    let validator = sarif_validator();
    assert!(validator.is_valid(&log));
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!validator.is_valid(&broken), "an unknown level");
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        Value::from(0);
    assert!(!validator.is_valid(&broken), "lines start at 1");
    let mut broken = log;
    broken["runs"][0]["tool"]["driver"]
        .as_object_mut()
        .unwrap()
        .remove("name");
    assert!(!validator.is_valid(&broken), "the driver needs a name");
}

// ---------------------------------------------------------------------------
// junit
// ---------------------------------------------------------------------------

/// An element of a parsed XML document.
#[derive(Debug, Default)]
struct Element {
    name: String,
    attributes: Vec<(String, String)>,
    children: Vec<Element>,
    text: String,
}

impl Element {
    fn attribute(&self, name: &str) -> &str {
        self.attributes
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .unwrap_or_else(|| panic!("<{}> has no `{name}`", self.name))
    }

    fn children(&self, name: &str) -> Vec<&Element> {
        self.children
            .iter()
            .filter(|child| child.name == name)
            .collect()
    }
}

/// Parses XML with `quick-xml`, failing on any well-formedness error
/// (mismatched or unclosed tags, bad references, text outside the root).
fn parse_xml(xml: &str) -> Element {
    use quick_xml::events::Event;
    use quick_xml::XmlVersion;

    fn element(start: &quick_xml::events::BytesStart) -> Element {
        Element {
            name: start.name().as_ref().to_string(),
            attributes: start
                .attributes()
                .map(|attribute| {
                    let attribute = attribute.expect("a well-formed attribute");
                    (
                        attribute.key.as_ref().to_string(),
                        attribute
                            .normalized_value(XmlVersion::Implicit1_0)
                            .expect("a well-formed attribute value")
                            .into_owned(),
                    )
                })
                .collect(),
            ..Element::default()
        }
    }

    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut declaration = false;
    loop {
        let event = reader
            .read_event()
            .unwrap_or_else(|err| panic!("not well-formed XML: {err}\n{xml}"));
        match event {
            Event::Decl(_) => {
                assert!(stack.is_empty() && root.is_none(), "declaration first");
                declaration = true;
            }
            Event::Start(start) => stack.push(element(&start)),
            Event::Empty(start) => {
                let element = element(&start);
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => {
                        assert!(root.is_none(), "one root element");
                        root = Some(element);
                    }
                }
            }
            Event::End(_) => {
                let element = stack.pop().expect("an open element");
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => {
                        assert!(root.is_none(), "one root element");
                        root = Some(element);
                    }
                }
            }
            Event::Text(text) => {
                let content = text.xml10_content();
                match stack.last_mut() {
                    Some(open) => open.text.push_str(&content),
                    None => assert!(content.trim().is_empty(), "text outside the root"),
                }
            }
            Event::GeneralRef(reference) => {
                let resolved: Cow<str> = match reference.resolve_char_ref().expect("char ref") {
                    Some(ch) => Cow::Owned(ch.to_string()),
                    None => {
                        let name = reference.xml10_content();
                        Cow::Borrowed(
                            quick_xml::escape::resolve_predefined_entity(&name)
                                .unwrap_or_else(|| panic!("unknown entity &{name};")),
                        )
                    }
                };
                stack
                    .last_mut()
                    .expect("a reference inside an element")
                    .text
                    .push_str(&resolved);
            }
            Event::Eof => break,
            other => panic!("unexpected XML event {other:?}"),
        }
    }
    assert!(stack.is_empty(), "unclosed elements");
    assert!(declaration, "an XML declaration");
    root.expect("a root element")
}

#[test]
fn junit_output() {
    let run = photo_stats("junit");
    let expected = photo_stats_json();
    let root = parse_xml(&run.stdout);
    assert_eq!(root.name, "testsuites");
    assert_eq!(root.attribute("name"), "spawnsafe");
    assert_eq!(root.attribute("tests"), expected.len().to_string());
    assert_eq!(root.attribute("failures"), expected.len().to_string());

    // One suite per file, in the order of the findings; one case per finding.
    let mut cases = Vec::new();
    for suite in root.children("testsuite") {
        let file = suite.attribute("name");
        let suite_cases = suite.children("testcase");
        assert_eq!(suite.attribute("tests"), suite_cases.len().to_string());
        assert_eq!(suite.attribute("failures"), suite_cases.len().to_string());
        for case in suite_cases {
            assert_eq!(case.attribute("classname"), file);
            assert_eq!(case.attribute("file"), file);
            cases.push(case);
        }
    }
    assert_eq!(cases.len(), expected.len());
    for (case, finding) in cases.iter().zip(&expected) {
        let code = finding["code"].as_str().unwrap();
        let filename = finding["filename"].as_str().unwrap();
        let message = finding["message"].as_str().unwrap();
        let (row, column) = row_column(&finding["location"]);
        assert_eq!(case.attribute("file"), filename);
        assert_eq!(case.attribute("line"), row.to_string());
        let failures = case.children("failure");
        assert_eq!(failures.len(), 1);
        let failure = failures[0];
        assert_eq!(failure.attribute("type"), code);
        // Quotes, apostrophes and `<`/`>` in the message survive escaping.
        assert_eq!(failure.attribute("message"), message);
        assert!(
            failure
                .text
                .starts_with(&format!("{filename}:{row}:{column}: {code} {message}")),
            "{}",
            failure.text
        );
        for note in finding["related"].as_array().unwrap() {
            assert!(failure.text.contains(note["message"].as_str().unwrap()));
        }
    }
    insta::assert_snapshot!("junit_photo_stats", run.stdout);
}

#[test]
fn junit_when_clean_is_one_passing_case() {
    let run = photo_stats_fixed("junit");
    let root = parse_xml(&run.stdout);
    assert_eq!(root.attribute("tests"), "1");
    assert_eq!(root.attribute("failures"), "0");
    let suites = root.children("testsuite");
    assert_eq!(suites.len(), 1);
    let cases = suites[0].children("testcase");
    assert_eq!(cases.len(), 1);
    assert!(cases[0].children.is_empty(), "the case passes");
    insta::assert_snapshot!("junit_clean", run.stdout);
}

#[test]
fn junit_escapes_awkward_file_names() {
    let (dir, name) = project_with_awkward_file_name();
    let run = run_in(dir.path(), &["check", "--output-format", "junit"]);
    assert_eq!(run.code, 1, "{run:?}");
    let root = parse_xml(&run.stdout);
    let suites = root.children("testsuite");
    assert_eq!(suites.len(), 1);
    assert_eq!(suites[0].attribute("name"), name);
    assert_eq!(suites[0].children("testcase").len(), 4);
}

// ---------------------------------------------------------------------------
// Summary lines
// ---------------------------------------------------------------------------

#[test]
fn machine_readable_formats_print_no_summary() {
    for format in ["json-lines", "github", "sarif", "junit"] {
        let run = photo_stats(format);
        assert!(!run.stdout.contains("Found "), "{format}");
        let run = photo_stats_fixed(format);
        assert!(!run.stdout.contains("All checks passed"), "{format}");
    }
}

// ---------------------------------------------------------------------------
// --output-file
// ---------------------------------------------------------------------------

#[test]
fn output_file_holds_the_bytes_stdout_would() {
    let dir = tempfile::tempdir().expect("temporary directory");
    for format in [
        "full",
        "concise",
        "json",
        "json-lines",
        "github",
        "sarif",
        "junit",
    ] {
        let stdout = run(&["check", "--output-format", format, "examples/photo_stats"]);
        let path = dir.path().join(format!("report.{format}"));
        // An existing, longer file is truncated.
        std::fs::write(&path, "x".repeat(100_000)).unwrap();
        let to_file = run(&[
            "check",
            "--output-format",
            format,
            "--output-file",
            path.to_str().unwrap(),
            "examples/photo_stats",
        ]);
        assert_eq!(to_file.code, stdout.code, "{format}: the same exit status");
        assert_eq!(to_file.code, 1, "{format}");
        assert_eq!(to_file.stdout, "", "{format}: nothing on stdout");
        assert_eq!(to_file.stderr, "", "{format}");
        let written = std::fs::read(&path).unwrap();
        assert_eq!(
            String::from_utf8(written).unwrap(),
            stdout.stdout,
            "{format}: the same bytes"
        );
    }
}

#[test]
fn output_file_is_never_coloured_by_auto() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("report.txt");
    let run = run(&[
        "check",
        "--output-file",
        path.to_str().unwrap(),
        "examples/photo_stats",
    ]);
    assert_eq!(run.code, 1);
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.contains("SPS101"));
    assert!(!written.contains('\x1b'), "no ANSI escapes in a file");
}

#[test]
fn output_file_creates_missing_directories() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("reports/spawnsafe/results.sarif");
    let run = run(&[
        "check",
        "--output-format",
        "sarif",
        "--output-file",
        path.to_str().unwrap(),
        "examples/photo_stats_fixed",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    parse_sarif(&std::fs::read_to_string(&path).unwrap());
}

#[test]
fn output_file_that_cannot_be_written_exits_2() {
    let dir = tempfile::tempdir().expect("temporary directory");
    // A directory cannot be written as a file, nor can a path under a file.
    let blocker = dir.path().join("a-file");
    std::fs::write(&blocker, "").unwrap();
    for path in [dir.path().to_path_buf(), blocker.join("report.json")] {
        let run = run(&[
            "check",
            "--output-format",
            "json",
            "--output-file",
            path.to_str().unwrap(),
            "examples/photo_stats",
        ]);
        assert_eq!(run.code, 2, "{run:?}");
        assert_eq!(run.stdout, "");
        assert!(
            run.stderr.starts_with(&format!(
                "spawnsafe: error: cannot write `{}`: ",
                path.display()
            )),
            "{}",
            run.stderr
        );
    }
}

// ---------------------------------------------------------------------------
// --statistics
// ---------------------------------------------------------------------------

#[test]
fn statistics_photo_stats() {
    let run = run(&["check", "--statistics", "examples/photo_stats"]);
    assert_eq!(run.code, 1, "findings still exit 1: {run:?}");
    let expected = photo_stats_json();
    let total: usize = run
        .stdout
        .lines()
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            assert_eq!(fields.len(), 3, "count<TAB>code<TAB>name: {line:?}");
            let rule = Rule::from_code_or_name(fields[1].trim()).expect("a rule code");
            assert_eq!(fields[2], rule.name());
            fields[0].trim().parse::<usize>().expect("a count")
        })
        .sum();
    assert_eq!(total, expected.len());
    insta::assert_snapshot!("statistics_photo_stats", run.stdout);
}

#[test]
fn statistics_sorts_by_count_then_code() {
    let (dir, _name) = project_with_awkward_file_name();
    let run = run_in(dir.path(), &["check", "--statistics"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.stdout,
        "3\tSPS101\tunguarded-process-start\n1\tSPS201\tunpicklable-callable\n"
    );
    let run = run_in(dir.path(), &["check", "--statistics", "--exit-zero"]);
    assert_eq!(run.code, 0);

    // Counts are right-aligned to the widest, codes left-aligned.
    let many = "import multiprocessing\n".to_string() + &"multiprocessing.Pool()\n".repeat(12);
    std::fs::write(dir.path().join("many.py"), many).unwrap();
    let run = run_in(dir.path(), &["check", "--statistics"]);
    assert_eq!(
        run.stdout,
        "15\tSPS101\tunguarded-process-start\n 1\tSPS201\tunpicklable-callable\n"
    );
}

#[test]
fn statistics_json() {
    let (dir, _name) = project_with_awkward_file_name();
    let run = run_in(
        dir.path(),
        &["check", "--statistics", "--output-format", "json"],
    );
    assert_eq!(run.code, 1, "{run:?}");
    let value: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        value,
        serde_json::json!([
            {"code": "SPS101", "name": "unguarded-process-start", "count": 3, "fixable": true},
            {"code": "SPS201", "name": "unpicklable-callable", "count": 1, "fixable": true},
        ])
    );
}

#[test]
fn statistics_when_clean() {
    let clean = run(&["check", "--statistics", "examples/photo_stats_fixed"]);
    assert_eq!(clean.code, 0);
    assert!(
        clean.stdout.starts_with("All checks passed"),
        "{}",
        clean.stdout
    );
    let clean = run(&[
        "check",
        "--statistics",
        "--quiet",
        "examples/photo_stats_fixed",
    ]);
    assert_eq!(clean.stdout, "");
    let clean = run(&[
        "check",
        "--statistics",
        "--output-format",
        "json",
        "examples/photo_stats_fixed",
    ]);
    assert_eq!(clean.stdout, "[]\n");
}

#[test]
fn statistics_with_other_formats_is_a_usage_error() {
    for format in ["json-lines", "github", "sarif", "junit"] {
        let run = run(&[
            "check",
            "--statistics",
            "--output-format",
            format,
            "examples/photo_stats",
        ]);
        assert_eq!(run.code, 2, "{format}: {run:?}");
        assert_eq!(run.stdout, "");
        assert!(run.stderr.contains("--statistics"), "{}", run.stderr);
    }
}

#[test]
fn statistics_to_an_output_file() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("stats.txt");
    let stdout = run(&["check", "--statistics", "examples/photo_stats"]);
    let to_file = run(&[
        "check",
        "--statistics",
        "--output-file",
        path.to_str().unwrap(),
        "examples/photo_stats",
    ]);
    assert_eq!(to_file.code, 1);
    assert_eq!(to_file.stdout, "");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), stdout.stdout);
}

// ---------------------------------------------------------------------------
// grouped, pylint, azure, gitlab, rdjson
// ---------------------------------------------------------------------------

#[test]
fn grouped_output() {
    let run = photo_stats("grouped");
    insta::assert_snapshot!("grouped_photo_stats", run.stdout);
}

#[test]
fn pylint_output() {
    let run = photo_stats("pylint");
    // One line per finding, in the JSON's order, rows included.
    let json = photo_stats_json();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), json.len());
    for (line, finding) in lines.iter().zip(&json) {
        let expected = format!(
            "{}:{}: [{}] ",
            finding["filename"].as_str().unwrap(),
            finding["location"]["row"],
            finding["code"].as_str().unwrap()
        );
        assert!(line.starts_with(&expected), "{line} / {expected}");
    }
    insta::assert_snapshot!("pylint_photo_stats", run.stdout);
}

#[test]
fn azure_output() {
    let run = photo_stats("azure");
    for line in run.stdout.lines() {
        assert!(line.starts_with("##vso[task.logissue type="), "{line}");
        let (properties, message) = line.split_once(";]").unwrap();
        assert!(!message.contains('\n') && !message.contains(']'), "{line}");
        assert!(properties.contains(";sourcepath=examples/photo_stats/"));
    }
    insta::assert_snapshot!("azure_photo_stats", run.stdout);
}

/// A validator for one of the schemas written from a format's documentation
/// (see `tests/data/README.md`).
fn documented_validator(schema: &str) -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(schema).expect("the schema parses");
    jsonschema::validator_for(&schema).expect("the schema compiles")
}

fn schema_errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|error| format!("{}: {error}", error.instance_path()))
        .collect()
}

fn gitlab_validator() -> jsonschema::Validator {
    documented_validator(include_str!("data/gitlab-codequality.schema.json"))
}

fn rdjson_validator() -> jsonschema::Validator {
    documented_validator(include_str!("data/rdjson.schema.json"))
}

/// `--output-format gitlab` validates against the schema written from
/// GitLab's documentation, findings with and without fixes, from the
/// repository's root and from a subfolder; the schema rejects what GitLab's
/// table forbids, so the check has teeth.
#[test]
fn gitlab_output_validates_against_the_documented_format() {
    let validator = gitlab_validator();
    for run in [
        photo_stats("gitlab"),
        run_in(
            &repo_root().join("examples"),
            &["check", "--output-format", "gitlab", "photo_stats"],
        ),
    ] {
        let report: Value = serde_json::from_str(&run.stdout).unwrap();
        assert!(!report.as_array().unwrap().is_empty());
        let errors = schema_errors(&validator, &report);
        assert!(errors.is_empty(), "{}", errors.join("\n"));
    }
    let clean = tempfile::tempdir().unwrap();
    std::fs::write(clean.path().join("ok.py"), "print(1)\n").unwrap();
    let run = run_in(
        clean.path(),
        &["check", "--isolated", "--output-format", "gitlab", "."],
    );
    assert!(schema_errors(&validator, &serde_json::from_str(&run.stdout).unwrap()).is_empty());

    let issue = serde_json::json!({
        "description": "d", "check_name": "SPS101", "fingerprint": "f", "severity": "major",
        "location": {"path": "src/a.py", "lines": {"begin": 3}},
    });
    assert!(schema_errors(&validator, &serde_json::json!([issue])).is_empty());
    let broken = |change: &dyn Fn(&mut Value)| {
        let mut issue = issue.clone();
        change(&mut issue);
        !schema_errors(&validator, &serde_json::json!([issue])).is_empty()
    };
    assert!(broken(&|issue| issue["severity"] = "error".into()));
    assert!(broken(
        &|issue| issue["location"]["path"] = "./src/a.py".into()
    ));
    assert!(broken(
        &|issue| issue["location"]["lines"]["begin"] = "3".into()
    ));
    assert!(broken(&|issue| {
        issue.as_object_mut().unwrap().remove("fingerprint");
    }));
    assert!(broken(&|issue| {
        issue["location"].as_object_mut().unwrap().remove("lines");
    }));
    assert!(!broken(&|issue| {
        issue["location"].as_object_mut().unwrap().remove("lines");
        issue["location"]["positions"] = serde_json::json!({"begin": {"line": 3, "column": 1}});
    }));
}

/// `--output-format rdjson` validates against the schema written from
/// reviewdog's, with suggestions and with a clean result.
#[test]
fn rdjson_output_validates_against_reviewdogs_format() {
    let validator = rdjson_validator();
    let run = photo_stats("rdjson");
    let result: Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(!result["diagnostics"].as_array().unwrap().is_empty());
    let errors = schema_errors(&validator, &result);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let fixed = photo_stats_fixed("rdjson");
    let result: Value = serde_json::from_str(&fixed.stdout).unwrap();
    assert!(schema_errors(&validator, &result).is_empty(), "{result}");
    assert!(!schema_errors(
        &validator,
        &serde_json::json!({"diagnostics": [{"message": "m", "location": {"path": "a.py", "range": {"start": {"line": 0}}}}]})
    )
    .is_empty());
}

/// GitLab Code Quality: the fields GitLab requires (`description`,
/// `check_name`, `fingerprint`, `severity` in its five levels,
/// `location.path`, `location.lines.begin`), unique fingerprints, and paths
/// relative to the repository whatever the working directory.
#[test]
fn gitlab_output() {
    let run = photo_stats("gitlab");
    let issues: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
    let json = photo_stats_json();
    assert_eq!(issues.len(), json.len());
    let mut fingerprints = std::collections::BTreeSet::new();
    for (issue, finding) in issues.iter().zip(&json) {
        for key in ["description", "check_name", "fingerprint", "severity"] {
            assert!(issue[key].is_string(), "{key} in {issue}");
        }
        assert!(["info", "minor", "major", "critical", "blocker"]
            .contains(&issue["severity"].as_str().unwrap()));
        assert_eq!(issue["check_name"], finding["code"]);
        assert_eq!(issue["location"]["path"], finding["filename"]);
        assert_eq!(
            issue["location"]["lines"]["begin"],
            finding["location"]["row"]
        );
        assert!(
            issue["location"]["lines"]["end"].as_u64()
                >= issue["location"]["lines"]["begin"].as_u64()
        );
        assert!(fingerprints.insert(issue["fingerprint"].as_str().unwrap().to_string()));
    }
    // The same report from a subfolder: the same paths and fingerprints.
    let from_subfolder = run_in(
        &repo_root().join("examples"),
        &["check", "--output-format", "gitlab", "photo_stats"],
    );
    assert_eq!(from_subfolder.stdout, run.stdout);
}

/// Applies rdjson suggestions (1-based line, 1-based UTF-8 byte column,
/// exclusive end) to a text, as reviewdog does.
fn apply_rdjson_suggestions(text: &str, suggestions: &[&Value]) -> String {
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(at, _)| at + 1))
        .collect();
    let offset = |position: &Value| {
        let line = position["line"].as_u64().unwrap() as usize;
        let column = position["column"].as_u64().unwrap() as usize;
        line_starts[line - 1] + column - 1
    };
    let mut edits: Vec<(usize, usize, &str)> = suggestions
        .iter()
        .map(|suggestion| {
            (
                offset(&suggestion["range"]["start"]),
                offset(&suggestion["range"]["end"]),
                suggestion["text"].as_str().unwrap(),
            )
        })
        .collect();
    edits.sort_by_key(|edit| std::cmp::Reverse(edit.0));
    let mut text = text.to_string();
    for (start, end, new_text) in edits {
        text.replace_range(start..end, new_text);
    }
    text
}

/// reviewdog's Diagnostic Format, checked against what its JSON schema
/// (proto/rdf/jsonschema/DiagnosticResult.jsonschema) and protobuf define:
/// types, the severity enum, positions with UTF-8 byte columns; and the
/// suggestions, applied as reviewdog applies them, give what `--fix` writes.
#[test]
fn rdjson_output() {
    let dir = tempfile::tempdir().unwrap();
    let source = "import multiprocessing\n\n\ndef work(x):\n    return x * 2  # é→\n\n\nif __name__ == \"main\":  # «typo»\n    with multiprocessing.Pool(2) as pool:\n        print(pool.map(work, [1, 2]))\n";
    std::fs::write(dir.path().join("job.py"), source).unwrap();
    let run = run_in(
        dir.path(),
        &["check", "--isolated", "--output-format", "rdjson", "job.py"],
    );
    assert_eq!(run.code, 1);
    let result: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(result["source"]["name"], "spawnsafe");
    let diagnostics = result["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1);
    for diagnostic in diagnostics {
        assert!(diagnostic["message"].is_string());
        assert_eq!(diagnostic["location"]["path"], "job.py");
        assert!(["ERROR", "WARNING", "INFO"].contains(&diagnostic["severity"].as_str().unwrap()));
        assert!(diagnostic["code"]["value"].is_string() && diagnostic["code"]["url"].is_string());
        for end in ["start", "end"] {
            let position = &diagnostic["location"]["range"][end];
            assert!(position["line"].as_u64().unwrap() >= 1);
            assert!(position["column"].as_u64().unwrap() >= 1);
        }
    }
    assert_eq!(
        diagnostics[0]["location"]["range"],
        serde_json::json!({"start": {"line": 8, "column": 4}, "end": {"line": 8, "column": 22}})
    );
    let suggestions: Vec<&Value> = diagnostics
        .iter()
        .flat_map(|diagnostic| diagnostic["suggestions"].as_array().unwrap())
        .collect();
    let suggested = apply_rdjson_suggestions(source, &suggestions);
    let fixed = run_in(
        dir.path(),
        &["check", "--isolated", "--fix", "--unsafe-fixes", "job.py"],
    );
    assert_eq!(fixed.code, 0, "{fixed:?}");
    assert_eq!(
        suggested,
        std::fs::read_to_string(dir.path().join("job.py")).unwrap()
    );
}
