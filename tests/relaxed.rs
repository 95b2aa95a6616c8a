//! Relaxed matching on the sample corpus: a question that no article answers word for word
//! shows the articles with most of its words, and says so; a query that finds enough keeps
//! its exact answer; phrases, `+`, `-` and filters keep their meaning under relaxation.

mod common;

use std::collections::BTreeSet;

use common::{searcher, succeed, vestnik};
use vestnik::search::{RELAX_BELOW, SearchRequest, SearchResult};

/// A question on "Аграрии получат льготные кредиты на весенний сев" (dk/agrokredit.txt),
/// with a place the corpus never names, so that no article has every word.
const QUESTION: &str = "Какие кредиты получат аграрии на весенний сев в Караганде?";

fn run(req: SearchRequest) -> SearchResult {
    let mut req = req;
    req.limit = 1000;
    searcher().search(&req).expect("query runs")
}

fn ask(query: &str) -> SearchResult {
    run(SearchRequest::new(query))
}

fn strictly(query: &str) -> SearchResult {
    let mut req = SearchRequest::new(query);
    req.strict = true;
    run(req)
}

fn ids(r: &SearchResult) -> BTreeSet<String> {
    r.hits.iter().map(|h| h.id.clone()).collect()
}

fn body_of(id: &str) -> String {
    let doc = searcher().document(id).expect("reads").expect("exists");
    format!("{} {}", doc.title, doc.body).to_lowercase()
}

#[test]
fn a_question_finds_its_article_with_most_of_its_words() {
    assert_eq!(strictly(QUESTION).total, 0, "no article has every word");
    let r = ask(QUESTION);
    assert!(r.relaxed, "relaxed");
    let how = r.relaxation.as_ref().expect("says how");
    assert_eq!(how.strict_total, 0);
    // кредиты, получат, аграрии, весенний, сев, Караганде; «какие», «на», «в» left out.
    assert_eq!(how.words, 6);
    assert!(how.required >= 1 && how.required < 6, "{how:?}");
    assert_eq!(how.ignored, ["Какие", "на", "в"]);
    assert!(
        r.hits[0].title.contains("Аграрии получат льготные кредиты"),
        "{}",
        r.hits[0].title
    );
    // The total and the facets describe what is shown.
    assert_eq!(r.total, r.hits.len());
    let by_source: u64 = r.facets.source.iter().map(|c| c.count).sum();
    assert_eq!(by_source as usize, r.total);
}

#[test]
fn strict_turns_relaxation_off() {
    let r = strictly(QUESTION);
    assert!(!r.relaxed && r.relaxation.is_none());
    assert_eq!(r.total, 0);
}

#[test]
fn a_query_with_enough_hits_is_never_relaxed() {
    let mut seen_enough = 0;
    for q in [
        "ЮНИСЕФ детей",
        "школы Казахстан",
        "Карин детей",
        "ЮНИСЕФ Шымкент",
        "кредиты аграрии",
        "министр просвещения",
    ] {
        let strict = strictly(q);
        let default = ask(q);
        if strict.total >= RELAX_BELOW {
            seen_enough += 1;
            assert!(!default.relaxed, "{q}");
            assert_eq!(ids(&default), ids(&strict), "{q}");
        } else if default.relaxed {
            // Relaxing only adds: every strict hit is still there.
            assert!(ids(&strict).is_subset(&ids(&default)), "{q}");
        }
    }
    assert!(
        seen_enough >= 2,
        "the candidates must include strict answers"
    );
}

#[test]
fn unknown_words_find_nothing_even_relaxed() {
    let r = ask("зюзюква брымбрум кукарямба");
    assert_eq!(r.total, 0);
    assert!(!r.relaxed);
}

#[test]
fn phrases_required_and_excluded_words_keep_their_meaning() {
    // The phrase stays required: only the article that says "ювенальной юстиции".
    let r = ask("\"ювенальной юстиции\" детей аграрии Караганде");
    assert!(r.relaxed);
    assert!(r.total >= 1);
    for h in &r.hits {
        assert!(body_of(&h.id).contains("ювенальной юстиции"), "{}", h.title);
    }
    // +word stays required.
    let r = ask("+Акмолинской кредиты Караганде ювенальной");
    assert!(r.relaxed);
    for h in &r.hits {
        assert!(body_of(&h.id).contains("акмолинской"), "{}", h.title);
    }
    // -word stays excluded: the article about the loans names Акмолинская область.
    let r = ask(&format!("{QUESTION} -Акмолинской"));
    assert!(r.total > 0);
    for h in &r.hits {
        assert!(!body_of(&h.id).contains("акмолинской"), "{}", h.title);
    }
    // AND keeps every word required.
    assert_eq!(ask("кредиты AND аграрии AND Караганде").total, 0);
}

#[test]
fn filters_never_widen() {
    let mut req = SearchRequest::new(QUESTION);
    req.sources = vec!["Деловой Казахстан".into()];
    let r = run(req);
    assert!(r.relaxed && r.total > 0);
    assert!(
        r.hits
            .iter()
            .all(|h| h.source.as_deref() == Some("Деловой Казахстан"))
    );
    // A filter naming nobody matches nothing, relaxed or not.
    let mut req = SearchRequest::new(QUESTION);
    req.entities.person = vec!["Зюзюква Брымбрумова".into()];
    let r = run(req);
    assert_eq!(r.total, 0);
    let r = ask(&format!("{QUESTION} person:\"Зюзюква Брымбрумова\""));
    assert_eq!(r.total, 0);
    let r = ask(&format!("{QUESTION} date:1995"));
    assert_eq!(r.total, 0);
}

#[test]
fn the_command_line_says_it_relaxed() {
    let index = common::corpus_index();
    let out = succeed(vestnik().args(["search", QUESTION, "--index"]).arg(index));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("no article has every word; showing articles with most of them"),
        "{text}"
    );
    let out = succeed(
        vestnik()
            .args(["search", QUESTION, "--strict", "--index"])
            .arg(index),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("showing articles with most"), "{text}");
    assert!(text.starts_with("0 articles match"), "{text}");

    let json = common::json_of(
        vestnik()
            .args(["search", QUESTION, "--format", "json", "--index"])
            .arg(index),
    );
    assert_eq!(json["relaxed"], true);
    assert!(json["relaxation"]["required"].as_u64().unwrap() >= 1);
    let json = common::json_of(
        vestnik()
            .args(["search", "Карин", "--format", "json", "--index"])
            .arg(index),
    );
    assert_eq!(json["relaxed"], false);
    assert!(json.get("relaxation").is_none());
}

#[test]
fn the_api_reads_strict() {
    let server = common::Server::start(common::corpus_index());
    let q: String = form_urlencoded::byte_serialize(QUESTION.as_bytes()).collect();
    let get = |path: String| {
        let (status, json) = server.json(&path);
        assert_eq!(status, 200, "{path}: {json}");
        json
    };
    let relaxed = get(format!("/api/search?q={q}"));
    assert_eq!(relaxed["relaxed"], true, "{relaxed}");
    let strict = get(format!("/api/search?q={q}&strict=true"));
    assert_eq!(strict["relaxed"], false);
    assert_eq!(strict["total"], 0);
    let facets = get(format!("/api/facets?q={q}&strict=false"));
    assert_eq!(facets["relaxed"], true);
    assert_eq!(facets["total"], relaxed["total"]);
}

/// A question is prose: a time, an apostrophe after a word, a quote closed by another kind
/// and words in brackets are text, and the question still finds its article; paired quotes
/// and fields keep their meaning.
#[test]
fn a_question_in_prose_is_read_as_text() {
    let article = ids(&ask(QUESTION));
    assert!(!article.is_empty());
    for typed in [
        "Какие кредиты получат аграрии'а на весенний сев в Караганде?",
        "Какие \"кредиты получат аграрии» на весенний сев в Караганде?",
        "Какие кредиты получат аграрии (на весенний сев) в Караганде?",
    ] {
        let r = ask(typed);
        assert!(r.relaxed, "{typed}");
        assert!(article.is_subset(&ids(&r)), "{typed}");
    }
    // A time is the phrase of its numbers, not the field "4": required like a quoted phrase.
    let timed = searcher().search(&SearchRequest::new("кредиты получат аграрии в 4:51"));
    assert_eq!(timed.expect("a time is not a field").total, 0);
    // Brackets of side-by-side words mean every word, strict or not.
    assert_eq!(
        ids(&strictly("аграрии (весенний сев)")),
        ids(&strictly("аграрии весенний сев"))
    );
    assert!(!ids(&strictly("аграрии весенний сев")).is_empty());
    // A quote that is paired stays a phrase; a field is still a field.
    assert_eq!(ask("\"сев весенний\"").total, 0);
    assert!(
        searcher()
            .search(&SearchRequest::new("кредиты source:\"Нигде.kz"))
            .is_err()
    );
}

/// timeline, related and the export answer the question the search answers: relaxed when it
/// is (and saying so), strict with `--strict` / `strict=true`, where nothing matches.
#[test]
fn timeline_related_and_export_relax_as_search_does() {
    let index = common::corpus_index();
    let shown = ask(QUESTION);
    assert!(shown.relaxed && shown.total > 0);

    let timeline = |strict: bool| {
        let mut cmd = vestnik();
        cmd.args([
            "timeline", QUESTION, "--by", "year", "--format", "json", "--index",
        ])
        .arg(index);
        if strict {
            cmd.arg("--strict");
        }
        common::json_of(&mut cmd)
    };
    let t = timeline(false);
    assert_eq!(t["relaxed"], true, "{t}");
    assert_eq!(t["total"].as_u64(), Some(shown.total as u64));
    assert!(t["relaxation"]["required"].as_u64().unwrap() >= 1);
    let t = timeline(true);
    assert_eq!(
        (t["relaxed"].clone(), t["total"].as_u64()),
        (false.into(), Some(0))
    );

    // A place the first article shown names, so that the relaxed articles have it.
    let place = shown
        .hits
        .iter()
        .find_map(|h| h.entities.loc.first().cloned())
        .expect("a relaxed hit names a place");
    let out = succeed(
        vestnik()
            .args(["related", QUESTION, "--loc", &place, "--index"])
            .arg(index),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("showing articles with most of them"),
        "{text}"
    );

    let server = common::Server::start(index);
    let q: String = form_urlencoded::byte_serialize(QUESTION.as_bytes()).collect();
    let (status, _, chunked) = server.get(&format!("/api/export?q={q}&group=false"));
    assert_eq!(status, 200);
    let csv = dechunk(&chunked);
    // A header line, then one line per article the relaxed search shows (no body, no newlines).
    let exported: BTreeSet<String> = csv
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next().map(str::to_string))
        .collect();
    let mut all = SearchRequest::new(QUESTION);
    all.group = false;
    assert_eq!(exported, ids(&run(all)));
    let (_, _, strict) = server.get(&format!("/api/export?q={q}&strict=true"));
    let strict = dechunk(&strict);
    assert_eq!(strict.lines().count(), 1, "only the header: {strict}");
    let place: String = form_urlencoded::byte_serialize(place.as_bytes()).collect();
    let (_, related) = server.json(&format!("/api/related?q={q}&loc={place}&strict=1"));
    assert_eq!(related["total"], 0, "{related}");
}

/// The body of a chunked HTTP answer (each chunk: its size in hex, CRLF, the bytes, CRLF).
fn dechunk(body: &str) -> String {
    let (mut rest, mut out) = (body, String::new());
    while let Some((size, after)) = rest.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).expect("a chunk size");
        if n == 0 {
            break;
        }
        out.push_str(&after[..n]);
        rest = &after[n + 2..];
    }
    out
}

/// A question's word in another form than the articles write it: no article has
/// «строители» (nor any form of it), and «зюзюква» is in none, so the strict query finds
/// nothing; relaxed, the articles with words of the same stem prefix («строительство»,
/// «строит») are found, and say so. The stranger («зюзюква» alone) still finds nothing.
#[test]
fn a_relaxed_question_meets_other_forms_of_its_words() {
    assert_eq!(strictly("строители").total, 0, "no article has the word");
    let r = ask("строители зюзюква");
    assert!(r.relaxed, "relaxed");
    assert!(r.total >= 3, "{}", r.total);
    assert_eq!(r.total, r.hits.len());
    let stems = vestnik::analysis::terms("строители");
    for hit in &r.hits {
        let terms = vestnik::analysis::terms(&body_of(&hit.id));
        assert!(
            terms.iter().any(|t| t.starts_with("стро")),
            "{} has a word of the prefix",
            hit.id
        );
        assert!(!terms.contains(&stems[0]), "{} has the word itself", hit.id);
    }
    assert_eq!(ask("зюзюква").total, 0);
    // Strict stays strict: the prefix never widens a query with --strict.
    assert_eq!(strictly("строители зюзюква").total, 0);
}
