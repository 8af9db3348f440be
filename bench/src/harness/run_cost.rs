//! Run cost: the Kinde invite workflow (3 steps, 2 polls, 5 requests) through the generated
//! function and through the hand-written baseline, sequentially and 64 runs at a time.
//!
//! All share one `reqwest::Client`, so one connection pool. Rounds rotate which
//! implementation goes first, so that drift on a shared machine hits them alike. A third
//! implementation, the baseline decoding bodies into `serde_json::Value`, tells how much of
//! a difference is body decoding.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use arazzo_bench::{baseline, generated, mock};
use tokio::task::JoinSet;

use super::mock_process::MockProcess;
use super::procfs;

/// A worker moves its slot of the mock to a new generation this often, so that the
/// invitation list the mock scans stays short.
const ROTATE_EVERY: usize = 16;

static NEXT_GENERATION: AtomicU64 = AtomicU64::new(1);

/// A generation number not used before in this harness.
pub fn next_generation() -> u64 {
    NEXT_GENERATION.fetch_add(1, Ordering::Relaxed)
}

/// Which implementation runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Impl {
    /// `arazzo::arazzo_workflow!`'s `invite_user_to_organization`.
    Generated,
    /// `arazzo_bench::baseline::invite_user_to_organization`.
    Baseline,
    /// `arazzo_bench::baseline::invite_user_to_organization_untyped`: the baseline decoding
    /// bodies into `serde_json::Value`, to tell how much of a difference decoding makes.
    Untyped,
}

impl Impl {
    /// Every implementation, in the order the report shows them.
    pub const ALL: [Impl; 3] = [Impl::Generated, Impl::Baseline, Impl::Untyped];

    /// The name on the command line of the internal subcommands.
    pub fn arg(self) -> &'static str {
        match self {
            Impl::Generated => "generated",
            Impl::Baseline => "baseline",
            Impl::Untyped => "untyped",
        }
    }

    /// The implementation named `arg` on the command line.
    pub fn from_arg(arg: &str) -> Option<Impl> {
        Impl::ALL.into_iter().find(|which| which.arg() == arg)
    }

    pub fn label(self) -> &'static str {
        match self {
            Impl::Generated => "generated (arazzo)",
            Impl::Baseline => "hand-written reqwest",
            Impl::Untyped => "hand-written, `Value` bodies",
        }
    }
}

/// What both implementations need.
#[derive(Clone)]
pub struct Ctx {
    pub arazzo: arazzo::Client,
    pub kinde: baseline::Kinde,
}

impl Ctx {
    pub fn new(http: &reqwest::Client, base_url: &str) -> Ctx {
        Ctx {
            arazzo: arazzo_bench::arazzo_client(http, base_url),
            kinde: baseline::Kinde::new(http.clone(), base_url, arazzo_bench::TOKEN),
        }
    }

    /// The inputs of one run of `which` for the organization `org`, built before the clock
    /// starts.
    pub fn inputs(which: Impl, org: String) -> Inputs {
        match which {
            Impl::Generated => Inputs::Generated(arazzo_bench::generated_inputs(org)),
            Impl::Baseline => Inputs::Baseline(arazzo_bench::baseline_inputs(org)),
            Impl::Untyped => Inputs::Untyped(arazzo_bench::baseline_inputs(org)),
        }
    }

    /// One run.
    pub async fn run(&self, inputs: Inputs) -> Result<(), String> {
        match inputs {
            Inputs::Generated(inputs) => {
                generated::invite_user_to_organization(&self.arazzo, inputs)
                    .await
                    .map(|out| drop(std::hint::black_box(out)))
                    .map_err(|e| e.to_string())
            }
            Inputs::Baseline(invitation) => {
                baseline::invite_user_to_organization(&self.kinde, invitation)
                    .await
                    .map(|out| drop(std::hint::black_box(out)))
                    .map_err(|e| e.to_string())
            }
            Inputs::Untyped(invitation) => {
                baseline::invite_user_to_organization_untyped(&self.kinde, invitation)
                    .await
                    .map(|out| drop(std::hint::black_box(out)))
                    .map_err(|e| e.to_string())
            }
        }
    }
}

/// The inputs of one run of either implementation.
pub enum Inputs {
    Generated(generated::InviteUserToOrganizationInputs),
    Baseline(baseline::Invitation),
    Untyped(baseline::Invitation),
}

/// The measurements of one implementation in one mode, over every round.
#[derive(Debug, Clone, Default)]
pub struct Measured {
    pub runs: usize,
    pub wall: Duration,
    /// Per-run latency in nanoseconds, sorted once [`Measured::finish`] ran.
    pub latencies: Vec<u64>,
    pub client_cpu_ns: u64,
    pub mock_cpu_ns: u64,
}

impl Measured {
    fn add(&mut self, batch: Batch) {
        self.runs += batch.latencies.len();
        self.wall += batch.wall;
        self.latencies.extend(batch.latencies);
        self.client_cpu_ns += batch.client_cpu_ns;
        self.mock_cpu_ns += batch.mock_cpu_ns;
    }

    fn finish(&mut self) {
        self.latencies.sort_unstable();
    }

    pub fn runs_per_sec(&self) -> f64 {
        self.runs as f64 / self.wall.as_secs_f64()
    }

    /// Wall time per run (the inverse of the throughput), in microseconds.
    pub fn us_per_run(&self) -> f64 {
        self.wall.as_secs_f64() * 1e6 / self.runs as f64
    }

    pub fn percentile_us(&self, p: f64) -> f64 {
        if self.latencies.is_empty() {
            return f64::NAN;
        }
        let rank = ((p / 100.0) * self.latencies.len() as f64).ceil() as usize;
        let index = rank.clamp(1, self.latencies.len()) - 1;
        self.latencies[index] as f64 / 1e3
    }

    pub fn client_cpu_us_per_run(&self) -> f64 {
        self.client_cpu_ns as f64 / 1e3 / self.runs as f64
    }

    pub fn mock_cpu_us_per_run(&self) -> f64 {
        self.mock_cpu_ns as f64 / 1e3 / self.runs as f64
    }
}

/// One mode (a concurrency level) for every implementation.
#[derive(Debug, Clone)]
pub struct Mode {
    pub concurrency: usize,
    pub generated: Measured,
    pub baseline: Measured,
    pub untyped: Measured,
}

struct Batch {
    latencies: Vec<u64>,
    wall: Duration,
    client_cpu_ns: u64,
    mock_cpu_ns: u64,
}

/// Runs `runs` runs of `which`, `concurrency` at a time, each worker on its own mock slot.
async fn batch(
    ctx: &Ctx,
    mock: &MockProcess,
    which: Impl,
    concurrency: usize,
    runs: usize,
    first_slot: usize,
) -> Result<Batch, String> {
    let per_worker = runs.div_ceil(concurrency);
    let client_cpu = procfs::thread_cpu_ns();
    let mock_cpu = mock.cpu_ns();
    let started = Instant::now();
    let mut workers = JoinSet::new();
    for worker in 0..concurrency {
        let ctx = ctx.clone();
        let slot = first_slot + worker;
        workers.spawn(async move {
            let mut latencies = Vec::with_capacity(per_worker);
            let mut org = String::new();
            for i in 0..per_worker {
                if i % ROTATE_EVERY == 0 {
                    org = mock::org_code(slot, next_generation());
                }
                let inputs = Ctx::inputs(which, org.clone());
                let started = Instant::now();
                ctx.run(inputs).await?;
                latencies.push(started.elapsed().as_nanos() as u64);
            }
            Ok::<_, String>(latencies)
        });
    }
    let mut latencies = Vec::with_capacity(per_worker * concurrency);
    while let Some(joined) = workers.join_next().await {
        latencies.extend(joined.map_err(|e| e.to_string())??);
    }
    let wall = started.elapsed();
    let client_cpu_ns = match (client_cpu, procfs::thread_cpu_ns()) {
        (Some(before), Some(after)) => after.saturating_sub(before),
        _ => 0,
    };
    let mock_cpu_ns = mock.cpu_ns().saturating_sub(mock_cpu);
    Ok(Batch {
        latencies,
        wall,
        client_cpu_ns,
        mock_cpu_ns,
    })
}

/// Measures one concurrency level: a warm-up of each implementation, then `rounds` rounds
/// of `runs` runs of each, rotating which goes first.
pub async fn measure(
    ctx: &Ctx,
    mock: &MockProcess,
    concurrency: usize,
    runs: usize,
    rounds: usize,
) -> Result<Mode, String> {
    // Slot 0 is the sequential worker's; concurrent workers take the slots after it.
    let first_slot = if concurrency == 1 { 0 } else { 1 };
    let warmup = (runs / 4).max(concurrency * 4);
    for which in Impl::ALL {
        batch(ctx, mock, which, concurrency, warmup, first_slot).await?;
    }
    let mut mode = Mode {
        concurrency,
        generated: Measured::default(),
        baseline: Measured::default(),
        untyped: Measured::default(),
    };
    for round in 0..rounds {
        let mut order = Impl::ALL;
        order.rotate_left(round % Impl::ALL.len());
        for which in order {
            let measured = batch(ctx, mock, which, concurrency, runs, first_slot).await?;
            match which {
                Impl::Generated => mode.generated.add(measured),
                Impl::Baseline => mode.baseline.add(measured),
                Impl::Untyped => mode.untyped.add(measured),
            }
        }
    }
    mode.generated.finish();
    mode.baseline.finish();
    mode.untyped.finish();
    Ok(mode)
}
