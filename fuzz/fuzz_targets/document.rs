//! The whole generator: the input is an Arazzo document, and, after a line `---8<---`, the
//! OpenAPI description it names as `./api.openapi.yml` (a small valid one when there is no
//! such line). Files go to a directory of this process under the system's temp dir.
#![no_main]

/// libFuzzer's panic hook aborts on every panic, even one the code under test catches on
/// purpose (the generator catches panics of `openapiv3` and of the XPath engine and turns
/// them into diagnostics). The default hook restores that; a panic nobody catches still
/// aborts, in libfuzzer-sys's own `catch_unwind`, and is reported as a crash.
fn unwind_like_the_generator() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| drop(std::panic::take_hook()));
}

use std::sync::OnceLock;

/// The description used when the input has none.
const OPENAPI: &[u8] = include_bytes!("../../tests/fixtures/faults.openapi.yml");

fn dir() -> &'static std::path::Path {
    static DIR: OnceLock<std::path::PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("arazzo-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    })
}

libfuzzer_sys::fuzz_target!(|input: &[u8]| {
    unwind_like_the_generator();
    const CUT: &[u8] = b"\n---8<---\n";
    let (arazzo, openapi) = match input.windows(CUT.len()).position(|w| w == CUT) {
        Some(at) => (&input[..at], &input[at + CUT.len()..]),
        None => (input, OPENAPI),
    };
    let _ = arazzo_codegen::fuzzing::document(dir(), arazzo, openapi);
});
