//! Missed-call follow-ups: signed voice status callbacks through the
//! webhook handler, against DynamoDB Local and moto's Scheduler, then the
//! reminders handler sending the WhatsApp invitation (mock outbox).

#[path = "sched_support.rs"]
mod sched_support;

use chrono::{DateTime, Duration, Utc};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request};
use parlo_app::aws_sink::QueueSink;
use parlo_app::clock::Clock;
use parlo_app::config::{LazySecret, Templates};
use parlo_app::missed_calls::MissedCalls;
use parlo_app::schedules::{missed_call_schedule_name, Job};
use parlo_app::services::MessageKind;
use parlo_app::webhook::{Webhook, WebhookConfig};
use parlo_store::{FollowupStatus, Store};
use parlo_tests::*;
use sched_support::*;
use uuid::Uuid;

const TOKEN: &str = "voice-test-token";
const BASE: &str = "https://voice.parlo.test";

async fn webhook(store: &Store, now: DateTime<Utc>) -> Webhook<QueueSink> {
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_sdk_scheduler::config::Region::new("us-east-1"))
        .load()
        .await;
    Webhook::new(
        WebhookConfig {
            auth_token: LazySecret::from_vars("TWILIO_AUTH_TOKEN", |n| {
                (n == "TWILIO_AUTH_TOKEN").then(|| TOKEN.to_string())
            }),
            public_base_url: Some(BASE.into()),
        },
        QueueSink {
            store: store.clone(),
            sqs: aws_sdk_sqs::Client::new(&sdk),
            queue_url: String::new(),
        },
        Clock::Fixed(now),
    )
    .with_missed_calls(MissedCalls {
        store: store.clone(),
        schedules: schedules(store, now).await,
    })
}

fn call_sid() -> String {
    format!("CA{}", Uuid::new_v4().simple())
}

fn encode(v: &str) -> String {
    v.replace('+', "%2B").replace(':', "%3A")
}

/// A voice status callback, signed like Twilio signs it (or forged).
fn callback(
    sid: &str,
    status: &str,
    from: &str,
    to: &str,
    duration: Option<u32>,
    forged: bool,
) -> Request {
    let mut params: Vec<(String, String)> = vec![
        ("AccountSid".into(), "ACtest".into()),
        ("CallSid".into(), sid.into()),
        ("CallStatus".into(), status.into()),
        ("Direction".into(), "inbound".into()),
        ("From".into(), from.into()),
        ("To".into(), to.into()),
    ];
    if let Some(d) = duration {
        params.push(("CallDuration".into(), d.to_string()));
    }
    let url = format!("{BASE}/webhooks/twilio/voice-status");
    let token = if forged { "wrong" } else { TOKEN };
    let signature = parlo_twilio::signature::compute(token, &url, &params);
    let body = params
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    lambda_http::http::Request::builder()
        .method("POST")
        .uri("/webhooks/twilio/voice-status")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-twilio-signature", signature)
        .body(Body::from(body))
        .unwrap()
}

async fn schedule_exists(name: &str) -> Option<(String, Job)> {
    match scheduler_client()
        .await
        .get_schedule()
        .group_name(group())
        .name(name)
        .send()
        .await
    {
        Ok(out) => Some((
            out.schedule_expression().unwrap_or("").to_string(),
            serde_json::from_str(out.target().unwrap().input().unwrap()).unwrap(),
        )),
        Err(e)
            if e.as_service_error()
                .is_some_and(|e| e.is_resource_not_found_exception()) =>
        {
            None
        }
        Err(e) => panic!("{e:?}"),
    }
}

#[tokio::test]
async fn a_missed_call_produces_one_follow_up() {
    let store = store().await;
    let biz = business(&store, "America/Mexico_City").await;
    let number = biz.org.whatsapp_number.clone().unwrap();
    // Twilio writes Mexican mobiles with the legacy 1.
    let caller = random_phone();
    let caller_wa = caller.replacen("+52", "+521", 1);
    let t = now();
    let hook = webhook(&store, t).await;
    let sid = call_sid();
    let res = hook
        .handle(callback(
            &sid,
            "no-answer",
            &caller_wa,
            &number,
            None,
            false,
        ))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    // Twilio retries the same callback: still one follow-up.
    let res = hook
        .handle(callback(
            &sid,
            "no-answer",
            &caller_wa,
            &number,
            None,
            false,
        ))
        .await;
    assert_eq!(res.status(), StatusCode::OK);

    let log = store.list_followups(biz.id()).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].status, FollowupStatus::Queued);
    assert_eq!(log[0].caller, caller);
    assert_eq!(log[0].send_at, Some(t + Duration::minutes(2)));
    let (expr, job) = schedule_exists(&missed_call_schedule_name(biz.id(), &sid))
        .await
        .expect("follow-up enqueued");
    assert_eq!(expr, "at(2030-01-07T12:02:00)");
    assert_eq!(
        job,
        Job::MissedCall {
            org_id: biz.id(),
            call_sid: sid.clone()
        }
    );

    // The schedule fires (twice: a Scheduler retry): one WhatsApp message.
    let templates = Templates::default().with(MessageKind::MissedCallFollowup, "HXmissed");
    let r = reminders(&store, t + Duration::minutes(2), templates);
    let payload = serde_json::to_value(&job).unwrap();
    assert_eq!(r.handle(payload.clone()).await.unwrap().sent, 1);
    assert_eq!(r.handle(payload).await.unwrap().sent, 0);
    let sent = outbox(&store, &caller).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].from, number);
    assert_eq!(sent[0].content_sid.as_deref(), Some("HXmissed"));
    assert_eq!(
        sent[0].body.as_deref(),
        Some("¡Hola! Vimos que llamaste a Barbería Test y no pudimos contestarte. Si quieres, agenda tu cita por aquí: dime qué servicio te interesa y qué día te acomoda.")
    );
    let log = store.get_followup(biz.id(), &sid).await.unwrap().unwrap();
    assert_eq!((log.status, log.attempts), (FollowupStatus::Sent, 1));
}

#[tokio::test]
async fn three_missed_calls_within_the_gap_produce_one() {
    let store = store().await;
    let biz = business(&store, "America/Mexico_City").await;
    let number = biz.org.whatsapp_number.clone().unwrap();
    let caller = random_phone();
    let mut sids = Vec::new();
    for (i, status) in ["no-answer", "busy", "failed"].iter().enumerate() {
        let hook = webhook(&store, now() + Duration::minutes(10 * i as i64)).await;
        let sid = call_sid();
        let res = hook
            .handle(callback(&sid, status, &caller, &number, None, false))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        sids.push(sid);
    }
    let mut log = store.list_followups(biz.id()).await.unwrap();
    log.sort_by_key(|f| f.received_at);
    let statuses: Vec<FollowupStatus> = log.iter().map(|f| f.status).collect();
    assert_eq!(
        statuses,
        vec![
            FollowupStatus::Queued,
            FollowupStatus::SuppressedGap,
            FollowupStatus::SuppressedGap
        ]
    );
    assert!(
        schedule_exists(&missed_call_schedule_name(biz.id(), &sids[0]))
            .await
            .is_some()
    );
    for sid in &sids[1..] {
        assert!(schedule_exists(&missed_call_schedule_name(biz.id(), sid))
            .await
            .is_none());
    }
    // Once the gap (24 h) has passed, the caller gets another one.
    let hook = webhook(&store, now() + Duration::hours(25)).await;
    let sid = call_sid();
    hook.handle(callback(&sid, "no-answer", &caller, &number, None, false))
        .await;
    assert_eq!(
        store
            .get_followup(biz.id(), &sid)
            .await
            .unwrap()
            .unwrap()
            .status,
        FollowupStatus::Queued
    );
}

#[tokio::test]
async fn answered_forged_and_switched_off_calls_get_no_follow_up() {
    let store = store().await;
    let mut biz = business(&store, "America/Mexico_City").await;
    let number = biz.org.whatsapp_number.clone().unwrap();
    let hook = webhook(&store, now()).await;

    // A forged callback is refused and leaves nothing.
    let res = hook
        .handle(callback(
            &call_sid(),
            "no-answer",
            &random_phone(),
            &number,
            None,
            true,
        ))
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // An answered call (2 minutes) is no missed call.
    let res = hook
        .handle(callback(
            &call_sid(),
            "completed",
            &random_phone(),
            &number,
            Some(120),
            false,
        ))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(store.list_followups(biz.id()).await.unwrap().is_empty());
    // A 4-second "completed" call counts as missed.
    let short = call_sid();
    hook.handle(callback(
        &short,
        "completed",
        &random_phone(),
        &number,
        Some(4),
        false,
    ))
    .await;
    assert_eq!(
        store
            .get_followup(biz.id(), &short)
            .await
            .unwrap()
            .unwrap()
            .status,
        FollowupStatus::Queued
    );
    // A malformed callback is a 400.
    let mut bad = callback(
        &call_sid(),
        "no-answer",
        &random_phone(),
        &number,
        None,
        false,
    );
    *bad.body_mut() = Body::from("CallStatus=no-answer");
    assert_ne!(hook.handle(bad).await.status(), StatusCode::OK);

    // Switched off: logged as such, nothing enqueued.
    biz.org.settings.missed_call.enabled = false;
    store.update_organization(&biz.org).await.unwrap();
    let off = call_sid();
    hook.handle(callback(
        &off,
        "busy",
        &random_phone(),
        &number,
        None,
        false,
    ))
    .await;
    assert_eq!(
        store
            .get_followup(biz.id(), &off)
            .await
            .unwrap()
            .unwrap()
            .status,
        FollowupStatus::Disabled
    );
    assert!(schedule_exists(&missed_call_schedule_name(biz.id(), &off))
        .await
        .is_none());
}
