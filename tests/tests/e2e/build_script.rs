//! The build.rs path: `build.rs` generated the Kinde workflow into `OUT_DIR` with
//! `Generator::build_script`. The file is the same, byte for byte, as the committed
//! snapshot (which the CLI and the library produce too), and it runs.

use arazzo_mocks::kinde::{KindeConfig, KindeMock, DEFAULT_TOKEN};

mod generated {
    include!(concat!(env!("OUT_DIR"), "/kinde_invite.rs"));
}

#[test]
fn the_build_script_output_is_the_snapshot() {
    let built = std::fs::read_to_string(concat!(env!("OUT_DIR"), "/kinde_invite.rs")).unwrap();
    let snapshot = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../codegen/tests/output/kinde_invite.rs"
    ))
    .unwrap();
    assert!(
        built == snapshot,
        "build.rs output differs from the snapshot"
    );
    assert_eq!(generated::WORKFLOWS[0].id, "invite-user-to-organization");
    let _ = generated::run_workflow;
}

#[tokio::test(start_paused = true)]
async fn the_build_script_output_runs() {
    let mock = KindeMock::start(&KindeConfig::default()).await;
    let client = generated::client_builder()
        .base_url(generated::sources::KINDE_MANAGEMENT_API, mock.base_url())
        .bearer_token(DEFAULT_TOKEN)
        .build()
        .unwrap();
    let out = generated::invite_user_to_organization(
        &client,
        generated::InviteUserToOrganizationInputs {
            org_code: "org_acme".into(),
            email: "ada@example.com".into(),
            first_name: None,
            last_name: None,
            role_keys: vec!["member".into()],
        },
    )
    .await
    .unwrap();
    assert_eq!(
        out.invite_link,
        "https://org_acme.kinde.example/invite/inv_1"
    );
    assert_eq!(mock.requests().len(), 5);
}
