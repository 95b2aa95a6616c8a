//! The pipeline that turns a text into mentions and an article into its entities, stage by
//! stage (see the module map in [`super`]). Each stage's rules live in their own file; this
//! one only runs them in order.

use std::sync::LazyLock;

use super::aliases::Aliases;
use super::mention::{ArticleEntities, ByKind, EntityName, EntityType, Mention};
use super::morph::{Morph, Parse};
use super::tagger::{self, Model};
use super::{
    context, institutions, link, naming, normalize, not_person, person, place_adjectives, spans,
    tagger_cache, tokens,
};

/// The model trained on NEREL train and factRuEval dev (see the README for the command); an
/// empty file means a build without entities.
static MODEL_BYTES: &[u8] = include_bytes!("ner.model");

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
    pub(super) fn model(&self) -> Option<&Model> {
        (!self.model.is_empty()).then_some(&self.model)
    }

    /// Whether a model is loaded (a build with an empty `ner.model` finds no entities).
    pub fn has_model(&self) -> bool {
        !self.model.is_empty()
    }

    /// Whether the model was trained on this very text (scores on it are no test).
    pub fn trained_on(&self, text: &str) -> bool {
        self.model.trained_on(tagger::fingerprint(text))
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
        let tagged = tagger_cache::tag(&self.model, tokens, &self.morph);
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
                .flat_map(|s| spans::split_people(tokens, s, &self.morph))
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
                                && spans::runs_on_after_abbreviation(&tokens[k - 1], &tokens[k]))
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
        spans::add_expansions(&self.morph, text, tokens, &mut found);
        found.sort_by_key(|(m, _)| (m.start, std::cmp::Reverse(m.end)));
        context::follow_lists(&self.morph, tokens, &mut found);
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
        context::read_subjects(
            &self.morph,
            tokens,
            &spans,
            &verbs,
            &verb_gender,
            &mut mentions,
        );
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

    /// The entities of an article, each under its canonical name (after the alias table),
    /// with the surface forms it was written in.
    pub fn entities(&self, title: &str, body: &str, aliases: &Aliases) -> ArticleEntities {
        let text = format!("{title}\n\n{body}");
        let mut out = ArticleEntities::default();
        // Where each entity's key already stands in its list, per type.
        let mut seen: ByKind<rustc_hash::FxHashMap<String, usize>> = ByKind::default();
        let tokens = tokens::tokenize(&text);
        let mentions = self.mentions(&text, &tokens);
        let adjectives = place_adjectives::mentions(&self.morph, &tokens, &mentions);
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
            let (name, key) = naming::canonical_remembered(aliases, &m);
            if name.trim().is_empty() {
                continue;
            }
            let (list, seen) = (&mut out[m.kind], &mut seen[m.kind]);
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
        for surface in ["Реджиной Де Доминичис", "Де Доминичис"] {
            assert!(found.iter().any(|(s, _)| s == surface), "{found:?}");
        }
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
        // Both mentions are found (an empty list would satisfy the check below vacuously)...
        for surface in ["Шейк Модибо Диарра", "Диарра"] {
            assert!(found.iter().any(|(s, _)| s == surface), "{found:?}");
        }
        // ...and neither loses its ending to a declension it does not have.
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
