//! The values of options that clap cannot check by their type alone.

/// `--api-base`: an http(s) address with a host, like
/// https://api.hubapi.com (a path after it is kept).
pub(super) fn parse_api_base(s: &str) -> Result<String, String> {
    // A scheme is case-insensitive (`HTTPS://`): written in lower case.
    let (scheme, rest) = s.split_once("://").unwrap_or(("", s));
    let scheme = scheme.to_ascii_lowercase();
    let host = matches!(scheme.as_str(), "http" | "https")
        .then(|| rest.split(['/', '?', '#']).next().unwrap_or(""));
    match host {
        Some(h) if !h.is_empty() && !h.contains(char::is_whitespace) => {
            Ok(format!("{scheme}://{rest}"))
        }
        _ => Err(format!(
            "expected an http(s) address with a host, like {}; got {s:?}",
            crate::portal::DEFAULT_API_BASE
        )),
    }
}

/// `--max-merges`: at least 1 (0 would refuse every pair).
pub(super) fn parse_max_merges(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!(
            "expected a number of merges of at least 1, like {} (HubSpot's limit); got {s:?}",
            crate::rules::DEFAULT_MAX_MERGES
        )),
    }
}

/// `--threshold`: a score from 0 to 1.
pub(super) fn parse_threshold(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(t) if (0.0..=1.0).contains(&t) => Ok(t),
        _ => Err(format!("expected a score from 0 to 1, like 0.9; got {s:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_api_base_scheme_is_read_in_any_case_and_max_merges_is_at_least_one() {
        assert_eq!(
            parse_api_base("HTTPS://api.hubapi.com").unwrap(),
            "https://api.hubapi.com"
        );
        assert_eq!(
            parse_api_base("http://127.0.0.1:8080/x").unwrap(),
            "http://127.0.0.1:8080/x"
        );
        for bad in ["ftp://x", "https://", "notaurl", "http:// x"] {
            assert!(parse_api_base(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_max_merges("250"), Ok(250));
        assert!(parse_max_merges("0").unwrap_err().contains("at least 1"));
        assert!(parse_max_merges("-3").is_err());
    }
}
