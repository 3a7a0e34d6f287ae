//! Helpers of the scheduled-work tests (schedules, reminders, voice): a
//! Scheduler client on moto and a business with every job switched on.

#![allow(dead_code)]

use chrono::{DateTime, Utc};
use parlo_app::clock::Clock;
use parlo_app::config::Templates;
use parlo_app::messenger::Messenger;
use parlo_app::reminders::Reminders;
use parlo_app::schedules::Schedules;
use parlo_core::*;
use parlo_store::Store;
use parlo_tests::*;

fn env(name: &str, default: &str) -> String {
    std::env::var(name)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.to_string())
}

pub fn group() -> String {
    env("SCHEDULE_GROUP", "parlo-local")
}

/// moto's Scheduler at `AWS_ENDPOINT_URL_SCHEDULER`.
pub async fn scheduler_client() -> aws_sdk_scheduler::Client {
    let endpoint = env("AWS_ENDPOINT_URL_SCHEDULER", "http://127.0.0.1:5000");
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_sdk_scheduler::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_scheduler::config::Credentials::new(
            "local", "local", None, None, "tests",
        ))
        .load()
        .await;
    aws_sdk_scheduler::Client::from_conf(
        aws_sdk_scheduler::config::Builder::from(&sdk)
            .endpoint_url(endpoint)
            .build(),
    )
}

/// Real schedules on moto, with the clock fixed at `now`.
pub async fn schedules(store: &Store, now: DateTime<Utc>) -> Schedules {
    Schedules::aws(
        scheduler_client().await,
        group(),
        env(
            "REMINDERS_FUNCTION_ARN",
            "arn:aws:lambda:us-east-1:123456789012:function:parlo-local-reminders",
        ),
        env(
            "SCHEDULER_ROLE_ARN",
            "arn:aws:iam::123456789012:role/parlo-local-scheduler",
        ),
        store.clone(),
        Clock::Fixed(now),
    )
}

/// A business in `timezone` with the second reminder and the review
/// request on, bookable up to a year ahead.
pub async fn business(store: &Store, timezone: &str) -> Biz {
    let mut biz = create_business(
        store,
        &BizSpec {
            timezone: timezone.into(),
            open: (7, 0),
            close: (22, 0),
            policy: BookingPolicy {
                max_advance_days: 365,
                min_notice_minutes: 0,
                ..BookingPolicy::default()
            },
            ..BizSpec::default()
        },
    )
    .await;
    biz.org.settings.second_reminder_enabled = true;
    biz.org.settings.review_request_enabled = true;
    biz.org.settings.review_link = Some("https://g.page/r/test".into());
    store
        .update_organization(&biz.org)
        .await
        .expect("update organization");
    biz
}

/// The reminders handler in mock mode at a fixed time.
pub fn reminders(store: &Store, now: DateTime<Utc>, templates: Templates) -> Reminders {
    Reminders {
        store: store.clone(),
        messenger: Messenger::Mock,
        clock: Clock::Fixed(now),
        schedules: Schedules::Disabled,
        templates,
        provisioning: None,
    }
}

pub async fn outbox(store: &Store, to: &str) -> Vec<parlo_store::OutboxRecord> {
    store.outbox_to(to, None, 100).await.expect("outbox")
}
