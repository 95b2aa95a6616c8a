//! Benchmarks: a scale corpus built from real news, and the figures users compare search
//! engines by (indexing throughput and memory, index size, query latency), measured the same
//! way every time so that runs, machines and peers can be compared.

pub mod corpus;
pub mod extraction;
pub mod groups;
pub mod hostile;
pub mod ir;
pub mod run;
pub mod stats;
