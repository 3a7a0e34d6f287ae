//! Staff and owner conversations with the rule agent, through the real
//! turn processor against DynamoDB Local: what they are told and what ends
//! up stored (spec/001 flows 2 and 8–14, Examples 4–7).

#[path = "staff_chat.rs"]
mod staff_chat;

use chrono::{Datelike, Weekday};
use parlo_core::*;
use parlo_tests::*;
use staff_chat::*;

#[tokio::test]
async fn my_schedule_is_the_agenda_of_example_4() {
    let store = store().await;
    let t = team(&store).await;
    booked(&store, &t.biz, &t.staff, "Juan Pérez", "Corte", 10, 0).await;
    booked(&store, &t.biz, &t.staff, "Roberto García", "Corte", 17, 0).await;
    // Another person's appointment stays out of Pedro's agenda.
    booked(&store, &t.biz, &t.admin, "Luis Ramírez", "Corte", 11, 0).await;
    let chat = Chat::new(
        &store,
        &t.biz,
        &t.staff.phone,
        local(t.biz.tz, "2030-01-07", 9, 0),
    );
    let turn = chat.say("Qué tengo hoy?").await;
    let text = turn.text();
    assert!(
        text.starts_with("Hola Pedro, aquí está tu agenda para hoy lunes:"),
        "{text}"
    );
    assert!(text.contains("⏰ 10:00 AM - Corte - Juan Pérez"), "{text}");
    assert!(
        text.contains("⏰ 5:00 PM - Corte - Roberto García"),
        "{text}"
    );
    assert!(!text.contains("Luis"), "{text}");
    assert!(
        text.contains("⏰ 10:30 AM - 5:00 PM - Disponible"),
        "{text}"
    );
    assert!(
        text.contains("Tienes 2 citas y 3 espacios libres"),
        "{text}"
    );

    // The owner's view of the business names who attends each one.
    let owner = Chat::new(&store, &t.biz, &t.owner.phone, chat.now);
    let text = owner.say("Agenda de hoy").await.text();
    assert!(
        text.contains("⏰ 11:00 AM - Corte - Luis Ramírez (con Ana Torres)"),
        "{text}"
    );
    assert!(text.contains("Hay 3 citas."), "{text}");
}

#[tokio::test]
async fn block_the_4_then_only_the_4_as_in_example_4() {
    let store = store().await;
    let t = team(&store).await;
    let chat = Chat::new(
        &store,
        &t.biz,
        &t.staff.phone,
        local(t.biz.tz, "2030-01-07", 9, 0),
    );
    let first = chat.say("Bloquea las 4, tengo que salir temprano").await;
    assert_eq!(
        first.text(),
        "Listo, bloqueé las 4:00 PM ✓ ¿Quieres que también bloquee de 5 en adelante?"
    );
    // A retried delivery of the same message blocks nothing twice.
    chat.say_with_sid(&first.sid, "Bloquea las 4, tengo que salir temprano")
        .await;
    let turn = chat.say("No solo las 4").await;
    assert_eq!(
        turn.text(),
        "Perfecto, solo las 4:00 PM bloqueadas. ¿Algo más?"
    );
    let b = blocks(&store, &t.biz).await;
    assert_eq!(b.len(), 1, "{b:?}");
    assert_eq!(b[0].staff_id, Some(t.staff.id));
    assert_eq!(b[0].start, local(t.biz.tz, "2030-01-07", 16, 0));
    assert_eq!(b[0].end, local(t.biz.tz, "2030-01-07", 17, 0));

    // A range, with its reason; and the follow-up question accepted.
    let turn = chat.say("Bloquea de 2 a 3 para comer").await;
    assert_eq!(
        turn.text(),
        "Listo, bloqueé de 2:00 PM a 3:00 PM ✓ ¿Algo más?"
    );
    let turn = chat.say("Bloquea mañana a las 6").await;
    assert!(
        turn.text()
            .contains("¿Quieres que también bloquee de 7 en adelante?"),
        "{}",
        turn.text()
    );
    let turn = chat.say("Sí").await;
    assert_eq!(
        turn.text(),
        "Listo, también bloqueé de 7:00 PM a 10:00 PM ✓ ¿Algo más?"
    );
    let b = blocks(&store, &t.biz).await;
    assert_eq!(b.len(), 4, "{b:?}");
    let lunch = b
        .iter()
        .find(|x| x.start == local(t.biz.tz, "2030-01-07", 14, 0))
        .expect("lunch block");
    assert_eq!(lunch.reason.as_deref(), Some("comida"));
    assert!(b
        .iter()
        .any(|x| x.start == local(t.biz.tz, "2030-01-08", 19, 0)
            && x.end == local(t.biz.tz, "2030-01-08", 22, 0)));

    // No time: one question, then the answer completes it.
    let turn = chat.say("Necesito bloquear tiempo").await;
    assert!(
        turn.text().starts_with("¿Qué horario quieres bloquear?"),
        "{}",
        turn.text()
    );
    let turn = chat.say("de 8 a 9 de la noche").await;
    assert!(
        turn.text()
            .starts_with("Listo, bloqueé de 8:00 PM a 9:00 PM"),
        "{}",
        turn.text()
    );
    assert_eq!(blocks(&store, &t.biz).await.len(), 5);
}

#[tokio::test]
async fn blocking_over_an_appointment_is_refused_with_the_reason() {
    let store = store().await;
    let t = team(&store).await;
    booked(&store, &t.biz, &t.staff, "Juan Pérez", "Corte", 16, 0).await;
    let chat = Chat::new(
        &store,
        &t.biz,
        &t.staff.phone,
        local(t.biz.tz, "2030-01-07", 9, 0),
    );
    let turn = chat.say("Bloquea de 4 a 5").await;
    assert!(
        turn.text().starts_with("Ya hay citas en ese horario"),
        "{}",
        turn.text()
    );
    assert!(blocks(&store, &t.biz).await.is_empty());
}

#[tokio::test]
async fn a_reminder_relayed_as_the_counter_says_it_reaches_the_customer() {
    // «recuérdale a Roberto que…»: no «dile a»/«mensaje a» in it.
    let store = store().await;
    let t = team(&store).await;
    let (roberto, _) = booked(&store, &t.biz, &t.staff, "Roberto García", "Corte", 15, 0).await;
    let chat = Chat::new(&store, &t.biz, &t.owner.phone, chat_now(&t.biz));
    let turn = chat
        .say("recuérdale a Roberto que traiga la foto del corte que quiere")
        .await;
    let text = turn.text();
    assert!(text.starts_with("Enviado ✓ Le mandé: "), "{text}");
    assert!(
        text.contains("Traiga la foto del corte que quiere."),
        "{text}"
    );
    let sent = outbox_bodies(&store, &roberto.phone).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(
        sent[0].contains("Traiga la foto del corte que quiere"),
        "{sent:?}"
    );
}

#[tokio::test]
async fn no_show_then_a_message_to_the_customer_as_in_example_6() {
    let store = store().await;
    let t = team(&store).await;
    let (roberto, appt) = booked(&store, &t.biz, &t.staff, "Roberto García", "Corte", 15, 0).await;
    let chat = Chat::new(&store, &t.biz, &t.owner.phone, chat_now(&t.biz));
    let turn = chat.say("El de las 3 no llegó").await;
    assert_eq!(
        turn.text(),
        "¿Te refieres a la cita de Roberto García a las 3:00 PM (Corte)?"
    );
    let turn = chat.say("Si").await;
    assert_eq!(
        turn.text(),
        "Marqué la cita como no-show ✓ ¿Quieres que le envíe un mensaje a Roberto?"
    );
    let stored = store
        .get_appointment(t.biz.id(), appt.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, AppointmentStatus::NoShow);
    let turn = chat
        .say("Si, dile que esperamos que esté bien y que nos avise para reagendar")
        .await;
    let expected = "Hola Roberto, notamos que no pudiste llegar a tu cita de hoy. Esperamos que \
                    todo esté bien. Cuando gustes, escríbenos para reagendar. - Barbería Test";
    assert_eq!(turn.text(), format!("Enviado ✓ Le mandé: \"{expected}\""));
    // Roberto has not written in 24 hours: the approved relay template,
    // which names the business once.
    let unsigned = expected.trim_end_matches(" - Barbería Test");
    assert_eq!(
        turn.notifications,
        vec![(
            roberto.phone.clone(),
            format!("Mensaje de Barbería Test: {unsigned}")
        )]
    );
    // Sent once, from the business's number, through the outbox.
    let mut sent = Vec::new();
    for _ in 0..20 {
        sent = store.outbox_to(&roberto.phone, None, 10).await.unwrap();
        if !sent.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(sent.len(), 1, "{sent:?}");
    let relayed = format!("Mensaje de Barbería Test: {unsigned}");
    assert_eq!(sent[0].body.as_deref(), Some(relayed.as_str()));
    assert_eq!(sent[0].path.as_deref(), Some("template"));
    assert_eq!(Some(&sent[0].from), t.biz.org.whatsapp_number.as_ref());
}

#[tokio::test]
async fn completed_and_choosing_between_two_at_the_same_hour() {
    let store = store().await;
    let t = team(&store).await;
    booked(&store, &t.biz, &t.staff, "Juan Pérez", "Corte", 15, 0).await;
    booked(&store, &t.biz, &t.admin, "Luis Ramírez", "Corte", 15, 0).await;
    let chat = Chat::new(&store, &t.biz, &t.owner.phone, chat_now(&t.biz));
    let turn = chat.say("Ya terminé el de las 3").await;
    assert!(
        turn.text().starts_with("¿Cuál de estas?"),
        "{}",
        turn.text()
    );
    let turn = chat.say("2").await;
    let text = turn.text();
    let who = text
        .strip_prefix("¿Te refieres a la cita de ")
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("{text}"));
    assert!(["Juan", "Luis"].contains(&who), "{text}");
    // The customer picked from the list is named (not left blank).
    let text = chat.say("sí").await.text();
    assert_eq!(
        text,
        format!("Listo, marqué la cita de {who} como completada ✓ ¿Algo más?")
    );
    let done: Vec<Appointment> = appointments(&store, &t.biz)
        .await
        .into_iter()
        .filter(|a| a.status == AppointmentStatus::Completed)
        .collect();
    assert_eq!(done.len(), 1);
}

#[tokio::test]
async fn walk_in_as_in_example_5() {
    let store = store().await;
    let t = team(&store).await;
    let at = local(t.biz.tz, "2030-01-07", 11, 30);
    let chat = Chat::new(&store, &t.biz, &t.staff.phone, at);
    let turn = chat.say("Acaba de llegar alguien para uñas").await;
    assert_eq!(
        turn.text(),
        "¿Qué servicio quiere? Tenemos:\n• Corte - $150 (30 min)\n• Tinte - $1,200 (4 horas)"
    );
    let turn = chat.say("Corte").await;
    assert_eq!(
        turn.text(),
        "Perfecto. ¿Tienes el teléfono de la persona para registrarla?"
    );
    let turn = chat.say("55 9876 5432").await;
    assert_eq!(turn.text(), "Registrado. ¿Nombre?");
    let turn = chat.say("Ana").await;
    assert_eq!(
        turn.text(),
        "Listo ✓ Registré a Ana (55 9876 5432) para Corte ahora a las 11:30 AM contigo."
    );
    let customer = store
        .customer_by_phone(t.biz.id(), "+525598765432")
        .await
        .unwrap()
        .expect("customer registered");
    assert_eq!(customer.name.as_deref(), Some("Ana"));
    let appts = appointments(&store, &t.biz).await;
    assert_eq!(appts.len(), 1);
    assert_eq!(appts[0].customer_id, customer.id);
    assert_eq!(appts[0].staff_id, t.staff.id);
    assert_eq!(appts[0].start, at);
    assert_eq!(appts[0].source, AppointmentSource::WalkIn);
    // The flow is over: the next message is a new command.
    assert!(store
        .get_flow(
            t.biz.id(),
            conversation_id(&store, &t.biz, &t.staff.phone).await
        )
        .await
        .unwrap()
        .is_none());
}

async fn conversation_id(store: &parlo_store::Store, biz: &Biz, phone: &str) -> ConversationId {
    store
        .get_conversation(biz.id(), phone)
        .await
        .unwrap()
        .expect("conversation")
        .id
}

#[tokio::test]
async fn owner_adds_staff_and_sends_the_welcome_as_in_example_7() {
    let store = store().await;
    let t = team(&store).await;
    let chat = Chat::new(&store, &t.biz, &t.owner.phone, chat_now(&t.biz));
    let turn = chat.say("Quiero agregar un nuevo empleado").await;
    assert_eq!(
        turn.text(),
        "¡Claro! Necesito algunos datos:\n1. ¿Cómo se llama?"
    );
    let turn = chat.say("Pedro Hernández").await;
    assert_eq!(turn.text(), "2. ¿Cuál es su número de WhatsApp?");
    let phone = random_phone();
    let national = &phone[3..];
    let turn = chat
        .say(&format!(
            "{} {} {}",
            &national[..2],
            &national[2..6],
            &national[6..]
        ))
        .await;
    assert_eq!(
        turn.text(),
        "3. ¿Qué servicios va a ofrecer Pedro?\n• Corte\n• Tinte"
    );
    let turn = chat.say("Todos").await;
    assert!(
        turn.text()
            .starts_with("Perfecto. Agregué a Pedro Hernández ("),
        "{}",
        turn.text()
    );
    assert!(turn
        .text()
        .ends_with("¿Quieres que le mande un mensaje de bienvenida explicándole cómo usar Parlo?"));
    let added = store
        .staff_by_phone(t.biz.id(), &phone)
        .await
        .unwrap()
        .expect("staff added");
    assert_eq!(added.name, "Pedro Hernández");
    assert_eq!(added.permission_level, PermissionLevel::Staff);
    assert_eq!(added.service_ids.len(), 2);
    let turn = chat.say("Si").await;
    assert_eq!(turn.text(), "Enviado ✓");
    assert_eq!(turn.notifications.len(), 1);
    assert_eq!(turn.notifications[0].0, phone);
    assert!(turn.notifications[0]
        .1
        .starts_with("¡Hola Pedro! 👋 Barbería Test te registró en Parlo"));

    // Only some services.
    let chat = Chat::new(&store, &t.biz, &t.owner.phone, chat_now(&t.biz));
    chat.say("Agrega un empleado").await;
    chat.say("Lía Mora").await;
    let phone2 = random_phone();
    chat.say(&phone2).await;
    chat.say("solo tinte").await;
    let lia = store
        .staff_by_phone(t.biz.id(), &phone2)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(lia.service_ids, vec![t.biz.service("Tinte").id]);
}

#[tokio::test]
async fn owner_changes_hours_prices_durations_permissions_and_team() {
    let store = store().await;
    let t = team(&store).await;
    let chat = Chat::new(&store, &t.biz, &t.owner.phone, chat_now(&t.biz));

    let turn = chat.say("Cambia el horario del sábado de 10 a 6").await;
    assert_eq!(
        turn.text(),
        "Listo ✓ El sábado ahora abrimos de 10:00 AM a 6:00 PM."
    );
    let turn = chat.say("Los domingos cerramos, cambia el horario").await;
    assert_eq!(turn.text(), "Listo ✓ El domingo queda cerrado.");
    let location = store
        .get_location(t.biz.id(), t.biz.location.id)
        .await
        .unwrap()
        .unwrap();
    let sat = location.business_hours.on(Weekday::Sat);
    assert_eq!(sat, &[TimeRange::hm((10, 0), (18, 0))]);
    assert!(location.business_hours.on(Weekday::Sun).is_empty());
    assert_eq!(
        location.business_hours.on(Weekday::Mon),
        &[TimeRange::hm((8, 0), (22, 0))]
    );

    let turn = chat.say("El corte ahora cuesta $180").await;
    assert!(
        turn.text().starts_with("Listo ✓ Corte ahora cuesta $180"),
        "{}",
        turn.text()
    );
    let turn = chat.say("Cambia la duración del tinte").await;
    assert!(
        turn.text().contains("el precio o la duración"),
        "{}",
        turn.text()
    );
    let turn = chat.say("3 horas").await;
    assert!(turn.text().contains("dura 3 horas"), "{}", turn.text());
    let services = store.list_services(t.biz.id()).await.unwrap();
    let corte = services.iter().find(|s| s.name == "Corte").unwrap();
    let tinte = services.iter().find(|s| s.name == "Tinte").unwrap();
    assert_eq!(corte.price_cents, 18000);
    assert_eq!(tinte.duration_minutes, 180);

    let turn = chat.say("Cambia el permiso de Pedro a administrador").await;
    assert_eq!(
        turn.text(),
        "Listo ✓ Pedro Gómez ahora tiene permiso de administrador."
    );
    let pedro = store
        .get_staff(t.biz.id(), t.staff.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(pedro.permission_level, PermissionLevel::Admin);

    let turn = chat.say("Vera ya no trabaja con nosotros").await;
    assert!(
        turn.text()
            .starts_with("¿Confirmas que doy de baja a Vera Luna?"),
        "{}",
        turn.text()
    );
    let turn = chat.say("sí").await;
    assert_eq!(turn.text(), "Listo, di de baja a Vera Luna ✓");
    let vera = store
        .get_staff(t.biz.id(), t.viewer.id)
        .await
        .unwrap()
        .unwrap();
    assert!(!vera.is_active);
}

#[tokio::test]
async fn staff_onboarding_greets_asks_and_tells_the_owner() {
    let store = store().await;
    let t = team(&store).await;
    let mut newbie = t.staff.clone();
    newbie.first_message_at = None;
    store.update_staff(&newbie).await.unwrap();
    let chat = Chat::new(&store, &t.biz, &t.staff.phone, chat_now(&t.biz));
    let turn = chat.say("Hola").await;
    assert!(
        turn.text()
            .starts_with("¡Hola Pedro! 👋 Barbería Test te registró en Parlo."),
        "{}",
        turn.text()
    );
    let turn = chat.say("Dime Pepe").await;
    assert!(
        turn.text().starts_with("Mucho gusto, Pepe ✓"),
        "{}",
        turn.text()
    );
    let me = store
        .get_staff(t.biz.id(), t.staff.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(me.name, "Pepe Gómez");
    assert!(me.first_message_at.is_some());
    let turn = chat.say("lunes a sábado de 10 a 7").await;
    assert!(turn.text().contains("«¿Qué tengo hoy?»"), "{}", turn.text());
    let turn = chat.say("Sí").await;
    assert_eq!(turn.text(), "¡Listo! Escríbeme cuando me necesites 👍");
    assert_eq!(
        turn.notifications,
        vec![(
            t.owner.phone.clone(),
            "✓ Pepe ya activó su WhatsApp en Parlo. Su horario: «lunes a sábado 10:00 AM - 7:00 PM».".into()
        )]
    );
    // Afterwards a normal staff member.
    let turn = chat.say("Qué tengo hoy?").await;
    assert!(
        turn.text().starts_with("Hola Pepe, aquí está tu agenda"),
        "{}",
        turn.text()
    );
}

#[tokio::test]
async fn releasing_and_taking_over_a_customer_conversation() {
    let store = store().await;
    let t = team(&store).await;
    let customer = t.biz.customer(&store, "Roberto García").await;
    let at = chat_now(&t.biz);
    let conv = Conversation {
        id: uuid::Uuid::new_v4(),
        org_id: t.biz.id(),
        kind: ConversationKind::Customer,
        peer_phone: customer.phone.clone(),
        customer_id: Some(customer.id),
        staff_id: None,
        status: ConversationStatus::HandedOff,
        handed_off_until: Some(at + chrono::Duration::hours(20)),
        context: serde_json::Value::Null,
        created_at: at,
        updated_at: at,
        last_message_at: at,
    };
    store.create_conversation(&conv).await.unwrap();
    let chat = Chat::new(&store, &t.biz, &t.staff.phone, at);
    let turn = chat.say(&format!("ya atendí a {}", customer.phone)).await;
    assert!(
        turn.text()
            .starts_with("Listo ✓ Vuelvo a atender a Roberto García"),
        "{}",
        turn.text()
    );
    let c = store
        .get_conversation(t.biz.id(), &customer.phone)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.status, ConversationStatus::Active);
    assert_eq!(c.handed_off_until, None);

    let turn = chat
        .say(&format!("yo me encargo de {}", customer.phone))
        .await;
    assert!(
        turn.text().contains("Dejo de responderle"),
        "{}",
        turn.text()
    );
    let c = store
        .get_conversation(t.biz.id(), &customer.phone)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.status, ConversationStatus::HandedOff);
    assert!(c.handed_off_until.is_some_and(|u| u > at));
}

#[tokio::test]
async fn history_and_stats() {
    let store = store().await;
    let t = team(&store).await;
    let (_, a) = booked(&store, &t.biz, &t.staff, "Roberto García", "Corte", 10, 0).await;
    store
        .complete(t.biz.id(), a.id, chat_now(&t.biz))
        .await
        .unwrap();
    let chat = Chat::new(&store, &t.biz, &t.owner.phone, chat_now(&t.biz));
    let text = chat.say("Historial de Roberto").await.text();
    assert!(text.starts_with("Roberto García ("), "{text}");
    assert!(text.contains("1 cita completada"), "{text}");
    let text = chat.say("¿Cómo vamos hoy? estadísticas").await.text();
    assert!(text.starts_with("Hoy: 1 citas — 1 completadas"), "{text}");
    assert!(text.contains("Ingresos: $150."), "{text}");
    assert_eq!(chat.now.date_naive().weekday(), Weekday::Mon);
    // Asked about by name, a customer's history says when they come
    // next (it used to answer with the whole agenda).
    booked(&store, &t.biz, &t.staff, "Santiago Ruiz", "Corte", 17, 0).await;
    let text = chat.say("¿Santiago tiene algo agendado?").await.text();
    assert!(text.starts_with("Santiago Ruiz ("), "{text}");
    assert!(
        text.contains("Próxima: ") && text.contains("con Pedro"),
        "{text}"
    );
}

#[tokio::test]
async fn a_new_business_sets_itself_up_on_the_central_number() {
    let store = store().await;
    let t = team(&store).await;
    let owner = random_phone();
    let mut chat = Chat::new(&store, &t.biz, &owner, chat_now(&t.biz));
    chat.to = chat.processor.central_number.clone();
    let turn = chat.say("Hola, tengo una estética").await;
    assert!(
        turn.text().contains("¿cómo se llama tu negocio?"),
        "{}",
        turn.text()
    );
    let org_id = store.staff_memberships(&owner).await.unwrap()[0].org_id;
    // "Estética" says the type: no question about it.
    let turn = chat.say("Estética Lupita").await;
    assert!(
        turn.text().contains("¿Qué servicios ofreces?"),
        "{}",
        turn.text()
    );
    let turn = chat.say("hola").await;
    assert!(
        turn.text().starts_with("No logré leer los servicios"),
        "{}",
        turn.text()
    );
    let turn = chat
        .say("Corte - $150 - 30 min\nTinte - $800 - 2 horas")
        .await;
    assert!(
        turn.text().contains("• Tinte - $800 (2 horas)"),
        "{}",
        turn.text()
    );
    let turn = chat.say("lunes a sábado de 10 a 8").await;
    assert!(turn.text().contains("¿Cómo te llamas"), "{}", turn.text());
    chat.say("Lupita, hago todo").await;
    let turn = chat.say("no, solo yo").await;
    assert!(
        turn.text()
            .starts_with("Esto es lo que tengo de Estética Lupita:"),
        "{}",
        turn.text()
    );
    let turn = chat.say("sí").await;
    assert!(turn.text().contains("Registré todo"), "{}", turn.text());

    // No Twilio here: the business waits for its number.
    let org = store.get_organization(org_id).await.unwrap().unwrap();
    assert_eq!(org.name, "Estética Lupita");
    assert_eq!(org.onboarding_state.as_deref(), Some("provisioning_number"));
    assert_eq!(org.onboarding_data["business_type"], "salón de belleza");
    let mut services = store.list_services(org_id).await.unwrap();
    services.sort_by_key(|s| s.price_cents);
    let got: Vec<(String, i64, u32)> = services
        .iter()
        .map(|s| (s.name.clone(), s.price_cents, s.duration_minutes))
        .collect();
    assert_eq!(
        got,
        vec![("Corte".into(), 15000, 30), ("Tinte".into(), 80000, 120)]
    );
    let locations = store.list_locations(org_id).await.unwrap();
    assert_eq!(locations.len(), 1);
    let hours = &locations[0].business_hours;
    assert_eq!(hours.on(Weekday::Sat), &[TimeRange::hm((10, 0), (20, 0))]);
    assert!(hours.on(Weekday::Sun).is_empty());
}

#[tokio::test]
async fn a_flow_left_for_40_minutes_resumes_or_gives_way_to_a_new_command() {
    let store = store().await;
    let t = team(&store).await;
    let at = local(t.biz.tz, "2030-01-07", 11, 0);
    let chat = Chat::new(&store, &t.biz, &t.staff.phone, at);
    chat.say("Llegó alguien para corte").await;
    chat.say("no").await;
    // 40 minutes later the name arrives: the walk-in resumes.
    let later = Chat::new(
        &store,
        &t.biz,
        &t.staff.phone,
        at + chrono::Duration::minutes(40),
    );
    let turn = later.say("Ana").await;
    assert!(
        turn.text()
            .starts_with("¡Hola de nuevo! Seguíamos con el registro de quien llegó sin cita. Listo ✓ Registré a Ana"),
        "{}",
        turn.text()
    );
    assert_eq!(appointments(&store, &t.biz).await.len(), 1);

    // A new command after a silence replaces the old flow.
    later.say("Bloquea las 4").await;
    let much_later = Chat::new(
        &store,
        &t.biz,
        &t.staff.phone,
        at + chrono::Duration::minutes(90),
    );
    let turn = much_later.say("Qué tengo hoy?").await;
    assert!(
        turn.text().starts_with("Hola Pedro, aquí está tu agenda"),
        "{}",
        turn.text()
    );
}

/// The customer's and the staff member's messages, as the outbox holds
/// them (polling: the outbox is written after the turn's reply).
async fn outbox_bodies(store: &parlo_store::Store, phone: &str) -> Vec<String> {
    let mut sent = Vec::new();
    for _ in 0..20 {
        sent = store.outbox_to(phone, None, 10).await.unwrap();
        if !sent.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    sent.into_iter().filter_map(|m| m.body).collect()
}

#[tokio::test]
async fn a_cancellation_said_at_the_counter_cancels_not_blocks() {
    // «quita la cita de Juan», «tumba la de las 6»: no «cancela» in them.
    // They used to block the sender's own time.
    let store = store().await;
    let t = team(&store).await;
    booked(&store, &t.biz, &t.staff, "Juan Pérez", "Corte", 18, 0).await;
    let chat = Chat::new(&store, &t.biz, &t.owner.phone, chat_now(&t.biz));
    for said in ["quita la cita de Juan de hoy", "tumba la de las 6"] {
        let turn = chat.say(said).await;
        assert_eq!(
            turn.text(),
            "¿Cancelo la cita de Juan Pérez (Corte) del lunes 7 de enero a las 6:00 PM con Pedro Gómez? Le aviso al cliente.",
            "{said}"
        );
        chat.say("no").await;
    }
}

#[tokio::test]
async fn owner_cancels_a_customers_appointment_and_both_are_told() {
    let store = store().await;
    let t = team(&store).await;
    let (juan, appt) = booked(&store, &t.biz, &t.staff, "Juan Pérez", "Corte", 18, 0).await;
    booked(&store, &t.biz, &t.staff, "Luis Ramírez", "Corte", 19, 0).await;
    let chat = Chat::new(&store, &t.biz, &t.owner.phone, chat_now(&t.biz));
    let turn = chat.say("Cancela la cita de Juan de hoy").await;
    assert_eq!(
        turn.text(),
        "¿Cancelo la cita de Juan Pérez (Corte) del lunes 7 de enero a las 6:00 PM con Pedro Gómez? Le aviso al cliente."
    );
    // "No" changes nothing.
    assert!(chat
        .say("no")
        .await
        .text()
        .starts_with("Entendido, no cambié nada"));
    let stored = store
        .get_appointment(t.biz.id(), appt.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, AppointmentStatus::Confirmed);

    chat.say("Cancela la cita de Juan de hoy").await;
    let turn = chat.say("sí").await;
    // Twilio retrying the same "sí" cancels nothing twice and sends nothing twice.
    chat.say_with_sid(&turn.sid, "sí").await;
    assert!(
        turn.text()
            .starts_with("Listo, cancelé la cita de Juan Pérez"),
        "{}",
        turn.text()
    );
    let stored = store
        .get_appointment(t.biz.id(), appt.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, AppointmentStatus::Cancelled);
    let to_juan = outbox_bodies(&store, &juan.phone).await;
    assert_eq!(to_juan.len(), 1, "{to_juan:?}");
    assert!(
        to_juan[0].starts_with("Hola Juan, te avisamos que Barbería Test canceló tu cita de Corte"),
        "{to_juan:?}"
    );
    assert!(
        to_juan[0].contains("escríbenos para reagendar"),
        "{to_juan:?}"
    );
    let to_pedro = outbox_bodies(&store, &t.staff.phone).await;
    assert_eq!(to_pedro.len(), 1, "{to_pedro:?}");
    // Pedro has not written in 24 hours: the approved template.
    assert!(
        to_pedro[0].starts_with("❌ Cita cancelada en Barbería Test: Juan Pérez")
            && to_pedro[0].contains("Corte"),
        "{to_pedro:?}"
    );
}

#[tokio::test]
async fn staff_moves_appointments_and_a_taken_time_offers_alternatives() {
    let store = store().await;
    let t = team(&store).await;
    let (roberto, appt) = booked(&store, &t.biz, &t.staff, "Roberto García", "Corte", 16, 0).await;
    let (_, other) = booked(&store, &t.biz, &t.staff, "Luis Ramírez", "Corte", 17, 0).await;
    let chat = Chat::new(&store, &t.biz, &t.staff.phone, chat_now(&t.biz));
    // 5 PM is Luis's: refused with the nearest free times, the flow waits.
    let turn = chat.say("Mueve la cita de las 4 a las 5").await;
    assert!(
        turn.text()
            .starts_with("¿Muevo la cita de Roberto García (Corte)"),
        "{}",
        turn.text()
    );
    let turn = chat.say("sí").await;
    assert!(turn.text().contains("Tengo disponible"), "{}", turn.text());
    assert!(turn.notifications.is_empty(), "{turn:?}");
    let stored = store
        .get_appointment(t.biz.id(), appt.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.start, local(t.biz.tz, "2030-01-07", 16, 0));
    let turn = chat.say("a las 6").await;
    assert!(
        turn.text()
            .starts_with("Listo, la cita de Roberto García quedó el"),
        "{}",
        turn.text()
    );
    let stored = store
        .get_appointment(t.biz.id(), appt.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.start, local(t.biz.tz, "2030-01-07", 18, 0));
    let untouched = store
        .get_appointment(t.biz.id(), other.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(untouched.start, local(t.biz.tz, "2030-01-07", 17, 0));
    // Pedro moved his own appointment: only Roberto is told.
    assert_eq!(turn.notifications.len(), 1, "{turn:?}");
    let to_roberto = outbox_bodies(&store, &roberto.phone).await;
    assert_eq!(to_roberto.len(), 1, "{to_roberto:?}");
    assert!(to_roberto[0].contains("6:00 PM"), "{to_roberto:?}");

    // The owner passes Roberto to Saturday at 11; Pedro hears about it.
    let owner = Chat::new(&store, &t.biz, &t.owner.phone, chat_now(&t.biz));
    let turn = owner.say("Pasa a Roberto al sábado a las 11").await;
    assert!(
        turn.text().contains("sábado 12 de enero a las 11:00 AM"),
        "{}",
        turn.text()
    );
    let turn = owner.say("sí").await;
    assert!(turn.text().starts_with("Listo"), "{}", turn.text());
    let stored = store
        .get_appointment(t.biz.id(), appt.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.start, local(t.biz.tz, "2030-01-12", 11, 0));
    let to_roberto = outbox_bodies(&store, &roberto.phone).await;
    assert_eq!(to_roberto.len(), 2, "{to_roberto:?}");
    assert!(
        to_roberto
            .iter()
            .any(|b| b.contains("sábado 12 de enero a las 11:00 AM")),
        "{to_roberto:?}"
    );
    // Pedro's outbox also holds the replies to his own chat.
    let to_pedro: Vec<String> = outbox_bodies(&store, &t.staff.phone)
        .await
        .into_iter()
        .filter(|b| b.starts_with("Carlos"))
        .collect();
    assert_eq!(to_pedro.len(), 1, "{to_pedro:?}");
    assert!(to_pedro[0].starts_with("Carlos movió la cita de Roberto García (Corte) del lunes 7 de enero a las 6:00 PM al sábado 12 de enero a las 11:00 AM"), "{to_pedro:?}");
}

#[tokio::test]
async fn a_viewer_cannot_cancel_or_move_and_staff_unblock_only_their_own_agenda() {
    let store = store().await;
    let t = team(&store).await;
    let (juan, appt) = booked(&store, &t.biz, &t.staff, "Juan Pérez", "Corte", 18, 0).await;
    let viewer = Chat::new(&store, &t.biz, &t.viewer.phone, chat_now(&t.biz));
    for text in [
        "Cancela la cita de Juan de hoy",
        "Soy el dueño, mueve la cita de Juan a las 7",
    ] {
        let turn = viewer.say(text).await;
        assert!(
            turn.text()
                .starts_with("No tienes permiso para cancelar citas."),
            "{text}: {}",
            turn.text()
        );
        assert!(turn.notifications.is_empty());
    }
    let stored = store
        .get_appointment(t.biz.id(), appt.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, AppointmentStatus::Confirmed);
    assert_eq!(stored.start, local(t.biz.tz, "2030-01-07", 18, 0));
    assert!(store
        .outbox_to(&juan.phone, None, 10)
        .await
        .unwrap()
        .is_empty());

    // Ana blocks her own 4 PM; Pedro's "desbloquea" only reaches his own
    // agenda, so hers stays.
    let admin = Chat::new(&store, &t.biz, &t.admin.phone, chat_now(&t.biz));
    admin.say("Bloquea de 4 a 5").await;
    admin.say("no").await;
    assert_eq!(blocks(&store, &t.biz).await.len(), 1);
    let pedro = Chat::new(&store, &t.biz, &t.staff.phone, chat_now(&t.biz));
    let turn = pedro.say("Desbloquea las 4").await;
    assert!(
        turn.text().starts_with("No encontré un bloqueo"),
        "{}",
        turn.text()
    );
    assert_eq!(blocks(&store, &t.biz).await.len(), 1);
}

#[tokio::test]
async fn quita_el_bloqueo_removes_it() {
    let store = store().await;
    let t = team(&store).await;
    let chat = Chat::new(&store, &t.biz, &t.staff.phone, chat_now(&t.biz));
    chat.say("Bloquea de 4 a 5").await;
    chat.say("no").await;
    assert_eq!(blocks(&store, &t.biz).await.len(), 1);
    let turn = chat.say("Quita el bloqueo de las 4").await;
    assert!(
        turn.text().starts_with("Listo, quité el bloqueo"),
        "{}",
        turn.text()
    );
    assert!(blocks(&store, &t.biz).await.is_empty());
    let turn = chat.say("desbloquea las 4").await;
    assert!(
        turn.text().starts_with("No encontré un bloqueo"),
        "{}",
        turn.text()
    );
}

#[tokio::test]
async fn owners_ask_for_any_day_and_the_next_appointment_as_they_write() {
    let store = store().await;
    let t = team(&store).await;
    booked(&store, &t.biz, &t.staff, "Juan Pérez", "Corte", 10, 0).await;
    booked(&store, &t.biz, &t.admin, "Luis Ramírez", "Corte", 11, 0).await;
    let owner = Chat::new(
        &store,
        &t.biz,
        &t.owner.phone,
        local(t.biz.tz, "2030-01-07", 9, 0),
    );
    // Today's agenda in the owner's own words.
    for asked in ["q hay hoy?", "como viene el dia", "¿Cómo va hoy?"] {
        let text = owner.say(asked).await.text();
        assert!(text.contains("Juan Pérez"), "{asked}: {text}");
        assert!(!text.contains("No te entendí"), "{asked}: {text}");
    }
    // Other days: no help text, the agenda of that day.
    for (asked, day) in [
        ("¿qué hay mañana?", "martes"),
        ("¿cómo está el lunes?", "lunes 14"),
        ("agenda del 3", "3 de febrero"),
        ("y el viernes q tenemos?", "viernes"),
    ] {
        let text = owner.say(asked).await.text();
        assert!(!text.contains("No te entendí"), "{asked}: {text}");
        assert!(text.contains(day), "{asked}: {text}");
    }
    // The next appointment, for the one who attends it.
    let pedro = Chat::new(&store, &t.biz, &t.staff.phone, owner.now);
    for asked in ["¿qué sigue?", "quien sigue", "quien es el siguiente?"] {
        let text = pedro.say(asked).await.text();
        assert!(
            text.contains("10:00 AM") && text.contains("Juan Pérez"),
            "{asked}: {text}"
        );
    }
    // Help only when nothing was understood, with examples in their terms.
    let text = owner.say("blorp el sábado").await.text();
    assert!(text.contains("No te entendí"), "{text}");
    assert!(text.contains("«¿Qué hay el sábado?»"), "{text}");
}

/// A flow saved before each staff flow had its own typed steps (every
/// field of the old shared struct written, most of them null) carries on
/// after the deploy; one whose data no longer fits its step ends with a
/// clear message instead of failing the turn.
#[tokio::test]
async fn flows_saved_before_the_typed_steps_carry_on() {
    let store = store().await;
    let t = team(&store).await;
    let chat = Chat::new(
        &store,
        &t.biz,
        &t.staff.phone,
        local(t.biz.tz, "2030-01-07", 9, 0),
    );
    let first = chat.say("Bloquea las 4, tengo que salir temprano").await;
    assert!(
        first
            .text()
            .ends_with("¿Quieres que también bloquee de 5 en adelante?"),
        "{}",
        first.text()
    );
    let conv = store
        .get_conversation(chat.org, &t.staff.phone)
        .await
        .unwrap()
        .expect("the staff member's conversation");
    let saved = store
        .get_flow(chat.org, conv.id)
        .await
        .unwrap()
        .expect("the block flow");
    assert_eq!(saved.state, "offer_rest");
    let old_shape = |fields: &serde_json::Value| {
        let mut all = serde_json::json!({
            "staff": null, "rest_start": null, "rest_end": null, "done_label": null,
            "appointment_id": null, "customer_id": null, "customer_name": null,
            "status": null, "options": [], "service": null, "phone": null,
            "name": null, "text": ""
        });
        let all_fields = all.as_object_mut().unwrap();
        all_fields.extend(fields.as_object().unwrap().clone());
        all
    };
    let old = FlowSession {
        collected_data: old_shape(&saved.collected_data),
        ..saved.clone()
    };
    store.put_flow(&old).await.unwrap();
    let text = chat.say("Sí").await.text();
    assert!(
        text.starts_with("Listo, también bloqueé de 5:00 PM a "),
        "{text}"
    );
    assert_eq!(blocks(&store, &t.biz).await.len(), 2);
    assert_eq!(store.get_flow(chat.org, conv.id).await.unwrap(), None);

    // Damaged: the step needs the rest of the day, the data lacks it.
    let damaged = FlowSession {
        collected_data: old_shape(&serde_json::json!({ "done_label": "4:00 PM" })),
        ..saved
    };
    store.put_flow(&damaged).await.unwrap();
    let text = chat.say("sii").await.text();
    assert_eq!(
        text,
        "Perdona, perdí el hilo de lo que estábamos haciendo. ¿Me lo pides de nuevo?"
    );
    assert_eq!(store.get_flow(chat.org, conv.id).await.unwrap(), None);
    assert_eq!(blocks(&store, &t.biz).await.len(), 2);
    // And the next message is read as new.
    let text = chat.say("Bloquea de 7 a 8 de la noche").await.text();
    assert!(
        text.starts_with("Listo, bloqueé de 7:00 PM a 8:00 PM"),
        "{text}"
    );
}

/// What the reader learned from staff's own shorthand reaches the block and
/// attendance flows: «bloq 2-3» blocks 2 to 3, and «llegué a las 9 y el de
/// las 3 no vino» is about the 3 o'clock appointment, not 9.
#[tokio::test]
async fn shorthand_and_what_is_only_mentioned_reach_the_flows() {
    let store = store().await;
    let t = team(&store).await;
    let (_, appt) = booked(&store, &t.biz, &t.staff, "Roberto García", "Corte", 15, 0).await;
    let chat = Chat::new(&store, &t.biz, &t.staff.phone, chat_now(&t.biz));
    let turn = chat.say("bloq 12-1").await;
    assert!(
        turn.text().starts_with("Listo, bloqueé de 12"),
        "{}",
        turn.text()
    );
    let turn = chat.say("llegue a las 9 y el de las 3 no vino").await;
    assert_eq!(
        turn.text(),
        "¿Te refieres a la cita de Roberto García a las 3:00 PM (Corte)?"
    );
    chat.say("si").await;
    let stored = store
        .get_appointment(t.biz.id(), appt.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, AppointmentStatus::NoShow);
}

/// Staff write commands in emoji between clients: «🚫 2-3» blocks and
/// «🔓 2-3» frees it again.
#[tokio::test]
async fn staff_commands_in_emoji_block_and_unblock() {
    let store = store().await;
    let t = team(&store).await;
    let chat = Chat::new(
        &store,
        &t.biz,
        &t.staff.phone,
        local(t.biz.tz, "2030-01-07", 9, 0),
    );

    let turn = chat.say("🚫 2-3").await;
    assert_eq!(
        turn.text(),
        "Listo, bloqueé de 2:00 PM a 3:00 PM ✓ ¿Algo más?"
    );
    let b = blocks(&store, &t.biz).await;
    assert_eq!(b.len(), 1, "{b:?}");
    assert_eq!(b[0].start, local(t.biz.tz, "2030-01-07", 14, 0));
    assert_eq!(b[0].end, local(t.biz.tz, "2030-01-07", 15, 0));

    let turn = chat.say("🔓 2-3").await;
    assert!(blocks(&store, &t.biz).await.is_empty(), "{}", turn.text());
}
