//! Where the checkout is, and the two environment files of the local stack:
//! `.local/env` (written by `infra/scripts/up.sh`: endpoints, queue URL,
//! schedule group) and `infra/local/local.env` (committed, not secret: the
//! local Twilio auth token).
use std::path::{Path, PathBuf};

/// The checkout's root: `$PARLO_ROOT`, else the workspace this binary was
/// built from (when it still exists), else the current directory.
pub fn repo_root() -> PathBuf {
    if let Some(root) = std::env::var_os("PARLO_ROOT").filter(|v| !v.is_empty()) {
        return PathBuf::from(root);
    }
    let built_from = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    if built_from.join("infra/local/local.env").is_file() {
        return built_from.canonicalize().unwrap_or(built_from);
    }
    std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."))
}

/// `.local/` of the checkout (gitignored; pids, logs, env, clock), or
/// `$PARLO_LOCAL_DIR` (a second stack from one checkout, as lib.sh).
pub fn local_dir() -> PathBuf {
    match std::env::var_os("PARLO_LOCAL_DIR").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => repo_root().join(".local"),
    }
}

/// The committed local settings file.
pub fn local_settings_file() -> PathBuf {
    repo_root().join("infra/local/local.env")
}

/// Parses `KEY=VALUE` lines, with an optional leading `export `, blank lines
/// and `#` comments, and single or double quotes around the value.
pub fn parse_env(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| {
            let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
            let (key, value) = line.split_once('=')?;
            let key = key.trim();
            if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return None;
            }
            let value = value.trim();
            let value = [('"', '"'), ('\'', '\'')]
                .iter()
                .find_map(|(open, close)| {
                    value
                        .strip_prefix(*open)
                        .and_then(|v| v.strip_suffix(*close))
                })
                .unwrap_or(value);
            Some((key.to_string(), value.to_string()))
        })
        .collect()
}

/// Reads an env file; a missing file is empty.
pub fn read_env_file(path: &Path) -> Vec<(String, String)> {
    std::fs::read_to_string(path)
        .map(|text| parse_env(&text))
        .unwrap_or_default()
}

/// One value of an env file, if present.
pub fn env_file_value(path: &Path, key: &str) -> Option<String> {
    read_env_file(path)
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

/// Sets every variable of `.local/env` that the environment does not
/// already have (the environment wins). Call before any thread starts.
pub fn load_local_env_defaults() {
    for (key, value) in read_env_file(&local_dir().join("env")) {
        if std::env::var_os(&key).is_none() {
            std::env::set_var(key, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_up_sh_output_and_comments() {
        let text = "# Written by up.sh\nexport TURN_QUEUE_URL=http://127.0.0.1:5000/1/q.fifo\n\n  TOKEN=\"a b\"\nX='y'\nnot a line\n=novalue\n";
        assert_eq!(
            parse_env(text),
            vec![
                (
                    "TURN_QUEUE_URL".to_string(),
                    "http://127.0.0.1:5000/1/q.fifo".to_string()
                ),
                ("TOKEN".to_string(), "a b".to_string()),
                ("X".to_string(), "y".to_string()),
            ]
        );
    }

    #[test]
    fn committed_local_env_has_the_twilio_token() {
        let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("local.env");
        assert_eq!(
            env_file_value(&file, "TWILIO_AUTH_TOKEN").as_deref(),
            Some("local-twilio-auth-token-not-secret")
        );
    }
}
