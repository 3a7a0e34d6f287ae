//! The message pipeline against the local stack: the webhook's sink on
//! DynamoDB Local + moto SQS, and the turn processor routing real
//! businesses (cases 1–5), persisting, and replying exactly once.

use std::sync::atomic::{AtomicUsize, Ordering};

use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use chrono::{DateTime, Duration, Utc};
use parlo_app::aws_sink::QueueSink;
use parlo_app::clock::Clock;
use parlo_app::messenger::Messenger;
use parlo_app::webhook::{Accepted, InboundSink};
use parlo_chat::agent::{Agent, AgentError, AgentReply, GreetingAgent, TurnContext};
use parlo_chat::turn::{derived_id, message_group_id, QueuedInbound, TurnOutcome, TurnProcessor};
use parlo_core::routing::Route;
use parlo_core::*;
use parlo_store::{BookRequest, DeliveryStatus, Store};
use parlo_tests::*;
use parlo_twilio::inbound::{InboundKind, InboundMessage, StatusCallback};

fn inbound(sid: &str, from: &str, to: &str, body: &str) -> InboundMessage {
    InboundMessage {
        message_sid: sid.to_string(),
        account_sid: Some("AC0".into()),
        // As WhatsApp delivers Mexican mobiles: legacy "1" after +52.
        from: format!("whatsapp:{}", from.replacen("+52", "+521", 1)),
        to: format!("whatsapp:{to}"),
        body: body.to_string(),
        kind: InboundKind::Text,
        profile_name: Some("Cliente".into()),
        media: vec![],
        latitude: None,
        longitude: None,
        button_payload: None,
        replied_to: None,
    }
}

fn sid() -> String {
    format!("SM{}", uuid::Uuid::new_v4().simple())
}

fn queued(m: InboundMessage) -> QueuedInbound {
    QueuedInbound {
        message: m,
        received_at: now(),
    }
}

fn processor<A: Agent>(store: &Store, central: &str, agent: A) -> TurnProcessor<A> {
    TurnProcessor {
        store: store.clone(),
        messenger: Messenger::Mock,
        agent,
        clock: Clock::Fixed(now()),
        central_number: central.to_string(),
    }
}

async fn replies_to(store: &Store, phone: &str) -> Vec<String> {
    // GSI reads are eventually consistent: give DynamoDB Local a moment.
    for _ in 0..20 {
        let out = store.outbox_to(phone, None, 100).await.unwrap();
        if !out.is_empty() {
            return out.into_iter().filter_map(|r| r.body).collect();
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    vec![]
}

#[tokio::test]
async fn case_5_customer_gets_a_reply_and_everything_is_persisted() {
    let store = store().await;
    let biz = create_business(&store, &BizSpec::default()).await;
    let number = biz.org.whatsapp_number.clone().unwrap();
    let customer = random_phone();
    let p = processor(&store, &random_phone(), GreetingAgent);
    let m = inbound(&sid(), &customer, &number, "Hola, quiero una cita");
    let outcome = p.process(&queued(m.clone())).await.unwrap();
    assert_eq!(
        outcome,
        TurnOutcome::Answered {
            route: Route::Customer { org_id: biz.id() },
            sent: 1,
            skipped: 0
        }
    );
    // The customer exists under their one E.164 identity (legacy "1" gone).
    let c = store
        .customer_by_phone(biz.id(), &customer)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.phone, customer);
    let conv = store
        .get_conversation(biz.id(), &customer)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(conv.kind, ConversationKind::Customer);
    assert_eq!(conv.customer_id, Some(c.id));
    let msgs = store
        .list_messages(biz.id(), conv.id, 10, None)
        .await
        .unwrap()
        .items;
    assert_eq!(msgs.len(), 2);
    assert_eq!(msgs[0].direction, Direction::Inbound);
    assert_eq!(msgs[0].content, "Hola, quiero una cita");
    assert_eq!(msgs[1].direction, Direction::Outbound);
    assert_eq!(msgs[1].sender_type, SenderType::Ai);
    let replies = replies_to(&store, &customer).await;
    assert_eq!(replies.len(), 1);
    assert!(replies[0].contains("Barbería Test"), "{replies:?}");
}

#[tokio::test]
async fn cases_3_and_4_staff_on_their_business_number() {
    let store = store().await;
    let biz = create_business(&store, &BizSpec::default()).await;
    let number = biz.org.whatsapp_number.clone().unwrap();
    let pedro = biz.staff[1].clone();
    assert!(pedro.first_message_at.is_none());
    let p = processor(&store, &random_phone(), GreetingAgent);

    let first = p
        .process(&queued(inbound(&sid(), &pedro.phone, &number, "Hola")))
        .await
        .unwrap();
    assert!(
        matches!(first, TurnOutcome::Answered { route: Route::StaffOnboarding { staff_id, .. }, .. } if staff_id == pedro.id)
    );
    let stored = store.get_staff(biz.id(), pedro.id).await.unwrap().unwrap();
    assert!(stored.first_message_at.is_some());

    let second = p
        .process(&queued(inbound(
            &sid(),
            &pedro.phone,
            &number,
            "¿Qué tengo hoy?",
        )))
        .await
        .unwrap();
    assert!(
        matches!(second, TurnOutcome::Answered { route: Route::BusinessManagement { staff_id, .. }, .. } if staff_id == pedro.id)
    );
    // Staff are never customers of their own business.
    assert!(store
        .customer_by_phone(biz.id(), &pedro.phone)
        .await
        .unwrap()
        .is_none());
    let conv = store
        .get_conversation(biz.id(), &pedro.phone)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(conv.kind, ConversationKind::Staff);
}

#[tokio::test]
async fn cases_1_2a_2b_on_the_central_number() {
    let store = store().await;
    let central = random_phone();
    let p = processor(&store, &central, GreetingAgent);

    // Case 1: a stranger starts onboarding; the business exists at once.
    let stranger = random_phone();
    let m = inbound(&sid(), &stranger, &central, "Hola, quiero usar Parlo");
    let outcome = p.process(&queued(m.clone())).await.unwrap();
    let Route::BusinessOnboarding {
        org_id: Some(new_org),
    } = route_of(&outcome)
    else {
        panic!("{outcome:?}")
    };
    let org = store.get_organization(new_org).await.unwrap().unwrap();
    assert_eq!(org.status, OrgStatus::Onboarding);
    let owners = store.staff_memberships(&stranger).await.unwrap();
    assert_eq!(owners.len(), 1);
    assert_eq!(owners[0].permission_level, PermissionLevel::Owner);
    // Their next message continues the same onboarding, no second business.
    let again = p
        .process(&queued(inbound(
            &sid(),
            &stranger,
            &central,
            "Barbería El Güero",
        )))
        .await
        .unwrap();
    assert_eq!(
        route_of(&again),
        Route::BusinessOnboarding {
            org_id: Some(new_org)
        }
    );
    assert_eq!(store.staff_memberships(&stranger).await.unwrap().len(), 1);

    // Case 2a: the owner of one active business manages it from central.
    let a = create_business(&store, &BizSpec::default()).await;
    let owner = a.staff[0].clone();
    let outcome = p
        .process(&queued(inbound(&sid(), &owner.phone, &central, "Hola")))
        .await
        .unwrap();
    assert_eq!(
        route_of(&outcome),
        Route::ManagementFromCentral {
            org_id: a.id(),
            staff_id: owner.id
        }
    );

    // Case 2b: staff of two businesses are sent to each business's number.
    let b = create_business(
        &store,
        &BizSpec {
            name: "Salón Bonita".into(),
            ..BizSpec::default()
        },
    )
    .await;
    let mut twin = b.staff[1].clone();
    twin.id = uuid::Uuid::new_v4();
    twin.phone = owner.phone.clone();
    store.create_staff(&twin).await.unwrap();
    let outcome = p
        .process(&queued(inbound(&sid(), &owner.phone, &central, "Hola")))
        .await
        .unwrap();
    assert!(
        matches!(route_of(&outcome), Route::RedirectToBusinesses { org_ids } if org_ids.len() == 2)
    );
    let replies = replies_to(&store, &owner.phone).await;
    let redirect = replies
        .iter()
        .find(|r| r.contains("varios negocios"))
        .expect("redirect message");
    assert!(
        redirect.contains(a.org.whatsapp_number.as_deref().unwrap()),
        "{redirect}"
    );
    assert!(redirect.contains("Salón Bonita"), "{redirect}");
}

fn route_of(outcome: &TurnOutcome) -> Route {
    match outcome {
        TurnOutcome::Answered { route, .. } => route.clone(),
        other => panic!("not answered: {other:?}"),
    }
}

#[tokio::test]
async fn unknown_numbers_are_dropped_and_suspended_businesses_answer_politely() {
    let store = store().await;
    let p = processor(&store, &random_phone(), GreetingAgent);
    let outcome = p
        .process(&queued(inbound(
            &sid(),
            &random_phone(),
            &random_phone(),
            "Hola",
        )))
        .await
        .unwrap();
    assert_eq!(outcome, TurnOutcome::Dropped("unknown_number"));

    let mut biz = create_business(&store, &BizSpec::default()).await;
    biz.org.status = OrgStatus::Suspended;
    store.update_organization(&biz.org).await.unwrap();
    let customer = random_phone();
    let outcome = p
        .process(&queued(inbound(
            &sid(),
            &customer,
            biz.org.whatsapp_number.as_deref().unwrap(),
            "Hola",
        )))
        .await
        .unwrap();
    assert_eq!(
        route_of(&outcome),
        Route::BusinessUnavailable { org_id: biz.id() }
    );
    assert!(store
        .customer_by_phone(biz.id(), &customer)
        .await
        .unwrap()
        .is_none());
    assert!(replies_to(&store, &customer).await[0].contains("no está recibiendo"));
}

#[tokio::test]
async fn redelivered_turn_sends_nothing_twice() {
    let store = store().await;
    let biz = create_business(&store, &BizSpec::default()).await;
    let number = biz.org.whatsapp_number.clone().unwrap();
    let customer = random_phone();
    let p = processor(&store, &random_phone(), GreetingAgent);
    let q = queued(inbound(&sid(), &customer, &number, "Hola"));
    p.process(&q).await.unwrap();
    for _ in 0..3 {
        let again = p.process(&q).await.unwrap();
        assert!(
            matches!(
                again,
                TurnOutcome::Answered {
                    sent: 0,
                    skipped: 1,
                    ..
                }
            ),
            "{again:?}"
        );
    }
    assert_eq!(replies_to(&store, &customer).await.len(), 1);
    let conv = store
        .get_conversation(biz.id(), &customer)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        store
            .list_messages(biz.id(), conv.id, 10, None)
            .await
            .unwrap()
            .items
            .len(),
        2
    );
}

/// Books through the store with an id derived from the message, then
/// fails the first time it runs: the redelivered turn must book once and
/// reply once.
struct BookThenCrash {
    runs: AtomicUsize,
    store: Store,
    service: ServiceId,
    start: DateTime<Utc>,
}

impl Agent for BookThenCrash {
    async fn respond(&self, turn: &TurnContext) -> Result<AgentReply, AgentError> {
        let customer = turn.customer.as_ref().expect("customer turn");
        let org = turn.business.as_ref().unwrap();
        let location = self.store.list_locations(org.id).await.unwrap()[0].id;
        let appt = self
            .store
            .book(&BookRequest {
                id: derived_id(&[&turn.message_sid, "booking"]),
                org_id: org.id,
                location_id: location,
                customer_id: customer.id,
                service_id: self.service,
                start: self.start,
                staff_pref: None,
                spot_pref: None,
                source: AppointmentSource::Whatsapp,
                status: AppointmentStatus::Confirmed,
                notes: None,
                now: turn.now,
            })
            .await
            .map_err(|e| AgentError(e.to_string()))?;
        if self.runs.fetch_add(1, Ordering::SeqCst) == 0 {
            return Err(AgentError("crashed after booking".into()));
        }
        Ok(AgentReply::text(format!(
            "¡Listo! Tu cita quedó a las {}",
            appt.start
        )))
    }
}

#[tokio::test]
async fn a_turn_failing_midway_books_once_and_replies_once_on_redelivery() {
    let store = store().await;
    let biz = create_business(&store, &BizSpec::default()).await;
    let number = biz.org.whatsapp_number.clone().unwrap();
    let customer = random_phone();
    let start = local(biz.tz, "2030-01-08", 11, 0);
    let p = processor(
        &store,
        &random_phone(),
        BookThenCrash {
            runs: AtomicUsize::new(0),
            store: store.clone(),
            service: biz.services[0].id,
            start,
        },
    );
    let q = queued(inbound(
        &sid(),
        &customer,
        &number,
        "Quiero un corte mañana a las 11",
    ));
    let err = p.process(&q).await.unwrap_err();
    assert!(err.is_retryable(), "{err}");
    assert!(replies_to(&store, &customer).await.is_empty());
    p.process(&q).await.unwrap();
    p.process(&q).await.unwrap();
    let c = store
        .customer_by_phone(biz.id(), &customer)
        .await
        .unwrap()
        .unwrap();
    let appointments = store
        .customer_appointments(biz.id(), c.id, None)
        .await
        .unwrap();
    assert_eq!(appointments.len(), 1, "{appointments:?}");
    assert_eq!(replies_to(&store, &customer).await.len(), 1);
}

#[tokio::test]
async fn handed_off_conversations_stay_silent_until_the_window_passes() {
    let store = store().await;
    let biz = create_business(&store, &BizSpec::default()).await;
    let number = biz.org.whatsapp_number.clone().unwrap();
    let customer = random_phone();
    let p = processor(&store, &random_phone(), GreetingAgent);
    p.process(&queued(inbound(&sid(), &customer, &number, "Hola")))
        .await
        .unwrap();
    let mut conv = store
        .get_conversation(biz.id(), &customer)
        .await
        .unwrap()
        .unwrap();
    conv.status = ConversationStatus::HandedOff;
    conv.handed_off_until = Some(now() + Duration::hours(24));
    store.put_conversation(&conv).await.unwrap();
    let silent = p
        .process(&queued(inbound(&sid(), &customer, &number, "¿Hola?")))
        .await
        .unwrap();
    assert_eq!(silent, TurnOutcome::HandedOff);
    // The customer's words are still stored for the humans to read.
    assert_eq!(
        store
            .list_messages(biz.id(), conv.id, 10, None)
            .await
            .unwrap()
            .items
            .len(),
        3
    );

    let later = TurnProcessor {
        clock: Clock::Fixed(now() + Duration::hours(25)),
        ..processor(&store, &p.central_number, GreetingAgent)
    };
    let back = later
        .process(&queued(inbound(&sid(), &customer, &number, "¿Siguen ahí?")))
        .await
        .unwrap();
    assert!(
        matches!(back, TurnOutcome::Answered { sent: 1, .. }),
        "{back:?}"
    );
}

fn sqs_record(id: &str, group: &str, body: &str) -> SqsMessage {
    let mut m = SqsMessage::default();
    m.message_id = Some(id.to_string());
    m.body = Some(body.to_string());
    m.attributes
        .insert("MessageGroupId".into(), group.to_string());
    m
}

/// An agent that fails for one given text.
struct FailOn(&'static str);

impl Agent for FailOn {
    async fn respond(&self, turn: &TurnContext) -> Result<AgentReply, AgentError> {
        if turn.text == self.0 {
            Err(AgentError("boom".into()))
        } else {
            Ok(AgentReply::text(format!("eco: {}", turn.text)))
        }
    }
}

#[tokio::test]
async fn a_failed_message_fails_the_rest_of_its_conversation_in_the_batch() {
    let store = store().await;
    let biz = create_business(&store, &BizSpec::default()).await;
    let number = biz.org.whatsapp_number.clone().unwrap();
    let (ana, beto) = (random_phone(), random_phone());
    let p = processor(&store, &random_phone(), FailOn("falla"));
    let msg = |from: &str, text: &str| queued(inbound(&sid(), from, &number, text));
    let records: Vec<SqsMessage> = [
        ("1", msg(&ana, "uno")),
        ("2", msg(&ana, "falla")),
        ("3", msg(&beto, "hola")),
        ("4", msg(&ana, "tres")),
    ]
    .into_iter()
    .map(|(id, q)| {
        sqs_record(
            id,
            &message_group_id(&q.message),
            &serde_json::to_string(&q).unwrap(),
        )
    })
    .chain([sqs_record("5", "g", "{not json")])
    .collect();
    let mut event = SqsEvent::default();
    event.records = records;
    let response = p.process_batch(event).await;
    let failed: Vec<String> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.clone())
        .collect();
    // "4" never ran (its conversation failed earlier in the batch); the
    // poison "5" fails every time, so SQS parks it in the DLQ; beto is
    // unaffected.
    assert_eq!(
        failed,
        vec!["2".to_string(), "4".to_string(), "5".to_string()]
    );
    assert_eq!(replies_to(&store, &ana).await, vec!["eco: uno".to_string()]);
    assert_eq!(
        replies_to(&store, &beto).await,
        vec!["eco: hola".to_string()]
    );
}

#[tokio::test]
async fn webhook_sink_records_once_enqueues_once_and_tracks_delivery() {
    let store = store().await;
    let sqs = sqs_client().await;
    let queue = sqs
        .create_queue()
        .queue_name(format!("parlo-test-{}.fifo", uuid::Uuid::new_v4().simple()))
        .attributes(aws_sdk_sqs::types::QueueAttributeName::FifoQueue, "true")
        .send()
        .await
        .expect("moto SQS at AWS_ENDPOINT_URL_SQS")
        .queue_url
        .unwrap();
    let sink = QueueSink {
        store: store.clone(),
        sqs: sqs.clone(),
        queue_url: queue.clone(),
    };
    let m = inbound(&sid(), &random_phone(), &random_phone(), "Hola");
    let mut results = vec![];
    for _ in 0..3 {
        results.push(sink.accept(&m, now()).await.unwrap());
    }
    assert_eq!(
        results,
        vec![Accepted::New, Accepted::Duplicate, Accepted::Duplicate]
    );
    let got = sqs
        .receive_message()
        .queue_url(&queue)
        .max_number_of_messages(10)
        .message_system_attribute_names(aws_sdk_sqs::types::MessageSystemAttributeName::All)
        .message_attribute_names("All")
        .send()
        .await
        .unwrap()
        .messages
        .unwrap_or_default();
    assert_eq!(got.len(), 1);
    let body: QueuedInbound = serde_json::from_str(got[0].body().unwrap()).unwrap();
    assert_eq!(body.message, m);
    let group = got[0]
        .attributes()
        .and_then(|a| a.get(&aws_sdk_sqs::types::MessageSystemAttributeName::MessageGroupId))
        .cloned();
    assert_eq!(group, Some(message_group_id(&m)));
    // The correlation id travels as a message attribute (outside a
    // webhook request's scope: the MessageSid itself).
    let correlation = got[0]
        .message_attributes()
        .and_then(|a| a.get(parlo_app::queue::CORRELATION_ATTRIBUTE))
        .and_then(|v| v.string_value().map(str::to_string));
    assert_eq!(correlation.as_deref(), Some(m.message_sid.as_str()));

    // Delivery statuses move a sent message forward, never back.
    let biz = create_business(&store, &BizSpec::default()).await;
    let customer = random_phone();
    let p = processor(&store, &random_phone(), GreetingAgent);
    p.process(&queued(inbound(
        &sid(),
        &customer,
        biz.org.whatsapp_number.as_deref().unwrap(),
        "Hola",
    )))
    .await
    .unwrap();
    let sent = store
        .outbox_to(&customer, None, 10)
        .await
        .unwrap()
        .remove(0);
    let provider = sent.provider_sid.clone().unwrap();
    for status in ["delivered", "sent", "read"] {
        let cb = StatusCallback {
            message_sid: provider.clone(),
            status: status.into(),
            error_code: None,
        };
        sink.delivery_status(&cb, now()).await.unwrap();
    }
    let after = store
        .outbox_to(&customer, None, 10)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(after.status, DeliveryStatus::Read);
}

/// Each record of a batch is one unit of work: one EMF line with its
/// outcome, DynamoDB requests and sends, under the correlation id the
/// webhook put on the queue message, which the outbox records carry too.
#[tokio::test]
async fn each_turn_emits_one_metrics_line_and_correlates_its_sends() {
    use parlo_telemetry::names;
    let store = store().await;
    let biz = create_business(&store, &BizSpec::default()).await;
    let number = biz.org.whatsapp_number.clone().unwrap();
    let customer = random_phone();
    let p = processor(&store, &random_phone(), FailOn("falla"));
    let ok = queued(inbound(&sid(), &customer, &number, "hola"));
    let fails = queued(inbound(&sid(), &random_phone(), &number, "falla"));
    let mut with_attribute = sqs_record(
        "1",
        &message_group_id(&ok.message),
        &serde_json::to_string(&ok).unwrap(),
    );
    let mut attribute = aws_lambda_events::event::sqs::SqsMessageAttribute::default();
    attribute.string_value = Some(format!("corr-{}", ok.message.message_sid));
    attribute.data_type = Some("String".into());
    with_attribute
        .message_attributes
        .insert(parlo_app::queue::CORRELATION_ATTRIBUTE.into(), attribute);
    let mut event = SqsEvent::default();
    event.records = vec![
        with_attribute,
        sqs_record(
            "2",
            &message_group_id(&fails.message),
            &serde_json::to_string(&fails).unwrap(),
        ),
        sqs_record("3", "g", "{not json"),
    ];
    parlo_telemetry::capture_on_this_thread();
    p.process_batch(event).await;
    let lines: Vec<serde_json::Value> = parlo_telemetry::take_captured()
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "one line per record");
    let n = |i: usize, name: &str| lines[i][name].as_f64().unwrap_or(-1.0);
    for line in &lines {
        assert_eq!(line["Service"], "turn");
        assert_eq!(
            line["_aws"]["CloudWatchMetrics"][0]["Dimensions"],
            serde_json::json!([["Service"], []])
        );
    }
    let expected_id = format!("corr-{}", ok.message.message_sid);
    assert_eq!(lines[0]["correlation_id"], expected_id.as_str());
    assert_eq!(
        (
            n(0, names::TURNS_PROCESSED),
            n(0, names::TURNS_FAILED),
            n(0, names::TURNS_POISONED)
        ),
        (1.0, 0.0, 0.0)
    );
    assert_eq!(n(0, names::SENDS_SENT), 1.0);
    assert_eq!(n(0, names::SEND_PATH_TEXT), 1.0);
    assert!(n(0, names::DYNAMODB_REQUESTS) >= 5.0, "{}", lines[0]);
    assert!(n(0, names::TURN_DURATION) >= 0.0);
    // Without the attribute the MessageSid is the id.
    assert_eq!(
        lines[1]["correlation_id"],
        fails.message.message_sid.as_str()
    );
    assert_eq!(
        (n(1, names::TURNS_FAILED), n(1, names::TURNS_POISONED)),
        (1.0, 0.0)
    );
    assert_eq!(
        (n(2, names::TURNS_FAILED), n(2, names::TURNS_POISONED)),
        (0.0, 1.0)
    );
    // No phone number anywhere in the metrics.
    assert!(!lines.iter().any(|l| l.to_string().contains(&customer[3..])));

    assert_eq!(replies_to(&store, &customer).await.len(), 1);
    let sent = store.outbox_to(&customer, None, 10).await.unwrap();
    assert_eq!(
        sent[0].correlation_id.as_deref(),
        Some(expected_id.as_str())
    );
}

async fn sqs_client() -> aws_sdk_sqs::Client {
    let endpoint =
        std::env::var("AWS_ENDPOINT_URL_SQS").unwrap_or_else(|_| "http://127.0.0.1:5000".into());
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_sdk_sqs::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_sqs::config::Credentials::new(
            "local", "local", None, None, "tests",
        ))
        .load()
        .await;
    aws_sdk_sqs::Client::from_conf(
        aws_sdk_sqs::config::Builder::from(&sdk)
            .endpoint_url(endpoint)
            .build(),
    )
}
