//! Onboarding on the central number through the real turn processor (no
//! Twilio configured: the business waits at `provisioning_number`), as
//! owners write: a Tijuana owner's zone inferred and corrected, split
//! weekday/Saturday hours, a correction at the summary, and the owner who
//! already has a WhatsApp Business number.

mod staff_chat;

use parlo_app::services::onboarding::{Draft, AWAITING_NUMBER, PROVISIONING_NUMBER};
use parlo_core::es::format;
use parlo_core::*;
use parlo_tests::*;
use rand::Rng;
use staff_chat::*;

/// A chat from a new phone to Parlo's central number.
async fn central_chat(store: &parlo_store::Store, from: &str) -> Chat {
    let biz = create_business(store, &BizSpec::default()).await;
    let mut chat = Chat::new(store, &biz, from, chat_now(&biz));
    chat.to = chat.processor.central_number.clone();
    chat
}

fn tijuana_phone() -> String {
    format!("+52664{:07}", rand::rng().random_range(0..10_000_000u32))
}

async fn business_of(store: &parlo_store::Store, owner: &str) -> Organization {
    let s = store.staff_memberships(owner).await.unwrap();
    store.get_organization(s[0].org_id).await.unwrap().unwrap()
}

#[tokio::test]
async fn a_tijuana_owner_onboards_with_typos_and_corrections() {
    let store = store().await;
    let owner = tijuana_phone();
    let chat = central_chat(&store, &owner).await;
    let t = chat.say("hola buenas").await;
    assert!(
        t.text().contains("¿cómo se llama tu negocio?"),
        "{}",
        t.text()
    );
    let t = chat.say("se llama Casa Bonita").await;
    assert!(
        t.text().contains("¿Qué tipo de negocio es?"),
        "{}",
        t.text()
    );
    let t = chat.say("salon de belleza").await;
    assert!(t.text().contains("¿Qué servicios ofreces?"), "{}", t.text());
    let t = chat
        .say("Corte dama $250 45 min\nTinte $800 2 horas\nPeinado 300")
        .await;
    assert!(t.text().contains("Peinado - $300 (30 min)"), "{}", t.text());
    let t = chat
        .say("de lunes a viernes de 10 a 8 y sabado de 10 a 6")
        .await;
    assert!(
        t.text()
            .contains("lunes a viernes 10:00 AM - 8:00 PM, sábado 10:00 AM - 6:00 PM"),
        "{}",
        t.text()
    );
    let t = chat.say("me llamo Rosy y hago corte y peinado").await;
    assert!(t.text().starts_with("Gracias, Rosy"), "{}", t.text());
    let t = chat.say("Karla 664 123 4567 y Mayra 6647654321").await;
    let summary = t.text();
    assert!(summary.contains("Zona horaria: Tijuana"), "{summary}");
    assert!(
        summary.contains("Tú: Rosy (Corte dama y Peinado)"),
        "{summary}"
    );
    let team = format!(
        "Karla ({}), Mayra ({})",
        format::phone("+526641234567"),
        format::phone("+526647654321")
    );
    assert!(summary.contains(&team), "{summary}");
    let t = chat.say("no, el tinte cuesta 900 y dura 3 horas").await;
    assert!(t.text().contains("Tinte - $900 (3 horas)"), "{}", t.text());
    let t = chat.say("ah y estamos en cancun").await;
    assert!(t.text().contains("Zona horaria: Cancún"), "{}", t.text());
    let t = chat.say("sí").await;
    assert!(t.text().contains("Registré todo"), "{}", t.text());

    let org = business_of(&store, &owner).await;
    assert_eq!(org.onboarding_state.as_deref(), Some(PROVISIONING_NUMBER));
    assert_eq!(org.timezone, "America/Cancun");
    assert_eq!(org.name, "Casa Bonita");
    let services = store.list_services(org.id).await.unwrap();
    assert_eq!(services.len(), 3);
    let tinte = services.iter().find(|s| s.name == "Tinte").unwrap();
    assert_eq!((tinte.price_cents, tinte.duration_minutes), (90000, 180));
    let staff = store.list_staff(org.id).await.unwrap();
    let rosy = staff.iter().find(|s| s.phone == owner).unwrap();
    assert_eq!(rosy.name, "Rosy");
    assert_eq!(rosy.service_ids.len(), 2);
    assert!(!rosy.service_ids.contains(&tinte.id));
    let invited: Vec<&Staff> = staff
        .iter()
        .filter(|s| s.permission_level == PermissionLevel::Staff)
        .collect();
    assert_eq!(invited.len(), 2);
    assert!(invited.iter().all(|s| s.first_message_at.is_none()));
    let location = store.list_locations(org.id).await.unwrap();
    let sat = location[0].business_hours.on(chrono::Weekday::Sat);
    assert_eq!(
        sat[0].end,
        chrono::NaiveTime::from_hms_opt(18, 0, 0).unwrap()
    );
    assert!(location[0]
        .business_hours
        .on(chrono::Weekday::Sun)
        .is_empty());
    // Writing again while the number is on its way: a status, no restart.
    let t = chat.say("y ya?").await;
    assert!(t.text().contains("Te aviso por aquí"), "{}", t.text());
}

#[tokio::test]
async fn an_owner_with_a_number_of_their_own_asks_to_connect_it() {
    let store = store().await;
    let owner = random_phone();
    let chat = central_chat(&store, &owner).await;
    chat.say("Hola").await;
    chat.say("Barberia Los Compas").await;
    // The catalogue's bounds hold here too.
    let t = chat.say("corte $150 2 min").await;
    assert_eq!(
        t.text(),
        "En «Corte», la duración debe estar entre 5 y 720 minutos. ¿Me escribes los servicios de nuevo?"
    );
    for text in [
        "corte 150\nbarba 100",
        "martes a domingo 11 a 9",
        "soy Beto, todos",
        "nadie mas",
    ] {
        chat.say(text).await;
    }
    let t = chat
        .say("ya tengo mi numero de whatsapp business, es el 55 4444 3333")
        .await;
    assert!(t.text().contains("+52 55 4444 3333"), "{}", t.text());
    let org = business_of(&store, &owner).await;
    assert_eq!(org.onboarding_state.as_deref(), Some(AWAITING_NUMBER));
    assert_eq!(
        Draft::from_org(&org).existing_number.as_deref(),
        Some("+525544443333")
    );
    let feed = store
        .activity_since(chrono::DateTime::UNIX_EPOCH)
        .await
        .unwrap();
    assert!(
        feed.iter()
            .any(|a| a.org_id == Some(org.id) && a.summary.contains("pidió conectar su número")),
        "the admin sees the request"
    );
    let t = chat.say("hola?").await;
    assert!(
        t.text().contains("solicitud para conectar tu número"),
        "{}",
        t.text()
    );
}
