//! Staff onboarding applies what it learns (issue 13, item 5): the hours a
//! new staff member states become their recurring week, are confirmed back
//! and change the slots offered; the owner is told.

mod staff_chat;

use chrono::NaiveDate;
use parlo_core::scheduling::{free_slots, SlotQuery};
use parlo_core::time::day_bounds_utc;
use parlo_tests::*;
use staff_chat::*;

/// Pedro's free slot starts (local) for Corte on `date`.
async fn pedro_slots(store: &parlo_store::Store, t: &Team, date: &str) -> Vec<String> {
    let day: NaiveDate = date.parse().unwrap();
    let (lo, _) = day_bounds_utc(t.biz.tz, day);
    let (_, hi) = day_bounds_utc(t.biz.tz, day + chrono::Days::new(1));
    let calendar = store
        .load_calendar(t.biz.id(), t.biz.location.id, lo, hi)
        .await
        .unwrap();
    free_slots(
        &calendar,
        &SlotQuery {
            service_id: t.biz.service("Corte").id,
            from: day,
            to: day,
            staff_id: Some(t.staff.id),
            now: chat_now(&t.biz),
        },
    )
    .map(|slots| {
        slots
            .iter()
            .map(|s| s.local_start.format("%H:%M").to_string())
            .collect()
    })
    .unwrap_or_default()
}

#[tokio::test]
async fn stated_hours_become_availability_and_change_the_slots() {
    let store = store().await;
    let t = team(&store).await;
    let mut newbie = t.staff.clone();
    newbie.first_message_at = None;
    store.update_staff(&newbie).await.unwrap();
    // Before: bookable all business hours (8–22) on Tuesday 2030-01-08.
    let before = pedro_slots(&store, &t, "2030-01-08").await;
    assert_eq!(
        before.first().map(String::as_str),
        Some("08:00"),
        "{before:?}"
    );

    let chat = Chat::new(&store, &t.biz, &t.staff.phone, chat_now(&t.biz));
    chat.say("hola").await;
    chat.say("dime pepe").await;
    let turn = chat
        .say("trabajo de martes a jueves de 10 a 2 y el sabado de 4 a 8")
        .await;
    assert!(
        turn.text()
            .contains("Tu horario: martes a jueves 10:00 AM - 2:00 PM, sábado 4:00 PM - 8:00 PM"),
        "{}",
        turn.text()
    );
    let turn = chat.say("va").await;
    assert_eq!(
        turn.notifications,
        vec![(
            t.owner.phone.clone(),
            "✓ Pepe ya activó su WhatsApp en Parlo. Su horario: «martes a jueves 10:00 AM - 2:00 PM, sábado 4:00 PM - 8:00 PM».".into()
        )]
    );

    // Tuesday: 10:00 to 13:30 (a 30-minute Corte ends by 2).
    let tuesday = pedro_slots(&store, &t, "2030-01-08").await;
    assert_eq!(
        tuesday.first().map(String::as_str),
        Some("10:00"),
        "{tuesday:?}"
    );
    assert_eq!(
        tuesday.last().map(String::as_str),
        Some("13:30"),
        "{tuesday:?}"
    );
    // Monday and Friday: nothing; Saturday: from 4 PM.
    assert!(pedro_slots(&store, &t, "2030-01-07").await.is_empty());
    assert!(pedro_slots(&store, &t, "2030-01-11").await.is_empty());
    let saturday = pedro_slots(&store, &t, "2030-01-12").await;
    assert_eq!(
        saturday.first().map(String::as_str),
        Some("16:00"),
        "{saturday:?}"
    );
}

#[tokio::test]
async fn unreadable_hours_are_asked_again() {
    let store = store().await;
    let t = team(&store).await;
    let mut newbie = t.staff.clone();
    newbie.first_message_at = None;
    store.update_staff(&newbie).await.unwrap();
    let chat = Chat::new(&store, &t.biz, &t.staff.phone, chat_now(&t.biz));
    chat.say("Hola").await;
    chat.say("si").await;
    let turn = chat.say("depende del dia jaja").await;
    assert!(
        turn.text().starts_with("No entendí tu horario"),
        "{}",
        turn.text()
    );
    // Still bookable all business hours.
    assert_eq!(
        pedro_slots(&store, &t, "2030-01-08")
            .await
            .first()
            .map(String::as_str),
        Some("08:00")
    );
}
