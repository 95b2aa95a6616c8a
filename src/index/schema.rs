//! The index schema: which article fields are searchable, stored and fast, under one version.

use chrono::NaiveDate;
use tantivy::DateTime;
use tantivy::schema::{
    DateOptions, DateTimePrecision, FAST, Field, INDEXED, IndexRecordOption, STORED, STRING,
    Schema, TextFieldIndexing, TextOptions,
};

use crate::analysis;
use crate::entities::EntityType;

/// Bumped whenever the schema changes in a way an older index cannot serve. 9: records
/// without an id of their own are named by their text, not their line (`#N`), and each
/// document carries the fingerprint of its id (`head`); the `author` field; the `undated`
/// marker, and dates inferred only where the text presents them as the article's (an older
/// index holds dates of past events the new inference rejects, so it is rebuilt). 10: the
/// `headline` field, the titles ranked as headlines (a title made from the text's first
/// sentence is not one). 11: the `prefixes` field, which relaxed queries rank by.
pub const SCHEMA_VERSION: u32 = 11;

/// Handles to every field, resolved once so that callers never look fields up by name.
#[derive(Clone, Copy, Debug)]
pub struct Fields {
    /// The article's id: what `vestnik show` and `/api/doc` take.
    pub id: Field,
    /// Every file the text was found in, one value per copy: stored to be shown, fast so that an
    /// update lists them quickly.
    pub path: Field,
    /// The title as stored and shown, which `title:` searches.
    pub title: Field,
    /// The title again where it is a headline: one the file states (metadata, a Markdown
    /// heading, a short first line set apart) rather than the text's first sentence, which
    /// the body holds already. Searches rank it above the body (`search::TITLE_BOOST`);
    /// `title:` still searches every title. Stored, so that an article copied from the
    /// stored document (`document::reused`) keeps it.
    pub headline: Field,
    /// The text, analyzed for search and stored for snippets and the document view.
    pub body: Field,
    /// The headline (where the title is one) and the body again, each word as the first
    /// letters of its stem (`analysis::prefix_of`): a relaxed query ranks by them, so that a
    /// question meets the answer's related words («строительство», «строят»). Frequencies
    /// without positions, not stored: nothing matches or shows by it.
    pub prefixes: Field,
    /// The publication date: a fast field for ranges, sorting and the date facet.
    pub date: Field,
    /// `true` on every article without a date, so that `--undated` and `date:none` are one
    /// cheap term lookup rather than a walk over every article's date.
    pub undated: Field,
    /// The outlet: matched case-insensitively as a whole value (`--source`), counted in facets as
    /// the articles spell it.
    pub source: Field,
    /// The article's address, stored to be shown.
    pub url: Field,
    /// Who wrote it, stored to be shown.
    pub author: Field,
    /// Which of title, date and source were inferred rather than read from metadata.
    pub inferred: Field,
    /// Hash of title and body: the article's identity for updates and for storing a text
    /// found under several paths once.
    pub hash: Field,
    /// The character encoding the file was decoded from, stored to be shown.
    pub encoding: Field,
    /// A fingerprint of the id, encoding and inferred fields, which come from the first of
    /// the article's paths: an update tells from it, without reading the stored document,
    /// whether re-reading that file changed them.
    pub head: Field,
    /// Each entity's name in the article, whole: a fast field that the archive's entity
    /// registry and the facets read, and a raw term that entity filters match once the
    /// registry has turned what the user typed into the names it means (`search::archive`).
    /// Hits read names from `mentions`, so the values are not stored.
    pub person: Field,
    /// The organizations' names, as `person` holds the people's.
    pub org: Field,
    /// The places' names, likewise.
    pub loc: Field,
    /// One line per entity, "TYPE\tname\tsurface\tsurface...": its canonical name and every
    /// way the article wrote it (see [`MentionLine`]).
    pub mentions: Field,
    /// The release group: articles that are versions of one text share it (see `dedup`).
    pub group: Field,
    /// The article's near-duplicate signature, so that a later run can group new articles
    /// with it.
    pub dup_sig: Field,
}

/// Field names as users write them in queries (`title:`, `source:`, `date:`).
pub mod names {
    use crate::entities::EntityType;

    /// The field holding a kind's entity names.
    pub fn entity(kind: EntityType) -> &'static str {
        kind.name()
    }

    /// Name of [`super::Fields::id`].
    pub const ID: &str = "id";
    /// Name of [`super::Fields::path`].
    pub const PATH: &str = "path";
    /// Name of [`super::Fields::title`].
    pub const TITLE: &str = "title";
    /// Name of [`super::Fields::headline`].
    pub const HEADLINE: &str = "headline";
    /// Name of [`super::Fields::body`].
    pub const BODY: &str = "body";
    /// Name of [`super::Fields::prefixes`].
    pub const PREFIXES: &str = "prefixes";
    /// Name of [`super::Fields::date`].
    pub const DATE: &str = "date";
    /// Name of [`super::Fields::undated`].
    pub const UNDATED: &str = "undated";
    /// Name of [`super::Fields::source`].
    pub const SOURCE: &str = "source";
    /// Name of [`super::Fields::url`].
    pub const URL: &str = "url";
    /// Name of [`super::Fields::author`].
    pub const AUTHOR: &str = "author";
    /// Name of [`super::Fields::inferred`].
    pub const INFERRED: &str = "inferred";
    /// Name of [`super::Fields::hash`].
    pub const HASH: &str = "hash";
    /// Name of [`super::Fields::encoding`].
    pub const ENCODING: &str = "encoding";
    /// Name of [`super::Fields::head`].
    pub const HEAD: &str = "head";
    /// Name of [`super::Fields::person`].
    pub const PERSON: &str = "person";
    /// Name of [`super::Fields::org`].
    pub const ORG: &str = "org";
    /// Name of [`super::Fields::loc`].
    pub const LOC: &str = "loc";
    /// Name of [`super::Fields::mentions`].
    pub const MENTIONS: &str = "mentions";
    /// Name of [`super::Fields::group`].
    pub const GROUP: &str = "group";
    /// Name of [`super::Fields::dup_sig`].
    pub const DUP_SIG: &str = "dup_sig";
}

impl Fields {
    /// The field holding a kind's entity names (fast for facets, a raw term for filters).
    pub fn entity(&self, kind: EntityType) -> Field {
        match kind {
            EntityType::Per => self.person,
            EntityType::Org => self.org,
            EntityType::Loc => self.loc,
        }
    }
}

/// The schema every index is written with, and the handles of its fields.
pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let russian = TextOptions::default().set_stored().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analysis::RUSSIAN)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    // Sources are matched case-insensitively as whole values, but counted in facets under
    // the spelling the articles use, hence the raw fast-field tokenizer.
    let source = TextOptions::default()
        .set_stored()
        .set_fast("raw")
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analysis::KEYWORD)
                .set_index_option(IndexRecordOption::Basic),
        );
    let entity = TextOptions::default().set_fast("raw").set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("raw")
            .set_index_option(IndexRecordOption::Basic),
    );
    let prefixes = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analysis::PREFIXES)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let date = DateOptions::default()
        .set_indexed()
        .set_stored()
        .set_fast()
        .set_precision(DateTimePrecision::Seconds);
    let fields = Fields {
        id: b.add_text_field(names::ID, STRING | STORED),
        // Every file the text was found in; a fast field so an update can list them all quickly.
        path: b.add_text_field(
            names::PATH,
            TextOptions::default().set_stored().set_fast("raw"),
        ),
        title: b.add_text_field(names::TITLE, russian.clone()),
        headline: b.add_text_field(names::HEADLINE, russian.clone()),
        body: b.add_text_field(names::BODY, russian),
        prefixes: b.add_text_field(names::PREFIXES, prefixes),
        date: b.add_date_field(names::DATE, date),
        undated: b.add_bool_field(names::UNDATED, INDEXED),
        source: b.add_text_field(names::SOURCE, source),
        url: b.add_text_field(names::URL, STORED),
        author: b.add_text_field(names::AUTHOR, STORED),
        inferred: b.add_text_field(names::INFERRED, STORED),
        hash: b.add_u64_field(names::HASH, INDEXED | FAST | STORED),
        encoding: b.add_text_field(names::ENCODING, STORED),
        head: b.add_u64_field(names::HEAD, FAST),
        person: b.add_text_field(names::PERSON, entity.clone()),
        org: b.add_text_field(names::ORG, entity.clone()),
        loc: b.add_text_field(names::LOC, entity),
        mentions: b.add_text_field(names::MENTIONS, STORED),
        group: b.add_u64_field(names::GROUP, INDEXED | FAST | STORED),
        dup_sig: b.add_u64_field(names::DUP_SIG, FAST),
    };
    (b.build(), fields)
}

/// How the `date` field encodes a date: dates are days, stored as midnight UTC so that day,
/// month and year buckets are exact. Every writer and every date filter goes through this.
pub fn to_datetime(date: NaiveDate) -> DateTime {
    let secs = date
        .and_hms_opt(0, 0, 0)
        .map(|dt| dt.and_utc().timestamp())
        .unwrap_or_default();
    DateTime::from_timestamp_secs(secs)
}

/// A stored entity line of the `mentions` field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentionLine<'a> {
    /// "PER", "ORG" or "LOC".
    pub kind: &'a str,
    /// The entity's canonical name.
    pub name: &'a str,
    /// The ways the article wrote the name, in order of first appearance.
    pub surfaces: Vec<&'a str>,
}

impl<'a> MentionLine<'a> {
    /// The stored form: tab-separated, one line. A name or surface the text wrote across a tab
    /// or a line break ("Ерлан\tКарин") is stored with single spaces, so it stays one field.
    pub fn write(kind: &str, name: &str, surfaces: &[String]) -> String {
        let mut line = format!("{kind}\t{}", one_line(name));
        for s in surfaces {
            line.push('\t');
            line.push_str(&one_line(s));
        }
        line
    }

    /// A stored line, or `None` when it lacks a type or a name.
    pub fn read(line: &'a str) -> Option<MentionLine<'a>> {
        let mut parts = line.split('\t');
        let kind = parts.next()?;
        let name = parts.next()?;
        Some(MentionLine {
            kind,
            name,
            surfaces: parts.collect(),
        })
    }
}

/// `s` with every run of whitespace made one space.
fn one_line(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains(|c: char| c.is_whitespace() && c != ' ') {
        return s.into();
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ").into()
}

#[cfg(test)]
mod tests {
    use super::MentionLine;

    #[test]
    fn names_written_across_tabs_and_lines_stay_one_field() {
        let surfaces = vec!["Ерлана\tКарина".to_string(), "Ерлан\n Карин".to_string()];
        let line = MentionLine::write("PER", "Ерлан\tКарин", &surfaces);
        let read = MentionLine::read(&line).expect("a written line reads");
        assert_eq!(read.name, "Ерлан Карин");
        assert_eq!(read.surfaces, ["Ерлана Карина", "Ерлан Карин"]);
        assert!(!line.contains('\n'));
    }

    #[test]
    fn a_mention_line_reads_back_what_was_written() {
        let surfaces = vec!["Ерлана Карина".to_string(), "Карин".to_string()];
        let line = MentionLine::write("PER", "Ерлан Карин", &surfaces);
        let read = MentionLine::read(&line).expect("a written line reads");
        assert_eq!(read.kind, "PER");
        assert_eq!(read.name, "Ерлан Карин");
        assert_eq!(read.surfaces, ["Ерлана Карина", "Карин"]);
        assert_eq!(MentionLine::read("PER"), None);
    }

    /// What a name or surface is stored as: unchanged when it holds no whitespace but plain
    /// spaces, else its words joined by single spaces.
    fn stored(s: &str) -> String {
        if s.chars().any(|c| c.is_whitespace() && c != ' ') {
            s.split_whitespace().collect::<Vec<_>>().join(" ")
        } else {
            s.to_string()
        }
    }

    /// Names as articles write them, tabs, line breaks and other whitespace included, and any
    /// text at all.
    fn written() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof!["[ЕКаеринрё \t\n\r\u{a0}\u{2028}-]{0,16}", any::<String>(),]
    }

    proptest::proptest! {
        /// Any line written reads back as its type, name and surfaces, each as stored.
        #[test]
        fn every_mention_line_reads_back(
            kind in proptest::sample::select(vec!["PER", "ORG", "LOC"]),
            name in written(),
            surfaces in proptest::collection::vec(written(), 0..5),
        ) {
            let line = MentionLine::write(kind, &name, &surfaces);
            proptest::prop_assert!(!line.contains(['\n', '\r']), "{line:?}");
            let read = MentionLine::read(&line).expect("a written line reads");
            proptest::prop_assert_eq!(read.kind, kind);
            proptest::prop_assert_eq!(read.name, stored(&name));
            let want: Vec<String> = surfaces.iter().map(|s| stored(s)).collect();
            proptest::prop_assert_eq!(read.surfaces, want);
        }
    }
}
