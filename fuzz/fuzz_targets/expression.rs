//! `arazzo_codegen::fuzzing::expression` on arbitrary UTF-8.
#![no_main]

libfuzzer_sys::fuzz_target!(|input: &str| {
    arazzo_codegen::fuzzing::expression(input);
});
