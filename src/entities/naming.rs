//! The name an entity is listed and indexed under: a mention's dictionary form read through
//! the alias table ("РФ" and "России" are Россия), with its key for grouping, remembered per
//! thread.

use super::aliases::{self, Aliases};
use super::memo;
use super::mention::{EntityType, Mention};
use super::places;

/// The name a mention is listed under, by the alias table, and that name's key.
fn canonical(aliases: &Aliases, m: &Mention) -> (String, String) {
    let name = match m.kind {
        EntityType::Per => aliases.canonical(m.kind, &m.norm),
        _ => aliases
            .canonical_declined(m.kind, &m.norm)
            .or_else(|| aliases.canonical_declined(m.kind, &m.surface))
            .unwrap_or_else(|| m.norm.clone()),
    };
    let key = aliases::key(&name);
    (name, key)
}

/// The name a mention is indexed under (after the alias table): for evaluations that compare
/// extracted mentions with the names the index holds.
pub fn canonical_name(aliases: &Aliases, m: &Mention) -> String {
    canonical(aliases, m).0
}

/// [`canonical`], remembered per thread and alias table: the same mentions come back across
/// an archive, and each costs several keys and lookups.
pub(super) fn canonical_remembered(aliases: &Aliases, m: &Mention) -> (String, String) {
    thread_local! {
        static REMEMBERED: std::cell::RefCell<memo::Memo<(String, String)>> =
            std::cell::RefCell::default();
    }
    let key = memo::key(&[&[m.kind as u8], m.norm.as_bytes(), m.surface.as_bytes()]);
    REMEMBERED.with(|r| {
        r.borrow_mut()
            .get_or(aliases.version(), key, || canonical(aliases, m))
    })
}

/// The known place (from the shipped gazetteer) a phrase names in any case form, under its
/// alias table name: "Российской Федерации", "РФ" and "России" are all Россия. For names whose
/// last words say whose an organization is ("МВД России").
pub fn place_named(aliases: &Aliases, phrase: &str) -> Option<String> {
    let place = places::named(phrase)?;
    Some(aliases.canonical(EntityType::Loc, place))
}
