//! The local clock: what "now" is for the gateway, the scheduler firer and,
//! when `PARLO_ENV=local`, the functions themselves.
//!
//! Precedence, first match wins:
//! 1. the file `.local/clock` (path overridable with `PARLO_CLOCK_FILE`),
//!    holding one RFC 3339 instant, written by `parlo-local clock set`;
//! 2. `PARLO_NOW` (RFC 3339);
//! 3. the system clock.
//!
//! Overrides apply only when `PARLO_ENV` is `local` (or unset, for this
//! local-only tool); with any other `PARLO_ENV` the system clock is used.
//! An overridden clock is *frozen*: it does not advance by itself. Move it
//! with `clock set` / `clock advance`; the scheduler firer fires what became
//! due on its next tick (within a second). The file is read on every call, so
//! a change applies at once to every process that reads it.
//!
//! Functions honour the same file and variable when `PARLO_ENV=local`
//! (`infra/scripts/dev.sh` passes `PARLO_CLOCK_FILE` with the absolute path
//! and `PARLO_NOW` through to `cargo lambda watch`); in AWS they never do.
use chrono::{DateTime, SecondsFormat, Utc};
use std::path::{Path, PathBuf};

/// Where "now" came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    File,
    Env,
    System,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Source::File => "clock file",
            Source::Env => "PARLO_NOW",
            Source::System => "system clock",
        })
    }
}

/// The clock file: `$PARLO_CLOCK_FILE`, else `<checkout>/.local/clock`.
pub fn clock_file() -> PathBuf {
    std::env::var_os("PARLO_CLOCK_FILE")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::env::local_dir().join("clock"))
}

pub fn parse_instant(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("not an RFC 3339 instant ({e}): {:?}", text.trim()))
}

/// The pure rule: which source wins, given what each one says.
pub fn resolve(
    file: Option<&str>,
    parlo_now: Option<&str>,
    parlo_env: Option<&str>,
    system: DateTime<Utc>,
) -> Result<(DateTime<Utc>, Source), String> {
    if parlo_env.is_some_and(|env| !env.is_empty() && env != "local") {
        return Ok((system, Source::System));
    }
    if let Some(text) = file {
        return parse_instant(text)
            .map(|t| (t, Source::File))
            .map_err(|e| format!("clock file: {e}"));
    }
    if let Some(text) = parlo_now.filter(|v| !v.trim().is_empty()) {
        return parse_instant(text)
            .map(|t| (t, Source::Env))
            .map_err(|e| format!("PARLO_NOW: {e}"));
    }
    Ok((system, Source::System))
}

/// Now, with its source. An unreadable override is an error (never silently
/// the system clock: a test relying on it would pass or fail by chance).
pub fn now_with_source() -> Result<(DateTime<Utc>, Source), String> {
    let file = std::fs::read_to_string(clock_file()).ok();
    resolve(
        file.as_deref(),
        std::env::var("PARLO_NOW").ok().as_deref(),
        std::env::var("PARLO_ENV").ok().as_deref(),
        Utc::now(),
    )
}

/// Now; on a malformed override, logs it and uses the system clock.
pub fn now() -> DateTime<Utc> {
    now_with_source().map(|(t, _)| t).unwrap_or_else(|e| {
        tracing::warn!("ignoring the clock override: {e}");
        Utc::now()
    })
}

pub fn format(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// Writes the instant to the clock file (atomically).
pub fn set(path: &Path, t: DateTime<Utc>) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension(format!("tmp.{}", std::process::id()));
    std::fs::write(&tmp, format!("{}\n", format(t)))?;
    std::fs::rename(&tmp, path)
}

/// Removes the clock file; back to `PARLO_NOW` or the system clock.
pub fn reset(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// Parses `90s`, `15m`, `2h`, `1d`, `-30m` (a leading `+` is allowed).
pub fn parse_duration(text: &str) -> Result<chrono::Duration, String> {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let split = digits
        .find(|c: char| !c.is_ascii_digit())
        .ok_or_else(|| format!("missing unit (s, m, h, d) in {text:?}"))?;
    let (number, unit) = digits.split_at(split);
    let n: i64 = number
        .parse()
        .map_err(|_| format!("not a duration: {text:?}"))?;
    let d = match unit {
        "s" => chrono::Duration::try_seconds(n),
        "m" => chrono::Duration::try_minutes(n),
        "h" => chrono::Duration::try_hours(n),
        "d" => chrono::Duration::try_days(n),
        _ => None,
    }
    .ok_or_else(|| format!("not a duration (use s, m, h or d): {text:?}"))?;
    Ok(if negative { -d } else { d })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        parse_instant(s).unwrap()
    }

    #[test]
    fn file_beats_env_beats_system() {
        let sys = t("2030-01-01T00:00:00Z");
        let file = Some("2025-03-01T09:00:00-06:00\n");
        let env = Some("2024-01-01T00:00:00Z");
        assert_eq!(
            resolve(file, env, Some("local"), sys).unwrap(),
            (t("2025-03-01T15:00:00Z"), Source::File)
        );
        assert_eq!(
            resolve(None, env, Some("local"), sys).unwrap(),
            (t("2024-01-01T00:00:00Z"), Source::Env)
        );
        assert_eq!(
            resolve(None, env, None, sys).unwrap(),
            (t("2024-01-01T00:00:00Z"), Source::Env)
        );
        assert_eq!(
            resolve(None, Some(""), None, sys).unwrap(),
            (sys, Source::System)
        );
        assert_eq!(
            resolve(None, None, None, sys).unwrap(),
            (sys, Source::System)
        );
    }

    #[test]
    fn overrides_never_apply_outside_local() {
        let sys = t("2030-01-01T00:00:00Z");
        assert_eq!(
            resolve(
                Some("2025-01-01T00:00:00Z"),
                Some("2024-01-01T00:00:00Z"),
                Some("aws"),
                sys
            )
            .unwrap(),
            (sys, Source::System)
        );
    }

    #[test]
    fn malformed_override_is_an_error() {
        let sys = t("2030-01-01T00:00:00Z");
        assert!(resolve(Some("tomorrow"), None, None, sys).is_err());
        assert!(resolve(None, Some("2025-13-01"), None, sys).is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(
            parse_duration("90s").unwrap(),
            chrono::Duration::seconds(90)
        );
        assert_eq!(parse_duration("+2h").unwrap(), chrono::Duration::hours(2));
        assert_eq!(
            parse_duration("-15m").unwrap(),
            chrono::Duration::minutes(-15)
        );
        assert_eq!(parse_duration("1d").unwrap(), chrono::Duration::days(1));
        assert!(parse_duration("5").is_err());
        assert!(parse_duration("5w").is_err());
    }

    #[test]
    fn set_show_reset_round_trip() {
        let dir = std::env::temp_dir().join(format!("parlo-clock-{}", uuid::Uuid::new_v4()));
        let file = dir.join("clock");
        set(&file, t("2025-06-01T12:30:00Z")).unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        assert_eq!(text, "2025-06-01T12:30:00Z\n");
        assert_eq!(
            resolve(Some(&text), None, Some("local"), Utc::now())
                .unwrap()
                .0,
            t("2025-06-01T12:30:00Z")
        );
        reset(&file).unwrap();
        reset(&file).unwrap();
        assert!(!file.exists());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
