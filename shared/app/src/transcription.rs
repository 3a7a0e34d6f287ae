//! Hearing a voice note: its media downloaded with the provider's
//! credentials (bounded in size, which bounds its length: WhatsApp's voice
//! notes are Opus at ~16 kbit/s, so 16 MB is well over an hour), then sent
//! to an OpenAI-compatible `POST {base}/audio/transcriptions` (multipart:
//! `file`, `model`, `language`, `response_format=json`; answers
//! `{"text": …}`).
//!
//! Configuration (the same lazy-secrets path as the LLM's):
//!
//! | variable | |
//! |---|---|
//! | `TRANSCRIPTION_MODEL` | the model (e.g. `whisper-1`); unset: voice notes are not transcribed |
//! | `TRANSCRIPTION_BASE_URL` | default `OPENAI_BASE_URL`, else OpenAI's |
//! | `TRANSCRIPTION_API_KEY` / `_PARAM` | default `OPENAI_API_KEY` / `_PARAM`; none: no Authorization header |
//! | `TRANSCRIPTION_MAX_BYTES` | the download bound (default 16 MB) |
//! | `TRANSCRIPTION_TIMEOUT_MS` | download and transcription, each (default 10 000) |
//! | `TRANSCRIPTION_LANGUAGE` | ISO-639-1 hint (default `es`) |
//!
//! The media's credentials: `TWILIO_ACCOUNT_SID` (else the message's own
//! `AccountSid`) and `TWILIO_AUTH_TOKEN` (lazy, SSM by `_PARAM` in AWS).

use std::time::Duration;

use parlo_core::inbound::InboundMessage;
use parlo_core::media::Heard;
use parlo_twilio::media::{self, MediaError};
use parlo_twilio::Credentials;

use crate::config::LazySecret;

/// OpenAI's API, when no base URL is configured.
pub const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";
/// The download bound when `TRANSCRIPTION_MAX_BYTES` is unset.
pub const DEFAULT_MAX_BYTES: u64 = 16 * 1024 * 1024;
pub const DEFAULT_TIMEOUT_MS: u64 = 10_000;

#[derive(Debug, Clone)]
pub struct TranscriptionConfig {
    pub model: String,
    pub base_url: String,
    pub api_key: LazySecret,
    pub max_bytes: u64,
    pub timeout: Duration,
    pub language: String,
    media_account: LazySecret,
    media_token: LazySecret,
}

impl TranscriptionConfig {
    /// `None` without `TRANSCRIPTION_MODEL`.
    pub fn from_env() -> Option<Self> {
        Self::from_vars(|n| std::env::var(n).ok())
    }

    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Option<Self> {
        let non_empty = |n: &str| {
            var(n)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let model = non_empty("TRANSCRIPTION_MODEL")?;
        let own_key = LazySecret::from_vars("TRANSCRIPTION_API_KEY", &var);
        Some(Self {
            model,
            base_url: non_empty("TRANSCRIPTION_BASE_URL")
                .or_else(|| non_empty("OPENAI_BASE_URL"))
                .unwrap_or_else(|| DEFAULT_BASE_URL.to_string()),
            api_key: if own_key.is_configured() {
                own_key
            } else {
                LazySecret::from_vars("OPENAI_API_KEY", &var)
            },
            max_bytes: non_empty("TRANSCRIPTION_MAX_BYTES")
                .and_then(|v| v.parse().ok())
                .filter(|n| *n > 0)
                .unwrap_or(DEFAULT_MAX_BYTES),
            timeout: Duration::from_millis(
                non_empty("TRANSCRIPTION_TIMEOUT_MS")
                    .and_then(|v| v.parse().ok())
                    .filter(|n| *n > 0)
                    .unwrap_or(DEFAULT_TIMEOUT_MS),
            ),
            language: non_empty("TRANSCRIPTION_LANGUAGE").unwrap_or_else(|| "es".into()),
            media_account: LazySecret::from_vars("TWILIO_ACCOUNT_SID", &var),
            media_token: LazySecret::from_vars("TWILIO_AUTH_TOKEN", &var),
        })
    }
}

/// Fetches and transcribes voice notes.
#[derive(Debug, Clone)]
pub struct Transcriber {
    config: TranscriptionConfig,
    http: reqwest::Client,
}

#[derive(Debug, thiserror::Error)]
enum HearError {
    #[error("{0}")]
    Media(#[from] MediaError),
    #[error("transcription: {0}")]
    Transcription(String),
}

impl Transcriber {
    pub fn new(config: TranscriptionConfig) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .timeout(config.timeout)
            .build()
            .unwrap_or_default();
        Self { config, http }
    }

    /// The configured transcriber, if `TRANSCRIPTION_MODEL` is set.
    pub fn from_env() -> Option<Self> {
        TranscriptionConfig::from_env().map(Self::new)
    }

    /// What the message's voice note says. Never fails: what went wrong is
    /// logged (no URL, no secret) and told apart for the answer.
    pub async fn hear(&self, message: &InboundMessage) -> Heard {
        let Some(voice) = message.media.iter().find(|m| {
            m.content_type
                .as_deref()
                .is_some_and(|t| t.starts_with("audio/"))
        }) else {
            return Heard::Failed;
        };
        match self
            .try_hear(&voice.url, voice.content_type.as_deref(), message)
            .await
        {
            Ok(words) => {
                tracing::info!(chars = words.chars().count(), "voice note transcribed");
                Heard::Words(words)
            }
            Err(HearError::Media(MediaError::TooLarge { max })) => {
                tracing::warn!(max, "voice note over the size bound; not downloaded");
                Heard::TooLong
            }
            Err(e) => {
                tracing::warn!(error = %e, "voice note not transcribed");
                Heard::Failed
            }
        }
    }

    async fn try_hear(
        &self,
        url: &str,
        content_type: Option<&str>,
        message: &InboundMessage,
    ) -> Result<String, HearError> {
        let secret = |s: &LazySecret| {
            let s = s.clone();
            async move { s.get().await.ok().flatten() }
        };
        let account = secret(&self.config.media_account)
            .await
            .map(|s| s.expose().to_string())
            .or_else(|| message.account_sid.clone());
        let token = secret(&self.config.media_token).await;
        let credentials = match (account, token) {
            (Some(account_sid), Some(token)) => Some(Credentials {
                account_sid,
                auth_token: token.expose().to_string(),
            }),
            _ => None,
        };
        let fetched =
            media::fetch(&self.http, url, credentials.as_ref(), self.config.max_bytes).await?;
        let content_type = content_type
            .or(fetched.content_type.as_deref())
            .unwrap_or("audio/ogg")
            .to_string();
        self.transcribe(fetched.bytes, &content_type).await
    }

    async fn transcribe(&self, audio: Vec<u8>, content_type: &str) -> Result<String, HearError> {
        let boundary = format!("parlo-{}", uuid::Uuid::new_v4().simple());
        let body = multipart(
            &boundary,
            &[
                ("model", self.config.model.as_str()),
                ("language", self.config.language.as_str()),
                ("response_format", "json"),
            ],
            &audio,
            content_type,
        );
        let url = format!(
            "{}/audio/transcriptions",
            self.config.base_url.trim_end_matches('/')
        );
        let mut request = self
            .http
            .post(url)
            .header(
                reqwest::header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body);
        if let Ok(Some(key)) = self.config.api_key.get().await {
            request = request.bearer_auth(key.expose());
        }
        let response = request
            .send()
            .await
            .map_err(|e| HearError::Transcription(e.without_url().to_string()))?;
        let status = response.status();
        if !status.is_success() {
            return Err(HearError::Transcription(format!("answered {status}")));
        }
        #[derive(serde::Deserialize)]
        struct Transcript {
            text: String,
        }
        let t: Transcript = response
            .json()
            .await
            .map_err(|e| HearError::Transcription(e.without_url().to_string()))?;
        Ok(t.text.trim().to_string())
    }
}

/// The file name's extension the endpoint reads the format from.
fn extension(content_type: &str) -> &'static str {
    let t = content_type.split(';').next().unwrap_or("").trim();
    match t {
        "audio/mpeg" | "audio/mp3" => "mp3",
        "audio/mp4" | "audio/m4a" | "audio/x-m4a" | "audio/aac" => "m4a",
        "audio/wav" | "audio/x-wav" | "audio/wave" => "wav",
        "audio/webm" => "webm",
        "audio/amr" => "amr",
        _ => "ogg",
    }
}

/// A `multipart/form-data` body: the text fields, then the audio as `file`.
fn multipart(boundary: &str, fields: &[(&str, &str)], audio: &[u8], content_type: &str) -> Vec<u8> {
    let mut body = Vec::with_capacity(audio.len() + 512);
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"voice.{}\"\r\n\
             Content-Type: {content_type}\r\n\r\n",
            extension(content_type)
        )
        .as_bytes(),
    );
    body.extend_from_slice(audio);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configured_only_with_a_model_and_the_llm_settings_as_defaults() {
        assert!(TranscriptionConfig::from_vars(|_| None).is_none());
        let c = TranscriptionConfig::from_vars(|n| match n {
            "TRANSCRIPTION_MODEL" => Some("whisper-1".into()),
            "OPENAI_BASE_URL" => Some("http://127.0.0.1:4020/v1".into()),
            "OPENAI_API_KEY" => Some("k".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(c.base_url, "http://127.0.0.1:4020/v1");
        assert!(c.api_key.is_configured());
        assert_eq!(c.max_bytes, DEFAULT_MAX_BYTES);
        assert!(!format!("{c:?}").contains("\"k\""));
        let own = TranscriptionConfig::from_vars(|n| match n {
            "TRANSCRIPTION_MODEL" => Some("m".into()),
            "TRANSCRIPTION_BASE_URL" => Some("http://x/v1".into()),
            "TRANSCRIPTION_MAX_BYTES" => Some("1000".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(own.base_url, "http://x/v1");
        assert!(!own.api_key.is_configured());
        assert_eq!(own.max_bytes, 1000);
    }

    #[test]
    fn the_multipart_body_carries_the_fields_and_the_file() {
        let body = multipart(
            "B",
            &[("model", "whisper-1")],
            b"OGG",
            "audio/ogg; codecs=opus",
        );
        let text = String::from_utf8(body).unwrap();
        assert!(text.starts_with(
            "--B\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n"
        ));
        assert!(text.contains("filename=\"voice.ogg\"\r\nContent-Type: audio/ogg; codecs=opus\r\n\r\nOGG\r\n--B--\r\n"));
    }
}
