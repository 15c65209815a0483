//! The manifest corpus (`tests/fixtures/manifests/`) through the Rust parser.
//!
//! - `valid/`: accepted, by the schema and by optin;
//! - `invalid/`: refused by both; `expected-errors.json` holds optin's message for each;
//! - `beyond-schema/`: rules the schema cannot express (cross-field rules, calendar days):
//!   the schema accepts them, optin refuses them with the expected message naming the field;
//!
//! `tests/js/manifest_schema.test.mjs` runs the same corpus through the JSON Schema and the
//! built package. This file also checks that every error the parser can return is produced
//! by some manifest of the corpus: the messages of every `FieldError::new` in the parser's
//! sources are read from the code, so a new error without a corpus entry fails here.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use optin::manifest::{
    Manifest, DEFAULT_BASELINE_WEIGHT, DEFAULT_FEATURE_WEIGHT, DEFAULT_HALF_LIFE_INTERACTIONS,
};
use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The sources whose errors a manifest can reach: the parser, its text and event readers, and
/// the shared field readers.
const PARSER_SOURCES: [&str; 4] = [
    "src/manifest/parse.rs",
    "src/manifest/text.rs",
    "src/event.rs",
    "src/validate.rs",
];

fn read(rel: &str) -> String {
    fs::read_to_string(Path::new(ROOT).join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn json(rel: &str) -> Value {
    serde_json::from_str(&read(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The corpus files in `dir` (relative to the corpus), as `dir/name.json`, sorted.
fn corpus(dir: &str) -> Vec<String> {
    let path = Path::new(ROOT).join("tests/fixtures/manifests").join(dir);
    let mut names: Vec<String> = fs::read_dir(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .map(|n| format!("{dir}/{n}"))
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no manifests in {dir}/");
    names
}

fn manifest(file: &str) -> Value {
    json(&format!("tests/fixtures/manifests/{file}"))
}

fn expected_errors() -> BTreeMap<String, String> {
    let v = json("tests/fixtures/manifests/expected-errors.json");
    v.as_object()
        .expect("expected-errors.json is an object")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().expect("a message").to_owned()))
        .collect()
}

#[test]
fn valid_manifests_are_accepted_and_no_module_collects_data_for_nothing() {
    for file in corpus("valid") {
        let m = Manifest::from_json(&manifest(&file))
            .unwrap_or_else(|e| panic!("{file} is refused: {e}"));
        for module in &m.modules {
            assert!(
                module.uses.is_empty() || module.shares || !module.signals.is_empty(),
                "{file}: module {} would collect data nothing uses",
                module.id
            );
        }
    }
}

#[test]
fn invalid_manifests_are_refused_with_a_message_naming_the_field() {
    let expected = expected_errors();
    let mut files = corpus("invalid");
    files.extend(corpus("beyond-schema"));
    let on_disk: BTreeSet<&String> = files.iter().collect();
    let listed: BTreeSet<&String> = expected.keys().collect();
    assert!(
        on_disk == listed,
        "expected-errors.json must list exactly the invalid/ and beyond-schema/ manifests; \
         not listed: {:?}, no such file: {:?}",
        on_disk.difference(&listed).collect::<Vec<_>>(),
        listed.difference(&on_disk).collect::<Vec<_>>()
    );
    for file in files {
        let err = match Manifest::from_json(&manifest(&file)) {
            Ok(_) => panic!("{file} is accepted"),
            Err(e) => e.0,
        };
        assert!(!err.path.is_empty(), "{file}: no field named in {err}");
        assert_eq!(err.to_string(), expected[&file], "{file}");
    }
}

/// The message argument of every `FieldError::new(path, message)` in `source` (outside its
/// tests), as written: a literal or a `format!` template.
fn error_sites(file: &str) -> Vec<(usize, String)> {
    let source = read(file);
    let code = source.split("#[cfg(test)]").next().unwrap_or("");
    let mut sites = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("FieldError::new(") {
        let start = code.len() - rest.len() + at;
        let line = code[..start].matches('\n').count() + 1;
        let args = call_arguments(&code[start + "FieldError::new(".len()..]);
        // `validate::check_name` passes on what `name_problem` says: its messages are the
        // `Some("...")` of that function.
        if args.get(1).map(|a| a.trim()) == Some("problem") {
            let body = code
                .split("fn name_problem")
                .nth(1)
                .and_then(|b| b.split("\n}").next());
            let body =
                body.unwrap_or_else(|| panic!("{file}:{line}: `problem` without a name_problem"));
            for literal in body.split("Some(").skip(1).filter_map(first_literal) {
                sites.push((line, literal));
            }
        } else {
            let message = args
                .get(1)
                .and_then(|a| first_literal(a))
                .unwrap_or_else(|| {
                    panic!("{file}:{line}: an error whose message is not written out")
                });
            sites.push((line, message));
        }
        rest = &rest[at + 1..];
    }
    sites
}

/// The top-level arguments of a call, from just after its `(`.
fn call_arguments(text: &str) -> Vec<String> {
    let (mut depth, mut in_str, mut escaped) = (0usize, false, false);
    let mut args = vec![String::new()];
    for c in text.chars() {
        if in_str {
            in_str = escaped || c != '"';
            escaped = !escaped && c == '\\';
        } else if c == '"' {
            in_str = true;
        } else if "([{".contains(c) {
            depth += 1;
        } else if ")]}".contains(c) {
            if depth == 0 {
                break;
            }
            depth -= 1;
        } else if c == ',' && depth == 0 {
            args.push(String::new());
            continue;
        }
        if let Some(a) = args.last_mut() {
            a.push(c);
        }
    }
    args
}

/// The first string literal in `text`, unescaped.
fn first_literal(text: &str) -> Option<String> {
    let body = &text[text.find('"')? + 1..];
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => out.push(chars.next()?),
            c => out.push(c),
        }
    }
    None
}

/// Whether `message` is an instance of `template`: its literal parts in order, each `{...}`
/// standing for any text.
fn instance_of(message: &str, template: &str) -> bool {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        parts.push(&rest[..open]);
        rest = rest[open..]
            .find('}')
            .map_or("", |close| &rest[open + close + 1..]);
    }
    parts.push(rest);
    fn matches(text: &str, parts: &[&str], anchored: bool) -> bool {
        match parts.split_first() {
            None => text.is_empty(),
            Some((first, [])) if !anchored => text.ends_with(first),
            Some((first, more)) if anchored => {
                text.starts_with(first) && matches(&text[first.len()..], more, false)
            }
            Some((first, more)) => text
                .match_indices(first)
                .any(|(i, _)| matches(&text[i + first.len()..], more, false)),
        }
    }
    matches(message, &parts, true)
}

#[test]
fn every_error_the_parser_can_return_is_in_the_corpus() {
    let mut templates = Vec::new();
    for file in PARSER_SOURCES {
        for (line, template) in error_sites(file) {
            templates.push((format!("{file}:{line}"), template));
        }
    }
    assert!(
        templates.len() > 30,
        "found only {} error sites",
        templates.len()
    );
    // The messages the corpus produces: every refused manifest.
    let mut messages = Vec::new();
    let mut files = corpus("invalid");
    files.extend(corpus("beyond-schema"));
    for file in &files {
        if let Err(e) = Manifest::from_json(&manifest(file)) {
            messages.push((file.clone(), e.0.message));
        }
    }
    for (file, message) in &messages {
        assert!(
            templates.iter().any(|(_, t)| instance_of(message, t)),
            "{file}: {message:?} comes from none of the error sites in {PARSER_SOURCES:?}"
        );
    }
    let missing: Vec<String> = templates
        .iter()
        .filter(|(_, t)| !messages.iter().any(|(_, m)| instance_of(m, t)))
        .map(|(site, t)| format!("{site}: {t}"))
        .collect();
    assert!(
        missing.is_empty(),
        "errors no manifest in tests/fixtures/manifests/ produces:\n{}",
        missing.join("\n")
    );
}

#[test]
fn templates_match_only_their_own_messages() {
    assert!(instance_of(
        "at most 64 items allowed, got 65",
        "at most {max} items allowed, got {}"
    ));
    assert!(instance_of(
        "5 exceeds the whole privacyBudget.epsilon 4",
        "{} exceeds the whole privacyBudget.epsilon {}"
    ));
    assert!(instance_of("is required", "is required"));
    assert!(!instance_of(
        "is required for a module that uses data",
        "is required"
    ));
    assert!(!instance_of("not is required", "is required"));
    assert!(!instance_of(
        "expected a string, got a number",
        "expected a number, got {}"
    ));
    let args = call_arguments("path, format!(\"a \\\"{x}\\\", b\", x), more)");
    assert_eq!(args.len(), 3);
    assert_eq!(first_literal(&args[1]).as_deref(), Some("a \"{x}\", b"));
}

fn schema() -> Value {
    json("schema/manifest.schema.json")
}

#[test]
fn the_schema_states_the_parsers_defaults() {
    let schema = schema();
    let default = |pointer: &str| {
        schema
            .pointer(&format!("{pointer}/default"))
            .unwrap_or_else(|| panic!("no default at {pointer}"))
            .clone()
    };
    let m = Manifest::from_json(&manifest("valid/minimal.json")).expect("the minimal manifest");
    let (essential, topics) = (&m.modules[0], &m.modules[1]);
    let num = |x: f64| serde_json::json!(x).as_f64();
    assert_eq!(
        default("/properties/baselineWeight").as_f64(),
        num(m.baseline_weight)
    );
    assert_eq!(m.baseline_weight, DEFAULT_BASELINE_WEIGHT);
    assert_eq!(
        default("/properties/dislikeWeight").as_f64(),
        num(m.dislike_weight)
    );
    assert_eq!(default("/properties/metrics"), serde_json::json!([]));
    assert!(m.metrics.is_empty());
    assert_eq!(default("/properties/samples"), serde_json::json!([]));
    assert!(m.samples.is_empty());
    assert_eq!(
        default("/$defs/dataCategory/properties/sensitive"),
        Value::Bool(false)
    );
    assert!(!m.data_categories[0].sensitive);
    let module = "/$defs/module/properties";
    assert_eq!(
        default(&format!("{module}/essential")),
        Value::Bool(topics.essential)
    );
    assert_eq!(
        default(&format!("{module}/shares")),
        Value::Bool(topics.shares)
    );
    assert_eq!(default(&format!("{module}/signals")), serde_json::json!([]));
    assert!(essential.signals.is_empty());
    assert_eq!(
        default(&format!("{module}/halfLifeDays")).as_f64(),
        num(topics.half_life_days)
    );
    assert_eq!(
        default(&format!("{module}/halfLifeInteractions")).as_f64(),
        topics.half_life_interactions
    );
    assert_eq!(
        topics.half_life_interactions,
        Some(DEFAULT_HALF_LIFE_INTERACTIONS)
    );
    assert_eq!(
        default(&format!("{module}/featureWeight")).as_f64(),
        num(topics.feature_weight)
    );
    assert_eq!(topics.feature_weight, DEFAULT_FEATURE_WEIGHT);
    assert_eq!(
        default(&format!("{module}/embeddingWeight")).as_f64(),
        num(topics.embedding_weight)
    );
}

/// The JSON of the code block that follows `<!-- manifest: NAME -->` in a Markdown file.
fn marked_block(markdown: &str, name: &str) -> Value {
    let mark = format!("<!-- manifest: {name} -->");
    let after = markdown
        .split_once(&mark)
        .unwrap_or_else(|| panic!("no {mark}"))
        .1;
    let body = after
        .split_once("```json\n")
        .and_then(|(_, b)| b.split_once("```"))
        .unwrap_or_else(|| panic!("no json block after {mark}"))
        .0;
    serde_json::from_str(body).unwrap_or_else(|e| panic!("the block after {mark}: {e}"))
}

#[test]
fn the_reference_and_the_readme_show_manifests_of_the_corpus() {
    let reference = read("docs/manifest.md");
    assert_eq!(
        marked_block(&reference, "example"),
        manifest("valid/reference-example.json"),
        "docs/manifest.md's example is tests/fixtures/manifests/valid/reference-example.json"
    );
    assert_eq!(
        marked_block(&read("README.md"), "minimal"),
        manifest("valid/minimal.json"),
        "README.md's manifest is tests/fixtures/manifests/valid/minimal.json"
    );
}

/// Every (path, name, schema) of a property the schema declares.
fn properties<'a>(at: &str, v: &'a Value, out: &mut Vec<(String, &'a str, &'a Value)>) {
    match v {
        Value::Object(map) => {
            for (key, child) in map {
                let path = format!("{at}/{key}");
                if key == "properties" {
                    for (name, field) in child.as_object().into_iter().flatten() {
                        out.push((format!("{path}/{name}"), name.as_str(), field));
                    }
                }
                properties(&path, child, out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                properties(&format!("{at}/{i}"), item, out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_field_is_described_in_the_schema_and_in_the_reference() {
    let schema = schema();
    let reference = read("docs/manifest.md");
    let mut fields = Vec::new();
    properties("", &schema, &mut fields);
    // Conditional subschemas (if/then/else, contains) restate fields declared elsewhere.
    let declared: Vec<_> = fields
        .iter()
        .filter(|(path, _, _)| {
            !["/if/", "/then/", "/else/", "/allOf/"]
                .iter()
                .any(|c| path.contains(c))
        })
        .collect();
    assert!(declared.len() > 40, "found {} fields", declared.len());
    for (path, name, field) in declared {
        let description = field
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or("");
        assert!(description.len() > 10, "{path}: no description");
        assert!(
            reference.contains(&format!("`{name}`")),
            "docs/manifest.md does not document `{name}` ({path})"
        );
    }
}
