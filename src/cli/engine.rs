//! `--engine sphinxql://HOST:PORT`: answering through a distributed engine that holds an
//! export of the archive, instead of the local index.

use std::path::PathBuf;

use crate::engine::EngineUrl;
use crate::engine::sphinx::SphinxEngine;

#[derive(clap::Args, Debug, Clone, Default)]
pub(super) struct EngineArgs {
    /// Answer through a distributed engine holding an export of the archive (`vestnik export
    /// --to sphinx`) instead of the local index: sphinxql://HOST:PORT, the coordinator
    #[arg(long, value_name = "URL")]
    engine: Option<String>,
    /// With --engine: the export's folder, whose entities.json names the engine's people,
    /// organizations and places [default: $VESTNIK_ENGINE_DIR]
    #[arg(long, value_name = "DIR", requires = "engine")]
    engine_dir: Option<PathBuf>,
}

impl EngineArgs {
    /// The engine asked for, connected; `None` for the local index.
    pub(super) fn open(&self) -> anyhow::Result<Option<SphinxEngine>> {
        let Some(url) = &self.engine else {
            return Ok(None);
        };
        let url = EngineUrl::parse(url).map_err(|e| super::error::UserError(e.to_string()))?;
        let dir = match (&self.engine_dir, std::env::var_os("VESTNIK_ENGINE_DIR")) {
            (Some(d), _) => d.clone(),
            (None, Some(d)) => PathBuf::from(d),
            (None, None) => {
                return Err(super::error::UserError(
                    "--engine needs the export's folder for the names of its entities: add --engine-dir DIR (the folder `vestnik export` wrote) or set VESTNIK_ENGINE_DIR".into(),
                )
                .into());
            }
        };
        SphinxEngine::connect(&url, &dir).map(Some)
    }
}
