//! How much memory this process holds: its peak resident size as the system counts it, and a
//! sampler for the peak of its own (anonymous) memory. The indexer reports both; the
//! benchmarks read them too.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

/// The most memory this process has held at once (VmHWM), where the system tells (Linux).
/// It counts the pages of memory-mapped index files too, which the kernel can drop at will.
pub fn peak_rss_bytes() -> Option<u64> {
    status_kb("VmHWM:").map(|kb| kb * 1024)
}

fn status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Tracks the peak of this process's own memory (RssAnon: heap and stacks, not mapped files),
/// which the system keeps no peak of, by sampling it ten times a second.
pub struct AnonPeak {
    stop: Arc<AtomicBool>,
    sampler: Option<JoinHandle<Option<u64>>>,
}

impl AnonPeak {
    /// Starts sampling, on a thread of its own until [`AnonPeak::finish`].
    pub fn start() -> AnonPeak {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let sampler = std::thread::spawn(move || {
            let mut peak = status_kb("RssAnon:")?;
            while !flag.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(100));
                peak = peak.max(status_kb("RssAnon:").unwrap_or(0));
            }
            Some(peak * 1024)
        });
        AnonPeak {
            stop,
            sampler: Some(sampler),
        }
    }

    /// The peak seen, or `None` where the system does not tell.
    pub fn finish(mut self) -> Option<u64> {
        self.stop.store(true, Ordering::Relaxed);
        self.sampler.take()?.join().ok().flatten()
    }
}
