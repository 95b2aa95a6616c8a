//! Turning a file's bytes into text: BOMs, UTF-8, and the legacy Cyrillic encodings that old
//! archives are full of (Windows-1251, KOI8-R), detected by chardetng and decoded by encoding_rs.

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, KOI8_R, KOI8_U, UTF_8};

use super::SkipReason;

/// Text and the encoding it was decoded from.
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static Encoding,
}

/// Share of control characters above which decoded "text" is taken for a binary file.
const MAX_CONTROL_SHARE: f64 = 0.01;

/// Decodes `bytes`, honouring a BOM, then UTF-8, then the detector's guess; `forced` skips the
/// guessing (`--encoding`).
pub fn decode(bytes: &[u8], forced: Option<&'static Encoding>) -> Result<Decoded, SkipReason> {
    if bytes.is_empty() {
        return Err(SkipReason::Empty);
    }
    let (text, encoding, had_errors) = if let Some(enc) = forced {
        let (text, enc, errors) = enc.decode(bytes);
        (text.into_owned(), enc, errors)
    } else if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        (text.into_owned(), enc, errors)
    } else if bytes.contains(&0) {
        return Err(SkipReason::Binary);
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        (text.to_string(), UTF_8, false)
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
    })
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
