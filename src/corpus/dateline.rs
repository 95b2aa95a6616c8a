//! The publication date an article's text states, when it states one.
//!
//! A news text is full of dates: of the event it reports, of the events behind it ("родился
//! 27 августа 1953 года", "к 75-летию встречи на Эльбе 25 апреля 1945 года"), of plans. Only
//! a few ways of writing a date present it as the date of the article itself, and only those
//! are read here; any other date is left alone, because a wrong date is worse than none (it
//! files the article under the wrong year, where nobody looks for it):
//!
//! - a dateline opening the text: "Аральск, 12 марта 2021 года. ...", "АСТАНА — 17.05.2024 —
//!   ...", or a lead that opens with its date, "29 декабря 2017 года на северо-западе Москвы
//!   ...";
//! - a date line at the top or the bottom: "17.05.2024 12:30", "Дата публикации: 17 мая 2024",
//!   "Пресс-служба, 17.05.2024" (a date written out in words alone on a line at the top is a
//!   photo caption as often as a date line, so there only numeric dates, times and labelled
//!   dates count);
//! - "сегодня", "вчера" or "завтра" with the date they stand for: "Вчера, 16 мая 2024 года";
//! - a weekday with its date in the lead: "в понедельник, 17 мая 2021 года". The weekday must
//!   agree with the date. Without a year ("в понедельник, 17 мая") the year is taken from the
//!   dates the text writes, and only when exactly one of their years puts that day on that
//!   weekday; otherwise there is no date.

use std::sync::LazyLock;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use regex::{Captures, Regex};

/// Genitive month names, as dates write them ("17 мая").
pub(super) const MONTHS: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];

/// Lines read as the top of a text: its date line, captions and lead come first.
const TOP_LINES: usize = 6;
/// A line of at least this many words is prose: the lead, where the top ends.
const PROSE_WORDS: usize = 8;
/// Paragraphs after the top that still count as the lead for weekdays and "сегодня".
const LEAD_EXTRA_LINES: usize = 2;
/// Longest line read as a date line at the bottom.
const MAX_DATE_LINE_CHARS: usize = 80;

/// How the text presented the date it was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presented {
    /// A dateline, or a lead opening with its date.
    Dateline,
    /// A line holding only a date (and a place, a label or a time), at the top or the bottom.
    DateLine,
    /// "сегодня", "вчера", "завтра" with a date.
    Relative,
    /// A weekday with its date.
    Weekday,
}

/// A publication date read from a text, and how the text stated it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stated {
    /// The day the text says it was published.
    pub date: NaiveDate,
    /// How the text wrote it, which decides how far it can be trusted.
    pub how: Presented,
}

/// One date: "17 мая 2024" (year optional), "17.05.2024" or "2024-05-17", with "года", "г."
/// and a time after it.
fn date_pattern() -> String {
    format!(
        r"(?:(?P<d>\d{{1,2}})\s+(?P<m>(?i:{months}))(?:\s+(?P<y>\d{{4}}))?|(?P<dd>\d{{1,2}})\.(?P<mm>\d{{1,2}})\.(?P<yy>\d{{4}})|(?P<iy>\d{{4}})-(?P<im>\d{{2}})-(?P<id>\d{{2}}))(?:\s*(?i:года|г\.|г\b))?(?P<time>\s*,?\s*(?:в\s+)?\d{{1,2}}:\d{{2}})?",
        months = MONTHS.join("|")
    )
}

/// A place or a label before a date: "Аральск,", "НУР-СУЛТАН.", "Москва —", "Дата публикации:".
const BEFORE: &str = r"(?:(?P<place>\p{Lu}[\w-]*(?:[ -]\p{Lu}[\w-]*){0,2})\s*[,.—–-]\s*|(?P<label>(?i:дата(?:\s+публикации)?|опубликовано|обновлено|размещено))\s*:?\s*)?";

const WEEKDAYS: &str =
    "понедельник|вторник|среду|среда|четверг|пятницу|пятница|субботу|суббота|воскресенье";

/// A date at the very start of a line, with what precedes it and what follows.
static LINE_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"^{BEFORE}{}(?P<rest>.*)$", date_pattern())).expect("valid regex")
});
static RELATIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i:\b(?P<rel>сегодня|вчера|позавчера|завтра))\s*,?\s*(?:(?i:в|во)\s+(?P<w>(?i:{WEEKDAYS}))\s*[,—–-]?\s*)?{}",
        date_pattern()
    ))
    .expect("valid regex")
});
static WEEKDAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i:\b(?P<w>{WEEKDAYS}))\s*[,—–-]?\s*{}",
        date_pattern()
    ))
    .expect("valid regex")
});
/// A month with its year, as any date in words writes it ("16 мая 2011", "в апреле 2011
/// года"), or a numeric date's year: the years a text's own dates give.
static WRITTEN_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:январ[ьяе]|феврал[ьяе]|март[ае]?|апрел[ьяе]|ма[йяе]|июн[ьяе]|июл[ьяе]|август[ае]?|сентябр[ьяе]|октябр[ьяе]|ноябр[ьяе]|декабр[ьяе])\s+(\d{4})\b|\b\d{1,2}\.\d{1,2}\.(\d{4})\b|\b(\d{4})-\d{2}-\d{2}\b",
    )
    .expect("valid regex")
});

/// The publication date `body` presents as such, if any (see the module's doc). `title`, when
/// the body repeats it as its first line, is not read as the body's top.
pub fn publication_date(title: &str, body: &str) -> Option<Stated> {
    let mut lines: Vec<&str> = body
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.first().is_some_and(|l| *l == title.trim()) {
        lines.remove(0);
    }
    let top_len = lines
        .iter()
        .take(TOP_LINES)
        .position(|l| is_prose(l))
        .map_or(lines.len().min(TOP_LINES), |i| i + 1);
    let top = &lines[..top_len];
    let lead = &lines[..(top_len + LEAD_EXTRA_LINES).min(lines.len())];
    let years = Years::of(body);

    let stated = |date, how| Stated { date, how };
    if let Some(d) = top.iter().find_map(|l| dateline(l)) {
        return Some(stated(d, Presented::Dateline));
    }
    if let Some(d) = top.iter().find_map(|l| date_line(l, true)) {
        return Some(stated(d, Presented::DateLine));
    }
    for line in lead {
        if let Some(d) = RELATIVE
            .captures_iter(line)
            .find_map(|c| relative(&c, &years))
        {
            return Some(stated(d, Presented::Relative));
        }
    }
    for line in lead {
        if let Some(d) = WEEKDAY
            .captures_iter(line)
            .find_map(|c| on_weekday(&c, &years))
        {
            return Some(stated(d, Presented::Weekday));
        }
    }
    let bottom = lines.len().saturating_sub(2).max(top_len);
    lines[bottom..]
        .iter()
        .rev()
        .find_map(|l| date_line(l, false))
        .map(|d| stated(d, Presented::DateLine))
}

/// What may stand between a dateline's date and its text.
const SEPARATORS: [char; 8] = [' ', '—', '–', '-', '|', ':', '.', ','];

fn is_prose(line: &str) -> bool {
    line.split_whitespace().count() >= PROSE_WORDS
}

/// A line opening with a dateline ("Аральск, 12 марта 2021 года. Благодаря ...") or a lead
/// opening with its date ("29 декабря 2017 года на северо-западе Москвы ...").
fn dateline(line: &str) -> Option<NaiveDate> {
    let c = LINE_START.captures(line)?;
    if c.name("label").is_some() || c.name("place").is_some_and(|p| is_relative(p.as_str())) {
        return None;
    }
    let rest = c.name("rest").map_or("", |r| r.as_str());
    let place = c.name("place").is_some();
    // Without a place, only the lead itself opens with its date: a short line that does is a
    // caption ("25 апреля 1945 года — встреча на Эльбе").
    let separated = rest.trim_start().starts_with(SEPARATORS)
        && !rest.trim_start_matches(SEPARATORS).trim().is_empty()
        && (place || is_prose(line));
    let opens_lead = !place
        && rest.starts_with(char::is_whitespace)
        && rest
            .trim_start()
            .starts_with(|c: char| c.is_alphanumeric() || matches!(c, '«' | '"' | '„' | '('))
        && is_prose(line);
    (separated || opens_lead).then(|| full_date(&c)).flatten()
}

/// A line that is only a date, with a place, a label or a time: "17.05.2024 12:30",
/// "Дата публикации: 17 мая 2024 года", "Алматы, 17.05.2024". At the top, a date in words
/// alone counts only with a label or a time: alone it is as often a photo caption.
fn date_line(line: &str, at_top: bool) -> Option<NaiveDate> {
    if line.chars().count() > MAX_DATE_LINE_CHARS {
        return None;
    }
    let c = LINE_START.captures(line)?;
    if c.name("place").is_some_and(|p| is_relative(p.as_str())) {
        return None;
    }
    let rest = c.name("rest").map_or("", |r| r.as_str());
    if !rest.trim().trim_end_matches('.').is_empty() {
        return None;
    }
    let in_words = c.name("m").is_some();
    if at_top && in_words && c.name("label").is_none() && c.name("time").is_none() {
        return None;
    }
    full_date(&c)
}

fn is_relative(word: &str) -> bool {
    matches!(
        word.to_lowercase().as_str(),
        "сегодня" | "вчера" | "позавчера" | "завтра"
    )
}

/// "сегодня, 17 мая 2024" is that day, "вчера, 16 мая 2024" the day before the article.
fn relative(c: &Captures, years: &Years) -> Option<NaiveDate> {
    let date = match c.name("w") {
        Some(w) => weekday_date(c, weekday(w.as_str())?, years)?,
        None => full_date(c)?,
    };
    let days_after = match c.name("rel")?.as_str().to_lowercase().as_str() {
        "сегодня" => 0,
        "вчера" => 1,
        "позавчера" => 2,
        _ => -1,
    };
    date.checked_add_signed(Duration::days(days_after))
}

fn on_weekday(c: &Captures, years: &Years) -> Option<NaiveDate> {
    weekday_date(c, weekday(c.name("w")?.as_str())?, years)
}

/// The date of a weekday phrase: its own year if it writes one (and the weekday agrees),
/// else the one year among the text's dates that puts the day on that weekday.
fn weekday_date(c: &Captures, on: Weekday, years: &Years) -> Option<NaiveDate> {
    if let Some(d) = full_date(c) {
        return (d.weekday() == on).then_some(d);
    }
    let (day, month) = (c.name("d")?.as_str(), c.name("m")?.as_str());
    let month = month_number(month)?;
    let day: u32 = day.parse().ok()?;
    let mut fits = years
        .get()
        .iter()
        .filter_map(|&y| NaiveDate::from_ymd_opt(y, month, day))
        .filter(|d| d.weekday() == on);
    let first = fits.next()?;
    fits.next().is_none().then_some(first)
}

fn weekday(word: &str) -> Option<Weekday> {
    Some(match word.to_lowercase().as_str() {
        "понедельник" => Weekday::Mon,
        "вторник" => Weekday::Tue,
        "среду" | "среда" => Weekday::Wed,
        "четверг" => Weekday::Thu,
        "пятницу" | "пятница" => Weekday::Fri,
        "субботу" | "суббота" => Weekday::Sat,
        "воскресенье" => Weekday::Sun,
        _ => return None,
    })
}

/// 1 for "января" (in any case) to 12 for "декабря".
pub(super) fn month_number(name: &str) -> Option<u32> {
    let name = name.to_lowercase();
    MONTHS
        .iter()
        .position(|m| *m == name)
        .and_then(|i| u32::try_from(i + 1).ok())
}

/// The date a match writes in full, year included.
fn full_date(c: &Captures) -> Option<NaiveDate> {
    let num = |name: &str| c.name(name).and_then(|m| m.as_str().parse::<u32>().ok());
    let (y, m, d) = if let Some(month) = c.name("m") {
        (num("y")?, month_number(month.as_str())?, num("d")?)
    } else if c.name("dd").is_some() {
        (num("yy")?, num("mm")?, num("dd")?)
    } else {
        (num("iy")?, num("im")?, num("id")?)
    };
    let y = i32::try_from(y).ok()?;
    NaiveDate::from_ymd_opt(y, m, d).filter(|d| (1900..=2100).contains(&d.year()))
}

/// The years a text's dates give, read only when a weekday without a year asks for them.
struct Years<'a> {
    text: &'a str,
    found: std::cell::OnceCell<Vec<i32>>,
}

impl<'a> Years<'a> {
    fn of(text: &'a str) -> Years<'a> {
        Years {
            text,
            found: std::cell::OnceCell::new(),
        }
    }

    fn get(&self) -> &[i32] {
        self.found.get_or_init(|| written_years(self.text))
    }
}

/// The years of the dates a text writes with a month ("16 мая 2011", "в апреле 2011 года",
/// "17.05.2011"), once each. Bare years are left out: "с 1993 года" says when something
/// began, not when the text was written.
fn written_years(text: &str) -> Vec<i32> {
    let mut years: Vec<i32> = WRITTEN_YEAR
        .captures_iter(text)
        .filter_map(|c| {
            let y = c.get(1).or_else(|| c.get(2)).or_else(|| c.get(3))?;
            y.as_str().parse().ok()
        })
        .filter(|y| (1900..=2100).contains(y))
        .collect();
    years.sort_unstable();
    years.dedup();
    years
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(title: &str, body: &str) -> Option<(String, Presented)> {
        publication_date(title, body).map(|s| (s.date.to_string(), s.how))
    }

    fn day(s: &str, how: Presented) -> Option<(String, Presented)> {
        Some((s.to_string(), how))
    }

    #[test]
    fn past_events_in_the_body_are_no_date() {
        let elbe = "Трамп и Путин сделали совместное заявление к 75-летию встречи на Эльбе\n\n\
            Президент США Дональд Трамп и президент России Владимир Путин сделали совместное \
            заявление к 75-летию исторической встречи войск. Заявление опубликовано в субботу.\n\n\
            Встреча на Эльбе — эпизод Второй мировой войны, когда 25 апреля 1945 года недалеко \
            от города Торгау войска встретились.";
        assert_eq!(date("Трамп и Путин", elbe), None);
        let bio = "Президент России Дмитрий Медведев своим указом назначил Александра Бастрыкина \
            председателем Следственного комитета РФ.\n\nА.Бастрыкин родился 27 августа 1953г. в \
            Пскове. В 1975г. окончил юридический факультет.";
        assert_eq!(date("", bio), None);
    }

    #[test]
    fn datelines_and_leads_that_open_with_their_date() {
        assert_eq!(
            date(
                "",
                "Аральск, 12 марта 2021 года. Благодаря плотине уровень воды вырос."
            ),
            day("2021-03-12", Presented::Dateline)
        );
        assert_eq!(
            date(
                "",
                "АСТАНА — 17.05.2024 — Глава государства провёл совещание."
            ),
            day("2024-05-17", Presented::Dateline)
        );
        let lead = "Автобус врезался в остановку\n\n29 декабря 2017 года на северо-западе Москвы \
            автобус въехал в остановку общественного транспорта.";
        assert_eq!(
            date("Автобус врезался в остановку", lead),
            day("2017-12-29", Presented::Dateline)
        );
        // A short line opening with a date is a caption, not a lead.
        assert_eq!(
            date(
                "",
                "25 апреля 1945 года на Эльбе\nВойска встретились на реке Эльбе в Германии весной."
            ),
            None
        );
    }

    #[test]
    fn date_lines_at_the_top_and_bottom() {
        assert_eq!(
            date(
                "",
                "17.05.2024 12:30\nВ Алматы открылась новая школа на тысячу мест."
            ),
            day("2024-05-17", Presented::DateLine)
        );
        assert_eq!(
            date(
                "",
                "Дата публикации: 17 мая 2024 года\nВ Алматы открылась новая школа на тысячу мест."
            ),
            day("2024-05-17", Presented::DateLine)
        );
        assert_eq!(
            date(
                "",
                "В Алматы открылась новая школа на тысячу мест.\n\nАлматы, 17 мая 2024 года"
            ),
            day("2024-05-17", Presented::DateLine)
        );
        // A caption: a date in words alone on a line below the headline.
        let caption = "Приятель Царнаева выпущен под залог\n15 апреля 2013 года\nПриятель одного \
            из подозреваемых по делу о взрывах на марафоне выпущен под залог.";
        assert_eq!(date("Приятель Царнаева выпущен под залог", caption), None);
    }

    #[test]
    fn today_and_yesterday_stand_for_their_day() {
        assert_eq!(
            date(
                "",
                "Вчера, 16 августа 2016 года, в Москве прошёл парад. Его видели все."
            ),
            day("2016-08-17", Presented::Relative)
        );
        assert_eq!(
            date(
                "",
                "Сегодня, 11 мая 2017 года, на сайте Кремля опубликован указ президента."
            ),
            day("2017-05-11", Presented::Relative)
        );
        // No year and no weekday: the year cannot be known.
        assert_eq!(
            date("", "Сегодня, 11 мая, на сайте Кремля опубликован указ."),
            None
        );
    }

    #[test]
    fn weekdays_must_agree_with_their_date() {
        let text = "Иранский священнослужитель Хасан Рухани в воскресенье, 4 августа 2013 года, \
            приносит присягу в качестве нового президента Ирана.";
        assert_eq!(date("", text), day("2013-08-04", Presented::Weekday));
        // 7 June 2017 was a Wednesday.
        assert_eq!(
            date(
                "",
                "В пятницу, 7 июня 2017 года, президент Украины подписал указ о санкциях."
            ),
            None
        );
    }

    #[test]
    fn a_weekday_without_a_year_takes_the_one_year_that_fits() {
        // 16 May was a Monday in 2011, not in 2012.
        let text = "Об этом сообщается в заявлении, распространённом в понедельник, 16 мая. \
            Кандидатом на выборы в 2012 году стала она. Выборы пройдут 22 апреля и 6 мая 2012 года, \
            а решение принято 10 мая 2011 года.";
        assert_eq!(date("", text), day("2011-05-16", Presented::Weekday));
        // A month in another case gives its year too ("в январе 2011 года").
        let text =
            "Заявление распространено в понедельник, 16 мая. Съезд прошёл в январе 2011 года.";
        assert_eq!(date("", text), day("2011-05-16", Presented::Weekday));
        // A bare year says when something began, not when the text was written.
        let since = "Об этом в понедельник, 1 ноября, сообщает РИА Новости.\n\nМалышков руководил \
            департаментом с 1993 года.";
        assert_eq!(date("", since), None);
        // No year anywhere: no date.
        assert_eq!(
            date(
                "",
                "В пятницу, 25 ноября, на севере Ирака была захвачена заложница."
            ),
            None
        );
    }
}
