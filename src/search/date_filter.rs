//! Which dates a request's conditions leave, and why none when none: articles without a date
//! (`--undated`, `undated=1`, `date:none`) lie in no date range, and a range that ends before
//! it starts holds no date. Such a request matches nothing, and the answer says why rather
//! than giving an empty result alone.
//!
//! The conditions are the request's `from`/`to` and `undated`, and the date clauses the query
//! requires (`date:2024`, `date:>=2024-05`, `date:none` joined by AND or written side by
//! side); clauses under OR or NOT require nothing and are left out, so a reason is given only
//! where the conditions cannot be met by any article.

use chrono::NaiveDate;
use tantivy::query_grammar::{Occur, UserInputAst, UserInputBound, UserInputLeaf};

use super::SearchRequest;
use crate::index::schema::names;

/// The date conditions every matching article must meet.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct DateConditions {
    /// Only articles without a date.
    pub undated: bool,
    /// The latest first day and the earliest last day of every range asked for.
    pub first: Option<NaiveDate>,
    pub last: Option<NaiveDate>,
    /// Whether any range was asked for (a range open on both ends is still one).
    pub ranged: bool,
}

impl DateConditions {
    /// The conditions of a request whose query (rewritten, parsed) is `ast`.
    pub fn of(req: &SearchRequest, ast: &UserInputAst) -> DateConditions {
        let mut c = DateConditions {
            undated: req.undated,
            ..Default::default()
        };
        if req.from.is_some() || req.to.is_some() {
            c.narrow(req.from, req.to);
        }
        c.add_required(ast);
        c
    }

    /// Why no article can meet the conditions, in one line; `None` when some can.
    pub fn conflict(&self) -> Option<String> {
        if self.undated && self.ranged {
            return Some(format!(
                "no article is both without a date and dated {}",
                self.range_words()
            ));
        }
        match (self.first, self.last) {
            (Some(first), Some(last)) if first > last => Some(format!(
                "the date range is empty: it starts on {first} and ends on {last}"
            )),
            _ => None,
        }
    }

    fn range_words(&self) -> String {
        match (self.first, self.last) {
            (Some(first), Some(last)) => format!("from {first} to {last}"),
            (Some(first), None) => format!("from {first}"),
            (None, Some(last)) => format!("up to {last}"),
            (None, None) => "in any date range".to_string(),
        }
    }

    fn narrow(&mut self, first: Option<NaiveDate>, last: Option<NaiveDate>) {
        self.ranged = true;
        if let Some(f) = first {
            self.first = Some(self.first.map_or(f, |g| g.max(f)));
        }
        if let Some(l) = last {
            self.last = Some(self.last.map_or(l, |m| m.min(l)));
        }
    }

    /// Adds the date clauses `ast` requires: the query is a conjunction by default, so a
    /// clause without an operator is required like one with `+` or AND.
    fn add_required(&mut self, ast: &UserInputAst) {
        match ast {
            UserInputAst::Clause(items) => {
                for (occur, sub) in items {
                    if matches!(occur, None | Some(Occur::Must)) {
                        self.add_required(sub);
                    }
                }
            }
            UserInputAst::Boost(inner, _) => self.add_required(inner),
            UserInputAst::Leaf(leaf) => match leaf.as_ref() {
                UserInputLeaf::Literal(l)
                    if l.field_name.as_deref() == Some(names::UNDATED) && l.phrase == "true" =>
                {
                    self.undated = true;
                }
                UserInputLeaf::Range {
                    field: Some(field),
                    lower,
                    upper,
                } if field == names::DATE => self.narrow(day(lower), day(upper)),
                // `date:*`: any date at all.
                UserInputLeaf::Exists { field } if field == names::DATE => self.narrow(None, None),
                _ => {}
            },
        }
    }
}

/// The day of a range bound (`2024-05-17T00:00:00Z`); `None` when open. An exclusive bound is
/// taken as inclusive, which can only widen the range: a conflict is never claimed that is
/// not there.
fn day(bound: &UserInputBound) -> Option<NaiveDate> {
    match bound {
        UserInputBound::Inclusive(s) | UserInputBound::Exclusive(s) => {
            NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
        }
        UserInputBound::Unbounded => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::query::rewrite_dates;

    fn conditions(query: &str, edit: impl FnOnce(&mut SearchRequest)) -> DateConditions {
        let mut req = SearchRequest::new(query);
        edit(&mut req);
        let rewritten = rewrite_dates(query).unwrap();
        let ast = tantivy::query_grammar::parse_query(&rewritten).unwrap();
        DateConditions::of(&req, &ast)
    }

    fn day(s: &str) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
    }

    #[test]
    fn undated_with_a_range_is_a_conflict_however_it_is_asked() {
        let from = |r: &mut SearchRequest| r.from = day("2024-01-01");
        let undated_from = |r: &mut SearchRequest| {
            r.undated = true;
            r.from = day("2024-01-01");
        };
        for c in [
            conditions("*", undated_from),
            conditions("date:none", from),
            conditions("права AND date:none", from),
        ] {
            assert_eq!(
                c.conflict().as_deref(),
                Some("no article is both without a date and dated from 2024-01-01")
            );
        }
        let c = conditions("date:none date:2024", |_| {});
        assert_eq!(
            c.conflict().as_deref(),
            Some("no article is both without a date and dated from 2024-01-01 to 2024-12-31")
        );
        let c = conditions("date:none", |r| r.to = day("2020-05-31"));
        assert!(c.conflict().unwrap().ends_with("dated up to 2020-05-31"));
    }

    #[test]
    fn a_range_that_ends_before_it_starts_is_a_conflict() {
        let c = conditions("*", |r| {
            r.from = day("2024-05-01");
            r.to = day("2024-01-01");
        });
        assert_eq!(
            c.conflict().as_deref(),
            Some("the date range is empty: it starts on 2024-05-01 and ends on 2024-01-01")
        );
        // A query's range and a flag's are one range together.
        let c = conditions("date:2023", |r| r.from = day("2024-01-01"));
        assert!(
            c.conflict()
                .unwrap()
                .ends_with("it starts on 2024-01-01 and ends on 2023-12-31")
        );
    }

    #[test]
    fn conditions_some_article_can_meet_are_no_conflict() {
        for c in [
            conditions("*", |r| r.undated = true),
            conditions("date:none", |r| r.undated = true),
            conditions("*", |r| {
                r.from = day("2024-01-01");
                r.to = day("2024-01-01");
            }),
            conditions("date:2024", |r| r.from = day("2024-06-01")),
            // Alternatives and exclusions require nothing.
            conditions("date:none OR date:2024", |_| {}),
            conditions("date:none OR права", |r| r.from = day("2024-01-01")),
            conditions("* -date:none", |r| r.from = day("2024-01-01")),
            conditions("права -date:2024", |r| r.undated = true),
        ] {
            assert_eq!(c.conflict(), None, "{c:?}");
        }
    }
}
