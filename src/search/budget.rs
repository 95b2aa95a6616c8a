//! A search's time budget: a deadline and a cancel flag, carried in the request so that every
//! pass over the index (counts, facets, hits, groups) stops at the same point, and so that a
//! front end can stop the work when its client goes away.
//!
//! tantivy gives a collector no way to stop a segment early (`SegmentCollector::collect` cannot
//! fail), so the budget is enforced one level lower: [`Budgeted`] wraps the whole query, and its
//! scorers end their segment early once the budget is spent. A stopped pass returns what it
//! found so far; [`Budget::check`] after it turns that into [`SearchError::Timeout`] or
//! [`SearchError::Cancelled`], so a partial answer is never shown as a whole one.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

use super::SearchError;

/// Documents a scorer hands on between two looks at the clock: reading it costs tens of
/// nanoseconds, a document at least a few.
const DOCS_PER_CHECK: u32 = 64;

/// How long a search may take, and whether whoever asked still wants the answer.
#[derive(Clone, Default)]
pub struct Budget {
    /// The time allowed, for messages; `None`: no limit.
    limit: Option<Duration>,
    deadline: Option<Instant>,
    cancelled: Arc<AtomicBool>,
}

impl fmt::Debug for Budget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Budget")
            .field("limit", &self.limit)
            .field("cancelled", &self.is_cancelled())
            .finish()
    }
}

impl Budget {
    /// No deadline; only [`Budget::cancel`] stops the work.
    pub fn unlimited() -> Budget {
        Budget::default()
    }

    /// `limit` from now on.
    pub fn new(limit: Duration) -> Budget {
        Budget {
            limit: Some(limit),
            deadline: Instant::now().checked_add(limit),
            cancelled: Arc::default(),
        }
    }

    /// The time allowed, if any.
    pub fn limit(&self) -> Option<Duration> {
        self.limit
    }

    /// Stops the work at its next look at the budget; every clone of this budget sees it.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    /// Whether [`Budget::cancel`] was called: an export checks it between articles, since writing
    /// has no deadline of its own.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    /// A guard that cancels the work when dropped: held by whoever waits for the answer, so
    /// that the work stops when they stop waiting (an HTTP client that went away).
    pub fn cancel_on_drop(&self) -> CancelOnDrop {
        CancelOnDrop(self.clone())
    }

    /// Whether the work must stop now.
    pub fn spent(&self) -> bool {
        self.is_cancelled() || self.deadline.is_some_and(|d| Instant::now() >= d)
    }

    /// `Ok` while there is time left; the reason to stop otherwise.
    pub fn check(&self) -> Result<(), SearchError> {
        if self.is_cancelled() {
            return Err(SearchError::Cancelled);
        }
        match (self.limit, self.deadline) {
            (Some(limit), Some(d)) if Instant::now() >= d => Err(SearchError::Timeout(limit)),
            _ => Ok(()),
        }
    }
}

/// Cancels its budget when dropped; see [`Budget::cancel_on_drop`].
pub struct CancelOnDrop(Budget);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// A query whose scorers stop when the budget is spent.
pub(crate) struct Budgeted {
    inner: Box<dyn Query>,
    budget: Budget,
    /// The inner query is one the top-k collector prunes (block-max WAND over a disjunction
    /// of terms): its own pruning pass is kept, and looks at the budget per hit it offers.
    prunable: bool,
}

impl Clone for Budgeted {
    fn clone(&self) -> Budgeted {
        Budgeted {
            inner: self.inner.box_clone(),
            budget: self.budget.clone(),
            prunable: self.prunable,
        }
    }
}

impl fmt::Debug for Budgeted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Budgeted({:?})", self.inner)
    }
}

impl Budgeted {
    pub fn new(inner: Box<dyn Query>, budget: Budget, prunable: bool) -> Budgeted {
        Budgeted {
            inner,
            budget,
            prunable,
        }
    }

    pub fn inner(&self) -> &dyn Query {
        &*self.inner
    }
}

impl Query for Budgeted {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(BudgetedWeight {
            inner: self.inner.weight(scoring)?,
            budget: self.budget.clone(),
            prunable: self.prunable,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.inner.query_terms(visitor);
    }
}

struct BudgetedWeight {
    inner: Box<dyn Weight>,
    budget: Budget,
    prunable: bool,
}

impl Weight for BudgetedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        if self.budget.spent() {
            return Ok(Box::new(EmptyScorer));
        }
        Ok(Box::new(BudgetedScorer {
            inner: self.inner.scorer(reader, boost)?,
            budget: self.budget.clone(),
            until_check: DOCS_PER_CHECK,
            stopped: false,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.inner.explain(reader, doc)
    }

    /// The inner count, per segment: counting is the cheapest pass a query has (often a
    /// lookup), and a segment is the finest step it offers.
    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        if self.budget.spent() {
            return Ok(0);
        }
        self.inner.count(reader)
    }

    fn for_each_pruning(
        &self,
        threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        if self.budget.spent() {
            return Ok(());
        }
        if self.prunable {
            // Block-max WAND skips what cannot compete; once the budget is spent, an
            // infinite threshold makes everything left uncompetitive.
            let budget = &self.budget;
            let mut offered = 0u32;
            return self
                .inner
                .for_each_pruning(threshold, reader, &mut |doc, score| {
                    offered = offered.wrapping_add(1);
                    if offered.is_multiple_of(DOCS_PER_CHECK) && budget.spent() {
                        return Score::INFINITY;
                    }
                    callback(doc, score)
                });
        }
        // Any other query is scored in full anyway: tantivy's plain pruning loop, over the
        // budgeted scorer.
        let mut scorer = self.scorer(reader, 1.0)?;
        let mut threshold = threshold;
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            let score = scorer.score();
            if score > threshold {
                threshold = callback(doc, score);
            }
            doc = scorer.advance();
        }
        Ok(())
    }
}

/// Ends its segment early, as if no more documents matched, once the budget is spent.
struct BudgetedScorer {
    inner: Box<dyn Scorer>,
    budget: Budget,
    until_check: u32,
    stopped: bool,
}

impl BudgetedScorer {
    fn over(&mut self) -> bool {
        self.until_check -= 1;
        if self.until_check == 0 {
            self.until_check = DOCS_PER_CHECK;
            self.stopped = self.budget.spent();
        }
        self.stopped
    }
}

impl DocSet for BudgetedScorer {
    fn advance(&mut self) -> DocId {
        if self.over() {
            return TERMINATED;
        }
        self.inner.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.over() {
            return TERMINATED;
        }
        self.inner.seek(target)
    }

    fn doc(&self) -> DocId {
        if self.stopped {
            TERMINATED
        } else {
            self.inner.doc()
        }
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }

    fn cost(&self) -> u64 {
        self.inner.cost()
    }
}

impl Scorer for BudgetedScorer {
    fn score(&mut self) -> Score {
        self.inner.score()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spent_budget_says_why() {
        let budget = Budget::new(Duration::ZERO);
        assert!(budget.spent());
        assert!(matches!(budget.check(), Err(SearchError::Timeout(_))));
        let budget = Budget::unlimited();
        assert!(budget.check().is_ok());
        let guard = budget.cancel_on_drop();
        drop(guard);
        assert!(matches!(budget.check(), Err(SearchError::Cancelled)));
    }
}
