//! The reminders handler against DynamoDB Local (mock messenger: the
//! outbox is what was sent): a repeated invocation sends once, a cancelled
//! or moved appointment gets nothing, templates outside the 24-hour
//! window, the review request opens the rating flow, the no-show check
//! asks the staff member, and the daily summary's text.

#[path = "sched_support.rs"]
mod sched_support;

use chrono::{DateTime, Duration, Utc};
use parlo_app::config::Templates;
use parlo_app::reminders::{ReminderError, RATING_AWAITING};
use parlo_app::schedules::{AppointmentJob, Job};
use parlo_app::services::MessageKind;
use parlo_core::*;
use parlo_store::{JobStatus, RescheduleRequest, StaffChoice, Store};
use parlo_tests::*;
use sched_support::*;
use uuid::Uuid;

fn payload(biz: &Biz, appt: &Appointment, kind: AppointmentJob) -> serde_json::Value {
    serde_json::to_value(Job::Appointment {
        kind,
        org_id: biz.id(),
        appointment_id: appt.id,
        start: appt.start,
    })
    .unwrap()
}

async fn booked(store: &Store, biz: &Biz, name: &str, start: &str) -> (Customer, Appointment) {
    let c = biz.customer(store, name).await;
    let a = store
        .book(&biz.booking(biz.service("Corte"), c.id, utc(start)))
        .await
        .expect("booked");
    (c, a)
}

#[tokio::test]
async fn a_reminder_invoked_twice_sends_once() {
    let store = store().await;
    let biz = business(&store, "America/Mexico_City").await;
    let (ana, appt) = booked(&store, &biz, "Ana López", "2030-01-08T16:00:00Z").await;
    let at = utc("2030-01-07T16:00:00Z");
    let r = reminders(&store, at, Templates::local());
    let first = r
        .handle(payload(&biz, &appt, AppointmentJob::Reminder))
        .await
        .unwrap();
    assert_eq!((first.status, first.sent), ("sent", 1));
    let second = r
        .handle(payload(&biz, &appt, AppointmentJob::Reminder))
        .await
        .unwrap();
    assert_eq!((second.status, second.sent), ("already_done", 0));
    let sent = outbox(&store, &ana.phone).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    let staff = &biz
        .staff
        .iter()
        .find(|s| s.id == appt.staff_id)
        .unwrap()
        .name;
    assert_eq!(
        sent[0].body.as_deref(),
        Some(
            format!(
                "¡Hola, Ana López! Te recuerdo tu cita de Corte mañana martes a las 10:00 AM con {staff} en Barbería Test. Si necesitas cambiarla o cancelarla, respóndeme por aquí."
            )
            .as_str()
        )
    );
    assert_eq!(sent[0].from, biz.org.whatsapp_number.clone().unwrap());
    let after = store
        .get_appointment(biz.id(), appt.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.reminder_sent_at, Some(at));

    // Concurrent duplicates (two Scheduler deliveries at once) send once too.
    let (beto, appt2) = booked(&store, &biz, "Beto", "2030-01-08T18:00:00Z").await;
    let (a, b) = tokio::join!(
        r.handle(payload(&biz, &appt2, AppointmentJob::Reminder)),
        r.handle(payload(&biz, &appt2, AppointmentJob::Reminder)),
    );
    // One sends; the other is told the job is in flight (Scheduler retries
    // it later and then finds it done) or finds it already done.
    let sent: usize = [a, b]
        .into_iter()
        .map(|r| match r {
            Ok(o) => o.sent,
            Err(ReminderError::InFlight(_)) => 0,
            Err(e) => panic!("{e}"),
        })
        .sum();
    assert_eq!(sent, 1);
    assert_eq!(outbox(&store, &beto.phone).await.len(), 1);
}

#[tokio::test]
async fn cancelled_or_moved_appointments_get_nothing() {
    let store = store().await;
    let biz = business(&store, "America/Mexico_City").await;
    let r = reminders(&store, utc("2030-01-07T16:00:00Z"), Templates::local());

    let (ana, appt) = booked(&store, &biz, "Ana", "2030-01-08T16:00:00Z").await;
    store
        .cancel(biz.id(), appt.id, None, now())
        .await
        .expect("cancel");
    for kind in AppointmentJob::ALL {
        let out = r.handle(payload(&biz, &appt, kind)).await.unwrap();
        assert_eq!((out.status, out.sent), ("skipped", 0), "{kind:?}");
    }
    assert!(outbox(&store, &ana.phone).await.is_empty());

    let (beto, appt) = booked(&store, &biz, "Beto", "2030-01-08T17:00:00Z").await;
    let old = payload(&biz, &appt, AppointmentJob::Reminder);
    let moved = store
        .reschedule(&RescheduleRequest {
            service: None,
            org_id: biz.id(),
            appointment_id: appt.id,
            new_start: utc("2030-01-09T17:00:00Z"),
            staff: StaffChoice::Keep,
            spot_pref: appt.spot_id,
            now: now(),
        })
        .await
        .expect("reschedule");
    let out = r.handle(old).await.unwrap();
    assert_eq!(out.detail.as_deref(), Some("appointment moved"));
    assert!(outbox(&store, &beto.phone).await.is_empty());
    // The schedule made for the new time does send.
    let out = r
        .handle(payload(&biz, &moved, AppointmentJob::Reminder))
        .await
        .unwrap();
    assert_eq!(out.sent, 1);
    assert_eq!(outbox(&store, &beto.phone).await.len(), 1);

    // Malformed payloads are an error, not a silent success.
    assert!(r.handle(serde_json::json!({"job": "nope"})).await.is_err());
    // Another business's id never reaches this appointment.
    let other = business(&store, "America/Mexico_City").await;
    let forged = serde_json::to_value(Job::Appointment {
        kind: AppointmentJob::Reminder,
        org_id: other.id(),
        appointment_id: moved.id,
        start: moved.start,
    })
    .unwrap();
    assert_eq!(r.handle(forged).await.unwrap().status, "skipped");
}

#[tokio::test]
async fn outside_the_window_a_template_goes_inside_it_text() {
    let store = store().await;
    let biz = business(&store, "America/Mexico_City").await;
    let at = utc("2030-01-07T16:00:00Z");
    let templates = Templates::default().with(MessageKind::AppointmentReminder, "HXreminder");
    let r = reminders(&store, at, templates);

    // No conversation yet: outside the window → the approved template.
    let (ana, appt) = booked(&store, &biz, "Ana", "2030-01-08T16:00:00Z").await;
    r.handle(payload(&biz, &appt, AppointmentJob::Reminder))
        .await
        .unwrap();
    let sent = outbox(&store, &ana.phone).await;
    assert_eq!(sent[0].content_sid.as_deref(), Some("HXreminder"));
    let vars: serde_json::Value =
        serde_json::from_str(sent[0].content_variables.as_deref().unwrap()).unwrap();
    assert_eq!(vars["1"], "Ana");
    assert_eq!(vars["3"], "mañana martes a las 10:00 AM");
    // Mock mode records the rendered text with it.
    assert!(sent[0].body.as_deref().unwrap().contains("Te recuerdo"));

    // The customer wrote an hour ago: free text.
    let (beto, appt) = booked(&store, &biz, "Beto", "2030-01-08T17:00:00Z").await;
    store
        .create_conversation(&Conversation {
            id: Uuid::new_v4(),
            org_id: biz.id(),
            kind: ConversationKind::Customer,
            peer_phone: beto.phone.clone(),
            customer_id: Some(beto.id),
            staff_id: None,
            status: ConversationStatus::Active,
            handed_off_until: None,
            context: serde_json::Value::Null,
            created_at: at,
            updated_at: at,
            last_message_at: at - Duration::hours(1),
        })
        .await
        .unwrap();
    r.handle(payload(&biz, &appt, AppointmentJob::Reminder))
        .await
        .unwrap();
    let sent = outbox(&store, &beto.phone).await;
    assert_eq!(sent[0].content_sid, None);
    assert!(sent[0].body.is_some());
}

#[tokio::test]
async fn the_review_request_opens_the_rating_flow() {
    let store = store().await;
    let biz = business(&store, "America/Mexico_City").await;
    let (ana, appt) = booked(&store, &biz, "Ana", "2030-01-08T16:00:00Z").await;
    store.complete(biz.id(), appt.id, now()).await.unwrap();
    let at = utc("2030-01-08T17:30:00Z");
    let r = reminders(&store, at, Templates::local());
    let out = r
        .handle(payload(&biz, &appt, AppointmentJob::ReviewRequest))
        .await
        .unwrap();
    assert_eq!(out.sent, 1);
    let sent = outbox(&store, &ana.phone).await;
    assert!(
        sent[0].body.as_deref().unwrap().contains("del 1 al 5"),
        "{sent:?}"
    );
    let conv = store
        .get_conversation(biz.id(), &ana.phone)
        .await
        .unwrap()
        .expect("conversation created");
    assert_eq!(conv.customer_id, Some(ana.id));
    let flow = store
        .get_flow(biz.id(), conv.id)
        .await
        .unwrap()
        .expect("rating flow");
    assert_eq!(flow.flow_type, FlowType::Rating);
    assert_eq!(flow.state, RATING_AWAITING);
    assert_eq!(flow.collected_data["appointment_id"], appt.id.to_string());
    // The message is in the conversation's history for the agent.
    let history = store.recent_messages(biz.id(), conv.id, 5).await.unwrap();
    assert_eq!(history.len(), 1);

    // Switched off after the schedule was made: nothing.
    let mut off = biz.clone();
    off.org.settings.review_request_enabled = false;
    store.update_organization(&off.org).await.unwrap();
    let (beto, appt) = booked(&store, &biz, "Beto", "2030-01-08T18:00:00Z").await;
    let out = r
        .handle(payload(&biz, &appt, AppointmentJob::ReviewRequest))
        .await
        .unwrap();
    assert_eq!(out.status, "skipped");
    assert!(outbox(&store, &beto.phone).await.is_empty());
}

#[tokio::test]
async fn the_no_show_check_asks_the_assigned_staff_member() {
    let store = store().await;
    let biz = business(&store, "America/Mexico_City").await;
    let (_, appt) = booked(&store, &biz, "Roberto García", "2030-01-08T21:00:00Z").await;
    let staff = biz
        .staff
        .iter()
        .find(|s| s.id == appt.staff_id)
        .unwrap()
        .clone();
    let r = reminders(&store, utc("2030-01-08T21:45:00Z"), Templates::local());
    let out = r
        .handle(payload(&biz, &appt, AppointmentJob::NoShowCheck))
        .await
        .unwrap();
    assert_eq!(out.sent, 1);
    let sent = outbox(&store, &staff.phone).await;
    assert_eq!(
        sent[0].body.as_deref(),
        Some("¿Llegó Roberto García a su cita de Corte de las 3:00 PM? Si no vino, respóndeme «Roberto García no llegó» y la marco como no asistida.")
    );
    // Already marked: the check does not ask.
    let (_, appt) = booked(&store, &biz, "Luis", "2030-01-08T22:00:00Z").await;
    store.no_show(biz.id(), appt.id, now()).await.unwrap();
    let out = r
        .handle(payload(&biz, &appt, AppointmentJob::NoShowCheck))
        .await
        .unwrap();
    assert_eq!(out.status, "skipped");
}

fn local_mx(h: u32, m: u32) -> DateTime<Utc> {
    local(chrono_tz::America::Mexico_City, "2030-01-11", h, m)
}

#[tokio::test]
async fn the_daily_summary_of_a_busy_day() {
    let store = store().await;
    let mut biz = create_business(
        &store,
        &BizSpec {
            name: "Barbería Don Carlos".into(),
            services: vec![
                ("Corte".into(), 30, 0),
                ("Corte y barba".into(), 60, 0),
                ("Barba".into(), 30, 0),
            ],
            staff: 2,
            spots: 2,
            ..BizSpec::default()
        },
    )
    .await;
    // Owner Carlos; Pedro opted in to his own summary.
    let mut carlos = biz.staff[0].clone();
    carlos.name = "Carlos Mendoza".into();
    store.update_staff(&carlos).await.unwrap();
    let mut pedro = biz.staff[1].clone();
    pedro.name = "Pedro".into();
    store.update_staff(&pedro).await.unwrap();
    biz.org.settings.daily_summary_staff = vec![pedro.id];
    store.update_organization(&biz.org).await.unwrap();

    let book = |name: &'static str, service: &'static str, start: DateTime<Utc>, staff: StaffId| {
        let store = store.clone();
        let biz = biz.clone();
        async move {
            let c = biz.customer(&store, name).await;
            let mut req = biz.booking(biz.service(service), c.id, start);
            req.staff_pref = Some(staff);
            store.book(&req).await.expect("booked")
        }
    };
    book("Juan Pérez", "Corte", local_mx(10, 0), pedro.id).await;
    book("Miguel Sánchez", "Corte y barba", local_mx(11, 0), pedro.id).await;
    book("Luis Ramírez", "Corte", local_mx(12, 30), pedro.id).await;
    book("Carlos Mendoza", "Barba", local_mx(15, 0), pedro.id).await;
    book("Roberto García", "Corte", local_mx(17, 0), pedro.id).await;
    book("Ana Torres", "Corte", local_mx(11, 0), carlos.id).await;
    let cancelled = book("Nadie", "Corte", local_mx(18, 0), carlos.id).await;
    store
        .cancel(biz.id(), cancelled.id, None, now())
        .await
        .unwrap();
    store
        .create_block(&TimeBlock {
            id: Uuid::new_v4(),
            org_id: biz.id(),
            staff_id: Some(pedro.id),
            start: local_mx(14, 0),
            end: local_mx(15, 0),
            reason: Some("comida".into()),
            created_by: Some(pedro.id),
            created_at: now(),
        })
        .await
        .unwrap();

    // Fired by the 08:00 cron in Mexico City (14:00Z) on Friday the 11th.
    let fired = local_mx(8, 0);
    // Both wrote to the business last night: inside the 24-hour window
    // the whole agenda goes as text (outside it, the one-line template).
    for member in [&carlos, &pedro] {
        store
            .create_conversation(&Conversation {
                id: Uuid::new_v4(),
                org_id: biz.id(),
                kind: ConversationKind::Staff,
                peer_phone: member.phone.clone(),
                customer_id: None,
                staff_id: Some(member.id),
                status: ConversationStatus::Active,
                handed_off_until: None,
                context: serde_json::Value::Null,
                created_at: fired - Duration::hours(10),
                updated_at: fired - Duration::hours(10),
                last_message_at: fired - Duration::hours(10),
            })
            .await
            .unwrap();
    }
    let r = reminders(&store, fired, Templates::local());
    let job = serde_json::to_value(Job::DailySummary {
        org_id: biz.id(),
        scheduled_time: Some(fired.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
    })
    .unwrap();
    let out = r.handle(job.clone()).await.unwrap();
    assert_eq!((out.status, out.sent), ("sent", 2));
    assert_eq!(r.handle(job).await.unwrap().status, "already_done");
    assert_eq!(
        store
            .get_job(biz.id(), "daily:2030-01-11")
            .await
            .unwrap()
            .unwrap()
            .status,
        JobStatus::Sent
    );

    let pedro_text = outbox(&store, &pedro.phone).await.remove(0).body.unwrap();
    assert_eq!(
        pedro_text,
        "Hola Pedro, aquí está tu agenda para hoy viernes:\n\n\
         ⏰ 10:00 AM - Corte - Juan Pérez\n\
         ⏰ 11:00 AM - Corte y barba - Miguel Sánchez\n\
         ⏰ 12:30 PM - Corte - Luis Ramírez\n\
         🍽️ 2:00 PM - 3:00 PM - Bloqueado (comida)\n\
         ⏰ 3:00 PM - Barba - Carlos Mendoza\n\
         ⏰ 5:00 PM - Corte - Roberto García\n\n\
         Tienes 5 citas."
    );
    let owner_text = outbox(&store, &carlos.phone).await.remove(0).body.unwrap();
    assert_eq!(
        owner_text,
        "Hola Carlos, aquí está la agenda del negocio para hoy viernes:\n\n\
         ⏰ 10:00 AM - Corte - Juan Pérez (con Pedro)\n\
         ⏰ 11:00 AM - Corte y barba - Miguel Sánchez (con Pedro)\n\
         ⏰ 11:00 AM - Corte - Ana Torres (con Carlos Mendoza)\n\
         ⏰ 12:30 PM - Corte - Luis Ramírez (con Pedro)\n\
         🍽️ 2:00 PM - 3:00 PM - Bloqueado Pedro (comida)\n\
         ⏰ 3:00 PM - Barba - Carlos Mendoza (con Pedro)\n\
         ⏰ 5:00 PM - Corte - Roberto García (con Pedro)\n\n\
         Hay 6 citas."
    );
}

/// With the dev stack running (`infra/scripts/dev.sh --background`,
/// PARLO_E2E=1): moving the local clock makes the gateway's Scheduler firer
/// invoke the real reminders function, which sends the reminder.
#[tokio::test]
async fn the_local_stack_fires_a_due_reminder() {
    if std::env::var("PARLO_E2E").as_deref() != Ok("1") {
        eprintln!("skipped: PARLO_E2E=1 and the dev stack are needed");
        return;
    }
    let store = store().await;
    let biz = business(&store, "America/Mexico_City").await;
    let (ana, appt) = booked(&store, &biz, "Ana", "2030-01-08T16:00:00Z").await;
    schedules(&store, now()).await.sync(&biz.org, &appt).await;
    assert!(store.schedule_repairs(biz.id()).await.unwrap().is_empty());

    let clock = parlo_local::clock::clock_file();
    let before = std::fs::read_to_string(&clock).ok();
    parlo_local::clock::set(&clock, utc("2030-01-07T16:00:05Z")).unwrap();
    let mut sent = Vec::new();
    for _ in 0..120 {
        sent = outbox(&store, &ana.phone).await;
        if !sent.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    match before {
        Some(t) => std::fs::write(&clock, t).unwrap(),
        None => parlo_local::clock::reset(&clock).unwrap(),
    }
    assert_eq!(sent.len(), 1, "the firer did not deliver the reminder");
    assert!(sent[0]
        .body
        .as_deref()
        .unwrap()
        .contains("Te recuerdo tu cita de Corte"));
    // One-time schedules delete themselves after firing.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let gone = scheduler_client()
        .await
        .get_schedule()
        .group_name(group())
        .name(parlo_app::schedules::appointment_schedule_name(
            biz.id(),
            appt.id,
            AppointmentJob::Reminder,
        ))
        .send()
        .await
        .is_err();
    assert!(gone, "the fired reminder schedule should be deleted");
}
