//! The `.html` reader on any bytes: the article's own text among the page's blocks, and the
//! metadata the page states (`fuzz/src/lib.rs` says what is checked). Run with
//! `cargo +nightly fuzz run read_html` (see the README).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vestnik_fuzz::read_as(data, "html"));
