//! `arazzo_codegen::fuzzing::pointer` on arbitrary UTF-8.
#![no_main]

/// libFuzzer's panic hook aborts on every panic, even one the code under test catches on
/// purpose (the generator catches panics of `openapiv3` and of the XPath engine and turns
/// them into diagnostics). The default hook restores that; a panic nobody catches still
/// aborts, in libfuzzer-sys's own `catch_unwind`, and is reported as a crash.
fn unwind_like_the_generator() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| drop(std::panic::take_hook()));
}

libfuzzer_sys::fuzz_target!(|input: &str| {
    unwind_like_the_generator();
    arazzo_codegen::fuzzing::pointer(input);
});
