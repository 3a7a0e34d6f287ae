//! No overlapping bookings under concurrency, against DynamoDB Local:
//! (a) fifty tasks race for one staff member, (b) fifty tasks preferring a
//! dozen different staff race for one spot, (c) hundreds of concurrent
//! book/cancel/reschedule operations, then a full audit of appointments
//! and ledgers. Figures (ops/s, retries) are printed, not asserted: run
//! with `--nocapture` to see them.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use parlo_core::ledger::{days_touched, EntryKind, LedgerKey, Resource};
use parlo_core::scheduling::Unavailable;
use parlo_core::*;
use parlo_store::{BookRequest, RescheduleRequest, StaffChoice, Store, StoreError};
use parlo_tests::*;
use rand::seq::IndexedRandom;
use rand::Rng;
use tokio::sync::Barrier;
use uuid::Uuid;

type Interval = (Uuid, DateTime<Utc>, DateTime<Utc>);

/// The appointment intervals the ledgers hold, by ledger (empty ones
/// dropped).
async fn ledger_contents(store: &Store, org: OrgId) -> BTreeMap<LedgerKey, BTreeSet<Interval>> {
    let mut out = BTreeMap::new();
    for l in store.list_ledgers(org).await.unwrap() {
        let appts: BTreeSet<Interval> = l
            .entries
            .iter()
            .filter(|e| e.kind == EntryKind::Appointment)
            .map(|e| (e.ref_id, e.start, e.end))
            .collect();
        assert_eq!(
            appts.len(),
            l.entries
                .iter()
                .filter(|e| e.kind == EntryKind::Appointment)
                .count()
        );
        if !appts.is_empty() {
            out.insert(l.key(), appts);
        }
    }
    out
}

/// What the ledgers must hold for these appointments: each active one in
/// its staff member's and spot's ledger of every local day it touches.
fn expected_ledgers(
    biz: &Biz,
    appointments: &[Appointment],
) -> BTreeMap<LedgerKey, BTreeSet<Interval>> {
    let mut out: BTreeMap<LedgerKey, BTreeSet<Interval>> = BTreeMap::new();
    for a in appointments.iter().filter(|a| a.status.occupies_time()) {
        let mut resources = vec![Resource::Staff(a.staff_id)];
        resources.extend(a.spot_id.map(Resource::Spot));
        for r in resources {
            for date in days_touched(biz.tz, a.start, a.busy_until()) {
                out.entry(LedgerKey { resource: r, date })
                    .or_default()
                    .insert((a.id, a.start, a.busy_until()));
            }
        }
    }
    out
}

/// Fifty overlapping attempts: starts 10:00–11:45 on a quarter-hour grid,
/// services of 2 and 4 hours, so every pair overlaps.
async fn race(
    store: &Store,
    biz: &Biz,
    pref: impl Fn(usize) -> Option<StaffId>,
) -> Vec<(BookRequest, Result<Appointment, StoreError>)> {
    let customer = biz.customer(store, "Carrera").await;
    let barrier = Arc::new(Barrier::new(50));
    let tasks = (0..50).map(|i| {
        let store = store.clone();
        let barrier = barrier.clone();
        let service = if i % 2 == 0 {
            biz.service("Tinte")
        } else {
            biz.service("Peinado")
        };
        let start = local(biz.tz, "2030-01-08", 10, 0) + Duration::minutes(15 * (i as i64 % 8));
        let mut req = biz.booking(service, customer.id, start);
        req.staff_pref = pref(i);
        tokio::spawn(async move {
            barrier.wait().await;
            let res = store.book(&req).await;
            (req, res)
        })
    });
    futures::future::join_all(tasks)
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .collect()
}

fn race_spec(staff: usize, spots: usize) -> BizSpec {
    BizSpec {
        services: vec![("Tinte".into(), 240, 0), ("Peinado".into(), 120, 10)],
        staff,
        spots,
        ..BizSpec::default()
    }
}

fn assert_one_winner(results: &[(BookRequest, Result<Appointment, StoreError>)]) -> Appointment {
    let winners: Vec<&Appointment> = results
        .iter()
        .filter_map(|(_, r)| r.as_ref().ok())
        .collect();
    let others: Vec<String> = results
        .iter()
        .filter_map(|(_, r)| r.as_ref().err())
        .filter(|e| !matches!(e, StoreError::SlotTaken { .. }))
        .map(|e| e.to_string())
        .collect();
    assert_eq!(winners.len(), 1, "exactly one booking wins");
    assert!(
        others.is_empty(),
        "every loser is told SlotTaken: {others:?}"
    );
    assert_eq!(results.len(), 50);
    winners[0].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_racers_for_one_staff_member_one_wins() {
    let store = store().await;
    let biz = create_business(&store, &race_spec(1, 3)).await;
    let before = store.stats();
    let t = Instant::now();
    let results = race(&store, &biz, |_| None).await;
    let elapsed = t.elapsed();
    let winner = assert_one_winner(&results);
    let stats = store.stats();
    println!(
        "race (a) one staff: 1 winner, {} SlotTaken, {} transaction retries, {:.0} ms",
        results.len() - 1,
        stats.retries - before.retries,
        elapsed.as_secs_f64() * 1000.0
    );

    // Exactly the winner is stored, and the ledgers hold exactly its
    // interval: the staff member's and its spot's, nothing else.
    let all = store.all_appointments(biz.id()).await.unwrap();
    assert_eq!(all, vec![winner.clone()]);
    let ledgers = ledger_contents(&store, biz.id()).await;
    assert_eq!(ledgers, expected_ledgers(&biz, &all));
    let staff_ledgers: Vec<_> = ledgers
        .iter()
        .filter(|(k, _)| matches!(k.resource, Resource::Staff(_)))
        .collect();
    assert_eq!(staff_ledgers.len(), 1);
    let (key, entries) = staff_ledgers[0];
    assert_eq!(key.resource, Resource::Staff(biz.staff[0].id));
    assert_eq!(
        entries.iter().cloned().collect::<Vec<_>>(),
        vec![(winner.id, winner.start, winner.busy_until())]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_racers_for_one_spot_with_twelve_staff_one_wins() {
    let store = store().await;
    let biz = create_business(&store, &race_spec(12, 1)).await;
    let staff: Vec<StaffId> = biz.staff.iter().map(|s| s.id).collect();
    let before = store.stats();
    let t = Instant::now();
    let results = race(&store, &biz, |i| Some(staff[i % staff.len()])).await;
    let elapsed = t.elapsed();
    let winner = assert_one_winner(&results);
    let stats = store.stats();
    println!(
        "race (b) one spot, 12 staff: 1 winner, {} SlotTaken, {} transaction retries, {:.0} ms",
        results.len() - 1,
        stats.retries - before.retries,
        elapsed.as_secs_f64() * 1000.0
    );
    // The winner got the staff member it asked for, and the only spot.
    let (req, _) = results.iter().find(|(_, r)| r.is_ok()).unwrap();
    assert_eq!(Some(winner.staff_id), req.staff_pref);
    assert_eq!(winner.spot_id, Some(biz.spots[0].id));

    let all = store.all_appointments(biz.id()).await.unwrap();
    assert_eq!(all, vec![winner.clone()]);
    let ledgers = ledger_contents(&store, biz.id()).await;
    assert_eq!(ledgers, expected_ledgers(&biz, &all));
    let spot = LedgerKey {
        resource: Resource::Spot(biz.spots[0].id),
        date: "2030-01-08".parse().unwrap(),
    };
    assert_eq!(
        ledgers[&spot].iter().cloned().collect::<Vec<_>>(),
        vec![(winner.id, winner.start, winner.busy_until())]
    );
    assert_eq!(ledgers.len(), 2, "one staff ledger and the spot ledger");
}

#[derive(Debug, Default)]
struct Tally {
    booked: usize,
    cancelled: usize,
    rescheduled: usize,
    slot_taken: usize,
    closed: usize,
    invalid_status: usize,
    conflict: usize,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn churn_of_concurrent_book_cancel_reschedule_never_overlaps() {
    const WORKERS: usize = 10;
    const OPS_PER_WORKER: usize = 55;
    let store = store().await;
    let spec = BizSpec {
        services: vec![
            ("Corte".into(), 30, 0),
            ("Barba".into(), 45, 5),
            ("Peinado".into(), 60, 0),
            ("Tinte".into(), 240, 15),
            ("Keratina".into(), 225, 0),
        ],
        staff: 4,
        spots: 3,
        policy: BookingPolicy {
            buffer_minutes: 5,
            ..BookingPolicy::default()
        },
        ..BizSpec::default()
    };
    let biz = Arc::new(create_business(&store, &spec).await);
    let customers: Vec<CustomerId> = futures::future::join_all((0..8).map(|i| {
        let (store, biz) = (store.clone(), biz.clone());
        async move { biz.customer(&store, &format!("Cliente {i}")).await.id }
    }))
    .await;
    let days = ["2030-01-08", "2030-01-09"];
    // Every appointment booked, and those not cancelled yet (the usual
    // targets of cancel and reschedule).
    let known: Arc<Mutex<Vec<AppointmentId>>> = Arc::default();
    let open: Arc<Mutex<Vec<AppointmentId>>> = Arc::default();
    let cancelled_ok: Arc<Mutex<HashSet<AppointmentId>>> = Arc::default();
    let tally: Arc<Mutex<Tally>> = Arc::default();

    let before = store.stats();
    let t0 = Instant::now();
    let workers = (0..WORKERS).map(|_| {
        let (store, biz, customers) = (store.clone(), biz.clone(), customers.clone());
        let (known, open, cancelled_ok, tally) = (
            known.clone(),
            open.clone(),
            cancelled_ok.clone(),
            tally.clone(),
        );
        tokio::spawn(async move {
            for _ in 0..OPS_PER_WORKER {
                // Draw everything before awaiting (the rng is not Send).
                let (op, start, service, customer, staff_pick, target) = {
                    let mut rng = rand::rng();
                    let day = days.choose(&mut rng).unwrap();
                    let quarter = rng.random_range(0..56); // 08:00 … 21:45
                    let start = local(biz.tz, day, 8, 0) + Duration::minutes(15 * quarter);
                    let service = biz.services.choose(&mut rng).unwrap().clone();
                    let customer = *customers.choose(&mut rng).unwrap();
                    let staff_pick = match rng.random_range(0..4) {
                        0 | 1 => None,
                        _ => Some(biz.staff.choose(&mut rng).unwrap().id),
                    };
                    // Mostly open appointments; sometimes any (cancelled
                    // ones must be refused).
                    let pool = if rng.random_bool(0.85) { &open } else { &known };
                    let target = pool.lock().unwrap().choose(&mut rng).copied();
                    (
                        rng.random_range(0..10),
                        start,
                        service,
                        customer,
                        staff_pick,
                        target,
                    )
                };
                let outcome: Result<&str, StoreError> = match (op, target) {
                    (0..=4, _) | (_, None) => {
                        let mut req = biz.booking(&service, customer, start);
                        req.staff_pref = staff_pick;
                        store.book(&req).await.map(|a| {
                            known.lock().unwrap().push(a.id);
                            open.lock().unwrap().push(a.id);
                            "book"
                        })
                    }
                    (5..=6, Some(id)) => store
                        .cancel(biz.id(), id, Some("churn".into()), now())
                        .await
                        .map(|a| {
                            cancelled_ok.lock().unwrap().insert(a.id);
                            open.lock().unwrap().retain(|o| *o != a.id);
                            "cancel"
                        }),
                    (_, Some(id)) => {
                        let staff = match staff_pick {
                            None if op == 7 => StaffChoice::Keep,
                            None => StaffChoice::Any,
                            Some(s) => StaffChoice::Exactly(s),
                        };
                        let req = RescheduleRequest {
                            service: None,
                            org_id: biz.id(),
                            appointment_id: id,
                            new_start: start,
                            staff,
                            spot_pref: None,
                            now: now(),
                        };
                        store.reschedule(&req).await.map(|_| "reschedule")
                    }
                };
                let mut t = tally.lock().unwrap();
                match outcome {
                    Ok("book") => t.booked += 1,
                    Ok("cancel") => t.cancelled += 1,
                    Ok(_) => t.rescheduled += 1,
                    Err(StoreError::SlotTaken { .. }) => t.slot_taken += 1,
                    Err(StoreError::Unavailable(Unavailable::Closed)) => t.closed += 1,
                    Err(StoreError::InvalidStatus {
                        status: AppointmentStatus::Cancelled,
                    }) => t.invalid_status += 1,
                    Err(StoreError::Conflict(_)) => t.conflict += 1,
                    Err(e) => panic!("unexpected error: {e:?}"),
                }
            }
        })
    });
    for w in futures::future::join_all(workers).await {
        w.unwrap();
    }
    let elapsed = t0.elapsed();
    let stats = store.stats();
    let tally = std::mem::take(&mut *tally.lock().unwrap());
    let ops = WORKERS * OPS_PER_WORKER;

    // Audit: every appointment of the business, read consistently.
    let all = store.all_appointments(biz.id()).await.unwrap();
    let active = assert_no_overlaps(&all);
    let ledgers = ledger_contents(&store, biz.id()).await;
    let expected = expected_ledgers(&biz, &all);
    assert_eq!(
        ledgers, expected,
        "ledgers hold exactly the active appointments' intervals"
    );
    for (key, entries) in &ledgers {
        let v: Vec<_> = entries.iter().collect();
        for (i, a) in v.iter().enumerate() {
            for b in &v[i + 1..] {
                assert!(
                    !overlaps((a.1, a.2), (b.1, b.2)),
                    "{key:?}: {a:?} overlaps {b:?}"
                );
            }
        }
    }
    // Every success is visible, and only successes.
    let known = known.lock().unwrap().clone();
    assert_eq!(
        all.len(),
        tally.booked,
        "one stored appointment per successful booking"
    );
    assert_eq!(
        all.iter().map(|a| a.id).collect::<HashSet<_>>(),
        known.iter().copied().collect::<HashSet<_>>()
    );
    let cancelled_db: HashSet<AppointmentId> = all
        .iter()
        .filter(|a| a.status == AppointmentStatus::Cancelled)
        .map(|a| a.id)
        .collect();
    assert_eq!(
        cancelled_db,
        *cancelled_ok.lock().unwrap(),
        "cancelled exactly those whose cancel succeeded"
    );
    assert_eq!(
        cancelled_db.len(),
        tally.cancelled,
        "no appointment cancelled twice"
    );
    let crossing = all
        .iter()
        .filter(|a| a.status.occupies_time() && a.busy_until().date_naive() != a.start.date_naive())
        .count();
    let long: usize = all
        .iter()
        .filter(|a| a.end - a.start >= Duration::hours(3))
        .count();
    // The churn really churned (a run that did nothing proves nothing).
    assert_eq!(
        tally.booked
            + tally.cancelled
            + tally.rescheduled
            + tally.slot_taken
            + tally.closed
            + tally.invalid_status
            + tally.conflict,
        ops
    );
    assert!(tally.booked >= 40, "{tally:?}");
    assert!(tally.cancelled >= 15, "{tally:?}");
    assert!(tally.rescheduled >= 15, "{tally:?}");
    assert!(tally.slot_taken >= 20, "contention happened: {tally:?}");
    assert!(long >= 5, "long services took part: {long}");
    assert!(active >= 15, "{active} active at the end");

    let by_staff: HashMap<StaffId, usize> =
        all.iter()
            .filter(|a| a.status.occupies_time())
            .fold(HashMap::new(), |mut m, a| {
                *m.entry(a.staff_id).or_default() += 1;
                m
            });
    println!(
        "churn: {ops} ops by {WORKERS} workers in {:.2} s = {:.0} ops/s; {} transactions, {} retries, {} gave up; \
         outcomes {tally:?}; {} appointments ({active} active, {} long, {crossing} crossing UTC midnight), \
         per staff {:?}; {} ledgers audited",
        elapsed.as_secs_f64(),
        ops as f64 / elapsed.as_secs_f64(),
        stats.transactions - before.transactions,
        stats.retries - before.retries,
        stats.gave_up - before.gave_up,
        all.len(),
        long,
        by_staff.values().collect::<Vec<_>>(),
        ledgers.len(),
    );
}
