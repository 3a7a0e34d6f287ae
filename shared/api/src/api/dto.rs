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
    #[schema(value_type = Option<out::OrgSettings>)]
    pub settings: Option<OrgSettings>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocationInput {
    pub name: Option<String>,
    pub address: Option<String>,
    pub is_primary: Option<bool>,
    /// `{"days": [[{"start": "10:00:00", "end": "20:00:00"}], …]}`, Monday first.
    #[schema(value_type = Option<out::WeeklyHours>)]
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
    #[schema(value_type = Option<Vec<Vec<out::TimeRange>>>)]
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

/// The WhatsApp number the platform admin connects to a business (one the
/// owner already has, registered under Parlo's account).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachNumberInput {
    /// E.164, or as typed ("55 1234 5678").
    pub whatsapp_number: String,
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

/// Businesses by status (admin).
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct OrgStatusCounts {
    pub total: usize,
    pub onboarding: usize,
    pub active: usize,
    pub suspended: usize,
    pub churned: usize,
}

/// `GET /admin/stats`: the platform at a glance.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminStats {
    pub organizations: OrgStatusCounts,
    pub new_organizations_7_days: usize,
    pub organizations_with_messages_7_days: usize,
    /// Activity feed entries of the last 7 days, by kind (`booking`, …).
    pub activity_7_days: std::collections::BTreeMap<String, usize>,
}

/// `GET /admin/organizations`: a page of businesses and the counts of all.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminOrganizations {
    #[schema(value_type = Vec<out::Organization>)]
    pub items: Vec<Organization>,
    pub next_cursor: Option<String>,
    pub counts: OrgStatusCounts,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AdminOrganizationCounts {
    pub staff_active: usize,
    pub services_active: usize,
    pub appointments_last_and_next_30_days: usize,
}

/// `GET /admin/organizations/{org_id}`: a business and its catalogue.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminOrganizationDetail {
    #[schema(value_type = out::Organization)]
    pub organization: Organization,
    #[schema(value_type = Vec<out::Location>)]
    pub locations: Vec<Location>,
    #[schema(value_type = Vec<out::Staff>)]
    pub staff: Vec<Staff>,
    #[schema(value_type = Vec<out::Service>)]
    pub services: Vec<ServiceType>,
    #[schema(value_type = Vec<out::Spot>)]
    pub spots: Vec<Spot>,
    pub counts: AdminOrganizationCounts,
}

/// A conversation in the admin's list across businesses.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminConversation {
    #[serde(flatten)]
    #[schema(value_type = out::Conversation)]
    pub conversation: Conversation,
    /// `null` when the business is gone.
    pub organization_name: Option<String>,
}

/// `GET /auth/me` (schema `Me`).
#[derive(Debug, Serialize)]
pub struct MeOut {
    pub org_id: Uuid,
    pub staff_id: Option<Uuid>,
    pub permission_level: PermissionLevel,
    pub impersonated: bool,
    pub expires_at: DateTime<Utc>,
}

/// `POST /dev/auth/magic-link` (schema `DevLinks`).
#[derive(Debug, Serialize)]
pub struct DevLinksOut {
    pub links: Vec<crate::auth::IssuedLink>,
}

/// Answer shapes of the entities, for the OpenAPI document only. The
/// handlers serialize the `parlo_core` types themselves; these mirror their
/// serde output field by field (a test in `openapi.rs` serializes a real
/// value of each and compares its keys with the schema, so they cannot
/// drift apart silently). They give the dashboard's generated TypeScript
/// client real types instead of bare objects.
pub mod out {
    use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
    use serde::Serialize;
    use utoipa::ToSchema;
    use uuid::Uuid;

    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum OrgStatus {
        Onboarding,
        Active,
        Suspended,
        Churned,
    }

    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum PermissionLevel {
        Viewer,
        Staff,
        Admin,
        Owner,
    }

    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum StaffRole {
        Owner,
        Employee,
    }

    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum AppointmentStatus {
        Pending,
        Confirmed,
        Completed,
        Cancelled,
        NoShow,
    }

    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum AppointmentSource {
        Whatsapp,
        Web,
        Manual,
        WalkIn,
    }

    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum ConversationStatus {
        Active,
        Resolved,
        HandedOff,
    }

    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum ConversationKind {
        Customer,
        Staff,
        Onboarding,
    }

    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum Direction {
        Inbound,
        Outbound,
    }

    /// `ai` is the assistant.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum SenderType {
        Customer,
        Ai,
        Staff,
    }

    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum ContentType {
        Text,
        Image,
        Audio,
        Location,
        Template,
    }

    #[derive(Serialize, ToSchema)]
    pub struct BookingPolicy {
        pub min_notice_minutes: u32,
        pub max_advance_days: u32,
        pub slot_step_minutes: u32,
        pub buffer_minutes: u32,
        pub max_open_per_customer: u32,
    }

    #[derive(Serialize, ToSchema)]
    pub struct MissedCallSettings {
        pub enabled: bool,
        pub delay_minutes: u32,
        pub min_answered_seconds: u32,
        pub min_gap_hours: u32,
        pub message: Option<String>,
    }

    #[derive(Serialize, ToSchema)]
    pub struct OrgSettings {
        pub booking: BookingPolicy,
        pub business_type: Option<String>,
        pub reminder_hours_before: Option<u32>,
        pub second_reminder_enabled: bool,
        pub review_request_enabled: bool,
        pub review_link: Option<String>,
        pub daily_summary_hour: Option<u8>,
        pub daily_summary_staff: Vec<Uuid>,
        pub missed_call: MissedCallSettings,
        pub handoff_unanswered_minutes: Option<u32>,
        pub ask_staff_preference: bool,
        /// Which Spanish the business speaks: `es-MX` (12-hour times) or
        /// `es-ES` (24-hour times, Spain's wording). Unset: from the zone.
        #[schema(value_type = Option<String>, example = "es-ES")]
        pub locale: Option<String>,
    }

    #[derive(Serialize, ToSchema)]
    pub struct Organization {
        pub id: Uuid,
        pub name: String,
        pub whatsapp_number: Option<String>,
        /// IANA zone.
        pub timezone: String,
        pub status: OrgStatus,
        pub settings: OrgSettings,
        pub onboarding_state: Option<String>,
        #[schema(value_type = Object)]
        pub onboarding_data: serde_json::Value,
        pub last_message_at: Option<DateTime<Utc>>,
        pub created_at: DateTime<Utc>,
        pub updated_at: DateTime<Utc>,
        /// The locale in effect (`settings.locale`, else the zone's):
        /// `es-MX` or `es-ES`. The dashboard's language and time format.
        #[schema(example = "es-MX")]
        pub locale: String,
    }

    /// Local wall-clock range, `HH:MM:SS`.
    #[derive(Serialize, ToSchema)]
    pub struct TimeRange {
        pub start: String,
        pub end: String,
    }

    /// Seven lists of ranges, Monday first; an empty list is closed.
    #[derive(Serialize, ToSchema)]
    pub struct WeeklyHours {
        pub days: Vec<Vec<TimeRange>>,
    }

    #[derive(Serialize, ToSchema)]
    pub struct Location {
        pub id: Uuid,
        pub org_id: Uuid,
        pub name: String,
        pub address: Option<String>,
        pub is_primary: bool,
        pub business_hours: WeeklyHours,
        pub created_at: DateTime<Utc>,
        pub updated_at: DateTime<Utc>,
    }

    #[derive(Serialize, ToSchema)]
    pub struct Staff {
        pub id: Uuid,
        pub org_id: Uuid,
        pub location_id: Option<Uuid>,
        pub name: String,
        pub phone: String,
        pub role: StaffRole,
        pub permission_level: PermissionLevel,
        pub is_active: bool,
        pub first_message_at: Option<DateTime<Utc>>,
        pub default_spot_id: Option<Uuid>,
        pub service_ids: Vec<Uuid>,
        pub bookable: bool,
        pub created_at: DateTime<Utc>,
        pub updated_at: DateTime<Utc>,
    }

    #[derive(Serialize, ToSchema)]
    pub struct Service {
        pub id: Uuid,
        pub org_id: Uuid,
        pub name: String,
        pub description: Option<String>,
        pub duration_minutes: u32,
        /// Cents.
        pub price_cents: i64,
        pub currency: String,
        pub is_active: bool,
        pub buffer_minutes: u32,
        pub created_at: DateTime<Utc>,
        pub updated_at: DateTime<Utc>,
    }

    /// `DELETE /services/{id}` of a service appointments used.
    #[derive(Serialize, ToSchema)]
    pub struct ServiceDeactivated {
        pub deleted: bool,
        pub deactivated: bool,
        pub service: Service,
    }

    #[derive(Serialize, ToSchema)]
    pub struct Spot {
        pub id: Uuid,
        pub org_id: Uuid,
        pub location_id: Uuid,
        pub name: String,
        pub display_order: u32,
        pub is_active: bool,
        pub service_ids: Vec<Uuid>,
        pub created_at: DateTime<Utc>,
        pub updated_at: DateTime<Utc>,
    }

    #[derive(Serialize, ToSchema)]
    pub struct Customer {
        pub id: Uuid,
        pub org_id: Uuid,
        pub phone: String,
        pub name: Option<String>,
        pub name_verified_at: Option<DateTime<Utc>>,
        pub email: Option<String>,
        pub notes: Option<String>,
        pub created_at: DateTime<Utc>,
        pub updated_at: DateTime<Utc>,
    }

    /// An appointment with its times in the business's zone.
    #[derive(Serialize, ToSchema)]
    pub struct Appointment {
        pub id: Uuid,
        pub org_id: Uuid,
        pub location_id: Uuid,
        pub customer_id: Uuid,
        pub staff_id: Uuid,
        pub spot_id: Option<Uuid>,
        pub service_id: Uuid,
        pub start: DateTime<Utc>,
        pub end: DateTime<Utc>,
        pub buffer_minutes: u32,
        pub status: AppointmentStatus,
        pub source: AppointmentSource,
        pub notes: Option<String>,
        pub cancellation_reason: Option<String>,
        pub reminder_sent_at: Option<DateTime<Utc>>,
        pub price_cents: i64,
        /// 1–5, after the review request.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub rating: Option<u8>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub feedback: Option<String>,
        pub created_at: DateTime<Utc>,
        pub updated_at: DateTime<Utc>,
        /// IANA zone of the business.
        pub timezone: String,
        /// ISO 8601 with the business's offset.
        pub start_local: String,
        pub end_local: String,
    }

    #[derive(Serialize, ToSchema)]
    pub struct CustomerDetail {
        pub customer: Customer,
        pub appointments: Vec<Appointment>,
        pub total_appointments: usize,
        pub completed: usize,
        pub no_shows: usize,
        pub cancellations: usize,
    }

    #[derive(Serialize, ToSchema)]
    pub struct WorkingHours {
        /// No rows of their own: the location's hours apply.
        pub follows_business_hours: bool,
        pub days: Vec<Vec<TimeRange>>,
    }

    #[derive(Serialize, ToSchema)]
    pub struct RecurringAvailability {
        pub id: Uuid,
        pub org_id: Uuid,
        pub staff_id: Uuid,
        /// 0 = Monday.
        pub weekday: u8,
        pub range: TimeRange,
        pub created_at: DateTime<Utc>,
    }

    #[derive(Serialize, ToSchema)]
    pub struct AvailabilityException {
        pub id: Uuid,
        pub org_id: Uuid,
        pub staff_id: Uuid,
        pub date: NaiveDate,
        pub range: Option<TimeRange>,
        pub is_available: bool,
        pub reason: Option<String>,
        pub created_at: DateTime<Utc>,
    }

    #[derive(Serialize, ToSchema)]
    pub struct Availability {
        pub timezone: String,
        pub recurring: Vec<RecurringAvailability>,
        pub exceptions: Vec<AvailabilityException>,
    }

    #[derive(Serialize, ToSchema)]
    pub struct TimeBlock {
        pub id: Uuid,
        pub org_id: Uuid,
        /// `null`: the whole business.
        pub staff_id: Option<Uuid>,
        pub start: DateTime<Utc>,
        pub end: DateTime<Utc>,
        pub reason: Option<String>,
        pub created_by: Option<Uuid>,
        pub created_at: DateTime<Utc>,
    }

    #[derive(Serialize, ToSchema)]
    pub struct Slot {
        pub start: DateTime<Utc>,
        pub end: DateTime<Utc>,
        /// The business's wall clock, no offset.
        pub local_start: NaiveDateTime,
        /// Free staff, in preference order.
        pub staff_ids: Vec<Uuid>,
        pub spot_ids: Vec<Uuid>,
    }

    #[derive(Serialize, ToSchema)]
    pub struct Slots {
        pub timezone: String,
        pub location_id: Uuid,
        pub slots: Vec<Slot>,
    }

    #[derive(Serialize, ToSchema)]
    pub struct Conversation {
        pub id: Uuid,
        pub org_id: Uuid,
        pub kind: ConversationKind,
        pub peer_phone: String,
        pub customer_id: Option<Uuid>,
        pub staff_id: Option<Uuid>,
        pub status: ConversationStatus,
        pub handed_off_until: Option<DateTime<Utc>>,
        #[schema(value_type = Object)]
        pub context: serde_json::Value,
        pub created_at: DateTime<Utc>,
        pub updated_at: DateTime<Utc>,
        pub last_message_at: DateTime<Utc>,
    }

    #[derive(Serialize, ToSchema)]
    pub struct Message {
        pub id: Uuid,
        pub org_id: Uuid,
        pub conversation_id: Uuid,
        pub direction: Direction,
        pub sender_type: SenderType,
        pub content_type: ContentType,
        pub content: String,
        pub media_url: Option<String>,
        pub provider_id: Option<String>,
        pub delivery_status: Option<String>,
        pub created_at: DateTime<Utc>,
    }

    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum ActivityKind {
        Signup,
        Booking,
        Cancellation,
        StatusChange,
        Impersonation,
        SettingsChange,
        Reschedule,
        Attendance,
        Handoff,
        GoLive,
        Provisioning,
        NumberChange,
    }

    /// One line of the platform's activity feed.
    #[derive(Serialize, ToSchema)]
    pub struct Activity {
        pub id: Uuid,
        pub kind: ActivityKind,
        /// `null`: not about one business.
        pub org_id: Option<Uuid>,
        /// What happened, in Spanish.
        pub summary: String,
        pub at: DateTime<Utc>,
    }

    /// `GET /openapi.json`: this document (OpenAPI 3.1).
    #[derive(Serialize, ToSchema)]
    pub struct OpenApiDocument {
        pub openapi: String,
        #[schema(value_type = Object)]
        pub info: serde_json::Value,
        #[schema(value_type = Object)]
        pub paths: serde_json::Value,
        #[schema(value_type = Object)]
        pub components: serde_json::Value,
    }

    #[derive(Serialize, ToSchema)]
    pub struct MagicLinkAccepted {
        pub status: String,
        pub message: String,
    }

    #[derive(Serialize, ToSchema)]
    pub struct NamedRef {
        pub id: Uuid,
        pub name: String,
    }

    /// A business session (7 days).
    #[derive(Serialize, ToSchema)]
    pub struct Session {
        pub token: String,
        pub expires_at: DateTime<Utc>,
        pub business: NamedRef,
        pub staff: NamedRef,
        pub permission_level: PermissionLevel,
    }

    #[derive(Serialize, ToSchema)]
    pub struct Me {
        pub org_id: Uuid,
        /// `null` when an admin impersonates the business.
        pub staff_id: Option<Uuid>,
        pub permission_level: PermissionLevel,
        pub impersonated: bool,
        pub expires_at: DateTime<Utc>,
    }

    #[derive(Serialize, ToSchema)]
    pub struct AdminSession {
        pub token: String,
        pub expires_at: DateTime<Utc>,
    }

    #[derive(Serialize, ToSchema)]
    pub struct AdminMe {
        pub role: String,
        pub expires_at: DateTime<Utc>,
    }

    #[derive(Serialize, ToSchema)]
    pub struct IssuedLink {
        pub org_id: Uuid,
        pub business: String,
        pub staff_id: Uuid,
        pub token: String,
        /// `<dashboard>/auth?token=…`
        pub url: String,
        pub expires_at: DateTime<Utc>,
    }

    /// Dev only: the links instead of WhatsApp messages.
    #[derive(Serialize, ToSchema)]
    pub struct DevLinks {
        pub links: Vec<IssuedLink>,
    }

    #[derive(Serialize, ToSchema)]
    pub struct Health {
        pub status: String,
    }

    /// One part of the readiness answer: `status` is one of `ok`,
    /// `timeout`, `error`, `not_configured`, `mock`, `configured`.
    #[derive(Serialize, ToSchema)]
    pub struct ReadinessCheck {
        pub ok: bool,
        pub status: String,
        pub ms: u64,
    }

    /// `GET /api/v1/health/ready`: 200 when every part is ok, else 503.
    #[derive(Serialize, ToSchema)]
    pub struct Readiness {
        pub ready: bool,
        pub table: ReadinessCheck,
        pub queue: ReadinessCheck,
        pub provider_credentials: ReadinessCheck,
    }

    impl From<parlo_app::readiness::Check> for ReadinessCheck {
        fn from(c: parlo_app::readiness::Check) -> Self {
            Self {
                ok: c.ok,
                status: c.status.to_string(),
                ms: c.ms,
            }
        }
    }

    impl From<parlo_app::readiness::Readiness> for Readiness {
        fn from(r: parlo_app::readiness::Readiness) -> Self {
            Self {
                ready: r.ready,
                table: r.table.into(),
                queue: r.queue.into(),
                provider_credentials: r.provider_credentials.into(),
            }
        }
    }
}

/// The organization as the API returns it: its stored fields and the
/// locale in effect (one value for the chat, notifications, templates and
/// the dashboard).
#[derive(Debug, Serialize)]
pub struct OrganizationView<'a> {
    #[serde(flatten)]
    pub org: &'a Organization,
    pub locale: &'static str,
}

impl<'a> OrganizationView<'a> {
    pub fn new(org: &'a Organization) -> Self {
        Self {
            org,
            locale: org.locale().tag(),
        }
    }
}
