//! The `.json` reader on any bytes: one object or an array of objects, read whole and streamed
//! record by record (`fuzz/src/lib.rs` says what is checked). Run with
//! `cargo +nightly fuzz run read_json` (see the README).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vestnik_fuzz::read_as(data, "json"));
