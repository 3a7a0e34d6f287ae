//! Twilio's form-encoded webhook payloads, parsed leniently: Twilio adds
//! fields over time, so unknown ones are ignored, and only what Parlo
//! cannot work without is required.

use serde::{Deserialize, Serialize};

/// Largest body accepted from Twilio. Real WhatsApp payloads are a few KB
/// (a message body is at most 1,600 characters).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    #[error("body too large")]
    TooLarge,
    #[error("body is not form-encoded")]
    NotForm,
    #[error("missing field {0}")]
    Missing(&'static str),
    #[error("field {0} is malformed")]
    Malformed(&'static str),
}

/// Decodes an `application/x-www-form-urlencoded` body into its pairs,
/// order preserved (the signature needs every pair, repeated names too).
pub fn parse_form(body: &[u8]) -> Result<Vec<(String, String)>, PayloadError> {
    if body.len() > MAX_BODY_BYTES {
        return Err(PayloadError::TooLarge);
    }
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).map_err(|_| PayloadError::NotForm)
}

fn field<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

fn required<'a>(
    params: &'a [(String, String)],
    name: &'static str,
) -> Result<&'a str, PayloadError> {
    field(params, name).ok_or(PayloadError::Missing(name))
}

pub use parlo_core::inbound::{InboundKind, InboundMessage, Media};

/// Parsing Twilio's form into the provider-neutral message.
pub trait FromTwilioForm: Sized {
    fn from_params(params: &[(String, String)]) -> Result<Self, PayloadError>;
}

impl FromTwilioForm for InboundMessage {
    fn from_params(params: &[(String, String)]) -> Result<Self, PayloadError> {
        let message_sid = field(params, "MessageSid")
            .or_else(|| field(params, "SmsMessageSid"))
            .ok_or(PayloadError::Missing("MessageSid"))?
            .to_string();
        if !message_sid.chars().all(|c| c.is_ascii_alphanumeric()) || message_sid.len() > 64 {
            return Err(PayloadError::Malformed("MessageSid"));
        }
        let from = required(params, "From")?.to_string();
        let to = required(params, "To")?.to_string();

        let num_media: usize = match field(params, "NumMedia") {
            Some(n) => n.parse().map_err(|_| PayloadError::Malformed("NumMedia"))?,
            None => 0,
        };
        let media = (0..num_media.min(10))
            .filter_map(|i| {
                field(params, &format!("MediaUrl{i}")).map(|url| Media {
                    url: url.to_string(),
                    content_type: field(params, &format!("MediaContentType{i}"))
                        .map(str::to_string),
                })
            })
            .collect::<Vec<_>>();

        let coordinate = |name: &'static str| -> Result<Option<f64>, PayloadError> {
            field(params, name)
                .map(|v| v.parse::<f64>().map_err(|_| PayloadError::Malformed(name)))
                .transpose()
        };
        let latitude = coordinate("Latitude")?;
        let longitude = coordinate("Longitude")?;
        let button_payload = field(params, "ButtonPayload").map(str::to_string);
        let button_text = field(params, "ButtonText");

        // A button reply's visible text is what the customer "said".
        let body = field(params, "Body")
            .or(button_text)
            .unwrap_or("")
            .to_string();
        let kind = if button_payload.is_some() || button_text.is_some() {
            InboundKind::Button
        } else if latitude.is_some() && longitude.is_some() {
            InboundKind::Location
        } else if !media.is_empty() {
            InboundKind::Media
        } else {
            InboundKind::Text
        };

        Ok(Self {
            message_sid,
            account_sid: field(params, "AccountSid").map(str::to_string),
            from,
            to,
            body,
            kind,
            profile_name: field(params, "ProfileName").map(str::to_string),
            media,
            latitude,
            longitude,
            button_payload,
            replied_to: field(params, "OriginalRepliedMessageSid").map(str::to_string),
        })
    }
}

/// A delivery status callback for a message Parlo sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusCallback {
    pub message_sid: String,
    pub status: String,
    pub error_code: Option<String>,
}

impl StatusCallback {
    pub fn from_params(params: &[(String, String)]) -> Result<Self, PayloadError> {
        let status = field(params, "MessageStatus")
            .or_else(|| field(params, "SmsStatus"))
            .ok_or(PayloadError::Missing("MessageStatus"))?
            .to_ascii_lowercase();
        const KNOWN: [&str; 10] = [
            "accepted",
            "scheduled",
            "queued",
            "sending",
            "sent",
            "delivered",
            "read",
            "failed",
            "undelivered",
            "canceled",
        ];
        if !KNOWN.contains(&status.as_str()) {
            return Err(PayloadError::Malformed("MessageStatus"));
        }
        Ok(Self {
            message_sid: required(params, "MessageSid")?.to_string(),
            status,
            error_code: field(params, "ErrorCode").map(str::to_string),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(s: &str) -> Vec<(String, String)> {
        parse_form(s.as_bytes()).unwrap()
    }

    #[test]
    fn text_message() {
        let p = form("SmsMessageSid=SM1&NumMedia=0&ProfileName=Mar%C3%ADa&MessageSid=SM1&AccountSid=AC1&From=whatsapp%3A%2B5215512345678&To=whatsapp%3A%2B5215500000001&Body=Hola%2C+quiero+una+cita&WaId=5215512345678");
        let m = InboundMessage::from_params(&p).unwrap();
        assert_eq!(m.message_sid, "SM1");
        assert_eq!(m.from, "whatsapp:+5215512345678");
        assert_eq!(m.body, "Hola, quiero una cita");
        assert_eq!(m.profile_name.as_deref(), Some("María"));
        assert_eq!(m.kind, InboundKind::Text);
    }

    #[test]
    fn media_location_and_button() {
        let m = InboundMessage::from_params(&form(
            "MessageSid=MM2&From=whatsapp%3A%2B1&To=whatsapp%3A%2B2&NumMedia=1&MediaUrl0=https%3A%2F%2Fapi.twilio.com%2Fm%2F1&MediaContentType0=image%2Fjpeg",
        ))
        .unwrap();
        assert_eq!(m.kind, InboundKind::Media);
        assert_eq!(m.media[0].content_type.as_deref(), Some("image/jpeg"));

        let m = InboundMessage::from_params(&form(
            "MessageSid=SM3&From=a&To=b&Latitude=20.67&Longitude=-103.35",
        ))
        .unwrap();
        assert_eq!(m.kind, InboundKind::Location);
        assert_eq!(m.latitude, Some(20.67));

        let m = InboundMessage::from_params(&form(
            "MessageSid=SM4&From=a&To=b&ButtonText=Confirmar&ButtonPayload=confirm",
        ))
        .unwrap();
        assert_eq!(m.kind, InboundKind::Button);
        assert_eq!(m.body, "Confirmar");
    }

    #[test]
    fn odd_payloads_are_errors_not_panics() {
        assert_eq!(
            InboundMessage::from_params(&form("From=a&To=b")),
            Err(PayloadError::Missing("MessageSid"))
        );
        assert_eq!(
            InboundMessage::from_params(&form("MessageSid=SM1&From=a&To=b&NumMedia=lots")),
            Err(PayloadError::Malformed("NumMedia"))
        );
        assert_eq!(
            InboundMessage::from_params(&form("MessageSid=SM%2F..&From=a&To=b")),
            Err(PayloadError::Malformed("MessageSid"))
        );
        assert_eq!(
            parse_form(&vec![b'a'; MAX_BODY_BYTES + 1]),
            Err(PayloadError::TooLarge)
        );
        // Invalid UTF-8 decodes lossily; the signature check then rejects it.
        assert!(parse_form(b"%ZZ=\xff\xfe").is_ok());
    }

    #[test]
    fn status_callbacks() {
        let s = StatusCallback::from_params(&form(
            "MessageSid=SM9&MessageStatus=undelivered&ErrorCode=63016",
        ))
        .unwrap();
        assert_eq!(s.status, "undelivered");
        assert_eq!(s.error_code.as_deref(), Some("63016"));
        assert!(
            StatusCallback::from_params(&form("MessageSid=SM9&MessageStatus=exploded")).is_err()
        );
    }

    proptest::proptest! {
        // 10,000 cases each (issue 11, item 4): the Twilio form never panics.
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 10_000,
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]

        #[test]
        fn arbitrary_bodies_never_panic(body in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            if let Ok(p) = parse_form(&body) {
                let _ = InboundMessage::from_params(&p);
                let _ = StatusCallback::from_params(&p);
                let _ = crate::signature::is_valid("token", "https://x.test/w", &p, "sig");
            }
        }

        /// Well-formed forms of arbitrary Unicode, with the fields Twilio
        /// sends, percent-encoded as Twilio does.
        #[test]
        fn arbitrary_unicode_forms_never_panic(
            fields in proptest::collection::vec(
                (
                    proptest::sample::select(&[
                        "MessageSid", "From", "To", "Body", "NumMedia", "MediaUrl0",
                        "MediaContentType0", "Latitude", "Longitude", "ProfileName",
                        "ButtonPayload", "MessageStatus", "ErrorCode", "MessageType",
                        "AccountSid", "SmsStatus", "CallSid", "CallStatus",
                    ][..]),
                    proptest::prelude::any::<String>(),
                ),
                0..12,
            )
        ) {
            let enc = |s: &str| -> String {
                s.bytes()
                    .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
                    .collect()
            };
            let body = fields
                .iter()
                .map(|(k, v)| format!("{k}={}", enc(v)))
                .collect::<Vec<_>>()
                .join("&");
            if let Ok(p) = parse_form(body.as_bytes()) {
                let _ = InboundMessage::from_params(&p);
                let _ = StatusCallback::from_params(&p);
            }
        }
    }
}
