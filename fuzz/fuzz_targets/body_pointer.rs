//! The runtime's one-pass pointer reader against decoding whole: the input's first line is
//! the pointer, the rest the body.
#![no_main]

libfuzzer_sys::fuzz_target!(|input: &[u8]| {
    let split = input.iter().position(|&b| b == b'\n').unwrap_or(input.len());
    let Ok(pointer) = std::str::from_utf8(&input[..split]) else {
        return;
    };
    let body = input.get(split + 1..).unwrap_or_default();
    arazzo_runtime::__fuzz::pointer(body, pointer);
});
