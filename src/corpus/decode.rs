//! Turning a file's bytes into text: BOMs, UTF-8, and the legacy Cyrillic encodings that old
//! archives are full of (Windows-1251, KOI8-R), detected by chardetng and decoded by encoding_rs.

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, KOI8_R, KOI8_U, UTF_8};

use super::article::SkipReason;

/// Text and the encoding it was decoded from.
#[derive(Debug)]
pub struct Decoded {
    /// The file's text, now UTF-8.
    pub text: String,
    /// The encoding it was decoded from, shown to users beside the article.
    pub encoding: &'static Encoding,
    /// Bytes that were not valid in that encoding and were replaced with U+FFFD (a UTF-8 text
    /// cut mid-character, a stray byte): the text is kept, and the summary says so.
    pub replaced: usize,
}

/// At most this many bad bytes, and at most one per [`BAD_BYTES_PER`] bytes of multi-byte
/// UTF-8, make a text "UTF-8 with a few bad bytes" rather than another encoding.
const MAX_BAD_BYTES: usize = 16;
const BAD_BYTES_PER: usize = 100;

/// Share of control characters above which decoded "text" is taken for a binary file.
const MAX_CONTROL_SHARE: f64 = 0.01;

/// Decodes `bytes`, honouring a BOM, then UTF-8, then the detector's guess; `forced` skips the
/// guessing (`--encoding`).
pub fn decode(bytes: &[u8], forced: Option<&'static Encoding>) -> Result<Decoded, SkipReason> {
    if bytes.is_empty() {
        return Err(SkipReason::Empty);
    }
    let mut replaced = 0;
    let (text, encoding, had_errors) = if let Some(enc) = forced {
        let (text, enc, errors) = enc.decode(bytes);
        (text.into_owned(), enc, errors)
    } else if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        (text.into_owned(), enc, errors)
    } else if let Some(enc) = utf16_without_bom(bytes) {
        let (text, errors) = enc.decode_without_bom_handling(bytes);
        (text.into_owned(), enc, errors)
    } else if bytes.contains(&0) {
        return Err(SkipReason::Binary);
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        (text.to_string(), UTF_8, false)
    } else if let Some(bad) = few_bad_utf8_bytes(bytes) {
        replaced = bad;
        (String::from_utf8_lossy(bytes).into_owned(), UTF_8, false)
    } else {
        let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
        detector.feed(bytes, true);
        let enc = prefer_koi8_r(detector.guess(None, Utf8Detection::Deny), bytes);
        let (text, errors) = enc.decode_without_bom_handling(bytes);
        (text.into_owned(), enc, errors)
    };
    if had_errors && forced.is_none() {
        return Err(SkipReason::Undecodable(encoding.name()));
    }
    if looks_binary(&text) {
        return Err(SkipReason::Binary);
    }
    Ok(Decoded {
        text: text.replace("\r\n", "\n"),
        encoding,
        replaced,
    })
}

/// UTF-8 but for a few bad bytes (a text cut mid-character, a stray byte), as the number of
/// bad bytes: reading it in a legacy encoding would turn all of its Cyrillic into nonsense.
fn few_bad_utf8_bytes(bytes: &[u8]) -> Option<usize> {
    let (mut bad, mut multibyte) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        multibyte += chunk.valid().len() - chunk.valid().chars().filter(char::is_ascii).count();
        bad += chunk.invalid().len();
        if bad > MAX_BAD_BYTES {
            return None;
        }
    }
    (bad > 0 && bad * BAD_BYTES_PER <= multibyte).then_some(bad)
}

/// UTF-16 without a byte-order mark: Russian text in it has a high byte of 0x04 (Cyrillic) or
/// 0x00 (ASCII) in nearly every code unit, on the same side, and zero bytes there.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 16 || !bytes.len().is_multiple_of(2) || !bytes.contains(&0) {
        return None;
    }
    let sample = &bytes[..bytes.len().min(64 * 1024) & !1];
    let units = sample.len() / 2;
    let high_on = |side: usize| {
        sample
            .chunks_exact(2)
            .filter(|u| matches!(u[side], 0x00 | 0x04) && u[1 - side] != 0)
            .count()
    };
    let (le, be) = (high_on(1), high_on(0));
    let enough = |n: usize| n * 10 >= units * 9;
    if enough(le) && le > be {
        Some(encoding_rs::UTF_16LE)
    } else if enough(be) && be > le {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// chardetng names KOI8-U for any KOI8 text; KOI8-R reads the same bytes identically except
/// for Ukrainian letters, so a text without them is reported (and read) as the KOI8-R it
/// almost certainly is in a Russian archive.
fn prefer_koi8_r(guess: &'static Encoding, bytes: &[u8]) -> &'static Encoding {
    if guess != KOI8_U {
        return guess;
    }
    let (text, _) = KOI8_U.decode_without_bom_handling(bytes);
    if text.contains(['є', 'Є', 'ї', 'Ї', 'ґ', 'Ґ', 'і', 'І']) {
        KOI8_U
    } else {
        KOI8_R
    }
}

fn looks_binary(text: &str) -> bool {
    let mut total = 0usize;
    let mut control = 0usize;
    for c in text.chars().take(64 * 1024) {
        total += 1;
        if c == '\0' || (c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{0C}')) {
            control += 1;
        }
    }
    total > 0 && control as f64 / total as f64 > MAX_CONTROL_SHARE
}

/// Resolves a user's `--encoding` label ("cp1251", "koi8-r", "utf-16le", ...).
pub fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    Encoding::for_label(label.trim().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::WINDOWS_1251;

    const TEXT: &str = "Государственный советник встретился с представителями ЮНИСЕФ \
        и обсудил защиту прав детей в сельских районах страны.";

    #[test]
    fn utf8_with_and_without_bom() {
        let d = decode(TEXT.as_bytes(), None).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (TEXT, UTF_8));
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), TEXT.as_bytes()].concat();
        assert_eq!(decode(&with_bom, None).unwrap().text, TEXT);
    }

    #[test]
    fn legacy_cyrillic_is_detected() {
        for enc in [WINDOWS_1251, KOI8_R] {
            let (bytes, _, _) = enc.encode(TEXT);
            let d = decode(&bytes, None).unwrap();
            assert_eq!(d.encoding, enc);
            assert_eq!(d.text, TEXT);
        }
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(TEXT.encode_utf16().flat_map(|u| u.to_le_bytes()));
        let d = decode(&bytes, None).unwrap();
        assert_eq!(d.encoding.name(), "UTF-16LE");
        assert_eq!(d.text, TEXT);
    }

    #[test]
    fn utf16_without_bom_and_utf8_with_a_few_bad_bytes() {
        let le: Vec<u8> = TEXT.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let be: Vec<u8> = TEXT.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        for (bytes, name) in [(le, "UTF-16LE"), (be, "UTF-16BE")] {
            let d = decode(&bytes, None).unwrap();
            assert_eq!((d.text.as_str(), d.encoding.name()), (TEXT, name));
        }
        // Cut in the middle of its last letter, and one stray byte.
        let cut = &TEXT.as_bytes()[..TEXT.len() - 2];
        let d = decode(cut, None).unwrap();
        assert_eq!((d.encoding, d.replaced), (UTF_8, 1));
        assert!(d.text.starts_with("Государственный советник"));
        let stray = [TEXT.as_bytes(), b"\xff", TEXT.as_bytes()].concat();
        assert_eq!(decode(&stray, None).unwrap().replaced, 1);
        // Windows-1251 is still Windows-1251, not UTF-8 with bad bytes.
        let (cp, _, _) = WINDOWS_1251.encode(TEXT);
        assert_eq!(decode(&cp, None).unwrap().encoding, WINDOWS_1251);
    }

    #[test]
    fn forced_encoding_wins() {
        let (bytes, _, _) = KOI8_R.encode(TEXT);
        let d = decode(&bytes, Some(WINDOWS_1251)).unwrap();
        assert_eq!(d.encoding, WINDOWS_1251);
        assert_ne!(d.text, TEXT);
        assert_eq!(encoding_for_label("cp1251"), Some(WINDOWS_1251));
    }

    #[test]
    fn binary_and_empty() {
        assert!(matches!(decode(b"", None), Err(SkipReason::Empty)));
        assert!(matches!(
            decode(b"PK\x03\x04\0\0", None),
            Err(SkipReason::Binary)
        ));
        let noise: Vec<u8> = (0..4000u32).map(|i| (i * 37 % 31) as u8 + 1).collect();
        assert!(matches!(decode(&noise, None), Err(SkipReason::Binary)));
    }
}
