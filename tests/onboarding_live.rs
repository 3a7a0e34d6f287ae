//! Going live without anyone from Parlo (issue 13): a brand-new owner
//! onboards on the central number, the business's number is bought and
//! registered through the real Twilio client against the local Twilio
//! stand-in (`parlo-local twilio`, started by dev.sh), the business turns
//! active, and a customer books on the new number. Then the provisioning
//! failures, each checked against the stand-in's call log: nothing is
//! bought or registered twice.
//!
//! Needs the dev stack (PARLO_E2E=1); the stand-in at `PARLO_TWILIO_URL`
//! (default `http://127.0.0.1:${PARLO_TWILIO_PORT:-4010}`). The tests arm
//! the stand-in's failures, so they run one at a time (a lock).

use std::time::{Duration, Instant};

use chrono::{Datelike, Utc};
use futures::FutureExt;
use parlo_app::services::onboarding::{
    Draft, DraftService, Progress, Provisioning, PROVISIONING_NUMBER,
};
use parlo_app::services::Services;
use parlo_core::es::format;
use parlo_core::phone;
use parlo_core::*;
use parlo_local::say::{new_sid, Inbound, Simulator};
use parlo_store::Store;
use parlo_tests::*;
use parlo_twilio::{Credentials, TwilioClient};
use serde_json::{json, Value};

const TOKEN: &str = "local-twilio-auth-token-not-secret";
const CENTRAL: &str = "+525500000000";
const ACCOUNT: &str = "AC00000000000000000000000000000002";

static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn gateway() -> Option<String> {
    if std::env::var("PARLO_E2E").as_deref() != Ok("1") {
        eprintln!("skipped: PARLO_E2E=1 and the dev stack are needed (make test sets both)");
        return None;
    }
    Some(std::env::var("PARLO_GATEWAY_URL").unwrap_or_else(|_| "http://127.0.0.1:3000".into()))
}

fn standin() -> String {
    std::env::var("PARLO_TWILIO_URL").unwrap_or_else(|_| {
        format!(
            "http://127.0.0.1:{}",
            std::env::var("PARLO_TWILIO_PORT").unwrap_or_else(|_| "4010".into())
        )
    })
}

async fn calls() -> Vec<Value> {
    let v: Value = reqwest::get(format!("{}/_standin/calls", standin()))
        .await
        .expect("stand-in calls")
        .json()
        .await
        .expect("calls json");
    v["calls"].as_array().cloned().unwrap_or_default()
}

async fn arm(failure: Value) {
    let r = reqwest::Client::new()
        .post(format!("{}/_standin/fail", standin()))
        .json(&failure)
        .send()
        .await
        .expect("arm the stand-in");
    assert!(r.status().is_success());
}

async fn disarm() {
    reqwest::Client::new()
        .delete(format!("{}/_standin/fail", standin()))
        .send()
        .await
        .expect("disarm the stand-in");
}

/// Purchases (POST IncomingPhoneNumbers) made for one business.
fn purchases(calls: &[Value], org: OrgId) -> Vec<Value> {
    let name = format!("parlo-{org}");
    calls
        .iter()
        .filter(|c| {
            c["method"] == "POST"
                && c["path"]
                    .as_str()
                    .unwrap_or("")
                    .ends_with("/IncomingPhoneNumbers.json")
        })
        .filter(|c| c["body"]["FriendlyName"] == json!(name))
        .cloned()
        .collect()
}

/// Sender registrations (POST /v2/Channels/Senders) of one number.
fn registrations(calls: &[Value], number: &str) -> Vec<Value> {
    calls
        .iter()
        .filter(|c| c["method"] == "POST" && c["path"] == "/v2/Channels/Senders")
        .filter(|c| c["body"]["sender_id"] == json!(format!("whatsapp:{number}")))
        .cloned()
        .collect()
}

/// One WhatsApp user writing to one number, counting what they send.
struct Person {
    sim: Simulator,
    phone: String,
    to: String,
    seen: usize,
    sent: usize,
}

impl Person {
    async fn new(gw: &str, phone: &str, to: &str) -> Self {
        let sim = Simulator::new(gw, TOKEN, phone, to);
        let seen = sim.outbox(None).await.expect("dev outbox").len();
        Self {
            sim,
            phone: phone.into(),
            to: to.into(),
            seen,
            sent: 0,
        }
    }

    async fn say(&mut self, text: &str) -> String {
        let (status, body) = self
            .sim
            .post(&Inbound {
                message_sid: new_sid("SM"),
                from: self.phone.clone(),
                to: self.to.clone(),
                body: text.into(),
                profile_name: Some("Memo".into()),
            })
            .await
            .expect("webhook");
        assert_eq!(status, 200, "{body}");
        self.sent += 1;
        self.replies(Duration::from_millis(1500)).await
    }

    /// What arrived since the last look, once it stops coming.
    async fn replies(&mut self, settle: Duration) -> String {
        let deadline = Instant::now() + Duration::from_secs(240);
        let mut last_change = Instant::now();
        let mut count = self.seen;
        loop {
            let all = self.sim.outbox(None).await.expect("dev outbox");
            if all.len() != count {
                count = all.len();
                last_change = Instant::now();
            }
            if (count > self.seen && last_change.elapsed() > settle) || Instant::now() > deadline {
                let new: Vec<String> = all[self.seen..].iter().map(|m| m.body.clone()).collect();
                self.seen = all.len();
                return new.join("\n");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Waits until a message containing `needle` arrived (any time).
    async fn wait_for(&self, needle: &str, within: Duration) -> Option<String> {
        let deadline = Instant::now() + within;
        loop {
            let all = self.sim.outbox(None).await.expect("dev outbox");
            if let Some(m) = all.iter().find(|m| m.body.contains(needle)) {
                return Some(m.body.clone());
            }
            if Instant::now() > deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
}

/// The business the owner's phone onboarded.
async fn owners_business(store: &Store, owner: &str) -> Organization {
    let staff = store.staff_memberships(owner).await.unwrap();
    let s = staff.first().expect("the owner has a staff record");
    store.get_organization(s.org_id).await.unwrap().unwrap()
}

async fn wait_active(store: &Store, org: OrgId, within: Duration) -> Organization {
    let deadline = Instant::now() + within;
    loop {
        let o = store.get_organization(org).await.unwrap().unwrap();
        if o.status == OrgStatus::Active || Instant::now() > deadline {
            return o;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// A weekday two or three days ahead that is open (not Sunday), by name.
fn open_day() -> &'static str {
    let tz: chrono_tz::Tz = DEFAULT_TIMEZONE.parse().unwrap();
    let mut d = Utc::now().with_timezone(&tz).date_naive() + chrono::Duration::days(2);
    if d.weekday() == chrono::Weekday::Sun {
        d += chrono::Duration::days(1);
    }
    match d.weekday() {
        chrono::Weekday::Mon => "lunes",
        chrono::Weekday::Tue => "martes",
        chrono::Weekday::Wed => "miércoles",
        chrono::Weekday::Thu => "jueves",
        chrono::Weekday::Fri => "viernes",
        _ => "sábado",
    }
}

#[tokio::test]
async fn a_new_owner_goes_live_from_hola_and_a_customer_books_on_the_new_number() {
    let Some(gw) = gateway() else { return };
    let _serial = SERIAL.lock().await;
    disarm().await;
    let store = store().await;
    let started = Instant::now();
    let owner_phone = random_phone();
    let mut owner = Person::new(&gw, &owner_phone, CENTRAL).await;

    let r = owner.say("Hola").await;
    assert!(r.contains("¿cómo se llama tu negocio?"), "{r}");
    let r = owner.say("Barberia El Güero").await;
    assert!(r.contains("¿Qué servicios ofreces?"), "{r}");
    let r = owner
        .say("Corte - $150 - 30 min\nbarba $100 20 minutos")
        .await;
    assert!(
        r.contains("Corte - $150 (30 min)") && r.contains("Barba - $100 (20 min)"),
        "{r}"
    );
    let r = owner
        .say("lunes a viernes de 10 a 8 y sabado de 10 a 6")
        .await;
    assert!(
        r.contains("lunes a viernes 10:00 AM - 8:00 PM, sábado 10:00 AM - 6:00 PM"),
        "{r}"
    );
    let r = owner.say("soy memo y hago todos").await;
    assert!(r.contains("Gracias, Memo"), "{r}");
    let r = owner.say("no, nomas yo").await;
    assert!(r.contains("Zona horaria: Ciudad de México"), "{r}");
    assert!(r.contains("Tú: Memo (todos los servicios)"), "{r}");
    let r = owner.say("no, el corte cuesta 180").await;
    assert!(r.contains("Corte - $180 (30 min)"), "{r}");
    let r = owner.say("si").await;
    assert!(r.contains("Registré todo"), "{r}");
    let messages_to_live = owner.sent;

    let org = owners_business(&store, &owner_phone).await;
    let org = wait_active(&store, org.id, Duration::from_secs(60)).await;
    assert_eq!(org.status, OrgStatus::Active, "{org:?}");
    assert_eq!(org.onboarding_state.as_deref(), Some("completed"));
    let number = org.whatsapp_number.clone().expect("a number");
    let live = owner
        .wait_for("¡Listo! Tu número de WhatsApp es", Duration::from_secs(30))
        .await
        .expect("the owner is told");
    assert!(live.contains(&format::phone(&number)), "{live}");
    assert!(live.contains("/entrar"), "{live}");
    let wall = started.elapsed();
    println!(
        "owner messages from «Hola» to live: {messages_to_live}; wall time {:.1} s",
        wall.as_secs_f64()
    );
    assert!(messages_to_live <= 8, "{messages_to_live}");

    // The stand-in bought one number with this deployment's URLs and
    // registered one sender under the WABA.
    let log = calls().await;
    let bought = purchases(&log, org.id);
    assert_eq!(bought.len(), 1, "{bought:?}");
    assert_eq!(
        bought[0]["body"]["SmsUrl"],
        json!(format!("{gw}/webhooks/twilio"))
    );
    assert_eq!(
        bought[0]["body"]["StatusCallback"],
        json!(format!("{gw}/webhooks/twilio/status"))
    );
    let senders = registrations(&log, &number);
    assert_eq!(senders.len(), 1, "{senders:?}");
    assert_eq!(
        senders[0]["body"]["profile"]["name"],
        json!("Barberia El Güero")
    );
    assert_eq!(
        senders[0]["body"]["configuration"]["waba_id"],
        json!("local-waba")
    );
    // The owner performs the services, so there are slots; the catalogue
    // has the corrected price.
    let services = store.list_services(org.id).await.unwrap();
    let corte = services.iter().find(|s| s.name == "Corte").expect("Corte");
    assert_eq!(corte.price_cents, 18000);
    let staff = store.list_staff(org.id).await.unwrap();
    let memo = staff.iter().find(|s| s.phone == owner_phone).unwrap();
    assert_eq!(memo.name, "Memo");
    assert_eq!(memo.service_ids.len(), 2);

    // A customer writes to the new number and books.
    let customer_phone = random_phone();
    let mut customer = Person::new(&gw, &customer_phone, &number).await;
    let day = open_day();
    let mut r = customer.say("hola quiero una cita para corte").await;
    let mut booked = false;
    for _ in 0..8 {
        if r.contains("¿Para qué día") || r.contains("qué día") {
            r = customer.say(&format!("el {day} a las 11")).await;
        } else if r.contains("nombre") {
            r = customer.say("Juan Perez").await;
        } else if r.contains("¿Te confirmo") || r.contains("¿Confirmo") || r.contains("confirmas")
        {
            r = customer.say("si").await;
        } else if r.contains("11:00") || r.contains("horarios") || r.contains("¿Cuál") {
            r = customer.say("a las 11").await;
        } else {
            break;
        }
        if r.contains("✅") || r.contains("Listo") || r.contains("agendada") {
            booked = true;
            break;
        }
    }
    let appts = store.all_appointments(org.id).await.unwrap();
    assert_eq!(
        appts.len(),
        1,
        "booked={booked}; last reply: {r}; {appts:?}"
    );
    assert_eq!(appts[0].service_id, corte.id);
    assert_eq!(appts[0].staff_id, memo.id);

    // The owner's agenda (by chat, on the new number) shows it.
    let mut owner_on_number = Person::new(&gw, &owner_phone, &number).await;
    let r = owner_on_number.say(&format!("que tengo el {day}?")).await;
    assert!(r.contains("Juan"), "{r}");
}

fn provisioning(gw: &str) -> Provisioning {
    Provisioning {
        client: TwilioClient::with_base_url(
            Credentials {
                account_sid: ACCOUNT.into(),
                auth_token: TOKEN.into(),
            },
            &standin(),
        )
        .with_backoff(Duration::from_millis(5), 2),
        public_base_url: gw.trim_end_matches('/').into(),
        waba_id: "local-waba".into(),
        requirements: Default::default(),
        dashboard_url: gw.trim_end_matches('/').into(),
    }
}

/// A business whose owner answered everything, not confirmed yet.
async fn answered(store: &Store, name: &str) -> (Organization, Staff, Draft) {
    let now = Utc::now();
    let org_id = uuid::Uuid::new_v4();
    let org = Organization {
        id: org_id,
        name: name.into(),
        whatsapp_number: None,
        timezone: DEFAULT_TIMEZONE.into(),
        status: OrgStatus::Onboarding,
        settings: OrgSettings::default(),
        onboarding_state: Some("confirming".into()),
        onboarding_data: json!({}),
        last_message_at: Some(now),
        created_at: now,
        updated_at: now,
    };
    store.create_organization(&org).await.unwrap();
    let owner = Staff {
        id: uuid::Uuid::new_v4(),
        org_id,
        location_id: None,
        name: String::new(),
        phone: random_phone(),
        role: StaffRole::Owner,
        permission_level: PermissionLevel::Owner,
        is_active: true,
        first_message_at: Some(now),
        default_spot_id: None,
        service_ids: vec![],
        bookable: true,
        created_at: now,
        updated_at: now,
    };
    store.create_staff(&owner).await.unwrap();
    let draft = Draft {
        name: name.into(),
        business_type: Some("salón de belleza".into()),
        services: vec![DraftService {
            name: "Uñas".into(),
            price_cents: 25000,
            duration_minutes: 60,
            owner_performs: true,
        }],
        hours: parse_hours("lunes a sabado de 10 a 7"),
        owner_name: Some("Lupita".into()),
        zone: phone::zone_for_number(&owner.phone),
        ..Draft::default()
    };
    (org, owner, draft)
}

fn parse_hours(t: &str) -> Option<WeeklyHours> {
    parlo_core::es::hours::parse_weekly_hours(t)
}

async fn notices(gw: &str, owner: &str) -> Vec<String> {
    Simulator::new(gw, TOKEN, owner, CENTRAL)
        .outbox(None)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.body)
        .collect()
}

#[tokio::test]
async fn provisioning_failures_end_in_defined_states_and_nothing_is_bought_twice() {
    let Some(gw) = gateway() else { return };
    let _serial = SERIAL.lock().await;
    let outcome = std::panic::AssertUnwindSafe(failures(&gw))
        .catch_unwind()
        .await;
    disarm().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

async fn failures(gw: &str) {
    let store = store().await;
    let services = Services::mock(store.clone());
    let p = provisioning(gw);

    // 1. No number for sale: retrying, the owner told plainly, nothing bought.
    disarm().await;
    arm(json!({"op": "search", "mode": "empty", "times": 1})).await;
    let (org, owner, draft) = answered(&store, "Uñas Lupita").await;
    let (o, progress) = services
        .onboarding_confirm(Some(&p), &org, &owner, &draft, Utc::now())
        .await
        .unwrap();
    assert_eq!(progress, Progress::Retrying);
    assert_eq!(o.onboarding_state.as_deref(), Some(PROVISIONING_NUMBER));
    assert_eq!(o.status, OrgStatus::Onboarding);
    let d = Draft::from_org(&o);
    assert_eq!(d.provisioning.as_ref().unwrap().failures, 1);
    assert!(purchases(&calls().await, org.id).is_empty());
    let told = notices(gw, &owner.phone).await;
    assert!(
        told.iter()
            .any(|t| t.contains("no hay números disponibles")),
        "{told:?}"
    );
    // The scheduled retry buys one, registers it, and it goes live.
    let progress = services.provision(&p, org.id, Utc::now()).await.unwrap();
    assert_eq!(progress, Progress::Waiting);
    let live = wait_active(&store, org.id, Duration::from_secs(30)).await;
    assert_eq!(live.status, OrgStatus::Active);
    // Run again after live: nothing more happens at Twilio.
    assert_eq!(
        services.provision(&p, org.id, Utc::now()).await.unwrap(),
        Progress::Idle
    );
    assert_eq!(purchases(&calls().await, org.id).len(), 1);

    // 2. The purchase answers 500 once, then succeeds: one number owned.
    arm(json!({"op": "buy", "mode": "error", "status": 500, "times": 1})).await;
    let (org, owner, draft) = answered(&store, "Spa Serena").await;
    let (_, progress) = services
        .onboarding_confirm(Some(&p), &org, &owner, &draft, Utc::now())
        .await
        .unwrap();
    assert_eq!(progress, Progress::Retrying);
    let log = calls().await;
    let tried = purchases(&log, org.id);
    assert_eq!(tried.len(), 1, "a 5xx purchase is not retried blindly");
    assert_eq!(tried[0]["status"], 500);
    assert_eq!(
        services.provision(&p, org.id, Utc::now()).await.unwrap(),
        Progress::Waiting
    );
    let live = wait_active(&store, org.id, Duration::from_secs(30)).await;
    assert_eq!(live.status, OrgStatus::Active);
    let log = calls().await;
    let tried = purchases(&log, org.id);
    assert_eq!(tried.len(), 2);
    assert_eq!(tried[1]["status"], 201);
    let owned = log
        .iter()
        .filter(|c| {
            c["method"] == "GET" && c["query"]["FriendlyName"] == json!(format!("parlo-{}", org.id))
        })
        .count();
    assert!(
        owned >= 2,
        "each attempt looked for an existing number first"
    );
    let activity = store
        .activity_since(chrono::DateTime::UNIX_EPOCH)
        .await
        .unwrap();
    assert!(
        activity
            .iter()
            .any(|a| a.org_id == Some(org.id) && a.summary.contains("falló")),
        "the admin sees the failure"
    );
    assert!(activity
        .iter()
        .any(|a| a.org_id == Some(org.id) && a.summary.contains("está activo")));

    // 3. Meta rejects the display name: renamed with a variant, then online.
    arm(json!({"op": "sender", "mode": "reject_display_name", "times": 1})).await;
    let (org, owner, draft) = answered(&store, "Estética Bella").await;
    services
        .onboarding_confirm(Some(&p), &org, &owner, &draft, Utc::now())
        .await
        .unwrap();
    let live = wait_active(&store, org.id, Duration::from_secs(30)).await;
    assert_eq!(live.status, OrgStatus::Active, "{:?}", live.onboarding_data);
    let number = live.whatsapp_number.clone().unwrap();
    let log = calls().await;
    assert_eq!(registrations(&log, &number).len(), 1, "one sender, renamed");
    let sid = Draft::from_org(&live)
        .provisioning
        .and_then(|p| p.sender_sid)
        .expect("the sender's sid is stored");
    let renamed: Vec<&Value> = log
        .iter()
        .filter(|c| {
            c["method"] == "POST" && c["path"] == json!(format!("/v2/Channels/Senders/{sid}"))
        })
        .filter(|c| c["body"]["profile"]["name"] == json!("Estética Bella Citas"))
        .collect();
    assert_eq!(renamed.len(), 1, "{log:?}");
    let told = notices(gw, &owner.phone).await;
    assert!(
        told.iter().any(|t| t.contains("«Estética Bella Citas»")),
        "{told:?}"
    );
    assert!(told.iter().any(|t| t.contains("¡Listo!")), "{told:?}");
}

#[tokio::test]
async fn an_owner_who_leaves_mid_way_resumes_two_hours_later() {
    let Some(gw) = gateway() else { return };
    let _serial = SERIAL.lock().await;
    disarm().await;
    let file = parlo_local::clock::clock_file();
    let start = Utc::now();
    parlo_local::clock::set(&file, start).expect("set the clock");
    let outcome = std::panic::AssertUnwindSafe(resume(&gw, start))
        .catch_unwind()
        .await;
    parlo_local::clock::reset(&file).expect("reset the clock");
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

async fn resume(gw: &str, start: chrono::DateTime<Utc>) {
    let store = store().await;
    let owner_phone = random_phone();
    let mut owner = Person::new(gw, &owner_phone, CENTRAL).await;
    owner.say("hola buenas").await;
    owner.say("Salon Lupita").await;
    let r = owner
        .say("Corte dama $250 45 min; Tinte $800 2 horas")
        .await;
    assert!(r.contains("¿En qué horario abren?"), "{r}");
    // Gone for two hours.
    parlo_local::clock::set(
        &parlo_local::clock::clock_file(),
        start + chrono::Duration::hours(2),
    )
    .unwrap();
    let r = owner.say("hola").await;
    assert!(
        r.contains("¡Hola de nuevo! Seguíamos con el registro de Salon Lupita"),
        "{r}"
    );
    assert!(r.contains("¿En qué horario abren?"), "{r}");
    let org = owners_business(&store, &owner_phone).await;
    assert!(
        purchases(&calls().await, org.id).is_empty(),
        "nothing bought yet"
    );
    owner.say("martes a domingo de 11 a 7").await;
    owner.say("Me llamo Lupita, solo tinte").await;
    let r = owner.say("Ana 55 1234 9876").await;
    assert!(r.contains("Ana (+52 55 1234 9876)"), "{r}");
    assert!(r.contains("Tú: Lupita (Tinte)"), "{r}");
    let r = owner.say("sí, todo bien").await;
    assert!(r.contains("Registré todo"), "{r}");
    let live = wait_active(&store, org.id, Duration::from_secs(60)).await;
    assert_eq!(live.status, OrgStatus::Active);
    assert_eq!(purchases(&calls().await, org.id).len(), 1);
    let staff = store.list_staff(org.id).await.unwrap();
    let ana = staff.iter().find(|s| s.name == "Ana").expect("Ana invited");
    assert_eq!(ana.permission_level, PermissionLevel::Staff);
    // Ana is welcomed from the new number.
    let welcome = Simulator::new(
        gw,
        TOKEN,
        &ana.phone,
        live.whatsapp_number.as_deref().unwrap(),
    )
    .outbox(None)
    .await
    .unwrap();
    assert!(
        welcome
            .iter()
            .any(|m| m.body.contains("Salon Lupita te registró")),
        "{welcome:?}"
    );
}

/// «panel» by chat: the owner gets a working sign-in link, a staff member
/// without dashboard access a polite no, a customer the customer flow.
#[tokio::test]
async fn panel_by_chat_from_owner_staff_and_customer() {
    let Some(gw) = gateway() else { return };
    let store = store().await;
    let demo_number = parlo_local::demo::BUSINESS_NUMBER;

    // The owner (the demo's Carlos), as owners write it.
    let mut owner = Person::new(&gw, parlo_local::demo::OWNER_PHONE, demo_number).await;
    let r = owner.say("mandame el link del panel porfa").await;
    let url = r
        .split_whitespace()
        .find(|w| w.contains("/auth?token="))
        .unwrap_or_else(|| panic!("no link in {r}"));
    assert!(url.starts_with(&gw), "{url}");
    let token = url.split("token=").nth(1).unwrap();
    let verified = reqwest::Client::new()
        .post(format!("{gw}/api/v1/auth/verify-magic-link"))
        .json(&json!({"token": token}))
        .send()
        .await
        .unwrap();
    assert_eq!(verified.status(), 200, "the link signs in");
    let r = owner.say("panel").await;
    assert!(r.contains("/auth?token="), "{r}");

    // A staff member (already chatting) without dashboard access.
    let now = Utc::now();
    let staff = Staff {
        id: uuid::Uuid::new_v4(),
        org_id: parlo_local::demo::ORG_ID,
        location_id: None,
        name: "Toño Ruiz".into(),
        phone: random_phone(),
        role: StaffRole::Employee,
        permission_level: PermissionLevel::Staff,
        is_active: true,
        first_message_at: Some(now),
        default_spot_id: None,
        service_ids: vec![],
        bookable: false,
        created_at: now,
        updated_at: now,
    };
    store.create_staff(&staff).await.unwrap();
    let mut toño = Person::new(&gw, &staff.phone, demo_number).await;
    let r = toño.say("quiero entrar al panel").await;
    assert!(r.contains("no puedo mandarte el enlace"), "{r}");
    assert!(!r.contains("token="), "{r}");

    // A customer: the customer flow, no link.
    let mut customer = Person::new(&gw, &random_phone(), demo_number).await;
    let r = customer.say("mándame el link").await;
    assert!(!r.contains("token="), "{r}");
    assert!(!r.is_empty());
}
