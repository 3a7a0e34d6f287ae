//! Conversation use cases: hand a customer to a person, take over,
//! release, and messages from the business to a customer (relayed from a
//! staff member's chat or typed in the dashboard).

use chrono::{DateTime, Duration, Utc};
use parlo_core::es::format;
use parlo_core::ids::derived_id;
use parlo_core::*;
use parlo_store::{ActivityKind, InboundCount, InboundWrite, Store, StoreError};

use super::outbox::{Delivery, OutboxError, Outgoing};
use super::policy::{self, MessageKind};
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
/// [`HANDOFF_HOURS`]. `by` (the staff member) also hears what the
/// customer writes next.
fn mark_taken(c: &mut Conversation, now: DateTime<Utc>, by: Option<StaffId>) {
    c.status = ConversationStatus::HandedOff;
    c.handed_off_until = Some(now + Duration::hours(HANDOFF_HOURS));
    c.updated_at = now;
    set_context(c, HANDOFF_KEY, serde_json::json!({"taken": true, "by": by}));
    start_relaying(c, now);
}

/// The assistant answers the customer again: no handoff, nothing left to
/// relay.
fn back_to_assistant(c: &mut Conversation, now: DateTime<Utc>) {
    c.status = ConversationStatus::Active;
    c.handed_off_until = None;
    c.updated_at = now;
    set_context(c, HANDOFF_KEY, serde_json::Value::Null);
    set_context(c, RELAY_KEY, serde_json::Value::Null);
}

/// The staff member who took the handed-off conversation, if one did.
pub fn handoff_taken_by(c: &Conversation) -> Option<StaffId> {
    c.context
        .get(HANDOFF_KEY)
        .and_then(|h| h.get("by"))
        .and_then(|v| serde_json::from_value(v.clone()).ok())
}

/// A burst of a handed-off customer's messages within this many seconds
/// reaches the team as one relay.
pub const RELAY_WINDOW_SECONDS: i64 = 20;
/// A pending relay this much past its time was lost (a failed
/// schedule): the next message schedules a new one.
const RELAY_STALE: Duration = Duration::minutes(10);
/// Customer messages one relay carries at most (the rest are counted).
const RELAY_MAX_MESSAGES: usize = 10;
/// Characters of one relayed message at most.
const RELAY_MAX_CHARS: usize = 500;
/// `Conversation::context` key of a customer's conversation: what was
/// relayed already and when the pending relay is due ([`RelayState`]).
pub const RELAY_KEY: &str = "relay";
/// `Conversation::context` key of a staff member's conversation: the
/// customers last relayed to them ([`Relayed`], newest last), so «dile
/// que …» or a reply to the relay reaches the right customer.
pub const RELAYED_KEY: &str = "relayed";
const RELAYED_KEEP: usize = 5;
/// How long after a relay a bare «dile que …» still answers it.
pub const RELAY_REPLY_HOURS: i64 = HANDOFF_HOURS;

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
struct RelayState {
    /// Customer messages up to this instant were relayed (or predate the
    /// handoff).
    #[serde(default)]
    after: Option<DateTime<Utc>>,
    /// When the pending relay fires.
    #[serde(default)]
    due: Option<DateTime<Utc>>,
    /// The customer messages the turns handed over and no relay carried
    /// yet. Instants alone cannot tell them apart from the request that
    /// started the handoff when both carry the same one (a frozen clock,
    /// a burst within one millisecond).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pending: Vec<MessageId>,
    /// The last messages relayed (a redelivered turn hands one over again).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    done: Vec<MessageId>,
}

fn relay_state(c: &Conversation) -> RelayState {
    c.context
        .get(RELAY_KEY)
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default()
}

/// From now on what the customer writes is relayed; what they wrote
/// before (the request itself) is not.
fn start_relaying(c: &mut Conversation, now: DateTime<Utc>) {
    let mut state = relay_state(c);
    if state.after.is_none() {
        state.after = Some(now);
        set_context(c, RELAY_KEY, serde_json::json!(state));
    }
}

/// A customer relayed to a staff member.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Relayed {
    pub customer_id: Option<CustomerId>,
    /// E.164.
    pub phone: String,
    pub name: Option<String>,
    /// The provider's id of the relay message (what a WhatsApp reply to
    /// it points at).
    pub sid: Option<String>,
    pub at: DateTime<Utc>,
}

fn relayed_list(staff_conversation: &Conversation) -> Vec<Relayed> {
    staff_conversation
        .context
        .get(RELAYED_KEY)
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default()
}

/// The customer whose relay the staff member's message replies to
/// (WhatsApp's reply on the relay message).
pub fn relay_replied(staff_conversation: &Conversation, replied_to: &str) -> Option<Relayed> {
    relayed_list(staff_conversation)
        .into_iter()
        .rev()
        .find(|r| r.sid.as_deref() == Some(replied_to))
}

/// The customer last relayed to the staff member, within
/// [`RELAY_REPLY_HOURS`] (what a bare «dile que …» answers).
pub fn latest_relay(staff_conversation: &Conversation, now: DateTime<Utc>) -> Option<Relayed> {
    relayed_list(staff_conversation)
        .into_iter()
        .rev()
        .find(|r| r.at + Duration::hours(RELAY_REPLY_HOURS) > now)
}

/// One relayed message, as the team reads it.
fn relay_line(m: &Message) -> String {
    let text = m.content.trim();
    if text.is_empty() {
        return "(mandó un archivo: nota de voz o imagen)".to_string();
    }
    let mut line: String = text.chars().take(RELAY_MAX_CHARS).collect();
    if text.chars().count() > RELAY_MAX_CHARS {
        line.push('…');
    }
    format!("«{line}»")
}

/// What a fired lapse did.
#[derive(Debug, Clone, PartialEq)]
pub enum Lapse {
    /// The chat is back with the assistant; the customer's notice.
    Returned(Box<Delivery>),
    /// Nothing to do, and why.
    Unchanged(&'static str),
}

/// What the customer reads when nobody took their request for a person:
/// the catalogue's `handoff_lapsed` body, inside the window too (one
/// wording; the catalogue test keeps it there in both languages).
fn lapse_text(locale: Locale, business: &str) -> String {
    policy::template(MessageKind::HandoffLapsed, locale.template_language())
        .map(|t| policy::render(t, &[business.to_string()]))
        .unwrap_or_default()
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

/// The id a business's conversation with a phone gets when it is opened:
/// known before reading it (a turn reads its flow in the same batch).
pub fn conversation_id(org: OrgId, peer_e164: &str) -> parlo_core::ConversationId {
    derived_id(&[&org.to_string(), peer_e164, "conversation"])
}

/// The business's conversation with `peer`, created when new (its id
/// derives from the business and the phone, so two racing turns or jobs
/// end with the same one). The one get-or-create of the system.
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

/// What opening does to the conversation (`existing`, `None` when there
/// was none), before anything is written: the conversation and whether
/// it is new. `None` when an existing one is left as it is.
fn opened(
    org: OrgId,
    peer: Peer<'_>,
    opening: Opening,
    now: DateTime<Utc>,
    existing: Option<Conversation>,
) -> (Conversation, Option<bool>) {
    if let Some(mut c) = existing {
        if opening != Opening::Inbound {
            return (c, None);
        }
        if c.status == ConversationStatus::HandedOff && c.handed_off_until.is_some_and(|u| u <= now)
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
        return (c, Some(false));
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
    (c, Some(true))
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
    let (c, write) = opened(org, peer, opening, now, existing);
    match write {
        None => Ok(c),
        Some(false) => {
            store.put_conversation(&c).await?;
            Ok(c)
        }
        Some(true) => match store.create_conversation(&c).await {
            Ok(()) => Ok(c),
            Err(StoreError::AlreadyExists { .. }) => store
                .get_conversation(org, peer.phone)
                .await?
                .ok_or(StoreError::NotFound {
                    what: "conversation",
                }),
            Err(e) => Err(e),
        },
    }
}

/// What an inbound message did to its conversation.
#[derive(Debug, Clone)]
pub struct Received {
    pub conversation: Conversation,
    /// The sender's inbound counts with this message (when counted).
    pub count: Option<InboundCount>,
}

/// The peer wrote: the conversation opened (its window, a lapsed
/// handoff), the message in its history and, with `counted` (the counts
/// before it, read with the turn), the sender's counter, in one request
/// when nothing races. `message` builds the message for the conversation
/// it belongs to. A redelivered message is not stored or counted twice.
pub async fn receive(
    store: &Store,
    org: OrgId,
    peer: Peer<'_>,
    now: DateTime<Utc>,
    existing: Option<Option<Conversation>>,
    message: impl Fn(&Conversation) -> Message,
    counted: Option<InboundCount>,
) -> Result<Received, StoreError> {
    let existing = match existing {
        Some(e) => e,
        None => store.get_conversation(org, peer.phone).await?,
    };
    let (conv, created) = opened(org, peer, Opening::Inbound, now, existing);
    let m = message(&conv);
    match store
        .write_inbound(&conv, created == Some(true), &m, counted.map(|_| now))
        .await?
    {
        InboundWrite::Written => Ok(Received {
            conversation: conv,
            count: counted.map(InboundCount::plus_one),
        }),
        InboundWrite::Again => Ok(Received {
            conversation: conv,
            count: counted,
        }),
        InboundWrite::Raced => {
            // Step by step on the conversation the other turn created.
            let conv = open(store, org, peer, Opening::Inbound, now).await?;
            let stored = store.append_message(&message(&conv)).await?;
            let count = match (counted, stored) {
                (Some(_), true) => Some(store.count_inbound(org, peer.phone, now).await?),
                (c, _) => c,
            };
            Ok(Received {
                conversation: conv,
                count,
            })
        }
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
        // What they write from now on reaches the team (relays).
        set_context(&mut conversation, RELAY_KEY, serde_json::Value::Null);
        start_relaying(&mut conversation, act.now);
        self.store.put_conversation(&conversation).await?;
        self.schedule_lapse(biz.org.id, &conversation).await;
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
                locale: Some(biz.org.locale()),
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

    /// The request's lapse (Scheduler job `handoff_lapse`, which calls
    /// [`Services::lapse_handoff`]) at its `handed_off_until`; it replaces
    /// the conversation's earlier one. Without a scheduler, or when the
    /// call fails, the customer's next message returns the chat instead.
    async fn schedule_lapse(&self, org: OrgId, conversation: &Conversation) {
        let Some(until) = conversation.handed_off_until else {
            return;
        };
        if !self.schedules.is_enabled() {
            return;
        }
        if let Err(e) = self
            .schedules
            .schedule_lapse(org, &conversation.peer_phone, until)
            .await
        {
            tracing::error!(error = %e, "handoff lapse not scheduled; the customer's next message returns the chat");
        }
    }

    /// Nobody took the request for a person made for `until` (the
    /// `handed_off_until` its job was scheduled with): the customer is told,
    /// once per request, that the team has their message and the assistant
    /// is back, and the chat returns to the assistant. A newer request, a
    /// take-over, a staff message or a release since then changes nothing.
    pub async fn lapse_handoff(
        &self,
        act: &Act,
        org_id: OrgId,
        phone: &str,
        until: DateTime<Utc>,
    ) -> Result<Lapse, ConversationError> {
        let (org, conversation) = tokio::try_join!(
            self.store.get_organization(org_id),
            self.store.get_conversation(org_id, phone)
        )?;
        let (Some(org), Some(mut conversation)) = (org, conversation) else {
            return Ok(Lapse::Unchanged("conversation not found"));
        };
        if conversation.status != ConversationStatus::HandedOff {
            return Ok(Lapse::Unchanged("back with the assistant already"));
        }
        if handoff_taken(&conversation) {
            return Ok(Lapse::Unchanged("a person took it"));
        }
        if conversation.handed_off_until.map(|u| u.timestamp_millis())
            != Some(until.timestamp_millis())
        {
            return Ok(Lapse::Unchanged("another request"));
        }
        if !relay_state(&conversation).pending.is_empty() {
            // What they wrote just before reaches the team before the chat
            // returns (the notice says the team has it).
            self.flush_relay(act, org_id, phone).await?;
            if let Some(c) = self.store.get_conversation(org_id, phone).await? {
                conversation = c;
            }
        }
        let biz = Biz::new(&org, &[], &[]);
        let locale = biz.locale();
        // Sent before the chat is returned: a failed send leaves the
        // request as it was, so the job's retry tells them (once: the key).
        let out = Outgoing {
            org_id: Some(org.id),
            timezone: &org.timezone,
            locale: Some(locale),
            vars: vec![org.name.clone()],
            conversation: Some(&conversation),
            history: Some(SenderType::Ai),
            ..Outgoing::new(
                format!("lapse:{}:{}", conversation.id, until.timestamp_millis()),
                MessageKind::HandoffLapsed,
                biz.number(&self.outbox.central_number),
                phone,
                lapse_text(locale, &org.name),
                act.now,
            )
        };
        let delivery = self.outbox.deliver(out).await?;
        back_to_assistant(&mut conversation, act.now);
        self.store.put_conversation(&conversation).await?;
        self.activity(
            act,
            biz,
            "handoff_lapsed",
            format!(
                "{}: nadie contestó a tiempo a un cliente que pidió una persona; el asistente retomó la conversación",
                org.name
            ),
        )
        .await;
        Ok(Lapse::Returned(Box::new(delivery)))
    }

    /// A staff member answers a customer personally.
    pub async fn take_over(
        &self,
        act: &Act,
        mut conversation: Conversation,
    ) -> Result<Conversation, ConversationError> {
        mark_taken(&mut conversation, act.now, act.staff_id());
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
            back_to_assistant(&mut conversation, act.now);
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
            mark_taken(&mut c, act.now, act.staff_id());
            self.store.put_conversation(&c).await?;
        }
        let out = Outgoing {
            org_id: Some(biz.org.id),
            timezone: &biz.org.timezone,
            locale: Some(biz.org.locale()),
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

    /// A customer wrote while their chat is handed off: their words reach
    /// the owners (and whoever took the chat) batched, so a burst of
    /// messages is one notification. The first message of a burst
    /// schedules the relay [`RELAY_WINDOW_SECONDS`] later (Scheduler job
    /// `handoff_relay`, which calls [`Services::flush_relay`]); the next
    /// ones ride along. Without a scheduler (tests, tools) each message is
    /// relayed at once. A redelivered turn changes nothing: the relay
    /// reads the stored messages and its outbox keys name the last one.
    pub async fn relay_inbound(
        &self,
        act: &Act,
        org: &Organization,
        conversation: &Conversation,
        message: MessageId,
    ) -> Result<(), ConversationError> {
        if conversation.kind != ConversationKind::Customer
            || conversation.status != ConversationStatus::HandedOff
        {
            return Ok(());
        }
        let mut c = conversation.clone();
        let mut state = relay_state(&c);
        if state.done.contains(&message) {
            // A redelivered turn: relayed already.
            return Ok(());
        }
        let known = state.pending.contains(&message);
        if !known {
            state.pending.push(message);
            if state.pending.len() > 3 * RELAY_MAX_MESSAGES {
                state
                    .pending
                    .drain(..state.pending.len() - 3 * RELAY_MAX_MESSAGES);
            }
        }
        if state.due.is_some_and(|due| due + RELAY_STALE > act.now) {
            // A relay is on its way; this message rides along.
            if !known {
                set_context(&mut c, RELAY_KEY, serde_json::json!(state));
                self.store.put_conversation(&c).await?;
            }
            return Ok(());
        }
        if !self.schedules.is_enabled() {
            set_context(&mut c, RELAY_KEY, serde_json::json!(state));
            self.store.put_conversation(&c).await?;
            self.flush_relay(act, org.id, &c.peer_phone).await?;
            return Ok(());
        }
        let due = act.now + Duration::seconds(RELAY_WINDOW_SECONDS);
        state.due = Some(due);
        set_context(&mut c, RELAY_KEY, serde_json::json!(state));
        self.store.put_conversation(&c).await?;
        if let Err(e) = self
            .schedules
            .schedule_relay(org.id, &c.peer_phone, due)
            .await
        {
            tracing::error!(error = %e, "relay not scheduled; relaying now");
            self.flush_relay(act, org.id, &c.peer_phone).await?;
        }
        Ok(())
    }

    /// Sends the team what the handed-off customer at `phone` wrote since
    /// the last relay, in one message per person (the owners and whoever
    /// took the chat), from the business's number, once per last message;
    /// and remembers on each person's own conversation whom the relay was
    /// about, so their «dile que …» (or a reply to it) reaches the
    /// customer. Returns how many customer messages it carried.
    pub async fn flush_relay(
        &self,
        act: &Act,
        org_id: OrgId,
        phone: &str,
    ) -> Result<usize, ConversationError> {
        let (org, conversation) = tokio::try_join!(
            self.store.get_organization(org_id),
            self.store.get_conversation(org_id, phone)
        )?;
        let (Some(org), Some(conversation)) = (org, conversation) else {
            return Ok(0);
        };
        let state = relay_state(&conversation);
        let recent = self
            .store
            .recent_messages(org_id, conversation.id, 3 * RELAY_MAX_MESSAGES)
            .await?;
        let new: Vec<&Message> = recent
            .iter()
            .filter(|m| {
                m.direction == Direction::Inbound
                    && m.sender_type == SenderType::Customer
                    && !state.done.contains(&m.id)
                    && (state.pending.contains(&m.id)
                        || state.after.is_none_or(|a| m.created_at > a))
            })
            .collect();
        let carried: Vec<MessageId> = new.iter().map(|m| m.id).collect();
        // Written while the chat was handed off (the assistant stayed
        // quiet): the team hears it even when the wait ran out since.
        let handed_off = conversation.status == ConversationStatus::HandedOff;
        let Some(last) = new.last().copied() else {
            self.relay_done(org_id, phone, state.after, &carried)
                .await?;
            return Ok(0);
        };
        let after = state.after.max(Some(last.created_at));
        if !handed_off {
            // Released meanwhile: the assistant answered them itself.
            self.relay_done(org_id, phone, after, &carried).await?;
            return Ok(0);
        }
        let (staff, customer) = tokio::try_join!(self.store.list_staff(org_id), async {
            match conversation.customer_id {
                Some(id) => self.store.get_customer(org_id, id).await,
                None => self.store.customer_by_phone(org_id, phone).await,
            }
        })?;
        let biz = Biz::new(&org, &staff, &[]);
        let shown = format::phone(phone);
        let name = customer
            .as_ref()
            .and_then(|c| c.name.clone())
            .filter(|n| !n.trim().is_empty());
        let who = name
            .as_deref()
            .map_or_else(|| shown.clone(), |n| format!("{n} ({shown})"));
        let skipped = new.len().saturating_sub(RELAY_MAX_MESSAGES);
        let mut lines: Vec<String> = new[skipped..].iter().map(|m| relay_line(m)).collect();
        if skipped > 0 {
            lines.insert(0, format!("(y {skipped} mensajes antes)"));
        }
        let said = lines.join("\n");
        let text = format!(
            "💬 {who} te escribe (el asistente está en pausa con este cliente):\n{said}\n\n\
             Para contestarle desde el número de {}, responde a este mensaje o escribe «dile que …».",
            org.name
        );
        let mut to: Vec<&Staff> = biz.owners().collect();
        if let Some(taker) = handoff_taken_by(&conversation).and_then(|id| biz.staff(id)) {
            if taker.is_active && !to.iter().any(|s| s.id == taker.id) {
                to.push(taker);
            }
        }
        for person in to {
            let out = Outgoing {
                org_id: Some(org_id),
                timezone: &org.timezone,
                locale: Some(org.locale()),
                vars: vec![who.clone(), org.name.clone(), lines.join(" ")],
                ..Outgoing::new(
                    format!("relay:{}:{}:{}", conversation.id, last.id, person.phone),
                    MessageKind::HandoffNotice,
                    biz.number(&self.outbox.central_number),
                    person.phone.clone(),
                    text.clone(),
                    act.now,
                )
            };
            let sid = match self.outbox.deliver(out).await {
                Ok(d) => d.record().provider_sid.clone(),
                Err(e) => {
                    tracing::error!(error = %e, "relay not sent; left pending in the outbox");
                    None
                }
            };
            let relayed = Relayed {
                customer_id: customer.as_ref().map(|c| c.id),
                phone: phone.to_string(),
                name: name.clone(),
                sid,
                at: act.now,
            };
            self.remember_relay(org_id, person, relayed, act.now)
                .await?;
        }
        self.relay_done(org_id, phone, after, &carried).await?;
        Ok(new.len())
    }

    /// The relay is out: messages up to `after` and those `carried` are
    /// relayed. Read again just before writing (a turn may have handed
    /// over another message meanwhile: it stays pending).
    async fn relay_done(
        &self,
        org_id: OrgId,
        phone: &str,
        after: Option<DateTime<Utc>>,
        carried: &[MessageId],
    ) -> Result<(), ConversationError> {
        let Some(mut c) = self.store.get_conversation(org_id, phone).await? else {
            return Ok(());
        };
        let mut state = relay_state(&c);
        state.pending.retain(|id| !carried.contains(id));
        for id in carried {
            if !state.done.contains(id) {
                state.done.push(*id);
            }
        }
        if state.done.len() > 3 * RELAY_MAX_MESSAGES {
            state
                .done
                .drain(..state.done.len() - 3 * RELAY_MAX_MESSAGES);
        }
        state.after = after;
        state.due = None;
        set_context(&mut c, RELAY_KEY, serde_json::json!(state));
        self.store.put_conversation(&c).await?;
        Ok(())
    }

    /// Keeps `relayed` on the staff member's own conversation.
    async fn remember_relay(
        &self,
        org_id: OrgId,
        person: &Staff,
        relayed: Relayed,
        now: DateTime<Utc>,
    ) -> Result<(), ConversationError> {
        let mut c = open(
            &self.store,
            org_id,
            Peer {
                phone: &person.phone,
                kind: ConversationKind::Staff,
                customer_id: None,
                staff_id: Some(person.id),
            },
            Opening::Outbound,
            now,
        )
        .await?;
        let mut list = relayed_list(&c);
        list.retain(|r| r.phone != relayed.phone || r.sid != relayed.sid);
        list.push(relayed);
        if list.len() > RELAYED_KEEP {
            list.drain(..list.len() - RELAYED_KEEP);
        }
        set_context(&mut c, RELAYED_KEY, serde_json::json!(list));
        self.store.put_conversation(&c).await?;
        Ok(())
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
