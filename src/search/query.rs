//! The query text before and around tantivy's parser: vestnik's date shorthands rewritten into
//! ranges (`date:2024`, `date:none`, read by [`crate::dates`]), `field:*`, `a AND NOT b` read as
//! users mean it, times typed in a question ("4:51") kept as text, quotes a question in prose
//! leaves unpaired repaired, and the one-line messages for a syntax error or an unknown field.
//! The flag filters (`--source`, `--from`, `--to`) are joined to the parsed query in `compile`.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::{Captures, Regex};

use tantivy::query_grammar::{Occur, UserInputAst, UserInputLeaf};
use tantivy::schema::Schema;

use super::SearchError;
use super::limits::{excerpt, quoted_spans};
use crate::dates::{self, Period};
use crate::index::schema::names;

/// `date:` followed by a range in brackets, a comparison, or a bare value.
static DATE_CLAUSE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?x)
        \bdate:\s*
        (?:
            (?P<open>[\[{])\s*(?P<lo>[^\s\]}]+)\s+TO\s+(?P<hi>[^\s\]}]+)\s*(?P<close>[\]}])
          | (?P<cmp>>=|<=|>|<)\s*(?P<cval>[^\s)]+)
          | (?P<val>[^\s)\[{]+)
        )"#,
    )
    .expect("valid regex")
});

fn rfc3339(d: NaiveDate) -> String {
    format!("{}T00:00:00Z", d.format("%Y-%m-%d"))
}

/// Rewrites every `date:` clause into the RFC 3339 range that tantivy's parser expects, so users
/// can write `date:2024`, `date:2024-05`, `date:>=2024-01-01` or `date:[2024-01-01 TO 2024-06-30]`
/// with both ends inclusive; `date:none` becomes the marker every article without a date
/// carries, and `date:[* TO *]` every dated article (tantivy drops a range open at both
/// ends, which left the query matching nothing). Text in quotes is a phrase to find, never a
/// clause: `"выпуск date:2010"` stays as written.
pub(crate) fn rewrite_dates(query: &str) -> Result<String, SearchError> {
    let quoted = quoted_spans(query);
    let mut error = None;
    let out = DATE_CLAUSE.replace_all(query, |c: &Captures| {
        let start = c.get(0).map_or(0, |m| m.start());
        if quoted.iter().any(|q| q.contains(&start)) {
            return c[0].to_string();
        }
        // The dates people type are read as everywhere else (`--from`, `from=`); only the
        // quotes a query may put around a value, and `none`, are the query language's.
        let mut period = |s: &str| -> Option<Period> {
            match dates::parse_period(s.trim().trim_matches('"')) {
                Ok(p) => Some(p),
                Err(e) => {
                    if error.is_none() {
                        let reason = e.reason().map(|r| format!(": {r}")).unwrap_or_default();
                        error = Some(SearchError::Query(format!(
                            "invalid date '{}' in '{}'{reason} (use {}, or none for articles without a date)",
                            e.value(),
                            excerpt(&c[0]),
                            dates::FORMS
                        )));
                    }
                    None
                }
            }
        };

        if let (Some(lo), Some(hi)) = (c.name("lo"), c.name("hi")) {
            let inclusive_lo = &c["open"] == "[";
            let inclusive_hi = &c["close"] == "]";
            if lo.as_str() == "*" && hi.as_str() == "*" {
                return "date:*".to_string();
            }
            let lo = match lo.as_str() {
                "*" => "*".to_string(),
                s => match period(s) {
                    Some(p) if inclusive_lo => rfc3339(p.first),
                    Some(p) => rfc3339(p.last.succ_opt().unwrap_or(p.last)),
                    None => return c[0].to_string(),
                },
            };
            let hi = match hi.as_str() {
                "*" => "*".to_string(),
                s => match period(s) {
                    Some(p) if inclusive_hi => rfc3339(p.last),
                    Some(p) => rfc3339(p.first.pred_opt().unwrap_or(p.first)),
                    None => return c[0].to_string(),
                },
            };
            format!("date:[{lo} TO {hi}]")
        } else if let (Some(cmp), Some(v)) = (c.name("cmp"), c.name("cval")) {
            let Some(p) = period(v.as_str()) else {
                return c[0].to_string();
            };
            match cmp.as_str() {
                ">=" => format!("date:[{} TO *]", rfc3339(p.first)),
                ">" => format!(
                    "date:[{} TO *]",
                    rfc3339(p.last.succ_opt().unwrap_or(p.last))
                ),
                "<=" => format!("date:[* TO {}]", rfc3339(p.last)),
                _ => format!(
                    "date:[* TO {}]",
                    rfc3339(p.first.pred_opt().unwrap_or(p.first))
                ),
            }
        } else {
            let v = &c["val"];
            if v == "*" {
                return "date:*".to_string();
            }
            if v.trim_matches('"').eq_ignore_ascii_case("none") {
                return format!("{}:true", names::UNDATED);
            }
            let Some(p) = period(v) else {
                return c[0].to_string();
            };
            format!("date:[{} TO {}]", rfc3339(p.first), rfc3339(p.last))
        }
    });
    match error {
        Some(e) => Err(e),
        None => Ok(out.into_owned()),
    }
}

/// The fields every article has: `field:*` on them is every article.
const ON_EVERY_ARTICLE: [&str; 3] = [names::ID, names::TITLE, names::BODY];

/// A field name a user typed that the index does not have, in words they can act on.
pub(crate) fn unknown_field(name: &str) -> String {
    format!(
        "unknown field '{}' (fields: title, body, source, date, person, org, loc)",
        excerpt(name)
    )
}

/// Resolves each `field:*` to what it can mean: every article for the fields they all have
/// (`id`, `title`, `body`), the articles with a value for a field counted in columns (`date`,
/// `source`, `person`, `org`, `loc`); any other field has no such answer and is the user's
/// to fix, as is an unknown one. (tantivy answers `field:*` from columns only, and failed
/// the search on any other field.)
pub(crate) fn every_article_with(
    ast: UserInputAst,
    schema: &Schema,
) -> Result<UserInputAst, SearchError> {
    Ok(match ast {
        UserInputAst::Clause(items) => UserInputAst::Clause(
            items
                .into_iter()
                .map(|(o, sub)| Ok((o, every_article_with(sub, schema)?)))
                .collect::<Result<_, SearchError>>()?,
        ),
        UserInputAst::Boost(inner, b) => {
            UserInputAst::Boost(Box::new(every_article_with(*inner, schema)?), b)
        }
        UserInputAst::Leaf(leaf) => match *leaf {
            UserInputLeaf::Exists { field } => {
                let Ok(f) = schema.get_field(&field) else {
                    return Err(SearchError::Query(unknown_field(&field)));
                };
                if ON_EVERY_ARTICLE.contains(&field.as_str()) {
                    UserInputAst::Leaf(Box::new(UserInputLeaf::All))
                } else if schema.get_field_entry(f).is_fast() {
                    UserInputAst::Leaf(Box::new(UserInputLeaf::Exists { field }))
                } else {
                    return Err(SearchError::Query(format!(
                        "{}:* cannot be searched (field:* works for title, body, source, date, person, org and loc; date:none finds articles without a date)",
                        excerpt(&field)
                    )));
                }
            }
            other => UserInputAst::Leaf(Box::new(other)),
        },
    })
}

/// tantivy reads "a AND NOT b" as "+a +(-b)": a required clause that matches nothing. Users
/// mean "+a -b", so a required clause that only excludes becomes the exclusion itself.
pub(crate) fn lift_negations(ast: UserInputAst) -> UserInputAst {
    match ast {
        UserInputAst::Clause(items) => UserInputAst::Clause(
            items
                .into_iter()
                .map(|(occur, sub)| match (occur, lift_negations(sub)) {
                    (Some(Occur::Must) | None, UserInputAst::Clause(mut inner))
                        if inner.len() == 1 && inner[0].0 == Some(Occur::MustNot) =>
                    {
                        let (_, negated) = inner.remove(0);
                        (Some(Occur::MustNot), negated)
                    }
                    (occur, sub) => (occur, sub),
                })
                .collect(),
        ),
        UserInputAst::Boost(inner, boost) => {
            UserInputAst::Boost(Box::new(lift_negations(*inner)), boost)
        }
        leaf => leaf,
    }
}

/// Names what is wrong with a query tantivy's grammar rejected, in words a user can act on.
pub(crate) fn explain_syntax_error(query: &str) -> String {
    if query.chars().filter(|&c| c == '"').count() % 2 == 1 {
        return "unclosed quote: a phrase needs a closing \"".into();
    }
    let mut parens = 0i32;
    let mut brackets = 0i32;
    for c in query.chars() {
        match c {
            '(' => parens += 1,
            ')' => parens -= 1,
            '[' | '{' => brackets += 1,
            ']' | '}' => brackets -= 1,
            _ => {}
        }
        if parens < 0 {
            return "')' without a matching '('".into();
        }
    }
    if parens > 0 {
        return "unclosed '(': add the closing ')'".into();
    }
    if brackets != 0 {
        return "unbalanced range brackets: write ranges as [FROM TO UNTIL] or {FROM TO UNTIL}"
            .into();
    }
    let words: Vec<&str> = query.split_whitespace().collect();
    for op in ["AND", "OR", "NOT"] {
        if words.last() == Some(&op) || (op != "NOT" && words.first() == Some(&op)) {
            return format!("'{op}' needs a term on each side");
        }
    }
    if words
        .windows(2)
        .any(|w| matches!(w, ["AND" | "OR", "AND" | "OR"]))
    {
        return "two operators in a row".into();
    }
    format!(
        "cannot parse '{}' (check quotes, brackets, operators and field:value pairs)",
        excerpt(query)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_are_named() {
        assert!(explain_syntax_error("\"права детей").contains("unclosed quote"));
        assert!(explain_syntax_error("(права OR дети").contains("unclosed '('"));
        assert!(explain_syntax_error("права)").contains("without a matching"));
        assert!(explain_syntax_error("date:[2024 TO").contains("range brackets"));
        assert!(explain_syntax_error("права AND").contains("'AND' needs a term"));
        assert!(explain_syntax_error("права AND OR дети").contains("two operators"));
    }

    #[test]
    fn and_not_excludes() {
        let ast = tantivy::query_grammar::parse_query("a AND NOT b").unwrap();
        assert_eq!(format!("{:?}", lift_negations(ast)), "(+a -b)");
    }

    #[test]
    fn date_shorthands_become_inclusive_ranges() {
        assert_eq!(
            rewrite_dates("права date:[2024-01-01 TO 2024-06-30]").unwrap(),
            "права date:[2024-01-01T00:00:00Z TO 2024-06-30T00:00:00Z]"
        );
        assert_eq!(
            rewrite_dates("date:2024").unwrap(),
            "date:[2024-01-01T00:00:00Z TO 2024-12-31T00:00:00Z]"
        );
        assert_eq!(
            rewrite_dates("date:2024-02").unwrap(),
            "date:[2024-02-01T00:00:00Z TO 2024-02-29T00:00:00Z]"
        );
        assert_eq!(
            rewrite_dates("date:>=2021 AND date:<2022-03").unwrap(),
            "date:[2021-01-01T00:00:00Z TO *] AND date:[* TO 2022-02-28T00:00:00Z]"
        );
        assert_eq!(
            rewrite_dates("date:{2020 TO *]").unwrap(),
            "date:[2021-01-01T00:00:00Z TO *]"
        );
    }

    #[test]
    fn date_none_is_the_undated_marker() {
        assert_eq!(
            rewrite_dates("права AND date:none").unwrap(),
            "права AND undated:true"
        );
        assert_eq!(rewrite_dates("-date:NONE").unwrap(), "-undated:true");
        assert!(rewrite_dates("date:>=none").is_err());
    }

    #[test]
    fn quoted_text_is_never_a_date_clause() {
        assert_eq!(
            rewrite_dates("\"выпуск date:2010\"").unwrap(),
            "\"выпуск date:2010\""
        );
        assert_eq!(
            rewrite_dates("'date:2010' date:2010").unwrap(),
            "'date:2010' date:[2010-01-01T00:00:00Z TO 2010-12-31T00:00:00Z]"
        );
        // A quoted value is still the clause's.
        assert_eq!(
            rewrite_dates("date:\"2010\"").unwrap(),
            "date:[2010-01-01T00:00:00Z TO 2010-12-31T00:00:00Z]"
        );
    }

    #[test]
    fn an_open_range_is_every_dated_article() {
        assert_eq!(rewrite_dates("date:[* TO *]").unwrap(), "date:*");
        assert_eq!(rewrite_dates("date:*").unwrap(), "date:*");
        assert_eq!(
            rewrite_dates("права date:{* TO *}").unwrap(),
            "права date:*"
        );
    }

    #[test]
    fn field_star_means_every_article_with_the_field() {
        let (schema, _) = crate::index::schema::build();
        let resolve = |q: &str| {
            every_article_with(tantivy::query_grammar::parse_query(q).unwrap(), &schema)
                .map(|ast| format!("{ast:?}"))
        };
        assert_eq!(resolve("id:*").unwrap(), "*");
        assert_eq!(resolve("title:*").unwrap(), "*");
        assert_eq!(resolve("date:*").unwrap(), "$exists(\"date\")");
        assert_eq!(resolve("person:*").unwrap(), "$exists(\"person\")");
        let err = resolve("zzz:*").unwrap_err().to_string();
        assert!(err.contains("unknown field 'zzz'"), "{err}");
        let err = resolve("url:*").unwrap_err().to_string();
        assert!(err.contains("url:* cannot be searched"), "{err}");
    }

    #[test]
    fn a_bad_date_names_itself() {
        let err = rewrite_dates("date:2024-13-01").unwrap_err().to_string();
        assert!(err.contains("2024-13-01"), "{err}");
        assert!(err.contains("there is no month 13"), "{err}");
        assert!(rewrite_dates("update: the date").is_ok());
    }

    /// The query's dates are read by the same strict reader as `--from` and `from=`: the
    /// metadata reader took `2024-05-1799` for 17 May.
    #[test]
    fn query_dates_are_whole_values() {
        assert_eq!(
            rewrite_dates("date:17.05.2024").unwrap(),
            "date:[2024-05-17T00:00:00Z TO 2024-05-17T00:00:00Z]"
        );
        for bad in [
            "date:2024-05-1799",
            "date:32.01.2024",
            "date:>=2024-02-30",
            "date:[2024 TO 2024-05-17x]",
        ] {
            let err = rewrite_dates(bad).unwrap_err().to_string();
            assert!(
                err.contains("invalid date")
                    && err.contains("YYYY, YYYY-MM, YYYY-MM-DD or DD.MM.YYYY"),
                "{bad}: {err}"
            );
        }
    }
}

/// A time or score typed in a question ("4:51", "2:0"), outside quotes: read by the grammar
/// as the field "4", an unknown field and so an error.
static CLOCK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(^|[\s(])(\d+(?::\d+)+)([\s),.?!;]|$)").expect("valid regex"));

/// `text` with each time or score outside quotes ("4:51") written as the phrase of its
/// numbers (`"4:51"`): no field's name is a number, so such a colon is never a field's.
pub(crate) fn quote_clocks(text: &str) -> String {
    let quoted = quoted_spans(text);
    CLOCK
        .replace_all(text, |c: &Captures| {
            let start = c.get(2).map_or(0, |m| m.start());
            if quoted.iter().any(|q| q.contains(&start)) {
                return c[0].to_string();
            }
            format!("{}\"{}\"{}", &c[1], &c[2], &c[3])
        })
        .into_owned()
}

/// The query as a question typed in prose means it, when its quotes are what the grammar
/// cannot read: an apostrophe inside or after a word ("DECnet'а", "ABC'") is a letter of
/// text, not the start of a phrase, and a double quote left without its pair (`"Доктора
/// Кто»`, closed by another kind of quote) is dropped. `None` when there is nothing to
/// repair. Fields, operators and the other quotes are left as typed, so no filter changes.
pub(crate) fn repair_quotes(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut in_phrase = false;
    let mut in_single = false;
    let doubles = chars.iter().filter(|&&c| c == '"').count();
    let mut doubles_seen = 0;
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '"' if in_single => out.push(c),
            '"' => {
                doubles_seen += 1;
                // An odd count: the last one has no pair. It is dropped only when a
                // typographic closing quote follows it, as in `"Доктора Кто»`: a phrase
                // left open (`"права детей`) stays an error, since its words alone would
                // find more than the phrase meant.
                let closed_otherwise = chars[i + 1..].iter().any(|c| matches!(c, '»' | '”' | '“'));
                if doubles % 2 == 1 && doubles_seen == doubles && closed_otherwise {
                    changed = true;
                    continue;
                }
                in_phrase = !in_phrase;
                out.push(c);
            }
            '\'' if in_single => {
                in_single = false;
                out.push(c);
            }
            '\'' if !in_phrase && i > 0 && chars[i - 1].is_alphanumeric() => {
                out.push(' ');
                changed = true;
            }
            '\'' if !in_phrase => {
                in_single = true;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    changed.then_some(out)
}

#[cfg(test)]
mod prose_tests {
    use super::*;

    #[test]
    fn a_time_is_a_phrase_of_its_numbers() {
        assert_eq!(quote_clocks("оставалось 4:51?"), "оставалось \"4:51\"?");
        assert_eq!(quote_clocks("счёт 2:0 в матче"), "счёт \"2:0\" в матче");
        assert_eq!(quote_clocks("\"в 4:51\" date:2024"), "\"в 4:51\" date:2024");
        assert_eq!(quote_clocks("title:2024"), "title:2024");
    }

    #[test]
    fn stray_quotes_are_text() {
        assert_eq!(
            repair_quotes("в Фазе II DECnet'а?").as_deref(),
            Some("в Фазе II DECnet а?")
        );
        assert_eq!(
            repair_quotes("серии \"Доктора Кто» Дадли").as_deref(),
            Some("серии Доктора Кто» Дадли")
        );
        // A phrase left open is the user's mistake to be told of, not text.
        assert_eq!(repair_quotes("\"a b\" source:\"X"), None);
        assert_eq!(repair_quotes("\"права детей"), None);
        assert_eq!(repair_quotes("\"a b\" 'c d'"), None);
    }
}
