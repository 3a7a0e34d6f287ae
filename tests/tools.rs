//! The conversation tool layer (`parlo_chat::tools`) against DynamoDB Local:
//! ownership, permissions, idempotent retries, alternatives, fuzzy names.

use chrono::{Duration, NaiveDate, Timelike};
use parlo_chat::tools::*;
use parlo_core::permissions::Action;
use parlo_core::*;
use parlo_store::Store;
use parlo_tests::*;
use uuid::Uuid;

fn date(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

fn tools(store: &Store) -> Tools {
    Tools::new(
        store.clone(),
        now(),
        format!("SM{}", Uuid::new_v4().simple()),
    )
}

fn cust(biz: &Biz, c: &Customer) -> Actor {
    Actor::Customer {
        org: biz.id(),
        customer: c.id,
    }
}

fn staff(biz: &Biz, i: usize) -> Actor {
    Actor::Staff {
        org: biz.id(),
        staff: biz.staff[i].id,
    }
}

fn book_args(service: &str, start: &str) -> BookAppointmentArgs {
    BookAppointmentArgs {
        service: service.into(),
        start: start.into(),
        staff: None,
    }
}

fn is_not_found_appt<T: std::fmt::Debug>(r: &Result<T, ToolError>) -> bool {
    matches!(
        r,
        Err(ToolError::NotFound {
            what: "appointment",
            ..
        })
    )
}

async fn set_level(store: &Store, biz: &Biz, i: usize, level: PermissionLevel) {
    let mut s = store
        .get_staff(biz.id(), biz.staff[i].id)
        .await
        .unwrap()
        .unwrap();
    s.permission_level = level;
    store.update_staff(&s).await.expect("update staff");
}

#[tokio::test]
async fn booked_appointment_appears_in_customer_appointments() {
    let store = store().await;
    let biz = create_business(&store, &BizSpec::default()).await;
    let ana = biz.customer(&store, "Ana").await;
    let t = tools(&store);

    let booked = t
        .book_appointment(&cust(&biz, &ana), &book_args("corte", "2030-01-08T11:00"))
        .await
        .expect("book");
    assert_eq!(booked.service, "Corte");
    assert_eq!(booked.start, local(biz.tz, "2030-01-08", 11, 0));
    assert_eq!(booked.date, "martes 8 de enero");
    assert_eq!(booked.time, "11:00 AM");
    assert_eq!(booked.price, "$150");
    assert_eq!(booked.duration_minutes, 30);
    assert_eq!(booked.status, AppointmentStatus::Confirmed);
    assert!(biz.staff.iter().any(|s| s.name == booked.staff));

    let mine = t
        .get_customer_appointments(&cust(&biz, &ana))
        .await
        .expect("list");
    assert_eq!(mine, vec![booked.clone()]);

    // Stored as the summary says, for this customer, from WhatsApp.
    let stored = store
        .get_appointment(biz.id(), booked.appointment_id)
        .await
        .unwrap()
        .expect("stored");
    assert_eq!(stored.customer_id, ana.id);
    assert_eq!(stored.source, AppointmentSource::Whatsapp);
    assert_eq!(stored.service_id, biz.service("Corte").id);

    // Cancelling removes it from the upcoming list; a repeated cancel is
    // harmless (a retried turn).
    let args = CancelAppointmentArgs {
        appointment_id: booked.appointment_id.to_string(),
        reason: Some("no puedo".into()),
    };
    let cancelled = t
        .cancel_appointment(&cust(&biz, &ana), &args)
        .await
        .unwrap();
    assert_eq!(cancelled.status, AppointmentStatus::Cancelled);
    let again = t
        .cancel_appointment(&cust(&biz, &ana), &args)
        .await
        .unwrap();
    assert_eq!(again.status, AppointmentStatus::Cancelled);
    assert!(t
        .get_customer_appointments(&cust(&biz, &ana))
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn customers_only_touch_their_own_appointments() {
    let store = store().await;
    let biz = create_business(&store, &BizSpec::default()).await;
    let other_biz = create_business(&store, &BizSpec::default()).await;
    let ana = biz.customer(&store, "Ana").await;
    let beto = biz.customer(&store, "Beto").await;
    let carla = other_biz.customer(&store, "Carla").await;
    let t = tools(&store);

    let a = t
        .book_appointment(&cust(&biz, &ana), &book_args("Corte", "2030-01-08T11:00"))
        .await
        .unwrap();
    let id = a.appointment_id.to_string();

    // Beto (same business) sees nothing and can neither cancel nor move it.
    assert!(t
        .get_customer_appointments(&cust(&biz, &beto))
        .await
        .unwrap()
        .is_empty());
    let cancel = CancelAppointmentArgs {
        appointment_id: id.clone(),
        reason: None,
    };
    let move_it = RescheduleAppointmentArgs {
        appointment_id: id.clone(),
        new_start: "2030-01-08T15:00".into(),
        staff: None,
    };
    assert!(is_not_found_appt(
        &t.cancel_appointment(&cust(&biz, &beto), &cancel).await
    ));
    assert!(is_not_found_appt(
        &t.reschedule_appointment(&cust(&biz, &beto), &move_it).await
    ));

    // Carla, a customer of another business, the same.
    assert!(is_not_found_appt(
        &t.cancel_appointment(&cust(&other_biz, &carla), &cancel)
            .await
    ));
    assert!(is_not_found_appt(
        &t.reschedule_appointment(&cust(&other_biz, &carla), &move_it)
            .await
    ));
    // Staff of the other business: NotFound too (never Forbidden).
    assert!(is_not_found_appt(
        &t.cancel_appointment(&staff(&other_biz, 0), &cancel).await
    ));
    // A forged actor: Carla's id claimed under Ana's business.
    let forged = Actor::Customer {
        org: biz.id(),
        customer: carla.id,
    };
    assert!(is_not_found_appt(
        &t.cancel_appointment(&forged, &cancel).await
    ));
    // Malformed ids answer the same.
    let junk = CancelAppointmentArgs {
        appointment_id: "no-es-un-id".into(),
        reason: None,
    };
    assert!(is_not_found_appt(
        &t.cancel_appointment(&cust(&biz, &ana), &junk).await
    ));

    // Untouched.
    let stored = store
        .get_appointment(biz.id(), a.appointment_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, AppointmentStatus::Confirmed);
    assert_eq!(stored.start, local(biz.tz, "2030-01-08", 11, 0));

    // Ana herself can move it (and the retry of that move is harmless).
    let moved = t
        .reschedule_appointment(&cust(&biz, &ana), &move_it)
        .await
        .unwrap();
    assert_eq!(moved.start, local(biz.tz, "2030-01-08", 15, 0));
    assert_eq!(moved.time, "3:00 PM");
    let again = t
        .reschedule_appointment(&cust(&biz, &ana), &move_it)
        .await
        .unwrap();
    assert_eq!(again.start, moved.start);
    assert_eq!(again.appointment_id, a.appointment_id);
}

#[tokio::test]
async fn viewer_cannot_book_block_or_mark() {
    let store = store().await;
    let biz = create_business(&store, &BizSpec::default()).await;
    set_level(&store, &biz, 1, PermissionLevel::Viewer).await;
    let ana = biz.customer(&store, "Ana").await;
    let t = tools(&store);
    let a = t
        .book_appointment(&cust(&biz, &ana), &book_args("Corte", "2030-01-08T11:00"))
        .await
        .unwrap();
    let viewer = staff(&biz, 1);

    let walk_in = t
        .book_walk_in(
            &viewer,
            &WalkInArgs {
                service: "Corte".into(),
                customer_phone: None,
                customer_name: Some("Luis".into()),
                staff: None,
            },
        )
        .await;
    assert_eq!(
        walk_in.unwrap_err(),
        ToolError::Forbidden {
            action: Action::CreateBooking
        }
    );
    let block = t
        .block_time(
            &viewer,
            &BlockTimeArgs {
                start: "2030-01-08T14:00".into(),
                end: "2030-01-08T15:00".into(),
                reason: None,
                staff: None,
            },
        )
        .await;
    assert_eq!(
        block.unwrap_err(),
        ToolError::Forbidden {
            action: Action::BlockOwnTime
        }
    );
    let mark = t
        .mark_appointment_status(
            &viewer,
            &MarkStatusArgs {
                appointment_id: a.appointment_id.to_string(),
                status: AttendanceStatus::Completed,
            },
        )
        .await;
    assert_eq!(
        mark.unwrap_err(),
        ToolError::Forbidden {
            action: Action::MarkAttendance
        }
    );
    let cancel = t
        .cancel_appointment(
            &viewer,
            &CancelAppointmentArgs {
                appointment_id: a.appointment_id.to_string(),
                reason: None,
            },
        )
        .await;
    assert_eq!(
        cancel.unwrap_err(),
        ToolError::Forbidden {
            action: Action::CancelAppointment
        }
    );
    // Nothing changed: no block, the appointment still confirmed, one
    // appointment in the business.
    let blocks = store
        .list_blocks(biz.id(), now(), now() + Duration::days(30))
        .await
        .unwrap();
    assert!(blocks.is_empty());
    let all = store.all_appointments(biz.id()).await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].status, AppointmentStatus::Confirmed);

    // A viewer still reads the business schedule.
    let day = t
        .get_business_schedule(
            &viewer,
            &ScheduleArgs {
                date: Some(date("2030-01-08")),
            },
        )
        .await
        .unwrap();
    assert_eq!(day.items.len(), 1);
    assert_eq!(day.items[0].id, a.appointment_id);
    assert_eq!(day.items[0].customer.as_deref(), Some("Ana"));
    let msg = ToolError::Forbidden {
        action: Action::CreateBooking,
    }
    .user_message();
    assert!(
        msg.contains("No tienes permiso para registrar citas"),
        "{msg}"
    );
}

#[tokio::test]
async fn staff_levels_gate_owner_tools() {
    let store = store().await;
    let biz = create_business(
        &store,
        &BizSpec {
            staff: 3,
            ..BizSpec::default()
        },
    )
    .await;
    set_level(&store, &biz, 2, PermissionLevel::Admin).await;
    let t = tools(&store);
    let (owner, employee, admin) = (staff(&biz, 0), staff(&biz, 1), staff(&biz, 2));
    let stats = StatsArgs {
        date_from: date("2030-01-08"),
        date_to: None,
    };
    let add = AddStaffArgs {
        name: "Nueva".into(),
        phone: random_phone(),
        permission_level: None,
    };
    let hours = ChangeHoursArgs {
        weekday: chrono::Weekday::Mon,
        ranges: vec![HoursRange {
            start: "10:00".parse().unwrap(),
            end: "18:00".parse().unwrap(),
        }],
    };

    assert_eq!(
        t.view_stats(&employee, &stats).await.unwrap_err(),
        ToolError::Forbidden {
            action: Action::ViewStats
        }
    );
    assert_eq!(
        t.add_staff(&employee, &add).await.unwrap_err(),
        ToolError::Forbidden {
            action: Action::AddStaff
        }
    );
    for who in [&employee, &admin] {
        assert_eq!(
            t.change_business_hours(who, &hours).await.unwrap_err(),
            ToolError::Forbidden {
                action: Action::ChangeBusinessHours
            }
        );
    }
    // Customers get no staff tools at all.
    let ana = biz.customer(&store, "Ana").await;
    assert_eq!(
        t.view_stats(&cust(&biz, &ana), &stats).await.unwrap_err(),
        ToolError::NotForActor
    );
    let unchanged = store
        .get_location(biz.id(), biz.location.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(unchanged.business_hours, biz.location.business_hours);

    // Admin: stats and adding staff yes.
    assert_eq!(t.view_stats(&admin, &stats).await.unwrap().appointments, 0);
    let added = t.add_staff(&admin, &add).await.unwrap();
    let stored = store
        .get_staff(biz.id(), added.staff_id)
        .await
        .unwrap()
        .expect("added");
    assert_eq!(stored.permission_level, PermissionLevel::Staff);
    // The retried turn adds nobody new.
    let again = t.add_staff(&admin, &add).await.unwrap();
    assert_eq!(again.staff_id, added.staff_id);
    assert_eq!(store.list_staff(biz.id()).await.unwrap().len(), 4);

    // Owner changes the hours.
    let changed = t.change_business_hours(&owner, &hours).await.unwrap();
    assert_eq!(changed.weekday, "lunes");
    assert_eq!(changed.ranges, vec!["10:00 AM - 6:00 PM".to_string()]);
    let loc = store
        .get_location(biz.id(), biz.location.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        loc.business_hours.on(chrono::Weekday::Mon),
        &[TimeRange::hm((10, 0), (18, 0))]
    );
    assert_eq!(
        loc.business_hours.on(chrono::Weekday::Tue),
        &[TimeRange::hm((8, 0), (22, 0))]
    );
}

#[tokio::test]
async fn taken_slot_offers_alternatives_that_are_really_free() {
    let store = store().await;
    let biz = create_business(
        &store,
        &BizSpec {
            staff: 1,
            spots: 1,
            ..BizSpec::default()
        },
    )
    .await;
    let ana = biz.customer(&store, "Ana").await;
    let beto = biz.customer(&store, "Beto").await;
    let t = tools(&store);
    t.book_appointment(&cust(&biz, &ana), &book_args("Corte", "2030-01-08T11:00"))
        .await
        .unwrap();

    let err = t
        .book_appointment(&cust(&biz, &beto), &book_args("Corte", "2030-01-08T11:00"))
        .await
        .unwrap_err();
    let ToolError::SlotTaken { alternatives } = &err else {
        panic!("expected SlotTaken, got {err:?}");
    };
    assert_eq!(alternatives.len(), ALTERNATIVES);
    // Same day, nearest first: 10:30 and 11:30 are 30 minutes away.
    let times: Vec<(u32, u32)> = alternatives
        .iter()
        .map(|s| (s.local.hour(), s.local.minute()))
        .collect();
    assert!(alternatives
        .iter()
        .all(|s| s.local.date() == date("2030-01-08")));
    // Ties (10:15 and 11:45 are both 45 minutes away) go to the earlier.
    assert_eq!(times, vec![(10, 30), (11, 30), (10, 15)]);
    assert_eq!(alternatives[0].label, "mañana a las 10:30 AM");
    assert!(err.user_message().contains("Ese horario ya se ocupó"));
    assert!(err.user_message().contains("10:30 AM"));

    // Every alternative is listed by check_availability…
    let avail = t
        .check_availability(
            &cust(&biz, &beto),
            &CheckAvailabilityArgs {
                service: "Corte".into(),
                date_from: date("2030-01-08"),
                date_to: None,
                staff: None,
                part_of_day: None,
                limit: Some(50),
            },
        )
        .await
        .unwrap();
    for alt in alternatives {
        assert!(avail.slots.iter().any(|s| s.start == alt.start), "{alt:?}");
    }
    assert!(!avail
        .slots
        .iter()
        .any(|s| s.start == local(biz.tz, "2030-01-08", 11, 0)));
    // …and each one is bookable (alternatives are independent options:
    // each is booked and then cancelled before trying the next).
    for (i, alt) in alternatives.iter().enumerate() {
        let c = biz.customer(&store, &format!("Cliente {i}")).await;
        let booked = t
            .book_appointment(
                &cust(&biz, &c),
                &BookAppointmentArgs {
                    service: "Corte".into(),
                    start: alt.start.to_rfc3339(),
                    staff: None,
                },
            )
            .await
            .unwrap_or_else(|e| panic!("alternative {alt:?} not bookable: {e:?}"));
        assert_eq!(booked.start, alt.start);
        assert_eq!(
            assert_no_overlaps(&store.all_appointments(biz.id()).await.unwrap()),
            2
        );
        t.cancel_appointment(
            &cust(&biz, &c),
            &CancelAppointmentArgs {
                appointment_id: booked.appointment_id.to_string(),
                reason: None,
            },
        )
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn retried_turn_books_once() {
    let store = store().await;
    let biz = create_business(&store, &BizSpec::default()).await;
    let ana = biz.customer(&store, "Ana").await;
    let key = format!("SM{}", Uuid::new_v4().simple());
    let args = book_args("Corte", "2030-01-08T11:00");

    let first = Tools::new(store.clone(), now(), key.clone())
        .book_appointment(&cust(&biz, &ana), &args)
        .await
        .unwrap();
    // The same turn retried (later, by another Lambda): same id, no second
    // booking.
    let retry = Tools::new(store.clone(), now() + Duration::minutes(2), key.clone())
        .book_appointment(&cust(&biz, &ana), &args)
        .await
        .unwrap();
    assert_eq!(retry.appointment_id, first.appointment_id);
    assert_eq!(retry.start, first.start);
    let all = store.all_appointments(biz.id()).await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].id, first.appointment_id);

    // A walk-in retried also books once.
    let owner = staff(&biz, 0);
    let at_ten = local(biz.tz, "2030-01-09", 10, 0);
    let walk = WalkInArgs {
        service: "Corte".into(),
        customer_phone: Some(random_phone()),
        customer_name: Some("Luis".into()),
        staff: None,
    };
    let w1 = Tools::new(store.clone(), at_ten, "SM-walk-1")
        .book_walk_in(&owner, &walk)
        .await
        .unwrap();
    let w2 = Tools::new(store.clone(), at_ten, "SM-walk-1")
        .book_walk_in(&owner, &walk)
        .await
        .unwrap();
    assert_eq!(w1.appointment_id, w2.appointment_id);
    assert_eq!(w1.customer.as_deref(), Some("Luis"));
    assert_eq!(store.all_appointments(biz.id()).await.unwrap().len(), 2);
}

#[tokio::test]
async fn fuzzy_service_names_resolve_or_ask() {
    let store = store().await;
    let biz = create_business(
        &store,
        &BizSpec {
            services: vec![
                ("Corte de cabello".into(), 30, 0),
                ("Tinte".into(), 120, 0),
                ("Manicure gel".into(), 45, 0),
                ("Manicure francés".into(), 60, 0),
            ],
            ..BizSpec::default()
        },
    )
    .await;
    let ana = biz.customer(&store, "Ana").await;
    let t = tools(&store);
    let check = |service: &str| CheckAvailabilityArgs {
        service: service.into(),
        date_from: date("2030-01-08"),
        date_to: None,
        staff: None,
        part_of_day: Some(PartOfDay::Afternoon),
        limit: None,
    };

    let a = t
        .check_availability(&cust(&biz, &ana), &check("corte"))
        .await
        .unwrap();
    assert_eq!(a.service, "Corte de cabello");
    assert_eq!(a.duration_minutes, 30);
    assert_eq!(a.slots.len(), DEFAULT_SLOT_LIMIT);
    assert!(a.more);
    assert!(a.slots.iter().all(|s| (12..19).contains(&s.local.hour())));
    assert_eq!(a.slots[0].local.hour(), 12);

    let booked = t
        .book_appointment(&cust(&biz, &ana), &book_args("corte", "2030-01-08T12:00"))
        .await
        .unwrap();
    assert_eq!(booked.service, "Corte de cabello");

    match t
        .check_availability(&cust(&biz, &ana), &check("manicure"))
        .await
    {
        Err(ToolError::Ambiguous { what, mut options }) => {
            assert_eq!(what, "service");
            options.sort();
            assert_eq!(options, vec!["Manicure francés", "Manicure gel"]);
        }
        other => panic!("expected Ambiguous, got {other:?}"),
    }
    match t
        .check_availability(&cust(&biz, &ana), &check("masaje"))
        .await
    {
        Err(ToolError::NotFound { what, options }) => {
            assert_eq!(what, "service");
            assert_eq!(options.len(), 4);
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
    // Staff by (part of) name too.
    let by_staff = t
        .check_availability(
            &cust(&biz, &ana),
            &CheckAvailabilityArgs {
                staff: Some("estilista 01".into()),
                ..check("tinte")
            },
        )
        .await
        .unwrap();
    assert!(by_staff
        .slots
        .iter()
        .all(|s| s.staff == vec![biz.staff[1].name.clone()]));
}

#[tokio::test]
async fn blocked_time_leaves_availability_until_removed() {
    let store = store().await;
    let biz = create_business(
        &store,
        &BizSpec {
            staff: 2,
            spots: 2,
            ..BizSpec::default()
        },
    )
    .await;
    let ana = biz.customer(&store, "Ana").await;
    let t = tools(&store);
    let employee = staff(&biz, 1);
    let avail = |staff_name: Option<String>| CheckAvailabilityArgs {
        service: "Corte".into(),
        date_from: date("2030-01-08"),
        date_to: None,
        staff: staff_name,
        part_of_day: None,
        limit: Some(100),
    };
    let me = biz.staff[1].name.clone();
    let two_pm = local(biz.tz, "2030-01-08", 14, 0);
    let four_pm = local(biz.tz, "2030-01-08", 16, 0);

    let block = t
        .block_time(
            &employee,
            &BlockTimeArgs {
                start: "2030-01-08T14:00".into(),
                end: "2030-01-08T16:00".into(),
                reason: Some("comida".into()),
                staff: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(block.staff, me);
    assert_eq!(block.label, "martes 8 de enero, 2:00 PM - 4:00 PM");
    // The retried turn creates no second block.
    let again = t
        .block_time(
            &employee,
            &BlockTimeArgs {
                start: "2030-01-08T14:00".into(),
                end: "2030-01-08T16:00".into(),
                reason: Some("comida".into()),
                staff: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(again.block_id, block.block_id);
    assert_eq!(
        store
            .list_blocks(biz.id(), now(), now() + Duration::days(5))
            .await
            .unwrap()
            .len(),
        1
    );

    let mine = t
        .check_availability(&cust(&biz, &ana), &avail(Some(me.clone())))
        .await
        .unwrap();
    assert!(!mine.slots.is_empty());
    for s in &mine.slots {
        let end = s.start + Duration::minutes(30);
        assert!(
            end <= two_pm || s.start >= four_pm,
            "{s:?} overlaps the block"
        );
    }
    assert!(mine.slots.iter().any(|s| s.start == four_pm));
    assert!(mine
        .slots
        .iter()
        .any(|s| s.start == two_pm - Duration::minutes(30)));
    // The other stylist still covers 2 PM for the business.
    let any = t
        .check_availability(&cust(&biz, &ana), &avail(None))
        .await
        .unwrap();
    let at_two = any.slots.iter().find(|s| s.start == two_pm).expect("2 PM");
    assert_eq!(at_two.staff, vec![biz.staff[0].name.clone()]);
    // Booking that stylist inside the block is refused with alternatives.
    let err = t
        .book_appointment(
            &cust(&biz, &ana),
            &BookAppointmentArgs {
                service: "Corte".into(),
                start: "2030-01-08T14:30".into(),
                staff: Some(me.clone()),
            },
        )
        .await
        .unwrap_err();
    match &err {
        ToolError::Unavailable { alternatives, .. } | ToolError::SlotTaken { alternatives } => {
            assert!(!alternatives.is_empty());
            assert!(alternatives
                .iter()
                .all(|a| a.start + Duration::minutes(30) <= two_pm || a.start >= four_pm));
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    // It shows in the staff member's schedule.
    let day = t
        .get_my_schedule(
            &employee,
            &ScheduleArgs {
                date: Some(date("2030-01-08")),
            },
        )
        .await
        .unwrap();
    assert_eq!(day.items.len(), 1);
    assert_eq!(day.items[0].kind, ScheduleItemKind::Block);
    assert_eq!(day.items[0].reason.as_deref(), Some("comida"));

    // A Staff-level member cannot block someone else's time; the owner can.
    let other = BlockTimeArgs {
        start: "2030-01-08T09:00".into(),
        end: "2030-01-08T10:00".into(),
        reason: None,
        staff: Some(biz.staff[0].name.clone()),
    };
    assert_eq!(
        t.block_time(&employee, &other).await.unwrap_err(),
        ToolError::Forbidden {
            action: Action::BlockOthersTime
        }
    );
    let by_owner = t
        .block_time(
            &staff(&biz, 0),
            &BlockTimeArgs {
                staff: Some(me.clone()),
                ..other.clone()
            },
        )
        .await
        .unwrap();
    assert_eq!(by_owner.staff, me);

    // Removing the block gives the time back.
    let removed = t
        .remove_block(
            &employee,
            &RemoveBlockArgs {
                block_id: block.block_id.to_string(),
            },
        )
        .await
        .unwrap();
    assert_eq!(removed, block.block_id);
    let mine = t
        .check_availability(&cust(&biz, &ana), &avail(Some(me.clone())))
        .await
        .unwrap();
    assert!(mine.slots.iter().any(|s| s.start == two_pm));

    // A block over an existing appointment is refused.
    let booked = t
        .book_appointment(
            &cust(&biz, &ana),
            &BookAppointmentArgs {
                service: "Corte".into(),
                start: "2030-01-08T17:00".into(),
                staff: Some(me.clone()),
            },
        )
        .await
        .unwrap();
    assert_eq!(booked.staff, me);
    let over = t
        .block_time(
            &employee,
            &BlockTimeArgs {
                start: "2030-01-08T16:30".into(),
                end: "2030-01-08T18:00".into(),
                reason: None,
                staff: None,
            },
        )
        .await;
    assert_eq!(over.unwrap_err(), ToolError::TimeHasAppointments);
}

#[tokio::test]
async fn walk_in_attendance_and_history() {
    let store = store().await;
    let biz = create_business(&store, &BizSpec::default()).await;
    let phone = random_phone();
    let at_ten = local(biz.tz, "2030-01-09", 10, 0);
    let t = Tools::new(store.clone(), at_ten, "SM-walkin-history");
    let employee = staff(&biz, 1);

    let w = t
        .book_walk_in(
            &employee,
            &WalkInArgs {
                service: "corte".into(),
                customer_phone: Some(phone.clone()),
                customer_name: Some("Luis".into()),
                staff: Some("Estilista 01".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(w.start, at_ten);
    assert_eq!(w.staff, biz.staff[1].name);
    let stored = store
        .get_appointment(biz.id(), w.appointment_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.source, AppointmentSource::WalkIn);

    let done = t
        .mark_appointment_status(
            &employee,
            &MarkStatusArgs {
                appointment_id: w.appointment_id.to_string(),
                status: AttendanceStatus::Completed,
            },
        )
        .await
        .unwrap();
    assert_eq!(done.status, AppointmentStatus::Completed);
    // Marking again (a retried turn) is harmless; a different status is not.
    assert!(t
        .mark_appointment_status(
            &employee,
            &MarkStatusArgs {
                appointment_id: w.appointment_id.to_string(),
                status: AttendanceStatus::Completed,
            },
        )
        .await
        .is_ok());
    assert_eq!(
        t.mark_appointment_status(
            &employee,
            &MarkStatusArgs {
                appointment_id: w.appointment_id.to_string(),
                status: AttendanceStatus::NoShow,
            },
        )
        .await
        .unwrap_err(),
        ToolError::InvalidStatus {
            status: AppointmentStatus::Completed
        }
    );

    let later = Tools::new(store.clone(), at_ten + Duration::hours(3), "SM-later");
    for query in [phone.clone(), "luis".to_string()] {
        let h = later
            .get_customer_history(
                &employee,
                &CustomerHistoryArgs {
                    customer: query.clone(),
                },
            )
            .await
            .unwrap_or_else(|e| panic!("{query}: {e:?}"));
        assert_eq!(h.phone, phone);
        assert_eq!(h.name.as_deref(), Some("Luis"));
        assert_eq!(h.completed, 1);
        assert_eq!(h.no_shows, 0);
        assert_eq!(h.recent.len(), 1);
        assert_eq!(h.recent[0].appointment_id, w.appointment_id);
        assert!(h.upcoming.is_empty());
    }
    let stats = later
        .view_stats(
            &staff(&biz, 0),
            &StatsArgs {
                date_from: date("2030-01-09"),
                date_to: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(stats.appointments, 1);
    assert_eq!(stats.completed, 1);
    assert_eq!(stats.revenue, "$150");
}

#[tokio::test]
async fn handoff_pauses_the_conversation_and_notifies_the_owner() {
    let store = store().await;
    let biz = create_business(&store, &BizSpec::default()).await;
    let ana = biz.customer(&store, "Ana").await;
    let conv = Conversation {
        id: Uuid::new_v4(),
        org_id: biz.id(),
        kind: ConversationKind::Customer,
        peer_phone: ana.phone.clone(),
        customer_id: Some(ana.id),
        staff_id: None,
        status: ConversationStatus::Active,
        handed_off_until: None,
        context: serde_json::Value::Null,
        created_at: now(),
        updated_at: now(),
        last_message_at: now(),
    };
    store.create_conversation(&conv).await.unwrap();
    let t = tools(&store);
    let h = t
        .handoff_to_human(
            &cust(&biz, &ana),
            &HandoffArgs {
                reason: "quiere hablar con alguien".into(),
            },
        )
        .await
        .unwrap();
    // Nobody took it yet: it waits 15 minutes of opening time (issue #12);
    // now() is 06:00 in Mexico City and the business opens at 8:00.
    assert_eq!(h.handed_off_until, local(biz.tz, "2030-01-07", 8, 15));
    // The services layer told the owner, once, and nobody else.
    let to_owner = store
        .outbox_to(&biz.staff[0].phone, None, 10)
        .await
        .unwrap();
    assert_eq!(to_owner.len(), 1, "{to_owner:?}");
    assert_eq!(to_owner[0].kind.as_deref(), Some("handoff_notice"));
    let text = to_owner[0].body.clone().unwrap_or_default();
    assert!(text.contains("Ana"), "{text}");
    assert!(text.contains("quiere hablar con alguien"), "{text}");
    assert!(store
        .outbox_to(&biz.staff[1].phone, None, 10)
        .await
        .unwrap()
        .is_empty());
    let stored = store
        .get_conversation(biz.id(), &ana.phone)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, ConversationStatus::HandedOff);
    assert_eq!(stored.handed_off_until, Some(h.handed_off_until));

    // Staff have no handoff tool; customers no staff schedule.
    assert_eq!(
        t.handoff_to_human(&staff(&biz, 1), &HandoffArgs { reason: "x".into() })
            .await
            .unwrap_err(),
        ToolError::NotForActor
    );
    assert_eq!(
        t.get_my_schedule(&cust(&biz, &ana), &ScheduleArgs { date: None })
            .await
            .unwrap_err(),
        ToolError::NotForActor
    );
}

#[test]
fn actor_comes_from_routing_only() {
    let org = Uuid::new_v4();
    let staff_id = Uuid::new_v4();
    let route = parlo_core::routing::Route::BusinessManagement {
        org_id: org,
        staff_id,
    };
    assert_eq!(
        Actor::from_route(&route, None),
        Some(Actor::Staff {
            org,
            staff: staff_id
        })
    );
    let customer = Customer {
        id: Uuid::new_v4(),
        org_id: org,
        phone: "+525512345678".into(),
        name: None,
        name_verified_at: None,
        email: None,
        notes: None,
        created_at: now(),
        updated_at: now(),
    };
    let route = parlo_core::routing::Route::Customer { org_id: org };
    assert_eq!(
        Actor::from_route(&route, Some(&customer)),
        Some(Actor::Customer {
            org,
            customer: customer.id
        })
    );
    // A customer record of another business never becomes the actor.
    let elsewhere = parlo_core::routing::Route::Customer {
        org_id: Uuid::new_v4(),
    };
    assert_eq!(Actor::from_route(&elsewhere, Some(&customer)), None);
    assert_eq!(
        Actor::from_route(&parlo_core::routing::Route::UnknownNumber, None),
        None
    );
}

#[test]
fn args_are_json_shaped() {
    let args: CheckAvailabilityArgs = serde_json::from_value(serde_json::json!({
        "service": "corte",
        "date_from": "2030-01-08",
        "part_of_day": "afternoon"
    }))
    .unwrap();
    assert_eq!(args.date_from, date("2030-01-08"));
    assert_eq!(args.part_of_day, Some(PartOfDay::Afternoon));
    assert_eq!(args.date_to, None);
    let mark: MarkStatusArgs = serde_json::from_value(serde_json::json!({
        "appointment_id": "x", "status": "no_show"
    }))
    .unwrap();
    assert_eq!(mark.status, AttendanceStatus::NoShow);
    let err = serde_json::to_value(ToolError::Forbidden {
        action: Action::ViewStats,
    })
    .unwrap();
    assert_eq!(
        err,
        serde_json::json!({"error": "forbidden", "action": "view_stats"})
    );
}
