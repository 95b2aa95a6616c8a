//! Dates people type: `--from 2024-05`, the API's `to=2024`, `date:2024-05-17` in a query.
//!
//! One strict reader for all of them, kept apart from the metadata reader in `corpus`, which
//! looks for a date anywhere in what a file says ("Дата: 17.05.2024, 12:00") and so takes
//! `2024-05-1799` for 17 May and "не позже 01.01.2024 года" for 1 January. A person's date is
//! the whole value or a mistake to tell them about: a filter that quietly meant something else
//! would answer another question than the one asked.
//!
//! A value is a span of days: a year (`2024`), a month (`2024-05`) or a day (`2024-05-17`,
//! or `17.05.2024` as dates are written in Russian). A range starts on its first day and ends
//! on its last, so `--from 2024` is from 1 January and `--to 2024-02` through 29 February.

use chrono::NaiveDate;

/// The forms a date may take, as messages and help texts list them.
pub const FORMS: &str = "YYYY, YYYY-MM, YYYY-MM-DD or DD.MM.YYYY";

/// The days a date stands for, both ends inclusive: one day, a month or a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// The period's first day (a month's 1st, a year's 1 January).
    pub first: NaiveDate,
    /// Its last day, included.
    pub last: NaiveDate,
}

/// A value that is not a date in any accepted form, and what is wrong with it: "invalid date
/// '2024-13': there is no month 13 (use YYYY, YYYY-MM, YYYY-MM-DD or DD.MM.YYYY)".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError {
    value: String,
    reason: Option<String>,
}

impl std::fmt::Display for DateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid date '{}'", self.value())?;
        if let Some(reason) = &self.reason {
            write!(f, ": {reason}")?;
        }
        write!(f, " (use {FORMS})")
    }
}

impl std::error::Error for DateError {}

impl DateError {
    fn shape(value: &str) -> DateError {
        DateError {
            value: value.to_string(),
            reason: None,
        }
    }

    fn because(value: &str, reason: String) -> DateError {
        DateError {
            value: value.to_string(),
            reason: Some(reason),
        }
    }

    /// The value as typed, cut short and on one line, for quoting in a message.
    pub fn value(&self) -> String {
        shown(&self.value)
    }

    /// What is wrong beyond the value's shape ("there is no month 13"), if anything.
    pub fn reason(&self) -> Option<&str> {
        self.reason.as_deref()
    }
}

/// Reads a date a person typed: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (months and days with one
/// or two digits), or `DD.MM.YYYY`; spaces around it are ignored, nothing else is.
pub fn parse_period(text: &str) -> Result<Period, DateError> {
    let s = text.trim();
    let shape = || DateError::shape(text);
    if s.contains('.') {
        let [d, m, y] = three(s, '.').ok_or_else(shape)?;
        let (d, m, y) = (digits(d, 1, 2), digits(m, 1, 2), year(y));
        let (Some(d), Some(m), Some(y)) = (d, m, y) else {
            return Err(shape());
        };
        return day(text, y, m, d);
    }
    let mut parts = s.split('-');
    let y = parts.next().and_then(year).ok_or_else(shape)?;
    let m = match parts.next() {
        None => return year_period(text, y),
        Some(m) => digits(m, 1, 2).ok_or_else(shape)?,
    };
    let d = match parts.next() {
        None => return month_period(text, y, m),
        Some(d) => digits(d, 1, 2).ok_or_else(shape)?,
    };
    if parts.next().is_some() {
        return Err(shape());
    }
    day(text, y, m, d)
}

/// `a.b.c` as its three parts; `None` for any other number of parts.
fn three(s: &str, sep: char) -> Option<[&str; 3]> {
    let mut parts = s.split(sep);
    let out = [parts.next()?, parts.next()?, parts.next()?];
    parts.next().is_none().then_some(out)
}

/// A number written with `min` to `max` ASCII digits and nothing else (no sign, no spaces).
fn digits(s: &str, min: usize, max: usize) -> Option<u32> {
    if !(min..=max).contains(&s.len()) || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// A year: exactly four digits.
fn year(s: &str) -> Option<i32> {
    digits(s, 4, 4).and_then(|y| i32::try_from(y).ok())
}

fn year_period(text: &str, y: i32) -> Result<Period, DateError> {
    match (
        NaiveDate::from_ymd_opt(y, 1, 1),
        NaiveDate::from_ymd_opt(y, 12, 31),
    ) {
        (Some(first), Some(last)) => Ok(Period { first, last }),
        _ => Err(DateError::shape(text)),
    }
}

fn month_period(text: &str, y: i32, m: u32) -> Result<Period, DateError> {
    let no_month = || DateError::because(text, format!("there is no month {m}"));
    let first = NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(no_month)?;
    let next = if m == 12 {
        NaiveDate::from_ymd_opt(y + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(y, m + 1, 1)
    };
    let last = next.and_then(|n| n.pred_opt()).ok_or_else(no_month)?;
    Ok(Period { first, last })
}

fn day(text: &str, y: i32, m: u32, d: u32) -> Result<Period, DateError> {
    let month = month_period(text, y, m)?;
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(day) => Ok(Period {
            first: day,
            last: day,
        }),
        None => Err(DateError::because(
            text,
            format!("{} has no day {d}", month.first.format("%Y-%m")),
        )),
    }
}

/// A value as a message quotes it: cut short, so a pasted paragraph is not echoed back, and
/// with control characters escaped, so the message stays one line.
fn shown(value: &str) -> String {
    crate::quote::quoted(value, 40)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn period(s: &str) -> (NaiveDate, NaiveDate) {
        let p = parse_period(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        (p.first, p.last)
    }

    #[test]
    fn a_year_a_month_or_a_day() {
        assert_eq!(period("2024"), (ymd(2024, 1, 1), ymd(2024, 12, 31)));
        assert_eq!(period("2024-05"), (ymd(2024, 5, 1), ymd(2024, 5, 31)));
        assert_eq!(period("2024-5"), (ymd(2024, 5, 1), ymd(2024, 5, 31)));
        assert_eq!(period("2024-12"), (ymd(2024, 12, 1), ymd(2024, 12, 31)));
        assert_eq!(period("2024-05-17"), (ymd(2024, 5, 17), ymd(2024, 5, 17)));
        assert_eq!(period(" 2024-05-17 "), (ymd(2024, 5, 17), ymd(2024, 5, 17)));
        assert_eq!(period("17.05.2024"), (ymd(2024, 5, 17), ymd(2024, 5, 17)));
        assert_eq!(period("7.5.2024"), (ymd(2024, 5, 7), ymd(2024, 5, 7)));
    }

    #[test]
    fn february_ends_on_its_last_day() {
        assert_eq!(period("2024-02").1, ymd(2024, 2, 29));
        assert_eq!(period("2023-02").1, ymd(2023, 2, 28));
        assert_eq!(period("2000-02").1, ymd(2000, 2, 29));
        assert_eq!(period("1900-02").1, ymd(1900, 2, 28));
        assert_eq!(period("29.02.2024").0, ymd(2024, 2, 29));
    }

    #[test]
    fn anything_else_is_refused() {
        for bad in [
            "",
            " ",
            "2024-05-1799",
            "2024-05-17T10:00",
            "2024-05-17 10:00",
            "2024-05-",
            "2024--05",
            "-2024",
            "+2024",
            "24",
            "20245",
            "2024/05/17",
            "32.01.2024",
            "17.05.24",
            "17.05",
            "17.05.2024.",
            "17 мая 2024",
            "не позже 01.01.2024 года",
            "вчера",
            "2024-00",
            "2024-13",
            "2024-02-30",
            "2023-02-29",
            "2024-05-00",
            "２０２４",
        ] {
            assert!(parse_period(bad).is_err(), "{bad:?} was taken for a date");
        }
    }

    #[test]
    fn the_error_names_the_value_the_fault_and_the_forms() {
        let msg = |s: &str| parse_period(s).unwrap_err().to_string();
        assert_eq!(
            msg("2024-05-1799"),
            "invalid date '2024-05-1799' (use YYYY, YYYY-MM, YYYY-MM-DD or DD.MM.YYYY)"
        );
        assert_eq!(
            msg("2024-13"),
            "invalid date '2024-13': there is no month 13 (use YYYY, YYYY-MM, YYYY-MM-DD or DD.MM.YYYY)"
        );
        assert!(msg("32.01.2024").contains("2024-01 has no day 32"));
        assert!(msg("2023-02-29").contains("2023-02 has no day 29"));
        let long = msg(&format!("2024\n{}", "x".repeat(500)));
        assert!(!long.contains('\n') && long.contains("2024\\n") && long.len() < 200);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// Whatever is typed is a span of days or a mistake told in one line, never a panic.
        #[test]
        fn any_text_is_a_period_or_one_line(text in "\\PC{0,24}|[0-9.\\- ]{0,12}|\n?[0-9]{1,5}") {
            match parse_period(&text) {
                Ok(p) => proptest::prop_assert!(p.first <= p.last),
                Err(e) => proptest::prop_assert!(!e.to_string().contains('\n'), "{e}"),
            }
        }

        /// Every day of four-digit years reads back as itself in both written forms, and its
        /// month and year contain it.
        #[test]
        fn every_day_reads_back(days in 0i64..3_000_000) {
            let day = ymd(1000, 1, 1) + chrono::Duration::days(days);
            proptest::prop_assume!(day.format("%Y").to_string().len() == 4);
            for form in ["%Y-%m-%d", "%d.%m.%Y"] {
                let p = parse_period(&day.format(form).to_string()).unwrap();
                proptest::prop_assert_eq!((p.first, p.last), (day, day));
            }
            let month = parse_period(&day.format("%Y-%m").to_string()).unwrap();
            let year = parse_period(&day.format("%Y").to_string()).unwrap();
            proptest::prop_assert!(month.first <= day && day <= month.last);
            proptest::prop_assert!(year.first <= month.first && month.last <= year.last);
        }
    }
}
