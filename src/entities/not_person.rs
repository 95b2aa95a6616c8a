//! Telling the tagger's people that are not people. It learnt persons from the features of
//! capitalized words, so a capitalized adjective ("Нобелевской"), a title ("Аким Даурен
//! Жаксыбеков"), a village after "села" or a Kazakh institution ("Мажилиса") can pass for one.
//! Each such span is cut down to the name, retyped, or dropped.

use super::mention::EntityType;
use super::morph::Morph;
use super::tokens::{self, Token};
use super::{institutions, person, places, titles};

/// What a span the tagger read as a person is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Verdict {
    /// A person, written in these tokens (a title before the name left out).
    Person(usize, usize),
    /// An entity of another type in these tokens, under the given name when a list knows it.
    Other(EntityType, usize, usize, Option<String>),
    /// Not an entity at all.
    Drop,
}

/// Common nouns after which a capitalized word names a place, not a person ("у села Улкен",
/// "в области Абай"). A street or avenue is left out: "улица Абая" is named after the person.
const PLACE_NOUNS: [&str; 10] = [
    "область",
    "село",
    "аул",
    "посёлок",
    "поселок",
    "город",
    "район",
    "станция",
    "деревня",
    "месторождение",
];

/// The verdict on the person span `span` of `tokens`.
pub(crate) fn judge(tokens: &[Token], span: (usize, usize), morph: &Morph) -> Verdict {
    let (mut first, last) = span;
    if let Some(v) = listed(tokens, first, last) {
        return v;
    }
    // Titles before the name, then the place or body they are of ("Аким Шымкента Даурен
    // Жаксыбеков"): the name starts at the first word that could be one.
    let mut place: Option<(usize, usize)> = None;
    if titles::is_title(tokens[first].text, morph) {
        while first <= last && titles::is_title(tokens[first].text, morph) {
            first += 1;
        }
        while first <= last {
            let word = tokens[first].text;
            let lowercase = word.chars().next().is_some_and(char::is_lowercase);
            let a_place = is_place(word, morph) || places::single(word).is_some();
            if !(lowercase || a_place || !could_be_name(word, morph)) {
                break;
            }
            if a_place {
                place = Some((place.map_or(first, |p| p.0), first));
            }
            first += 1;
        }
        if first > last {
            return match place {
                // The gazetteer's name where it has one: the dictionary leaves "Шымкента" be.
                Some((a, b)) => {
                    let name = (a == b)
                        .then(|| places::single(tokens[a].text))
                        .flatten()
                        .map(str::to_string);
                    Verdict::Other(EntityType::Loc, a, b, name)
                }
                None => Verdict::Drop,
            };
        }
        if let Some(v) = listed(tokens, first, last) {
            return v;
        }
    }
    if first == last {
        let before = first.checked_sub(1).map(|b| tokens[b].text);
        if before.is_some_and(|b| is_place_noun(b, morph)) {
            return Verdict::Other(EntityType::Loc, first, last, None);
        }
    }
    Verdict::Person(first, last)
}

/// The verdict of the institutions list on tokens `first..=last`, if it knows them: the whole
/// span, or an organization's name and its complement ("Мажилиса Парламента").
fn listed(tokens: &[Token], first: usize, last: usize) -> Option<Verdict> {
    let span = &tokens[first..=last];
    let (entry, covered) = institutions::lookup(span)?;
    let whole = covered == span.len();
    match entry.kind {
        institutions::Kind::Nothing if whole => Some(Verdict::Drop),
        institutions::Kind::Entity(kind) if whole => Some(Verdict::Other(
            kind,
            first,
            last,
            Some(entry.name.to_string()),
        )),
        // Only an organization's name takes a complement; "Тенгиз Абуладзе" is a person.
        institutions::Kind::Entity(EntityType::Org) => {
            let rest = tokens::join(&span[covered..]);
            let name = format!("{} {rest}", entry.name);
            Some(Verdict::Other(EntityType::Org, first, last, Some(name)))
        }
        _ => None,
    }
}

/// Whether the dictionary (or the shipped list of regional first names) reads `word` as a
/// first name, surname or patronymic, or does not know it at all.
fn could_be_name(word: &str, morph: &Morph) -> bool {
    let info = morph.info(&crate::analysis::lowercase(word));
    let known: Vec<_> = info.parses.iter().filter(|p| p.known).collect();
    known.is_empty() || is_known_name(word, morph)
}

fn is_known_name(word: &str, morph: &Morph) -> bool {
    if person::is_regional_name(word) {
        return true;
    }
    let info = morph.info(&crate::analysis::lowercase(word));
    info.parses
        .iter()
        .any(|p| p.known && (p.has("Name") || p.has("Surn") || p.has("Patr")))
}

/// A word the dictionary knows as a place name and reads as no name, not even by guess
/// ("Квачкова" is a village and, by its ending, a surname).
fn is_place(word: &str, morph: &Morph) -> bool {
    let info = morph.info(&crate::analysis::lowercase(word));
    info.parses.iter().any(|p| p.known && p.has("Geox"))
        && !info
            .parses
            .iter()
            .any(|p| p.has("Name") || p.has("Surn") || p.has("Patr"))
}

/// Whether the dictionary knows `word` only as an adjective or participle: "Нобелевской" in
/// "лауреат Нобелевской премии". NEREL, which the tagger learnt from, marks such a word as a
/// person nested in the award's or theatre's name ("Мариинского театра"), so the tagger keeps
/// finding it and evaluation scores it; but an article about the prize is not about Nobel,
/// so the person facet leaves it out (see [`Extractor::entities`](super::Extractor::entities)).
/// Nouns are not judged this way: the dictionary reads many real surnames as the nouns of
/// things ("Трамп", "Маркив"), and neither is a man's form in the nominative, which is most
/// often an adjectival surname ("Навальный", "Толстой").
pub(crate) fn only_adjective(word: &str, morph: &Morph) -> bool {
    let info = morph.info(&crate::analysis::lowercase(word));
    let known: Vec<_> = info.parses.iter().filter(|p| p.known).collect();
    !known.is_empty()
        && !known
            .iter()
            .any(|p| p.has("masc") && p.has("sing") && p.has("nomn"))
        && known.iter().all(|p| {
            ["ADJF", "ADJS", "PRTF"]
                .iter()
                .any(|pos| p.tag.starts_with(pos))
                && !p.has("Name")
                && !p.has("Surn")
                && !p.has("Patr")
        })
}

/// Heads of lowercase phrases the tagger takes for organizations that name a document or a
/// plan, never a body ("единая комплексная программа").
const NOT_BODIES: [&str; 10] = [
    "программа",
    "проект",
    "закон",
    "кодекс",
    "стратегия",
    "концепция",
    "план",
    "инициатива",
    "реформа",
    "политика",
];

/// Whether an organization span is a plain lowercase phrase headed by a document or plan
/// ("единая комплексная программа"): no capital letter in it, and its first noun is one of
/// [`NOT_BODIES`].
pub(crate) fn names_no_body(span: &[Token], morph: &Morph) -> bool {
    if span
        .iter()
        .any(|t| t.text.chars().next().is_some_and(|c| !c.is_lowercase()))
    {
        return false;
    }
    span.iter()
        .find_map(|t| {
            let info = morph.info(t.text);
            info.parses
                .first()
                .filter(|p| p.tag.starts_with("NOUN"))
                .map(|p| NOT_BODIES.contains(&p.lemma.as_str()))
        })
        .unwrap_or(false)
}

/// A lowercase common noun for a settlement, region or field ("села", "области").
fn is_place_noun(word: &str, morph: &Morph) -> bool {
    if !word.chars().next().is_some_and(char::is_lowercase) {
        return false;
    }
    let info = morph.info(&crate::analysis::lowercase(word));
    info.parses
        .iter()
        .any(|p| p.known && p.tag.starts_with("NOUN") && PLACE_NOUNS.contains(&p.lemma.as_str()))
}

#[cfg(test)]
mod tests {
    use super::super::tokens::tokenize;
    use super::*;

    /// The verdict on the words of `text` from `from` on, as one person span.
    fn verdict(text: &str, from: usize) -> (Verdict, Vec<String>) {
        let tokens = tokenize(text);
        let v = judge(&tokens, (from, tokens.len() - 1), &Morph::new());
        let words = match &v {
            Verdict::Person(a, b) | Verdict::Other(_, a, b, _) => {
                tokens[*a..=*b].iter().map(|t| t.text.to_string()).collect()
            }
            Verdict::Drop => Vec::new(),
        };
        (v, words)
    }

    #[test]
    fn titles_are_not_part_of_the_name() {
        let (v, words) = verdict("Аким Даурен Жаксыбеков", 0);
        assert!(matches!(v, Verdict::Person(..)), "{v:?}");
        assert_eq!(words, ["Даурен", "Жаксыбеков"]);
        let (v, words) = verdict("Аким Шымкента", 0);
        assert!(matches!(v, Verdict::Other(EntityType::Loc, ..)), "{v:?}");
        assert_eq!(words, ["Шымкента"]);
        assert_eq!(verdict("Госсоветник", 0).0, Verdict::Drop);
    }

    #[test]
    fn adjectives_are_not_people() {
        let m = Morph::new();
        assert!(only_adjective("Нобелевской", &m));
        assert!(!only_adjective("Карин", &m));
        // A man's adjectival surname in the nominative is left alone.
        assert!(!only_adjective("Навальный", &m));
        assert_eq!(verdict("Ерлан Карин", 0).0, Verdict::Person(0, 1));
        assert!(matches!(verdict("Карин", 0).0, Verdict::Person(..)));
    }

    #[test]
    fn listed_institutions_are_retyped_in_any_case() {
        let org = |name: &str| Some(name.to_string());
        let (v, _) = verdict("Мажилиса", 0);
        assert_eq!(v, Verdict::Other(EntityType::Org, 0, 0, org("Мажилис")));
        let (v, _) = verdict("Назарбаев Университете", 0);
        assert_eq!(
            v,
            Verdict::Other(EntityType::Org, 0, 1, org("Назарбаев Университет"))
        );
        let (v, _) = verdict("Тенгизе", 0);
        assert_eq!(v, Verdict::Other(EntityType::Loc, 0, 0, org("Тенгиз")));
        assert_eq!(verdict("Наурыз", 0).0, Verdict::Drop);
    }

    #[test]
    fn a_name_after_a_place_noun_is_a_place() {
        let (v, words) = verdict("у села Улкен", 2);
        assert!(matches!(v, Verdict::Other(EntityType::Loc, ..)), "{v:?}");
        assert_eq!(words, ["Улкен"]);
        let (v, _) = verdict("в области Абай", 2);
        assert!(matches!(v, Verdict::Other(EntityType::Loc, ..)), "{v:?}");
    }
}
