//! Organizations named otherwise than the typed name writes them: a compound abbreviation for
//! its expansion ("Минобороны" for "Министерство обороны", "Мосгордума" for "Московская
//! городская дума", "Совфед" for "Совет Федерации"), and a country after the name or not
//! ("Минобороны РФ", "МВД России", "Палата общин Великобритании" where the text says "Палате
//! общин").
//!
//! Russian compound abbreviations take the start of each word of the expansion (Мин-,
//! Мос-гор-, Гос-, Нац-, Сов-фед) and often the last word whole, in any case: that rule finds
//! them without a list. A country written after a name ("России", "РФ", "Российской
//! Федерации", all Россия by the gazetteer and the alias table) says whose the organization
//! is: a typed name with one finds the names with the same country, and only when the archive
//! has none of those, the name without any country. A filter narrows: a name whose base the
//! archive never writes still finds nothing.

use super::names;
use crate::entities::Aliases;

/// A name taken apart for these comparisons.
#[derive(Debug, Clone, Default)]
pub(crate) struct Shape {
    /// Stems of the words before the country, as [`names::stems`].
    stems: Vec<String>,
    /// The abbreviation the base is ("МВД"), or the one it spells ("Министерство внутренних
    /// дел" → "МВД").
    abbreviation: Option<String>,
    spelled: Vec<String>,
    /// The base as one folded word, when it is one ("минобороны").
    compound: Option<String>,
    /// The base's words, folded, without the small words between them.
    words: Vec<String>,
    /// The country after the name, as the alias table names it.
    pub qualifier: Option<String>,
}

/// Words left out of an expansion when its words are matched: "Министерство образования и
/// науки" is Минобрнауки.
const SMALL: [&str; 14] = [
    "по", "и", "в", "во", "на", "при", "для", "с", "со", "о", "об", "от", "за", "к",
];

impl Shape {
    pub fn of(name: &str, aliases: &Aliases) -> Shape {
        let words: Vec<&str> = name.split_whitespace().collect();
        let mut base_len = words.len();
        let mut qualifier = None;
        // The longest tail of one to three words that is a place, leaving a base before it.
        for k in (1..=3.min(words.len().saturating_sub(1))).rev() {
            let tail = words[words.len() - k..].join(" ");
            if let Some(place) = crate::entities::place_named(aliases, &tail) {
                qualifier = Some(names::fold(&place));
                base_len = words.len() - k;
                break;
            }
        }
        let base = words[..base_len].join(" ");
        let abbreviation = names::as_abbreviation(&base);
        let spelled = if abbreviation.is_none() {
            names::acronyms(&base)
        } else {
            Vec::new()
        };
        let folded: Vec<String> = base
            .split(|c: char| c.is_whitespace() || matches!(c, '«' | '»' | '"' | ',' | '(' | ')'))
            .filter(|w| !w.is_empty())
            .map(names::fold)
            .filter(|w| !SMALL.contains(&w.as_str()))
            .collect();
        let compound = (base_len == 1
            && abbreviation.is_none()
            && folded.len() == 1
            && folded[0].chars().all(char::is_alphabetic))
        .then(|| folded[0].clone());
        Shape {
            stems: names::stems(&base),
            abbreviation,
            spelled,
            compound,
            words: folded,
            qualifier,
        }
    }

    /// Whether two names share their base: the same words in any case, an abbreviation and
    /// the expansion that spells it, or a compound abbreviation and its expansion.
    pub fn same_base(&self, other: &Shape) -> bool {
        if !self.stems.is_empty() && self.stems == other.stems {
            return true;
        }
        let abbreviated = |a: &Shape, b: &Shape| {
            a.abbreviation.as_ref().is_some_and(|x| {
                names::spells_enough(x)
                    && (b.spelled.contains(x) || b.abbreviation.as_ref() == Some(x))
            })
        };
        let compounded = |a: &Shape, b: &Shape| {
            a.compound
                .as_deref()
                .is_some_and(|c| abbreviates(c, &b.words))
        };
        abbreviated(self, other)
            || abbreviated(other, self)
            || compounded(self, other)
            || compounded(other, self)
    }
}

/// Whether a one-word compound is the start of each word of an expansion, the last word
/// whole in any case form or by its start ("минобороны": министерство обороны; "мосгордуму":
/// московская городская дума; "совфед": совет федерации). Each start but the last has two
/// to six letters, the first at least three.
fn abbreviates(compound: &str, words: &[String]) -> bool {
    if words.len() < 2 || words.iter().any(|w| !w.chars().all(char::is_alphabetic)) {
        return false;
    }
    let c: Vec<char> = compound.chars().collect();
    let w: Vec<Vec<char>> = words.iter().map(|w| w.chars().collect()).collect();
    split(&c, &w, true)
}

fn split(c: &[char], words: &[Vec<char>], first: bool) -> bool {
    let Some((word, rest)) = words.split_first() else {
        return false;
    };
    if rest.is_empty() {
        if c.len() < 3 {
            return false;
        }
        let piece: String = c.iter().collect();
        let whole: String = word.iter().collect();
        let piece_stem = stem(&piece);
        return whole.starts_with(&piece)
            || (piece_stem.chars().count() >= 3 && whole.starts_with(&piece_stem));
    }
    let least = if first { 3 } else { 2 };
    (least..=6.min(c.len().saturating_sub(3)))
        .any(|n| word.len() > n && word[..n] == c[..n] && split(&c[n..], rest, false))
}

fn stem(word: &str) -> String {
    names::stems(word).into_iter().next().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(a: &str, b: &str) -> bool {
        let aliases = Aliases::shipped();
        Shape::of(a, &aliases).same_base(&Shape::of(b, &aliases))
    }

    #[test]
    fn compound_abbreviations_meet_their_expansions() {
        for (short, long) in [
            ("Минобороны", "Министерство обороны"),
            ("Мосгордуму", "Московская городская дума"),
            ("Мосгорсуд", "Московский городской суд"),
            ("Совфеда", "Совет Федерации"),
            ("Нацполиции", "Национальная полиция"),
            ("Госдепартаменте", "Государственный департамент"),
            ("Минобрнауки", "Министерство образования и науки"),
            ("Минздрава", "Министерство здравоохранения"),
        ] {
            assert!(same(short, long), "{short} / {long}");
        }
        assert!(!same("Минск", "Министерство культуры"));
        assert!(!same("Минобороны", "Министерство финансов"));
        assert!(!same("Москва", "Московская городская дума"));
    }

    #[test]
    fn a_country_after_the_name_is_its_qualifier() {
        let aliases = Aliases::shipped();
        let s = Shape::of("Министерство обороны Российской Федерации", &aliases);
        assert_eq!(s.qualifier.as_deref(), Some("россия"));
        assert_eq!(
            Shape::of("МВД России", &aliases).qualifier,
            Shape::of("МВД РФ", &aliases).qualifier
        );
        assert!(same(
            "МВД России",
            "Министерство внутренних дел Российской Федерации"
        ));
        assert!(same(
            "Минобороны РФ",
            "Министерство обороны Российской Федерации"
        ));
        assert_eq!(Shape::of("Палата общин", &aliases).qualifier, None);
    }
}
