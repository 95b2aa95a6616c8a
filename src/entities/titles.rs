//! Titles and positions written before a name ("Аким Даурен Жаксыбеков", "премьер-министром
//! Олжасом Бектеновым"): they are capitalized at a sentence's start and stand where a first
//! name would, so the tagger takes them into the person, but they are not part of the name.

use super::morph::Morph;

/// Dictionary forms of titles and positions, Russian and Kazakh.
const TITLES: &[&str] = &[
    "аким",
    // The dictionary knows "Аким" as an old Russian first name, so its case forms are listed.
    "акима",
    "акиму",
    "акимом",
    "акиме",
    "госсоветник",
    "советник",
    "министр",
    "замминистра",
    "президент",
    "премьер",
    "депутат",
    "сенатор",
    "губернатор",
    "мэр",
    "директор",
    "гендиректор",
    "председатель",
    "зампред",
    "глава",
    "замглавы",
    "спикер",
    "посол",
    "консул",
    "генконсул",
    "руководитель",
    "заместитель",
    "секретарь",
    "госсекретарь",
    "генсек",
    "канцлер",
    "прокурор",
    "генпрокурор",
    "судья",
    "омбудсмен",
    "ректор",
    "академик",
    "профессор",
    "генерал",
    "полковник",
    "король",
    "королева",
    "принц",
    "принцесса",
    "патриарх",
    "митрополит",
    "конгрессмен",
    "вице-президент",
    "пресс-секретарь",
];

/// Prefixes that make another title of a title ("вице-премьер", "экс-министр", "и.о.").
const PREFIXES: &[&str] = &["вице", "экс", "зам", "врио"];

/// Whether `word` is a title or position: the dictionary's form of it, or of every part of a
/// hyphenated one, is listed. A word the dictionary also knows as a name or surname is not
/// one (a surname "Король").
pub(crate) fn is_title(word: &str, morph: &Morph) -> bool {
    let lower = crate::analysis::lowercase(word).replace('ё', "е");
    if TITLES.contains(&lower.as_str()) {
        return true;
    }
    if lower.contains('-') {
        return lower
            .split('-')
            .all(|part| PREFIXES.contains(&part) || is_title_word(part, morph));
    }
    is_title_word(&lower, morph)
}

fn is_title_word(lower: &str, morph: &Morph) -> bool {
    if TITLES.contains(&lower) {
        return true;
    }
    let info = morph.info(lower);
    let known: Vec<_> = info.parses.iter().filter(|p| p.known).collect();
    !known.is_empty()
        && !known
            .iter()
            .any(|p| p.has("Name") || p.has("Surn") || p.has("Patr"))
        && known
            .iter()
            .any(|p| p.tag.starts_with("NOUN") && TITLES.contains(&p.lemma.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_in_any_case_and_compound() {
        let m = Morph::new();
        for w in [
            "Аким",
            "акима",
            "Госсоветник",
            "премьер-министром",
            "Вице-премьер",
            "Министр",
            "Депутату",
            "экс-президента",
        ] {
            assert!(is_title(w, &m), "{w}");
        }
        for w in ["Даурен", "Ерлан", "Карин", "Шымкента"] {
            assert!(!is_title(w, &m), "{w}");
        }
    }
}
