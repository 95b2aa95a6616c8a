//! A search's answer: a page of hits with the facets ([`Page`]), or the facets alone, also as
//! the server's `/api/facets` answers them ([`FacetsOnly`]).

use std::io::{self, Write};

use serde::{Serialize, Serializer};

use super::text::{Style, write_text};
use super::view::{Parts, View};
use super::{COUNT_HEADER, Csv, Render, count_rows, line, pretty};
use crate::entities::EntityType;
use crate::search::{Facets, Filters, Hit, Relaxation, SearchResult};

/// A search's answer as `vestnik search` prints it.
pub struct Page<'a> {
    /// The answer to print.
    pub result: &'a SearchResult,
    /// What of it to print.
    pub view: View,
}

impl Render for Page<'_> {
    fn text(&self, out: &mut dyn Write, style: Style) -> io::Result<()> {
        write_text(out, self.result, &self.view, style)
    }

    fn json(&self, out: &mut dyn Write) -> io::Result<()> {
        match self.view.parts {
            Parts::All => pretty(out, self.result),
            Parts::FacetsOnly => pretty(out, &Summary::of(self.result)),
        }
    }

    /// One line per hit, `{"type": "hit", ...}`, then `{"type": "summary", "query", "total",
    /// "facets"}`, so a script can stream hits and still get the counts.
    fn jsonl(&self, out: &mut dyn Write) -> io::Result<()> {
        if self.view.parts == Parts::All {
            for hit in &self.result.hits {
                line(out, &Line::Hit(hit))?;
            }
        }
        line(out, &Line::Summary(Summary::of(self.result)))
    }

    /// Hits as rows; with `--facets-only`, facet rows (`kind,value,count`) instead, since the
    /// two do not share columns.
    fn csv(&self, w: &mut Csv<'_>) -> io::Result<()> {
        let r = self.result;
        if self.view.parts == Parts::FacetsOnly {
            w.write_record(COUNT_HEADER)?;
            count_rows(w, "source", &r.facets.source)?;
            // The articles without a date have an empty value: CSV's null.
            for c in &r.facets.date {
                let value = c.value.as_deref().unwrap_or("");
                w.write_record(["date", value, &c.count.to_string()])?;
            }
            for kind in EntityType::ALL {
                count_rows(w, kind.name(), &r.facets.entities[kind])?;
            }
            return Ok(());
        }
        w.write_record([
            "id",
            "title",
            "date",
            "source",
            "url",
            "author",
            "path",
            "score",
            "snippet",
            "group",
            "duplicates",
        ])?;
        for h in &r.hits {
            w.write_record([
                h.id.as_str(),
                &h.title,
                h.date.as_deref().unwrap_or(""),
                h.source.as_deref().unwrap_or(""),
                h.url.as_deref().unwrap_or(""),
                h.author.as_deref().unwrap_or(""),
                &h.path,
                &h.score.map(|s| format!("{s:.4}")).unwrap_or_default(),
                &h.snippet,
                &h.group,
                &h.duplicates.len().to_string(),
            ])?;
        }
        Ok(())
    }
}

/// A search's answer without its hits, as `/api/facets` serializes it: the same fields as
/// `vestnik search --facets-only --format json`.
pub struct FacetsOnly(pub SearchResult);

impl Serialize for FacetsOnly {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Summary::of(&self.0).serialize(s)
    }
}

/// The last JSONL line, and the whole JSON answer with `--facets-only`.
#[derive(Serialize)]
struct Summary<'a> {
    query: &'a str,
    total: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    groups: Option<usize>,
    facets: &'a Facets,
    filters: &'a Filters,
    relaxed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    relaxation: Option<&'a Relaxation>,
    suggestions: &'a [String],
}

impl<'a> Summary<'a> {
    fn of(r: &'a SearchResult) -> Summary<'a> {
        Summary {
            query: &r.query,
            total: r.total,
            groups: r.groups,
            facets: &r.facets,
            filters: &r.filters,
            relaxed: r.relaxed,
            relaxation: r.relaxation.as_ref(),
            suggestions: &r.suggestions,
        }
    }
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum Line<'a> {
    Hit(&'a Hit),
    Summary(Summary<'a>),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{FacetView, Format, render};
    use crate::search::HitEntities;

    fn hit(id: String, title: String, snippet: String, source: Option<String>) -> Hit {
        Hit {
            id,
            title,
            date: Some("2024-05-17".into()),
            source,
            url: None,
            author: None,
            path: "a/b.txt".into(),
            paths: vec!["a/b.txt".into()],
            score: Some(1.5),
            snippet,
            highlights: vec![[0, 1]],
            inferred: Vec::new(),
            encoding: None,
            entities: HitEntities::default(),
            group: "g".into(),
            duplicates: Vec::new(),
        }
    }

    fn result(query: String, hits: Vec<Hit>) -> SearchResult {
        SearchResult {
            query,
            total: hits.len(),
            hits,
            facets: Facets::default(),
            groups: None,
            filters: Filters::default(),
            relaxed: false,
            relaxation: None,
            suggestions: Vec::new(),
        }
    }

    fn rendered(r: &SearchResult, format: Format) -> String {
        let page = Page {
            result: r,
            view: View {
                parts: Parts::All,
                facets: FacetView::Compact,
                offset: 0,
                facet_size: 10,
            },
        };
        let mut out = Vec::new();
        render(&mut out, &page, format, Style::default()).expect("rendered");
        String::from_utf8(out).expect("UTF-8")
    }

    proptest::proptest! {
        /// Whatever the articles hold (quotes, control characters, line breaks, any Unicode),
        /// the JSON, JSON Lines and CSV of a page read back to the same values, and JSON Lines
        /// stays one value a line.
        #[test]
        fn a_page_reads_back_from_json_jsonl_and_csv(
            query in proptest::prelude::any::<String>(),
            hits in proptest::collection::vec(
                (
                    proptest::prelude::any::<String>(),
                    proptest::prelude::any::<String>(),
                    "[\"\\\\,\n\r\t\u{0}-\u{1f}а-яё «»]{0,24}",
                    proptest::option::of(proptest::prelude::any::<String>()),
                ),
                0..4,
            ),
        ) {
            let hits: Vec<Hit> = hits
                .into_iter()
                .map(|(id, title, snippet, source)| hit(id, title, snippet, source))
                .collect();
            let r = result(query, hits);

            let json: serde_json::Value =
                serde_json::from_str(&rendered(&r, Format::Json)).expect("valid JSON");
            proptest::prop_assert_eq!(json["query"].as_str(), Some(r.query.as_str()));
            proptest::prop_assert_eq!(json["total"].as_u64(), Some(r.total as u64));
            for (h, j) in r.hits.iter().zip(json["hits"].as_array().expect("hits")) {
                proptest::prop_assert_eq!(j["id"].as_str(), Some(h.id.as_str()));
                proptest::prop_assert_eq!(j["title"].as_str(), Some(h.title.as_str()));
                proptest::prop_assert_eq!(j["snippet"].as_str(), Some(h.snippet.as_str()));
                proptest::prop_assert_eq!(j["source"].as_str(), h.source.as_deref());
            }

            let jsonl = rendered(&r, Format::Jsonl);
            let lines: Vec<serde_json::Value> = jsonl
                .lines()
                .map(|l| serde_json::from_str(l).expect("each line one JSON value"))
                .collect();
            proptest::prop_assert_eq!(lines.len(), r.hits.len() + 1);
            for (h, j) in r.hits.iter().zip(&lines) {
                proptest::prop_assert_eq!(j["type"].as_str(), Some("hit"));
                proptest::prop_assert_eq!(j["title"].as_str(), Some(h.title.as_str()));
                proptest::prop_assert_eq!(j["snippet"].as_str(), Some(h.snippet.as_str()));
            }
            let summary = lines.last().expect("a summary line");
            proptest::prop_assert_eq!(summary["type"].as_str(), Some("summary"));
            proptest::prop_assert_eq!(summary["query"].as_str(), Some(r.query.as_str()));

            let csv = rendered(&r, Format::Csv);
            let mut reader = csv::ReaderBuilder::new().from_reader(csv.as_bytes());
            let rows: Vec<csv::StringRecord> =
                reader.records().collect::<Result<_, _>>().expect("valid CSV");
            proptest::prop_assert_eq!(rows.len(), r.hits.len());
            for (h, row) in r.hits.iter().zip(&rows) {
                proptest::prop_assert_eq!(&row[0], h.id.as_str());
                proptest::prop_assert_eq!(&row[1], h.title.as_str());
                proptest::prop_assert_eq!(&row[3], h.source.as_deref().unwrap_or(""));
                proptest::prop_assert_eq!(&row[8], h.snippet.as_str());
            }
        }
    }
}
