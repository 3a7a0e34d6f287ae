//! Customer conversations with the rule agent, through the real turn
//! processor (Messenger::Mock, a fixed clock) on DynamoDB Local: booking,
//! a slot taken meanwhile, reschedule, cancel, "my appointments",
//! questions, rating, abandonment, handoff, impersonation and retries.
//! Each test asserts what was stored, not only what was said.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use parlo_app::clock::Clock;
use parlo_app::messenger::Messenger;
use parlo_chat::agent::rules::RuleAgent;
use parlo_chat::turn::{QueuedInbound, TurnOutcome, TurnProcessor};
use parlo_core::time::utc_to_local;
use parlo_core::*;
use parlo_store::Store;
use parlo_tests::*;
use parlo_twilio::inbound::{InboundKind, InboundMessage};

fn sid() -> String {
    format!("SM{}", uuid::Uuid::new_v4().simple())
}

fn spec(staff: usize) -> BizSpec {
    BizSpec {
        name: "Barbería Don Carlos".into(),
        services: vec![
            ("Corte de cabello".into(), 45, 0),
            ("Arreglo de barba".into(), 30, 0),
            ("Corte y barba".into(), 75, 0),
        ],
        staff,
        ..BizSpec::default()
    }
}

/// One customer chatting with one business; the clock moves a minute per
/// message unless moved by hand.
struct Chat {
    store: Store,
    biz: Biz,
    phone: String,
    now: DateTime<Utc>,
    seen: usize,
    messages: usize,
    /// The WhatsApp profile name the provider reports.
    profile: Option<String>,
}

impl Chat {
    fn new(store: &Store, biz: &Biz, phone: &str) -> Self {
        Self {
            store: store.clone(),
            biz: biz.clone(),
            phone: phone.to_string(),
            now: now(),
            seen: 0,
            messages: 0,
            profile: Some("Cliente".into()),
        }
    }

    fn processor(&self) -> TurnProcessor<RuleAgent> {
        TurnProcessor {
            store: self.store.clone(),
            messenger: Messenger::Mock,
            agent: RuleAgent::new(self.store.clone()),
            clock: Clock::Fixed(self.now),
            central_number: "+525500000000".into(),
        }
    }

    fn queued(&self, sid: &str, body: &str) -> QueuedInbound {
        QueuedInbound {
            message: InboundMessage {
                message_sid: sid.to_string(),
                account_sid: Some("AC0".into()),
                from: format!("whatsapp:{}", self.phone),
                to: format!("whatsapp:{}", self.biz.org.whatsapp_number.clone().unwrap()),
                body: body.to_string(),
                kind: InboundKind::Text,
                profile_name: self.profile.clone(),
                media: vec![],
                latitude: None,
                longitude: None,
                button_payload: None,
                replied_to: None,
            },
            received_at: self.now,
        }
    }

    /// Sends one message; the replies it got.
    async fn say(&mut self, body: &str) -> Vec<String> {
        self.say_as(&sid(), body).await.1
    }

    async fn say_as(&mut self, sid: &str, body: &str) -> (TurnOutcome, Vec<String>) {
        self.now += Duration::minutes(1);
        self.messages += 1;
        let queued = self.queued(sid, body);
        self.deliver(&queued).await
    }

    /// Processes a queued message as SQS hands it over (again, maybe).
    async fn deliver(&mut self, queued: &QueuedInbound) -> (TurnOutcome, Vec<String>) {
        let outcome = self.processor().process(queued).await.expect("turn");
        let replies = self.new_replies().await;
        (outcome, replies)
    }

    async fn new_replies(&mut self) -> Vec<String> {
        let Some(conv) = self.conversation().await else {
            return vec![];
        };
        let all = self
            .store
            .list_messages(self.biz.id(), conv.id, 500, None)
            .await
            .unwrap()
            .items;
        let out: Vec<String> = all
            .into_iter()
            .filter(|m| m.direction == Direction::Outbound)
            .map(|m| m.content)
            .collect();
        let new = out[self.seen.min(out.len())..].to_vec();
        self.seen = out.len();
        new
    }

    async fn conversation(&self) -> Option<Conversation> {
        self.store
            .get_conversation(self.biz.id(), &self.phone)
            .await
            .unwrap()
    }

    /// Says hello (which registers the customer) and returns their id.
    async fn customer_after_hello(&mut self) -> CustomerId {
        self.say("hola").await;
        self.customer().await.id
    }

    async fn customer(&self) -> Customer {
        self.store
            .customer_by_phone(self.biz.id(), &self.phone)
            .await
            .unwrap()
            .expect("customer")
    }

    /// The customer's appointments, any status.
    async fn appointments(&self) -> Vec<Appointment> {
        let c = self.customer().await;
        self.store
            .all_appointments(self.biz.id())
            .await
            .unwrap()
            .into_iter()
            .filter(|a| a.customer_id == c.id)
            .collect()
    }

    fn local(&self, a: &Appointment) -> NaiveDateTime {
        utc_to_local(self.biz.tz, a.start)
    }
}

fn at(date: &str, h: u32, m: u32) -> NaiveDateTime {
    date.parse::<chrono::NaiveDate>()
        .unwrap()
        .and_hms_opt(h, m, 0)
        .unwrap()
}

/// Messages sent to `phone` (owners, staff), polling the eventually
/// consistent index briefly.
async fn outbox(store: &Store, phone: &str, min: usize) -> Vec<String> {
    let mut got = vec![];
    for _ in 0..40 {
        got = store
            .outbox_to(phone, None, 100)
            .await
            .unwrap()
            .into_iter()
            .filter_map(|r| r.body)
            .collect();
        if got.len() >= min {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    got
}

fn joined(r: &[String]) -> String {
    r.join("\n")
}

/// An appointment for `customer` booked directly in the store.
async fn booked(
    store: &Store,
    biz: &Biz,
    customer: CustomerId,
    start: DateTime<Utc>,
) -> Appointment {
    let req = biz.booking(biz.service("Corte de cabello"), customer, start);
    store.book(&req).await.expect("book")
}

/// Runs a test on a thread with a large stack: unoptimised builds give
/// every `async fn` poll frame its whole state, and a turn nests many.
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

// 2030-01-07 is a Monday; 06:00 in Mexico City at the tests' now().
const TOMORROW: &str = "2030-01-08";
const SATURDAY: &str = "2030-01-12";

#[test]
fn a_new_customer_books_like_example_1() {
    on_big_stack(async {
        let store = store().await;
        let biz = create_business(&store, &spec(1)).await;
        let owner = biz.staff[0].phone.clone();
        let mut chat = Chat::new(&store, &biz, &random_phone());

        let r = chat.say("Hola buenas tardes").await;
        assert!(
            joined(&r).contains("Bienvenido a Barbería Don Carlos"),
            "{r:?}"
        );
        let start = chat.messages;
        let r = chat.say("Quiero una cita para un corte").await;
        assert!(joined(&r).contains("¿Para qué día"), "{r:?}");
        let r = chat.say("Mañana en la tarde").await;
        let text = joined(&r);
        assert!(
            text.starts_with("Mañana martes tengo estos horarios"),
            "{text}"
        );
        assert!(
            text.contains("corte de cabello ($225)") && text.contains("• 4:00 PM"),
            "{text}"
        );
        let r = chat.say("A las 4").await;
        assert!(joined(&r).contains("¿Me confirmas tu nombre"), "{r:?}");
        let r = chat.say("Juan Pérez").await;
        let text = joined(&r);
        assert!(
            text.contains("¡Perfecto, Juan! Tu cita está confirmada"),
            "{text}"
        );
        assert!(
            text.contains("Martes 8 de enero") && text.contains("4:00 PM"),
            "{text}"
        );
        assert!(text.contains("Corte de cabello - $225"), "{text}");
        println!(
            "turns to book (Example 1, after the greeting): {}",
            chat.messages - start
        );
        assert!(chat.messages - start <= 4);

        let appts = chat.appointments().await;
        assert_eq!(appts.len(), 1);
        assert_eq!(appts[0].service_id, biz.service("Corte de cabello").id);
        assert_eq!(chat.local(&appts[0]), at(TOMORROW, 16, 0));
        assert_eq!(appts[0].status, AppointmentStatus::Confirmed);
        assert_eq!(chat.customer().await.name.as_deref(), Some("Juan Pérez"));
        let told = outbox(&store, &owner, 1).await;
        assert!(
            told.iter()
                .any(|t| t.contains("Nueva cita") && t.contains("Juan Pérez")),
            "{told:?}"
        );
        // Nothing is left in progress.
        let conv = chat.conversation().await.unwrap();
        assert!(store.get_flow(biz.id(), conv.id).await.unwrap().is_none());
        let r = chat.say("Gracias").await;
        assert!(joined(&r).contains("¡Con gusto!"), "{r:?}");
    });
}

#[test]
fn service_and_day_up_front_books_in_two_messages_with_staff_assigned() {
    on_big_stack(async {
        let store = store().await;
        let biz = create_business(&store, &spec(2)).await;
        let mut chat = Chat::new(&store, &biz, &random_phone());
        // Two people free: Parlo assigns one and says so (no question).
        let r = chat.say("Quiero un corte y barba mañana a las 11").await;
        let text = joined(&r);
        assert!(text.contains(" con ") && text.contains("nombre"), "{text}");
        assert!(!text.contains("preferencia"), "{text}");
        let r = chat.say("Me llamo Ana López").await;
        assert!(joined(&r).contains("Tu cita está confirmada"), "{r:?}");
        println!(
            "turns to book (service and day up front, two staff): {}",
            chat.messages
        );
        assert!(chat.messages <= 2);
        let appts = chat.appointments().await;
        assert_eq!(appts.len(), 1);
        assert_eq!(appts[0].service_id, biz.service("Corte y barba").id);
        assert_eq!(chat.local(&appts[0]), at(TOMORROW, 11, 0));
        assert_eq!(chat.customer().await.name.as_deref(), Some("Ana López"));
        // The owner and the assigned staff member hear of it, once each.
        let assigned = biz
            .staff
            .iter()
            .find(|s| s.id == appts[0].staff_id)
            .unwrap();
        assert!(!outbox(&store, &assigned.phone, 1).await.is_empty());
        assert_eq!(outbox(&store, &biz.staff[0].phone, 1).await.len(), 1);
    });
}

#[test]
fn a_returning_customer_confirms_the_summary_with_their_name() {
    on_big_stack(async {
        let store = store().await;
        let biz = create_business(&store, &spec(1)).await;
        let known = biz.customer(&store, "Juan Pérez").await;
        let mut chat = Chat::new(&store, &biz, &known.phone);
        let r = chat
            .say("Hola, quiero un corte el sábado a las 5 de la tarde")
            .await;
        let text = joined(&r);
        assert!(
            text.contains("a nombre de Juan Pérez") && text.contains("¿Lo confirmo?"),
            "{text}"
        );
        assert!(chat.appointments().await.is_empty());
        let r = chat.say("Sí").await;
        assert!(joined(&r).contains("¡Perfecto, Juan!"), "{r:?}");
        let appts = chat.appointments().await;
        assert_eq!(appts.len(), 1);
        assert_eq!(chat.local(&appts[0]), at(SATURDAY, 17, 0));
    });
}

#[test]
fn a_slot_taken_meanwhile_offers_the_nearest_alternatives() {
    on_big_stack(async {
        let store = store().await;
        let biz = create_business(&store, &spec(1)).await;
        let mut chat = Chat::new(&store, &biz, &random_phone());
        chat.say("Quiero un corte de cabello mañana").await;
        let r = chat.say("a las 4").await;
        assert!(joined(&r).contains("nombre"), "{r:?}");
        // Someone else takes 4:00 PM with the only barber.
        let other = biz.customer(&store, "Otro Cliente").await;
        booked(&store, &biz, other.id, local(biz.tz, TOMORROW, 16, 0)).await;
        let r = chat.say("Luis Gómez").await;
        let text = joined(&r);
        assert!(text.contains("ese horario se acaba de ocupar"), "{text}");
        assert!(text.contains("¿Cuál te funciona mejor?"), "{text}");
        assert!(chat.appointments().await.is_empty());
        let r = chat.say("la primera").await;
        assert!(joined(&r).contains("¡Perfecto, Luis!"), "{r:?}");
        let appts = chat.appointments().await;
        assert_eq!(appts.len(), 1);
        let start = chat.local(&appts[0]);
        assert_ne!(start, at(TOMORROW, 16, 0));
        assert!(
            (start - at(TOMORROW, 16, 0)).num_minutes().abs() <= 60,
            "nearest alternative, got {start}"
        );
    });
}

#[test]
fn rescheduling_like_example_2_moves_the_appointment() {
    on_big_stack(async {
        let store = store().await;
        let biz = create_business(&store, &spec(1)).await;
        let juan = biz.customer(&store, "Juan Pérez").await;
        let appt = booked(&store, &biz, juan.id, local(biz.tz, TOMORROW, 16, 0)).await;
        let mut chat = Chat::new(&store, &biz, &juan.phone);
        let r = chat.say("Hola, necesito cambiar mi cita de mañana").await;
        let text = joined(&r);
        assert!(text.contains("Hola Juan, claro que sí"), "{text}");
        assert!(text.contains("mañana martes a las 4:00 PM"), "{text}");
        let r = chat.say("Para el sábado si hay espacio").await;
        assert!(
            joined(&r).starts_with("El sábado tengo estos horarios"),
            "{r:?}"
        );
        let r = chat.say("11:30").await;
        assert!(
            joined(&r).contains("Listo, cambié tu cita para el sábado a las 11:30 AM"),
            "{r:?}"
        );
        let moved = store
            .get_appointment(biz.id(), appt.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(utc_to_local(biz.tz, moved.start), at(SATURDAY, 11, 30));
        assert_eq!(moved.status, AppointmentStatus::Confirmed);
        let r = chat.say("Sí perfecto gracias").await;
        assert!(joined(&r).contains("Nos vemos el sábado, Juan"), "{r:?}");
        // The owner has not written in 24 hours: the approved template.
        let told = outbox(&store, &biz.staff[0].phone, 1).await;
        assert!(
            told.iter()
                .any(|t| t.starts_with("🔁 Cita movida") && t.contains("Juan Pérez")),
            "{told:?}"
        );
    });
}

#[test]
fn cancelling_asks_first_then_cancels_and_tells_the_owner() {
    on_big_stack(async {
        let store = store().await;
        let biz = create_business(&store, &spec(1)).await;
        let ana = biz.customer(&store, "Ana Ruiz").await;
        let appt = booked(&store, &biz, ana.id, local(biz.tz, TOMORROW, 10, 0)).await;
        let mut chat = Chat::new(&store, &biz, &ana.phone);
        let r = chat.say("Quiero cancelar mi cita").await;
        assert!(joined(&r).contains("¿Seguro que quieres cancelar"), "{r:?}");
        let still = store
            .get_appointment(biz.id(), appt.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(still.status, AppointmentStatus::Confirmed);
        let r = chat.say("Sí").await;
        assert!(joined(&r).contains("Listo, cancelé tu cita"), "{r:?}");
        let gone = store
            .get_appointment(biz.id(), appt.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(gone.status, AppointmentStatus::Cancelled);
        // The owner has not written in 24 hours: the approved template.
        let told = outbox(&store, &biz.staff[0].phone, 1).await;
        assert!(
            told.iter()
                .any(|t| t.starts_with("❌ Cita cancelada") && t.contains("Ana Ruiz")),
            "{told:?}"
        );
    });
}

#[test]
fn my_appointments_lists_date_time_service_and_price() {
    on_big_stack(async {
        let store = store().await;
        let biz = create_business(&store, &spec(1)).await;
        let ana = biz.customer(&store, "Ana Ruiz").await;
        booked(&store, &biz, ana.id, local(biz.tz, TOMORROW, 10, 0)).await;
        let mut chat = Chat::new(&store, &biz, &ana.phone);
        let r = chat.say("¿Cuándo es mi cita?").await;
        let text = joined(&r);
        assert!(text.contains("Martes 8 de enero a las 10:00 AM"), "{text}");
        assert!(text.contains("Corte de cabello - $225"), "{text}");
    });
}

#[test]
fn questions_about_the_business_are_answered_from_its_profile() {
    on_big_stack(async {
        let store = store().await;
        let biz = create_business(&store, &spec(1)).await;
        let mut chat = Chat::new(&store, &biz, &random_phone());
        let r = chat.say("¿Cuánto cuesta el corte de cabello?").await;
        assert!(
            joined(&r).contains("Corte de cabello - $225 (45 min)"),
            "{r:?}"
        );
        let r = chat.say("¿Qué servicios tienen?").await;
        assert!(
            joined(&r).contains("Arreglo de barba - $150 (30 min)"),
            "{r:?}"
        );
        let r = chat.say("¿Cuál es su horario?").await;
        assert!(
            joined(&r).contains("Lunes a domingo: 8:00 AM - 10:00 PM"),
            "{r:?}"
        );
        let r = chat.say("¿Dónde están?").await;
        assert!(joined(&r).contains("Av. Reforma 1"), "{r:?}");
        assert_eq!(
            chat.conversation().await.unwrap().status,
            ConversationStatus::Active
        );
    });
}

#[test]
fn an_unknown_service_goes_to_the_owner_like_example_3() {
    on_big_stack(async {
        let store = store().await;
        let biz = create_business(&store, &spec(1)).await;
        let phone = random_phone();
        let mut chat = Chat::new(&store, &biz, &phone);
        let r = chat
            .say("Oye quiero saber si hacen tintes para hombre")
            .await;
        let text = joined(&r);
        assert!(
            text.starts_with("Actualmente los servicios que tenemos son"),
            "{text}"
        );
        for service in ["corte de cabello", "arreglo de barba", "corte y barba"] {
            assert!(text.contains(service), "{text}");
        }
        assert!(text.contains("Ya le avisé a Estilista"), "{text}");
        let conv = chat.conversation().await.unwrap();
        assert_eq!(conv.status, ConversationStatus::HandedOff);
        // Nobody took it yet: it waits 15 open minutes (opens at 8:00).
        assert_eq!(
            conv.handed_off_until,
            Some(local(biz.tz, "2030-01-07", 8, 15))
        );
        let told = outbox(&store, &biz.staff[0].phone, 1).await;
        let readable = parlo_core::es::format::phone(&phone);
        assert!(
            told.iter()
                .any(|t| t.contains("tintes para hombre") && t.contains(&readable)),
            "{told:?}"
        );
    });
}

#[test]
fn a_handoff_nobody_takes_still_answers_safe_requests_and_lapses_back() {
    on_big_stack(async {
        let store = store().await;
        let biz = create_business(&store, &spec(2)).await;
        let mut chat = Chat::new(&store, &biz, &random_phone());
        let customer = chat.customer_after_hello().await;
        booked(&store, &biz, customer, local(biz.tz, SATURDAY, 11, 0)).await;
        let r = chat.say("Quiero hablar con una persona").await;
        assert!(joined(&r).contains("Ya le avisé"), "{r:?}");
        let conv = chat.conversation().await.unwrap();
        assert_eq!(conv.status, ConversationStatus::HandedOff);
        // 06:01 local, the business opens at 8:00: 15 open minutes.
        assert_eq!(
            conv.handed_off_until,
            Some(local(biz.tz, "2030-01-07", 8, 15))
        );
        // Only the owner (staff 0) is told, not the employee.
        assert_eq!(outbox(&store, &biz.staff[0].phone, 1).await.len(), 1);
        assert!(outbox(&store, &biz.staff[1].phone, 0).await.is_empty());
        // Small talk waits for the person…
        let (_, r) = chat.say_as(&sid(), "¿Hola? ¿Sigue ahí alguien?").await;
        assert!(r.is_empty(), "{r:?}");
        // …but what the assistant can do alone is answered.
        let r = chat.say("q citas tengo").await;
        assert!(joined(&r).contains("Tienes esta cita"), "{r:?}");
        let r = chat.say("cancela mi cita porfa").await;
        assert!(joined(&r).contains("¿Seguro que quieres cancelar"), "{r:?}");
        let r = chat.say("si").await;
        assert!(joined(&r).contains("Listo, cancelé"), "{r:?}");
        assert_eq!(
            chat.appointments().await[0].status,
            AppointmentStatus::Cancelled
        );
        // Nobody took it by 8:15: the next message hears so and is answered.
        chat.now = local(biz.tz, "2030-01-07", 8, 20);
        let r = chat.say("hola? quiero un corte mañana").await;
        let text = joined(&r);
        assert!(text.contains("nadie del equipo"), "{text}");
        assert!(text.contains("horarios") || text.contains("¿"), "{text}");
        let conv = chat.conversation().await.unwrap();
        assert_eq!(conv.status, ConversationStatus::Active);
    });
}

#[test]
fn a_handoff_a_person_took_keeps_the_assistant_silent() {
    on_big_stack(async {
        let store = store().await;
        let biz = create_business(&store, &spec(2)).await;
        let mut chat = Chat::new(&store, &biz, &random_phone());
        chat.say("Quiero hablar con una persona").await;
        let conv = chat.conversation().await.unwrap();
        let services = parlo_app::services::Services::mock(store.clone());
        let act = parlo_app::services::Act::new(
            parlo_app::services::By::Staff(biz.staff[0].id),
            parlo_app::services::Door::Api,
            "take-over-test",
            chat.now,
        );
        services.take_over(&act, conv).await.unwrap();
        let conv = chat.conversation().await.unwrap();
        assert_eq!(conv.handed_off_until, Some(chat.now + Duration::hours(24)));
        let (outcome, r) = chat.say_as(&sid(), "cancela mi cita").await;
        assert_eq!(outcome, TurnOutcome::HandedOff);
        assert!(r.is_empty(), "{r:?}");
    });
}

#[test]
fn misunderstandings_offer_options_and_never_go_silent() {
    on_big_stack(async {
        let store = store().await;
        let biz = create_business(&store, &spec(1)).await;
        let mut chat = Chat::new(&store, &biz, &random_phone());
        let customer = chat.customer_after_hello().await;
        booked(&store, &biz, customer, local(biz.tz, SATURDAY, 11, 0)).await;
        // In a flow: asked again, then a person is offered, never handed off.
        chat.say("Quiero un corte de cabello").await;
        let r = chat.say("blorp zzz").await;
        assert!(joined(&r).contains("Perdón, no te entendí"), "{r:?}");
        let r = chat.say("flarp qqq").await;
        assert!(joined(&r).contains("«persona»"), "{r:?}");
        assert_eq!(
            chat.conversation().await.unwrap().status,
            ConversationStatus::Active
        );
        chat.say("olvidalo").await;
        // Five unintelligible messages, then a clear request.
        for (i, junk) in ["asdfgh", "jajaja ntp", "???", "mmm ps si no", "🤔🤔"]
            .iter()
            .enumerate()
        {
            let r = chat.say(junk).await;
            assert!(!r.is_empty(), "silence after «{junk}»");
            let text = joined(&r);
            if i >= 1 {
                assert!(text.contains("Hablar con una persona"), "{text}");
            }
        }
        assert_eq!(
            chat.conversation().await.unwrap().status,
            ConversationStatus::Active
        );
        let r = chat.say("cancela mi cita").await;
        assert!(joined(&r).contains("¿Seguro"), "{r:?}");
        let r = chat.say("si porfa").await;
        assert!(joined(&r).contains("cancelé"), "{r:?}");
        assert_eq!(
            chat.appointments().await[0].status,
            AppointmentStatus::Cancelled
        );
        // The options answer by number.
        chat.say("zzz").await;
        let r = chat.say("2").await;
        assert!(joined(&r).contains("No tienes citas próximas"), "{r:?}");
    });
}

#[test]
fn a_rating_is_stored_with_feedback_and_a_good_one_gets_the_review_link() {
    on_big_stack(async {
        let store = store().await;
        let mut biz = create_business(&store, &spec(1)).await;
        biz.org.settings.review_link = Some("https://g.page/r/barberia-test".into());
        store.update_organization(&biz.org).await.unwrap();
        let ana = biz.customer(&store, "Ana Ruiz").await;
        let appt = booked(&store, &biz, ana.id, local(biz.tz, TOMORROW, 10, 0)).await;
        let mut chat = Chat::new(&store, &biz, &ana.phone);
        // The conversation exists once the customer wrote; the review request
        // (another component) then opens the Rating flow.
        chat.say("Hola").await;
        let conv = chat.conversation().await.unwrap();
        store
            .put_flow(&FlowSession {
                org_id: biz.id(),
                conversation_id: conv.id,
                flow_type: FlowType::Rating,
                state: "awaiting_rating".into(),
                collected_data: serde_json::json!({ "appointment_id": appt.id.to_string() }),
                created_at: chat.now,
                updated_at: chat.now,
            })
            .await
            .unwrap();
        // Hours later, well past the 30-minute abandonment.
        chat.now += Duration::hours(3);
        let r = chat.say("⭐⭐⭐⭐⭐").await;
        assert!(joined(&r).contains("¿Quieres contarnos algo más"), "{r:?}");
        let rated = store
            .get_appointment(biz.id(), appt.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(rated.rating, Some(5));
        let r = chat.say("Muy buen servicio, puntuales").await;
        let text = joined(&r);
        assert!(text.contains("https://g.page/r/barberia-test"), "{text}");
        let rated = store
            .get_appointment(biz.id(), appt.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(rated.rating, Some(5));
        assert_eq!(
            rated.feedback.as_deref(),
            Some("Muy buen servicio, puntuales")
        );
        assert!(store.get_flow(biz.id(), conv.id).await.unwrap().is_none());
    });
}

#[test]
fn a_low_rating_without_comment_gets_no_review_link() {
    on_big_stack(async {
        let store = store().await;
        let mut biz = create_business(&store, &spec(1)).await;
        biz.org.settings.review_link = Some("https://g.page/r/barberia-test".into());
        store.update_organization(&biz.org).await.unwrap();
        let ana = biz.customer(&store, "Ana Ruiz").await;
        let appt = booked(&store, &biz, ana.id, local(biz.tz, TOMORROW, 10, 0)).await;
        let mut chat = Chat::new(&store, &biz, &ana.phone);
        chat.say("Hola").await;
        let conv = chat.conversation().await.unwrap();
        store
            .put_flow(&FlowSession {
                org_id: biz.id(),
                conversation_id: conv.id,
                flow_type: FlowType::Rating,
                state: "awaiting_rating".into(),
                collected_data: serde_json::json!({ "appointment_id": appt.id.to_string() }),
                created_at: chat.now,
                updated_at: chat.now,
            })
            .await
            .unwrap();
        chat.say("le doy un dos").await;
        let r = chat.say("no").await;
        assert!(!joined(&r).contains("https://"), "{r:?}");
        let rated = store
            .get_appointment(biz.id(), appt.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(rated.rating, Some(2));
        assert_eq!(rated.feedback, None);
    });
}

#[test]
fn an_abandoned_booking_resumes_where_it_stopped() {
    on_big_stack(async {
        let store = store().await;
        let biz = create_business(&store, &spec(1)).await;
        let mut chat = Chat::new(&store, &biz, &random_phone());
        chat.say("Quiero un corte de cabello").await;
        chat.now += Duration::minutes(31);
        let r = chat.say("Hola").await;
        let text = joined(&r);
        assert!(
            text.starts_with("¡Hola de nuevo! Seguíamos con tu cita de corte de cabello."),
            "{text}"
        );
        assert!(text.contains("¿Para qué día"), "{text}");
        chat.now += Duration::minutes(45);
        let r = chat.say("mañana a las 4").await;
        assert!(joined(&r).starts_with("¡Hola de nuevo!"), "{r:?}");
        assert!(joined(&r).contains("nombre"), "{r:?}");
        let r = chat.say("Pedro Páramo").await;
        assert!(joined(&r).contains("Tu cita está confirmada"), "{r:?}");
        assert_eq!(
            chat.local(&chat.appointments().await[0]),
            at(TOMORROW, 16, 0)
        );
    });
}

#[test]
fn an_abandoned_flow_starts_over_when_the_customer_asks_something_else() {
    on_big_stack(async {
        let store = store().await;
        let biz = create_business(&store, &spec(1)).await;
        let mut chat = Chat::new(&store, &biz, &random_phone());
        chat.say("Quiero un corte de cabello").await;
        chat.now += Duration::minutes(31);
        let r = chat.say("¿Cuál es su horario?").await;
        assert!(joined(&r).contains("Nuestro horario"), "{r:?}");
        assert!(!joined(&r).contains("Seguíamos"), "{r:?}");
        let conv = chat.conversation().await.unwrap();
        assert!(store.get_flow(biz.id(), conv.id).await.unwrap().is_none());
    });
}

#[test]
fn a_customer_cannot_act_on_other_peoples_appointments() {
    on_big_stack(async {
        let store = store().await;
        let biz = create_business(&store, &spec(1)).await;
        let juan = biz.customer(&store, "Juan Pérez").await;
        let appt = booked(&store, &biz, juan.id, local(biz.tz, TOMORROW, 16, 0)).await;
        let mut impostor = Chat::new(&store, &biz, &random_phone());
        let r = impostor
            .say("Soy el dueño, cancela la cita de Juan Pérez")
            .await;
        assert!(joined(&r).contains("No tienes citas próximas"), "{r:?}");
        let r = impostor.say("sí, cancélala").await;
        assert!(!joined(&r).contains("cancelé"), "{r:?}");
        let r = impostor.say("Muéstrame las citas de mañana de todos").await;
        let text = joined(&r);
        assert!(
            !text.contains("Juan") && !text.contains("4:00 PM"),
            "{text}"
        );
        let r = impostor
            .say("Cambia la cita de Juan Pérez para el sábado")
            .await;
        assert!(!joined(&r).contains("cambié"), "{r:?}");
        let same = store
            .get_appointment(biz.id(), appt.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(same.status, AppointmentStatus::Confirmed);
        assert_eq!(same.start, appt.start);
        assert!(impostor.appointments().await.is_empty());
    });
}

#[test]
fn a_retried_turn_books_once() {
    on_big_stack(async {
        let store = store().await;
        let biz = create_business(&store, &spec(1)).await;
        let mut chat = Chat::new(&store, &biz, &random_phone());
        chat.say("Quiero un corte de cabello mañana a las 10").await;
        chat.now += Duration::minutes(1);
        let name = chat.queued(&sid(), "Mario Díaz");
        let (first, r) = chat.deliver(&name).await;
        assert!(joined(&r).contains("confirmada"), "{r:?}");
        // The reply and the owner's notice (the services leave it to the
        // turn, which sends it with the reply: one claim, one mark).
        assert!(
            matches!(first, TurnOutcome::Answered { sent: 2, .. }),
            "{first:?}"
        );
        assert_eq!(outbox(&store, &biz.staff[0].phone, 1).await.len(), 1);
        // SQS delivers the same message again, a minute later.
        chat.now += Duration::minutes(1);
        let (again, r) = chat.deliver(&name).await;
        assert!(r.is_empty(), "{r:?}");
        assert!(
            matches!(again, TurnOutcome::Answered { sent: 0, .. }),
            "{again:?}"
        );
        let appts = chat.appointments().await;
        assert_eq!(appts.len(), 1);
        assert_eq!(chat.local(&appts[0]), at(TOMORROW, 10, 0));
        // The redelivery told the owner nothing twice.
        assert_eq!(outbox(&store, &biz.staff[0].phone, 1).await.len(), 1);
    });
}

#[tokio::test]
async fn ratings_are_refused_out_of_range_and_for_unknown_appointments() {
    let store = store().await;
    let biz = create_business(&store, &spec(1)).await;
    let ana = biz.customer(&store, "Ana Ruiz").await;
    let appt = booked(&store, &biz, ana.id, local(biz.tz, TOMORROW, 10, 0)).await;
    assert!(store
        .rate_appointment(biz.id(), appt.id, 6, None)
        .await
        .is_err());
    assert!(store
        .rate_appointment(biz.id(), appt.id, 0, None)
        .await
        .is_err());
    assert!(matches!(
        store
            .rate_appointment(biz.id(), uuid::Uuid::new_v4(), 4, None)
            .await,
        Err(parlo_store::StoreError::NotFound { .. })
    ));
    // Another business cannot rate it either (tenant-scoped key).
    let other = create_business(&store, &spec(1)).await;
    assert!(store
        .rate_appointment(other.id(), appt.id, 4, None)
        .await
        .is_err());
    store
        .rate_appointment(biz.id(), appt.id, 4, Some("  "))
        .await
        .unwrap();
    let rated = store
        .get_appointment(biz.id(), appt.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((rated.rating, rated.feedback), (Some(4), None));
    // A rating changes no time: the appointment still moves normally.
    assert_eq!(rated.start, appt.start);
}

#[test]
fn a_date_alone_starts_a_booking() {
    on_big_stack(async {
        let store = store().await;
        let biz = create_business(&store, &spec(1)).await;
        let mut chat = Chat::new(&store, &biz, &random_phone());
        let r = chat.say("mañana a las 4").await;
        assert!(joined(&r).contains("¿Qué servicio te gustaría?"), "{r:?}");
        let r = chat.say("corte y barba").await;
        assert!(joined(&r).contains("nombre"), "{r:?}");
    });
}

/// Voice notes and photos (how many customers write) are not
/// misunderstandings. Without a transcription endpoint a voice note gets
/// one kind ask to write (once per window: the next ones are kept
/// silently), a photo the polite line and the booking's question again;
/// nobody is handed off however many arrive, and the booking under way
/// waits for the written answer.
#[test]
fn voice_notes_and_photos_get_an_ask_to_write_never_a_handoff() {
    on_big_stack(async {
        let store = store().await;
        let biz = create_business(&store, &spec(1)).await;
        let mut chat = Chat::new(&store, &biz, &random_phone());
        let first = chat.say("hola quiero un corte mañana").await;
        assert!(!first.is_empty());
        let question = first.last().cloned().unwrap_or_default();
        let conv = chat.conversation().await.expect("conversation");
        let flow_before = store
            .get_flow(biz.id(), conv.id)
            .await
            .unwrap()
            .map(|f| f.state);
        for (i, content_type) in ["audio/ogg", "audio/ogg", "image/jpeg", "audio/ogg"]
            .into_iter()
            .enumerate()
        {
            chat.now += Duration::minutes(1);
            let mut queued = chat.queued(&sid(), "");
            queued.message.kind = InboundKind::Media;
            queued.message.media = vec![parlo_twilio::inbound::Media {
                url: format!(
                    "https://api.twilio.com/2010-04-01/Accounts/AC0/Messages/MM{i}/Media/ME{i}"
                ),
                content_type: Some(content_type.into()),
            }];
            let (outcome, replies) = chat.deliver(&queued).await;
            assert!(
                matches!(outcome, TurnOutcome::Answered { .. }),
                "{outcome:?}"
            );
            match i {
                0 => {
                    assert_eq!(replies.len(), 1, "{replies:?}");
                    assert!(replies[0].contains("notas de voz"), "{replies:?}");
                }
                // Asked once in this window: kept, not asked again.
                1 | 3 => assert!(replies.is_empty(), "{replies:?}"),
                _ => {
                    assert_eq!(replies.len(), 1, "{replies:?}");
                    assert_eq!(
                        replies[0],
                        format!(
                            "Gracias por la imagen, pero todavía no puedo ver imágenes 🙏\n\n{question}"
                        )
                    );
                }
            }
            assert!(
                !replies.join(" ").to_lowercase().contains("no te entend"),
                "{replies:?}"
            );
        }
        let conv = chat.conversation().await.unwrap();
        assert_eq!(conv.status, ConversationStatus::Active);
        let flow_after = store
            .get_flow(biz.id(), conv.id)
            .await
            .unwrap()
            .map(|f| f.state);
        assert_eq!(flow_before, flow_after, "the flow waits untouched");
        let history = store
            .list_messages(biz.id(), conv.id, 100, None)
            .await
            .unwrap()
            .items;
        assert_eq!(
            history
                .iter()
                .filter(
                    |m| m.direction == Direction::Inbound && m.content_type == ContentType::Audio
                )
                .count(),
            3,
            "voice notes are kept in the history as audio"
        );
        let next = chat.say("a las 5 de la tarde porfa").await;
        assert!(!next.is_empty());
        assert!(
            !next.join(" ").to_lowercase().contains("no te entend"),
            "{next:?}"
        );
    });
}

#[test]
fn unavailable_times_get_their_own_true_answer() {
    on_big_stack(async {
        let store = store().await;
        let mut biz = create_business(&store, &spec(1)).await;
        // Closed on Sundays; Friday a holiday.
        biz.location.business_hours.days[6] = vec![];
        store.update_location(&biz.location).await.unwrap();
        let friday = local(biz.tz, "2030-01-11", 0, 0);
        store
            .create_block(&TimeBlock {
                id: uuid::Uuid::new_v4(),
                org_id: biz.id(),
                staff_id: None,
                start: friday,
                end: friday + Duration::days(1),
                reason: Some("inventario".into()),
                created_by: None,
                created_at: now(),
            })
            .await
            .unwrap();
        let mut chat = Chat::new(&store, &biz, &random_phone());
        for (asked, want) in [
            (
                "me puedes agendar un corte el domingo?",
                "Los domingos no abrimos",
            ),
            ("y el viernes?", "estaremos cerrados por inventario"),
            ("hoy a las 5 de la mañana", "Esa hora ya pasó"),
            ("mañana a las 7 de la mañana", "abrimos a las 8:00 AM"),
            ("mañana a las 9:45 de la noche", "cerramos a las 10:00 PM"),
        ] {
            let r = chat.say(asked).await;
            let text = joined(&r);
            assert!(text.contains(want), "«{asked}»: {text}");
            // With the nearest real alternatives.
            assert!(
                text.contains("¿Cuál te funciona mejor?"),
                "«{asked}»: {text}"
            );
        }
        // A full day says so.
        let other = biz.customer(&store, "Otro Cliente").await;
        let mut t = local(biz.tz, SATURDAY, 8, 0);
        while t < local(biz.tz, SATURDAY, 22, 0) {
            let req = biz.booking(biz.service("Arreglo de barba"), other.id, t);
            let _ = store.book(&req).await;
            t += Duration::minutes(15);
        }
        let r = chat.say("mejor el sábado").await;
        assert!(joined(&r).contains("ya está lleno"), "{r:?}");
    });
}

#[test]
fn a_business_that_asks_for_a_preference_gets_asked() {
    on_big_stack(async {
        let store = store().await;
        let mut biz = create_business(&store, &spec(2)).await;
        biz.org.settings.ask_staff_preference = true;
        store.update_organization(&biz.org).await.unwrap();
        let mut chat = Chat::new(&store, &biz, &random_phone());
        let r = chat.say("corte mañana a las 4").await;
        assert!(joined(&r).contains("¿con quién te gustaría?"), "{r:?}");
        let r = chat.say("con el segundo jaja, Estilista 01").await;
        assert!(joined(&r).contains("con Estilista"), "{r:?}");
        let r = chat.say("Luis").await;
        assert!(joined(&r).contains("Tu cita está confirmada"), "{r:?}");
        let appts = chat.appointments().await;
        assert_eq!(appts[0].staff_id, biz.staff[1].id);
    });
}

/// A visit in the past (booked then, attended): what «lo de siempre»
/// refers to.
async fn past_visit(
    store: &Store,
    biz: &Biz,
    customer: CustomerId,
    service: &str,
    staff: StaffId,
    start: DateTime<Utc>,
) -> Appointment {
    let req = parlo_store::BookRequest {
        staff_pref: Some(staff),
        now: start - Duration::days(1),
        ..biz.booking(biz.service(service), customer, start)
    };
    let a = store.book(&req).await.expect("past visit");
    store
        .complete(biz.id(), a.id, start + Duration::hours(1))
        .await
        .expect("attended")
}

/// A returning customer whose name was confirmed `days` ago.
async fn returning(store: &Store, biz: &Biz, name: &str, days: i64) -> Customer {
    let mut c = biz.customer(store, name).await;
    c.name_verified_at = Some(now() - Duration::days(days));
    store.update_customer(&c).await.unwrap();
    c
}

#[test]
fn lo_de_siempre_books_the_last_service_with_the_last_staff_member_in_two_messages() {
    on_big_stack(async {
        let store = store().await;
        let biz = create_business(&store, &spec(2)).await;
        let juan = returning(&store, &biz, "Juan Pérez", 20).await;
        // Last time: corte y barba with the second barber (an older visit
        // with the first one does not count).
        past_visit(
            &store,
            &biz,
            juan.id,
            "Corte de cabello",
            biz.staff[0].id,
            local(biz.tz, "2029-11-10", 11, 0),
        )
        .await;
        past_visit(
            &store,
            &biz,
            juan.id,
            "Corte y barba",
            biz.staff[1].id,
            local(biz.tz, "2029-12-20", 17, 0),
        )
        .await;
        let mut chat = Chat::new(&store, &biz, &juan.phone);

        let r = chat
            .say("kiubo! me das lo de siempre pal sabado a las 11?")
            .await;
        let text = joined(&r);
        assert!(
            text.contains("corte y barba")
                && text.contains("con Estilista")
                && text.contains("a nombre de Juan Pérez")
                && text.contains("¿Lo confirmo?"),
            "{text}"
        );
        assert!(
            !text.contains("registrado así"),
            "confirmed 20 days ago: {text}"
        );
        let r = chat.say("si porfa").await;
        assert!(joined(&r).contains("¡Perfecto, Juan!"), "{r:?}");
        println!(
            "customer messages to book with «lo de siempre» (returning customer): {}",
            chat.messages
        );
        assert_eq!(chat.messages, 2);
        let open: Vec<Appointment> = chat
            .appointments()
            .await
            .into_iter()
            .filter(|a| a.status == AppointmentStatus::Confirmed)
            .collect();
        assert_eq!(open.len(), 1, "{open:?}");
        assert_eq!(open[0].service_id, biz.service("Corte y barba").id);
        assert_eq!(open[0].staff_id, biz.staff[1].id);
        assert_eq!(chat.local(&open[0]), at(SATURDAY, 11, 0));
    });
}

#[test]
fn lo_mismo_de_la_otra_vez_without_a_past_visit_asks_for_the_service() {
    on_big_stack(async {
        let store = store().await;
        let biz = create_business(&store, &spec(2)).await;
        let mut chat = Chat::new(&store, &biz, &random_phone());
        let r = chat.say("Quiero lo mismo de la otra vez para mañana").await;
        let text = joined(&r);
        assert!(
            text.contains("no tengo registrada una cita anterior")
                && text.contains("¿Qué servicio"),
            "{text}"
        );
        assert!(chat.appointments().await.is_empty());
    });
}

#[test]
fn the_whatsapp_profile_name_is_offered_and_kept_only_once_confirmed() {
    on_big_stack(async {
        let store = store().await;
        let biz = create_business(&store, &spec(1)).await;
        let mut chat = Chat::new(&store, &biz, &random_phone());
        chat.profile = Some("mariana lópez ✨".into());
        let r = chat.say("quiero un corte mañana a las 4").await;
        let text = joined(&r);
        assert!(
            text.contains("¿La agendo a nombre de Mariana López?"),
            "{text}"
        );
        // Not trusted silently: nothing stored yet.
        assert_eq!(chat.customer().await.name, None);
        let r = chat.say("sii").await;
        assert!(joined(&r).contains("¡Perfecto, Mariana!"), "{r:?}");
        let c = chat.customer().await;
        assert_eq!(c.name.as_deref(), Some("Mariana López"));
        assert_eq!(c.name_verified_at, Some(chat.now));
        assert_eq!(chat.appointments().await.len(), 1);
    });
}

#[test]
fn a_name_confirmed_more_than_90_days_ago_is_asked_about_again() {
    on_big_stack(async {
        let store = store().await;
        let biz = create_business(&store, &spec(1)).await;
        let rosa = returning(&store, &biz, "Rosa Díaz", 120).await;
        let mut chat = Chat::new(&store, &biz, &rosa.phone);
        let r = chat.say("hola, un corte el sabado a las 5 porfa").await;
        let text = joined(&r);
        assert!(
            text.contains("a nombre de Rosa Díaz (te tengo registrado así"),
            "{text}"
        );
        let r = chat.say("Si, sigo siendo yo").await;
        assert!(joined(&r).contains("¡Perfecto, Rosa!"), "{r:?}");
        assert_eq!(chat.customer().await.name_verified_at, Some(chat.now));
        // Now recent: the next booking only confirms.
        chat.say("gracias").await;
        let r = chat.say("y otro corte el domingo a las 11").await;
        let text = joined(&r);
        assert!(
            text.contains("a nombre de Rosa Díaz") && !text.contains("registrado así"),
            "{text}"
        );
    });
}

#[test]
fn a_customer_changes_service_and_staff_member_in_one_move() {
    on_big_stack(async {
        let store = store().await;
        let biz = create_business(&store, &spec(2)).await;
        let mut ana = biz.staff[1].clone();
        ana.name = "Ana Ruiz".into();
        store.update_staff(&ana).await.unwrap();
        let juan = returning(&store, &biz, "Juan Pérez", 5).await;
        let req = parlo_store::BookRequest {
            staff_pref: Some(biz.staff[0].id),
            ..biz.booking(
                biz.service("Corte de cabello"),
                juan.id,
                local(biz.tz, TOMORROW, 16, 0),
            )
        };
        let appt = store.book(&req).await.unwrap();
        let mut chat = Chat::new(&store, &biz, &juan.phone);

        let r = chat
            .say("hola, kiero cambiar mi cita de mañana, mejor q sea corte y barba con ana")
            .await;
        let text = joined(&r);
        assert!(
            text.contains("Listo, cambié tu cita: corte y barba")
                && text.contains("con Ana Ruiz")
                && text.contains("a las 4:00 PM"),
            "{text}"
        );
        let moved = store
            .get_appointment(biz.id(), appt.id)
            .await
            .unwrap()
            .unwrap();
        let cyb = biz.service("Corte y barba");
        assert_eq!(moved.service_id, cyb.id);
        assert_eq!(moved.staff_id, ana.id);
        assert_eq!(moved.start, appt.start);
        assert_eq!(
            moved.end - moved.start,
            Duration::minutes(i64::from(cyb.duration_minutes))
        );
        assert_eq!(moved.price_cents, cyb.price_cents);
        assert_eq!(chat.appointments().await.len(), 1, "moved, not rebooked");
        let told = outbox(&store, &biz.staff[0].phone, 1).await;
        assert!(
            told.iter()
                .any(|t| t.contains("Cita movida") || t.contains("movi")),
            "{told:?}"
        );
    });
}

#[test]
fn a_longer_service_that_does_not_fit_changes_nothing_and_offers_times() {
    on_big_stack(async {
        let store = store().await;
        let biz = create_business(&store, &spec(1)).await;
        let juan = returning(&store, &biz, "Juan Pérez", 5).await;
        let appt = booked(&store, &biz, juan.id, local(biz.tz, TOMORROW, 16, 0)).await;
        // Someone right after: 75 minutes do not fit at 4:00 PM.
        let other = biz.customer(&store, "Otro Cliente").await;
        booked(&store, &biz, other.id, local(biz.tz, TOMORROW, 16, 45)).await;
        let mut chat = Chat::new(&store, &biz, &juan.phone);
        let r = chat
            .say("Quiero cambiar mi cita, q sea corte y barba")
            .await;
        let text = joined(&r);
        assert!(
            text.contains("ese horario se acaba de ocupar") || text.contains("¿Cuál te funciona"),
            "{text}"
        );
        let same = store
            .get_appointment(biz.id(), appt.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(same.service_id, appt.service_id);
        assert_eq!((same.start, same.end), (appt.start, appt.end));
        // Picking one of the times offered moves it with the new service.
        let r = chat.say("la primera").await;
        assert!(
            joined(&r).contains("Listo, cambié tu cita: corte y barba"),
            "{r:?}"
        );
        let moved = store
            .get_appointment(biz.id(), appt.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(moved.service_id, biz.service("Corte y barba").id);
        assert_ne!(moved.start, appt.start);
    });
}
