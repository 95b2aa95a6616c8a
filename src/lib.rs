//! vestnik: full-text search for Russian-language press releases and news archives.
//!
//! Data flows one way: [`corpus`] reads files into articles, [`analysis`] defines how Russian
//! text becomes terms, [`entities`] finds people, organizations and places in an article and
//! [`identity`] joins them across the archive, [`index`] writes and opens the tantivy index,
//! [`dates`] reads the dates people type, [`search`] answers requests, and [`output`] renders
//! the answers; [`server`] answers them over HTTP. [`cli`] only wires them to the command line.
#![deny(unsafe_code)]
#![warn(clippy::undocumented_unsafe_blocks)]

pub mod analysis;
pub mod bench;
pub mod cli;
pub mod corpus;
pub mod dates;
pub mod dedup;
pub mod entities;
pub mod export;
pub mod identity;
pub mod index;
pub mod memory;
pub mod output;
pub mod quote;
pub mod search;
pub mod server;
mod sys;
