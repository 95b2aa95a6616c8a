//! The page of an engine query: its articles read back by id, the other versions of each
//! (its release group's first members), entities by name and snippets made as locally.

use std::collections::{BTreeMap, HashMap};

use anyhow::bail;

use super::{
    Candidate, INDEX, LOOKUP_FIELD, PAGE_COLUMNS, Row, SCORE_SCALE, SphinxEngine, group_key,
    read_stored_cell,
};
use crate::engine::translate::Translated;
use crate::entities::EntityType;
use crate::export::word_key;
use crate::search::{Duplicate, Hit, HitEntities, SearchRequest, Sort};

/// Duplicates listed per hit, as locally.
pub(super) const MAX_DUPLICATES: usize = 20;

/// The first articles of each of these release groups (at least one, no group 0), in index
/// order, as a document's view and a hit list them: one statement for them all, found by
/// the groups' keys, then held to the groups themselves, of at most [`members_cap`] rows.
pub(super) fn members_query(groups: &[i64]) -> String {
    let keys: Vec<String> = groups.iter().map(|&g| group_key(g as u64)).collect();
    let list: Vec<String> = groups.iter().map(i64::to_string).collect();
    let cap = members_cap(groups.len());
    format!(
        "SELECT id, vid, title, date, source, url, grp FROM {INDEX} WHERE MATCH('@{LOOKUP_FIELD} ({})') AND grp IN ({}) ORDER BY id ASC LIMIT 0,{cap} OPTION ranker=none, max_matches={cap}",
        keys.join(" | "),
        list.join(","),
    )
}

/// The most rows [`members_query`] returns for `groups` groups: each group's first
/// [`MAX_DUPLICATES`] + 1 (the article itself among them).
fn members_cap(groups: usize) -> usize {
    (MAX_DUPLICATES + 1) * groups
}

/// The other versions of article `id` among its group's `members`, as a hit or a document's
/// view lists them.
pub(super) fn duplicates_of(members: &[Row], id: u64) -> Vec<Duplicate> {
    members
        .iter()
        .filter(|m| m.u64(0) != id)
        .take(MAX_DUPLICATES)
        .map(Row::duplicate)
        .collect()
}

/// A release group as the local index labels it: 16 hex digits, none for an article of its
/// own (0). Sphinx's 64-bit attributes are signed; the bits are the group's.
pub(super) fn group_label(group: i64) -> String {
    if group == 0 {
        String::new()
    } else {
        format!("{:016x}", group as u64)
    }
}

/// Snippets made as locally: the best fragment of the stored body for the query's body
/// terms, rarer terms weighing more.
pub(super) struct Snippets {
    generator: tantivy::snippet::SnippetGenerator,
}

impl Snippets {
    fn new(terms: &[String], docs: &HashMap<String, u64>) -> Snippets {
        let mut weights = BTreeMap::new();
        for term in terms {
            // A word no article has is not looked for; one the engine did not report counts
            // as rare.
            let n = docs.get(&word_key(term)).copied().unwrap_or(1);
            if n > 0 {
                weights.insert(term.clone(), 1.0 / (1.0 + n as f32));
            }
        }
        let words: Vec<String> = weights.keys().cloned().collect();
        Snippets {
            generator: tantivy::snippet::SnippetGenerator::new(
                weights,
                crate::analysis::snippet_analyzer(&words),
                tantivy::schema::Field::from_field_id(0),
                crate::search::SNIPPET_CHARS,
            ),
        }
    }

    fn of(&self, body: &str) -> (String, Vec<[usize; 2]>) {
        use crate::search::snippet;
        let found = self.generator.snippet(body);
        let shown = if found.highlighted().is_empty() {
            snippet::lead(body, crate::search::SNIPPET_CHARS)
        } else {
            snippet::render(body, found.fragment_range(), found.highlighted())
        };
        (shown.text, shown.highlights)
    }
}

/// The best-ranked candidate of each release group, in rank order, after skipping `offset`
/// groups: at most `limit` of them (group 0: an article of its own).
pub(super) fn collapse(candidates: &[Candidate], offset: usize, limit: usize) -> Vec<Candidate> {
    let mut seen = std::collections::HashSet::new();
    let mut groups = 0;
    let mut page = Vec::with_capacity(limit);
    for c in candidates {
        if page.len() >= limit {
            break;
        }
        if c.group != 0 && !seen.insert(c.group) {
            continue;
        }
        groups += 1;
        if groups > offset {
            page.push(*c);
        }
    }
    page
}

impl SphinxEngine {
    /// The page's hits: their articles, duplicates and snippets, read in one batch.
    pub(super) fn hits(
        &self,
        conn: &mut mysql::Conn,
        page: &[Candidate],
        req: &SearchRequest,
        t: &Translated,
        docs: &HashMap<String, u64>,
    ) -> anyhow::Result<Vec<Hit>> {
        if page.is_empty() {
            return Ok(Vec::new());
        }
        req.budget.check()?;
        let ids: Vec<String> = page.iter().map(|c| c.id.to_string()).collect();
        let mut sql = format!(
            "SELECT {PAGE_COLUMNS} FROM {INDEX} WHERE id IN ({}) LIMIT {} OPTION max_matches={}",
            ids.join(","),
            page.len(),
            page.len().max(1000)
        );
        let mut grouped: Vec<i64> = if req.group {
            page.iter().map(|c| c.group).filter(|&g| g != 0).collect()
        } else {
            Vec::new()
        };
        grouped.sort_unstable();
        grouped.dedup();
        if !grouped.is_empty() {
            sql.push_str("; ");
            sql.push_str(&members_query(&grouped));
        }
        let mut sets = self.batch(conn, &sql)?.into_iter();
        let rows = sets.next().unwrap_or_default();
        let mut by_id: HashMap<u64, &Row> = rows.iter().map(|r| (r.u64(0), r)).collect();
        let duplicates = if grouped.is_empty() {
            HashMap::new()
        } else {
            self.complete_members(conn, &grouped, sets.next().unwrap_or_default())?
        };
        let snippets = Snippets::new(&t.terms, docs);
        let mut hits = Vec::with_capacity(page.len());
        for c in page {
            let Some(row) = by_id.remove(&c.id) else {
                bail!(
                    "the engine lost article {} between two queries (was it rebuilt?); ask again",
                    c.id
                );
            };
            let body = read_stored_cell(&row.text(10));
            let (snippet, highlights) = snippets.of(&body);
            let group = row.i64(6);
            let mut hit = Hit {
                id: row.text(1),
                title: row.text(2),
                date: row.opt(5),
                source: row.opt(4),
                url: row.opt(3),
                author: None,
                path: String::new(),
                paths: Vec::new(),
                score: match req.sort {
                    Sort::Relevance => Some(c.raw as f32 / SCORE_SCALE * self.idf_scale),
                    Sort::Date => None,
                },
                snippet,
                highlights,
                inferred: Vec::new(),
                encoding: None,
                entities: self.entities_of(row),
                group: group_label(group),
                duplicates: Vec::new(),
            };
            if let Some(members) = duplicates.get(&group) {
                hit.duplicates = duplicates_of(members, c.id);
            }
            hits.push(hit);
        }
        Ok(hits)
    }

    /// Each group's first members (at most [`MAX_DUPLICATES`] + 1, in index order) from the
    /// rows of [`members_query`] for `groups`: where those filled its [`members_cap`], a large
    /// group may have crowded out another's, so each group left short is asked for on its own.
    pub(super) fn complete_members(
        &self,
        conn: &mut mysql::Conn,
        groups: &[i64],
        rows: Vec<Row>,
    ) -> anyhow::Result<HashMap<i64, Vec<Row>>> {
        let full = rows.len() >= members_cap(groups.len());
        let mut out: HashMap<i64, Vec<Row>> = groups.iter().map(|&g| (g, Vec::new())).collect();
        for row in rows {
            if let Some(members) = out.get_mut(&row.i64(6))
                && members.len() <= MAX_DUPLICATES
            {
                members.push(row);
            }
        }
        if !full {
            return Ok(out);
        }
        let short: Vec<i64> = groups
            .iter()
            .copied()
            .filter(|g| out.get(g).is_some_and(|m| m.len() <= MAX_DUPLICATES))
            .collect();
        let statements: Vec<String> = short.iter().map(|&g| members_query(&[g])).collect();
        if statements.is_empty() {
            return Ok(out);
        }
        let sets = self.batch(conn, &statements.join("; "))?;
        for (g, set) in short.into_iter().zip(sets) {
            out.insert(g, set);
        }
        Ok(out)
    }

    /// A page row's entities by canonical name, from its multi-value attributes.
    pub(super) fn entities_of(&self, row: &Row) -> HitEntities {
        let names = |column: usize, kind: EntityType| -> Vec<String> {
            row.text(column)
                .split(',')
                .filter_map(|n| n.trim().parse::<u32>().ok())
                .filter_map(|n| self.registry.entity(kind, n))
                .map(|e| e.name.clone())
                .collect()
        };
        HitEntities {
            person: names(7, EntityType::Per),
            org: names(8, EntityType::Org),
            loc: names(9, EntityType::Loc),
        }
    }
}
