//! The one outbox delivery every sender uses (turn replies, notifications,
//! reminders, dashboard messages, magic links): choose the path with the
//! message policy, claim the key, hand it to the provider, mark the result,
//! and add it to the recipient's conversation history.
//!
//! One failure policy: a refusal by the provider (bad number, blocked) is
//! recorded `failed` and never retried; a transient failure (429/5xx after
//! the client's own retries, a timeout) leaves the claim `pending` and is
//! returned as [`OutboxError::Transient`], so the caller's own retry (SQS
//! redelivery, Scheduler retry, the dashboard user) sends it once the lease
//! ([`parlo_store::OUTBOX_LEASE_MS`]) has passed. A concurrent second caller
//! within the lease gets [`Delivery::InFlight`] and sends nothing. A crash
//! between the provider call and the mark is the one at-least-once case:
//! the retry after the lease sends again.

use chrono::{DateTime, Utc};
use parlo_core::ids::derived_id;
use parlo_core::{ContentType, Conversation, Direction, Locale, Message, OrgId, SenderType};
use parlo_store::{Claim, DeliveryStatus, OutboxRecord, Store, StoreError};

use parlo_telemetry::{count, names};

use super::policy::{self, MessageKind, Path, Templates};
use crate::messenger::Messenger;

#[derive(Clone)]
pub struct Outbox {
    pub store: Store,
    pub messenger: Messenger,
    pub templates: Templates,
    /// Parlo's own number: what a business without a number sends from.
    pub central_number: String,
}

/// One message to send.
#[derive(Debug, Clone)]
pub struct Outgoing<'a> {
    /// Idempotency key, unique within the business.
    pub key: String,
    pub kind: MessageKind,
    pub org_id: Option<OrgId>,
    /// The business's IANA zone (template language when `locale` is unset).
    pub timezone: &'a str,
    /// The business's locale: the template language and, for Parlo's own
    /// texts, Spain's wording ([`parlo_core::Locale::words`]). `None`: the
    /// zone's.
    pub locale: Option<Locale>,
    pub from: String,
    pub to: String,
    /// The text inside the window.
    pub text: String,
    /// The template's variables outside it.
    pub vars: Vec<String>,
    /// The recipient's conversation: its last inbound message decides the
    /// window. `None`: looked up by (business, recipient).
    pub conversation: Option<&'a Conversation>,
    /// The caller read the recipient's conversation already: `None` above
    /// then means there is none (the window is closed), not "look it up".
    pub conversation_read: bool,
    /// Add the message to that conversation's history as this sender.
    pub history: Option<SenderType>,
    /// When it is recorded in the history (replies sort after the message
    /// they answer).
    pub history_at: Option<DateTime<Utc>>,
    /// A secret inside text/vars (a magic-link token): redacted in what is
    /// stored when really sending.
    pub secret: Option<String>,
    pub now: DateTime<Utc>,
}

impl<'a> Outgoing<'a> {
    /// A message with no template variables, history or secret.
    pub fn new(
        key: impl Into<String>,
        kind: MessageKind,
        from: impl Into<String>,
        to: impl Into<String>,
        text: impl Into<String>,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            key: key.into(),
            kind,
            org_id: None,
            timezone: "",
            locale: None,
            from: from.into(),
            to: to.into(),
            text: text.into(),
            vars: Vec::new(),
            conversation: None,
            conversation_read: false,
            history: None,
            history_at: None,
            secret: None,
            now,
        }
    }
}

/// A notice a use case decided on inside a chat turn, for the turn to send
/// with its replies ([`Outbox::deliver_all`]).
#[derive(Debug, Clone)]
pub struct Notice {
    pub key: String,
    pub kind: MessageKind,
    pub from: String,
    pub to: String,
    pub text: String,
    pub vars: Vec<String>,
    /// The recipient's conversation as the use case read it.
    pub conversation: Option<Conversation>,
    /// Whether it was read (then `None` means there is none).
    pub conversation_read: bool,
}

/// What a chat turn's use cases leave for the turn to write with its
/// replies, in its one joint claim: the notices to send and the activity
/// entries to record.
#[derive(Debug, Default)]
pub struct Deferred {
    pub notices: Vec<Notice>,
    pub activity: Vec<parlo_store::Activity>,
    /// The turn's flow and the customer's own name, written with them.
    pub state: parlo_store::TurnState,
    /// The team's conversations as the turn's first batch read them
    /// (`None`: none yet): the windows of its notices, not read again.
    pub conversations: Vec<(String, Option<parlo_core::Conversation>)>,
}

/// A turn's [`Deferred`] writes, shared by the use cases it runs.
pub type DeferredWrites = std::sync::Arc<std::sync::Mutex<Deferred>>;

/// What happened to one message.
#[derive(Debug, Clone, PartialEq)]
pub enum Delivery {
    /// Handed to the provider now (or recorded, in mock mode).
    Sent(OutboxRecord),
    /// An earlier attempt already handed it over.
    AlreadySent(OutboxRecord),
    /// Another caller holds the claim and may be sending it right now.
    InFlight(OutboxRecord),
    /// The policy found no way to send it; recorded with the reason.
    NotSendable(OutboxRecord),
    /// The provider refused it for good; recorded `failed`.
    Refused(OutboxRecord),
}

impl Delivery {
    pub fn record(&self) -> &OutboxRecord {
        match self {
            Delivery::Sent(r)
            | Delivery::AlreadySent(r)
            | Delivery::InFlight(r)
            | Delivery::NotSendable(r)
            | Delivery::Refused(r) => r,
        }
    }

    /// Sent now or before.
    pub fn went_out(&self) -> bool {
        matches!(self, Delivery::Sent(_) | Delivery::AlreadySent(_))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// The provider failed for now; the claim stays pending.
    #[error("provider: {0}")]
    Transient(String),
}

const REDACTED: &str = "[oculto]";

impl Outbox {
    pub fn mock(store: Store) -> Self {
        Self {
            store,
            messenger: Messenger::Mock,
            templates: Templates::local(),
            central_number: crate::config::LOCAL_CENTRAL_NUMBER.to_string(),
        }
    }

    pub fn is_mock(&self) -> bool {
        self.messenger.is_mock()
    }

    /// Sends `out` at most once per key (see the module's failure policy),
    /// counting the result and the policy's path in the unit of work's
    /// metrics.
    pub async fn deliver(&self, out: Outgoing<'_>) -> Result<Delivery, OutboxError> {
        let result = self.deliver_once(out).await;
        counted(&result);
        result
    }

    /// A turn's messages, claimed together with the turn's saved
    /// `replies` and its `activity` entries in one transaction, sent in order and marked in one more:
    /// two writes for the whole turn instead of one claim and one mark per
    /// message plus the save. `None` when the joint claim did not go
    /// through (a retried turn, a concurrent run, too many): nothing was
    /// written but the activity entries (each alone), and the caller saves
    /// and delivers one by one as before.
    /// Each message's result, in order, otherwise.
    pub async fn deliver_all<T: serde::Serialize>(
        &self,
        outs: Vec<Outgoing<'_>>,
        replies: Option<(&str, &T)>,
        activity: &[parlo_store::Activity],
        state: &parlo_store::TurnState,
    ) -> Result<Option<Vec<Result<Delivery, OutboxError>>>, OutboxError> {
        let mut prepared = Vec::with_capacity(outs.len());
        for out in outs {
            prepared.push(self.prepare(out).await?);
        }
        let records: Vec<OutboxRecord> = prepared.iter().map(|p| p.record.clone()).collect();
        let Some(claimed) = self
            .store
            .claim_outbox_all(&records, replies, activity, state)
            .await?
        else {
            // The entries are the turn's record whatever path its messages
            // take: each alone (idempotent on its id).
            for a in activity {
                if let Err(e) = self.store.record_activity(a).await {
                    tracing::warn!(error = %e, "activity feed entry not recorded");
                }
            }
            return Ok(None);
        };
        let mut results = Vec::with_capacity(prepared.len());
        let mut marks = Vec::new();
        for (p, claimed) in prepared.into_iter().zip(claimed) {
            // In order: after a failure the rest wait (claimed, pending)
            // for the caller's retry, so nothing overtakes it.
            if results.iter().any(Result::is_err) {
                let key = p.record.key.clone();
                results.push(Err(OutboxError::Transient(format!(
                    "{key} waits for an earlier message"
                ))));
                continue;
            }
            match self.send_claimed(p, claimed).await {
                Ok(f) => {
                    results.push(Ok(f.delivery()));
                    marks.push((f.record, f.history));
                }
                Err(e) => results.push(Err(e)),
            }
        }
        self.store.mark_outbox_all(&marks).await?;
        results.iter().for_each(counted);
        Ok(Some(results))
    }

    async fn deliver_once(&self, out: Outgoing<'_>) -> Result<Delivery, OutboxError> {
        let p = self.prepare(out).await?;
        let claimed = match self.store.claim_outbox(&p.record).await? {
            Claim::Send(r) => r,
            Claim::AlreadySent(r) => {
                return Ok(match r.status {
                    DeliveryStatus::NotSendable => Delivery::NotSendable(r),
                    DeliveryStatus::Failed => Delivery::Refused(r),
                    _ => Delivery::AlreadySent(r),
                })
            }
            Claim::InFlight(r) => return Ok(Delivery::InFlight(r)),
        };
        let f = self.send_claimed(p, claimed).await?;
        match &f.history {
            Some(m) => {
                self.store
                    .mark_outbox_sent_with_history(&f.record, m)
                    .await?
            }
            None => self.store.mark_outbox_sent(&f.record).await?,
        }
        Ok(f.delivery())
    }

    /// The record to claim for `out`: the path the policy chose, the text
    /// as stored (secrets redacted) and as the provider gets it.
    async fn prepare<'a>(&self, out: Outgoing<'a>) -> Result<Prepared<'a>, OutboxError> {
        let looked_up = match (out.conversation, out.kind, out.org_id) {
            (Some(_), _, _) => None,
            (None, MessageKind::Reply, _) | (None, _, None) => None,
            (None, _, Some(_)) if out.conversation_read => None,
            (None, _, Some(org)) => self.store.get_conversation(org, &out.to).await?,
        };
        let conversation = out.conversation.cloned().or(looked_up);
        let in_window =
            policy::window_open(conversation.as_ref().map(|c| c.last_message_at), out.now);
        let locale = out
            .locale
            .unwrap_or_else(|| Locale::for_timezone(out.timezone));
        let path = policy::choose(
            out.kind,
            in_window,
            &self.templates,
            locale.template_language(),
            &out.vars,
        );
        // Parlo's own sentences in the business's Spanish; what a person
        // typed (a staff member's answer, a relayed customer message) as
        // they typed it.
        let text = match out.kind {
            MessageKind::StaffRelay | MessageKind::HandoffNotice => out.text.clone(),
            _ => locale.words(&out.text).into_owned(),
        };
        let mock = self.messenger.is_mock();
        let redact = |s: &str| match (&out.secret, mock) {
            (Some(secret), false) if !secret.is_empty() => s.replace(secret.as_str(), REDACTED),
            _ => s.to_string(),
        };
        let (body, content_sid, content_variables) = match &path {
            Path::Text | Path::NotSendable { .. } => (text, None, None),
            Path::Template {
                content_sid,
                variables,
                rendered,
            } => (
                rendered.clone(),
                Some(content_sid.clone()),
                Some(variables.clone()),
            ),
        };
        let record = OutboxRecord {
            key: out.key.clone(),
            org_id: out.org_id,
            conversation_id: out.history.and(conversation.as_ref().map(|c| c.id)),
            to: out.to.clone(),
            from: out.from.clone(),
            body: Some(redact(&body)),
            content_sid,
            content_variables: content_variables.as_deref().map(redact),
            status: DeliveryStatus::Pending,
            provider_sid: None,
            error_code: None,
            mock,
            created_at: out.now,
            updated_at: out.now,
            seq: String::new(),
            kind: Some(out.kind.as_str().to_string()),
            path: Some(path.as_str().to_string()),
            lease_until_ms: 0,
            correlation_id: parlo_telemetry::correlation_id(),
        };
        Ok(Prepared {
            out,
            conversation,
            path,
            body,
            content_variables,
            record,
        })
    }

    /// Hands a claimed message to the provider and says what to mark (the
    /// caller marks, alone or with the turn's other messages).
    async fn send_claimed(
        &self,
        p: Prepared<'_>,
        claimed: OutboxRecord,
    ) -> Result<Finish, OutboxError> {
        let Prepared {
            out,
            conversation,
            path,
            body,
            content_variables,
            mut record,
        } = p;
        record.seq = claimed.seq;
        record.created_at = claimed.created_at;
        record.lease_until_ms = claimed.lease_until_ms;
        if let Path::NotSendable { reason } = path {
            tracing::warn!(key = %record.key, kind = out.kind.as_str(), reason, "message not sendable");
            record.status = DeliveryStatus::NotSendable;
            record.error_code = Some(reason.to_string());
            return Ok(Finish {
                record,
                history: None,
                refused: false,
                not_sendable: true,
            });
        }
        // The provider gets the real text and variables.
        let outgoing = OutboxRecord {
            body: Some(body),
            content_variables,
            ..record.clone()
        };
        let refused = match self.messenger.send(&outgoing).await {
            Ok(handed) => {
                record.provider_sid = Some(handed.provider_sid);
                record.status = handed.status;
                record.mock = handed.mock;
                false
            }
            Err(e) if !e.is_retryable() => {
                tracing::error!(error = %e, key = %record.key, "the provider refused the message");
                record.status = DeliveryStatus::Failed;
                record.error_code = Some(e.to_string());
                true
            }
            Err(e) => {
                tracing::warn!(error = %e, key = %record.key, "sending failed for now; the claim stays pending");
                return Err(OutboxError::Transient(e.to_string()));
            }
        };
        record.updated_at = out.now;
        // The history line of a sent message, written with the mark.
        let history = match (out.history, conversation) {
            (Some(sender), Some(conv)) if !refused => Some(Message {
                id: derived_id(&[&out.key, "out"]),
                org_id: conv.org_id,
                conversation_id: conv.id,
                direction: Direction::Outbound,
                sender_type: sender,
                content_type: if record.content_sid.is_some() {
                    ContentType::Template
                } else {
                    ContentType::Text
                },
                content: record.body.clone().unwrap_or_default(),
                media_url: None,
                provider_id: record.provider_sid.clone(),
                delivery_status: None,
                created_at: out.history_at.unwrap_or(out.now),
            }),
            _ => None,
        };
        Ok(Finish {
            record,
            history,
            refused,
            not_sendable: false,
        })
    }
}

/// One message ready to claim.
struct Prepared<'a> {
    out: Outgoing<'a>,
    conversation: Option<Conversation>,
    path: Path,
    /// The text as the provider gets it (unredacted).
    body: String,
    content_variables: Option<String>,
    record: OutboxRecord,
}

/// What a sent (or unsendable) message leaves to mark.
struct Finish {
    record: OutboxRecord,
    history: Option<Message>,
    refused: bool,
    not_sendable: bool,
}

impl Finish {
    fn delivery(&self) -> Delivery {
        let r = self.record.clone();
        if self.not_sendable {
            Delivery::NotSendable(r)
        } else if self.refused {
            Delivery::Refused(r)
        } else {
            Delivery::Sent(r)
        }
    }
}

/// Counts one delivery's result and the policy's path.
fn counted(result: &Result<Delivery, OutboxError>) {
    count(
        match result {
            Ok(Delivery::Sent(_)) => names::SENDS_SENT,
            Ok(Delivery::AlreadySent(_)) => names::SENDS_ALREADY_SENT,
            Ok(Delivery::InFlight(_)) => names::SENDS_IN_FLIGHT,
            Ok(Delivery::NotSendable(_)) => names::SEND_PATH_NOT_SENDABLE,
            Ok(Delivery::Refused(_)) => names::SENDS_REFUSED,
            Err(OutboxError::Transient(_)) => names::SENDS_FAILED_TRANSIENT,
            Err(OutboxError::Store(_)) => return,
        },
        1,
    );
    if let Ok(Delivery::Sent(r) | Delivery::Refused(r)) = result {
        match r.path.as_deref() {
            Some("template") => count(names::SEND_PATH_TEMPLATE, 1),
            _ => count(names::SEND_PATH_TEXT, 1),
        }
    }
}
