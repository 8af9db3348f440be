//! Two jobs:
//!
//! - Generates the Kinde workflow with `Generator::build_script`, the build.rs path users
//!   take instead of the macro; `tests/build_script.rs` includes and runs the result.
//! - Detects the shared material beside the project (`../shared`) and sets the cfg
//!   `arazzo_shared` when the real specs are there, so that the tests that use them are
//!   compiled only then. Without it they are skipped, and say so.

use std::path::Path;

use arazzo_codegen::{Generator, Rule, Settings};

fn main() -> std::process::ExitCode {
    // The Kinde document's `$.is_sent == true` is read with a warning, as in the macro
    // calls of the tests; allowed here too, so that every build does not print it.
    let mut settings = Settings::default();
    settings.with_allow(Rule::NonstandardForm);
    let generator = Generator::new(&settings);
    if let Err(e) = generator.build_script(
        "../examples/arazzo/kinde-invite.arazzo.yml",
        "kinde_invite.rs",
    ) {
        // Every error once, without a panic message or backtrace.
        eprintln!("{e}");
        return std::process::ExitCode::FAILURE;
    }

    println!("cargo::rustc-check-cfg=cfg(arazzo_shared)");
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default();
    let seed = Path::new(&manifest_dir)
        .join("../../shared/specs/kinde/arazzo/kinde-invite-user-to-organization-workflow.yml");
    println!("cargo::rerun-if-changed={}", seed.display());
    if seed.exists() {
        println!("cargo::rustc-cfg=arazzo_shared");
    }
    std::process::ExitCode::SUCCESS
}
