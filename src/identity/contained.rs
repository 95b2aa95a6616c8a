//! An organization typed by a longer, official name than the archive writes: "Государственный
//! Эрмитаж" for "Эрмитаж", "Русская императорская армия" for "Русская армия", "Сборная Финляндии
//! по хоккею с шайбой" for "сборная Финляндии". The archive's name must lie inside the typed
//! one, start where its distinctive words start, and leave out only descriptors or a tail
//! after a preposition (never a country: "МВД Грузии" is no "МВД" of any other article, nor a
//! dedication: "театр имени Ермоловой" is not every "драматический театр"); and only one
//! entity may fit best. A generic
//! name ("Министерство", "Международный университет") never stands for a longer one.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use rustc_hash::FxHashSet;

use super::{Table, names};

/// Words an official name adds before what people call it.
const DESCRIPTORS: &str = "государственный национальный академический федеральный центральный \
    российский всероссийский московский международный главный высший имени им открытое \
    акционерное общество публичное оао зао пао ооо компания группа the";

/// Heads that name a kind of body, not one body.
const GENERIC: &str = "министерство академия лига посольство университет комиссия федерация \
    тюрьма суд партия комитет служба совет центр войска армия театр музей институт училище \
    сборная банк организация союз движение управление департамент агентство палата \
    администрация библиотека школа фонд церковь клуб команда холдинг корпорация ассоциация \
    канал газета журнал радио телеканал инспекция прокуратура полиция правительство парламент \
    дума собрание штаб больница госпиталь завод комбинат власти спецслужба";

/// Words after which a name says what the body is for or where it is ("по футболу").
/// Not "в"/"на": what follows them is a place, and "университет в Беркли" is not any
/// "Калифорнийский университет".
const LINKS: &str = "по и при с со для под о об от за к";

fn stem_set(words: &str) -> FxHashSet<String> {
    words
        .split_whitespace()
        .flat_map(crate::analysis::terms)
        .collect()
}

static DESCRIPTOR_STEMS: LazyLock<FxHashSet<String>> = LazyLock::new(|| stem_set(DESCRIPTORS));
static GENERIC_STEMS: LazyLock<FxHashSet<String>> = LazyLock::new(|| stem_set(GENERIC));
static LINK_STEMS: LazyLock<FxHashSet<String>> = LazyLock::new(|| stem_set(LINKS));

/// Whether a stem carries meaning on its own (no link word, no initial).
fn counts(stem: &str) -> bool {
    stem.chars().count() > 1 && !LINK_STEMS.contains(stem)
}

impl Table {
    /// The one entity whose name lies inside the typed name (see the module doc); empty when
    /// none does or several fit as well.
    pub(super) fn inside_typed(&self, typed: &str) -> BTreeSet<u32> {
        let terms = names::stems(typed);
        let first_link = terms
            .iter()
            .position(|t| LINK_STEMS.contains(t))
            .unwrap_or(terms.len());
        let tail: FxHashSet<&str> = terms[first_link..].iter().map(String::as_str).collect();
        let wanted: Vec<&str> = terms
            .iter()
            .map(String::as_str)
            .filter(|t| counts(t) && !DESCRIPTOR_STEMS.contains(*t))
            .collect();
        let Some(&head) = wanted.first() else {
            return BTreeSet::new();
        };
        let wanted_set: FxHashSet<&str> = wanted.iter().copied().collect();
        // The archive's name may keep descriptors the typed one has ("Государственный совет").
        let typed_all: FxHashSet<&str> = terms
            .iter()
            .map(String::as_str)
            .filter(|t| counts(t))
            .collect();
        let mut best: (usize, BTreeSet<u32>) = (0, BTreeSet::new());
        for (name, entity) in &self.stems {
            let own: FxHashSet<&str> = name
                .iter()
                .map(String::as_str)
                .filter(|t| counts(t))
                .collect();
            if !own.contains(head)
                || !own.is_subset(&typed_all)
                || own
                    .iter()
                    .all(|t| GENERIC_STEMS.contains(*t) || DESCRIPTOR_STEMS.contains(*t))
            {
                continue;
            }
            let covered = own.iter().filter(|t| wanted_set.contains(*t)).count();
            let only_tail = wanted_set
                .iter()
                .filter(|t| !own.contains(*t))
                .all(|t| tail.contains(t));
            if !only_tail || covered < best.0 {
                continue;
            }
            if covered > best.0 {
                best = (covered, BTreeSet::new());
            }
            best.1.insert(*entity);
        }
        if best.1.len() == 1 {
            best.1
        } else {
            BTreeSet::new()
        }
    }
}
