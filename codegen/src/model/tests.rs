//! Model tests: real documents round-trip, and shape errors name the right place.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::*;

/// `../shared` beside the workspace, if present.
fn shared_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("note: {} is absent; skipping", dir.display());
        None
    }
}

fn yaml(text: &str) -> Value {
    serde_yaml::from_str(text).expect("test YAML parses")
}

/// Parses a document and writes it back; the result must equal the input.
fn round_trip(value: &Value) -> Document {
    let document: Document = serde_json::from_value(value.clone()).expect("document parses");
    let back = serde_json::to_value(&document).expect("document serializes");
    assert_eq!(&back, value, "round trip changed the document");
    document
}

#[test]
fn kinde_seed_round_trips() {
    let Some(shared) = shared_dir() else { return };
    let text = std::fs::read_to_string(
        shared.join("seeds/kinde-invite-user-to-organization-workflow.yml"),
    )
    .expect("seed exists");
    let document = round_trip(&yaml(&text));
    assert_eq!(document.arazzo, "1.0.1");
    assert_eq!(document.info.version, "1.0.0");
    assert_eq!(
        document.source_descriptions[0].source_type,
        Some(SourceType::Openapi)
    );
    let workflow = &document.workflows[0];
    assert_eq!(workflow.workflow_id, "invite-user-to-organization");
    let steps: Vec<&str> = workflow.steps.iter().map(|s| s.step_id.as_str()).collect();
    assert_eq!(steps, ["listRoles", "createInvite", "pollInviteSent"]);
    let outputs: Vec<&String> = workflow.outputs.iter().flatten().map(|(k, _)| k).collect();
    assert_eq!(outputs, ["inviteCode", "inviteLink"]);

    let poll = &workflow.steps[2];
    let criteria = poll.success_criteria.as_deref().unwrap_or_default();
    assert_eq!(criteria[0].kind(), Some(TypeName::Simple));
    assert_eq!(criteria[1].kind(), Some(TypeName::Jsonpath));
    assert_eq!(criteria[1].context.as_deref(), Some("$response.body"));
    let Some(ReusableOr::Item(retry)) = poll.on_failure.as_deref().and_then(<[_]>::first) else {
        panic!("expected an inline failure action");
    };
    assert_eq!(retry.action_type, FailureActionType::Retry);
    assert_eq!(retry.retry_after, Some(3.0));
    assert_eq!(retry.retry_limit, Some(10));
    let Some(ReusableOr::Item(page_size)) = workflow.steps[0]
        .parameters
        .as_deref()
        .and_then(|p| p.get(1))
    else {
        panic!("expected an inline parameter");
    };
    assert_eq!(page_size.location, Some(ParameterIn::Query));
    assert_eq!(page_size.value, json!(100));
}

#[test]
fn oai_examples_round_trip() {
    let Some(shared) = shared_dir() else { return };
    let dir = shared.join("corpus/oai-spec/examples/1.0.0");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("examples exist") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if !name.contains("arazzo") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable");
        let value = yaml(&text);
        let document: Document = match serde_json::from_value(value.clone()) {
            Ok(document) => document,
            Err(err) => panic!("{name}: {err}"),
        };
        let back = serde_json::to_value(&document).expect("serializes");
        assert_eq!(back, value, "{name} changed in a round trip");
        count += 1;
    }
    assert_eq!(count, 6);
}

#[test]
fn reusable_objects_are_told_apart_by_reference() {
    let value = yaml(
        "
- reference: $components.parameters.page
  value: 2
- reference: $components.parameters.size
- name: sort
  in: query
  value: null
",
    );
    let list: Vec<ReusableOr<Parameter>> = serde_json::from_value(value.clone()).expect("parses");
    let reusable = list[0].as_reusable().expect("reusable");
    assert_eq!(reusable.reference, "$components.parameters.page");
    assert_eq!(reusable.value, Some(json!(2)));
    assert_eq!(list[1].as_reusable().and_then(|r| r.value.as_ref()), None);
    let item = list[2].as_item().expect("item");
    assert_eq!(item.value, Value::Null);
    assert_eq!(serde_json::to_value(&list).expect("serializes"), value);

    // Fields a Reusable Object does not have are kept, for a warning.
    let list: Vec<ReusableOr<SuccessAction>> = serde_json::from_value(json!([
        {"reference": "$components.successActions.done", "name": "ignored", "x-y": 1}
    ]))
    .expect("parses");
    let reusable = list[0].as_reusable().expect("reusable");
    assert_eq!(reusable.extensions.get("name"), Some(&json!("ignored")));
    assert_eq!(reusable.extensions.get("x-y"), Some(&json!(1)));
}

#[test]
fn criterion_types() {
    let criteria: Vec<Criterion> = serde_json::from_value(json!([
        {"condition": "$statusCode == 200"},
        {"context": "$statusCode", "condition": "^2", "type": "regex"},
        {"context": "$response.body", "condition": "//a", "type": {"type": "xpath", "version": "xpath-30"}},
    ]))
    .expect("parses");
    assert_eq!(criteria[0].kind(), Some(TypeName::Simple));
    assert_eq!(criteria[1].kind(), Some(TypeName::Regex));
    let Some(TypeField::Expression(expression)) = &criteria[2].criterion_type else {
        panic!("expected an expression type object");
    };
    assert_eq!(expression.expression_type, "xpath");
    assert_eq!(expression.version, "xpath-30");
    assert_eq!(
        serde_json::to_value(&criteria[2]).expect("serializes")["type"],
        json!({"type": "xpath", "version": "xpath-30"})
    );
}

/// The JSON pointer and message of the first error deserializing `T` from `value`.
fn error_of<T: serde::de::DeserializeOwned + std::fmt::Debug>(value: Value) -> (String, String) {
    let err = serde_path_to_error::deserialize::<_, T>(value).expect_err("should fail");
    (err.path().to_string(), err.into_inner().to_string())
}

#[test]
fn shape_errors_keep_their_path() {
    let base = || {
        json!({
            "arazzo": "1.0.1",
            "info": {"title": "t", "version": 1.0},
            "sourceDescriptions": [{"name": "s", "url": "s.yaml"}],
            "workflows": [{"workflowId": "w", "steps": [{"stepId": "a", "operationId": "op"}]}]
        })
    };
    let document: Document = serde_json::from_value(base()).expect("parses");
    assert_eq!(document.info.version, "1.0");

    let mut value = base();
    value["workflows"][0]["steps"][0]["onFailure"] =
        json!([{"name": "r", "type": "retry", "retryLimit": "three"}]);
    assert_eq!(
        error_of::<Document>(value),
        (
            "workflows[0].steps[0].onFailure[0].retryLimit".to_owned(),
            "invalid type: string \"three\", expected u64".to_owned()
        )
    );

    let mut value = base();
    value["workflows"][0]["steps"][0]["parameters"] =
        json!([{"name": "p", "in": "body", "value": 1}]);
    let (path, message) = error_of::<Document>(value);
    assert_eq!(path, "workflows[0].steps[0].parameters[0].in");
    assert!(message.starts_with("unknown variant `body`"), "{message}");

    let mut value = base();
    value["workflows"][0]["steps"][0]["successCriteria"] =
        json!([{"condition": "x", "type": {"type": "xpath"}}]);
    assert_eq!(
        error_of::<Document>(value),
        (
            "workflows[0].steps[0].successCriteria[0].type".to_owned(),
            "missing field `version`".to_owned()
        )
    );

    let mut value = base();
    value["workflows"][0]["steps"][0]["onSuccess"] = json!([{"type": "end"}]);
    let (path, message) = error_of::<Document>(value);
    assert_eq!(path, "workflows[0].steps[0].onSuccess[0]");
    assert!(message.starts_with("missing field `name`"), "{message}");

    // A type name the specification does not define is kept for `check` to report with
    // the document's other problems (with a did-you-mean), not a parse error.
    let mut value = base();
    value["workflows"][0]["steps"][0]["successCriteria"] =
        json!([{"condition": "x", "type": "JSONPath"}]);
    let document: Document = serde_json::from_value(value).expect("parses");
    let criterion = &document.workflows[0].steps[0]
        .success_criteria
        .as_ref()
        .unwrap()[0];
    assert_eq!(
        criterion.criterion_type,
        Some(TypeField::Name("JSONPath".into()))
    );
    assert_eq!(criterion.kind(), None);
}

#[test]
fn unknown_fields_are_kept() {
    let document: Document = serde_json::from_value(json!({
        "$schema": "https://spec.openapis.org/arazzo/1.0/schema/2024-08-01",
        "arazzo": "1.0.0",
        "x-tool": true,
        "info": {"title": "t", "version": "1"},
        "sourceDescriptions": [],
        "workflows": []
    }))
    .expect("parses");
    let unknown: Vec<&str> = unknown_fields(&document.extensions).collect();
    assert_eq!(unknown, ["$schema"]);
    assert_eq!(document.extensions.len(), 2);
}
