//! `parlo-local loadtest`: the load and fault test of the local stack
//! (`make loadtest`, infra/scripts/loadtest.sh starts the stack for it).
//!
//! Simulated customers and staff of several fresh businesses send signed
//! WhatsApp messages through the gateway, spread over a planned duration
//! (each person writes every few seconds, not in lockstep). Meanwhile the
//! Twilio stand-in answers 429 and then 503 for a window, the LLM stand-in
//! hangs for a window, and the turn function is killed once. Afterwards it
//! checks, and fails when any does not hold:
//! - every inbound message was stored once in its conversation and its
//!   turn's replies were saved (one turn);
//! - every inbound message got its first reply;
//! - every outbox record was handed to Twilio, and the stand-in accepted
//!   exactly one request per record (its sid), none twice;
//! - no two active appointments of one staff member or spot overlap;
//! - the turn queue and its dead-letter queue are empty.
//!
//! It prints the figures (throughput, webhook → reply recorded, DynamoDB
//! requests and CPU per turn, the fault counters) as Markdown.
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use parlo_core::*;
use parlo_store::{OutboxRecord, Store};
use rand::Rng;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::say::{new_sid, Inbound, Simulator};

/// What to run.
#[derive(Debug, Clone)]
pub struct Plan {
    pub businesses: usize,
    pub customers: usize,
    pub staff: usize,
    pub messages: usize,
    /// Over how long the messages are spread.
    pub duration: Duration,
    pub gateway: String,
    pub auth_token: String,
    pub twilio: String,
    pub llm: Option<String>,
    /// `.local/lambda.pid` and `.local/lambda.log`: the emulator whose
    /// function processes are killed and measured, the EMF lines to read.
    pub lambda_pid_file: PathBuf,
    pub lambda_log: PathBuf,
    pub turn_queue_url: String,
    pub turn_dlq_url: String,
    /// How long to wait for the pipeline to drain after the last message.
    pub drain: Duration,
}

/// One simulated person.
#[derive(Debug, Clone)]
struct Sender {
    phone: String,
    business: usize,
    staff: bool,
    script: Vec<String>,
}

/// What the driver saw of one message it sent.
#[derive(Debug, Clone)]
struct Sent {
    sid: String,
    posted_at: DateTime<Utc>,
    status: u16,
}

struct Business {
    org: Organization,
    number: String,
    staff_phones: Vec<String>,
}

const CUSTOMER_LINES: &[&str] = &[
    "Hola, quiero una cita para un corte",
    "mañana a las {h}",
    "si",
    "gracias!",
    "a que hora abren el sabado?",
    "cuanto cuesta el corte y barba",
    "quiero agendar otra para pasado mañana a las {h}",
    "sí porfa",
    "ok grax",
    "tengo alguna cita?",
];
const STAFF_LINES: &[&str] = &[
    "que tengo hoy",
    "mis citas de mañana",
    "quien viene mañana temprano",
    "gracias",
];

/// The figures and the verdict.
#[derive(Debug, Default)]
pub struct Outcome {
    pub failures: Vec<String>,
    pub report: String,
}

fn fill(line: &str, rng: &mut impl Rng) -> String {
    line.replace("{h}", &format!("{}", rng.random_range(10..19)))
}

/// Fresh businesses: an owner and an employee each (both onboarded), three
/// services, one chair per staff member, open every day 9–21 so any day of
/// the run books.
async fn seed(store: &Store, plan: &Plan, now: DateTime<Utc>) -> Result<Vec<Business>, String> {
    let mut rng = rand::rng();
    let base: u64 = rng.random_range(10_000_000..90_000_000);
    let staff_each = plan.staff.div_ceil(plan.businesses).max(1);
    let mut out = Vec::new();
    for b in 0..plan.businesses {
        let org_id = Uuid::new_v4();
        let location_id = Uuid::new_v4();
        let number = format!("+5255{:08}", base + b as u64 * 100);
        let org = Organization {
            id: org_id,
            name: format!("Estética Carga {}", b + 1),
            whatsapp_number: Some(number.clone()),
            timezone: DEFAULT_TIMEZONE.into(),
            status: OrgStatus::Active,
            settings: OrgSettings {
                business_type: Some("barbería".into()),
                ..OrgSettings::default()
            },
            onboarding_state: Some("completed".into()),
            onboarding_data: json!({}),
            last_message_at: None,
            created_at: now,
            updated_at: now,
        };
        let day = vec![TimeRange::hm((9, 0), (21, 0))];
        let location = Location {
            id: location_id,
            org_id,
            name: org.name.clone(),
            address: None,
            is_primary: true,
            business_hours: WeeklyHours {
                days: std::array::from_fn(|_| day.clone()),
            },
            created_at: now,
            updated_at: now,
        };
        let services: Vec<ServiceType> = [
            ("Corte de cabello", 45, 15_000),
            ("Arreglo de barba", 30, 10_000),
            ("Corte y barba", 75, 22_000),
        ]
        .into_iter()
        .map(|(name, minutes, cents)| ServiceType {
            id: Uuid::new_v4(),
            org_id,
            name: name.into(),
            description: None,
            duration_minutes: minutes,
            price_cents: cents,
            currency: "MXN".into(),
            is_active: true,
            buffer_minutes: 0,
            created_at: now,
            updated_at: now,
        })
        .collect();
        let service_ids: Vec<Uuid> = services.iter().map(|s| s.id).collect();
        let mut spots = Vec::new();
        let mut staff = Vec::new();
        for i in 0..staff_each {
            let spot = Spot {
                id: Uuid::new_v4(),
                org_id,
                location_id,
                name: format!("Silla {}", i + 1),
                display_order: i as u32,
                is_active: true,
                service_ids: service_ids.clone(),
                created_at: now,
                updated_at: now,
            };
            let owner = i == 0;
            staff.push(Staff {
                id: Uuid::new_v4(),
                org_id,
                location_id: Some(location_id),
                name: format!("Barbero {}", i + 1),
                phone: format!("+5255{:08}", base + b as u64 * 100 + 1 + i as u64),
                role: if owner {
                    StaffRole::Owner
                } else {
                    StaffRole::Employee
                },
                permission_level: if owner {
                    PermissionLevel::Owner
                } else {
                    PermissionLevel::Staff
                },
                is_active: true,
                first_message_at: Some(now),
                default_spot_id: Some(spot.id),
                service_ids: service_ids.clone(),
                bookable: true,
                created_at: now,
                updated_at: now,
            });
            spots.push(spot);
        }
        let e = |e: parlo_store::StoreError| format!("seeding: {e}");
        store.create_organization(&org).await.map_err(e)?;
        store.create_location(&location).await.map_err(e)?;
        for s in &services {
            store.create_service(s).await.map_err(e)?;
        }
        for s in &spots {
            store.create_spot(s).await.map_err(e)?;
        }
        for s in &staff {
            store.create_staff(s).await.map_err(e)?;
        }
        out.push(Business {
            org,
            number,
            staff_phones: staff.iter().map(|s| s.phone.clone()).collect(),
        });
    }
    Ok(out)
}

/// Who writes what: the messages split between customers (90%) and staff
/// (10%), each person's script a loop over their lines.
fn senders(plan: &Plan, businesses: &[Business]) -> Vec<Sender> {
    let mut rng = rand::rng();
    let staff_messages = if plan.staff == 0 {
        0
    } else {
        plan.messages / 10
    };
    let customer_messages = plan.messages - staff_messages;
    let base: u64 = rng.random_range(10_000_000..90_000_000);
    let mut out = Vec::new();
    for c in 0..plan.customers {
        let n = customer_messages / plan.customers
            + usize::from(c < customer_messages % plan.customers);
        out.push(Sender {
            phone: format!("+5233{:08}", base + c as u64),
            business: c % businesses.len(),
            staff: false,
            script: (0..n)
                .map(|i| fill(CUSTOMER_LINES[i % CUSTOMER_LINES.len()], &mut rng))
                .collect(),
        });
    }
    let staff: Vec<(usize, String)> = businesses
        .iter()
        .enumerate()
        .flat_map(|(b, biz)| biz.staff_phones.iter().map(move |p| (b, p.clone())))
        .take(plan.staff)
        .collect();
    for (s, (business, phone)) in staff.iter().enumerate() {
        let n = staff_messages / staff.len() + usize::from(s < staff_messages % staff.len());
        out.push(Sender {
            phone: phone.clone(),
            business: *business,
            staff: true,
            script: (0..n)
                .map(|i| STAFF_LINES[i % STAFF_LINES.len()].to_string())
                .collect(),
        });
    }
    out
}

/// Sends one person's script: first message at a random point of the
/// first tenth of the run, then one every `duration / n` ± 50%.
async fn drive(sender: Sender, plan: Arc<Plan>, to: String, log: Arc<Mutex<Vec<Sent>>>) {
    let sim = Simulator::new(&plan.gateway, &plan.auth_token, &sender.phone, &to);
    let n = sender.script.len().max(1);
    let gap = plan.duration.mul_f64(0.9) / n as u32;
    let start = plan.duration.mul_f64(rand::rng().random_range(0.0..0.1));
    tokio::time::sleep(start).await;
    for body in &sender.script {
        let msg = Inbound {
            message_sid: new_sid("SM"),
            from: sender.phone.clone(),
            to: to.clone(),
            body: body.clone(),
            profile_name: Some(if sender.staff { "Staff" } else { "Cliente" }.into()),
        };
        let posted_at = Utc::now();
        // Twilio retries a webhook that failed; so does this driver.
        let mut status = 0;
        for attempt in 0..4 {
            match sim.post(&msg).await {
                Ok((s, _)) if s == 200 => {
                    status = s;
                    break;
                }
                Ok((s, _)) => status = s,
                Err(_) => status = 0,
            }
            tokio::time::sleep(Duration::from_millis(500 * (attempt + 1))).await;
        }
        log.lock().unwrap().push(Sent {
            sid: msg.message_sid.clone(),
            posted_at,
            status,
        });
        let jitter = rand::rng().random_range(0.5..1.5);
        tokio::time::sleep(gap.mul_f64(jitter)).await;
    }
}

/// The pid of the Lambda runtime emulator (`cargo lambda watch`, in
/// `.local/lambda.pid`), read afresh: the gateway may have restarted it.
fn emulator_pid(pid_file: &std::path::Path) -> Option<u32> {
    std::fs::read_to_string(pid_file).ok()?.trim().parse().ok()
}

/// The parent pid of a process (field 4 of /proc/<pid>/stat).
fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat[stat.rfind(')')? + 2..]
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Whether `ancestor` is among the first parents of `pid` (the emulator
/// runs `cargo run`, which runs the function).
fn descends_from(pid: u32, ancestor: u32) -> bool {
    let mut p = pid;
    for _ in 0..6 {
        match parent_of(p) {
            Some(up) if up == ancestor => return true,
            Some(up) if up > 1 => p = up,
            _ => return false,
        }
    }
    false
}

/// CPU ticks of the turn function's processes (the `turn` binary of this
/// checkout's target directory, run by this stack's emulator: another
/// stack of the same checkout has its own), by pid: the most each was
/// seen using.
fn sample_turn_cpu(emulator: u32, seen: &mut HashMap<u32, u64>) {
    let root = crate::env::repo_root();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return;
    };
    for entry in dir.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // pid (comm) state ppid pgrp session … utime(14) stime(15)
        let Some(close) = stat.rfind(')') else {
            continue;
        };
        let comm = &stat[stat.find('(').map_or(0, |i| i + 1)..close];
        let fields: Vec<&str> = stat[close + 2..].split_whitespace().collect();
        let ours = std::fs::read_link(format!("/proc/{pid}/exe"))
            .is_ok_and(|exe| exe.starts_with(&root) && exe.ends_with("debug/turn"));
        if comm != "turn" || !ours || !descends_from(pid, emulator) {
            continue;
        }
        let ticks = fields
            .get(11)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
            + fields
                .get(12)
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0);
        let e = seen.entry(pid).or_default();
        *e = (*e).max(ticks);
    }
}

fn turn_pids(emulator: u32) -> Vec<u32> {
    let mut seen = HashMap::new();
    sample_turn_cpu(emulator, &mut seen);
    seen.into_keys().collect()
}

async fn standin(
    http: &reqwest::Client,
    base: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) {
    let mut req = http.request(method, format!("{base}{path}"));
    if let Some(b) = body {
        req = req.json(&b);
    }
    if let Err(e) = req.send().await {
        eprintln!("loadtest: stand-in call {path} failed: {e}");
    }
}

/// The faults, at fixed fractions of the run: Twilio 429 (15–25%), Twilio
/// 503 (30–38%), LLM hanging (45–60%), the turn function killed at 70%.
async fn faults(plan: Arc<Plan>, events: Arc<Mutex<Vec<String>>>) {
    let http = reqwest::Client::new();
    let at = |f: f64| plan.duration.mul_f64(f);
    let t0 = Instant::now();
    let until = |d: Duration| tokio::time::sleep_until((t0 + d).into());
    let note = |s: String| {
        eprintln!("loadtest: {s}");
        events.lock().unwrap().push(s);
    };
    let tw = plan.twilio.as_str();
    until(at(0.15)).await;
    standin(
        &http,
        tw,
        reqwest::Method::POST,
        "/_standin/fail",
        Some(json!({"op": "messages", "mode": "error", "status": 429, "times": 0})),
    )
    .await;
    note(format!(
        "{:>5.0} s  Twilio answers 429 to every message",
        t0.elapsed().as_secs_f64()
    ));
    until(at(0.25)).await;
    standin(&http, tw, reqwest::Method::DELETE, "/_standin/fail", None).await;
    standin(
        &http,
        tw,
        reqwest::Method::POST,
        "/_standin/fail",
        Some(json!({"op": "messages", "mode": "error", "status": 503, "times": 0})),
    )
    .await;
    note(format!(
        "{:>5.0} s  Twilio answers 503 to every message",
        t0.elapsed().as_secs_f64()
    ));
    until(at(0.38)).await;
    standin(&http, tw, reqwest::Method::DELETE, "/_standin/fail", None).await;
    note(format!(
        "{:>5.0} s  Twilio back",
        t0.elapsed().as_secs_f64()
    ));
    if let Some(llm) = plan.llm.as_deref() {
        until(at(0.45)).await;
        standin(
            &http,
            llm,
            reqwest::Method::POST,
            "/_standin/fail",
            Some(json!({"mode": "timeout"})),
        )
        .await;
        note(format!("{:>5.0} s  LLM hangs", t0.elapsed().as_secs_f64()));
        until(at(0.60)).await;
        standin(&http, llm, reqwest::Method::DELETE, "/_standin/fail", None).await;
        note(format!("{:>5.0} s  LLM back", t0.elapsed().as_secs_f64()));
    }
    until(at(0.70)).await;
    match emulator_pid(&plan.lambda_pid_file) {
        Some(emulator) => {
            let pids = turn_pids(emulator);
            for pid in &pids {
                let _ = std::process::Command::new("kill")
                    .args(["-KILL", &pid.to_string()])
                    .status();
            }
            note(format!(
                "{:>5.0} s  turn function killed (SIGKILL, pid {pids:?})",
                t0.elapsed().as_secs_f64()
            ));
        }
        None => note("no .local/lambda.pid: the turn function was not killed".into()),
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Sums of the EMF metrics the turn function wrote (lines of the lambda
/// log holding `"_aws"`), from byte `from` on.
fn emf_sums(log: &PathBuf, from: u64, service: &str) -> BTreeMap<String, f64> {
    let mut sums = BTreeMap::new();
    let Ok(bytes) = std::fs::read(log) else {
        return sums;
    };
    let text = String::from_utf8_lossy(&bytes[(from as usize).min(bytes.len())..]).into_owned();
    for line in text.lines().filter(|l| l.contains("\"_aws\"")) {
        let Some(start) = line.find('{') else {
            continue;
        };
        let Ok(v) = serde_json::from_str::<Value>(&line[start..]) else {
            continue;
        };
        if v["Service"] != service {
            continue;
        }
        for m in v["_aws"]["CloudWatchMetrics"][0]["Metrics"]
            .as_array()
            .into_iter()
            .flatten()
        {
            if let Some(name) = m["Name"].as_str() {
                *sums.entry(name.to_string()).or_default() += v[name].as_f64().unwrap_or(0.0);
            }
        }
    }
    sums
}

/// How many times restart-lambda.sh started a new emulator, from its
/// markers in the lambda log after byte `from`.
fn emulator_restarts(log: &PathBuf, from: u64) -> usize {
    let Ok(bytes) = std::fs::read(log) else {
        return 0;
    };
    String::from_utf8_lossy(&bytes[(from as usize).min(bytes.len())..])
        .lines()
        .filter(|l| l.contains("restart-lambda.sh: new emulator"))
        .count()
}

async fn queue_depth(sqs: &aws_sdk_sqs::Client, url: &str) -> Result<(i64, i64), String> {
    use aws_sdk_sqs::types::QueueAttributeName as A;
    let out = sqs
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(A::ApproximateNumberOfMessages)
        .attribute_names(A::ApproximateNumberOfMessagesNotVisible)
        .send()
        .await
        .map_err(|e| aws_sdk_sqs::error::DisplayErrorContext(e).to_string())?;
    let get = |a: A| {
        out.attributes()
            .and_then(|m| m.get(&a))
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    };
    Ok((
        get(A::ApproximateNumberOfMessages),
        get(A::ApproximateNumberOfMessagesNotVisible),
    ))
}

async fn outbox(store: &Store, businesses: &[Business]) -> Result<Vec<OutboxRecord>, String> {
    let mut all = Vec::new();
    for b in businesses {
        all.extend(
            store
                .outbox_with_prefix(b.org.id, "", 100_000)
                .await
                .map_err(|e| e.to_string())?,
        );
    }
    Ok(all)
}

pub async fn run(store: Store, sqs: aws_sdk_sqs::Client, plan: Plan) -> Outcome {
    let mut out = Outcome::default();
    let plan = Arc::new(plan);
    let http = reqwest::Client::new();
    let now = Utc::now();
    let businesses = match seed(&store, &plan, now).await {
        Ok(b) => b,
        Err(e) => {
            out.failures.push(e);
            return out;
        }
    };
    let senders = senders(&plan, &businesses);
    standin(
        &http,
        &plan.twilio,
        reqwest::Method::DELETE,
        "/_standin/calls",
        None,
    )
    .await;
    if let Some(llm) = &plan.llm {
        standin(&http, llm, reqwest::Method::DELETE, "/_standin/calls", None).await;
    }
    let log_start = std::fs::metadata(&plan.lambda_log)
        .map(|m| m.len())
        .unwrap_or(0);
    eprintln!(
        "loadtest: {} messages from {} customers and {} staff to {} businesses over {} s",
        senders.iter().map(|s| s.script.len()).sum::<usize>(),
        senders.iter().filter(|s| !s.staff).count(),
        senders.iter().filter(|s| s.staff).count(),
        businesses.len(),
        plan.duration.as_secs()
    );

    // CPU of the turn processes, sampled every half second until the end.
    let cpu: Arc<Mutex<HashMap<u32, u64>>> = Arc::default();
    let sampling = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let sampler = {
        let (cpu, sampling, pid_file) =
            (cpu.clone(), sampling.clone(), plan.lambda_pid_file.clone());
        Some(tokio::spawn(async move {
            while sampling.load(std::sync::atomic::Ordering::Relaxed) {
                if let Some(emulator) = emulator_pid(&pid_file) {
                    sample_turn_cpu(emulator, &mut cpu.lock().unwrap());
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }))
    };

    let started = Instant::now();
    let sent: Arc<Mutex<Vec<Sent>>> = Arc::default();
    let events: Arc<Mutex<Vec<String>>> = Arc::default();
    let fault_task = tokio::spawn(faults(plan.clone(), events.clone()));
    let tasks: Vec<_> = senders
        .into_iter()
        .map(|s| {
            let to = businesses[s.business].number.clone();
            tokio::spawn(drive(s, plan.clone(), to, sent.clone()))
        })
        .collect();
    for t in tasks {
        let _ = t.await;
    }
    let _ = fault_task.await;
    let sending = started.elapsed();
    let sent = sent.lock().unwrap().clone();
    eprintln!(
        "loadtest: {} messages posted in {:.0} s; waiting for the pipeline to drain",
        sent.len(),
        sending.as_secs_f64()
    );

    // Drain: every message's first reply recorded, the queue empty, no
    // message still pending at Twilio.
    let deadline = Instant::now() + plan.drain;
    let mut records;
    loop {
        records = outbox(&store, &businesses).await.unwrap_or_default();
        let keys: std::collections::HashSet<&str> =
            records.iter().map(|r| r.key.as_str()).collect();
        let missing = sent
            .iter()
            .filter(|s| !keys.contains(format!("{}#0", s.sid).as_str()))
            .count();
        let pending = records
            .iter()
            .filter(|r| r.status == parlo_store::DeliveryStatus::Pending)
            .count();
        let (visible, in_flight) = queue_depth(&sqs, &plan.turn_queue_url)
            .await
            .unwrap_or((-1, -1));
        if missing == 0 && pending == 0 && visible == 0 && in_flight == 0 {
            break;
        }
        if Instant::now() > deadline {
            eprintln!("loadtest: drain timed out: {missing} without a reply, {pending} pending, queue {visible}+{in_flight}");
            break;
        }
        tokio::time::sleep(Duration::from_secs(3)).await;
    }
    let drained = started.elapsed();
    sampling.store(false, std::sync::atomic::Ordering::Relaxed);
    if let Some(s) = sampler {
        let _ = s.await;
    }

    // ---- invariants -------------------------------------------------------
    let fail = |out: &mut Outcome, s: String| {
        eprintln!("loadtest: FAILED: {s}");
        out.failures.push(s);
    };
    let refused = sent.iter().filter(|s| s.status != 200).count();
    if refused > 0 {
        fail(&mut out, format!("{refused} webhooks never answered 200"));
    }
    // One turn per inbound message: stored once in its conversation, with
    // its turn's replies saved on the inbound record.
    let mut stored: HashMap<String, usize> = HashMap::new();
    for b in &businesses {
        let mut cursor = None;
        loop {
            let page = match store
                .list_conversations(b.org.id, 100, cursor.as_deref())
                .await
            {
                Ok(p) => p,
                Err(e) => {
                    fail(&mut out, format!("listing conversations: {e}"));
                    break;
                }
            };
            for c in &page.items {
                let mut mc = None;
                loop {
                    let Ok(msgs) = store
                        .list_messages(b.org.id, c.id, 500, mc.as_deref())
                        .await
                    else {
                        break;
                    };
                    for m in &msgs.items {
                        if m.direction == Direction::Inbound {
                            if let Some(sid) = &m.provider_id {
                                *stored.entry(sid.clone()).or_default() += 1;
                            }
                        }
                    }
                    mc = msgs.next;
                    if mc.is_none() {
                        break;
                    }
                }
            }
            cursor = page.next;
            if cursor.is_none() {
                break;
            }
        }
    }
    let mut not_once = Vec::new();
    let mut no_turn = Vec::new();
    for s in &sent {
        if stored.get(&s.sid).copied().unwrap_or(0) != 1 {
            not_once.push(format!(
                "{} ({}x)",
                s.sid,
                stored.get(&s.sid).copied().unwrap_or(0)
            ));
        }
        match store.turn_replies::<Value>(&s.sid).await {
            Ok(Some(_)) => {}
            _ => no_turn.push(s.sid.clone()),
        }
    }
    if !not_once.is_empty() {
        fail(
            &mut out,
            format!(
                "{} inbound messages not stored exactly once: {:?}",
                not_once.len(),
                &not_once[..not_once.len().min(5)]
            ),
        );
    }
    if !no_turn.is_empty() {
        fail(
            &mut out,
            format!(
                "{} inbound messages without a finished turn: {:?}",
                no_turn.len(),
                &no_turn[..no_turn.len().min(5)]
            ),
        );
    }
    let keys: std::collections::HashSet<&str> = records.iter().map(|r| r.key.as_str()).collect();
    let unanswered: Vec<&str> = sent
        .iter()
        .filter(|s| !keys.contains(format!("{}#0", s.sid).as_str()))
        .map(|s| s.sid.as_str())
        .collect();
    if !unanswered.is_empty() {
        fail(
            &mut out,
            format!(
                "{} inbound messages got no reply: {:?}",
                unanswered.len(),
                &unanswered[..unanswered.len().min(5)]
            ),
        );
    }
    // Every reply and notification handed to Twilio exactly once.
    let calls: Value = match http
        .get(format!("{}/_standin/calls", plan.twilio))
        .send()
        .await
    {
        Ok(r) => r.json().await.unwrap_or(Value::Null),
        Err(e) => {
            fail(
                &mut out,
                format!("reading the Twilio stand-in's calls: {e}"),
            );
            Value::Null
        }
    };
    let message_calls: Vec<&Value> = calls["calls"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| {
            c["path"]
                .as_str()
                .is_some_and(|p| p.ends_with("/Messages.json"))
        })
        .collect();
    let mut accepted: HashMap<&str, usize> = HashMap::new();
    let mut by_status: BTreeMap<u64, usize> = BTreeMap::new();
    for c in &message_calls {
        *by_status
            .entry(c["status"].as_u64().unwrap_or(0))
            .or_default() += 1;
        if c["status"]
            .as_u64()
            .is_some_and(|s| (200..300).contains(&s))
        {
            if let Some(sid) = c["sid"].as_str() {
                *accepted.entry(sid).or_default() += 1;
            }
        }
    }
    let mut unsent = Vec::new();
    let mut twice = 0usize;
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for r in &records {
        *kinds
            .entry(r.kind.clone().unwrap_or_else(|| "?".into()))
            .or_default() += 1;
        if r.status == parlo_store::DeliveryStatus::NotSendable {
            continue;
        }
        match r
            .provider_sid
            .as_deref()
            .map(|sid| accepted.get(sid).copied().unwrap_or(0))
        {
            Some(1) => {}
            Some(0) | None => unsent.push(format!("{} ({:?})", r.key, r.status)),
            Some(_) => twice += 1,
        }
    }
    let handed: usize = accepted.values().sum();
    let recorded = records.iter().filter(|r| r.provider_sid.is_some()).count();
    if !unsent.is_empty() {
        fail(
            &mut out,
            format!(
                "{} outbox records never accepted by Twilio: {:?}",
                unsent.len(),
                &unsent[..unsent.len().min(5)]
            ),
        );
    }
    if twice > 0 || handed != recorded {
        fail(&mut out, format!("messages sent more than once: {twice} records accepted twice; Twilio accepted {handed} messages for {recorded} records"));
    }
    // No overlapping appointments.
    let mut active = 0;
    for b in &businesses {
        match store.all_appointments(b.org.id).await {
            Ok(list) => {
                let mut by_resource: BTreeMap<String, Vec<&Appointment>> = BTreeMap::new();
                for a in list.iter().filter(|a| a.status.occupies_time()) {
                    active += 1;
                    by_resource
                        .entry(format!("staff {}", a.staff_id))
                        .or_default()
                        .push(a);
                    if let Some(p) = a.spot_id {
                        by_resource.entry(format!("spot {p}")).or_default().push(a);
                    }
                }
                for (resource, mut list) in by_resource {
                    list.sort_by_key(|a| a.start);
                    for w in list.windows(2) {
                        if w[0].busy_until() > w[1].start {
                            fail(
                                &mut out,
                                format!("{resource}: {} overlaps {}", w[0].id, w[1].id),
                            );
                        }
                    }
                }
            }
            Err(e) => fail(&mut out, format!("listing appointments: {e}")),
        }
    }
    // Queues empty after recovery.
    for (name, url) in [
        ("turn queue", &plan.turn_queue_url),
        ("dead-letter queue", &plan.turn_dlq_url),
    ] {
        match queue_depth(&sqs, url).await {
            Ok((0, 0)) => {}
            Ok((v, i)) => fail(
                &mut out,
                format!("{name} not empty: {v} visible, {i} in flight"),
            ),
            Err(e) => fail(&mut out, format!("{name}: {e}")),
        }
    }

    // ---- figures ----------------------------------------------------------
    let created: HashMap<&str, DateTime<Utc>> = records
        .iter()
        .map(|r| (r.key.as_str(), r.created_at))
        .collect();
    let mut latencies: Vec<f64> = sent
        .iter()
        .filter_map(|s| {
            created
                .get(format!("{}#0", s.sid).as_str())
                .map(|t| (*t - s.posted_at).num_milliseconds() as f64)
        })
        .collect();
    latencies.sort_by(|a, b| a.total_cmp(b));
    let last_reply = records.iter().map(|r| r.created_at).max();
    let first_post = sent.iter().map(|s| s.posted_at).min();
    let span = match (first_post, last_reply) {
        (Some(a), Some(b)) => (b - a).num_milliseconds() as f64 / 1000.0,
        _ => f64::NAN,
    };
    let emf = emf_sums(
        &plan.lambda_log,
        log_start,
        parlo_telemetry::names::service::TURN,
    );
    let g = |k: &str| emf.get(k).copied().unwrap_or(0.0);
    let turns = g(parlo_telemetry::names::TURNS_PROCESSED);
    let ticks: u64 = cpu.lock().unwrap().values().sum();
    let clk_tck = std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .trim()
                .parse::<f64>()
                .ok()
        })
        .unwrap_or(100.0);
    let cpu_ms = ticks as f64 * 1000.0 / clk_tck;
    let llm_calls: Value = match &plan.llm {
        Some(l) => match http.get(format!("{l}/_standin/calls")).send().await {
            Ok(r) => r.json().await.unwrap_or(Value::Null),
            Err(_) => Value::Null,
        },
        None => Value::Null,
    };
    let mut r = String::new();
    use std::fmt::Write;
    let _ = writeln!(r, "| figure | value |\n|---|---|");
    let _ = writeln!(
        r,
        "| messages sent (customers + staff) | {} ({} businesses, {} customers, {} staff) |",
        sent.len(),
        plan.businesses,
        plan.customers,
        plan.staff
    );
    let _ = writeln!(
        r,
        "| planned spread / all posted / drained | {} s / {:.0} s / {:.0} s |",
        plan.duration.as_secs(),
        sending.as_secs_f64(),
        drained.as_secs_f64()
    );
    let _ = writeln!(
        r,
        "| throughput (first webhook → last reply recorded) | {:.2} turns/s over {:.0} s |",
        sent.len() as f64 / span,
        span
    );
    let _ = writeln!(r, "| webhook → first reply recorded | p50 {:.0} ms, p90 {:.0} ms, p99 {:.0} ms, max {:.0} ms ({} replies) |", percentile(&latencies, 50.0), percentile(&latencies, 90.0), percentile(&latencies, 99.0), latencies.last().copied().unwrap_or(f64::NAN), latencies.len());
    let _ = writeln!(r, "| turns processed (EMF `TurnsProcessed`, redeliveries included) | {turns:.0}; failed {:.0}, poisoned {:.0} |", g(parlo_telemetry::names::TURNS_FAILED), g(parlo_telemetry::names::TURNS_POISONED));
    let _ = writeln!(
        r,
        "| DynamoDB requests per turn (EMF `DynamoDBRequests` / `TurnsProcessed`) | {:.1} |",
        g(parlo_telemetry::names::DYNAMODB_REQUESTS) / turns.max(1.0)
    );
    let _ = writeln!(r, "| turn function CPU per turn (user+sys of the `turn` processes / turns; debug build) | {:.1} ms ({:.1} s in {} processes) |", cpu_ms / turns.max(1.0), cpu_ms / 1000.0, cpu.lock().unwrap().len());
    let _ = writeln!(
        r,
        "| agent used | rules {:.0}, LLM {:.0}, fallback {:.0} |",
        g(parlo_telemetry::names::AGENT_RULES),
        g(parlo_telemetry::names::AGENT_LLM),
        g(parlo_telemetry::names::AGENT_FALLBACK)
    );
    let _ = writeln!(r, "| LLM stand-in calls | {llm_calls} |");
    let _ = writeln!(
        r,
        "| Twilio stand-in: Messages.json answers by status | {by_status:?} |"
    );
    let _ = writeln!(
        r,
        "| provider answers seen by Parlo (EMF) | 2xx {:.0}, 429 {:.0}, 5xx {:.0} |",
        g(parlo_telemetry::names::PROVIDER_2XX),
        g(parlo_telemetry::names::PROVIDER_429),
        g(parlo_telemetry::names::PROVIDER_5XX)
    );
    let _ = writeln!(r, "| outbox records by kind | {kinds:?} |");
    let _ = writeln!(r, "| active appointments checked for overlaps | {active} |");
    let _ = writeln!(
        r,
        "| invariants | {} |",
        if out.failures.is_empty() {
            "all held".to_string()
        } else {
            format!("{} FAILED", out.failures.len())
        }
    );
    let _ = writeln!(r, "\nFaults:\n");
    for e in events.lock().unwrap().iter() {
        let _ = writeln!(r, "- {e}");
    }
    let _ = writeln!(
        r,
        "- the gateway restarted the Lambda runtime emulator {} time(s) after an invocation outlived its function's timeout (infra/scripts/restart-lambda.sh)",
        emulator_restarts(&plan.lambda_log, log_start)
    );
    out.report = r;
    out
}
