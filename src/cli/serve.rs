//! `vestnik serve`'s limits on what a client may cost: the flags and their checks.

use std::time::Duration;

use crate::server::Limits;

#[derive(clap::Args)]
pub(super) struct LimitArgs {
    /// Seconds a client has to send a request's line and headers (also how long a kept-alive
    /// connection waits for its next request)
    #[arg(long, value_name = "SECS", default_value = "10", value_parser = seconds)]
    header_timeout: Duration,
    /// Seconds a connection may move no byte, while none of its requests is being answered,
    /// before it is closed
    #[arg(long, value_name = "SECS", default_value = "60", value_parser = seconds)]
    idle_timeout: Duration,
    /// Connections served at once; more get a 503 and are closed
    #[arg(long, value_name = "N", default_value_t = 512, value_parser = clap::value_parser!(u32).range(1..=65_536))]
    max_connections: u32,
    /// Searches running at once; more requests get a 503
    #[arg(long, value_name = "N", default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=4_096))]
    max_requests: u32,
}

impl LimitArgs {
    pub(super) fn limits(&self) -> Limits {
        Limits {
            header_timeout: self.header_timeout,
            idle_timeout: self.idle_timeout,
            max_connections: self.max_connections as usize,
            max_requests: self.max_requests as usize,
        }
    }
}

/// A timeout in seconds, decimals allowed (`0.5`), from a millisecond to a day.
fn seconds(text: &str) -> Result<Duration, String> {
    let secs: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("'{text}' is not a number of seconds"))?;
    if !(0.001..=86_400.0).contains(&secs) {
        return Err(format!("{text} seconds is out of range (0.001 to 86400)"));
    }
    Ok(Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_are_seconds_within_reason() {
        assert_eq!(seconds("0.5"), Ok(Duration::from_millis(500)));
        assert_eq!(seconds("10"), Ok(Duration::from_secs(10)));
        for bad in ["0", "-1", "NaN", "inf", "1e9", "ten", ""] {
            assert!(seconds(bad).is_err(), "{bad}");
        }
    }
}
