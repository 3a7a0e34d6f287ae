//! Staff and owners run the business by chat (issue 15, item 1), through
//! the real turn processor and rule agent against DynamoDB Local with a
//! fixed clock: booking a customer for a later day, closing the business,
//! the service catalogue, customer lookup and notes, and a move that also
//! changes who attends. Each test asserts what was stored and what the
//! services layer sent (the outbox), not only the wording.

#[path = "staff_chat.rs"]
mod staff_chat;

use chrono::NaiveDate;
use parlo_core::scheduling::{free_slots, SlotQuery};
use parlo_core::time::day_bounds_utc;
use parlo_core::*;
use parlo_tests::*;
use staff_chat::*;

/// Free starts (local "HH:MM") of `service` on `date`, anyone.
async fn slots(
    store: &parlo_store::Store,
    t: &Team,
    service: ServiceId,
    date: &str,
) -> Vec<String> {
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
            service_id: service,
            from: day,
            to: day,
            staff_id: None,
            now: chat_now(&t.biz),
        },
    )
    .map(|s| {
        s.iter()
            .map(|s| s.local_start.format("%H:%M").to_string())
            .collect()
    })
    .unwrap_or_default()
}

/// "+525512345678" → "55 1234 5678", as the team types and reads it.
fn typed(e164: &str) -> String {
    let n = e164.trim_start_matches("+52");
    format!("{} {} {}", &n[..2], &n[2..6], &n[6..])
}

fn sent_to<'a>(turn: &'a Turn, phone: &str) -> Vec<&'a str> {
    turn.notifications
        .iter()
        .filter(|(to, _)| to == phone)
        .map(|(_, text)| text.as_str())
        .collect()
}

#[tokio::test]
async fn staff_book_a_known_customer_for_thursday_and_the_customer_is_told() {
    let store = store().await;
    let t = team(&store).await;
    let lupita = t.biz.customer(&store, "Lupita Hernández").await;
    let chat = Chat::new(&store, &t.biz, &t.staff.phone, chat_now(&t.biz));

    let turn = chat
        .say("agendale a lupita el jueves a las 4 pa corte")
        .await;
    let text = turn.text();
    assert!(
        text.starts_with(&format!(
            "¿Agendo a Lupita Hernández ({}) para Corte el ",
            typed(&lupita.phone)
        )),
        "{text}"
    );
    assert!(text.contains("a las 4:00 PM contigo?"), "{text}");
    assert!(appointments(&store, &t.biz).await.is_empty());

    let yes = chat.say("sip").await;
    let text = yes.text();
    assert!(
        text.starts_with("Listo ✓ Agendé a Lupita Hernández: Corte, "),
        "{text}"
    );
    assert!(
        text.ends_with("a las 4:00 PM contigo. Ya le mandé la confirmación."),
        "{text}"
    );
    let appts = appointments(&store, &t.biz).await;
    assert_eq!(appts.len(), 1, "{appts:?}");
    let a = &appts[0];
    assert_eq!(a.customer_id, lupita.id);
    assert_eq!(a.staff_id, t.staff.id);
    assert_eq!(a.service_id, t.biz.service("Corte").id);
    assert_eq!(a.start, local(t.biz.tz, "2030-01-10", 16, 0));
    assert_eq!(a.status, AppointmentStatus::Confirmed);
    assert_eq!(a.source, AppointmentSource::Manual);
    // The customer got the confirmation from the business; Pedro booked
    // it himself, so he is not told.
    let to_lupita = sent_to(&yes, &lupita.phone);
    assert_eq!(to_lupita.len(), 1, "{:?}", yes.notifications);
    assert!(
        to_lupita[0].starts_with("¡Hola Lupita! Tu cita en Barbería Test quedó agendada:"),
        "{}",
        to_lupita[0]
    );
    assert!(sent_to(&yes, &t.staff.phone).is_empty());

    // A redelivered "sip" books nothing twice and tells nobody twice.
    chat.say_with_sid(&yes.sid, "sip").await;
    assert_eq!(appointments(&store, &t.biz).await.len(), 1);
    let again = store
        .outbox_to(&lupita.phone, None, 20)
        .await
        .expect("outbox");
    assert_eq!(again.len(), 1, "{again:?}");
}

#[tokio::test]
async fn a_booking_said_as_the_counter_says_it_is_a_booking() {
    // No verb of the booking flow's own list («agenda a», «apunta a»):
    // the reader finds the booking and its customer, and the flow takes
    // them (it used to answer with the help text).
    let store = store().await;
    let t = team(&store).await;
    let lupita = t.biz.customer(&store, "Lupita Hernández").await;
    let chat = Chat::new(&store, &t.biz, &t.staff.phone, chat_now(&t.biz));

    let turn = chat.say("ponle a Lupita corte el jueves a las 4:30").await;
    let text = turn.text();
    assert!(
        text.starts_with(&format!(
            "¿Agendo a Lupita Hernández ({}) para Corte el ",
            typed(&lupita.phone)
        )),
        "{text}"
    );
    assert!(text.contains("a las 4:30 PM contigo?"), "{text}");
    chat.say("va").await;
    let appts = appointments(&store, &t.biz).await;
    assert_eq!(appts.len(), 1, "{appts:?}");
    assert_eq!(appts[0].customer_id, lupita.id);
    assert_eq!(appts[0].start, local(t.biz.tz, "2030-01-10", 16, 30));
}

#[tokio::test]
async fn is_there_room_is_answered_with_the_free_times() {
    // With a customer on the phone: the free times, not the day's agenda.
    let store = store().await;
    let t = team(&store).await;
    let (_, _) = booked(&store, &t.biz, &t.staff, "Juan Pérez", "Corte", 18, 0).await;
    let chat = Chat::new(&store, &t.biz, &t.owner.phone, chat_now(&t.biz));
    let text = chat.say("¿hay lugar hoy a las 6 con Pedro?").await.text();
    assert!(
        text.starts_with(
            "Hoy a las 6:00 PM no hay lugar con Pedro para corte, 30 min. Lo más cercano: "
        ),
        "{text}"
    );
    // After 6, anyone: the first free start the calendar has.
    let free = slots(&store, &t, t.biz.service("Corte").id, "2030-01-07").await;
    let first = free
        .iter()
        .find(|s| s.as_str() >= "18:00")
        .expect("room after 6");
    let (h, m) = first.split_once(':').unwrap();
    let twelve = format!("{}:{m} PM", h.parse::<u32>().unwrap() - 12);
    let text = chat.say("hay algo hoy despues de las 6??").await.text();
    assert!(
        text.starts_with(&format!("Libres hoy para corte, 30 min: {twelve} (")),
        "{text}"
    );
    assert!(
        text.contains("Para apartarlo: «agenda a Juan hoy a las "),
        "{text}"
    );
    // Nothing was booked.
    assert_eq!(appointments(&store, &t.biz).await.len(), 1);
}

#[tokio::test]
async fn owner_books_a_new_phone_with_pedro_and_both_are_told() {
    let store = store().await;
    let t = team(&store).await;
    let phone = random_phone();
    let chat = Chat::new(&store, &t.biz, &t.owner.phone, chat_now(&t.biz));

    let turn = chat
        .say(&format!(
            "hazle cita a {} el viernes a las 5 con pedro para tinte",
            typed(&phone)
        ))
        .await;
    assert_eq!(turn.text(), "Es cliente nuevo. ¿Cómo se llama?");
    let turn = chat.say("se llama rocio mendez").await;
    let text = turn.text();
    assert!(
        text.starts_with(&format!(
            "¿Agendo a Rocio Mendez ({}) para Tinte el ",
            typed(&phone)
        )),
        "{text}"
    );
    assert!(text.contains("a las 5:00 PM con Pedro Gómez?"), "{text}");
    let done = chat.say("va").await;
    assert!(
        done.text()
            .starts_with("Listo ✓ Agendé a Rocio Mendez (cliente nuevo): Tinte,"),
        "{}",
        done.text()
    );
    let customer = store
        .customer_by_phone(t.biz.id(), &phone)
        .await
        .unwrap()
        .expect("customer registered");
    assert_eq!(customer.name.as_deref(), Some("Rocio Mendez"));
    let appts = appointments(&store, &t.biz).await;
    assert_eq!(appts.len(), 1);
    assert_eq!(appts[0].customer_id, customer.id);
    assert_eq!(appts[0].staff_id, t.staff.id);
    assert_eq!(appts[0].start, local(t.biz.tz, "2030-01-11", 17, 0));
    assert_eq!(sent_to(&done, &phone).len(), 1, "{:?}", done.notifications);
    // Pedro is told of the booking made for him (once).
    let to_pedro = sent_to(&done, &t.staff.phone);
    assert_eq!(to_pedro.len(), 1, "{:?}", done.notifications);
    assert!(
        to_pedro[0].contains("Rocio Mendez")
            && to_pedro[0].contains("Tinte, viernes 11 de enero a las 5:00 PM"),
        "{}",
        to_pedro[0]
    );
}

#[tokio::test]
async fn a_taken_time_offers_the_nearest_and_an_unknown_name_asks_the_phone() {
    let store = store().await;
    let t = team(&store).await;
    // Pedro is busy Monday at 5.
    booked(&store, &t.biz, &t.staff, "Juan Pérez", "Corte", 17, 0).await;
    let chat = Chat::new(&store, &t.biz, &t.staff.phone, chat_now(&t.biz));

    let turn = chat
        .say("apunta a la sra fulanita hoy a las 5 para corte")
        .await;
    assert_eq!(
        turn.text(),
        "No tengo a «Fulanita» registrado. ¿Me pasas su teléfono para registrarlo?"
    );
    let phone = random_phone();
    let turn = chat.say(&format!("es el {}", typed(&phone))).await;
    let text = turn.text();
    assert!(text.starts_with("A las 5:00 PM del "), "{text}");
    assert!(
        text.ends_with(
            "no hay lugar con Pedro. Libres: 4:30 PM, 5:30 PM o 5:45 PM. ¿Cuál le acomoda?"
        ),
        "{text}"
    );
    let turn = chat.say("a las 5 y media").await;
    assert!(
        turn.text().starts_with("¿Agendo a Fulanita ("),
        "{}",
        turn.text()
    );
    assert!(
        turn.text().contains("a las 5:30 PM contigo?"),
        "{}",
        turn.text()
    );
    chat.say("si").await;
    let appts = appointments(&store, &t.biz).await;
    let new = appts
        .iter()
        .find(|a| a.start == local(t.biz.tz, "2030-01-07", 17, 30))
        .expect("booked at 5:30");
    let c = store
        .customer_by_phone(t.biz.id(), &phone)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(new.customer_id, c.id);
    assert_eq!(c.name.as_deref(), Some("Fulanita"));
}

#[tokio::test]
async fn a_viewer_cannot_book_close_or_change_services() {
    let store = store().await;
    let t = team(&store).await;
    let chat = Chat::new(&store, &t.biz, &t.viewer.phone, chat_now(&t.biz));
    for text in [
        "agenda a juan mañana a las 11 para corte",
        "cerramos mañana por junta",
        "agrega el servicio de barba a $150 de 30 minutos",
        "nota para juan: prefiere tijera",
    ] {
        let reply = chat.say(text).await.text();
        assert!(
            reply.starts_with("No tienes permiso para"),
            "{text}: {reply}"
        );
    }
    // Pedro (staff) books, but neither closes nor changes the catalogue.
    let pedro = Chat::new(&store, &t.biz, &t.staff.phone, chat_now(&t.biz));
    for text in [
        "cerramos mañana por junta",
        "nuevo servicio: ceja 80 pesos 15 min",
        "ya no damos tinte",
    ] {
        let reply = pedro.say(text).await.text();
        assert!(
            reply.starts_with("No tienes permiso para"),
            "{text}: {reply}"
        );
    }
    assert!(blocks(&store, &t.biz).await.is_empty());
    assert_eq!(store.list_services(t.biz.id()).await.unwrap().len(), 2);
    assert!(appointments(&store, &t.biz).await.is_empty());
}

#[tokio::test]
async fn the_owner_closes_for_christmas_and_nobody_can_book_those_days() {
    let store = store().await;
    let t = team(&store).await;
    let corte = t.biz.service("Corte").id;
    assert!(!slots(&store, &t, corte, "2030-01-14").await.is_empty());
    let chat = Chat::new(&store, &t.biz, &t.owner.phone, chat_now(&t.biz));

    // (Christmas itself is past the booking window the slots read; the
    // same words, read in the unit tests, in January.)
    let turn = chat
        .say("oye cerramos el 14 y 15 de ene x inventario")
        .await;
    let text = turn.text();
    assert!(
        text.starts_with("Listo ✓ El negocio queda cerrado del "),
        "{text}"
    );
    assert!(
        text.contains("(Inventario); nadie podrá agendar esos días."),
        "{text}"
    );
    let b = blocks_between(&store, &t, "2030-01-13", "2030-01-20").await;
    assert_eq!(b.len(), 1, "{b:?}");
    assert_eq!(b[0].staff_id, None);
    assert_eq!(b[0].start, local(t.biz.tz, "2030-01-14", 0, 0));
    assert_eq!(b[0].end, local(t.biz.tz, "2030-01-16", 0, 0));
    assert_eq!(b[0].reason.as_deref(), Some("Inventario"));
    assert!(slots(&store, &t, corte, "2030-01-14").await.is_empty());
    assert!(slots(&store, &t, corte, "2030-01-15").await.is_empty());
    assert!(!slots(&store, &t, corte, "2030-01-16").await.is_empty());
}

#[tokio::test]
async fn the_owner_closes_two_separate_days_in_one_message() {
    let store = store().await;
    let t = team(&store).await;
    let corte = t.biz.service("Corte").id;
    let chat = Chat::new(&store, &t.biz, &t.owner.phone, chat_now(&t.biz));

    let turn = chat
        .say("cierra el 14 y el 16 de enero x inventario porfa")
        .await;
    let text = turn.text();
    assert!(
        text.starts_with("Listo ✓ El negocio queda cerrado el lunes 14 de enero y el miércoles 16 de enero (Inventario)"),
        "{text}"
    );
    let b = blocks_between(&store, &t, "2030-01-13", "2030-01-20").await;
    assert_eq!(b.len(), 2, "{b:?}");
    let mut spans: Vec<_> = b.iter().map(|x| (x.start, x.end, x.staff_id)).collect();
    spans.sort();
    assert_eq!(
        spans,
        vec![
            (
                local(t.biz.tz, "2030-01-14", 0, 0),
                local(t.biz.tz, "2030-01-15", 0, 0),
                None
            ),
            (
                local(t.biz.tz, "2030-01-16", 0, 0),
                local(t.biz.tz, "2030-01-17", 0, 0),
                None
            ),
        ]
    );
    assert!(slots(&store, &t, corte, "2030-01-14").await.is_empty());
    assert!(!slots(&store, &t, corte, "2030-01-15").await.is_empty());
    assert!(slots(&store, &t, corte, "2030-01-16").await.is_empty());
}

#[tokio::test]
async fn separate_days_stop_at_the_one_with_appointments_and_go_on_when_told() {
    let store = store().await;
    let t = team(&store).await;
    let juan = t.biz.customer(&store, "Juan Pérez").await;
    let mut req = t.biz.booking(
        t.biz.service("Corte"),
        juan.id,
        local(t.biz.tz, "2030-01-16", 11, 0),
    );
    req.staff_pref = Some(t.staff.id);
    let appt = store.book(&req).await.unwrap();
    let chat = Chat::new(&store, &t.biz, &t.owner.phone, chat_now(&t.biz));

    let text = chat.say("cerramos el 14 y el 16 de enero").await.text();
    assert!(
        text.starts_with("Ya quedó cerrado el lunes 14 de enero. Hay 1 cita en esas fechas:"),
        "{text}"
    );
    assert_eq!(
        blocks_between(&store, &t, "2030-01-13", "2030-01-20")
            .await
            .len(),
        1
    );
    let text = chat.say("sí, cancélala").await.text();
    assert!(
        text.starts_with(
            "Listo ✓ El negocio queda cerrado el lunes 14 de enero y el miércoles 16 de enero"
        ),
        "{text}"
    );
    assert!(text.contains("Cancelé la cita que había"), "{text}");
    let b = blocks_between(&store, &t, "2030-01-13", "2030-01-20").await;
    assert_eq!(b.len(), 2, "the first day is not closed twice: {b:?}");
    let after = store
        .get_appointment(t.biz.id(), appt.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.status, AppointmentStatus::Cancelled);
}

async fn blocks_between(
    store: &parlo_store::Store,
    t: &Team,
    from: &str,
    to: &str,
) -> Vec<TimeBlock> {
    store
        .list_blocks(
            t.biz.id(),
            local(t.biz.tz, from, 0, 0),
            local(t.biz.tz, to, 0, 0),
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn a_closure_over_appointments_lists_them_and_cancels_with_notice_when_told() {
    let store = store().await;
    let t = team(&store).await;
    let juan = t.biz.customer(&store, "Juan Pérez").await;
    let mut req = t.biz.booking(
        t.biz.service("Corte"),
        juan.id,
        local(t.biz.tz, "2030-01-09", 11, 0),
    );
    req.staff_pref = Some(t.staff.id);
    let appt = store.book(&req).await.unwrap();
    let chat = Chat::new(&store, &t.biz, &t.owner.phone, chat_now(&t.biz));

    let turn = chat.say("el miercoles cerramos por fumigacion").await;
    let text = turn.text();
    assert!(text.starts_with("Hay 1 cita en esas fechas:\n• "), "{text}");
    assert!(
        text.contains("11:00 AM — Juan Pérez, Corte con Pedro Gómez"),
        "{text}"
    );
    assert!(
        text.contains("¿La cancelo y le aviso a su cliente?"),
        "{text}"
    );
    // Nothing changed yet.
    assert!(blocks(&store, &t.biz).await.is_empty());
    assert_eq!(
        store
            .get_appointment(t.biz.id(), appt.id)
            .await
            .unwrap()
            .unwrap()
            .status,
        AppointmentStatus::Confirmed
    );

    let done = chat.say("si cancelala").await;
    assert!(
        done.text()
            .contains("Cancelé la cita que había y le avisé al cliente."),
        "{}",
        done.text()
    );
    let after = store
        .get_appointment(t.biz.id(), appt.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.status, AppointmentStatus::Cancelled);
    let to_juan = sent_to(&done, &juan.phone);
    assert_eq!(to_juan.len(), 1, "{:?}", done.notifications);
    assert!(
        to_juan[0].starts_with("Hola Juan, te avisamos que Barbería Test canceló tu cita de Corte"),
        "{}",
        to_juan[0]
    );
    assert_eq!(
        sent_to(&done, &t.staff.phone).len(),
        1,
        "{:?}",
        done.notifications
    );
    let b = blocks(&store, &t.biz).await;
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].start, local(t.biz.tz, "2030-01-09", 0, 0));
    assert_eq!(b[0].reason.as_deref(), Some("Fumigacion"));

    // Saying no leaves everything as it was.
    let mut req = t.biz.booking(
        t.biz.service("Corte"),
        juan.id,
        local(t.biz.tz, "2030-01-10", 12, 0),
    );
    req.staff_pref = Some(t.admin.id);
    let other = store.book(&req).await.unwrap();
    chat.say("el jueves cerramos por junta").await;
    let no = chat.say("no, mejor no").await;
    assert!(no.text().starts_with("Va, no cerré nada."), "{}", no.text());
    assert_eq!(blocks(&store, &t.biz).await.len(), 1);
    assert_eq!(
        store
            .get_appointment(t.biz.id(), other.id)
            .await
            .unwrap()
            .unwrap()
            .status,
        AppointmentStatus::Confirmed
    );
}

#[tokio::test]
async fn the_owner_adds_renames_describes_and_retires_a_service_by_chat() {
    let store = store().await;
    let t = team(&store).await;
    let chat = Chat::new(&store, &t.biz, &t.owner.phone, chat_now(&t.biz));

    let turn = chat
        .say("agrega el servicio de barba a $150 de 30 min")
        .await;
    assert_eq!(
        turn.text(),
        "Listo ✓ Agregué Barba: $150, 30 min. Ya se puede agendar."
    );
    let barba = find_service(&store, &t, "Barba")
        .await
        .expect("Barba stored");
    assert_eq!(
        (barba.price_cents, barba.duration_minutes, barba.is_active),
        (15000, 30, true)
    );
    // Everyone who attends customers does it: it has free times at once.
    for s in store.list_staff(t.biz.id()).await.unwrap() {
        assert!(s.service_ids.contains(&barba.id), "{}", s.name);
    }
    assert!(!slots(&store, &t, barba.id, "2030-01-08").await.is_empty());

    // Named without the word «servicio»: the name is not asked again.
    let turn = chat.say("agrega mascarilla negra, 20 min, 120 pesos").await;
    assert_eq!(
        turn.text(),
        "Listo ✓ Agregué Mascarilla negra: $120, 20 min. Ya se puede agendar."
    );

    // Missing price and duration: asked, then read from the answer.
    let turn = chat.say("nuevo servicio ceja").await;
    assert_eq!(
        turn.text(),
        "¿Cuánto cuesta y cuánto dura Ceja? Por ejemplo «$150, 30 minutos»."
    );
    let turn = chat.say("80 pesos, 15 minutos").await;
    assert_eq!(
        turn.text(),
        "Listo ✓ Agregué Ceja: $80, 15 min. Ya se puede agendar."
    );

    let turn = chat
        .say("cambiale el nombre a barba por Barba y bigote")
        .await;
    assert!(
        turn.text()
            .starts_with("Listo ✓ Barba ahora se llama Barba y bigote."),
        "{}",
        turn.text()
    );
    let turn = chat
        .say("descripcion de barba y bigote: con toalla caliente y navaja")
        .await;
    assert_eq!(
        turn.text(),
        "Listo ✓ La descripción de Barba y bigote quedó: «Con toalla caliente y navaja»."
    );
    let stored = store
        .get_service(t.biz.id(), barba.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.name, "Barba y bigote");
    assert_eq!(
        stored.description.as_deref(),
        Some("Con toalla caliente y navaja")
    );

    let turn = chat.say("ya no damos barba y bigote").await;
    assert!(
        turn.text().starts_with("¿Doy de baja Barba y bigote?"),
        "{}",
        turn.text()
    );
    let turn = chat.say("si").await;
    assert_eq!(turn.text(), "Listo ✓ Barba y bigote ya no se ofrece.");
    let gone = store.get_service(t.biz.id(), barba.id).await.unwrap();
    assert!(gone.as_ref().is_none_or(|s| !s.is_active), "{gone:?}");
    assert!(slots(&store, &t, barba.id, "2030-01-08").await.is_empty());
}

async fn find_service(store: &parlo_store::Store, t: &Team, name: &str) -> Option<ServiceType> {
    store
        .list_services(t.biz.id())
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.name == name)
}

#[tokio::test]
async fn customers_are_looked_up_and_noted_once() {
    let store = store().await;
    let t = team(&store).await;
    let lupita = t.biz.customer(&store, "Lupita Hernández").await;
    let juan = t.biz.customer(&store, "Juan Pérez").await;
    t.biz.customer(&store, "Juan Ramírez").await;
    let chat = Chat::new(&store, &t.biz, &t.staff.phone, chat_now(&t.biz));

    let turn = chat.say("nota para lupita: alergica al tinte").await;
    assert_eq!(
        turn.text(),
        "Listo ✓ Le anoté a Lupita Hernández: «Alergica al tinte»."
    );
    // A redelivered note is written once.
    chat.say_with_sid(&turn.sid, "nota para lupita: alergica al tinte")
        .await;
    let c = store
        .get_customer(t.biz.id(), lupita.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.notes.as_deref(), Some("2030-01-07: Alergica al tinte"));

    let turn = chat
        .say("anota que a juan perez le gusta el degradado")
        .await;
    assert_eq!(
        turn.text(),
        "Listo ✓ Le anoté a Juan Pérez: «Le gusta el degradado»."
    );
    let c = store
        .get_customer(t.biz.id(), juan.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        c.notes.as_deref(),
        Some("2030-01-07: Le gusta el degradado")
    );

    let turn = chat.say("busca a lupita").await;
    let text = turn.text();
    assert!(
        text.starts_with(&format!("👤 Lupita Hernández — {}", typed(&lupita.phone))),
        "{text}"
    );
    assert!(
        text.contains("Notas: 2030-01-07: Alergica al tinte"),
        "{text}"
    );
    let text = chat.say("buscame a juan").await.text();
    assert!(text.starts_with("Encontré 2 clientes:"), "{text}");
    assert!(
        text.contains("Juan Pérez") && text.contains("Juan Ramírez"),
        "{text}"
    );
}

#[tokio::test]
async fn the_3_with_ana_moves_to_the_5_with_pedro_in_one_move() {
    let store = store().await;
    let t = team(&store).await;
    let (juan, appt) = booked(&store, &t.biz, &t.admin, "Juan Pérez", "Corte", 15, 0).await;
    // Someone else at 3 with Pedro: the staff name picks Ana's.
    booked(&store, &t.biz, &t.staff, "Luis Ramírez", "Corte", 15, 0).await;
    let chat = Chat::new(
        &store,
        &t.biz,
        &t.owner.phone,
        local(t.biz.tz, "2030-01-07", 9, 0),
    );
    let turn = chat
        .say("mueve la de las 3 con Ana a las 5 con Pedro")
        .await;
    let text = turn.text();
    assert!(
        text.starts_with("¿Muevo la cita de Juan Pérez (Corte) del "),
        "{text}"
    );
    assert!(text.contains("a las 3:00 PM con Ana Torres al "), "{text}");
    assert!(
        text.ends_with("a las 5:00 PM con Pedro Gómez? Le aviso al cliente."),
        "{text}"
    );
    let done = chat.say("dale").await;
    assert!(
        done.text().contains("quedó el ") && done.text().contains("5:00 PM con Pedro Gómez ✓"),
        "{}",
        done.text()
    );
    let after = store
        .get_appointment(t.biz.id(), appt.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.staff_id, t.staff.id);
    assert_eq!(after.start, local(t.biz.tz, "2030-01-07", 17, 0));
    assert_eq!(after.status, AppointmentStatus::Confirmed);
    // One appointment moved, none added.
    assert_eq!(appointments(&store, &t.biz).await.len(), 2);
    let to_juan = sent_to(&done, &juan.phone);
    assert_eq!(to_juan.len(), 1, "{:?}", done.notifications);
    assert!(
        to_juan[0].contains("cambió tu cita de Corte"),
        "{}",
        to_juan[0]
    );
    assert_eq!(
        sent_to(&done, &t.admin.phone).len(),
        1,
        "{:?}",
        done.notifications
    );
    assert_eq!(
        sent_to(&done, &t.staff.phone).len(),
        1,
        "{:?}",
        done.notifications
    );
}

#[tokio::test]
async fn whats_next_works_for_staff_as_they_write_it() {
    let store = store().await;
    let t = team(&store).await;
    booked(&store, &t.biz, &t.staff, "Juan Pérez", "Corte", 17, 0).await;
    let chat = Chat::new(&store, &t.biz, &t.staff.phone, chat_now(&t.biz));
    for text in ["q sigue?", "quien sigue", "mi siguiente cita"] {
        assert_eq!(
            chat.say(text).await.text(),
            "Sigue: 5:00 PM — Juan Pérez, corte.",
            "{text}"
        );
    }
}
