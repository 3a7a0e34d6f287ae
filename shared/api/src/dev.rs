//! Dev-only routes of the api function, served only when
//! `PARLO_ENV=local`: the mock outbox the simulator reads (contract in
//! infra/local/src/say.rs).

use parlo_core::phone::{self, Region};
use parlo_store::{OutboxRecord, Store};
use serde::Serialize;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OutboxMessage {
    pub id: String,
    /// The idempotency key: `<inbound MessageSid>#<position>` for replies.
    pub key: String,
    pub to: String,
    pub from: String,
    pub body: String,
    pub created_at: String,
    pub status: String,
    pub mock: bool,
    pub content_sid: Option<String>,
    pub content_variables: Option<String>,
}

/// Dev only: what the stack sent to a number, oldest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OutboxPage {
    pub messages: Vec<OutboxMessage>,
}

#[derive(Debug, thiserror::Error)]
pub enum DevError {
    #[error("el número «{0}» no es válido")]
    BadNumber(String),
    #[error("store: {0}")]
    Store(#[from] parlo_store::StoreError),
}

/// Messages recorded for `to`, oldest first; with `after` (an `id` from an
/// earlier page) only those recorded after it.
pub async fn outbox(store: &Store, to: &str, after: Option<&str>) -> Result<OutboxPage, DevError> {
    let to =
        phone::normalize(to, Region::Mexico).map_err(|_| DevError::BadNumber(to.to_string()))?;
    let records = store
        .outbox_to(&to, after.filter(|a| !a.is_empty()), 500)
        .await?;
    Ok(OutboxPage {
        messages: records.into_iter().map(message).collect(),
    })
}

fn message(r: OutboxRecord) -> OutboxMessage {
    OutboxMessage {
        // The recording sequence doubles as the cursor for `after`.
        id: r.seq,
        key: r.key,
        to: r.to,
        from: r.from,
        body: r.body.unwrap_or_default(),
        created_at: r
            .created_at
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        status: serde_json::to_value(r.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        mock: r.mock,
        content_sid: r.content_sid,
        content_variables: r.content_variables,
    }
}
