//! Properties tying `free_slots` to `assignment_at` on random businesses
//! around DST changes in Madrid, Tijuana and Mexico City.

mod support;

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use parlo_core::time::{day_bounds_utc, local_to_utc, utc_to_local};
use parlo_core::*;
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use support::*;

const DATES: [NaiveDate; 5] = [
    d(2027, 3, 14),
    d(2027, 3, 28),
    d(2027, 10, 31),
    d(2027, 11, 7),
    d(2027, 6, 9),
];

struct Case {
    biz: Biz,
    service: ServiceId,
    from: NaiveDate,
    to: NaiveDate,
}

fn pick<T: Copy>(rng: &mut StdRng, xs: &[T]) -> T {
    xs[rng.random_range(0..xs.len())]
}

fn hm(minutes: u32) -> (u32, u32) {
    (minutes / 60, minutes % 60)
}

/// A random business, deterministic in `seed`.
fn business(seed: u64, zone: usize, date: usize) -> Case {
    let mut rng = StdRng::seed_from_u64(seed);
    let tz = [MADRID, TIJUANA, MEXICO][zone];
    let base = DATES[date];
    let mut b = Biz::new(tz);

    // Hours: a morning range within [00:00, 12:00] and an afternoon range
    // within [12:15, 23:45], so ranges never touch (the grid restarts at
    // each opening).
    for wd in 0..7 {
        let mut ranges = vec![];
        if rng.random_bool(0.85) {
            let a = rng.random_range(0..40u32) * 15;
            let len = rng.random_range(1..=(48 - a / 15)) * 15;
            ranges.push((hm(a), hm(a + len)));
        }
        if rng.random_bool(0.5) {
            let a = 12 * 60 + 15 + rng.random_range(0..40u32) * 15;
            let len = rng.random_range(1..=((23 * 60 + 45 - a) / 15)) * 15;
            ranges.push((hm(a), hm(a + len)));
        }
        b.hours(wd, &ranges);
    }
    b.cal.policy.slot_step_minutes = pick(&mut rng, &[5, 10, 15, 20, 30, 60]);
    b.cal.policy.min_notice_minutes = pick(&mut rng, &[0, 30, 60, 600]);
    b.cal.policy.max_advance_days = pick(&mut rng, &[1, 2, 3, 10]);
    b.cal.policy.buffer_minutes = pick(&mut rng, &[0, 0, 5, 10]);

    let services: Vec<ServiceId> = (0..rng.random_range(1..=3))
        .map(|i| {
            let minutes = pick(&mut rng, &[15, 30, 45, 60, 90, 240]);
            let s = b.service(&format!("S{i}"), minutes);
            let buffer = pick(&mut rng, &[0, 0, 5, 15]);
            b.edit_service(s, |x| x.buffer_minutes = buffer);
            s
        })
        .collect();
    let subset = |rng: &mut StdRng, p: f64| -> Vec<ServiceId> {
        services
            .iter()
            .copied()
            .filter(|_| rng.random_bool(p))
            .collect()
    };
    let spots: Vec<SpotId> = (0..rng.random_range(0..=3))
        .map(|i| {
            let svc = subset(&mut rng, 0.8);
            let order = rng.random_range(0..3);
            let s = b.spot(&format!("Silla {i}"), order, &svc);
            let active = rng.random_bool(0.9);
            b.edit_spot(s, |x| x.is_active = active);
            s
        })
        .collect();
    let names = ["Ana", "Beto", "Carla", "Ana"];
    let staff: Vec<StaffId> = (0..rng.random_range(1..=4))
        .map(|i| {
            let svc = subset(&mut rng, 0.75);
            let s = b.staff(names[i], &svc);
            let active = rng.random_bool(0.9);
            let bookable = rng.random_bool(0.9);
            let default = if spots.is_empty() || rng.random_bool(0.3) {
                None
            } else {
                Some(pick(&mut rng, &spots))
            };
            b.edit_staff(s, |x| {
                x.is_active = active;
                x.bookable = bookable;
                x.default_spot_id = default;
            });
            s
        })
        .collect();

    let from = base - Duration::days(1);
    let to = base + Duration::days(1);
    let day0 = day_bounds_utc(tz, from).0;
    let instant = |rng: &mut StdRng| {
        day0 + Duration::minutes(i64::from(rng.random_range(0..(4 * 24 * 12u32))) * 5)
    };

    for &s in &staff {
        if rng.random_bool(0.3) {
            for _ in 0..rng.random_range(1..4) {
                let wd = rng.random_range(0..7);
                let a = rng.random_range(0..80u32) * 15;
                let len = rng.random_range(1..=(96 - a / 15)) * 15;
                b.recurring(s, wd, hm(a), hm((a + len).min(23 * 60 + 59)));
            }
        }
        if rng.random_bool(0.4) {
            let date = from + Duration::days(rng.random_range(0..3));
            let range = rng.random_bool(0.7).then(|| {
                let a = rng.random_range(0..80u32) * 15;
                let len = rng.random_range(1..=(95 - a / 15)) * 15;
                (hm(a), hm(a + len))
            });
            let avail = rng.random_bool(0.5);
            b.exception(s, date, range, avail);
        }
    }
    for _ in 0..rng.random_range(0..4) {
        let who = if rng.random_bool(0.3) {
            None
        } else {
            Some(pick(&mut rng, &staff))
        };
        let start = instant(&mut rng);
        let minutes = pick(&mut rng, &[15, 60, 90, 600]);
        b.block(who, start, start + Duration::minutes(minutes));
    }
    for _ in 0..rng.random_range(0..30) {
        let who = rng.random_bool(0.9).then(|| pick(&mut rng, &staff));
        let spot = (!spots.is_empty() && rng.random_bool(0.7)).then(|| pick(&mut rng, &spots));
        let start = instant(&mut rng);
        let minutes = pick(&mut rng, &[15, 30, 45, 60, 240]);
        b.busy(who, spot, start, minutes);
    }
    b.now = day0 - Duration::minutes(i64::from(rng.random_range(0..(24 * 4u32))) * 15);
    let service = pick(&mut rng, &services);
    Case {
        biz: b,
        service,
        from,
        to,
    }
}

fn overlaps(a0: DateTime<Utc>, a1: DateTime<Utc>, b0: DateTime<Utc>, b1: DateTime<Utc>) -> bool {
    a0 < a1 && b0 < b1 && a0 < b1 && b0 < a1
}

/// The generator is not degenerate: most businesses offer something, and
/// many slots meet busy time, blocks, spots and DST days.
#[test]
fn generated_businesses_are_interesting() {
    let (mut nonempty, mut total, mut partial) = (0, 0, 0);
    for seed in 0..300u64 {
        let Case {
            biz,
            service,
            from,
            to,
        } = business(seed, (seed % 3) as usize, (seed % 5) as usize);
        let slots = biz.slots(service, from, to).unwrap();
        nonempty += usize::from(!slots.is_empty());
        total += slots.len();
        let n_staff = biz.cal.staff.len();
        partial += slots.iter().filter(|s| s.staff_ids.len() < n_staff).count();
    }
    println!("non-empty {nonempty}/300, slots {total}, partial {partial}");
    assert!(nonempty > 150, "{nonempty}");
    assert!(partial > 1000, "{partial}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn slots_agree_with_assignment_at(seed in any::<u64>(), zone in 0usize..3, date in 0usize..5) {
        let Case { biz, service, from, to } = business(seed, zone, date);
        let cal = &biz.cal;
        let tz = cal.tz;
        let svc = cal.services.iter().find(|s| s.id == service).unwrap();
        let dur = Duration::minutes(i64::from(svc.duration_minutes));
        let buffer = Duration::minutes(i64::from(cal.policy.buffer_minutes + svc.buffer_minutes));
        let slots = biz.slots(service, from, to).unwrap();
        let has_spots = cal.spots.iter().any(|s| s.is_active);

        // Unique and sorted.
        for w in slots.windows(2) {
            prop_assert!(w[0].start < w[1].start);
        }
        for slot in &slots {
            prop_assert_eq!(slot.end - slot.start, dur);
            prop_assert_eq!(local_to_utc(tz, slot.local_start), Some(slot.start));
            prop_assert_eq!(utc_to_local(tz, slot.start), slot.local_start);
            prop_assert!(slot.local_start.date() >= from && slot.local_start.date() <= to);
            prop_assert!(!slot.staff_ids.is_empty());
            prop_assert_eq!(slot.spot_ids.is_empty(), !has_spots);
            prop_assert!(slot.start >= biz.now + Duration::minutes(i64::from(cal.policy.min_notice_minutes)));

            // Every listed staff member accepts the slot.
            for &who in &slot.staff_ids {
                let a = biz.assign(service, slot.start, Some(who));
                prop_assert!(a.is_ok(), "{:?} refused {:?}: {:?}", who, slot, a);
                let a = a.unwrap();
                prop_assert_eq!(a.staff_id, who);
                prop_assert_eq!((a.start, a.end), (slot.start, slot.end));
                match a.spot_id {
                    Some(sp) => prop_assert!(slot.spot_ids.contains(&sp)),
                    None => prop_assert!(!has_spots),
                }
                // Nothing the staff member already has overlaps, buffer included.
                for b in cal.busy.iter().filter(|b| b.staff_id == Some(who)) {
                    prop_assert!(!overlaps(slot.start, slot.end + buffer, b.start, b.end), "{:?} vs {:?}", slot, b);
                }
                for b in cal.blocks.iter().filter(|b| b.staff_id.is_none() || b.staff_id == Some(who)) {
                    prop_assert!(!overlaps(slot.start, slot.end, b.start, b.end));
                }
            }
            for &sp in &slot.spot_ids {
                let a = biz.assign_spot(service, slot.start, Some(slot.staff_ids[0]), Some(sp)).unwrap();
                prop_assert_eq!(a.spot_id, Some(sp));
                for b in cal.busy.iter().filter(|b| b.spot_id == Some(sp)) {
                    prop_assert!(!overlaps(slot.start, slot.end + buffer, b.start, b.end));
                }
            }
        }

        // Completeness: every grid start assignment_at accepts is offered,
        // and nothing else is.
        let offered: BTreeSet<DateTime<Utc>> = slots.iter().map(|s| s.start).collect();
        let step = Duration::minutes(i64::from(cal.policy.slot_step_minutes));
        let mut expected = BTreeSet::new();
        for date in from.iter_days().take_while(|x| *x <= to) {
            for r in cal.hours.on(date.weekday()) {
                let mut p = date.and_time(r.start);
                while p < date.and_time(r.end) {
                    if let Some(s) = local_to_utc(tz, p) {
                        if biz.assign(service, s, None).is_ok() {
                            expected.insert(s);
                        }
                    }
                    p += step;
                }
            }
        }
        prop_assert_eq!(&offered, &expected);

        // Asking for one staff member gives exactly the slots listing them.
        for s in cal.staff.iter().filter(|s| s.is_active && s.bookable && s.service_ids.contains(&service)) {
            let only = biz.query(service, from, to, Some(s.id)).unwrap();
            let with: Vec<_> = slots.iter().filter(|x| x.staff_ids.contains(&s.id)).map(|x| x.start).collect();
            let got: Vec<_> = only.iter().map(|x| x.start).collect();
            prop_assert_eq!(got, with);
        }
    }
}
