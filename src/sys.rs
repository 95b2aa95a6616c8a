//! The only code that asks the processor or the operating system for something Rust cannot
//! check, and so the only module allowed `unsafe` (the crate denies it everywhere else). Each
//! block says why it is sound in a `SAFETY:` note; each function is safe to call with any
//! argument.
//!
//! - [`prefetch`]: a hint that asks for a value's cache lines ahead of reading them (the
//!   tagger's tables, `entities/tagger_cache.rs`).
//! - [`stdout_window_size`]: the terminal's rows and columns (the pager, `cli/pager.rs`).
#![allow(unsafe_code)]

/// Asks for the cache lines holding `value`, without waiting for them: the fetches of a loop
/// that asks ahead go to memory together instead of one after another. A load would not do:
/// the processor retires in order, so a load waiting on memory holds up everything behind it.
/// On other processors than x86-64 it does nothing.
#[inline(always)]
pub(crate) fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        let start = (value as *const T).cast::<i8>();
        for offset in (0..std::mem::size_of::<T>().max(1)).step_by(64) {
            // SAFETY: a prefetch is a hint that reads nothing into the program and never
            // faults, and every address asked lies within `value`.
            unsafe {
                use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
                _mm_prefetch::<_MM_HINT_T0>(start.wrapping_add(offset));
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

/// The rows and columns the terminal reports for stdout, or `None` when stdout is no
/// terminal.
#[cfg(unix)]
pub(crate) fn stdout_window_size() -> Option<(usize, usize)> {
    let mut size = libc::winsize {
        ws_row: 0,
        ws_col: 0,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: TIOCGWINSZ writes one `winsize` into the struct it is given, which outlives the
    // call; on failure it writes nothing and returns -1.
    let done = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) };
    (done == 0).then_some((usize::from(size.ws_row), usize::from(size.ws_col)))
}

/// Systems other than Unix: no size is known.
#[cfg(not(unix))]
pub(crate) fn stdout_window_size() -> Option<(usize, usize)> {
    None
}
