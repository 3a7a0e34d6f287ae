//! spec/001 Examples 4–7 end to end: signed webhooks through the local
//! gateway, the real function binaries (rule agent) and the emulators,
//! on the seeded demo business, with the clock fixed through the clock
//! file. Asserts the replies and what was stored. Skipped unless
//! PARLO_E2E=1 (see tests/e2e.rs).

use std::time::Duration;

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use parlo_core::*;
use parlo_local::demo;
use parlo_local::say::{OutboxMessage, Simulator};
use parlo_store::Store;
use parlo_tests::*;

const TOKEN: &str = "local-twilio-auth-token-not-secret";

/// The examples share the demo owner's and staff member's conversations:
/// one at a time.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn gateway() -> Option<String> {
    if std::env::var("PARLO_E2E").as_deref() != Ok("1") {
        eprintln!("skipped: PARLO_E2E=1 and the dev stack are needed (make test sets both)");
        return None;
    }
    Some(std::env::var("PARLO_GATEWAY_URL").unwrap_or_else(|_| "http://127.0.0.1:3000".into()))
}

fn tz() -> Tz {
    chrono_tz::America::Mexico_City
}

/// A Friday no earlier run used (nothing booked or blocked on it yet):
/// one picked at random per test process, years ahead.
fn friday() -> NaiveDate {
    static DAY: std::sync::OnceLock<NaiveDate> = std::sync::OnceLock::new();
    *DAY.get_or_init(|| {
        let start = NaiveDate::from_ymd_opt(2032, 1, 2).unwrap();
        let offset = rand::random_range(0..2000u64) * 7;
        let d = start + chrono::Days::new(offset);
        assert_eq!(d.weekday(), Weekday::Fri);
        d
    })
}

fn at(h: u32, m: u32) -> DateTime<Utc> {
    at_on(friday(), h, m)
}

fn at_on(day: NaiveDate, h: u32, m: u32) -> DateTime<Utc> {
    tz().from_local_datetime(&day.and_hms_opt(h, m, 0).unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

/// Freezes the stack's clock (every function reads the clock file) until
/// the guard drops, even when the test fails: later tests (and people
/// chatting with the stack) get the system clock back.
#[must_use]
fn set_clock(t: DateTime<Utc>) -> ClockGuard {
    parlo_local::clock::set(&parlo_local::clock::clock_file(), t).expect("clock file");
    ClockGuard
}

struct ClockGuard;

impl Drop for ClockGuard {
    fn drop(&mut self) {
        let _ = parlo_local::clock::reset(&parlo_local::clock::clock_file());
    }
}

async fn say(gw: &str, from: &str, text: &str) -> String {
    let sim = Simulator::new(gw, TOKEN, from, demo::BUSINESS_NUMBER);
    let exchange = sim.say(text, true, |_| {}).await.expect("say");
    // Only this turn's replies (keys `<MessageSid>#<n>`): moving the clock
    // can also fire the owner's daily summary into the same window.
    let prefix = format!("{}#", exchange.message_sid);
    exchange
        .replies
        .iter()
        .filter(|r| {
            r.extra
                .get("key")
                .and_then(|k| k.as_str())
                .is_some_and(|k| k.starts_with(&prefix))
        })
        .map(|r| r.body.clone())
        .collect::<Vec<_>>()
        .join("\n")
}

async fn outbox_to(gw: &str, phone: &str, n: usize) -> Vec<OutboxMessage> {
    let sim = Simulator::new(gw, TOKEN, phone, demo::BUSINESS_NUMBER);
    for _ in 0..100 {
        let got = sim.outbox(None).await.expect("outbox");
        if got.len() >= n {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    sim.outbox(None).await.expect("outbox")
}

/// The demo's Pedro has written before (not onboarding again).
async fn onboarded(store: &Store, id: StaffId) {
    let mut s = store
        .get_staff(demo::ORG_ID, id)
        .await
        .unwrap()
        .expect("demo staff");
    if s.first_message_at.is_none() {
        s.first_message_at = Some(Utc::now());
        store.update_staff(&s).await.unwrap();
    }
}

async fn book(
    store: &Store,
    customer: &str,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
) -> (Customer, Appointment) {
    let (c, _) = store
        .get_or_create_customer(demo::ORG_ID, &random_phone(), Some(customer), now)
        .await
        .unwrap();
    let services = store.list_services(demo::ORG_ID).await.unwrap();
    let corte = services
        .iter()
        .find(|s| s.name == "Corte de cabello")
        .expect("corte");
    let location = store.list_locations(demo::ORG_ID).await.unwrap()[0].id;
    let a = store
        .book(&parlo_store::BookRequest {
            id: uuid::Uuid::now_v7(),
            org_id: demo::ORG_ID,
            location_id: location,
            service_id: corte.id,
            customer_id: c.id,
            start,
            staff_pref: Some(demo::STAFF_ID),
            spot_pref: None,
            source: AppointmentSource::Whatsapp,
            status: AppointmentStatus::Confirmed,
            notes: None,
            now,
        })
        .await
        .expect("book");
    (c, a)
}

#[tokio::test]
async fn example_4_staff_checks_the_day_and_blocks_the_4() {
    let Some(gw) = gateway() else { return };
    let _one = SERIAL.lock().await;
    let store = store().await;
    onboarded(&store, demo::STAFF_ID).await;
    let now = at(9, 0);
    let _clock = set_clock(now);
    book(&store, "Juan Pérez", at(10, 0), now).await;
    book(&store, "Roberto García", at(17, 0), now).await;

    let text = say(&gw, demo::STAFF_PHONE, "Qué tengo hoy?").await;
    assert!(
        text.contains("aquí está tu agenda para hoy viernes:"),
        "{text}"
    );
    assert!(
        text.contains("⏰ 10:00 AM - Corte de cabello - Juan Pérez"),
        "{text}"
    );
    assert!(
        text.contains("⏰ 5:00 PM - Corte de cabello - Roberto García"),
        "{text}"
    );
    assert!(text.contains("Tienes 2 citas"), "{text}");

    let text = say(
        &gw,
        demo::STAFF_PHONE,
        "Bloquea las 4, tengo que salir temprano",
    )
    .await;
    assert_eq!(
        text,
        "Listo, bloqueé las 4:00 PM ✓ ¿Quieres que también bloquee de 5 en adelante?"
    );
    let text = say(&gw, demo::STAFF_PHONE, "No solo las 4").await;
    assert_eq!(text, "Perfecto, solo las 4:00 PM bloqueadas. ¿Algo más?");
    let blocks = store
        .list_blocks(demo::ORG_ID, at(0, 0), at(23, 59))
        .await
        .unwrap();
    assert_eq!(blocks.len(), 1, "{blocks:?}");
    assert_eq!(blocks[0].staff_id, Some(demo::STAFF_ID));
    assert_eq!((blocks[0].start, blocks[0].end), (at(16, 0), at(17, 0)));
}

#[tokio::test]
async fn example_5_staff_registers_a_walk_in() {
    let Some(gw) = gateway() else { return };
    let _one = SERIAL.lock().await;
    let store = store().await;
    onboarded(&store, demo::STAFF_ID).await;
    // The Friday after Example 4's, so neither sees the other's day.
    let now = at_on(friday() + chrono::Days::new(7), 11, 30);
    let _clock = set_clock(now);
    let text = say(&gw, demo::STAFF_PHONE, "Acaba de llegar alguien para uñas").await;
    assert!(
        text.starts_with("¿Qué servicio quiere? Tenemos:\n• "),
        "{text}"
    );
    let text = say(&gw, demo::STAFF_PHONE, "Corte de cabello").await;
    assert_eq!(
        text,
        "Perfecto. ¿Tienes el teléfono de la persona para registrarla?"
    );
    let phone = random_phone();
    let text = say(&gw, demo::STAFF_PHONE, &phone[3..]).await;
    assert_eq!(text, "Registrado. ¿Nombre?");
    let text = say(&gw, demo::STAFF_PHONE, "Ana").await;
    assert!(
        text.starts_with("Listo ✓ Registré a Ana (")
            && text.ends_with("para Corte de cabello ahora a las 11:30 AM contigo."),
        "{text}"
    );
    let customer = store
        .customer_by_phone(demo::ORG_ID, &phone)
        .await
        .unwrap()
        .expect("walk-in customer");
    let appts = store
        .customer_appointments(demo::ORG_ID, customer.id, None)
        .await
        .unwrap();
    assert_eq!(appts.len(), 1);
    assert_eq!(appts[0].start, now);
    assert_eq!(appts[0].staff_id, demo::STAFF_ID);
    assert_eq!(appts[0].source, AppointmentSource::WalkIn);
}

#[tokio::test]
async fn example_6_owner_marks_a_no_show_and_messages_the_customer() {
    let Some(gw) = gateway() else { return };
    let _one = SERIAL.lock().await;
    let store = store().await;
    // Two Fridays after Example 4's, so neither sees the other's day.
    let day = friday() + chrono::Days::new(14);
    let _clock = set_clock(at_on(day, 15, 20));
    // Booked that morning; at 3:20 PM he has not come.
    let (roberto, appt) = book(
        &store,
        "Roberto García",
        at_on(day, 15, 0),
        at_on(day, 9, 0),
    )
    .await;
    let text = say(&gw, demo::OWNER_PHONE, "El de las 3 no llegó").await;
    assert_eq!(
        text,
        "¿Te refieres a la cita de Roberto García a las 3:00 PM (Corte de cabello)?"
    );
    let text = say(&gw, demo::OWNER_PHONE, "Si").await;
    assert_eq!(
        text,
        "Marqué la cita como no-show ✓ ¿Quieres que le envíe un mensaje a Roberto?"
    );
    let stored = store
        .get_appointment(demo::ORG_ID, appt.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, AppointmentStatus::NoShow);
    let text = say(
        &gw,
        demo::OWNER_PHONE,
        "Si, dile que esperamos que esté bien y que nos avise para reagendar",
    )
    .await;
    let expected = "Hola Roberto, notamos que no pudiste llegar a tu cita de hoy. Esperamos que \
                    todo esté bien. Cuando gustes, escríbenos para reagendar. - Barbería Don Carlos";
    assert_eq!(text, format!("Enviado ✓ Le mandé: \"{expected}\""));
    // Roberto has not written in 24 hours: the approved relay template
    // carries the owner's words, naming the business once.
    let sent = outbox_to(&gw, &roberto.phone, 1).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    let unsigned = expected.trim_end_matches(" - Barbería Don Carlos");
    assert_eq!(
        sent[0].body,
        format!("Mensaje de Barbería Don Carlos: {unsigned}")
    );
}

#[tokio::test]
async fn example_7_owner_adds_staff_and_sends_a_welcome() {
    let Some(gw) = gateway() else { return };
    let _one = SERIAL.lock().await;
    let store = store().await;
    let _clock = set_clock(at(12, 0));
    let text = say(&gw, demo::OWNER_PHONE, "Quiero agregar un nuevo empleado").await;
    assert_eq!(text, "¡Claro! Necesito algunos datos:\n1. ¿Cómo se llama?");
    let text = say(&gw, demo::OWNER_PHONE, "Pedro Hernández").await;
    assert_eq!(text, "2. ¿Cuál es su número de WhatsApp?");
    let phone = random_phone();
    let n = &phone[3..];
    let text = say(
        &gw,
        demo::OWNER_PHONE,
        &format!("{} {} {}", &n[..2], &n[2..6], &n[6..]),
    )
    .await;
    assert!(
        text.starts_with("3. ¿Qué servicios va a ofrecer Pedro?\n• "),
        "{text}"
    );
    let text = say(&gw, demo::OWNER_PHONE, "Todos").await;
    assert!(
        text.starts_with(&format!(
            "Perfecto. Agregué a Pedro Hernández ({} {} {}) como empleado ✓",
            &n[..2],
            &n[2..6],
            &n[6..]
        )),
        "{text}"
    );
    let added = store
        .staff_by_phone(demo::ORG_ID, &phone)
        .await
        .unwrap()
        .expect("staff added");
    assert_eq!(added.name, "Pedro Hernández");
    assert!(added.is_active);
    let text = say(&gw, demo::OWNER_PHONE, "Si").await;
    assert_eq!(text, "Enviado ✓");
    let welcome = outbox_to(&gw, &phone, 1).await;
    assert_eq!(welcome.len(), 1, "{welcome:?}");
    assert!(
        welcome[0]
            .body
            .starts_with("¡Hola Pedro! 👋 Barbería Don Carlos te registró en Parlo"),
        "{}",
        welcome[0].body
    );
}
