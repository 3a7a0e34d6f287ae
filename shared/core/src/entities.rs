//! The entities of spec/001 "Data Model", as plain serde types.
//!
//! Times are UTC (`DateTime<Utc>`); wall-clock rules (business hours,
//! availability) are `NaiveTime`s interpreted in the organization's IANA zone.
//! Money is integer cents. Ids are UUIDs (v7 for time-ordered entities).

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub type OrgId = Uuid;
pub type LocationId = Uuid;
pub type StaffId = Uuid;
pub type ServiceId = Uuid;
pub type SpotId = Uuid;
pub type CustomerId = Uuid;
pub type AppointmentId = Uuid;
pub type ConversationId = Uuid;
pub type MessageId = Uuid;
pub type BlockId = Uuid;
pub type AvailabilityId = Uuid;

/// Default zone for new businesses (spec/001 §1.1.7).
pub const DEFAULT_TIMEZONE: &str = "America/Mexico_City";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgStatus {
    Onboarding,
    Active,
    Suspended,
    Churned,
}

/// Per-business booking rules the scheduling engine honours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BookingPolicy {
    /// Earliest a customer may book, counted from now.
    pub min_notice_minutes: u32,
    /// Latest day a customer may book, counted from today (local).
    pub max_advance_days: u32,
    /// Grid on which slots start, counted from the opening time.
    pub slot_step_minutes: u32,
    /// Clean-up time kept free after every appointment (added to the
    /// service's own buffer).
    pub buffer_minutes: u32,
    /// Open (upcoming, not cancelled) appointments one customer may hold:
    /// one phone number cannot fill the agenda by chat.
    pub max_open_per_customer: u32,
}

impl Default for BookingPolicy {
    fn default() -> Self {
        Self {
            min_notice_minutes: 60,
            max_advance_days: 60,
            slot_step_minutes: 15,
            buffer_minutes: 0,
            max_open_per_customer: 3,
        }
    }
}

/// Flexible business settings (spec: `settings: JSONB`), typed where Parlo
/// reads them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OrgSettings {
    pub booking: BookingPolicy,
    pub business_type: Option<String>,
    /// Hours before the appointment for the first reminder (default 24).
    pub reminder_hours_before: Option<u32>,
    pub second_reminder_enabled: bool,
    pub review_request_enabled: bool,
    pub review_link: Option<String>,
    /// Local hour (0–23) of the owner's daily summary (default 8).
    pub daily_summary_hour: Option<u8>,
    /// Staff members who opted in to their own daily summary.
    pub daily_summary_staff: Vec<StaffId>,
    /// The missed-call → WhatsApp follow-up automation.
    pub missed_call: MissedCallSettings,
    /// Minutes, counted while the business is open, that a customer's
    /// request for a person may wait unanswered before the assistant tells
    /// them and takes the chat back (default
    /// [`DEFAULT_HANDOFF_UNANSWERED_MINUTES`]).
    pub handoff_unanswered_minutes: Option<u32>,
    /// Ask customers which staff member they prefer when several are free
    /// (otherwise Parlo assigns one and says so; they can change it).
    pub ask_staff_preference: bool,
    /// Which Spanish the business speaks (times, wording, templates);
    /// `None`: derived from its zone ([`Organization::locale`]).
    pub locale: Option<crate::Locale>,
}

/// Default of [`OrgSettings::handoff_unanswered_minutes`].
pub const DEFAULT_HANDOFF_UNANSWERED_MINUTES: u32 = 15;

/// Per-business settings of the missed-call follow-up (spec/002's
/// call → WhatsApp automation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MissedCallSettings {
    pub enabled: bool,
    /// Minutes after the call before the WhatsApp message goes out.
    pub delay_minutes: u32,
    /// A completed call shorter than this counts as missed.
    pub min_answered_seconds: u32,
    /// Nobody gets two follow-ups within this many hours.
    pub min_gap_hours: u32,
    /// The message; `{negocio}` is replaced by the business's name. `None`:
    /// Parlo's default text.
    pub message: Option<String>,
}

impl OrgSettings {
    /// How long a request for a person may wait unanswered (open minutes).
    pub fn handoff_unanswered(&self) -> u32 {
        self.handoff_unanswered_minutes
            .unwrap_or(DEFAULT_HANDOFF_UNANSWERED_MINUTES)
    }

    /// Checks every field against its bounds: settings come from the API
    /// and are later used in time arithmetic (a reminder 4294967295 hours
    /// before would overflow). `Err((field, Spanish message))`.
    pub fn validate(&self) -> Result<(), (&'static str, &'static str)> {
        let b = &self.booking;
        let checks: [(bool, &'static str, &'static str); 15] = [
            (
                (1..=50).contains(&b.max_open_per_customer),
                "settings.booking.max_open_per_customer",
                "debe estar entre 1 y 50.",
            ),
            (
                b.min_notice_minutes <= 30 * 24 * 60,
                "settings.booking.min_notice_minutes",
                "debe estar entre 0 y 43200 (30 días).",
            ),
            (
                (1..=365).contains(&b.max_advance_days),
                "settings.booking.max_advance_days",
                "debe estar entre 1 y 365.",
            ),
            (
                (1..=240).contains(&b.slot_step_minutes),
                "settings.booking.slot_step_minutes",
                "debe estar entre 1 y 240.",
            ),
            (
                b.buffer_minutes <= 240,
                "settings.booking.buffer_minutes",
                "debe ser a lo más 240.",
            ),
            (
                self.business_type
                    .as_ref()
                    .is_none_or(|t| t.chars().count() <= 120),
                "settings.business_type",
                "debe tener a lo más 120 caracteres.",
            ),
            (
                self.reminder_hours_before
                    .is_none_or(|h| (1..=168).contains(&h)),
                "settings.reminder_hours_before",
                "debe estar entre 1 y 168 horas.",
            ),
            (
                self.review_link.as_ref().is_none_or(|l| {
                    l.len() <= 500 && (l.starts_with("https://") || l.starts_with("http://"))
                }),
                "settings.review_link",
                "debe ser un enlace http(s) de a lo más 500 caracteres.",
            ),
            (
                self.handoff_unanswered_minutes
                    .is_none_or(|m| (1..=24 * 60).contains(&m)),
                "settings.handoff_unanswered_minutes",
                "debe estar entre 1 y 1440 minutos.",
            ),
            (
                self.daily_summary_hour.is_none_or(|h| h <= 23),
                "settings.daily_summary_hour",
                "debe estar entre 0 y 23.",
            ),
            (
                self.daily_summary_staff.len() <= 500,
                "settings.daily_summary_staff",
                "tiene demasiados elementos.",
            ),
            (
                self.missed_call.delay_minutes <= 24 * 60,
                "settings.missed_call.delay_minutes",
                "debe estar entre 0 y 1440.",
            ),
            (
                self.missed_call.min_answered_seconds <= 3600,
                "settings.missed_call.min_answered_seconds",
                "debe estar entre 0 y 3600.",
            ),
            (
                self.missed_call.min_gap_hours <= 24 * 30,
                "settings.missed_call.min_gap_hours",
                "debe estar entre 0 y 720 (30 días).",
            ),
            (
                self.missed_call
                    .message
                    .as_ref()
                    .is_none_or(|m| m.chars().count() <= 1000),
                "settings.missed_call.message",
                "debe tener a lo más 1000 caracteres.",
            ),
        ];
        match checks.into_iter().find(|(ok, _, _)| !ok) {
            Some((_, field, message)) => Err((field, message)),
            None => Ok(()),
        }
    }
}

impl Default for MissedCallSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            delay_minutes: 2,
            min_answered_seconds: 10,
            min_gap_hours: 24,
            message: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    pub id: OrgId,
    pub name: String,
    /// The business's WhatsApp number in E.164; `None` while onboarding.
    pub whatsapp_number: Option<String>,
    /// IANA zone name, e.g. "America/Mexico_City".
    pub timezone: String,
    pub status: OrgStatus,
    #[serde(default)]
    pub settings: OrgSettings,
    #[serde(default)]
    pub onboarding_state: Option<String>,
    #[serde(default)]
    pub onboarding_data: serde_json::Value,
    #[serde(default)]
    pub last_message_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Organization {
    /// The business's locale: the stored one, else its zone's.
    pub fn locale(&self) -> crate::Locale {
        self.settings
            .locale
            .unwrap_or_else(|| crate::Locale::for_timezone(&self.timezone))
    }
}

/// A wall-clock interval within one local day, `start < end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TimeRange {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl TimeRange {
    pub fn new(start: NaiveTime, end: NaiveTime) -> Option<Self> {
        (start < end).then_some(Self { start, end })
    }

    /// `TimeRange::hm((10, 0), (20, 0))`: a convenience for tests and seeds.
    pub fn hm(start: (u32, u32), end: (u32, u32)) -> Self {
        let t = |(h, m): (u32, u32)| NaiveTime::from_hms_opt(h, m, 0).expect("valid time");
        Self::new(t(start), t(end)).expect("start before end")
    }
}

/// Opening hours per weekday, Monday first. An empty day is closed. Several
/// ranges allow split shifts (e.g. closed at lunch).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeeklyHours {
    pub days: [Vec<TimeRange>; 7],
}

impl WeeklyHours {
    pub fn on(&self, weekday: chrono::Weekday) -> &[TimeRange] {
        &self.days[weekday.num_days_from_monday() as usize]
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    pub id: LocationId,
    pub org_id: OrgId,
    pub name: String,
    #[serde(default)]
    pub address: Option<String>,
    pub is_primary: bool,
    pub business_hours: WeeklyHours,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    Owner,
    Employee,
}

/// Ordered from least to most powerful, so `>=` compares levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PermissionLevel {
    Viewer,
    Staff,
    Admin,
    Owner,
}

/// A person who works at the business (spec: ParloUser / Staff).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Staff {
    pub id: StaffId,
    pub org_id: OrgId,
    #[serde(default)]
    pub location_id: Option<LocationId>,
    pub name: String,
    /// Personal WhatsApp number, E.164. Unique within the organization.
    pub phone: String,
    pub role: StaffRole,
    pub permission_level: PermissionLevel,
    pub is_active: bool,
    /// `None` until the first WhatsApp message (drives staff onboarding).
    #[serde(default)]
    pub first_message_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub default_spot_id: Option<SpotId>,
    /// Services this person performs.
    #[serde(default)]
    pub service_ids: Vec<ServiceId>,
    /// Whether this person takes appointments at all (an owner who only
    /// manages does not).
    #[serde(default = "yes")]
    pub bookable: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceType {
    pub id: ServiceId,
    pub org_id: OrgId,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    pub duration_minutes: u32,
    pub price_cents: i64,
    pub currency: String,
    pub is_active: bool,
    /// Extra clean-up minutes after this service (on top of the business's).
    #[serde(default)]
    pub buffer_minutes: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A physical station: chair, table, bed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Spot {
    pub id: SpotId,
    pub org_id: OrgId,
    pub location_id: LocationId,
    pub name: String,
    pub display_order: u32,
    pub is_active: bool,
    pub service_ids: Vec<ServiceId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Customer {
    pub id: CustomerId,
    pub org_id: OrgId,
    /// E.164; the customer's identity within the business.
    pub phone: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub name_verified_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppointmentStatus {
    Pending,
    Confirmed,
    Completed,
    Cancelled,
    NoShow,
}

impl AppointmentStatus {
    /// Whether the appointment still occupies its staff member and spot.
    /// Completed and no-show appointments keep their interval busy: the
    /// time has passed (or the chair was held) and must not be re-offered.
    pub fn occupies_time(self) -> bool {
        !matches!(self, AppointmentStatus::Cancelled)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppointmentSource {
    Whatsapp,
    Web,
    Manual,
    WalkIn,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Appointment {
    pub id: AppointmentId,
    pub org_id: OrgId,
    pub location_id: LocationId,
    pub customer_id: CustomerId,
    pub staff_id: StaffId,
    #[serde(default)]
    pub spot_id: Option<SpotId>,
    pub service_id: ServiceId,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// Minutes after `end` the staff member and spot stay busy.
    #[serde(default)]
    pub buffer_minutes: u32,
    pub status: AppointmentStatus,
    pub source: AppointmentSource,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default)]
    pub cancellation_reason: Option<String>,
    #[serde(default)]
    pub reminder_sent_at: Option<DateTime<Utc>>,
    /// Price at booking time, so later price changes don't rewrite history.
    #[serde(default)]
    pub price_cents: i64,
    /// The customer's 1–5 rating after the visit (review request).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<u8>,
    /// The customer's optional comment with the rating.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Appointment {
    /// The interval this appointment keeps its resources busy, buffer
    /// included.
    pub fn busy_until(&self) -> DateTime<Utc> {
        self.end + chrono::Duration::minutes(i64::from(self.buffer_minutes))
    }
}

/// A staff member's recurring weekly availability (spec: Availability,
/// type=recurring). A staff member with no recurring rows follows the
/// location's business hours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecurringAvailability {
    pub id: AvailabilityId,
    pub org_id: OrgId,
    pub staff_id: StaffId,
    /// 0 = Monday … 6 = Sunday.
    pub weekday: u8,
    pub range: TimeRange,
    pub created_at: DateTime<Utc>,
}

/// A one-off change for one local date (spec: Availability, type=exception).
/// `is_available = false` with no range: the whole day off. With a range:
/// that range off (`false`) or worked in place of the usual hours (`true`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AvailabilityException {
    pub id: AvailabilityId,
    pub org_id: OrgId,
    pub staff_id: StaffId,
    pub date: NaiveDate,
    #[serde(default)]
    pub range: Option<TimeRange>,
    pub is_available: bool,
    #[serde(default)]
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Blocked time: a staff member's lunch or errand, or (with no staff) a
/// closure of the whole business such as a holiday.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeBlock {
    pub id: BlockId,
    pub org_id: OrgId,
    /// `None` blocks the whole business.
    #[serde(default)]
    pub staff_id: Option<StaffId>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub created_by: Option<StaffId>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConversationStatus {
    Active,
    Resolved,
    HandedOff,
}

/// Who the other party of a conversation is, as routing decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConversationKind {
    Customer,
    Staff,
    Onboarding,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conversation {
    pub id: ConversationId,
    pub org_id: OrgId,
    pub kind: ConversationKind,
    /// The sender's E.164 number.
    pub peer_phone: String,
    #[serde(default)]
    pub customer_id: Option<CustomerId>,
    #[serde(default)]
    pub staff_id: Option<StaffId>,
    pub status: ConversationStatus,
    #[serde(default)]
    pub handed_off_until: Option<DateTime<Utc>>,
    #[serde(default)]
    pub context: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_message_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Inbound,
    Outbound,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SenderType {
    Customer,
    Ai,
    Staff,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentType {
    Text,
    Image,
    Audio,
    Location,
    Template,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub id: MessageId,
    pub org_id: OrgId,
    pub conversation_id: ConversationId,
    pub direction: Direction,
    pub sender_type: SenderType,
    pub content_type: ContentType,
    pub content: String,
    #[serde(default)]
    pub media_url: Option<String>,
    /// Twilio's MessageSid.
    #[serde(default)]
    pub provider_id: Option<String>,
    #[serde(default)]
    pub delivery_status: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlowType {
    Booking,
    Modify,
    Cancel,
    Rating,
    Inquiry,
    MyAppointments,
    StaffOnboarding,
    BlockTime,
    ChangeHours,
    ChangeServiceDuration,
    AddStaff,
    RemoveStaff,
    ChangePermissions,
    WalkIn,
    /// Staff marking an appointment attended / no-show.
    MarkAttendance,
    /// A change the LLM proposed, waiting for the customer's yes.
    Proposal,
    /// Staff booking a customer for a later date and time.
    StaffBooking,
    /// The owner closing the business for a day or a range.
    CloseBusiness,
    /// The owner adding, renaming, describing or retiring a service.
    EditCatalogue,
}

/// State of a multi-turn flow for one conversation (spec:
/// CustomerFlowSession and StaffOnboardingSession share this shape).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowSession {
    pub org_id: OrgId,
    pub conversation_id: ConversationId,
    pub flow_type: FlowType,
    pub state: String,
    #[serde(default)]
    pub collected_data: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A magic-link token, stored only as its SHA-256 hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuthToken {
    pub token_hash: String,
    pub org_id: OrgId,
    pub staff_id: StaffId,
    pub expires_at: DateTime<Utc>,
    #[serde(default)]
    pub used_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod flow_type_tests {
    use super::FlowType;

    /// Stored flow sessions name their type in snake_case, like the others.
    #[test]
    fn mark_attendance_is_stored_in_snake_case() {
        let json = serde_json::to_string(&FlowType::MarkAttendance).unwrap();
        assert_eq!(json, "\"mark_attendance\"");
        let back: FlowType = serde_json::from_str("\"walk_in\"").unwrap();
        assert_eq!(back, FlowType::WalkIn);
    }
}
