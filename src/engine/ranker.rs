//! How Sphinx is made to rank as the local index: the ranker expression (tantivy's BM25 per
//! field, written out), the statistics it reads from `ranking.json`, and the most an article
//! can weigh by some of its keys, which lets the engine path rank fewer articles exactly
//! (`engine::sphinx`, `translate::Bound`).

use std::collections::HashMap;
use std::path::Path;

use super::translate::Bound;
use crate::export::sphinx::{RANKING_FORMAT, RankingFile};

/// The ranker expression's value is multiplied by this before Sphinx keeps it as an integer
/// weight: enough digits that scores tantivy tells apart stay apart.
pub(super) const SCORE_SCALE: f32 = 100_000.0;

/// Reads `DIR/ranking.json`, as `vestnik export` wrote it.
pub(super) fn read_ranking(dir: &Path) -> anyhow::Result<RankingFile> {
    super::read_export_file(
        dir,
        "ranking.json",
        "--engine-dir names the folder `vestnik export` wrote; an export without it is older: export again",
        RANKING_FORMAT,
        |f: &RankingFile| f.format,
    )
}

/// The `idf` flag that gives ln(N/n) with `global_idf`. Sphinx 2.2.11 swaps the two
/// formulas when it reads a global IDF file: `plain` then yields ln((N−n+1)/n), which is
/// negative for a word in more than half the articles, and `normalized` yields ln(N/n)
/// (both divided by 2·ln(N+1)); measured with `PACKEDFACTORS()` on a 10,000-article export.
const GLOBAL_PLAIN_IDF: &str = "normalized";

/// The fields the ranker expression scores, as (field, tag, boost): the tag is the field's
/// `user_weight`, which only names it there.
const RANKED_FIELDS: [(&str, u32, f64); 7] = [
    ("title_words", 1, 1.0),
    ("headline_words", 2, crate::search::TITLE_BOOST as f64),
    ("body_words", 3, 1.0),
    ("prefix_words", 4, 1.0),
    ("person_names", 5, 1.0),
    ("org_names", 6, 1.0),
    ("loc_names", 7, 1.0),
];

/// The most one key in `field` adds to a strict query's weight, over its IDF: the field's
/// boost × (k1 + 1), the limit of `tf / (tf + k1·(1 − b + b·len/avg))` × (k1 + 1) as tf
/// grows (the ratio stays below 1 for every tf and length). `None` for a field the ranker
/// does not score.
fn field_ceiling(field: &str) -> Option<f64> {
    RANKED_FIELDS
        .iter()
        .find(|(f, _, _)| *f == field)
        .map(|(_, _, boost)| boost * (K1 + 1.0))
}

/// tantivy's BM25 parameters.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// The `OPTION`s that make Sphinx rank as the local index: tantivy's BM25 per field, summed,
/// headlines boosted as locally, with the archive's document counts (`global_idf`, plain
/// IDF, see [`GLOBAL_PLAIN_IDF`]) and average field lengths (from `ranking.json`).
///
/// Sphinx 2.2's `BM25F()` normalizes by the whole document's length, so the expression is
/// written out: for each field an article matched (`SUM` over matched fields; the field is
/// told by its `user_weight`, set only as a tag),
/// `boost × Σidf × (k1+1)·tf / (tf + k1·(1 − b + b·len/avg))`, where tf is the field's
/// idf-weighted mean term frequency (tf_idf / sum_idf).
/// That is tantivy's sum exactly for one term per field, and for the terms of a phrase (which
/// share the phrase's frequency); for several terms with different frequencies in one field it
/// is an approximation. The keys of each field are its own (see `export::Keyed`), so a
/// term's IDF is its field's, as in tantivy. What remains different: tantivy stores lengths
/// in one byte (exact to 40 terms, then in steps of up to 1/8) and its IDF is
/// ln(1 + (N − n + 0.5)/(n + 0.5)) where Sphinx's is ln(N/n).
///
/// A `relaxed` query ranks as the local relaxed one: its words in headlines and bodies and
/// their prefixes (`prefix_words`) with the relaxed k1 (`search::RELAXED_K1`).
pub(super) fn ranker(r: &RankingFile, relaxed: bool) -> String {
    let fields = RANKED_FIELDS;
    let k1_of = |field: &str| match field {
        "headline_words" | "body_words" | "prefix_words" if relaxed => {
            f64::from(crate::search::RELAXED_K1)
        }
        _ => K1,
    };
    let tf = "IF(sum_idf>0,tf_idf/sum_idf,hit_count)";
    let mut expr = String::from("0");
    for (field, tag, boost) in fields.iter().rev() {
        let avg = r.average_length.get(*field).copied().unwrap_or(0.0);
        let k1 = k1_of(field);
        let score = if *boost == 0.0 || avg <= 0.0 {
            "0".to_string()
        } else {
            format!(
                "{boost}*sum_idf*{k1p}*{tf}/({tf}+{k1}*({nb}+{B}*{field}_len/{avg:.6}))",
                k1p = k1 + 1.0,
                nb = 1.0 - B,
            )
        };
        expr = format!("IF(user_weight={tag},{score},{expr})");
    }
    let tags: Vec<String> = fields
        .iter()
        .map(|(field, tag, _)| format!("{field}={tag}"))
        .collect();
    format!(
        "ranker=expr('SUM({expr})*{SCORE_SCALE}'), field_weights=({}), idf='{GLOBAL_PLAIN_IDF},tfidf_unnormalized', global_idf=1",
        tags.join(", ")
    )
}

/// The most an article holding none of `bound.headline` can weigh in an archive of
/// `documents` articles: each other key's [`field_ceiling`] × its IDF as the shards rank with
/// it, ln(N/n) / (2 ln(N+1)), n from the query's `SHOW META` (a key it does not report counts
/// as in one article, its greatest IDF; a key in none adds nothing), × [`SCORE_SCALE`].
pub(super) fn ceiling(documents: f64, bound: &Bound, docs: &HashMap<String, u64>) -> f64 {
    let n_all = documents.max(1.0);
    let norm = 2.0 * (n_all + 1.0).ln();
    let mut sum = 0.0;
    for (field, key) in &bound.others {
        let n = docs.get(key).copied().unwrap_or(1);
        if n == 0 {
            continue;
        }
        // A field the ranker does not know would make the bound meaningless.
        let Some(top) = field_ceiling(field) else {
            return f64::INFINITY;
        };
        sum += top * (n_all / n as f64).ln().max(0.0) / norm;
    }
    sum * f64::from(SCORE_SCALE)
}
