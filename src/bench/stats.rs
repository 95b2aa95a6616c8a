//! Latency percentiles, by the nearest-rank method: the p-th percentile is an observed value
//! (the smallest one with at least p% of the observations at or below it), so p99 of a
//! hundred runs is the second-slowest run, not an interpolation between runs.

use serde::Serialize;

/// p50, p95 and p99 of one query's timings, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Percentiles {
    /// The median run: the typical latency.
    pub p50_ms: f64,
    /// What one run in twenty exceeds.
    pub p95_ms: f64,
    /// What one run in a hundred exceeds.
    pub p99_ms: f64,
    /// Timed runs the percentiles are of.
    pub runs: usize,
}

/// The `p`-th percentile (0 < p ≤ 100) of `sorted`, which must be in ascending order; `None`
/// for no observations.
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// Summarizes timings given in milliseconds, in any order.
pub fn percentiles(mut ms: Vec<f64>) -> Option<Percentiles> {
    ms.sort_by(f64::total_cmp);
    Some(Percentiles {
        p50_ms: percentile(&ms, 50.0)?,
        p95_ms: percentile(&ms, 95.0)?,
        p99_ms: percentile(&ms, 99.0)?,
        runs: ms.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_on_one_to_a_hundred() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), Some(50.0));
        assert_eq!(percentile(&v, 95.0), Some(95.0));
        assert_eq!(percentile(&v, 99.0), Some(99.0));
        assert_eq!(percentile(&v, 100.0), Some(100.0));
        assert_eq!(percentile(&v, 0.5), Some(1.0));
    }

    #[test]
    fn small_samples_pick_observed_values() {
        assert_eq!(percentile(&[], 50.0), None);
        assert_eq!(percentile(&[7.0], 99.0), Some(7.0));
        // Four runs: the median is the second, p95 and p99 the slowest.
        let p = percentiles(vec![4.0, 1.0, 3.0, 2.0]).unwrap();
        assert_eq!((p.p50_ms, p.p95_ms, p.p99_ms, p.runs), (2.0, 4.0, 4.0, 4));
        // Ten runs: p95 rounds up to the tenth.
        let p = percentiles((1..=10).rev().map(f64::from).collect()).unwrap();
        assert_eq!((p.p50_ms, p.p95_ms), (5.0, 10.0));
        assert!(percentiles(Vec::new()).is_none());
    }
}
