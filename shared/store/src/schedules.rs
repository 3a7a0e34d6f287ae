//! Items of scheduled work (docs/data-model.md, "Scheduled work"):
//!
//! - `SCHEDFIX#<appointment>`: a repair marker. A schedule call failed while
//!   an appointment changed; the next sync of that appointment or the
//!   business's daily run brings its schedules in line and clears it.
//! - `JOB#<key>`: one scheduled job (a reminder of one appointment at one
//!   start time, a daily summary of one day, a missed-call follow-up),
//!   claimed with a conditional write before anything is sent, so a repeated
//!   invocation sends nothing twice; it keeps the outcome.
//! - `FOLLOWUP#<CallSid>`: the log of one missed-call follow-up, from the
//!   call status callback to its outcome.
//! - `CALLGAP#<caller>`: when a caller last got a follow-up, so nobody gets
//!   two within the business's minimum gap.
//!
//! All of them live in the business's partition. The key builders are here
//! (not in `keys`) because no other module reads these items.

use chrono::{DateTime, Duration, Utc};
use parlo_core::{AppointmentId, OrgId};
use serde::{Deserialize, Serialize};

use crate::db::{self, item, Cond, Query, Range};
use crate::error::{Result, StoreError};
use crate::keys;
use crate::Store;

/// How long job records and follow-up logs are kept.
pub const JOB_RECORD_TTL: Duration = Duration::days(90);

const REPAIR_PREFIX: &str = "SCHEDFIX#";
const JOB_PREFIX: &str = "JOB#";
const FOLLOWUP_PREFIX: &str = "FOLLOWUP#";
const GAP_PREFIX: &str = "CALLGAP#";

mod kind {
    pub const REPAIR: &str = "schedule_repair";
    pub const JOB: &str = "scheduled_job";
    pub const FOLLOWUP: &str = "missed_call_followup";
    pub const GAP: &str = "caller_gap";
}

pub fn repair_sk(appointment: AppointmentId) -> String {
    format!("{REPAIR_PREFIX}{appointment}")
}
pub fn job_sk(key: &str) -> String {
    format!("{JOB_PREFIX}{key}")
}
pub fn followup_sk(call_sid: &str) -> String {
    format!("{FOLLOWUP_PREFIX}{call_sid}")
}
pub fn caller_gap_sk(caller_e164: &str) -> String {
    format!("{GAP_PREFIX}{caller_e164}")
}

/// A pending repair of an appointment's schedules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScheduleRepair {
    pub org_id: OrgId,
    pub appointment_id: AppointmentId,
    /// The failed call, for the logs.
    pub reason: String,
    pub created_at: DateTime<Utc>,
}

/// Where a scheduled job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// Claimed by an invocation that has not finished (or died).
    Claimed,
    /// Sent (or recorded in mock mode).
    Sent,
    /// Did not apply any more (cancelled, moved, switched off).
    Skipped,
    /// Gave up (Twilio refused the message).
    Failed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRecord {
    pub org_id: OrgId,
    pub key: String,
    pub status: JobStatus,
    #[serde(default)]
    pub detail: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When the current claim was taken (epoch ms): a claim younger than
    /// [`JOB_LEASE_MS`] belongs to a live invocation.
    #[serde(default)]
    pub claimed_at_ms: i64,
}

/// How long a claim keeps other invocations of the same job out. Longer
/// than one invocation (Twilio's own retries included); after it, the
/// claimer is presumed dead and the job may be taken over.
pub const JOB_LEASE_MS: i64 = 120_000;

/// What claiming a job said.
#[derive(Debug, Clone, PartialEq)]
pub enum JobClaim {
    /// Go ahead (first claim, or an earlier invocation died before
    /// finishing: the outbox claim keeps its message from going twice).
    Run,
    /// Already finished: do nothing.
    Finished(JobRecord),
    /// Another invocation holds a live claim (a concurrent duplicate
    /// delivery): fail this one so the scheduler retries it after the
    /// lease, when the job is either finished or free to take over.
    InFlight,
}

/// Outcome of one missed-call follow-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowupStatus {
    /// Callback recorded; the follow-up is not enqueued yet.
    Received,
    /// Enqueued (a one-time schedule exists).
    Queued,
    /// Not sent: the caller got one within the minimum gap.
    SuppressedGap,
    /// Not sent: the automation is off for the business.
    Disabled,
    /// Not a missed call (answered long enough).
    NotMissed,
    Sent,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MissedCallFollowup {
    pub org_id: OrgId,
    pub call_sid: String,
    /// E.164 of the caller.
    pub caller: String,
    /// Twilio's CallStatus (`no-answer`, `busy`, `failed`, `completed`).
    pub call_status: String,
    #[serde(default)]
    pub call_duration_seconds: Option<u32>,
    pub status: FollowupStatus,
    #[serde(default)]
    pub detail: Option<String>,
    /// When the follow-up is due (queued ones).
    #[serde(default)]
    pub send_at: Option<DateTime<Utc>>,
    /// Sending attempts made by the reminders function.
    #[serde(default)]
    pub attempts: u32,
    pub received_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn with_ttl(mut it: db::Item, from: DateTime<Utc>) -> db::Item {
    it.insert(keys::TTL.into(), db::n((from + JOB_RECORD_TTL).timestamp()));
    it
}

impl Store {
    // ---- repair markers -------------------------------------------------------

    /// Leaves a marker that the appointment's schedules need repair.
    pub async fn mark_schedule_repair(&self, r: &ScheduleRepair) -> Result<()> {
        let it = item(
            r,
            kind::REPAIR,
            keys::org_pk(r.org_id),
            repair_sk(r.appointment_id),
        )?;
        self.put_if(it, None, StoreError::Conflict(String::new()))
            .await
    }

    /// Clears the marker (no error when there is none).
    pub async fn clear_schedule_repair(
        &self,
        org: OrgId,
        appointment: AppointmentId,
    ) -> Result<()> {
        self.delete_if(keys::org_pk(org), repair_sk(appointment), None)
            .await?;
        Ok(())
    }

    /// The business's pending repairs (one query).
    pub async fn schedule_repairs(&self, org: OrgId) -> Result<Vec<ScheduleRepair>> {
        let q = Query::table(keys::org_pk(org), Range::BeginsWith(REPAIR_PREFIX.into()));
        self.query_all(&q, None)
            .await?
            .into_iter()
            .map(db::decode)
            .collect()
    }

    // ---- jobs -------------------------------------------------------------------

    /// Claims a job: `Run` for the first invocation (or one that finds an
    /// unfinished claim), `Finished` once an invocation recorded an outcome.
    pub async fn claim_job(&self, org: OrgId, key: &str, now: DateTime<Utc>) -> Result<JobClaim> {
        let now_ms = now.timestamp_millis();
        let rec = JobRecord {
            org_id: org,
            key: key.to_string(),
            status: JobStatus::Claimed,
            detail: None,
            created_at: now,
            updated_at: now,
            claimed_at_ms: now_ms,
        };
        let it = with_ttl(item(&rec, kind::JOB, keys::org_pk(org), job_sk(key))?, now);
        // Free, or claimed by an invocation whose lease ran out (it died).
        let cond = Cond {
            expr: "attribute_not_exists(PK) OR (#st = :claimed AND (attribute_not_exists(#at) OR #at < :stale))".into(),
            names: [
                ("#st".to_string(), "status".to_string()),
                ("#at".to_string(), "claimed_at_ms".to_string()),
            ]
            .into(),
            values: [
                (":claimed".to_string(), db::s("claimed")),
                (":stale".to_string(), db::n(now_ms - JOB_LEASE_MS)),
            ]
            .into(),
        };
        match self
            .put_if(it, Some(cond), StoreError::AlreadyExists { what: "job" })
            .await
        {
            Ok(()) => Ok(JobClaim::Run),
            Err(StoreError::AlreadyExists { .. }) => {
                let existing: JobRecord = self
                    .get(keys::org_pk(org), job_sk(key))
                    .await?
                    .ok_or(StoreError::NotFound { what: "job" })?;
                Ok(match existing.status {
                    JobStatus::Claimed => JobClaim::InFlight,
                    _ => JobClaim::Finished(existing),
                })
            }
            Err(e) => Err(e),
        }
    }

    /// Records a job's outcome; later claims answer `Finished`.
    pub async fn finish_job(
        &self,
        org: OrgId,
        key: &str,
        status: JobStatus,
        detail: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let res = self
            .client
            .update_item()
            .table_name(self.table.as_ref())
            .set_key(Some(db::key(keys::org_pk(org), job_sk(key))))
            .update_expression("SET #st = :st, detail = :d, updated_at = :now")
            .condition_expression("attribute_exists(PK)")
            .expression_attribute_names("#st", "status")
            .expression_attribute_values(":st", db::to_av(&status)?)
            .expression_attribute_values(":d", db::to_av(&detail)?)
            .expression_attribute_values(":now", db::to_av(&now)?)
            .send()
            .await;
        match res {
            Ok(_) => Ok(()),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Err(StoreError::NotFound { what: "job" })
            }
            Err(e) => Err(e.into()),
        }
    }

    pub async fn get_job(&self, org: OrgId, key: &str) -> Result<Option<JobRecord>> {
        self.get(keys::org_pk(org), job_sk(key)).await
    }

    // ---- missed-call follow-ups -----------------------------------------------

    /// Records a call status callback the first time its CallSid is seen:
    /// `None` when new, the existing log for a repeated callback.
    pub async fn record_missed_call(
        &self,
        f: &MissedCallFollowup,
    ) -> Result<Option<MissedCallFollowup>> {
        let it = with_ttl(
            item(
                f,
                kind::FOLLOWUP,
                keys::org_pk(f.org_id),
                followup_sk(&f.call_sid),
            )?,
            f.received_at,
        );
        match self
            .put_if(
                it,
                Some(Cond::not_exists()),
                StoreError::AlreadyExists { what: "followup" },
            )
            .await
        {
            Ok(()) => Ok(None),
            Err(StoreError::AlreadyExists { .. }) => self.get_followup(f.org_id, &f.call_sid).await,
            Err(e) => Err(e),
        }
    }

    /// Saves the follow-up's new state.
    pub async fn put_followup(&self, f: &MissedCallFollowup) -> Result<()> {
        let it = with_ttl(
            item(
                f,
                kind::FOLLOWUP,
                keys::org_pk(f.org_id),
                followup_sk(&f.call_sid),
            )?,
            f.received_at,
        );
        self.put_if(it, None, StoreError::Conflict(String::new()))
            .await
    }

    pub async fn get_followup(
        &self,
        org: OrgId,
        call_sid: &str,
    ) -> Result<Option<MissedCallFollowup>> {
        self.get(keys::org_pk(org), followup_sk(call_sid)).await
    }

    /// The business's follow-up log (one query; dashboards and tests).
    pub async fn list_followups(&self, org: OrgId) -> Result<Vec<MissedCallFollowup>> {
        let q = Query::table(keys::org_pk(org), Range::BeginsWith(FOLLOWUP_PREFIX.into()));
        self.query_all(&q, None)
            .await?
            .into_iter()
            .map(db::decode)
            .collect()
    }

    /// Takes the caller's follow-up slot: `true` when nobody else took it
    /// within `gap` before `now` (the same call taking it again, a retried
    /// callback, is allowed).
    pub async fn claim_caller_gap(
        &self,
        org: OrgId,
        caller: &str,
        call_sid: &str,
        now: DateTime<Utc>,
        gap: Duration,
    ) -> Result<bool> {
        let mut it = db::key(keys::org_pk(org), caller_gap_sk(caller));
        it.insert(keys::TYPE.into(), db::s(kind::GAP));
        it.insert("last_at".into(), db::n(now.timestamp()));
        it.insert("call_sid".into(), db::s(call_sid));
        let it = with_ttl(it, now);
        let cond = Cond {
            expr: "attribute_not_exists(PK) OR last_at <= :cutoff OR call_sid = :sid".into(),
            names: Default::default(),
            values: [
                (":cutoff".to_string(), db::n((now - gap).timestamp())),
                (":sid".to_string(), db::s(call_sid)),
            ]
            .into(),
        };
        match self
            .put_if(it, Some(cond), StoreError::AlreadyExists { what: "gap" })
            .await
        {
            Ok(()) => Ok(true),
            Err(StoreError::AlreadyExists { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }
}
