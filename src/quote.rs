//! How an error message quotes what a user sent: cut short, so a pasted paragraph or a
//! megabyte of junk is not echoed back, and with control characters escaped, so the message
//! stays one line. Shared by the date reader and the HTTP parameter decoder.

/// `value` as a message quotes it: its first `max_chars` characters, control characters
/// escaped, and `…` when it was longer.
pub fn quoted(value: &str, max_chars: usize) -> String {
    let mut out: String = value
        .chars()
        .take(max_chars)
        .flat_map(|c| {
            let escaped: Vec<char> = if c.is_control() {
                c.escape_default().collect()
            } else {
                vec![c]
            };
            escaped
        })
        .collect();
    if value.chars().nth(max_chars).is_some() {
        out.push('…');
    }
    out
}
