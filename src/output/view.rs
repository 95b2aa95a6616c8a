//! What of a search to print (`--facets-only`, `--facets full`, `--offset`): the choices the
//! page of results and its text rendering both read, apart from either so that neither
//! imports the other to learn them.

/// What to print: the hits and facets, or the facets alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parts {
    /// Hits, then facets.
    All,
    /// Facets alone (`--facets-only`).
    FacetsOnly,
}

/// How the text rendering shows the facets: the top values of each on one line, so that the
/// hits stay in view, or every value counted, in tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum FacetView {
    /// The first values of each facet, in a line each.
    #[default]
    Compact,
    /// Every value counted, in tables (`--facets full`).
    Full,
}

/// What to print of a search: `parts` holds for every format, the rest for text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct View {
    /// Whether hits are printed, in every format.
    pub parts: Parts,
    /// How facets are laid out, in text.
    pub facets: FacetView,
    /// Hits skipped before this page, so that its hits are numbered from `offset + 1`.
    pub offset: usize,
    /// How many values the entity facets were asked for: a facet that long may have more.
    pub facet_size: usize,
}
