//! What the query commands share: their flags (`--index --source --from --to --format`,
//! the entity filters, `--timeout`), declared once so that they read and are documented
//! alike, and the small steps every one of them takes (the query or `*`, the filters that
//! match nothing said on stderr, the terminal's style).

use std::io;
use std::path::PathBuf;
use std::time::Duration;

use chrono::NaiveDate;

use super::engine;
use super::error::UserError;
use crate::search::{Budget, SearchError};

/// A search's time budget unless `--timeout` says otherwise: ordinary queries on a
/// 200,000-article archive take about a second.
pub(super) const DEFAULT_TIMEOUT: &str = "5";

/// `--timeout SECS`: how long one search may take; 0 means no limit.
#[derive(Debug, Clone, Copy)]
pub(super) struct Timeout(pub(super) Option<Duration>);

impl Timeout {
    /// Seconds, fractions allowed, up to a day.
    pub(super) fn parse(s: &str) -> Result<Timeout, String> {
        match s.trim().parse::<f64>() {
            Ok(0.0) => Ok(Timeout(None)),
            Ok(secs) if secs > 0.0 && secs <= 86_400.0 => {
                Ok(Timeout(Some(Duration::from_secs_f64(secs))))
            }
            _ => Err(format!(
                "'{s}' is not a number of seconds from 0 (no limit) to 86400"
            )),
        }
    }

    /// A fresh budget of this length, starting now.
    pub(super) fn budget(self) -> Budget {
        self.0.map_or_else(Budget::unlimited, Budget::new)
    }
}

/// Colour on a terminal unless `NO_COLOR` is set (to anything but the empty string); «» around
/// matched words only when `marks` asks for them. Without colour, nothing marks a match by
/// default, as ripgrep does in a pipe: guillemets would be taken for the text's own Russian
/// quotation marks, and a script that wants the positions has them in JSON.
pub(super) fn terminal_style(marks: bool) -> crate::output::Style {
    use std::io::IsTerminal;
    crate::output::Style {
        color: io::stdout().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        marks,
    }
}

/// The flags every query command (`search`, `entities`, `related`, `timeline`) takes, declared
/// once so that they read and are documented alike: where the index is, which articles, how
/// to print, and which engine answers.
#[derive(clap::Args)]
pub(super) struct QueryFlags {
    /// Index to read [default: index, built from corpus/ when missing]
    #[arg(long)]
    pub(super) index: Option<PathBuf>,
    /// Only articles from this source (case-insensitive, the whole name); repeated, any of
    /// them (OR: an article has one source)
    #[arg(long = "source", value_name = "SOURCE")]
    pub(super) sources: Vec<String>,
    #[command(flatten)]
    pub(super) dates: DateFilters,
    /// Output format
    #[arg(long, value_enum, default_value_t = crate::output::Format::Text)]
    pub(super) format: crate::output::Format,
    #[command(flatten)]
    pub(super) engine: engine::EngineArgs,
}

impl QueryFlags {
    /// Whether a source or date filter was given (the query may then be left out).
    pub(super) fn filtered(&self) -> bool {
        !self.sources.is_empty() || !self.dates.is_empty()
    }

    /// A request for `query` with these filters.
    pub(super) fn request(&self, query: &str) -> Result<crate::search::SearchRequest, UserError> {
        let mut req = crate::search::SearchRequest::new(query);
        req.sources = self.sources.clone();
        self.dates.apply(&mut req)?;
        Ok(req)
    }
}

/// The entity filters of the query commands: each a name in any case form, in part or in Latin
/// letters. Repeated, each must hold (AND): an article names many people, and "articles
/// naming both" is the question a second name asks.
#[derive(clap::Args)]
pub(super) struct EntityFilters {
    /// Only articles naming this person, in any case form, in part or in Latin letters;
    /// repeated, every one of them (AND)
    #[arg(long = "person", value_name = "NAME")]
    pub(super) persons: Vec<String>,
    /// Only articles naming this organization (aliases count: UNICEF = ЮНИСЕФ); repeated,
    /// every one of them (AND)
    #[arg(long = "org", value_name = "NAME")]
    pub(super) orgs: Vec<String>,
    /// Only articles naming this place; repeated, every one of them (AND)
    #[arg(long = "loc", value_name = "NAME")]
    pub(super) locs: Vec<String>,
}

impl EntityFilters {
    pub(super) fn is_empty(&self) -> bool {
        self.persons.is_empty() && self.orgs.is_empty() && self.locs.is_empty()
    }

    /// The names given, by kind, as a request holds them.
    pub(super) fn by_kind(self) -> crate::entities::ByKind<Vec<String>> {
        crate::entities::ByKind {
            person: self.persons,
            org: self.orgs,
            loc: self.locs,
        }
    }
}

/// The date filters of the query commands, as typed. They are read by [`crate::dates`] once
/// clap is done, rather than by a clap value parser, so that a mistake is reported on one line
/// like every other (clap adds a usage note of its own).
#[derive(clap::Args)]
pub(super) struct DateFilters {
    /// Only articles dated on or after the first day of this year, month or day: 2024,
    /// 2024-05, 2024-05-17 or 17.05.2024 (--from 2024 is from 2024-01-01)
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub(super) from: Option<String>,
    /// Only articles dated on or before the last day of this year, month or day (--to 2024 is
    /// through 2024-12-31, --to 2024-02 through 2024-02-29)
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub(super) to: Option<String>,
    /// Only articles without a date (as date:none in the query)
    #[arg(long)]
    pub(super) undated: bool,
}

impl DateFilters {
    pub(super) fn is_empty(&self) -> bool {
        self.from.is_none() && self.to.is_none() && !self.undated
    }

    /// The first and the last day asked for; a range that ends before it starts is kept as
    /// given (the search then finds nothing and says why), never dropped.
    pub(super) fn days(&self) -> Result<(Option<NaiveDate>, Option<NaiveDate>), UserError> {
        let read = |flag: &str, value: &Option<String>| {
            value
                .as_deref()
                .map(|v| {
                    crate::dates::parse_period(v).map_err(|e| UserError(format!("{flag}: {e}")))
                })
                .transpose()
        };
        let from = read("--from", &self.from)?.map(|p| p.first);
        let to = read("--to", &self.to)?.map(|p| p.last);
        Ok((from, to))
    }

    /// Sets the request's dates.
    pub(super) fn apply(&self, req: &mut crate::search::SearchRequest) -> Result<(), UserError> {
        (req.from, req.to) = self.days()?;
        req.undated = self.undated;
        Ok(())
    }
}

/// The query a command runs: the one given, or every article when only filters were given.
pub(super) fn query_or_all(query: Option<String>, filtered: bool) -> anyhow::Result<String> {
    match query {
        Some(q) => Ok(q),
        None if filtered => Ok("*".to_string()),
        None => Err(SearchError::Query(
            "give a query (* matches every article) or a filter such as --person NAME".into(),
        )
        .into()),
    }
}

/// Says on stderr why the filters match nothing (a name nobody in the archive has, a source
/// it lacks, an empty date range): the command found nothing because of them, and a person
/// should know why.
pub(super) fn report_unresolved(filters: &crate::search::Filters) {
    for line in filters.impossible() {
        eprintln!("vestnik: {line}");
    }
}
