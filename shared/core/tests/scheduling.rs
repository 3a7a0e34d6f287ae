//! The scheduling engine, rule by rule, across DST changes, plus
//! properties that tie `free_slots` to `assignment_at`.

mod support;

use chrono::{Duration, NaiveDate, NaiveTime};
use chrono_tz::Tz;
use parlo_core::scheduling::*;
use parlo_core::time::{local_to_utc, utc_to_local};
use parlo_core::*;
use support::*;

const MON: NaiveDate = d(2027, 3, 1);
const TUE: NaiveDate = d(2027, 3, 2);
const SUN: NaiveDate = d(2027, 3, 7);

fn times(slots: &[Slot]) -> Vec<NaiveTime> {
    slots.iter().map(|s| s.local_start.time()).collect()
}

fn hm_list(list: &[(u32, u32)]) -> Vec<NaiveTime> {
    list.iter().map(|&(h, m)| t(h, m)).collect()
}

/// Every `step` minutes from `from` while `< to`.
fn grid(from: (u32, u32), to: (u32, u32), step: i64) -> Vec<NaiveTime> {
    let mut v = Vec::new();
    let mut x = t(from.0, from.1);
    while x < t(to.0, to.1) {
        v.push(x);
        x += Duration::minutes(step);
    }
    v
}

fn concat(parts: &[Vec<NaiveTime>]) -> Vec<NaiveTime> {
    parts.concat()
}

// ---------------------------------------------------------------- hours

#[test]
fn hours_follow_the_weekday() {
    let mut b = Biz::new(MEXICO);
    b.hours(0, &[((10, 0), (14, 0))]);
    b.hours(1, &[((12, 0), (16, 0))]);
    let cut = b.service("Corte", 30);
    b.staff("Ana", &[cut]);
    let slots = b.slots(cut, MON, TUE).unwrap();
    let mon: Vec<_> = slots
        .iter()
        .filter(|s| s.local_start.date() == MON)
        .collect();
    let tue: Vec<_> = slots
        .iter()
        .filter(|s| s.local_start.date() == TUE)
        .collect();
    assert_eq!(
        mon.iter().map(|s| s.local_start.time()).collect::<Vec<_>>(),
        grid((10, 0), (13, 45), 15)
    );
    assert_eq!(
        tue.iter().map(|s| s.local_start.time()).collect::<Vec<_>>(),
        grid((12, 0), (15, 45), 15)
    );
    // Instants are the business's wall clock (UTC-6).
    assert_eq!(mon[0].start, utc("2027-03-01T16:00:00Z"));
    assert_eq!(mon[0].end, utc("2027-03-01T16:30:00Z"));
}

#[test]
fn closed_on_sunday() {
    let mut b = Biz::new(MEXICO);
    let cut = b.service("Corte", 30);
    let ana = b.staff("Ana", &[cut]);
    assert!(b.slots(cut, SUN, SUN).unwrap().is_empty());
    assert_eq!(
        b.assign(cut, b.at(SUN, 11, 0), Some(ana)),
        Err(Unavailable::Closed)
    );
}

#[test]
fn split_shift_leaves_the_lunch_gap() {
    let mut b = Biz::new(MEXICO);
    b.hours(0, &[((10, 0), (14, 0)), ((16, 0), (20, 0))]);
    let cut = b.service("Corte", 45);
    b.staff("Ana", &[cut]);
    let slots = b.slots(cut, MON, MON).unwrap();
    assert_eq!(
        times(&slots),
        concat(&[grid((10, 0), (13, 30), 15), grid((16, 0), (19, 30), 15)])
    );
    // The grid restarts at the second opening.
    let mut b2 = Biz::new(MEXICO);
    b2.hours(0, &[((10, 0), (14, 0)), ((16, 10), (18, 0))]);
    let cut = b2.service("Corte", 30);
    b2.staff("Ana", &[cut]);
    let slots = b2.slots(cut, MON, MON).unwrap();
    assert!(times(&slots).contains(&t(16, 10)));
    assert!(times(&slots).contains(&t(17, 25)));
    assert!(!times(&slots).contains(&t(16, 15)));
}

#[test]
fn overlapping_hour_ranges_are_merged() {
    let mut b = Biz::new(MEXICO);
    b.hours(0, &[((12, 0), (16, 0)), ((10, 0), (13, 0))]);
    let cut = b.service("Corte", 30);
    b.staff("Ana", &[cut]);
    let slots = b.slots(cut, MON, MON).unwrap();
    assert_eq!(times(&slots), grid((10, 0), (15, 45), 15));
}

#[test]
fn whole_business_closure_blocks_everything() {
    let mut b = Biz::new(MEXICO);
    let cut = b.service("Corte", 30);
    let ana = b.staff("Ana", &[cut]);
    b.staff("Beto", &[cut]);
    // Holiday all Monday, and Tuesday closed 12:00–13:00.
    b.block(None, b.at(MON, 0, 0), b.at(TUE, 0, 0));
    b.block(None, b.at(TUE, 12, 0), b.at(TUE, 13, 0));
    let slots = b.slots(cut, MON, TUE).unwrap();
    assert!(slots.iter().all(|s| s.local_start.date() == TUE));
    let tue = times(&slots);
    assert!(tue.contains(&t(11, 30)));
    assert!(!tue.contains(&t(11, 45)));
    assert!(!tue.contains(&t(12, 30)));
    assert!(tue.contains(&t(13, 0)));
    assert_eq!(
        b.assign(cut, b.at(MON, 11, 0), Some(ana)),
        Err(Unavailable::Closed)
    );
    assert_eq!(
        b.assign(cut, b.at(MON, 11, 0), None),
        Err(Unavailable::Closed)
    );
}

// ---------------------------------------------------------- availability

#[test]
fn recurring_availability_replaces_business_hours() {
    let mut b = Biz::new(MEXICO);
    let cut = b.service("Corte", 60);
    let ana = b.staff("Ana", &[cut]);
    let beto = b.staff("Beto", &[cut]);
    // Ana works Monday 15:00–18:00 and Tuesday mornings; Beto has no rows.
    b.recurring(ana, 0, (15, 0), (18, 0));
    b.recurring(ana, 1, (8, 0), (12, 0));
    let slots = b.slots(cut, MON, TUE).unwrap();
    for s in &slots {
        let tm = s.local_start.time();
        let expect_ana = if s.local_start.date() == MON {
            tm >= t(15, 0) && tm <= t(17, 0)
        } else {
            // Clipped to opening at 10:00.
            tm >= t(10, 0) && tm <= t(11, 0)
        };
        assert_eq!(s.staff_ids.contains(&ana), expect_ana, "{s:?}");
        assert!(s.staff_ids.contains(&beto));
    }
    // Ana has no Wednesday row: not working then.
    let wed = d(2027, 3, 3);
    assert!(b.query(cut, wed, wed, Some(ana)).unwrap().is_empty());
    assert_eq!(
        b.assign(cut, b.at(wed, 11, 0), Some(ana)),
        Err(Unavailable::Closed)
    );
}

#[test]
fn exception_day_off() {
    let mut b = Biz::new(MEXICO);
    let cut = b.service("Corte", 30);
    let ana = b.staff("Ana", &[cut]);
    b.exception(ana, MON, None, false);
    assert!(b.query(cut, MON, MON, Some(ana)).unwrap().is_empty());
    assert!(!b.query(cut, TUE, TUE, Some(ana)).unwrap().is_empty());
}

#[test]
fn exception_partial_time_off() {
    let mut b = Biz::new(MEXICO);
    let cut = b.service("Corte", 30);
    let ana = b.staff("Ana", &[cut]);
    b.exception(ana, MON, Some(((12, 0), (15, 0))), false);
    let slots = b.query(cut, MON, MON, Some(ana)).unwrap();
    assert_eq!(
        times(&slots),
        concat(&[grid((10, 0), (11, 45), 15), grid((15, 0), (19, 45), 15)])
    );
}

#[test]
fn exception_extra_shift_within_business_hours() {
    let mut b = Biz::new(MEXICO);
    let cut = b.service("Corte", 30);
    let ana = b.staff("Ana", &[cut]);
    // Ana normally only works Tuesdays.
    b.recurring(ana, 1, (10, 0), (20, 0));
    assert!(b.query(cut, MON, MON, Some(ana)).unwrap().is_empty());
    // This Monday she covers 08:00–12:00: only 10:00–12:00 is open.
    b.exception(ana, MON, Some(((8, 0), (12, 0))), true);
    let slots = b.query(cut, MON, MON, Some(ana)).unwrap();
    assert_eq!(times(&slots), grid((10, 0), (11, 45), 15));
    // An available exception without a range means the business day.
    let wed = d(2027, 3, 3);
    b.exception(ana, wed, None, true);
    let slots = b.query(cut, wed, wed, Some(ana)).unwrap();
    assert_eq!(times(&slots), grid((10, 0), (19, 45), 15));
    // An extra shift never opens the shop on a closed day.
    b.exception(ana, SUN, Some(((10, 0), (14, 0))), true);
    assert!(b.query(cut, SUN, SUN, Some(ana)).unwrap().is_empty());
}

#[test]
fn staff_block_for_lunch() {
    let mut b = Biz::new(MEXICO);
    let cut = b.service("Corte", 30);
    let ana = b.staff("Ana", &[cut]);
    let beto = b.staff("Beto", &[cut]);
    b.block(Some(ana), b.at(MON, 14, 0), b.at(MON, 15, 0));
    let slots = b.slots(cut, MON, MON).unwrap();
    for s in &slots {
        let tm = s.local_start.time();
        let lunch = tm > t(13, 30) && tm < t(15, 0);
        assert_eq!(s.staff_ids.contains(&ana), !lunch, "{tm}");
        assert!(s.staff_ids.contains(&beto));
    }
    assert_eq!(
        b.assign(cut, b.at(MON, 14, 15), Some(ana)),
        Err(Unavailable::Closed)
    );
    assert_eq!(
        b.assign(cut, b.at(MON, 14, 15), None).unwrap().staff_id,
        beto
    );
}

// ------------------------------------------------------- who can do what

#[test]
fn staff_who_does_not_perform_the_service() {
    let mut b = Biz::new(MEXICO);
    let cut = b.service("Corte", 30);
    let colour = b.service("Tinte", 120);
    let ana = b.staff("Ana", &[cut]);
    let beto = b.staff("Beto", &[cut, colour]);
    let slots = b.slots(colour, MON, MON).unwrap();
    assert!(!slots.is_empty());
    assert!(slots.iter().all(|s| s.staff_ids == vec![beto]));
    assert_eq!(
        b.query(colour, MON, MON, Some(ana)),
        Err(Unavailable::StaffCannotPerform)
    );
    assert_eq!(
        b.assign(colour, b.at(MON, 11, 0), Some(ana)),
        Err(Unavailable::StaffCannotPerform)
    );
    // Unknown staff is the same answer.
    assert_eq!(
        b.query(colour, MON, MON, Some(id(999_999))),
        Err(Unavailable::StaffCannotPerform)
    );
}

#[test]
fn inactive_or_unbookable_staff_are_never_offered() {
    let mut b = Biz::new(MEXICO);
    let cut = b.service("Corte", 30);
    let ana = b.staff("Ana", &[cut]);
    let owner = b.staff("Dueño", &[cut]);
    let gone = b.staff("Exempleado", &[cut]);
    b.edit_staff(owner, |s| s.bookable = false);
    b.edit_staff(gone, |s| s.is_active = false);
    let slots = b.slots(cut, MON, MON).unwrap();
    assert!(slots.iter().all(|s| s.staff_ids == vec![ana]));
    assert_eq!(
        b.query(cut, MON, MON, Some(owner)),
        Err(Unavailable::StaffCannotPerform)
    );
    assert_eq!(
        b.assign(cut, b.at(MON, 11, 0), Some(gone)),
        Err(Unavailable::StaffCannotPerform)
    );
}

#[test]
fn unknown_or_inactive_service() {
    let mut b = Biz::new(MEXICO);
    let cut = b.service("Corte", 30);
    b.staff("Ana", &[cut]);
    assert_eq!(
        b.slots(id(424_242), MON, MON),
        Err(Unavailable::UnknownService)
    );
    b.cal.services[0].is_active = false;
    assert_eq!(b.slots(cut, MON, MON), Err(Unavailable::UnknownService));
    assert_eq!(
        b.assign(cut, b.at(MON, 11, 0), None),
        Err(Unavailable::UnknownService)
    );
}

#[test]
fn spots_must_host_the_service() {
    let mut b = Biz::new(MEXICO);
    let cut = b.service("Corte", 30);
    let nails = b.service("Uñas", 30);
    b.staff("Ana", &[cut, nails]);
    let chair2 = b.spot("Silla 2", 2, &[cut]);
    let chair1 = b.spot("Silla 1", 1, &[cut]);
    let table = b.spot("Mesa", 3, &[]);
    let slots = b.slots(cut, MON, MON).unwrap();
    assert!(slots.iter().all(|s| s.spot_ids == vec![chair1, chair2]));
    // Spots exist but none hosts nails: nothing is offered.
    assert!(b.slots(nails, MON, MON).unwrap().is_empty());
    assert_eq!(
        b.assign(nails, b.at(MON, 11, 0), None),
        Err(Unavailable::UnknownService)
    );
    // Inactive spots are not offered even if they host the service.
    b.edit_spot(table, |s| {
        s.service_ids = vec![nails];
        s.is_active = false;
    });
    assert!(b.slots(nails, MON, MON).unwrap().is_empty());
}

#[test]
fn without_spots_spots_are_no_constraint() {
    let mut b = Biz::new(MEXICO);
    let cut = b.service("Corte", 30);
    let ana = b.staff("Ana", &[cut]);
    let slots = b.slots(cut, MON, MON).unwrap();
    assert_eq!(slots.len(), 39);
    assert!(slots.iter().all(|s| s.spot_ids.is_empty()));
    let a = b.assign(cut, b.at(MON, 11, 0), None).unwrap();
    assert_eq!(a.staff_id, ana);
    assert_eq!(a.spot_id, None);
}

#[test]
fn a_spot_busy_with_another_staff_member_is_taken() {
    let mut b = Biz::new(MEXICO);
    let cut = b.service("Corte", 30);
    let ana = b.staff("Ana", &[cut]);
    let beto = b.staff("Beto", &[cut]);
    let chair = b.spot("Silla", 1, &[cut]);
    b.busy(Some(ana), Some(chair), b.at(MON, 11, 0), 60);
    let slots = b.slots(cut, MON, MON).unwrap();
    let tm = times(&slots);
    // One chair: Beto is free but has nowhere to work 11:00–12:00.
    assert!(tm.contains(&t(10, 30)));
    for x in [t(10, 45), t(11, 0), t(11, 30)] {
        assert!(!tm.contains(&x), "{x}");
    }
    assert!(tm.contains(&t(12, 0)));
    assert_eq!(
        b.assign(cut, b.at(MON, 11, 15), Some(beto)),
        Err(Unavailable::SlotTaken)
    );
}

#[test]
fn a_busy_staff_member_is_not_offered() {
    let mut b = Biz::new(MEXICO);
    let cut = b.service("Corte", 30);
    let ana = b.staff("Ana", &[cut]);
    let beto = b.staff("Beto", &[cut]);
    b.busy(Some(ana), None, b.at(MON, 11, 0), 60);
    let slots = b.slots(cut, MON, MON).unwrap();
    for s in &slots {
        let tm = s.local_start.time();
        let busy = tm > t(10, 30) && tm < t(12, 0);
        assert_eq!(s.staff_ids.contains(&ana), !busy, "{tm}");
        assert!(s.staff_ids.contains(&beto));
    }
    assert_eq!(
        b.assign(cut, b.at(MON, 11, 30), Some(ana)),
        Err(Unavailable::SlotTaken)
    );
    assert_eq!(
        b.assign(cut, b.at(MON, 11, 30), None).unwrap().staff_id,
        beto
    );
}

#[test]
fn back_to_back_is_fine() {
    let mut b = Biz::new(MEXICO);
    let cut = b.service("Corte", 30);
    let ana = b.staff("Ana", &[cut]);
    b.busy(Some(ana), None, b.at(MON, 10, 30), 30);
    let slots = b.slots(cut, MON, MON).unwrap();
    let tm = times(&slots);
    assert!(tm.contains(&t(10, 0)));
    assert!(!tm.contains(&t(10, 15)));
    assert!(!tm.contains(&t(10, 45)));
    assert!(tm.contains(&t(11, 0)));
}

#[test]
fn buffer_keeps_time_free_after_the_service() {
    let mut b = Biz::new(MEXICO);
    b.cal.policy.buffer_minutes = 5;
    let cut = b.service("Corte", 30);
    b.edit_service(cut, |s| s.buffer_minutes = 5);
    let ana = b.staff("Ana", &[cut]);
    b.busy(Some(ana), None, b.at(MON, 11, 0), 30);
    let slots = b.slots(cut, MON, MON).unwrap();
    let tm = times(&slots);
    // 10:30 + 30 min + 10 min buffer runs into 11:00.
    assert!(tm.contains(&t(10, 15)));
    assert!(!tm.contains(&t(10, 30)));
    assert!(tm.contains(&t(11, 30)));
    // The buffer may run past closing time; the service may not.
    assert_eq!(tm.last(), Some(&t(19, 30)));
    let a = b.assign(cut, b.at(MON, 19, 30), None).unwrap();
    assert_eq!(a.buffer_minutes, 10);
    assert_eq!(a.end, b.at(MON, 20, 0));
    assert_eq!(
        b.assign(cut, b.at(MON, 10, 30), None),
        Err(Unavailable::SlotTaken)
    );
}

#[test]
fn min_notice() {
    let mut b = Biz::new(MEXICO);
    let cut = b.service("Corte", 30);
    b.staff("Ana", &[cut]);
    b.now = b.at(MON, 10, 7);
    b.cal.policy.min_notice_minutes = 60;
    let slots = b.slots(cut, MON, MON).unwrap();
    assert_eq!(slots[0].local_start.time(), t(11, 15));
    assert_eq!(
        b.assign(cut, b.at(MON, 11, 5), None),
        Err(Unavailable::TooSoon)
    );
    assert!(b.assign(cut, b.at(MON, 11, 7), None).is_ok());
    // Past days yield nothing.
    let prev = d(2027, 2, 27);
    assert!(b.slots(cut, prev, prev).unwrap().is_empty());
}

#[test]
fn max_advance() {
    let mut b = Biz::new(MEXICO);
    let cut = b.service("Corte", 30);
    b.staff("Ana", &[cut]);
    b.now = b.at(MON, 9, 0);
    b.cal.policy.max_advance_days = 3;
    let slots = b.slots(cut, MON, d(2027, 3, 10)).unwrap();
    let last = slots.last().unwrap().local_start.date();
    assert_eq!(last, d(2027, 3, 4));
    assert_eq!(
        b.assign(cut, b.at(d(2027, 3, 5), 11, 0), None),
        Err(Unavailable::TooFarAhead)
    );
    assert!(b.assign(cut, b.at(d(2027, 3, 4), 19, 30), None).is_ok());
}

#[test]
fn slot_step() {
    let mut b = Biz::new(MEXICO);
    b.cal.policy.slot_step_minutes = 20;
    let cut = b.service("Corte", 30);
    b.staff("Ana", &[cut]);
    let slots = b.slots(cut, MON, MON).unwrap();
    assert_eq!(times(&slots), grid((10, 0), (19, 40), 20));
    // Default step is 15 and a zero step means the default.
    b.cal.policy.slot_step_minutes = 0;
    let slots = b.slots(cut, MON, MON).unwrap();
    assert_eq!(times(&slots), grid((10, 0), (19, 45), 15));
}

#[test]
fn off_grid_starts_are_accepted_for_walk_ins() {
    let mut b = Biz::new(MEXICO);
    let cut = b.service("Corte", 30);
    let ana = b.staff("Ana", &[cut]);
    let a = b.assign(cut, b.at(MON, 10, 5), None).unwrap();
    assert_eq!(a.staff_id, ana);
    assert_eq!(a.start, b.at(MON, 10, 5));
    assert_eq!(a.end, b.at(MON, 10, 35));
    assert_eq!(
        b.assign(cut, b.at(MON, 9, 55), None),
        Err(Unavailable::Closed)
    );
    assert_eq!(
        b.assign(cut, b.at(MON, 19, 35), None),
        Err(Unavailable::Closed)
    );
}

#[test]
fn staff_preference_and_ordering() {
    let mut b = Biz::new(MEXICO);
    let cut = b.service("Corte", 30);
    let chair1 = b.spot("Silla 1", 1, &[cut]);
    let chair2 = b.spot("Silla 2", 2, &[cut]);
    let chair3 = b.spot("Silla 3", 3, &[cut]);
    let zoe = b.staff("Zoe", &[cut]);
    let ana = b.staff("Ana", &[cut]);
    let beto = b.staff("Beto", &[cut]);
    let carla = b.staff("Carla", &[cut]);
    b.edit_staff(zoe, |s| s.default_spot_id = Some(chair1));
    b.edit_staff(ana, |s| s.default_spot_id = Some(chair2));
    // Beto already has two appointments Monday; Carla has one (spot-less).
    b.busy(Some(beto), Some(chair3), b.at(MON, 10, 0), 30);
    b.busy(Some(beto), Some(chair3), b.at(MON, 18, 0), 30);
    b.busy(Some(carla), None, b.at(MON, 17, 0), 30);
    // Someone else holds Ana's chair at noon.
    b.busy(None, Some(chair2), b.at(MON, 12, 0), 30);

    let slots = b.slots(cut, MON, MON).unwrap();
    let at = |h, m| {
        slots
            .iter()
            .find(|s| s.local_start.time() == t(h, m))
            .unwrap()
            .clone()
    };
    // Default spot free first (by name), then fewest appointments, then name.
    assert_eq!(at(11, 0).staff_ids, vec![ana, zoe, carla, beto]);
    assert_eq!(at(11, 0).spot_ids, vec![chair1, chair2, chair3]);
    // Ana's chair is taken at noon: she drops behind.
    assert_eq!(at(12, 0).staff_ids, vec![zoe, ana, carla, beto]);
    assert_eq!(at(12, 0).spot_ids, vec![chair1, chair3]);

    // assignment_at: the same order, and the staff member's default spot.
    let a = b.assign(cut, b.at(MON, 11, 0), None).unwrap();
    assert_eq!((a.staff_id, a.spot_id), (ana, Some(chair2)));
    let a = b.assign(cut, b.at(MON, 12, 0), None).unwrap();
    assert_eq!((a.staff_id, a.spot_id), (zoe, Some(chair1)));
    // A preferred staff member without a default spot: display order.
    let a = b.assign(cut, b.at(MON, 11, 0), Some(carla)).unwrap();
    assert_eq!((a.staff_id, a.spot_id), (carla, Some(chair1)));
    // A preferred spot wins when free…
    let a = b
        .assign_spot(cut, b.at(MON, 11, 0), Some(ana), Some(chair3))
        .unwrap();
    assert_eq!((a.staff_id, a.spot_id), (ana, Some(chair3)));
    // …and falls back to the default spot when taken.
    let a = b
        .assign_spot(cut, b.at(MON, 10, 0), Some(ana), Some(chair3))
        .unwrap();
    assert_eq!(a.spot_id, Some(chair2));
    // Ana's default is taken at noon: first free by display order.
    let a = b.assign(cut, b.at(MON, 12, 0), Some(ana)).unwrap();
    assert_eq!(a.spot_id, Some(chair1));

    // A customer asking for Beto only sees Beto's free times.
    let only = b.query(cut, MON, MON, Some(beto)).unwrap();
    assert!(only.iter().all(|s| s.staff_ids == vec![beto]));
    assert!(!times(&only).contains(&t(10, 0)));
    assert!(times(&only).contains(&t(10, 30)));
}

#[test]
fn four_hour_colour_service() {
    let mut b = Biz::new(MEXICO);
    let colour = b.service("Tinte", 240);
    let ana = b.staff("Ana", &[colour]);
    let chair = b.spot("Silla", 1, &[colour]);
    b.busy(Some(ana), Some(chair), b.at(MON, 15, 0), 30);
    let slots = b.slots(colour, MON, MON).unwrap();
    assert_eq!(
        times(&slots),
        concat(&[grid((10, 0), (11, 15), 15), grid((15, 30), (16, 15), 15)])
    );
    for s in &slots {
        assert_eq!(s.end - s.start, Duration::minutes(240));
    }
    let a = b.assign(colour, b.at(MON, 10, 0), None).unwrap();
    assert_eq!(a.end, b.at(MON, 14, 0));
    assert_eq!(
        b.assign(colour, b.at(MON, 11, 30), None),
        Err(Unavailable::SlotTaken)
    );
    assert_eq!(
        b.assign(colour, b.at(MON, 16, 30), None),
        Err(Unavailable::Closed)
    );
}

#[test]
fn range_limit() {
    let mut b = Biz::new(MEXICO);
    b.cal.policy.max_advance_days = 365;
    let cut = b.service("Corte", 30);
    b.staff("Ana", &[cut]);
    let day60 = MON + Duration::days(59);
    let slots = b.slots(cut, MON, day60).unwrap();
    assert_eq!(slots.last().unwrap().local_start.date(), day60);
    assert_eq!(
        b.slots(cut, MON, day60 + Duration::days(1)),
        Err(Unavailable::RangeTooLong)
    );
    // A reversed range is empty, not an error.
    assert_eq!(b.slots(cut, TUE, MON), Ok(vec![]));
}

#[test]
fn cancelled_appointments_do_not_occupy() {
    assert!(!AppointmentStatus::Cancelled.occupies_time());
    assert!(AppointmentStatus::NoShow.occupies_time());
}

// ------------------------------------------------------------------ DST

/// A business open every day over `range`, one service, one staff member.
fn night_owl(
    tz: Tz,
    open: (u32, u32),
    close: (u32, u32),
    minutes: u32,
    step: u32,
) -> (Biz, ServiceId) {
    let mut b = Biz::new(tz);
    for wd in 0..7 {
        b.hours(wd, &[(open, close)]);
    }
    b.cal.policy.slot_step_minutes = step;
    b.cal.policy.max_advance_days = 365;
    let svc = b.service("Corte", minutes);
    b.staff("Ana", &[svc]);
    (b, svc)
}

fn assert_consistent(tz: Tz, slots: &[Slot], minutes: i64) {
    for w in slots.windows(2) {
        assert!(w[0].start < w[1].start, "ascending and unique: {w:?}");
    }
    for s in slots {
        assert_eq!(s.end - s.start, Duration::minutes(minutes));
        assert_eq!(local_to_utc(tz, s.local_start), Some(s.start));
        assert_eq!(utc_to_local(tz, s.start), s.local_start);
    }
}

#[test]
fn madrid_spring_forward_never_offers_the_missing_hour() {
    let day = d(2027, 3, 28);
    let (b, svc) = night_owl(MADRID, (0, 0), (6, 0), 30, 15);
    let slots = b.slots(svc, day, day).unwrap();
    assert_consistent(MADRID, &slots, 30);
    assert_eq!(
        times(&slots),
        concat(&[grid((0, 0), (2, 0), 15), grid((3, 0), (5, 45), 15)])
    );
    // 01:45 CET + 30 real minutes ends at 03:15 CEST.
    let s = slots
        .iter()
        .find(|s| s.local_start.time() == t(1, 45))
        .unwrap();
    assert_eq!(utc_to_local(MADRID, s.end).time(), t(3, 15));
    // The day holds five real hours: a 5-hour service fits exactly once.
    let (b5, svc5) = night_owl(MADRID, (0, 0), (6, 0), 300, 15);
    let slots = b5.slots(svc5, day, day).unwrap();
    assert_eq!(times(&slots), vec![t(0, 0)]);
    // A walk-in cannot be at 02:30: that wall time does not exist, and
    // 01:30Z is 03:30 CEST.
    let a = b.assign(svc, utc("2027-03-28T01:30:00Z"), None).unwrap();
    assert_eq!(utc_to_local(MADRID, a.start).time(), t(3, 30));
}

#[test]
fn madrid_fall_back_offers_the_repeated_hour_once() {
    let day = d(2027, 10, 31);
    let (mut b, svc) = night_owl(MADRID, (1, 0), (4, 0), 60, 60);
    let slots = b.slots(svc, day, day).unwrap();
    assert_consistent(MADRID, &slots, 60);
    assert_eq!(times(&slots), hm_list(&[(1, 0), (2, 0), (3, 0)]));
    // 02:00 is its first occurrence (CEST).
    assert_eq!(slots[1].start, utc("2027-10-31T00:00:00Z"));
    // The business day lasts four real hours; the second 02:00 (01:00Z)
    // is bookable by exact start (a walk-in) but not offered on the grid.
    let second = utc("2027-10-31T01:00:00Z");
    let ana = b.cal.staff[0].id;
    assert_eq!(b.assign(svc, second, None).unwrap().staff_id, ana);
    // Booked at the first 02:00, the second one is still free (distinct
    // real hours), and neither is offered twice.
    b.busy(Some(ana), None, utc("2027-10-31T00:00:00Z"), 60);
    let slots = b.slots(svc, day, day).unwrap();
    assert_eq!(times(&slots), hm_list(&[(1, 0), (3, 0)]));
    assert!(b.assign(svc, second, None).is_ok());
    // A 15-minute grid over 01:00–04:00 has 12 wall-clock starts, not 16.
    let (b15, svc15) = night_owl(MADRID, (1, 0), (4, 0), 15, 15);
    let slots = b15.slots(svc15, day, day).unwrap();
    assert_consistent(MADRID, &slots, 15);
    assert_eq!(slots.len(), 12);
    // A 4-hour service fits exactly: four real hours.
    let (b4, svc4) = night_owl(MADRID, (1, 0), (4, 0), 240, 15);
    assert_eq!(times(&b4.slots(svc4, day, day).unwrap()), vec![t(1, 0)]);
}

#[test]
fn tijuana_spring_forward_never_offers_the_missing_hour() {
    let day = d(2027, 3, 14);
    let (b, svc) = night_owl(TIJUANA, (0, 0), (6, 0), 30, 15);
    let slots = b.slots(svc, day, day).unwrap();
    assert_consistent(TIJUANA, &slots, 30);
    assert_eq!(
        times(&slots),
        concat(&[grid((0, 0), (2, 0), 15), grid((3, 0), (5, 45), 15)])
    );
    assert!(slots
        .iter()
        .all(|s| s.local_start.time().format("%H").to_string() != "02"));
}

#[test]
fn tijuana_fall_back_offers_the_repeated_hour_once() {
    let day = d(2027, 11, 7);
    let (b, svc) = night_owl(TIJUANA, (0, 0), (4, 0), 60, 60);
    let slots = b.slots(svc, day, day).unwrap();
    assert_consistent(TIJUANA, &slots, 60);
    assert_eq!(times(&slots), hm_list(&[(0, 0), (1, 0), (2, 0), (3, 0)]));
    // 01:00 is PDT (08:00Z), not PST (09:00Z).
    assert_eq!(slots[1].start, utc("2027-11-07T08:00:00Z"));
    // Five real hours: a 5-hour service fits.
    let (b5, svc5) = night_owl(TIJUANA, (0, 0), (4, 0), 300, 60);
    assert_eq!(times(&b5.slots(svc5, day, day).unwrap()), vec![t(0, 0)]);
}

/// Days that are DST changes elsewhere (or formerly in Mexico) behave
/// like any other day where the zone has no change.
#[test]
fn ordinary_days_in_zones_without_a_change() {
    let cases: [(Tz, NaiveDate); 9] = [
        (TIJUANA, d(2027, 3, 28)),
        (TIJUANA, d(2027, 10, 31)),
        (MEXICO, d(2027, 3, 14)),
        (MEXICO, d(2027, 3, 28)),
        (MEXICO, d(2027, 10, 31)),
        (MEXICO, d(2027, 11, 7)),
        // Mexico's old DST start (first Sunday of April).
        (MEXICO, d(2027, 4, 4)),
        (MADRID, d(2027, 3, 14)),
        (MADRID, d(2027, 11, 7)),
    ];
    for (tz, day) in cases {
        let (b, svc) = night_owl(tz, (0, 0), (6, 0), 30, 15);
        let slots = b.slots(svc, day, day).unwrap();
        assert_consistent(tz, &slots, 30);
        assert_eq!(times(&slots), grid((0, 0), (5, 45), 15), "{tz} {day}");
        assert!(times(&slots).contains(&t(2, 30)));
        let (b, svc) = night_owl(tz, (1, 0), (4, 0), 60, 60);
        let slots = b.slots(svc, day, day).unwrap();
        assert_eq!(
            times(&slots),
            hm_list(&[(1, 0), (2, 0), (3, 0)]),
            "{tz} {day}"
        );
    }
}

#[test]
fn a_service_across_the_change_lasts_real_minutes() {
    // Madrid, 2027-03-28, open 00:00–06:00: a 60-minute service at 01:30
    // ends at 03:30 on the wall clock.
    let day = d(2027, 3, 28);
    let (mut b, svc) = night_owl(MADRID, (0, 0), (6, 0), 60, 30);
    let ana = b.cal.staff[0].id;
    // Busy 03:00–03:30 CEST (01:00Z–01:30Z): 01:30 CET overlaps it.
    b.busy(Some(ana), None, utc("2027-03-28T01:00:00Z"), 30);
    let tm = times(&b.slots(svc, day, day).unwrap());
    assert!(tm.contains(&t(0, 0)));
    // 01:00 CET + 60 real minutes = 03:00 CEST: back to back, fine.
    assert!(tm.contains(&t(1, 0)));
    assert!(!tm.contains(&t(1, 30)));
    assert!(tm.contains(&t(3, 30)));
}

#[test]
fn business_across_days_in_mexico_city_and_madrid_agree_on_local_clocks() {
    // The same wall-clock setup gives the same wall-clock answers on an
    // ordinary day in every zone.
    for tz in [MADRID, TIJUANA, MEXICO] {
        let mut b = Biz::new(tz);
        let cut = b.service("Corte", 30);
        b.staff("Ana", &[cut]);
        let slots = b.slots(cut, d(2027, 6, 7), d(2027, 6, 7)).unwrap();
        assert_eq!(times(&slots), grid((10, 0), (19, 45), 15), "{tz}");
    }
}
