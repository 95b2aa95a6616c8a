//! Answering a [`SearchRequest`] through another engine that holds an export of the archive
//! (`vestnik export`): the same request, analyzed by vestnik, and the same [`SearchResult`],
//! so that every front end can put `--engine` in front of a distributed index.
//!
//! [`SearchRequest`]: crate::search::SearchRequest
//! [`SearchResult`]: crate::search::SearchResult

mod ranker;
pub mod registry;
pub mod sphinx;
pub mod translate;

use anyhow::bail;

/// Where an engine listens: `sphinxql://HOST:PORT`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineUrl {
    /// The host name or address.
    pub host: String,
    /// The SphinxQL port.
    pub port: u16,
}

impl EngineUrl {
    /// Reads `sphinxql://HOST:PORT`; anything else is the user's to fix, said in one line.
    pub fn parse(text: &str) -> anyhow::Result<EngineUrl> {
        let usage = "use sphinxql://HOST:PORT, e.g. sphinxql://127.0.0.1:9306";
        let Some(rest) = text.trim().strip_prefix("sphinxql://") else {
            bail!(
                "unsupported engine '{}' ({usage})",
                crate::quote::quoted(text, 60)
            );
        };
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        let Some((host, port)) = rest.rsplit_once(':') else {
            bail!(
                "the engine '{}' has no port ({usage})",
                crate::quote::quoted(text, 60)
            );
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() || host.contains(['/', '?', '#', '@', ' ']) {
            bail!(
                "the engine '{}' has no usable host ({usage})",
                crate::quote::quoted(text, 60)
            );
        }
        let port: u16 = match port.parse() {
            Ok(p) if p > 0 => p,
            _ => bail!(
                "the engine '{}' has no valid port ({usage})",
                crate::quote::quoted(text, 60)
            ),
        };
        Ok(EngineUrl {
            host: host.to_string(),
            port,
        })
    }
}

impl std::fmt::Display for EngineUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.host.contains(':') {
            write!(f, "sphinxql://[{}]:{}", self.host, self.port)
        } else {
            write!(f, "sphinxql://{}:{}", self.host, self.port)
        }
    }
}

/// `DIR/NAME`, a JSON file `vestnik export` wrote, as `T`; refused (export again) unless its
/// `format` (as `format_of` reads it) is `want`. `hint` ends the message for a missing file.
pub(crate) fn read_export_file<T: serde::de::DeserializeOwned>(
    dir: &std::path::Path,
    name: &str,
    hint: &str,
    want: u32,
    format_of: fn(&T) -> u32,
) -> anyhow::Result<T> {
    use anyhow::Context;
    let path = dir.join(name);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {} ({hint})", path.display()))?;
    let file: T = serde_json::from_str(&text)
        .with_context(|| format!("{} is not an export's {name}", path.display()))?;
    let format = format_of(&file);
    if format != want {
        anyhow::bail!(
            "{} is of format {format}, this vestnik reads {want}: export again",
            path.display()
        );
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_read_strictly() {
        let u = EngineUrl::parse("sphinxql://127.0.0.1:9306").unwrap();
        assert_eq!((u.host.as_str(), u.port), ("127.0.0.1", 9306));
        assert_eq!(u.to_string(), "sphinxql://127.0.0.1:9306");
        for bad in [
            "",
            "mysql://127.0.0.1:9306",
            "sphinxql://127.0.0.1",
            "sphinxql://:9306",
            "sphinxql://h:0",
            "sphinxql://h:99999",
            "sphinxql://h:x",
            "sphinxql://h/p:1",
        ] {
            assert!(EngineUrl::parse(bad).is_err(), "{bad}");
        }
    }
}
