//! Appointment schedules against moto's Scheduler: booking through the
//! chat tools creates them at the right UTC instants for businesses in
//! Mexico City, Tijuana and Madrid (also right after a DST change),
//! rescheduling moves them, cancelling removes them, a failed call leaves a
//! repair marker that a later repair clears.

#[path = "sched_support.rs"]
mod sched_support;

use chrono::{DateTime, Duration, Utc};
use parlo_app::schedules::{appointment_schedule_name, AppointmentJob, Job, Schedules};
use parlo_chat::tools::*;
use parlo_core::*;
use parlo_local::scheduler::{at_instant, parse_expression, parse_zone, Expression};
use parlo_store::Store;
use parlo_tests::*;
use sched_support::*;
use uuid::Uuid;

/// A schedule as moto holds it, with the instant the local firer (and
/// Scheduler) reads from its `at()` expression and zone.
#[derive(Debug)]
struct Stored {
    instant: DateTime<Utc>,
    timezone: String,
    delete_after: bool,
    target: String,
    job: Job,
}

async fn stored(name: &str) -> Option<Stored> {
    let client = scheduler_client().await;
    let out = match client
        .get_schedule()
        .group_name(group())
        .name(name)
        .send()
        .await
    {
        Ok(out) => out,
        Err(e)
            if e.as_service_error()
                .is_some_and(|e| e.is_resource_not_found_exception()) =>
        {
            return None
        }
        Err(e) => panic!("GetSchedule {name}: {e:?}"),
    };
    let Expression::At(local) = parse_expression(out.schedule_expression().unwrap()) else {
        panic!("not an at() expression: {:?}", out.schedule_expression());
    };
    let tz = parse_zone(out.schedule_expression_timezone()).unwrap();
    let target = out.target().expect("target");
    Some(Stored {
        instant: at_instant(local, tz),
        timezone: out.schedule_expression_timezone().unwrap_or("").to_string(),
        delete_after: matches!(
            out.action_after_completion(),
            Some(aws_sdk_scheduler::types::ActionAfterCompletion::Delete)
        ),
        target: target.arn().to_string(),
        job: serde_json::from_str(target.input().expect("input")).expect("job payload"),
    })
}

async fn tools(store: &Store, now: DateTime<Utc>) -> Tools {
    Tools::new(store.clone(), now, format!("SM{}", Uuid::new_v4().simple()))
        .with_schedules(schedules(store, now).await)
}

fn customer_actor(biz: &Biz, c: &Customer) -> Actor {
    Actor::Customer {
        org: biz.id(),
        customer: c.id,
    }
}

/// Books "Corte" (30 min) at a local wall-clock time through the tools.
async fn book(store: &Store, biz: &Biz, now: DateTime<Utc>, local: &str) -> AppointmentSummary {
    let ana = biz.customer(store, "Ana López").await;
    tools(store, now)
        .await
        .book_appointment(
            &customer_actor(biz, &ana),
            &BookAppointmentArgs {
                service: "Corte".into(),
                start: local.into(),
                staff: None,
            },
        )
        .await
        .expect("booked")
}

/// Checks the four schedules of an appointment against the expected UTC
/// instants (`None`: must not exist).
async fn assert_schedules(
    biz: &Biz,
    appt: &AppointmentSummary,
    expected: [(AppointmentJob, Option<&str>); 4],
) {
    for (kind, want) in expected {
        let name = appointment_schedule_name(biz.id(), appt.appointment_id, kind);
        let got = stored(&name).await;
        match (want, got) {
            (None, None) => {}
            (None, Some(s)) => panic!("{name} should not exist: {s:?}"),
            (Some(_), None) => panic!("{name} missing"),
            (Some(want), Some(s)) => {
                assert_eq!(s.instant, utc(want), "{name} ({})", biz.org.timezone);
                assert!(s.delete_after, "{name}: ActionAfterCompletion DELETE");
                assert!(s.target.ends_with("-reminders"), "{}", s.target);
                assert_eq!(
                    s.job,
                    Job::Appointment {
                        kind,
                        org_id: biz.id(),
                        appointment_id: appt.appointment_id,
                        start: appt.start,
                    }
                );
            }
        }
    }
}

use AppointmentJob::{NoShowCheck, Reminder, ReviewRequest, SecondReminder};

#[tokio::test]
async fn mexico_city_booking_reschedule_and_cancel() {
    let store = store().await;
    let biz = business(&store, "America/Mexico_City").await;
    let now = now(); // Monday 2030-01-07 06:00 in Mexico City
    let appt = book(&store, &biz, now, "2030-01-08T10:00").await;
    assert_eq!(appt.start, utc("2030-01-08T16:00:00Z"));
    assert_schedules(
        &biz,
        &appt,
        [
            (Reminder, Some("2030-01-07T16:00:00Z")),
            (SecondReminder, Some("2030-01-08T14:00:00Z")),
            (ReviewRequest, Some("2030-01-08T17:30:00Z")),
            (NoShowCheck, Some("2030-01-08T16:45:00Z")),
        ],
    )
    .await;
    // Written on the business's wall clock, in its zone.
    let name = appointment_schedule_name(biz.id(), appt.appointment_id, Reminder);
    assert_eq!(stored(&name).await.unwrap().timezone, "America/Mexico_City");

    // Rescheduling moves every schedule (and the payload's start).
    let moved = tools(&store, now)
        .await
        .reschedule_appointment(
            &Actor::Staff {
                org: biz.id(),
                staff: biz.staff[0].id,
            },
            &RescheduleAppointmentArgs {
                appointment_id: appt.appointment_id.to_string(),
                new_start: "2030-01-09T12:30".into(),
                staff: None,
            },
        )
        .await
        .expect("rescheduled");
    assert_eq!(moved.start, utc("2030-01-09T18:30:00Z"));
    assert_schedules(
        &biz,
        &moved,
        [
            (Reminder, Some("2030-01-08T18:30:00Z")),
            (SecondReminder, Some("2030-01-09T16:30:00Z")),
            (ReviewRequest, Some("2030-01-09T20:00:00Z")),
            (NoShowCheck, Some("2030-01-09T19:15:00Z")),
        ],
    )
    .await;

    // Cancelling removes them all.
    let ana = store
        .get_appointment(biz.id(), appt.appointment_id)
        .await
        .unwrap()
        .unwrap()
        .customer_id;
    tools(&store, now)
        .await
        .cancel_appointment(
            &Actor::Customer {
                org: biz.id(),
                customer: ana,
            },
            &CancelAppointmentArgs {
                appointment_id: appt.appointment_id.to_string(),
                reason: None,
            },
        )
        .await
        .expect("cancelled");
    assert_schedules(
        &biz,
        &moved,
        [
            (Reminder, None),
            (SecondReminder, None),
            (ReviewRequest, None),
            (NoShowCheck, None),
        ],
    )
    .await;
}

#[tokio::test]
async fn a_booking_closer_than_the_reminder_gets_only_what_is_still_ahead() {
    let store = store().await;
    let biz = business(&store, "America/Mexico_City").await;
    // 15:00 today local (21:00Z), 9 hours ahead: no 24-hour reminder.
    let appt = book(&store, &biz, now(), "2030-01-07T15:00").await;
    assert_schedules(
        &biz,
        &appt,
        [
            (Reminder, None),
            (SecondReminder, Some("2030-01-07T19:00:00Z")),
            (ReviewRequest, Some("2030-01-07T22:30:00Z")),
            (NoShowCheck, Some("2030-01-07T21:45:00Z")),
        ],
    )
    .await;
}

#[tokio::test]
async fn settings_choose_the_jobs_and_the_reminder_lead() {
    let store = store().await;
    let mut biz = business(&store, "America/Mexico_City").await;
    biz.org.settings.second_reminder_enabled = false;
    biz.org.settings.review_request_enabled = false;
    biz.org.settings.reminder_hours_before = Some(3);
    store.update_organization(&biz.org).await.unwrap();
    let appt = book(&store, &biz, now(), "2030-01-08T10:00").await;
    assert_schedules(
        &biz,
        &appt,
        [
            (Reminder, Some("2030-01-08T13:00:00Z")),
            (SecondReminder, None),
            (ReviewRequest, None),
            (NoShowCheck, Some("2030-01-08T16:45:00Z")),
        ],
    )
    .await;
}

#[tokio::test]
async fn tijuana_right_after_spring_forward() {
    let store = store().await;
    let biz = business(&store, "America/Tijuana").await;
    // Tijuana moves to PDT (UTC-7) on Sunday 2030-03-10 at 02:00. An
    // appointment that Sunday at 10:00 PDT is 17:00Z; its 24-hour reminder
    // is Saturday 09:00 PST (17:00Z), not 10:00 local.
    let appt = book(&store, &biz, now(), "2030-03-10T10:00").await;
    assert_eq!(appt.start, utc("2030-03-10T17:00:00Z"));
    assert_schedules(
        &biz,
        &appt,
        [
            (Reminder, Some("2030-03-09T17:00:00Z")),
            (SecondReminder, Some("2030-03-10T15:00:00Z")),
            (ReviewRequest, Some("2030-03-10T18:30:00Z")),
            (NoShowCheck, Some("2030-03-10T17:45:00Z")),
        ],
    )
    .await;
    let name = appointment_schedule_name(biz.id(), appt.appointment_id, Reminder);
    let s = stored(&name).await.unwrap();
    assert_eq!(s.timezone, "America/Tijuana");
}

#[tokio::test]
async fn madrid_right_after_spring_forward_and_in_the_repeated_hour() {
    let store = store().await;
    let biz = business(&store, "Europe/Madrid").await;
    // Madrid moves to CEST (UTC+2) on Sunday 2030-03-31 at 02:00.
    let appt = book(&store, &biz, now(), "2030-03-31T09:00").await;
    assert_eq!(appt.start, utc("2030-03-31T07:00:00Z"));
    assert_schedules(
        &biz,
        &appt,
        [
            (Reminder, Some("2030-03-30T07:00:00Z")),       // 08:00 CET
            (SecondReminder, Some("2030-03-31T05:00:00Z")), // 07:00 CEST
            (ReviewRequest, Some("2030-03-31T08:30:00Z")),
            (NoShowCheck, Some("2030-03-31T07:45:00Z")),
        ],
    )
    .await;

    // Madrid goes back to CET on Sunday 2030-10-27: 02:00-03:00 happens
    // twice. The 1-hour reminder of a 03:30 CET appointment falls on the
    // second 02:30 (01:30Z); on the wall clock "02:30" would fire at the
    // first one, an hour early, so it is written in UTC.
    let mut early = biz.clone();
    early.org.settings.reminder_hours_before = Some(1);
    store.update_organization(&early.org).await.unwrap();
    let mut late_open = store.list_locations(biz.id()).await.unwrap().remove(0);
    late_open.business_hours.days[6] = vec![TimeRange::hm((0, 0), (23, 0))];
    store.update_location(&late_open).await.unwrap();
    let appt = book(&store, &early, now(), "2030-10-27T03:30").await;
    assert_eq!(appt.start, utc("2030-10-27T02:30:00Z"));
    let name = appointment_schedule_name(biz.id(), appt.appointment_id, Reminder);
    let s = stored(&name).await.unwrap();
    assert_eq!(s.instant, utc("2030-10-27T01:30:00Z"));
    assert_eq!(s.timezone, "UTC");
}

#[tokio::test]
async fn a_failed_schedule_call_leaves_a_marker_that_repair_clears() {
    let store = store().await;
    let biz = business(&store, "America/Mexico_City").await;
    let ana = biz.customer(&store, "Ana").await;
    let appt = store
        .book(&biz.booking(biz.service("Corte"), ana.id, utc("2030-01-09T17:00:00Z")))
        .await
        .unwrap();
    // A group that does not exist: every call fails.
    let broken = Schedules::aws(
        scheduler_client().await,
        format!("missing-{}", Uuid::new_v4().simple()),
        "arn:aws:lambda:us-east-1:123456789012:function:parlo-local-reminders".into(),
        "arn:aws:iam::123456789012:role/parlo-local-scheduler".into(),
        store.clone(),
        parlo_app::clock::Clock::Fixed(now()),
    );
    broken.sync(&biz.org, &appt).await; // never fails the caller
    let markers = store.schedule_repairs(biz.id()).await.unwrap();
    assert_eq!(markers.len(), 1);
    assert_eq!(markers[0].appointment_id, appt.id);
    assert!(
        stored(&appointment_schedule_name(biz.id(), appt.id, Reminder))
            .await
            .is_none()
    );

    let good = schedules(&store, now()).await;
    assert_eq!(good.repair(&biz.org).await.unwrap(), 1);
    assert!(store.schedule_repairs(biz.id()).await.unwrap().is_empty());
    let s = stored(&appointment_schedule_name(biz.id(), appt.id, Reminder))
        .await
        .expect("repaired");
    assert_eq!(s.instant, utc("2030-01-09T17:00:00Z") - Duration::hours(24));
}

#[tokio::test]
async fn sync_is_idempotent_and_ensures_the_daily_summary() {
    let store = store().await;
    let mut biz = business(&store, "America/Tijuana").await;
    biz.org.settings.daily_summary_hour = Some(7);
    store.update_organization(&biz.org).await.unwrap();
    let ana = biz.customer(&store, "Ana").await;
    let appt = store
        .book(&biz.booking(biz.service("Corte"), ana.id, utc("2030-01-09T17:00:00Z")))
        .await
        .unwrap();
    let s = schedules(&store, now()).await;
    for i in 0..3 {
        let started = std::time::Instant::now();
        s.sync(&biz.org, &appt).await;
        eprintln!("sync #{i}: {:?}", started.elapsed());
    }
    assert!(store.schedule_repairs(biz.id()).await.unwrap().is_empty());
    assert!(
        stored(&appointment_schedule_name(biz.id(), appt.id, Reminder))
            .await
            .is_some()
    );
    let client = scheduler_client().await;
    let daily = client
        .get_schedule()
        .group_name(group())
        .name(parlo_app::schedules::daily_schedule_name(biz.id()))
        .send()
        .await
        .expect("daily summary schedule");
    assert_eq!(daily.schedule_expression(), Some("cron(0 7 * * ? *)"));
    assert_eq!(
        daily.schedule_expression_timezone(),
        Some("America/Tijuana")
    );
    let job: Job = serde_json::from_str(daily.target().unwrap().input().unwrap()).unwrap();
    assert!(matches!(job, Job::DailySummary { org_id, .. } if org_id == biz.id()));
}

#[tokio::test]
async fn attendance_and_walk_ins_through_the_staff_tools() {
    let store = store().await;
    let biz = business(&store, "America/Mexico_City").await;
    let owner = Actor::Staff {
        org: biz.id(),
        staff: biz.staff[0].id,
    };
    // Completed: the review request stays, the rest goes.
    let done = book(&store, &biz, now(), "2030-01-08T10:00").await;
    let later = utc("2030-01-08T16:40:00Z");
    tools(&store, later)
        .await
        .mark_appointment_status(
            &owner,
            &MarkStatusArgs {
                appointment_id: done.appointment_id.to_string(),
                status: AttendanceStatus::Completed,
            },
        )
        .await
        .expect("completed");
    assert_schedules(
        &biz,
        &done,
        [
            (Reminder, None),
            (SecondReminder, None),
            (ReviewRequest, Some("2030-01-08T17:30:00Z")),
            (NoShowCheck, None),
        ],
    )
    .await;
    // No-show: nothing is left.
    let missed = book(&store, &biz, now(), "2030-01-08T12:00").await;
    tools(&store, utc("2030-01-08T18:40:00Z"))
        .await
        .mark_appointment_status(
            &owner,
            &MarkStatusArgs {
                appointment_id: missed.appointment_id.to_string(),
                status: AttendanceStatus::NoShow,
            },
        )
        .await
        .expect("no-show");
    assert_schedules(
        &biz,
        &missed,
        [
            (Reminder, None),
            (SecondReminder, None),
            (ReviewRequest, None),
            (NoShowCheck, None),
        ],
    )
    .await;
    // A walk-in starts now (10:00 in Mexico City): only what comes after.
    let walk_in = tools(&store, utc("2030-01-07T16:00:00Z"))
        .await
        .book_walk_in(
            &owner,
            &WalkInArgs {
                service: "Corte".into(),
                customer_phone: Some(random_phone()),
                customer_name: Some("Ana".into()),
                staff: None,
            },
        )
        .await
        .expect("walk-in");
    let end = walk_in.start + Duration::minutes(30);
    let review = (end + Duration::hours(1)).to_rfc3339();
    let check = (end + Duration::minutes(15)).to_rfc3339();
    assert_schedules(
        &biz,
        &walk_in,
        [
            (Reminder, None),
            (SecondReminder, None),
            (ReviewRequest, Some(review.as_str())),
            (NoShowCheck, Some(check.as_str())),
        ],
    )
    .await;
}
