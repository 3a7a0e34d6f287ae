//! The services layer is the one writer: the same change through any door
//! (the tools the rule agent and the LLM agent call, the LLM agent behind a
//! scripted OpenAI-compatible server, the dashboard API) tells the same
//! people, records the same activity and syncs the same schedules; and the
//! one outbox applies the 24-hour message policy and its lease.

#[path = "api_helpers.rs"]
mod helpers;

use chrono::Duration;
use helpers::*;
use parlo_app::clock::Clock;
use parlo_app::config::LlmConfig;
use parlo_app::messenger::Messenger;
use parlo_app::services::{Delivery, MessageKind, Outbox, Outgoing, Templates};
use parlo_chat::agent::llm::TurnAgent;
use parlo_chat::agent::rules::RuleAgent;
use parlo_chat::tools::*;
use parlo_chat::turn::{QueuedInbound, TurnProcessor};
use parlo_core::*;
use parlo_store::{DeliveryStatus, OutboxRecord, Store};
use parlo_tests::*;
use serde_json::json;
use uuid::Uuid;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn outbox(store: &Store, to: &str) -> Vec<OutboxRecord> {
    store.outbox_to(to, None, 100).await.expect("outbox")
}

/// Who got a message about this business's appointment, by kind, sorted.
async fn told(store: &Store, biz: &Biz, customer: &Customer) -> Vec<(String, String)> {
    let mut who = Vec::new();
    let people = biz
        .staff
        .iter()
        .map(|s| {
            (
                format!("staff{}", &s.name[s.name.len() - 2..]),
                s.phone.clone(),
            )
        })
        .chain([("customer".to_string(), customer.phone.clone())]);
    for (name, phone) in people {
        for r in outbox(store, &phone).await {
            who.push((name.clone(), r.kind.unwrap_or_default()));
        }
    }
    who.sort();
    who
}

async fn activity_kinds(store: &Store, biz: &Biz) -> Vec<String> {
    let all = store
        .activity_since(now() - Duration::days(400))
        .await
        .expect("activity");
    let mut kinds: Vec<String> = all
        .iter()
        .filter(|a| a.org_id == Some(biz.id()))
        .map(|a| {
            serde_json::to_value(a.kind)
                .unwrap()
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    kinds.sort();
    kinds
}

fn tools(store: &Store) -> Tools {
    Tools::new(
        store.clone(),
        now(),
        format!("SM{}", Uuid::new_v4().simple()),
    )
}

fn customer_actor(biz: &Biz, c: &Customer) -> Actor {
    Actor::Customer {
        org: biz.id(),
        customer: c.id,
    }
}

/// The customer's own booking, move and cancel: owners and the assigned
/// staff member are told, never the customer; one activity entry each.
#[tokio::test]
async fn a_customers_changes_tell_the_owner_and_the_assigned_staff_member() {
    let store = store().await;
    let biz = create_business(&store, &BizSpec::default()).await;
    let ana = biz.customer(&store, "Ana López").await;
    let me = customer_actor(&biz, &ana);
    let booked = tools(&store)
        .book_appointment(
            &me,
            &BookAppointmentArgs {
                service: "Corte".into(),
                start: "2030-01-08T11:00".into(),
                staff: Some(biz.staff[1].name.clone()),
            },
        )
        .await
        .expect("booked");
    let moved = tools(&store)
        .reschedule_appointment(
            &me,
            &RescheduleAppointmentArgs {
                appointment_id: booked.appointment_id.to_string(),
                new_start: "2030-01-08T12:00".into(),
                staff: None,
            },
        )
        .await
        .expect("moved");
    tools(&store)
        .cancel_appointment(
            &me,
            &CancelAppointmentArgs {
                appointment_id: moved.appointment_id.to_string(),
                reason: None,
            },
        )
        .await
        .expect("cancelled");
    let expected: Vec<(String, String)> = [
        ("staff00", "team_booking"),
        ("staff00", "team_cancellation"),
        ("staff00", "team_move"),
        ("staff01", "team_booking"),
        ("staff01", "team_cancellation"),
        ("staff01", "team_move"),
    ]
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .into();
    assert_eq!(told(&store, &biz, &ana).await, expected);
    assert_eq!(
        activity_kinds(&store, &biz).await,
        ["booking", "cancellation", "reschedule"]
    );
    let to_owner = outbox(&store, &biz.staff[0].phone).await;
    assert!(
        to_owner
            .iter()
            .any(|r| r.body.as_deref().unwrap().contains("Ana López")),
        "{to_owner:?}"
    );
}

/// The same changes made by the business — through the staff tools (rule
/// and LLM agents) and through the dashboard API — tell the customer and
/// the assigned staff member when it is not them, the same way.
#[tokio::test]
async fn the_business_changes_tell_the_customer_the_same_from_the_chat_and_the_api() {
    let store = store().await;
    let api = api(&store);
    let mut results = Vec::new();
    for door in ["chat", "api"] {
        let biz = create_business(&store, &BizSpec::default()).await;
        let rosa = biz.customer(&store, "Rosa Díaz").await;
        // Booked by the customer, then moved, attended and another
        // cancelled by the owner (staff 0), for staff 1's agenda.
        let first = store
            .book(&parlo_store::BookRequest {
                staff_pref: Some(biz.staff[1].id),
                ..biz.booking(biz.service("Corte"), rosa.id, utc("2030-01-08T17:00:00Z"))
            })
            .await
            .unwrap();
        let second = store
            .book(&parlo_store::BookRequest {
                staff_pref: Some(biz.staff[1].id),
                ..biz.booking(biz.service("Corte"), rosa.id, utc("2030-01-09T17:00:00Z"))
            })
            .await
            .unwrap();
        if door == "chat" {
            let owner = Actor::Staff {
                org: biz.id(),
                staff: biz.staff[0].id,
            };
            tools(&store)
                .reschedule_customer_appointment(
                    &owner,
                    &RescheduleAppointmentArgs {
                        appointment_id: first.id.to_string(),
                        new_start: "2030-01-08T13:00".into(),
                        staff: None,
                    },
                )
                .await
                .expect("moved");
            tools(&store)
                .mark_appointment_status(
                    &owner,
                    &MarkStatusArgs {
                        appointment_id: first.id.to_string(),
                        status: AttendanceStatus::NoShow,
                    },
                )
                .await
                .expect("no-show");
            tools(&store)
                .cancel_customer_appointment(
                    &owner,
                    &CancelAppointmentArgs {
                        appointment_id: second.id.to_string(),
                        reason: None,
                    },
                )
                .await
                .expect("cancelled");
        } else {
            let owner = helpers::owner(&api, &biz).await;
            let (s, v) = owner
                .patch(
                    &format!("/api/v1/appointments/{}", first.id),
                    json!({"start": "2030-01-08T19:00:00Z"}),
                )
                .await;
            assert_eq!(s, 200, "{v}");
            let (s, v) = owner
                .post(
                    &format!("/api/v1/appointments/{}/no-show", first.id),
                    json!({}),
                )
                .await;
            assert_eq!(s, 200, "{v}");
            let (s, v) = owner
                .post(
                    &format!("/api/v1/appointments/{}/cancel", second.id),
                    json!({}),
                )
                .await;
            assert_eq!(s, 200, "{v}");
        }
        results.push((
            told(&store, &biz, &rosa).await,
            activity_kinds(&store, &biz).await,
        ));
    }
    let expected_told: Vec<(String, String)> = [
        ("customer", "appointment_cancelled"),
        ("customer", "appointment_moved"),
        ("staff01", "team_cancellation"),
        ("staff01", "team_move"),
    ]
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .into();
    assert_eq!(results[0].0, expected_told, "chat");
    assert_eq!(results[1].0, expected_told, "api");
    assert_eq!(results[0].1, ["attendance", "cancellation", "reschedule"]);
    assert_eq!(results[0].1, results[1].1);
}

/// A booking through the LLM agent (a scripted OpenAI-compatible model,
/// the real client) tells the owner and the assigned staff member, as the
/// rule agent's booking does.
#[tokio::test]
async fn a_booking_through_the_llm_tells_the_owner_like_the_rule_agent() {
    let store = store().await;
    let biz = create_business(&store, &BizSpec::default()).await;
    let server = MockServer::start().await;
    let call = json!({"id": "c1", "object": "chat.completion", "created": 1, "model": "m",
        "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {"role": "assistant", "content": null,
        "tool_calls": [{"id": "t1", "type": "function", "function": {"name": "book_appointment",
        "arguments": format!(r#"{{"service": "corte", "start": "2030-01-08T11:00", "staff": "{}"}}"#, biz.staff[1].name)}}]}}]});
    let done = json!({"id": "c2", "object": "chat.completion", "created": 1, "model": "m",
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "¡Listo!"}}]});
    // Two turns (issue #12: the model's booking is a proposal the
    // customer's yes commits): book, answer; book again, answer.
    for (body, times) in [
        (&call, Some(1)),
        (&done, Some(1)),
        (&call, Some(1)),
        (&done, None),
    ] {
        let mock = Mock::given(method("POST"))
            .and(path("/v1/chat/completions"))
            .respond_with(ResponseTemplate::new(200).set_body_json(body.clone()));
        match times {
            Some(n) => mock.up_to_n_times(n).mount(&server).await,
            None => mock.mount(&server).await,
        }
    }
    let config = LlmConfig::from_vars(|n| match n {
        "OPENAI_API_KEY" => Some("test-key".into()),
        "OPENAI_BASE_URL" => Some(format!("{}/v1", server.uri())),
        _ => None,
    });
    let processor = TurnProcessor {
        store: store.clone(),
        messenger: Messenger::Mock,
        agent: TurnAgent::from_config(RuleAgent::new(store.clone()), config),
        clock: Clock::Fixed(now()),
        central_number: random_phone(),
    };
    let phone = random_phone();
    let inbound = |body: &str, at| QueuedInbound {
        message: parlo_twilio::inbound::InboundMessage {
            message_sid: format!("SM{}", Uuid::new_v4().simple()),
            account_sid: Some("AC1".into()),
            from: format!("whatsapp:{phone}"),
            to: format!("whatsapp:{}", biz.org.whatsapp_number.clone().unwrap()),
            body: body.into(),
            profile_name: Some("Luis".into()),
            kind: parlo_twilio::inbound::InboundKind::Text,
            media: vec![],
            button_payload: None,
            replied_to: None,
            latitude: None,
            longitude: None,
        },
        received_at: at,
    };
    processor
        .process(&inbound("quiero un corte mañana a las 11", now()))
        .await
        .expect("turn");
    let later = now() + chrono::Duration::minutes(1);
    let processor = TurnProcessor {
        clock: Clock::Fixed(later),
        ..processor
    };
    processor
        .process(&inbound("sí", later))
        .await
        .expect("yes turn");
    let luis = store
        .customer_by_phone(biz.id(), &phone)
        .await
        .unwrap()
        .expect("customer");
    let expected: Vec<(String, String)> = [
        ("customer", "reply"),
        ("customer", "reply"),
        ("staff00", "team_booking"),
        ("staff01", "team_booking"),
    ]
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .into();
    assert_eq!(told(&store, &biz, &luis).await, expected);
    assert_eq!(activity_kinds(&store, &biz).await, ["booking"]);
}

fn outgoing<'a>(
    biz: &'a Biz,
    to: &str,
    kind: MessageKind,
    conv: Option<&'a Conversation>,
) -> Outgoing<'a> {
    Outgoing {
        org_id: Some(biz.id()),
        timezone: &biz.org.timezone,
        vars: (1..=8).map(|i| format!("v{i}")).collect(),
        conversation: conv,
        ..Outgoing::new(
            format!("k:{}", Uuid::new_v4()),
            kind,
            biz.org.whatsapp_number.clone().unwrap(),
            to,
            "texto libre",
            now(),
        )
    }
}

/// For every business-initiated kind: window open → text; closed → its
/// template with its variables; no template configured → recorded as not
/// sendable with a reason, and nothing handed to the provider.
#[tokio::test]
async fn every_business_message_kind_follows_the_24_hour_policy() {
    let store = store().await;
    let biz = create_business(&store, &BizSpec::default()).await;
    let with = Outbox {
        store: store.clone(),
        messenger: Messenger::Mock,
        templates: Templates::local(),
        central_number: random_phone(),
    };
    let without = Outbox {
        templates: Templates::default(),
        ..with.clone()
    };
    let conv = |last: chrono::DateTime<chrono::Utc>| Conversation {
        id: Uuid::new_v4(),
        org_id: biz.id(),
        kind: ConversationKind::Customer,
        peer_phone: String::new(),
        customer_id: None,
        staff_id: None,
        status: ConversationStatus::Active,
        handed_off_until: None,
        context: serde_json::Value::Null,
        created_at: last,
        updated_at: last,
        last_message_at: last,
    };
    let open = conv(now() - Duration::hours(23));
    let closed = conv(now() - Duration::hours(25));
    for kind in MessageKind::BUSINESS_INITIATED {
        let to = random_phone();
        let d = with
            .deliver(outgoing(&biz, &to, kind, Some(&open)))
            .await
            .unwrap();
        assert!(matches!(d, Delivery::Sent(_)), "{kind:?}");
        assert_eq!(d.record().path.as_deref(), Some("text"));
        assert_eq!(d.record().body.as_deref(), Some("texto libre"));

        let d = with
            .deliver(outgoing(&biz, &to, kind, Some(&closed)))
            .await
            .unwrap();
        let r = d.record();
        assert_eq!(r.path.as_deref(), Some("template"), "{kind:?}");
        assert!(r.content_sid.as_deref().unwrap().starts_with("HXlocal"));
        let vars: serde_json::Value =
            serde_json::from_str(r.content_variables.as_deref().unwrap()).unwrap();
        assert_eq!(vars["1"], "v1");
        assert!(r.body.as_deref().unwrap().contains("v1"), "{:?}", r.body);
        assert!(!r.body.as_deref().unwrap().contains("{{"), "{:?}", r.body);

        // Nobody has written from this number at all: closed.
        let d = without
            .deliver(outgoing(&biz, &to, kind, None))
            .await
            .unwrap();
        assert!(matches!(d, Delivery::NotSendable(_)), "{kind:?}");
        assert_eq!(d.record().status, DeliveryStatus::NotSendable);
        assert_eq!(
            d.record().error_code.as_deref(),
            Some("outside_24h_window_no_template")
        );
        assert_eq!(d.record().provider_sid, None, "nothing handed over");
    }
}

/// Two concurrent dashboard sends with one client_id → one message.
#[tokio::test]
async fn two_concurrent_dashboard_sends_with_one_client_id_send_once() {
    let store = store().await;
    let biz = create_business(&store, &BizSpec::default()).await;
    let api = api(&store);
    let rosa = biz.customer(&store, "Rosa").await;
    let conv = Conversation {
        id: Uuid::new_v4(),
        org_id: biz.id(),
        kind: ConversationKind::Customer,
        peer_phone: rosa.phone.clone(),
        customer_id: Some(rosa.id),
        staff_id: None,
        status: ConversationStatus::Active,
        handed_off_until: None,
        context: serde_json::Value::Null,
        created_at: now(),
        updated_at: now(),
        last_message_at: now() - Duration::minutes(5),
    };
    store.create_conversation(&conv).await.unwrap();
    let owner = helpers::owner(&api, &biz).await;
    let path = format!("/api/v1/conversations/{}/messages", conv.id);
    let body = json!({"body": "¡Te esperamos!", "client_id": "same-click"});
    let (a, b) = tokio::join!(
        owner.post(&path, body.clone()),
        owner.post(&path, body.clone())
    );
    assert_eq!((a.0, b.0), (201, 201), "{a:?} {b:?}");
    let sent = outbox(&store, &rosa.phone).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    let history = store.recent_messages(biz.id(), conv.id, 10).await.unwrap();
    assert_eq!(history.len(), 1, "{history:?}");
}

/// A reply «hola» as a claim would record it (mock mode), not yet sent.
fn pending_reply(
    org: OrgId,
    key: &str,
    to: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> OutboxRecord {
    OutboxRecord {
        key: key.to_string(),
        org_id: Some(org),
        conversation_id: None,
        to: to.to_string(),
        from: "+1".into(),
        body: Some("hola".into()),
        content_sid: None,
        content_variables: None,
        status: DeliveryStatus::Pending,
        provider_sid: None,
        error_code: None,
        mock: true,
        created_at: at,
        updated_at: at,
        seq: String::new(),
        kind: Some("reply".into()),
        path: Some("text".into()),
        lease_until_ms: 0,
        correlation_id: None,
    }
}

/// A crash between the provider call and the mark leaves the claim
/// pending: within the lease a retry sends nothing (in flight); after it,
/// the retry sends again — documented at-least-once for that one window.
#[tokio::test]
async fn a_crash_between_send_and_mark_is_retried_after_the_lease() {
    let store = store().await;
    let biz = create_business(&store, &BizSpec::default()).await;
    let to = random_phone();
    let key = format!("crash:{}", Uuid::new_v4());
    // The crashed attempt: claimed, never marked.
    let t0 = now();
    let claim = pending_reply(biz.id(), &key, &to, t0);
    assert!(matches!(
        store.claim_outbox(&claim).await.unwrap(),
        parlo_store::Claim::Send(_)
    ));
    let outbox = Outbox::mock(store.clone());
    let retry = |at| Outgoing {
        org_id: Some(biz.id()),
        ..Outgoing::new(
            key.clone(),
            MessageKind::Reply,
            "+1",
            to.clone(),
            "hola",
            at,
        )
    };
    let soon = outbox
        .deliver(retry(t0 + Duration::seconds(5)))
        .await
        .unwrap();
    assert!(matches!(soon, Delivery::InFlight(_)), "{soon:?}");
    let later = outbox
        .deliver(retry(t0 + Duration::seconds(31)))
        .await
        .unwrap();
    assert!(matches!(later, Delivery::Sent(_)), "{later:?}");
    let again = outbox
        .deliver(retry(t0 + Duration::seconds(90)))
        .await
        .unwrap();
    assert!(matches!(again, Delivery::AlreadySent(_)), "{again:?}");
}

/// A turn's messages are claimed together with its saved replies and
/// marked together; the joint claim of a turn that ran before writes
/// nothing (the one-by-one path then finds each key), and a crash after the
/// joint claim leaves claims that a retry sends once after the lease.
#[tokio::test]
async fn a_turns_messages_are_claimed_and_marked_together_and_retried_one_by_one() {
    let store = store().await;
    let biz = create_business(&store, &BizSpec::default()).await;
    let outbox = Outbox::mock(store.clone());
    let (customer, owner) = (random_phone(), random_phone());
    let sid = format!("SM{}", Uuid::new_v4().simple());
    let t0 = now();
    let out = |key: String, to: &str, at| Outgoing {
        org_id: Some(biz.id()),
        conversation_read: true,
        ..Outgoing::new(key, MessageKind::Reply, "+1", to, "hola", at)
    };
    let keys = [format!("{sid}#0"), format!("{sid}:appt:notice")];
    let replies = vec!["hola".to_string()];
    let before = store.requests();
    let results = outbox
        .deliver_all(
            vec![
                out(keys[0].clone(), &customer, t0),
                out(keys[1].clone(), &owner, t0),
            ],
            Some((sid.as_str(), &replies)),
            &[],
            &Default::default(),
        )
        .await
        .unwrap()
        .expect("the first run claims jointly");
    assert_eq!(
        store.requests() - before,
        2,
        "one joint claim, one joint mark"
    );
    assert!(
        results.iter().all(|r| matches!(r, Ok(Delivery::Sent(_)))),
        "{results:?}"
    );
    let saved: Option<Vec<String>> = store.turn_replies(&sid).await.unwrap();
    assert_eq!(saved, Some(replies.clone()), "saved with the claims");
    // A retried run: the joint claim writes nothing, each key is found;
    // the run's activity entry is recorded all the same, once.
    let entry = parlo_store::Activity {
        id: Uuid::new_v4(),
        kind: parlo_store::ActivityKind::Booking,
        org_id: Some(biz.id()),
        summary: format!("cita agendada {sid}"),
        at: t0,
    };
    let again = outbox
        .deliver_all(
            vec![out(keys[0].clone(), &customer, t0)],
            Some((sid.as_str(), &replies)),
            std::slice::from_ref(&entry),
            &Default::default(),
        )
        .await
        .unwrap();
    assert!(again.is_none(), "{again:?}");
    let feed = store
        .activity_since(t0 - Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(
        feed.iter().filter(|a| a.id == entry.id).count(),
        1,
        "the entry is recorded when the joint claim does not go through"
    );
    let one = outbox
        .deliver(out(keys[0].clone(), &customer, t0))
        .await
        .unwrap();
    assert!(matches!(one, Delivery::AlreadySent(_)), "{one:?}");
    // A run that died after its joint claim: nothing went out; a retry
    // within the lease waits, one after it sends once.
    let crashed_sid = format!("SM{}", Uuid::new_v4().simple());
    let crashed = store
        .claim_outbox_all(
            &[pending_reply(
                biz.id(),
                &format!("{crashed_sid}#0"),
                &customer,
                t0,
            )],
            Some((crashed_sid.as_str(), &replies)),
            &[],
            &Default::default(),
        )
        .await
        .unwrap();
    assert!(crashed.is_some());
    let retry = |at| out(format!("{crashed_sid}#0"), &customer, at);
    let soon = outbox
        .deliver(retry(t0 + Duration::seconds(5)))
        .await
        .unwrap();
    assert!(matches!(soon, Delivery::InFlight(_)), "{soon:?}");
    let later = outbox
        .deliver(retry(t0 + Duration::seconds(31)))
        .await
        .unwrap();
    assert!(matches!(later, Delivery::Sent(_)), "{later:?}");
    let last = outbox
        .deliver(retry(t0 + Duration::seconds(90)))
        .await
        .unwrap();
    assert!(matches!(last, Delivery::AlreadySent(_)), "{last:?}");
}

/// A review request opened the rating flow; with the LLM agent configured
/// the customer's «5» is still stored as the rating (the flow's owner, the
/// rule agent, answers it).
/// A turn's own state (its flow, the name the customer gave) is written
/// with its joint claim: all of it or none. When someone changed the
/// customer meanwhile the claim writes nothing, and the state written
/// alone keeps the name they set and still moves the flow on.
#[tokio::test]
async fn a_turns_flow_and_name_land_with_its_replies_or_not_at_all() {
    use parlo_app::services::{Act, By, Door, Services};
    let store = store().await;
    let biz = create_business(&store, &BizSpec::default()).await;
    let services = Services::mock(store.clone());
    let t0 = now();
    let phone = random_phone();
    let (before, _) = store
        .get_or_create_customer(biz.id(), &phone, None, t0)
        .await
        .unwrap();
    let conversation = parlo_app::services::conversations::conversation_id(biz.id(), &phone);
    let act = |sid: &str| Act::new(By::Customer(before.id), Door::Chat, sid, t0);
    let replies = vec!["listo".to_string()];
    // The first turn: a name and a flow step, claimed with its reply.
    let sid = format!("SM{}", Uuid::new_v4().simple());
    let deferred = parlo_app::services::DeferredWrites::default();
    let named = services
        .deferring(deferred.clone())
        .confirm_own_name(&act(&sid), &before, "Rosa Díaz")
        .await
        .unwrap();
    assert_eq!(named.name.as_deref(), Some("Rosa Díaz"));
    assert_eq!(
        store
            .get_customer(biz.id(), before.id)
            .await
            .unwrap()
            .unwrap()
            .name,
        None,
        "not written before the turn's claim"
    );
    let mut state = std::mem::take(&mut deferred.lock().unwrap().state);
    state.flow = Some(parlo_store::FlowWrite::Save(FlowSession {
        org_id: biz.id(),
        conversation_id: conversation,
        flow_type: FlowType::Booking,
        state: "confirming".into(),
        collected_data: json!({"service": "Corte"}),
        created_at: t0,
        updated_at: t0,
    }));
    let claimed = store
        .claim_outbox_all(
            &[pending_reply(biz.id(), &format!("{sid}#0"), &phone, t0)],
            Some((sid.as_str(), &replies)),
            &[],
            &state,
        )
        .await
        .unwrap();
    assert!(claimed.is_some());
    let stored = store
        .customer_by_phone(biz.id(), &phone)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.name.as_deref(),
        Some("Rosa Díaz"),
        "the sentinel's copy too"
    );
    assert!(store
        .get_flow(biz.id(), conversation)
        .await
        .unwrap()
        .is_some());
    // The next turn: another name, the flow ended; the owner renames the
    // customer on the web in between.
    let sid2 = format!("SM{}", Uuid::new_v4().simple());
    let deferred = parlo_app::services::DeferredWrites::default();
    services
        .deferring(deferred.clone())
        .confirm_own_name(&act(&sid2), &stored, "Rosa María Díaz")
        .await
        .unwrap();
    let mut state = std::mem::take(&mut deferred.lock().unwrap().state);
    state.flow = Some(parlo_store::FlowWrite::End {
        org: biz.id(),
        conversation,
    });
    let mut by_owner = stored.clone();
    by_owner.name = Some("Rosita (clienta frecuente)".into());
    by_owner.updated_at = t0 + Duration::seconds(1);
    store.update_customer(&by_owner).await.unwrap();
    let claimed = store
        .claim_outbox_all(
            &[pending_reply(biz.id(), &format!("{sid2}#0"), &phone, t0)],
            Some((sid2.as_str(), &replies)),
            &[],
            &state,
        )
        .await
        .unwrap();
    assert!(claimed.is_none(), "a stale customer fails the whole claim");
    assert!(
        store
            .get_flow(biz.id(), conversation)
            .await
            .unwrap()
            .is_some(),
        "nothing of the claim was written"
    );
    assert!(store
        .turn_replies::<Vec<String>>(&sid2)
        .await
        .unwrap()
        .is_none());
    services
        .write_turn_state(&act(&sid2), &state)
        .await
        .unwrap();
    let kept = store
        .get_customer(biz.id(), before.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        kept.name.as_deref(),
        Some("Rosita (clienta frecuente)"),
        "the name set meanwhile wins"
    );
    assert!(
        store
            .get_flow(biz.id(), conversation)
            .await
            .unwrap()
            .is_none(),
        "the flow moved on"
    );
}

#[tokio::test]
async fn a_review_answered_with_the_llm_on_stores_the_rating() {
    let store = store().await;
    let biz = create_business(&store, &BizSpec::default()).await;
    let server = MockServer::start().await; // answers nothing: must not be asked
    let config = LlmConfig::from_vars(|n| match n {
        "OPENAI_API_KEY" => Some("test-key".into()),
        "OPENAI_BASE_URL" => Some(format!("{}/v1", server.uri())),
        _ => None,
    });
    let phone = random_phone();
    let (customer, _) = store
        .get_or_create_customer(biz.id(), &phone, Some("Ana"), now())
        .await
        .unwrap();
    let appt = store
        .book(&biz.booking(
            biz.service("Corte"),
            customer.id,
            now() + Duration::hours(2),
        ))
        .await
        .unwrap();
    let conv = Conversation {
        id: Uuid::new_v4(),
        org_id: biz.id(),
        kind: ConversationKind::Customer,
        peer_phone: phone.clone(),
        customer_id: Some(customer.id),
        staff_id: None,
        status: ConversationStatus::Active,
        handed_off_until: None,
        context: serde_json::Value::Null,
        created_at: now(),
        updated_at: now(),
        last_message_at: now() - Duration::hours(30),
    };
    store.create_conversation(&conv).await.unwrap();
    store
        .put_flow(&FlowSession {
            org_id: biz.id(),
            conversation_id: conv.id,
            flow_type: FlowType::Rating,
            state: "awaiting_rating".into(),
            collected_data: json!({"appointment_id": appt.id.to_string()}),
            created_at: now(),
            updated_at: now(),
        })
        .await
        .unwrap();
    let processor = TurnProcessor {
        store: store.clone(),
        messenger: Messenger::Mock,
        agent: TurnAgent::from_config(RuleAgent::new(store.clone()), config),
        clock: Clock::Fixed(now()),
        central_number: random_phone(),
    };
    processor
        .process(&QueuedInbound {
            message: parlo_twilio::inbound::InboundMessage {
                message_sid: format!("SM{}", Uuid::new_v4().simple()),
                account_sid: Some("AC1".into()),
                from: format!("whatsapp:{phone}"),
                to: format!("whatsapp:{}", biz.org.whatsapp_number.clone().unwrap()),
                body: "5".into(),
                profile_name: None,
                kind: parlo_twilio::inbound::InboundKind::Text,
                media: vec![],
                button_payload: None,
                replied_to: None,
                latitude: None,
                longitude: None,
            },
            received_at: now(),
        })
        .await
        .expect("turn");
    let rated = store
        .get_appointment(biz.id(), appt.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rated.rating, Some(5));
    assert!(server.received_requests().await.unwrap().is_empty());
}

/// The services layer reads what it needs once: booking through the tools
/// stays within a small, bounded number of DynamoDB requests.
#[tokio::test]
async fn a_booking_tool_call_stays_within_its_request_budget() {
    let store = store().await;
    let biz = create_business(&store, &BizSpec::default()).await;
    let ana = biz.customer(&store, "Ana").await;
    let t = tools(&store);
    let me = customer_actor(&biz, &ana);
    // The turn's first read of the business.
    t.get_customer_appointments(&me).await.unwrap();
    let before = store.requests();
    t.book_appointment(
        &me,
        &BookAppointmentArgs {
            service: "Corte".into(),
            start: "2030-01-08T11:00".into(),
            staff: None,
        },
    )
    .await
    .unwrap();
    let used = store.requests() - before;
    // The customer's open appointments (the cap), ledgers + transaction
    // (+ the service-in-use marker), the customer (for the notices' words),
    // per notice the window lookup, the claim and the mark; the activity.
    assert!(used <= 16, "{used} DynamoDB requests");
}

/// DynamoDB requests of three typical turns through the real turn
/// processor and the rule agent, counted by the store's SDK interceptor
/// (the figure the turn logs as `dynamodb_requests`).
/// One WhatsApp message from `from` to the business's `number` at `at`,
/// through the turn processor with the rule agent (mock sending).
async fn message_at(
    store: &Store,
    number: &str,
    from: &str,
    body: &str,
    at: chrono::DateTime<chrono::Utc>,
) {
    let processor = TurnProcessor {
        store: store.clone(),
        messenger: Messenger::Mock,
        agent: RuleAgent::new(store.clone()),
        clock: Clock::Fixed(at),
        central_number: "+525500000000".into(),
    };
    let queued = QueuedInbound {
        message: parlo_twilio::inbound::InboundMessage {
            message_sid: format!("SM{}", Uuid::new_v4().simple()),
            account_sid: Some("AC1".into()),
            from: format!("whatsapp:{from}"),
            to: format!("whatsapp:{number}"),
            body: body.into(),
            profile_name: None,
            kind: parlo_twilio::inbound::InboundKind::Text,
            media: vec![],
            button_payload: None,
            replied_to: None,
            latitude: None,
            longitude: None,
        },
        received_at: at,
    };
    processor.process(&queued).await.expect("turn");
}

#[tokio::test]
async fn dynamodb_requests_per_turn_stay_bounded() {
    // PARLO_TEST_LOG=parlo_store::requests=trace,parlo_chat=debug lists
    // the requests of each turn.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("PARLO_TEST_LOG"))
        .with_test_writer()
        .try_init();
    let store = store().await;
    let biz = create_business(
        &store,
        &BizSpec {
            staff: 1,
            ..BizSpec::default()
        },
    )
    .await;
    let number = biz.org.whatsapp_number.clone().unwrap();
    let customer = random_phone();
    let mut t = now();
    let mut turn = |from: &str, body: &str| {
        t += Duration::minutes(1);
        let (at, store, number) = (t, store.clone(), number.clone());
        let (from, body) = (from.to_string(), body.to_string());
        async move {
            let before = store.requests();
            message_at(&store, &number, &from, &body, at).await;
            store.requests() - before
        }
    };
    // A staff member who has written before (a first message is the
    // staff onboarding's, not the agenda).
    let mut owner_record = biz.staff[0].clone();
    owner_record.first_message_at = Some(now());
    store.update_staff(&owner_record).await.unwrap();
    let owner = owner_record.phone.clone();
    // The first turn finds no catalogue cached (a cold process).
    let first = turn(&customer, "Quiero un corte mañana a las 11").await;
    let name = turn(&customer, "Me llamo Ana López").await;
    let confirm = turn(&customer, "Sí").await;
    let agenda = turn(&owner, "¿Qué tengo hoy?").await;
    // The same first message from another customer, the catalogue now
    // cached by this process (a warm Lambda's usual case).
    let warm_first = turn(&random_phone(), "Quiero un corte mañana a las 12").await;
    // The typical booking (issue #12): everything in the first message,
    // one summary, and the «sí» that books.
    let typical = random_phone();
    let summary = turn(&typical, "Corte mañana a la 1 porfa, soy Rosa Díaz").await;
    let yes_books = turn(&typical, "sí").await;
    eprintln!(
        "dynamodb requests per turn: first booking message {first} (cold process), {warm_first} (warm), name {name}, confirmation {confirm}, staff agenda {agenda}, everything in one message {summary}, the yes that books {yes_books}"
    );
    let booked = store
        .customer_by_phone(biz.id(), &customer)
        .await
        .unwrap()
        .expect("customer");
    let appts = store
        .customer_appointments(biz.id(), booked.id, None)
        .await
        .unwrap();
    assert_eq!(appts.len(), 1, "the conversation booked");
    let rosa = store
        .customer_by_phone(biz.id(), &typical)
        .await
        .unwrap()
        .expect("customer");
    let rosa_appts = store
        .customer_appointments(biz.id(), rosa.id, None)
        .await
        .unwrap();
    assert_eq!(rosa_appts.len(), 1, "the «sí» booked");
    // Measured: 14 cold / 6 warm, 7, 4, 7, and 6 then 6 for the typical
    // booking (before the services layer: 28, 35, 18, 14; before
    // the per-process catalogue and the turn's one batch of reads: 24, 37,
    // 18, 14; before the inbound transaction, the sentinel's customer copy,
    // the mark's parked-status check and the number's business in the
    // first batch: 21 / 15, 27, 11, 12; before the booking's one write,
    // the turn's joint claim and mark and the history read only when
    // looked at: 18 / 11, 18, 6, 9, and 11 then 16; before the turn's
    // flow and name in its joint claim, the team's conversations in its
    // first batch, closures cached and the cap from the customer's index:
    // 16 / 9, 12, 4, 7, and 9 then 11). The issue's target: ≤ 6 for the
    // typical booking turn (docs/benchmarks.md).
    for (what, n, most) in [
        ("first, cold", first, 14),
        ("first, warm", warm_first, 6),
        ("name", name, 7),
        ("confirm", confirm, 4),
        ("agenda", agenda, 7),
        ("summary", summary, 6),
        ("the yes that books", yes_books, 6),
    ] {
        assert!(n <= most, "{what}: {n} DynamoDB requests");
    }
}

/// A warm process remembers which business a number belongs to and reads
/// that organization in the turn's first batch; when the number moved to
/// another business the hint is dropped and the message reaches the new
/// owner of the number, not the old one.
#[tokio::test]
async fn a_number_that_moved_to_another_business_reaches_the_new_one() {
    let store = store().await;
    let old = create_business(&store, &BizSpec::default()).await;
    let new = create_business(&store, &BizSpec::default()).await;
    let number = old.org.whatsapp_number.clone().unwrap();
    let customer = random_phone();
    let turn = |body: &'static str, at| message_at(&store, &number, &customer, body, at);
    let t = now();
    turn("hola", t).await;
    assert!(store
        .get_conversation(old.id(), &customer)
        .await
        .unwrap()
        .is_some());
    // The number moves: the old business lets it go, the new one takes it.
    let mut old_org = store.get_organization(old.id()).await.unwrap().unwrap();
    old_org.whatsapp_number = None;
    store.update_organization(&old_org).await.unwrap();
    let mut new_org = store.get_organization(new.id()).await.unwrap().unwrap();
    new_org.whatsapp_number = Some(number.clone());
    store.update_organization(&new_org).await.unwrap();
    turn("¿qué servicios tienen?", t + Duration::minutes(1)).await;
    let moved = store
        .get_conversation(new.id(), &customer)
        .await
        .unwrap()
        .expect("the new business has the conversation");
    assert_eq!(moved.org_id, new.id());
    let old_conv = store
        .get_conversation(old.id(), &customer)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        old_conv.last_message_at, t,
        "the old business heard nothing more"
    );
}

/// A catalogue change is the services' too: the chat's owner tools and the
/// dashboard apply the same bounds (a 3-minute service is refused by both,
/// on the same field) and each accepted change leaves one activity entry.
#[tokio::test]
async fn catalogue_changes_share_bounds_and_activity_across_doors() {
    let store = store().await;
    let api = api(&store);
    let biz = create_business(&store, &BizSpec::default()).await;
    let owner_actor = Actor::Staff {
        org: biz.id(),
        staff: biz.staff[0].id,
    };
    let corte = biz.service("Corte");

    let chat = tools(&store)
        .change_service(
            &owner_actor,
            &ChangeServiceArgs {
                service: "corte".into(),
                duration_minutes: Some(3),
                price_cents: None,
                name: None,
                description: None,
            },
        )
        .await
        .expect_err("3 minutes is refused");
    assert!(
        matches!(
            chat,
            ToolError::InvalidArgument {
                field: "duration_minutes",
                ..
            }
        ),
        "{chat:?}"
    );
    let owner = helpers::owner(&api, &biz).await;
    let (s, v) = owner
        .patch(
            &format!("/api/v1/services/{}", corte.id),
            json!({"duration_minutes": 3}),
        )
        .await;
    assert_eq!(s, 400, "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("duration_minutes:")),
        "{v}"
    );
    assert!(activity_kinds(&store, &biz).await.is_empty());

    tools(&store)
        .change_service(
            &owner_actor,
            &ChangeServiceArgs {
                service: "corte".into(),
                duration_minutes: None,
                price_cents: Some(18_000),
                name: None,
                description: None,
            },
        )
        .await
        .expect("price changed by chat");
    let (s, v) = owner
        .patch(
            &format!("/api/v1/services/{}", corte.id),
            json!({"duration_minutes": 40}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let after = store
        .get_service(biz.id(), corte.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((after.price_cents, after.duration_minutes), (18_000, 40));
    let feed = store
        .activity_since(now() - Duration::days(400))
        .await
        .unwrap();
    let mine: Vec<&str> = feed
        .iter()
        .filter(|a| a.org_id == Some(biz.id()))
        .map(|a| a.summary.as_str())
        .collect();
    assert_eq!(mine.len(), 2, "{mine:?}");
    assert!(
        mine.iter().any(|s| s.contains("por WhatsApp (equipo)")),
        "{mine:?}"
    );
    assert!(
        mine.iter().any(|s| s.contains("desde el panel")),
        "{mine:?}"
    );
}

/// Blocks keep one set of rules whichever door sets them: a block longer
/// than one ledger transaction (92 days) is refused on the same field by
/// the chat's tool and the dashboard, and a 2-hour one is accepted by both.
#[tokio::test]
async fn blocks_share_their_bounds_across_doors() {
    let store = store().await;
    let api = api(&store);
    let biz = create_business(&store, &BizSpec::default()).await;
    let owner_actor = Actor::Staff {
        org: biz.id(),
        staff: biz.staff[0].id,
    };
    let chat = tools(&store)
        .block_time(
            &owner_actor,
            &BlockTimeArgs {
                start: "2030-01-08T10:00".into(),
                end: "2030-05-08T10:00".into(),
                reason: None,
                staff: None,
            },
        )
        .await
        .expect_err("120 days is refused");
    assert!(
        matches!(chat, ToolError::InvalidArgument { field: "end", .. }),
        "{chat:?}"
    );
    let owner = helpers::owner(&api, &biz).await;
    let (s, v) = owner
        .post(
            "/api/v1/availability/blocks",
            json!({"staff_id": biz.staff[0].id, "start": "2030-01-08T16:00:00Z", "end": "2030-05-08T16:00:00Z"}),
        )
        .await;
    assert_eq!(s, 400, "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("end:")),
        "{v}"
    );

    tools(&store)
        .block_time(
            &owner_actor,
            &BlockTimeArgs {
                start: "2030-01-08T10:00".into(),
                end: "2030-01-08T12:00".into(),
                reason: Some("comida".into()),
                staff: None,
            },
        )
        .await
        .expect("a 2-hour block by chat");
    let (s, v) = owner
        .post(
            "/api/v1/availability/blocks",
            json!({"staff_id": biz.staff[0].id, "start": "2030-01-09T16:00:00Z", "end": "2030-01-09T18:00:00Z"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let blocks = store
        .list_blocks(
            biz.id(),
            utc("2030-01-01T00:00:00Z"),
            utc("2030-02-01T00:00:00Z"),
        )
        .await
        .unwrap();
    assert_eq!(blocks.len(), 2, "{blocks:?}");
}
