//! Twilio Messages API client: free-form text inside the 24-hour window,
//! approved templates (ContentSid + ContentVariables) outside it.
//!
//! Retries with exponential backoff and jitter on 429 and 5xx, and on
//! connection failures that happened before the request was sent; never on
//! other 4xx (a bad number will not get better) and never after a timeout
//! mid-request, which could send the same WhatsApp message twice.

use std::time::Duration;

use parlo_telemetry::{count, names};

use backon::{ExponentialBuilder, Retryable};
use serde::{Deserialize, Serialize};

/// Account credentials. `Debug` never prints the token.
#[derive(Clone)]
pub struct Credentials {
    pub account_sid: String,
    pub auth_token: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("account_sid", &self.account_sid)
            .field("auth_token", &"<redacted>")
            .finish()
    }
}

/// What to send. Exactly one of `body` or `content_sid` is set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outgoing {
    /// E.164 recipient; the `whatsapp:` channel prefix is added here.
    pub to: String,
    /// E.164 sender (the business's WhatsApp number).
    pub from: String,
    pub body: Option<String>,
    pub content_sid: Option<String>,
    /// JSON object of template variables, e.g. `{"1":"Carlos"}`.
    pub content_variables: Option<String>,
    pub status_callback: Option<String>,
}

impl Outgoing {
    pub fn text(from: &str, to: &str, body: impl Into<String>) -> Self {
        Self {
            to: to.to_string(),
            from: from.to_string(),
            body: Some(body.into()),
            content_sid: None,
            content_variables: None,
            status_callback: None,
        }
    }

    pub fn template(
        from: &str,
        to: &str,
        content_sid: &str,
        variables: &serde_json::Value,
    ) -> Self {
        Self {
            to: to.to_string(),
            from: from.to_string(),
            body: None,
            content_sid: Some(content_sid.to_string()),
            content_variables: Some(variables.to_string()),
            status_callback: None,
        }
    }

    fn form(&self) -> Vec<(&'static str, String)> {
        let mut form = vec![
            ("To", whatsapp_address(&self.to)),
            ("From", whatsapp_address(&self.from)),
        ];
        if let Some(body) = &self.body {
            form.push(("Body", body.clone()));
        }
        if let Some(sid) = &self.content_sid {
            form.push(("ContentSid", sid.clone()));
        }
        if let Some(vars) = &self.content_variables {
            form.push(("ContentVariables", vars.clone()));
        }
        if let Some(cb) = &self.status_callback {
            form.push(("StatusCallback", cb.clone()));
        }
        form
    }
}

fn whatsapp_address(number: &str) -> String {
    if number.starts_with("whatsapp:") {
        number.to_string()
    } else {
        format!("whatsapp:{number}")
    }
}

/// Twilio's answer to a created message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub sid: String,
    pub status: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// Twilio refused the request (4xx other than 429): do not retry.
    #[error("Twilio rejected the message ({status}): code {code:?}")]
    Rejected { status: u16, code: Option<i64> },
    /// Still failing after the retries: the caller may retry later.
    #[error("Twilio unavailable ({0})")]
    Unavailable(String),
}

impl SendError {
    pub fn is_retryable(&self) -> bool {
        matches!(self, SendError::Unavailable(_))
    }
}

#[derive(Debug, Clone)]
pub struct TwilioClient {
    http: reqwest::Client,
    credentials: Credentials,
    pub(crate) base_url: String,
    /// messaging.twilio.com (the Senders API); the stand-in serves both.
    pub(crate) messaging_base_url: String,
    max_retries: usize,
    min_backoff: Duration,
}

#[derive(Deserialize)]
struct TwilioErrorBody {
    code: Option<i64>,
}

enum Attempt {
    Retry(String),
    Fatal(SendError),
}

impl TwilioClient {
    pub const DEFAULT_BASE_URL: &'static str = "https://api.twilio.com";
    pub const DEFAULT_MESSAGING_BASE_URL: &'static str = "https://messaging.twilio.com";

    /// Where the Senders API lives (default: messaging.twilio.com, or the
    /// API base URL when that was moved, as to the local stand-in).
    pub fn with_messaging_base_url(mut self, url: &str) -> Self {
        self.messaging_base_url = url.trim_end_matches('/').to_string();
        self
    }

    pub fn account_sid(&self) -> &str {
        &self.credentials.account_sid
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    pub(crate) fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    pub(crate) fn backoff(&self) -> (Duration, usize) {
        (self.min_backoff, self.max_retries)
    }

    pub fn new(credentials: Credentials) -> Self {
        Self::with_base_url(credentials, Self::DEFAULT_BASE_URL)
    }

    /// For tests against a scripted server.
    pub fn with_base_url(credentials: Credentials, base_url: &str) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .timeout(Duration::from_secs(10))
            .build()
            .expect("static client configuration");
        Self {
            http,
            credentials,
            base_url: base_url.trim_end_matches('/').to_string(),
            messaging_base_url: if base_url == Self::DEFAULT_BASE_URL {
                Self::DEFAULT_MESSAGING_BASE_URL.to_string()
            } else {
                base_url.trim_end_matches('/').to_string()
            },
            max_retries: 3,
            min_backoff: Duration::from_millis(200),
        }
    }

    pub fn with_backoff(mut self, min_backoff: Duration, max_retries: usize) -> Self {
        self.min_backoff = min_backoff;
        self.max_retries = max_retries;
        self
    }

    pub async fn send(&self, message: &Outgoing) -> Result<Receipt, SendError> {
        let url = format!(
            "{}/2010-04-01/Accounts/{}/Messages.json",
            self.base_url, self.credentials.account_sid
        );
        let form = message.form();
        // The unit of work's id rides along so a provider-side log (the
        // local stand-in's) can be matched to Parlo's.
        let correlation_id = parlo_telemetry::correlation_id().unwrap_or_default();
        let attempt = || async {
            let response = self
                .http
                .post(&url)
                .header(CORRELATION_HEADER, &correlation_id)
                .basic_auth(
                    &self.credentials.account_sid,
                    Some(&self.credentials.auth_token),
                )
                .form(&form)
                .send()
                .await
                .map_err(|e| {
                    count(names::PROVIDER_NETWORK_ERRORS, 1);
                    if e.is_connect() {
                        Attempt::Retry(format!("connect: {e}"))
                    } else {
                        Attempt::Fatal(SendError::Unavailable(format!("request: {e}")))
                    }
                })?;
            let status = response.status();
            count(provider_metric(status.as_u16()), 1);
            if status.is_success() {
                return response
                    .json::<Receipt>()
                    .await
                    .map_err(|e| Attempt::Fatal(SendError::Unavailable(format!("body: {e}"))));
            }
            if status.as_u16() == 429 || status.is_server_error() {
                return Err(Attempt::Retry(format!("HTTP {status}")));
            }
            let code = response
                .json::<TwilioErrorBody>()
                .await
                .ok()
                .and_then(|b| b.code);
            Err(Attempt::Fatal(SendError::Rejected {
                status: status.as_u16(),
                code,
            }))
        };
        let backoff = ExponentialBuilder::default()
            .with_min_delay(self.min_backoff)
            .with_max_delay(self.min_backoff * 16)
            .with_max_times(self.max_retries)
            .with_jitter();
        attempt
            .retry(backoff)
            .when(|e| matches!(e, Attempt::Retry(_)))
            .notify(|e, after| {
                if let Attempt::Retry(reason) = e {
                    tracing::warn!(%reason, retry_in_ms = after.as_millis() as u64, "twilio send retry");
                }
            })
            .await
            .map_err(|e| match e {
                Attempt::Retry(reason) => SendError::Unavailable(reason),
                Attempt::Fatal(err) => err,
            })
    }
}

/// The header carrying Parlo's correlation id on provider calls.
pub const CORRELATION_HEADER: &str = "x-parlo-correlation-id";

/// The metric an HTTP answer of the provider counts under (each attempt,
/// retries included: a burst of 429s shows even when a retry succeeds).
fn provider_metric(status: u16) -> &'static str {
    match status {
        429 => names::PROVIDER_429,
        200..=299 => names::PROVIDER_2XX,
        500..=599 => names::PROVIDER_5XX,
        _ => names::PROVIDER_4XX,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wiremock::matchers::{body_string_contains, header_exists, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    fn client(server: &MockServer) -> TwilioClient {
        TwilioClient::with_base_url(
            Credentials {
                account_sid: "AC123".into(),
                auth_token: "secret-token".into(),
            },
            &server.uri(),
        )
        .with_backoff(Duration::from_millis(1), 3)
    }

    const MESSAGES: &str = "/2010-04-01/Accounts/AC123/Messages.json";

    #[tokio::test]
    async fn sends_text_with_whatsapp_addresses_and_basic_auth() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(MESSAGES))
            .and(header_exists("authorization"))
            .and(body_string_contains("To=whatsapp%3A%2B525512345678"))
            .and(body_string_contains("Body=Hola"))
            .respond_with(
                ResponseTemplate::new(201)
                    .set_body_json(serde_json::json!({"sid":"SM1","status":"queued"})),
            )
            .expect(1)
            .mount(&server)
            .await;
        let receipt = client(&server)
            .send(&Outgoing::text("+525500000001", "+525512345678", "Hola"))
            .await
            .unwrap();
        assert_eq!(receipt.sid, "SM1");
    }

    #[tokio::test]
    async fn templates_carry_content_sid_and_variables() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(body_string_contains("ContentSid=HX1"))
            .and(body_string_contains(
                "ContentVariables=%7B%221%22%3A%22Carlos%22%7D",
            ))
            .respond_with(
                ResponseTemplate::new(201)
                    .set_body_json(serde_json::json!({"sid":"SM2","status":"queued"})),
            )
            .expect(1)
            .mount(&server)
            .await;
        let msg = Outgoing::template("+1", "+2", "HX1", &serde_json::json!({"1": "Carlos"}));
        assert_eq!(client(&server).send(&msg).await.unwrap().sid, "SM2");
    }

    #[tokio::test]
    async fn retries_429_and_5xx_then_succeeds() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(429))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(503))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(201)
                    .set_body_json(serde_json::json!({"sid":"SM3","status":"queued"})),
            )
            .mount(&server)
            .await;
        let recorder = parlo_telemetry::Recorder::new("test", "corr-1");
        let (receipt, metrics) = parlo_telemetry::scope(
            recorder,
            client(&server).send(&Outgoing::text("+1", "+2", "x")),
        )
        .await;
        assert_eq!(receipt.unwrap().sid, "SM3");
        let requests = server.received_requests().await.unwrap();
        assert_eq!(requests.len(), 3);
        // Every attempt counted by its answer, and correlated.
        assert_eq!(metrics.get(names::PROVIDER_429), Some(1.0));
        assert_eq!(metrics.get(names::PROVIDER_5XX), Some(1.0));
        assert_eq!(metrics.get(names::PROVIDER_2XX), Some(1.0));
        assert_eq!(metrics.get(names::PROVIDER_4XX), None);
        assert!(requests
            .iter()
            .all(|r| r.headers.get(CORRELATION_HEADER).unwrap() == "corr-1"));
    }

    #[tokio::test]
    async fn gives_up_after_bounded_retries() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(500))
            .expect(4)
            .mount(&server)
            .await;
        let err = client(&server)
            .send(&Outgoing::text("+1", "+2", "x"))
            .await
            .unwrap_err();
        assert!(err.is_retryable(), "{err}");
    }

    #[tokio::test]
    async fn does_not_retry_4xx() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(400).set_body_json(serde_json::json!({"code":21211})),
            )
            .expect(1)
            .mount(&server)
            .await;
        let err = client(&server)
            .send(&Outgoing::text("+1", "+2", "x"))
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                SendError::Rejected {
                    status: 400,
                    code: Some(21211)
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn credentials_never_print_the_token() {
        let c = Credentials {
            account_sid: "AC1".into(),
            auth_token: "super-secret".into(),
        };
        assert!(!format!("{c:?}").contains("super-secret"));
    }
}
