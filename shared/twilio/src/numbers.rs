//! Number provisioning through Twilio (spec/001 "Number Provisioning"):
//! search an available number, buy it with this deployment's webhook URLs,
//! register it as a WhatsApp sender under Parlo's WABA (Senders API on
//! messaging.twilio.com) and read the sender's status.
//!
//! Reads are retried on 429/5xx like [`TwilioClient::send`]. Writes that
//! create something (buying, registering) are never retried here: a 5xx
//! may come after Twilio did it, so the caller looks first
//! ([`TwilioClient::owned_number`], [`TwilioClient::find_sender`]) and
//! retries the whole step later: nothing is bought twice.

use backon::{ExponentialBuilder, Retryable};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::client::{SendError, TwilioClient};

/// A number Twilio offers for sale.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct AvailableNumber {
    pub phone_number: String,
}

/// A number the account owns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnedNumber {
    pub sid: String,
    pub phone_number: String,
    #[serde(default)]
    pub friendly_name: Option<String>,
}

/// What a purchase needs besides the number.
#[derive(Debug, Clone, Default)]
pub struct Purchase {
    pub phone_number: String,
    /// Parlo's idempotency handle: `parlo-<business id>`.
    pub friendly_name: String,
    pub sms_url: String,
    pub status_callback: String,
    pub voice_status_callback: String,
    /// Country requirements (MX, ES): from configuration.
    pub bundle_sid: Option<String>,
    pub address_sid: Option<String>,
}

/// A WhatsApp sender and its registration status (`CREATING`, `ONLINE`,
/// `OFFLINE`, …), with Meta's reasons when it is offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sender {
    pub sid: String,
    pub sender_id: String,
    pub status: String,
    #[serde(default)]
    pub offline_reasons: Vec<OfflineReason>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfflineReason {
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
}

impl Sender {
    pub fn is_online(&self) -> bool {
        self.status.eq_ignore_ascii_case("ONLINE")
    }

    /// Meta refused the display name: retry with a variant.
    pub fn display_name_rejected(&self) -> bool {
        self.offline_reasons.iter().any(|r| {
            let text = format!(
                "{} {}",
                r.code.as_deref().unwrap_or(""),
                r.message.as_deref().unwrap_or("")
            )
            .to_ascii_lowercase();
            text.contains("display_name") || text.contains("display name")
        })
    }
}

/// A new sender's registration.
#[derive(Debug, Clone)]
pub struct SenderRequest {
    pub phone_number: String,
    pub waba_id: String,
    pub display_name: String,
    pub callback_url: String,
    pub status_callback_url: String,
}

enum Body {
    None,
    Form(Vec<(&'static str, String)>),
    Json(Value),
}

enum Attempt {
    Retry(String),
    Fatal(SendError),
}

impl TwilioClient {
    fn api(&self, path: &str) -> String {
        format!(
            "{}/2010-04-01/Accounts/{}/{path}",
            self.base_url,
            self.account_sid()
        )
    }

    fn senders(&self, path: &str) -> String {
        format!("{}/v2/Channels/Senders{path}", self.messaging_base_url)
    }

    async fn call(
        &self,
        method: reqwest::Method,
        url: &str,
        query: &[(&str, &str)],
        body: Body,
        retry: bool,
    ) -> Result<Value, SendError> {
        let body = &body;
        let attempt = || async {
            let mut req = self
                .http()
                .request(method.clone(), url)
                .query(query)
                .basic_auth(
                    &self.credentials().account_sid,
                    Some(&self.credentials().auth_token),
                );
            req = match body {
                Body::None => req,
                Body::Form(f) => req.form(f),
                Body::Json(v) => req.json(v),
            };
            let response = req.send().await.map_err(|e| {
                if e.is_connect() {
                    Attempt::Retry(format!("connect: {e}"))
                } else {
                    Attempt::Fatal(SendError::Unavailable(format!("request: {e}")))
                }
            })?;
            let status = response.status();
            if status.is_success() {
                return response
                    .json::<Value>()
                    .await
                    .map_err(|e| Attempt::Fatal(SendError::Unavailable(format!("body: {e}"))));
            }
            if status.as_u16() == 429 || status.is_server_error() {
                return Err(if retry {
                    Attempt::Retry(format!("HTTP {status}"))
                } else {
                    Attempt::Fatal(SendError::Unavailable(format!("HTTP {status}")))
                });
            }
            let code = response
                .json::<Value>()
                .await
                .ok()
                .and_then(|b| b.get("code").and_then(Value::as_i64));
            Err(Attempt::Fatal(SendError::Rejected {
                status: status.as_u16(),
                code,
            }))
        };
        let (min, times) = self.backoff();
        let backoff = ExponentialBuilder::default()
            .with_min_delay(min)
            .with_max_delay(min * 16)
            .with_max_times(if retry { times } else { 0 })
            .with_jitter();
        attempt
            .retry(backoff)
            .when(|e| matches!(e, Attempt::Retry(_)))
            .await
            .map_err(|e| match e {
                Attempt::Retry(reason) => SendError::Unavailable(reason),
                Attempt::Fatal(err) => err,
            })
    }

    /// Local numbers for sale in `country` (ISO, "MX"), SMS-capable,
    /// optionally in an area code.
    pub async fn search_numbers(
        &self,
        country: &str,
        area_code: Option<&str>,
    ) -> Result<Vec<AvailableNumber>, SendError> {
        let mut query = vec![("SmsEnabled", "true"), ("PageSize", "5")];
        if let Some(a) = area_code {
            query.push(("AreaCode", a));
        }
        let v = self
            .call(
                reqwest::Method::GET,
                &self.api(&format!("AvailablePhoneNumbers/{country}/Local.json")),
                &query,
                Body::None,
                true,
            )
            .await?;
        Ok(list(&v, "available_phone_numbers"))
    }

    /// The number this account already bought under `friendly_name`.
    pub async fn owned_number(
        &self,
        friendly_name: &str,
    ) -> Result<Option<OwnedNumber>, SendError> {
        let v = self
            .call(
                reqwest::Method::GET,
                &self.api("IncomingPhoneNumbers.json"),
                &[("FriendlyName", friendly_name)],
                Body::None,
                true,
            )
            .await?;
        Ok(list::<OwnedNumber>(&v, "incoming_phone_numbers")
            .into_iter()
            .find(|n| n.friendly_name.as_deref() == Some(friendly_name)))
    }

    /// Buys a number (never retried here; see the module docs).
    pub async fn buy_number(&self, p: &Purchase) -> Result<OwnedNumber, SendError> {
        let mut form = vec![
            ("PhoneNumber", p.phone_number.clone()),
            ("FriendlyName", p.friendly_name.clone()),
            ("SmsUrl", p.sms_url.clone()),
            ("SmsMethod", "POST".to_string()),
            ("StatusCallback", p.status_callback.clone()),
            ("VoiceUrl", p.voice_status_callback.clone()),
        ];
        if let Some(b) = &p.bundle_sid {
            form.push(("BundleSid", b.clone()));
        }
        if let Some(a) = &p.address_sid {
            form.push(("AddressSid", a.clone()));
        }
        let v = self
            .call(
                reqwest::Method::POST,
                &self.api("IncomingPhoneNumbers.json"),
                &[],
                Body::Form(form),
                false,
            )
            .await?;
        serde_json::from_value(v).map_err(|e| SendError::Unavailable(format!("body: {e}")))
    }

    /// The WhatsApp sender of `phone_number`, if one was registered.
    pub async fn find_sender(&self, phone_number: &str) -> Result<Option<Sender>, SendError> {
        let v = self
            .call(
                reqwest::Method::GET,
                &self.senders(""),
                &[("Channel", "whatsapp"), ("PageSize", "50")],
                Body::None,
                true,
            )
            .await?;
        let want = format!("whatsapp:{phone_number}");
        Ok(list::<Sender>(&v, "senders")
            .into_iter()
            .find(|s| s.sender_id == want))
    }

    /// Registers `phone_number` as a WhatsApp sender under the WABA.
    pub async fn create_sender(&self, r: &SenderRequest) -> Result<Sender, SendError> {
        let body = json!({
            "sender_id": format!("whatsapp:{}", r.phone_number),
            "configuration": {"waba_id": r.waba_id},
            "profile": {"name": r.display_name},
            "webhook": {
                "callback_url": r.callback_url,
                "callback_method": "POST",
                "status_callback_url": r.status_callback_url,
            },
        });
        let v = self
            .call(
                reqwest::Method::POST,
                &self.senders(""),
                &[],
                Body::Json(body),
                false,
            )
            .await?;
        serde_json::from_value(v).map_err(|e| SendError::Unavailable(format!("body: {e}")))
    }

    /// Changes the sender's display name (after Meta rejected one).
    pub async fn rename_sender(&self, sid: &str, display_name: &str) -> Result<Sender, SendError> {
        let v = self
            .call(
                reqwest::Method::POST,
                &self.senders(&format!("/{sid}")),
                &[],
                Body::Json(json!({"profile": {"name": display_name}})),
                true,
            )
            .await?;
        serde_json::from_value(v).map_err(|e| SendError::Unavailable(format!("body: {e}")))
    }

    pub async fn get_sender(&self, sid: &str) -> Result<Sender, SendError> {
        let v = self
            .call(
                reqwest::Method::GET,
                &self.senders(&format!("/{sid}")),
                &[],
                Body::None,
                true,
            )
            .await?;
        serde_json::from_value(v).map_err(|e| SendError::Unavailable(format!("body: {e}")))
    }
}

fn list<T: serde::de::DeserializeOwned>(v: &Value, key: &str) -> Vec<T> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| serde_json::from_value(x.clone()).ok())
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Credentials;
    use std::time::Duration;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    #[tokio::test]
    async fn purchase_is_not_retried_but_reads_are() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json"))
            .respond_with(ResponseTemplate::new(500))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/v2/Channels/Senders/XE1"))
            .respond_with(ResponseTemplate::new(503))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/v2/Channels/Senders/XE1"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "sid": "XE1", "sender_id": "whatsapp:+1", "status": "OFFLINE",
                "offline_reasons": [{"code": "DISPLAY_NAME_REJECTED"}]
            })))
            .mount(&server)
            .await;
        let c = TwilioClient::with_base_url(
            Credentials {
                account_sid: "AC1".into(),
                auth_token: "t".into(),
            },
            &server.uri(),
        )
        .with_backoff(Duration::from_millis(1), 3);
        let err = c
            .buy_number(&Purchase {
                phone_number: "+1".into(),
                ..Default::default()
            })
            .await
            .unwrap_err();
        assert!(err.is_retryable());
        let s = c.get_sender("XE1").await.unwrap();
        assert!(!s.is_online() && s.display_name_rejected());
    }
}
