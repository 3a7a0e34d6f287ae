//! The queue contract between the webhook (producer) and the turn
//! function (consumer): both import it from here, neither from the other.
//! The message inside is provider-neutral ([`parlo_core::inbound`]): a
//! second provider's webhook (Meta's Cloud API) enqueues the same shape.

use chrono::{DateTime, Utc};
use parlo_core::inbound::InboundMessage;
use serde::{Deserialize, Serialize};

/// The SQS message attribute carrying the inbound message's correlation
/// id (its MessageSid) from the webhook to the turn.
pub const CORRELATION_ATTRIBUTE: &str = "correlation_id";

/// The SQS message body the webhook enqueues.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueuedInbound {
    pub message: InboundMessage,
    pub received_at: DateTime<Utc>,
}

/// FIFO group of one conversation: receiving number + sender, so the turns
/// of one chat never run concurrently nor out of order.
pub fn message_group_id(message: &InboundMessage) -> String {
    let strip = |s: &str| s.trim_start_matches("whatsapp:").to_string();
    format!("{}|{}", strip(&message.to), strip(&message.from))
}
