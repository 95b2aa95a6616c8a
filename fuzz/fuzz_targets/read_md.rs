//! The `.md` reader on any bytes: read as text, then the body rendered to plain text, its
//! first `# heading` the title (`fuzz/src/lib.rs` says what is checked). Run with
//! `cargo +nightly fuzz run read_md` (see the README).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vestnik_fuzz::read_as(data, "md"));
