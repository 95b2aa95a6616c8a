//! Phrases of three words or more, matched in time and memory linear in the positions of
//! their words, whatever the slop and however often a word recurs.
//!
//! tantivy 0.27 matches a sloppy phrase of three or more terms
//! (`intersection_count_with_carrying_slop`) by keeping, after each term, the positions the
//! phrase may have reached so far. For every match it re-reads the positions between the two
//! matched ones and keeps them all again, unsorted and with duplicates, so where a word recurs
//! within the slop the list grows by a factor with every term: `"в в в в в в в в в в"~1000`
//! asked for 3.2 GB and aborted, `~100` took 52 s, and a phrase of 140 repeated words drove the
//! server to 17 GB. Replayed on one made-up document in which "в" is every fourth word, 500
//! times, the list held 3,410 positions after 16 terms at slop 10, and over 136 million by
//! the 10th term at slop 20; every other word, slop 5 was enough. No cap on the slop alone
//! keeps that finite.
//!
//! Here a document holds the phrase where one position of each word, moved back by the
//! word's place in the phrase, lies in a window no wider than the slop: Lucene's rule for
//! sloppy phrases, which keeps tantivy's stated examples ("A B C"~1 finds "A X B C" but not
//! "A X B X C"; "B A" is "A B"~2) and everything tantivy's carried slop finds. One sweep over
//! the document's positions of the words, sorted, finds the narrowest window ending at each
//! position; nothing is kept beyond those positions. The scorer also looks at the [`Budget`]
//! between documents, as the scan may pass many without a match.
//!
//! Queries are built by tantivy's parser; [`Phrases`] marks the phrase literals it takes over
//! with a stand-in term before the parser runs, and puts its own query in their place after.
//! Fuzzy and prefix terms (`word~1`, `word*`), which the parser would read as phrases, are
//! taken over the same way, their queries built by `fuzzy`.

use std::fmt;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{
    Bm25Weight, BooleanQuery, BoostQuery, EmptyQuery, EmptyScorer, EnableScoring, Explanation,
    Occur, Query, Scorer, TermQuery, Weight,
};
use tantivy::query_grammar::{Delimiter, UserInputAst, UserInputLeaf, UserInputLiteral};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError, Term};

use super::budget::Budget;

/// Fewest words of a phrase this module matches: tantivy's own two-term matching is linear.
const MIN_WORDS: usize = 3;
/// Candidate documents between two looks at the budget.
const DOCS_PER_CHECK: u32 = 64;
/// The stand-in's prefix: no id starts with a control character.
const STAND_IN: &str = "\u{1}phrase ";

/// A phrase over one field: its terms with their offsets in the phrase, and its slop.
#[derive(Clone)]
pub(crate) struct PhraseQuery {
    field: Field,
    terms: Vec<(usize, Term)>,
    slop: u32,
    budget: Budget,
}

impl fmt::Debug for PhraseQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Phrase({:?}, ~{})", self.terms, self.slop)
    }
}

impl Query for PhraseQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let entry = scoring.schema().get_field_entry(self.field);
        let positions = entry
            .field_type()
            .get_index_record_option()
            .is_some_and(IndexRecordOption::has_positions);
        if !positions {
            return Err(TantivyError::SchemaError(format!(
                "field {} has no positions for phrases",
                entry.name()
            )));
        }
        let terms: Vec<Term> = self.terms.iter().map(|(_, t)| t.clone()).collect();
        let bm25 = match scoring {
            EnableScoring::Enabled {
                statistics_provider,
                ..
            } => Some(Bm25Weight::for_terms(statistics_provider, &terms)?),
            EnableScoring::Disabled { .. } => None,
        };
        Ok(Box::new(PhraseWeight {
            query: self.clone(),
            bm25,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for (_, term) in &self.terms {
            visitor(term, true);
        }
    }
}

struct PhraseWeight {
    query: PhraseQuery,
    bm25: Option<Bm25Weight>,
}

impl PhraseWeight {
    fn phrase_scorer(
        &self,
        reader: &SegmentReader,
        boost: Score,
    ) -> tantivy::Result<Option<PhraseScorer>> {
        let q = &self.query;
        let index = reader.inverted_index(q.field)?;
        let last = q.terms.iter().map(|(o, _)| *o).max().unwrap_or(0);
        let mut postings = Vec::with_capacity(q.terms.len());
        let mut shifts = Vec::with_capacity(q.terms.len());
        for (offset, term) in &q.terms {
            match index.read_postings(term, IndexRecordOption::WithFreqsAndPositions)? {
                Some(p) => postings.push(p),
                None => return Ok(None),
            }
            shifts.push((last - offset) as u64);
        }
        let mut order: Vec<usize> = (0..postings.len()).collect();
        order.sort_by_key(|&i| postings[i].size_hint());
        let fieldnorms = match reader.get_fieldnorms_reader(q.field) {
            Ok(f) => f,
            Err(_) => FieldNormReader::constant(reader.max_doc(), 1),
        };
        let mut scorer = PhraseScorer {
            postings,
            shifts,
            order,
            slop: q.slop,
            fieldnorms,
            bm25: self.bm25.as_ref().map(|w| w.boost_by(boost)),
            doc: 0,
            count: 0,
            budget: q.budget.clone(),
            until_check: DOCS_PER_CHECK,
            positions: Vec::new(),
            merged: Vec::new(),
            inside: Vec::new(),
        };
        scorer.doc = scorer.find(0);
        Ok(Some(scorer))
    }
}

impl Weight for PhraseWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(match self.phrase_scorer(reader, boost)? {
            Some(scorer) => Box::new(scorer),
            None => Box::new(EmptyScorer),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let not_matched =
            || TantivyError::InvalidArgument(format!("document {doc} does not match"));
        let mut scorer = self.phrase_scorer(reader, 1.0)?.ok_or_else(not_matched)?;
        if scorer.seek(doc) != doc {
            return Err(not_matched());
        }
        let fieldnorm = scorer.fieldnorms.fieldnorm_id(doc);
        Ok(match &self.bm25 {
            Some(w) => w.explain(fieldnorm, scorer.count),
            None => Explanation::new("phrase", 1.0),
        })
    }
}

/// The documents holding every term, in a leapfrog over their postings, kept where the
/// positions form the phrase.
struct PhraseScorer {
    /// In phrase order.
    postings: Vec<SegmentPostings>,
    /// What each term's positions are moved by, so that an exact phrase's words meet at one
    /// position.
    shifts: Vec<u64>,
    /// The postings, rarest first: the rarest leads the leapfrog.
    order: Vec<usize>,
    slop: u32,
    fieldnorms: FieldNormReader,
    bm25: Option<Bm25Weight>,
    doc: DocId,
    /// Ends of the phrase in `doc`, for its score.
    count: u32,
    budget: Budget,
    until_check: u32,
    positions: Vec<u32>,
    /// Every word's positions in the document, moved, with the word's number, sorted.
    merged: Vec<(u64, u32)>,
    /// Positions of each word inside the window.
    inside: Vec<u32>,
}

fn seek_to(postings: &mut SegmentPostings, target: DocId) -> DocId {
    if postings.doc() >= target {
        postings.doc()
    } else {
        postings.seek(target)
    }
}

impl PhraseScorer {
    /// Whether the budget is spent, looked at once per `DOCS_PER_CHECK` calls.
    fn spent(&mut self) -> bool {
        self.until_check -= 1;
        if self.until_check > 0 {
            return false;
        }
        self.until_check = DOCS_PER_CHECK;
        self.budget.spent()
    }

    /// The first document from `target` on that holds the phrase.
    fn find(&mut self, mut target: DocId) -> DocId {
        let lead = self.order[0];
        loop {
            let mut candidate = seek_to(&mut self.postings[lead], target);
            'agree: loop {
                if candidate == TERMINATED || self.spent() {
                    return TERMINATED;
                }
                for k in 1..self.order.len() {
                    let i = self.order[k];
                    let doc = seek_to(&mut self.postings[i], candidate);
                    if doc > candidate {
                        candidate = seek_to(&mut self.postings[lead], doc);
                        continue 'agree;
                    }
                }
                break;
            }
            if self.matches() {
                return candidate;
            }
            target = candidate + 1;
        }
    }

    /// Whether the current document's positions form the phrase; counts its ends.
    fn matches(&mut self) -> bool {
        self.merged.clear();
        for (word, postings) in self.postings.iter_mut().enumerate() {
            postings.positions(&mut self.positions);
            let shift = self.shifts[word];
            self.merged.extend(
                self.positions
                    .iter()
                    .map(|&p| (u64::from(p) + shift, word as u32)),
            );
        }
        self.merged.sort_unstable();
        self.count = windows(
            &self.merged,
            self.postings.len(),
            self.slop,
            &mut self.inside,
        );
        self.count > 0
    }
}

/// How many positions of `merged` (sorted (position, word) pairs of `words` words) end a
/// window holding every word and no wider than `slop`: for each end, the window is narrowed
/// from the left while its first word occurs again inside it.
fn windows(merged: &[(u64, u32)], words: usize, slop: u32, inside: &mut Vec<u32>) -> u32 {
    inside.clear();
    inside.resize(words, 0);
    let mut covered = 0;
    let mut left = 0;
    let mut ends = 0;
    for right in 0..merged.len() {
        let word = merged[right].1 as usize;
        if inside[word] == 0 {
            covered += 1;
        }
        inside[word] += 1;
        while left < right && inside[merged[left].1 as usize] > 1 {
            inside[merged[left].1 as usize] -= 1;
            left += 1;
        }
        if covered == words && merged[right].0 - merged[left].0 <= u64::from(slop) {
            ends += 1;
        }
    }
    ends
}

impl DocSet for PhraseScorer {
    fn advance(&mut self) -> DocId {
        if self.doc != TERMINATED {
            self.doc = self.find(self.doc + 1);
        }
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc != TERMINATED && target > self.doc {
            self.doc = self.find(target);
        }
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.postings
            .iter()
            .map(|p| p.size_hint())
            .min()
            .unwrap_or(0)
    }

    fn cost(&self) -> u64 {
        // Each candidate reads every term's positions.
        u64::from(self.size_hint()) * 10 * self.postings.len() as u64
    }
}

impl Scorer for PhraseScorer {
    fn score(&mut self) -> Score {
        match &self.bm25 {
            Some(w) => w.score(self.fieldnorms.fieldnorm_id(self.doc), self.count),
            None => 1.0,
        }
    }
}

/// The phrase literals of one query that this module matches, marked in the parsed query and
/// then put in place of their marks in the built one.
pub(crate) struct Phrases<'a> {
    /// The analyzer of the text fields (title and body share one).
    pub analyzer: &'a mut TextAnalyzer,
    /// Every title, for `title:`.
    pub title: Field,
    /// The titles ranked as headlines, searched with the body when no field is named.
    pub headline: Field,
    pub body: Field,
    /// The stand-ins' field (`id`: untokenized, no boost).
    pub stand_in: Field,
    pub title_boost: Score,
    pub budget: &'a Budget,
    /// Whose dictionaries fuzzy and prefix terms expand over.
    pub searcher: &'a tantivy::Searcher,
    /// The first mistake found in a literal taken over (a fuzzy distance over the maximum),
    /// for the caller to report once the query is built.
    pub error: Option<super::SearchError>,
    /// The queries for the marks, by number, with the boost the query gave each.
    found: Vec<Option<Box<dyn Query>>>,
}

impl<'a> Phrases<'a> {
    pub fn new(
        analyzer: &'a mut TextAnalyzer,
        (title, headline, body, stand_in): (Field, Field, Field, Field),
        title_boost: Score,
        budget: &'a Budget,
        searcher: &'a tantivy::Searcher,
    ) -> Phrases<'a> {
        Phrases {
            analyzer,
            title,
            headline,
            body,
            stand_in,
            title_boost,
            budget,
            searcher,
            error: None,
            found: Vec::new(),
        }
    }

    /// The words of a literal on the text fields, with their positions; `None` for a literal
    /// on another field.
    pub fn words(&mut self, literal: &UserInputLiteral) -> Option<Vec<(usize, String)>> {
        match literal.field_name.as_deref() {
            None | Some("title") | Some("body") => {}
            Some(_) => return None,
        }
        let mut words = Vec::new();
        let mut stream = self.analyzer.token_stream(&literal.phrase);
        stream.process(&mut |t| words.push((t.position, t.text.clone())));
        Some(words)
    }

    /// `ast` with each phrase this module takes over replaced by a stand-in term. A boost
    /// above such a phrase is moved down onto the leaves (the score of a clause is the sum of
    /// its parts', so boosting each is the same), to be given to the phrase's query.
    pub fn mark(&mut self, ast: UserInputAst) -> UserInputAst {
        self.mark_boosted(ast, None)
    }

    fn mark_boosted(&mut self, ast: UserInputAst, boost: Option<f64>) -> UserInputAst {
        let boosted = |ast: UserInputAst| match boost {
            Some(b) => UserInputAst::Boost(Box::new(ast), b.into()),
            None => ast,
        };
        match ast {
            UserInputAst::Clause(items) => UserInputAst::Clause(
                items
                    .into_iter()
                    .map(|(o, sub)| (o, self.mark_boosted(sub, boost)))
                    .collect(),
            ),
            UserInputAst::Boost(inner, b) => {
                let b = b.into_inner() * boost.unwrap_or(1.0);
                if self.holds_phrase(&inner) {
                    self.mark_boosted(*inner, Some(b))
                } else {
                    UserInputAst::Boost(inner, b.into())
                }
            }
            UserInputAst::Leaf(leaf) => match *leaf {
                UserInputLeaf::Literal(literal) if self.takes(&literal) => {
                    let query = self.query_of(&literal, boost.unwrap_or(1.0) as Score);
                    self.found.push(Some(query));
                    UserInputAst::Leaf(Box::new(UserInputLeaf::Literal(UserInputLiteral {
                        field_name: Some(crate::index::schema::names::ID.to_string()),
                        phrase: format!("{STAND_IN}{}", self.found.len() - 1),
                        delimiter: Delimiter::DoubleQuotes,
                        slop: 0,
                        prefix: false,
                    })))
                }
                other => boosted(UserInputAst::Leaf(Box::new(other))),
            },
        }
    }

    /// Whether this module matches `literal`: a phrase of three words or more on the text
    /// fields (a phrase ending in a prefix, `"a b c"*`, is tantivy's), or a fuzzy or prefix
    /// term (see `fuzzy`).
    fn takes(&mut self, literal: &UserInputLiteral) -> bool {
        self.is_pattern(literal)
            || (!literal.prefix && self.words(literal).is_some_and(|w| w.len() >= MIN_WORDS))
    }

    /// A single word typed with `~N` or `*`, outside quotes, on a text field.
    fn is_pattern(&mut self, literal: &UserInputLiteral) -> bool {
        let Some((word, _, _)) = super::fuzzy::typed_pattern(literal) else {
            return false;
        };
        let bare = UserInputLiteral {
            phrase: word,
            ..literal.clone()
        };
        self.words(&bare).is_some_and(|w| w.len() == 1)
    }

    /// The fields a literal searches: its own, or the headline and the body.
    fn fields_of(&self, literal: &UserInputLiteral) -> Vec<Field> {
        match literal.field_name.as_deref() {
            Some("title") => vec![self.title],
            Some("body") => vec![self.body],
            _ => vec![self.headline, self.body],
        }
    }

    /// The query of a fuzzy or prefix term: any of the indexed terms it expands to, scored
    /// as the words themselves would be.
    fn pattern_query(&mut self, literal: &UserInputLiteral, boost: Score) -> Box<dyn Query> {
        let Some((word, prefix, slop)) = super::fuzzy::typed_pattern(literal) else {
            return Box::new(EmptyQuery);
        };
        let literal = &UserInputLiteral {
            phrase: word,
            prefix,
            slop,
            ..literal.clone()
        };
        let words = self.words(literal).unwrap_or_default();
        let Some((_, stem)) = words.first() else {
            return Box::new(EmptyQuery);
        };
        let folded = crate::analysis::name_terms(&literal.phrase)
            .into_iter()
            .next()
            .unwrap_or_else(|| stem.clone());
        let fields = self.fields_of(literal);
        let expanded = super::fuzzy::Pattern::of(&folded, stem, literal.prefix, literal.slop)
            .and_then(|p| super::fuzzy::expand(self.searcher, &fields, &p, self.budget));
        let expanded = match expanded {
            Ok(e) => e,
            Err(e) => {
                if self.error.is_none() {
                    self.error = Some(e);
                }
                return Box::new(EmptyQuery);
            }
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for field in fields {
            let field_boost = if field == self.headline {
                self.title_boost
            } else {
                1.0
            };
            for term in super::fuzzy::terms_of(field, &expanded) {
                let q = TermQuery::new(term, IndexRecordOption::WithFreqs);
                clauses.push((Occur::Should, boost_by(Box::new(q), field_boost)));
            }
        }
        if clauses.is_empty() {
            return Box::new(EmptyQuery);
        }
        boost_by(Box::new(BooleanQuery::new(clauses)), boost)
    }

    fn holds_phrase(&mut self, ast: &UserInputAst) -> bool {
        match ast {
            UserInputAst::Clause(items) => items.iter().any(|(_, sub)| self.holds_phrase(sub)),
            UserInputAst::Boost(inner, _) => self.holds_phrase(inner),
            UserInputAst::Leaf(leaf) => match leaf.as_ref() {
                UserInputLeaf::Literal(literal) => self.takes(literal),
                _ => false,
            },
        }
    }

    /// The query of a phrase literal, as tantivy's parser would build it: on its field, or on
    /// the headline (boosted) and the body.
    fn query_of(&mut self, literal: &UserInputLiteral, boost: Score) -> Box<dyn Query> {
        if self.is_pattern(literal) {
            return self.pattern_query(literal, boost);
        }
        let words = self.words(literal).unwrap_or_default();
        let fields = self.fields_of(literal);
        let mut per_field: Vec<(Occur, Box<dyn Query>)> = fields
            .into_iter()
            .map(|field| {
                let phrase = PhraseQuery {
                    field,
                    terms: words
                        .iter()
                        .map(|(p, w)| (*p, Term::from_field_text(field, w)))
                        .collect(),
                    slop: literal.slop,
                    budget: self.budget.clone(),
                };
                let field_boost = if field == self.headline {
                    self.title_boost
                } else {
                    1.0
                };
                (Occur::Should, boost_by(Box::new(phrase), field_boost))
            })
            .collect();
        let query = if per_field.len() == 1 {
            per_field.remove(0).1
        } else {
            Box::new(BooleanQuery::new(per_field))
        };
        boost_by(query, boost)
    }

    /// `query` with every stand-in replaced by its phrase query.
    pub fn replace(&mut self, query: Box<dyn Query>) -> Box<dyn Query> {
        if self.found.is_empty() {
            return query;
        }
        if let Some(term) = query.downcast_ref::<TermQuery>()
            && let Some(n) = self.stand_in_number(term.term())
            && let Some(found) = self.found.get_mut(n).and_then(Option::take)
        {
            return found;
        }
        if let Some(b) = query.downcast_ref::<BooleanQuery>() {
            let clauses = b
                .clauses()
                .iter()
                .map(|(o, q)| (*o, self.replace(q.box_clone())))
                .collect();
            let mut rebuilt = BooleanQuery::new(clauses);
            rebuilt.set_minimum_number_should_match(b.get_minimum_number_should_match());
            return Box::new(rebuilt);
        }
        query
    }

    fn stand_in_number(&self, term: &Term) -> Option<usize> {
        if term.field() != self.stand_in {
            return None;
        }
        term.value().as_str()?.strip_prefix(STAND_IN)?.parse().ok()
    }
}

fn boost_by(query: Box<dyn Query>, boost: Score) -> Box<dyn Query> {
    if (boost - 1.0).abs() < Score::EPSILON {
        query
    } else {
        Box::new(BoostQuery::new(query, boost))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Phrase ends for each word's positions, already moved back by its place.
    fn ends(words: &[&[u64]], slop: u32) -> u32 {
        let mut merged: Vec<(u64, u32)> = words
            .iter()
            .enumerate()
            .flat_map(|(w, ps)| ps.iter().map(move |&p| (p, w as u32)))
            .collect();
        merged.sort_unstable();
        windows(&merged, words.len(), slop, &mut Vec::new())
    }

    #[test]
    fn slop_is_the_width_of_the_window_the_words_lie_in() {
        // "A B C" (moved to meet at one position): exact.
        assert_eq!(ends(&[&[5], &[5], &[5]], 0), 1);
        // "A X B C": A one off.
        assert_eq!(ends(&[&[4], &[5], &[5]], 1), 1);
        assert_eq!(ends(&[&[4], &[5], &[5]], 0), 0);
        // "A X B X C": slop 2, not 1.
        assert_eq!(ends(&[&[3], &[4], &[5]], 2), 1);
        assert_eq!(ends(&[&[3], &[4], &[5]], 1), 0);
        // "B A" for "A B" (A moved to 2, B at 0): slop 2.
        assert_eq!(ends(&[&[2], &[0]], 2), 1);
        assert_eq!(ends(&[&[2], &[0]], 1), 0);
        // Two occurrences, each a phrase.
        assert_eq!(ends(&[&[5, 50], &[5, 51]], 1), 2);
        assert_eq!(ends(&[&[5], &[]], 100), 0);
    }

    #[test]
    fn a_recurring_word_costs_no_more_than_its_positions() {
        // "в" every second word, 500 times, a phrase of 32 of them at slop 100: one pass over
        // the 32 × 500 moved positions, and a match.
        let positions: Vec<u64> = (0..500).map(|i| i * 2).collect();
        let moved: Vec<Vec<u64>> = (0..32u64)
            .map(|w| positions.iter().map(|p| p + 31 - w).collect())
            .collect();
        let words: Vec<&[u64]> = moved.iter().map(Vec::as_slice).collect();
        assert!(ends(&words, 100) > 0);
        assert_eq!(ends(&words, 0), 0);
    }
}
