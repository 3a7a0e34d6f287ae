//! Bookings on day ledgers (design.md §4, docs/data-model.md "No
//! overlaps, ever"): the scheduling engine picks who and where, the pure
//! ledger checks the overlap, and one `TransactWriteItems` conditioned on
//! every touched ledger's version writes ledgers and appointment together.
//! A concurrent change to the same staff-day or spot-day cancels the
//! transaction; the booking re-reads and retries a bounded number of
//! times, then answers [`StoreError::SlotTaken`].

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration as StdDuration;
use std::time::Instant;

use chrono::{DateTime, Duration, DurationRound, Utc};
use chrono_tz::Tz;
use parlo_core::ledger::{DayLedger, EntryKind, LedgerChange, LedgerEntry, LedgerKey, Resource};
use parlo_core::scheduling::{assignment_at, Assignment, Busy, Calendar, Unavailable};
use parlo_core::*;
use rand::Rng;
use uuid::Uuid;

use crate::catalogue::of_kind;
use crate::db::{
    self, code_failed, item, with_gsi, Cond, Filter, Item, Page, Query, Range, TxError,
};
use crate::error::{Result, StoreError};
use crate::keys::{self, kind, GSI1, GSI2, GSI3};
use crate::open_index::{self, IndexChange, OpenIndex};
use crate::Store;

/// How far before a range `load_calendar` looks for appointments that
/// started earlier and still run into it (longer services are not offered).
pub const APPOINTMENT_LOOKBACK: Duration = Duration::days(1);

const LEDGER_KEYS: &str = "ledger_keys";

/// Which staff member a reschedule uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StaffChoice {
    /// The appointment's current staff member (the customer's stylist).
    #[default]
    Keep,
    /// Whoever is free (the engine's preference order).
    Any,
    Exactly(StaffId),
}

/// A booking at an exact start.
#[derive(Debug, Clone, PartialEq)]
pub struct BookRequest {
    /// Chosen by the caller: a retried turn that passes the same id gets
    /// the same appointment back instead of a second booking.
    pub id: AppointmentId,
    pub org_id: OrgId,
    pub location_id: LocationId,
    pub service_id: ServiceId,
    pub customer_id: CustomerId,
    pub start: DateTime<Utc>,
    pub staff_pref: Option<StaffId>,
    pub spot_pref: Option<SpotId>,
    pub source: AppointmentSource,
    /// `Confirmed` normally; `Pending` for a hold awaiting a deposit.
    pub status: AppointmentStatus,
    pub notes: Option<String>,
    pub now: DateTime<Utc>,
}

/// A walk-in: starts now (to the minute), no minimum notice.
#[derive(Debug, Clone, PartialEq)]
pub struct WalkInRequest {
    pub id: AppointmentId,
    pub org_id: OrgId,
    pub location_id: LocationId,
    pub service_id: ServiceId,
    pub customer_id: CustomerId,
    pub staff_pref: Option<StaffId>,
    pub spot_pref: Option<SpotId>,
    pub notes: Option<String>,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RescheduleRequest {
    pub org_id: OrgId,
    pub appointment_id: AppointmentId,
    /// Another service (its duration and price); `None` keeps the
    /// appointment's.
    pub service: Option<ServiceId>,
    pub new_start: DateTime<Utc>,
    pub staff: StaffChoice,
    pub spot_pref: Option<SpotId>,
    pub now: DateTime<Utc>,
}

/// A location's catalogue (all but its blocks, which change by the hour),
/// kept in a warm process under the business's catalogue version (see
/// `Store::at_catalogue_version`): a booking turn reads its blocks and
/// ledgers only. Re-read after `CATALOGUE_MAX_AGE` whatever the version.
type CatalogueCache =
    std::collections::HashMap<(OrgId, LocationId), (Arc<str>, Instant, Catalogue)>;

const CATALOGUE_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(300);
const CATALOGUE_CACHE_MAX: usize = 512;

fn catalogue_cache() -> &'static Mutex<CatalogueCache> {
    static CACHE: OnceLock<Mutex<CatalogueCache>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

fn cached_catalogue(org: OrgId, location: LocationId, version: &str) -> Option<Catalogue> {
    let cache = catalogue_cache().lock().ok()?;
    let (v, at, cat) = cache.get(&(org, location))?;
    (&**v == version && at.elapsed() < CATALOGUE_MAX_AGE).then(|| cat.clone())
}

/// The whole-business blocks of a cached catalogue in force in
/// `[from, to)`, when its read covered `from` (it holds those ending at
/// or after the `from` it was read for).
fn closures_of(cat: &Catalogue, from: DateTime<Utc>, to: DateTime<Utc>) -> Option<Vec<TimeBlock>> {
    (cat.blocks_from <= from).then(|| {
        cat.blocks
            .iter()
            .filter(|b| b.staff_id.is_none() && b.end >= from && b.start < to)
            .cloned()
            .collect()
    })
}

fn keep_catalogue(org: OrgId, location: LocationId, version: &Arc<str>, cat: &Catalogue) {
    if let Ok(mut cache) = catalogue_cache().lock() {
        if cache.len() >= CATALOGUE_CACHE_MAX && !cache.contains_key(&(org, location)) {
            cache.clear();
        }
        // Whole-business closures only: a staff member's blocks are in
        // their day ledgers, which every booking reads.
        let kept = Catalogue {
            blocks: cat
                .blocks
                .iter()
                .filter(|b| b.staff_id.is_none())
                .cloned()
                .collect(),
            ..cat.clone()
        };
        cache.insert((org, location), (version.clone(), Instant::now(), kept));
    }
}

/// A business location's catalogue as the engine needs it.
#[derive(Clone)]
struct Catalogue {
    org: Organization,
    tz: Tz,
    location: Location,
    services: Vec<ServiceType>,
    staff: Vec<Staff>,
    spots: Vec<Spot>,
    recurring: Vec<RecurringAvailability>,
    exceptions: Vec<AvailabilityException>,
    blocks: Vec<TimeBlock>,
    /// The blocks above are every one ending at or after this instant.
    blocks_from: DateTime<Utc>,
}

impl Catalogue {
    fn calendar(&self, busy: Vec<Busy>, extra_blocks: Vec<TimeBlock>) -> Calendar {
        let mut blocks = self.blocks.clone();
        let known: HashSet<BlockId> = blocks.iter().map(|b| b.id).collect();
        blocks.extend(extra_blocks.into_iter().filter(|b| !known.contains(&b.id)));
        Calendar {
            tz: self.tz,
            policy: self.org.settings.booking.clone(),
            hours: self.location.business_hours.clone(),
            services: self.services.clone(),
            staff: self.staff.clone(),
            spots: self.spots.clone(),
            recurring: self.recurring.clone(),
            exceptions: self.exceptions.clone(),
            blocks,
            busy,
        }
    }

    /// Resources whose ledgers can matter for a booking: the preferred
    /// staff member (else every active bookable one) and every active spot.
    /// A spot preference is only a preference (the engine may pick another
    /// spot when it is taken), so every spot's ledger is read.
    fn candidates(&self, staff_pref: Option<StaffId>) -> Vec<Resource> {
        let staff = self
            .staff
            .iter()
            .filter(|s| s.is_active && s.bookable && staff_pref.is_none_or(|p| p == s.id))
            .map(|s| Resource::Staff(s.id));
        let spots = self
            .spots
            .iter()
            .filter(|s| s.is_active)
            .map(|s| Resource::Spot(s.id));
        staff.chain(spots).collect()
    }

    /// `[start, start + duration + buffers)` of a service, for reading
    /// ledgers before the engine runs.
    fn span(&self, service: ServiceId, start: DateTime<Utc>) -> DateTime<Utc> {
        let minutes = self
            .services
            .iter()
            .find(|s| s.id == service)
            .map_or(0, |s| {
                s.duration_minutes + s.buffer_minutes + self.org.settings.booking.buffer_minutes
            });
        start + Duration::minutes(i64::from(minutes))
    }
}

/// What the store keeps beside an appointment.
struct StoredAppointment {
    appt: Appointment,
    version: u64,
    ledger_keys: Vec<LedgerKey>,
}

fn service_use_item(org: OrgId, service: ServiceId) -> Item {
    let mut it = db::key(keys::org_pk(org), keys::service_use_sk(service));
    it.insert(keys::TYPE.into(), db::s(kind::SERVICE_USE));
    it
}

fn appointment_item(a: &Appointment, version: u64, ledger_keys: &[LedgerKey]) -> Result<Item> {
    let t = keys::appointment_time_sk(a.start, a.id);
    let mut it = item(
        a,
        kind::APPOINTMENT,
        keys::org_pk(a.org_id),
        keys::appointment_sk(a.id),
    )?;
    it = with_gsi(it, GSI1, keys::appointments_gsi1pk(a.org_id), t.clone());
    it = with_gsi(
        it,
        GSI2,
        keys::staff_appointments_gsi2pk(a.org_id, a.staff_id),
        t.clone(),
    );
    it = with_gsi(
        it,
        GSI3,
        keys::customer_appointments_gsi3pk(a.org_id, a.customer_id),
        t,
    );
    it.insert(keys::VERSION.into(), db::n(version));
    it.insert(LEDGER_KEYS.into(), db::to_av(&ledger_keys)?);
    Ok(it)
}

fn stored_appointment(it: Item) -> Result<StoredAppointment> {
    let version = db::u64_attr(&it, keys::VERSION).unwrap_or(0);
    let ledger_keys = match it.get(LEDGER_KEYS) {
        Some(v) => serde_dynamo::aws_sdk_dynamodb_1::from_attribute_value(v.clone())?,
        None => Vec::new(),
    };
    Ok(StoredAppointment {
        appt: db::decode(it)?,
        version,
        ledger_keys,
    })
}

fn block_item(b: &TimeBlock, ledger_keys: &[LedgerKey]) -> Result<Item> {
    let mut it = item(
        b,
        kind::BLOCK,
        keys::org_pk(b.org_id),
        keys::block_sk(b.end, b.id),
    )?;
    it.insert(LEDGER_KEYS.into(), db::to_av(&ledger_keys)?);
    Ok(it)
}

fn not_cancelled() -> Filter {
    Filter {
        expr: "#st <> :cancelled",
        names: vec![("#st", "status")],
        values: vec![(
            ":cancelled",
            db::s(keys::enum_str(&AppointmentStatus::Cancelled)),
        )],
    }
}

fn is_open(status: AppointmentStatus) -> bool {
    matches!(
        status,
        AppointmentStatus::Pending | AppointmentStatus::Confirmed
    )
}

/// The busy intervals and staff blocks the ledgers hold, as the engine
/// takes them (appointments as `Busy`, blocks as `TimeBlock`), leaving out
/// `ignore` (the appointment being moved).
fn from_ledgers(
    org: OrgId,
    ledgers: &BTreeMap<LedgerKey, DayLedger>,
    ignore: Option<Uuid>,
) -> (Vec<Busy>, Vec<TimeBlock>) {
    let mut seen = HashSet::new();
    let mut busy = Vec::new();
    let mut blocks = Vec::new();
    for l in ledgers.values() {
        for e in &l.entries {
            if Some(e.ref_id) == ignore || !seen.insert((l.resource, e.ref_id)) {
                continue;
            }
            match (e.kind, l.resource) {
                (EntryKind::Appointment, Resource::Staff(s)) => busy.push(Busy {
                    staff_id: Some(s),
                    spot_id: None,
                    start: e.start,
                    end: e.end,
                }),
                (EntryKind::Appointment, Resource::Spot(p)) => busy.push(Busy {
                    staff_id: None,
                    spot_id: Some(p),
                    start: e.start,
                    end: e.end,
                }),
                (EntryKind::Block, Resource::Staff(s)) => blocks.push(TimeBlock {
                    id: e.ref_id,
                    org_id: org,
                    staff_id: Some(s),
                    start: e.start,
                    end: e.end,
                    reason: None,
                    created_by: None,
                    created_at: e.start,
                }),
                (EntryKind::Block, Resource::Spot(_)) => {}
            }
        }
    }
    (busy, blocks)
}

fn resources_of(a: &Assignment) -> Vec<Resource> {
    let mut r = vec![Resource::Staff(a.staff_id)];
    r.extend(a.spot_id.map(Resource::Spot));
    r
}

/// A retryable cancellation: a condition failed or a concurrent
/// transaction touched one of the items.
fn contended(codes: &[Option<String>]) -> bool {
    codes
        .iter()
        .flatten()
        .any(|c| c == "ConditionalCheckFailed" || c == "TransactionConflict")
}

impl Store {
    fn slot_taken(&self, start: DateTime<Utc>) -> StoreError {
        self.stats.slot_taken.fetch_add(1, Ordering::Relaxed);
        StoreError::SlotTaken { start }
    }

    fn gave_up(&self, start: DateTime<Utc>) -> StoreError {
        self.stats.gave_up.fetch_add(1, Ordering::Relaxed);
        self.slot_taken(start)
    }

    /// Counts a contended attempt and sleeps a few jittered milliseconds
    /// (growing with the attempt) before the fresh read.
    async fn backoff(&self, attempt: u32) {
        self.stats.retries.fetch_add(1, Ordering::Relaxed);
        let ms = rand::rng().random_range(1..=5u64 << attempt.min(4));
        tracing::debug!(
            attempt,
            sleep_ms = ms,
            "ledger transaction contended; retrying"
        );
        tokio::time::sleep(StdDuration::from_millis(ms)).await;
    }

    async fn transact_counted(
        &self,
        tx: Vec<aws_sdk_dynamodb::types::TransactWriteItem>,
    ) -> Result<(), TxError> {
        self.stats.transactions.fetch_add(1, Ordering::Relaxed);
        self.transact(tx).await
    }

    async fn load_catalogue(
        &self,
        org: OrgId,
        location: LocationId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Catalogue> {
        let known = self
            .known_catalogue
            .as_ref()
            .filter(|(o, _)| *o == org)
            .map(|(_, v)| v.clone());
        if let Some(hit) = known
            .as_deref()
            .and_then(|v| cached_catalogue(org, location, v))
        {
            // The version changes with every whole-business closure, so the
            // cached ones are current; a staff member's blocks come with
            // their ledgers.
            if let Some(blocks) = closures_of(&hit, from, to) {
                return Ok(Catalogue { blocks, ..hit });
            }
            let q_blocks = Query::table(
                keys::org_pk(org),
                Range::Between(keys::block_from(from), keys::BLOCK_TO.into()),
            );
            let blocks = Box::pin(self.query_all(&q_blocks, None)).await?;
            return Ok(Catalogue {
                blocks: of_kind::<TimeBlock>(&blocks, kind::BLOCK)?
                    .into_iter()
                    .filter(|b| b.start < to)
                    .collect(),
                ..hit
            });
        }
        // The blocks are read from a day before now at the latest, so the
        // cached closures serve the bookings and slot searches that follow
        // (a booking looks from a day before its start).
        let blocks_from = from.min(Utc::now() - Duration::days(1));
        // Boxed: a booking's future holds this one; debug builds run it
        // on 2 MiB stacks.
        let cat = Box::pin(self.read_catalogue(org, location, blocks_from)).await?;
        if let Some(version) = known {
            keep_catalogue(org, location, &version, &cat);
        }
        Ok(Catalogue {
            blocks: cat
                .blocks
                .iter()
                .filter(|b| b.end >= from && b.start < to)
                .cloned()
                .collect(),
            ..cat
        })
    }

    async fn read_catalogue(
        &self,
        org: OrgId,
        location: LocationId,
        blocks_from: DateTime<Utc>,
    ) -> Result<Catalogue> {
        let pk = keys::org_pk(org);
        let q_catalogue = Query::table(
            pk.clone(),
            Range::Between(keys::CATALOGUE_FROM.into(), keys::CATALOGUE_TO.into()),
        );
        let q_availability = Query::table(
            pk.clone(),
            Range::BeginsWith(keys::AVAILABILITY_PREFIX.into()),
        );
        let q_blocks = Query::table(
            pk,
            Range::Between(keys::block_from(blocks_from), keys::BLOCK_TO.into()),
        );
        let (catalogue, loc, availability, blocks) = tokio::try_join!(
            self.query_all(&q_catalogue, None),
            self.get_location(org, location),
            self.query_all(&q_availability, None),
            self.query_all(&q_blocks, None),
        )?;
        let org_item: Organization =
            of_kind(&catalogue, kind::ORG)?
                .into_iter()
                .next()
                .ok_or(StoreError::NotFound {
                    what: "organization",
                })?;
        let location = loc.ok_or(StoreError::NotFound { what: "location" })?;
        let tz: Tz = org_item.timezone.parse().map_err(|_| {
            StoreError::Conflict(format!("unknown timezone {:?}", org_item.timezone))
        })?;
        let staff = of_kind::<Staff>(&catalogue, kind::STAFF)?
            .into_iter()
            .filter(|s| s.location_id.is_none_or(|l| l == location.id))
            .collect();
        let spots = of_kind::<Spot>(&catalogue, kind::SPOT)?
            .into_iter()
            .filter(|s| s.location_id == location.id)
            .collect();
        let blocks = of_kind::<TimeBlock>(&blocks, kind::BLOCK)?;
        Ok(Catalogue {
            tz,
            location,
            services: of_kind(&catalogue, kind::SERVICE)?,
            staff,
            spots,
            recurring: of_kind(&availability, kind::RECURRING)?,
            exceptions: of_kind(&availability, kind::EXCEPTION)?,
            blocks,
            blocks_from,
            org: org_item,
        })
    }

    /// What `free_slots` needs for `[from, to)` at one location: the
    /// catalogue (business, location, services, staff, spots),
    /// availability, blocks in force, and the busy intervals of the
    /// appointments then, read from the day ledgers of the location's
    /// staff and spots (compact: one item per resource and day, the
    /// intervals only) rather than from the appointment items: a 30-day
    /// query reads a few hundred small items in a few batched requests,
    /// however many appointments the month holds. Bookings re-check
    /// against the same ledgers.
    pub async fn load_calendar(
        &self,
        org: OrgId,
        location: LocationId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Calendar> {
        let cat = self.load_catalogue(org, location, from, to).await?;
        let resources = cat
            .staff
            .iter()
            .map(|s| Resource::Staff(s.id))
            .chain(cat.spots.iter().map(|s| Resource::Spot(s.id)))
            .collect::<Vec<_>>();
        // Every interval overlapping [from, to) is recorded in the ledger
        // of a local day it touches inside [from, to) (parlo_core::ledger).
        let ledger_keys = parlo_core::ledger::keys_for(cat.tz, &resources, from, to);
        let ledgers = self.read_ledgers(org, &ledger_keys).await?;
        // A staff member's blocks: from their ledgers (a cached catalogue
        // holds only whole-business closures).
        let (busy, blocks) = from_ledgers(org, &ledgers, None);
        Ok(cat.calendar(busy, blocks))
    }

    /// The same calendar with the busy intervals read from every
    /// appointment item of the range (GSI1 `ORG#o#APPT`, looking back
    /// [`APPOINTMENT_LOOKBACK`]): the reference [`Store::load_calendar`]
    /// is checked and benchmarked against. Cost grows with the number of
    /// appointments in the range.
    pub async fn load_calendar_from_appointments(
        &self,
        org: OrgId,
        location: LocationId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Calendar> {
        let q_appts = Query::gsi(
            GSI1,
            keys::appointments_gsi1pk(org),
            Range::Between(keys::ts(from - APPOINTMENT_LOOKBACK), keys::ts(to)),
        )
        .filter(not_cancelled());
        let (cat, appts) = tokio::try_join!(
            self.load_catalogue(org, location, from, to),
            self.query_all(&q_appts, None)
        )?;
        let busy = appts
            .into_iter()
            .map(db::decode::<Appointment>)
            .filter(|a| {
                a.as_ref().map_or(true, |a| {
                    a.status.occupies_time() && a.start < to && a.busy_until() > from
                })
            })
            .map(|a| a.map(|a| Busy::of(&a)))
            .collect::<Result<_>>()?;
        Ok(cat.calendar(busy, Vec::new()))
    }

    async fn read_ledgers(
        &self,
        org: OrgId,
        keys: &[LedgerKey],
    ) -> Result<BTreeMap<LedgerKey, DayLedger>> {
        let pk = keys::org_pk(org);
        let items = self
            .batch_get(
                keys.iter()
                    .map(|k| (pk.clone(), keys::ledger_sk(k)))
                    .collect(),
                true,
            )
            .await?;
        items
            .into_iter()
            .map(|it| db::decode::<DayLedger>(it).map(|l| (l.key(), l)))
            .collect()
    }

    /// [`Store::read_ledgers`] and one more item in the same request.
    async fn read_ledgers_and(
        &self,
        org: OrgId,
        keys: &[LedgerKey],
        also: &(String, String),
    ) -> Result<(BTreeMap<LedgerKey, DayLedger>, Option<Item>)> {
        let pk = keys::org_pk(org);
        let mut wanted: Vec<(String, String)> = keys
            .iter()
            .map(|k| (pk.clone(), keys::ledger_sk(k)))
            .collect();
        wanted.push(also.clone());
        let mut other = None;
        let mut ledgers = BTreeMap::new();
        for it in self.batch_get(wanted, true).await? {
            if db::str_attr(&it, keys::SK) == Some(also.1.as_str()) {
                other = Some(it);
            } else {
                let l = db::decode::<DayLedger>(it)?;
                ledgers.insert(l.key(), l);
            }
        }
        Ok((ledgers, other))
    }

    /// Whether a customer's booking stays within `max` open appointments,
    /// and the index's change that goes with it (`None`: over the cap).
    /// The index decides when it is complete and under the cap; otherwise
    /// the customer's appointments themselves do (one query), and the
    /// index is rebuilt from them.
    async fn within_cap(
        &self,
        req: &BookRequest,
        max: u32,
        index: &OpenIndex,
    ) -> Result<Option<IndexChange>> {
        let max = max.max(1) as usize;
        // A retried booking finds itself: the booking replays it.
        if index.holds(req.id) {
            return Ok(Some(IndexChange::default()));
        }
        if index.trusted && index.upcoming(req.now, req.id) < max {
            // Past entries go; the version guards against a second capped
            // booking of the same customer at the same moment.
            return Ok(Some(IndexChange {
                remove: index
                    .entries
                    .iter()
                    .filter(|(_, start)| *start < req.now)
                    .map(|(id, _)| *id)
                    .collect(),
                seen: Some(index.version),
                ..IndexChange::default()
            }));
        }
        let open: Vec<Appointment> = self
            .customer_appointments(req.org_id, req.customer_id, Some(req.now))
            .await?
            .into_iter()
            .filter(|a| is_open(a.status) && a.start >= req.now)
            .collect();
        if open.iter().any(|a| a.id == req.id) {
            return Ok(Some(IndexChange::default()));
        }
        if open.len() >= max {
            return Ok(None);
        }
        Ok(Some(IndexChange {
            set: open.iter().map(|a| (a.id, a.start)).collect(),
            remove: index
                .entries
                .iter()
                .filter(|(id, _)| !open.iter().any(|a| a.id == *id))
                .map(|(id, _)| *id)
                .collect(),
            complete: true,
            seen: Some(index.version),
        }))
    }

    /// The day ledgers of a business with these keys (absent: never
    /// written).
    pub async fn get_ledgers(&self, org: OrgId, keys: &[LedgerKey]) -> Result<Vec<DayLedger>> {
        Ok(self.read_ledgers(org, keys).await?.into_values().collect())
    }

    /// Every day ledger of a business (audits and tests).
    pub async fn list_ledgers(&self, org: OrgId) -> Result<Vec<DayLedger>> {
        let q = Query::table(
            keys::org_pk(org),
            Range::BeginsWith(keys::LEDGER_PREFIX.into()),
        );
        self.query_all(&q, None)
            .await?
            .into_iter()
            .map(db::decode)
            .collect()
    }

    /// Conditional puts of the changed ledgers: each at `version = seen`
    /// (or new), stored at `seen + 1`. A never-written ledger left empty
    /// is not written.
    fn ledger_writes(
        &self,
        org: OrgId,
        changed: Vec<DayLedger>,
    ) -> Result<Vec<aws_sdk_dynamodb::types::TransactWriteItem>> {
        changed
            .into_iter()
            .filter(|l| l.exists() || !l.entries.is_empty())
            .map(|mut l| {
                let cond = Cond::version_or_new(l.version);
                l.version += 1;
                let it = item(
                    &l,
                    kind::LEDGER,
                    keys::org_pk(org),
                    keys::ledger_sk(&l.key()),
                )?;
                self.tx_put(it, Some(cond))
            })
            .collect()
    }

    async fn read_appointment(
        &self,
        org: OrgId,
        id: AppointmentId,
    ) -> Result<Option<StoredAppointment>> {
        self.get_item(keys::org_pk(org), keys::appointment_sk(id))
            .await?
            .map(stored_appointment)
            .transpose()
    }

    // ---- booking ------------------------------------------------------------

    /// Books `req.service_id` at exactly `req.start`, picking staff and spot
    /// with the engine (honouring preferences). Errors: `SlotTaken`
    /// (including after the retries), `Unavailable(reason)`, `NotFound`
    /// (business or location). Idempotent on `req.id`.
    pub async fn book(&self, req: &BookRequest) -> Result<Appointment> {
        self.book_inner(req, false, None).await
    }

    /// [`Store::book`] for a customer who may hold at most `max_open`
    /// open appointments from now on (`TooManyOpen` past it). Checked from
    /// the customer's open-appointments index, read with the ledgers
    /// (`open_index.rs`); a retried booking finds itself and is replayed.
    pub async fn book_capped(&self, req: &BookRequest, max_open: u32) -> Result<Appointment> {
        self.book_inner(req, false, Some(max_open)).await
    }

    /// Books a walk-in starting now (truncated to the minute), with no
    /// minimum notice, with whoever is free (or the preferred staff).
    pub async fn walk_in(&self, req: &WalkInRequest) -> Result<Appointment> {
        let start = req
            .now
            .duration_trunc(Duration::minutes(1))
            .unwrap_or(req.now);
        let book = BookRequest {
            id: req.id,
            org_id: req.org_id,
            location_id: req.location_id,
            service_id: req.service_id,
            customer_id: req.customer_id,
            start,
            staff_pref: req.staff_pref,
            spot_pref: req.spot_pref,
            source: AppointmentSource::WalkIn,
            status: AppointmentStatus::Confirmed,
            notes: req.notes.clone(),
            now: start,
        };
        self.book_inner(&book, true, None).await
    }

    async fn book_inner(
        &self,
        req: &BookRequest,
        walk_in: bool,
        max_open: Option<u32>,
    ) -> Result<Appointment> {
        // No read for a replay up front: the appointment's put is
        // conditioned on its absence, and a replay whose own entry fills
        // the slot is told apart on the way out (`or_replayed`).
        let cat = self
            .load_catalogue(
                req.org_id,
                req.location_id,
                req.start - Duration::days(1),
                req.start + Duration::days(2),
            )
            .await?;
        // The service is marked in use in the booking's own transaction, so
        // an appointment never exists without the mark (service_in_use is
        // one GetItem): the service can then be deactivated instead of
        // deleted, never lost under a booking.
        let mark = cat.services.iter().any(|s| s.id == req.service_id);
        let candidates = cat.candidates(req.staff_pref);
        let read_keys = parlo_core::ledger::keys_for(
            cat.tz,
            &candidates,
            req.start,
            cat.span(req.service_id, req.start),
        );
        let index_key = (keys::org_pk(req.org_id), open_index::sk(req.customer_id));
        for attempt in 0..self.booking_attempts {
            let (mut ledgers, index) = self
                .read_ledgers_and(req.org_id, &read_keys, &index_key)
                .await?;
            let index = OpenIndex::decode(index.as_ref());
            let index_change = match max_open {
                Some(max) => match self.within_cap(req, max, &index).await? {
                    Some(change) => change,
                    None => return Err(StoreError::TooManyOpen { max }),
                },
                None => IndexChange::default(),
            };
            let (busy, blocks) = from_ledgers(req.org_id, &ledgers, None);
            let mut cal = cat.calendar(busy, blocks);
            if walk_in {
                cal.policy.min_notice_minutes = 0;
            }
            let a = match assignment_at(
                &cal,
                req.service_id,
                req.start,
                req.staff_pref,
                req.spot_pref,
                req.now,
            ) {
                Ok(a) => a,
                Err(Unavailable::SlotTaken) => {
                    return self.or_replayed(req, || self.slot_taken(req.start)).await
                }
                Err(u) => return self.or_replayed(req, || StoreError::Unavailable(u)).await,
            };
            let busy_until = a.end + Duration::minutes(i64::from(a.buffer_minutes));
            let keys = parlo_core::ledger::keys_for(cat.tz, &resources_of(&a), a.start, busy_until);
            let missing: Vec<LedgerKey> = keys
                .iter()
                .filter(|k| !read_keys.contains(k))
                .copied()
                .collect();
            if !missing.is_empty() {
                ledgers.extend(self.read_ledgers(req.org_id, &missing).await?);
            }
            let entry = LedgerEntry {
                ref_id: req.id,
                kind: EntryKind::Appointment,
                start: a.start,
                end: busy_until,
            };
            let change = LedgerChange {
                remove: None,
                add: Some((entry, keys.clone())),
            };
            let Ok(changed) = change.apply(&ledgers) else {
                return self.or_replayed(req, || self.slot_taken(req.start)).await;
            };
            let service = cat.services.iter().find(|s| s.id == req.service_id);
            let appt = Appointment {
                id: req.id,
                org_id: req.org_id,
                location_id: req.location_id,
                customer_id: req.customer_id,
                staff_id: a.staff_id,
                spot_id: a.spot_id,
                service_id: req.service_id,
                start: a.start,
                end: a.end,
                buffer_minutes: a.buffer_minutes,
                status: req.status,
                source: req.source,
                notes: req.notes.clone(),
                cancellation_reason: None,
                reminder_sent_at: None,
                price_cents: service.map_or(0, |s| s.price_cents),
                rating: None,
                feedback: None,
                created_at: req.now,
                updated_at: req.now,
            };
            let mut tx = self.ledger_writes(req.org_id, changed)?;
            let appt_at = tx.len();
            tx.push(self.tx_put(appointment_item(&appt, 1, &keys)?, Some(Cond::not_exists()))?);
            if mark {
                tx.push(self.tx_put(service_use_item(req.org_id, req.service_id), None)?);
            }
            // The customer's open appointments gain this one.
            let mut index_change = index_change;
            index_change.set.push((appt.id, appt.start));
            tx.push(self.tx_open_index(req.org_id, req.customer_id, &index_change)?);
            match self.transact_counted(tx).await {
                Ok(()) => return Ok(appt),
                Err(TxError::Cancelled(codes)) if code_failed(&codes, appt_at) => {
                    // The same id was booked meanwhile (a concurrent retry
                    // of the same request).
                    return match self.replayed(req).await? {
                        Some(existing) => Ok(existing),
                        None => Err(StoreError::AlreadyExists {
                            what: "appointment",
                        }),
                    };
                }
                Err(TxError::Cancelled(codes)) if contended(&codes) => self.backoff(attempt).await,
                Err(e) => return Err(e.into_store("book")),
            }
        }
        self.or_replayed(req, || self.gave_up(req.start)).await
    }

    /// `err`, unless the booking was already made under `req.id` (a retried
    /// request): then that appointment. `AlreadyExists` when the id holds
    /// another booking.
    async fn or_replayed(
        &self,
        req: &BookRequest,
        err: impl FnOnce() -> StoreError,
    ) -> Result<Appointment> {
        match self.replayed(req).await? {
            Some(existing) => Ok(existing),
            None => Err(err()),
        }
    }

    /// The appointment already stored under `req.id`, when this is a replay
    /// of the same booking; `AlreadyExists` when the id belongs to another.
    async fn replayed(&self, req: &BookRequest) -> Result<Option<Appointment>> {
        match self.read_appointment(req.org_id, req.id).await? {
            None => Ok(None),
            Some(s)
                if s.appt.customer_id == req.customer_id && s.appt.service_id == req.service_id =>
            {
                Ok(Some(s.appt))
            }
            Some(_) => Err(StoreError::AlreadyExists {
                what: "appointment",
            }),
        }
    }

    /// Moves an open appointment to `new_start` atomically: the old
    /// interval leaves its ledgers and the new one enters its ledgers in
    /// the same transaction as the appointment's update (conditioned on
    /// its version), so the old time is released only if the new one is
    /// taken. Errors as [`Store::book`], plus `NotFound` and
    /// `InvalidStatus` (cancelled, completed, no-show).
    pub async fn reschedule(&self, req: &RescheduleRequest) -> Result<Appointment> {
        let mut stored = self
            .read_appointment(req.org_id, req.appointment_id)
            .await?
            .ok_or(StoreError::NotFound {
                what: "appointment",
            })?;
        let cat = self
            .load_catalogue(
                req.org_id,
                stored.appt.location_id,
                req.new_start - Duration::days(1),
                req.new_start + Duration::days(2),
            )
            .await?;
        for attempt in 0..self.booking_attempts {
            if attempt > 0 {
                stored = self
                    .read_appointment(req.org_id, req.appointment_id)
                    .await?
                    .ok_or(StoreError::NotFound {
                        what: "appointment",
                    })?;
            }
            let old = &stored.appt;
            if !is_open(old.status) {
                return Err(StoreError::InvalidStatus { status: old.status });
            }
            let staff_pref = match req.staff {
                StaffChoice::Keep => Some(old.staff_id),
                StaffChoice::Any => None,
                StaffChoice::Exactly(s) => Some(s),
            };
            // A new service is checked at its own duration, in the same
            // transaction as the move.
            let service_id = req.service.unwrap_or(old.service_id);
            let candidates = cat.candidates(staff_pref);
            let mut read_keys = parlo_core::ledger::keys_for(
                cat.tz,
                &candidates,
                req.new_start,
                cat.span(service_id, req.new_start),
            );
            read_keys.extend(stored.ledger_keys.iter().copied());
            let read_keys: Vec<LedgerKey> = read_keys
                .into_iter()
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            let mut ledgers = self.read_ledgers(req.org_id, &read_keys).await?;
            let (busy, blocks) = from_ledgers(req.org_id, &ledgers, Some(old.id));
            let cal = cat.calendar(busy, blocks);
            let a = match assignment_at(
                &cal,
                service_id,
                req.new_start,
                staff_pref,
                req.spot_pref,
                req.now,
            ) {
                Ok(a) => a,
                Err(Unavailable::SlotTaken) => return Err(self.slot_taken(req.new_start)),
                Err(u) => return Err(StoreError::Unavailable(u)),
            };
            let busy_until = a.end + Duration::minutes(i64::from(a.buffer_minutes));
            let keys = parlo_core::ledger::keys_for(cat.tz, &resources_of(&a), a.start, busy_until);
            let missing: Vec<LedgerKey> = keys
                .iter()
                .filter(|k| !ledgers.contains_key(k) && !read_keys.contains(k))
                .copied()
                .collect();
            if !missing.is_empty() {
                ledgers.extend(self.read_ledgers(req.org_id, &missing).await?);
            }
            let entry = LedgerEntry {
                ref_id: old.id,
                kind: EntryKind::Appointment,
                start: a.start,
                end: busy_until,
            };
            let change = LedgerChange {
                remove: Some((old.id, stored.ledger_keys.clone())),
                add: Some((entry, keys.clone())),
            };
            let Ok(changed) = change.apply(&ledgers) else {
                return Err(self.slot_taken(req.new_start));
            };
            let price_cents = if service_id == old.service_id {
                old.price_cents
            } else {
                cat.services
                    .iter()
                    .find(|s| s.id == service_id)
                    .map_or(old.price_cents, |s| s.price_cents)
            };
            let appt = Appointment {
                service_id,
                price_cents,
                staff_id: a.staff_id,
                spot_id: a.spot_id,
                start: a.start,
                end: a.end,
                buffer_minutes: a.buffer_minutes,
                reminder_sent_at: None,
                updated_at: req.now,
                ..old.clone()
            };
            let mut tx = self.ledger_writes(req.org_id, changed)?;
            tx.push(self.tx_put(
                appointment_item(&appt, stored.version + 1, &keys)?,
                Some(Cond::version(stored.version)),
            )?);
            let moved = IndexChange {
                set: vec![(appt.id, appt.start)],
                ..IndexChange::default()
            };
            tx.push(self.tx_open_index(req.org_id, appt.customer_id, &moved)?);
            match self.transact_counted(tx).await {
                Ok(()) => return Ok(appt),
                Err(TxError::Cancelled(codes)) if contended(&codes) => self.backoff(attempt).await,
                Err(e) => return Err(e.into_store("reschedule")),
            }
        }
        Err(self.gave_up(req.new_start))
    }

    /// Cancels an open appointment: status `cancelled` with the reason, and
    /// its interval leaves the ledgers, in one transaction.
    /// `InvalidStatus` when it is not open (already cancelled, completed,
    /// no-show); `Conflict` when concurrent changes kept winning.
    pub async fn cancel(
        &self,
        org: OrgId,
        id: AppointmentId,
        reason: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<Appointment> {
        for attempt in 0..self.booking_attempts {
            let stored = self
                .read_appointment(org, id)
                .await?
                .ok_or(StoreError::NotFound {
                    what: "appointment",
                })?;
            if !is_open(stored.appt.status) {
                return Err(StoreError::InvalidStatus {
                    status: stored.appt.status,
                });
            }
            let ledgers = self.read_ledgers(org, &stored.ledger_keys).await?;
            let change = LedgerChange {
                remove: Some((id, stored.ledger_keys.clone())),
                add: None,
            };
            let changed = change
                .apply(&ledgers)
                .map_err(|o| StoreError::Conflict(o.to_string()))?;
            let appt = Appointment {
                status: AppointmentStatus::Cancelled,
                cancellation_reason: reason.clone(),
                updated_at: now,
                ..stored.appt
            };
            let mut tx = self.ledger_writes(org, changed)?;
            tx.push(self.tx_put(
                appointment_item(&appt, stored.version + 1, &[])?,
                Some(Cond::version(stored.version)),
            )?);
            let gone = IndexChange {
                remove: vec![appt.id],
                ..IndexChange::default()
            };
            tx.push(self.tx_open_index(org, appt.customer_id, &gone)?);
            match self.transact_counted(tx).await {
                Ok(()) => return Ok(appt),
                Err(TxError::Cancelled(codes)) if contended(&codes) => self.backoff(attempt).await,
                Err(e) => return Err(e.into_store("cancel")),
            }
        }
        Err(StoreError::Conflict(
            "cancel kept racing with other changes".into(),
        ))
    }

    /// Marks an open appointment completed (it keeps its time).
    pub async fn complete(
        &self,
        org: OrgId,
        id: AppointmentId,
        now: DateTime<Utc>,
    ) -> Result<Appointment> {
        self.set_status(
            org,
            id,
            &[AppointmentStatus::Pending, AppointmentStatus::Confirmed],
            AppointmentStatus::Completed,
            now,
        )
        .await
    }

    /// Marks an open appointment as a no-show (it keeps its time).
    pub async fn no_show(
        &self,
        org: OrgId,
        id: AppointmentId,
        now: DateTime<Utc>,
    ) -> Result<Appointment> {
        self.set_status(
            org,
            id,
            &[AppointmentStatus::Pending, AppointmentStatus::Confirmed],
            AppointmentStatus::NoShow,
            now,
        )
        .await
    }

    /// Confirms a pending appointment (a hold whose deposit arrived).
    pub async fn confirm(
        &self,
        org: OrgId,
        id: AppointmentId,
        now: DateTime<Utc>,
    ) -> Result<Appointment> {
        self.set_status(
            org,
            id,
            &[AppointmentStatus::Pending],
            AppointmentStatus::Confirmed,
            now,
        )
        .await
    }

    /// A status change that does not move time: one conditional update.
    async fn set_status(
        &self,
        org: OrgId,
        id: AppointmentId,
        from: &[AppointmentStatus],
        to: AppointmentStatus,
        now: DateTime<Utc>,
    ) -> Result<Appointment> {
        let mut req = self
            .client
            .update_item()
            .table_name(self.table.as_ref())
            .set_key(Some(db::key(keys::org_pk(org), keys::appointment_sk(id))))
            .update_expression("SET #st = :to, updated_at = :now, #ver = #ver + :one")
            .expression_attribute_names("#st", "status")
            .expression_attribute_names("#ver", keys::VERSION)
            .expression_attribute_values(":to", db::s(keys::enum_str(&to)))
            .expression_attribute_values(":now", db::to_av(&now)?)
            .expression_attribute_values(":one", db::n(1));
        let mut allowed = Vec::new();
        for (i, s) in from.iter().enumerate() {
            let p = format!(":from{i}");
            req = req.expression_attribute_values(&p, db::s(keys::enum_str(s)));
            allowed.push(p);
        }
        let res = req
            .condition_expression(format!(
                "attribute_exists(PK) AND #st IN ({})",
                allowed.join(", ")
            ))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllNew)
            .send()
            .await;
        match res {
            Ok(out) => db::decode(out.attributes.unwrap_or_default()),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                match self.read_appointment(org, id).await? {
                    None => Err(StoreError::NotFound {
                        what: "appointment",
                    }),
                    Some(s) => Err(StoreError::InvalidStatus {
                        status: s.appt.status,
                    }),
                }
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Records that the reminder went out (one update, no version bump:
    /// it changes no time).
    pub async fn set_reminder_sent(
        &self,
        org: OrgId,
        id: AppointmentId,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let res = self
            .client
            .update_item()
            .table_name(self.table.as_ref())
            .set_key(Some(db::key(keys::org_pk(org), keys::appointment_sk(id))))
            .update_expression("SET reminder_sent_at = :at")
            .condition_expression("attribute_exists(PK)")
            .expression_attribute_values(":at", db::to_av(&at)?)
            .send()
            .await;
        match res {
            Ok(_) => Ok(()),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Err(StoreError::NotFound {
                    what: "appointment",
                })
            }
            Err(e) => Err(e.into()),
        }
    }

    // ---- appointment reads ----------------------------------------------------

    pub async fn get_appointment(
        &self,
        org: OrgId,
        id: AppointmentId,
    ) -> Result<Option<Appointment>> {
        Ok(self.read_appointment(org, id).await?.map(|s| s.appt))
    }

    /// Appointments of a business starting in `[from, to)`, by start, any
    /// status (A7, GSI1).
    pub async fn appointments_between(
        &self,
        org: OrgId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Page<Appointment>> {
        let q = Query::gsi(
            GSI1,
            keys::appointments_gsi1pk(org),
            Range::Between(keys::ts(from), keys::ts(to)),
        );
        self.query_page(&q, Some(limit), cursor)
            .await?
            .try_map(db::decode)
    }

    /// A staff member's appointments starting in `[from, to)`, by start
    /// (A8, GSI2).
    pub async fn staff_appointments(
        &self,
        org: OrgId,
        staff: StaffId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Appointment>> {
        let q = Query::gsi(
            GSI2,
            keys::staff_appointments_gsi2pk(org, staff),
            Range::Between(keys::ts(from), keys::ts(to)),
        );
        self.query_all(&q, None)
            .await?
            .into_iter()
            .map(db::decode)
            .collect()
    }

    /// A customer's appointments starting at or after `from` (all when
    /// `None`), by start (A9, GSI3).
    pub async fn customer_appointments(
        &self,
        org: OrgId,
        customer: CustomerId,
        from: Option<DateTime<Utc>>,
    ) -> Result<Vec<Appointment>> {
        let range = from.map_or(Range::All, |f| Range::AtLeast(keys::ts(f)));
        let q = Query::gsi(
            GSI3,
            keys::customer_appointments_gsi3pk(org, customer),
            range,
        );
        self.query_all(&q, None)
            .await?
            .into_iter()
            .map(db::decode)
            .collect()
    }

    /// Every appointment of a business, consistent (audits and tests).
    pub async fn all_appointments(&self, org: OrgId) -> Result<Vec<Appointment>> {
        let q = Query::table(
            keys::org_pk(org),
            Range::BeginsWith(keys::APPOINTMENT_PREFIX.into()),
        );
        self.query_all(&q, None)
            .await?
            .into_iter()
            .map(db::decode)
            .collect()
    }

    // ---- blocks -------------------------------------------------------------

    /// Creates a block. A staff block enters the staff member's ledgers in
    /// the same transaction, so a block and a booking racing for the same
    /// time cannot both win: `SlotTaken` when an appointment holds part of
    /// it. A whole-business closure (no staff) is not ledgered (it would
    /// touch every staff member's days); it is checked against the
    /// appointments already booked in it instead: `SlotTaken` when one
    /// still holds time there (bookings made after it see the closure).
    pub async fn create_block(&self, b: &TimeBlock) -> Result<()> {
        let Some(staff) = b.staff_id else {
            let q = Query::gsi(
                GSI1,
                keys::appointments_gsi1pk(b.org_id),
                Range::Between(keys::ts(b.start - APPOINTMENT_LOOKBACK), keys::ts(b.end)),
            );
            let booked: Vec<Appointment> = self
                .query_all(&q, None)
                .await?
                .into_iter()
                .map(db::decode)
                .collect::<Result<_>>()?;
            if booked.iter().any(|a| {
                a.status != AppointmentStatus::Cancelled && a.start < b.end && a.end > b.start
            }) {
                return Err(self.slot_taken(b.start));
            }
            // With a new catalogue version in the same write: warm
            // processes keep whole-business closures with the catalogue
            // (one query fewer per booking) and must see this one at once.
            let tx = vec![
                self.tx_put(block_item(b, &[])?, Some(Cond::not_exists()))?,
                self.tx_new_catalogue_version(b.org_id)?,
            ];
            return match self.transact_counted(tx).await {
                Ok(()) => Ok(()),
                Err(TxError::Cancelled(codes)) if code_failed(&codes, 0) => {
                    Err(StoreError::AlreadyExists { what: "block" })
                }
                Err(TxError::Cancelled(codes)) if code_failed(&codes, 1) => {
                    Err(StoreError::NotFound {
                        what: "organization",
                    })
                }
                Err(e) => Err(e.into_store("create block")),
            };
        };
        if b.end <= b.start {
            return Err(StoreError::Conflict(
                "a block must end after it starts".into(),
            ));
        }
        let org = self
            .get_organization(b.org_id)
            .await?
            .ok_or(StoreError::NotFound {
                what: "organization",
            })?;
        let tz: Tz = org
            .timezone
            .parse()
            .map_err(|_| StoreError::Conflict(format!("unknown timezone {:?}", org.timezone)))?;
        let keys = parlo_core::ledger::keys_for(tz, &[Resource::Staff(staff)], b.start, b.end);
        for attempt in 0..self.booking_attempts {
            let ledgers = self.read_ledgers(b.org_id, &keys).await?;
            let entry = LedgerEntry {
                ref_id: b.id,
                kind: EntryKind::Block,
                start: b.start,
                end: b.end,
            };
            let change = LedgerChange {
                remove: None,
                add: Some((entry, keys.clone())),
            };
            let Ok(changed) = change.apply(&ledgers) else {
                return Err(self.slot_taken(b.start));
            };
            let mut tx = self.ledger_writes(b.org_id, changed)?;
            let block_at = tx.len();
            tx.push(self.tx_put(block_item(b, &keys)?, Some(Cond::not_exists()))?);
            match self.transact_counted(tx).await {
                Ok(()) => return Ok(()),
                Err(TxError::Cancelled(codes)) if code_failed(&codes, block_at) => {
                    return Err(StoreError::AlreadyExists { what: "block" })
                }
                Err(TxError::Cancelled(codes)) if contended(&codes) => self.backoff(attempt).await,
                Err(e) => return Err(e.into_store("create block")),
            }
        }
        Err(self.gave_up(b.start))
    }

    /// Deletes a block (and frees its ledger time); `false` when there was
    /// none. Blocks are keyed by their end, which the caller has from the
    /// listing.
    pub async fn delete_block(&self, org: OrgId, end: DateTime<Utc>, id: BlockId) -> Result<bool> {
        for attempt in 0..self.booking_attempts {
            let Some(it) = self
                .get_item(keys::org_pk(org), keys::block_sk(end, id))
                .await?
            else {
                return Ok(false);
            };
            let ledger_keys: Vec<LedgerKey> = match it.get(LEDGER_KEYS) {
                Some(v) => serde_dynamo::aws_sdk_dynamodb_1::from_attribute_value(v.clone())?,
                None => Vec::new(),
            };
            let ledgers = self.read_ledgers(org, &ledger_keys).await?;
            let change = LedgerChange {
                remove: Some((id, ledger_keys)),
                add: None,
            };
            let changed = change
                .apply(&ledgers)
                .map_err(|o| StoreError::Conflict(o.to_string()))?;
            let mut tx = self.ledger_writes(org, changed)?;
            tx.push(self.tx_delete(
                keys::org_pk(org),
                keys::block_sk(end, id),
                Some(Cond::exists()),
            )?);
            // A whole-business closure lives in the cached catalogue.
            let whole_business = db::decode::<TimeBlock>(it)
                .map(|b| b.staff_id.is_none())
                .unwrap_or(false);
            if whole_business {
                tx.push(self.tx_new_catalogue_version(org)?);
            }
            match self.transact_counted(tx).await {
                Ok(()) => return Ok(true),
                Err(TxError::Cancelled(codes)) if contended(&codes) => self.backoff(attempt).await,
                Err(e) => return Err(e.into_store("delete block")),
            }
        }
        Err(StoreError::Conflict(
            "delete block kept racing with other changes".into(),
        ))
    }

    /// Blocks in force during `[from, to)` (A14: ending after `from`,
    /// starting before `to`), by end.
    pub async fn list_blocks(
        &self,
        org: OrgId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<TimeBlock>> {
        let q = Query::table(
            keys::org_pk(org),
            Range::Between(keys::block_from(from), keys::BLOCK_TO.into()),
        );
        let blocks: Vec<TimeBlock> = of_kind(&self.query_all(&q, None).await?, kind::BLOCK)?;
        Ok(blocks
            .into_iter()
            .filter(|b| b.end > from && b.start < to)
            .collect())
    }
}
