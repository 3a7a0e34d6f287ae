//! The services layer: the only writer. Every door into Parlo — the chat
//! (rule agent and LLM agent, through the tools), the dashboard API, the
//! scheduled jobs — changes data by calling a use case here, and each use
//! case does *all* of the change's consequences itself: the store write,
//! [`Schedules::sync`], the activity-feed entry and the notifications,
//! delivered through the one [`Outbox`] under the message policy.
//!
//! A use case takes an [`Act`] (who acts, through which door, with which
//! idempotency key, at what time) — never a chat or HTTP type.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use parlo_core::{Customer, CustomerId, OrgId, Organization, ServiceType, Staff, StaffId};
use parlo_store::Store;
use std::sync::{Arc, Mutex};

pub mod activity;
pub mod appointments;
pub mod availability;
pub mod catalogue;
pub mod conversations;
pub mod customers;
pub mod onboarding;
pub mod outbox;
pub mod policy;
pub mod sign_in;
pub mod staff;
pub mod words;

pub use availability::BlockError;
pub use catalogue::{CatalogueError, Invalid, Retired};
pub use customers::{CustomerEdit, Found};
pub use outbox::{Deferred, DeferredWrites, Delivery, Notice, Outbox, OutboxError, Outgoing};
pub use policy::{MessageKind, Templates};

use crate::schedules::Schedules;

/// The writer every door calls.
#[derive(Clone)]
pub struct Services {
    pub store: Store,
    pub schedules: Schedules,
    pub outbox: Outbox,
    /// The customer a chat turn already read (and any version of it this
    /// turn wrote), so the use cases of that turn do not read it again.
    /// Empty outside a turn; never shared between turns
    /// ([`Services::for_customer`] gives each turn its own).
    seen_customer: Arc<Mutex<Option<Customer>>>,
    /// A chat turn's notices and activity entries, written by the turn
    /// with its replies (one joint claim, one joint mark); `None`: each use
    /// case delivers and records its own.
    deferred: Option<outbox::DeferredWrites>,
}

impl Services {
    pub fn new(store: Store, schedules: Schedules, outbox: Outbox) -> Self {
        Self {
            store,
            schedules,
            outbox,
            seen_customer: Arc::default(),
            deferred: None,
        }
    }

    /// This writer, leaving the notices and activity entries of its use
    /// cases in `deferred` for the turn to write with its replies.
    pub fn deferring(&self, deferred: outbox::DeferredWrites) -> Self {
        Self {
            deferred: Some(deferred),
            ..self.clone()
        }
    }

    /// This writer for one chat turn whose customer was read already.
    pub fn for_customer(&self, customer: Option<Customer>) -> Self {
        Self {
            seen_customer: Arc::new(Mutex::new(customer)),
            ..self.clone()
        }
    }

    /// A customer of `org`: the turn's own record when it is that one,
    /// else read.
    pub async fn customer(
        &self,
        org: OrgId,
        id: CustomerId,
    ) -> Result<Option<Customer>, parlo_store::StoreError> {
        if let Some(c) = self.seen(org, id) {
            return Ok(Some(c));
        }
        self.store.get_customer(org, id).await
    }

    fn seen(&self, org: OrgId, id: CustomerId) -> Option<Customer> {
        let seen = self.seen_customer.lock().ok()?;
        seen.as_ref()
            .filter(|c| c.id == id && c.org_id == org)
            .cloned()
    }

    /// Keeps the turn's record current after a write to it.
    fn saw(&self, c: &Customer) {
        if let Ok(mut seen) = self.seen_customer.lock() {
            if seen.as_ref().is_some_and(|s| s.id == c.id) {
                *seen = Some(c.clone());
            }
        }
    }

    /// The conversations the turn read ahead (phone, conversation if any).
    fn known_conversations(&self) -> Vec<(String, Option<parlo_core::Conversation>)> {
        self.deferred.as_ref().map_or_else(Vec::new, |d| {
            d.lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .conversations
                .clone()
        })
    }

    /// Mock sending (the outbox records), no schedules: tests and tools
    /// built without the rest of the system.
    pub fn mock(store: Store) -> Self {
        Self {
            outbox: Outbox::mock(store.clone()),
            store,
            schedules: Schedules::Disabled,
            seen_customer: Arc::default(),
            deferred: None,
        }
    }
}

/// Who acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    Customer(CustomerId),
    Staff(StaffId),
    /// A dashboard session with no staff member behind it (the platform
    /// admin impersonating the business).
    Panel,
    /// A scheduled job.
    System,
}

/// Through which door.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Door {
    Chat,
    Api,
    Job,
}

/// One act: the actor, the door, the idempotency key (the inbound
/// MessageSid, the API request's id, the job's key) and the time.
#[derive(Debug, Clone)]
pub struct Act {
    pub by: By,
    pub door: Door,
    pub key: String,
    pub now: DateTime<Utc>,
}

impl Act {
    pub fn new(by: By, door: Door, key: impl Into<String>, now: DateTime<Utc>) -> Self {
        Self {
            by,
            door,
            key: key.into(),
            now,
        }
    }

    pub fn staff_id(&self) -> Option<StaffId> {
        match self.by {
            By::Staff(id) => Some(id),
            _ => None,
        }
    }
}

/// The business as a use case needs it to word its messages: the
/// caller has usually read it already (the turn, the tool context, the API
/// session), so it is passed down instead of read again.
#[derive(Debug, Clone, Copy)]
pub struct Biz<'a> {
    pub org: &'a Organization,
    pub tz: Tz,
    pub staff: &'a [Staff],
    pub services: &'a [ServiceType],
}

impl<'a> Biz<'a> {
    pub fn new(org: &'a Organization, staff: &'a [Staff], services: &'a [ServiceType]) -> Self {
        Self {
            org,
            tz: org
                .timezone
                .parse()
                .unwrap_or(chrono_tz::America::Mexico_City),
            staff,
            services,
        }
    }

    pub fn staff(&self, id: StaffId) -> Option<&'a Staff> {
        self.staff.iter().find(|s| s.id == id)
    }

    /// Which Spanish the business speaks (times, wording, templates).
    pub fn locale(&self) -> parlo_core::Locale {
        self.org.locale()
    }

    /// Active owners.
    pub fn owners(&self) -> impl Iterator<Item = &'a Staff> {
        self.staff
            .iter()
            .filter(|s| s.is_active && s.permission_level == parlo_core::PermissionLevel::Owner)
    }

    /// The number the business's messages come from.
    pub fn number(&self, central: &str) -> String {
        self.org
            .whatsapp_number
            .clone()
            .unwrap_or_else(|| central.to_string())
    }
}
