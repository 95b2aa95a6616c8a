//! API query strings into requests, with a message naming the parameter at fault: the API
//! takes the command line's options under the same names.

use chrono::NaiveDate;

use crate::entities::EntityType;
use crate::search::{DateBucket, FacetKind, SearchRequest, Sort};

/// Longest query text accepted, in characters.
const MAX_QUERY_CHARS: usize = 1_000;
/// Most hits a page may ask for, and the deepest page.
const MAX_LIMIT: usize = 100;
const MAX_OFFSET: usize = 10_000;

/// The decoded `name=value` pairs of a query string, in order.
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn parse(raw: Option<&str>) -> Params {
        Params(
            form_urlencoded::parse(raw.unwrap_or("").as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// Fails on any parameter not in `known`, so that a misspelt filter is not silently
    /// ignored.
    pub fn only(&self, known: &[&str]) -> Result<(), String> {
        match self.0.iter().find(|(k, _)| !known.contains(&k.as_str())) {
            Some((k, _)) => Err(format!(
                "unknown parameter '{k}' (this endpoint takes: {})",
                known.join(", ")
            )),
            None => Ok(()),
        }
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.trim().is_empty())
            .collect()
    }

    pub fn one(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.as_str())
    }

    fn number(&self, name: &str, default: usize, max: usize) -> Result<usize, String> {
        match self.one(name) {
            None => Ok(default),
            Some(v) => match v.trim().parse::<usize>() {
                Ok(n) if n <= max => Ok(n),
                _ => Err(format!(
                    "{name} must be a whole number from 0 to {max}, not '{v}'"
                )),
            },
        }
    }

    fn day(&self, name: &str) -> Result<Option<NaiveDate>, String> {
        self.one(name)
            .map(|v| {
                crate::corpus::infer::parse_date(v)
                    .ok_or_else(|| format!("{name} must be a date (YYYY-MM-DD), not '{v}'"))
            })
            .transpose()
    }

    pub fn query(&self) -> Result<String, String> {
        let q = self.one("q").unwrap_or("*").to_string();
        if q.chars().count() > MAX_QUERY_CHARS {
            return Err(format!("q is longer than {MAX_QUERY_CHARS} characters"));
        }
        Ok(q)
    }

    pub fn limit(&self, default: usize) -> Result<usize, String> {
        self.number("limit", default, MAX_LIMIT)
    }

    pub fn bucket(&self, default: DateBucket) -> Result<DateBucket, String> {
        match self.one("by") {
            None => Ok(default),
            Some("year") => Ok(DateBucket::Year),
            Some("month") => Ok(DateBucket::Month),
            Some("day") => Ok(DateBucket::Day),
            Some(v) => Err(format!("by must be year, month or day, not '{v}'")),
        }
    }

    /// The filters every endpoint shares: query text, sources, entities, dates.
    pub fn filtered(&self) -> Result<SearchRequest, String> {
        for name in ["source", "person", "org", "loc"] {
            if self
                .all(name)
                .iter()
                .any(|v| v.chars().count() > MAX_QUERY_CHARS)
            {
                return Err(format!(
                    "{name} is longer than {MAX_QUERY_CHARS} characters"
                ));
            }
        }
        let mut req = SearchRequest::new(self.query()?);
        req.sources = self.all("source");
        req.persons = self.all("person");
        req.orgs = self.all("org");
        req.locs = self.all("loc");
        req.from = self.day("from")?;
        req.to = self.day("to")?;
        req.undated = self.flag("undated", false)?;
        Ok(req)
    }

    /// A yes/no parameter: `true`/`1` or `false`/`0`, `default` when absent.
    fn flag(&self, name: &str, default: bool) -> Result<bool, String> {
        match self.one(name) {
            None => Ok(default),
            Some("true") | Some("1") => Ok(true),
            Some("false") | Some("0") => Ok(false),
            Some(v) => Err(format!("{name} must be true or false, not '{v}'")),
        }
    }

    /// `/api/search`: the filters plus page, order, facets and grouping.
    pub fn search(&self) -> Result<SearchRequest, String> {
        let mut req = self.filtered()?;
        req.limit = self.limit(10)?;
        req.offset = self.number("offset", 0, MAX_OFFSET)?;
        req.facet_size = self.number("facet_size", 10, MAX_LIMIT)?;
        req.date_bucket = self.bucket(DateBucket::Year)?;
        req.sort = match self.one("sort") {
            None | Some("relevance") => Sort::Relevance,
            Some("date") => Sort::Date,
            Some(v) => return Err(format!("sort must be relevance or date, not '{v}'")),
        };
        req.count_groups = match self.one("count") {
            None | Some("articles") => false,
            Some("groups") => true,
            Some(v) => return Err(format!("count must be articles or groups, not '{v}'")),
        };
        req.group = self.flag("group", true)?;
        let facets: Vec<String> = self
            .all("facet")
            .iter()
            .flat_map(|v| v.split(',').map(|s| s.trim().to_string()))
            .collect();
        if !facets.is_empty() {
            req.facets = Vec::new();
            for f in facets {
                let kind = match f.as_str() {
                    "none" => continue,
                    "source" => FacetKind::Source,
                    "date" => FacetKind::Date,
                    "person" => FacetKind::Person,
                    "org" => FacetKind::Org,
                    "loc" => FacetKind::Loc,
                    other => {
                        return Err(format!(
                            "facet must be source, date, person, org, loc or none, not '{other}'"
                        ));
                    }
                };
                req.facets.push(kind);
            }
        }
        Ok(req)
    }

    /// The entity a `/api/related` request is about.
    pub fn entity(&self) -> Result<(EntityType, String), String> {
        let given: Vec<(EntityType, &str)> = [
            (EntityType::Per, "person"),
            (EntityType::Org, "org"),
            (EntityType::Loc, "loc"),
        ]
        .into_iter()
        .filter_map(|(k, n)| self.one(n).map(|v| (k, v)))
        .collect();
        match given.as_slice() {
            [(kind, name)] => Ok((*kind, name.to_string())),
            _ => Err("give exactly one of person, org or loc".into()),
        }
    }

    pub fn kind(&self) -> Result<Option<EntityType>, String> {
        match self.one("type") {
            None => Ok(None),
            Some("person") => Ok(Some(EntityType::Per)),
            Some("org") => Ok(Some(EntityType::Org)),
            Some("loc") => Ok(Some(EntityType::Loc)),
            Some(v) => Err(format!("type must be person, org or loc, not '{v}'")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_take_the_command_line_options() {
        let p = Params::parse(Some(
            "q=%D0%BF%D1%80%D0%B0%D0%B2%D0%B0&person=Karin&source=Zakon.kz&source=Tengrinews&from=2024-01-01&sort=date&limit=5&facet=source,date&group=false",
        ));
        let r = p.search().unwrap();
        assert_eq!(r.query, "права");
        assert_eq!(r.persons, ["Karin"]);
        assert_eq!(r.sources, ["Zakon.kz", "Tengrinews"]);
        assert_eq!(r.from, NaiveDate::from_ymd_opt(2024, 1, 1));
        assert_eq!((r.sort, r.limit, r.group), (Sort::Date, 5, false));
        assert_eq!(r.facets, [FacetKind::Source, FacetKind::Date]);
        assert!(!r.undated);
        assert!(Params::parse(Some("undated=1")).search().unwrap().undated);
        assert_eq!(Params::parse(None).search().unwrap().query, "*");
    }

    #[test]
    fn bad_values_name_the_parameter() {
        let err = |q: &str| Params::parse(Some(q)).search().unwrap_err();
        assert!(err("limit=1000").contains("limit"));
        assert!(err("limit=-1").contains("limit"));
        assert!(err("from=yesterday").contains("from"));
        assert!(err("sort=random").contains("sort"));
        assert!(err("facet=colour").contains("facet"));
        assert!(err("undated=maybe").contains("undated"));
        assert!(err(&format!("q={}", "а".repeat(1001))).contains("longer"));
        assert!(err(&format!("person={}", "а".repeat(1001))).contains("person"));
        assert!(
            Params::parse(Some("qq=1"))
                .only(&["q"])
                .unwrap_err()
                .contains("'qq'")
        );
        assert!(Params::parse(Some("person=a&org=b")).entity().is_err());
    }
}
