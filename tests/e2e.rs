//! End to end through the local gateway, the real function binaries under
//! `cargo lambda watch`, and the emulators: signed webhooks in, replies out
//! of the mock outbox. Needs the dev stack (`infra/scripts/dev.sh
//! --background`, which `make test` starts and sets PARLO_E2E=1); without
//! PARLO_E2E=1 each test says it is skipped.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use parlo_core::*;
use parlo_local::demo;
use parlo_local::say::{new_sid, Inbound, OutboxMessage, Simulator};
use parlo_tests::*;

const TOKEN: &str = "local-twilio-auth-token-not-secret";

fn gateway() -> Option<String> {
    if std::env::var("PARLO_E2E").as_deref() != Ok("1") {
        eprintln!("skipped: PARLO_E2E=1 and the dev stack are needed (make test sets both)");
        return None;
    }
    Some(std::env::var("PARLO_GATEWAY_URL").unwrap_or_else(|_| "http://127.0.0.1:3000".into()))
}

fn sim(gw: &str, from: &str, to: &str) -> Simulator {
    Simulator::new(gw, TOKEN, from, to)
}

/// Replies to `sim`'s sender, waiting until `n` arrived (or the deadline).
async fn wait_replies(sim: &Simulator, n: usize, within: Duration) -> Vec<OutboxMessage> {
    let deadline = Instant::now() + within;
    loop {
        let got = sim.outbox(None).await.expect("dev outbox");
        if got.len() >= n || Instant::now() > deadline {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn inbound(from: &str, to: &str, body: &str) -> Inbound {
    Inbound {
        message_sid: new_sid("SM"),
        from: from.into(),
        to: to.into(),
        body: body.into(),
        profile_name: Some("Cliente".into()),
    }
}

#[tokio::test]
async fn a_webhook_delivered_three_times_gets_one_turn_and_one_reply() {
    let Some(gw) = gateway() else { return };
    let customer = random_phone();
    let s = sim(&gw, &customer, demo::BUSINESS_NUMBER);
    let msg = inbound(
        &customer,
        demo::BUSINESS_NUMBER,
        "Hola, quiero una cita para un corte",
    );
    for _ in 0..3 {
        let (status, body) = s.post(&msg).await.unwrap();
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("<Response/>"), "{body}");
    }
    let replies = wait_replies(&s, 1, Duration::from_secs(30)).await;
    assert_eq!(replies.len(), 1, "{replies:?}");
    // Nothing more arrives later either.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(s.outbox(None).await.unwrap().len(), 1);
    // The one turn started the booking flow.
    assert!(
        replies[0].body.contains("¿Para qué día"),
        "{}",
        replies[0].body
    );
}

#[tokio::test]
async fn forged_webhooks_are_refused_and_answered_by_nobody() {
    let Some(gw) = gateway() else { return };
    let customer = random_phone();
    let forged = Simulator::new(&gw, "not-the-token", &customer, demo::BUSINESS_NUMBER);
    let (status, _) = forged
        .post(&inbound(&customer, demo::BUSINESS_NUMBER, "Hola"))
        .await
        .unwrap();
    assert_eq!(status, 403);
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(forged.outbox(None).await.unwrap().is_empty());
}

#[tokio::test]
async fn each_routing_case_reaches_its_flow() {
    let Some(gw) = gateway() else { return };
    let store = store().await;
    let ask = |from: String, to: &'static str, text: &'static str| {
        let gw = gw.clone();
        async move {
            let s = sim(&gw, &from, to);
            let msg = inbound(&from, to, text);
            s.post(&msg).await.unwrap();
            // This turn's reply by its outbox key (`<MessageSid>#0`): other
            // tests and scheduled summaries also write to these numbers.
            let key = format!("{}#0", msg.message_sid);
            let deadline = Instant::now() + Duration::from_secs(60);
            loop {
                let got = s.outbox(None).await.unwrap();
                let reply = got
                    .iter()
                    .find(|m| m.extra.get("key").and_then(|k| k.as_str()) == Some(key.as_str()));
                if let Some(m) = reply {
                    break m.body.clone();
                }
                if Instant::now() > deadline {
                    break String::new();
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    };
    // Case 1: a stranger on the central number starts onboarding.
    let owner_to_be = random_phone();
    let reply = ask(
        owner_to_be.clone(),
        demo::CENTRAL_NUMBER,
        "Hola, tengo una estética",
    )
    .await;
    assert!(reply.contains("cómo se llama tu negocio"), "{reply}");
    assert_eq!(
        store.staff_memberships(&owner_to_be).await.unwrap().len(),
        1
    );

    // Case 2a: the demo owner on the central number manages his business.
    let reply = ask(demo::OWNER_PHONE.into(), demo::CENTRAL_NUMBER, "Hola").await;
    assert!(reply.contains("Barbería Don Carlos"), "{reply}");

    // Cases 3 then 4: a newly registered barber writes to the shop.
    let barber = random_phone();
    let now = chrono::Utc::now();
    store
        .create_staff(&Staff {
            id: uuid::Uuid::new_v4(),
            org_id: demo::ORG_ID,
            location_id: None,
            name: "Luis Ramírez".into(),
            phone: barber.clone(),
            role: StaffRole::Employee,
            permission_level: PermissionLevel::Staff,
            is_active: true,
            first_message_at: None,
            default_spot_id: None,
            service_ids: vec![],
            bookable: true,
            created_at: now,
            updated_at: now,
        })
        .await
        .unwrap();
    let reply = ask(barber.clone(), demo::BUSINESS_NUMBER, "Hola").await;
    assert!(reply.contains("te registró en Parlo"), "{reply}");
    let s = sim(&gw, &barber, demo::BUSINESS_NUMBER);
    s.post(&inbound(&barber, demo::BUSINESS_NUMBER, "¿Qué tengo hoy?"))
        .await
        .unwrap();
    let replies = wait_replies(&s, 2, Duration::from_secs(30)).await;
    // Onboarding does not get in the way of a real question.
    assert!(replies[1].body.contains("tu agenda"), "{replies:?}");
    assert!(store
        .customer_by_phone(demo::ORG_ID, &barber)
        .await
        .unwrap()
        .is_none());

    // Case 5: anyone else is a customer.
    let customer = random_phone();
    let reply = ask(customer.clone(), demo::BUSINESS_NUMBER, "Buenas tardes").await;
    assert!(
        reply.contains("Bienvenido a Barbería Don Carlos"),
        "{reply}"
    );
    assert!(store
        .customer_by_phone(demo::ORG_ID, &customer)
        .await
        .unwrap()
        .is_some());
}

#[tokio::test]
async fn a_burst_of_200_messages_from_20_senders_keeps_each_conversation_in_order() {
    let Some(gw) = gateway() else { return };
    const SENDERS: usize = 20;
    const EACH: usize = 10;
    let senders: Vec<String> = (0..SENDERS).map(|_| random_phone()).collect();
    let started = Instant::now();
    // Senders write concurrently; each one's messages go out in order.
    let sent: Vec<(String, Vec<String>)> = futures::future::join_all(senders.iter().map(|from| {
        let gw = gw.clone();
        let from = from.clone();
        async move {
            let s = sim(&gw, &from, demo::BUSINESS_NUMBER);
            let mut sids = Vec::new();
            for _ in 0..EACH {
                // A greeting is answered every time; text the agent cannot
                // place would hand the chat to a person after two tries.
                let msg = inbound(&from, demo::BUSINESS_NUMBER, "Hola");
                let (status, _) = s.post(&msg).await.unwrap();
                assert_eq!(status, 200);
                sids.push(msg.message_sid);
            }
            (from, sids)
        }
    }))
    .await;
    let acked = started.elapsed();
    let mut replies: HashMap<String, Vec<OutboxMessage>> = HashMap::new();
    for (from, _) in &sent {
        let s = sim(&gw, from, demo::BUSINESS_NUMBER);
        replies.insert(
            from.clone(),
            wait_replies(&s, EACH, Duration::from_secs(240)).await,
        );
    }
    eprintln!(
        "burst: {} messages acknowledged in {:?}, all answered in {:?}",
        SENDERS * EACH,
        acked,
        started.elapsed()
    );
    for (from, sids) in &sent {
        let got = &replies[from];
        assert_eq!(got.len(), EACH, "{from}: {} replies", got.len());
        // The outbox lists replies in the order turns recorded them; each
        // reply's key names the message it answers.
        let answered: Vec<String> = got
            .iter()
            .map(|m| {
                m.extra
                    .get("key")
                    .and_then(|k| k.as_str())
                    .unwrap_or("")
                    .split('#')
                    .next()
                    .unwrap_or("")
                    .to_string()
            })
            .collect();
        assert_eq!(&answered, sids, "{from}: turns ran out of order");
    }
}
