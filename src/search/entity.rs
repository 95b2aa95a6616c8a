//! `person:`, `org:` and `loc:` queries: a name typed in any grammatical case, in part, or in
//! Latin letters is matched against the words of the names the index holds, so
//! `person:Карину` finds "Ерлан Карин" while `person:Карин` does not find "Карина Ахметова".

use tantivy::query_grammar::{Delimiter, Occur, UserInputAst, UserInputLeaf, UserInputLiteral};
use tantivy::{Searcher, Term};

use crate::analysis;
use crate::entities::EntityType;
use crate::index::Fields;
use crate::index::schema::names;

/// Most alternative phrases one name expands to.
const MAX_PHRASES: usize = 64;

/// The entity type a query field names, if it names one.
pub(crate) fn kind_of_field(field: &str) -> Option<EntityType> {
    match field {
        "person" | "per" => Some(EntityType::Per),
        "org" => Some(EntityType::Org),
        "loc" => Some(EntityType::Loc),
        _ => None,
    }
}

fn words_field_name(kind: EntityType) -> &'static str {
    match kind {
        EntityType::Per => names::PERSON_WORDS,
        EntityType::Org => names::ORG_WORDS,
        EntityType::Loc => names::LOC_WORDS,
    }
}

fn words_field(f: &Fields, kind: EntityType) -> tantivy::schema::Field {
    match kind {
        EntityType::Per => f.person_words,
        EntityType::Org => f.org_words,
        EntityType::Loc => f.loc_words,
    }
}

/// Latin letters to Cyrillic, longest spellings first ("Erlan Karin" → "ерлан карин").
fn transliterate(word: &str) -> Vec<String> {
    const MULTI: [(&str, &str); 14] = [
        ("shch", "щ"),
        ("sch", "щ"),
        ("zh", "ж"),
        ("kh", "х"),
        ("ts", "ц"),
        ("ch", "ч"),
        ("sh", "ш"),
        ("yu", "ю"),
        ("ya", "я"),
        ("yo", "е"),
        ("ye", "е"),
        ("ju", "ю"),
        ("ja", "я"),
        ("iy", "ий"),
    ];
    let single = |c: char| -> &'static str {
        match c {
            'a' => "а",
            'b' => "б",
            'v' | 'w' => "в",
            'g' => "г",
            'd' => "д",
            'e' => "е",
            'z' => "з",
            'i' => "и",
            'y' => "ы",
            'k' | 'c' | 'q' => "к",
            'l' => "л",
            'm' => "м",
            'n' => "н",
            'o' => "о",
            'p' => "п",
            'r' => "р",
            's' => "с",
            't' => "т",
            'u' => "у",
            'f' => "ф",
            'h' => "х",
            'x' => "кс",
            'j' => "дж",
            _ => "",
        }
    };
    let mut out = String::new();
    let mut rest = word;
    'outer: while let Some(c) = rest.chars().next() {
        for (lat, cyr) in MULTI {
            if let Some(r) = rest.strip_prefix(lat) {
                out.push_str(cyr);
                rest = r;
                continue 'outer;
            }
        }
        out.push_str(single(c));
        rest = &rest[c.len_utf8()..];
    }
    let mut variants = vec![out.clone()];
    // "e" at the start of a word is usually "э" in names (Edward, Emma), "y" after a vowel "й".
    if let Some(r) = out.strip_prefix('е') {
        variants.push(format!("э{r}"));
    }
    if out.ends_with('ы') {
        variants.push(format!("{}й", out.trim_end_matches('ы')));
    }
    variants
}

/// Dictionary-form candidates of one query word, most literal first.
fn variants(word: &str) -> Vec<String> {
    let mut out = vec![word.to_string()];
    let bases: Vec<String> = if word.chars().all(|c| c.is_ascii_alphanumeric()) {
        let t = transliterate(word);
        out.extend(t.iter().cloned());
        t
    } else {
        vec![word.to_string()]
    };
    for base in bases {
        let stem = crate::entities::surname_stem(&base);
        for end in ["", "а", "я", "ий", "ый", "ая", "о", "е", "ь", "й", "ы"] {
            out.push(format!("{stem}{end}"));
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|v| !v.is_empty() && seen.insert(v.clone()));
    out
}

/// The phrases (as word lists) over the entity words field that `text` may mean, using only
/// words the index holds. A single word takes its most literal existing form; several words
/// try every combination, since only a real name will match them as a phrase.
pub(crate) fn resolve(
    searcher: &Searcher,
    fields: &Fields,
    kind: EntityType,
    text: &str,
) -> Vec<Vec<String>> {
    let field = words_field(fields, kind);
    let exists = |w: &str| {
        searcher
            .doc_freq(&Term::from_field_text(field, w))
            .is_ok_and(|n| n > 0)
    };
    let words = analysis::name_terms(text);
    if words.is_empty() {
        return Vec::new();
    }
    let mut choices: Vec<Vec<String>> = Vec::new();
    for w in &words {
        let found: Vec<String> = variants(w).into_iter().filter(|v| exists(v)).collect();
        if found.is_empty() {
            return Vec::new();
        }
        choices.push(if words.len() == 1 {
            found[..1].to_vec()
        } else {
            found
        });
    }
    let mut phrases: Vec<Vec<String>> = vec![Vec::new()];
    for options in choices {
        let mut next = Vec::new();
        for p in &phrases {
            for o in &options {
                if next.len() < MAX_PHRASES {
                    let mut q = p.clone();
                    q.push(o.clone());
                    next.push(q);
                }
            }
        }
        phrases = next;
    }
    phrases
}

/// The query clause for an entity name: any of its phrases on the entity words field, or a
/// clause that matches nothing when the index holds no such name.
pub(crate) fn clause(
    searcher: &Searcher,
    fields: &Fields,
    kind: EntityType,
    text: &str,
) -> UserInputAst {
    let phrases = resolve(searcher, fields, kind, text);
    let literal = |phrase: String| {
        UserInputAst::Leaf(Box::new(UserInputLeaf::Literal(UserInputLiteral {
            field_name: Some(words_field_name(kind).to_string()),
            phrase,
            delimiter: Delimiter::DoubleQuotes,
            slop: 0,
            prefix: false,
        })))
    };
    if phrases.is_empty() {
        // A word no name has: a term that cannot occur, so the clause matches nothing.
        return literal("\u{1}".to_string());
    }
    UserInputAst::Clause(
        phrases
            .into_iter()
            .map(|p| (Some(Occur::Should), literal(p.join(" "))))
            .collect(),
    )
}

/// Replaces every `person:`/`org:`/`loc:` literal in a parsed query with its resolved clause.
pub(crate) fn rewrite(ast: UserInputAst, searcher: &Searcher, fields: &Fields) -> UserInputAst {
    match ast {
        UserInputAst::Clause(items) => UserInputAst::Clause(
            items
                .into_iter()
                .map(|(o, sub)| (o, rewrite(sub, searcher, fields)))
                .collect(),
        ),
        UserInputAst::Boost(inner, b) => {
            UserInputAst::Boost(Box::new(rewrite(*inner, searcher, fields)), b)
        }
        UserInputAst::Leaf(leaf) => match *leaf {
            UserInputLeaf::Literal(lit)
                if lit.field_name.as_deref().and_then(kind_of_field).is_some() =>
            {
                let kind = lit
                    .field_name
                    .as_deref()
                    .and_then(kind_of_field)
                    .unwrap_or(EntityType::Per);
                clause(searcher, fields, kind, &lit.phrase)
            }
            other => UserInputAst::Leaf(Box::new(other)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_names_become_cyrillic() {
        assert!(transliterate("karin").contains(&"карин".to_string()));
        assert!(transliterate("erlan").contains(&"ерлан".to_string()));
        assert!(transliterate("zhaksybekov").contains(&"жаксыбеков".to_string()));
        assert!(transliterate("shymkent").contains(&"шымкент".to_string()));
    }

    #[test]
    fn case_forms_lead_to_the_dictionary_form() {
        for (form, lemma) in [
            ("карину", "карин"),
            ("кариным", "карин"),
            ("ерлана", "ерлан"),
            ("обамы", "обама"),
        ] {
            assert!(variants(form).contains(&lemma.to_string()), "{form}");
        }
    }
}
