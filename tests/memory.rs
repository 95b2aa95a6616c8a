//! Memory of entity extraction on a vocabulary larger than its caches: past the morphology
//! cache's limit, a word form costs the tagger its sums and its text, not a copy of its
//! dictionary analysis, and names are still found as before. Counted by a global allocator
//! around the system one (allocated bytes, not RSS), in a binary with this one test so nothing
//! else allocates meanwhile.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use vestnik::entities::{EntityType, Extractor};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed to the system allocator unchanged; only a counter is kept.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is the system allocator's.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as above.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_add(new_size, Ordering::Relaxed);
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Distinct made-up Russian-looking words, `count` of them from number `from` on, in
/// sentences of twelve, every sentence's first word and some others capitalized: words the
/// dictionary does not know and guesses an analysis for, as it does for a real archive's rare
/// forms.
fn made_up_text(from: usize, count: usize) -> String {
    const CONSONANTS: [char; 20] = [
        'б', 'в', 'г', 'д', 'ж', 'з', 'к', 'л', 'м', 'н', 'п', 'р', 'с', 'т', 'ф', 'х', 'ц', 'ч',
        'ш', 'щ',
    ];
    const VOWELS: [char; 9] = ['а', 'е', 'и', 'о', 'у', 'ы', 'э', 'ю', 'я'];
    let mut text = String::new();
    for i in from..from + count {
        let mut n = i + 180 * 180;
        let mut word = String::new();
        while n > 0 {
            word.push(CONSONANTS[n % 180 / 9]);
            word.push(VOWELS[n % 9]);
            n /= 180;
        }
        if i % 12 == 0 || i % 7 == 3 {
            let mut chars = word.chars();
            word = chars
                .next()
                .into_iter()
                .flat_map(char::to_uppercase)
                .chain(chars)
                .collect();
        }
        text.push_str(&word);
        text.push_str(if i % 12 == 11 { ". " } else { " " });
    }
    text
}

/// Words per article, as in a long one.
const ARTICLE: usize = 10_000;

fn tag_words(extractor: &Extractor, from: usize, count: usize) {
    for start in (from..from + count).step_by(ARTICLE) {
        extractor.extract(&made_up_text(start, ARTICLE));
    }
}

#[test]
fn past_the_morphology_cache_a_new_word_costs_no_copy_of_its_analysis() {
    let extractor = Extractor::shipped();
    let names = || -> Vec<(EntityType, String)> {
        extractor
            .extract("Ерлан Карин провел встречу в Астане. Карин отметил важность диалога.")
            .into_iter()
            .map(|m| (m.kind, m.norm))
            .collect()
    };
    let found_first = names();
    assert!(
        found_first.contains(&(EntityType::Per, "Ерлан Карин".to_string())),
        "{found_first:?}"
    );
    // The dictionary and model load, and the morphology cache fills: it holds 200,000 forms.
    tag_words(extractor, 0, 200_000);
    let before = LIVE.load(Ordering::Relaxed);
    // Forms the cache has no room for: each is analysed for itself, and the tagger keeps its
    // sums (under its own limit of 262,144 forms, so none are forgotten here).
    let fresh = 40_000;
    tag_words(extractor, 200_000, fresh);
    let grown = LIVE.load(Ordering::Relaxed).saturating_sub(before);
    // Its text and shape take a few dozen bytes (19 when measured); a kept analysis took 500
    // more (509 before).
    let per_word = grown / fresh;
    assert!(
        per_word < 200,
        "{per_word} bytes kept per new word form ({grown} bytes for {fresh})"
    );
    // And an ordinary article's names are found as when the caches were empty.
    assert_eq!(names(), found_first);
}
