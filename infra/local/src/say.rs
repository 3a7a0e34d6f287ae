//! `parlo-local say` / `chat`: plays Twilio delivering a WhatsApp message to
//! the local gateway, then reads the replies from the dev outbox.
//!
//! The inbound request is what Twilio posts for WhatsApp: a form with
//! `MessageSid`/`SmsMessageSid`/`SmsSid` (`SM` + 32 hex), `AccountSid`
//! ([`LOCAL_ACCOUNT_SID`]), `From`/`To` as `whatsapp:+…`, `Body`,
//! `NumMedia=0`, `NumSegments=1`, `MessageType=text`, `SmsStatus=received`,
//! `WaId` (the sender's digits), `ProfileName` (with `--name`),
//! `ApiVersion=2010-04-01`; signed in `X-Twilio-Signature` with the local
//! auth token over `<gateway>/webhooks/twilio` and the sorted parameters.
//!
//! # The dev outbox (contract for the api function)
//!
//! `GET /api/v1/dev/outbox?to=<phone>&after=<id>`, served by the `api`
//! function only when `PARLO_ENV=local`, lists the outbound messages that
//! mock mode recorded instead of sending:
//!
//! ```json
//! {"messages": [{"id": "…", "to": "whatsapp:+5215512345678",
//!                "from": "whatsapp:+14155238886", "body": "¡Hola! …",
//!                "created_at": "2025-03-12T19:04:01Z", "status": "queued"}]}
//! ```
//!
//! - `to`: the recipient as `say` was given it (E.164, `+` URL-encoded);
//!   the route matches it against the normalised recipient, so
//!   `+5215512345678`, `+525512345678` and `whatsapp:+…` are the same person.
//! - `after`: optional; the `id` of a message returned earlier. Only
//!   messages recorded after that one are listed. Without it, all messages
//!   to that recipient.
//! - Messages are in the order they were recorded (oldest first). `id`s are
//!   unique; `created_at` follows the (possibly frozen) local clock, so
//!   order by recording, not by `created_at`.
//!
//! `say` reads the outbox once before posting (to know what is old), then
//! polls with `after=<last id>` and also ignores any id it has seen.
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::time::{Duration, Instant};

/// `AccountSid` of the fake inbound messages (not a real account).
pub const LOCAL_ACCOUNT_SID: &str = "AC00000000000000000000000000000001";

/// `<gateway>/webhooks/twilio`.
pub fn webhook_url(gateway: &str) -> String {
    format!("{}/webhooks/twilio", gateway.trim_end_matches('/'))
}

/// `whatsapp:+<digits>` from `+52…`, `52…` or `whatsapp:+52…`.
pub fn whatsapp_address(phone: &str) -> String {
    let phone = phone.trim();
    let bare = phone.strip_prefix("whatsapp:").unwrap_or(phone).trim();
    if bare.starts_with('+') {
        format!("whatsapp:{bare}")
    } else {
        format!("whatsapp:+{bare}")
    }
}

/// Twilio-style id: prefix + 32 lowercase hex digits.
pub fn new_sid(prefix: &str) -> String {
    format!("{prefix}{}", uuid::Uuid::new_v4().simple())
}

/// One inbound WhatsApp text message.
#[derive(Debug, Clone)]
pub struct Inbound {
    pub message_sid: String,
    pub from: String,
    pub to: String,
    pub body: String,
    pub profile_name: Option<String>,
}

/// A media item of an inbound message (`MediaUrl{i}`, `MediaContentType{i}`).
#[derive(Debug, Clone)]
pub struct Attachment {
    pub url: String,
    pub content_type: String,
}

/// The form Twilio posts for it.
pub fn inbound_form(msg: &Inbound) -> Vec<(String, String)> {
    inbound_form_with_media(msg, &[])
}

/// The form Twilio posts for a message with media (a voice note: no
/// `Body`, `MessageType=audio`).
pub fn inbound_form_with_media(msg: &Inbound, media: &[Attachment]) -> Vec<(String, String)> {
    let mut form = text_form(msg);
    if media.is_empty() {
        return form;
    }
    let kind = media[0]
        .content_type
        .split('/')
        .next()
        .unwrap_or("document")
        .to_string();
    for (k, v) in form.iter_mut() {
        match k.as_str() {
            "NumMedia" => *v = media.len().to_string(),
            "MessageType" => *v = kind.clone(),
            _ => {}
        }
    }
    for (i, m) in media.iter().enumerate() {
        form.push((format!("MediaUrl{i}"), m.url.clone()));
        form.push((format!("MediaContentType{i}"), m.content_type.clone()));
    }
    form
}

/// Stores media on the Twilio stand-in (`POST /_standin/media`) and
/// returns its URL: a scripted voice note saying `voice` (padded to
/// `size` bytes), as the transcription stand-ins hear it.
pub async fn upload_voice(
    twilio_url: &str,
    voice: &str,
    size: Option<usize>,
) -> Result<Attachment, SayError> {
    upload_media(
        twilio_url,
        serde_json::json!({"content_type": "audio/ogg", "voice": voice, "size": size}),
    )
    .await
}

/// Stores media on the Twilio stand-in (see its `POST /_standin/media`).
pub async fn upload_media(
    twilio_url: &str,
    request: serde_json::Value,
) -> Result<Attachment, SayError> {
    let content_type = request["content_type"]
        .as_str()
        .unwrap_or("audio/ogg")
        .to_string();
    let url = format!("{}/_standin/media", twilio_url.trim_end_matches('/'));
    let out: serde_json::Value = reqwest::Client::new()
        .post(&url)
        .json(&request)
        .send()
        .await
        .map_err(|e| SayError::Gateway(format!("Twilio stand-in at {twilio_url}: {e}")))?
        .json()
        .await
        .map_err(|e| SayError::Gateway(format!("Twilio stand-in media: {e}")))?;
    let url = out["url"]
        .as_str()
        .ok_or_else(|| SayError::Gateway(format!("Twilio stand-in media: {out}")))?;
    Ok(Attachment {
        url: url.to_string(),
        content_type,
    })
}

fn text_form(msg: &Inbound) -> Vec<(String, String)> {
    let from = whatsapp_address(&msg.from);
    let wa_id: String = from.chars().filter(char::is_ascii_digit).collect();
    let mut form: Vec<(&str, String)> = vec![
        ("SmsMessageSid", msg.message_sid.clone()),
        ("NumMedia", "0".into()),
        ("SmsSid", msg.message_sid.clone()),
        ("SmsStatus", "received".into()),
        ("Body", msg.body.clone()),
        ("To", whatsapp_address(&msg.to)),
        ("MessageType", "text".into()),
        ("NumSegments", "1".into()),
        ("ReferralNumMedia", "0".into()),
        ("MessageSid", msg.message_sid.clone()),
        ("AccountSid", LOCAL_ACCOUNT_SID.into()),
        ("From", from),
        ("WaId", wa_id),
        ("ApiVersion", "2010-04-01".into()),
    ];
    if let Some(name) = &msg.profile_name {
        form.insert(0, ("ProfileName", name.clone()));
    }
    form.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// One message of the dev outbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxMessage {
    pub id: String,
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    /// Whatever else the route adds (template ids, media…), kept for `--json`.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Deserialize)]
struct OutboxPage {
    messages: Vec<OutboxMessage>,
}

#[derive(Debug)]
pub enum SayError {
    /// The gateway could not be reached.
    Gateway(String),
    /// The webhook answered non-2xx.
    Rejected { status: u16, body: String },
    /// The outbox could not be read.
    Outbox(String),
    /// No reply within the timeout.
    NoReply(Duration),
}

impl std::fmt::Display for SayError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SayError::Gateway(e) => {
                write!(f, "cannot reach the gateway ({e}); is `make dev` running?")
            }
            SayError::Rejected { status, body } => {
                write!(f, "the webhook answered {status}: {body}")
            }
            SayError::Outbox(e) => write!(f, "cannot read the dev outbox: {e}"),
            SayError::NoReply(t) => write!(f, "no reply within {}s", t.as_secs_f32()),
        }
    }
}

impl std::error::Error for SayError {}

/// Whether to keep waiting for replies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitState {
    Continue,
    /// Replies came and then none for `settle`, or the timeout passed.
    Settled,
    /// No reply at all within the timeout.
    TimedOut,
}

/// `elapsed` since the webhook accepted; `last_reply` when the newest reply
/// was first seen (same origin).
pub fn wait_state(
    elapsed: Duration,
    last_reply: Option<Duration>,
    timeout: Duration,
    settle: Duration,
) -> WaitState {
    match last_reply {
        Some(last) if elapsed.saturating_sub(last) >= settle || elapsed >= timeout => {
            WaitState::Settled
        }
        Some(_) => WaitState::Continue,
        None if elapsed >= timeout => WaitState::TimedOut,
        None => WaitState::Continue,
    }
}

/// Talks to one gateway as one sender.
pub struct Simulator {
    http: reqwest::Client,
    pub gateway: String,
    pub auth_token: String,
    pub from: String,
    pub to: String,
    pub profile_name: Option<String>,
    pub timeout: Duration,
    pub settle: Duration,
    pub poll: Duration,
}

/// What one `say` did.
#[derive(Debug, Clone, Serialize)]
pub struct Exchange {
    pub message_sid: String,
    pub from: String,
    pub to: String,
    pub body: String,
    pub webhook_status: u16,
    pub webhook_response: String,
    pub replies: Vec<OutboxMessage>,
}

impl Simulator {
    pub fn new(gateway: &str, auth_token: &str, from: &str, to: &str) -> Self {
        let http = reqwest::Client::builder()
            .no_proxy()
            // The first request may compile the function under cargo lambda watch.
            .timeout(Duration::from_secs(300))
            .build()
            .expect("reqwest client");
        Simulator {
            http,
            gateway: gateway.trim_end_matches('/').to_string(),
            auth_token: auth_token.to_string(),
            from: from.to_string(),
            to: to.to_string(),
            profile_name: None,
            timeout: Duration::from_secs(20),
            settle: Duration::from_millis(1500),
            poll: Duration::from_millis(250),
        }
    }

    /// Reads the outbox for the sender.
    pub async fn outbox(&self, after: Option<&str>) -> Result<Vec<OutboxMessage>, SayError> {
        let url = format!("{}/api/v1/dev/outbox", self.gateway);
        let mut query = vec![("to", self.from.as_str())];
        if let Some(after) = after {
            query.push(("after", after));
        }
        let response = self
            .http
            .get(&url)
            .query(&query)
            .send()
            .await
            .map_err(|e| SayError::Gateway(crate::invoke::error_chain(&e)))?;
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|e| SayError::Outbox(e.to_string()))?;
        if !status.is_success() {
            return Err(SayError::Outbox(format!(
                "GET {url} answered {status}: {text}"
            )));
        }
        serde_json::from_str::<OutboxPage>(&text)
            .map(|p| p.messages)
            .map_err(|e| {
                SayError::Outbox(format!(
                    "GET {url} did not answer {{\"messages\":[…]}} ({e}): {text} \
                     (does the api function have the dev outbox route yet?)"
                ))
            })
    }

    /// Posts one signed inbound message; returns (status, body).
    pub async fn post(&self, msg: &Inbound) -> Result<(u16, String), SayError> {
        self.post_with_media(msg, &[]).await
    }

    /// Posts one signed inbound message carrying `media`.
    pub async fn post_with_media(
        &self,
        msg: &Inbound,
        media: &[Attachment],
    ) -> Result<(u16, String), SayError> {
        let url = webhook_url(&self.gateway);
        let form = inbound_form_with_media(msg, media);
        let signature = parlo_twilio::signature::compute(&self.auth_token, &url, &form);
        let response = self
            .http
            .post(&url)
            .header("x-twilio-signature", signature)
            .header("user-agent", "TwilioProxy/1.1")
            .header(
                "i-twilio-idempotency-token",
                uuid::Uuid::new_v4().to_string(),
            )
            .form(&form)
            .send()
            .await
            .map_err(|e| SayError::Gateway(crate::invoke::error_chain(&e)))?;
        let status = response.status().as_u16();
        let body = response.text().await.unwrap_or_default();
        Ok((status, body))
    }

    /// Sends `text` and waits for the replies; `on_reply` sees each as it
    /// arrives. With `wait` false, returns after the webhook answered.
    pub async fn say(
        &self,
        text: &str,
        wait: bool,
        on_reply: impl FnMut(&OutboxMessage),
    ) -> Result<Exchange, SayError> {
        self.say_with_media(text, &[], wait, on_reply).await
    }

    /// [`Self::say`] with media (a voice note: `text` empty).
    pub async fn say_with_media(
        &self,
        text: &str,
        media: &[Attachment],
        wait: bool,
        mut on_reply: impl FnMut(&OutboxMessage),
    ) -> Result<Exchange, SayError> {
        let mut seen = HashSet::new();
        let mut cursor = None;
        if wait {
            for m in self.outbox(None).await? {
                cursor = Some(m.id.clone());
                seen.insert(m.id);
            }
        }
        let msg = Inbound {
            message_sid: new_sid("SM"),
            from: self.from.clone(),
            to: self.to.clone(),
            body: text.to_string(),
            profile_name: self.profile_name.clone(),
        };
        let (status, response) = self.post_with_media(&msg, media).await?;
        if !(200..300).contains(&status) {
            return Err(SayError::Rejected {
                status,
                body: response,
            });
        }
        let mut exchange = Exchange {
            message_sid: msg.message_sid,
            from: whatsapp_address(&msg.from),
            to: whatsapp_address(&msg.to),
            body: msg.body,
            webhook_status: status,
            webhook_response: response,
            replies: Vec::new(),
        };
        if !wait {
            return Ok(exchange);
        }
        let start = Instant::now();
        let mut last_reply = None;
        loop {
            for m in self.outbox(cursor.as_deref()).await? {
                cursor = Some(m.id.clone());
                if seen.insert(m.id.clone()) {
                    last_reply = Some(start.elapsed());
                    on_reply(&m);
                    exchange.replies.push(m);
                }
            }
            match wait_state(start.elapsed(), last_reply, self.timeout, self.settle) {
                WaitState::Continue => tokio::time::sleep(self.poll).await,
                WaitState::Settled => return Ok(exchange),
                WaitState::TimedOut => return Err(SayError::NoReply(self.timeout)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_sids() {
        assert_eq!(
            whatsapp_address("+5215512345678"),
            "whatsapp:+5215512345678"
        );
        assert_eq!(whatsapp_address("5215512345678"), "whatsapp:+5215512345678");
        assert_eq!(
            whatsapp_address("whatsapp:+14155238886"),
            "whatsapp:+14155238886"
        );
        let sid = new_sid("SM");
        assert_eq!(sid.len(), 34);
        assert!(sid.starts_with("SM"));
        assert!(sid[2..].chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(LOCAL_ACCOUNT_SID.len(), 34);
        assert_eq!(
            webhook_url("http://127.0.0.1:3000/"),
            "http://127.0.0.1:3000/webhooks/twilio"
        );
    }

    #[test]
    fn form_is_what_twilio_posts_and_parses_back() {
        let msg = Inbound {
            message_sid: "SM0123456789abcdef0123456789abcdef".into(),
            from: "+5215512345678".into(),
            to: "+14155238886".into(),
            body: "Hola, ¿tienen cita mañana?".into(),
            profile_name: Some("Ana".into()),
        };
        let form = inbound_form(&msg);
        let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("From"), Some("whatsapp:+5215512345678"));
        assert_eq!(get("To"), Some("whatsapp:+14155238886"));
        assert_eq!(get("WaId"), Some("5215512345678"));
        assert_eq!(get("NumMedia"), Some("0"));
        assert_eq!(get("ProfileName"), Some("Ana"));
        assert_eq!(get("AccountSid"), Some(LOCAL_ACCOUNT_SID));
        assert_eq!(get("MessageSid"), Some(msg.message_sid.as_str()));
        // The Twilio adapter reads it, and the signature checks out.
        let encoded = serde_urlencoded::to_string(&form).unwrap();
        let params = parlo_twilio::inbound::parse_form(encoded.as_bytes()).unwrap();
        let url = "http://127.0.0.1:3000/webhooks/twilio";
        let sig = parlo_twilio::signature::compute("tok", url, &form);
        assert!(parlo_twilio::signature::is_valid("tok", url, &params, &sig));
        assert!(!parlo_twilio::signature::is_valid(
            "other", url, &params, &sig
        ));
    }

    #[test]
    fn outbox_page_shape() {
        let page: OutboxPage = serde_json::from_str(
            r#"{"messages":[{"id":"1","to":"whatsapp:+5215512345678","from":"whatsapp:+1415",
                "body":"¡Hola!","created_at":"2025-03-12T19:04:01Z","status":"queued","template":"x"}]}"#,
        )
        .unwrap();
        assert_eq!(page.messages[0].body, "¡Hola!");
        assert_eq!(page.messages[0].extra["template"], "x");
        assert!(serde_json::from_str::<OutboxPage>(r#"{"status":"ok"}"#).is_err());
    }

    #[test]
    fn waiting_settles_or_times_out() {
        let s = Duration::from_secs;
        let ms = Duration::from_millis;
        let (timeout, settle) = (s(20), ms(1500));
        assert_eq!(wait_state(s(1), None, timeout, settle), WaitState::Continue);
        assert_eq!(
            wait_state(s(20), None, timeout, settle),
            WaitState::TimedOut
        );
        assert_eq!(
            wait_state(ms(3000), Some(ms(2000)), timeout, settle),
            WaitState::Continue
        );
        assert_eq!(
            wait_state(ms(3500), Some(ms(2000)), timeout, settle),
            WaitState::Settled
        );
        assert_eq!(
            wait_state(s(20), Some(ms(19900)), timeout, settle),
            WaitState::Settled
        );
    }
}
