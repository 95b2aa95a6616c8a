//! One term scored by BM25 with a k1 of its own: the relaxed query's words and prefixes.
//!
//! tantivy's BM25 fixes k1 at 1.2: the fifth "Шымкент" in an article still adds a good share
//! of the first one's score. That suits a keyword query, where every article has every word
//! and frequency is what tells them apart. A relaxed query is a question: what tells the
//! answer apart is how many of its words (and their relatives, by prefix) an article has,
//! not how often it repeats one. A lower k1 saturates sooner and rewards coverage. Measured
//! on XQuAD-ru (`vestnik bench ir`, nDCG@10 paragraphs / sentences, with the prefixes):
//! k1 1.2 gave 0.960 / 0.823, 0.8 0.962 / 0.829, 0.5 0.962 / 0.830, 0.4 0.961 / 0.831.
//!
//! Everything else is tantivy's: its IDF, b = 0.75, the average field length over the
//! searcher's segments and its one-byte field lengths, so that at k1 = 1.2 the score is a
//! `TermQuery`'s exactly (a test holds this).

use std::sync::Arc;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

/// The k1 of a relaxed query's terms (see the module doc).
pub const RELAXED_K1: Score = 0.5;
/// tantivy's b.
const B: Score = 0.75;

/// Documents holding `term`, scored by BM25 with `k1`.
#[derive(Debug, Clone)]
pub(crate) struct RelaxedTerm {
    term: Term,
    k1: Score,
}

impl RelaxedTerm {
    /// `term` scored with [`RELAXED_K1`].
    pub fn new(term: Term) -> RelaxedTerm {
        RelaxedTerm::with_k1(term, RELAXED_K1)
    }

    /// `term` scored with `k1`.
    pub fn with_k1(term: Term, k1: Score) -> RelaxedTerm {
        RelaxedTerm { term, k1 }
    }
}

/// tantivy's IDF: ln(1 + (N − n + 0.5)/(n + 0.5)).
fn idf(doc_freq: u64, docs: u64) -> Score {
    let n = doc_freq.min(docs) as Score;
    (1.0 + (docs as Score - n + 0.5) / (n + 0.5)).ln()
}

impl Query for RelaxedTerm {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let field = self.term.field();
        let (weight, average) = match scoring {
            EnableScoring::Enabled {
                statistics_provider: stats,
                ..
            } => {
                let docs = stats.total_num_docs()?;
                let tokens = stats.total_num_tokens(field)?;
                let average = if docs == 0 {
                    1.0
                } else {
                    tokens as Score / docs as Score
                };
                let idf = idf(stats.doc_freq(&self.term)?, docs);
                (idf * (1.0 + self.k1), average)
            }
            EnableScoring::Disabled { .. } => (1.0, 1.0),
        };
        let mut norms = [0.0; 256];
        for (id, norm) in norms.iter_mut().enumerate() {
            let length = FieldNormReader::id_to_fieldnorm(id as u8) as Score;
            *norm = self.k1 * (1.0 - B + B * length / average.max(Score::MIN_POSITIVE));
        }
        Ok(Box::new(RelaxedWeight {
            term: self.term.clone(),
            weight,
            norms: Arc::new(norms),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        visitor(&self.term, false);
    }
}

struct RelaxedWeight {
    term: Term,
    /// idf × (k1 + 1).
    weight: Score,
    /// k1 × (1 − b + b × length / average), per one-byte field length.
    norms: Arc<[Score; 256]>,
}

impl RelaxedWeight {
    fn scorer_of(
        &self,
        reader: &SegmentReader,
        boost: Score,
    ) -> tantivy::Result<Option<RelaxedScorer>> {
        let field = self.term.field();
        let Some(postings) = reader
            .inverted_index(field)?
            .read_postings(&self.term, IndexRecordOption::WithFreqs)?
        else {
            return Ok(None);
        };
        Ok(Some(RelaxedScorer {
            postings,
            lengths: reader.get_fieldnorms_reader(field)?,
            weight: self.weight * boost,
            norms: self.norms.clone(),
        }))
    }
}

impl Weight for RelaxedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(match self.scorer_of(reader, boost)? {
            Some(s) => Box::new(s),
            None => Box::new(EmptyScorer),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let Some(mut s) = self.scorer_of(reader, 1.0)? else {
            return Err(not_matched(doc));
        };
        if s.seek(doc) != doc {
            return Err(not_matched(doc));
        }
        Ok(Explanation::new("BM25 with the relaxed k1", s.score()))
    }
}

fn not_matched(doc: DocId) -> tantivy::TantivyError {
    tantivy::TantivyError::InvalidArgument(format!("document {doc} does not hold the term"))
}

struct RelaxedScorer {
    postings: SegmentPostings,
    lengths: FieldNormReader,
    weight: Score,
    norms: Arc<[Score; 256]>,
}

impl DocSet for RelaxedScorer {
    fn advance(&mut self) -> DocId {
        self.postings.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.postings.seek(target)
    }

    fn doc(&self) -> DocId {
        self.postings.doc()
    }

    fn size_hint(&self) -> u32 {
        self.postings.size_hint()
    }
}

impl Scorer for RelaxedScorer {
    fn score(&mut self) -> Score {
        let doc = self.postings.doc();
        if doc == TERMINATED {
            return 0.0;
        }
        let tf = self.postings.term_freq() as Score;
        let norm = self.norms[self.lengths.fieldnorm_id(doc) as usize];
        self.weight * tf / (tf + norm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::TopDocs;
    use tantivy::query::TermQuery;
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{Index, TantivyDocument};

    /// At tantivy's own k1 the score is a `TermQuery`'s, document for document, over two
    /// segments of varied lengths and frequencies; a lower k1 ranks coverage over repetition.
    #[test]
    fn at_tantivys_k1_it_scores_as_a_term_query() {
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 20_000_000).unwrap();
        let mut state: u64 = 11;
        for segment in 0..2 {
            for _ in 0..3_000 {
                let mut text = String::new();
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                for i in 0..(state >> 40) % 60 + 1 {
                    text += ["a", "b", "c", "d"][((state >> (i % 30)) % 4) as usize];
                    text.push(' ');
                }
                let mut doc = TantivyDocument::default();
                doc.add_text(body, &text);
                writer.add_document(doc).unwrap();
            }
            let _ = segment;
            writer.commit().unwrap();
        }
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 2);
        let term = Term::from_field_text(body, "a");
        let all = TopDocs::with_limit(10_000).order_by_score();
        let mut ours = searcher
            .search(&RelaxedTerm::with_k1(term.clone(), 1.2), &all)
            .unwrap();
        let mut theirs = searcher
            .search(
                &TermQuery::new(term.clone(), IndexRecordOption::WithFreqs),
                &all,
            )
            .unwrap();
        assert!(ours.len() > 1_000);
        assert_eq!(ours.len(), theirs.len());
        ours.sort_by_key(|(_, d)| *d);
        theirs.sort_by_key(|(_, d)| *d);
        for ((a, da), (b, db)) in ours.iter().zip(&theirs) {
            assert_eq!(da, db);
            assert!((a - b).abs() < 1e-5 * b.abs().max(1.0), "{a} {b}");
        }

        // Two short documents: "a a a a" against "a b". At k1 1.2 repetition wins the term's
        // score by far; at the relaxed k1 the gap is much smaller.
        let ratio = |k1: Score| {
            let s = searcher
                .search(&RelaxedTerm::with_k1(term.clone(), k1), &all)
                .unwrap();
            let max = s.iter().map(|x| x.0).fold(0.0, Score::max);
            let min = s.iter().map(|x| x.0).fold(Score::MAX, Score::min);
            max / min
        };
        assert!(ratio(RELAXED_K1) < ratio(1.2));
    }
}
