//! One conversation turn per queued inbound message: identify, route
//! (cases 1–5), persist, ask the agent, send the replies exactly once.
//!
//! Idempotent under SQS redelivery: the inbound message is stored under an
//! id derived from its MessageSid; the agent's replies are saved on the
//! inbound record the first time, so a retry re-sends exactly what the
//! first run decided; every reply is claimed in the outbox under
//! `<MessageSid>#<position>` before it is sent, so none goes out twice.

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use chrono::{DateTime, Duration, Utc};
use parlo_core::phone::{self, Region};
use parlo_core::routing::{self, Registration, Route};
use parlo_core::*;
use parlo_store::{InboundCount, Store, StoreError, TurnStart, TurnWants};
use parlo_twilio::inbound::InboundMessage;
use serde::{Deserialize, Serialize};

use crate::agent::{Agent, TurnContext, HISTORY_WINDOW};
use crate::media;
use parlo_app::catalogue;
use parlo_app::clock::Clock;
use parlo_app::messenger::Messenger;
use parlo_app::services::conversations::{self, Peer};
use parlo_app::services::{customers, onboarding, staff};
use parlo_app::services::{
    Act, By, Delivery, Door, MessageKind, Outbox, OutboxError, Outgoing, Templates,
};

use parlo_app::queue::CORRELATION_ATTRIBUTE;
pub use parlo_app::queue::{message_group_id, QueuedInbound};
use parlo_telemetry::{names, Recorder, Unit};
use tracing::Instrument;

/// Messages one customer may send one business in a minute, and in a
/// day, before Parlo stops answering for a while.
pub const INBOUND_PER_MINUTE: u32 = 20;
pub const INBOUND_PER_DAY: u32 = 200;

/// How long a handed-off conversation stays with the humans unless
/// released earlier.
pub const HANDOFF_WINDOW: Duration = Duration::hours(24);

pub use parlo_core::ids::derived_id;

#[derive(Debug, thiserror::Error)]
pub enum TurnError {
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("agent: {0}")]
    Agent(#[from] crate::agent::AgentError),
    #[error("sending: {0}")]
    Send(String),
    #[error("bad queue message: {0}")]
    Poison(String),
}

impl TurnError {
    /// Whether a redelivery may succeed. Poison messages never will: they
    /// fail until SQS moves them to the DLQ (maxReceiveCount 5).
    pub fn is_retryable(&self) -> bool {
        !matches!(self, TurnError::Poison(_))
    }
}

/// What a turn did (for logs and tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TurnOutcome {
    Answered {
        route: Route,
        sent: usize,
        skipped: usize,
    },
    HandedOff,
    Dropped(&'static str),
}

pub struct TurnProcessor<A> {
    pub store: Store,
    pub messenger: Messenger,
    pub agent: A,
    pub clock: Clock,
    pub central_number: String,
}

/// What routing learned about one inbound message.
struct Identified {
    sender: String,
    recipient: String,
    is_central: bool,
    route: Route,
    ctx: TurnContext,
    /// The business the conversation belongs to (none for redirects).
    org: Option<Organization>,
    kind: ConversationKind,
    sender_type: SenderType,
    /// The sender's conversation, flow and customer sentinel and this
    /// message's saved replies, read in one batch (none without a business).
    start: Option<TurnStart>,
}

/// A reply the turn decided on (saved once per inbound message).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct PlannedReply {
    body: String,
    /// Someone other than the sender (a notification), E.164.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kind: Option<MessageKind>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    vars: Vec<String>,
    /// A use case's notice: its own idempotency key and sending number
    /// (a reply's key is the message's sid and position).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    from: Option<String>,
}

/// What a turn will send, and whether it is already saved on the inbound
/// item (a retried turn's first-run replies).
struct Planned {
    replies: Vec<PlannedReply>,
    saved: bool,
    /// The notices' recipients' conversations as their use case read them
    /// (by key): the window, without reading them again.
    windows: Vec<(String, Option<Conversation>)>,
    /// The activity entries of this turn's changes, written with the
    /// joint claim.
    activity: Vec<parlo_store::Activity>,
    /// The turn's flow and the customer's own name, written with the
    /// joint claim (or alone before the one-by-one path).
    state: parlo_store::TurnState,
}

impl<A: Agent> TurnProcessor<A> {
    /// Processes an SQS batch, reporting failures per item. Once a message
    /// of a conversation fails, its later messages in the batch are failed
    /// too without running, so FIFO order holds on redelivery.
    pub async fn process_batch(&self, event: SqsEvent) -> SqsBatchResponse {
        let mut failed_groups: Vec<String> = Vec::new();
        let mut response = SqsBatchResponse::default();
        for record in event.records {
            let id = record.message_id.clone().unwrap_or_default();
            let group = record
                .attributes
                .get("MessageGroupId")
                .cloned()
                .unwrap_or_default();
            if failed_groups.contains(&group) {
                response.batch_item_failures.push(failure(id));
                continue;
            }
            let body = record.body.as_deref().unwrap_or("");
            let parsed = serde_json::from_str::<QueuedInbound>(body);
            let correlation_id = record
                .message_attributes
                .get(CORRELATION_ATTRIBUTE)
                .and_then(|a| a.string_value.clone())
                .or_else(|| parsed.as_ref().ok().map(|q| q.message.message_sid.clone()))
                .unwrap_or_else(|| id.clone());
            let span = tracing::info_span!("turn", correlation_id = %correlation_id);
            let started = std::time::Instant::now();
            // Turns of a batch run one after another: the store's request
            // counter's difference is this turn's DynamoDB requests.
            let requests_before = self.store.requests();
            let recorder = Recorder::new(names::service::TURN, correlation_id)
                .with_zero(&[names::TURNS_FAILED, names::TURNS_POISONED]);
            let work = async {
                match parsed {
                    Ok(queued) => self.process(&queued).await,
                    Err(e) => Err(TurnError::Poison(e.to_string())),
                }
            };
            let (result, mut recorder) =
                parlo_telemetry::scope(recorder, work.instrument(span.clone())).await;
            let dynamodb_requests = self.store.requests() - requests_before;
            recorder.add(names::TURNS_PROCESSED, Unit::Count, 1.0);
            recorder.add(
                names::DYNAMODB_REQUESTS,
                Unit::Count,
                dynamodb_requests as f64,
            );
            recorder.add(
                names::TURN_DURATION,
                Unit::Milliseconds,
                started.elapsed().as_millis() as f64,
            );
            let _in_span = span.enter();
            match result {
                Ok(outcome) => {
                    tracing::info!(sqs_message_id = %id, ?outcome, dynamodb_requests, "turn done")
                }
                Err(e) if !e.is_retryable() => {
                    // Reported as failed so the queue's redrive policy parks
                    // it in the DLQ for a human, instead of losing it.
                    recorder.add(names::TURNS_POISONED, Unit::Count, 1.0);
                    tracing::error!(sqs_message_id = %id, error = %e, "poison message; bound for the DLQ");
                    failed_groups.push(group);
                    response.batch_item_failures.push(failure(id));
                }
                Err(e) => {
                    recorder.add(names::TURNS_FAILED, Unit::Count, 1.0);
                    tracing::warn!(sqs_message_id = %id, error = %e, "turn failed; will be retried");
                    failed_groups.push(group);
                    response.batch_item_failures.push(failure(id));
                }
            }
            recorder.emit();
        }
        response
    }

    /// One turn: identify the sender and route, persist the inbound
    /// message, decide the replies (once per MessageSid), deliver them.
    pub async fn process(&self, queued: &QueuedInbound) -> Result<TurnOutcome, TurnError> {
        let message = &queued.message;
        tracing::debug!(message_sid = %message.message_sid, "turn");
        let now = self.clock.now();
        // Boxed: each step's future lives on the heap, not in one deep
        // frame on a 2 MiB worker stack.
        let mut turn = match Box::pin(self.identify(queued, now)).await? {
            Ok(t) => t,
            Err(outcome) => return Ok(outcome),
        };
        let (conversation, count) = match Box::pin(self.persist(queued, &turn, now)).await? {
            Ok(c) => c,
            Err(outcome) => return Ok(outcome),
        };
        if let Some(outcome) = self
            .over_rate_limit(queued, &turn, conversation.as_ref(), count, now)
            .await?
        {
            return Ok(outcome);
        }
        let planned = self
            .decide(queued, &mut turn, conversation.as_ref())
            .await?;
        let (sent, skipped) = self
            .deliver_replies(queued, &turn, conversation.as_ref(), planned, now)
            .await?;
        let Identified { route, ctx, .. } = turn;
        if let (Route::StaffOnboarding { .. }, Some(staff)) = (&route, &ctx.staff) {
            staff::first_message(&self.store, staff, now).await?;
        }
        Ok(TurnOutcome::Answered {
            route,
            sent,
            skipped,
        })
    }

    /// Who wrote to which number, routed (cases 1–5), with the business
    /// and the sender's records loaded; or why the message is dropped.
    async fn identify(
        &self,
        queued: &QueuedInbound,
        now: DateTime<Utc>,
    ) -> Result<Result<Identified, TurnOutcome>, TurnError> {
        let message = &queued.message;
        let (Ok(sender), Ok(recipient)) = (
            phone::normalize(&message.from, Region::Mexico),
            phone::normalize(&message.to, Region::Mexico),
        ) else {
            tracing::warn!("unparseable sender or recipient number");
            return Ok(Err(TurnOutcome::Dropped("bad_number")));
        };

        let is_central = recipient == self.central_number;
        // On a business's number only its own staff route differently
        // (routing::route), and the catalogue the turn loads anyway holds
        // them: no memberships query. The central number needs every
        // business the sender works at.
        // A warm process knows the number's business: its organization item
        // comes in the turn's one batch of reads (checked, else looked up).
        let mut prefetched: Option<TurnStart> = None;
        let (business, catalogue, memberships) = if is_central {
            (None, None, self.store.staff_memberships(&sender).await?)
        } else {
            let mut found = None;
            if let Some(org_id) = catalogue::business_of_number(&recipient) {
                let start = self
                    .turn_start(org_id, &sender, message, true, now, true)
                    .await?;
                match &start.org {
                    Some((org, version)) if org.whatsapp_number.as_deref() == Some(&recipient) => {
                        found = Some((org.clone(), version.clone()));
                        prefetched = Some(start);
                    }
                    _ => catalogue::set_business_of_number(&recipient, None),
                }
            }
            let found = match found {
                Some(f) => Some(f),
                None => {
                    let f = self
                        .store
                        .organization_by_whatsapp_versioned(&recipient)
                        .await?;
                    if let Some((org, _)) = &f {
                        catalogue::set_business_of_number(&recipient, Some(org.id));
                    }
                    f
                }
            };
            match found {
                Some((org, version)) => {
                    let catalogue = Box::pin(catalogue::catalogue(
                        &self.store,
                        org.id,
                        version.as_deref(),
                    ))
                    .await?;
                    let mine = catalogue
                        .staff
                        .iter()
                        .filter(|s| s.phone == sender)
                        .cloned()
                        .collect();
                    (Some(org), Some(catalogue), mine)
                }
                None => (None, None, Vec::new()),
            }
        };
        let orgs = self
            .membership_orgs(&memberships, business.as_ref())
            .await?;
        let registrations: Vec<Registration<'_>> = memberships
            .iter()
            .filter_map(|staff| {
                orgs.iter()
                    .find(|o| o.id == staff.org_id)
                    .map(|org| Registration { staff, org })
            })
            .collect();
        let mut route = routing::route(
            &recipient,
            &self.central_number,
            business.as_ref(),
            &registrations,
        );
        tracing::info!(route = ?route, "routed");

        let mut ctx = TurnContext {
            route: route.clone(),
            text: message.body.clone(),
            message_sid: message.message_sid.clone(),
            now,
            business: business.clone(),
            catalogue,
            staff: None,
            customer: None,
            redirect_to: Vec::new(),
            profile_name: message.profile_name.clone(),
            replied_to: message.replied_to.clone(),
            conversation: None,
            flow_at_start: None,
            history: Vec::new(),
            deferred: Some(Default::default()),
        };

        // Who the conversation is with, inside which business.
        let mut turn_start = None;
        let (org, kind, sender_type) = match &route {
            Route::UnknownNumber => {
                tracing::warn!(%recipient, "message for a number Parlo does not serve; dropped");
                return Ok(Err(TurnOutcome::Dropped("unknown_number")));
            }
            Route::BusinessUnavailable { .. } => {
                let org = business.clone().expect("routed to a business");
                (Some(org), ConversationKind::Customer, SenderType::Customer)
            }
            Route::RedirectToBusinesses { org_ids } => {
                ctx.redirect_to = orgs
                    .iter()
                    .filter(|o| org_ids.contains(&o.id))
                    .filter_map(|o| o.whatsapp_number.clone().map(|n| (o.name.clone(), n)))
                    .collect();
                (None, ConversationKind::Staff, SenderType::Staff)
            }
            Route::BusinessOnboarding { org_id } => {
                let org = match org_id {
                    Some(id) => orgs.iter().find(|o| o.id == *id).cloned(),
                    None => Some(
                        onboarding::open_from_chat(
                            &self.store,
                            &sender,
                            &message.message_sid,
                            message.profile_name.as_deref(),
                            now,
                        )
                        .await?,
                    ),
                };
                if let Some(org) = &org {
                    route = Route::BusinessOnboarding {
                        org_id: Some(org.id),
                    };
                    ctx.route = route.clone();
                }
                ctx.business = org.clone();
                (org, ConversationKind::Onboarding, SenderType::Staff)
            }
            Route::ManagementFromCentral { org_id, staff_id }
            | Route::BusinessManagement { org_id, staff_id }
            | Route::StaffOnboarding { org_id, staff_id } => {
                let org = orgs.iter().find(|o| o.id == *org_id).cloned();
                ctx.staff = memberships.iter().find(|s| s.id == *staff_id).cloned();
                ctx.business = org.clone();
                (org, ConversationKind::Staff, SenderType::Staff)
            }
            Route::Customer { org_id } => {
                let start = match prefetched.take().filter(|s| same_org(s, *org_id)) {
                    Some(s) => s,
                    None => {
                        self.turn_start(*org_id, &sender, message, true, now, false)
                            .await?
                    }
                };
                let customer =
                    customers::customer_writing(&self.store, *org_id, &sender, &start, now).await?;
                ctx.customer = Some(customer);
                ctx.flow_at_start = Some(start.flow.clone());
                turn_start = Some(start);
                (
                    business.clone(),
                    ConversationKind::Customer,
                    SenderType::Customer,
                )
            }
        };

        if let (Some(start), Some(deferred)) = (&turn_start, &ctx.deferred) {
            deferred
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .conversations = start.peers.clone();
        }
        if let (None, Some(org)) = (&turn_start, &org) {
            let start = match prefetched.take().filter(|s| same_org(s, org.id)) {
                // Not a customer's turn: the customer reads are not its own.
                Some(s) => TurnStart {
                    customer_id: None,
                    customer: None,
                    rate: None,
                    ..s
                },
                None => {
                    self.turn_start(org.id, &sender, message, false, now, false)
                        .await?
                }
            };
            ctx.flow_at_start = Some(start.flow.clone());
            turn_start = Some(start);
        }

        Ok(Ok(Identified {
            sender,
            is_central,
            recipient,
            route,
            ctx,
            org,
            kind,
            sender_type,
            start: turn_start,
        }))
    }

    /// The conversation (created or touched), the inbound message in its
    /// history and the sender's counter, in one request; a conversation a
    /// person holds ends the turn here.
    #[allow(clippy::type_complexity)]
    async fn persist(
        &self,
        queued: &QueuedInbound,
        turn: &Identified,
        now: DateTime<Utc>,
    ) -> Result<Result<(Option<Conversation>, Option<InboundCount>), TurnOutcome>, TurnError> {
        let message = &queued.message;
        let Identified {
            sender,
            ctx,
            org,
            kind,
            sender_type,
            start,
            ..
        } = turn;
        let (kind, sender_type) = (*kind, *sender_type);
        let Some(org) = org else {
            return Ok(Ok((None, None)));
        };
        let peer = Peer {
            phone: sender,
            kind,
            customer_id: ctx.customer.as_ref().map(|c| c.id),
            staff_id: ctx.staff.as_ref().map(|s| s.id),
        };
        let inbound = |conv: &Conversation| Message {
            id: derived_id(&[&message.message_sid, "in"]),
            org_id: org.id,
            conversation_id: conv.id,
            direction: Direction::Inbound,
            sender_type,
            content_type: crate::media::content_type(message),
            content: message.body.clone(),
            media_url: message.media.first().map(|m| m.url.clone()),
            provider_id: Some(message.message_sid.clone()),
            delivery_status: None,
            created_at: queued.received_at,
        };
        let received = conversations::receive(
            &self.store,
            org.id,
            peer,
            now,
            start.as_ref().map(|s| s.conversation.clone()),
            inbound,
            start.as_ref().and_then(|s| s.rate),
        )
        .await?;
        let (conversation, count) = (Some(received.conversation), received.count);
        if let Some(conv) = &conversation {
            // While a person holds (or is asked for) the chat, what the
            // customer writes reaches the team, batched.
            if conv.kind == ConversationKind::Customer
                && conv.status == ConversationStatus::HandedOff
                && conv.handed_off_until.is_some_and(|until| until > now)
            {
                if let Some(services) = self.agent.services() {
                    let act = Act::new(
                        ctx.customer
                            .as_ref()
                            .map_or(By::System, |c| By::Customer(c.id)),
                        Door::Chat,
                        message.message_sid.clone(),
                        now,
                    );
                    let inbound = derived_id(&[&message.message_sid, "in"]);
                    if let Err(e) = services.relay_inbound(&act, org, conv, inbound).await {
                        tracing::error!(error = %e, "handed-off message not relayed");
                        return Err(TurnError::Send(e.to_string()));
                    }
                }
            }
            // A request for a person nobody took yet still lets the agent
            // answer what it safely can (cancel, "my appointments").
            if conv.status == ConversationStatus::HandedOff
                && conv.handed_off_until.is_some_and(|until| until > now)
                && (conv.kind != ConversationKind::Customer || conversations::handoff_taken(conv))
            {
                tracing::info!("conversation is with a human; Parlo stays silent");
                return Ok(Err(TurnOutcome::HandedOff));
            }
        }

        Ok(Ok((conversation, count)))
    }

    /// The replies and notifications the agent decided on: the first
    /// run's when SQS delivers the message again.
    async fn decide(
        &self,
        queued: &QueuedInbound,
        turn: &mut Identified,
        conversation: Option<&Conversation>,
    ) -> Result<Planned, TurnError> {
        let message = &queued.message;
        let org = turn.org.clone();
        let ctx = &mut turn.ctx;
        // The replies: the first run's if this is a redelivery.
        let planned: Option<Vec<PlannedReply>> = match turn.start.as_ref() {
            Some(start) => start
                .replies
                .as_deref()
                .map(serde_json::from_str)
                .transpose()
                .map_err(|e| TurnError::Poison(format!("saved replies: {e}")))?,
            None => self.store.turn_replies(&message.message_sid).await?,
        };
        let planned = match planned {
            Some(replies) => Planned {
                replies,
                saved: true,
                windows: Vec::new(),
                activity: Vec::new(),
                state: Default::default(),
            },
            None => {
                if let (Some(org), Some(conv)) = (&org, conversation) {
                    // Read only when this turn looks at it (the LLM always;
                    // the rule agent for a menu answer or a miss; the media
                    // step for a message without words).
                    if media::wordless(message).is_some() || self.agent.wants_history(ctx) {
                        let inbound_id = derived_id(&[&message.message_sid, "in"]);
                        let mut history = self
                            .store
                            .recent_messages(org.id, conv.id, HISTORY_WINDOW + 1)
                            .await?;
                        history.retain(|m| m.id != inbound_id);
                        if history.len() > HISTORY_WINDOW {
                            history.drain(..history.len() - HISTORY_WINDOW);
                        }
                        ctx.history = history;
                    }
                    // The flow read with the conversation is its flow only
                    // when the stored conversation has the derived id.
                    if conv.id != conversations::conversation_id(org.id, &conv.peer_phone) {
                        ctx.flow_at_start = None;
                    }
                    ctx.conversation = Some(conv.clone());
                }
                // ---- the media step (crate::media, parlo_core::media) ----
                // A voice note is heard first and answered as its words; one
                // not heard, a photo or a file is not a misunderstanding: the
                // agents (and their flows) are left untouched.
                let step = self.media_step(message, ctx).await;
                let said = |text: String| crate::agent::AgentReply {
                    replies: vec![text],
                    notifications: Vec::new(),
                };
                let answer = match step {
                    // Boxed: the merged agents' state machines are too deep
                    // for a 2 MiB stack (test threads, tokio workers) inline.
                    media::MediaStep::Words => Box::pin(self.agent.respond(ctx)).await?,
                    media::MediaStep::Heard(words) => {
                        ctx.text = words.clone();
                        let mut answer = Box::pin(self.agent.respond(ctx)).await?;
                        let heard = media::heard(&words);
                        match answer.replies.first_mut() {
                            Some(first) => *first = format!("{heard}\n\n{first}"),
                            None => answer.replies.push(heard),
                        }
                        answer
                    }
                    media::MediaStep::AskToWrite { what, heard } => {
                        said(media::ask_to_write_after(what, &heard).to_string())
                    }
                    media::MediaStep::Quiet => crate::agent::AgentReply {
                        replies: Vec::new(),
                        notifications: Vec::new(),
                    },
                    media::MediaStep::CannotSee { what, repeat } => {
                        said(media::cannot_see(what, repeat.as_deref()))
                    }
                };
                // ---- end of the media step ----
                let replies: Vec<PlannedReply> = answer
                    .replies
                    .into_iter()
                    .map(|body| PlannedReply {
                        body,
                        to: None,
                        kind: None,
                        vars: Vec::new(),
                        key: None,
                        from: None,
                    })
                    .chain(answer.notifications.into_iter().map(|n| PlannedReply {
                        body: n.text,
                        to: Some(n.to),
                        kind: Some(n.kind),
                        vars: n.vars,
                        key: None,
                        from: None,
                    }))
                    .collect();
                // The services' notices of this turn's changes go out with
                // the replies (saved with them, so a retried turn that
                // does not decide again still sends them).
                // The activity entries are recorded with them.
                let deferred: parlo_app::services::Deferred = ctx
                    .deferred
                    .as_ref()
                    .map(|d| {
                        std::mem::take(
                            &mut *d.lock().unwrap_or_else(std::sync::PoisonError::into_inner),
                        )
                    })
                    .unwrap_or_default();
                let mut replies = replies;
                let mut windows = Vec::new();
                for n in deferred.notices {
                    if n.conversation_read {
                        windows.push((n.key.clone(), n.conversation));
                    }
                    replies.push(PlannedReply {
                        body: n.text,
                        to: Some(n.to),
                        kind: Some(n.kind),
                        vars: n.vars,
                        key: Some(n.key),
                        from: Some(n.from),
                    });
                }
                // Saved with the first claims, in deliver_replies.
                Planned {
                    replies,
                    saved: false,
                    windows,
                    activity: deferred.activity,
                    state: deferred.state,
                }
            }
        };

        Ok(planned)
    }

    /// The media step's decision for this message: a voice note heard
    /// through the agent's transcriber (once, before the agents decide),
    /// the last ask to write in the history, the open flow's last question.
    async fn media_step(&self, message: &InboundMessage, ctx: &TurnContext) -> media::MediaStep {
        let what = media::wordless(message);
        let heard = match (what, self.agent.transcriber()) {
            (Some(media::Wordless::Voice), Some(t)) => Some(t.hear(message).await),
            (Some(media::Wordless::Voice), None) => Some(media::Heard::Unavailable),
            _ => None,
        };
        let ours =
            |m: &&Message| m.direction == Direction::Outbound && m.sender_type == SenderType::Ai;
        let asked_at = ctx
            .history
            .iter()
            .filter(ours)
            .filter(|m| media::is_ask_to_write(&m.content))
            .map(|m| m.created_at)
            .max();
        // The flow's last question: the assistant's last words but this
        // step's own asks.
        let open_question = ctx
            .flow_at_start
            .as_ref()
            .and_then(|f| f.as_ref())
            .and_then(|_| {
                ctx.history
                    .iter()
                    .rev()
                    .filter(ours)
                    .find(|m| !media::is_own_ask(&m.content))
            })
            .map(|m| m.content.as_str());
        parlo_core::media::step(what, heard, asked_at, open_question, ctx.now)
    }

    /// Sends each planned message once through the outbox. A first run
    /// saves its replies with the messages' claims in one write and marks
    /// them in one more; a retried run (replies saved before) or a joint
    /// claim that did not go through delivers one by one, sending what is
    /// still unsent of the saved replies.
    async fn deliver_replies(
        &self,
        queued: &QueuedInbound,
        turn: &Identified,
        conversation: Option<&Conversation>,
        planned: Planned,
        now: DateTime<Utc>,
    ) -> Result<(usize, usize), TurnError> {
        let message = &queued.message;
        let Identified {
            sender,
            recipient,
            is_central,
            org,
            ..
        } = turn;
        let (sender, is_central) = (sender.clone(), *is_central);
        let recipient = recipient.clone();
        let from = if is_central {
            self.central_number.clone()
        } else {
            recipient.clone()
        };
        // Notifications come from the business's own number when it has one.
        let notify_from = org
            .as_ref()
            .and_then(|o| o.whatsapp_number.clone())
            .unwrap_or_else(|| from.clone());
        let outbox = self.outbox();
        let timezone = org.as_ref().map_or("", |o| o.timezone.as_str());
        let windows = planned.windows;
        let outgoing = |position: usize, reply: &PlannedReply| {
            let to_sender = reply.key.is_none() && reply.to.as_ref().is_none_or(|to| *to == sender);
            let window = reply
                .key
                .as_ref()
                .and_then(|k| windows.iter().find(|(key, _)| key == k));
            Outgoing {
                org_id: org.as_ref().map(|o| o.id),
                timezone,
                locale: org.as_ref().map(|o| o.locale()),
                vars: reply.vars.clone(),
                conversation: match window {
                    Some((_, c)) => c.as_ref(),
                    None => conversation.filter(|_| to_sender),
                },
                conversation_read: window.is_some(),
                history: to_sender.then_some(SenderType::Ai),
                // Replies sort after the message they answer.
                history_at: Some(queued.received_at + Duration::milliseconds(1 + position as i64)),
                ..Outgoing::new(
                    reply
                        .key
                        .clone()
                        .unwrap_or_else(|| format!("{}#{position}", message.message_sid)),
                    if to_sender {
                        MessageKind::Reply
                    } else {
                        reply.kind.unwrap_or(MessageKind::StaffRelay)
                    },
                    if to_sender {
                        from.clone()
                    } else {
                        reply.from.clone().unwrap_or_else(|| notify_from.clone())
                    },
                    reply.to.clone().unwrap_or_else(|| sender.clone()),
                    reply.body.clone(),
                    now,
                )
            }
        };
        let (mut sent, mut skipped) = (0, 0);
        let mut tally = |result: Result<Delivery, OutboxError>| match result {
            Ok(Delivery::Sent(_) | Delivery::NotSendable(_) | Delivery::Refused(_)) => {
                sent += 1;
                Ok(())
            }
            Ok(Delivery::AlreadySent(_)) => {
                skipped += 1;
                Ok(())
            }
            // Another run of this turn is sending it: let SQS retry.
            Ok(Delivery::InFlight(r)) => Err(TurnError::Send(format!("{} is being sent", r.key))),
            Err(OutboxError::Store(e)) => Err(e.into()),
            Err(OutboxError::Transient(e)) => Err(TurnError::Send(e)),
        };
        let replies = if planned.saved {
            planned.replies
        } else {
            let outs = planned
                .replies
                .iter()
                .enumerate()
                .map(|(i, r)| outgoing(i, r))
                .collect();
            let joint = outbox
                .deliver_all(
                    outs,
                    Some((message.message_sid.as_str(), &planned.replies)),
                    &planned.activity,
                    &planned.state,
                )
                .await
                .map_err(|e| match e {
                    OutboxError::Store(e) => TurnError::from(e),
                    OutboxError::Transient(e) => TurnError::Send(e),
                })?;
            if let Some(results) = joint {
                for result in results {
                    tally(result)?;
                }
                return Ok((sent, skipped));
            }
            // Before the replies are saved: a retried turn that finds
            // them does not decide again, so the state they speak of must
            // be in place first.
            self.write_state(turn, &planned.state, now).await?;
            self.store
                .save_turn_replies(&message.message_sid, &planned.replies)
                .await?
        };
        for (position, reply) in replies.iter().enumerate() {
            tally(outbox.deliver(outgoing(position, reply)).await)?;
        }
        Ok((sent, skipped))
    }

    /// The turn's own state written alone (its joint claim did not carry
    /// it): through the services, which keep a name someone else set
    /// meanwhile.
    async fn write_state(
        &self,
        turn: &Identified,
        state: &parlo_store::TurnState,
        now: DateTime<Utc>,
    ) -> Result<(), TurnError> {
        if state.is_empty() {
            return Ok(());
        }
        match self.agent.services() {
            Some(services) => {
                let by = turn
                    .ctx
                    .customer
                    .as_ref()
                    .map_or(By::System, |c| By::Customer(c.id));
                let act = Act::new(by, Door::Chat, turn.ctx.message_sid.clone(), now);
                services.write_turn_state(&act, state).await?;
            }
            None => {
                if let Some(flow) = &state.flow {
                    self.store.write_flow(flow).await?;
                }
            }
        }
        Ok(())
    }

    /// A customer who writes more than [`INBOUND_PER_MINUTE`] messages a
    /// minute or [`INBOUND_PER_DAY`] a day to one business gets one polite
    /// answer, then silence until the window passes: one number cannot
    /// burn the business's LLM spend. The messages stay in the history.
    async fn over_rate_limit(
        &self,
        queued: &QueuedInbound,
        turn: &Identified,
        conversation: Option<&Conversation>,
        count: Option<InboundCount>,
        now: DateTime<Utc>,
    ) -> Result<Option<TurnOutcome>, TurnError> {
        let (Route::Customer { .. }, Some(org)) = (&turn.route, &turn.org) else {
            return Ok(None);
        };
        let count = match count {
            Some(c) => c,
            None => self.store.count_inbound(org.id, &turn.sender, now).await?,
        };
        if count.this_minute <= INBOUND_PER_MINUTE && count.today <= INBOUND_PER_DAY {
            return Ok(None);
        }
        tracing::warn!(
            minute = count.this_minute,
            day = count.today,
            "sender over the inbound rate limit"
        );
        if count.this_minute == INBOUND_PER_MINUTE + 1 || count.today == INBOUND_PER_DAY + 1 {
            let out = Outgoing {
                org_id: Some(org.id),
                timezone: &org.timezone,
                locale: Some(org.locale()),
                conversation,
                history: conversation.map(|_| SenderType::Ai),
                ..Outgoing::new(
                    format!("{}#limit", queued.message.message_sid),
                    MessageKind::Reply,
                    turn.recipient.clone(),
                    turn.sender.clone(),
                    "Recibí muchos mensajes seguidos 🙏 Dame un momento y en un rato te contesto. \
                     Si es urgente, llama directamente al negocio.",
                    now,
                )
            };
            match self.outbox().deliver(out).await {
                Ok(_) => {}
                Err(OutboxError::Store(e)) => return Err(e.into()),
                Err(OutboxError::Transient(e)) => return Err(TurnError::Send(e)),
            }
        }
        Ok(Some(TurnOutcome::Dropped("rate_limited")))
    }

    /// The one outbox, over this processor's messenger.
    fn outbox(&self) -> Outbox {
        Outbox {
            store: self.store.clone(),
            messenger: self.messenger.clone(),
            templates: Templates::configured(self.messenger.is_mock()),
            central_number: self.central_number.clone(),
        }
    }

    /// The businesses behind the sender's staff records (usually one),
    /// read concurrently.
    async fn membership_orgs(
        &self,
        memberships: &[Staff],
        business: Option<&Organization>,
    ) -> Result<Vec<Organization>, StoreError> {
        let mut ids: Vec<OrgId> = memberships.iter().map(|s| s.org_id).collect();
        ids.sort();
        ids.dedup();
        let mut known: Vec<Organization> = business.cloned().into_iter().collect();
        ids.retain(|id| !known.iter().any(|o| o.id == *id));
        let fetched =
            futures::future::try_join_all(ids.iter().map(|id| self.store.get_organization(*id)))
                .await?;
        known.extend(fetched.into_iter().flatten());
        Ok(known)
    }

    /// The batch of reads a turn starts with (see [`TurnStart`]).
    async fn turn_start(
        &self,
        org: OrgId,
        sender: &str,
        message: &InboundMessage,
        customer: bool,
        now: DateTime<Utc>,
        with_org: bool,
    ) -> Result<TurnStart, StoreError> {
        // A customer's inbound counter is read too (the rate limit), and
        // the team's conversations as this process knows the team: the
        // windows of the notices a booking sends.
        let team = if customer {
            parlo_app::catalogue::team_phones(org)
        } else {
            Vec::new()
        };
        self.store
            .turn_start(
                org,
                sender,
                conversations::conversation_id(org, sender),
                &message.message_sid,
                TurnWants {
                    customer,
                    rate_at: customer.then_some(now),
                    org: with_org,
                    peers: &team,
                },
            )
            .await
    }
}

/// Whether a batch read ahead (with the organization) was for `org`.
fn same_org(start: &TurnStart, org: OrgId) -> bool {
    start.org.as_ref().is_some_and(|(o, _)| o.id == org)
}

fn failure(id: String) -> BatchItemFailure {
    let mut f = BatchItemFailure::default();
    f.item_identifier = id;
    f
}
