//! The one typed layer through which a conversation reads or changes data.
//!
//! Every tool the conversation engine (rule-based or LLM) may call is a
//! method on [`Tools`] taking the [`Actor`] (decided by routing, never by
//! model output) and a typed, serde-able argument struct, and returning a
//! compact serde-able result or a [`ToolError`]. The tools enforce:
//!
//! - permissions for staff actors ([`parlo_core::permissions::allows`]);
//! - ownership for customers: a customer sees, cancels and moves only their
//!   own appointments; any other id (another customer's, another
//!   business's, malformed) answers [`ToolError::NotFound`], never a
//!   "forbidden" that would confirm the id exists;
//! - name resolution with [`parlo_core::es::fuzzy::best_match`]
//!   ([`ToolError::Ambiguous`] when several names tie);
//! - idempotency: everything created gets an id from
//!   [`derived_id`]`(&[turn_key, "<tool>", …args])`, so a retried turn
//!   (same MessageSid) creates nothing twice;
//! - on a taken or closed time, [`ToolError::SlotTaken`] /
//!   [`ToolError::Unavailable`] carry the nearest free alternatives.
//!
//! Tools change nothing themselves: every change goes through the services
//! layer, which notifies and sends.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use parlo_core::es::format;
use parlo_core::es::fuzzy::{best_match, Match};
use parlo_core::permissions::{allows, Action};
use parlo_core::routing::Route;
use parlo_core::scheduling::{free_slots, SlotQuery, Unavailable};
use parlo_core::time::{day_bounds_utc, local_date, local_to_utc, utc_to_local};
use parlo_core::*;
use parlo_store::{Store, StoreError};
use serde::{Deserialize, Serialize};

use crate::agent::TurnContext;
use parlo_app::schedules::Schedules;
use parlo_app::services::{words, Act, Biz, By, Door, Services};
pub use parlo_core::ids::derived_id;

mod customer;
mod owner;
mod staff;

pub use customer::*;
pub use owner::*;
pub use staff::*;

/// Slots a `check_availability` answer lists at most (default).
pub const DEFAULT_SLOT_LIMIT: usize = 8;
/// Alternatives offered when a time is taken.
pub const ALTERNATIVES: usize = 3;
/// Days after the requested one searched for alternatives.
pub const ALTERNATIVE_DAYS: u64 = 7;
/// Longest date range one availability query covers.
pub const MAX_QUERY_DAYS: i64 = 14;
/// How long a handoff silences the assistant.
pub use parlo_app::services::conversations::HANDOFF_HOURS;

/// Who is acting, as routing decided it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Actor {
    Customer { org: OrgId, customer: CustomerId },
    Staff { org: OrgId, staff: StaffId },
}

impl Actor {
    pub fn org(&self) -> OrgId {
        match *self {
            Actor::Customer { org, .. } | Actor::Staff { org, .. } => org,
        }
    }

    /// The actor of a routed turn: staff routes (management, staff
    /// onboarding) act as that staff member; the customer route acts as the
    /// turn's customer record. Anything else (onboarding a business,
    /// redirects, unknown numbers) has no actor and no tools.
    pub fn from_route(route: &Route, customer: Option<&Customer>) -> Option<Actor> {
        match route {
            Route::ManagementFromCentral { org_id, staff_id }
            | Route::BusinessManagement { org_id, staff_id }
            | Route::StaffOnboarding { org_id, staff_id } => Some(Actor::Staff {
                org: *org_id,
                staff: *staff_id,
            }),
            Route::Customer { org_id } => {
                customer
                    .filter(|c| c.org_id == *org_id)
                    .map(|c| Actor::Customer {
                        org: *org_id,
                        customer: c.id,
                    })
            }
            Route::BusinessOnboarding { .. }
            | Route::RedirectToBusinesses { .. }
            | Route::UnknownNumber
            | Route::BusinessUnavailable { .. } => None,
        }
    }

    pub fn from_turn(turn: &TurnContext) -> Option<Actor> {
        Self::from_route(&turn.route, turn.customer.as_ref())
    }
}

/// The tool layer for one turn.
#[derive(Clone)]
pub struct Tools {
    pub store: Store,
    pub now: DateTime<Utc>,
    /// The inbound MessageSid: the seed of every id a tool creates.
    pub turn_key: String,
    /// The only writer: every change goes through it (with its schedules,
    /// activity and notifications).
    pub services: Services,
    /// The business, read once per turn (see [`Tools::ctx`]).
    cached: std::sync::Arc<std::sync::Mutex<Option<CtxData>>>,
    /// The organization the turn already read (routing), not read again.
    known_org: Option<Organization>,
    /// Its catalogue as the turn loaded it, not read again either.
    known_catalogue: Option<std::sync::Arc<parlo_app::catalogue::Catalogue>>,
}

/// What [`Tools::ctx`] reads, kept for the rest of the turn.
#[derive(Clone)]
struct CtxData {
    org: Organization,
    locations: Vec<Location>,
    services: Vec<ServiceType>,
    staff: Vec<Staff>,
}

/// A bookable start, as the model and the person read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    pub start: DateTime<Utc>,
    /// Wall clock of the business, `YYYY-MM-DDTHH:MM:SS`.
    pub local: NaiveDateTime,
    /// "mañana a las 11:00 AM".
    pub label: String,
    /// Who is free then, in preference order.
    pub staff: Vec<String>,
}

/// A message for someone other than the sender that an agent asks the
/// turn to send (a staff welcome, an owner told a member joined). Changes
/// to appointments and conversations notify through the services layer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    /// E.164.
    pub to: String,
    pub text: String,
    pub kind: parlo_app::services::MessageKind,
    /// The template's variables, outside the 24-hour window.
    #[serde(default)]
    pub vars: Vec<String>,
}

/// Everything a tool can fail with. Serialises as `{"error": "...", ...}`
/// for the model; [`ToolError::user_message`] is the Spanish sentence for
/// the person.
#[derive(Debug, Clone, PartialEq, Serialize, thiserror::Error)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum ToolError {
    /// A staff member's level does not allow the action.
    #[error("forbidden: {action:?}")]
    Forbidden { action: Action },
    /// The tool is not offered to this kind of actor (a customer calling a
    /// staff tool, or the reverse).
    #[error("tool not available to this actor")]
    NotForActor,
    /// Unknown, or not the actor's to see (the same answer on purpose).
    #[error("{what} not found")]
    NotFound {
        what: &'static str,
        /// Valid names, when the thing was looked up by name.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        options: Vec<String>,
    },
    /// A name matched several things equally well.
    #[error("ambiguous {what}: {options:?}")]
    Ambiguous {
        what: &'static str,
        options: Vec<String>,
    },
    /// The time was taken; the nearest free ones.
    #[error("slot taken")]
    SlotTaken { alternatives: Vec<Slot> },
    /// The time is not bookable for another reason (closed, too soon…).
    #[error("unavailable: {reason}")]
    Unavailable {
        reason: Unavailable,
        alternatives: Vec<Slot>,
    },
    /// The customer already holds the most open appointments allowed.
    #[error("too many open appointments")]
    TooManyOpen { max: u32 },
    /// A block over time that already has appointments.
    #[error("time has appointments")]
    TimeHasAppointments,
    /// A closure over open appointments: these, to cancel first (or ask
    /// again with `cancel_appointments`).
    #[error("{} appointments fall inside", appointments.len())]
    Booked {
        appointments: Vec<AppointmentSummary>,
    },
    /// The appointment's status does not allow the change.
    #[error("appointment is {status:?}")]
    InvalidStatus { status: AppointmentStatus },
    #[error("invalid {field}: {message}")]
    InvalidArgument {
        field: &'static str,
        message: String,
    },
    /// Already exists (a staff phone, for instance).
    #[error("{what} already exists")]
    AlreadyExists { what: &'static str },
    /// Storage failed; the turn may be retried.
    #[error("internal: {0}")]
    Internal(String),
}

impl ToolError {
    fn not_found(what: &'static str) -> Self {
        ToolError::NotFound {
            what,
            options: Vec::new(),
        }
    }

    /// What to tell the person, in Mexican Spanish.
    pub fn user_message(&self) -> String {
        match self {
            ToolError::Forbidden { action } => format!(
                "No tienes permiso para {}. Pídele al dueño del negocio que lo haga o que te dé acceso.",
                action.describe_es()
            ),
            ToolError::NotForActor => "Eso no lo puedo hacer desde esta conversación.".into(),
            ToolError::NotFound { what, options } => words::not_found(what, options),
            ToolError::Ambiguous { options, .. } => {
                format!("¿Cuál de estos? {}", format::join_or(options))
            }
            ToolError::SlotTaken { alternatives } => {
                with_alternatives(words::SLOT_TAKEN, alternatives)
            }
            ToolError::Unavailable {
                reason,
                alternatives,
            } => with_alternatives(words::unavailable(reason), alternatives),
            ToolError::TooManyOpen { max } => words::too_many_open(*max),
            ToolError::TimeHasAppointments => words::TIME_HAS_APPOINTMENTS.into(),
            ToolError::Booked { appointments } => booked_message(appointments),
            ToolError::InvalidStatus { status } => words::invalid_status(*status),
            ToolError::InvalidArgument { field, message } => {
                format!("No entendí {field}: {message}")
            }
            ToolError::AlreadyExists { .. } => words::ALREADY_EXISTS.into(),
            ToolError::Internal(_) => words::INTERNAL.into(),
        }
    }
}

/// "Ese día hay 2 citas: … ¿Las cancelo y les aviso a los clientes?"
pub fn booked_message(appointments: &[AppointmentSummary]) -> String {
    let lines: Vec<String> = appointments
        .iter()
        .map(|a| {
            format!(
                "• {} {} — {}, {} con {}",
                a.date,
                a.time,
                a.customer.as_deref().unwrap_or("un cliente"),
                a.service,
                a.staff
            )
        })
        .collect();
    let n = appointments.len();
    format!(
        "Hay {n} {} en esas fechas:\n{}\n¿{} y le aviso a {}?",
        if n == 1 { "cita" } else { "citas" },
        lines.join("\n"),
        if n == 1 { "La cancelo" } else { "Las cancelo" },
        if n == 1 { "su cliente" } else { "cada cliente" },
    )
}

fn with_alternatives(why: &str, alternatives: &[Slot]) -> String {
    let labels: Vec<&str> = alternatives.iter().map(|s| s.label.as_str()).collect();
    words::with_alternatives(why, &labels)
}

impl From<parlo_app::services::CatalogueError> for ToolError {
    fn from(e: parlo_app::services::CatalogueError) -> Self {
        use parlo_app::services::CatalogueError;
        match e {
            CatalogueError::Invalid(i) => ToolError::InvalidArgument {
                field: i.field,
                message: i.message,
            },
            CatalogueError::Refused { message, .. } => ToolError::InvalidArgument {
                field: "change",
                message,
            },
            CatalogueError::Store(e) => e.into(),
        }
    }
}

impl From<parlo_app::services::BlockError> for ToolError {
    fn from(e: parlo_app::services::BlockError) -> Self {
        use parlo_app::services::BlockError;
        match e {
            BlockError::Invalid(i) => ToolError::InvalidArgument {
                field: i.field,
                message: i.message,
            },
            BlockError::TimeHasAppointments | BlockError::Booked(_) => {
                ToolError::TimeHasAppointments
            }
            BlockError::Store(e) => e.into(),
        }
    }
}

impl From<StoreError> for ToolError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { what } => ToolError::not_found(what),
            StoreError::InvalidStatus { status } => ToolError::InvalidStatus { status },
            StoreError::AlreadyExists { what } => ToolError::AlreadyExists { what },
            StoreError::Unavailable(reason) => ToolError::Unavailable {
                reason,
                alternatives: Vec::new(),
            },
            StoreError::SlotTaken { .. } => ToolError::SlotTaken {
                alternatives: Vec::new(),
            },
            StoreError::TooManyOpen { max } => ToolError::TooManyOpen { max },
            other => ToolError::Internal(other.to_string()),
        }
    }
}

pub type ToolResult<T> = Result<T, ToolError>;

/// A compact appointment, as results show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentSummary {
    pub appointment_id: AppointmentId,
    pub service: String,
    /// "martes 8 de enero".
    pub date: String,
    /// "11:00 AM".
    pub time: String,
    pub start: DateTime<Utc>,
    pub local_start: NaiveDateTime,
    pub duration_minutes: u32,
    /// "$150".
    pub price: String,
    pub staff: String,
    pub status: AppointmentStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
}

/// The business as one tool call sees it.
pub(crate) struct Ctx {
    pub org: Organization,
    pub tz: Tz,
    pub location: Location,
    pub services: Vec<ServiceType>,
    pub staff: Vec<Staff>,
    /// The acting staff member (staff actors).
    pub me: Option<Staff>,
    pub today: NaiveDate,
}

impl Ctx {
    /// The business as a use case of the services layer reads it.
    pub fn biz(&self) -> Biz<'_> {
        Biz {
            org: &self.org,
            tz: self.tz,
            staff: &self.staff,
            services: &self.services,
        }
    }

    /// How this business writes times and which Spanish it speaks.
    pub fn locale(&self) -> Locale {
        self.org.locale()
    }

    pub fn service(&self, id: ServiceId) -> Option<&ServiceType> {
        self.services.iter().find(|s| s.id == id)
    }

    pub fn staff_name(&self, id: StaffId) -> String {
        self.staff
            .iter()
            .find(|s| s.id == id)
            .map_or_else(String::new, |s| s.name.clone())
    }

    pub fn summary(&self, a: &Appointment, customer: Option<String>) -> AppointmentSummary {
        let local = utc_to_local(self.tz, a.start);
        let service = self.service(a.service_id);
        AppointmentSummary {
            appointment_id: a.id,
            service: service.map_or_else(String::new, |s| s.name.clone()),
            date: format::date_long(local.date(), self.today),
            time: self.locale().time(local.time()),
            start: a.start,
            local_start: local,
            duration_minutes: (a.end - a.start).num_minutes().max(0) as u32,
            price: format::price(
                a.price_cents,
                service.map_or("MXN", |s| s.currency.as_str()),
            ),
            staff: self.staff_name(a.staff_id),
            status: a.status,
            customer,
        }
    }

    pub fn slot(&self, s: &parlo_core::scheduling::Slot) -> Slot {
        Slot {
            start: s.start,
            local: s.local_start,
            label: self.locale().slot_label(s.local_start, self.today),
            staff: s.staff_ids.iter().map(|id| self.staff_name(*id)).collect(),
        }
    }

    /// A service by id or (fuzzy) name, active ones only.
    pub fn resolve_service(&self, query: &str) -> ToolResult<&ServiceType> {
        let active: Vec<ServiceType> = self
            .services
            .iter()
            .filter(|s| s.is_active)
            .cloned()
            .collect();
        let id = resolve(query, &active, |s| s.id, |s| &s.name, "service")?;
        Ok(self.service(id).expect("resolved from the list"))
    }

    /// An active staff member by id or (fuzzy) name.
    pub fn resolve_staff(&self, query: &str) -> ToolResult<&Staff> {
        let active: Vec<Staff> = self.staff.iter().filter(|s| s.is_active).cloned().collect();
        let id = resolve(query, &active, |s| s.id, |s| &s.name, "staff")?;
        Ok(self
            .staff
            .iter()
            .find(|s| s.id == id)
            .expect("resolved from the list"))
    }

    /// A date-time argument: RFC 3339 with an offset is an instant; without
    /// one (`2030-01-08T11:00`, `2030-01-08 11:00`) it is the business's
    /// wall clock.
    pub fn instant(&self, field: &'static str, s: &str) -> ToolResult<DateTime<Utc>> {
        let s = s.trim();
        let out_of_range = || ToolError::InvalidArgument {
            field,
            message: parlo_app::bounds::date_message(),
        };
        if let Ok(t) = DateTime::parse_from_rfc3339(s) {
            if !parlo_app::bounds::date_ok(t.date_naive()) {
                return Err(out_of_range());
            }
            return Ok(t.with_timezone(&Utc));
        }
        let naive = [
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M",
        ]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .ok_or_else(|| ToolError::InvalidArgument {
            field,
            message: format!("«{s}» no es una fecha y hora (AAAA-MM-DDTHH:MM)"),
        })?;
        if !parlo_app::bounds::date_ok(naive.date()) {
            return Err(out_of_range());
        }
        local_to_utc(self.tz, naive).ok_or_else(|| ToolError::InvalidArgument {
            field,
            message: format!("«{s}» no existe en la zona del negocio"),
        })
    }

    /// Up to `n` free starts near `wanted`: the same local day first
    /// (nearest first), then the following days in order.
    pub async fn alternatives(
        &self,
        store: &Store,
        service: ServiceId,
        staff: Option<StaffId>,
        wanted: DateTime<Utc>,
        now: DateTime<Utc>,
        n: usize,
    ) -> ToolResult<Vec<Slot>> {
        let day = local_date(self.tz, wanted);
        let last = day + chrono::Days::new(ALTERNATIVE_DAYS);
        let slots = self
            .free_slots(store, service, day, last, staff, now)
            .await?;
        let (mut same, later): (Vec<_>, Vec<_>) =
            slots.into_iter().partition(|s| s.local_start.date() == day);
        same.retain(|s| s.start != wanted);
        same.sort_by_key(|s| ((s.start - wanted).num_seconds().abs(), s.start));
        Ok(same
            .iter()
            .chain(later.iter())
            .take(n)
            .map(|s| self.slot(s))
            .collect())
    }

    pub async fn free_slots(
        &self,
        store: &Store,
        service: ServiceId,
        from: NaiveDate,
        to: NaiveDate,
        staff: Option<StaffId>,
        now: DateTime<Utc>,
    ) -> ToolResult<Vec<parlo_core::scheduling::Slot>> {
        let (lo, _) = day_bounds_utc(self.tz, from);
        let (_, hi) = day_bounds_utc(self.tz, to + chrono::Days::new(1));
        let calendar = store
            .load_calendar(self.org.id, self.location.id, lo, hi)
            .await?;
        free_slots(
            &calendar,
            &SlotQuery {
                service_id: service,
                from,
                to,
                staff_id: staff,
                now,
            },
        )
        .map_err(|reason| ToolError::Unavailable {
            reason,
            alternatives: Vec::new(),
        })
    }

    /// Customer names by id (one read each, concurrently).
    pub async fn customer_names(
        &self,
        store: &Store,
        ids: impl IntoIterator<Item = CustomerId>,
    ) -> ToolResult<HashMap<CustomerId, String>> {
        Ok(parlo_app::day::customer_names(store, self.org.id, ids).await?)
    }
}

/// Id (exact UUID) or fuzzy name among `items`.
fn resolve<T>(
    query: &str,
    items: &[T],
    id: impl Fn(&T) -> uuid::Uuid,
    name: impl Fn(&T) -> &str,
    what: &'static str,
) -> ToolResult<uuid::Uuid> {
    if let Ok(u) = query.trim().parse::<uuid::Uuid>() {
        return items
            .iter()
            .find(|i| id(i) == u)
            .map(&id)
            .ok_or_else(|| ToolError::not_found(what));
    }
    match best_match(query, items, &name) {
        Some(Match::Found(s)) => Ok(id(s.item)),
        Some(Match::Ambiguous(v)) => Err(ToolError::Ambiguous {
            what,
            options: v.iter().map(|s| name(s.item).to_string()).collect(),
        }),
        None => Err(ToolError::NotFound {
            what,
            options: items.iter().map(|i| name(i).to_string()).collect(),
        }),
    }
}

/// An appointment id argument (malformed: not found, like any other).
pub(crate) fn appointment_id(s: &str) -> ToolResult<AppointmentId> {
    s.trim()
        .parse()
        .map_err(|_| ToolError::not_found("appointment"))
}

impl Tools {
    /// Tools over mock sending and no schedules (tests); see
    /// [`Tools::with_services`].
    pub fn new(store: Store, now: DateTime<Utc>, turn_key: impl Into<String>) -> Self {
        Self {
            services: Services::mock(store.clone()),
            store,
            now,
            turn_key: turn_key.into(),
            cached: Default::default(),
            known_org: None,
            known_catalogue: None,
        }
    }

    /// The organization the turn read while routing: the tools read only
    /// the rest of the business.
    pub fn with_business(mut self, org: Option<Organization>) -> Self {
        self.known_org = org;
        self
    }

    /// The catalogue the turn loaded with the organization: the tools
    /// read nothing of the business then.
    pub fn with_catalogue(
        mut self,
        catalogue: Option<std::sync::Arc<parlo_app::catalogue::Catalogue>>,
    ) -> Self {
        // The business's booking catalogue may then come from the
        // process's cache too, under the version the turn read.
        let known = self.known_org.as_ref().map(|o| o.id);
        if let (Some(org), Some(version)) =
            (known, catalogue.as_ref().and_then(|c| c.version.as_deref()))
        {
            self.store = self.store.at_catalogue_version(org, version);
            self.services.store = self.services.store.at_catalogue_version(org, version);
        }
        self.known_catalogue = catalogue;
        self
    }

    pub fn with_services(mut self, services: Services) -> Self {
        self.store = services.store.clone();
        self.services = services;
        self
    }

    pub fn with_schedules(mut self, schedules: Schedules) -> Self {
        self.services.schedules = schedules;
        self
    }

    /// The customer the turn read: the services use it instead of reading
    /// it again (and keep it current when this turn changes it).
    pub fn with_customer(mut self, customer: Option<Customer>) -> Self {
        self.services = self.services.for_customer(customer);
        self
    }

    /// The turn's notice sink: the services leave their notices there.
    pub fn with_notices(mut self, notices: Option<parlo_app::services::Notices>) -> Self {
        if let Some(n) = notices {
            self.services = self.services.deferring_notices(n);
        }
        self
    }

    /// The act of `actor` in this turn, for the services layer.
    pub(crate) fn act(&self, actor: &Actor) -> Act {
        let by = match *actor {
            Actor::Customer { customer, .. } => By::Customer(customer),
            Actor::Staff { staff, .. } => By::Staff(staff),
        };
        Act::new(by, Door::Chat, self.turn_key.clone(), self.now)
    }

    /// Forgets the business read earlier in the turn: called by every tool
    /// that changes the business, its team or its catalogue.
    pub(crate) fn forget_business(&self) {
        if let Ok(mut c) = self.cached.lock() {
            *c = None;
        }
    }

    /// The deterministic id of something `tool` creates from `parts`.
    pub fn id_for(&self, tool: &str, parts: &[&str]) -> uuid::Uuid {
        let mut all = vec![self.turn_key.as_str(), tool];
        all.extend_from_slice(parts);
        derived_id(&all)
    }

    /// Loads the business and checks the actor belongs to it (an inactive
    /// or unknown staff member is refused).
    pub(crate) async fn ctx(&self, actor: &Actor) -> ToolResult<Ctx> {
        let org_id = actor.org();
        // One read of the business per turn: every later tool call reuses it.
        let cached = self
            .cached
            .lock()
            .ok()
            .and_then(|c| c.clone())
            .filter(|d| d.org.id == org_id);
        let data = match cached {
            Some(d) => d,
            None => {
                let known = self.known_org.clone().filter(|o| o.id == org_id);
                if let (Some(org), Some(c)) = (&known, &self.known_catalogue) {
                    let d = CtxData {
                        org: org.clone(),
                        locations: c.locations.clone(),
                        services: c.services.clone(),
                        staff: c.staff.clone(),
                    };
                    if let Ok(mut c) = self.cached.lock() {
                        *c = Some(d.clone());
                    }
                    return self.ctx_from(actor, d);
                }
                let (org, locations, services, staff) = tokio::try_join!(
                    async {
                        match known {
                            Some(o) => Ok(Some(o)),
                            None => self.store.get_organization(org_id).await,
                        }
                    },
                    self.store.list_locations(org_id),
                    self.store.list_services(org_id),
                    self.store.list_staff(org_id),
                )?;
                let org = org.ok_or_else(|| ToolError::not_found("organization"))?;
                let d = CtxData {
                    org,
                    locations,
                    services,
                    staff,
                };
                if let Ok(mut c) = self.cached.lock() {
                    *c = Some(d.clone());
                }
                d
            }
        };
        self.ctx_from(actor, data)
    }

    /// The context of `actor` in the business `data` holds.
    fn ctx_from(&self, actor: &Actor, data: CtxData) -> ToolResult<Ctx> {
        let CtxData {
            org,
            locations,
            services,
            staff,
        } = data;
        let tz: Tz = org
            .timezone
            .parse()
            .map_err(|_| ToolError::Internal(format!("unknown timezone {:?}", org.timezone)))?;
        let location = locations
            .iter()
            .find(|l| l.is_primary)
            .or(locations.first())
            .cloned()
            .ok_or_else(|| ToolError::not_found("location"))?;
        let me = match *actor {
            Actor::Staff { staff: id, .. } => {
                let me = staff
                    .iter()
                    .find(|s| s.id == id && s.is_active)
                    .cloned()
                    .ok_or(ToolError::NotForActor)?;
                Some(me)
            }
            Actor::Customer { .. } => None,
        };
        Ok(Ctx {
            today: local_date(tz, self.now),
            org,
            tz,
            location,
            services,
            staff,
            me,
        })
    }

    /// The context for a staff-only tool, after checking `action`.
    pub(crate) async fn staff_ctx(&self, actor: &Actor, action: Action) -> ToolResult<Ctx> {
        if !matches!(actor, Actor::Staff { .. }) {
            return Err(ToolError::NotForActor);
        }
        let ctx = self.ctx(actor).await?;
        let level = ctx.me.as_ref().map(|m| m.permission_level);
        match level {
            Some(level) if allows(level, action) => Ok(ctx),
            _ => Err(ToolError::Forbidden { action }),
        }
    }

    /// An appointment the actor may see: a customer's own, or any of the
    /// business's for staff. Everything else is `NotFound`.
    pub(crate) async fn visible_appointment(
        &self,
        actor: &Actor,
        id: &str,
    ) -> ToolResult<Appointment> {
        let id = appointment_id(id)?;
        let appt = self
            .store
            .get_appointment(actor.org(), id)
            .await?
            .filter(|a| a.org_id == actor.org())
            .ok_or_else(|| ToolError::not_found("appointment"))?;
        match *actor {
            Actor::Customer { customer, .. } if appt.customer_id != customer => {
                Err(ToolError::not_found("appointment"))
            }
            _ => Ok(appt),
        }
    }
}
