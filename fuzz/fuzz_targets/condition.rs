//! `arazzo_codegen::fuzzing::condition` on arbitrary UTF-8.
#![no_main]

libfuzzer_sys::fuzz_target!(|input: &str| {
    arazzo_codegen::fuzzing::condition(input);
});
