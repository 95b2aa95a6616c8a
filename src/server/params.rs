//! API query strings into requests, with a message naming the parameter at fault: the API
//! takes the command line's options under the same names.
//!
//! Parameters are checked by what was read: each endpoint's reader asks for the names it
//! understands, and [`Params::finish`] refuses whatever it did not ask for. A list of known
//! names kept beside the parsing code could drift from it (a documented parameter refused, an
//! ignored one accepted); this cannot.

use std::cell::RefCell;

use crate::dates::{self, Period};
use crate::entities::EntityType;
use clap::ValueEnum;

use crate::search::{CountBy, DateBucket, ExportFormat, FacetKind, SearchRequest, Sort};

/// Longest query text or filter value accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 1_000;
/// Most hits a page may ask for, and the deepest page.
pub const MAX_LIMIT: usize = 100;
/// The deepest page `offset` may ask for: past it, paging is the export's job.
pub const MAX_OFFSET: usize = 10_000;
/// Most values one repeatable parameter (`source`, `person`, `facet`, ...) may take: each is a
/// clause of the search, and no page or script needs more.
pub const MAX_VALUES: usize = 100;
/// Most `name=value` pairs a query string may hold.
pub const MAX_PAIRS: usize = 500;

/// The decoded `name=value` pairs of a query string, in order, and the names read so far.
pub struct Params {
    pairs: Vec<(String, String)>,
    read: RefCell<Vec<&'static str>>,
}

/// What `/api/related` asks: the entity, the articles it is counted over, how many of each
/// kind to list.
pub struct Related {
    /// Whether a person, an organization or a place.
    pub kind: EntityType,
    /// The name as typed.
    pub name: String,
    /// The search the co-occurrences are counted over (its query and filters).
    pub base: SearchRequest,
    /// How many entities of each kind to list.
    pub limit: usize,
}

/// What `/api/doc` asks: the article, and the query whose words the answer marks in it.
#[derive(Debug, PartialEq)]
pub struct DocRequest {
    /// The article's id.
    pub id: String,
    /// The query the article was opened from, whose words the answer marks.
    pub query: Option<String>,
}

/// What `/api/export` asks: the search, how to write it, and whether with the articles' text.
#[derive(Debug)]
pub struct Export {
    /// The search whose every match is exported.
    pub req: SearchRequest,
    /// CSV or JSON lines.
    pub format: ExportFormat,
    /// Whether each article's text is written too.
    pub with_body: bool,
}

impl Params {
    /// Decodes a query string (`+` is a space, `%XX` a byte). Bytes that do not make UTF-8 are
    /// an error rather than replacement characters: a query for "\u{FFFD}" is nobody's.
    pub fn parse(raw: Option<&str>) -> Result<Params, String> {
        let mut pairs = Vec::new();
        for piece in raw.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            if pairs.len() == MAX_PAIRS {
                return Err(format!(
                    "the query string has more than {MAX_PAIRS} parameters"
                ));
            }
            let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
            let name =
                decode(name).map_err(|_| "a parameter name is not valid UTF-8".to_string())?;
            let value =
                decode(value).map_err(|_| format!("{} is not valid UTF-8", shown(&name)))?;
            pairs.push((name, value));
        }
        Ok(Params {
            pairs,
            read: RefCell::new(Vec::new()),
        })
    }

    /// Fails on any parameter the endpoint did not read, so that a misspelt filter is not
    /// silently ignored; the message lists what the endpoint reads.
    pub fn finish(&self) -> Result<(), String> {
        let read = self.read.borrow();
        match self.pairs.iter().find(|(k, _)| !read.contains(&k.as_str())) {
            Some((k, _)) => Err(format!(
                "unknown parameter '{}' (this endpoint takes: {})",
                shown(k),
                read.join(", ")
            )),
            None => Ok(()),
        }
    }

    fn mark(&self, name: &'static str) {
        let mut read = self.read.borrow_mut();
        if !read.contains(&name) {
            read.push(name);
        }
    }

    /// Every non-blank value of a repeatable parameter, in order.
    pub fn all(&self, name: &'static str) -> Result<Vec<String>, String> {
        self.mark(name);
        let values: Vec<String> = self
            .pairs
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.clone())
            .collect();
        if values.len() > MAX_VALUES {
            return Err(format!("{name} is given more than {MAX_VALUES} times"));
        }
        Ok(values)
    }

    /// The last non-blank value of a parameter.
    pub fn one(&self, name: &'static str) -> Option<&str> {
        self.mark(name);
        self.pairs
            .iter()
            .rev()
            .find(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.as_str())
    }

    fn number(&self, name: &'static str, default: usize, max: usize) -> Result<usize, String> {
        match self.one(name) {
            None => Ok(default),
            Some(v) => match v.trim().parse::<usize>() {
                Ok(n) if n <= max => Ok(n),
                _ => Err(format!(
                    "{name} must be a whole number from 0 to {max}, not '{}'",
                    shown(v)
                )),
            },
        }
    }

    /// A date parameter, read as the command line reads `--from`/`--to`
    /// ([`crate::dates`]): a year, a month or a day.
    fn period(&self, name: &'static str) -> Result<Option<Period>, String> {
        self.one(name)
            .map(|v| dates::parse_period(v).map_err(|e| format!("{name}: {e}")))
            .transpose()
    }

    fn query(&self) -> Result<String, String> {
        let q = self.one("q").unwrap_or("*").to_string();
        if q.chars().count() > MAX_QUERY_CHARS {
            return Err(format!("q is longer than {MAX_QUERY_CHARS} characters"));
        }
        Ok(q)
    }

    fn limit(&self, default: usize) -> Result<usize, String> {
        self.number("limit", default, MAX_LIMIT)
    }

    fn bucket(&self, default: DateBucket) -> Result<DateBucket, String> {
        Ok(self.choice("by")?.unwrap_or(default))
    }

    /// A parameter that names one of `T`'s values, under the names the command line takes for
    /// it (clap's `ValueEnum`), so the two cannot read a word differently; `None` when absent.
    fn choice<T: ValueEnum>(&self, name: &'static str) -> Result<Option<T>, String> {
        self.one(name).map(|v| value_of(name, v, &[])).transpose()
    }

    /// A yes/no parameter: `true`/`1` or `false`/`0`, `default` when absent.
    fn flag(&self, name: &'static str, default: bool) -> Result<bool, String> {
        match self.one(name) {
            None => Ok(default),
            Some("true") | Some("1") => Ok(true),
            Some("false") | Some("0") => Ok(false),
            Some(v) => Err(format!("{name} must be true or false, not '{}'", shown(v))),
        }
    }

    /// Entity and source names, each no longer than a query.
    fn names(&self, name: &'static str) -> Result<Vec<String>, String> {
        let values = self.all(name)?;
        if values.iter().any(|v| v.chars().count() > MAX_QUERY_CHARS) {
            return Err(format!(
                "{name} is longer than {MAX_QUERY_CHARS} characters"
            ));
        }
        Ok(values)
    }

    /// The filters every endpoint shares: query text, sources, entities, dates.
    fn filtered(&self) -> Result<SearchRequest, String> {
        let mut req = SearchRequest::new(self.query()?);
        req.sources = self.names("source")?;
        for kind in EntityType::ALL {
            req.entities[kind] = self.names(kind.name())?;
        }
        // `from=2024` is from its first day, `to=2024` through its last.
        req.from = self.period("from")?.map(|p| p.first);
        req.to = self.period("to")?.map(|p| p.last);
        req.undated = self.flag("undated", false)?;
        // Every endpoint relaxes a query that finds nothing as search does, so every one can
        // be told not to.
        req.strict = self.flag("strict", false)?;
        Ok(req)
    }

    /// How the facets of a search are counted: `by`, `facet`, `facet_size`, `count`.
    fn counted(&self, req: &mut SearchRequest) -> Result<(), String> {
        req.date_bucket = self.bucket(DateBucket::Year)?;
        req.facet_size = self.number("facet_size", 10, MAX_LIMIT)?;
        req.count_groups = self.choice("count")? == Some(CountBy::Groups);
        let facets: Vec<String> = self
            .all("facet")?
            .iter()
            .flat_map(|v| v.split(',').map(|s| s.trim().to_string()))
            .collect();
        if !facets.is_empty() {
            req.facets = Vec::new();
            for f in facets {
                if f == "none" {
                    continue;
                }
                let kind: FacetKind = value_of("facet", &f, &["none"])?;
                if !req.facets.contains(&kind) {
                    req.facets.push(kind);
                }
            }
        }
        Ok(())
    }

    /// `/api/search`: the filters plus page, order, facets and grouping.
    pub fn search(&self) -> Result<SearchRequest, String> {
        let mut req = self.filtered()?;
        req.limit = self.limit(10)?;
        req.offset = self.number("offset", 0, MAX_OFFSET)?;
        req.sort = self.sort()?;
        req.group = self.flag("group", true)?;
        self.counted(&mut req)?;
        Ok(req)
    }

    /// `/api/facets`: the filters and how to count, no page.
    pub fn facets(&self) -> Result<SearchRequest, String> {
        let mut req = self.filtered()?;
        self.counted(&mut req)?;
        req.limit = 0;
        Ok(req)
    }

    /// `/api/entities`: the filters, `type` and `limit` (entities listed, default 20).
    pub fn entities(&self) -> Result<(SearchRequest, Option<EntityType>), String> {
        let mut req = self.filtered()?;
        req.facet_size = self.limit(20)?;
        let kind = self.choice("type")?;
        Ok((req, kind))
    }

    /// `/api/related`: exactly one of `person`, `org`, `loc`, the other filters and `limit`.
    pub fn related(&self) -> Result<Related, String> {
        let mut base = self.filtered()?;
        let given: Vec<(EntityType, String)> = EntityType::ALL
            .into_iter()
            .flat_map(|kind| {
                let names = std::mem::take(&mut base.entities[kind]);
                names.into_iter().map(move |n| (kind, n))
            })
            .collect();
        let (kind, name) = match <[_; 1]>::try_from(given) {
            Ok([one]) => one,
            Err(_) => return Err("give exactly one of person, org or loc".into()),
        };
        let limit = self.limit(10)?;
        Ok(Related {
            kind,
            name,
            base,
            limit,
        })
    }

    /// `/api/timeline`: the filters and `by` (default month).
    pub fn timeline(&self) -> Result<SearchRequest, String> {
        let mut req = self.filtered()?;
        req.date_bucket = self.bucket(DateBucket::Month)?;
        Ok(req)
    }

    /// `sort`: relevance (the default) or date.
    fn sort(&self) -> Result<Sort, String> {
        Ok(self.choice("sort")?.unwrap_or_default())
    }

    /// `/api/export`: the filters, `sort`, `group`, `format` (csv or jsonl, default csv) and
    /// `with_body` (default: true for jsonl, false for csv, whose cells spreadsheet programs
    /// cut at 32,767 characters). No `limit`: an export is every match.
    pub fn export(&self) -> Result<Export, String> {
        let mut req = self.filtered()?;
        req.sort = self.sort()?;
        req.group = self.flag("group", true)?;
        req.facets = Vec::new();
        let format = self.choice("format")?.unwrap_or(ExportFormat::Csv);
        let with_body = self.flag("with_body", format == ExportFormat::Jsonl)?;
        Ok(Export {
            req,
            format,
            with_body,
        })
    }

    /// `/api/doc`: the document's `id`.
    pub fn doc(&self) -> Result<DocRequest, String> {
        let id = self
            .one("id")
            .ok_or_else(|| "give the document's id".to_string())?;
        if id.len() > MAX_QUERY_CHARS {
            return Err("id is too long".into());
        }
        let query = match self.one("q") {
            Some(q) if q.chars().count() > MAX_QUERY_CHARS => {
                return Err(format!("q is longer than {MAX_QUERY_CHARS} characters"));
            }
            q => q.map(str::to_string),
        };
        Ok(DocRequest {
            id: id.to_string(),
            query,
        })
    }
}

/// `value` read as one of `T`'s values (or of `extra`, which the caller handles), or a message
/// naming the parameter and every value it takes: "sort must be relevance or date, not 'x'".
fn value_of<T: ValueEnum>(name: &str, value: &str, extra: &[&str]) -> Result<T, String> {
    if let Ok(v) = T::from_str(value, false) {
        return Ok(v);
    }
    let mut names: Vec<String> = T::value_variants()
        .iter()
        .filter_map(|v| v.to_possible_value())
        .map(|p| p.get_name().to_string())
        .collect();
    names.extend(extra.iter().map(|e| e.to_string()));
    let listed = match names.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    };
    Err(format!("{name} must be {listed}, not '{}'", shown(value)))
}

/// One component of a query string, decoded.
fn decode(component: &str) -> Result<String, std::string::FromUtf8Error> {
    let spaced = component.replace('+', " ");
    String::from_utf8(percent_encoding::percent_decode_str(&spaced).collect())
}

/// A value as an error message quotes it: cut short, so a megabyte of junk is not echoed, and
/// with control characters escaped, so the message stays one line.
fn shown(value: &str) -> String {
    crate::quote::quoted(value, 60)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn read<T>(q: &str, f: impl FnOnce(&Params) -> Result<T, String>) -> Result<T, String> {
        let p = Params::parse(Some(q))?;
        let value = f(&p)?;
        p.finish()?;
        Ok(value)
    }

    #[test]
    fn requests_take_the_command_line_options() {
        let r = read(
            "q=%D0%BF%D1%80%D0%B0%D0%B2%D0%B0&person=Karin&source=Zakon.kz&source=Tengrinews&from=2024-01-01&sort=date&limit=5&facet=source,date&group=false",
            Params::search,
        )
        .unwrap();
        assert_eq!(r.query, "права");
        assert_eq!(r.entities.person, ["Karin"]);
        assert_eq!(r.sources, ["Zakon.kz", "Tengrinews"]);
        assert_eq!(r.from, NaiveDate::from_ymd_opt(2024, 1, 1));
        assert_eq!((r.sort, r.limit, r.group), (Sort::Date, 5, false));
        assert_eq!(r.facets, [FacetKind::Source, FacetKind::Date]);
        assert!(!r.undated);
        assert!(read("undated=1", Params::search).unwrap().undated);
        assert_eq!(read("", Params::search).unwrap().query, "*");
        assert_eq!(read("q=a+b", Params::search).unwrap().query, "a b");
    }

    /// Every parameter the README's API table lists, with a valid value, on its endpoint.
    #[test]
    fn every_documented_parameter_is_read() {
        let filters = "q=x&source=s&person=p&org=o&loc=l&from=2020-01-01&to=2021-01-01&undated=0";
        let search = format!(
            "{filters}&sort=date&limit=5&offset=5&by=month&facet=source&facet_size=3&group=false&count=groups&strict=true"
        );
        let r = read(&search, Params::search).unwrap();
        assert!(r.count_groups && r.offset == 5 && r.facet_size == 3 && r.strict);
        assert!(!read("q=x", Params::search).unwrap().strict);
        assert!(read("strict=maybe", Params::search).is_err());
        let facets = format!("{filters}&by=day&facet=date&facet_size=3&count=groups&strict=1");
        let f = read(&facets, Params::facets).unwrap();
        assert!(f.count_groups && f.strict);
        let entities = format!("{filters}&type=org&limit=7");
        assert_eq!(
            read(&entities, Params::entities).unwrap().1,
            Some(EntityType::Org)
        );
        let related = "q=x&source=s&org=o&from=2020-01-01&to=2021-01-01&undated=0&limit=4";
        let r = read(related, Params::related).unwrap();
        assert_eq!(
            (r.kind, r.name.as_str(), r.limit),
            (EntityType::Org, "o", 4)
        );
        assert!(r.base.entities.org.is_empty());
        let timeline = format!("{filters}&by=year");
        assert_eq!(
            read(&timeline, Params::timeline).unwrap().date_bucket,
            DateBucket::Year
        );
        assert_eq!(read("id=a%2Fb.txt", Params::doc).unwrap().id, "a/b.txt");
        let asked = read("id=x&q=%D1%88%D0%BA%D0%BE%D0%BB%D0%B0", Params::doc).unwrap();
        assert_eq!(asked.query.as_deref(), Some("школа"));
        let export = format!("{filters}&sort=date&group=false&format=jsonl&with_body=0");
        let e = read(&export, Params::export).unwrap();
        assert_eq!(
            (e.format, e.with_body, e.req.group),
            (ExportFormat::Jsonl, false, false)
        );
        assert!(read("format=jsonl", Params::export).unwrap().with_body);
        assert!(!read("", Params::export).unwrap().with_body);
        assert!(read("limit=5", Params::export).is_err());
        assert!(
            read("format=xls", Params::export)
                .unwrap_err()
                .contains("format")
        );
    }

    /// The API reads every value the command line takes for the same option, as the same
    /// value: both go through the type's `ValueEnum`, and a wrong one is named with the list.
    #[test]
    fn choices_are_the_command_lines() {
        fn each<T: ValueEnum + PartialEq + std::fmt::Debug>(
            name: &str,
            read_one: impl Fn(&Params) -> Result<T, String>,
        ) {
            for v in T::value_variants() {
                let word = v.to_possible_value().unwrap().get_name().to_string();
                let p = Params::parse(Some(&format!("{name}={word}"))).unwrap();
                assert_eq!(&read_one(&p).unwrap(), v, "{name}={word}");
            }
            let p = Params::parse(Some(&format!("{name}=zzz"))).unwrap();
            let err = read_one(&p).unwrap_err();
            assert!(err.starts_with(&format!("{name} must be ")), "{err}");
            assert!(err.ends_with(" not 'zzz'"), "{err}");
        }
        each("sort", |p| p.search().map(|r| r.sort));
        each("by", |p| p.search().map(|r| r.date_bucket));
        each("count", |p| {
            p.search().map(|r| {
                if r.count_groups {
                    CountBy::Groups
                } else {
                    CountBy::Articles
                }
            })
        });
        each("facet", |p| {
            p.search().map(|r| match r.facets.as_slice() {
                [one] => *one,
                other => panic!("{other:?}"),
            })
        });
        each("type", |p| p.entities().map(|(_, k)| k.unwrap()));
        each("format", |p| p.export().map(|e| e.format));
    }

    #[test]
    fn an_endpoint_refuses_what_it_does_not_read() {
        let err = read("limit=5", Params::facets).unwrap_err();
        assert!(err.contains("unknown parameter 'limit'"), "{err}");
        assert!(err.contains("count") && err.contains("facet_size"), "{err}");
        assert!(read("count=groups", Params::timeline).is_err());
        assert!(read("id=x&qq=1", Params::doc).unwrap_err().contains("'qq'"));
        assert!(read("sort=date", Params::entities).is_err());
    }

    #[test]
    fn bad_values_name_the_parameter() {
        let err = |q: &str| read(q, Params::search).unwrap_err();
        assert!(err("limit=1000").contains("limit"));
        assert!(err("limit=-1").contains("limit"));
        assert!(err("offset=18446744073709551616").contains("offset"));
        assert!(err("from=yesterday").contains("from"));
        assert!(err("sort=random").contains("sort"));
        assert!(err("facet=colour").contains("facet"));
        assert!(err("count=words").contains("count"));
        assert!(err("undated=maybe").contains("undated"));
        assert!(err(&format!("q={}", "а".repeat(1001))).contains("longer"));
        assert!(err(&format!("person={}", "а".repeat(1001))).contains("person"));
        assert!(err("q=%FF").contains("UTF-8"));
        assert!(err("%FF=1").contains("UTF-8"));
        assert!(err(&"source=a&".repeat(MAX_VALUES + 1)).contains("source"));
        assert!(err(&"x&".repeat(MAX_PAIRS + 1)).contains("parameters"));
        assert!(err(&format!("sort={}", "z".repeat(10_000))).len() < 200);
        assert!(!err("sort=a%0Ab").contains('\n') && err("sort=a%0Ab").contains("a\\nb"));
        assert!(read("person=a&org=b", Params::related).is_err());
        assert!(read("person=a&person=b", Params::related).is_err());
        assert!(read("q=x", Params::related).is_err());
    }

    /// `from` and `to` take what `--from` and `--to` take: a year or a month is its first day
    /// as `from` and its last as `to`; anything else is refused by name.
    #[test]
    fn dates_are_years_months_or_days() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        let r = read("from=2024&to=2024-02", Params::search).unwrap();
        assert_eq!((r.from, r.to), (day(2024, 1, 1), day(2024, 2, 29)));
        let r = read("from=17.05.2024&to=2025", Params::timeline).unwrap();
        assert_eq!((r.from, r.to), (day(2024, 5, 17), day(2025, 12, 31)));
        for bad in [
            "from=2024-05-1799",
            "to=32.01.2024",
            "from=%D0%B2%D1%87%D0%B5%D1%80%D0%B0",
        ] {
            let err = read(bad, Params::search).unwrap_err();
            let name = bad.split('=').next().unwrap();
            assert!(
                err.starts_with(&format!("{name}: invalid date '"))
                    && err.ends_with("(use YYYY, YYYY-MM, YYYY-MM-DD or DD.MM.YYYY)"),
                "{bad}: {err}"
            );
        }
    }

    /// An endpoint's reader, its answer dropped.
    type Reader = fn(&Params) -> Result<(), String>;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]

        /// What the fuzz target (`fuzz/fuzz_targets/params.rs`) checks at length, briefly in
        /// every test run: any query string is read or refused in one line, never a panic.
        #[test]
        fn any_query_string_is_read_or_refused(
            raw in "((q|source|person|org|loc|from|to|undated|sort|limit|offset|by|facet|facet_size|group|count|type|id|format|with_body|x|%[0-9A-F]{2}|[^&=]{0,8})=?([^&]{0,12}|%[0-9A-Fa-f]{2}|[0-9]{1,25})&?){0,12}"
        ) {
            let readers: [Reader; 7] = [
                |p| p.search().map(drop),
                |p| p.facets().map(drop),
                |p| p.entities().map(drop),
                |p| p.related().map(drop),
                |p| p.timeline().map(drop),
                |p| p.doc().map(drop),
                |p| p.export().map(drop),
            ];
            for reader in readers {
                if let Err(e) = read(&raw, reader) {
                    proptest::prop_assert!(!e.is_empty() && !e.contains('\n'), "{e:?}");
                }
            }
        }
    }
}
