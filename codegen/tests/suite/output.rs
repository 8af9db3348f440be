//! Snapshot tests of generated code: each fixture's pretty-printed expansion is compared
//! with a committed file under `tests/output/`. Run with `EXPECTORATE=overwrite` to accept
//! changes, and review the diff.

use std::path::Path;

use arazzo_codegen::{Generator, Settings};

#[track_caller]
fn verify(fixture: &str, stem: &str) {
    verify_with(&Settings::default(), fixture, stem);
}

#[track_caller]
fn verify_with(settings: &Settings, fixture: &str, stem: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let output = Generator::new(settings).generate(&root, Path::new(fixture));
    let rendered: Vec<String> = output.diagnostics.iter().map(|d| d.render_full()).collect();
    assert!(
        !output.has_errors(),
        "{fixture} has errors:\n{}",
        rendered.join("\n")
    );
    let code = output.to_pretty_string();
    if code.starts_with("// Invalid code generated") {
        panic!("{code}");
    }
    expectorate::assert_contents(format!("tests/output/{stem}.rs"), &code);
}

#[test]
fn test_kinde_invite() {
    verify("examples/arazzo/kinde-invite.arazzo.yml", "kinde_invite");
}

#[test]
fn test_shop() {
    verify("tests/fixtures/shop.arazzo.yml", "shop");
}

#[test]
fn test_validation() {
    verify("tests/fixtures/validation.arazzo.yml", "validation");
}

#[test]
fn test_flows() {
    verify("tests/fixtures/flows.arazzo.yml", "flows");
}

/// One fixture per shape of schema, all against `codegen/tests/fixtures/zoo.openapi.yml`.
#[test]
fn test_schema_types() {
    for stem in [
        "structs",
        "enums",
        "maps",
        "all_of",
        "one_of",
        "recursion",
        "collisions",
        "unknowable",
    ] {
        let fixture = format!("codegen/tests/fixtures/{stem}.arazzo.yml");
        verify(&fixture, &format!("types_{stem}"));
        // Names and order do not depend on where the schemas sit in memory.
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let generate = || {
            Generator::new(&Settings::default())
                .generate(&root, Path::new(&fixture))
                .to_pretty_string()
        };
        assert_eq!(generate(), generate(), "{fixture}");
    }
}

#[test]
fn test_records() {
    verify("tests/fixtures/records.arazzo.yml", "records");
}

/// The fault and secrets fixture: body outputs that say why they are absent, retry waits
/// that can fail, and inputs and body types with secret fields (`format: password`,
/// `writeOnly`) that get a redacting `Debug` and are marked secret when the run starts.
#[test]
fn test_faults() {
    verify("tests/fixtures/faults.arazzo.yml", "faults");
}

/// The examples of the Arazzo specification (`OAI/Arazzo-Specification`, in the shared
/// corpus beside the project) that are valid with their sources at hand: `oauth` with its
/// local OpenAPI description, and `LoginAndRetrievePets` with the corpus's copy of the
/// Swagger Petstore its remote `url` names. The others have errors of their own (CHECKLIST
/// §15.18: `PAR` for `Par`, undeclared outputs, a missing `animals.yaml`); the corpus test
/// reports them. Skipped when `../shared` is absent.
#[test]
fn test_oai_examples() {
    let examples =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/oai-spec/examples/1.0.0");
    if !examples.is_dir() {
        eprintln!("skipped: {} is absent", examples.display());
        return;
    }
    let base = "../shared/corpus";
    verify(
        &format!("{base}/oai-spec/examples/1.0.0/oauth.arazzo.yaml"),
        "oai_oauth",
    );
    let mut settings = Settings::default();
    settings.with_source(
        "petStoreDescription",
        format!(
            "{base}/_remote-mirrors/swagger-api-swagger-petstore/src/main/resources/openapi.yaml"
        ),
    );
    verify_with(
        &settings,
        &format!("{base}/oai-spec/examples/1.0.0/LoginAndRetrievePets.arazzo.yaml"),
        "oai_login_and_retrieve_pets",
    );
}

/// Arazzo 1.1: `$self`, Selector Objects, JSONPath replacement targets, step `timeout` and
/// `dependsOn`.
#[test]
fn test_catalog() {
    verify("tests/fixtures/v1_1/catalog.arazzo.yml", "catalog");
}

/// Arazzo 1.1 on an OpenAPI 3.2 description: `in: querystring` parameters, and `goto` and
/// `retry` actions that pass `parameters` to the workflow they run.
#[test]
fn test_helpdesk() {
    verify("tests/fixtures/v1_1/helpdesk.arazzo.yml", "helpdesk");
}

/// Arazzo 1.1 on an AsyncAPI 3.0 description: a step that publishes a message, and one
/// that waits for the reply matched by its correlation ID, beside an HTTP step.
#[test]
fn test_orders() {
    verify("examples/arazzo/orders.arazzo.yml", "orders");
}

/// Step ids that are every local name the generated code binds: none may shadow another.
#[test]
fn test_hygiene() {
    verify("tests/fixtures/hygiene.arazzo.yml", "hygiene");
}

/// A receive step's subscription is named in the workflow's locals: step `confirm`'s does
/// not collide with the outputs of step `inboxConfirm`.
#[test]
fn test_hygiene_messages() {
    verify(
        "tests/fixtures/v1_1/hygiene-messages.arazzo.yml",
        "hygiene_messages",
    );
}

/// Input defaults: plain fields filled by serde, `Default` where every required input has
/// a default, and a builder where one has not.
#[test]
fn test_defaults() {
    verify("tests/fixtures/defaults.arazzo.yml", "defaults");
}

/// What the specification allows beyond the description: undeclared parameters sent, an
/// output of one of two accepted statuses as an `Option`, an implied dependency.
#[test]
fn test_lenient() {
    verify("tests/fixtures/lenient.arazzo.yml", "lenient");
}

/// The Kinde workflow with its Restate service (`Settings::with_restate`): handlers that
/// run the same workflow function under `arazzo::restate::drive`.
#[test]
fn test_kinde_restate() {
    let mut settings = Settings::default();
    settings.with_restate("KindeInvite");
    verify_with(
        &settings,
        "examples/arazzo/kinde-invite.arazzo.yml",
        "kinde_restate",
    );
}
