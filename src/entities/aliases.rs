//! The alias table: well-known equivalent names joined across documents (ЮНИСЕФ = UNICEF =
//! Детский фонд ООН). Shipped in the binary; users extend it with files of the same format.

use rustc_hash::FxHashMap as HashMap;

use super::mention::EntityType;

static SHIPPED: &str = include_str!("aliases.txt");
/// Other names of places (historical and official ones), for the index only.
static PLACE_NAMES: &str = include_str!("place_names.txt");

/// The comparison key of a name: lowercase, ё as е, quotes and punctuation dropped, spaces
/// collapsed.
pub fn key(name: &str) -> String {
    // One pass: every extracted mention is keyed at least once, so this is on the indexing path.
    let mut out = String::with_capacity(name.len());
    let mut gap = false;
    for c in crate::analysis::lowercase(name).chars() {
        let c = if c == 'ё' { 'е' } else { c };
        if crate::analysis::is_word_char(c) || c == '-' {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.push(c);
        } else {
            gap = true;
        }
    }
    out
}

/// Canonical names by type and key, and every name of each canonical entity.
#[derive(Debug, Default, Clone)]
pub struct Aliases {
    canonical: HashMap<(EntityType, String), String>,
    /// Per type (in `EntityType` order), by key: split so a `&str` key is looked up without
    /// building an owned one, once per entity of every article indexed.
    names: [HashMap<String, Vec<String>>; 3],
    /// Changes with every addition, so answers remembered from one table are never taken for
    /// another's.
    version: u64,
    /// The lines added to the shipped table, so that an index can keep the table it was
    /// written with for the names its users type.
    added: String,
}

/// A line of an alias file that cannot be read, and why: the file is refused whole rather than half
/// applied.
#[derive(Debug, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct AliasError {
    /// The line's number, counted from 1.
    pub line: usize,
    /// What is wrong with it.
    pub problem: String,
}

impl Aliases {
    /// The table shipped with vestnik: `aliases.txt` and the other names of places
    /// (`place_names.txt`).
    pub fn shipped() -> Aliases {
        let mut a = Aliases::default();
        a.add(SHIPPED).expect("the shipped alias table parses");
        a.add(PLACE_NAMES).expect("the shipped place names parse");
        a.added.clear();
        a
    }

    /// `aliases.txt` alone: the word list the tagger's features were trained with. The other
    /// names of places join entities in the index but are no feature, so adding one needs no
    /// new model.
    pub(crate) fn for_tagger() -> Aliases {
        let mut a = Aliases::default();
        a.add(SHIPPED).expect("the shipped alias table parses");
        a.added.clear();
        a
    }

    /// The lines added to the shipped table (the `--aliases` files), as one text.
    pub fn added(&self) -> &str {
        &self.added
    }

    /// Adds the lines of an alias file; a later line wins for a name given twice.
    pub fn add(&mut self, text: &str) -> Result<(), AliasError> {
        static VERSIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        self.version = VERSIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if !self.added.is_empty() && !self.added.ends_with('\n') {
            self.added.push('\n');
        }
        self.added.push_str(text);
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut parts = line.split('|').map(str::trim).filter(|p| !p.is_empty());
            let first = parts.next();
            let kind = match first.and_then(EntityType::from_label) {
                Some(kind) => kind,
                None => {
                    return Err(AliasError {
                        line: i + 1,
                        problem: format!(
                            "expected PER, ORG or LOC first, found '{}'",
                            first.unwrap_or("")
                        ),
                    });
                }
            };
            let names: Vec<String> = parts.map(str::to_string).collect();
            let Some(canonical) = names.first().cloned() else {
                return Err(AliasError {
                    line: i + 1,
                    problem: "a type but no names".into(),
                });
            };
            for n in &names {
                self.canonical.insert((kind, key(n)), canonical.clone());
            }
            let all = self.names[kind as usize]
                .entry(key(&canonical))
                .or_default();
            for n in names {
                if !all.iter().any(|a| key(a) == key(&n)) {
                    all.push(n);
                }
            }
        }
        Ok(())
    }

    /// A digest of the table's contents: indexes built with another table are rewritten.
    pub fn fingerprint(&self) -> u64 {
        let mut entries: Vec<String> = self
            .canonical
            .iter()
            .map(|((k, n), c)| format!("{k:?}|{n}|{c}"))
            .collect();
        entries.sort();
        xxhash_rust::xxh3::xxh3_64(entries.join("\n").as_bytes())
    }

    /// The canonical name for `name`, or `name` itself when the table does not know it.
    pub fn canonical(&self, kind: EntityType, name: &str) -> String {
        self.canonical
            .get(&(kind, key(name)))
            .cloned()
            .unwrap_or_else(|| name.to_string())
    }

    /// The canonical name of an organization or place written in an oblique case that the
    /// dictionary could not undo ("Астане" → "Астана", "Шымкенте" → "Шымкент"), when the table
    /// knows it in one of the forms its endings allow.
    pub fn canonical_declined(&self, kind: EntityType, name: &str) -> Option<String> {
        if let Some(c) = self.canonical.get(&(kind, key(name))) {
            return Some(c.clone());
        }
        if name.contains(' ') {
            // "ЮНИСЕФ по Европе и Центральной Азии", "ООН в Казахстане": an office of a known
            // organization is that organization.
            let words: Vec<&str> = name.split_whitespace().collect();
            let cut = words.iter().position(|w| {
                matches!(
                    crate::analysis::lowercase(w).as_str(),
                    "по" | "в" | "во" | "при" | "для"
                )
            })?;
            return (kind == EntityType::Org && cut > 0)
                .then(|| {
                    self.canonical
                        .get(&(kind, key(&words[..cut].join(" "))))
                        .cloned()
                })
                .flatten();
        }
        const ENDINGS: [(&str, &str); 10] = [
            ("е", ""),
            ("е", "а"),
            ("ы", "а"),
            ("и", "а"),
            ("у", "а"),
            ("а", ""),
            ("ом", ""),
            ("ой", "а"),
            ("и", "ь"),
            ("ю", "ь"),
        ];
        // One word: its key is the word lowercased, so the endings can be swapped on the key.
        let whole = key(name);
        let mut probe = (kind, String::with_capacity(whole.len() + 2));
        ENDINGS.iter().find_map(|(from, to)| {
            let base = whole.strip_suffix(from)?;
            probe.1.clear();
            probe.1.push_str(base);
            probe.1.push_str(to);
            self.canonical.get(&probe).cloned()
        })
    }

    pub(crate) fn version(&self) -> u64 {
        self.version
    }

    /// Every name of the entity whose canonical name is `canonical` (itself included).
    pub fn names_of(&self, kind: EntityType, canonical: &str) -> Vec<String> {
        match self.names_by_key(kind, &key(canonical)) {
            Some(names) => names.to_vec(),
            None => vec![canonical.to_string()],
        }
    }

    /// The names of the entity whose canonical name has this [`key`], when the table knows
    /// more than the one name.
    pub fn names_by_key(&self, kind: EntityType, key: &str) -> Option<&[String]> {
        self.names[kind as usize].get(key).map(Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_names_of_places_join_in_the_index_but_are_no_tagger_feature() {
        let a = Aliases::shipped();
        assert_eq!(a.canonical(EntityType::Loc, "Ленинград"), "Санкт-Петербург");
        assert_eq!(a.canonical(EntityType::Loc, "Северная Корея"), "КНДР");
        let tagger = Aliases::for_tagger();
        assert_eq!(tagger.canonical(EntityType::Loc, "Ленинград"), "Ленинград");
        assert_eq!(tagger.canonical(EntityType::Loc, "Алма-Ата"), "Алматы");
    }

    #[test]
    fn shipped_table_joins_names() {
        let a = Aliases::shipped();
        assert_eq!(a.canonical(EntityType::Org, "UNICEF"), "ЮНИСЕФ");
        assert_eq!(a.canonical(EntityType::Org, "Детский фонд ООН"), "ЮНИСЕФ");
        assert_eq!(
            a.canonical(EntityType::Org, "Организация Объединенных Наций"),
            "ООН"
        );
        assert_eq!(a.canonical(EntityType::Loc, "Алма-Ата"), "Алматы");
        assert_eq!(
            a.canonical(EntityType::Org, "Рога и копыта"),
            "Рога и копыта"
        );
        assert!(
            a.names_of(EntityType::Org, "ЮНИСЕФ")
                .contains(&"UNICEF".to_string())
        );
    }

    #[test]
    fn user_lines_extend_and_errors_name_the_line() {
        let mut a = Aliases::shipped();
        a.add("# mine\nPER|Ерлан Карин|Erlan Karin\n").unwrap();
        assert_eq!(a.canonical(EntityType::Per, "erlan karin"), "Ерлан Карин");
        let err = a.add("ORG|A\nXYZ|B").unwrap_err();
        assert_eq!(err.line, 2);
    }
}
