//! An inbound WhatsApp message whichever provider delivered it: the
//! webhook of each provider (Twilio today, Meta's Cloud API next) maps its
//! payload to this, the queue carries it and the turn reads only this.

use serde::{Deserialize, Serialize};

/// What kind of content the customer sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InboundKind {
    Text,
    Media,
    Location,
    Button,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Media {
    pub url: String,
    pub content_type: Option<String>,
}

/// An inbound WhatsApp message, provider-neutral.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboundMessage {
    /// The provider's message id (Twilio's MessageSid): the turn's
    /// idempotency key.
    pub message_sid: String,
    /// The provider account it arrived on (Twilio's AccountSid), when the
    /// provider has one.
    pub account_sid: Option<String>,
    /// Sender as delivered, e.g. `whatsapp:+5215512345678`.
    pub from: String,
    /// The business (or central) number that received it.
    pub to: String,
    pub body: String,
    pub kind: InboundKind,
    pub profile_name: Option<String>,
    pub media: Vec<Media>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub button_payload: Option<String>,
    /// The provider's id of the message this one replies to (WhatsApp's
    /// "reply" on a message; Twilio's `OriginalRepliedMessageSid`).
    #[serde(default)]
    pub replied_to: Option<String>,
}
