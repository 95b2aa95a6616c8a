//! A scale corpus from real text: paragraphs of real Russian news recombined into as many
//! articles as a benchmark needs, each with a date and a source, written as JSONL.
//!
//! Article `i` depends only on the seed, `i` and the paragraph pool, never on how many articles
//! are asked for, so a 10,000-article corpus is the first 10,000 articles of a million-article
//! one and any run can be repeated exactly.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{Days, NaiveDate};
use serde::Serialize;

/// Articles per JSONL file: small enough that no file nears the indexer's size limit, and
/// enough files that reading is spread out.
pub const PER_FILE: usize = 2_000;

/// Lines shorter than this are datelines, bylines and captions, not paragraphs.
const MIN_PARAGRAPH_CHARS: usize = 40;

/// Paragraphs per article, inclusive: about 8 paragraphs of ~200 characters gives articles of
/// the size of the source news (~3 KB).
const PARAGRAPHS: (u64, u64) = (4, 12);

/// ~30 outlets, as (name, host); the first ones publish more, as in a real archive.
const SOURCES: &[(&str, &str)] = &[
    ("Zakon.kz", "zakon.kz"),
    ("Tengrinews", "tengrinews.kz"),
    ("Kazinform", "inform.kz"),
    ("ТАСС", "tass.ru"),
    ("РИА Новости", "ria.ru"),
    ("Интерфакс", "interfax.ru"),
    ("Коммерсантъ", "kommersant.ru"),
    ("Ведомости", "vedomosti.ru"),
    ("РБК", "rbc.ru"),
    ("Известия", "iz.ru"),
    ("Российская газета", "rg.ru"),
    ("Лента.ру", "lenta.ru"),
    ("Газета.ру", "gazeta.ru"),
    ("Фонтанка", "fontanka.ru"),
    ("24.kz", "24.kz"),
    ("Хабар", "khabar.kz"),
    ("Курсив", "kursiv.media"),
    ("Vlast.kz", "vlast.kz"),
    ("Orda.kz", "orda.kz"),
    ("Inbusiness.kz", "inbusiness.kz"),
    ("Казахстанская правда", "kazpravda.kz"),
    ("Деловой Казахстан", "dknews.kz"),
    ("Капитал", "kapital.kz"),
    ("Sputnik Казахстан", "ru.sputnik.kz"),
    ("Азаттык", "rus.azattyq.org"),
    ("Новости-Узбекистан", "newsuz.example"),
    ("24.kg", "24.kg"),
    ("Кактус", "kaktus.media"),
    ("Белта", "belta.by"),
    ("Региональный вестник", "vestnik-region.example"),
];

/// First and last day an article may be dated.
fn date_range() -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(2010, 1, 1).unwrap_or_default(),
        NaiveDate::from_ymd_opt(2026, 12, 31).unwrap_or_default(),
    )
}

/// The text articles are recombined from.
#[derive(Debug, Default)]
pub struct Pool {
    /// Headlines to draw generated titles from.
    pub titles: Vec<String>,
    /// Paragraphs to draw generated bodies from.
    pub paragraphs: Vec<String>,
}

impl Pool {
    /// Every `*.jsonl` file of `dir` in the `../shared/data/ner` format (`title`, `text`).
    pub fn load(dir: &Path) -> anyhow::Result<Pool> {
        let mut pool = Pool::default();
        for (title, text) in source_articles(dir)? {
            pool.add(&title, &text);
        }
        if pool.titles.is_empty() || pool.paragraphs.is_empty() {
            anyhow::bail!(
                "no articles with a title and text in the .jsonl files of {}",
                dir.display()
            );
        }
        Ok(pool)
    }

    /// Adds one source article: its title, and its paragraphs long enough to be prose.
    pub fn add(&mut self, title: &str, text: &str) {
        let title = title.trim();
        if !title.is_empty() {
            self.titles.push(title.to_string());
        }
        self.paragraphs.extend(
            text.lines()
                .map(str::trim)
                .filter(|p| p.chars().count() >= MIN_PARAGRAPH_CHARS && *p != title)
                .map(str::to_string),
        );
    }
}

/// (title, text) of each article in the `*.jsonl` files of `dir`, in file name order: the
/// real news the benchmarks build on (the `../shared/data/ner` format).
pub fn source_articles(dir: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for file in &files {
        let reader = BufReader::new(
            File::open(file).with_context(|| format!("cannot open {}", file.display()))?,
        );
        for (n, line) in reader.lines().enumerate() {
            let line = line.with_context(|| format!("cannot read {}", file.display()))?;
            if line.trim().is_empty() {
                continue;
            }
            let value: serde_json::Value = serde_json::from_str(&line)
                .with_context(|| format!("{}:{}: invalid JSON", file.display(), n + 1))?;
            let field = |k: &str| {
                value
                    .get(k)
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_string()
            };
            out.push((field("title"), field("text")));
        }
    }
    Ok(out)
}

/// One generated article, in the JSONL shape vestnik and the peer scripts read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GeneratedArticle {
    /// Unique within the corpus, so that every generated article is indexed.
    pub id: String,
    /// The headline, drawn from the pool.
    pub title: String,
    /// `YYYY-MM-DD`, spread over the generated years so that date facets and sorts have work.
    pub date: String,
    /// One of a fixed set of outlets, so that source facets and filters have work.
    pub source: String,
    /// A made-up address, as real articles carry one.
    pub url: String,
    /// The body: paragraphs drawn from the pool.
    pub text: String,
}

/// SplitMix64: a few lines, fast, and fixed forever, so a seed gives the same corpus with any
/// version of any crate.
pub struct SplitMix(u64);

impl SplitMix {
    /// A generator starting from `seed`: the same seed gives the same sequence.
    pub fn new(seed: u64) -> SplitMix {
        SplitMix(seed)
    }

    /// The next number of the sequence.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`); the modulo bias is far below what a benchmark notices.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// Article number `i` (from 0) of the corpus for `seed`.
pub fn article(pool: &Pool, seed: u64, i: u64) -> GeneratedArticle {
    let mut rng = SplitMix(seed ^ i.wrapping_mul(0xD6E8_FEB8_6659_FD93));
    rng.next_u64();
    let title = &pool.titles[rng.below(pool.titles.len() as u64) as usize];
    let count = PARAGRAPHS.0 + rng.below(PARAGRAPHS.1 - PARAGRAPHS.0 + 1);
    let paragraphs: Vec<&str> = (0..count)
        .map(|_| pool.paragraphs[rng.below(pool.paragraphs.len() as u64) as usize].as_str())
        .collect();
    // Squaring a uniform draw favours the first outlets: a few publish most of an archive.
    let u = rng.below(1 << 20) as f64 / (1 << 20) as f64;
    let (source, host) = SOURCES[((u * u) * SOURCES.len() as f64) as usize];
    let (first, last) = date_range();
    let span = (last - first).num_days() as u64 + 1;
    let date = first
        .checked_add_days(Days::new(rng.below(span)))
        .unwrap_or(first);
    let id = format!("bench-{i:07}");
    GeneratedArticle {
        url: format!("https://{host}/news/{id}"),
        id,
        title: title.clone(),
        date: date.to_string(),
        source: source.to_string(),
        text: paragraphs.join("\n\n"),
    }
}

/// What [`write`] produced.
#[derive(Debug, Default, Serialize)]
pub struct Written {
    /// Articles written.
    pub articles: u64,
    /// JSONL files written.
    pub files: usize,
    /// Bytes of title and text, the "raw text" index sizes are compared with.
    pub text_bytes: u64,
    /// Bytes of the JSONL files, for comparing the index with its input.
    pub jsonl_bytes: u64,
}

/// Writes articles `0..docs` as `part-NNNNN.jsonl` files of [`PER_FILE`] articles into `out`,
/// which must be new or empty so that no older corpus is mixed in. `progress` is told the
/// number of articles written so far after each file.
pub fn write(
    pool: &Pool,
    seed: u64,
    docs: u64,
    out: &Path,
    progress: &mut dyn FnMut(u64),
) -> anyhow::Result<Written> {
    if out.exists() {
        let mut entries =
            std::fs::read_dir(out).with_context(|| format!("cannot read {}", out.display()))?;
        if entries.next().is_some() {
            anyhow::bail!(
                "{} is not empty; give a new folder for the corpus",
                out.display()
            );
        }
    }
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let mut done = Written::default();
    let mut start = 0;
    while start < docs {
        let end = (start + PER_FILE as u64).min(docs);
        let path = out.join(format!("part-{:05}.jsonl", done.files + 1));
        let file =
            File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
        let mut w = BufWriter::new(file);
        for i in start..end {
            let a = article(pool, seed, i);
            let line = serde_json::to_string(&a)?;
            w.write_all(line.as_bytes())
                .and_then(|_| w.write_all(b"\n"))
                .with_context(|| format!("cannot write {}", path.display()))?;
            done.text_bytes += (a.title.len() + a.text.len()) as u64;
            done.jsonl_bytes += line.len() as u64 + 1;
        }
        w.flush()
            .with_context(|| format!("cannot write {}", path.display()))?;
        done.files += 1;
        done.articles = end;
        progress(end);
        start = end;
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool() -> Pool {
        let mut p = Pool::default();
        for n in 0..20 {
            p.add(
                &format!("Заголовок номер {n}"),
                &format!(
                    "Заголовок номер {n}\n05/08/2008\nПервый абзац статьи {n} о работе правительства и парламента.\n\nВторой абзац статьи {n}: министр заявил журналистам о планах."
                ),
            );
        }
        p
    }

    #[test]
    fn pool_keeps_prose_and_drops_datelines_and_repeated_titles() {
        let p = pool();
        assert_eq!(p.titles.len(), 20);
        assert_eq!(p.paragraphs.len(), 40);
        assert!(
            p.paragraphs
                .iter()
                .all(|x| !x.starts_with("05/08") && !x.starts_with("Заголовок"))
        );
    }

    #[test]
    fn same_seed_same_article_whatever_the_corpus_size() {
        let p = pool();
        assert_eq!(article(&p, 7, 123), article(&p, 7, 123));
        assert_ne!(article(&p, 7, 123).text, article(&p, 8, 123).text);
        let dir = tempfile::tempdir().unwrap();
        let small = dir.path().join("small");
        let big = dir.path().join("big");
        write(&p, 7, 10, &small, &mut |_| {}).unwrap();
        write(&p, 7, 2_500, &big, &mut |_| {}).unwrap();
        let first = |d: &Path| {
            std::fs::read_to_string(d.join("part-00001.jsonl"))
                .unwrap()
                .lines()
                .take(10)
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        assert_eq!(first(&small), first(&big));
        assert!(big.join("part-00002.jsonl").exists());
        assert!(!big.join("part-00003.jsonl").exists());
    }

    #[test]
    fn articles_are_well_formed_and_spread_over_dates_and_sources() {
        let p = pool();
        let (first, last) = date_range();
        let mut years = std::collections::BTreeSet::new();
        let mut sources = std::collections::BTreeSet::new();
        for i in 0..3_000 {
            let a = article(&p, 1, i);
            let date: NaiveDate = a.date.parse().unwrap();
            assert!(first <= date && date <= last);
            years.insert(date.format("%Y").to_string());
            sources.insert(a.source.clone());
            let paragraphs = a.text.split("\n\n").count() as u64;
            assert!((PARAGRAPHS.0..=PARAGRAPHS.1).contains(&paragraphs));
            assert!(a.url.ends_with(&a.id));
        }
        assert_eq!(years.len(), 17);
        assert_eq!(sources.len(), SOURCES.len());
    }

    #[test]
    fn refuses_a_folder_that_holds_something() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("notes.txt"), "x").unwrap();
        let err = write(&pool(), 1, 5, dir.path(), &mut |_| {}).unwrap_err();
        assert!(err.to_string().contains("not empty"));
    }

    #[test]
    fn written_files_read_back_as_articles() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("c");
        let w = write(&pool(), 3, 25, &out, &mut |_| {}).unwrap();
        assert_eq!((w.articles, w.files), (25, 1));
        let found = crate::corpus::Found {
            path: out.join("part-00001.jsonl"),
            root: out.clone(),
        };
        let read = crate::corpus::read(&found, &crate::corpus::ReadOptions::default());
        assert_eq!(read.articles.len(), 25);
        assert!(read.skips.is_empty());
        let a = &read.articles[0];
        assert!(a.date.is_some() && a.source.is_some() && a.url.is_some());
        assert_eq!(a.inferred.names(), Vec::<&str>::new());
    }
}
