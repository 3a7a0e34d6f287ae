//! The SQS poller and the scheduler firer against moto (the local stack),
//! with a scripted Lambda emulator. Uses a throwaway queue and schedule
//! group, so a running `make dev` is not disturbed. Skipped (with a notice)
//! when the stack's environment is not loaded or moto does not answer.
mod support;

use aws_sdk_scheduler::types::{
    ActionAfterCompletion, FlexibleTimeWindow, FlexibleTimeWindowMode, Target,
};
use aws_sdk_sqs::types::QueueAttributeName;
use chrono::{DateTime, Utc};
use parlo_local::invoke::Invoker;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use support::FakeLambda;

async fn aws() -> Option<aws_config::SdkConfig> {
    let (Ok(sqs), Ok(_)) = (
        std::env::var("AWS_ENDPOINT_URL_SQS"),
        std::env::var("AWS_ENDPOINT_URL_SCHEDULER"),
    ) else {
        eprintln!(
            "skipped: AWS_ENDPOINT_URL_SQS/_SCHEDULER not set (load .local/env after make up)"
        );
        return None;
    };
    let reachable = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap()
        .get(&sqs)
        .send()
        .await
        .is_ok();
    if !reachable {
        eprintln!("skipped: moto does not answer at {sqs}");
        return None;
    }
    Some(aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await)
}

fn unique(prefix: &str) -> String {
    format!(
        "{prefix}-{}",
        &uuid::Uuid::new_v4().simple().to_string()[..12]
    )
}

#[tokio::test]
async fn sqs_poller_deletes_only_what_succeeded() {
    let Some(config) = aws().await else { return };
    let sqs = aws_sdk_sqs::Client::new(&config);
    let name = format!("{}.fifo", unique("parlo-local-test"));
    let queue_url = sqs
        .create_queue()
        .queue_name(&name)
        .attributes(QueueAttributeName::FifoQueue, "true")
        .send()
        .await
        .unwrap()
        .queue_url()
        .unwrap()
        .to_string();

    for (i, body) in ["ok-1", "fail", "ok-2"].iter().enumerate() {
        sqs.send_message()
            .queue_url(&queue_url)
            .message_body(*body)
            .message_group_id(format!("conv-{i}"))
            .message_deduplication_id(format!("SM{i}"))
            .send()
            .await
            .unwrap();
    }

    // The function reports the "fail" message as a batch item failure.
    let lambda = FakeLambda::start(Arc::new(|_, event: &Value| {
        let failures: Vec<Value> = event["Records"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["body"] == "fail")
            .map(|r| json!({"itemIdentifier": r["messageId"]}))
            .collect();
        (200, json!({"batchItemFailures": failures}).to_string())
    }))
    .await;
    let poller = parlo_local::sqs::SqsPoller {
        client: sqs.clone(),
        queue_url: queue_url.clone(),
        region: "us-east-1".into(),
        invoker: Invoker::new(&lambda.url, Duration::from_secs(10)),
        function: "turn".into(),
        visibility_timeout: 1,
        wait_seconds: 1,
    };
    let arn = format!("arn:aws:sqs:us-east-1:123456789012:{name}");
    let mut received = 0;
    for _ in 0..5 {
        received += poller.poll_once(&arn).await.unwrap();
        if received >= 3 {
            break;
        }
    }
    assert_eq!(received, 3);
    let calls = lambda.calls();
    let records: Vec<&Value> = calls
        .iter()
        .flat_map(|(f, e)| {
            assert_eq!(f, "turn");
            e["Records"].as_array().unwrap().iter()
        })
        .collect();
    assert_eq!(records.len(), 3);
    for r in &records {
        assert_eq!(r["eventSource"], "aws:sqs");
        assert_eq!(r["eventSourceARN"], arn);
        assert!(r["attributes"]["MessageGroupId"]
            .as_str()
            .unwrap()
            .starts_with("conv-"));
        assert!(r["attributes"]["MessageDeduplicationId"]
            .as_str()
            .unwrap()
            .starts_with("SM"));
        assert!(r["attributes"]["SequenceNumber"].is_string());
        assert_eq!(r["attributes"]["ApproximateReceiveCount"], "1");
        assert!(r["md5OfBody"].is_string());
    }

    // Only "fail" is left; it comes back after the 1 s visibility timeout.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let left = sqs
        .receive_message()
        .queue_url(&queue_url)
        .max_number_of_messages(10)
        .wait_time_seconds(2)
        .visibility_timeout(1)
        .send()
        .await
        .unwrap();
    let bodies: Vec<&str> = left.messages().iter().filter_map(|m| m.body()).collect();
    assert_eq!(bodies, ["fail"]);

    // When the invocation itself errors, nothing is deleted.
    let broken =
        FakeLambda::start(Arc::new(|_, _| (500, r#"{"errorType":"x"}"#.to_string()))).await;
    let poller = parlo_local::sqs::SqsPoller {
        invoker: Invoker::new(&broken.url, Duration::from_secs(10)),
        ..poller
    };
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(poller.poll_once(&arn).await.unwrap(), 1);
    assert_eq!(broken.calls().len(), 1);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let again = sqs
        .receive_message()
        .queue_url(&queue_url)
        .wait_time_seconds(2)
        .visibility_timeout(1)
        .send()
        .await
        .unwrap();
    assert_eq!(
        again.messages().len(),
        1,
        "still there after a failed invocation"
    );

    sqs.delete_queue()
        .queue_url(&queue_url)
        .send()
        .await
        .unwrap();
}

async fn create_at(
    client: &aws_sdk_scheduler::Client,
    group: &str,
    name: &str,
    expression: &str,
    zone: &str,
    after: ActionAfterCompletion,
) {
    client
        .create_schedule()
        .group_name(group)
        .name(name)
        .schedule_expression(expression)
        .schedule_expression_timezone(zone)
        .flexible_time_window(
            FlexibleTimeWindow::builder()
                .mode(FlexibleTimeWindowMode::Off)
                .build()
                .unwrap(),
        )
        .target(
            Target::builder()
                .arn("arn:aws:lambda:us-east-1:123456789012:function:parlo-local-reminders")
                .role_arn("arn:aws:iam::123456789012:role/parlo-local-scheduler")
                .input(
                    json!({"schedule": name, "at": "<aws.scheduler.scheduled-time>"}).to_string(),
                )
                .build()
                .unwrap(),
        )
        .action_after_completion(after)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn scheduler_fires_due_schedules_once() {
    let Some(config) = aws().await else { return };
    let client = aws_sdk_scheduler::Client::new(&config);
    let group = unique("parlo-local-test");
    client
        .create_schedule_group()
        .name(&group)
        .send()
        .await
        .unwrap();
    let mx = "America/Mexico_City";
    create_at(
        &client,
        &group,
        "past-delete",
        "at(2025-03-12T10:00:00)",
        mx,
        ActionAfterCompletion::Delete,
    )
    .await;
    create_at(
        &client,
        &group,
        "past-keep",
        "at(2025-03-12T09:00:00)",
        "UTC",
        ActionAfterCompletion::None,
    )
    .await;
    create_at(
        &client,
        &group,
        "future",
        "at(2025-03-12T11:00:00)",
        mx,
        ActionAfterCompletion::Delete,
    )
    .await;
    create_at(
        &client,
        &group,
        "daily",
        "cron(0 9 * * ? *)",
        mx,
        ActionAfterCompletion::None,
    )
    .await;
    create_at(
        &client,
        &group,
        "weekly",
        "cron(0 9 ? * MON *)",
        mx,
        ActionAfterCompletion::None,
    )
    .await;

    let lambda = FakeLambda::start(Arc::new(|_, _| (200, "null".to_string()))).await;
    let mut firer = parlo_local::scheduler::SchedulerFirer::new(
        client.clone(),
        group.clone(),
        Invoker::new(&lambda.url, Duration::from_secs(10)),
    );
    let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();

    // 10:30 in Mexico City: the two past at()s fire; the daily 09:00 was
    // before the firer first saw it.
    firer.tick(t("2025-03-12T16:30:00Z")).await.unwrap();
    let mut fired: Vec<(String, String)> = lambda
        .calls()
        .iter()
        .map(|(f, e)| {
            assert_eq!(f, "reminders");
            (
                e["schedule"].as_str().unwrap().to_string(),
                e["at"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    fired.sort();
    assert_eq!(
        fired,
        [
            (
                "past-delete".to_string(),
                "2025-03-12T16:00:00Z".to_string()
            ),
            ("past-keep".to_string(), "2025-03-12T09:00:00Z".to_string()),
        ]
    );
    let names = |list: aws_sdk_scheduler::operation::list_schedules::ListSchedulesOutput| {
        let mut n: Vec<String> = list
            .schedules()
            .iter()
            .filter_map(|s| s.name().map(str::to_string))
            .collect();
        n.sort();
        n
    };
    let left = names(
        client
            .list_schedules()
            .group_name(&group)
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(
        left,
        ["daily", "future", "past-keep", "weekly"],
        "DELETE ones are deleted"
    );

    // Same instant again: nothing new (past-keep is remembered as fired).
    firer.tick(t("2025-03-12T16:30:00Z")).await.unwrap();
    assert_eq!(lambda.calls().len(), 2);

    // 11:00 local: "future" fires; next day 09:00 local: "daily" fires once.
    firer.tick(t("2025-03-12T17:00:00Z")).await.unwrap();
    firer.tick(t("2025-03-13T15:00:05Z")).await.unwrap();
    firer.tick(t("2025-03-13T15:00:10Z")).await.unwrap();
    let fired: Vec<String> = lambda.calls()[2..]
        .iter()
        .map(|(_, e)| {
            format!(
                "{} {}",
                e["schedule"].as_str().unwrap(),
                e["at"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        fired,
        ["future 2025-03-12T17:00:00Z", "daily 2025-03-13T15:00:00Z"]
    );
    let left = names(
        client
            .list_schedules()
            .group_name(&group)
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(left, ["daily", "past-keep", "weekly"]);

    for name in left {
        client
            .delete_schedule()
            .group_name(&group)
            .name(name)
            .send()
            .await
            .unwrap();
    }
    client
        .delete_schedule_group()
        .name(&group)
        .send()
        .await
        .unwrap();
}
