//! "At least k of these clauses": the query of a relaxed query's words, scored as the sum of
//! the clauses an article matches, as tantivy's `BooleanQuery::with_minimum_required_clauses`
//! scores it, but counted in windows rather than through a heap.
//!
//! tantivy answers a minimum-should-match with a binary heap of its clauses, popped and pushed
//! once per posting: on 200,000 articles a relaxed question of ten words spent 37% of its time
//! in the heap (p50 15.7 ms, against 8.2 ms for the same words joined by OR). Here each clause
//! writes its postings of the next 4,096 documents into a window (a score and a count per
//! document, a bit per document for the ones touched), as tantivy's own union does, and the
//! documents of the window with enough clauses are read off in order.
//!
//! Score-only clauses (a word's stem where its prefix is what counts) are read over the
//! window after the counted ones and add their score to the documents those touched, as a
//! `Should` beside a `Must` would; they never bring in a document of their own.

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

/// Documents per window.
const WINDOW: u32 = 4096;
const WORDS: usize = WINDOW as usize / 64;

/// Documents matching at least `required` of `clauses`, scored by the sum of the clauses they
/// match and of the `scoring` clauses they match.
#[derive(Debug)]
pub(crate) struct AtLeast {
    clauses: Vec<Box<dyn Query>>,
    scoring: Vec<Box<dyn Query>>,
    required: usize,
}

impl AtLeast {
    /// At least `required` of `clauses`.
    #[cfg(test)]
    pub fn new(clauses: Vec<Box<dyn Query>>, required: usize) -> AtLeast {
        AtLeast::with_scoring(clauses, Vec::new(), required)
    }

    /// At least `required` of `clauses`, with `scoring` adding to the score of the documents
    /// found without counting towards `required`.
    pub fn with_scoring(
        clauses: Vec<Box<dyn Query>>,
        scoring: Vec<Box<dyn Query>>,
        required: usize,
    ) -> AtLeast {
        AtLeast {
            clauses,
            scoring,
            required: required.max(1),
        }
    }
}

impl Clone for AtLeast {
    fn clone(&self) -> AtLeast {
        AtLeast {
            clauses: self.clauses.iter().map(|q| q.box_clone()).collect(),
            scoring: self.scoring.iter().map(|q| q.box_clone()).collect(),
            required: self.required,
        }
    }
}

impl Query for AtLeast {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weights = self
            .clauses
            .iter()
            .map(|q| q.weight(enable_scoring))
            .collect::<tantivy::Result<Vec<_>>>()?;
        // Without scores (a count), the score-only clauses change nothing.
        let scoring = if enable_scoring.is_scoring_enabled() {
            self.scoring
                .iter()
                .map(|q| q.weight(enable_scoring))
                .collect::<tantivy::Result<Vec<_>>>()?
        } else {
            Vec::new()
        };
        Ok(Box::new(AtLeastWeight {
            weights,
            scoring,
            required: self.required,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for q in self.clauses.iter().chain(&self.scoring) {
            q.query_terms(visitor);
        }
    }
}

struct AtLeastWeight {
    weights: Vec<Box<dyn Weight>>,
    scoring: Vec<Box<dyn Weight>>,
    required: usize,
}

impl Weight for AtLeastWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let scorers = live_scorers(&self.weights, reader, boost)?;
        let scoring = live_scorers(&self.scoring, reader, boost)?;
        Ok(Box::new(AtLeastScorer::new(
            scorers,
            scoring,
            self.required,
        )))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut matched = Vec::new();
        for w in &self.weights {
            if let Ok(e) = w.explain(reader, doc) {
                matched.push(e);
            }
        }
        let counted = matched.len();
        for w in &self.scoring {
            if let Ok(e) = w.explain(reader, doc) {
                matched.push(e);
            }
        }
        if counted < self.required {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} matches {} of the {} clauses required",
                counted, self.required
            )));
        }
        let mut e = Explanation::new(
            "sum of the clauses matched",
            matched.iter().map(Explanation::value).sum(),
        );
        for m in matched {
            e.add_detail(m);
        }
        Ok(e)
    }
}

/// The scorers of `weights` on `reader` that have a document at all.
fn live_scorers(
    weights: &[Box<dyn Weight>],
    reader: &SegmentReader,
    boost: Score,
) -> tantivy::Result<Vec<Box<dyn Scorer>>> {
    let mut live = Vec::with_capacity(weights.len());
    for w in weights {
        let s = w.scorer(reader, boost)?;
        if s.doc() != TERMINATED {
            live.push(s);
        }
    }
    Ok(live)
}

struct AtLeastScorer {
    /// Clauses not yet exhausted, each on its first document past the window.
    scorers: Vec<Box<dyn Scorer>>,
    /// The score-only clauses, each on its first document past the window.
    scoring: Vec<Box<dyn Scorer>>,
    required: u32,
    /// The window's first document.
    start: DocId,
    /// The documents of the window some clause matched, a bit each.
    touched: Box<[u64; WORDS]>,
    /// The word of `touched` being read.
    word: usize,
    counts: Box<[u32; WINDOW as usize]>,
    scores: Box<[Score; WINDOW as usize]>,
    doc: DocId,
    score: Score,
    size_hint: u32,
}

impl AtLeastScorer {
    fn new(
        scorers: Vec<Box<dyn Scorer>>,
        scoring: Vec<Box<dyn Scorer>>,
        required: usize,
    ) -> AtLeastScorer {
        let size_hint = scorers.iter().map(|s| s.size_hint()).max().unwrap_or(0);
        let mut s = AtLeastScorer {
            required: u32::try_from(required).unwrap_or(u32::MAX),
            scorers: if scorers.len() < required {
                Vec::new()
            } else {
                scorers
            },
            scoring,
            start: 0,
            touched: Box::new([0; WORDS]),
            word: WORDS,
            counts: Box::new([0; WINDOW as usize]),
            scores: Box::new([0.0; WINDOW as usize]),
            doc: 0,
            score: 0.0,
            size_hint,
        };
        s.advance();
        s
    }

    /// Fills the next window from the clauses' postings; false when they are all read.
    fn refill(&mut self) -> bool {
        if self.scorers.len() < self.required as usize {
            return false;
        }
        let Some(start) = self.scorers.iter().map(|s| s.doc()).min() else {
            return false;
        };
        self.start = start;
        self.word = 0;
        let end = start.saturating_add(WINDOW);
        for scorer in &mut self.scorers {
            let mut doc = scorer.doc();
            while doc < end {
                let at = (doc - start) as usize;
                self.touched[at / 64] |= 1 << (at % 64);
                self.counts[at] += 1;
                self.scores[at] += scorer.score();
                doc = scorer.advance();
            }
        }
        self.scorers.retain(|s| s.doc() != TERMINATED);
        // The score-only clauses, read in order over the window (as fast as reading a
        // posting list gets), scored only where a counted clause touched the document.
        for scorer in &mut self.scoring {
            let mut doc = scorer.doc();
            if doc < start {
                doc = scorer.seek(start);
            }
            while doc < end {
                let at = (doc - start) as usize;
                if self.touched[at / 64] & (1 << (at % 64)) != 0 {
                    self.scores[at] += scorer.score();
                }
                doc = scorer.advance();
            }
        }
        self.scoring.retain(|s| s.doc() != TERMINATED);
        true
    }

    /// The next document of the window with enough clauses, if any.
    fn next_in_window(&mut self) -> bool {
        while self.word < WORDS {
            let bits = self.touched[self.word];
            if bits == 0 {
                self.word += 1;
                continue;
            }
            let bit = bits.trailing_zeros() as usize;
            self.touched[self.word] = bits & (bits - 1);
            let at = self.word * 64 + bit;
            let count = std::mem::take(&mut self.counts[at]);
            let score = std::mem::take(&mut self.scores[at]);
            if count >= self.required {
                self.doc = self.start + at as DocId;
                self.score = score;
                return true;
            }
        }
        false
    }
}

impl DocSet for AtLeastScorer {
    fn advance(&mut self) -> DocId {
        loop {
            if self.next_in_window() {
                return self.doc;
            }
            if !self.refill() {
                self.doc = TERMINATED;
                return TERMINATED;
            }
        }
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.size_hint
    }
}

impl Scorer for AtLeastScorer {
    fn score(&mut self) -> Score {
        self.score
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{BooleanQuery, Occur, TermQuery};
    use tantivy::schema::{IndexRecordOption, STORED, Schema, TEXT};
    use tantivy::{Index, TantivyDocument};

    /// Over three windows of documents of a few words each, every `required` finds the
    /// documents and scores tantivy's minimum-should-match does.
    #[test]
    fn it_finds_and_scores_what_a_minimum_should_match_does() {
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT | STORED);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 20_000_000).unwrap();
        let words = ["a", "b", "c", "d", "e", "f", "g", "h"];
        let mut state: u64 = 7;
        for _ in 0..10_000 {
            let mut text = String::new();
            for _ in 0..(state % 5 + 1) {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                text += words[(state >> 33) as usize % words.len()];
                text.push(' ');
            }
            let mut doc = TantivyDocument::default();
            doc.add_text(body, &text);
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let term = |w: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(body, w),
                IndexRecordOption::WithFreqs,
            ))
        };
        // "z" is in no document: a clause that matches nothing counts towards nothing.
        let typed = ["a", "c", "e", "g", "z"];
        for required in 1..=typed.len() {
            let ours = AtLeast::new(typed.iter().map(|w| term(w)).collect(), required);
            let theirs = BooleanQuery::with_minimum_required_clauses(
                typed.iter().map(|w| (Occur::Should, term(w))).collect(),
                required,
            );
            let all = TopDocs::with_limit(10_000).order_by_score();
            let mut a = searcher.search(&ours, &all).unwrap();
            let mut b = searcher.search(&theirs, &all).unwrap();
            assert_eq!(a.len(), b.len(), "required {required}");
            assert_eq!(
                searcher.search(&ours, &Count).unwrap(),
                searcher.search(&theirs, &Count).unwrap()
            );
            a.sort_by_key(|(_, d)| *d);
            b.sort_by_key(|(_, d)| *d);
            for ((sa, da), (sb, db)) in a.iter().zip(&b) {
                assert_eq!(da, db);
                assert!((sa - sb).abs() < 1e-4, "{sa} {sb}");
            }
            if required < typed.len() {
                assert!(!a.is_empty(), "required {required}");
            }

            // Score-only clauses: the documents stay those of the counted clauses, and each
            // adds its score where it matches, as tantivy's Must beside Shoulds scores it.
            let extra = ["b", "c", "h", "z"];
            let ours = AtLeast::with_scoring(
                typed.iter().map(|w| term(w)).collect(),
                extra.iter().map(|w| term(w)).collect(),
                required,
            );
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(
                Occur::Must,
                Box::new(BooleanQuery::with_minimum_required_clauses(
                    typed.iter().map(|w| (Occur::Should, term(w))).collect(),
                    required,
                )),
            )];
            clauses.extend(extra.iter().map(|w| (Occur::Should, term(w))));
            let theirs = BooleanQuery::new(clauses);
            let mut c = searcher.search(&ours, &all).unwrap();
            let mut d = searcher.search(&theirs, &all).unwrap();
            assert_eq!(c.len(), a.len(), "required {required}");
            assert_eq!(c.len(), d.len(), "required {required}");
            c.sort_by_key(|(_, d)| *d);
            d.sort_by_key(|(_, d)| *d);
            let mut raised = 0;
            for (((sc, dc), (sd, dd)), (sa, _)) in c.iter().zip(&d).zip(&a) {
                assert_eq!(dc, dd);
                assert!((sc - sd).abs() < 1e-4, "{sc} {sd}");
                raised += usize::from(sc > sa);
            }
            if !c.is_empty() {
                assert!(raised > 0, "required {required}");
            }
        }
    }
}
