//! The one configuration loader. Plain settings come from the environment;
//! secrets come from the environment (local stack) or, in AWS, from SSM
//! Parameter Store by the parameter *name* the template passes
//! (`<NAME>_PARAM`), read once, lazily, on the first request that needs
//! them, so cold starts make no network call. Secrets never reach a log:
//! [`Secret`]'s `Debug` is redacted.

use std::sync::Arc;

use tokio::sync::OnceCell;

/// A secret value. `Debug`/`Display` never print it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Env {
    Local,
    Aws,
}

/// Settings every function shares.
#[derive(Debug, Clone)]
pub struct Config {
    pub env: Env,
    pub table_name: String,
    pub turn_queue_url: Option<String>,
    pub schedule_group: Option<String>,
    /// Parlo's own WhatsApp number (E.164), where owners onboard.
    pub central_number: String,
    /// Public origin of the HTTP API (signature URLs, status callbacks).
    pub public_base_url: Option<String>,
    /// Origin of the dashboard (`DASHBOARD_URL`, else `PUBLIC_BASE_URL`):
    /// sign-in links and the go-live message point there.
    pub dashboard_url: Option<String>,
    /// Approved WhatsApp templates (Twilio ContentSids) for messages sent
    /// outside the 24-hour customer-service window.
    pub templates: Templates,
}

pub use crate::services::policy::Templates;

/// Where a secret comes from.
#[derive(Debug, Clone)]
enum Source {
    Value(Secret),
    Ssm(String),
    Missing,
}

/// A secret resolved at most once per process.
#[derive(Debug, Clone)]
pub struct LazySecret {
    source: Source,
    cell: Arc<OnceCell<Option<Secret>>>,
}

impl LazySecret {
    /// `NAME` (the value) wins over `NAME_PARAM` (an SSM parameter name).
    pub fn from_env(name: &str) -> Self {
        Self::from_vars(name, |n| std::env::var(n).ok())
    }

    pub fn from_vars(name: &str, var: impl Fn(&str) -> Option<String>) -> Self {
        let source = match (var(name), var(&format!("{name}_PARAM"))) {
            (Some(v), _) if !v.is_empty() => Source::Value(Secret::new(v)),
            (_, Some(p)) if !p.is_empty() => Source::Ssm(p),
            _ => Source::Missing,
        };
        Self {
            source,
            cell: Arc::new(OnceCell::new()),
        }
    }

    pub fn is_configured(&self) -> bool {
        !matches!(self.source, Source::Missing)
    }

    /// The secret, fetching it from SSM the first time if needed.
    pub async fn get(&self) -> Result<Option<Secret>, ConfigError> {
        self.cell
            .get_or_try_init(|| async {
                match &self.source {
                    Source::Value(s) => Ok(Some(s.clone())),
                    Source::Missing => Ok(None),
                    Source::Ssm(name) => fetch_ssm(name).await.map(Some),
                }
            })
            .await
            .cloned()
    }
}

async fn fetch_ssm(name: &str) -> Result<Secret, ConfigError> {
    let sdk = crate::aws::sdk_config().await;
    let out = aws_sdk_ssm::Client::new(&sdk)
        .get_parameter()
        .name(name)
        .with_decryption(true)
        .send()
        .await
        .map_err(|e| ConfigError(format!("SSM parameter {name}: {e}")))?;
    out.parameter
        .and_then(|p| p.value)
        .map(Secret::new)
        .ok_or_else(|| ConfigError(format!("SSM parameter {name} has no value")))
}

#[derive(Debug, Clone, thiserror::Error)]
#[error("configuration: {0}")]
pub struct ConfigError(pub String);

/// The default central number of the local stack's demo data.
pub const LOCAL_CENTRAL_NUMBER: &str = "+525500000000";
/// The central number when none is configured outside the local stack: no
/// normalised recipient (E.164, "+…") ever equals it.
pub const UNCONFIGURED_CENTRAL_NUMBER: &str = "unconfigured";

impl Config {
    pub fn from_env() -> Self {
        Self::from_vars(|n| std::env::var(n).ok())
    }

    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Self {
        let non_empty = |n: &str| var(n).filter(|v| !v.trim().is_empty());
        let env = match non_empty("PARLO_ENV").as_deref() {
            Some("local") => Env::Local,
            _ => Env::Aws,
        };
        let central = non_empty("CENTRAL_WHATSAPP_NUMBER")
            .and_then(|n| parlo_core::phone::normalize(&n, parlo_core::phone::Region::Mexico).ok());
        // Fail closed: only the local stack falls back to its demo number.
        // Deployed without a (valid) central number, no recipient is the
        // central number, so nobody can onboard or manage through a
        // placeholder that might belong to someone else (issue 11, item 12).
        let central = match (central, env) {
            (Some(n), _) => n,
            (None, Env::Local) => LOCAL_CENTRAL_NUMBER.to_string(),
            (None, Env::Aws) => {
                tracing::error!(
                    "CENTRAL_WHATSAPP_NUMBER is empty or invalid: the central number is disabled"
                );
                UNCONFIGURED_CENTRAL_NUMBER.to_string()
            }
        };
        Self {
            env,
            table_name: non_empty("TABLE_NAME").unwrap_or_else(|| "parlo-local".into()),
            turn_queue_url: non_empty("TURN_QUEUE_URL"),
            schedule_group: non_empty("SCHEDULE_GROUP"),
            central_number: central,
            public_base_url: non_empty("PUBLIC_BASE_URL"),
            dashboard_url: non_empty("DASHBOARD_URL").or_else(|| non_empty("PUBLIC_BASE_URL")),
            templates: Templates::from_vars(&var),
        }
    }
}

/// The LLM agent's model when `OPENAI_MODEL` is unset.
pub const DEFAULT_LLM_MODEL: &str = "gpt-4.1";
/// Time one turn may spend on the model before the rule agent answers.
pub const DEFAULT_LLM_TURN_TIMEOUT_MS: u64 = 12_000;

/// Settings of the LLM agent. Any OpenAI-compatible server works: the key
/// (`OPENAI_API_KEY`, or `OPENAI_API_KEY_PARAM` naming an SSM parameter,
/// read lazily), `OPENAI_BASE_URL` (default OpenAI's), `OPENAI_MODEL` and
/// `LLM_TURN_TIMEOUT_MS`. Without a key the rule agent answers alone.
#[derive(Debug, Clone)]
pub struct LlmConfig {
    pub api_key: LazySecret,
    pub base_url: Option<String>,
    pub model: String,
    pub turn_timeout: std::time::Duration,
}

impl LlmConfig {
    pub fn from_env() -> Self {
        Self::from_vars(|n| std::env::var(n).ok())
    }

    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Self {
        let non_empty = |n: &str| var(n).filter(|v| !v.trim().is_empty());
        let timeout_ms = non_empty("LLM_TURN_TIMEOUT_MS")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|ms| *ms > 0)
            .unwrap_or(DEFAULT_LLM_TURN_TIMEOUT_MS);
        Self {
            api_key: LazySecret::from_vars("OPENAI_API_KEY", &var),
            base_url: non_empty("OPENAI_BASE_URL").map(|u| u.trim().to_string()),
            model: non_empty("OPENAI_MODEL")
                .map(|m| m.trim().to_string())
                .unwrap_or_else(|| DEFAULT_LLM_MODEL.to_string()),
            turn_timeout: std::time::Duration::from_millis(timeout_ms),
        }
    }

    /// Whether the LLM agent should run at all.
    pub fn is_configured(&self) -> bool {
        self.api_key.is_configured()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), "<redacted>");
        let lazy = LazySecret::from_vars("TWILIO_AUTH_TOKEN", |n| {
            (n == "TWILIO_AUTH_TOKEN").then(|| "hunter2".to_string())
        });
        assert!(!format!("{lazy:?}").contains("hunter2"));
    }

    #[tokio::test]
    async fn value_wins_over_parameter_and_missing_is_none() {
        let lazy = LazySecret::from_vars("X", |n| match n {
            "X" => Some("direct".into()),
            "X_PARAM" => Some("/parlo/x".into()),
            _ => None,
        });
        assert_eq!(lazy.get().await.unwrap().unwrap().expose(), "direct");
        let missing = LazySecret::from_vars("X", |_| None);
        assert!(!missing.is_configured());
        assert!(missing.get().await.unwrap().is_none());
    }

    #[test]
    fn central_number_is_normalised() {
        let c = Config::from_vars(|n| match n {
            "CENTRAL_WHATSAPP_NUMBER" => Some("whatsapp:+5215500000000".into()),
            "PARLO_ENV" => Some("local".into()),
            _ => None,
        });
        assert_eq!(c.central_number, "+525500000000");
        assert_eq!(c.env, Env::Local);
    }

    #[test]
    fn a_deployed_stack_without_a_central_number_fails_closed() {
        for raw in [None, Some(""), Some("   "), Some("not a number")] {
            let c = Config::from_vars(|n| match n {
                "CENTRAL_WHATSAPP_NUMBER" => raw.map(str::to_string),
                "PARLO_ENV" => Some("aws".into()),
                _ => None,
            });
            assert_eq!(c.central_number, UNCONFIGURED_CENTRAL_NUMBER, "{raw:?}");
            assert_ne!(c.central_number, LOCAL_CENTRAL_NUMBER);
            assert!(!c.central_number.starts_with('+'));
        }
        // Locally the demo number stays the default.
        let local = Config::from_vars(|n| (n == "PARLO_ENV").then(|| "local".into()));
        assert_eq!(local.central_number, LOCAL_CENTRAL_NUMBER);
    }

    #[test]
    fn llm_defaults_and_overrides() {
        let none = LlmConfig::from_vars(|_| None);
        assert!(!none.is_configured());
        assert_eq!(none.model, DEFAULT_LLM_MODEL);
        assert_eq!(none.turn_timeout.as_millis(), 12_000);
        let set = LlmConfig::from_vars(|n| match n {
            "OPENAI_API_KEY_PARAM" => Some("/parlo/openai".into()),
            "OPENAI_BASE_URL" => Some("http://127.0.0.1:9/v1".into()),
            "OPENAI_MODEL" => Some("local-model".into()),
            "LLM_TURN_TIMEOUT_MS" => Some("2500".into()),
            _ => None,
        });
        assert!(set.is_configured());
        assert_eq!(set.base_url.as_deref(), Some("http://127.0.0.1:9/v1"));
        assert_eq!(set.model, "local-model");
        assert_eq!(set.turn_timeout.as_millis(), 2500);
    }
}
