//! The `.txt` reader on any bytes: `Key: value` header lines or `---` front matter, then the
//! body (`fuzz/src/lib.rs` says what is checked). Run with `cargo +nightly fuzz run read_txt`
//! (see the README).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vestnik_fuzz::read_as(data, "txt"));
