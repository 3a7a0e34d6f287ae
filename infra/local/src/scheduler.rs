//! Fires due EventBridge Scheduler schedules stored in moto (no emulator
//! fires them). Every tick: one `ListSchedules` of the group, `GetSchedule`
//! only for schedules not seen before (or modified since), then for each due
//! one: invoke the target function with `Target.Input` as the payload, and
//! delete one-time schedules whose `ActionAfterCompletion` is `DELETE`.
//!
//! - `at(yyyy-mm-ddThh:mm:ss)` in `ScheduleExpressionTimezone` (default UTC):
//!   due once its instant is at or before the local clock's now
//!   ([`crate::clock`]). A time repeated by a DST change is the first one;
//!   one skipped by it is the first valid instant after the gap. With
//!   `ActionAfterCompletion: NONE` the schedule stays and is remembered as
//!   fired in memory (a restarted `parlo-local` would fire it again).
//! - `cron(M H * * ? *)` (or `cron(M H ? * * *)`): fires when the local time
//!   H:M of the zone passes, at most once per occurrence; an occurrence
//!   skipped by DST does not fire, a repeated one fires once (AWS's rules).
//!   Occurrences before the schedule was first seen are not fired. Other cron
//!   forms and `rate()` are logged and skipped.
//! - Context attributes in the input (`<aws.scheduler.schedule-arn>`,
//!   `<aws.scheduler.scheduled-time>`, `<aws.scheduler.execution-id>`,
//!   `<aws.scheduler.attempt-number>`) are filled in.
//! - A failed invocation is retried with backoff (1 s doubling to 60 s, in
//!   real time) up to the target's `RetryPolicy.MaximumRetryAttempts`.
//! - `DISABLED` schedules never fire; `StartDate`/`EndDate` bound cron ones.
use crate::invoke::{error_chain, Invoker};
use chrono::{DateTime, Duration, LocalResult, NaiveDateTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use std::collections::HashMap;
use std::time::Instant;

/// A schedule expression this firer understands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expression {
    /// One-time, local wall-clock time in the schedule's zone.
    At(NaiveDateTime),
    /// Every day at H:M local time.
    Daily { hour: u32, minute: u32 },
    /// Anything else (logged, never fired).
    Unsupported(String),
}

pub fn parse_expression(text: &str) -> Expression {
    let text = text.trim();
    let unsupported = || Expression::Unsupported(text.to_string());
    if let Some(inner) = text.strip_prefix("at(").and_then(|t| t.strip_suffix(')')) {
        return NaiveDateTime::parse_from_str(inner.trim(), "%Y-%m-%dT%H:%M:%S")
            .map(Expression::At)
            .unwrap_or_else(|_| unsupported());
    }
    if let Some(inner) = text.strip_prefix("cron(").and_then(|t| t.strip_suffix(')')) {
        let fields: Vec<&str> = inner.split_whitespace().collect();
        if let [minute, hour, dom, month, dow, year] = fields[..] {
            let every_day =
                matches!((dom, dow), ("*", "?") | ("?", "*")) && month == "*" && year == "*";
            let minute = minute.parse::<u32>().ok().filter(|m| *m < 60);
            let hour = hour.parse::<u32>().ok().filter(|h| *h < 24);
            if let (true, Some(minute), Some(hour)) = (every_day, minute, hour) {
                return Expression::Daily { hour, minute };
            }
        }
    }
    unsupported()
}

/// `ScheduleExpressionTimezone`, UTC when absent.
pub fn parse_zone(name: Option<&str>) -> Result<Tz, String> {
    match name.map(str::trim).filter(|n| !n.is_empty()) {
        None => Ok(Tz::UTC),
        Some(n) => n.parse().map_err(|_| format!("unknown time zone {n:?}")),
    }
}

/// The instant of an `at()` time: earliest of a repeated local time, first
/// valid instant after a skipped one.
pub fn at_instant(local: NaiveDateTime, tz: Tz) -> DateTime<Utc> {
    let mut probe = local;
    for _ in 0..=(4 * 60) {
        match tz.from_local_datetime(&probe) {
            LocalResult::Single(t) => return t.with_timezone(&Utc),
            LocalResult::Ambiguous(first, _) => return first.with_timezone(&Utc),
            LocalResult::None => {
                probe = (probe + Duration::minutes(1))
                    .with_second(0)
                    .unwrap_or(probe + Duration::minutes(1))
            }
        }
    }
    Utc.from_utc_datetime(&local)
}

/// The latest occurrence of a daily H:M (zone `tz`) in `(after, now]`.
pub fn daily_due(
    hour: u32,
    minute: u32,
    tz: Tz,
    after: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    if now <= after {
        return None;
    }
    let today = now.with_timezone(&tz).date_naive();
    for back in 0..3 {
        let day = today - Duration::days(back);
        let local = day.and_hms_opt(hour, minute, 0)?;
        let occurrence = match tz.from_local_datetime(&local) {
            LocalResult::Single(t) => t.with_timezone(&Utc),
            LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
            LocalResult::None => continue, // skipped by DST: does not run
        };
        if occurrence <= now {
            return (occurrence > after).then_some(occurrence);
        }
    }
    None
}

/// When a schedule should fire now, if it should: pure, for tests.
/// `baseline` is the instant up to which it has been handled (first seen,
/// or last fired); `window` is `StartDate`/`EndDate`.
pub fn due(
    expression: &Expression,
    tz: Tz,
    baseline: DateTime<Utc>,
    window: (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    match expression {
        Expression::At(local) => {
            let at = at_instant(*local, tz);
            (at <= now).then_some(at)
        }
        Expression::Daily { hour, minute } => {
            let occurrence = daily_due(*hour, *minute, tz, baseline, now)?;
            let (start, end) = window;
            let in_window =
                start.is_none_or(|s| occurrence >= s) && end.is_none_or(|e| occurrence <= e);
            in_window.then_some(occurrence)
        }
        Expression::Unsupported(_) => None,
    }
}

/// The binary behind a Lambda target ARN: `…:function:parlo-local-reminders`
/// → `reminders` (the name, or its last `-` part, must be a known binary).
pub fn function_for_target(arn: &str) -> Option<&'static str> {
    let name = arn.split(":function:").nth(1)?.split(':').next()?;
    crate::FUNCTIONS
        .iter()
        .find(|f| name == **f || name.ends_with(&format!("-{f}")))
        .copied()
}

/// Fills Scheduler's context attributes into a target input.
pub fn fill_context(
    input: &str,
    schedule_arn: &str,
    scheduled_time: DateTime<Utc>,
    execution_id: &str,
    attempt: u32,
) -> String {
    input
        .replace("<aws.scheduler.schedule-arn>", schedule_arn)
        .replace(
            "<aws.scheduler.scheduled-time>",
            &scheduled_time.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        )
        .replace("<aws.scheduler.execution-id>", execution_id)
        .replace("<aws.scheduler.attempt-number>", &attempt.to_string())
}

/// Backoff before retry number `attempt` (1-based): 1 s doubling, 60 s max.
pub fn retry_delay(attempt: u32) -> std::time::Duration {
    std::time::Duration::from_secs(1u64 << attempt.saturating_sub(1).min(6))
        .min(std::time::Duration::from_secs(60))
}

fn to_chrono(t: &aws_sdk_scheduler::primitives::DateTime) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(t.secs(), t.subsec_nanos())
}

#[derive(Debug, Clone)]
struct Spec {
    arn: String,
    expression: Expression,
    tz: Tz,
    function: &'static str,
    input: Option<String>,
    delete_after: bool,
    enabled: bool,
    window: (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
    max_retries: u32,
}

#[derive(Debug)]
struct Tracked {
    modified: Option<DateTime<Utc>>,
    /// `Err`: never fired (reason logged once).
    spec: Result<Spec, String>,
    baseline: DateTime<Utc>,
    done: bool,
    failures: u32,
    retry_at: Option<Instant>,
}

/// The firer's state: what it knows of the group's schedules.
pub struct SchedulerFirer {
    pub client: aws_sdk_scheduler::Client,
    pub group: String,
    pub invoker: Invoker,
    known: HashMap<String, Tracked>,
}

impl SchedulerFirer {
    pub fn new(client: aws_sdk_scheduler::Client, group: String, invoker: Invoker) -> Self {
        SchedulerFirer {
            client,
            group,
            invoker,
            known: HashMap::new(),
        }
    }

    /// Ticks every second until the task is dropped.
    pub async fn run(mut self) {
        tracing::info!(group = %self.group, "scheduler firer started");
        let mut interval = tokio::time::interval(std::time::Duration::from_secs(1));
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_error = String::new();
        loop {
            interval.tick().await;
            match self.tick(crate::clock::now()).await {
                Ok(()) => last_error.clear(),
                Err(e) if e != last_error => {
                    tracing::warn!("scheduler: {e}");
                    last_error = e;
                }
                Err(_) => {}
            }
        }
    }

    async fn list(&self) -> Result<Vec<(String, Option<DateTime<Utc>>)>, String> {
        let mut out = Vec::new();
        let mut token = None;
        loop {
            let page = self
                .client
                .list_schedules()
                .group_name(&self.group)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| format!("ListSchedules: {}", error_chain(&e)))?;
            for s in page.schedules() {
                if let Some(name) = s.name() {
                    let modified = s.last_modification_date().and_then(to_chrono);
                    out.push((name.to_string(), modified));
                }
            }
            token = page.next_token().map(str::to_string);
            if token.is_none() {
                return Ok(out);
            }
        }
    }

    async fn fetch(&self, name: &str) -> Result<Result<Spec, String>, String> {
        let s = self
            .client
            .get_schedule()
            .group_name(&self.group)
            .name(name)
            .send()
            .await
            .map_err(|e| format!("GetSchedule {name}: {}", error_chain(&e)))?;
        let expression = parse_expression(s.schedule_expression().unwrap_or(""));
        if let Expression::Unsupported(text) = &expression {
            return Ok(Err(format!("unsupported expression {text:?}")));
        }
        let tz = match parse_zone(s.schedule_expression_timezone()) {
            Ok(tz) => tz,
            Err(e) => return Ok(Err(e)),
        };
        let Some(target) = s.target() else {
            return Ok(Err("no target".to_string()));
        };
        let Some(function) = function_for_target(target.arn()) else {
            return Ok(Err(format!(
                "target {} is not a function of this workspace",
                target.arn()
            )));
        };
        Ok(Ok(Spec {
            arn: s.arn().unwrap_or_default().to_string(),
            expression,
            tz,
            function,
            input: target.input().map(str::to_string),
            delete_after: matches!(
                s.action_after_completion(),
                Some(aws_sdk_scheduler::types::ActionAfterCompletion::Delete)
            ),
            enabled: !matches!(
                s.state(),
                Some(aws_sdk_scheduler::types::ScheduleState::Disabled)
            ),
            window: (
                s.start_date().and_then(to_chrono),
                s.end_date().and_then(to_chrono),
            ),
            max_retries: target
                .retry_policy()
                .and_then(|r| r.maximum_retry_attempts())
                .map_or(185, |n| n.max(0) as u32),
        }))
    }

    /// One round: refresh what is known, fire what is due at `now`.
    pub async fn tick(&mut self, now: DateTime<Utc>) -> Result<(), String> {
        let listed = self.list().await?;
        self.known
            .retain(|name, _| listed.iter().any(|(n, _)| n == name));
        for (name, modified) in &listed {
            let fresh = self
                .known
                .get(name)
                .is_some_and(|t| t.modified == *modified);
            if fresh {
                continue;
            }
            let spec = self.fetch(name).await?;
            if let Err(reason) = &spec {
                tracing::warn!(schedule = %name, "skipping schedule: {reason}");
            }
            self.known.insert(
                name.clone(),
                Tracked {
                    modified: *modified,
                    spec,
                    baseline: now,
                    done: false,
                    failures: 0,
                    retry_at: None,
                },
            );
        }

        let names: Vec<String> = self.known.keys().cloned().collect();
        for name in names {
            self.fire_if_due(&name, now).await;
        }
        Ok(())
    }

    async fn fire_if_due(&mut self, name: &str, now: DateTime<Utc>) {
        let Some(tracked) = self.known.get_mut(name) else {
            return;
        };
        let Ok(spec) = tracked.spec.clone() else {
            return;
        };
        if tracked.done || !spec.enabled {
            return;
        }
        if tracked.retry_at.is_some_and(|at| Instant::now() < at) {
            return;
        }
        if now < tracked.baseline {
            tracked.baseline = now; // the clock went back
        }
        let Some(scheduled) = due(
            &spec.expression,
            spec.tz,
            tracked.baseline,
            spec.window,
            now,
        ) else {
            return;
        };
        let attempt = tracked.failures + 1;
        let input = spec.input.as_deref().unwrap_or("{}");
        let input = fill_context(
            input,
            &spec.arn,
            scheduled,
            &uuid::Uuid::new_v4().to_string(),
            attempt,
        );
        let payload = serde_json::from_str(&input).unwrap_or(serde_json::Value::String(input));
        tracing::info!(schedule = %name, function = spec.function, scheduled = %scheduled, attempt, "firing schedule");
        let result = self.invoker.invoke(spec.function, &payload).await;
        let tracked = self.known.get_mut(name).expect("still tracked");
        let finished = match result {
            Ok(response) => {
                tracing::info!(schedule = %name, function = spec.function, "schedule fired: {response}");
                true
            }
            Err(e) => {
                tracked.failures += 1;
                if tracked.failures > spec.max_retries {
                    tracing::error!(schedule = %name, "giving up after {} attempts: {e}", tracked.failures);
                    true
                } else {
                    let delay = retry_delay(tracked.failures);
                    tracing::warn!(schedule = %name, "invocation failed, retry in {delay:?}: {e}");
                    tracked.retry_at = Some(Instant::now() + delay);
                    false
                }
            }
        };
        if !finished {
            return;
        }
        tracked.failures = 0;
        tracked.retry_at = None;
        match spec.expression {
            Expression::Daily { .. } => tracked.baseline = now.max(scheduled),
            _ => {
                tracked.done = true;
                if spec.delete_after {
                    match self
                        .client
                        .delete_schedule()
                        .group_name(&self.group)
                        .name(name)
                        .send()
                        .await
                    {
                        Ok(_) => {
                            tracing::info!(schedule = %name, "deleted (ActionAfterCompletion DELETE)")
                        }
                        Err(e) => {
                            tracing::warn!(schedule = %name, "DeleteSchedule: {}", error_chain(&e))
                        }
                    }
                } else {
                    tracing::info!(schedule = %name, "kept (ActionAfterCompletion NONE); fired once by this process");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn naive(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").unwrap()
    }

    const NONE: (Option<DateTime<Utc>>, Option<DateTime<Utc>>) = (None, None);

    #[test]
    fn parses_expressions() {
        assert_eq!(
            parse_expression("at(2025-01-15T10:00:00)"),
            Expression::At(naive("2025-01-15T10:00:00"))
        );
        assert_eq!(
            parse_expression("cron(30 9 * * ? *)"),
            Expression::Daily {
                hour: 9,
                minute: 30
            }
        );
        assert_eq!(
            parse_expression("cron(0 21 ? * * *)"),
            Expression::Daily {
                hour: 21,
                minute: 0
            }
        );
        for other in [
            "rate(5 minutes)",
            "cron(0 9 ? * MON-FRI *)",
            "cron(0/5 * * * ? *)",
            "cron(0 24 * * ? *)",
            "at(2025-01-15 10:00)",
            "",
        ] {
            assert!(
                matches!(parse_expression(other), Expression::Unsupported(_)),
                "{other}"
            );
        }
    }

    #[test]
    fn at_is_due_in_its_zone() {
        let e = Expression::At(naive("2025-03-12T10:00:00"));
        let mx = parse_zone(Some("America/Mexico_City")).unwrap();
        let base = t("2025-03-01T00:00:00Z");
        // 10:00 in Mexico City (UTC-6) is 16:00Z.
        assert_eq!(due(&e, mx, base, NONE, t("2025-03-12T15:59:59Z")), None);
        assert_eq!(
            due(&e, mx, base, NONE, t("2025-03-12T16:00:00Z")),
            Some(t("2025-03-12T16:00:00Z"))
        );
        assert_eq!(
            due(&e, Tz::UTC, base, NONE, t("2025-03-12T10:00:00Z")),
            Some(t("2025-03-12T10:00:00Z"))
        );
        // Long past: still due (fired late, like after downtime).
        assert!(due(&e, mx, base, NONE, t("2026-01-01T00:00:00Z")).is_some());
        assert_eq!(parse_zone(None).unwrap(), Tz::UTC);
        assert!(parse_zone(Some("Mars/Olympus")).is_err());
    }

    #[test]
    fn at_across_dst_changes() {
        let madrid = parse_zone(Some("Europe/Madrid")).unwrap();
        // 2025-03-30 02:30 does not exist in Madrid: first valid is 03:00 CEST = 01:00Z.
        assert_eq!(
            at_instant(naive("2025-03-30T02:30:00"), madrid),
            t("2025-03-30T01:00:00Z")
        );
        // 2025-10-26 02:30 happens twice: the first is CEST = 00:30Z.
        assert_eq!(
            at_instant(naive("2025-10-26T02:30:00"), madrid),
            t("2025-10-26T00:30:00Z")
        );
    }

    #[test]
    fn daily_cron_fires_once_per_occurrence() {
        let mx = parse_zone(Some("America/Mexico_City")).unwrap();
        let e = Expression::Daily {
            hour: 21,
            minute: 0,
        }; // 03:00Z next day
        let seen = t("2025-03-12T20:00:00Z"); // 14:00 local
        assert_eq!(due(&e, mx, seen, NONE, t("2025-03-13T02:59:59Z")), None);
        let fired = due(&e, mx, seen, NONE, t("2025-03-13T03:00:30Z"));
        assert_eq!(fired, Some(t("2025-03-13T03:00:00Z")));
        // After firing, the baseline moves to now: no second fire.
        let baseline = t("2025-03-13T03:00:30Z");
        assert_eq!(due(&e, mx, baseline, NONE, t("2025-03-13T03:05:00Z")), None);
        // Clock jumps three days: only the latest occurrence fires.
        assert_eq!(
            due(&e, mx, baseline, NONE, t("2025-03-16T04:00:00Z")),
            Some(t("2025-03-16T03:00:00Z"))
        );
        // An occurrence before the schedule was first seen does not fire.
        assert_eq!(
            due(
                &e,
                mx,
                t("2025-03-13T03:10:00Z"),
                NONE,
                t("2025-03-13T04:00:00Z")
            ),
            None
        );
    }

    #[test]
    fn daily_cron_respects_the_window() {
        let e = Expression::Daily { hour: 9, minute: 0 };
        let base = t("2025-03-01T00:00:00Z");
        let now = t("2025-03-01T09:00:00Z");
        assert!(due(&e, Tz::UTC, base, NONE, now).is_some());
        assert_eq!(
            due(
                &e,
                Tz::UTC,
                base,
                (Some(t("2025-03-02T00:00:00Z")), None),
                now
            ),
            None
        );
        assert_eq!(
            due(
                &e,
                Tz::UTC,
                base,
                (None, Some(t("2025-03-01T08:00:00Z"))),
                now
            ),
            None
        );
    }

    #[test]
    fn daily_cron_across_dst() {
        let madrid = parse_zone(Some("Europe/Madrid")).unwrap();
        // 02:30 is skipped on 2025-03-30: no run that day.
        let e = Expression::Daily {
            hour: 2,
            minute: 30,
        };
        assert_eq!(
            due(
                &e,
                madrid,
                t("2025-03-29T12:00:00Z"),
                NONE,
                t("2025-03-30T12:00:00Z")
            ),
            None
        );
        // 02:30 happens twice on 2025-10-26: runs once, at the first.
        let first = due(
            &e,
            madrid,
            t("2025-10-25T12:00:00Z"),
            NONE,
            t("2025-10-26T01:45:00Z"),
        );
        assert_eq!(first, Some(t("2025-10-26T00:30:00Z")));
        assert_eq!(
            due(
                &e,
                madrid,
                t("2025-10-26T01:45:00Z"),
                NONE,
                t("2025-10-26T02:00:00Z")
            ),
            None
        );
    }

    #[test]
    fn targets_and_context() {
        assert_eq!(
            function_for_target(
                "arn:aws:lambda:us-east-1:123456789012:function:parlo-local-reminders"
            ),
            Some("reminders")
        );
        assert_eq!(
            function_for_target("arn:aws:lambda:us-east-1:1:function:reminders:live"),
            Some("reminders")
        );
        assert_eq!(
            function_for_target("arn:aws:lambda:us-east-1:1:function:other"),
            None
        );
        assert_eq!(function_for_target("arn:aws:sqs:us-east-1:1:q"), None);
        let filled = fill_context(
            r#"{"arn":"<aws.scheduler.schedule-arn>","at":"<aws.scheduler.scheduled-time>","n":<aws.scheduler.attempt-number>,"id":"<aws.scheduler.execution-id>"}"#,
            "arn:s",
            t("2025-03-12T16:00:00Z"),
            "e-1",
            2,
        );
        assert_eq!(
            filled,
            r#"{"arn":"arn:s","at":"2025-03-12T16:00:00Z","n":2,"id":"e-1"}"#
        );
        assert_eq!(retry_delay(1).as_secs(), 1);
        assert_eq!(retry_delay(3).as_secs(), 4);
        assert_eq!(retry_delay(30).as_secs(), 60);
    }
}
