//! One id and one canonical name per entity across the whole archive.
//!
//! The extractor names each entity within one article ("Ерлан Карин" for every "Карина" of
//! that article); articles differ in how much they say ("Путин", "Владимир Путин", "В.В.
//! Путин", "Vladimir Putin", "Гренелл"/"Гренель"). The registry joins the names the index holds
//! into entities:
//!
//! - people by their name's keys ([`names::PersonKey`]): a patronymic, a Latin spelling or
//!   another Russian rendering of a foreign name joins the same first name and surname; a bare
//!   surname joins the one full name with that surname, or the one that holds at least
//!   [`DOMINANT_SHARE`] of their articles, and otherwise stays an entry of its own (two Ивановы
//!   with different first names are never joined);
//! - organizations and places by the stems of their words (oblique forms the extractor left
//!   join their nominative), and an abbreviation joins the one expansion in the archive that
//!   spells it ("МИД" and "Министерство иностранных дел").
//!
//! It is built from the index's names and their article counts alone, at query time (see
//! `search::archive`), so whatever sequence of runs wrote the index, the same articles give the
//! same entities as a rebuild: nothing is kept that could drift from the index.

mod contained;
pub(crate) mod names;
mod qualified;
mod resolve;

pub use resolve::Resolved;

use std::collections::BTreeMap;

use rustc_hash::FxHashMap as HashMap;

use serde::Serialize;

use crate::entities::{Aliases, EntityType};
use names::{PersonKey, PersonParts};

/// A bare surname joins the full name holding this share of the articles of all full names
/// with that surname.
pub const DOMINANT_SHARE: f64 = 0.8;

/// A name the index holds for one kind, and how many live articles carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameCount {
    /// The name as the index holds it.
    pub name: String,
    /// Live articles carrying it.
    pub docs: u64,
}

/// One entity of the archive.
#[derive(Debug, Clone, Serialize)]
pub struct Entity {
    /// Stable as long as the entity's name keys are: "per-…", "org-…", "loc-…".
    pub id: String,
    /// Whether it is a person, an organization or a place.
    #[serde(skip)]
    pub kind: EntityType,
    /// The name shown for it: its most written full name.
    pub name: String,
    /// Every name the index holds for it, most articles first (the canonical name included).
    pub variants: Vec<String>,
    /// Articles per variant, summed (an article naming two variants counts twice).
    #[serde(skip)]
    pub docs: u64,
}

/// What one kind's entities are and how names find them.
#[derive(Debug, Default)]
struct Table {
    entities: Vec<Entity>,
    /// Each name the index holds → its entity.
    by_name: HashMap<String, u32>,
    /// Folded names → entities, for names typed in another case of letters.
    by_folded: HashMap<String, Vec<u32>>,
    /// People: every name's keys and entity.
    people: Vec<(PersonKey, u32)>,
    /// People: whether any name of the entity gives a first name.
    has_given: Vec<bool>,
    /// People by surname key, and by given or middle name key: indexes into `people`.
    by_surname: HashMap<String, Vec<usize>>,
    by_given: HashMap<String, Vec<usize>>,
    /// Organizations and places: stems of each name, and entities by their joined stems.
    stems: Vec<(Vec<String>, u32)>,
    by_stems: HashMap<String, Vec<u32>>,
    /// Entities by the abbreviations their names are ("МИД"), and by those their names of
    /// several words spell ("Министерство иностранных дел" → "МИД").
    by_abbreviation: HashMap<String, Vec<u32>>,
    /// Organizations and places written in Latin letters, by the phonetic key of their
    /// words, for a name typed in Cyrillic ("Твиттер" is "Twitter", "Байер" is "Bayer").
    by_latin: HashMap<String, Vec<u32>>,
    by_spelled: HashMap<String, Vec<u32>>,
    /// Organizations: every name taken apart into base and country, for names typed with a
    /// compound abbreviation or another country form (see [`qualified`]).
    shapes: Vec<(qualified::Shape, u32)>,
}

/// The archive's entities of every kind.
#[derive(Debug, Default)]
pub struct Registry {
    tables: [Table; 3],
}

impl Registry {
    /// Joins the names of each kind (as the index holds them, with their article counts) into
    /// entities. The result depends only on the names and counts, not on their order. The
    /// alias table's other names of an entity find it too ("Детского фонда ООН" is ЮНИСЕФ).
    pub fn build(names: [Vec<NameCount>; 3], aliases: &Aliases) -> Registry {
        let mut tables: [Table; 3] = Default::default();
        for (kind, mut list) in EntityType::ALL.into_iter().zip(names) {
            list.sort_by(|a, b| a.name.cmp(&b.name));
            list.dedup_by(|b, a| {
                let same = a.name == b.name;
                if same {
                    a.docs += b.docs;
                }
                same
            });
            let groups = match kind {
                EntityType::Per => group_people(&list),
                _ => group_named(&list),
            };
            tables[kind as usize] = Table::new(kind, &list, groups, aliases);
        }
        Registry { tables }
    }

    fn table(&self, kind: EntityType) -> &Table {
        &self.tables[kind as usize]
    }

    /// The entity of a name the index holds.
    pub fn entity_of(&self, kind: EntityType, name: &str) -> Option<u32> {
        self.table(kind).by_name.get(name).copied()
    }

    /// The entity numbered `index` among the kind's entities, as facets and the engine's attributes
    /// number them.
    pub fn entity(&self, kind: EntityType, index: u32) -> Option<&Entity> {
        self.table(kind).entities.get(index as usize)
    }

    /// Every entity of a kind, in no particular order.
    pub fn entities(&self, kind: EntityType) -> &[Entity] {
        &self.table(kind).entities
    }
}

/// Groups of names (indexes into the name list) that are one entity, with the key its id is
/// made from.
type Groups = Vec<(String, Vec<usize>)>;

/// People: full names by their keys, then bare surnames into the full name they mean.
fn group_people(list: &[NameCount]) -> Groups {
    let mut full: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut bare: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut odd: Vec<usize> = Vec::new();
    // Full names by first name and surname stem: "Виктор Януковича", a case the extractor
    // left, is "Виктор Янукович" (a first name that differs, as Александр/Александра, keeps a
    // man and a woman of one surname apart).
    let mut loose: BTreeMap<String, Vec<String>> = BTreeMap::new();
    // Each name taken apart once.
    let mut keys: Vec<Option<PersonKey>> = Vec::with_capacity(list.len());
    for (i, n) in list.iter().enumerate() {
        let Some(parts) = PersonParts::of(&n.name) else {
            odd.push(i);
            keys.push(None);
            continue;
        };
        let key = PersonKey::of(&parts);
        match &key.given {
            Some(given) => {
                let identity = key.full();
                let stem = crate::entities::surname_stem(&parts.surname);
                let same = loose.entry(format!("{given}|{stem}")).or_default();
                if !same.contains(&identity) {
                    same.push(identity.clone());
                }
                full.entry(identity).or_default().push(i);
            }
            None => bare.entry(key.surname.clone()).or_default().push(i),
        }
        keys.push(Some(key));
    }
    for keys in loose.into_values().filter(|k| k.len() > 1) {
        let docs = |k: &String| -> u64 { full[k].iter().map(|&i| list[i].docs).sum() };
        let Some(target) = keys
            .iter()
            .max_by(|a, b| docs(a).cmp(&docs(b)).then_with(|| b.cmp(a)))
            .cloned()
        else {
            continue;
        };
        for k in keys.iter().filter(|k| **k != target) {
            if let Some(members) = full.remove(k) {
                full.entry(target.clone()).or_default().extend(members);
            }
        }
    }
    // Full names by each surname and first name they are written with, with their articles.
    let mut by_surname: HashMap<String, Vec<(&String, u64)>> = HashMap::default();
    let mut by_given: HashMap<String, Vec<(&String, u64)>> = HashMap::default();
    for (key, members) in &full {
        let docs = members.iter().map(|&i| list[i].docs).sum();
        for k in members.iter().filter_map(|&i| keys[i].as_ref()) {
            let given = k.given.clone().unwrap_or_default();
            for (map, part) in [(&mut by_surname, k.surname.clone()), (&mut by_given, given)] {
                let entries = map.entry(part).or_default();
                if !entries.iter().any(|(k, _)| *k == key) {
                    entries.push((key, docs));
                }
            }
        }
    }
    // The one full name, or the dominant one, among candidates.
    let pick = |candidates: &Vec<(&String, u64)>| -> Option<String> {
        let total: u64 = candidates.iter().map(|c| c.1).sum();
        let top = candidates
            .iter()
            .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0)))?;
        (candidates.len() == 1 || top.1 as f64 >= DOMINANT_SHARE * total as f64)
            .then(|| top.0.clone())
    };
    let mut joined: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut groups: Groups = Vec::new();
    for (surname, members) in bare {
        // A surname first ("Путин"); a word that is no surname in the archive but a first
        // name ("Барака" beside "Барак Обама") joins its full name the same way.
        // A word that is one full name's surname but other people's first name ("Мария" in
        // "Елизавета Александра Мария" and in "Мария Захарова") is no one's in particular.
        let target = match (by_surname.get(&surname), by_given.get(&surname)) {
            (Some(candidates), None) => pick(candidates),
            (Some(candidates), Some(given)) => {
                pick(candidates).filter(|key| given.iter().all(|(k, _)| *k == key))
            }
            (None, given) => given.and_then(pick),
        };
        match target {
            Some(key) => joined.entry(key).or_default().extend(members),
            None => groups.push((format!("|{surname}"), members)),
        }
    }
    for (key, mut members) in full {
        if let Some(extra) = joined.remove(&key) {
            members.extend(extra);
        }
        groups.push((key, members));
    }
    for i in odd {
        groups.push((names::fold(&list[i].name), vec![i]));
    }
    groups
}

/// Organizations and places: by the stems of their words, then each abbreviation into the
/// one expansion that spells it.
fn group_named(list: &[NameCount]) -> Groups {
    let mut by_stems: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, n) in list.iter().enumerate() {
        let stems = names::stems(&n.name);
        let key = if stems.is_empty() {
            names::fold(&n.name)
        } else {
            stems.join(" ")
        };
        by_stems.entry(key).or_default().push(i);
    }
    // Expansions by the abbreviation they spell.
    let mut spelled: HashMap<String, Vec<&String>> = HashMap::default();
    for (key, members) in &by_stems {
        let mut acronyms: Vec<String> = members
            .iter()
            .filter(|&&i| names::as_abbreviation(&list[i].name).is_none())
            .flat_map(|&i| names::acronyms(&list[i].name))
            .collect();
        acronyms.sort();
        acronyms.dedup();
        for a in acronyms {
            spelled.entry(a).or_default().push(key);
        }
    }
    let mut into: HashMap<String, String> = HashMap::default();
    for (key, members) in &by_stems {
        let Some(abbr) =
            names::as_abbreviation(&list[members[0]].name).filter(|a| names::spells_enough(a))
        else {
            continue;
        };
        if !members
            .iter()
            .all(|&i| names::as_abbreviation(&list[i].name).is_some())
        {
            continue;
        }
        if let Some([target]) = spelled.get(&abbr).map(Vec::as_slice)
            && *target != key
        {
            into.insert(key.clone(), (*target).clone());
        }
    }
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (key, members) in by_stems {
        let target = into.get(&key).cloned().unwrap_or(key);
        groups.entry(target).or_default().extend(members);
    }
    groups.into_iter().collect()
}

impl Table {
    fn new(kind: EntityType, list: &[NameCount], groups: Groups, aliases: &Aliases) -> Table {
        let mut t = Table::default();
        let mut groups = groups;
        // Entities in a fixed order whatever the names' order: by their keys.
        groups.sort_by(|a, b| a.0.cmp(&b.0));
        for (key, mut members) in groups {
            members.sort_by(|&a, &b| {
                list[b]
                    .docs
                    .cmp(&list[a].docs)
                    .then_with(|| list[a].name.cmp(&list[b].name))
            });
            // A person is shown by the most written full name (of two names as often written,
            // the Cyrillic one, then the shorter: "Анатолий Чепига" before "Анатолий
            // Владимирович Чепига"); anything else by its most written name.
            let words = |i: usize| list[i].name.split_whitespace().count();
            let shown = members
                .iter()
                .copied()
                .filter(|&i| kind != EntityType::Per || words(i) > 1)
                .min_by(|&a, &b| {
                    let latin = |i: usize| names::is_latin(&list[i].name.replace(' ', ""));
                    list[b]
                        .docs
                        .cmp(&list[a].docs)
                        .then_with(|| latin(a).cmp(&latin(b)))
                        .then_with(|| words(a).cmp(&words(b)))
                        .then_with(|| list[a].name.cmp(&list[b].name))
                })
                .unwrap_or(members[0]);
            let index = t.entities.len() as u32;
            let hash = xxhash_rust::xxh3::xxh3_64(format!("{}\n{key}", kind.label()).as_bytes());
            let mut variants = vec![list[shown].name.clone()];
            variants.extend(
                members
                    .iter()
                    .filter(|&&i| i != shown)
                    .map(|&i| list[i].name.clone()),
            );
            for v in &variants {
                t.by_name.insert(v.clone(), index);
                let others = aliases.names_by_key(kind, &crate::entities::name_key(v));
                for name in std::iter::once(v).chain(others.into_iter().flatten()) {
                    let folded = t.by_folded.entry(names::fold(name)).or_default();
                    if !folded.contains(&index) {
                        folded.push(index);
                    }
                    t.index_name(kind, name, index);
                    if kind == EntityType::Org {
                        t.shapes.push((qualified::Shape::of(name, aliases), index));
                    }
                }
            }
            t.entities.push(Entity {
                id: format!("{}-{:012x}", kind.label().to_lowercase(), hash >> 16),
                kind,
                name: list[shown].name.clone(),
                variants,
                docs: members.iter().map(|&i| list[i].docs).sum(),
            });
        }
        t
    }

    /// Makes a name findable by its keys.
    fn index_name(&mut self, kind: EntityType, name: &str, entity: u32) {
        match kind {
            EntityType::Per => {
                let Some(parts) = PersonParts::of(name) else {
                    return;
                };
                let key = PersonKey::of(&parts);
                let at = self.people.len();
                self.by_surname
                    .entry(key.surname.clone())
                    .or_default()
                    .push(at);
                for g in key.given.iter().chain(&key.middle) {
                    self.by_given.entry(g.clone()).or_default().push(at);
                }
                let slot = entity as usize;
                if self.has_given.len() <= slot {
                    self.has_given.resize(slot + 1, false);
                }
                self.has_given[slot] |= key.given.is_some();
                self.people.push((key, entity));
            }
            _ => {
                let stems = names::stems(name);
                if !stems.is_empty() {
                    let list = self.by_stems.entry(stems.join(" ")).or_default();
                    if !list.contains(&entity) {
                        list.push(entity);
                    }
                    self.stems.push((stems, entity));
                }
                let (map, spelled) = match names::as_abbreviation(name) {
                    Some(a) => (&mut self.by_abbreviation, vec![a]),
                    None => (&mut self.by_spelled, names::acronyms(name)),
                };
                for a in spelled {
                    let list = map.entry(a).or_default();
                    if !list.contains(&entity) {
                        list.push(entity);
                    }
                }
                if let Some(key) = names::latin_key(name) {
                    let list = self.by_latin.entry(key).or_default();
                    if !list.contains(&entity) {
                        list.push(entity);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people(names: &[(&str, u64)]) -> Registry {
        let list = names
            .iter()
            .map(|&(n, d)| NameCount {
                name: n.to_string(),
                docs: d,
            })
            .collect();
        Registry::build([list, Vec::new(), Vec::new()], &Aliases::shipped())
    }

    fn entity_name(r: &Registry, name: &str) -> String {
        let i = r.entity_of(EntityType::Per, name).expect("a known name");
        r.entity(EntityType::Per, i)
            .expect("its entity")
            .name
            .clone()
    }

    #[test]
    fn a_bare_surname_joins_its_only_full_name() {
        let r = people(&[("Владимир Путин", 20), ("Путин", 11), ("Людмила Путина", 2)]);
        assert_eq!(entity_name(&r, "Путин"), "Владимир Путин");
        assert_eq!(entity_name(&r, "Людмила Путина"), "Людмила Путина");
        assert_eq!(r.entities(EntityType::Per).len(), 2);
    }

    #[test]
    fn two_people_of_one_surname_stay_apart_and_so_does_the_bare_surname() {
        let r = people(&[("Иван Иванов", 5), ("Пётр Иванов", 4), ("Иванов", 3)]);
        assert_eq!(r.entities(EntityType::Per).len(), 3);
        assert_eq!(entity_name(&r, "Иванов"), "Иванов");
        // One that holds nearly all the articles takes the bare surname.
        let r = people(&[("Иван Иванов", 50), ("Пётр Иванов", 2), ("Иванов", 3)]);
        assert_eq!(entity_name(&r, "Иванов"), "Иван Иванов");
    }

    #[test]
    fn a_word_that_is_other_peoples_first_name_joins_no_surname() {
        let r = people(&[
            ("Елизавета Александра Мария", 3),
            ("Мария Захарова", 4),
            ("Мария", 5),
            ("Айман аль-Завахири", 2),
            ("Завахири", 1),
        ]);
        assert_eq!(entity_name(&r, "Мария"), "Мария");
        assert_eq!(entity_name(&r, "Завахири"), "Айман аль-Завахири");
    }

    #[test]
    fn renderings_patronymics_and_latin_spellings_join() {
        let r = people(&[
            ("Ричард Гренелл", 3),
            ("Ричард Гренель", 1),
            ("Анатолий Владимирович Чепига", 1),
            ("Анатолий Чепига", 2),
            ("Boris Johnson", 1),
            ("Борис Джонсон", 6),
            ("Реджина Де Доминичис", 2),
            ("Де Доминичис", 1),
            ("Антониу Гутерриш", 5),
            ("Антониу Мануэл ди Оливейра Гутерреш", 1),
        ]);
        assert_eq!(entity_name(&r, "Ричард Гренель"), "Ричард Гренелл");
        assert_eq!(
            entity_name(&r, "Анатолий Владимирович Чепига"),
            "Анатолий Чепига"
        );
        assert_eq!(entity_name(&r, "Boris Johnson"), "Борис Джонсон");
        assert_eq!(entity_name(&r, "Де Доминичис"), "Реджина Де Доминичис");
        assert_eq!(
            entity_name(&r, "Антониу Мануэл ди Оливейра Гутерреш"),
            "Антониу Гутерриш"
        );
        assert_eq!(r.entities(EntityType::Per).len(), 5);
        // A case the extractor left joins its nominative; a woman of the surname does not.
        let r = people(&[
            ("Виктор Янукович", 9),
            ("Виктор Януковича", 1),
            ("Людмила Янукович", 1),
        ]);
        assert_eq!(entity_name(&r, "Виктор Януковича"), "Виктор Янукович");
        assert_eq!(entity_name(&r, "Людмила Янукович"), "Людмила Янукович");
    }

    #[test]
    fn ids_do_not_depend_on_order_or_on_which_rendering_is_shown() {
        let a = people(&[("Ричард Гренелл", 3), ("Ричард Гренель", 1)]);
        let b = people(&[("Ричард Гренель", 5), ("Ричард Гренелл", 1)]);
        let id = |r: &Registry| r.entities(EntityType::Per)[0].id.clone();
        assert_eq!(id(&a), id(&b));
        assert!(id(&a).starts_with("per-"));
    }

    #[test]
    fn abbreviations_join_their_expansion_and_oblique_forms_their_nominative() {
        let list = [
            ("Министерство иностранных дел", 4),
            ("МИД", 9),
            ("Роскомнадзор", 5),
            ("Роскомнадзоре", 1),
        ]
        .iter()
        .map(|&(n, d)| NameCount {
            name: n.to_string(),
            docs: d,
        })
        .collect();
        let r = Registry::build([Vec::new(), list, Vec::new()], &Aliases::shipped());
        let org = |n: &str| {
            let i = r.entity_of(EntityType::Org, n).expect("known");
            r.entity(EntityType::Org, i).expect("entity").name.clone()
        };
        assert_eq!(org("Министерство иностранных дел"), "МИД");
        assert_eq!(org("Роскомнадзоре"), "Роскомнадзор");
        assert_eq!(r.entities(EntityType::Org).len(), 2);
    }
}
