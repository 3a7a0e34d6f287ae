//! Conversations, messages, flow sessions, inbound dedupe and magic-link
//! tokens (A15–A19).

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Duration, Utc};
use parlo_core::{AuthToken, Conversation, ConversationId, FlowSession, Message, OrgId};

use crate::db::{self, item, Cond, Item, Page, Query, Range};
use crate::error::{Result, StoreError};
use crate::keys::{self, kind};
use crate::Store;

/// How long a MessageSid is remembered for dedupe (Twilio retries within
/// minutes; a week is generous).
pub const INBOUND_DEDUPE_TTL: Duration = Duration::days(7);

fn conversation_item(c: &Conversation) -> Result<Item> {
    let it = item(
        c,
        kind::CONVERSATION,
        keys::org_pk(c.org_id),
        keys::conversation_sk(&c.peer_phone),
    )?;
    Ok(db::with_gsi(
        it,
        keys::GSI3,
        keys::conversation_id_gsi3pk(c.org_id, c.id),
        keys::CONVERSATION_GSI3SK.into(),
    ))
}

pub(crate) fn message_item(m: &Message) -> Result<Item> {
    item(
        m,
        kind::MESSAGE,
        keys::org_pk(m.org_id),
        keys::message_sk(m.conversation_id, m.created_at, m.id),
    )
}

/// A change of a conversation's flow: its step saved, or the flow ended.
#[derive(Debug, Clone, PartialEq)]
pub enum FlowWrite {
    Save(FlowSession),
    End {
        org: OrgId,
        conversation: ConversationId,
    },
}

impl FlowWrite {
    /// The flow as it is after this write.
    pub fn after(&self) -> Option<&FlowSession> {
        match self {
            FlowWrite::Save(f) => Some(f),
            FlowWrite::End { .. } => None,
        }
    }
}

fn flow_item(f: &FlowSession) -> Result<Item> {
    item(
        f,
        kind::FLOW,
        keys::org_pk(f.org_id),
        keys::flow_sk(f.conversation_id),
    )
}

/// The inbound dedupe record's "reached the turn queue" flag.
const INBOUND_QUEUED: &str = "queued";

/// What [`Store::claim_inbound`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboundClaim {
    New,
    Unqueued,
    Queued,
}

impl Store {
    // ---- conversations ------------------------------------------------------

    /// The business's conversation with a phone (A15).
    pub async fn get_conversation(
        &self,
        org: OrgId,
        peer_e164: &str,
    ) -> Result<Option<Conversation>> {
        self.get(keys::org_pk(org), keys::conversation_sk(peer_e164))
            .await
    }

    /// The business's conversations with these phones (those that exist),
    /// in one batch.
    pub async fn get_conversations(
        &self,
        org: OrgId,
        peers_e164: &[&str],
    ) -> Result<Vec<Conversation>> {
        if peers_e164.is_empty() {
            return Ok(Vec::new());
        }
        let mut wanted: Vec<(String, String)> = peers_e164
            .iter()
            .map(|p| (keys::org_pk(org), keys::conversation_sk(p)))
            .collect();
        wanted.sort();
        wanted.dedup();
        self.batch_get(wanted, false)
            .await?
            .into_iter()
            .map(db::decode)
            .collect()
    }

    /// Creates a conversation; `AlreadyExists` when the business already
    /// has one with that phone (read it instead).
    pub async fn create_conversation(&self, c: &Conversation) -> Result<()> {
        self.put_if(
            conversation_item(c)?,
            Some(Cond::not_exists()),
            StoreError::AlreadyExists {
                what: "conversation",
            },
        )
        .await
    }

    /// Creates or replaces a conversation.
    pub async fn put_conversation(&self, c: &Conversation) -> Result<()> {
        self.put_if(
            conversation_item(c)?,
            None,
            StoreError::Conflict(String::new()),
        )
        .await
    }

    /// Every conversation of a business (by phone).
    pub async fn list_conversations(
        &self,
        org: OrgId,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Page<Conversation>> {
        let q = Query::table(keys::org_pk(org), Range::BeginsWith("CONV#".into()));
        self.query_page(&q, Some(limit), cursor)
            .await?
            .try_map(db::decode)
    }

    // ---- messages -----------------------------------------------------------

    /// Appends a message; returns `false` when this exact message (same
    /// conversation, time and id) was already stored.
    pub async fn append_message(&self, m: &Message) -> Result<bool> {
        match self
            .put_if(
                message_item(m)?,
                Some(Cond::not_exists()),
                StoreError::AlreadyExists { what: "message" },
            )
            .await
        {
            Ok(()) => Ok(true),
            Err(StoreError::AlreadyExists { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Messages of a conversation, oldest first, a page at a time (A16).
    pub async fn list_messages(
        &self,
        org: OrgId,
        conversation: ConversationId,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Page<Message>> {
        let q = Query::table(
            keys::org_pk(org),
            Range::BeginsWith(keys::message_prefix(conversation)),
        );
        self.query_page(&q, Some(limit), cursor)
            .await?
            .try_map(db::decode)
    }

    /// The last `n` messages of a conversation, oldest first (the context
    /// of a turn): one query read backwards.
    pub async fn recent_messages(
        &self,
        org: OrgId,
        conversation: ConversationId,
        n: usize,
    ) -> Result<Vec<Message>> {
        let q = Query::table(
            keys::org_pk(org),
            Range::BeginsWith(keys::message_prefix(conversation)),
        )
        .backwards();
        let mut out: Vec<Message> = self
            .query_all(&q, Some(n))
            .await?
            .into_iter()
            .map(db::decode)
            .collect::<Result<_>>()?;
        out.reverse();
        Ok(out)
    }

    // ---- flow sessions ------------------------------------------------------

    pub async fn get_flow(
        &self,
        org: OrgId,
        conversation: ConversationId,
    ) -> Result<Option<FlowSession>> {
        self.get(keys::org_pk(org), keys::flow_sk(conversation))
            .await
    }

    pub async fn put_flow(&self, f: &FlowSession) -> Result<()> {
        self.put_if(flow_item(f)?, None, StoreError::Conflict(String::new()))
            .await
    }

    /// A turn's change of its conversation's flow, alone (the turn's joint
    /// claim carries it otherwise: [`crate::TurnState`]).
    pub async fn write_flow(&self, w: &FlowWrite) -> Result<()> {
        match w {
            FlowWrite::Save(f) => self.put_flow(f).await,
            FlowWrite::End { org, conversation } => {
                self.delete_flow(*org, *conversation).await.map(|_| ())
            }
        }
    }

    pub(crate) fn tx_flow(
        &self,
        w: &FlowWrite,
    ) -> Result<aws_sdk_dynamodb::types::TransactWriteItem> {
        match w {
            FlowWrite::Save(f) => self.tx_put(flow_item(f)?, None),
            FlowWrite::End { org, conversation } => {
                self.tx_delete(keys::org_pk(*org), keys::flow_sk(*conversation), None)
            }
        }
    }

    pub async fn delete_flow(&self, org: OrgId, conversation: ConversationId) -> Result<bool> {
        Ok(self
            .delete_if(keys::org_pk(org), keys::flow_sk(conversation), None)
            .await?
            .is_some())
    }

    // ---- inbound dedupe -----------------------------------------------------

    /// Records a provider message id (Twilio MessageSid) the first time it
    /// is seen (A18): `true` when new, `false` for a duplicate delivery.
    /// The record expires after [`INBOUND_DEDUPE_TTL`].
    pub async fn record_inbound(&self, message_sid: &str, now: DateTime<Utc>) -> Result<bool> {
        let mut it = db::key(keys::inbound_pk(message_sid), keys::INBOUND_SK);
        it.insert(keys::TYPE.into(), db::s(kind::INBOUND));
        it.insert("received_at".into(), db::s(keys::ts_ms(now)));
        it.insert(
            keys::TTL.into(),
            db::n((now + INBOUND_DEDUPE_TTL).timestamp()),
        );
        match self
            .put_if(
                it,
                Some(Cond::not_exists()),
                StoreError::AlreadyExists { what: "inbound" },
            )
            .await
        {
            Ok(()) => Ok(true),
            Err(StoreError::AlreadyExists { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The webhook's crash-safe claim of an inbound message (A18): the
    /// dedupe record says whether the message reached the turn queue, so a
    /// crash between recording and enqueueing cannot make Twilio's retry a
    /// "duplicate" that is dropped forever (issue 11, item 10).
    ///
    /// `New`: first sight, recorded as not yet queued. `Unqueued`: seen
    /// before but never confirmed queued — enqueue again (the FIFO
    /// deduplication id absorbs a send that did succeed). `Queued`: a true
    /// duplicate. Records written by [`Store::record_inbound`] (no `queued`
    /// attribute) count as queued.
    pub async fn claim_inbound(
        &self,
        message_sid: &str,
        now: DateTime<Utc>,
    ) -> Result<InboundClaim> {
        let mut it = db::key(keys::inbound_pk(message_sid), keys::INBOUND_SK);
        it.insert(keys::TYPE.into(), db::s(kind::INBOUND));
        it.insert("received_at".into(), db::s(keys::ts_ms(now)));
        it.insert(INBOUND_QUEUED.into(), AttributeValue::Bool(false));
        it.insert(
            keys::TTL.into(),
            db::n((now + INBOUND_DEDUPE_TTL).timestamp()),
        );
        match self
            .put_if(
                it,
                Some(Cond::not_exists()),
                StoreError::AlreadyExists { what: "inbound" },
            )
            .await
        {
            Ok(()) => Ok(InboundClaim::New),
            Err(StoreError::AlreadyExists { .. }) => {
                let existing = self
                    .get_item(keys::inbound_pk(message_sid), keys::INBOUND_SK)
                    .await?;
                let unqueued = existing
                    .as_ref()
                    .and_then(|it| it.get(INBOUND_QUEUED))
                    .is_some_and(|v| matches!(v, AttributeValue::Bool(false)));
                Ok(if unqueued {
                    InboundClaim::Unqueued
                } else {
                    InboundClaim::Queued
                })
            }
            Err(e) => Err(e),
        }
    }

    /// Marks a claimed inbound message as on the turn queue.
    pub async fn mark_inbound_queued(&self, message_sid: &str) -> Result<()> {
        self.client
            .update_item()
            .table_name(self.table.as_ref())
            .set_key(Some(db::key(
                keys::inbound_pk(message_sid),
                keys::INBOUND_SK,
            )))
            .update_expression("SET #q = :t")
            .condition_expression("attribute_exists(PK)")
            .expression_attribute_names("#q", INBOUND_QUEUED)
            .expression_attribute_values(":t", AttributeValue::Bool(true))
            .send()
            .await
            .map(|_| ())
            .or_else(|e| {
                if e.as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception())
                {
                    // Forgotten meanwhile: nothing to mark.
                    Ok(())
                } else {
                    Err(e.into())
                }
            })
    }

    // ---- magic-link tokens ------------------------------------------------

    /// Stores a token (by hash) that expires at `expires_at` (also its TTL).
    pub async fn put_auth_token(&self, t: &AuthToken) -> Result<()> {
        let mut it = item(
            t,
            kind::TOKEN,
            keys::token_pk(&t.token_hash),
            keys::TOKEN_SK.into(),
        )?;
        it.insert(keys::TTL.into(), db::n(t.expires_at.timestamp()));
        self.put_if(
            it,
            Some(Cond::not_exists()),
            StoreError::AlreadyExists { what: "token" },
        )
        .await
    }

    /// Redeems a token once (A19): one conditional update marks it used
    /// only if unused and unexpired, so two concurrent redeems cannot both
    /// win. `NotFound`, `Expired`, or `Conflict` (already used).
    pub async fn redeem_auth_token(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<AuthToken> {
        let res = self
            .client
            .update_item()
            .table_name(self.table.as_ref())
            .set_key(Some(db::key(keys::token_pk(token_hash), keys::TOKEN_SK)))
            .update_expression("SET used_at = :now")
            .condition_expression(
                "attribute_exists(PK) AND #ttl > :epoch AND (attribute_not_exists(used_at) OR attribute_type(used_at, :null))",
            )
            .expression_attribute_names("#ttl", keys::TTL)
            .expression_attribute_values(":now", db::to_av(&now)?)
            .expression_attribute_values(":epoch", db::n(now.timestamp()))
            .expression_attribute_values(":null", db::s("NULL"))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllNew)
            .send()
            .await;
        match res {
            Ok(out) => db::decode(out.attributes.unwrap_or_default()),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                let Some(it) = self
                    .get_item(keys::token_pk(token_hash), keys::TOKEN_SK)
                    .await?
                else {
                    return Err(StoreError::NotFound { what: "token" });
                };
                let t: AuthToken = db::decode(it)?;
                if t.used_at.is_some() {
                    Err(StoreError::Conflict("token already used".into()))
                } else {
                    Err(StoreError::Expired { what: "token" })
                }
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// What a turn reads about its sender before deciding, by key: the
/// business's customer with that phone (the sentinel's id), the
/// conversation, its flow and the replies an earlier run of this inbound
/// message saved. One consistent `BatchGetItem` instead of four reads.
#[derive(Debug, Clone, Default)]
pub struct TurnStart {
    pub customer_id: Option<parlo_core::CustomerId>,
    /// The customer as its phone's sentinel copies it (none on an older
    /// sentinel: read it by `customer_id`).
    pub customer: Option<parlo_core::Customer>,
    pub conversation: Option<Conversation>,
    /// The flow of the conversation id the caller derived (check it is
    /// the stored conversation's before trusting it).
    pub flow: Option<FlowSession>,
    /// The saved replies, still encoded.
    pub replies: Option<String>,
    /// The sender's inbound counts before this message (when asked for).
    pub rate: Option<crate::InboundCount>,
    /// The organization item and its catalogue version (when asked for).
    pub org: Option<(parlo_core::Organization, Option<String>)>,
    /// The conversations of the phones asked for (`None`: none yet).
    pub peers: Vec<(String, Option<Conversation>)>,
}

/// What [`Store::turn_start`] reads besides the conversation, its flow
/// and the saved replies.
#[derive(Debug, Clone, Copy, Default)]
pub struct TurnWants<'a> {
    /// The phone's customer sentinel (a customer's turn).
    pub customer: bool,
    /// The sender's inbound counter, counted as of this time.
    pub rate_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The organization item (the caller knows the business's id).
    pub org: bool,
    /// Other phones whose conversations with the business the turn may
    /// need (the team's, whom a booking tells): their windows.
    pub peers: &'a [String],
}

/// How [`Store::write_inbound`] went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboundWrite {
    /// Conversation, message (and counter) written in one transaction.
    Written,
    /// The message was stored already (a redelivery): only the
    /// conversation was written, nothing counted again.
    Again,
    /// A new conversation was created concurrently: nothing written; the
    /// caller reads it and writes step by step.
    Raced,
}

impl Store {
    /// [`TurnStart`] for `peer` at `org` and the inbound `message_sid`;
    /// `customer`: whether to look the phone up among the customers.
    pub async fn turn_start(
        &self,
        org: OrgId,
        peer_e164: &str,
        conversation: ConversationId,
        message_sid: &str,
        wants: TurnWants<'_>,
    ) -> Result<TurnStart> {
        let pk = keys::org_pk(org);
        let (conv_sk, flow_sk, phone_sk) = (
            keys::conversation_sk(peer_e164),
            keys::flow_sk(conversation),
            keys::customer_phone_sk(peer_e164),
        );
        let inbound_pk = keys::inbound_pk(message_sid);
        let mut wanted = vec![
            (pk.clone(), conv_sk.clone()),
            (pk.clone(), flow_sk.clone()),
            (inbound_pk.clone(), keys::INBOUND_SK.to_string()),
        ];
        let TurnWants {
            customer,
            rate_at,
            org: with_org,
            peers,
        } = wants;
        let peer_sks: Vec<(String, &String)> = peers
            .iter()
            .filter(|p| p.as_str() != peer_e164)
            .map(|p| (keys::conversation_sk(p), p))
            .collect();
        wanted.extend(peer_sks.iter().map(|(sk, _)| (pk.clone(), sk.clone())));
        if customer {
            wanted.push((pk.clone(), phone_sk.clone()));
        }
        let rate_sk = rate_at.map(|at| keys::inbound_rate_sk(peer_e164, at.date_naive()));
        if let Some(sk) = &rate_sk {
            wanted.push((pk.clone(), sk.clone()));
        }
        if with_org {
            wanted.push((pk.clone(), keys::ORG_SK.to_string()));
        }
        let mut start = TurnStart::default();
        let mut rate_item = None;
        for it in self.batch_get(wanted, true).await? {
            let (Some(p), Some(s)) = (db::str_attr(&it, keys::PK), db::str_attr(&it, keys::SK))
            else {
                continue;
            };
            if p == inbound_pk {
                start.replies = db::str_attr(&it, "replies").map(str::to_string);
            } else if s == conv_sk {
                start.conversation = Some(db::decode(it)?);
            } else if s == flow_sk {
                start.flow = Some(db::decode(it)?);
            } else if s == phone_sk {
                start.customer_id = db::str_attr(&it, "customer_id").and_then(|s| s.parse().ok());
                start.customer = crate::customers::sentinel_customer(&it);
            } else if rate_sk.as_deref() == Some(s) {
                rate_item = Some(it);
            } else if with_org && s == keys::ORG_SK {
                let version = db::str_attr(&it, crate::org::CATALOGUE_VERSION).map(str::to_string);
                start.org = Some((db::decode(it)?, version));
            } else if let Some((_, phone)) = peer_sks.iter().find(|(sk, _)| sk == s) {
                let phone = (*phone).clone();
                start.peers.push((phone, Some(db::decode(it)?)));
            }
        }
        // Asked for and not there: no conversation yet (a window closed).
        for (_, phone) in &peer_sks {
            if !start.peers.iter().any(|(p, _)| p == *phone) {
                start.peers.push(((*phone).clone(), None));
            }
        }
        start.rate = rate_at.map(|at| crate::rate::counts_in(rate_item.as_ref(), at));
        Ok(start)
    }

    /// An inbound message's writes in one transaction: its conversation
    /// (created when `created`, else replaced), the message itself and,
    /// when `count` is set, one more on the sender's inbound counter.
    pub async fn write_inbound(
        &self,
        conversation: &Conversation,
        created: bool,
        message: &Message,
        count: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<InboundWrite> {
        let mut tx = vec![
            self.tx_put(
                conversation_item(conversation)?,
                created.then(Cond::not_exists),
            )?,
            self.tx_put(message_item(message)?, Some(Cond::not_exists()))?,
        ];
        if let Some(at) = count {
            tx.push(self.tx_count_inbound(conversation.org_id, &conversation.peer_phone, at)?);
        }
        match self.transact(tx).await {
            Ok(()) => Ok(InboundWrite::Written),
            Err(db::TxError::Cancelled(codes)) if created && db::code_failed(&codes, 0) => {
                Ok(InboundWrite::Raced)
            }
            Err(db::TxError::Cancelled(codes)) if db::code_failed(&codes, 1) => {
                self.put_conversation(conversation).await?;
                Ok(InboundWrite::Again)
            }
            Err(db::TxError::Cancelled(codes)) => Err(StoreError::Conflict(format!(
                "inbound write cancelled: {codes:?}"
            ))),
            Err(db::TxError::Other(e)) => Err(e),
        }
    }
}
