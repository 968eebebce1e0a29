//! The plan loader and its diagnostics, on any bytes in place of `plans/alpha.ron`.
#![no_main]

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = common::load_with("plans/alpha.ron", data);
});
