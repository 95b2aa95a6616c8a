//! vestnik: full-text search for Russian-language press releases and news archives.
//!
//! Data flows one way:
//!
//! ```text
//! files ──corpus──▶ Article ──entities, dedup──▶ document ──index──▶ tantivy
//! query + flags ──search──▶ SearchRequest ──▶ tantivy ──▶ SearchResult ──output──▶ text/JSON/CSV/HTTP
//! ```
//!
//! [`corpus`] reads files into articles; [`analysis`] defines how Russian text becomes terms
//! (for indexing, queries and snippets alike); [`entities`] finds the people, organizations
//! and places of an article and [`dedup`] its near-duplicate signature, both written with it
//! by [`index`], which creates, writes and opens the tantivy index; [`identity`] joins the
//! entities across the archive. [`dates`] reads the dates people type, [`search`] answers
//! requests, and [`output`] renders the answers; [`server`] answers them over HTTP and
//! [`export`] hands the analyzed archive to another engine. [`cli`] only wires them to the
//! command line; [`bench`] measures them, and only [`cli`] uses it.
//! [`eval_search`] scores entity search on gold articles (`vestnik eval-search`).
//! Small shared pieces: [`quote`] (how messages quote user input) and [`memory`] (the memory
//! the process holds). The only `unsafe` code is in the private `sys` module.
#![deny(unsafe_code)]
#![warn(missing_docs)]
#![warn(clippy::undocumented_unsafe_blocks)]

pub mod analysis;
pub mod bench;
pub mod cli;
pub mod corpus;
pub mod dates;
pub mod dedup;
pub mod engine;
pub mod entities;
pub mod eval_search;
pub mod export;
pub mod identity;
pub mod index;
pub mod memory;
pub mod output;
pub mod quote;
pub mod search;
pub mod server;
mod sys;
