//! No JSON can panic the API's body handling or the LLM's tool-argument
//! parsing (issue 11, item 4): arbitrary JSON (biased to the fields and
//! values that matter: dates at chrono's limits, `u32::MAX` settings) for
//! every request body type and every tool. Accepted input is bounded:
//! whatever a body or a tool call lets through holds no date outside
//! [`parlo_app::bounds`], and organisation settings that pass validation never
//! overflow the schedule arithmetic. 10,000 cases per property.

use chrono::{DateTime, TimeZone, Utc};
use lambda_http::{Body, Request};
use parlo_core::*;
use proptest::prelude::*;
use serde_json::{json, Value};

use super::business::body;
use super::dto::*;
use parlo_chat::agent::llm::catalog::Call;

const KEYS: &[&str] = &[
    "id",
    "name",
    "phone",
    "timezone",
    "settings",
    "booking",
    "min_notice_minutes",
    "max_advance_days",
    "slot_step_minutes",
    "buffer_minutes",
    "reminder_hours_before",
    "daily_summary_hour",
    "missed_call",
    "min_gap_hours",
    "delay_minutes",
    "min_answered_seconds",
    "message",
    "review_link",
    "date",
    "date_from",
    "date_to",
    "from",
    "to",
    "start",
    "end",
    "new_start",
    "service",
    "service_id",
    "staff",
    "staff_id",
    "customer_phone",
    "permission_level",
    "duration_minutes",
    "price_cents",
    "days",
    "reason",
    "body",
    "is_available",
    "status",
    "appointment_id",
    "when",
    "hours",
];

const STRINGS: &[&str] = &[
    "+262142-12-30",
    "-262143-01-01",
    "2026-11-23",
    "2026-11-23T10:00",
    "2026-11-23T10:00:00Z",
    "9999-12-31T23:59:59Z",
    "0000-01-01",
    "+52 55 1234 5678",
    "America/Mexico_City",
    "owner",
    "admin",
    "staff",
    "viewer",
    "cancelled",
    "no_show",
    "10:00",
    "25:61",
    "İ",
    "",
    "00000000-0000-0000-0000-000000000000",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        prop::sample::select(&[0u64, 1, 23, 24, 240, 4_294_967_295, u64::MAX][..])
            .prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        prop::sample::select(STRINGS).prop_map(Value::from),
        any::<String>().prop_map(Value::from),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..6).prop_map(|kv| {
                Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
            }),
        ]
    })
}

fn cfg() -> ProptestConfig {
    ProptestConfig {
        cases: 10_000,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn request(v: &Value) -> Request {
    Request::new(Body::from(serde_json::to_vec(v).unwrap()))
}

const TOOLS: &[&str] = &[
    "check_availability",
    "book_appointment",
    "get_customer_appointments",
    "cancel_appointment",
    "reschedule_appointment",
    "handoff_to_human",
    "get_my_schedule",
    "get_business_schedule",
    "block_time",
    "remove_block",
    "mark_appointment_status",
    "book_walk_in",
    "get_customer_history",
    "view_stats",
    "add_staff",
    "remove_staff",
    "change_permissions",
    "change_business_hours",
    "change_service",
];

fn appointment(start: DateTime<Utc>) -> Appointment {
    let id = uuid::Uuid::from_u128(7);
    Appointment {
        id,
        org_id: id,
        location_id: id,
        customer_id: id,
        staff_id: id,
        spot_id: None,
        service_id: id,
        start,
        end: start + chrono::Duration::minutes(30),
        buffer_minutes: 0,
        status: AppointmentStatus::Confirmed,
        source: AppointmentSource::Web,
        notes: None,
        cancellation_reason: None,
        reminder_sent_at: None,
        price_cents: 0,
        rating: None,
        feedback: None,
        created_at: start,
        updated_at: start,
    }
}

#[test]
fn far_dates_and_huge_settings_are_refused() {
    let far =
        request(&json!({"service_id": uuid::Uuid::nil(), "start": "+262142-12-30T00:00:00Z"}));
    // Not even parsed as an instant by RFC 3339; a date field is:
    let _ = body::<AppointmentCreate>(&far);
    let ex = request(
        &json!({"staff_id": uuid::Uuid::nil(), "date": "+262142-12-30", "is_available": false}),
    );
    assert!(body::<ExceptionInput>(&ex).is_err());
    let huge = request(&json!({"settings": {"reminder_hours_before": 4_294_967_295u64}}));
    let patch = body::<OrganizationPatch>(&huge).unwrap();
    assert!(patch.settings.unwrap().validate().is_err());
    let gap = request(&json!({"settings": {"missed_call": {"min_gap_hours": 4_294_967_295u64}}}));
    assert!(body::<OrganizationPatch>(&gap)
        .unwrap()
        .settings
        .unwrap()
        .validate()
        .is_err());
    assert!(Call::parse("view_stats", r#"{"date_from": "+262142-12-30"}"#).is_err());
    assert!(Call::parse("get_my_schedule", r#"{"date": "+262142-12-30"}"#).is_err());
}

proptest! {
    #![proptest_config(cfg())]

    #[test]
    fn api_bodies_never_panic(v in json_value()) {
        let r = request(&v);
        let accepted = parlo_app::bounds::out_of_range_date(&v).is_none();
        macro_rules! each {
            ($($t:ty),*) => {$(
                if body::<$t>(&r).is_ok() {
                    prop_assert!(accepted, "{} accepted a far date", stringify!($t));
                }
            )*};
        }
        each!(LocationInput, ServiceInput, StaffInput, ServiceIds, WorkingHoursInput,
              SpotInput, SpotOrder, CustomerPatch, AppointmentCreate, AppointmentPatch,
              CancelInput, ExceptionInput, BlockInput, SendMessageInput);
        if let Ok(p) = body::<OrganizationPatch>(&r) {
            prop_assert!(accepted);
            if let Some(s) = p.settings {
                let _ = s.validate();
            }
        }
    }

    #[test]
    fn tool_arguments_never_panic(v in json_value(), tool in prop::sample::select(TOOLS)) {
        let text = serde_json::to_string(&v).unwrap();
        if Call::parse(tool, &text).is_ok() {
            prop_assert!(parlo_app::bounds::out_of_range_date(&v).is_none());
        }
        let _ = Call::parse(tool, "");
    }

    #[test]
    fn validated_settings_never_overflow_schedules(
        reminder in any::<Option<u32>>(),
        gap in any::<u32>(),
        delay in any::<u32>(),
        hour in any::<Option<u8>>(),
        start_days in -40_000i64..40_000,
    ) {
        let settings = OrgSettings {
            reminder_hours_before: reminder.map(|r| r % 400),
            daily_summary_hour: hour,
            missed_call: MissedCallSettings {
                min_gap_hours: gap,
                delay_minutes: delay,
                ..MissedCallSettings::default()
            },
            ..OrgSettings::default()
        };
        let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
            + chrono::Duration::days(start_days);
        let org = Organization {
            id: uuid::Uuid::from_u128(1),
            name: "N".into(),
            whatsapp_number: None,
            timezone: DEFAULT_TIMEZONE.into(),
            status: OrgStatus::Active,
            settings: settings.clone(),
            onboarding_state: None,
            onboarding_data: Value::Null,
            last_message_at: None,
            created_at: start,
            updated_at: start,
        };
        // Even unvalidated stored settings plan without panicking.
        let _ = parlo_app::schedules::plan(&org, &appointment(start), start);
        if settings.validate().is_ok() {
            prop_assert!(settings.missed_call.min_gap_hours <= 720);
        }
    }
}
