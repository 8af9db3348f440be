//! The runtime's one-pass pointer reader against decoding whole: the input's first line is
//! the pointer, the rest the body.
#![no_main]

/// libFuzzer's panic hook aborts on every panic, even one the code under test catches on
/// purpose (the generator catches panics of `openapiv3` and of the XPath engine and turns
/// them into diagnostics). The default hook restores that; a panic nobody catches still
/// aborts, in libfuzzer-sys's own `catch_unwind`, and is reported as a crash.
fn unwind_like_the_generator() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| drop(std::panic::take_hook()));
}

libfuzzer_sys::fuzz_target!(|input: &[u8]| {
    unwind_like_the_generator();
    let split = input.iter().position(|&b| b == b'\n').unwrap_or(input.len());
    let Ok(pointer) = std::str::from_utf8(&input[..split]) else {
        return;
    };
    let body = input.get(split + 1..).unwrap_or_default();
    arazzo_runtime::__fuzz::pointer(body, pointer);
});
