//! Conversation use cases: hand a customer to a person, take over,
//! release, and messages from the business to a customer (relayed from a
//! staff member's chat or typed in the dashboard).

use chrono::{DateTime, Duration, Utc};
use parlo_core::es::format;
use parlo_core::ids::derived_id;
use parlo_core::*;
use parlo_store::{ActivityKind, Store, StoreError};

use super::outbox::{Delivery, OutboxError, Outgoing};
use super::policy::MessageKind;
use super::{Act, Biz, Services};

/// How long a take-over (a person answering) silences the assistant.
pub const HANDOFF_HOURS: i64 = 24;

/// `Conversation::context` key of a customer's request for a person:
/// `{"taken": bool}`. Until someone takes it the request only waits
/// [`OrgSettings::handoff_unanswered`] open minutes.
pub const HANDOFF_KEY: &str = "handoff";
/// `Conversation::context` key set (to the instant) when a request for a
/// person lapsed unanswered and the chat went back to the assistant, so
/// the turn that reopened it tells the customer.
pub const HANDOFF_LAPSED_KEY: &str = "handoff_lapsed_at";

/// Whether a person took the handed-off conversation (take-over, or a
/// message of the team's to the customer).
pub fn handoff_taken(c: &Conversation) -> bool {
    c.context
        .get(HANDOFF_KEY)
        .and_then(|h| h.get("taken"))
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(true)
}

/// Whether this conversation's unanswered request for a person lapsed at
/// `now` (the turn running now reopened it).
pub fn handoff_lapsed_at(c: &Conversation, now: DateTime<Utc>) -> bool {
    c.context
        .get(HANDOFF_LAPSED_KEY)
        .and_then(|v| serde_json::from_value::<DateTime<Utc>>(v.clone()).ok())
        == Some(now)
}

fn set_context(c: &mut Conversation, key: &str, value: serde_json::Value) {
    if !c.context.is_object() {
        c.context = serde_json::json!({});
    }
    if let Some(map) = c.context.as_object_mut() {
        if value.is_null() {
            map.remove(key);
        } else {
            map.insert(key.to_string(), value);
        }
    }
}

/// A person answers the customer: the assistant stays quiet for
/// [`HANDOFF_HOURS`].
fn mark_taken(c: &mut Conversation, now: DateTime<Utc>) {
    c.status = ConversationStatus::HandedOff;
    c.handed_off_until = Some(now + Duration::hours(HANDOFF_HOURS));
    c.updated_at = now;
    set_context(c, HANDOFF_KEY, serde_json::json!({"taken": true}));
}

#[derive(Debug, thiserror::Error)]
pub enum ConversationError {
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("outbox: {0}")]
    Outbox(#[from] OutboxError),
}

/// Who a conversation is with.
#[derive(Debug, Clone, Copy)]
pub struct Peer<'a> {
    /// E.164.
    pub phone: &'a str,
    pub kind: ConversationKind,
    pub customer_id: Option<CustomerId>,
    pub staff_id: Option<StaffId>,
}

/// Why the conversation is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opening {
    /// The peer just wrote: their 24-hour window opens, and a handoff
    /// whose time ran out returns the chat to the assistant.
    Inbound,
    /// Parlo writes first (a job): a new conversation starts outside the
    /// window; an existing one is left as it is.
    Outbound,
}

/// The business's conversation with `peer`, created when new (its id
/// derives from the business and the phone, so two racing turns or jobs
/// end with the same one). The one get-or-create of the system.
/// The id a business's conversation with a phone gets when it is opened:
/// known before reading it (a turn reads its flow in the same batch).
pub fn conversation_id(org: OrgId, peer_e164: &str) -> parlo_core::ConversationId {
    derived_id(&[&org.to_string(), peer_e164, "conversation"])
}

pub async fn open(
    store: &Store,
    org: OrgId,
    peer: Peer<'_>,
    opening: Opening,
    now: DateTime<Utc>,
) -> Result<Conversation, StoreError> {
    let existing = store.get_conversation(org, peer.phone).await?;
    open_from(store, org, peer, opening, now, existing).await
}

/// [`open`] when the caller already read the conversation (`existing`,
/// `None` when there was none).
pub async fn open_from(
    store: &Store,
    org: OrgId,
    peer: Peer<'_>,
    opening: Opening,
    now: DateTime<Utc>,
    existing: Option<Conversation>,
) -> Result<Conversation, StoreError> {
    if let Some(mut c) = existing {
        if opening == Opening::Inbound {
            if c.status == ConversationStatus::HandedOff
                && c.handed_off_until.is_some_and(|u| u <= now)
            {
                c.status = ConversationStatus::Active;
                c.handed_off_until = None;
                if !handoff_taken(&c) {
                    // Nobody answered the request: the turn tells them.
                    set_context(&mut c, HANDOFF_LAPSED_KEY, serde_json::json!(now));
                }
                set_context(&mut c, HANDOFF_KEY, serde_json::Value::Null);
            }
            c.last_message_at = now;
            c.updated_at = now;
            store.put_conversation(&c).await?;
        }
        return Ok(c);
    }
    let last_message_at = match opening {
        Opening::Inbound => now,
        // Nobody wrote yet: outside the window.
        Opening::Outbound => now - super::policy::SERVICE_WINDOW - Duration::seconds(1),
    };
    let c = Conversation {
        id: conversation_id(org, peer.phone),
        org_id: org,
        kind: peer.kind,
        peer_phone: peer.phone.to_string(),
        customer_id: peer.customer_id,
        staff_id: peer.staff_id,
        status: ConversationStatus::Active,
        handed_off_until: None,
        context: serde_json::Value::Null,
        created_at: now,
        updated_at: now,
        last_message_at,
    };
    match store.create_conversation(&c).await {
        Ok(()) => Ok(c),
        Err(StoreError::AlreadyExists { .. }) => store
            .get_conversation(org, peer.phone)
            .await?
            .ok_or(StoreError::NotFound {
                what: "conversation",
            }),
        Err(e) => Err(e),
    }
}

impl Services {
    /// The customer asked for a person: the conversation waits for one
    /// [`OrgSettings::handoff_unanswered`] minutes of opening time (`hours`)
    /// — a person who takes it holds it for [`HANDOFF_HOURS`], otherwise it
    /// returns to the assistant, which tells the customer — and each owner
    /// is told once per act.
    pub async fn handoff(
        &self,
        act: &Act,
        biz: Biz<'_>,
        customer: &Customer,
        mut conversation: Conversation,
        reason: &str,
        hours: &WeeklyHours,
    ) -> Result<Conversation, ConversationError> {
        let wait = biz.org.settings.handoff_unanswered();
        conversation.status = ConversationStatus::HandedOff;
        conversation.handed_off_until = Some(parlo_core::time::open_minutes_after(
            hours, biz.tz, act.now, wait,
        ));
        conversation.updated_at = act.now;
        set_context(
            &mut conversation,
            HANDOFF_KEY,
            serde_json::json!({"taken": false}),
        );
        self.store.put_conversation(&conversation).await?;
        let phone = format::phone(&customer.phone);
        let who = customer
            .name
            .as_deref()
            .map_or_else(|| phone.clone(), |n| format!("{n} ({phone})"));
        let reason = reason.trim();
        // spec/001 Example 3's words.
        let text = format!(
            "🙋 {reason}\nCliente: {who}\nRespóndele directamente; el asistente queda en pausa \
             con este cliente. Si nadie le contesta en {wait} min (en horario), el asistente \
             le avisa y retoma la conversación."
        );
        for owner in biz.owners() {
            let out = Outgoing {
                org_id: Some(biz.org.id),
                timezone: &biz.org.timezone,
                vars: vec![who.clone(), biz.org.name.clone(), reason.to_string()],
                ..Outgoing::new(
                    format!("{}:handoff:{}", act.key, owner.phone),
                    MessageKind::HandoffNotice,
                    biz.number(&self.outbox.central_number),
                    owner.phone.clone(),
                    text.clone(),
                    act.now,
                )
            };
            if let Err(e) = self.outbox.deliver(out).await {
                tracing::error!(error = %e, "handoff notice not sent; left pending in the outbox");
            }
        }
        self.activity(
            act,
            biz,
            "handoff",
            format!("{}: un cliente pidió hablar con una persona", biz.org.name),
        )
        .await;
        Ok(conversation)
    }

    /// A staff member answers a customer personally.
    pub async fn take_over(
        &self,
        act: &Act,
        mut conversation: Conversation,
    ) -> Result<Conversation, ConversationError> {
        mark_taken(&mut conversation, act.now);
        self.store.put_conversation(&conversation).await?;
        Ok(conversation)
    }

    /// The assistant answers the customer again.
    pub async fn release(
        &self,
        act: &Act,
        mut conversation: Conversation,
    ) -> Result<Conversation, ConversationError> {
        if conversation.status == ConversationStatus::HandedOff {
            conversation.status = ConversationStatus::Active;
            conversation.handed_off_until = None;
            conversation.updated_at = act.now;
            set_context(&mut conversation, HANDOFF_KEY, serde_json::Value::Null);
            self.store.put_conversation(&conversation).await?;
        }
        Ok(conversation)
    }

    /// A message from the business to a customer, from the business's
    /// number, once per `key`; recorded in the customer's conversation as
    /// sent by staff. Outside the window it goes as the `staff_relay`
    /// template.
    pub async fn message_customer(
        &self,
        act: &Act,
        biz: Biz<'_>,
        to: &str,
        conversation: Option<&Conversation>,
        key: String,
        text: &str,
    ) -> Result<Delivery, ConversationError> {
        // A customer waiting for a person now has one: the request no
        // longer lapses back to the assistant.
        if let Some(c) =
            conversation.filter(|c| c.status == ConversationStatus::HandedOff && !handoff_taken(c))
        {
            let mut c = c.clone();
            mark_taken(&mut c, act.now);
            self.store.put_conversation(&c).await?;
        }
        let out = Outgoing {
            org_id: Some(biz.org.id),
            timezone: &biz.org.timezone,
            // The template names the business itself: no signature twice.
            vars: vec![
                biz.org.name.clone(),
                text.strip_suffix(&format!(" - {}", biz.org.name))
                    .unwrap_or(text)
                    .to_string(),
            ],
            conversation,
            history: conversation.map(|_| SenderType::Staff),
            ..Outgoing::new(
                key,
                MessageKind::StaffRelay,
                biz.number(&self.outbox.central_number),
                to,
                text,
                act.now,
            )
        };
        Ok(self.outbox.deliver(out).await?)
    }

    async fn activity(&self, act: &Act, biz: Biz<'_>, what: &str, summary: String) {
        self.note(
            act,
            Some(biz.org.id),
            ActivityKind::Handoff,
            &[what],
            summary,
        )
        .await;
    }
}
