//! `vestnik export --to sphinx`: the archive as N Sphinx (2.2) shards and a coordinator over
//! them, with vestnik's analysis applied (see the module above).
//!
//! What is written to `DIR`:
//! - `shard-K.tsv` (K = 1..N): the shard's articles for Sphinx's `tsvpipe` source, one line
//!   each: the Sphinx document id, the full-text fields (the keys of the title, of the
//!   headline (the title where it is one, as the local index ranks it) and of the body, each
//!   field with keys of its own so that the engine counts documents per field as tantivy
//!   does; the keys of the prefixes of headline and body words, which relaxed queries count
//!   and rank by, as the local `prefixes` field; the keys
//!   of the people's, organizations' and places' names, which rank entity clauses as the
//!   local name fields do), then the stored values and the attributes (see [`COLUMNS`]). The
//!   body is stored as a string attribute (escaped, [`stored_cell`]): Sphinx 2.2 has no
//!   document store, and snippets and the document view are made from the stored text, with
//!   what else the view shows in `extra` ([`Extra`]);
//! - `shard-K.conf`: that shard's source, index and `searchd` (SphinxQL on 127.0.0.1:P+K, the
//!   binary protocol the coordinator speaks on 127.0.0.1:P+100+K);
//! - `coordinator.conf`: a distributed index `vestnik` over the shards' binary ports, SphinxQL on
//!   127.0.0.1:P (binary on P+100);
//! - `entities.json`: the archive's entities with the numbers the `person`, `org` and `loc`
//!   attributes hold, and what the registry is built from (every name with its article count,
//!   the lines the index added to the alias table), so that a name typed against the engine
//!   resolves to exactly the entities it resolves to in the local index;
//! - `ranking.json`: the archive's number of articles and average field lengths, which the
//!   engine path's ranker expression needs (see `engine::sphinx`);
//! - `global.idf` (when built): every shard's document counts per key, which the shards rank
//!   with (`global_idf`), so that a word weighs the same on every shard;
//! - `README.md`: how to start it.
//!
//! Articles go to shards in turn, so shards are even in size. The export streams: one article
//! is in memory at a time, and each shard's file is written as it goes. With `build`, each
//! shard's index is then built by Sphinx's `indexer`, every shard at once, and `global.idf`
//! from their dictionaries.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use serde::Serialize;

use super::{Keyed, analyzed_keys_into, analyzed_keys_with_prefixes, field_key};
use crate::entities::{ByKind, EntityType};
use crate::search::{Searcher, StoredArticle};

/// The file of every shard's document counts per word that the shards rank with.
pub const GLOBAL_IDF: &str = "global.idf";

/// The name of the coordinator's distributed index.
pub const INDEX: &str = "vestnik";
/// The binary-protocol port of a node is its SphinxQL port plus this.
pub const BINARY_OFFSET: u16 = 100;
/// Most shards: each needs two ports above the coordinator's.
pub const MAX_SHARDS: usize = 99;

/// The columns of a shard's TSV file after the document id, with their Sphinx `tsvpipe`
/// declarations, in order.
pub const COLUMNS: [(&str, &str); 24] = [
    ("tsvpipe_field", "title_words"),
    ("tsvpipe_field", "headline_words"),
    ("tsvpipe_field", "body_words"),
    ("tsvpipe_field", "prefix_words"),
    ("tsvpipe_field", "person_names"),
    ("tsvpipe_field", "org_names"),
    ("tsvpipe_field", "loc_names"),
    ("tsvpipe_field", LOOKUP_FIELD),
    ("tsvpipe_attr_string", "vid"),
    ("tsvpipe_attr_string", "title"),
    ("tsvpipe_attr_string", "url"),
    ("tsvpipe_attr_string", "source"),
    ("tsvpipe_attr_string", "date"),
    ("tsvpipe_attr_string", "body"),
    ("tsvpipe_attr_string", "extra"),
    ("tsvpipe_attr_bigint", "srckey"),
    ("tsvpipe_attr_bigint", "srcid"),
    ("tsvpipe_attr_uint", "year"),
    ("tsvpipe_attr_uint", "month"),
    ("tsvpipe_attr_uint", "day"),
    ("tsvpipe_attr_bigint", "grp"),
    ("tsvpipe_attr_multi", "person"),
    ("tsvpipe_attr_multi", "org"),
    ("tsvpipe_attr_multi", "loc"),
];

/// The full-text field that finds an article by its id ([`id_key`]) and the articles of a
/// release group ([`group_key`]) through the index rather than by a scan: Sphinx 2.2 has no
/// index over attributes, and comparing `vid` or `grp` in every article took 65 ms and 10 ms
/// at a million articles, once per hit for the group.
pub const LOOKUP_FIELD: &str = "lookup_words";

/// The [`LOOKUP_FIELD`] key of an article's id.
pub fn id_key(id: &str) -> String {
    super::field_key(super::Keyed::Id, id)
}

/// The [`LOOKUP_FIELD`] key of a release group (its bits as the local index labels them).
pub fn group_key(group: u64) -> String {
    super::field_key(super::Keyed::Group, &format!("{group:016x}"))
}

/// What to export and where.
#[derive(Debug, Clone)]
pub struct Options {
    /// The folder the shards, coordinator and files are written to.
    pub dir: PathBuf,
    /// How many shards the articles are spread over.
    pub shards: usize,
    /// The coordinator's SphinxQL port; the rest follow from it.
    pub port: u16,
    /// Run `indexer` on every shard once the files are written.
    pub build: bool,
}

impl Options {
    /// Shard `k`'s SphinxQL port (1-based).
    pub fn shard_port(&self, k: usize) -> u16 {
        self.port + k as u16
    }

    fn check(&self) -> anyhow::Result<()> {
        if self.shards == 0 || self.shards > MAX_SHARDS {
            bail!("--shards must be from 1 to {MAX_SHARDS}");
        }
        let highest = u32::from(self.port) + u32::from(BINARY_OFFSET) + self.shards as u32;
        if self.port == 0 || highest > u32::from(u16::MAX) {
            bail!(
                "--port {} leaves no room for {} shards: ports {}..={highest} are used",
                self.port,
                self.shards,
                self.port
            );
        }
        Ok(())
    }
}

/// What an export wrote.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Articles written.
    pub articles: u64,
    /// Articles per shard, in shard order.
    pub shards: Vec<u64>,
    /// Whether `indexer` was run on the shards.
    pub built: bool,
}

/// Writes the export; `progress` is told the number of articles written so far, now and then.
pub fn export(
    searcher: &Searcher,
    opts: &Options,
    progress: &mut dyn FnMut(u64),
) -> anyhow::Result<Summary> {
    opts.check()?;
    let dir = &opts.dir;
    std::fs::create_dir_all(dir.join("data"))
        .and_then(|()| std::fs::create_dir_all(dir.join("run")))
        .with_context(|| format!("cannot create {}", dir.display()))?;
    let dir = dir
        .canonicalize()
        .with_context(|| format!("cannot read {}", dir.display()))?;

    let mut writers = Vec::with_capacity(opts.shards);
    for k in 1..=opts.shards {
        let path = part_path(&dir, k);
        let file =
            File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
        writers.push(BufWriter::new(file));
    }
    let mut counts = vec![0u64; opts.shards];
    let mut analyzer = crate::analysis::russian_analyzer();
    let mut line = String::new();
    let mut written = 0u64;
    let mut names: NameCounts = Default::default();
    let mut lengths = FieldLengths::default();
    searcher.each_article(&mut |a| {
        for (counts, list) in names.iter_mut().zip(&a.names) {
            for name in list {
                *counts.entry(name.clone()).or_default() += 1;
            }
        }
        let shard = (written % opts.shards as u64) as usize;
        written += 1;
        line.clear();
        write_line(&mut line, written, a, &mut analyzer, &mut lengths);
        writers[shard]
            .write_all(line.as_bytes())
            .with_context(|| format!("cannot write {}", part_path(&dir, shard + 1).display()))?;
        counts[shard] += 1;
        if written.is_multiple_of(10_000) {
            progress(written);
        }
        Ok(())
    })?;
    for (k, w) in writers.into_iter().enumerate() {
        let path = part_path(&dir, k + 1);
        w.into_inner()
            .map_err(|e| e.into_error())
            .and_then(|f| f.sync_all())
            .with_context(|| format!("cannot write {}", path.display()))?;
        // Complete files only under their final names: an export stopped half-way leaves
        // `.part` files that no configuration reads.
        std::fs::rename(&path, tsv_path(&dir, k + 1))
            .with_context(|| format!("cannot rename {}", path.display()))?;
    }
    progress(written);

    write_entities(searcher, &dir, names)?;
    let ranking = serde_json::to_string_pretty(&RankingFile::of(written, &lengths))?;
    write_file(&dir.join("ranking.json"), &ranking)?;
    for k in 1..=opts.shards {
        write_file(
            &dir.join(format!("shard-{k}.conf")),
            &shard_conf(&dir, opts, k),
        )?;
    }
    write_file(&dir.join("coordinator.conf"), &coordinator_conf(&dir, opts))?;
    write_file(&dir.join("README.md"), &readme(&dir, opts))?;
    if opts.build {
        build(&dir, opts.shards)?;
    }
    Ok(Summary {
        articles: written,
        shards: counts,
        built: opts.build,
    })
}

fn part_path(dir: &Path, k: usize) -> PathBuf {
    dir.join(format!("shard-{k}.tsv.part"))
}

fn tsv_path(dir: &Path, k: usize) -> PathBuf {
    dir.join(format!("shard-{k}.tsv"))
}

/// One article as a TSV line (newline included), in [`COLUMNS`] order after its id; adds
/// its fields' lengths to `lengths`.
fn write_line(
    out: &mut String,
    id: u64,
    a: &StoredArticle,
    analyzer: &mut tantivy::tokenizer::TextAnalyzer,
    lengths: &mut FieldLengths,
) {
    use std::fmt::Write as _;
    let (year, month, day) = date_parts(a.date.as_deref());
    let numbers = |kind: EntityType| {
        a.entities[kind as usize]
            .iter()
            .map(|n| (n + 1).to_string())
            .collect::<Vec<_>>()
            .join(",")
    };
    let _ = write!(out, "{id}\t");
    lengths.title_words += analyzed_keys_into(analyzer, &a.title, Keyed::Title, out);
    out.push('\t');
    let mut prefixes = String::new();
    if a.headline {
        lengths.headline_words +=
            analyzed_keys_with_prefixes(analyzer, &a.title, Keyed::Headline, out, &mut prefixes);
    }
    out.push('\t');
    lengths.body_words +=
        analyzed_keys_with_prefixes(analyzer, &a.body, Keyed::Body, out, &mut prefixes);
    out.push('\t');
    // The prefixes of headline and body words, as the local `prefixes` field holds them.
    lengths.prefix_words += prefixes.split(' ').filter(|k| !k.is_empty()).count() as u64;
    out.push_str(&prefixes);
    for kind in EntityType::ALL {
        out.push('\t');
        let names = &a.names[kind as usize];
        lengths.names[kind as usize] += names.len() as u64;
        for (i, name) in names.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(&field_key(Keyed::Name(kind), name));
        }
    }
    out.push('\t');
    out.push_str(&id_key(&a.id));
    if a.group != 0 {
        out.push(' ');
        out.push_str(&group_key(a.group));
    }
    let _ = writeln!(
        out,
        "\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{year}\t{month}\t{day}\t{}\t{}\t{}\t{}",
        cell(&a.id),
        cell(&a.title),
        cell(a.url.as_deref().unwrap_or_default()),
        cell(a.source.as_deref().unwrap_or_default()),
        cell(a.date.as_deref().unwrap_or_default()),
        stored_cell(&a.body),
        cell(&Extra::of(a).to_json()),
        a.source.as_deref().map_or(0, super::source_key),
        a.source.as_deref().map_or(0, super::source_id),
        // Sphinx's 64-bit attributes are signed: the group's bits, read as a signed number.
        a.group as i64,
        numbers(EntityType::Per),
        numbers(EntityType::Org),
        numbers(EntityType::Loc),
    );
}

/// Terms per full-text field over the whole archive, for BM25's average field lengths.
#[derive(Debug, Default, Clone)]
struct FieldLengths {
    title_words: u64,
    headline_words: u64,
    body_words: u64,
    prefix_words: u64,
    names: [u64; 3],
}

/// `ranking.json`: what the engine path needs to rank as the local BM25 does and that
/// Sphinx does not give a ranker expression: the archive's number of articles and each
/// field's average length in terms, over the whole archive (tantivy's statistics), not one
/// shard's.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct RankingFile {
    /// Bumped when the file's meaning changes; a reader refuses another.
    pub format: u32,
    /// Articles in the archive, for the IDF the engine path ranks with.
    pub documents: u64,
    /// Field name → average terms per article (articles without the field count as 0, as
    /// tantivy counts them).
    pub average_length: std::collections::BTreeMap<String, f64>,
}

/// The current [`RankingFile::format`]: what the reader of an export expects of all of it.
/// 3: the body is stored escaped ([`stored_cell`]) and an `extra` column holds what a
/// document's view needs ([`Extra`]); an export of format 2 lacks both.
/// 4: the [`LOOKUP_FIELD`] and the `srcid` attribute, which the engine path asks by.
pub const RANKING_FORMAT: u32 = 4;

impl RankingFile {
    fn of(documents: u64, l: &FieldLengths) -> RankingFile {
        let avg = |total: u64| {
            if documents == 0 {
                0.0
            } else {
                total as f64 / documents as f64
            }
        };
        let mut average_length = std::collections::BTreeMap::new();
        average_length.insert("title_words".to_string(), avg(l.title_words));
        average_length.insert("headline_words".to_string(), avg(l.headline_words));
        average_length.insert("body_words".to_string(), avg(l.body_words));
        average_length.insert("prefix_words".to_string(), avg(l.prefix_words));
        for kind in EntityType::ALL {
            average_length.insert(names_field(kind).to_string(), avg(l.names[kind as usize]));
        }
        RankingFile {
            format: RANKING_FORMAT,
            documents,
            average_length,
        }
    }
}

/// The full-text field holding a kind's entity names (one key per name).
pub fn names_field(kind: EntityType) -> &'static str {
    match kind {
        EntityType::Per => "person_names",
        EntityType::Org => "org_names",
        EntityType::Loc => "loc_names",
    }
}

/// `YYYY-MM-DD` as the integer attributes: the year, the month as YYYYMM, the day as
/// YYYYMMDD (so each can be faceted and ranged without an expression, which Sphinx 2.2 does
/// not pass to its agents); zeros for an article without a date.
pub(super) fn date_parts(date: Option<&str>) -> (u32, u32, u32) {
    let Some(d) = date else {
        return (0, 0, 0);
    };
    let digits: String = d.chars().filter(char::is_ascii_digit).collect();
    match (digits.get(..4), digits.get(..6), digits.get(..8)) {
        (Some(y), Some(m), Some(day)) => (
            y.parse().unwrap_or(0),
            m.parse().unwrap_or(0),
            day.parse().unwrap_or(0),
        ),
        _ => (0, 0, 0),
    }
}

/// A stored value in one TSV cell: tabs and line breaks, which would end it, become spaces.
fn cell(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains(['\t', '\n', '\r']) {
        s.replace(['\t', '\n', '\r'], " ").into()
    } else {
        s.into()
    }
}

/// A stored text in one TSV cell, kept whole: Sphinx's `tsvpipe` has no escapes of its own
/// and ends a cell at a tab or line break, so a backslash, a tab and the line breaks are
/// written `\\`, `\t`, `\n`, `\r`, which [`read_stored_cell`] turns back. The body is stored
/// so: a document's view shows its paragraphs as the local index does.
pub fn stored_cell(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains(['\\', '\t', '\n', '\r']) {
        return s.into();
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.into()
}

/// A cell [`stored_cell`] wrote, as the text it was.
pub fn read_stored_cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// The `extra` column: what a document's view shows that no search reads, as JSON.
#[derive(Debug, Default, Serialize, serde::Deserialize)]
pub struct Extra {
    /// Who wrote it, where the file said.
    pub author: Option<String>,
    /// Every file the same text was found in.
    pub paths: Vec<String>,
    /// Which of title, date and source were inferred.
    pub inferred: Vec<String>,
    /// The index's mention lines: each entity and the ways the article wrote it.
    pub mentions: Vec<String>,
}

impl Extra {
    fn of(a: &StoredArticle) -> Extra {
        Extra {
            author: a.author.clone(),
            paths: a.paths.clone(),
            inferred: a.inferred.clone(),
            mentions: a.mentions.clone(),
        }
    }

    /// One line of JSON (serde escapes every control character, so no tab or line break).
    fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// `entities.json`: what the engine path needs to name entities as the local index does.
#[derive(Debug, Serialize, serde::Deserialize)]
pub struct EntitiesFile {
    /// Bumped when the file's meaning changes; a reader refuses another.
    pub format: u32,
    /// Per kind (by [`attribute`] name): its entities, each with its attribute value.
    pub person: Vec<ExportedEntity>,
    /// The organizations, as `person` holds the people.
    pub org: Vec<ExportedEntity>,
    /// The places, likewise.
    pub loc: Vec<ExportedEntity>,
    /// Per kind, every name the archive holds with the articles carrying it: the registry's
    /// input, so that a reader builds the very registry the local index resolves names with.
    pub names: KindNames,
    /// The lines the index added to the shipped alias table.
    pub aliases: String,
}

/// The current [`EntitiesFile::format`].
/// 3: the words of each field have keys of their own (`Keyed`), and names are full-text
/// fields too; an export of format 2 would match other keys than the engine path asks for.
pub const ENTITIES_FORMAT: u32 = 3;

/// Names and article counts, per kind.
pub type KindNames = ByKind<Vec<(String, u64)>>;

impl EntitiesFile {
    /// The entities of one kind.
    pub fn of(&self, kind: EntityType) -> &[ExportedEntity] {
        match kind {
            EntityType::Per => &self.person,
            EntityType::Org => &self.org,
            EntityType::Loc => &self.loc,
        }
    }
}

/// One entity as `entities.json` lists it.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct ExportedEntity {
    /// The value of the kind's multi-value attribute.
    pub number: u32,
    /// The entity's archive-wide id, as the local index gives it.
    pub id: String,
    /// Its canonical name.
    pub name: String,
    /// The names joined into it, which entity filters match.
    pub variants: Vec<String>,
}

/// Article counts of each name, per kind, as the export reads the articles.
pub(super) type NameCounts = [std::collections::HashMap<String, u64>; 3];

pub(super) fn write_entities(
    searcher: &Searcher,
    dir: &Path,
    counts: NameCounts,
) -> anyhow::Result<()> {
    let mut lists: [Vec<ExportedEntity>; 3] = Default::default();
    let mut names: [Vec<(String, u64)>; 3] = Default::default();
    for kind in EntityType::ALL {
        let entities = searcher.archive_entities(kind)?;
        lists[kind as usize] = entities
            .iter()
            .enumerate()
            .map(|(i, e)| ExportedEntity {
                number: i as u32 + 1,
                id: e.id.clone(),
                name: e.name.clone(),
                variants: e.variants.clone(),
            })
            .collect();
        let mut list: Vec<(String, u64)> = counts[kind as usize]
            .iter()
            .map(|(n, &c)| (n.clone(), c))
            .collect();
        list.sort();
        names[kind as usize] = list;
    }
    // The names as counted here must build the registry the index has, or a name typed
    // against the engine could resolve otherwise than locally: checked, not assumed.
    let rebuilt = crate::identity::Registry::build(
        names.clone().map(|l| {
            l.into_iter()
                .map(|(name, docs)| crate::identity::NameCount { name, docs })
                .collect()
        }),
        searcher.aliases(),
    );
    for kind in EntityType::ALL {
        let mut want: Vec<&str> = lists[kind as usize].iter().map(|e| e.id.as_str()).collect();
        let mut got: Vec<&str> = rebuilt
            .entities(kind)
            .iter()
            .map(|e| e.id.as_str())
            .collect();
        want.sort_unstable();
        got.sort_unstable();
        if want != got {
            bail!(
                "the {} names read from the articles do not rebuild the index's entities; rebuild the index and export again",
                attribute(kind)
            );
        }
    }
    let [person, org, loc] = lists;
    let [pn, on, ln] = names;
    let file = EntitiesFile {
        format: ENTITIES_FORMAT,
        person,
        org,
        loc,
        names: KindNames {
            person: pn,
            org: on,
            loc: ln,
        },
        aliases: searcher.aliases().added().to_string(),
    };
    let path = dir.join("entities.json");
    let out = File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
    serde_json::to_writer(BufWriter::new(out), &file)
        .with_context(|| format!("cannot write {}", path.display()))
}

/// The multi-value attribute holding a kind's entities.
pub fn attribute(kind: EntityType) -> &'static str {
    kind.name()
}

pub(super) fn write_file(path: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// A path inside a configuration: Sphinx reads it up to the end of the line.
fn conf_path(p: &Path) -> String {
    p.display().to_string()
}

fn searchd_section(dir: &Path, name: &str, sphinxql: u16) -> String {
    let run = dir.join("run");
    format!(
        "searchd\n{{\n\
         \tlisten = 127.0.0.1:{sphinxql}:mysql41\n\
         \tlisten = 127.0.0.1:{}\n\
         \tpid_file = {}\n\
         \tlog = {}\n\
         \tquery_log = {}\n\
         \tbinlog_path =\n\
         \tmax_matches = 100000\n\
         \tworkers = threads\n\
         }}\n",
        sphinxql + BINARY_OFFSET,
        conf_path(&run.join(format!("{name}.pid"))),
        conf_path(&run.join(format!("{name}.log"))),
        conf_path(&run.join(format!("{name}.query.log"))),
    )
}

fn shard_conf(dir: &Path, opts: &Options, k: usize) -> String {
    let mut s = format!(
        "# vestnik export, shard {k} of {}: start with `searchd --config {}`\n\n\
         source shard{k}\n{{\n\ttype = tsvpipe\n\ttsvpipe_command = cat {}\n",
        opts.shards,
        conf_path(&dir.join(format!("shard-{k}.conf"))),
        conf_path(&tsv_path(dir, k)),
    );
    for (directive, name) in COLUMNS {
        s.push_str(&format!("\t{directive} = {name}\n"));
    }
    s.push_str(&format!(
        "}}\n\nindex shard{k}\n{{\n\
         \tsource = shard{k}\n\
         \tpath = {}\n\
         \t# The words are vestnik's term keys: ASCII letters and digits, no morphology.\n\
         \tcharset_table = 0..9, a..z\n\
         \tmorphology = none\n\
         \tmin_word_len = 1\n\
         \tdocinfo = extern\n\
         \t# Field lengths, for the local BM25's length normalization, which the ranker\n\
         \t# expression vestnik sends reads.\n\
         \tindex_field_lengths = 1\n\
         \t# Every shard's word counts, so that a word weighs the same on each (built by the\n\
         \t# export with indextool --dumpdict and --buildidf; see README.md).\n\
         \tglobal_idf = {}\n\
         }}\n\nindexer\n{{\n\tmem_limit = 256M\n}}\n\n",
        conf_path(&dir.join("data").join(format!("shard-{k}"))),
        conf_path(&dir.join(GLOBAL_IDF)),
    ));
    s.push_str(&searchd_section(
        dir,
        &format!("shard-{k}"),
        opts.shard_port(k),
    ));
    s
}

fn coordinator_conf(dir: &Path, opts: &Options) -> String {
    let mut s = format!(
        "# vestnik export: the distributed index over {} shards; start the shards first, then\n\
         # `searchd --config {}`\n\nindex {INDEX}\n{{\n\ttype = distributed\n",
        opts.shards,
        conf_path(&dir.join("coordinator.conf")),
    );
    for k in 1..=opts.shards {
        s.push_str(&format!(
            "\tagent = 127.0.0.1:{}:shard{k}\n",
            opts.shard_port(k) + BINARY_OFFSET
        ));
    }
    s.push_str("\tagent_connect_timeout = 1000\n\tagent_query_timeout = 30000\n}\n\n");
    s.push_str(&searchd_section(dir, "coordinator", opts.port));
    s
}

fn readme(dir: &Path, opts: &Options) -> String {
    let shards: String = (1..=opts.shards)
        .map(|k| format!("searchd --config {}/shard-{k}.conf\n", dir.display()))
        .collect();
    let build: String = (1..=opts.shards)
        .map(|k| format!("indexer --config {}/shard-{k}.conf --all\n", dir.display()))
        .collect();
    let dicts: String = (1..=opts.shards)
        .map(|k| {
            format!(
                "indextool --config {d}/shard-{k}.conf --dumpdict shard{k} --stats > {d}/run/shard-{k}.dict\n",
                d = dir.display()
            )
        })
        .collect();
    let idf = format!(
        "{dicts}indextool --buildidf {} --out {}/{GLOBAL_IDF}\n",
        (1..=opts.shards)
            .map(|k| format!("{}/run/shard-{k}.dict", dir.display()))
            .collect::<Vec<_>>()
            .join(" "),
        dir.display()
    );
    format!(
        "# vestnik archive for Sphinx 2.2, {n} shards\n\n\
         Written by `vestnik export --to sphinx`. Each shard's articles are in `shard-K.tsv` with\n\
         vestnik's analysis applied (each word is the key of its vestnik index term), so the\n\
         shards match exactly what the local index matches.\n\n\
         Build the shards' indexes, then the file of every shard's word counts that they rank\n\
         with (the export has done both unless run with `--no-build`):\n\n\
         ```sh\n{build}{idf}```\n\n\
         Start the shards, then the coordinator:\n\n\
         ```sh\n{shards}searchd --config {dir}/coordinator.conf\n```\n\n\
         Ports, all on 127.0.0.1: the coordinator's SphinxQL on {p} (binary protocol {pb}); shard\n\
         K's SphinxQL on {p}+K, its binary protocol, which the coordinator's agents use, on\n\
         {p}+{off}+K. Query the distributed index `{INDEX}` with any MySQL client\n\
         (`mysql -h 127.0.0.1 -P {p}`), or with vestnik, which analyzes queries and names\n\
         entities as the local index does:\n\n\
         ```sh\nvestnik search --engine sphinxql://127.0.0.1:{p} --engine-dir {dir} 'query'\n```\n\n\
         Stop each with `searchd --config FILE --stopwait`. Process ids and logs are in `run/`.\n\n\
         `entities.json` lists the archive's entities with the numbers the `person`, `org` and\n\
         `loc` attributes hold.\n",
        n = opts.shards,
        dir = dir.display(),
        p = opts.port,
        pb = opts.port + BINARY_OFFSET,
        off = BINARY_OFFSET,
    )
}

/// Builds every shard's index with Sphinx's `indexer`, all at once.
fn build(dir: &Path, shards: usize) -> anyhow::Result<()> {
    let mut children = Vec::with_capacity(shards);
    for k in 1..=shards {
        let conf = dir.join(format!("shard-{k}.conf"));
        let log = dir.join("run").join(format!("shard-{k}.indexer.log"));
        let out = File::create(&log).with_context(|| format!("cannot write {}", log.display()))?;
        let child = Command::new("indexer")
            .arg("--config")
            .arg(&conf)
            .arg("--all")
            .stdout(out.try_clone()?)
            .stderr(out)
            .spawn()
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    anyhow::anyhow!(
                        "Sphinx's indexer is not installed (Debian: apt-get install sphinxsearch); install it, or export with --no-build"
                    )
                } else {
                    anyhow::anyhow!("cannot run indexer: {e}")
                }
            })?;
        children.push((k, log, child));
    }
    let mut failed = Vec::new();
    for (k, log, mut child) in children {
        let status = child.wait().context("indexer did not finish")?;
        if !status.success() {
            failed.push(format!("shard {k} (see {})", log.display()));
        }
    }
    if !failed.is_empty() {
        bail!("indexer failed for {}", failed.join(", "));
    }
    build_idf(dir, shards)
}

/// Builds `global.idf` from every shard's dictionary, as Sphinx's documentation says: each
/// shard's words with their document counts (`indextool --dumpdict INDEX --stats`), then
/// one file of the sums (`indextool --buildidf`). Without it each shard weighs a word by its
/// own counts, and the merged ranking differs from the archive's.
fn build_idf(dir: &Path, shards: usize) -> anyhow::Result<()> {
    let mut dumps = Vec::with_capacity(shards);
    for k in 1..=shards {
        let dump = dir.join("run").join(format!("shard-{k}.dict"));
        let out =
            File::create(&dump).with_context(|| format!("cannot write {}", dump.display()))?;
        let status = Command::new("indextool")
            .arg("--config")
            .arg(dir.join(format!("shard-{k}.conf")))
            .args(["--dumpdict", &format!("shard{k}"), "--stats"])
            .stdout(out)
            .stderr(std::process::Stdio::null())
            .status()
            .context("cannot run Sphinx's indextool")?;
        if !status.success() {
            bail!("indextool --dumpdict failed for shard {k}");
        }
        dumps.push(dump);
    }
    let log = dir.join("run").join("buildidf.log");
    let out = File::create(&log).with_context(|| format!("cannot write {}", log.display()))?;
    let status = Command::new("indextool")
        .arg("--buildidf")
        .args(&dumps)
        .arg("--out")
        .arg(dir.join(GLOBAL_IDF))
        .stdout(out.try_clone()?)
        .stderr(out)
        .status()
        .context("cannot run Sphinx's indextool")?;
    if !status.success() {
        bail!("indextool --buildidf failed (see {})", log.display());
    }
    // The dumps are the whole vocabulary once per shard, and are read by nothing else.
    for d in dumps {
        let _ = std::fs::remove_file(d);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_become_sortable_integers() {
        assert_eq!(date_parts(Some("2024-05-17")), (2024, 202405, 20240517));
        assert_eq!(date_parts(None), (0, 0, 0));
        assert_eq!(date_parts(Some("2024")), (0, 0, 0));
    }

    #[test]
    fn cells_stay_on_their_line() {
        assert_eq!(cell("a\tb\nc\rd"), "a b c d");
        assert_eq!(cell("Заголовок"), "Заголовок");
    }

    /// A stored cell keeps the text whole: on one line, without a tab, and read back as it
    /// was, backslashes and escapes-looking text included.
    #[test]
    fn stored_cells_stay_on_their_line_and_read_back_whole() {
        for text in [
            "",
            "Абзац один.\n\nАбзац два.\r\n\tОтступ",
            "C:\\path\\n is not a line break",
            "trailing \\",
            "\\\\n\\t",
            "Заголовок",
        ] {
            let stored = stored_cell(text);
            assert!(!stored.contains(['\t', '\n', '\r']), "{stored:?}");
            assert_eq!(read_stored_cell(&stored), text);
        }
    }

    #[test]
    fn ports_must_fit() {
        let mut o = Options {
            dir: PathBuf::from("x"),
            shards: 2,
            port: 9306,
            build: false,
        };
        assert!(o.check().is_ok());
        o.port = 65_500;
        assert!(o.check().is_err());
        o.port = 9306;
        o.shards = 0;
        assert!(o.check().is_err());
    }
}
