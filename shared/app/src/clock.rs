//! The one place Parlo reads the time. In AWS it is the system clock; in
//! the local stack (`PARLO_ENV=local`) `PARLO_NOW` fixes it, and the file
//! named by `PARLO_CLOCK_FILE` (written by `parlo-local clock set`) moves
//! it while the stack runs. Elsewhere both are ignored, so a stray
//! variable can never change production's notion of now.

use std::path::PathBuf;

use chrono::{DateTime, Utc};

#[derive(Debug, Clone)]
pub enum Clock {
    System,
    Fixed(DateTime<Utc>),
    /// Reads the instant from a file on every call; falls back to the
    /// inner clock when the file is absent or unreadable.
    File(PathBuf, Box<Clock>),
}

impl Clock {
    pub fn from_env() -> Self {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Self {
        if var("PARLO_ENV").as_deref() != Some("local") {
            return Clock::System;
        }
        let base = match var("PARLO_NOW").map(|s| DateTime::parse_from_rfc3339(s.trim())) {
            Some(Ok(t)) => Clock::Fixed(t.with_timezone(&Utc)),
            Some(Err(e)) => {
                tracing::warn!(error = %e, "PARLO_NOW is not RFC 3339; using the system clock");
                Clock::System
            }
            None => Clock::System,
        };
        match var("PARLO_CLOCK_FILE") {
            Some(path) if !path.is_empty() => Clock::File(path.into(), Box::new(base)),
            _ => base,
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Fixed(t) => *t,
            Clock::File(path, fallback) => std::fs::read_to_string(path)
                .ok()
                .and_then(|s| DateTime::parse_from_rfc3339(s.trim()).ok())
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_else(|| fallback.now()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn parlo_now_is_ignored_outside_local() {
        let clock = Clock::from_vars(vars(&[("PARLO_NOW", "2020-01-01T00:00:00Z")]));
        assert!(matches!(clock, Clock::System));
        let clock = Clock::from_vars(vars(&[
            ("PARLO_ENV", "aws"),
            ("PARLO_NOW", "2020-01-01T00:00:00Z"),
        ]));
        assert!(matches!(clock, Clock::System));
    }

    #[test]
    fn parlo_now_fixes_the_local_clock() {
        let clock = Clock::from_vars(vars(&[
            ("PARLO_ENV", "local"),
            ("PARLO_NOW", "2026-11-23T10:00:00-06:00"),
        ]));
        assert_eq!(clock.now().to_rfc3339(), "2026-11-23T16:00:00+00:00");
    }

    #[test]
    fn the_clock_file_moves_time_forward() {
        let dir = std::env::temp_dir().join(format!("parlo-clock-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("clock");
        let path = file.to_str().unwrap();
        let clock = Clock::from_vars(vars(&[
            ("PARLO_ENV", "local"),
            ("PARLO_NOW", "2026-11-23T16:00:00Z"),
            ("PARLO_CLOCK_FILE", path),
        ]));
        assert_eq!(clock.now().to_rfc3339(), "2026-11-23T16:00:00+00:00");
        std::fs::write(&file, "2026-11-24T09:30:00Z\n").unwrap();
        assert_eq!(clock.now().to_rfc3339(), "2026-11-24T09:30:00+00:00");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
