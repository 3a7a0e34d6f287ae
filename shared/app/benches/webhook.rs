//! Twilio webhook handler performance (issue target: handler CPU time under
//! 1 ms p99). No network: the handler runs against a sink that accepts
//! every message at once, so what is measured is Parlo's own work: route,
//! form parsing, rebuilding the signed URL, HMAC-SHA1 verification,
//! building the `InboundMessage`, logging, the TwiML answer.
//!
//! Three parts, one after the other:
//! 1. criterion benches (means with confidence intervals): the full
//!    `Webhook::handle` for a realistic signed WhatsApp message, with and
//!    without the production JSON logs, wrapped in the API Gateway v2 event
//!    decoding and response encoding that lambda_http does around it, the
//!    forged (403) path, a status callback, and signature verification and
//!    form parsing alone;
//! 2. a latency distribution (criterion reports no tail): 100,000 single
//!    `handle` calls on a current-thread tokio runtime, each timed on its
//!    own, wall-clock and thread CPU time, p50/p90/p99/p99.9/max printed as
//!    a markdown table;
//! 3. only with `PARLO_BENCH_EMULATORS=1` and the local stack's environment
//!    (`set -a; . .local/env; set +a`): the production sink (idempotency
//!    put in DynamoDB Local, enqueue to moto's SQS) timed separately, on a
//!    queue of its own that is deleted afterwards.
//!
//! `cargo bench -p parlo-app --bench webhook` (release profile).
//! `PARLO_LATENCY_CALLS=<n>` changes the number of timed calls (0 skips
//! part 2). See docs/benchmarks.md for the figures.

use std::fs::File;
use std::hint::black_box;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use chrono::{DateTime, Utc};
use criterion::{BatchSize, Criterion};
use lambda_http::aws_lambda_events::apigw::ApiGatewayV2httpResponse;
use lambda_http::http::StatusCode;
use lambda_http::request::LambdaRequest;
use lambda_http::{Body, Request, Response};
use parlo_app::clock::Clock;
use parlo_app::config::LazySecret;
use parlo_app::webhook::{Accepted, InboundSink, SinkError, Webhook, WebhookConfig};
use parlo_twilio::inbound::{self, FromTwilioForm, InboundMessage, StatusCallback};
use parlo_twilio::signature;

/// A Twilio auth token has the shape of 32 hex digits.
const TOKEN: &str = "0f3c9a7e5b2d4c6e8a1b3d5f7e9c2a4b";
const HOST: &str = "k7x2m9q4zd.execute-api.us-east-1.amazonaws.com";
const INBOUND_PATH: &str = "/webhooks/twilio";
const STATUS_PATH: &str = "/webhooks/twilio/status";
const SID: &str = "SM5f0e4c2b9a8d7e6f5a4b3c2d1e0f9a8b";
const ACCOUNT: &str = "AC3e1d2c4b5a69788796a5b4c3d2e1f0a9";

/// A WhatsApp text message as Twilio posts it (fields and order as
/// Twilio sends them; accents and punctuation to exercise the decoding).
fn inbound_fields() -> Vec<(&'static str, &'static str)> {
    vec![
        ("SmsMessageSid", SID),
        ("NumMedia", "0"),
        ("ProfileName", "María Fernández"),
        ("MessageType", "text"),
        ("SmsSid", SID),
        ("WaId", "5215512345678"),
        ("SmsStatus", "received"),
        (
            "Body",
            "Hola, buenas tardes. ¿Tienen lugar mañana a las 5 para un corte y barba con Luis?",
        ),
        ("To", "whatsapp:+5215500000001"),
        ("NumSegments", "1"),
        ("ReferralNumMedia", "0"),
        ("MessageSid", SID),
        ("AccountSid", ACCOUNT),
        ("From", "whatsapp:+5215512345678"),
        ("ApiVersion", "2010-04-01"),
        (
            "ChannelMetadata",
            r#"{"type":"whatsapp","data":{"context":{"ProfileName":"María Fernández","WaId":"5215512345678"}}}"#,
        ),
    ]
}

fn status_fields() -> Vec<(&'static str, &'static str)> {
    vec![
        ("ChannelToAddress", "+5215512345678"),
        ("ApiVersion", "2010-04-01"),
        ("MessageStatus", "delivered"),
        ("SmsSid", SID),
        ("SmsStatus", "delivered"),
        ("ChannelInstallSid", "XE0123456789abcdef0123456789abcdef"),
        ("ChannelPrefix", "whatsapp"),
        ("From", "whatsapp:+5215500000001"),
        ("To", "whatsapp:+5215512345678"),
        ("MessageSid", SID),
        ("StructuredMessage", "false"),
        ("AccountSid", ACCOUNT),
    ]
}

/// `application/x-www-form-urlencoded`, as Twilio encodes it.
fn form_encode(fields: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (name, value)) in fields.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        encode_component(&mut out, name);
        out.push('=');
        encode_component(&mut out, value);
    }
    out
}

fn encode_component(out: &mut String, s: &str) {
    for &b in s.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
}

fn url(path: &str) -> String {
    format!("https://{HOST}{path}")
}

fn sign(path: &str, body: &str) -> String {
    let params = inbound::parse_form(body.as_bytes()).expect("form");
    signature::compute(TOKEN, &url(path), &params)
}

/// The API Gateway HTTP API (payload 2.0) event Lambda delivers for a
/// Twilio POST: the headers Twilio and API Gateway set, body base64.
fn apigw_event(path: &str, body: &str, signature: &str) -> String {
    serde_json::json!({
        "version": "2.0",
        "routeKey": format!("POST {path}"),
        "rawPath": path,
        "rawQueryString": "",
        "headers": {
            "accept": "*/*",
            "cache-control": "max-age=259200",
            "content-length": body.len().to_string(),
            "content-type": "application/x-www-form-urlencoded",
            "host": HOST,
            "i-twilio-idempotency-token": "6f1c1b0e-3c4a-4b7e-9d2f-8a5b6c7d8e9f",
            "user-agent": "TwilioProxy/1.1",
            "x-amzn-trace-id": "Root=1-67a1b2c3-0123456789abcdef01234567",
            "x-forwarded-for": "54.172.60.1",
            "x-forwarded-port": "443",
            "x-forwarded-proto": "https",
            "x-home-region": "us1",
            "x-twilio-signature": signature,
        },
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "k7x2m9q4zd",
            "domainName": HOST,
            "domainPrefix": "k7x2m9q4zd",
            "http": {
                "method": "POST",
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "54.172.60.1",
                "userAgent": "TwilioProxy/1.1",
            },
            "requestId": "FfQ1hjKzoAMEV3A=",
            "routeKey": format!("POST {path}"),
            "stage": "$default",
            "time": "12/Mar/2025:15:04:05 +0000",
            "timeEpoch": 1741791845000_i64,
        },
        "body": BASE64.encode(body),
        "isBase64Encoded": true,
    })
    .to_string()
}

/// What lambda_http hands the handler: the event decoded into a request.
fn decode(event: &str) -> Request {
    let lambda: LambdaRequest = serde_json::from_str(event).expect("API Gateway v2 event");
    Request::from(lambda)
}

/// What lambda_http sends back to the Runtime API for API Gateway v2.
fn encode(response: Response<Body>) -> String {
    let (parts, body) = response.into_parts();
    let mut out = ApiGatewayV2httpResponse::default();
    out.status_code = i64::from(parts.status.as_u16());
    out.is_base64_encoded = matches!(body, Body::Binary(_));
    out.body = Some(body);
    out.headers = parts.headers;
    serde_json::to_string(&out).expect("response JSON")
}

/// Accepts everything at once: isolates the handler from I/O.
struct NoopSink;

impl InboundSink for NoopSink {
    async fn accept(&self, m: &InboundMessage, _now: DateTime<Utc>) -> Result<Accepted, SinkError> {
        black_box(m);
        Ok(Accepted::New)
    }

    async fn delivery_status(
        &self,
        c: &StatusCallback,
        _now: DateTime<Utc>,
    ) -> Result<(), SinkError> {
        black_box(c);
        Ok(())
    }
}

fn webhook<S: InboundSink>(sink: S) -> Webhook<S> {
    Webhook::new(
        WebhookConfig {
            auth_token: LazySecret::from_vars("TWILIO_AUTH_TOKEN", |n| {
                (n == "TWILIO_AUTH_TOKEN").then(|| TOKEN.to_string())
            }),
            // As deployed without a custom domain: the signed URL is
            // rebuilt from Host and X-Forwarded-*.
            public_base_url: None,
        },
        sink,
        Clock::System,
    )
}

/// The production log format (telemetry::init) with the lines written to
/// /dev/null, so formatting and the write(2) are both paid.
fn json_logs() -> impl tracing::Subscriber + Send + Sync {
    let dev_null = File::create("/dev/null").expect("/dev/null");
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(tracing_subscriber::EnvFilter::new("info"))
        .with_current_span(true)
        .with_span_list(false)
        .without_time()
        .with_target(false)
        .with_writer(Mutex::new(dev_null))
        .finish()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

struct Fixture {
    inbound_body: String,
    inbound_event: String,
    forged_event: String,
    status_event: String,
    inbound_params: Vec<(String, String)>,
    inbound_signature: String,
}

impl Fixture {
    fn new() -> Self {
        let inbound_body = form_encode(&inbound_fields());
        let status_body = form_encode(&status_fields());
        let inbound_signature = sign(INBOUND_PATH, &inbound_body);
        let status_signature = sign(STATUS_PATH, &status_body);
        // A valid signature of the same body for another URL: what a
        // replay against another deployment looks like.
        let forged_signature = signature::compute(
            TOKEN,
            "https://attacker.example/webhooks/twilio",
            &inbound::parse_form(inbound_body.as_bytes()).expect("form"),
        );
        let fixture = Self {
            inbound_event: apigw_event(INBOUND_PATH, &inbound_body, &inbound_signature),
            forged_event: apigw_event(INBOUND_PATH, &inbound_body, &forged_signature),
            status_event: apigw_event(STATUS_PATH, &status_body, &status_signature),
            inbound_params: inbound::parse_form(inbound_body.as_bytes()).expect("form"),
            inbound_body,
            inbound_signature,
        };
        fixture.check();
        fixture
    }

    /// The fixtures take the paths they are meant to take.
    fn check(&self) {
        assert_eq!(self.inbound_params.len(), 16);
        let message = InboundMessage::from_params(&self.inbound_params).expect("inbound");
        assert_eq!(message.profile_name.as_deref(), Some("María Fernández"));
        let rt = runtime();
        let wh = webhook(NoopSink);
        for (event, status, body) in [
            (&self.inbound_event, StatusCode::OK, "<Response/>"),
            (
                &self.forged_event,
                StatusCode::FORBIDDEN,
                "invalid_signature",
            ),
            (&self.status_event, StatusCode::OK, "recorded"),
        ] {
            let response = rt.block_on(wh.handle(decode(event)));
            assert_eq!(response.status(), status);
            let encoded = encode(response);
            assert!(encoded.contains(body), "{encoded}");
        }
    }
}

fn criterion_benches(c: &mut Criterion, f: &Fixture) {
    let rt = runtime();
    let wh = webhook(NoopSink);
    let mut group = c.benchmark_group("webhook");

    group.bench_function("handle/inbound", |b| {
        b.iter_batched(
            || decode(&f.inbound_event),
            |request| rt.block_on(wh.handle(request)),
            BatchSize::SmallInput,
        )
    });
    tracing::subscriber::with_default(json_logs(), || {
        group.bench_function("handle/inbound+json_logs", |b| {
            b.iter_batched(
                || decode(&f.inbound_event),
                |request| rt.block_on(wh.handle(request)),
                BatchSize::SmallInput,
            )
        });
        group.bench_function("invocation/inbound+json_logs", |b| {
            b.iter(|| encode(rt.block_on(wh.handle(decode(black_box(&f.inbound_event))))))
        });
    });
    group.bench_function("handle/forged_403", |b| {
        b.iter_batched(
            || decode(&f.forged_event),
            |request| rt.block_on(wh.handle(request)),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("handle/status_callback", |b| {
        b.iter_batched(
            || decode(&f.status_event),
            |request| rt.block_on(wh.handle(request)),
            BatchSize::SmallInput,
        )
    });
    let url = url(INBOUND_PATH);
    group.bench_function("part/signature_verify", |b| {
        b.iter(|| {
            signature::is_valid(
                black_box(TOKEN),
                black_box(&url),
                black_box(&f.inbound_params),
                black_box(&f.inbound_signature),
            )
        })
    });
    group.bench_function("part/parse_form", |b| {
        b.iter(|| inbound::parse_form(black_box(f.inbound_body.as_bytes())))
    });
    group.bench_function("part/parse_form+inbound_message", |b| {
        b.iter(|| {
            let params = inbound::parse_form(black_box(f.inbound_body.as_bytes())).expect("form");
            InboundMessage::from_params(&params)
        })
    });
    group.bench_function("part/decode_apigw_event", |b| {
        b.iter(|| decode(black_box(&f.inbound_event)))
    });
    group.finish();
}

/// CPU time consumed by this thread (CLOCK_THREAD_CPUTIME_ID).
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec for the call's duration.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Nearest-rank percentiles of one sample, in microseconds.
struct Percentiles([f64; 6]);

impl Percentiles {
    fn of(mut ns: Vec<u64>) -> Self {
        ns.sort_unstable();
        let rank = |p: f64| {
            let i = ((p * ns.len() as f64).ceil() as usize).clamp(1, ns.len());
            ns[i - 1] as f64 / 1000.0
        };
        Self([
            rank(0.0),
            rank(0.5),
            rank(0.9),
            rank(0.99),
            rank(0.999),
            rank(1.0),
        ])
    }

    fn row(&self, name: &str, clock: &str) -> String {
        let cells: Vec<String> = self.0.iter().map(|v| format!("{v:.1}")).collect();
        format!("| {name} | {clock} | {} |", cells.join(" | "))
    }
}

const TABLE_HEADER: &str = "| case | clock | min µs | p50 µs | p90 µs | p99 µs | p99.9 µs | max µs |\n|---|---|---|---|---|---|---|---|";

/// Times `calls` single invocations of `call` (wall-clock and thread CPU
/// time), after `calls / 10` untimed ones. Inputs are built untimed.
fn distribution<I>(
    calls: usize,
    mut input: impl FnMut() -> I,
    mut call: impl FnMut(I),
) -> (Percentiles, Percentiles) {
    for _ in 0..calls / 10 {
        call(input());
    }
    let mut wall = Vec::with_capacity(calls);
    let mut cpu = Vec::with_capacity(calls);
    for _ in 0..calls {
        let i = input();
        let (c0, w0) = (thread_cpu(), Instant::now());
        call(i);
        let (w1, c1) = (Instant::now(), thread_cpu());
        wall.push((w1 - w0).as_nanos() as u64);
        cpu.push((c1 - c0).as_nanos() as u64);
    }
    (Percentiles::of(wall), Percentiles::of(cpu))
}

fn latency(f: &Fixture, calls: usize) {
    let rt = runtime();
    let wh = webhook(NoopSink);
    println!("\nLatency of single calls ({calls} timed after {} warm-up; current-thread tokio runtime; NoopSink)\n", calls / 10);
    println!("{TABLE_HEADER}");
    let report = |name: &str, (wall, cpu): (Percentiles, Percentiles)| {
        println!("{}", wall.row(name, "wall"));
        println!("{}", cpu.row(name, "thread CPU"));
    };
    report(
        "timer overhead (empty call)",
        distribution(calls, || (), |()| {}),
    );
    report(
        "handle: signed inbound, no log subscriber",
        distribution(
            calls,
            || decode(&f.inbound_event),
            |r| drop(rt.block_on(wh.handle(r))),
        ),
    );
    tracing::subscriber::with_default(json_logs(), || {
        report(
            "handle: signed inbound, JSON logs",
            distribution(
                calls,
                || decode(&f.inbound_event),
                |r| drop(rt.block_on(wh.handle(r))),
            ),
        );
        report(
            "invocation: event JSON → handle → response JSON, JSON logs",
            distribution(
                calls,
                || (),
                |()| drop(encode(rt.block_on(wh.handle(decode(&f.inbound_event))))),
            ),
        );
        report(
            "handle: forged signature (403), JSON logs",
            distribution(
                calls,
                || decode(&f.forged_event),
                |r| drop(rt.block_on(wh.handle(r))),
            ),
        );
        report(
            "handle: status callback, JSON logs",
            distribution(
                calls,
                || decode(&f.status_event),
                |r| drop(rt.block_on(wh.handle(r))),
            ),
        );
    });
}

/// Part 3: the production sink against DynamoDB Local and moto.
mod emulators {
    use super::*;
    use aws_sdk_sqs::types::QueueAttributeName;
    use parlo_app::aws_sink::QueueSink;

    /// An inbound event for a fresh MessageSid.
    fn event_for(sid: &str) -> String {
        let fields: Vec<(&str, &str)> = inbound_fields()
            .into_iter()
            .map(|(k, v)| (k, if v == SID { sid } else { v }))
            .collect();
        let body = form_encode(&fields);
        apigw_event(INBOUND_PATH, &body, &sign(INBOUND_PATH, &body))
    }

    fn report(name: &str, ns: Vec<u64>) {
        let n = ns.len();
        let p = Percentiles::of(ns);
        let ms: Vec<String> = p.0.iter().map(|v| format!("{:.2}", v / 1000.0)).collect();
        println!("| {name} | {n} | {} |", ms.join(" | "));
    }

    fn time<T>(
        rt: &tokio::runtime::Runtime,
        fut: impl std::future::Future<Output = T>,
    ) -> (T, u64) {
        let t0 = Instant::now();
        let out = rt.block_on(fut);
        (out, t0.elapsed().as_nanos() as u64)
    }

    /// What the run leaves behind, removed whatever happens (the release
    /// profile aborts on panic, so errors are returned, never unwound).
    #[derive(Default)]
    struct Leftovers {
        sids: Vec<String>,
        queues: Vec<String>,
    }

    struct Env {
        rt: tokio::runtime::Runtime,
        store: parlo_store::Store,
        sqs: aws_sdk_sqs::Client,
    }

    impl Env {
        /// A FIFO queue of our own: nothing consumes it, and the stack's
        /// turn queue (maybe polled by a running dev session) is left alone.
        fn queue(&self, left: &mut Leftovers) -> Result<String, String> {
            let name = format!(
                "parlo-bench-{}-{}.fifo",
                std::process::id(),
                left.queues.len()
            );
            let out = self
                .rt
                .block_on(
                    self.sqs
                        .create_queue()
                        .queue_name(&name)
                        .attributes(QueueAttributeName::FifoQueue, "true")
                        .send(),
                )
                .map_err(|e| format!("create queue {name}: {e}"))?;
            let url = out.queue_url.ok_or("CreateQueue returned no URL")?;
            left.queues.push(url.clone());
            Ok(url)
        }

        fn webhook(&self, queue_url: &str) -> Webhook<QueueSink> {
            webhook(QueueSink {
                store: self.store.clone(),
                sqs: self.sqs.clone(),
                queue_url: queue_url.to_string(),
            })
        }

        fn clean(&self, left: &Leftovers) {
            for sid in &left.sids {
                if let Err(e) = self.rt.block_on(self.store.forget_inbound(sid)) {
                    eprintln!("could not remove the inbound record {sid}: {e}");
                }
            }
            for url in &left.queues {
                if let Err(e) = self
                    .rt
                    .block_on(self.sqs.delete_queue().queue_url(url).send())
                {
                    eprintln!("could not delete {url}: {e}");
                }
            }
        }
    }

    pub fn run(calls: usize) {
        let rt = runtime();
        let sdk = rt.block_on(aws_config::load_defaults(
            aws_config::BehaviorVersion::latest(),
        ));
        let table = std::env::var("TABLE_NAME").unwrap_or_else(|_| "parlo-local".into());
        let env = Env {
            store: parlo_store::Store::from_config(&sdk, table),
            sqs: aws_sdk_sqs::Client::new(&sdk),
            rt,
        };
        let mut left = Leftovers::default();
        let result = measure(&env, calls, &mut left);
        env.clean(&left);
        if let Err(e) = result {
            eprintln!(
                "emulator measurement failed (is the local stack up and .local/env loaded?): {e}"
            );
            std::process::exit(1);
        }
    }

    fn measure(env: &Env, calls: usize, left: &mut Leftovers) -> Result<(), String> {
        let pid = std::process::id();
        let sid = |kind: &str, i: usize| format!("SMbench{kind}{pid}x{i}");
        let ok = |r: Response<Body>| match r.status() {
            StatusCode::OK => Ok(()),
            s => Err(format!("the webhook answered {s}")),
        };

        // Warm up both emulators (DynamoDB Local is a JVM).
        let queue_url = env.queue(left)?;
        let wh = env.webhook(&queue_url);
        for i in 0..calls / 5 {
            let s = sid("w", i);
            left.sids.push(s.clone());
            ok(env.rt.block_on(wh.handle(decode(&event_for(&s)))))?;
        }

        let (mut new, mut dup, mut put, mut send) = (vec![], vec![], vec![], vec![]);
        let (mut queue_url, mut wh) = (queue_url, wh);
        for i in 0..calls {
            // moto's SendMessage slows down as a queue fills (7 ms at 20
            // messages, 35 ms at 300 on this machine, and PurgeQueue is
            // limited to once a minute): a fresh queue every 10 messages,
            // untimed, as the turn function keeps the real one short.
            if i % 10 == 0 {
                queue_url = env.queue(left)?;
                wh = env.webhook(&queue_url);
            }
            let s = sid("n", i);
            left.sids.push(s.clone());
            let event = event_for(&s);
            let (r, ns) = time(&env.rt, wh.handle(decode(&event)));
            ok(r)?;
            new.push(ns);
            let (r, ns) = time(&env.rt, wh.handle(decode(&event)));
            ok(r)?;
            dup.push(ns);

            let s = sid("p", i);
            left.sids.push(s.clone());
            let (fresh, ns) = time(&env.rt, env.store.record_inbound(&s, Utc::now()));
            if !fresh.map_err(|e| format!("record_inbound: {e}"))? {
                return Err(format!("{s} was already recorded"));
            }
            put.push(ns);

            let (sent, ns) = time(
                &env.rt,
                env.sqs
                    .send_message()
                    .queue_url(&queue_url)
                    .message_body(format!("{{\"bench\":{i}}}"))
                    .message_group_id("+5215500000001|+5215512345678")
                    .message_deduplication_id(sid("s", i))
                    .send(),
            );
            sent.map_err(|e| format!("send_message: {e}"))?;
            send.push(ns);
        }

        println!("\nProduction sink against the local emulators (wall-clock; DynamoDB Local + moto on this machine)\n");
        println!("| case | calls | min ms | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms |\n|---|---|---|---|---|---|---|---|");
        report("handle: new message (put + enqueue)", new);
        report("handle: duplicate (conditional put fails)", dup);
        report("Store::record_inbound alone", put);
        report("SQS SendMessage (FIFO) alone", send);
        Ok(())
    }
}

fn main() {
    // One EMF line per call would flood the bench output; collecting the
    // metrics still runs (the line itself is one serialisation and write).
    parlo_telemetry::set_emit(false);
    let fixture = Fixture::new();
    // `cargo bench` passes --bench; `cargo test --benches` does not, and
    // then criterion runs each bench once as a test: skip parts 2 and 3.
    let benching = std::env::args().any(|a| a == "--bench");

    let mut c = Criterion::default().configure_from_args();
    criterion_benches(&mut c, &fixture);
    c.final_summary();
    if !benching {
        return;
    }

    let calls = std::env::var("PARLO_LATENCY_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    if calls > 0 {
        latency(&fixture, calls);
    }
    if std::env::var("PARLO_BENCH_EMULATORS").as_deref() == Ok("1") {
        let calls = std::env::var("PARLO_EMULATOR_CALLS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(500);
        emulators::run(calls);
    }
}
