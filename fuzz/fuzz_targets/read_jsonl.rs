//! The `.jsonl` reader on any bytes: one object a line, read whole and streamed line by line
//! (`fuzz/src/lib.rs` says what is checked). Run with `cargo +nightly fuzz run read_jsonl`
//! (see the README).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vestnik_fuzz::read_as(data, "jsonl"));
