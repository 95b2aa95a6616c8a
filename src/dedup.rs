//! Near-duplicate signatures: republished versions of one press release (another headline,
//! another source line, a paragraph dropped, added or moved) share most of their word
//! sequences. Each article's body is reduced to a MinHash signature over 4-word shingles
//! (one-permutation hashing: each shingle lands in one of 48 bins, each bin keeps its
//! minimum), whose bands of 3 bins are locality-sensitive keys: two texts whose shingle sets
//! have Jaccard similarity `s` share each band with probability about `s^3`.

/// Words per shingle: long enough that unrelated articles rarely share one, short enough
/// that a small edit changes few.
const SHINGLE: usize = 4;
/// Bins per band and bands per signature (16 × 3 scored best on edited copies of real news:
/// `vestnik bench groups`).
pub const ROWS: usize = 3;
pub const BANDS: usize = 16;
const BINS: usize = ROWS * BANDS;
/// Two articles are one release when at least this many bands agree: nearly all pairs with
/// Jaccard similarity 0.7 do, 0.6 of pairs at 0.5, 0.07 at 0.3, and unrelated news (near 0)
/// practically never.
pub const MIN_SHARED_BANDS: usize = 2;
/// Bodies shorter than this many words are too short to judge (short notices share their
/// wording with every other notice of the kind); they are never grouped.
pub const MIN_WORDS: usize = 30;

/// The band keys of `body`; a band with an empty bin (a short text) has none, and a body too
/// short to compare has no keys at all.
pub fn bands(body: &str) -> Vec<u64> {
    let words: Vec<u64> = body
        .split(|c: char| !crate::analysis::is_word_char(c))
        .filter(|w| !w.is_empty())
        .map(word_hash)
        .collect();
    if words.len() < MIN_WORDS {
        return Vec::new();
    }
    let mut bins = [u64::MAX; BINS];
    for w in words.windows(SHINGLE) {
        let shingle =
            mix(w[0] ^ w[1].rotate_left(16) ^ w[2].rotate_left(32) ^ w[3].rotate_left(48));
        let bin = ((shingle as u128 * BINS as u128) >> 64) as usize;
        let value = mix(shingle ^ 0x2545_F491_4F6C_DD1D);
        if value < bins[bin] {
            bins[bin] = value;
        }
    }
    bins.chunks(ROWS)
        .enumerate()
        .filter(|(_, band)| band.iter().all(|&m| m != u64::MAX))
        .map(|(b, band)| {
            band.iter()
                .fold(mix(b as u64 + 1), |h, &m| mix(h.rotate_left(23) ^ m))
        })
        .collect()
}

/// A word's hash, case-folded and with ё as е, without allocating.
fn word_hash(word: &str) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for c in word.chars() {
        let c = match c {
            'А'..='Я' => char::from_u32(c as u32 + 32).unwrap_or(c),
            'Ё' | 'ё' => 'е',
            'A'..='Z' => c.to_ascii_lowercase(),
            _ => c.to_lowercase().next().unwrap_or(c),
        };
        h = (h.rotate_left(5) ^ c as u64).wrapping_mul(0x51_7C_C1_B7_27_22_0A_95);
    }
    mix(h)
}

/// A bijective 64-bit mixer (the SplitMix64 finalizer).
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shared(a: &[u64], b: &[u64]) -> usize {
        a.iter().filter(|k| b.contains(k)).count()
    }

    const PARAGRAPHS: [&str; 6] = [
        "Государственный советник Ерлан Карин провел встречу с представителями Детского фонда ООН и обсудил вопросы защиты прав детей в регионах страны.",
        "По словам госсоветника, в прошлом году в республике были приняты поправки в законодательство, усиливающие ответственность за насилие в отношении несовершеннолетних.",
        "Региональный директор ЮНИСЕФ Реджина Де Доминичис отметила, что результаты исследования MICS станут основой для новых программ поддержки семей.",
        "Участники встречи договорились продолжить совместную работу по внедрению стандартов инклюзивного образования и расширению доступа к медицинской помощи.",
        "Отдельное внимание было уделено вопросам психологической поддержки подростков и профилактике суицидального поведения среди школьников.",
        "В завершение стороны подписали меморандум о сотрудничестве на ближайшие три года, сообщает пресс-служба Акорды.",
    ];

    #[test]
    fn republished_versions_share_bands_and_other_texts_do_not() {
        let original = PARAGRAPHS.join("\n\n");
        let a = bands(&original);
        assert!(a.len() >= BANDS / 2, "{}", a.len());
        // Another source line, case changes and ё: the same release.
        let edited = original
            .replace("сообщает пресс-служба Акорды", "передает Kazinform")
            .replace("е", "ё");
        assert!(shared(&a, &bands(&edited)) >= MIN_SHARED_BANDS);
        // Paragraphs reordered.
        let mut moved = PARAGRAPHS.to_vec();
        moved.swap(1, 4);
        assert!(shared(&a, &bands(&moved.join("\n\n"))) >= MIN_SHARED_BANDS);
        // An unrelated text of the same kind.
        let other = "Министерство энергетики сообщило о завершении ремонта на трех теплоэлектроцентралях региона. \
            Работы были выполнены в срок, несмотря на сложные погодные условия и нехватку специалистов. \
            В ведомстве отметили, что отопительный сезон начнется по графику во всех городах области, \
            а резерв топлива сформирован с запасом на два месяца.";
        assert!(shared(&a, &bands(other)) < MIN_SHARED_BANDS);
    }

    #[test]
    fn short_texts_are_not_compared() {
        assert!(bands("Коротко: встреча состоялась.").is_empty());
        assert!(bands("").is_empty());
    }
}
