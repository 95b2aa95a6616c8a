//! `vestnik export --to opensearch` and `--to quickwit`: the archive as JSON documents for
//! engines that take them (OpenSearch's `_bulk`, Quickwit's ingest), with vestnik's analysis
//! applied as for Sphinx (see the module above): each full-text field holds the keys of its
//! terms, entity clauses rank on the keys of the names, and entity ids are keyword fields for
//! filters and facets. These targets are on paper: the files are written and checked against
//! golden files, but no such engine runs here to answer `--engine`.
//!
//! What is written to `DIR`:
//! - OpenSearch: `mapping.json` (settings and mappings, for `PUT /vestnik`) and
//!   `bulk-NNNN.ndjson`, `_bulk` bodies of at most [`BULK_ARTICLES`] articles each;
//! - Quickwit: `index-config.yaml` (for `quickwit index create`) and `docs.ndjson` (for
//!   `quickwit index ingest`);
//! - both: `entities.json` (as for Sphinx: names resolve as in the local index) and a
//!   `README.md` of how to load them.
//!
//! The export streams: one article is in memory at a time.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde_json::{Map, Value, json};

use super::sphinx::{NameCounts, date_parts, names_field, write_entities, write_file};
use super::{Keyed, analyzed_keys_into, analyzed_keys_with_prefixes, field_key};
use crate::entities::EntityType;
use crate::search::{Searcher, StoredArticle};

/// Articles per `_bulk` file: well under OpenSearch's default 100 MB request limit for
/// articles of a few kilobytes, keys included.
pub const BULK_ARTICLES: u64 = 5_000;

/// The name of the index both engines are told to create.
pub const INDEX: &str = "vestnik";

/// The engine the documents are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// OpenSearch: a mapping and `_bulk` bodies.
    OpenSearch,
    /// Quickwit: an index config and one NDJSON file to ingest.
    Quickwit,
}

/// What to export and where.
#[derive(Debug, Clone)]
pub struct Options {
    /// The folder the files are written to.
    pub dir: PathBuf,
    /// Which engine's files to write.
    pub target: Target,
    /// OpenSearch's `number_of_shards`; Quickwit splits by itself and takes none.
    pub shards: usize,
}

/// What an export wrote.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Articles written.
    pub articles: u64,
    /// The files written, for the summary users see.
    pub files: Vec<PathBuf>,
}

/// The full-text fields of a document, each holding the keys of its terms (or of its names).
const TEXT_FIELDS: [&str; 7] = [
    "title_words",
    "headline_words",
    "body_words",
    "prefix_words",
    "person_names",
    "org_names",
    "loc_names",
];

/// Writes the export; `progress` is told the number of articles written so far, now and then.
pub fn export(
    searcher: &Searcher,
    opts: &Options,
    progress: &mut dyn FnMut(u64),
) -> anyhow::Result<Summary> {
    if opts.shards == 0 || opts.shards > 1024 {
        bail!("--shards must be from 1 to 1024");
    }
    std::fs::create_dir_all(&opts.dir)
        .with_context(|| format!("cannot create {}", opts.dir.display()))?;
    let dir = &opts.dir;
    let ids: [Vec<String>; 3] = {
        let mut ids: [Vec<String>; 3] = Default::default();
        for kind in EntityType::ALL {
            ids[kind as usize] = searcher
                .archive_entities(kind)?
                .into_iter()
                .map(|e| e.id)
                .collect();
        }
        ids
    };
    let mut analyzer = crate::analysis::russian_analyzer();
    let mut names: NameCounts = Default::default();
    let mut files = Vec::new();
    let mut out: Option<(PathBuf, BufWriter<File>)> = None;
    let mut written = 0u64;
    searcher.each_article(&mut |a| {
        for (counts, list) in names.iter_mut().zip(&a.names) {
            for name in list {
                *counts.entry(name.clone()).or_default() += 1;
            }
        }
        let path = match opts.target {
            Target::OpenSearch => {
                dir.join(format!("bulk-{:04}.ndjson", written / BULK_ARTICLES + 1))
            }
            Target::Quickwit => dir.join("docs.ndjson"),
        };
        if out.as_ref().is_none_or(|(p, _)| *p != path) {
            if let Some((p, w)) = out.take() {
                finish(&p, w)?;
            }
            let file =
                File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
            files.push(path.clone());
            out = Some((path.clone(), BufWriter::new(file)));
        }
        written += 1;
        let doc = document(a, &ids, &mut analyzer);
        let Some((_, w)) = out.as_mut() else {
            unreachable!("a file was opened above")
        };
        if opts.target == Target::OpenSearch {
            // The article's own id, so that loading an export again replaces its documents.
            serde_json::to_writer(&mut *w, &json!({"index": {"_index": INDEX, "_id": a.id}}))?;
            w.write_all(b"\n")?;
        }
        serde_json::to_writer(&mut *w, &doc)?;
        w.write_all(b"\n")
            .with_context(|| format!("cannot write {}", path.display()))?;
        if written.is_multiple_of(10_000) {
            progress(written);
        }
        Ok(())
    })?;
    if let Some((p, w)) = out.take() {
        finish(&p, w)?;
    }
    progress(written);
    write_entities(searcher, dir, names)?;
    match opts.target {
        Target::OpenSearch => {
            let mapping = serde_json::to_string_pretty(&opensearch_mapping(opts.shards))?;
            write_file(&dir.join("mapping.json"), &(mapping + "\n"))?;
            write_file(&dir.join("README.md"), &opensearch_readme())?;
        }
        Target::Quickwit => {
            write_file(&dir.join("index-config.yaml"), &quickwit_config())?;
            write_file(&dir.join("README.md"), &quickwit_readme())?;
        }
    }
    Ok(Summary {
        articles: written,
        files,
    })
}

fn finish(path: &Path, w: BufWriter<File>) -> anyhow::Result<()> {
    w.into_inner()
        .map_err(|e| e.into_error())
        .and_then(|f| f.sync_all())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// One article as a JSON document: the stored values, the date as attributes, the keys of
/// each full-text field and the entity ids. `ids` are the archive's entity ids by number.
pub fn document(
    a: &StoredArticle,
    ids: &[Vec<String>; 3],
    analyzer: &mut tantivy::tokenizer::TextAnalyzer,
) -> Value {
    let keys = |analyzer: &mut tantivy::tokenizer::TextAnalyzer, text: &str, field| {
        let mut out = String::new();
        analyzed_keys_into(analyzer, text, field, &mut out);
        out
    };
    let (year, month, day) = date_parts(a.date.as_deref());
    let mut doc = Map::new();
    doc.insert("vid".into(), json!(a.id));
    doc.insert("title".into(), json!(a.title));
    doc.insert("url".into(), json!(a.url));
    doc.insert("source".into(), json!(a.source));
    // Sources are matched case-insensitively as whole names, as locally.
    doc.insert(
        "source_key".into(),
        json!(a.source.as_deref().map(str::to_lowercase)),
    );
    doc.insert("date".into(), json!(a.date));
    doc.insert("year".into(), json!(year));
    doc.insert("month".into(), json!(month));
    doc.insert("day".into(), json!(day));
    doc.insert(
        "group".into(),
        if a.group == 0 {
            Value::Null
        } else {
            json!(format!("{:016x}", a.group))
        },
    );
    doc.insert(
        "title_words".into(),
        json!(keys(analyzer, &a.title, Keyed::Title)),
    );
    // Headline and body in one pass each, with the prefixes of their words, which a relaxed
    // question counts and ranks by (as the local `prefixes` field).
    let mut headline = String::new();
    let mut body = String::new();
    let mut prefixes = String::new();
    if a.headline {
        analyzed_keys_with_prefixes(
            analyzer,
            &a.title,
            Keyed::Headline,
            &mut headline,
            &mut prefixes,
        );
    }
    analyzed_keys_with_prefixes(analyzer, &a.body, Keyed::Body, &mut body, &mut prefixes);
    doc.insert("headline_words".into(), json!(headline));
    doc.insert("body_words".into(), json!(body));
    doc.insert("prefix_words".into(), json!(prefixes));
    for kind in EntityType::ALL {
        let names: Vec<String> = a.names[kind as usize]
            .iter()
            .map(|n| field_key(Keyed::Name(kind), n))
            .collect();
        doc.insert(names_field(kind).into(), json!(names.join(" ")));
        let entity_ids: Vec<&str> = a.entities[kind as usize]
            .iter()
            .filter_map(|&n| ids[kind as usize].get(n as usize).map(String::as_str))
            .collect();
        doc.insert(
            crate::export::sphinx::attribute(kind).into(),
            json!(entity_ids),
        );
    }
    doc.insert("body".into(), json!(a.body));
    Value::Object(doc)
}

/// OpenSearch's index settings and mappings. The keys are split on spaces and kept as they
/// are (vestnik has analyzed the words); BM25 with tantivy's k1 and b, whose IDF,
/// ln(1 + (N − n + 0.5)/(n + 0.5)), is Lucene's too, and Lucene, like tantivy, keeps field
/// lengths in one byte, so the local ranking carries over (given `dfs_query_then_fetch`, see
/// the README). Entity ids and sources are keyword fields, for exact filters and `terms`
/// aggregations.
pub fn opensearch_mapping(shards: usize) -> Value {
    let mut properties = Map::new();
    for f in TEXT_FIELDS {
        properties.insert(
            f.into(),
            json!({"type": "text", "analyzer": "keys", "similarity": "vestnik_bm25"}),
        );
    }
    for f in [
        "vid",
        "source",
        "source_key",
        "group",
        "person",
        "org",
        "loc",
    ] {
        properties.insert(f.into(), json!({"type": "keyword"}));
    }
    for f in ["title", "url", "body"] {
        properties.insert(f.into(), json!({"type": "text", "index": false}));
    }
    properties.insert(
        "date".into(),
        json!({"type": "date", "format": "yyyy-MM-dd"}),
    );
    for f in ["year", "month", "day"] {
        properties.insert(f.into(), json!({"type": "integer"}));
    }
    json!({
        "settings": {
            "index": {
                "number_of_shards": shards,
                "number_of_replicas": 0,
                "similarity": {
                    "vestnik_bm25": {"type": "BM25", "k1": 1.2, "b": 0.75}
                },
                "analysis": {
                    "analyzer": {
                        "keys": {"type": "custom", "tokenizer": "whitespace"}
                    }
                }
            }
        },
        "mappings": {
            "dynamic": "strict",
            "properties": properties
        }
    })
}

/// Quickwit's index configuration. The keys go through Quickwit's `default` tokenizer, which
/// leaves lowercase ASCII letters and digits as they are; positions are recorded for phrases
/// and field norms kept for BM25. Entity ids and sources are raw fast fields, for filters and
/// `terms` aggregations; the date fields are fast for date histograms and ranges.
pub fn quickwit_config() -> String {
    let mut s = String::from(
        "# vestnik export for Quickwit (quickwit index create --index-config index-config.yaml)\n\
         version: 0.8\n\
         index_id: vestnik\n\
         doc_mapping:\n  mode: strict\n  field_mappings:\n",
    );
    for f in TEXT_FIELDS {
        s.push_str(&format!(
            "    - name: {f}\n      type: text\n      tokenizer: default\n      record: position\n      fieldnorms: true\n"
        ));
    }
    for f in ["vid", "source", "source_key", "group"] {
        s.push_str(&format!(
            "    - name: {f}\n      type: text\n      tokenizer: raw\n      fast: true\n"
        ));
    }
    for f in ["person", "org", "loc"] {
        s.push_str(&format!(
            "    - name: {f}\n      type: array<text>\n      tokenizer: raw\n      fast: true\n"
        ));
    }
    for f in ["title", "url", "body"] {
        s.push_str(&format!(
            "    - name: {f}\n      type: text\n      indexed: false\n"
        ));
    }
    s.push_str(
        "    - name: date\n      type: datetime\n      input_formats:\n        - \"%Y-%m-%d\"\n      fast: true\n",
    );
    for f in ["year", "month", "day"] {
        s.push_str(&format!(
            "    - name: {f}\n      type: u64\n      fast: true\n"
        ));
    }
    s.push_str("search_settings:\n  default_search_fields: [headline_words, body_words]\n");
    s
}

fn opensearch_readme() -> String {
    format!(
        "# vestnik archive for OpenSearch\n\n\
         Written by `vestnik export --to opensearch`: each word is the key of its vestnik index\n\
         term (the same keys as the Sphinx export), entity ids are keyword fields. Create the\n\
         index, then load the documents:\n\n\
         ```sh\n\
         curl -XPUT 'localhost:9200/{INDEX}' -H 'Content-Type: application/json' --data-binary @mapping.json\n\
         for f in bulk-*.ndjson; do\n  \
         curl -XPOST 'localhost:9200/_bulk' -H 'Content-Type: application/x-ndjson' --data-binary @$f\n\
         done\n\
         ```\n\n\
         Search with `search_type=dfs_query_then_fetch`, so that every shard ranks with the\n\
         whole index's document counts, and count facets with `terms` aggregations whose\n\
         `size` is the number of values (or a `composite` aggregation paged to the end), so\n\
         that `doc_count_error_upper_bound` is 0.\n"
    )
}

fn quickwit_readme() -> String {
    "# vestnik archive for Quickwit\n\n\
     Written by `vestnik export --to quickwit`: each word is the key of its vestnik index term\n\
     (the same keys as the Sphinx export), entity ids are raw fast fields. Create the index,\n\
     then ingest the documents:\n\n\
     ```sh\n\
     quickwit index create --index-config index-config.yaml\n\
     quickwit index ingest --index vestnik --input-path docs.ndjson\n\
     ```\n"
        .to_string()
}
