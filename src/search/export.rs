//! Every article a search matches, written out one at a time: what `GET /api/export` streams
//! and what `vestnik search --with-body` prints. A page of hits is capped (a page is for
//! reading); an export is for a spreadsheet or a script and has no cap, so it must not hold the
//! result set: only the matches' addresses (a few bytes each) are kept, and each article is
//! read, written and dropped in turn.

use std::collections::HashSet;
use std::io::{self, Write};

use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::schema::Value;
use tantivy::{DocAddress, Order, TantivyDocument};

use super::stored::{day, group_label, stored_all, stored_text};
use super::{HitEntities, SearchError, SearchRequest, Searcher, Sort};
use crate::index;

/// How exported articles are written (`format=csv|jsonl` in `/api/export`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// A header row, then one row an article; UTF-8 with a byte-order mark, without which
    /// spreadsheet programs read Cyrillic as Latin-1.
    Csv,
    /// One JSON object a line.
    Jsonl,
}

/// Why an export stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The search failed before or while the articles were read.
    #[error(transparent)]
    Search(#[from] SearchError),
    /// The output went away (a closed pipe, a client that disconnected).
    #[error("cannot write the export: {0}")]
    Write(#[from] io::Error),
}

/// One exported article.
#[derive(Serialize)]
pub struct ExportRow {
    /// The id `vestnik show` and `/api/doc` take.
    pub id: String,
    /// The title (inferred when the file gave none; see `inferred`).
    pub title: String,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
    /// The outlet, when known.
    pub source: Option<String>,
    /// The article's address, when the file gave one.
    pub url: Option<String>,
    /// Who wrote it, where the file said.
    pub author: Option<String>,
    /// The first file the article was read from.
    pub path: String,
    /// Which metadata was inferred rather than stated by the file ("date", "title", ...).
    pub inferred: Vec<String>,
    /// The people, organizations and places it names, by canonical name.
    pub entities: HitEntities,
    /// Its release group (16 hex digits): versions of one text share it.
    pub group: String,
    /// BM25 relevance; absent when sorted by date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f32>,
    /// The whole text, when asked for (`with_body`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

/// Where rows go: through a CSV writer, or straight out as JSON lines.
enum Sink<'a> {
    Csv(Box<csv::Writer<&'a mut dyn Write>>),
    Jsonl(&'a mut dyn Write),
}

/// The columns of a CSV export: those it shares with `vestnik search --format csv` first, under
/// the same names and in the same order, so that a script reads both alike; then what only an
/// export has (and `body`, with the text).
const CSV_HEADER: [&str; 13] = [
    "id", "title", "date", "source", "url", "author", "path", "score", "group", "inferred",
    "persons", "orgs", "locs",
];

impl Searcher {
    /// Writes every article matching `req` (its query and filters; its page, facets and
    /// grouping of facets are ignored) to `out`, in `req.sort` order, one per release group
    /// when `req.group`. Returns how many were written.
    ///
    /// The time budget bounds the search, as for any request; writing is bounded by whoever
    /// reads, and stops at once when they go away (the write fails) or cancel the budget.
    pub fn export(
        &self,
        req: &SearchRequest,
        format: ExportFormat,
        with_body: bool,
        out: &mut dyn Write,
    ) -> Result<usize, ExportError> {
        let searcher = self.reader.searcher();
        let archive = self.archive(&searcher)?;
        // The articles the same search shows: relaxed exactly when `search` relaxes (the
        // strict query finds fewer than RELAX_BELOW and relaxing finds more), so that an
        // export of the page's results is those results.
        let strict = self.query(req, &archive, None)?;
        let mut query = strict.query;
        let mut total = searcher
            .search(&*query, &Count)
            .map_err(SearchError::from)?;
        if let Some((loose, _)) = self.loosened(req, &archive, strict.free.as_ref(), total)? {
            let loose_total = searcher
                .search(&*loose.query, &Count)
                .map_err(SearchError::from)?;
            if loose_total > total {
                (query, total) = (loose.query, loose_total);
            }
        }
        req.budget.check()?;
        let top = TopDocs::with_limit(total.max(1));
        let addresses: Vec<(Option<f32>, DocAddress)> = match req.sort {
            Sort::Relevance => searcher
                .search(&*query, &top.order_by_score())
                .map_err(SearchError::from)?
                .into_iter()
                .map(|(s, a)| (Some(s), a))
                .collect(),
            Sort::Date => searcher
                .search(
                    &*query,
                    &top.order_by_fast_field::<tantivy::DateTime>(
                        index::schema::names::DATE,
                        Order::Desc,
                    ),
                )
                .map_err(SearchError::from)?
                .into_iter()
                .map(|(_, a)| (None, a))
                .collect(),
        };
        req.budget.check()?;

        let mut sink = match format {
            ExportFormat::Csv => {
                out.write_all("\u{feff}".as_bytes())?;
                let mut w = csv::Writer::from_writer(out);
                let mut header: Vec<&str> = CSV_HEADER.to_vec();
                if with_body {
                    header.push("body");
                }
                w.write_record(&header).map_err(io::Error::from)?;
                Sink::Csv(Box::new(w))
            }
            ExportFormat::Jsonl => Sink::Jsonl(out),
        };
        let f = &self.fields;
        let mut seen_groups = HashSet::new();
        let mut written = 0;
        for (score, address) in addresses {
            if req.budget.is_cancelled() {
                return Err(SearchError::Cancelled.into());
            }
            let doc: TantivyDocument = searcher.doc(address).map_err(SearchError::from)?;
            if req.group
                && let Some(g) = doc.get_first(f.group).and_then(|v| v.as_u64())
                && !seen_groups.insert(g)
            {
                continue;
            }
            let text = |field| stored_text(&doc, field);
            let row = ExportRow {
                id: text(f.id).unwrap_or_default(),
                title: text(f.title).unwrap_or_default(),
                date: day(&doc, f.date),
                source: text(f.source),
                url: text(f.url),
                author: text(f.author),
                path: text(f.path).unwrap_or_default(),
                inferred: stored_all(&doc, f.inferred),
                entities: HitEntities::stored(&doc, f.mentions, &archive),
                group: group_label(&doc, f.group),
                score,
                body: if with_body { text(f.body) } else { None },
            };
            match &mut sink {
                Sink::Csv(w) => {
                    let mut record = vec![
                        row.id,
                        row.title,
                        row.date.unwrap_or_default(),
                        row.source.unwrap_or_default(),
                        row.url.unwrap_or_default(),
                        row.author.unwrap_or_default(),
                        row.path,
                        row.score.map(|s| format!("{s:.4}")).unwrap_or_default(),
                        row.group,
                        row.inferred.join(";"),
                        row.entities.person.join("; "),
                        row.entities.org.join("; "),
                        row.entities.loc.join("; "),
                    ];
                    if let Some(body) = row.body {
                        record.push(body);
                    }
                    w.write_record(&record).map_err(io::Error::from)?;
                }
                Sink::Jsonl(out) => {
                    serde_json::to_writer(&mut **out, &row).map_err(io::Error::from)?;
                    out.write_all(b"\n")?;
                }
            }
            written += 1;
        }
        match &mut sink {
            Sink::Csv(w) => w.flush()?,
            Sink::Jsonl(out) => out.flush()?,
        }
        Ok(written)
    }
}
