//! A name as a user types it (any case, with or without patronymic, initials, particles, Latin
//! or Cyrillic, any common rendering, a surname alone) → the archive's entities it means.
//! Nothing found is an empty answer, never "everything": callers turn it into a filter that
//! matches no article.

use std::collections::BTreeSet;

use super::names::{self, PersonKey, PersonParts};
use super::{Registry, Table};
use crate::entities::{Aliases, EntityType};

impl Registry {
    /// An organization or place: by its own words ([`Table::named_exactly`]); else the one
    /// name that holds its words ("Самрук-Казына" in "Фонд «Самрук-Казына»").
    fn places_named(&self, kind: EntityType, typed: &str, aliases: &Aliases) -> Vec<u32> {
        let t = self.table(kind);
        let mut out = t.named_exactly(typed);
        if kind == EntityType::Org {
            out.extend(t.shaped_like(typed, aliases));
        }
        if !out.is_empty() {
            return out.into_iter().collect();
        }
        // Part of one name only: "власти" held by a dozen names means none of them.
        let out = t.holding(&names::stems(typed));
        if out.len() == 1 && out.iter().all(|&e| t.holds_words(e, typed)) {
            return out.into_iter().collect();
        }
        if kind == EntityType::Org {
            return t.inside_typed(typed).into_iter().collect();
        }
        Vec::new()
    }
}

/// What a typed name resolved to: its entities, and the places an article must also name
/// for them to count (empty: no such condition).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resolved {
    /// The entities the name means, by number.
    pub entities: Vec<u32>,
    /// Places an article must also name for the entities to count (empty: no such condition).
    pub within: Vec<u32>,
}

impl Registry {
    /// [`Registry::resolve`], and when that finds nothing for an organization typed with a
    /// country after it ("Палата общин Великобритании"), the organization written without
    /// one, in the articles that name that country: a filter still narrows (an article about
    /// Russia's "Министерство здравоохранения" is not the British one's).
    pub fn resolve_within(&self, kind: EntityType, typed: &str, aliases: &Aliases) -> Resolved {
        let entities = self.resolve(kind, typed, aliases);
        if !entities.is_empty() || kind != EntityType::Org {
            return Resolved {
                entities,
                within: Vec::new(),
            };
        }
        let t = self.table(kind);
        let Some((found, country)) = t.unqualified(typed.trim(), aliases) else {
            return Resolved::default();
        };
        let within = self.resolve(EntityType::Loc, &country, aliases);
        if within.is_empty() {
            return Resolved::default();
        }
        let mut entities: Vec<u32> = found.into_iter().collect();
        t.most_articles_first(&mut entities);
        Resolved { entities, within }
    }
}

/// How many of a shared name's entities [`Registry::namesakes`] lists.
pub const NAMESAKES_SHOWN: usize = 5;

impl Registry {
    /// For a name that [`Registry::resolve`] resolved to nothing because several entities
    /// share it: a few of them, most articles first (a first name typed alone, "Евгений"; a
    /// word in many organizations' names, "власти"). Empty when the name is simply unknown.
    pub fn namesakes(&self, kind: EntityType, typed: &str) -> Vec<u32> {
        let t = self.table(kind);
        let mut found: BTreeSet<u32> = BTreeSet::new();
        match kind {
            EntityType::Per => {
                if let Some(parts) = PersonParts::of(typed)
                    && parts.given.is_none()
                {
                    for form in forms(&parts.surname) {
                        let key = names::surname_key(&[], &form);
                        found.extend(
                            t.by_given
                                .get(&key)
                                .into_iter()
                                .flatten()
                                .map(|&i| t.people[i].1),
                        );
                        if !found.is_empty() {
                            break;
                        }
                    }
                }
            }
            _ => found.extend(t.holding(&names::stems(typed))),
        }
        if found.len() < 2 {
            return Vec::new();
        }
        let mut out: Vec<u32> = found.into_iter().collect();
        t.most_articles_first(&mut out);
        out.truncate(NAMESAKES_SHOWN);
        out
    }
}

/// Dictionary-form candidates of one typed word, most literal first: the word, its Latin
/// transliterations, then its stem with each nominative ending.
pub(crate) fn forms(word: &str) -> Vec<String> {
    let word = names::fold(word);
    let mut out = vec![word.clone()];
    let bases: Vec<String> = if names::is_latin(&word) {
        let t = names::transliterate(&word);
        out.extend(t.iter().cloned());
        t
    } else {
        vec![word]
    };
    for base in bases {
        let stem = crate::entities::surname_stem(&base);
        for end in ["", "а", "я", "ий", "ый", "ая", "о", "е", "ь", "й", "ы"] {
            out.push(format!("{stem}{end}"));
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|v| !v.is_empty() && seen.insert(v.clone()));
    out
}

impl Registry {
    /// The entities of `kind` that `typed` names, most articles first; empty when the archive
    /// holds none. The alias table's names count ("UNICEF" is ЮНИСЕФ).
    pub fn resolve(&self, kind: EntityType, typed: &str, aliases: &Aliases) -> Vec<u32> {
        let typed = typed.trim();
        if typed.is_empty() {
            return Vec::new();
        }
        let t = self.table(kind);
        let mut found: BTreeSet<u32> = BTreeSet::new();
        if let Some(&i) = t.by_name.get(typed) {
            found.insert(i);
        }
        let canonical = match kind {
            EntityType::Per => Some(aliases.canonical(kind, typed)),
            _ => aliases.canonical_declined(kind, typed),
        }
        .filter(|c| c != typed);
        // "Торез, Морис" and "Чарльз, принц Уэльский": a name written as catalogues write it.
        let turned = typed.split_once(',').map(|(head, tail)| {
            let (head, tail) = (head.trim(), tail.trim());
            [format!("{tail} {head}"), head.to_string()]
        });
        for name in std::iter::once(typed).chain(canonical.as_deref()) {
            if let Some(list) = t.by_folded.get(&names::fold(name)) {
                found.extend(list);
            }
            match kind {
                EntityType::Per => found.extend(t.people_named(name)),
                _ => found.extend(self.places_named(kind, name, aliases)),
            }
        }
        if found.is_empty()
            && let Some(turned) = turned
        {
            for name in turned {
                match kind {
                    EntityType::Per => found.extend(t.people_named(&name)),
                    _ => found.extend(self.places_named(kind, &name, aliases)),
                }
                if !found.is_empty() {
                    break;
                }
            }
        }
        let mut out: Vec<u32> = found.into_iter().collect();
        t.most_articles_first(&mut out);
        out
    }
}

impl Table {
    /// Sorts entities by their articles, most first, then by name.
    fn most_articles_first(&self, list: &mut [u32]) {
        list.sort_by(|&a, &b| {
            let (ea, eb) = (&self.entities[a as usize], &self.entities[b as usize]);
            eb.docs.cmp(&ea.docs).then_with(|| ea.name.cmp(&eb.name))
        });
    }

    fn people_named(&self, typed: &str) -> Vec<u32> {
        let Some(parts) = PersonParts::of(typed) else {
            return Vec::new();
        };
        if parts.given.is_none() {
            return self.by_surname_alone(&parts);
        }
        let mut out = Vec::new();
        for p in std::iter::once(parts.clone()).chain(PersonParts::reversed(typed)) {
            out.extend(self.full_name(&p));
        }
        if out.is_empty() && !parts.middle.is_empty() {
            // "Алан Гарсиа Перес" where the archive writes "Алан Гарсия": a double surname
            // written by its first half.
            let first_half = PersonParts {
                middle: Vec::new(),
                particles: Vec::new(),
                surname: parts.middle[0].clone(),
                ..parts.clone()
            };
            out.extend(self.full_name(&first_half));
        }
        if out.is_empty() {
            // Only the surname is known in this archive: its bare entries may be that person
            // (never a full name with another first name).
            let bare = PersonParts {
                given: None,
                middle: Vec::new(),
                initials: Vec::new(),
                ..parts
            };
            out.extend(
                self.by_surname_alone(&bare)
                    .into_iter()
                    .filter(|&e| !self.has_given_name(e)),
            );
        }
        out.sort();
        out.dedup();
        out
    }

    /// The one entity among people entries (indexes into `people`), or the one holding
    /// [`DOMINANT_SHARE`](super::DOMINANT_SHARE) of their articles.
    fn dominant(&self, entries: &[usize]) -> Option<u32> {
        let mut entities: Vec<u32> = entries.iter().map(|&i| self.people[i].1).collect();
        entities.sort();
        entities.dedup();
        let docs = |e: u32| self.entities.get(e as usize).map_or(0, |e| e.docs);
        let total: u64 = entities.iter().map(|&e| docs(e)).sum();
        let top = entities
            .iter()
            .copied()
            .max_by(|&a, &b| docs(a).cmp(&docs(b)).then_with(|| b.cmp(&a)))?;
        (entities.len() == 1 || docs(top) as f64 >= super::DOMINANT_SHARE * total as f64)
            .then_some(top)
    }

    /// Whether an entity has a name with a first name.
    fn has_given_name(&self, entity: u32) -> bool {
        self.has_given
            .get(entity as usize)
            .copied()
            .unwrap_or(false)
    }

    /// A surname (maybe with initials): the most literal form that names anyone wins, and
    /// every entity with that surname (or, failing that, that first name) is meant.
    fn by_surname_alone(&self, parts: &PersonParts) -> Vec<u32> {
        for form in forms(&parts.surname) {
            let key = names::surname_key(&parts.particles, &form);
            // A surname first; a word only known as a first name finds that first name.
            let mut hits: Vec<usize> = self.by_surname.get(&key).cloned().unwrap_or_default();
            if hits.is_empty() && parts.particles.is_empty() && parts.initials.is_empty() {
                // A first name alone means one person only when the archive makes it so:
                // "Барак" with one Барак, but "Евгений" among four Евгении means none of them
                // (an analyst asks for people by surname; a list of namesakes is not "his").
                let given: Vec<usize> = self.by_given.get(&key).cloned().unwrap_or_default();
                if let Some(one) = self.dominant(&given) {
                    hits.extend(given.into_iter().filter(|&i| self.people[i].1 == one));
                }
            }
            let initial = parts
                .initials
                .first()
                .map(|c| names::phonetic(&c.to_string()));
            let mut out: BTreeSet<u32> = hits.iter().map(|&i| self.people[i].1).collect();
            if let Some(init) = &initial {
                // Initials keep the entities with a first name of that letter, and those whose
                // first name the archive never gives.
                out.retain(|&e| {
                    hits.iter().any(|&i| {
                        let (key, entity) = &self.people[i];
                        *entity == e
                            && key
                                .given
                                .as_ref()
                                .is_some_and(|g| g.starts_with(init.as_str()))
                    }) || !self.has_given_name(e)
                });
            }
            if !out.is_empty() {
                return out.into_iter().collect();
            }
        }
        Vec::new()
    }

    /// A first name and a surname: every name with both, in any case form of each.
    fn full_name(&self, parts: &PersonParts) -> Vec<u32> {
        let Some(given) = &parts.given else {
            return Vec::new();
        };
        let given_keys: BTreeSet<String> =
            forms(given).iter().map(|f| names::phonetic(f)).collect();
        let mut out = BTreeSet::new();
        for form in forms(&parts.surname) {
            let key = names::surname_key(&parts.particles, &form);
            for &i in self.by_surname.get(&key).into_iter().flatten() {
                let (k, e): &(PersonKey, u32) = &self.people[i];
                if k.given.as_ref().is_some_and(|g| given_keys.contains(g)) {
                    out.insert(*e);
                }
            }
        }
        out.into_iter().collect()
    }

    /// An organization or place by its own words: the same words in any case (by stems),
    /// its abbreviation or expansion, or a Latin spelling.
    fn named_exactly(&self, typed: &str) -> BTreeSet<u32> {
        let mut out: BTreeSet<u32> = BTreeSet::new();
        let stems = names::stems(typed);
        if let Some(list) = self.by_stems.get(&stems.join(" ")) {
            out.extend(list.iter().copied().filter(|&e| {
                self.entities
                    .get(e as usize)
                    .is_some_and(|e| e.variants.iter().any(|v| names::same_words(typed, v)))
            }));
        }
        // An abbreviation finds the names that are it or spell it; a name of several words
        // finds only the abbreviation it spells, never another name spelling the same.
        match names::as_abbreviation(typed) {
            Some(a) => {
                out.extend(self.by_abbreviation.get(&a).into_iter().flatten());
                if names::spells_enough(&a) {
                    out.extend(self.by_spelled.get(&a).into_iter().flatten());
                }
            }
            None => {
                for a in names::acronyms(typed)
                    .into_iter()
                    .filter(|a| names::spells_enough(a))
                {
                    out.extend(self.by_abbreviation.get(&a).into_iter().flatten());
                }
            }
        }
        if out.is_empty()
            && let Some(key) = names::cyrillic_key(typed)
        {
            out.extend(self.by_latin.get(&key).into_iter().flatten());
        }
        if out.is_empty() && typed.split_whitespace().all(names::is_latin) {
            let cyrillic: Vec<String> = typed
                .split_whitespace()
                .map(|w| names::transliterate(w).swap_remove(0))
                .collect();
            let stems = names::stems(&cyrillic.join(" "));
            if let Some(list) = self.by_stems.get(&stems.join(" ")) {
                out.extend(list);
            }
        }
        out
    }

    /// Organizations whose base the typed name's base is, in another form ("Минобороны РФ"
    /// for "Министерство обороны Российской Федерации"), with the same country after it (or
    /// none, when none is typed).
    fn shaped_like(&self, typed: &str, aliases: &Aliases) -> BTreeSet<u32> {
        let shape = super::qualified::Shape::of(typed, aliases);
        self.shapes
            .iter()
            .filter(|(s, _)| s.qualifier == shape.qualifier && s.same_base(&shape))
            .map(|(_, e)| *e)
            .collect()
    }

    /// For a typed name with a country after it that names nothing: the organizations of its
    /// base written with no country ("Палате общин" for "Палата общин Великобритании"), and
    /// the country's name. Such an organization is that country's only in an article that
    /// also names the country.
    fn unqualified(&self, typed: &str, aliases: &Aliases) -> Option<(BTreeSet<u32>, String)> {
        let shape = super::qualified::Shape::of(typed, aliases);
        let country = shape.qualifier.clone()?;
        let found: BTreeSet<u32> = self
            .shapes
            .iter()
            .filter(|(s, _)| s.qualifier.is_none() && s.same_base(&shape))
            .map(|(_, e)| *e)
            .collect();
        (!found.is_empty()).then_some((found, country))
    }

    /// Names that hold the typed words in order ("Самрук-Казына" in "Фонд «Самрук-Казына»").
    /// Whether a name of the entity holds the typed words as the same words, not only the
    /// same stems ([`names::same_words`]).
    fn holds_words(&self, entity: u32, typed: &str) -> bool {
        let n = names::words(typed).len();
        let want = names::stems(typed);
        let Some(e) = self.entities.get(entity as usize) else {
            return false;
        };
        e.variants.iter().any(|v| {
            names::words(v).windows(n.max(1)).any(|w| {
                let part = w.join(" ");
                names::stems(&part) == want && names::same_words(typed, &part)
            })
        })
    }

    fn holding(&self, stems: &[String]) -> BTreeSet<u32> {
        let mut out = BTreeSet::new();
        if stems.is_empty() {
            return out;
        }
        for (name, e) in &self.stems {
            if name.windows(stems.len()).any(|w| w == stems) {
                out.insert(*e);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::NameCount;
    use super::*;

    fn registry(kind: EntityType, names: &[(&str, u64)]) -> Registry {
        let list: Vec<NameCount> = names
            .iter()
            .map(|&(n, d)| NameCount {
                name: n.to_string(),
                docs: d,
            })
            .collect();
        let mut all: [Vec<NameCount>; 3] = Default::default();
        all[kind as usize] = list;
        Registry::build(all, &Aliases::shipped())
    }

    fn names_of(r: &Registry, kind: EntityType, typed: &str) -> Vec<String> {
        r.resolve(kind, typed, &Aliases::shipped())
            .into_iter()
            .filter_map(|i| r.entity(kind, i))
            .map(|e| e.name.clone())
            .collect()
    }

    #[test]
    fn a_person_is_found_however_the_name_is_written() {
        let r = registry(
            EntityType::Per,
            &[
                ("Владимир Путин", 20),
                ("Путин", 9),
                ("Анатолий Чепига", 2),
                ("Доминик Рааб", 3),
                ("Макс фон Сюдов", 1),
                ("Антониу Гутерриш", 4),
                ("Ерлан Карин", 7),
                ("Карина Ахметова", 2),
                ("Борис Джонсон", 3),
                ("Джей Зи", 2),
                ("Жан Зей", 1),
            ],
        );
        let per = |t: &str| names_of(&r, EntityType::Per, t);
        for typed in [
            "Путин",
            "Путина",
            "Владимир Путин",
            "Владимира Путина",
            "Путин Владимир",
            "В.В. Путин",
            "В. Путин",
            "Владимир Владимирович Путин",
            "Putin",
            "Vladimir Putin",
        ] {
            assert_eq!(per(typed), ["Владимир Путин"], "{typed}");
        }
        assert_eq!(per("Анатолия Владимировича Чепигу"), ["Анатолий Чепига"]);
        assert_eq!(per("Д.Рааб"), ["Доминик Рааб"]);
        assert_eq!(per("Раб"), ["Доминик Рааб"]);
        assert_eq!(per("Макс фон Сюдов"), ["Макс фон Сюдов"]);
        assert_eq!(per("Гутерреш"), ["Антониу Гутерриш"]);
        assert_eq!(per("Boris Johnson"), ["Борис Джонсон"]);
        assert_eq!(per("Карину"), ["Ерлан Карин"]);
        assert_eq!(per("Карина"), ["Карина Ахметова"]);
        assert_eq!(per("Ерлана Карина"), ["Ерлан Карин"]);
        assert!(per("Зюзюкин").is_empty());
        assert!(per("Zzzz").is_empty());
        // A known surname with another first name is someone else.
        assert!(per("Сергей Путин").is_empty());
        assert!(per("А. Путин").is_empty());
    }

    #[test]
    fn a_surname_alone_means_everyone_of_that_surname() {
        let r = registry(
            EntityType::Per,
            &[("Иван Иванов", 5), ("Пётр Иванов", 4), ("Иванов", 3)],
        );
        assert_eq!(names_of(&r, EntityType::Per, "Иванов").len(), 3);
        assert_eq!(
            names_of(&r, EntityType::Per, "Ивана Иванова"),
            ["Иван Иванов"]
        );
        assert_eq!(names_of(&r, EntityType::Per, "П. Иванов").len(), 2);
    }

    #[test]
    fn organizations_by_any_form_abbreviation_or_alias() {
        let r = registry(
            EntityType::Org,
            &[
                ("Министерство иностранных дел", 4),
                ("ЮНИСЕФ", 5),
                ("Фонд «Самрук-Казына»", 3),
                ("Twitter", 4),
                ("Bayer", 2),
            ],
        );
        let org = |t: &str| names_of(&r, EntityType::Org, t);
        assert_eq!(org("МИД"), ["Министерство иностранных дел"]);
        assert_eq!(
            org("Министерства иностранных дел"),
            ["Министерство иностранных дел"]
        );
        assert_eq!(org("UNICEF"), ["ЮНИСЕФ"]);
        assert_eq!(org("Твиттер"), ["Twitter"]);
        assert_eq!(org("Байер"), ["Bayer"]);
        assert_eq!(org("Самрук-Казына"), ["Фонд «Самрук-Казына»"]);
        assert_eq!(org("Самрук Казына"), ["Фонд «Самрук-Казына»"]);
        assert!(org("Газпром").is_empty());
    }

    #[test]
    fn a_stem_shared_by_other_words_finds_nothing() {
        let r = registry(EntityType::Loc, &[("Данные", 6), ("Москва", 9)]);
        assert!(names_of(&r, EntityType::Loc, "Дания").is_empty());
        assert_eq!(names_of(&r, EntityType::Loc, "Москве"), ["Москва"]);
    }

    #[test]
    fn a_first_name_alone_means_one_person_only_when_the_archive_says_so() {
        let r = registry(
            EntityType::Per,
            &[
                ("Евгений Примаков", 5),
                ("Евгений Петров", 4),
                ("Барак Обама", 9),
            ],
        );
        assert!(names_of(&r, EntityType::Per, "Евгений").is_empty());
        let namesakes: Vec<String> = r
            .namesakes(EntityType::Per, "Евгений")
            .into_iter()
            .filter_map(|i| r.entity(EntityType::Per, i))
            .map(|e| e.name.clone())
            .collect();
        assert_eq!(namesakes, ["Евгений Примаков", "Евгений Петров"]);
        assert!(r.namesakes(EntityType::Per, "Зюзюкин").is_empty());
        assert_eq!(names_of(&r, EntityType::Per, "Барак"), ["Барак Обама"]);
    }

    #[test]
    fn an_official_name_finds_the_shorter_one_the_archive_writes() {
        let r = registry(
            EntityType::Org,
            &[
                ("Эрмитаж", 6),
                ("Русский музей", 3),
                ("сборная Финляндии", 4),
                ("Министерство внутренних дел", 5),
                ("Московский драматический театр", 2),
                ("Международный университет", 2),
                ("Калифорнийский университет", 2),
            ],
        );
        let org = |t: &str| names_of(&r, EntityType::Org, t);
        assert_eq!(org("Государственный Эрмитаж"), ["Эрмитаж"]);
        assert_eq!(org("Государственный Русский музей"), ["Русский музей"]);
        assert_eq!(
            org("Сборная Финляндии по хоккею с шайбой"),
            ["сборная Финляндии"]
        );
        // A country, a dedication or a place left out is another body; a generic name is no one.
        assert!(org("Министерство внутренних дел Грузии").is_empty());
        assert!(org("Московский драматический театр имени М. Н. Ермоловой").is_empty());
        assert!(org("Университет Невшателя").is_empty());
        assert!(org("Калифорнийский университет в Беркли").is_empty());
    }
}
