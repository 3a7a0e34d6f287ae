//! Scheduled work on EventBridge Scheduler: per-appointment one-time
//! schedules (reminders, review requests, no-show checks), the recurring
//! daily summary of each business, and missed-call follow-ups.
//!
//! Every place that changes an appointment (the chat tools, the HTTP API)
//! calls [`Schedules::sync`] right after the change; `sync` brings the
//! appointment's schedules in line with it (create, move or delete) and
//! never fails the caller: a failed call is logged and leaves a repair
//! marker (`SCHEDFIX#<appointment>`, parlo_store::schedules) that the next
//! sync of the appointment or the business's daily run repairs. The
//! reminders function re-reads the appointment before acting, so a stale
//! schedule never sends anything.
//!
//! Schedules are named deterministically and per business
//! (`appt-<v5(org, id)>-<kind>`, `daily-<org>`, `missed-<v5(org,
//! CallSid)>`) so every call is an idempotent
//! create-or-update or a delete that ignores "not found".
//!
//! The daily summary schedule is ensured (create-or-update) by
//! [`Schedules::ensure_daily_summary`]: once per process and business on
//! the first appointment sync, by the local seed, and by whoever changes a
//! business's settings (daily_summary_hour, timezone).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use aws_sdk_scheduler::error::DisplayErrorContext;
use aws_sdk_scheduler::types::{
    ActionAfterCompletion, FlexibleTimeWindow, FlexibleTimeWindowMode, RetryPolicy, ScheduleState,
    Target,
};
use chrono::{DateTime, Duration, LocalResult, TimeZone, Utc};
use chrono_tz::Tz;
use parlo_core::{Appointment, AppointmentId, AppointmentStatus, OrgId, Organization};
use parlo_store::{ScheduleRepair, Store};
use serde::{Deserialize, Serialize};

use crate::clock::Clock;

/// Default hours before the start of the first reminder.
pub const DEFAULT_REMINDER_HOURS: u32 = 24;
/// The second reminder, when enabled.
pub const SECOND_REMINDER_HOURS: i64 = 2;
/// The no-show check asks the staff member this long after the end.
pub const NO_SHOW_CHECK_AFTER: Duration = Duration::minutes(15);
/// The review request goes this long after the end.
pub const REVIEW_REQUEST_AFTER: Duration = Duration::hours(1);
/// Default local hour of the daily summary.
pub const DEFAULT_DAILY_SUMMARY_HOUR: u8 = 8;
/// Scheduler retries a failed invocation (with its own backoff) this often.
pub const TARGET_MAX_RETRIES: i32 = 5;

/// The per-appointment jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppointmentJob {
    Reminder,
    SecondReminder,
    ReviewRequest,
    NoShowCheck,
}

impl AppointmentJob {
    pub const ALL: [AppointmentJob; 4] = [
        AppointmentJob::Reminder,
        AppointmentJob::SecondReminder,
        AppointmentJob::ReviewRequest,
        AppointmentJob::NoShowCheck,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            AppointmentJob::Reminder => "reminder",
            AppointmentJob::SecondReminder => "reminder2",
            AppointmentJob::ReviewRequest => "review",
            AppointmentJob::NoShowCheck => "noshow",
        }
    }

    /// Whether the job still applies to an appointment in `status` under
    /// the business's current settings.
    pub fn applies(self, org: &Organization, status: AppointmentStatus) -> bool {
        let open = matches!(
            status,
            AppointmentStatus::Pending | AppointmentStatus::Confirmed
        );
        match self {
            AppointmentJob::Reminder => open,
            AppointmentJob::SecondReminder => open && org.settings.second_reminder_enabled,
            AppointmentJob::NoShowCheck => open,
            AppointmentJob::ReviewRequest => {
                org.settings.review_request_enabled
                    && matches!(
                        status,
                        AppointmentStatus::Pending
                            | AppointmentStatus::Confirmed
                            | AppointmentStatus::Completed
                    )
            }
        }
    }

    /// When the job runs for this appointment.
    pub fn instant(self, org: &Organization, appt: &Appointment) -> DateTime<Utc> {
        match self {
            AppointmentJob::Reminder => {
                let hours = org
                    .settings
                    .reminder_hours_before
                    .unwrap_or(DEFAULT_REMINDER_HOURS)
                    // Settings stored before they were validated: never
                    // overflow (OrgSettings::validate bounds it to 168).
                    .min(24 * 366);
                appt.start - Duration::hours(i64::from(hours))
            }
            AppointmentJob::SecondReminder => appt.start - Duration::hours(SECOND_REMINDER_HOURS),
            AppointmentJob::ReviewRequest => appt.end + REVIEW_REQUEST_AFTER,
            AppointmentJob::NoShowCheck => appt.end + NO_SHOW_CHECK_AFTER,
        }
    }
}

/// What a schedule hands the reminders function (its `Target.Input`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "job", rename_all = "snake_case")]
pub enum Job {
    Appointment {
        kind: AppointmentJob,
        org_id: OrgId,
        appointment_id: AppointmentId,
        /// The start the schedule was made for: a moved appointment no
        /// longer matches, and the job does nothing.
        start: DateTime<Utc>,
    },
    DailySummary {
        org_id: OrgId,
        /// Scheduler's `<aws.scheduler.scheduled-time>` (RFC 3339).
        #[serde(default)]
        scheduled_time: Option<String>,
    },
    MissedCall {
        org_id: OrgId,
        call_sid: String,
    },
    /// The next step of a business's number provisioning (a retry with
    /// backoff, or a poll of the sender's registration).
    Provision {
        org_id: OrgId,
    },
    /// What a handed-off customer wrote since the last relay, sent to the
    /// team as one message (a burst is one notification).
    HandoffRelay {
        org_id: OrgId,
        /// The customer's E.164 number (the conversation's key).
        phone: String,
    },
    /// A customer's request for a person that nobody took: the chat goes
    /// back to the assistant, which tells the customer.
    HandoffLapse {
        org_id: OrgId,
        /// The customer's E.164 number (the conversation's key).
        phone: String,
        /// The request's `handed_off_until` the schedule was made for: a
        /// newer request, a take-over or a release no longer matches, and
        /// the job does nothing.
        until: DateTime<Utc>,
    },
}

/// Schedule names share one group across every business, so each names
/// its business: two businesses using the same appointment id (ids are
/// chosen by clients) or the same CallSid can never touch each other's
/// schedules (issue 11, item 3). Both ids do not fit a schedule name's 64
/// characters, so the name carries a UUID v5 of the pair.
fn scoped(org: OrgId, what: &str) -> String {
    uuid::Uuid::new_v5(&org, what.as_bytes())
        .simple()
        .to_string()
}

/// `appt-<v5(org, appointment)>-<kind>` (47 characters at most).
pub fn appointment_schedule_name(
    org: OrgId,
    appointment: AppointmentId,
    kind: AppointmentJob,
) -> String {
    format!(
        "appt-{}-{}",
        scoped(org, &appointment.to_string()),
        kind.slug()
    )
}

pub fn daily_schedule_name(org: OrgId) -> String {
    format!("daily-{org}")
}

/// `missed-<v5(org, CallSid)>`: scoped to the business like every
/// schedule name, whatever the CallSid holds.
pub fn missed_call_schedule_name(org: OrgId, call_sid: &str) -> String {
    format!("missed-{}", scoped(org, call_sid))
}

/// One pending provisioning step per business: a new one replaces it.
pub fn provision_schedule_name(org: OrgId) -> String {
    format!("provision-{org}")
}

/// One pending relay per customer conversation: the burst it batches
/// shares it.
pub fn relay_schedule_name(org: OrgId, phone: &str) -> String {
    format!("relay-{}", scoped(org, phone))
}

/// One pending lapse per customer conversation: a newer request for a
/// person replaces it.
pub fn lapse_schedule_name(org: OrgId, phone: &str) -> String {
    format!("lapse-{}", scoped(org, phone))
}

/// A one-time `at()` expression and its `ScheduleExpressionTimezone`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AtExpression {
    pub expression: String,
    pub timezone: String,
}

/// `at(yyyy-mm-ddThh:mm:ss)` of `instant` on the business's wall clock.
/// A wall-clock time that happens twice (the hour repeated when DST ends)
/// means its first occurrence to Scheduler; when the instant is the second
/// one, the expression is written in UTC instead so it still fires at the
/// right moment.
pub fn at_expression(instant: DateTime<Utc>, tz: Tz) -> AtExpression {
    let instant = DateTime::<Utc>::from_timestamp(instant.timestamp(), 0).unwrap_or(instant);
    let local = instant.with_timezone(&tz).naive_local();
    let unambiguous = match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc) == instant,
        LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc) == instant,
        LocalResult::None => false,
    };
    let (wall, zone) = if unambiguous {
        (local, tz.name().to_string())
    } else {
        (instant.naive_utc(), "UTC".to_string())
    };
    AtExpression {
        expression: format!("at({})", wall.format("%Y-%m-%dT%H:%M:%S")),
        timezone: zone,
    }
}

/// One schedule of an appointment as it should be: `at` is `None` when it
/// should not exist.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    pub kind: AppointmentJob,
    pub name: String,
    pub at: Option<DateTime<Utc>>,
}

/// The appointment's schedules as they should be at `now`. Jobs whose time
/// has passed are not (re)created: a booking made 3 hours ahead gets no
/// 24-hour reminder.
pub fn plan(org: &Organization, appt: &Appointment, now: DateTime<Utc>) -> Vec<Planned> {
    AppointmentJob::ALL
        .iter()
        .map(|&kind| {
            let at = kind.instant(org, appt);
            Planned {
                kind,
                name: appointment_schedule_name(org.id, appt.id, kind),
                at: (kind.applies(org, appt.status) && at > now).then_some(at),
            }
        })
        .collect()
}

pub fn business_zone(org: &Organization) -> Tz {
    org.timezone
        .parse()
        .unwrap_or(chrono_tz::America::Mexico_City)
}

#[derive(Debug, Clone, thiserror::Error)]
#[error("scheduler: {0}")]
pub struct ScheduleError(pub String);

/// The schedule adapter. `Disabled` where no scheduler is configured
/// (unit tests, tools driven directly).
#[derive(Debug, Clone, Default)]
pub enum Schedules {
    #[default]
    Disabled,
    Aws(Arc<AwsSchedules>),
}

/// EventBridge Scheduler in Parlo's schedule group, targeting the
/// reminders function.
pub struct AwsSchedules {
    pub client: aws_sdk_scheduler::Client,
    pub group: String,
    pub target_arn: String,
    pub role_arn: String,
    pub store: Store,
    pub clock: Clock,
    /// Businesses whose daily summary this process ensured, with the hour.
    daily_ensured: Mutex<HashMap<OrgId, (u8, String)>>,
}

impl std::fmt::Debug for AwsSchedules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AwsSchedules")
            .field("group", &self.group)
            .field("target_arn", &self.target_arn)
            .finish()
    }
}

impl Schedules {
    /// From `SCHEDULE_GROUP`, `REMINDERS_FUNCTION_ARN`, `SCHEDULER_ROLE_ARN`
    /// and `TABLE_NAME`; `Disabled` (with a warning) when one is missing.
    /// Builds clients only: no network call.
    pub fn from_env(sdk: &aws_config::SdkConfig) -> Self {
        let var = |n: &str| std::env::var(n).ok().filter(|v| !v.trim().is_empty());
        let (Some(group), Some(target), Some(role)) = (
            var("SCHEDULE_GROUP"),
            var("REMINDERS_FUNCTION_ARN"),
            var("SCHEDULER_ROLE_ARN"),
        ) else {
            tracing::warn!("SCHEDULE_GROUP, REMINDERS_FUNCTION_ARN or SCHEDULER_ROLE_ARN unset: no reminders will be scheduled");
            return Schedules::Disabled;
        };
        let table = var("TABLE_NAME").unwrap_or_else(|| parlo_store::DEFAULT_TABLE.to_string());
        Self::aws(
            aws_sdk_scheduler::Client::new(sdk),
            group,
            target,
            role,
            Store::from_config(sdk, table),
            Clock::from_env(),
        )
    }

    pub fn aws(
        client: aws_sdk_scheduler::Client,
        group: String,
        target_arn: String,
        role_arn: String,
        store: Store,
        clock: Clock,
    ) -> Self {
        Schedules::Aws(Arc::new(AwsSchedules {
            client,
            group,
            target_arn,
            role_arn,
            store,
            clock,
            daily_ensured: Mutex::new(HashMap::new()),
        }))
    }

    pub fn is_enabled(&self) -> bool {
        matches!(self, Schedules::Aws(_))
    }

    /// Makes the appointment's schedules match its current state. Never
    /// fails: a failed call leaves a repair marker.
    pub async fn sync(&self, org: &Organization, appointment: &Appointment) {
        let Schedules::Aws(aws) = self else {
            return;
        };
        if let Err(e) = aws.sync(org, appointment).await {
            tracing::error!(appointment_id = %appointment.id, error = %e, "schedules not in line; repair marker left");
            let marker = ScheduleRepair {
                org_id: org.id,
                appointment_id: appointment.id,
                reason: e.to_string(),
                created_at: aws.clock.now(),
            };
            if let Err(e) = aws.store.mark_schedule_repair(&marker).await {
                tracing::error!(appointment_id = %appointment.id, error = %e, "could not even leave a repair marker");
            }
        }
        aws.ensure_daily_once(org).await;
    }

    /// Re-syncs every appointment of the business with a repair marker.
    /// Returns how many were repaired.
    pub async fn repair(&self, org: &Organization) -> Result<usize, ScheduleError> {
        let Schedules::Aws(aws) = self else {
            return Ok(0);
        };
        let markers = aws
            .store
            .schedule_repairs(org.id)
            .await
            .map_err(|e| ScheduleError(e.to_string()))?;
        let mut repaired = 0;
        for m in markers {
            let appt = aws
                .store
                .get_appointment(org.id, m.appointment_id)
                .await
                .map_err(|e| ScheduleError(e.to_string()))?;
            match appt {
                Some(appt) => {
                    if aws.sync(org, &appt).await.is_ok() {
                        repaired += 1;
                    }
                }
                None => {
                    aws.store
                        .clear_schedule_repair(org.id, m.appointment_id)
                        .await
                        .map_err(|e| ScheduleError(e.to_string()))?;
                }
            }
        }
        Ok(repaired)
    }

    /// Creates or updates the business's recurring daily summary (cron at
    /// `daily_summary_hour` local, in its zone); deletes it when the
    /// business is not active.
    pub async fn ensure_daily_summary(&self, org: &Organization) -> Result<(), ScheduleError> {
        match self {
            Schedules::Disabled => Ok(()),
            Schedules::Aws(aws) => aws.ensure_daily(org).await,
        }
    }

    /// Enqueues a missed-call follow-up at `send_at`.
    pub async fn schedule_missed_call(
        &self,
        org: OrgId,
        call_sid: &str,
        send_at: DateTime<Utc>,
    ) -> Result<(), ScheduleError> {
        let job = Job::MissedCall {
            org_id: org,
            call_sid: call_sid.to_string(),
        };
        self.once(&missed_call_schedule_name(org, call_sid), send_at, &job)
            .await
    }

    /// Runs the business's next provisioning step at `at` (replaces the
    /// pending one).
    pub async fn schedule_provision(
        &self,
        org: OrgId,
        at: DateTime<Utc>,
    ) -> Result<(), ScheduleError> {
        let job = Job::Provision { org_id: org };
        self.once(&provision_schedule_name(org), at, &job).await
    }

    /// Relays what a handed-off customer wrote at `at` (an existing one for
    /// the conversation is replaced).
    pub async fn schedule_relay(
        &self,
        org: OrgId,
        phone: &str,
        at: DateTime<Utc>,
    ) -> Result<(), ScheduleError> {
        let job = Job::HandoffRelay {
            org_id: org,
            phone: phone.to_string(),
        };
        self.once(&relay_schedule_name(org, phone), at, &job).await
    }

    /// Returns the chat to the assistant at `until`, when the request for a
    /// person made then is still untaken (an existing one for the
    /// conversation is replaced).
    pub async fn schedule_lapse(
        &self,
        org: OrgId,
        phone: &str,
        until: DateTime<Utc>,
    ) -> Result<(), ScheduleError> {
        let job = Job::HandoffLapse {
            org_id: org,
            phone: phone.to_string(),
            until,
        };
        self.once(&lapse_schedule_name(org, phone), until, &job)
            .await
    }

    /// A one-time schedule at `at` (written in UTC), created or replaced.
    async fn once(&self, name: &str, at: DateTime<Utc>, job: &Job) -> Result<(), ScheduleError> {
        let Schedules::Aws(aws) = self else {
            return Err(ScheduleError("no scheduler configured".into()));
        };
        let at = at_expression(at, Tz::UTC);
        aws.upsert(name, &at.expression, &at.timezone, job, true)
            .await
    }
}

impl AwsSchedules {
    async fn sync(&self, org: &Organization, appt: &Appointment) -> Result<(), ScheduleError> {
        let now = self.clock.now();
        let tz = business_zone(org);
        let calls = plan(org, appt, now).into_iter().map(|p| async move {
            match p.at {
                Some(at) => {
                    let expr = at_expression(at, tz);
                    let job = Job::Appointment {
                        kind: p.kind,
                        org_id: org.id,
                        appointment_id: appt.id,
                        start: appt.start,
                    };
                    self.upsert(&p.name, &expr.expression, &expr.timezone, &job, true)
                        .await
                }
                None => self.delete(&p.name).await,
            }
        });
        let results = futures::future::join_all(calls).await;
        let errors: Vec<String> = results
            .into_iter()
            .filter_map(|r| r.err().map(|e| e.0))
            .collect();
        if !errors.is_empty() {
            return Err(ScheduleError(errors.join("; ")));
        }
        self.store
            .clear_schedule_repair(org.id, appt.id)
            .await
            .map_err(|e| ScheduleError(e.to_string()))
    }

    async fn ensure_daily_once(&self, org: &Organization) {
        let want = (
            org.settings
                .daily_summary_hour
                .unwrap_or(DEFAULT_DAILY_SUMMARY_HOUR),
            org.timezone.clone(),
        );
        let known = self
            .daily_ensured
            .lock()
            .map(|m| m.get(&org.id) == Some(&want))
            .unwrap_or(false);
        if known {
            return;
        }
        if let Err(e) = self.ensure_daily(org).await {
            tracing::warn!(org_id = %org.id, error = %e, "daily summary schedule not ensured; next sync retries");
        }
    }

    async fn ensure_daily(&self, org: &Organization) -> Result<(), ScheduleError> {
        let name = daily_schedule_name(org.id);
        if org.status != parlo_core::OrgStatus::Active {
            return self.delete(&name).await;
        }
        let hour = org
            .settings
            .daily_summary_hour
            .unwrap_or(DEFAULT_DAILY_SUMMARY_HOUR)
            .min(23);
        let job = Job::DailySummary {
            org_id: org.id,
            scheduled_time: Some("<aws.scheduler.scheduled-time>".into()),
        };
        let zone = business_zone(org);
        self.upsert(
            &name,
            &format!("cron(0 {hour} * * ? *)"),
            zone.name(),
            &job,
            false,
        )
        .await?;
        if let Ok(mut m) = self.daily_ensured.lock() {
            m.insert(org.id, (hour, org.timezone.clone()));
        }
        Ok(())
    }

    /// Create, or update when it exists (a retried or moved schedule).
    async fn upsert(
        &self,
        name: &str,
        expression: &str,
        timezone: &str,
        job: &Job,
        one_time: bool,
    ) -> Result<(), ScheduleError> {
        let input = serde_json::to_string(job).map_err(|e| ScheduleError(e.to_string()))?;
        let target = Target::builder()
            .arn(&self.target_arn)
            .role_arn(&self.role_arn)
            .input(input)
            .retry_policy(
                RetryPolicy::builder()
                    .maximum_retry_attempts(TARGET_MAX_RETRIES)
                    .maximum_event_age_in_seconds(6 * 3600)
                    .build(),
            )
            .build()
            .map_err(|e| ScheduleError(e.to_string()))?;
        let window = FlexibleTimeWindow::builder()
            .mode(FlexibleTimeWindowMode::Off)
            .build()
            .map_err(|e| ScheduleError(e.to_string()))?;
        let after = if one_time {
            ActionAfterCompletion::Delete
        } else {
            ActionAfterCompletion::None
        };
        let created = self
            .client
            .create_schedule()
            .name(name)
            .group_name(&self.group)
            .schedule_expression(expression)
            .schedule_expression_timezone(timezone)
            .flexible_time_window(window.clone())
            .target(target.clone())
            .state(ScheduleState::Enabled)
            .action_after_completion(after.clone())
            .send()
            .await;
        match created {
            Ok(_) => return Ok(()),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_conflict_exception()) => {}
            Err(e) => {
                return Err(ScheduleError(format!(
                    "CreateSchedule {name}: {}",
                    DisplayErrorContext(&e)
                )))
            }
        }
        self.client
            .update_schedule()
            .name(name)
            .group_name(&self.group)
            .schedule_expression(expression)
            .schedule_expression_timezone(timezone)
            .flexible_time_window(window)
            .target(target)
            .state(ScheduleState::Enabled)
            .action_after_completion(after)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| {
                ScheduleError(format!(
                    "UpdateSchedule {name}: {}",
                    DisplayErrorContext(&e)
                ))
            })
    }

    async fn delete(&self, name: &str) -> Result<(), ScheduleError> {
        match self
            .client
            .delete_schedule()
            .name(name)
            .group_name(&self.group)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_resource_not_found_exception()) =>
            {
                Ok(())
            }
            Err(e) => Err(ScheduleError(format!(
                "DeleteSchedule {name}: {}",
                DisplayErrorContext(&e)
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn at_expressions_use_the_business_wall_clock() {
        let mx: Tz = "America/Mexico_City".parse().unwrap();
        let e = at_expression(t("2030-01-08T16:00:00Z"), mx);
        assert_eq!(e.expression, "at(2030-01-08T10:00:00)");
        assert_eq!(e.timezone, "America/Mexico_City");
    }

    #[test]
    fn the_second_of_a_repeated_hour_is_written_in_utc() {
        let madrid: Tz = "Europe/Madrid".parse().unwrap();
        // 2030-10-27 02:30 happens twice in Madrid: 00:30Z (CEST), 01:30Z (CET).
        let first = at_expression(t("2030-10-27T00:30:00Z"), madrid);
        assert_eq!(first.expression, "at(2030-10-27T02:30:00)");
        assert_eq!(first.timezone, "Europe/Madrid");
        let second = at_expression(t("2030-10-27T01:30:00Z"), madrid);
        assert_eq!(second.expression, "at(2030-10-27T01:30:00)");
        assert_eq!(second.timezone, "UTC");
    }

    #[test]
    fn schedule_names_of_two_businesses_never_collide() {
        let a = uuid::Uuid::from_u128(1);
        let b = uuid::Uuid::from_u128(2);
        let appt = uuid::Uuid::from_u128(77);
        for kind in AppointmentJob::ALL {
            let na = appointment_schedule_name(a, appt, kind);
            assert_ne!(na, appointment_schedule_name(b, appt, kind));
            assert!(na.len() <= 64, "{na}");
            assert!(na
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)));
        }
        let sid = "CA0123456789abcdef0123456789abcdef";
        assert_ne!(
            missed_call_schedule_name(a, sid),
            missed_call_schedule_name(b, sid)
        );
        assert!(missed_call_schedule_name(a, &"x".repeat(500)).len() <= 64);
        let phone = "+5215512345678";
        assert_ne!(lapse_schedule_name(a, phone), lapse_schedule_name(b, phone));
        assert_ne!(lapse_schedule_name(a, phone), relay_schedule_name(a, phone));
        assert!(lapse_schedule_name(a, phone).len() <= 64);
    }

    #[test]
    fn job_payloads_round_trip() {
        let job = Job::DailySummary {
            org_id: uuid::Uuid::nil(),
            scheduled_time: Some("<aws.scheduler.scheduled-time>".into()),
        };
        let s = serde_json::to_string(&job).unwrap();
        assert!(s.contains(r#""job":"daily_summary""#), "{s}");
        assert_eq!(serde_json::from_str::<Job>(&s).unwrap(), job);
        let lapse = Job::HandoffLapse {
            org_id: uuid::Uuid::nil(),
            phone: "+5215512345678".into(),
            until: t("2030-01-08T16:15:00.123Z"),
        };
        let s = serde_json::to_string(&lapse).unwrap();
        assert!(s.contains(r#""job":"handoff_lapse""#), "{s}");
        assert_eq!(serde_json::from_str::<Job>(&s).unwrap(), lapse);
        // Deterministic (retries hit the same schedule) and scoped to the
        // business (issue 11, item 3: no longer the bare CallSid).
        let sid = "CA0123456789abcdef0123456789abcdef";
        let name = missed_call_schedule_name(uuid::Uuid::nil(), sid);
        assert_eq!(name, missed_call_schedule_name(uuid::Uuid::nil(), sid));
        assert!(name.starts_with("missed-") && name.len() <= 64, "{name}");
    }
}
