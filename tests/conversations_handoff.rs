//! A handed-off chat is a conversation (issue 15, item 2), through the
//! real turn processor on DynamoDB Local with real schedules on moto and
//! the reminders handler firing the relay job, at a fixed clock: a burst
//! of customer messages reaches the owner as one relay, the owner's
//! «dile que …» (or a reply to the relay) reaches the customer once from
//! the business's number even when SQS redelivers the turn, and the
//! customer's thread holds both sides. Asserts the stored conversation,
//! the schedules and the outbox, not only the wording.

#[path = "sched_support.rs"]
mod sched_support;

use chrono::{DateTime, Duration, Utc};
use parlo_app::clock::Clock;
use parlo_app::config::Templates;
use parlo_app::messenger::Messenger;
use parlo_app::reminders::Outcome;
use parlo_app::schedules::{lapse_schedule_name, relay_schedule_name, Job};
use parlo_app::services::conversations::{self, RELAY_WINDOW_SECONDS};
use parlo_app::services::{Act, By, Door, Services};
use parlo_chat::agent::rules::RuleAgent;
use parlo_chat::turn::{QueuedInbound, TurnOutcome, TurnProcessor};
use parlo_core::*;
use parlo_store::{OutboxRecord, Store};
use parlo_tests::*;
use parlo_twilio::inbound::{InboundKind, InboundMessage};

fn sid() -> String {
    format!("SM{}", uuid::Uuid::new_v4().simple())
}

fn spec() -> BizSpec {
    BizSpec {
        name: "Barbería Don Carlos".into(),
        services: vec![("Corte de cabello".into(), 45, 0)],
        staff: 2,
        ..BizSpec::default()
    }
}

/// The business's number as the world writes to it: the processor of one
/// turn at `now`, with real schedules.
struct Line {
    store: Store,
    biz: Biz,
}

impl Line {
    /// A new business of `spec` on the local table.
    async fn open(spec: &BizSpec) -> Self {
        let store = store().await;
        let biz = create_business(&store, spec).await;
        Line { store, biz }
    }

    async fn processor(&self, now: DateTime<Utc>) -> TurnProcessor<RuleAgent> {
        TurnProcessor {
            store: self.store.clone(),
            messenger: Messenger::Mock,
            agent: RuleAgent::new(self.store.clone())
                .with_schedules(sched_support::schedules(&self.store, now).await),
            clock: Clock::Fixed(now),
            central_number: "+525500000000".into(),
        }
    }

    fn queued(
        &self,
        from: &str,
        message_sid: &str,
        body: &str,
        now: DateTime<Utc>,
        replied_to: Option<String>,
    ) -> QueuedInbound {
        QueuedInbound {
            message: InboundMessage {
                message_sid: message_sid.to_string(),
                account_sid: Some("AC0".into()),
                from: format!("whatsapp:{from}"),
                to: format!("whatsapp:{}", self.biz.org.whatsapp_number.clone().unwrap()),
                body: body.to_string(),
                kind: InboundKind::Text,
                profile_name: None,
                media: vec![],
                latitude: None,
                longitude: None,
                button_payload: None,
                replied_to,
            },
            received_at: now,
        }
    }

    /// One message processed (again, when `queued` was delivered before).
    async fn deliver(&self, queued: &QueuedInbound) -> TurnOutcome {
        self.processor(queued.received_at)
            .await
            .process(queued)
            .await
            .expect("turn")
    }

    async fn say(
        &self,
        from: &str,
        body: &str,
        now: DateTime<Utc>,
    ) -> (QueuedInbound, TurnOutcome) {
        let q = self.queued(from, &sid(), body, now, None);
        let outcome = self.deliver(&q).await;
        (q, outcome)
    }

    /// The scheduled relay job fired (by the Scheduler, at `at`).
    async fn fire_relay(&self, phone: &str, at: DateTime<Utc>) -> usize {
        let job = serde_json::to_value(Job::HandoffRelay {
            org_id: self.biz.id(),
            phone: phone.to_string(),
        })
        .unwrap();
        sched_support::reminders(&self.store, at, Templates::local())
            .handle(job)
            .await
            .expect("relay job")
            .sent
    }

    /// The scheduled lapse job of the request made for `until` fired (by
    /// the Scheduler, at `at`).
    async fn fire_lapse(&self, phone: &str, until: DateTime<Utc>, at: DateTime<Utc>) -> Outcome {
        let job = serde_json::to_value(Job::HandoffLapse {
            org_id: self.biz.id(),
            phone: phone.to_string(),
            until,
        })
        .unwrap();
        sched_support::reminders(&self.store, at, Templates::local())
            .handle(job)
            .await
            .expect("lapse job")
    }

    /// The pending lapse of the customer's request: when it fires and
    /// what it hands the reminders function.
    async fn lapse_scheduled(&self, phone: &str) -> (String, Job) {
        let s = sched_support::scheduler_client()
            .await
            .get_schedule()
            .group_name(sched_support::group())
            .name(lapse_schedule_name(self.biz.id(), phone))
            .send()
            .await
            .expect("the lapse is scheduled");
        let job = s
            .target()
            .and_then(|t| t.input())
            .and_then(|i| serde_json::from_str(i).ok())
            .expect("the job's input");
        (s.schedule_expression().unwrap_or_default().to_string(), job)
    }

    async fn conversation(&self, phone: &str) -> Conversation {
        self.store
            .get_conversation(self.biz.id(), phone)
            .await
            .unwrap()
            .expect("conversation")
    }
}

/// What was sent to `phone`, oldest first, polling the eventually
/// consistent index until at least `min` are there.
async fn sent_to(store: &Store, phone: &str, min: usize) -> Vec<OutboxRecord> {
    let mut got = vec![];
    for _ in 0..40 {
        got = store.outbox_to(phone, None, 100).await.unwrap();
        if got.len() >= min {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    got.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.seq.cmp(&b.seq)));
    got
}

fn bodies(records: &[OutboxRecord]) -> Vec<String> {
    records.iter().filter_map(|r| r.body.clone()).collect()
}

/// Runs a test on a thread with a large stack (unoptimised turn futures
/// are deep).
fn on_big_stack(test: impl std::future::Future<Output = ()> + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime")
                .block_on(test)
        })
        .expect("thread")
        .join()
        .unwrap_or_else(|e| std::panic::resume_unwind(e));
}

#[test]
fn a_burst_while_handed_off_is_one_relay_and_the_owners_reply_reaches_the_customer_once() {
    on_big_stack(async {
        let line = Line::open(&spec()).await;
        let (store, biz) = (line.store.clone(), line.biz.clone());
        let owner = biz.staff[0].phone.clone();
        let employee = biz.staff[1].phone.clone();
        let customer = random_phone();
        // The owner has used the chat before (no staff onboarding).
        let mut me = biz.staff[0].clone();
        me.first_message_at = Some(now() - Duration::days(30));
        store.update_staff(&me).await.unwrap();
        let business_number = biz.org.whatsapp_number.clone().unwrap();
        // Monday 10:00 in Mexico City: open (8:00–22:00).
        let t0 = local(biz.tz, "2030-01-07", 10, 0);

        line.say(&customer, "hola buenas", t0).await;
        let (_, _) = line
            .say(
                &customer,
                "oye quiero hablar con una persona porfa, es sobre un tinte",
                t0 + Duration::minutes(1),
            )
            .await;
        let conv = line.conversation(&customer).await;
        assert_eq!(conv.status, ConversationStatus::HandedOff);
        let told = bodies(&sent_to(&store, &customer, 2).await);
        let handoff_reply = told.last().cloned().unwrap_or_default();
        assert!(
            handoff_reply.contains("Ya le avisé")
                && handoff_reply.contains("Normalmente contesta en menos de 15 min")
                && handoff_reply.contains("mientras tanto también se lo paso"),
            "{told:?}"
        );
        assert_eq!(
            sent_to(&store, &owner, 1).await.len(),
            1,
            "the handoff notice"
        );

        // Three messages within 10 seconds while nobody answered yet.
        let t1 = t0 + Duration::minutes(2);
        let burst = [
            ("oye me urge, es pa mi boda el sabado", t1),
            ("tienen tinte para hombre??", t1 + Duration::seconds(4)),
            ("y cuanto sale, xfa", t1 + Duration::seconds(9)),
        ];
        let mut third = None;
        for (text, at) in burst {
            let (q, outcome) = line.say(&customer, text, at).await;
            assert!(
                matches!(outcome, TurnOutcome::Answered { sent: 0, .. }),
                "{outcome:?}"
            );
            third = Some(q);
        }
        // Told once: the assistant stays quiet while waiting for a person.
        assert_eq!(sent_to(&store, &customer, 2).await.len(), 2);
        // Nothing relayed yet: one job is due at the end of the window.
        assert_eq!(sent_to(&store, &owner, 1).await.len(), 1);
        let scheduled = sched_support::scheduler_client()
            .await
            .get_schedule()
            .group_name(sched_support::group())
            .name(relay_schedule_name(biz.id(), &customer))
            .send()
            .await
            .expect("the relay is scheduled");
        let due = t1 + Duration::seconds(RELAY_WINDOW_SECONDS);
        assert_eq!(
            scheduled.schedule_expression(),
            Some(format!("at({})", due.format("%Y-%m-%dT%H:%M:%S")).as_str())
        );

        // The Scheduler fires it: one relay to the owner with all three.
        assert_eq!(line.fire_relay(&customer, due).await, 3);
        let to_owner = sent_to(&store, &owner, 2).await;
        assert_eq!(to_owner.len(), 2, "{:?}", bodies(&to_owner));
        let relay = &to_owner[1];
        let text = relay.body.clone().unwrap_or_default();
        for said in [
            "oye me urge, es pa mi boda el sabado",
            "tienen tinte para hombre??",
            "y cuanto sale, xfa",
        ] {
            assert!(text.contains(said), "{text}");
        }
        let digits: String = customer.chars().skip(3).collect();
        assert!(
            text.chars()
                .filter(char::is_ascii_digit)
                .collect::<String>()
                .contains(&digits),
            "the customer's number: {text}"
        );
        assert_eq!(relay.from, business_number);
        // The employee did not take it: not told.
        assert!(sent_to(&store, &employee, 0).await.is_empty());

        // The job delivered again, and the last turn redelivered by SQS:
        // no second relay.
        assert_eq!(line.fire_relay(&customer, due).await, 0);
        line.deliver(third.as_ref().unwrap()).await;
        assert_eq!(
            line.fire_relay(&customer, due + Duration::seconds(30))
                .await,
            0
        );
        assert_eq!(sent_to(&store, &owner, 2).await.len(), 2);

        // The owner answers with «dile que …»; SQS delivers the turn twice.
        let t2 = t1 + Duration::minutes(3);
        let reply = line.queued(
            &owner,
            &sid(),
            "Si, dile que si tenemos tinte, que se venga el sabado a las 11",
            t2,
            None,
        );
        line.deliver(&reply).await;
        line.deliver(&reply).await;
        let to_customer = sent_to(&store, &customer, 3).await;
        assert_eq!(to_customer.len(), 3, "{:?}", bodies(&to_customer));
        let answer = &to_customer[2];
        assert_eq!(answer.from, business_number);
        assert_eq!(
            answer.body.as_deref(),
            Some("Si tenemos tinte, que se venga el sabado a las 11. - Barbería Don Carlos")
        );
        let acked = bodies(&sent_to(&store, &owner, 3).await);
        assert!(
            acked.last().is_some_and(|t| t.starts_with("Enviado ✓")),
            "{acked:?}"
        );
        // A person holds the chat now: the assistant stays silent.
        let conv = line.conversation(&customer).await;
        assert!(conversations::handoff_taken(&conv));
        assert_eq!(
            conversations::handoff_taken_by(&conv),
            Some(biz.staff[0].id)
        );

        // The customer answers; the owner replies to that relay message
        // itself (WhatsApp's reply), with no «dile que».
        let t3 = t2 + Duration::minutes(1);
        let (_, outcome) = line.say(&customer, "va!! ahi nos vemos, grax", t3).await;
        assert_eq!(outcome, TurnOutcome::HandedOff);
        assert_eq!(
            line.fire_relay(&customer, t3 + Duration::seconds(RELAY_WINDOW_SECONDS))
                .await,
            1
        );
        let to_owner = sent_to(&store, &owner, 4).await;
        let second_relay = to_owner.last().unwrap();
        assert!(
            second_relay
                .body
                .as_deref()
                .is_some_and(|b| b.contains("va!! ahi nos vemos, grax")),
            "{:?}",
            bodies(&to_owner)
        );
        let t4 = t3 + Duration::minutes(2);
        let q = line.queued(
            &owner,
            &sid(),
            "Te esperamos 💈",
            t4,
            second_relay.provider_sid.clone(),
        );
        line.deliver(&q).await;
        let to_customer = sent_to(&store, &customer, 4).await;
        assert_eq!(
            to_customer.last().and_then(|r| r.body.clone()).as_deref(),
            Some("Te esperamos 💈 - Barbería Don Carlos")
        );

        // The dashboard's conversation view reads the same thread: the
        // customer's messages and the team's answers, in order.
        let thread = store
            .list_messages(biz.id(), conv.id, 100, None)
            .await
            .unwrap()
            .items;
        let staff_said: Vec<&str> = thread
            .iter()
            .filter(|m| m.sender_type == SenderType::Staff)
            .map(|m| m.content.as_str())
            .collect();
        assert_eq!(
            staff_said,
            vec![
                "Si tenemos tinte, que se venga el sabado a las 11. - Barbería Don Carlos",
                "Te esperamos 💈 - Barbería Don Carlos"
            ]
        );
        assert!(thread.iter().any(
            |m| m.direction == Direction::Inbound && m.content == "tienen tinte para hombre??"
        ));
    });
}

#[test]
fn a_request_out_of_hours_says_when_someone_will_answer() {
    on_big_stack(async {
        let line = Line::open(&spec()).await;
        let (store, biz) = (line.store.clone(), line.biz.clone());
        let customer = random_phone();
        // 06:00 Monday: closed until 8:00.
        let t0 = local(biz.tz, "2030-01-07", 6, 0);
        line.say(&customer, "Quiero hablar con una persona", t0)
            .await;
        let told = bodies(&sent_to(&store, &customer, 1).await);
        assert!(
            told.iter()
                .any(|t| t.contains("Ahorita estamos cerrados") && t.contains("hoy a las 8:00 AM")),
            "{told:?}"
        );
        // 23:00: tomorrow's opening.
        let other = random_phone();
        let late = local(biz.tz, "2030-01-07", 23, 0);
        line.say(&other, "necesito hablar con el dueño", late).await;
        let told = bodies(&sent_to(&store, &other, 1).await);
        assert!(
            told.iter().any(|t| t.contains("mañana a las 8:00 AM")),
            "{told:?}"
        );
    });
}

/// A complaint about a visit asks for nothing the assistant does: it is
/// not «no te entendí» but an apology, and the owner is told what it says.
#[test]
fn a_complaint_is_apologised_for_and_goes_to_the_owner() {
    on_big_stack(async {
        let line = Line::open(&spec()).await;
        let (store, biz) = (line.store.clone(), line.biz.clone());
        let owner = biz.staff[0].phone.clone();
        let customer = random_phone();
        let t0 = local(biz.tz, "2030-01-07", 10, 0);
        let complaint = "oigan el corte del sabado me quedo bien chueco, no se vale 😡";
        line.say(&customer, complaint, t0).await;
        let told = bodies(&sent_to(&store, &customer, 2).await);
        assert!(
            told.iter().any(|t| t.starts_with("Lamento mucho"))
                && told.iter().any(|t| t.contains("Ya le avisé"))
                && told.iter().all(|t| !t.contains("no te entendí")),
            "{told:?}"
        );
        assert_eq!(
            line.conversation(&customer).await.status,
            ConversationStatus::HandedOff
        );
        let notice = bodies(&sent_to(&store, &owner, 1).await);
        assert!(
            notice.iter().any(|t| t.contains("me quedo bien chueco")),
            "{notice:?}"
        );
    });
}

#[test]
fn a_bare_dile_que_without_a_relay_is_not_sent_anywhere() {
    on_big_stack(async {
        let line = Line::open(&spec()).await;
        let (store, biz) = (line.store.clone(), line.biz.clone());
        let owner = biz.staff[0].phone.clone();
        let mut me = biz.staff[0].clone();
        me.first_message_at = Some(now() - Duration::days(30));
        store.update_staff(&me).await.unwrap();
        let t0 = local(biz.tz, "2030-01-07", 10, 0);
        line.say(&owner, "dile que si", t0).await;
        let said = bodies(&sent_to(&store, &owner, 1).await);
        assert!(said.iter().all(|t| !t.starts_with("Enviado")), "{said:?}");
    });
}

/// Under a frozen clock (the local stack's `clock set`) the request for a
/// person and the burst after it carry one instant: the relay still
/// carries the burst (the ids the turns handed over), not the request, and
/// only once.
#[test]
fn a_burst_at_the_handoffs_own_instant_is_relayed_once_without_the_request() {
    on_big_stack(async {
        let line = Line::open(&spec()).await;
        let (store, biz) = (line.store.clone(), line.biz.clone());
        let owner = biz.staff[0].phone.clone();
        let mut me = biz.staff[0].clone();
        me.first_message_at = Some(now() - Duration::days(30));
        store.update_staff(&me).await.unwrap();
        let customer = random_phone();
        let t0 = local(biz.tz, "2030-01-07", 10, 0);
        line.say(&customer, "hola buenas", t0).await;
        line.say(&customer, "quiero hablar con una persona porfa", t0)
            .await;
        assert_eq!(
            line.conversation(&customer).await.status,
            ConversationStatus::HandedOff
        );
        let before = sent_to(&store, &owner, 1).await.len();
        for text in ["es pa mi esposo jeje", "y cuanto cuesta xfa"] {
            line.say(&customer, text, t0).await;
        }
        let due = t0 + Duration::seconds(RELAY_WINDOW_SECONDS);
        assert_eq!(line.fire_relay(&customer, due).await, 2);
        let to_owner = sent_to(&store, &owner, before + 1).await;
        assert_eq!(to_owner.len(), before + 1, "{:?}", bodies(&to_owner));
        let text = to_owner.last().and_then(|r| r.body.clone()).unwrap();
        assert!(text.contains("es pa mi esposo jeje"), "{text}");
        assert!(text.contains("y cuanto cuesta xfa"), "{text}");
        assert!(!text.contains("quiero hablar con una persona"), "{text}");
        // Fired again (a retried job): nothing new to relay.
        assert_eq!(line.fire_relay(&customer, due).await, 0);
        assert_eq!(sent_to(&store, &owner, before + 1).await.len(), before + 1);
    });
}

/// `at(…)` of an instant in UTC, as a one-time schedule is written.
fn at_utc(t: DateTime<Utc>) -> String {
    format!("at({})", t.format("%Y-%m-%dT%H:%M:%S"))
}

/// The customer's request for a person was scheduled to lapse at its
/// `handed_off_until`; returns that instant.
async fn lapse_of_request(line: &Line, phone: &str) -> DateTime<Utc> {
    let conv = line.conversation(phone).await;
    assert_eq!(conv.status, ConversationStatus::HandedOff);
    assert!(!conversations::handoff_taken(&conv));
    let until = conv.handed_off_until.expect("the request waits");
    let (at, job) = line.lapse_scheduled(phone).await;
    assert_eq!(at, at_utc(until));
    assert_eq!(
        job,
        Job::HandoffLapse {
            org_id: line.biz.id(),
            phone: phone.to_string(),
            until,
        }
    );
    until
}

fn staff_act(biz: &Biz, at: DateTime<Utc>) -> Act {
    Act::new(
        By::Staff(biz.staff[0].id),
        Door::Api,
        format!("panel-{}", uuid::Uuid::new_v4()),
        at,
    )
}

/// Issue 12, item 4: a request for a person nobody takes tells the
/// customer by itself when it lapses (not only when they write again),
/// once even when the job is retried, and the assistant is back.
#[test]
fn a_request_nobody_takes_tells_the_customer_once_and_the_assistant_is_back() {
    on_big_stack(async {
        let line = Line::open(&spec()).await;
        let (store, biz) = (line.store.clone(), line.biz.clone());
        let phone = random_phone();
        let t0 = local(biz.tz, "2030-01-07", 10, 0);
        line.say(&phone, "hola buenas tardes", t0).await;
        let customer = store
            .customer_by_phone(biz.id(), &phone)
            .await
            .unwrap()
            .expect("customer");
        store
            .book(&biz.booking(
                biz.service("Corte de cabello"),
                customer.id,
                local(biz.tz, "2030-01-09", 12, 0),
            ))
            .await
            .unwrap();
        let asked = t0 + Duration::minutes(1);
        line.say(
            &phone,
            "oye me pasas con alguien?? quiero hablar con una persona sobre mi cita",
            asked,
        )
        .await;
        let until = lapse_of_request(&line, &phone).await;
        // In hours: 15 open minutes.
        assert_eq!(until, asked + Duration::minutes(15));
        // Still waiting just before the lapse: the relay is due after it.
        let owner = biz.staff[0].phone.clone();
        let to_owner = sent_to(&store, &owner, 1).await.len();
        line.say(
            &phone,
            "holaaa? sigue alguien ahi",
            until - Duration::seconds(10),
        )
        .await;
        let before = sent_to(&store, &phone, 2).await.len();

        // Nobody answered: the Scheduler fires the lapse. What they wrote
        // just before reaches the owner first, once.
        let outcome = line.fire_lapse(&phone, until, until).await;
        let relayed = bodies(&sent_to(&store, &owner, to_owner + 1).await);
        assert_eq!(relayed.len(), to_owner + 1, "{relayed:?}");
        assert!(
            relayed
                .last()
                .is_some_and(|t| t.contains("holaaa? sigue alguien ahi")),
            "{relayed:?}"
        );
        assert_eq!(
            line.fire_relay(&phone, until + Duration::seconds(10)).await,
            0
        );
        assert_eq!((outcome.status, outcome.sent), ("sent", 1), "{outcome:?}");
        let told = sent_to(&store, &phone, before + 1).await;
        assert_eq!(told.len(), before + 1, "{:?}", bodies(&told));
        let notice = told.last().unwrap();
        assert_eq!(notice.kind.as_deref(), Some("handoff_lapsed"));
        assert_eq!(notice.from, biz.org.whatsapp_number.clone().unwrap());
        let text = notice.body.clone().unwrap_or_default();
        for said in [
            "nadie del equipo de Barbería Don Carlos pudo contestarte todavía",
            "tu mensaje ya les llegó",
            "sigo yo por aquí",
            "cancelar tu cita",
        ] {
            assert!(text.contains(said), "{text}");
        }
        let conv = line.conversation(&phone).await;
        assert_eq!(conv.status, ConversationStatus::Active);
        assert_eq!(conv.handed_off_until, None);
        assert!(conv.context.get(conversations::HANDOFF_KEY).is_none());
        // In the customer's thread, as the assistant's.
        let thread = store
            .list_messages(biz.id(), conv.id, 100, None)
            .await
            .unwrap()
            .items;
        assert!(thread
            .iter()
            .any(|m| m.sender_type == SenderType::Ai && m.content == text));
        // On the activity feed.
        let feed = store
            .activity_since(until - Duration::seconds(1))
            .await
            .unwrap();
        assert!(
            feed.iter().any(|a| a.org_id == Some(biz.id())
                && a.summary.contains("el asistente retomó la conversación")),
            "{feed:?}"
        );

        // Scheduler retries the invocation: nothing sent twice.
        let again = line
            .fire_lapse(&phone, until, until + Duration::minutes(1))
            .await;
        assert_eq!((again.status, again.sent), ("skipped", 0), "{again:?}");
        assert_eq!(sent_to(&store, &phone, before + 1).await.len(), before + 1);

        // The assistant answers the next message itself, without telling
        // them a second time.
        let (_, outcome) = line
            .say(
                &phone,
                "ok, entonces cancela mi cita porfa",
                until + Duration::minutes(3),
            )
            .await;
        assert!(
            matches!(outcome, TurnOutcome::Answered { sent: 1, .. }),
            "{outcome:?}"
        );
        let said = bodies(&sent_to(&store, &phone, before + 2).await);
        let answer = said.last().cloned().unwrap_or_default();
        assert!(answer.contains("¿Seguro que quieres cancelar"), "{said:?}");
        assert!(!answer.contains("nadie del equipo"), "{said:?}");
        line.say(&phone, "si", until + Duration::minutes(4)).await;
        let said = bodies(&sent_to(&store, &phone, before + 3).await);
        assert!(
            said.last().is_some_and(|t| t.contains("Listo, cancelé")),
            "{said:?}"
        );
        let appts = store
            .customer_appointments(biz.id(), customer.id, None)
            .await
            .unwrap();
        assert_eq!(appts[0].status, AppointmentStatus::Cancelled);
    });
}

/// A person who took the chat (the dashboard's take-over) or gave it
/// back to the assistant makes the pending lapse a no-op.
#[test]
fn a_lapse_after_a_take_over_or_a_release_does_nothing() {
    on_big_stack(async {
        let line = Line::open(&spec()).await;
        let (store, biz) = (line.store.clone(), line.biz.clone());
        let services = Services::mock(store.clone());
        let t0 = local(biz.tz, "2030-01-07", 11, 0);

        for (said, take) in [
            ("necesito hablar con el encargado urgente", true),
            ("me comunicas con alguien de ahi porfa", false),
        ] {
            let phone = random_phone();
            line.say(&phone, said, t0).await;
            let until = lapse_of_request(&line, &phone).await;
            let conv = line.conversation(&phone).await;
            let act = staff_act(&biz, t0 + Duration::minutes(5));
            if take {
                services.take_over(&act, conv).await.unwrap();
            } else {
                services.release(&act, conv).await.unwrap();
            }
            let before = sent_to(&store, &phone, 1).await.len();
            let outcome = line.fire_lapse(&phone, until, until).await;
            assert_eq!(
                (outcome.status, outcome.sent),
                ("skipped", 0),
                "{said}: {outcome:?}"
            );
            assert_eq!(sent_to(&store, &phone, before).await.len(), before);
            let conv = line.conversation(&phone).await;
            if take {
                assert_eq!(conv.status, ConversationStatus::HandedOff);
                assert!(conversations::handoff_taken(&conv));
            } else {
                assert_eq!(conv.status, ConversationStatus::Active);
            }
        }
    });
}

/// A newer request replaces the conversation's pending lapse; the older
/// job, fired anyway (already on its way), does nothing.
#[test]
fn a_newer_request_replaces_the_lapse_and_the_old_job_does_nothing() {
    on_big_stack(async {
        let line = Line::open(&spec()).await;
        let (store, biz) = (line.store.clone(), line.biz.clone());
        let phone = random_phone();
        let t0 = local(biz.tz, "2030-01-07", 12, 0);
        line.say(&phone, "quiero hablar con una persona", t0).await;
        let first = lapse_of_request(&line, &phone).await;
        // The owner gives it back from the dashboard; the customer asks
        // again a bit later.
        let conv = line.conversation(&phone).await;
        Services::mock(store.clone())
            .release(&staff_act(&biz, t0 + Duration::minutes(3)), conv)
            .await
            .unwrap();
        let again = t0 + Duration::minutes(6);
        line.say(&phone, "oigan de vdd necesito hablar con alguien", again)
            .await;
        let second = lapse_of_request(&line, &phone).await;
        assert_eq!(second, again + Duration::minutes(15));
        assert_ne!(first, second);
        let before = sent_to(&store, &phone, 2).await.len();

        let old = line.fire_lapse(&phone, first, first).await;
        assert_eq!((old.status, old.sent), ("skipped", 0), "{old:?}");
        assert_eq!(sent_to(&store, &phone, before).await.len(), before);
        assert_eq!(
            line.conversation(&phone).await.status,
            ConversationStatus::HandedOff
        );

        let new = line.fire_lapse(&phone, second, second).await;
        assert_eq!((new.status, new.sent), ("sent", 1), "{new:?}");
        let told = sent_to(&store, &phone, before + 1).await;
        assert_eq!(told.len(), before + 1, "{:?}", bodies(&told));
        assert_eq!(
            line.conversation(&phone).await.status,
            ConversationStatus::Active
        );
    });
}

/// Outside hours the wait counts open minutes only: a request at 19:55
/// with closing at 20:00 lapses ten minutes after the next opening, and
/// that is when the job is scheduled.
#[test]
fn a_request_just_before_closing_lapses_after_the_next_opening() {
    on_big_stack(async {
        let line = Line::open(&BizSpec {
            close: (20, 0),
            ..spec()
        })
        .await;
        let (store, biz) = (line.store.clone(), line.biz.clone());
        let phone = random_phone();
        let asked = local(biz.tz, "2030-01-07", 19, 55);
        line.say(
            &phone,
            "hola, puedo hablar con alguien? es q tengo una duda",
            asked,
        )
        .await;
        let until = lapse_of_request(&line, &phone).await;
        // Five minutes on Monday, ten after Tuesday's 8:00.
        assert_eq!(until, local(biz.tz, "2030-01-08", 8, 10));
        // Mexico City is UTC-6: the schedule fires at 14:10 UTC.
        assert_eq!(
            line.lapse_scheduled(&phone).await.0,
            "at(2030-01-08T14:10:00)"
        );
        let before = sent_to(&store, &phone, 1).await.len();
        let outcome = line.fire_lapse(&phone, until, until).await;
        assert_eq!((outcome.status, outcome.sent), ("sent", 1), "{outcome:?}");
        assert_eq!(sent_to(&store, &phone, before + 1).await.len(), before + 1);
    });
}

/// A request the team cannot see for days (a business open on Mondays
/// only) lapses outside the customer's 24-hour window: the customer is
/// told through the approved template, in Spain's Spanish for a business
/// in Madrid.
#[test]
fn a_lapse_days_later_goes_as_the_template_in_the_business_spanish() {
    on_big_stack(async {
        let line = Line::open(&BizSpec {
            name: "Peluquería Lola".into(),
            timezone: "Europe/Madrid".into(),
            ..spec()
        })
        .await;
        let (store, biz) = (line.store.clone(), line.biz.clone());
        let mut location = biz.location.clone();
        for day in location.business_hours.days.iter_mut().skip(1) {
            day.clear();
        }
        store.update_location(&location).await.unwrap();
        let phone = random_phone();
        // Tuesday: closed until next Monday 8:00.
        let asked = local(biz.tz, "2030-01-08", 11, 0);
        line.say(&phone, "hola!! quiero hablar con una persona xfa", asked)
            .await;
        let until = lapse_of_request(&line, &phone).await;
        assert_eq!(until, local(biz.tz, "2030-01-14", 8, 15));
        let before = sent_to(&store, &phone, 1).await.len();
        let outcome = line.fire_lapse(&phone, until, until).await;
        assert_eq!((outcome.status, outcome.sent), ("sent", 1), "{outcome:?}");
        let told = sent_to(&store, &phone, before + 1).await;
        let notice = told.last().unwrap();
        assert_eq!(notice.path.as_deref(), Some("template"), "{notice:?}");
        assert_eq!(
            notice.content_sid.as_deref(),
            Some("HXlocalHANDOFF_LAPSED_ES_ES")
        );
        assert_eq!(
            notice.content_variables.as_deref(),
            Some(r#"{"1":"Peluquería Lola"}"#)
        );
        let text = notice.body.clone().unwrap_or_default();
        assert!(
            text.starts_with("Perdona, nadie del equipo de Peluquería Lola ha podido contestarte")
                && text.contains("puedo reservar, cambiar o cancelar tu cita"),
            "{text}"
        );
        assert_eq!(
            line.conversation(&phone).await.status,
            ConversationStatus::Active
        );
    });
}
