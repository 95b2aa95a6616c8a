//! The HTTP parameter decoder (`src/server/params.rs`) on any query string: every endpoint's
//! reader answers a request or an error message, never panics, and what it accepts is within
//! the API's limits. Run with `cargo +nightly fuzz run params` (see the README).
#![no_main]

use libfuzzer_sys::fuzz_target;
use vestnik::search::SearchRequest;
use vestnik::server::params::{MAX_LIMIT, MAX_OFFSET, MAX_QUERY_CHARS, MAX_VALUES, Params};

fn within_limits(req: &SearchRequest) {
    assert!(req.query.chars().count() <= MAX_QUERY_CHARS);
    assert!(req.limit <= MAX_LIMIT && req.offset <= MAX_OFFSET);
    assert!(req.facet_size <= MAX_LIMIT);
    for names in [&req.sources, &req.persons, &req.orgs, &req.locs] {
        assert!(names.len() <= MAX_VALUES);
        assert!(
            names
                .iter()
                .all(|n| n.chars().count() <= MAX_QUERY_CHARS && !n.trim().is_empty())
        );
    }
}

/// An error is one short line, whatever was sent.
fn short(message: &str) {
    assert!(
        !message.is_empty() && !message.contains('\n'),
        "{message:?}"
    );
    assert!(message.chars().count() < 1_000, "{message:?}");
}

fuzz_target!(|data: &[u8]| {
    // The server hands the decoder the URL's query as a string.
    let Ok(raw) = std::str::from_utf8(data) else {
        return;
    };
    for endpoint in 0..6 {
        let params = match Params::parse(Some(raw)) {
            Ok(p) => p,
            Err(e) => return short(&e),
        };
        let read = match endpoint {
            0 => params.search().map(|r| within_limits(&r)),
            1 => params.facets().map(|r| {
                within_limits(&r);
                assert_eq!(r.limit, 0);
            }),
            2 => params.entities().map(|(r, _)| within_limits(&r)),
            3 => params.related().map(|r| {
                within_limits(&r.base);
                assert!(r.limit <= MAX_LIMIT && !r.name.trim().is_empty());
            }),
            4 => params.timeline().map(|r| within_limits(&r)),
            _ => params.doc().map(|id| assert!(!id.trim().is_empty())),
        };
        match read {
            Ok(()) => {
                if let Err(e) = params.finish() {
                    short(&e);
                }
            }
            Err(e) => short(&e),
        }
    }
});
