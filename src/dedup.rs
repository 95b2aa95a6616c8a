//! Near-duplicate signatures: republished versions of one press release (another headline,
//! another source line, a paragraph dropped, added or moved) share most of their word
//! sequences. Each article's body is reduced to a MinHash signature over 4-word shingles
//! (one-permutation hashing: each shingle lands in one of 48 bins, each bin keeps its
//! minimum). Bands of bins find candidates quickly; the share of agreeing bins, an estimate
//! of the Jaccard similarity of the two shingle sets, decides.

/// Words per shingle: long enough that unrelated articles rarely share one, short enough
/// that a small edit changes few.
const SHINGLE: usize = 4;
/// Bins of the signature, and bins per band: 16 bands of 3.
pub const BINS: usize = 48;
const ROWS: usize = 3;
/// Two articles are one release when their signatures agree on at least this share of the
/// bins both have: an estimate of the Jaccard similarity of their shingle sets. Sharing a
/// band only makes an article a candidate; boilerplate paragraphs shared by thousands of
/// articles of one outlet make many candidates but rarely half the bins.
pub const MIN_SIMILARITY: f64 = 0.6;
/// Bodies shorter than this many words are too short to judge (short notices share their
/// wording with every other notice of the kind); they are never grouped.
pub const MIN_WORDS: usize = 30;

/// An article's signature: each bin's minimum, truncated to 16 bits (1..=65535; 0 is an empty
/// bin). Truncation makes two different minima agree once in 65,535 bins, far below what moves
/// the similarity threshold, and keeps a signature at 96 bytes.
pub type Signature = [u16; BINS];

/// The signature of `body`, or `None` when it is too short to compare.
pub fn signature(body: &str) -> Option<Signature> {
    let words: Vec<u64> = body
        .split(|c: char| !crate::analysis::is_word_char(c))
        .filter(|w| !w.is_empty())
        .map(word_hash)
        .collect();
    if words.len() < MIN_WORDS {
        return None;
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
    Some(bins.map(|m| {
        if m == u64::MAX {
            0
        } else {
            (m % 65_535) as u16 + 1
        }
    }))
}

/// The locality-sensitive keys of a signature: one per band of 3 bins with no empty bin.
/// Texts with Jaccard similarity `s` share each band with probability about `s^3`.
pub fn bands(sig: &Signature) -> Vec<u64> {
    sig.chunks(ROWS)
        .enumerate()
        .filter(|(_, band)| band.iter().all(|&m| m != 0))
        .map(|(b, band)| {
            band.iter()
                .fold(mix(b as u64 + 1), |h, &m| mix(h.rotate_left(23) ^ m as u64))
        })
        .collect()
}

/// The share of bins, among those both signatures have, on which they agree; 0 when they
/// have too few in common to tell.
pub fn similarity(a: &Signature, b: &Signature) -> f64 {
    let (mut both, mut equal) = (0, 0);
    for (x, y) in a.iter().zip(b) {
        if *x != 0 && *y != 0 {
            both += 1;
            equal += usize::from(x == y);
        }
    }
    if both < BINS / 3 {
        0.0
    } else {
        equal as f64 / both as f64
    }
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

    const PARAGRAPHS: [&str; 6] = [
        "Государственный советник Ерлан Карин провел встречу с представителями Детского фонда ООН и обсудил вопросы защиты прав детей в регионах страны.",
        "По словам госсоветника, в прошлом году в республике были приняты поправки в законодательство, усиливающие ответственность за насилие в отношении несовершеннолетних.",
        "Региональный директор ЮНИСЕФ Реджина Де Доминичис отметила, что результаты исследования MICS станут основой для новых программ поддержки семей.",
        "Участники встречи договорились продолжить совместную работу по внедрению стандартов инклюзивного образования и расширению доступа к медицинской помощи.",
        "Отдельное внимание было уделено вопросам психологической поддержки подростков и профилактике суицидального поведения среди школьников.",
        "В завершение стороны подписали меморандум о сотрудничестве на ближайшие три года, сообщает пресс-служба Акорды.",
    ];

    const OTHER: &str = "Министерство энергетики сообщило о завершении ремонта на трех теплоэлектроцентралях региона. \
        Работы были выполнены в срок, несмотря на сложные погодные условия и нехватку специалистов. \
        В ведомстве отметили, что отопительный сезон начнется по графику во всех городах области, \
        а резерв топлива сформирован с запасом на два месяца.";

    #[test]
    fn republished_versions_are_similar_and_other_texts_are_not() {
        let original = PARAGRAPHS.join("\n\n");
        let a = signature(&original).unwrap();
        assert!(bands(&a).len() >= 8);
        // Another source line, case changes and ё: the same release.
        let edited = original
            .replace("сообщает пресс-служба Акорды", "передает Kazinform")
            .replace('е', "ё");
        assert!(similarity(&a, &signature(&edited).unwrap()) >= MIN_SIMILARITY);
        // Paragraphs reordered.
        let mut moved = PARAGRAPHS.to_vec();
        moved.swap(1, 4);
        assert!(similarity(&a, &signature(&moved.join("\n\n")).unwrap()) >= MIN_SIMILARITY);
        // An unrelated text of the same kind, and one that shares a single paragraph.
        assert!(similarity(&a, &signature(OTHER).unwrap()) < 0.1);
        let one_shared = format!("{OTHER}\n\n{}\n\n{OTHER}", PARAGRAPHS[0]);
        assert!(similarity(&a, &signature(&one_shared).unwrap()) < MIN_SIMILARITY);
    }

    #[test]
    fn short_texts_are_not_compared() {
        assert!(signature("Коротко: встреча состоялась.").is_none());
        assert!(signature("").is_none());
    }
}
