//! The comparison is honest only if the implementations do the same work: these tests run
//! the generated workflow and the hand-written baselines against the recording Kinde mock and
//! require identical request sequences (method, raw path, query, body bytes, authorization
//! and every other header but `host`), and check the slot dispatcher the benchmarks serve the
//! mock through.

use arazzo_bench::{baseline, generated, mock};
use arazzo_mocks::kinde::KindeMock;
use arazzo_mocks::RecordedRequest;

/// One request as it went over the wire, minus the `host` header (each mock has its port).
#[derive(Debug, PartialEq)]
struct Wire {
    method: String,
    raw_path: String,
    raw_query: Option<String>,
    body: String,
    json: Option<serde_json::Value>,
    authorization: Option<String>,
    headers: Vec<(String, String)>,
}

fn wire(requests: &[RecordedRequest]) -> Vec<Wire> {
    requests
        .iter()
        .map(|r| {
            let mut headers: Vec<(String, String)> = r
                .headers
                .iter()
                .filter(|(name, _)| name != "host")
                .cloned()
                .collect();
            headers.sort();
            Wire {
                method: r.method.clone(),
                raw_path: r.raw_path.clone(),
                raw_query: r.raw_query.clone(),
                body: r.body_text(),
                json: r.json.clone(),
                authorization: r.header("authorization").map(str::to_owned),
                headers,
            }
        })
        .collect()
}

type Sent = (Vec<Wire>, (String, String));

/// Runs the generated function, the baseline and the baseline with `Value` bodies, each
/// against a fresh mock, and returns what each sent and its outputs.
async fn all(org_code: &str, first_name: Option<&str>, last_name: Option<&str>) -> [Sent; 3] {
    let http = arazzo_bench::http_client();

    let kinde = KindeMock::start(&mock::config()).await;
    let mut inputs = arazzo_bench::generated_inputs(org_code.to_owned());
    inputs.first_name = first_name.map(str::to_owned);
    inputs.last_name = last_name.map(str::to_owned);
    let client = arazzo_bench::arazzo_client(&http, &kinde.base_url());
    let out = generated::invite_user_to_organization(&client, inputs)
        .await
        .unwrap();
    let generated = (wire(&kinde.requests()), (out.invite_code, out.invite_link));

    let kinde = KindeMock::start(&mock::config()).await;
    let mut invitation = arazzo_bench::baseline_inputs(org_code.to_owned());
    invitation.first_name = first_name.map(str::to_owned);
    invitation.last_name = last_name.map(str::to_owned);
    let api = baseline::Kinde::new(http.clone(), kinde.base_url(), arazzo_bench::TOKEN);
    let out = baseline::invite_user_to_organization(&api, invitation)
        .await
        .unwrap();
    let baseline = (wire(&kinde.requests()), (out.invite_code, out.invite_link));

    let kinde = KindeMock::start(&mock::config()).await;
    let mut invitation = arazzo_bench::baseline_inputs(org_code.to_owned());
    invitation.first_name = first_name.map(str::to_owned);
    invitation.last_name = last_name.map(str::to_owned);
    let api = baseline::Kinde::new(http.clone(), kinde.base_url(), arazzo_bench::TOKEN);
    let out = baseline::invite_user_to_organization_untyped(&api, invitation)
        .await
        .unwrap();
    let untyped = (wire(&kinde.requests()), (out.invite_code, out.invite_link));

    [generated, baseline, untyped]
}

#[tokio::test]
async fn both_implementations_send_identical_requests() {
    let [generated, baseline, untyped] =
        all(&mock::org_code(3, 1), Some("Ada"), Some("Lovelace")).await;
    assert_eq!(generated.0.len(), mock::REQUESTS_PER_RUN as usize);
    assert_eq!(generated, baseline);
    assert_eq!(generated, untyped);

    let (requests, outputs) = generated;
    assert_eq!(
        outputs,
        (
            "inv_1".to_owned(),
            "https://org_3_1.kinde.example/invite/inv_1".to_owned()
        )
    );
    let lines: Vec<String> = requests
        .iter()
        .map(|r| match &r.raw_query {
            Some(q) => format!("{} {}?{q}", r.method, r.raw_path),
            None => format!("{} {}", r.method, r.raw_path),
        })
        .collect();
    assert_eq!(
        lines,
        [
            "GET /api/v1/roles?sort=name_asc&page_size=100",
            "POST /api/v1/organization/org_3_1/invites",
            "GET /api/v1/organization/org_3_1/invites/inv_1",
            "GET /api/v1/organization/org_3_1/invites/inv_1",
            "GET /api/v1/organization/org_3_1/invites/inv_1",
        ]
    );
    assert_eq!(
        requests[1].body,
        r#"{"email":"ada@example.com","first_name":"Ada","last_name":"Lovelace","roles":["admin","member"],"send_email":true}"#
    );
    for request in &requests {
        assert_eq!(request.authorization.as_deref(), Some("Bearer test-token"));
    }
}

#[tokio::test]
async fn absent_names_and_awkward_org_codes_match_too() {
    let [generated, baseline, untyped] = all("a/../b?x y", None, Some("Lovelace")).await;
    assert_eq!(generated, baseline);
    assert_eq!(generated, untyped);
    assert_eq!(
        generated.0[1].raw_path,
        "/api/v1/organization/a%2F..%2Fb%3Fx%20y/invites"
    );
    assert_eq!(
        generated.0[1].body,
        r#"{"email":"ada@example.com","last_name":"Lovelace","roles":["admin","member"],"send_email":true}"#
    );
}

#[tokio::test]
async fn the_dispatcher_starts_a_slot_afresh_for_each_generation() {
    let listener = mock::listen().unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move { mock::serve(listener, &mock::config()).await });

    let http = arazzo_bench::http_client();
    let client = arazzo_bench::arazzo_client(&http, &base_url);
    let api = baseline::Kinde::new(http.clone(), base_url.clone(), arazzo_bench::TOKEN);
    let mut codes = Vec::new();
    for org in [
        mock::org_code(5, 1),
        mock::org_code(5, 1),
        mock::org_code(5, 2),
    ] {
        let out = generated::invite_user_to_organization(
            &client,
            arazzo_bench::generated_inputs(org.clone()),
        )
        .await
        .unwrap();
        codes.push(out.invite_code);
        let out = baseline::invite_user_to_organization(&api, arazzo_bench::baseline_inputs(org))
            .await
            .unwrap();
        codes.push(out.invite_code);
    }
    // Same slot and generation: the invitations accumulate. A new generation starts over.
    assert_eq!(
        codes,
        ["inv_1", "inv_2", "inv_3", "inv_4", "inv_1", "inv_2"]
    );
    server.abort();
}
