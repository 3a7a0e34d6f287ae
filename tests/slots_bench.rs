//! 30-day free slots on a big business (issue 16, item 7): 10 staff, 6
//! spots, 2,000 appointments, `GET /api/v1/availability/slots` for 30
//! days through the API handler (session check, routing, the store, the
//! engine, JSON) on DynamoDB Local, and the calendar read alone by both
//! paths: the day ledgers ([`Store::load_calendar`]) and every
//! appointment item ([`Store::load_calendar_from_appointments`]).
//! Prints DynamoDB requests, answer bytes and wall-time percentiles.
//!
//! Needs the local stack's DynamoDB (`make up`, then
//! `set -a; . .local/env; set +a`):
//! `cargo bench -p parlo-tests --bench slots` (release build). Seeding
//! takes ~1 minute; set `PARLO_SLOTS_CALLS` (default 100) for more calls.

#[path = "api_helpers.rs"]
mod api_helpers;

use std::time::Instant;

use chrono::Duration;
use futures::StreamExt;
use parlo_core::scheduling::{free_slots, SlotQuery};
use parlo_core::*;
use parlo_store::{Store, StoreError};
use parlo_tests::*;
use rand::Rng;

const STAFF: usize = 10;
const SPOTS: usize = 6;
const APPOINTMENTS: usize = 2_000;
const FROM: &str = "2030-02-01";
const TO: &str = "2030-03-02";

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

struct Figures {
    requests: u64,
    bytes: u64,
    wall_ms: Vec<f64>,
}

impl Figures {
    fn row(&mut self, name: &str, calls: u64) {
        self.wall_ms.sort_by(f64::total_cmp);
        let w = &self.wall_ms;
        println!(
            "| {name} | {} | {:.0} KB | {:.1} | {:.1} | {:.1} |",
            self.requests / calls,
            self.bytes as f64 / calls as f64 / 1024.0,
            percentile(w, 0.5),
            percentile(w, 0.9),
            percentile(w, 0.99),
        );
    }
}

async fn measure<F, Fut>(store: &Store, calls: usize, mut call: F) -> Figures
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for _ in 0..5 {
        call().await; // warm-up: connections, DynamoDB Local's caches
    }
    let (r0, b0) = (store.requests(), store.response_bytes());
    let mut wall_ms = Vec::with_capacity(calls);
    for _ in 0..calls {
        let t0 = Instant::now();
        call().await;
        wall_ms.push(t0.elapsed().as_secs_f64() * 1e3);
    }
    Figures {
        requests: store.requests() - r0,
        bytes: store.response_bytes() - b0,
        wall_ms,
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    parlo_telemetry::set_emit(false);
    let calls: usize = std::env::var("PARLO_SLOTS_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let store = store().await;
    let spec = BizSpec {
        name: "Salón Grande".into(),
        staff: STAFF,
        spots: SPOTS,
        services: vec![
            ("Corte".into(), 30, 0),
            ("Tinte".into(), 90, 10),
            ("Uñas".into(), 60, 0),
        ],
        policy: BookingPolicy {
            max_advance_days: 365,
            ..BookingPolicy::default()
        },
        ..BizSpec::default()
    };
    let b = create_business(&store, &spec).await;
    let tz = b.tz;
    let customers = futures::future::join_all((0..200).map(|i| {
        let (b, store) = (&b, &store);
        async move { b.customer(store, &format!("Clienta {i}")).await }
    }))
    .await;

    // 2,000 appointments over the 30 days and a week either side, booked
    // through the store's ledger transactions, 8 at a time.
    let seeding = Instant::now();
    let first = date(FROM) - Duration::days(7);
    let mut booked = 0;
    let mut attempts = futures::stream::iter(0..usize::MAX)
        .map(|_| {
            let mut r = rand::rng();
            let day = first + Duration::days(r.random_range(0..44));
            let minutes = r.random_range(0..26) * 30;
            let start = local(tz, &day.to_string(), 8, 0) + Duration::minutes(minutes);
            let service = &b.services[r.random_range(0..b.services.len())];
            let customer = customers[r.random_range(0..customers.len())].id;
            let req = b.booking(service, customer, start);
            let store = &store;
            async move { store.book(&req).await }
        })
        .buffer_unordered(8);
    while booked < APPOINTMENTS {
        match attempts.next().await.expect("endless") {
            Ok(_) => booked += 1,
            Err(StoreError::SlotTaken { .. } | StoreError::Unavailable(_)) => {}
            Err(e) => panic!("seeding: {e}"),
        }
    }
    drop(attempts);
    eprintln!(
        "seeded {booked} appointments in {:.1} s",
        seeding.elapsed().as_secs_f64()
    );

    let api = api_helpers::api(&store);
    let owner = api_helpers::owner(&api, &b).await;
    let corte = b.service("Corte").id;
    let path = format!("/api/v1/availability/slots?service_id={corte}&from={FROM}&to={TO}");
    let (lo, hi) = (
        local(tz, FROM, 0, 0),
        local(tz, TO, 0, 0) + Duration::days(1),
    );
    let query = SlotQuery {
        service_id: corte,
        from: date(FROM),
        to: date(TO),
        staff_id: None,
        now: now(),
    };

    // The same answer by both paths, and through the API.
    let by_ledgers = store
        .load_calendar(b.id(), b.location.id, lo, hi)
        .await
        .unwrap();
    let by_items = store
        .load_calendar_from_appointments(b.id(), b.location.id, lo, hi)
        .await
        .unwrap();
    let slots = free_slots(&by_ledgers, &query).unwrap();
    assert_eq!(slots, free_slots(&by_items, &query).unwrap());
    let (status, body) = owner.get(&path).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["slots"].as_array().unwrap().len(),
        slots.len(),
        "the API answers what the engine computed"
    );
    eprintln!(
        "{} slots; {} busy intervals from the ledgers, {} from the items",
        slots.len(),
        by_ledgers.busy.len(),
        by_items.busy.len()
    );

    println!("\n| 30-day slots, 10 staff, 6 spots, 2,000 appointments | DynamoDB requests | bytes read | p50 ms | p90 ms | p99 ms |");
    println!("|---|---|---|---|---|---|");
    measure(&store, calls, || async {
        let (status, _) = owner.get(&path).await;
        assert_eq!(status, 200);
    })
    .await
    .row(
        "API handler, GET /availability/slots (30 days)",
        calls as u64,
    );
    measure(&store, calls, || async {
        let cal = store
            .load_calendar(b.id(), b.location.id, lo, hi)
            .await
            .unwrap();
        std::hint::black_box(free_slots(&cal, &query).unwrap());
    })
    .await
    .row("calendar from the day ledgers + engine", calls as u64);
    measure(&store, calls, || async {
        let cal = store
            .load_calendar_from_appointments(b.id(), b.location.id, lo, hi)
            .await
            .unwrap();
        std::hint::black_box(free_slots(&cal, &query).unwrap());
    })
    .await
    .row(
        "calendar from every appointment item + engine (before)",
        calls as u64,
    );
}

fn date(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}
