//! The shipped list of Kazakhstan's institutions, companies, fields and holidays
//! (`institutions.txt`). The tagger learnt people from Russian news, where an unknown
//! capitalized word after "депутаты" or "в" is often a surname; here "Мажилиса", "Отбасы" or
//! "Тенгиз" are a parliament's chamber, a bank and an oil field. A mention the list knows
//! takes the list's type and name whatever case it is written in.

use std::sync::LazyLock;

use rustc_hash::FxHashMap;

use super::mention::EntityType;
use super::places::key;
use super::tokens::{Token, tokenize};

/// What a listed name is: one of our types, or none of them (a holiday).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Entity(EntityType),
    Nothing,
}

/// One listed entity.
#[derive(Debug)]
pub(crate) struct Entry {
    pub kind: Kind,
    /// The name in the nominative, as the list writes it.
    pub name: &'static str,
}

/// Every name (canonical or other) as its words' [`Word`]s, with the entry it belongs to,
/// under both forms of its first word, longest names first so the longest match wins.
struct List {
    entries: Vec<Entry>,
    by_first: FxHashMap<String, Vec<(Vec<Word>, usize)>>,
}

/// A listed word as its stem and as written (lowercase). The stemmer cuts a nominative that
/// looks like a verb's past ("Арал" → "ара") but not its case forms ("Арале" → "арал"), so a
/// word in the text matches when its stem is either.
#[derive(Debug)]
struct Word {
    stem: String,
    lower: String,
}

impl Word {
    fn matches(&self, stem: &str) -> bool {
        self.stem == stem || self.lower == stem
    }
}

static LIST: LazyLock<List> = LazyLock::new(|| List::parse(include_str!("institutions.txt")));

impl List {
    fn parse(text: &'static str) -> List {
        let mut entries = Vec::new();
        let mut by_first: FxHashMap<String, Vec<(Vec<Word>, usize)>> = FxHashMap::default();
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut fields = line.split('|').map(str::trim);
            let kind = match fields.next() {
                Some("NONE") => Kind::Nothing,
                Some(label) => match EntityType::from_label(label) {
                    Some(k) => Kind::Entity(k),
                    None => continue,
                },
                None => continue,
            };
            let names: Vec<&'static str> = fields.filter(|n| !n.is_empty()).collect();
            let Some(&name) = names.first() else {
                continue;
            };
            let at = entries.len();
            entries.push(Entry { kind, name });
            for n in names {
                let words = words_of(n);
                let Some(first) = words.first() else {
                    continue;
                };
                let mut openings = vec![first.stem.clone(), first.lower.clone()];
                openings.dedup();
                for opening in openings {
                    by_first.entry(opening).or_default().push((words_of(n), at));
                }
            }
        }
        for v in by_first.values_mut() {
            v.sort_by_key(|(s, _)| std::cmp::Reverse(s.len()));
        }
        List { entries, by_first }
    }
}

/// A name's words, punctuation left out ("Фонд «Самрук-Казына»").
fn words_of(name: &str) -> Vec<Word> {
    tokenize(name)
        .iter()
        .filter(|t| t.text.chars().any(char::is_alphanumeric))
        .map(|t| Word {
            stem: key(t.text),
            lower: crate::analysis::lowercase(t.text).replace('ё', "е"),
        })
        .collect()
}

/// The listed entity whose name the words of `span` start with, and how many tokens of the
/// span that name covers. Quotes and other punctuation inside the span are skipped.
pub(crate) fn lookup(span: &[Token]) -> Option<(&'static Entry, usize)> {
    let list = &*LIST;
    let words: Vec<(usize, &Token)> = span
        .iter()
        .enumerate()
        .filter(|(_, t)| t.text.chars().any(char::is_alphanumeric))
        .collect();
    let (_, first) = words.first()?;
    let candidates = list.by_first.get(&key(first.text))?;
    // Only as many words as the longest candidate has are stemmed: a span may be long.
    let longest = candidates.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
    let keys: Vec<String> = words
        .iter()
        .take(longest)
        .map(|(_, t)| key(t.text))
        .collect();
    candidates.iter().find_map(|(listed, at)| {
        (listed.len() <= keys.len() && listed.iter().zip(&keys).all(|(w, k)| w.matches(k)))
            .then(|| (&list.entries[*at], words[listed.len() - 1].0 + 1))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Option<(Kind, &'static str, usize)> {
        lookup(&tokenize(text)).map(|(e, n)| (e.kind, e.name, n))
    }

    #[test]
    fn names_are_found_in_any_case_form() {
        let org = Kind::Entity(EntityType::Org);
        assert_eq!(found("Мажилиса"), Some((org, "Мажилис", 1)));
        assert_eq!(found("Мажилиса Парламента"), Some((org, "Мажилис", 2)));
        assert_eq!(
            found("Назарбаев Университете"),
            Some((org, "Назарбаев Университет", 2))
        );
        assert_eq!(found("Отбасы"), Some((org, "Отбасы банк", 1)));
        assert_eq!(
            found("Тенгизе"),
            Some((Kind::Entity(EntityType::Loc), "Тенгиз", 1))
        );
        assert_eq!(found("Наурыз"), Some((Kind::Nothing, "Наурыз", 1)));
        assert_eq!(
            found("Арале"),
            Some((Kind::Entity(EntityType::Loc), "Арал", 1)),
            "{}",
            key("Арале")
        );
        assert_eq!(found("Карина"), None);
    }
}
