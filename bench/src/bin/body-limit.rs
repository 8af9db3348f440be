//! What a 2 GiB response costs a generated workflow: the time until the body limit refuses
//! it and the growth of peak RSS, with the body announced by `Content-Length` and streamed
//! chunked, and a 10 MiB body under the limit for comparison. From the workspace root:
//!
//! ```text
//! cargo run --release -p arazzo-bench --bin body-limit
//! ```

use std::time::Instant;

use arazzo_mocks::faulty::{FaultyServer, Reply};

mod faults {
    arazzo::arazzo_workflow!("../tests/fixtures/faults.arazzo.yml");
}

/// A `Vm*` field of `/proc/self/status`, in KiB.
fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|line| {
        let rest = line.strip_prefix(field)?.strip_prefix(':')?;
        rest.trim().strip_suffix("kB")?.trim().parse().ok()
    })
}

async fn measure(label: &str, reply: Reply) {
    let server = FaultyServer::start(move |_, _| reply.clone()).await;
    let client = arazzo::Client::builder()
        .base_url("records", server.base_url())
        .bearer_token("t")
        .api_key("k")
        .build()
        .expect("client");
    // Peak RSS back to the current RSS, so that the figure is this run's alone.
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let before = status_kib("VmRSS").unwrap_or(0);
    let started = Instant::now();
    let result = faults::read_record(
        &client,
        faults::ReadRecordInputs {
            record_id: 1,
            note: None,
        },
    )
    .await;
    let elapsed = started.elapsed();
    let peak = status_kib("VmHWM").unwrap_or(0);
    let outcome = match result {
        Ok(out) => format!("read ({} bytes of output)", out.name.len()),
        Err(arazzo::Error::ResponseTooLarge { limit, .. }) => {
            format!("`ResponseTooLarge` (limit {limit} bytes)")
        }
        Err(other) => format!("unexpected: {other}"),
    };
    let growth = if reset {
        format!("{:.1} MiB", peak.saturating_sub(before) as f64 / 1024.0)
    } else {
        "n/a (clear_refs refused)".to_owned()
    };
    println!(
        "| {label} | {:.1} ms | {growth} | {outcome} |",
        elapsed.as_secs_f64() * 1000.0
    );
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    if cfg!(debug_assertions) {
        eprintln!("warning: a debug build; measure with `--release`");
    }
    println!("| body | time | peak RSS growth | outcome |");
    println!("|---|---|---|---|");
    let two_gib = 2u64 << 30;
    measure(
        "2 GiB, `Content-Length`",
        Reply::Huge {
            len: two_gib,
            declare_length: true,
        },
    )
    .await;
    measure(
        "2 GiB, chunked",
        Reply::Huge {
            len: two_gib,
            declare_length: false,
        },
    )
    .await;
    let ten_mib = format!(r#"{{"id":1,"name":"{}"}}"#, "a".repeat(10 << 20));
    measure(
        "10 MiB, `Content-Length`",
        Reply::new(200, "application/json", ten_mib),
    )
    .await;
}
