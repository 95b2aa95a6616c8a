//! Benchmarks: a scale corpus built from real news, and the figures users compare search
//! engines by (indexing throughput and memory, index size, query latency), measured the same
//! way every time so that runs, machines and peers can be compared.

pub mod corpus;
pub mod run;
pub mod stats;

/// The most memory this process has held at once (VmHWM), where the system tells (Linux).
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
