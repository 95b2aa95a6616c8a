//! `vestnik search` and `vestnik entities`.

use std::io::{self, Write};

use super::error::UserError;
use super::flags::{
    DEFAULT_TIMEOUT, EntityFilters, QueryFlags, Timeout, query_or_all, report_unresolved,
    terminal_style,
};
use super::index::query_index;
use super::pager::Paged;
use crate::entities;
use crate::output::{self, EntityList, FacetView, Format, Page, Parts, View};
use crate::search::{
    CountBy, DateBucket, ExportError, ExportFormat, FacetKind, SearchRequest, Searcher, Sort,
};

#[derive(clap::Args)]
pub(super) struct SearchArgs {
    /// Query, e.g. 'права детей', '"защита детей"~2', 'title:ЮНИСЕФ AND date:2024'; * matches
    /// all [default: * when a filter such as --person is given]
    #[arg(allow_hyphen_values = true)]
    query: Option<String>,
    #[command(flatten)]
    common: QueryFlags,
    #[command(flatten)]
    entities: EntityFilters,
    /// How many people, organizations and places the entity facets list
    #[arg(long, default_value_t = 10)]
    facet_size: usize,
    /// Order of hits
    #[arg(long, value_enum, default_value_t = Sort::Relevance)]
    sort: Sort,
    /// Hits per page
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// Hits to skip (for paging)
    #[arg(long, default_value_t = 0)]
    offset: usize,
    /// Date facet buckets
    #[arg(long, value_enum, default_value_t = DateBucket::Year)]
    by: DateBucket,
    /// Print only the total and facets
    #[arg(long, conflicts_with = "no_facets")]
    facets_only: bool,
    /// Count only these facets (comma-separated or repeated) [default: all]
    #[arg(long = "facet", value_enum, value_delimiter = ',', value_name = "KIND")]
    facet: Vec<FacetKind>,
    /// Count no facets (faster on large result sets)
    #[arg(long, conflicts_with = "facet")]
    no_facets: bool,
    /// Show every version of a republished text instead of one hit per release
    #[arg(long)]
    no_group: bool,
    /// Count facets by articles, or by release groups (each republished text once)
    #[arg(long, value_enum, default_value_t = CountBy::Articles)]
    count: CountBy,
    /// Write every match with its text, no page limit (with --format jsonl or csv): the
    /// export `GET /api/export` streams
    #[arg(long, conflicts_with_all = ["limit", "offset", "facets_only"])]
    with_body: bool,
    /// Text output: the top 5 of each facet on a line after the hits (compact), or every
    /// value counted in tables (full) [default: compact; full with --facets-only]
    #[arg(long, value_enum, value_name = "VIEW")]
    facets: Option<FacetView>,
    /// Text output: put «» around matched words (a terminal shows them in colour; a pipe or
    /// NO_COLOR shows nothing without this)
    #[arg(long)]
    marks: bool,
    /// Print straight to the terminal, never through $PAGER
    #[arg(long)]
    no_pager: bool,
    /// Stop the search after this many seconds (exit 2); 0: no limit
    #[arg(long, value_name = "SECS", default_value = DEFAULT_TIMEOUT, value_parser = Timeout::parse)]
    timeout: Timeout,
    /// Require every word, even when no article has them all (by default such a
    /// query shows the articles with most of its words, and says so)
    #[arg(long)]
    strict: bool,
}

pub(super) fn search_command(args: SearchArgs) -> anyhow::Result<()> {
    let filtered = args.common.filtered() || !args.entities.is_empty();
    let query = query_or_all(args.query, filtered)?;
    // Dates are checked before the index is opened (or built): a mistake in them is the
    // user's to fix whatever the index holds.
    let base = args.common.request(&query)?;
    let engine = args.common.engine.open()?;
    let request = SearchRequest {
        sort: args.sort,
        limit: if args.facets_only { 0 } else { args.limit },
        offset: args.offset,
        date_bucket: args.by,
        entities: args.entities.by_kind(),
        facet_size: args.facet_size,
        facets: match (args.no_facets, args.facet.is_empty()) {
            (true, _) => Vec::new(),
            (false, true) => FacetKind::ALL.to_vec(),
            (false, false) => args.facet,
        },
        group: !args.no_group,
        count_groups: args.count == CountBy::Groups,
        budget: args.timeout.budget(),
        strict: args.strict,
        ..base
    };
    let result = if let Some(engine) = &engine {
        if args.with_body {
            return Err(UserError(
                "--with-body is not available with --engine (the export is the engine's)".into(),
            )
            .into());
        }
        engine.search(&request)?
    } else {
        let searcher = Searcher::open(&query_index(args.common.index.as_deref())?)?;
        if args.with_body {
            return export(&searcher, request, args.common.format);
        }
        searcher.search(&request)?
    };
    report_unresolved(&result.filters);
    if !result.suggestions.is_empty() {
        eprintln!("vestnik: did you mean {}?", result.suggestions.join(", "));
    }
    let parts = if args.facets_only {
        Parts::FacetsOnly
    } else {
        Parts::All
    };
    let view = View {
        parts,
        facets: args.facets.unwrap_or(if args.facets_only {
            FacetView::Full
        } else {
            FacetView::Compact
        }),
        offset: args.offset,
        facet_size: args.facet_size,
    };
    let mut out = Paged::stdout(args.no_pager);
    let page = Page {
        result: &result,
        view,
    };
    output::render(
        &mut out,
        &page,
        args.common.format,
        terminal_style(args.marks),
    )?;
    out.finish()?;
    Ok(())
}

/// `--with-body`: every match, written as it is read (see `Searcher::export`).
fn export(searcher: &Searcher, mut request: SearchRequest, format: Format) -> anyhow::Result<()> {
    let format = match format {
        Format::Jsonl => ExportFormat::Jsonl,
        Format::Csv => ExportFormat::Csv,
        _ => anyhow::bail!("--with-body needs --format jsonl or --format csv"),
    };
    // A count first, for the same warnings about filters naming nothing as a search gives.
    request.facets = Vec::new();
    request.limit = 0;
    report_unresolved(&searcher.search(&request)?.filters);
    let mut out = io::BufWriter::new(io::stdout().lock());
    match searcher.export(&request, format, true, &mut out) {
        Ok(_) => Ok(()),
        Err(ExportError::Search(e)) => Err(e.into()),
        Err(ExportError::Write(e)) => Err(e.into()),
    }
}

#[derive(clap::Args)]
pub(super) struct EntitiesArgs {
    /// Query selecting the articles (default: all of them)
    #[arg(default_value = "*", allow_hyphen_values = true)]
    query: String,
    /// Only this kind of entity
    #[arg(long = "type", value_enum)]
    kind: Option<entities::EntityType>,
    /// How many of each kind to list
    #[arg(long, default_value_t = 20)]
    limit: usize,
    #[command(flatten)]
    common: QueryFlags,
}

pub(super) fn entities_command(args: EntitiesArgs) -> anyhow::Result<()> {
    let mut request = args.common.request(&args.query)?;
    request.facet_size = args.limit;
    let engine = args.common.engine.open()?;
    let kind = args.kind;
    let listings = match &engine {
        Some(engine) => engine.entities(&request, kind)?,
        None => {
            Searcher::open(&query_index(args.common.index.as_deref())?)?.entities(&request, kind)?
        }
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    let list = EntityList {
        query: &args.query,
        listings: &listings,
    };
    output::render(&mut out, &list, args.common.format, terminal_style(false))?;
    out.flush()?;
    Ok(())
}
