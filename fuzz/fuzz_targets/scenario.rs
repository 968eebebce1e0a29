//! The scenario loader and its diagnostics, on any bytes in place of `scenarios/drill.ron`.
#![no_main]

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = common::load_with("scenarios/drill.ron", data);
});
