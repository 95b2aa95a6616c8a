//! Output longer than the screen goes through a pager on a terminal, as git does, so that a
//! search's first hits do not scroll away: `$PAGER`, by default `less -FRX` (quit when it all
//! fits, keep the colours, leave the text on the screen). Never in a pipe, never with
//! `--no-pager`, and when the pager cannot be started the output is printed as it is.
//!
//! On a terminal the output is held until it is complete, to know whether it fits; in a pipe
//! it streams.

use std::io::{self, IsTerminal, Write};
use std::process::{Command, Stdio};

/// The pager when `$PAGER` is not set.
const DEFAULT_PAGER: &str = "less -FRX";
/// Characters that make a pager command the shell's to read (quotes, pipes, variables...);
/// without them, its words are the program and its arguments.
const SHELL_SYNTAX: &str = "|&;<>()$`\\\"'*?[]#~=%{}";

/// A terminal's size in character cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Screen {
    pub rows: usize,
    pub cols: usize,
}

/// The size of the terminal stdout writes to; `None` when stdout is not a terminal.
pub(super) fn screen() -> Option<Screen> {
    if !io::stdout().is_terminal() {
        return None;
    }
    let env = |name: &str| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .filter(|&n| n > 0)
    };
    let (rows, cols) = crate::sys::stdout_window_size().unwrap_or((0, 0));
    Some(Screen {
        rows: if rows > 0 {
            rows
        } else {
            env("LINES").unwrap_or(24)
        },
        cols: if cols > 0 {
            cols
        } else {
            env("COLUMNS").unwrap_or(80)
        },
    })
}

/// Where a command's output goes: straight to stdout, or held for the pager.
pub(super) enum Paged {
    Direct(io::BufWriter<io::StdoutLock<'static>>),
    Held { text: Vec<u8>, screen: Screen },
}

impl Paged {
    /// Stdout, held for the pager when it is a terminal and `no_pager` is not set.
    pub fn stdout(no_pager: bool) -> Paged {
        match screen() {
            Some(screen) if !no_pager => Paged::Held {
                text: Vec::new(),
                screen,
            },
            _ => Paged::Direct(io::BufWriter::new(io::stdout().lock())),
        }
    }

    /// Ends the output: through the pager when it is longer than the screen, else as it is.
    pub fn finish(self) -> io::Result<()> {
        match self {
            Paged::Direct(mut out) => out.flush(),
            Paged::Held { text, screen } => {
                let pager = std::env::var("PAGER").ok();
                if let Some(command) = pager_for(&text, screen, pager.as_deref())
                    && run_pager(&command, &text)
                {
                    return Ok(());
                }
                let mut out = io::stdout().lock();
                out.write_all(&text)?;
                out.flush()
            }
        }
    }
}

impl Write for Paged {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Paged::Direct(out) => out.write(buf),
            Paged::Held { text, .. } => {
                text.extend_from_slice(buf);
                Ok(buf.len())
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Paged::Direct(out) => out.flush(),
            Paged::Held { .. } => Ok(()),
        }
    }
}

/// The pager to show `text` through on `screen`, given `$PAGER`: none when the text fits
/// (with a line left for the shell's prompt) or when `$PAGER` is empty or `cat`.
fn pager_for(text: &[u8], screen: Screen, pager_var: Option<&str>) -> Option<String> {
    let command = match pager_var.map(str::trim) {
        None => DEFAULT_PAGER,
        Some("" | "cat") => return None,
        Some(command) => command,
    };
    let lines = screen_lines(&String::from_utf8_lossy(text), screen.cols);
    (lines >= screen.rows).then(|| command.to_string())
}

/// How many rows of a `cols`-wide terminal `text` fills: long lines wrap, colour codes take
/// no room.
fn screen_lines(text: &str, cols: usize) -> usize {
    let cols = cols.max(1);
    text.lines()
        .map(|line| visible_chars(line).div_ceil(cols).max(1))
        .sum()
}

/// The characters of a line that take room on screen: all but ANSI escape sequences.
fn visible_chars(line: &str) -> usize {
    let mut n = 0;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            // CSI: ESC [ parameters, then a final letter.
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            n += 1;
        }
    }
    n
}

/// Shows `text` through `command`; false when the pager could not be started, so that the
/// caller prints it instead. A command with shell syntax in it runs under `sh -c`, as git
/// runs it; a plain one is started directly, so that a missing program is known at once.
fn run_pager(command: &str, text: &[u8]) -> bool {
    let mut cmd = if command.contains(|c: char| SHELL_SYNTAX.contains(c)) {
        let mut sh = Command::new("sh");
        sh.arg("-c").arg(command);
        sh
    } else {
        let mut words = command.split_whitespace();
        let Some(program) = words.next() else {
            return false;
        };
        let mut direct = Command::new(program);
        direct.args(words);
        direct
    };
    // less's options when `$PAGER` is plain `less`, as git sets them.
    if std::env::var_os("LESS").is_none() {
        cmd.env("LESS", "FRX");
    }
    if std::env::var_os("LV").is_none() {
        cmd.env("LV", "-c");
    }
    let Ok(mut child) = cmd.stdin(Stdio::piped()).spawn() else {
        return false;
    };
    // Ctrl-C in the pager is the pager's: vestnik waits for it to end instead of leaving it
    // on a terminal it no longer owns.
    let _ = signal_hook::flag::register(
        signal_hook::consts::SIGINT,
        std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false)),
    );
    if let Some(mut stdin) = child.stdin.take() {
        // The reader may quit before the end (`q` in less): that is not an error.
        let _ = stdin.write_all(text);
    }
    match child.wait() {
        // The shell's codes for a command it could not find or run: nothing was shown.
        Ok(status) => !matches!(status.code(), Some(126 | 127)),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCREEN: Screen = Screen { rows: 5, cols: 10 };

    fn lines(n: usize) -> Vec<u8> {
        "строка\n".repeat(n).into_bytes()
    }

    #[test]
    fn only_what_does_not_fit_is_paged() {
        assert_eq!(pager_for(&lines(3), SCREEN, None), None);
        // The last row is the prompt's.
        assert_eq!(pager_for(&lines(4), SCREEN, None), None);
        assert_eq!(
            pager_for(&lines(5), SCREEN, None).as_deref(),
            Some("less -FRX")
        );
        assert_eq!(
            pager_for(&lines(50), SCREEN, Some("most")).as_deref(),
            Some("most")
        );
        // Two long lines wrap to six rows.
        let long = "слово ".repeat(5) + "\n" + &"слово ".repeat(5);
        assert_eq!(screen_lines(&long, 10), 6);
        assert!(pager_for(long.as_bytes(), SCREEN, None).is_some());
    }

    #[test]
    fn an_empty_or_cat_pager_is_none() {
        for var in ["", " ", "cat"] {
            assert_eq!(pager_for(&lines(50), SCREEN, Some(var)), None, "{var:?}");
        }
    }

    #[test]
    fn colour_codes_take_no_room() {
        assert_eq!(visible_chars("\x1b[1;31mправа\x1b[0m детей"), 11);
        assert_eq!(screen_lines("\x1b[1m0123456789\x1b[0m\n", 10), 1);
        assert_eq!(screen_lines("\n\n", 10), 2);
    }

    #[test]
    fn a_pager_that_cannot_start_shows_nothing_and_says_so() {
        assert!(!run_pager("vestnik-no-such-pager-program", b"text\n"));
        assert!(!run_pager(
            "vestnik-no-such-pager-program -x 'quoted'",
            b"text\n"
        ));
        assert!(!run_pager("", b"text\n"));
        // A pager that reads nothing, as one the reader quits at once.
        assert!(run_pager("true", b"text\n"));
    }
}
