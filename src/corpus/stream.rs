//! Reading a file record by record. A JSON Lines dump of any size is read one line at a time
//! with bounded memory, each line decoded and parsed on its own, so a feed of hundreds of
//! megabytes is the normal case rather than "too large", and one bad line (a cp1251 record in a
//! UTF-8 feed, a NUL byte, broken JSON, a record over the size limit) loses only itself. Other
//! files are read whole, within the size limit.

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

struct Lines {
    reader: BufReader<File>,
    found: Found,
    opts: ReadOptions,
    /// 1-based number of the line last read.
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
    if Format::of(&found.path) == Some(Format::JsonLines) {
        if meta.len() == 0 {
            return Err(SkipReason::Empty);
        }
        let file = File::open(&found.path).map_err(|e| SkipReason::Unreadable(e.to_string()))?;
        let mut reader = BufReader::with_capacity(1 << 16, file);
        let head = reader
            .fill_buf()
            .map_err(|e| SkipReason::Unreadable(e.to_string()))?;
        // UTF-16 lines cannot be split at a byte; such a file is read whole.
        if !matches!(head, [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..]) {
            return Ok(Records {
                inner: Inner::Lines(Box::new(Lines {
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
            let read = read_line_capped(&mut self.reader, &mut self.buf, self.opts.max_size);
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

#[cfg(test)]
mod tests {
    use super::*;

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
