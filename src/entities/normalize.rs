//! Bringing a mention to its dictionary form: "Ерлана Карина" → "Ерлан Карин",
//! "Реджиной Де Доминичис" → "Реджина Де Доминичис", "в Алматы" → "Алматы".

use super::grammar::{Case, Gender, HARD, agree, gender_of, is_cyrillic, recase};
use super::memo::{self, Memo};
use super::mention::EntityType;
use super::morph::{Morph, Parse};
use super::person;
use super::tokens::{Token, join, join_with};

thread_local! {
    static REMEMBERED: std::cell::RefCell<Memo<String>> = std::cell::RefCell::default();
}

/// [`normalize`] remembered per thread; `surface` is the span's text as written. The answer
/// depends on the type, the words as written with the spaces between them, whether a line
/// break comes before the span, and the word before it.
pub(crate) fn normalize_remembered(
    kind: EntityType,
    surface: &str,
    span: &[Token],
    before: Option<&Token>,
    morph: &Morph,
) -> String {
    let key = memo::key(&[
        &[
            kind as u8,
            u8::from(span.first().is_some_and(|t| t.after_break)),
        ],
        before.map_or("", |b| b.text).as_bytes(),
        surface.as_bytes(),
    ]);
    REMEMBERED.with(|m| {
        m.borrow_mut()
            .get_or(0, key, || normalize(kind, span, before, morph))
    })
}

/// `before` is the token before the span, whose case can show the name's ("одобрения Дэн
/// Сяопина" is a genitive).
pub(crate) fn normalize(
    kind: EntityType,
    span: &[Token],
    before: Option<&Token>,
    morph: &Morph,
) -> String {
    match kind {
        // Across a line break (a headline above) the word before says nothing.
        EntityType::Per => person::person_as(
            span,
            morph,
            None,
            before
                .filter(|_| span.first().is_some_and(|t| !t.after_break))
                .and_then(|b| person::context_case(b, morph)),
        ),
        _ => phrase(span, morph),
    }
}

/// An organization or place in the nominative: the head noun and the adjectives before it
/// take the nominative ("Детского фонда ООН" → "Детский фонд ООН", "Туркестанской области"
/// → "Туркестанская область"); what follows the head is its complement and stays as written.
fn phrase(span: &[Token], morph: &Morph) -> String {
    let mut head = None;
    for (i, t) in span.iter().enumerate() {
        if !is_cyrillic(t.text) || t.text.chars().all(|c| !c.is_lowercase()) {
            break;
        }
        let info = morph.info(&crate::analysis::lowercase(t.text));
        let Some(first) = info.parses.first() else {
            break;
        };
        if (first.tag.starts_with("ADJF") || first.tag.starts_with("PRTF")) && i + 1 < span.len() {
            continue;
        }
        // A word that is also an adjective agreeing with the noun after it is that adjective
        // ("Первом канале": not the noun "первое", a course of a meal).
        if let Some(next) = span.get(i + 1) {
            let next = morph.info(&crate::analysis::lowercase(next.text));
            let agrees = info
                .parses
                .iter()
                .filter(|a| a.tag.starts_with("ADJF") || a.tag.starts_with("PRTF"))
                .any(|a| {
                    next.parses
                        .iter()
                        .any(|n| n.tag.starts_with("NOUN") && agree(a, n))
                });
            if agrees {
                continue;
            }
        }
        head = Some(i);
        break;
    }
    let Some(h) = head else { return join(span) };
    let info = morph.info(&crate::analysis::lowercase(span[h].text));
    // Adjectives before the head narrow the phrase's case ("Всемирного банка": genitive, not
    // the nominative "банка" that means a jar), and its gender ("автономном округе": the
    // masculine "округ", not "округа").
    let first = (h > 0).then(|| morph.info(&crate::analysis::lowercase(span[0].text)));
    let adjectives: Vec<&Parse> = first
        .iter()
        .flat_map(|info| info.parses.iter())
        .filter(|p| p.tag.starts_with("ADJF") || p.tag.starts_with("PRTF"))
        .collect();
    let nouns: Vec<&Parse> = info
        .parses
        .iter()
        .filter(|p| p.tag.starts_with("NOUN"))
        .filter(|p| adjectives.is_empty() || adjectives.iter().any(|a| Case::of(a) == Case::of(p)))
        .collect();
    let agreeing: Vec<&Parse> = nouns
        .iter()
        .copied()
        .filter(|p| adjectives.is_empty() || adjectives.iter().any(|a| agree(a, p)))
        .collect();
    // "Московской и Калужской областях": a plural head after singular adjectives is shared by
    // coordinated names, each of them one region in the singular.
    let shared_plural = agreeing.is_empty()
        && !adjectives.is_empty()
        && adjectives.iter().all(|a| a.has("sing"))
        && nouns.iter().any(|p| p.has("plur"));
    let nouns = if agreeing.is_empty() { nouns } else { agreeing };
    // Already nominative, plural (whose nominative is not the lemma), or not a noun: as written.
    let Some(noun) = nouns.iter().find(|p| p.known).or(nouns.first()).copied() else {
        return join(span);
    };
    // A capitalised word the dictionary does not know ("Астане", "Самрук-Казына"): its guessed
    // lemma is as likely wrong as right, so it stays as written (the alias table may still
    // know it).
    if !noun.known && span[h].text.chars().next().is_some_and(char::is_uppercase) {
        // Unless it ends in a noun the dictionary knows ("Роскомнадзоре": "надзоре").
        return match compound_lemma(span[h].text, morph) {
            Some(lemma) if h + 1 == span.len() => recase(span[h].text, &lemma),
            _ => join(span),
        };
    }
    let known_nominative = nouns
        .iter()
        .any(|p| p.known && p.has("nomn") && (p.has("sing") || p.has("Fixd")));
    if known_nominative || noun.has("nomn") || (p_is_plural(noun) && !shared_plural) {
        return join(span);
    }
    let gender = gender_of(noun);
    let neut = noun.has("neut");
    join_with(span, |t| {
        let i = span
            .iter()
            .position(|x| std::ptr::eq(x, t))
            .unwrap_or(usize::MAX);
        if i == h {
            recase(t.text, &noun.lemma)
        } else if i < h {
            let lower = crate::analysis::lowercase(t.text);
            let adj = morph.info(&lower);
            // An adjective reading, of the word itself (the dictionary links "первом" to
            // "один" too).
            let opening: String = lower.chars().take(2).collect();
            let adjectival = |a: &&Parse| a.tag.starts_with("ADJF") || a.tag.starts_with("PRTF");
            let reading = adj
                .parses
                .iter()
                .filter(adjectival)
                .find(|a| a.lemma.starts_with(opening.as_str()))
                .or_else(|| adj.parses.iter().find(adjectival))
                .or(adj.parses.first());
            match reading {
                Some(a) => recase(t.text, &adjective(&ordinal(&lower, a), gender, neut)),
                None => t.text.to_string(),
            }
        } else {
            t.text.to_string()
        }
    })
}

/// The nominative of a compound the dictionary does not know that ends in a masculine noun
/// for a thing it does, in an oblique case: "Роскомнадзоре" → "роскомнадзор". The head must be four letters or more and what comes before it three or more,
/// so a name that merely ends like a noun ("Астане", "стан") is left alone; a feminine head
/// is too ("Минобороны" does not decline).
fn compound_lemma(word: &str, morph: &Morph) -> Option<String> {
    let lower = crate::analysis::lowercase(word);
    if lower.contains('-') {
        return None;
    }
    let chars: Vec<(usize, char)> = lower.char_indices().collect();
    (3..chars.len().saturating_sub(3)).find_map(|k| {
        let (at, _) = chars[k];
        let (prefix, head) = lower.split_at(at);
        let info = morph.info(head);
        let p = info.parses.first().filter(|p| {
            p.known
                && p.tag.starts_with("NOUN")
                && p.has("masc")
                && p.has("inan")
                && p.has("sing")
                && !p.has("nomn")
                && !p.has("accs")
                && !p.has("Geox")
                && !p.has("Name")
                && !p.has("Surn")
                && p.lemma.chars().count() >= 4
                && p.lemma.chars().last().is_some_and(|c| HARD.contains(c))
        })?;
        Some(format!("{prefix}{}", p.lemma))
    })
}

fn p_is_plural(p: &Parse) -> bool {
    p.has("plur") && !p.has("Pltm")
}

/// A masculine adjective lemma in the given gender: "детский" → "детская", "новый" → "новое".
/// The masculine nominative of an adjective reading. The dictionary gives ordinals the
/// cardinal as their lemma ("первом" → "один"), so those come from the word itself.
fn ordinal(lower: &str, reading: &Parse) -> String {
    const ORDINALS: [&str; 9] = [
        "первый",
        "второй",
        "четвёртый",
        "пятый",
        "шестой",
        "седьмой",
        "восьмой",
        "девятый",
        "десятый",
    ];
    if reading.has("Anum") {
        let folded = lower.replace('ё', "е");
        for o in ORDINALS {
            let o_folded = o.replace('ё', "е");
            let n = o_folded.chars().count();
            let stem: String = o_folded.chars().take(n - 2).collect();
            if folded.starts_with(&stem) {
                return o.to_string();
            }
        }
    }
    reading.lemma.clone()
}

fn adjective(masc: &str, gender: Option<Gender>, neut: bool) -> String {
    let velar = |b: &str| b.ends_with(['к', 'г', 'х', 'ж', 'ш', 'ч', 'щ']);
    for end in ["ый", "ий", "ой"] {
        if let Some(b) = masc.strip_suffix(end) {
            return if neut {
                if end == "ий" && !velar(b) {
                    format!("{b}ее")
                } else {
                    format!("{b}ое")
                }
            } else if gender == Some(Gender::Femn) {
                if end == "ий" && !velar(b) {
                    format!("{b}яя")
                } else {
                    format!("{b}ая")
                }
            } else {
                masc.to_string()
            };
        }
    }
    masc.to_string()
}

#[cfg(test)]
mod tests {
    use super::super::tokens::tokenize;
    use super::*;

    fn org(text: &str) -> String {
        phrase(&tokenize(text), &Morph::new())
    }

    #[test]
    fn organizations_and_places_in_the_nominative() {
        assert_eq!(org("Первом канале"), "Первый канал");
        assert_eq!(org("Пятого канала"), "Пятый канал");
        assert_eq!(
            org("Первой городской больницы"),
            "Первая городская больница"
        );
        assert_eq!(org("Детского фонда ООН"), "Детский фонд ООН");
        assert_eq!(org("Туркестанской области"), "Туркестанская область");
        assert_eq!(org("Министерства просвещения"), "Министерство просвещения");
        assert_eq!(org("Фонда «Самрук-Казына»"), "Фонд «Самрук-Казына»");
        assert_eq!(
            org("Центральной избирательной комиссии"),
            "Центральная избирательная комиссия"
        );
        assert_eq!(org("Казахстана"), "Казахстан");
        assert_eq!(org("Алматы"), "Алматы");
        assert_eq!(org("ЮНИСЕФ"), "ЮНИСЕФ");
        assert_eq!(org("мэрии Москвы"), "мэрия Москвы");
        assert_eq!(
            org("Всемирной организацией здравоохранения"),
            "Всемирная организация здравоохранения"
        );
        assert_eq!(org("Соединённых Штатов"), "Соединённых Штатов");
        assert_eq!(org("Всемирного банка"), "Всемирный банк");
        assert_eq!(
            org("Национального банка Казахстана"),
            "Национальный банк Казахстана"
        );
        assert_eq!(
            org("Ханты-Мансийском автономном округе"),
            "Ханты-Мансийский автономный округ"
        );
        assert_eq!(
            org("Центральном федеральном округе"),
            "Центральный федеральный округ"
        );
        assert_eq!(org("Калужской областях"), "Калужская область");
        assert_eq!(org("Роскомнадзоре"), "Роскомнадзор");
        assert_eq!(org("Минобороны"), "Минобороны");
    }
}
