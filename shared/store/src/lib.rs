//! DynamoDB adapter for Parlo's single table (docs/data-model.md).
//!
//! [`Store`] holds the SDK client and the table name; every entity has its
//! CRUD here, keyed only through [`keys`]. Bookings go through the day
//! ledgers of `parlo_core::ledger` in one `TransactWriteItems` each, so
//! DynamoDB itself refuses an overlap (design.md §4).
//!
//! Items are the serde form of the `parlo_core` entities (`serde_dynamo`)
//! plus `PK`/`SK`, the GSI keys and `type`; store-internal attributes
//! (`version`, `ledger_keys`, `ttl`) sit beside them and never leak into
//! the entities.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use aws_sdk_dynamodb::Client;

mod activity;
mod api_queries;
mod auth;
mod booking;
mod catalogue;
mod conversations;
mod customers;
mod db;
mod delivery;
mod error;
pub mod keys;
mod open_index;
mod org;
mod outbox;
mod rate;
mod ratings;
pub mod schedules;

pub use activity::{Activity, ActivityKind, ACTIVITY_PK, ACTIVITY_TTL};
pub use auth::{rate_pk, revoked_pk, SessionState, RATE_SK, REVOKED_SK};
pub use booking::{
    BookRequest, RescheduleRequest, StaffChoice, WalkInRequest, APPOINTMENT_LOOKBACK,
};
pub use catalogue::Availability;
pub use conversations::{
    FlowWrite, InboundClaim, InboundWrite, TurnStart, TurnWants, INBOUND_DEDUPE_TTL,
};
pub use db::Page;
pub use delivery::PARKED_STATUS_TTL;
pub use error::{Result, StoreError};
pub use outbox::{Claim, DeliveryStatus, OutboxRecord, TurnState, OUTBOX_LEASE_MS};
pub use rate::InboundCount;
pub use schedules::{
    FollowupStatus, JobClaim, JobRecord, JobStatus, MissedCallFollowup, ScheduleRepair,
};

/// Default table name when `TABLE_NAME` is unset (the local stack's).
pub const DEFAULT_TABLE: &str = "parlo-local";

/// How many times a booking re-reads its ledgers and retries after a
/// concurrent change to the same staff-day or spot-day.
pub const DEFAULT_BOOKING_ATTEMPTS: u32 = 5;

/// The DynamoDB store. Cheap to clone (the client and counters are shared).
#[derive(Clone)]
pub struct Store {
    client: Client,
    table: Arc<str>,
    booking_attempts: u32,
    stats: Arc<Counters>,
    /// A business's catalogue version its caller read (a turn): reads of
    /// that business's booking catalogue may come from the process's
    /// cache while it stands (booking.rs).
    known_catalogue: Option<(parlo_core::OrgId, Arc<str>)>,
}

#[derive(Default)]
struct Counters {
    transactions: AtomicU64,
    retries: AtomicU64,
    slot_taken: AtomicU64,
    gave_up: AtomicU64,
    /// DynamoDB HTTP requests sent (attempts, retries included).
    requests: Arc<AtomicU64>,
    /// Bytes of their answers (Content-Length): what a read path costs.
    response_bytes: Arc<AtomicU64>,
}

/// Counts every DynamoDB request this store's client sends, just before it
/// goes on the wire: the figure a turn logs, and tests bound.
#[derive(Debug)]
struct RequestCounter {
    requests: Arc<AtomicU64>,
    response_bytes: Arc<AtomicU64>,
}

impl aws_sdk_dynamodb::config::Intercept for RequestCounter {
    fn name(&self) -> &'static str {
        "parlo-request-counter"
    }

    fn read_before_transmit(
        &self,
        context: &aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef<'_>,
        _components: &aws_sdk_dynamodb::config::RuntimeComponents,
        _cfg: &mut aws_sdk_dynamodb::config::ConfigBag,
    ) -> std::result::Result<(), aws_sdk_dynamodb::error::BoxError> {
        let n = self.requests.fetch_add(1, Ordering::Relaxed) + 1;
        // Which request (`DynamoDB_20120810.BatchGetItem`): what a turn's
        // count is made of, at trace level.
        if tracing::enabled!(target: "parlo_store::requests", tracing::Level::TRACE) {
            let op = context
                .request()
                .headers()
                .get("x-amz-target")
                .and_then(|t| t.rsplit('.').next())
                .unwrap_or("?");
            tracing::trace!(target: "parlo_store::requests", n, op, "dynamodb request");
        }
        Ok(())
    }

    fn read_after_transmit(
        &self,
        context: &aws_sdk_dynamodb::config::interceptors::BeforeDeserializationInterceptorContextRef<'_>,
        _components: &aws_sdk_dynamodb::config::RuntimeComponents,
        _cfg: &mut aws_sdk_dynamodb::config::ConfigBag,
    ) -> std::result::Result<(), aws_sdk_dynamodb::error::BoxError> {
        let length = context
            .response()
            .headers()
            .get("content-length")
            .and_then(|v| v.parse::<u64>().ok())
            .or_else(|| context.response().body().content_length())
            .unwrap_or(0);
        self.response_bytes.fetch_add(length, Ordering::Relaxed);
        Ok(())
    }
}

/// Counters of the ledger transactions this store (and its clones) ran.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoreStats {
    /// `TransactWriteItems` calls made by bookings, blocks and cancels.
    pub transactions: u64,
    /// Transactions cancelled by a concurrent change and retried.
    pub retries: u64,
    /// Answers of [`StoreError::SlotTaken`] (all causes).
    pub slot_taken: u64,
    /// Of those, the ones given after every attempt was cancelled by
    /// contention (the slot may have been free; the caller may retry).
    pub gave_up: u64,
    /// DynamoDB requests sent so far (every operation and retry).
    pub requests: u64,
}

impl Store {
    /// Over an existing client (its config is rebuilt once to add the
    /// request counter); functions use [`Store::from_config`].
    pub fn new(client: Client, table: impl Into<Arc<str>>) -> Self {
        Self::counted(client.config().to_builder(), table)
    }

    /// The client built once, with the request counter in its config.
    fn counted(builder: aws_sdk_dynamodb::config::Builder, table: impl Into<Arc<str>>) -> Self {
        let stats: Arc<Counters> = Arc::default();
        let config = builder
            .interceptor(RequestCounter {
                requests: stats.requests.clone(),
                response_bytes: stats.response_bytes.clone(),
            })
            .build();
        Self {
            client: Client::from_conf(config),
            table: table.into(),
            booking_attempts: DEFAULT_BOOKING_ATTEMPTS,
            stats,
            known_catalogue: None,
        }
    }

    /// This store, knowing `org`'s catalogue version as its caller read it
    /// (the organization item's `catalogue_version`).
    pub fn at_catalogue_version(&self, org: parlo_core::OrgId, version: &str) -> Store {
        Store {
            known_catalogue: Some((org, version.into())),
            ..self.clone()
        }
    }

    /// DynamoDB requests sent so far by this store and its clones.
    pub fn requests(&self) -> u64 {
        self.stats.requests.load(Ordering::Relaxed)
    }

    /// Bytes of DynamoDB answers received so far (their Content-Length).
    pub fn response_bytes(&self) -> u64 {
        self.stats.response_bytes.load(Ordering::Relaxed)
    }

    /// From an SDK config (`aws_config::load_defaults`), which honours
    /// `AWS_ENDPOINT_URL_DYNAMODB` for the local stack.
    pub fn from_config(config: &aws_config::SdkConfig, table: impl Into<Arc<str>>) -> Self {
        Self::counted(aws_sdk_dynamodb::config::Builder::from(config), table)
    }

    /// From the environment: the default AWS config chain and `TABLE_NAME`
    /// (default [`DEFAULT_TABLE`]).
    pub async fn from_env() -> Self {
        let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        let table = std::env::var("TABLE_NAME").unwrap_or_else(|_| DEFAULT_TABLE.to_string());
        Self::from_config(&config, table)
    }

    /// Sets how many attempts a contended booking makes before answering
    /// `SlotTaken` (at least 1).
    pub fn with_booking_attempts(mut self, attempts: u32) -> Self {
        self.booking_attempts = attempts.max(1);
        self
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    pub fn stats(&self) -> StoreStats {
        StoreStats {
            transactions: self.stats.transactions.load(Ordering::Relaxed),
            retries: self.stats.retries.load(Ordering::Relaxed),
            slot_taken: self.stats.slot_taken.load(Ordering::Relaxed),
            gave_up: self.stats.gave_up.load(Ordering::Relaxed),
            requests: self.requests(),
        }
    }
}
