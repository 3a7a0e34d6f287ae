//! Bounds on what arrives from outside (API bodies and query strings, LLM
//! tool arguments): dates no calendar arithmetic can overflow on.
//!
//! chrono accepts years up to ±262142 (`+262142-12-30`); adding a day to
//! such a date panics, and with `panic = "abort"` one request or one model
//! answer would kill the whole Lambda invocation (an SQS batch). Every
//! date or instant taken from input is checked against [`FIRST_YEAR`] ..=
//! [`LAST_YEAR`] before any arithmetic.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime};

/// The earliest year an input date may name.
pub const FIRST_YEAR: i32 = 1900;
/// The latest year an input date may name.
pub const LAST_YEAR: i32 = 2200;

/// Is this date within the accepted years?
pub fn date_ok(d: NaiveDate) -> bool {
    (FIRST_YEAR..=LAST_YEAR).contains(&d.year())
}

/// The year of `s` if it reads as a date, a local date-time or an RFC 3339
/// instant (how inputs write them); `None` for any other text.
fn date_year(s: &str) -> Option<i32> {
    let s = s.trim();
    if let Ok(d) = s.parse::<NaiveDate>() {
        return Some(d.year());
    }
    if let Ok(t) = s.parse::<NaiveDateTime>() {
        return Some(t.year());
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.year());
    }
    None
}

/// The path of the first string in `v` that is a date outside the
/// accepted years (`"date_from"`, `"items[2].start"`), if any.
pub fn out_of_range_date(v: &serde_json::Value) -> Option<String> {
    fn walk(v: &serde_json::Value, path: &mut String, depth: usize) -> Option<String> {
        if depth > 64 {
            return None;
        }
        match v {
            serde_json::Value::String(s) => date_year(s)
                .filter(|y| !(FIRST_YEAR..=LAST_YEAR).contains(y))
                .map(|_| path.clone()),
            serde_json::Value::Array(items) => items.iter().enumerate().find_map(|(i, x)| {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                let found = walk(x, path, depth + 1);
                path.truncate(len);
                found
            }),
            serde_json::Value::Object(map) => map.iter().find_map(|(k, x)| {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                let found = walk(x, path, depth + 1);
                path.truncate(len);
                found
            }),
            _ => None,
        }
    }
    walk(v, &mut String::new(), 0)
}

/// The Spanish message for an out-of-range date.
pub fn date_message() -> String {
    format!("la fecha debe estar entre los años {FIRST_YEAR} y {LAST_YEAR}.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn far_dates_are_found_anywhere_in_a_body() {
        let v = serde_json::json!({"a": 1, "b": [{"date": "+262142-12-30"}]});
        assert_eq!(out_of_range_date(&v).as_deref(), Some("b[0].date"));
        let ok = serde_json::json!({"date": "2026-11-23", "phone": "+525512345678"});
        assert_eq!(out_of_range_date(&ok), None);
        assert!(out_of_range_date(&serde_json::json!("9999-01-01T00:00:00Z")).is_some());
    }
}
