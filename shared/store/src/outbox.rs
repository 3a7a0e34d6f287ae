//! Outbound messages and turn results: what makes a retried turn send
//! nothing twice.
//!
//! Every message Parlo sends is first claimed under an idempotency key
//! (`<inbound MessageSid>#<position>` for replies, or e.g.
//! `appt:<id>:confirmation` for notifications). A second claim of the same
//! key finds the first and does not send again. Delivery status callbacks
//! find the record by Twilio's sid (GSI1) and only move it forward. In mock
//! mode the record *is* the outbox the simulator and dashboard read (GSI2,
//! by recipient).

use chrono::{DateTime, Utc};
use parlo_core::OrgId;
use serde::{Deserialize, Serialize};

use crate::db::{self, item, with_gsi, Cond, Query, Range};
use crate::error::{Result, StoreError};
use crate::keys::{self, kind, GSI1, GSI2};
use crate::Store;

/// What a turn changed of its own state (its conversation's flow, the
/// customer's record as the customer gave it): written with the turn's
/// joint claim, so the replies and the state they speak of land together.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TurnState {
    pub flow: Option<crate::FlowWrite>,
    /// (as read, as written).
    pub customer: Option<(parlo_core::Customer, parlo_core::Customer)>,
}

impl TurnState {
    /// Transaction items it takes.
    fn len(&self) -> usize {
        let customer = self
            .customer
            .as_ref()
            .map_or(0, |(b, a)| if b.phone == a.phone { 2 } else { 3 });
        usize::from(self.flow.is_some()) + customer
    }

    pub fn is_empty(&self) -> bool {
        self.flow.is_none() && self.customer.is_none()
    }
}

/// Lifecycle of an outbound message, in the order Twilio reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Claimed, not yet handed to Twilio.
    Pending,
    Accepted,
    Queued,
    Sending,
    Sent,
    Delivered,
    Read,
    Undelivered,
    Failed,
    Canceled,
    /// Never handed to the provider: the message policy found no way to
    /// send it (outside the 24-hour window with no approved template).
    /// `error_code` says why.
    NotSendable,
}

impl DeliveryStatus {
    pub fn parse(s: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(s.to_ascii_lowercase())).ok()
    }

    /// Progress rank: a late "sent" never overwrites "delivered".
    pub(crate) fn rank(self) -> u8 {
        match self {
            DeliveryStatus::Pending => 0,
            DeliveryStatus::Accepted => 1,
            DeliveryStatus::Queued => 2,
            DeliveryStatus::Sending => 3,
            DeliveryStatus::Sent => 4,
            DeliveryStatus::Delivered => 5,
            DeliveryStatus::Read => 6,
            DeliveryStatus::Undelivered
            | DeliveryStatus::Failed
            | DeliveryStatus::Canceled
            | DeliveryStatus::NotSendable => 7,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxRecord {
    /// Idempotency key, unique within the business (or the platform).
    pub key: String,
    /// `None` for messages of the central number not tied to a business.
    pub org_id: Option<OrgId>,
    pub conversation_id: Option<uuid::Uuid>,
    /// E.164 recipient and sender.
    pub to: String,
    pub from: String,
    pub body: Option<String>,
    pub content_sid: Option<String>,
    pub content_variables: Option<String>,
    pub status: DeliveryStatus,
    pub provider_sid: Option<String>,
    pub error_code: Option<String>,
    /// Recorded instead of sent (no Twilio credentials).
    pub mock: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Recording order (a UUIDv7 set when first claimed): the local clock
    /// may be frozen, so `created_at` alone cannot order the outbox.
    #[serde(default)]
    pub seq: String,
    /// What kind of message this is (`reply`, `appointment_reminder`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// How the message policy chose to send it: `text`, `template` or
    /// `not_sendable` (visible in the mock outbox and the dashboard).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// A `Pending` claim belongs to its claimer until then (ms since the
    /// epoch); after that a retry may take it over.
    #[serde(default)]
    pub lease_until_ms: i64,
    /// The unit of work that sent it (an inbound MessageSid, an API
    /// request id, a job's id): its logs and metrics line carry the same.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
}

/// How long a claimer owns a `Pending` record before a retry may take it
/// over. Longer than one provider call with its retries; shorter than
/// the turn queue's visibility timeout, so a redelivered turn finds it free.
pub const OUTBOX_LEASE_MS: i64 = 30_000;

/// The result of claiming a key.
#[derive(Debug, Clone, PartialEq)]
pub enum Claim {
    /// This caller should send it (a new record, or one an earlier attempt
    /// claimed but never handed to Twilio).
    Send(OutboxRecord),
    /// Already handed to Twilio (or recorded in mock mode): do nothing.
    AlreadySent(OutboxRecord),
    /// Another caller claimed it moments ago and may be sending it right
    /// now: do not send; retry later if it must go out.
    InFlight(OutboxRecord),
}

pub(crate) fn owner_pk(org: Option<OrgId>) -> String {
    org.map_or_else(|| keys::PLATFORM_PK.to_string(), keys::org_pk)
}

fn outbox_item(r: &OutboxRecord) -> Result<db::Item> {
    let it = item(r, kind::OUTBOX, owner_pk(r.org_id), keys::outbox_sk(&r.key))?;
    let mut it = with_gsi(
        it,
        GSI2,
        keys::outbox_to_gsi2pk(&r.to),
        keys::outbox_to_gsi2sk(&r.seq, &r.key),
    );
    if let Some(sid) = &r.provider_sid {
        it = with_gsi(
            it,
            GSI1,
            keys::provider_sid_gsi1pk(sid),
            keys::OUTBOX_GSI1SK.into(),
        );
    }
    it.insert("status_rank".into(), db::n(r.status.rank()));
    Ok(it)
}

/// DynamoDB's limit of items in one `TransactWriteItems`.
const MAX_TX_ITEMS: usize = 100;

impl Store {
    /// Claims `record.key` with a lease of [`OUTBOX_LEASE_MS`] from
    /// `record.updated_at`: the first claim gets `Send`; a claim of a record
    /// still `Pending` whose lease ran out (its claimer died before
    /// reaching Twilio, or between Twilio and the mark) gets `Send` again,
    /// one within its lease `InFlight`; any other gets `AlreadySent`.
    /// Delivery is therefore at least once across a crash between the
    /// provider call and [`Store::mark_outbox_sent`], never twice otherwise.
    pub async fn claim_outbox(&self, record: &OutboxRecord) -> Result<Claim> {
        let mut record = record.clone();
        if record.seq.is_empty() {
            record.seq = uuid::Uuid::now_v7().to_string();
        }
        let now_ms = record.updated_at.timestamp_millis();
        record.lease_until_ms = now_ms + OUTBOX_LEASE_MS;
        let record = &record;
        match self
            .put_if(
                outbox_item(record)?,
                Some(Cond::not_exists()),
                StoreError::AlreadyExists { what: "outbox" },
            )
            .await
        {
            Ok(()) => Ok(Claim::Send(record.clone())),
            Err(StoreError::AlreadyExists { .. }) => {
                let existing: OutboxRecord = self
                    .get(owner_pk(record.org_id), keys::outbox_sk(&record.key))
                    .await?
                    .ok_or(StoreError::NotFound { what: "outbox" })?;
                if existing.status != DeliveryStatus::Pending {
                    return Ok(Claim::AlreadySent(existing));
                }
                if existing.lease_until_ms > now_ms {
                    return Ok(Claim::InFlight(existing));
                }
                // Take the expired lease over; of two racing retries only
                // the one that saw this lease wins.
                let res = self
                    .client
                    .update_item()
                    .table_name(self.table.as_ref())
                    .set_key(Some(db::key(
                        owner_pk(record.org_id),
                        keys::outbox_sk(&record.key),
                    )))
                    .update_expression("SET lease_until_ms = :new")
                    .condition_expression(
                        "#st = :pending AND (attribute_not_exists(lease_until_ms) OR lease_until_ms = :seen)",
                    )
                    .expression_attribute_names("#st", "status")
                    .expression_attribute_values(":pending", db::to_av(&DeliveryStatus::Pending)?)
                    .expression_attribute_values(":seen", db::n(existing.lease_until_ms))
                    .expression_attribute_values(":new", db::n(record.lease_until_ms))
                    .send()
                    .await;
                match res {
                    Ok(_) => Ok(Claim::Send(OutboxRecord {
                        lease_until_ms: record.lease_until_ms,
                        ..existing
                    })),
                    Err(e)
                        if e.as_service_error()
                            .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
                    {
                        Ok(Claim::InFlight(existing))
                    }
                    Err(e) => Err(e.into()),
                }
            }
            Err(e) => Err(e),
        }
    }

    /// Claims every record of a turn in one transaction, with the turn's
    /// replies saved on its inbound item in the same write
    /// ([`Store::save_turn_replies`]) and its activity entries recorded
    /// ([`Store::record_activity`]): `Some(claimed)` when every key was
    /// new and no replies were saved before. `None` when any condition
    /// failed (a retried turn, a concurrent run) or the batch is too big
    /// for one transaction: nothing was written, and the caller saves and
    /// claims one by one, which sorts out each case.
    pub async fn claim_outbox_all<T: Serialize>(
        &self,
        records: &[OutboxRecord],
        replies: Option<(&str, &T)>,
        activity: &[crate::Activity],
        state: &TurnState,
    ) -> Result<Option<Vec<OutboxRecord>>> {
        if records.is_empty() || records.len() + activity.len() + 1 + state.len() > MAX_TX_ITEMS {
            return Ok(None);
        }
        let mut claimed = Vec::with_capacity(records.len());
        let mut items = Vec::with_capacity(records.len() + 1);
        for r in records {
            let mut r = r.clone();
            if r.seq.is_empty() {
                r.seq = uuid::Uuid::now_v7().to_string();
            }
            r.lease_until_ms = r.updated_at.timestamp_millis() + OUTBOX_LEASE_MS;
            items.push(self.tx_put(outbox_item(&r)?, Some(Cond::not_exists()))?);
            claimed.push(r);
        }
        if let Some((message_sid, replies)) = replies {
            let encoded =
                serde_json::to_string(replies).map_err(|e| StoreError::Conflict(e.to_string()))?;
            let update = aws_sdk_dynamodb::types::Update::builder()
                .table_name(self.table.as_ref())
                .set_key(Some(db::key(
                    keys::inbound_pk(message_sid),
                    keys::INBOUND_SK,
                )))
                .update_expression("SET replies = :r")
                .condition_expression("attribute_not_exists(replies)")
                .expression_attribute_values(":r", db::s(encoded))
                .build()?;
            items.push(
                aws_sdk_dynamodb::types::TransactWriteItem::builder()
                    .update(update)
                    .build(),
            );
        }
        for a in activity {
            items.push(self.tx_put(crate::activity::activity_item(a)?, Some(Cond::not_exists()))?);
        }
        if let Some(flow) = &state.flow {
            items.push(self.tx_flow(flow)?);
        }
        if let Some((before, after)) = &state.customer {
            items.extend(self.tx_customer_from(before, after)?);
        }
        match self.transact(items).await {
            Ok(()) => Ok(Some(claimed)),
            Err(db::TxError::Cancelled(_)) => Ok(None),
            Err(db::TxError::Other(e)) => Err(e),
        }
    }

    /// Marks every record (each with its history line, if any) in one
    /// transaction; when that is cancelled (a history line already there,
    /// a parked status) or too big, each is marked alone as
    /// [`Store::mark_outbox_sent_with_history`] does.
    pub async fn mark_outbox_all(
        &self,
        marks: &[(OutboxRecord, Option<parlo_core::Message>)],
    ) -> Result<()> {
        let mut items = Vec::new();
        for (record, message) in marks {
            items.push(self.tx_put(outbox_item(record)?, None)?);
            if let Some(m) = message {
                items.push(self.tx_put(
                    crate::conversations::message_item(m)?,
                    Some(Cond::not_exists()),
                )?);
            }
            if let Some(sid) = &record.provider_sid {
                items.push(crate::delivery::no_parked_status(self, sid)?);
            }
        }
        if marks.len() > 1 && items.len() <= MAX_TX_ITEMS {
            match self.transact(items).await {
                Ok(()) => return Ok(()),
                Err(db::TxError::Cancelled(_)) => {}
                Err(db::TxError::Other(e)) => return Err(e),
            }
        }
        for (record, message) in marks {
            self.mark_outbox(record, message.as_ref()).await?;
        }
        Ok(())
    }

    /// Records that the message was handed to Twilio (or to the mock
    /// outbox), with Twilio's sid so status callbacks can find it.
    pub async fn mark_outbox_sent(&self, record: &OutboxRecord) -> Result<()> {
        self.mark_outbox(record, None).await
    }

    /// [`Store::mark_outbox_sent`] and the message's line in its
    /// conversation's history in one request (a `TransactWriteItems`
    /// instead of two puts: one round trip less per reply). A history line
    /// already there (a send retried after a crash) falls back to the mark
    /// alone.
    pub async fn mark_outbox_sent_with_history(
        &self,
        record: &OutboxRecord,
        message: &parlo_core::Message,
    ) -> Result<()> {
        self.mark_outbox(record, Some(message)).await
    }

    /// The mark, the history line and a check that no delivery status was
    /// parked for the sid (one that arrived before the sid was recorded,
    /// issue 11/16), all in one transaction: the usual case is one request
    /// and no read. A parked status cancels it; then the mark is written
    /// alone and the parked status applied.
    async fn mark_outbox(
        &self,
        record: &OutboxRecord,
        message: Option<&parlo_core::Message>,
    ) -> Result<()> {
        let mut items = vec![self.tx_put(outbox_item(record)?, None)?];
        if let Some(m) = message {
            items.push(self.tx_put(
                crate::conversations::message_item(m)?,
                Some(Cond::not_exists()),
            )?);
        }
        let check_at = items.len();
        if let Some(sid) = &record.provider_sid {
            items.push(crate::delivery::no_parked_status(self, sid)?);
        }
        let parked = match self.transact(items).await {
            Ok(()) => return Ok(()),
            Err(db::TxError::Cancelled(codes)) => db::code_failed(&codes, check_at),
            Err(db::TxError::Other(e)) => return Err(e),
        };
        // The history line was there already, or a status was parked.
        self.put_if(
            outbox_item(record)?,
            None,
            StoreError::Conflict(String::new()),
        )
        .await?;
        if parked {
            self.apply_parked_status(record).await?;
        }
        Ok(())
    }

    /// Applies a delivery status callback. Returns `false` when no message
    /// has that sid or the status would move it backwards.
    pub async fn apply_delivery_status(
        &self,
        provider_sid: &str,
        status: DeliveryStatus,
        error_code: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let q = Query::gsi(
            GSI1,
            keys::provider_sid_gsi1pk(provider_sid),
            Range::BeginsWith(keys::OUTBOX_GSI1SK.into()),
        );
        let Some(found) = self.query_all(&q, Some(1)).await?.into_iter().next() else {
            return Ok(false);
        };
        let (Some(pk), Some(sk)) = (
            db::str_attr(&found, keys::PK),
            db::str_attr(&found, keys::SK),
        ) else {
            return Ok(false);
        };
        let mut req = self
            .client
            .update_item()
            .table_name(self.table.as_ref())
            .set_key(Some(db::key(pk.to_string(), sk)))
            .update_expression("SET #st = :st, status_rank = :rank, updated_at = :now")
            .condition_expression("attribute_exists(PK) AND status_rank <= :rank")
            .expression_attribute_names("#st", "status")
            .expression_attribute_values(":st", db::to_av(&status)?)
            .expression_attribute_values(":rank", db::n(status.rank()))
            .expression_attribute_values(":now", db::to_av(&now)?);
        if let Some(code) = error_code {
            req = req
                .update_expression(
                    "SET #st = :st, status_rank = :rank, updated_at = :now, error_code = :code",
                )
                .expression_attribute_values(":code", db::s(code));
        }
        match req.send().await {
            Ok(_) => Ok(true),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Ok(false)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Messages sent to a phone in the order they were recorded; with
    /// `after_seq`, only those recorded after it. Eventually consistent.
    pub async fn outbox_to(
        &self,
        to_e164: &str,
        after_seq: Option<&str>,
        limit: usize,
    ) -> Result<Vec<OutboxRecord>> {
        let range = match after_seq {
            // "~" sorts after every key character: skips `after_seq` itself.
            Some(seq) => Range::AtLeast(format!("{seq}#~")),
            None => Range::All,
        };
        let q = Query::gsi(GSI2, keys::outbox_to_gsi2pk(to_e164), range);
        self.query_all(&q, Some(limit))
            .await?
            .into_iter()
            .map(db::decode)
            .collect()
    }

    /// A business's outbound messages whose key starts with `prefix` (one
    /// query on its partition): what one act (a turn, a request) sent.
    pub async fn outbox_with_prefix(
        &self,
        org: OrgId,
        prefix: &str,
        limit: usize,
    ) -> Result<Vec<OutboxRecord>> {
        let q = Query::table(
            keys::org_pk(org),
            Range::BeginsWith(keys::outbox_sk(prefix)),
        );
        self.query_all(&q, Some(limit))
            .await?
            .into_iter()
            .map(db::decode)
            .collect()
    }

    /// Forgets an inbound MessageSid, so Twilio's retry of a delivery we
    /// could not enqueue is processed instead of dropped as a duplicate.
    pub async fn forget_inbound(&self, message_sid: &str) -> Result<()> {
        self.delete_if(keys::inbound_pk(message_sid), keys::INBOUND_SK, None)
            .await
            .map(|_| ())
    }

    /// The replies saved by an earlier run of this inbound message's turn.
    pub async fn turn_replies<T: serde::de::DeserializeOwned>(
        &self,
        message_sid: &str,
    ) -> Result<Option<T>> {
        let Some(it) = self
            .get_item(keys::inbound_pk(message_sid), keys::INBOUND_SK)
            .await?
        else {
            return Ok(None);
        };
        db::str_attr(&it, "replies")
            .map(|raw| serde_json::from_str(raw).map_err(|e| StoreError::Conflict(e.to_string())))
            .transpose()
    }

    /// Stores the replies a turn decided on, once: a retried turn gets the
    /// first run's replies back instead of its own, so it re-sends exactly
    /// what is still unsent. Lives on the inbound dedupe item (same TTL).
    pub async fn save_turn_replies<T>(&self, message_sid: &str, replies: &T) -> Result<T>
    where
        T: Serialize + serde::de::DeserializeOwned + Clone,
    {
        let encoded =
            serde_json::to_string(replies).map_err(|e| StoreError::Conflict(e.to_string()))?;
        let res = self
            .client
            .update_item()
            .table_name(self.table.as_ref())
            .set_key(Some(db::key(
                keys::inbound_pk(message_sid),
                keys::INBOUND_SK,
            )))
            .update_expression("SET replies = :r")
            .condition_expression("attribute_not_exists(replies)")
            .expression_attribute_values(":r", db::s(encoded))
            .send()
            .await;
        match res {
            Ok(_) => Ok(replies.clone()),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                let it = self
                    .get_item(keys::inbound_pk(message_sid), keys::INBOUND_SK)
                    .await?
                    .ok_or(StoreError::NotFound { what: "inbound" })?;
                let raw = db::str_attr(&it, "replies").unwrap_or("null");
                serde_json::from_str(raw).map_err(|e| StoreError::Conflict(e.to_string()))
            }
            Err(e) => Err(e.into()),
        }
    }
}
