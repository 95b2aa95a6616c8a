//! Reading a file record by record. A JSON Lines dump of any size is read one line at a time,
//! and a JSON array one element at a time, with bounded memory, each record decoded and parsed
//! on its own, so a feed of hundreds of megabytes is the normal case rather than "too large",
//! and one bad record (a cp1251 record in a UTF-8 feed, a NUL byte, broken JSON, a record over
//! the size limit) loses only itself. Other files are read whole, within the size limit.

use std::fs::File;
use std::io::{BufRead, BufReader};

use super::{
    Article, Format, Found, ReadOptions, RecordIds, Skip, SkipReason, article_of, decode, json,
};

/// The articles and skipped records of one file, in file order.
pub struct Records {
    inner: Inner,
}

enum Inner {
    Whole(std::vec::IntoIter<Result<Article, Skip>>),
    Lines(Box<Lines>),
}

/// How a container file is cut into records.
enum Split {
    /// One record per line (`.jsonl`).
    Lines,
    /// One record per element of a top-level array (`.json` that starts with `[`).
    Array(ArrayState),
}

struct Lines {
    split: Split,
    reader: BufReader<File>,
    found: Found,
    opts: ReadOptions,
    /// 1-based number of the line (or array element) last read.
    line: usize,
    /// Lines that held a record (or tried to), to tell an empty feed from a full one.
    records: usize,
    /// Bytes of the file read so far.
    read: u64,
    buf: Vec<u8>,
    done: bool,
    /// Names the records without an id of their own (by their text, not their line).
    ids: RecordIds,
}

/// Opens `found` for reading record by record. A file that cannot be read at all is one skip
/// reason here; every later problem is a skip of one record.
pub fn records(found: &Found, opts: &ReadOptions) -> Result<Records, SkipReason> {
    let meta = std::fs::metadata(&found.path).map_err(|e| SkipReason::Unreadable(e.to_string()))?;
    if !meta.is_file() {
        return Err(SkipReason::NotRegularFile);
    }
    let format = Format::of(&found.path);
    if matches!(format, Some(Format::JsonLines | Format::Json)) {
        if meta.len() == 0 {
            return Err(SkipReason::Empty);
        }
        let file = File::open(&found.path).map_err(|e| SkipReason::Unreadable(e.to_string()))?;
        let mut reader = BufReader::with_capacity(1 << 16, file);
        let head = reader
            .fill_buf()
            .map_err(|e| SkipReason::Unreadable(e.to_string()))?;
        // UTF-16 records cannot be cut at a byte; such a file is read whole, and so is a JSON
        // file that is one object rather than an array.
        let utf16 = matches!(head, [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..]);
        let split = match format {
            Some(Format::JsonLines) => Some(Split::Lines),
            _ if starts_an_array(head) => Some(Split::Array(ArrayState::default())),
            _ => None,
        };
        if let (false, Some(split)) = (utf16, split) {
            return Ok(Records {
                inner: Inner::Lines(Box::new(Lines {
                    split,
                    reader,
                    found: found.clone(),
                    opts: *opts,
                    line: 0,
                    records: 0,
                    read: 0,
                    buf: Vec::new(),
                    done: false,
                    ids: RecordIds::default(),
                })),
            });
        }
    }
    let contents = super::read(found, opts);
    let all: Vec<Result<Article, Skip>> = contents
        .articles
        .into_iter()
        .map(Ok)
        .chain(contents.skips.into_iter().map(Err))
        .collect();
    Ok(Records {
        inner: Inner::Whole(all.into_iter()),
    })
}

impl Records {
    /// Bytes of the file read so far (all of it for a file read whole).
    pub fn bytes_read(&self) -> u64 {
        match &self.inner {
            Inner::Whole(_) => 0,
            Inner::Lines(lines) => lines.read,
        }
    }
}

impl Iterator for Records {
    type Item = Result<Article, Skip>;

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.inner {
            Inner::Whole(items) => items.next(),
            Inner::Lines(lines) => lines.next(),
        }
    }
}

impl Lines {
    fn skip(&self, record: Option<usize>, reason: SkipReason) -> Skip {
        Skip {
            path: self.found.path.clone(),
            record,
            reason,
        }
    }

    fn next(&mut self) -> Option<Result<Article, Skip>> {
        while !self.done {
            let cap = self.opts.max_size;
            let read = match &mut self.split {
                Split::Lines => read_line_capped(&mut self.reader, &mut self.buf, cap),
                Split::Array(state) => {
                    read_element_capped(&mut self.reader, &mut self.buf, cap, state)
                }
            };
            let size = match read {
                Ok(Some(size)) => size,
                Ok(None) => {
                    self.done = true;
                    if self.records == 0 {
                        return Some(Err(self.skip(None, SkipReason::NoText)));
                    }
                    return None;
                }
                Err(e) => {
                    self.done = true;
                    let line = Some(self.line + 1);
                    return Some(Err(self.skip(line, SkipReason::Unreadable(e.to_string()))));
                }
            };
            self.line += 1;
            self.read += size as u64 + 1;
            if self.buf.iter().all(|b| b.is_ascii_whitespace()) && size == self.buf.len() {
                continue;
            }
            self.records += 1;
            let line = Some(self.line);
            if size > self.buf.len() {
                let limit = self.opts.max_size;
                let size = size as u64;
                return Some(Err(self.skip(line, SkipReason::TooLarge { size, limit })));
            }
            let decoded = match decode(&self.buf, self.opts.encoding) {
                Ok(d) => d,
                Err(reason) => return Some(Err(self.skip(line, reason))),
            };
            let result = json::record_fields(&decoded.text).and_then(|fields| {
                article_of(
                    fields,
                    &self.found,
                    Some(&mut self.ids),
                    decoded.encoding.name(),
                    decoded.replaced,
                )
            });
            return Some(result.map_err(|reason| self.skip(line, reason)));
        }
        None
    }
}

/// Reads one line (without its `\n`) into `buf`, keeping at most `cap` bytes of it; returns the
/// line's full length, or `None` at the end of the file. A longer line is consumed to its end
/// without being held, so one huge record costs no memory.
fn read_line_capped(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    cap: u64,
) -> std::io::Result<Option<usize>> {
    buf.clear();
    let cap = usize::try_from(cap).unwrap_or(usize::MAX);
    let mut size = 0usize;
    let mut any = false;
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            return Ok(any.then_some(size));
        }
        any = true;
        let (chunk, end) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (&available[..i], Some(i + 1)),
            None => (available, None),
        };
        let room = cap.saturating_sub(buf.len());
        buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
        size += chunk.len();
        let used = end.unwrap_or(available.len());
        reader.consume(used);
        if end.is_some() {
            if buf.last() == Some(&b'\r') && size == buf.len() {
                buf.pop();
                size -= 1;
            }
            return Ok(Some(size));
        }
    }
}

/// Whether a file's first bytes, after a UTF-8 byte order mark and whitespace, open an array.
fn starts_an_array(head: &[u8]) -> bool {
    let head = head.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(head);
    head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[')
}

/// Nesting kept track of inside one array element; deeper levels are only counted.
const MAX_NESTING: usize = 1024;

/// Where [`read_element_capped`] is in a top-level JSON array.
#[derive(Default)]
struct ArrayState {
    /// The opening `[` has been read.
    opened: bool,
    /// The closing `]` (or the end of the file) has been reached.
    closed: bool,
}

/// Reads the next element of a top-level JSON array into `buf`, keeping at most `cap` bytes
/// of it; returns the element's full length, or `None` after the last one. Elements are found
/// by their structure alone (brackets and braces outside strings, and the commas between them)
/// so a broken element still ends where it should and loses only itself; whether it is valid
/// JSON is for the parser to say. The bytes looked at (`[]{},"\`) are ASCII, so this holds
/// for UTF-8 and every single-byte encoding.
fn read_element_capped(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    cap: u64,
    state: &mut ArrayState,
) -> std::io::Result<Option<usize>> {
    buf.clear();
    if state.closed {
        return Ok(None);
    }
    let cap = usize::try_from(cap).unwrap_or(usize::MAX);
    // Before the element: the BOM and `[` of the file, whitespace and the comma after the
    // previous element.
    loop {
        let available = reader.fill_buf()?;
        let Some(&b) = available.first() else {
            state.closed = true;
            return Ok(None);
        };
        if !state.opened {
            if available.starts_with(&[0xEF, 0xBB, 0xBF]) {
                reader.consume(3);
                continue;
            }
            if b == b'[' {
                state.opened = true;
            }
            if b == b'[' || b.is_ascii_whitespace() {
                reader.consume(1);
                continue;
            }
        }
        match b {
            b',' => reader.consume(1),
            b if b.is_ascii_whitespace() => reader.consume(1),
            b']' => {
                reader.consume(1);
                state.closed = true;
                return Ok(None);
            }
            _ => break,
        }
    }
    // The closers expected, innermost last (beyond MAX_NESTING only counted), and whether we
    // are inside a string.
    let (mut open, mut deeper) = (Vec::<u8>::new(), 0usize);
    let (mut in_string, mut escaped) = (false, false);
    let mut size = 0usize;
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            // The file ends inside an element: it is what it is, and the parser will say so.
            state.closed = true;
            return Ok(Some(size));
        }
        let mut end = None;
        for (i, &b) in available.iter().enumerate() {
            if in_string {
                if escaped {
                    escaped = false;
                } else if b == b'\\' {
                    escaped = true;
                } else if b == b'"' || b == b'\n' {
                    // A raw line break cannot be inside a JSON string: the string is broken,
                    // and the next line starts afresh.
                    in_string = false;
                }
                continue;
            }
            match b {
                b'"' => in_string = true,
                b'{' | b'[' if open.len() < MAX_NESTING => {
                    open.push(if b == b'{' { b'}' } else { b']' })
                }
                b'{' | b'[' => deeper += 1,
                b'}' | b']' if deeper > 0 => deeper -= 1,
                b'}' | b']' if !open.is_empty() => {
                    // A closer that does not match (`{"a": [1}`) closes what it can: the
                    // broken element still ends where it should.
                    while let Some(expected) = open.pop() {
                        if expected == b {
                            break;
                        }
                    }
                }
                b']' | b',' if open.is_empty() => {
                    end = Some(i);
                    break;
                }
                _ => {}
            }
        }
        let used = end.unwrap_or(available.len());
        let room = cap.saturating_sub(buf.len());
        buf.extend_from_slice(&available[..used.min(room)]);
        size += used;
        reader.consume(used);
        if end.is_some() {
            return Ok(Some(size));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn elements(text: &[u8], cap: u64) -> Vec<(usize, String)> {
        let mut reader = BufReader::with_capacity(3, text);
        let (mut buf, mut state) = (Vec::new(), ArrayState::default());
        let mut out = Vec::new();
        while let Some(size) = read_element_capped(&mut reader, &mut buf, cap, &mut state).unwrap()
        {
            out.push((size, String::from_utf8_lossy(&buf).trim().to_string()));
        }
        out
    }

    #[test]
    fn array_elements_are_cut_by_structure() {
        let text =
            "\u{feff} [ {\"t\": \"a, [b] \\\" }\"}, {\"n\": [1, {\"x\": 2}]} ,\n{broken,}, 7 ]  ";
        let got = elements(text.as_bytes(), 1 << 20);
        let texts: Vec<&str> = got.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(
            texts,
            [
                r#"{"t": "a, [b] \" }"}"#,
                r#"{"n": [1, {"x": 2}]}"#,
                "{broken,}",
                "7"
            ]
        );
        assert_eq!(elements(b"[]", 100), []);
        // Broken elements end where they should: a closer that does not match, a string cut
        // by a line break.
        let broken = elements(b"[{\"a\": [1}, {\"b\": \"cut\n}, {\"c\": 3}]", 100);
        let broken: Vec<&str> = broken.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(broken, ["{\"a\": [1}", "{\"b\": \"cut\n}", "{\"c\": 3}"]);
        assert_eq!(
            elements(b"[{\"a\": 1}", 100).len(),
            1,
            "an unclosed array keeps its element"
        );
    }

    #[test]
    fn a_long_element_is_measured_not_held() {
        let got = elements(br#"[{"t": "0123456789"}, {"t": "x"}]"#, 6);
        // Six bytes kept (shown trimmed), the whole length counted.
        assert_eq!(got[0], (19, r#"{"t":"#.to_string()));
        assert_eq!(got[1], (10, r#"{"t":"#.to_string()));
    }

    #[test]
    fn long_lines_are_measured_not_held() {
        let text = b"short\r\n0123456789\nlast";
        let mut reader = BufReader::with_capacity(4, &text[..]);
        let mut buf = Vec::new();
        assert_eq!(read_line_capped(&mut reader, &mut buf, 8).unwrap(), Some(5));
        assert_eq!(buf, b"short");
        assert_eq!(
            read_line_capped(&mut reader, &mut buf, 8).unwrap(),
            Some(10)
        );
        assert_eq!(buf, b"01234567");
        assert_eq!(read_line_capped(&mut reader, &mut buf, 8).unwrap(), Some(4));
        assert_eq!(read_line_capped(&mut reader, &mut buf, 8).unwrap(), None);
    }
}
