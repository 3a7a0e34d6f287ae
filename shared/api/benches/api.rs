//! Dashboard API: a day's appointment list (issue target: handler CPU
//! under 2 ms p99).
//!
//! 1. criterion (means): the handler's own work for `GET
//!    /api/v1/appointments?from=…&to=…` with 40 appointments — route
//!    matching, query parsing, the HS256 session check (signature,
//!    audience, claims), filtering, local-time views and the JSON answer —
//!    with the two DynamoDB reads replaced by their decoded results;
//! 2. a latency distribution of that work (criterion reports no tail):
//!    20,000 calls, each timed on its own in thread CPU time and wall
//!    clock, p50/p90/p99/p99.9/max;
//! 3. only with `PARLO_BENCH_EMULATORS=1` and the local stack's
//!    environment: the full `Api::handle` against DynamoDB Local (session
//!    check, business, the GSI query), timed separately — that figure is
//!    mostly the emulator's round trips.
//!
//! `cargo bench -p parlo-app --bench api`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use criterion::Criterion;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use lambda_http::http::Method;
use parlo_api::api::routes::{self, Verb};
use parlo_api::api::{render_appointments, Api};
use parlo_api::auth::{Claims, BUSINESS_AUDIENCE};
use parlo_core::*;
use uuid::Uuid;

const SECRET: &str = "bench-jwt-secret-0123456789abcdef0123456789abcdef";
const PATH: &str = "/api/v1/appointments";
const QUERY: &[(&str, &str)] = &[
    ("from", "2030-01-08"),
    ("to", "2030-01-08"),
    ("limit", "50"),
];

fn day(n: usize) -> Vec<Appointment> {
    let org = Uuid::now_v7();
    let start = Utc.with_ymd_and_hms(2030, 1, 8, 15, 0, 0).unwrap();
    (0..n)
        .map(|i| {
            let s = start + chrono::Duration::minutes(15 * i as i64);
            Appointment {
                id: Uuid::now_v7(),
                org_id: org,
                location_id: Uuid::now_v7(),
                customer_id: Uuid::now_v7(),
                staff_id: Uuid::now_v7(),
                spot_id: Some(Uuid::now_v7()),
                service_id: Uuid::now_v7(),
                start: s,
                end: s + chrono::Duration::minutes(30),
                buffer_minutes: 5,
                status: AppointmentStatus::Confirmed,
                source: AppointmentSource::Whatsapp,
                notes: Some("Corte con degradado y barba".into()),
                cancellation_reason: None,
                reminder_sent_at: None,
                price_cents: 15000,
                rating: None,
                feedback: None,
                created_at: start,
                updated_at: start,
            }
        })
        .collect()
}

fn token() -> String {
    let now = Utc::now().timestamp();
    let claims = Claims {
        sub: Uuid::now_v7().to_string(),
        org: Some(Uuid::now_v7()),
        lvl: Some(PermissionLevel::Owner),
        jti: Uuid::new_v4().to_string(),
        iat: now,
        exp: now + 3600,
        aud: BUSINESS_AUDIENCE.into(),
        imp: false,
        adm: None,
    };
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap()
}

/// What the handler does besides waiting for DynamoDB.
fn handler_work(token: &str, appts: &[Appointment], tz: chrono_tz::Tz) -> String {
    let (route, _) = routes::find(Verb::parse(&Method::GET), PATH).expect("routed");
    let mut v = Validation::new(Algorithm::HS256);
    v.set_audience(&[BUSINESS_AUDIENCE]);
    let claims =
        jsonwebtoken::decode::<Claims>(token, &DecodingKey::from_secret(SECRET.as_bytes()), &v)
            .expect("valid")
            .claims;
    black_box((route.op, claims.org));
    let from: chrono::NaiveDate = QUERY[0].1.parse().unwrap();
    let limit: usize = QUERY[2].1.parse().unwrap();
    black_box((from, limit));
    let page = render_appointments(appts.to_vec(), None, tz, None, None, None);
    serde_json::to_string(&page).unwrap()
}

fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec we own.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0);
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

fn percentiles(mut ns: Vec<u64>) -> [f64; 6] {
    ns.sort_unstable();
    let rank = |p: f64| {
        let i = ((p * ns.len() as f64).ceil() as usize).clamp(1, ns.len());
        ns[i - 1] as f64 / 1000.0
    };
    [
        rank(0.0),
        rank(0.5),
        rank(0.9),
        rank(0.99),
        rank(0.999),
        rank(1.0),
    ]
}

fn row(name: &str, clock: &str, p: [f64; 6], unit: &str) {
    let cells: Vec<String> = p.iter().map(|v| format!("{v:.1}")).collect();
    println!("| {name} | {clock} ({unit}) | {} |", cells.join(" | "));
}

fn main() {
    // One EMF line per call would flood the bench output; collecting the
    // metrics still runs (the line itself is one serialisation and write).
    parlo_telemetry::set_emit(false);
    let tz = chrono_tz::America::Mexico_City;
    let appts = day(40);
    let token = token();
    let mut c = Criterion::default().configure_from_args();
    c.bench_function("api/day_list_40_handler_work", |b| {
        b.iter(|| black_box(handler_work(&token, &appts, tz)))
    });
    c.bench_function("api/render_40_appointments", |b| {
        b.iter(|| {
            black_box(serde_json::to_string(&render_appointments(
                appts.clone(),
                None,
                tz,
                None,
                None,
                None,
            )))
        })
    });
    c.final_summary();

    let calls: usize = std::env::var("PARLO_LATENCY_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    if calls > 0 {
        let (mut cpu, mut wall) = (Vec::with_capacity(calls), Vec::with_capacity(calls));
        for _ in 0..calls {
            let (c0, w0) = (thread_cpu(), Instant::now());
            black_box(handler_work(&token, &appts, tz));
            cpu.push((thread_cpu() - c0).as_nanos() as u64);
            wall.push(w0.elapsed().as_nanos() as u64);
        }
        println!("\n| case | clock | min | p50 | p90 | p99 | p99.9 | max |\n|---|---|---|---|---|---|---|---|");
        row(
            "day list, 40 appointments, handler work",
            "thread CPU",
            percentiles(cpu),
            "µs",
        );
        row(
            "day list, 40 appointments, handler work",
            "wall",
            percentiles(wall),
            "µs",
        );
    }

    if std::env::var("PARLO_BENCH_EMULATORS").as_deref() == Ok("1") {
        emulators(tz);
    }
}

/// The full handler on DynamoDB Local: a seeded business with 40
/// appointments on one day, a real session, 300 timed calls.
fn emulators(_tz: chrono_tz::Tz) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        let table = std::env::var("TABLE_NAME").unwrap_or_else(|_| "parlo-local".into());
        let store = parlo_store::Store::from_config(&sdk, table);
        let config =
            parlo_app::config::Config::from_vars(|n| (n == "PARLO_ENV").then(|| "local".into()));
        let auth = parlo_api::auth::AuthSettings::from_vars(&config, |n| {
            (n == "JWT_SECRET").then(|| SECRET.into())
        });
        let now = Utc.with_ymd_and_hms(2030, 1, 7, 12, 0, 0).unwrap();
        let api = Api {
            store: store.clone(),
            config,
            clock: parlo_app::clock::Clock::Fixed(now),
            auth,
            schedules: Default::default(),
        };
        let org = parlo_local::demo::ORG_ID;
        if store.get_organization(org).await.ok().flatten().is_none() {
            println!("emulator part skipped: seed the demo business first (parlo-local seed)");
            return;
        }
        let owner = store
            .get_staff(org, parlo_local::demo::OWNER_ID)
            .await
            .unwrap()
            .unwrap();
        let links = api
            .issue_magic_links(&owner.phone, Some(org))
            .await
            .unwrap();
        let session = api
            .verify_magic_link(
                serde_json::from_value(serde_json::json!({"token": links[0].2.token})).unwrap(),
            )
            .await
            .unwrap();
        let mut wall = Vec::new();
        for _ in 0..300 {
            let req = lambda_http::http::Request::builder()
                .method("GET")
                .uri(format!("{PATH}?from=2030-01-08&to=2030-01-08"))
                .header("authorization", format!("Bearer {}", session.token))
                .body(lambda_http::Body::Empty)
                .unwrap();
            let req = lambda_http::RequestExt::with_query_string_parameters(
                req,
                std::collections::HashMap::from([
                    ("from".to_string(), "2030-01-08".to_string()),
                    ("to".to_string(), "2030-01-08".to_string()),
                ]),
            );
            let t0 = Instant::now();
            let r = api.handle(req).await;
            wall.push(t0.elapsed().as_nanos() as u64);
            assert_eq!(r.status(), 200);
        }
        row(
            "GET appointments, full handler on DynamoDB Local",
            "wall",
            percentiles(wall),
            "µs",
        );
    });
}
