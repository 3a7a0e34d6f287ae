//! Request bodies and answer shapes of the REST resources. Bodies refuse
//! unknown fields, so a typo is a 400 rather than a silent no-op. The
//! OpenAPI document takes their schemas from these types.

use chrono::{DateTime, NaiveDate, Utc};
use parlo_core::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// One page of a list; pass `next_cursor` back as `cursor` for the next.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageOut<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// `PATCH /organization`. Only the fields sent change.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationPatch {
    pub name: Option<String>,
    /// IANA zone, e.g. `America/Mexico_City`.
    pub timezone: Option<String>,
    /// The whole settings object (booking policy, reminders, …).
    #[schema(value_type = Option<Object>)]
    pub settings: Option<OrgSettings>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocationInput {
    pub name: Option<String>,
    pub address: Option<String>,
    pub is_primary: Option<bool>,
    /// `{"days": [[{"start": "10:00:00", "end": "20:00:00"}], …]}`, Monday first.
    #[schema(value_type = Option<Object>)]
    pub business_hours: Option<WeeklyHours>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceInput {
    pub name: Option<String>,
    pub description: Option<String>,
    pub duration_minutes: Option<u32>,
    /// Cents (MXN by default): 15000 is $150.
    pub price_cents: Option<i64>,
    pub currency: Option<String>,
    pub is_active: Option<bool>,
    pub buffer_minutes: Option<u32>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffInput {
    pub name: Option<String>,
    /// Any Mexican format; stored as E.164.
    pub phone: Option<String>,
    #[schema(value_type = Option<String>)]
    pub role: Option<StaffRole>,
    /// `owner`, `admin`, `staff` or `viewer`.
    #[schema(value_type = Option<String>)]
    pub permission_level: Option<PermissionLevel>,
    pub location_id: Option<Uuid>,
    pub default_spot_id: Option<Uuid>,
    pub service_ids: Option<Vec<Uuid>>,
    pub bookable: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceIds {
    pub service_ids: Vec<Uuid>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkingHoursInput {
    /// Seven lists of `{start, end}` local times, Monday first; an empty
    /// list is a day off. An empty body (`{"days": null}`) follows the
    /// location's hours.
    #[schema(value_type = Option<Object>)]
    pub days: Option<[Vec<TimeRange>; 7]>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpotInput {
    pub name: Option<String>,
    pub location_id: Option<Uuid>,
    pub display_order: Option<u32>,
    pub is_active: Option<bool>,
    pub service_ids: Option<Vec<Uuid>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpotOrder {
    /// Every spot id, in the new order.
    pub spot_ids: Vec<Uuid>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerPatch {
    pub name: Option<String>,
    pub email: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppointmentCreate {
    /// Optional idempotency key: a retry with the same id returns the same
    /// appointment instead of booking twice.
    pub id: Option<Uuid>,
    pub service_id: Uuid,
    /// ISO 8601 instant.
    pub start: DateTime<Utc>,
    /// An existing customer, or `customer_phone` (+ `customer_name`).
    pub customer_id: Option<Uuid>,
    pub customer_phone: Option<String>,
    pub customer_name: Option<String>,
    pub staff_id: Option<Uuid>,
    pub spot_id: Option<Uuid>,
    /// Default: the primary location.
    pub location_id: Option<Uuid>,
    pub notes: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppointmentPatch {
    /// New start (the same service length).
    pub start: Option<DateTime<Utc>>,
    /// Another staff member (default: the same one).
    pub staff_id: Option<Uuid>,
    pub spot_id: Option<Uuid>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelInput {
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExceptionInput {
    pub staff_id: Uuid,
    /// Local date.
    pub date: NaiveDate,
    /// Local `HH:MM[:SS]`; both or neither (the whole day).
    pub start: Option<String>,
    pub end: Option<String>,
    /// `false`: time off; `true`: worked instead of the usual hours.
    pub is_available: bool,
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BlockInput {
    /// Omitted: the whole business is closed.
    pub staff_id: Option<Uuid>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendMessageInput {
    pub body: String,
    /// Optional idempotency key: a retried send goes out once.
    pub client_id: Option<String>,
}

/// An appointment with its local times.
#[derive(Debug, Serialize, ToSchema)]
pub struct AppointmentView {
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub appointment: Appointment,
    pub timezone: String,
    /// ISO 8601 with the business's offset.
    pub start_local: String,
    pub end_local: String,
}

impl AppointmentView {
    pub fn new(appointment: Appointment, tz: chrono_tz::Tz) -> Self {
        let local = |t: DateTime<Utc>| {
            t.with_timezone(&tz)
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
        };
        Self {
            timezone: tz.name().to_string(),
            start_local: local(appointment.start),
            end_local: local(appointment.end),
            appointment,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerDetail {
    #[schema(value_type = Object)]
    pub customer: Customer,
    pub appointments: Vec<AppointmentView>,
    pub total_appointments: usize,
    pub completed: usize,
    pub no_shows: usize,
    pub cancellations: usize,
}

#[derive(Debug, Default, Serialize, ToSchema)]
pub struct StatsCounts {
    /// Appointments starting in the period, any status.
    pub bookings: usize,
    pub completed: usize,
    pub no_shows: usize,
    pub cancellations: usize,
    /// Sum of the prices of completed appointments, cents.
    pub revenue_cents: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatsDay {
    /// Local date.
    pub date: NaiveDate,
    #[serde(flatten)]
    pub counts: StatsCounts,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatsOut {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub timezone: String,
    pub totals: StatsCounts,
    pub by_day: Vec<StatsDay>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImpersonationOut {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub org_id: Uuid,
    pub impersonated: bool,
}
