//! Benchmarks of arazzo: what a generated workflow costs next to the same workflow written
//! by hand against reqwest, how 10,000 concurrent runs behave, and what expanding the macro
//! costs next to just parsing the YAML.
//!
//! Run everything, and print the results as Markdown, with one command (see `RESULTS.md`):
//!
//! ```text
//! cargo run --release -p arazzo-bench
//! ```
//!
//! This library holds what the harness (`src/main.rs`) and the tests share: the generated
//! workflow ([`generated`]), the hand-written baseline ([`baseline`]) and the way the
//! benchmarks serve the Kinde mock ([`mock`]).
#![deny(missing_docs)]

pub mod baseline;
pub mod mock;

/// The generated workflow: the real macro over `bench/arazzo/kinde-invite-bench.arazzo.yml`,
/// a copy of the Kinde invite example whose retry waits `retryAfter: 0` seconds.
pub mod generated {
    // `$.is_sent == true`, as the real document writes it, is read with a warning.
    arazzo::arazzo_workflow!(
        "arazzo/kinde-invite-bench.arazzo.yml",
        allow = ["nonstandard-form"],
        restate = "KindeInviteBench",
    );
}

/// The bearer token every benchmark sends (the mock's default).
pub const TOKEN: &str = arazzo_mocks::kinde::DEFAULT_TOKEN;

/// The invitee of every benchmark run: the same values for both implementations.
const EMAIL: &str = "ada@example.com";
const FIRST_NAME: &str = "Ada";
const LAST_NAME: &str = "Lovelace";
const ROLE_KEYS: [&str; 2] = ["admin", "member"];

/// The inputs of one run of the generated workflow for the organization `org_code`.
pub fn generated_inputs(org_code: String) -> generated::InviteUserToOrganizationInputs {
    generated::InviteUserToOrganizationInputs {
        org_code,
        email: EMAIL.to_owned(),
        first_name: Some(FIRST_NAME.to_owned()),
        last_name: Some(LAST_NAME.to_owned()),
        role_keys: ROLE_KEYS.iter().map(|&key| key.to_owned()).collect(),
    }
}

/// The same inputs for the hand-written baseline.
pub fn baseline_inputs(org_code: String) -> baseline::Invitation {
    baseline::Invitation {
        org_code,
        email: EMAIL.to_owned(),
        first_name: Some(FIRST_NAME.to_owned()),
        last_name: Some(LAST_NAME.to_owned()),
        role_keys: ROLE_KEYS.iter().map(|&key| key.to_owned()).collect(),
    }
}

/// A generated-workflow client for the Kinde API at `base_url`, on the given `reqwest`
/// client (so that both implementations share one connection pool).
///
/// # Panics
///
/// Panics if `base_url` is not an http(s) URL.
pub fn arazzo_client(http: &reqwest::Client, base_url: &str) -> arazzo::Client {
    arazzo_client_with_limit(http, base_url, arazzo::DEFAULT_MAX_IN_FLIGHT_REQUESTS)
}

/// As [`arazzo_client`], with at most `max_in_flight` requests in flight at once
/// (`usize::MAX`: no limit).
///
/// # Panics
///
/// Panics if `base_url` is not an http(s) URL.
pub fn arazzo_client_with_limit(
    http: &reqwest::Client,
    base_url: &str,
    max_in_flight: usize,
) -> arazzo::Client {
    match arazzo::Client::builder()
        .base_url("kindeManagementApi", base_url)
        .bearer_token(TOKEN)
        .reqwest_client(http.clone())
        .max_in_flight_requests(max_in_flight)
        .build()
    {
        Ok(client) => client,
        Err(e) => panic!("cannot build the arazzo client for `{base_url}`: {e}"),
    }
}

/// The `reqwest::Client` the benchmarks share between both implementations.
///
/// # Panics
///
/// Panics if reqwest cannot build a client (no TLS backend).
pub fn http_client() -> reqwest::Client {
    match reqwest::Client::builder().tcp_nodelay(true).build() {
        Ok(client) => client,
        Err(e) => panic!("cannot build the reqwest client: {e}"),
    }
}
