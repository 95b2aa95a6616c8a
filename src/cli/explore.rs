//! `vestnik related` and `vestnik timeline`.

use std::io::{self, Write};

use super::flags::{EntityFilters, QueryFlags, query_or_all, report_unresolved, terminal_style};
use super::index::query_index;
use crate::entities::EntityType;
use crate::output;
use crate::search::{DateBucket, Searcher};

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("entity").required(true).args(["person", "org", "loc"])))]
pub(super) struct RelatedArgs {
    /// Only articles matching this query as well [default: all]
    #[arg(default_value = "*", allow_hyphen_values = true)]
    query: String,
    /// The person, in any case form, in part or in Latin letters
    #[arg(long)]
    person: Option<String>,
    /// The organization (aliases count: UNICEF = ЮНИСЕФ)
    #[arg(long)]
    org: Option<String>,
    /// The place
    #[arg(long)]
    loc: Option<String>,
    /// How many people, organizations and places to list
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// Require every word even when no article has them all (no relaxing, as for `vestnik
    /// search --strict`)
    #[arg(long)]
    strict: bool,
    #[command(flatten)]
    filters: QueryFlags,
}

#[derive(clap::Args)]
pub(super) struct TimelineArgs {
    /// Query, as for `vestnik search`; * counts every article [default: * when a filter such
    /// as --person is given]
    #[arg(allow_hyphen_values = true)]
    query: Option<String>,
    /// Period of each count
    #[arg(long, value_enum, default_value_t = DateBucket::Month)]
    by: DateBucket,
    #[command(flatten)]
    entities: EntityFilters,
    /// Require every word even when no article has them all (no relaxing, as for `vestnik
    /// search --strict`)
    #[arg(long)]
    strict: bool,
    #[command(flatten)]
    filters: QueryFlags,
}

pub(super) fn related_command(args: RelatedArgs) -> anyhow::Result<()> {
    let (kind, name) = match (&args.person, &args.org, &args.loc) {
        (Some(p), _, _) => (EntityType::Per, p),
        (_, Some(o), _) => (EntityType::Org, o),
        (_, _, Some(l)) => (EntityType::Loc, l),
        _ => anyhow::bail!("give --person, --org or --loc"),
    };
    let mut base = args.filters.request(&args.query)?;
    base.strict = args.strict;
    let related = match args.filters.engine.open()? {
        Some(engine) => {
            crate::search::related(&|r| engine.search(r), kind, name, &base, args.limit)?
        }
        None => {
            let searcher = Searcher::open(&query_index(args.filters.index.as_deref())?)?;
            searcher.related(kind, name, &base, args.limit)?
        }
    };
    report_unresolved(&related.filters);
    let mut out = io::BufWriter::new(io::stdout().lock());
    output::render(
        &mut out,
        &related,
        args.filters.format,
        terminal_style(false),
    )?;
    out.flush()?;
    Ok(())
}

pub(super) fn timeline_command(args: TimelineArgs) -> anyhow::Result<()> {
    let filtered = args.filters.filtered() || !args.entities.is_empty();
    let query = query_or_all(args.query, filtered)?;
    let mut req = args.filters.request(&query)?;
    req.strict = args.strict;
    req.date_bucket = args.by;
    req.entities = args.entities.by_kind();
    let timeline = match args.filters.engine.open()? {
        Some(engine) => crate::search::timeline(&|r| engine.search(r), &req)?,
        None => Searcher::open(&query_index(args.filters.index.as_deref())?)?.timeline(&req)?,
    };
    report_unresolved(&timeline.filters);
    let mut out = io::BufWriter::new(io::stdout().lock());
    output::render(
        &mut out,
        &timeline,
        args.filters.format,
        terminal_style(false),
    )?;
    out.flush()?;
    Ok(())
}
