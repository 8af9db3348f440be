//! The whole generator: the input is an Arazzo document, and, after a line `---8<---`, the
//! OpenAPI description it names as `./api.openapi.yml` (a small valid one when there is no
//! such line). Files go to a directory of this process under the system's temp dir.
#![no_main]

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
    const CUT: &[u8] = b"\n---8<---\n";
    let (arazzo, openapi) = match input.windows(CUT.len()).position(|w| w == CUT) {
        Some(at) => (&input[..at], &input[at + CUT.len()..]),
        None => (input, OPENAPI),
    };
    let _ = arazzo_codegen::fuzzing::document(dir(), arazzo, openapi);
});
