//! People, organizations and places: finding their mentions in text, bringing each to its
//! dictionary form, and scoring the extractor against gold annotation.
//!
//! Mentions are found by a perceptron tagger trained by this project on NEREL's training split
//! (`vestnik train-ner`), using the OpenCorpora dictionary's name, surname and place tags as
//! features; the trained model ships inside the binary.

mod aliases;
pub mod eval;
mod features;
mod grammar;
mod institutions;
mod link;
mod memo;
mod morph;
mod normalize;
mod not_person;
mod person;
mod place_adjectives;
mod places;
mod scoring;
mod tagger;
mod titles;
mod tokens;
mod training;

use std::sync::LazyLock;

use serde::Serialize;

pub use aliases::{AliasError, Aliases, key as name_key};
pub use eval::{Disagreement, GoldArticle, Scores, Tally, disagreements};
pub use link::stem as surname_stem;
pub use morph::Morph;
use morph::Parse;
use tagger::Model;
pub use training::train;

/// The model trained on NEREL train and factRuEval dev (see the README for the command); an
/// empty file means a build without entities.
static MODEL_BYTES: &[u8] = include_bytes!("ner.model");
/// Changes whenever extraction changes what it finds: indexes written before are rewritten.
pub const MODEL_VERSION: &str = "ner-7";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum EntityType {
    Per,
    Org,
    Loc,
}

impl EntityType {
    pub const ALL: [EntityType; 3] = [EntityType::Per, EntityType::Org, EntityType::Loc];

    /// The label used in gold files and evaluation output.
    pub fn label(self) -> &'static str {
        match self {
            EntityType::Per => "PER",
            EntityType::Org => "ORG",
            EntityType::Loc => "LOC",
        }
    }

    /// The type a [`label`](EntityType::label) names.
    pub fn from_label(label: &str) -> Option<EntityType> {
        EntityType::ALL.into_iter().find(|k| k.label() == label)
    }
}

/// One mention of an entity in a text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mention {
    pub kind: EntityType,
    /// Code-point offsets of the mention in the text.
    pub start: usize,
    pub end: usize,
    /// The text as written ("Ерлана Карина").
    pub surface: String,
    /// Its dictionary form ("Ерлан Карин").
    pub norm: String,
}

/// Finds and normalizes entity mentions. Cheap to share between threads: dictionary analyses
/// are cached behind a lock, and what a thread works out per word form, pair of words and
/// mention (feature sums, dictionary forms, canonical names) is kept by that thread, bounded.
pub struct Extractor {
    model: Model,
    morph: Morph,
}

impl Extractor {
    /// The extractor with the model shipped in the binary.
    pub fn shipped() -> &'static Extractor {
        static E: LazyLock<Extractor> = LazyLock::new(|| Extractor {
            model: Model::load(MODEL_BYTES).unwrap_or_else(|_| Model::empty()),
            morph: Morph::new(),
        });
        &E
    }

    /// An extractor with a model read from `bytes` (as written by `train-ner`).
    pub fn with_model(bytes: &[u8]) -> std::io::Result<Extractor> {
        Ok(Extractor {
            model: Model::load(bytes)?,
            morph: Morph::new(),
        })
    }

    /// The model, unless this is a build without one.
    #[cfg(test)]
    fn model(&self) -> Option<&Model> {
        (!self.model.is_empty()).then_some(&self.model)
    }

    pub fn has_model(&self) -> bool {
        !self.model.is_empty()
    }

    /// Whether the model was trained on this very text (scores on it are no test).
    pub fn trained_on(&self, text: &str) -> bool {
        self.model.trained_on(fingerprint(text))
    }

    /// Every mention in `text`, in text order.
    pub fn extract(&self, text: &str) -> Vec<Mention> {
        self.mentions(text, &tokens::tokenize(text))
    }

    /// [`Extractor::extract`] over tokens already made, for callers that need them again.
    fn mentions(&self, text: &str, tokens: &[tokens::Token]) -> Vec<Mention> {
        if tokens.is_empty() {
            return Vec::new();
        }
        let mut found: Vec<(Mention, (usize, usize))> = Vec::new();
        let tagged = scoring::tag(&self.model, tokens, &self.morph);
        // Each span with its type and, when a list names it, its name.
        let mut spans: Vec<(EntityType, usize, usize, Option<String>)> = Vec::new();
        for (kind, kind_spans) in EntityType::ALL.into_iter().zip(tagged) {
            if kind != EntityType::Per {
                // An organization or place the institutions list knows takes its type and name
                // ("в Акорде": the presidential administration, not a place "Акорд").
                for (a, b) in kind_spans {
                    if kind == EntityType::Org
                        && not_person::names_no_body(&tokens[a..=b], &self.morph)
                    {
                        continue;
                    }
                    match institutions::lookup(&tokens[a..=b]) {
                        Some((e, n)) if n == b - a + 1 => match e.kind {
                            institutions::Kind::Entity(k) => {
                                spans.push((k, a, b, Some(e.name.to_string())))
                            }
                            institutions::Kind::Nothing => {}
                        },
                        _ => spans.push((kind, a, b, None)),
                    }
                }
                continue;
            }
            for s in kind_spans
                .into_iter()
                .flat_map(|s| split_people(tokens, s, &self.morph))
            {
                match not_person::judge(tokens, s, &self.morph) {
                    not_person::Verdict::Person(a, b) => spans.push((kind, a, b, None)),
                    not_person::Verdict::Other(k, a, b, name) => spans.push((k, a, b, name)),
                    not_person::Verdict::Drop => {}
                }
            }
        }
        // A span retyped from a person replaces what the tagger found inside it ("Назарбаев
        // Университете" holds the organization "Университете").
        let retyped: Vec<(usize, usize)> = spans
            .iter()
            .filter(|s| s.3.is_some())
            .map(|s| (s.1, s.2))
            .collect();
        spans.retain(|s| {
            s.3.is_some()
                || !retyped
                    .iter()
                    .any(|&(a, b)| a <= s.1 && s.2 <= b && (a, b) != (s.1, s.2))
        });
        for (kind, first, last, listed) in spans {
            {
                // A name never runs across a line break (a headline into the text).
                let latin = |t: &tokens::Token| t.text.chars().any(|c| c.is_ascii_alphabetic());
                let last = (first + 1..=last)
                    .find(|&k| {
                        // Nor, for a person, from Cyrillic into Latin ("Хвана Чжан Епа Lenta.ru").
                        tokens[k].after_break
                            || (kind == EntityType::Per
                                && latin(&tokens[k]) != latin(&tokens[first]))
                            || (kind == EntityType::Org
                                && runs_on_after_abbreviation(&tokens[k - 1], &tokens[k]))
                    })
                    .map_or(last, |k| k - 1);
                let span = &tokens[first..=last];
                let (start, end) = (span[0].start, span[span.len() - 1].end);
                let surface = text[span[0].start_byte..span[span.len() - 1].end_byte].to_string();
                let before = first.checked_sub(1).map(|b| &tokens[b]);
                let norm = match listed {
                    Some(name) => name,
                    None => {
                        normalize::normalize_remembered(kind, &surface, span, before, &self.morph)
                    }
                };
                found.push((
                    Mention {
                        kind,
                        start,
                        end,
                        surface,
                        norm,
                    },
                    (first, last),
                ));
            }
        }
        self.add_expansions(text, tokens, &mut found);
        found.sort_by_key(|(m, _)| (m.start, std::cmp::Reverse(m.end)));
        self.follow_lists(tokens, &mut found);
        let spans: Vec<(usize, usize)> = found.iter().map(|(_, s)| *s).collect();
        let mut mentions: Vec<Mention> = found.into_iter().map(|(m, _)| m).collect();
        // The verb right after each mention, if one follows: its agreement tells a subject's
        // gender and case.
        let verb_parses: Vec<Option<Parse>> = spans
            .iter()
            .map(|&(_, last)| {
                let next = tokens.get(last + 1)?;
                let info = self.morph.info(&crate::analysis::lowercase(next.text));
                info.parses
                    .first()
                    .filter(|p| p.known && p.tag.starts_with("VERB") && p.has("sing"))
                    .cloned()
            })
            .collect();
        let verbs: Vec<Option<&Parse>> = verb_parses.iter().map(Option::as_ref).collect();
        let verb_gender: Vec<Option<bool>> = verbs
            .iter()
            .map(|v| {
                let p = v.filter(|p| p.has("past"))?;
                match (p.has("masc"), p.has("femn")) {
                    (true, false) => Some(true),
                    (false, true) => Some(false),
                    _ => None,
                }
            })
            .collect();
        let morph = &self.morph;
        self.read_subjects(tokens, &spans, &verbs, &verb_gender, &mut mentions);
        link::link_people(
            &mut mentions,
            &verb_gender,
            |w| person::name_gender(w, morph),
            |j| {
                let (first, last) = spans[j];
                Some(person::person_as(
                    &tokens[first..=last],
                    &self.morph,
                    Some((true, true)),
                    None,
                ))
            },
        );
        // A man's past or a present third person singular agrees with a subject only
        // ("Диарра подал", "Диарра считает").
        let nominative: Vec<String> = spans
            .iter()
            .zip(&mentions)
            .zip(&verbs)
            .filter(|((_, m), v)| {
                m.kind == EntityType::Per
                    && v.is_some_and(|p| (p.has("past") && p.has("masc")) || p.has("3per"))
            })
            .map(|((&(_, last), _), _)| crate::analysis::lowercase(tokens[last].text))
            .collect();
        link::settle_surnames(&mut mentions, &nominative, |w| {
            person::is_womans_name(w, &self.morph)
        });
        link::link_abbreviations(&mut mentions, text);
        mentions
    }

    /// "Юлия Тимошенко заявила", "Бидзина Иванишвили покинул": a name right before a verb in
    /// the third person or a past tense is its subject, so it is in the nominative, in the
    /// gender a past tense shows. Not when the word before gives the name a case ("у Дмитрия
    /// Ерохина появился") or is itself a noun the verb can agree with ("жена Дмитрия Ерохина
    /// заявила"), nor when the dictionary knows the name's last word in oblique cases only.
    fn read_subjects(
        &self,
        tokens: &[tokens::Token],
        spans: &[(usize, usize)],
        verbs: &[Option<&Parse>],
        verb_gender: &[Option<bool>],
        mentions: &mut [Mention],
    ) {
        for (i, m) in mentions.iter_mut().enumerate() {
            let Some(verb) = verbs[i].filter(|_| m.kind == EntityType::Per) else {
                continue;
            };
            let gender = verb_gender[i].map(|masc| {
                if masc {
                    grammar::Gender::Masc
                } else {
                    grammar::Gender::Femn
                }
            });
            if !(gender.is_some() || verb.has("3per")) {
                continue;
            }
            let (first, last) = spans[i];
            if let Some(before) = first.checked_sub(1).map(|b| &tokens[b])
                && !tokens[first].after_break
            {
                if person::context_case(before, &self.morph).is_some() {
                    continue;
                }
                let info = self.morph.info(&crate::analysis::lowercase(before.text));
                let agrees = info.parses.iter().any(|p| {
                    p.known
                        && p.tag.starts_with("NOUN")
                        && p.has("nomn")
                        && gender.is_none_or(|g| grammar::gender_of(p) == Some(g))
                });
                if agrees {
                    continue;
                }
            }
            // A name the dictionary knows only in an oblique case is no subject ("Семья Обамы
            // приобрела").
            if self.only_oblique(tokens[last].text, "Surn") {
                continue;
            }
            // The same for a first name ("Бориса").
            if last > first && self.only_oblique(tokens[first].text, "Name") {
                continue;
            }
            // Nor is one after a preposition ("с Коломойским прошла"), or one whose surname
            // ends as only an oblique case does.
            let after_preposition = first.checked_sub(1).is_some_and(|b| {
                PREPOSITIONS.contains(&crate::analysis::lowercase(tokens[b].text).as_str())
            });
            if after_preposition || person::shows_oblique(tokens[last].text) {
                continue;
            }
            m.norm = person::person_subject(&tokens[first..=last], &self.morph, gender);
        }
    }

    /// "Луиса Суареса, Неймара и Жерара Пике": a name in a list that shows no case of its own
    /// takes the case of the name listed right before it, read off how that one changed.
    /// Whether the dictionary knows `word` as a `kind` ("Surn", "Name") only in oblique cases.
    fn only_oblique(&self, word: &str, kind: &str) -> bool {
        let info = self.morph.info(&crate::analysis::lowercase(word));
        let named: Vec<&Parse> = info
            .parses
            .iter()
            .filter(|p| p.known && p.has(kind))
            .collect();
        !named.is_empty() && !named.iter().any(|p| p.has("nomn"))
    }

    fn follow_lists(&self, tokens: &[tokens::Token], found: &mut [(Mention, (usize, usize))]) {
        let people: Vec<usize> = (0..found.len())
            .filter(|&i| found[i].0.kind == EntityType::Per)
            .collect();
        for pair in people.windows(2) {
            let (j, i) = (pair[0], pair[1]);
            let (first, last) = found[i].1;
            let Some(between) = tokens.get(found[j].1.1 + 1..first) else {
                continue;
            };
            let joins = |t: &tokens::Token| matches!(t.text, "," | "и" | "или");
            // Adjacent, or with a short aside in brackets after the first ("Алан Гарсия
            // (1985—1990 годы), Ольянта Умала").
            let joined = match between {
                [sep] => joins(sep),
                [open, inner @ .., close, sep] => {
                    open.text == "("
                        && close.text == ")"
                        && inner.len() <= 12
                        && inner.iter().all(|t| !matches!(t.text, "(" | ")"))
                        && joins(sep)
                }
                _ => false,
            };
            if !joined {
                continue;
            }
            let (before, after) = (&found[j].0.surface, &found[j].0.norm);
            let unchanged = found[i].0.norm == found[i].0.surface;
            let case = if unchanged {
                // A name left as written takes the case the name before it showed.
                person::case_shown(before, after)
            } else {
                // One read as oblique after a full name that is plainly a nominative is one
                // too ("Алан Гарсия (…), Ольянта Умала").
                (before == after && person::shows_nominative(before, &self.morph))
                    .then_some(grammar::Case::Nomn)
            };
            let Some(case) = case else {
                continue;
            };
            found[i].0.norm =
                person::person_as(&tokens[first..=last], &self.morph, None, Some(case));
        }
    }

    /// "Агентство по защите и развитию конкуренции (АЗРК)": when an abbreviation in brackets
    /// follows words that spell it, those words are an organization, whether or not the tagger
    /// saw it.
    fn add_expansions(
        &self,
        text: &str,
        tokens: &[tokens::Token],
        found: &mut Vec<(Mention, (usize, usize))>,
    ) {
        for k in 1..tokens.len().saturating_sub(2) {
            let abbr = tokens[k + 1].text;
            let is_abbr = tokens[k].text == "("
                && tokens[k + 2].text == ")"
                && abbr.chars().count() >= 2
                && abbr
                    .chars()
                    .all(|c| c.is_uppercase() || c.is_numeric() || c == '-');
            if !is_abbr {
                continue;
            }
            // Words back to the sentence's start, at most a dozen.
            let mut first = k;
            while first > 0 && k - first < 12 {
                let t = &tokens[first - 1];
                if matches!(t.text, "." | "!" | "?" | ";" | ":" | "(" | ")")
                    || tokens[first].after_break
                {
                    break;
                }
                first -= 1;
            }
            let window: Vec<&str> = tokens[first..k].iter().map(|t| t.text).collect();
            let Some(start) = link::expansion_start(&window, abbr) else {
                continue;
            };
            let (a, b) = (first + start, k - 1);
            if found
                .iter()
                .any(|(m, s)| m.kind == EntityType::Org && *s == (a, b))
            {
                continue;
            }
            // The expansion replaces organizations that overlap it partially.
            found.retain(|(m, (x, y))| m.kind != EntityType::Org || *y < a || *x > b);
            let span = &tokens[a..=b];
            found.push((
                Mention {
                    kind: EntityType::Org,
                    start: span[0].start,
                    end: span[span.len() - 1].end,
                    surface: text[span[0].start_byte..span[span.len() - 1].end_byte].to_string(),
                    norm: normalize::normalize(EntityType::Org, span, None, &self.morph),
                },
                (a, b),
            ));
        }
    }

    /// The entities of an article, each under its canonical name (after the alias table),
    /// with the surface forms it was written in.
    pub fn entities(&self, title: &str, body: &str, aliases: &Aliases) -> ArticleEntities {
        let text = format!("{title}\n\n{body}");
        let mut out = ArticleEntities::default();
        // Where each entity's key already stands in its list, per type.
        let mut seen: [rustc_hash::FxHashMap<String, usize>; 3] = Default::default();
        let tokens = tokens::tokenize(&text);
        let mentions = self.mentions(&text, &tokens);
        let adjectives = self.place_adjectives(&tokens, &mentions);
        for m in mentions.into_iter().chain(adjectives) {
            // "лауреат Нобелевской премии": a name's adjective, which NEREL (and so the tagger)
            // counts as a person, is no person an article is about; one linked to a full name
            // ("Навального" after "Алексей Навальный") has that name as its norm and stays.
            if m.kind == EntityType::Per
                && !m.norm.contains(' ')
                && not_person::only_adjective(&m.surface, &self.morph)
            {
                continue;
            }
            let (name, key) = canonical_remembered(aliases, &m);
            if name.trim().is_empty() {
                continue;
            }
            let (list, seen) = match m.kind {
                EntityType::Per => (&mut out.person, &mut seen[0]),
                EntityType::Org => (&mut out.org, &mut seen[1]),
                EntityType::Loc => (&mut out.loc, &mut seen[2]),
            };
            match seen.entry(key) {
                std::collections::hash_map::Entry::Occupied(at) => {
                    let e = &mut list[*at.get()];
                    if !e.surfaces.contains(&m.surface) {
                        e.surfaces.push(m.surface);
                    }
                }
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(list.len());
                    list.push(EntityName {
                        name,
                        surfaces: vec![m.surface],
                    });
                }
            }
        }
        out
    }
}

impl Extractor {
    /// Places named by their adjective ("британского", "московских"), as place mentions of
    /// the place's name: for the index, which should find the article under the place (see
    /// `place_adjectives`). Words inside a person's name are left alone, and so are languages
    /// ("на английском языке" is about no place); inside an organization's or a place's name
    /// the adjective still names its place ("Московский университет", "Московская область").
    fn place_adjectives(&self, tokens: &[tokens::Token], mentions: &[Mention]) -> Vec<Mention> {
        // People by start, each with the furthest end of any person starting at or before it,
        // so "inside a person" is one binary search (an article may name thousands).
        let mut people: Vec<(usize, usize)> = mentions
            .iter()
            .filter(|m| m.kind == EntityType::Per)
            .map(|m| (m.start, m.end))
            .collect();
        people.sort_unstable();
        let mut furthest = 0;
        for p in &mut people {
            furthest = furthest.max(p.1);
            p.1 = furthest;
        }
        let in_person = |start: usize, end: usize| {
            let before = people.partition_point(|p| p.0 <= start);
            before > 0 && end <= people[before - 1].1
        };
        let mut out = Vec::new();
        for (i, t) in tokens.iter().enumerate() {
            let places = place_adjectives::places_of(t.text);
            if places.is_empty() {
                continue;
            }
            if in_person(t.start, t.end) || names_a_language(&tokens[i + 1..]) {
                continue;
            }
            let lower = crate::analysis::lowercase(t.text);
            if !self.morph.info(&lower).parses.iter().any(|p| p.has("ADJF")) {
                continue;
            }
            out.extend(places.into_iter().map(|place| Mention {
                kind: EntityType::Loc,
                start: t.start,
                end: t.end,
                surface: t.text.to_string(),
                norm: place.to_string(),
            }));
        }
        out
    }
}

/// Whether the words after an adjective make it a language's: "языке" follows, maybe after
/// other adjectives of a list ("на казахском, русском и английском языках").
fn names_a_language(after: &[tokens::Token]) -> bool {
    for t in after.iter().take(6) {
        let lower = crate::analysis::lowercase(t.text);
        if lower.starts_with("язык") {
            return true;
        }
        let listing =
            lower == "," || lower == "и" || lower.ends_with("ском") || lower.ends_with("ских");
        if !listing {
            return false;
        }
    }
    false
}

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
fn canonical_remembered(aliases: &Aliases, m: &Mention) -> (String, String) {
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

/// Prepositions, after which a name is never a subject.
const PREPOSITIONS: [&str; 20] = [
    "с",
    "со",
    "к",
    "ко",
    "о",
    "об",
    "обо",
    "в",
    "во",
    "на",
    "по",
    "за",
    "под",
    "над",
    "перед",
    "при",
    "между",
    "через",
    "про",
    "у",
];

/// "Майкла Джексона Кэтрин": two people side by side read as one. A first name the dictionary
/// knows, third or later in a name and right after a surname it knows, starts another person
/// ("Жан Поль Сартр", "Сидоров Иван Петрович" and "Шейк Модибо Диарра" stay whole).
fn split_people(
    tokens: &[tokens::Token],
    span: (usize, usize),
    morph: &Morph,
) -> Vec<(usize, usize)> {
    let (first, last) = span;
    // Only a third word or later can start another person.
    if last < first + 2 {
        return vec![span];
    }
    let infos: Vec<_> = (first..=last)
        .map(|k| morph.info(&crate::analysis::lowercase(tokens[k].text)))
        .collect();
    let known: Vec<Vec<&Parse>> = infos
        .iter()
        .map(|info| info.parses.iter().filter(|p| p.known).collect())
        .collect();
    let at = |k: usize| &known[k - first];
    let mut out = Vec::new();
    let mut start = first;
    for k in first + 2..=last {
        let only_given = !at(k).is_empty() && at(k).iter().all(|p| p.has("Name"));
        let given_before = at(k - 1).iter().any(|p| p.has("Name") || p.has("Patr"));
        let surname_before = at(k - 1).iter().any(|p| p.has("Surn"));
        if k >= start + 2 && only_given && !given_before && surname_before {
            out.push((start, k - 1));
            start = k;
        }
    }
    out.push((start, last));
    out
}

/// "ЮНИСЕФ защиту прав детей": an abbreviation followed by a lowercase word other than a
/// preposition or conjunction ends the organization's name ("ООН по делам беженцев" goes on).
fn runs_on_after_abbreviation(prev: &tokens::Token, next: &tokens::Token) -> bool {
    let abbreviation =
        prev.text.chars().count() >= 2 && prev.text.chars().all(|c| !c.is_lowercase());
    let lowercase = next.text.chars().next().is_some_and(char::is_lowercase);
    let linking = matches!(
        next.text,
        "по" | "и" | "при" | "в" | "во" | "для" | "с" | "со" | "на" | "о" | "об"
    );
    abbreviation && lowercase && !linking
}

/// One entity of an article: its canonical name and how the article wrote it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityName {
    pub name: String,
    pub surfaces: Vec<String>,
}

/// The people, organizations and places an article names.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ArticleEntities {
    pub person: Vec<EntityName>,
    pub org: Vec<EntityName>,
    pub loc: Vec<EntityName>,
}

impl ArticleEntities {
    pub fn of(&self, kind: EntityType) -> &[EntityName] {
        match kind {
            EntityType::Per => &self.person,
            EntityType::Org => &self.org,
            EntityType::Loc => &self.loc,
        }
    }
}

/// The known place (from the shipped gazetteer) a phrase names in any case form, under its
/// alias table name: "Российской Федерации", "РФ" and "России" are all Россия. For names whose
/// last words say whose an organization is ("МВД России").
pub fn place_named(aliases: &Aliases, phrase: &str) -> Option<String> {
    let place = places::named(phrase)?;
    Some(aliases.canonical(EntityType::Loc, place))
}

/// A text's fingerprint for [`Extractor::trained_on`].
pub(crate) fn fingerprint(text: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The normalized names of the people in `text`, in text order.
    fn people(text: &str) -> Vec<(String, String)> {
        Extractor::shipped()
            .extract(text)
            .into_iter()
            .filter(|m| m.kind == EntityType::Per)
            .map(|m| (m.surface, m.norm))
            .collect()
    }

    #[test]
    fn a_surname_the_text_writes_bare_is_its_nominative() {
        let found = people(
            "Ким Чен Ын провёл совещание. Решение Ким Чен Ына удивило экспертов. \
             Фильмы с Чарли Чаплином покажут в Москве, где Чаплин снимался.",
        );
        for (surface, norm) in &found {
            if surface.starts_with("Ким") {
                assert_eq!(norm, "Ким Чен Ын", "{surface}");
            }
        }
        assert!(found.iter().any(|(s, _)| s == "Ким Чен Ына"), "{found:?}");
    }

    #[test]
    fn a_surname_of_several_words_is_the_full_name_it_ends() {
        let found =
            people("Ерлан Карин встретился с Реджиной Де Доминичис. Де Доминичис отметила успехи.");
        assert!(
            found
                .iter()
                .filter(|(s, _)| s.contains("Доминичис"))
                .all(|(_, n)| n == "Реджина Де Доминичис"),
            "{found:?}"
        );
    }

    #[test]
    fn titles_institutions_and_holidays_are_not_people() {
        let text = "Аким Шымкента Даурен Жаксыбеков поздравил горожан с праздником Наурыз. \
                    Депутаты Мажилиса и студенты Назарбаев Университета встретились.";
        let field = "Добыча на Тенгизе выросла. Тенгиз дает треть нефти.";
        let found: Vec<(EntityType, String)> = [text, field]
            .into_iter()
            .flat_map(|t| Extractor::shipped().extract(t))
            .map(|m| (m.kind, m.norm))
            .collect();
        let people: Vec<&String> = found
            .iter()
            .filter(|(k, _)| *k == EntityType::Per)
            .map(|(_, n)| n)
            .collect();
        assert_eq!(people, ["Даурен Жаксыбеков"], "{found:?}");
        for (kind, name) in [
            (EntityType::Loc, "Шымкент"),
            (EntityType::Org, "Мажилис"),
            (EntityType::Org, "Назарбаев Университет"),
            (EntityType::Loc, "Тенгиз"),
        ] {
            assert!(
                found.iter().any(|(k, n)| *k == kind && n == name),
                "{name}: {found:?}"
            );
        }
    }

    #[test]
    fn a_programme_is_no_organization() {
        let text = "На стадии согласования с заинтересованными госорганами находится единая \
                    комплексная программа \"Қазақстан балалары\".";
        let orgs: Vec<String> = Extractor::shipped()
            .extract(text)
            .into_iter()
            .filter(|m| m.kind == EntityType::Org)
            .map(|m| m.norm)
            .collect();
        assert!(orgs.iter().all(|o| !o.contains("программа")), "{orgs:?}");
    }

    #[test]
    fn a_names_adjective_is_not_among_an_articles_people() {
        let e = Extractor::shipped().entities(
            "",
            "Лауреат Нобелевской премии Ерлан Карин выступил в Астане.",
            &Aliases::shipped(),
        );
        let people: Vec<&str> = e.person.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(people, ["Ерлан Карин"]);
    }

    #[test]
    fn a_subject_keeps_its_ending() {
        let found =
            people("Премьером назначен Шейк Модибо Диарра. В декабре Диарра подал в отставку.");
        assert!(
            found.iter().all(|(_, n)| n.ends_with("Диарра")),
            "{found:?}"
        );
    }

    #[test]
    fn a_mans_verb_links_to_the_man_of_that_surname() {
        let found = people(
            "Игорь Малашенко основал компанию. Он развёлся с Еленой Малашенко. \
             После этого Малашенко женился снова.",
        );
        let last = found.last().expect("people found");
        assert_eq!(last.0, "Малашенко");
        assert_eq!(last.1, "Игорь Малашенко");
    }

    #[test]
    fn a_name_in_a_list_takes_the_case_of_the_one_before() {
        finds_person(
            "На матче можно было увидеть Луиса Суареса, Неймара и Жерара Пике.",
            "Неймара",
            "Неймар",
        );
    }

    /// Asserts that `text` names a person written `surface` whose name is `norm`.
    fn finds_person(text: &str, surface: &str, norm: &str) {
        let found = people(text);
        assert!(
            found.iter().any(|(s, n)| s == surface && n == norm),
            "{found:?}"
        );
    }

    #[test]
    fn a_name_in_a_list_after_a_nominative_is_nominative() {
        finds_person(
            "Страной руководили Алан Гарсия (2006—2011 годы), Ольянта Умала (2011—2016 годы).",
            "Ольянта Умала",
            "Ольянта Умала",
        );
    }

    #[test]
    fn a_list_after_a_name_left_as_written_keeps_its_own_case() {
        // "Ван Гога" is left as written, but it is no nominative.
        finds_person(
            "На выставке картины Пикассо, Ван Гога, Пита Мондриана и других.",
            "Пита Мондриана",
            "Пит Мондриан",
        );
    }

    #[test]
    fn an_associate_names_a_person_in_the_genitive() {
        finds_person(
            "В Пекине умер Ли Пэн, соратник Цзян Цзэминя.",
            "Цзян Цзэминя",
            "Цзян Цзэминь",
        );
    }

    #[test]
    fn remembered_names_follow_the_alias_table() {
        let text = "Представители ЮНИСЕФ посетили школы Шымкента.";
        let orgs = |aliases: &Aliases| -> Vec<String> {
            Extractor::shipped()
                .entities("", text, aliases)
                .org
                .into_iter()
                .map(|e| e.name)
                .collect()
        };
        let shipped = Aliases::shipped();
        assert_eq!(orgs(&shipped), vec!["ЮНИСЕФ".to_string()]);
        // The same mention under another table gets that table's name, not the remembered one.
        let mut extended = shipped.clone();
        extended
            .add("ORG|Детский фонд|ЮНИСЕФ")
            .expect("the line parses");
        assert_eq!(orgs(&extended), vec!["Детский фонд".to_string()]);
        assert_eq!(orgs(&shipped), vec!["ЮНИСЕФ".to_string()]);
    }

    #[test]
    fn a_first_name_alone_is_the_one_full_name_that_starts_with_it() {
        finds_person(
            "Премьер-министр Борис Джонсон посетил Эдинбург. Сторонники Бориса встретили его у вокзала.",
            "Бориса",
            "Борис Джонсон",
        );
        // Two people of that first name: it stays as written.
        finds_person(
            "Борис Джонсон и Борис Немцов выступили. Бориса встретили аплодисментами.",
            "Бориса",
            "Борис",
        );
    }

    #[test]
    fn two_people_side_by_side_are_two() {
        let found = people("Мать певца Майкла Джексона Кэтрин подала заявление в суд.");
        assert!(
            found.iter().any(|(s, _)| s == "Кэтрин")
                && found.iter().all(|(s, _)| s != "Майкла Джексона Кэтрин"),
            "{found:?}"
        );
    }

    #[test]
    fn the_word_before_a_name_gives_its_case() {
        let found = people("Пианист исполнил произведение Комитаса «Журавль».");
        assert_eq!(found, vec![("Комитаса".to_string(), "Комитас".to_string())]);
        let found = people("Итоги визита Джо Байдена обсудили в Брюсселе.");
        assert_eq!(
            found,
            vec![("Джо Байдена".to_string(), "Джо Байден".to_string())]
        );
    }
}
