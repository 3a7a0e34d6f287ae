//! Scheduling engine performance (design target: free slots for 30 days of
//! a business with 10 staff, 6 spots, 3 services and 2,000 appointments in
//! under 2 ms per query on one core).
//!
//! The business is synthetic and deterministic (seeded rng): Mexico City,
//! Mon–Fri 10:00–20:00, Saturday split 09:00–14:00 / 15:00–19:00, Sunday
//! closed, one holiday, two part-timers with recurring availability, a few
//! days off and errands. Appointments are placed through `assignment_at`
//! itself, so the calendar is consistent (no double-booked staff or spot).
//!
//! `cargo bench -p parlo-core --bench free_slots`

#[path = "../tests/support/mod.rs"]
mod support;

use std::hint::black_box;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use parlo_core::scheduling::*;
use parlo_core::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use support::*;

/// First queried date (a Monday) and the query length.
const FROM: NaiveDate = d(2027, 3, 1);
const DAYS: i64 = 30;

struct Fixture {
    biz: Biz,
    cut: ServiceId,
    colour: ServiceId,
    staff: Vec<StaffId>,
    query_now: DateTime<Utc>,
}

fn business() -> (Biz, [ServiceId; 3], Vec<StaffId>, Vec<SpotId>) {
    let mut b = Biz::new(MEXICO);
    for wd in 0..5 {
        b.hours(wd, &[((10, 0), (20, 0))]);
    }
    b.hours(5, &[((9, 0), (14, 0)), ((15, 0), (19, 0))]);
    b.hours(6, &[]);
    b.cal.policy.max_advance_days = 400;
    let cut = b.service("Corte", 30);
    let beard = b.service("Corte y barba", 45);
    b.edit_service(beard, |s| s.buffer_minutes = 5);
    let colour = b.service("Tinte", 240);
    b.edit_service(colour, |s| s.buffer_minutes = 10);

    let spots: Vec<SpotId> = (0..6u32)
        .map(|i| {
            let services = match i {
                0..=2 => vec![cut, beard],
                3 | 4 => vec![cut, beard, colour],
                _ => vec![colour],
            };
            b.spot(&format!("Silla {}", i + 1), i, &services)
        })
        .collect();
    let names = [
        "Ana", "Beto", "Carla", "Diego", "Elena", "Fer", "Gabi", "Hugo", "Iris", "Juan",
    ];
    let staff: Vec<StaffId> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let mut services = vec![cut];
            if i < 7 {
                services.push(beard);
            }
            if i >= 7 {
                services.push(colour);
            }
            let s = b.staff(name, &services);
            if i < 6 {
                b.edit_staff(s, |x| x.default_spot_id = Some(spots[i]));
            }
            s
        })
        .collect();
    // Two part-timers: Tuesday–Saturday afternoons.
    for &s in &staff[8..] {
        for wd in 1..6 {
            b.recurring(s, wd, (13, 0), (20, 0));
        }
    }
    (b, [cut, beard, colour], staff, spots)
}

/// 2,000 consistent appointments from ten days before `FROM` to forty days
/// after, placed with `assignment_at` at random grid times; plus days off,
/// errands and a holiday.
fn fixture() -> Fixture {
    let (mut b, [cut, beard, colour], staff, _spots) = business();
    let mut rng = StdRng::seed_from_u64(2027);
    let first = FROM - Duration::days(10);
    b.now = b.at(first, 0, 0) - Duration::days(1);

    b.block(None, b.at(d(2027, 3, 15), 0, 0), b.at(d(2027, 3, 16), 0, 0));
    for k in 0..20 {
        let who = staff[k % staff.len()];
        let day = FROM + Duration::days(rng.random_range(0..DAYS));
        if k % 2 == 0 {
            b.exception(who, day, None, false);
        } else {
            let start = b.at(day, rng.random_range(10..18), 0);
            b.block(Some(who), start, start + Duration::minutes(90));
        }
    }

    let mut placed = 0;
    let mut attempts = 0;
    while placed < 2000 {
        attempts += 1;
        assert!(attempts < 50_000, "calendar too full: {placed} placed");
        let day = first + Duration::days(rng.random_range(0..50));
        let start = b.at(day, rng.random_range(9..20), 15 * rng.random_range(0..4));
        let service = match rng.random_range(0..100) {
            0..65 => cut,
            65..95 => beard,
            _ => colour,
        };
        let pref = rng
            .random_bool(0.3)
            .then(|| staff[rng.random_range(0..staff.len())]);
        if let Ok(a) = b.assign(service, start, pref) {
            b.cal.busy.push(Busy {
                staff_id: Some(a.staff_id),
                spot_id: a.spot_id,
                start: a.start,
                end: a.end + Duration::minutes(i64::from(a.buffer_minutes)),
            });
            placed += 1;
        }
    }
    let query_now = b.at(FROM, 8, 0);
    b.now = query_now;
    Fixture {
        biz: b,
        cut,
        colour,
        staff,
        query_now,
    }
}

/// Worst case for the busy index: all 2,000 appointments inside the 30
/// queried days, back to back per staff member (spots rotate and are
/// double-booked: the engine must still answer).
fn packed() -> (Biz, ServiceId) {
    let (mut b, [cut, _, _], staff, spots) = business();
    let mut rng = StdRng::seed_from_u64(7);
    let mut n = 0;
    'outer: loop {
        for day in FROM.iter_days().take(DAYS as usize) {
            for (i, &s) in staff.iter().enumerate() {
                let mut at = b.at(day, 10, 0) + Duration::minutes(15 * rng.random_range(0..4));
                for _ in 0..8 {
                    let minutes = [30, 45, 60][rng.random_range(0..3)];
                    b.busy(Some(s), Some(spots[(i + n) % spots.len()]), at, minutes);
                    n += 1;
                    if n == 2000 {
                        break 'outer;
                    }
                    at += Duration::minutes(minutes + 15 * rng.random_range(0..3));
                }
            }
        }
    }
    b.now = b.at(FROM, 8, 0);
    (b, cut)
}

fn query(f: &Biz, service: ServiceId, staff: Option<StaffId>) -> SlotQuery {
    SlotQuery {
        service_id: service,
        from: FROM,
        to: FROM + Duration::days(DAYS - 1),
        staff_id: staff,
        now: f.now,
    }
}

fn benches(c: &mut Criterion) {
    let f = fixture();
    let (packed, packed_cut) = packed();
    let cal = &f.biz.cal;

    let report = |name: &str, cal: &Calendar, q: &SlotQuery| {
        let slots = free_slots(cal, q).unwrap();
        let in_range = cal
            .busy
            .iter()
            .filter(|b| b.start >= f.biz.at(q.from, 0, 0) && b.start < f.biz.at(q.to, 23, 0))
            .count();
        eprintln!(
            "{name}: {} appointments ({in_range} in the range), {} slots offered",
            cal.busy.len(),
            slots.len()
        );
    };
    report("cut", cal, &query(&f.biz, f.cut, None));
    report("colour", cal, &query(&f.biz, f.colour, None));
    report("packed", &packed.cal, &query(&packed, packed_cut, None));

    let mut g = c.benchmark_group("free_slots");
    g.bench_function("30d_10staff_6spots_2000appts_cut", |b| {
        let q = query(&f.biz, f.cut, None);
        b.iter(|| free_slots(black_box(cal), black_box(&q)))
    });
    g.bench_function("30d_10staff_6spots_2000appts_colour_4h", |b| {
        let q = query(&f.biz, f.colour, None);
        b.iter(|| free_slots(black_box(cal), black_box(&q)))
    });
    g.bench_function("30d_one_staff_member", |b| {
        let q = query(&f.biz, f.cut, Some(f.staff[3]));
        b.iter(|| free_slots(black_box(cal), black_box(&q)))
    });
    g.bench_function("30d_2000appts_all_in_range", |b| {
        let q = query(&packed, packed_cut, None);
        b.iter(|| free_slots(black_box(&packed.cal), black_box(&q)))
    });
    g.finish();

    // One exact start: a free one and a taken one.
    let slots = free_slots(cal, &query(&f.biz, f.cut, None)).unwrap();
    let free_start = slots[slots.len() / 2].start;
    let taken = cal
        .busy
        .iter()
        .find(|b| b.start > f.query_now + Duration::days(3))
        .unwrap();
    let mut g = c.benchmark_group("assignment_at");
    g.bench_function("free_start", |b| {
        b.iter(|| {
            assignment_at(
                black_box(cal),
                f.cut,
                black_box(free_start),
                None,
                None,
                f.query_now,
            )
        })
    });
    g.bench_function("taken_start_preferred_staff", |b| {
        b.iter(|| {
            assignment_at(
                black_box(cal),
                f.cut,
                black_box(taken.start),
                taken.staff_id,
                None,
                f.query_now,
            )
        })
    });
    g.finish();
}

criterion_group!(scheduling, benches);
criterion_main!(scheduling);
