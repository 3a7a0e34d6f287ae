//! Missed-call → WhatsApp follow-up (spec/002's call automation, for
//! salons). Twilio posts the status of each call to a business's number to
//! `POST /webhooks/twilio/voice-status`; a call nobody answered (no-answer,
//! busy, failed, or completed but shorter than the business's threshold)
//! gets a WhatsApp invitation to book by chat.
//!
//! The follow-up is enqueued as a one-time EventBridge Scheduler schedule
//! (`missed-<CallSid>`, after the business's delay) that invokes the
//! reminders function, which sends it (Twilio client retries 429/5xx with
//! backoff; a still-failing send fails the invocation and Scheduler retries
//! it with its own backoff). Every follow-up is logged (`FOLLOWUP#<CallSid>`)
//! with its outcome; a caller gets at most one per `min_gap_hours`
//! (`CALLGAP#<caller>`, a conditional write, so concurrent callbacks cannot
//! both pass).

use chrono::{DateTime, Duration, Utc};
use parlo_core::phone::{self, Region};
use parlo_core::MissedCallSettings;
use parlo_store::{FollowupStatus, MissedCallFollowup, Store, StoreError};
use parlo_twilio::inbound::PayloadError;

use crate::schedules::Schedules;

/// A Twilio voice status callback (the fields Parlo uses).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoiceStatus {
    pub call_sid: String,
    pub call_status: String,
    pub from: String,
    pub to: String,
    pub duration_seconds: Option<u32>,
}

impl VoiceStatus {
    pub fn from_params(params: &[(String, String)]) -> Result<Self, PayloadError> {
        let field = |name: &str| {
            params
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let call_sid = field("CallSid").ok_or(PayloadError::Missing("CallSid"))?;
        if !call_sid.chars().all(|c| c.is_ascii_alphanumeric()) || call_sid.len() > 64 {
            return Err(PayloadError::Malformed("CallSid"));
        }
        let duration_seconds = match field("CallDuration") {
            Some(d) => Some(
                d.parse()
                    .map_err(|_| PayloadError::Malformed("CallDuration"))?,
            ),
            None => None,
        };
        Ok(Self {
            call_sid,
            call_status: field("CallStatus")
                .ok_or(PayloadError::Missing("CallStatus"))?
                .to_ascii_lowercase(),
            from: field("From").ok_or(PayloadError::Missing("From"))?,
            to: field("To").ok_or(PayloadError::Missing("To"))?,
            duration_seconds,
        })
    }

    /// Whether nobody really talked to the caller.
    pub fn is_missed(&self, settings: &MissedCallSettings) -> bool {
        match self.call_status.as_str() {
            "no-answer" | "busy" | "failed" => true,
            "completed" => self
                .duration_seconds
                .is_some_and(|d| d < settings.min_answered_seconds),
            _ => false,
        }
    }
}

/// What a callback led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoiceOutcome {
    /// Not a call to a business Parlo serves, or not a final status.
    Ignored,
    /// The call was answered.
    NotMissed,
    /// Logged with this status (`Queued` when a follow-up was enqueued).
    Logged(FollowupStatus),
    /// A repeated callback of a call already handled.
    Duplicate(FollowupStatus),
}

#[derive(Debug, thiserror::Error)]
pub enum MissedCallError {
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Schedule(#[from] crate::schedules::ScheduleError),
}

#[derive(Clone)]
pub struct MissedCalls {
    pub store: Store,
    pub schedules: Schedules,
}

impl MissedCalls {
    pub async fn handle(
        &self,
        call: &VoiceStatus,
        now: DateTime<Utc>,
    ) -> Result<VoiceOutcome, MissedCallError> {
        let (Ok(caller), Ok(business_number)) = (
            phone::normalize(&call.from, Region::Mexico),
            phone::normalize(&call.to, Region::Mexico),
        ) else {
            return Ok(VoiceOutcome::Ignored);
        };
        let Some(org) = self
            .store
            .organization_by_whatsapp(&business_number)
            .await?
        else {
            tracing::warn!("voice status for a number Parlo does not serve");
            return Ok(VoiceOutcome::Ignored);
        };
        let settings = &org.settings.missed_call;
        if !matches!(
            call.call_status.as_str(),
            "no-answer" | "busy" | "failed" | "completed"
        ) {
            return Ok(VoiceOutcome::Ignored);
        }
        if !call.is_missed(settings) {
            return Ok(VoiceOutcome::NotMissed);
        }
        let mut log = MissedCallFollowup {
            org_id: org.id,
            call_sid: call.call_sid.clone(),
            caller: caller.clone(),
            call_status: call.call_status.clone(),
            call_duration_seconds: call.duration_seconds,
            status: FollowupStatus::Received,
            detail: None,
            send_at: None,
            attempts: 0,
            received_at: now,
            updated_at: now,
        };
        if let Some(existing) = self.store.record_missed_call(&log).await? {
            // A retried callback whose first run did not finish goes on.
            if existing.status != FollowupStatus::Received {
                return Ok(VoiceOutcome::Duplicate(existing.status));
            }
            log = existing;
        }
        if !settings.enabled {
            return self.settle(log, FollowupStatus::Disabled, now).await;
        }
        // Bounded even for settings stored before they were validated.
        let gap = Duration::hours(i64::from(settings.min_gap_hours.min(24 * 366)));
        if !self
            .store
            .claim_caller_gap(org.id, &caller, &call.call_sid, now, gap)
            .await?
        {
            return self.settle(log, FollowupStatus::SuppressedGap, now).await;
        }
        let send_at = now + Duration::minutes(i64::from(settings.delay_minutes.min(24 * 60)));
        // On failure the log stays `Received` and the callback answers 503:
        // Twilio retries it, and the caller's gap is held for this call.
        self.schedules
            .schedule_missed_call(org.id, &call.call_sid, send_at)
            .await?;
        log.send_at = Some(send_at);
        self.settle(log, FollowupStatus::Queued, now).await
    }

    async fn settle(
        &self,
        mut log: MissedCallFollowup,
        status: FollowupStatus,
        now: DateTime<Utc>,
    ) -> Result<VoiceOutcome, MissedCallError> {
        log.status = status;
        log.updated_at = now;
        self.store.put_followup(&log).await?;
        tracing::info!(call_sid = %log.call_sid, ?status, "missed call follow-up");
        Ok(VoiceOutcome::Logged(status))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn classifies_missed_calls() {
        let s = MissedCallSettings::default();
        let call = |status: &str, duration: Option<&str>| {
            let mut p = vec![
                ("CallSid", "CA1"),
                ("CallStatus", status),
                ("From", "+5215512345678"),
                ("To", "+525500000001"),
            ];
            if let Some(d) = duration {
                p.push(("CallDuration", d));
            }
            VoiceStatus::from_params(&params(&p)).unwrap()
        };
        assert!(call("no-answer", None).is_missed(&s));
        assert!(call("busy", None).is_missed(&s));
        assert!(call("failed", None).is_missed(&s));
        assert!(call("completed", Some("3")).is_missed(&s));
        assert!(!call("completed", Some("45")).is_missed(&s));
        assert!(!call("ringing", None).is_missed(&s));
        assert!(VoiceStatus::from_params(&params(&[("CallSid", "CA1")])).is_err());
        assert!(VoiceStatus::from_params(&params(&[
            ("CallSid", "CA1"),
            ("CallStatus", "completed"),
            ("From", "+1"),
            ("To", "+2"),
            ("CallDuration", "soon")
        ]))
        .is_err());
    }
}
