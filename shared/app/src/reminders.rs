//! The reminders function: what a fired schedule does.
//!
//! Every job re-reads what it is about and acts only if it still applies
//! (an appointment's status and start unchanged since the schedule was
//! made, the business's settings still asking for it), then claims the job
//! (`JOB#<key>`, a conditional write) before sending, and sends through
//! the idempotent outbox under the same key: a repeated invocation (a
//! Scheduler retry, a duplicate fire) sends nothing twice.
//!
//! Messages go through the services layer's outbox and message policy:
//! outside the 24-hour customer-service window only as the kind's approved
//! template (ContentSid + ContentVariables), else recorded as not sendable.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use parlo_core::es::format;
use parlo_core::time::{local_date, utc_to_local};
use parlo_core::*;
use parlo_store::{FollowupStatus, JobClaim, JobStatus, Store, StoreError};
use serde::Serialize;
use serde_json::json;

use crate::agenda;
use crate::clock::Clock;
use crate::day::Schedule;
use crate::messenger::Messenger;
use crate::schedules::{business_zone, AppointmentJob, Job, Schedules};
use crate::services::conversations::{self, Lapse, Opening, Peer};
use crate::services::{Biz, Delivery, MessageKind, Outbox, OutboxError, Outgoing, Templates};

/// The state the review request leaves the rating flow in.
pub const RATING_AWAITING: &str = "awaiting_rating";

#[derive(Debug, thiserror::Error)]
pub enum ReminderError {
    #[error("bad payload: {0}")]
    Payload(String),
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// Twilio unavailable after its own retries: Scheduler retries the
    /// invocation with backoff.
    #[error("sending: {0}")]
    Send(String),
    /// A concurrent delivery of the same job is running: Scheduler retries
    /// this one later, when it is finished or its claimer is presumed dead.
    #[error("job {0} is in flight in another invocation")]
    InFlight(String),
}

/// What one invocation did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub job: String,
    /// `sent`, `skipped`, `already_done`, `failed`.
    pub status: &'static str,
    pub sent: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Outcome {
    fn skipped(job: &str, why: impl Into<String>) -> Self {
        Self {
            job: job.into(),
            status: "skipped",
            sent: 0,
            detail: Some(why.into()),
        }
    }
}

pub struct Reminders {
    pub store: Store,
    pub messenger: Messenger,
    pub clock: Clock,
    pub schedules: Schedules,
    pub templates: Templates,
    /// Number provisioning's scheduled steps (retries, sender polls).
    pub provisioning: Option<std::sync::Arc<crate::services::onboarding::ProvisioningRunner>>,
}

/// One message to send.
struct Send<'a> {
    key: String,
    to: &'a str,
    text: String,
    kind: MessageKind,
    /// The template's variables (outside the 24-hour window).
    vars: Vec<String>,
    /// The recipient's conversation (window check, history).
    conversation: Option<&'a Conversation>,
}

impl Reminders {
    /// Handles one schedule payload as one unit of work: a correlation id
    /// derived from the payload (the same on Scheduler's retries), its
    /// logs in a span carrying it, one metrics line (EMF) at the end.
    pub async fn handle(&self, payload: serde_json::Value) -> Result<Outcome, ReminderError> {
        use parlo_telemetry::{names, Recorder, Unit};
        use tracing::Instrument;
        let started = std::time::Instant::now();
        let correlation_id = format!(
            "job-{}",
            parlo_core::ids::derived_id(&[&payload.to_string()])
        );
        let span = tracing::info_span!("job", correlation_id = %correlation_id);
        let requests_before = self.store.requests();
        let recorder = Recorder::new(names::service::REMINDERS, correlation_id).with_zero(&[
            names::REMINDERS_FIRED,
            names::REMINDERS_SKIPPED,
            names::JOBS_FAILED,
        ]);
        let (result, mut recorder) =
            parlo_telemetry::scope(recorder, self.run(payload).instrument(span)).await;
        let outcome_metric = match &result {
            Ok(o) if o.status == "sent" => names::REMINDERS_FIRED,
            Ok(o) if o.status == "already_done" => names::REMINDERS_ALREADY_DONE,
            Ok(o) if o.status == "failed" => names::JOBS_FAILED,
            Ok(_) => names::REMINDERS_SKIPPED,
            Err(_) => names::JOBS_FAILED,
        };
        recorder.add(outcome_metric, Unit::Count, 1.0);
        recorder.add(
            names::DYNAMODB_REQUESTS,
            Unit::Count,
            (self.store.requests() - requests_before) as f64,
        );
        recorder.add(
            names::JOB_DURATION,
            Unit::Milliseconds,
            crate::telemetry::elapsed_ms(started) as f64,
        );
        recorder.emit();
        result
    }

    async fn run(&self, payload: serde_json::Value) -> Result<Outcome, ReminderError> {
        let job: Job =
            serde_json::from_value(payload).map_err(|e| ReminderError::Payload(e.to_string()))?;
        match job {
            Job::Appointment {
                kind,
                org_id,
                appointment_id,
                start,
            } => self.appointment(kind, org_id, appointment_id, start).await,
            Job::DailySummary {
                org_id,
                scheduled_time,
            } => {
                let at = scheduled_time
                    .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
                    .map(|t| t.with_timezone(&Utc))
                    .unwrap_or_else(|| self.clock.now());
                self.daily_summary(org_id, at).await
            }
            Job::MissedCall { org_id, call_sid } => self.missed_call(org_id, &call_sid).await,
            Job::HandoffRelay { org_id, phone } => self.handoff_relay(org_id, &phone).await,
            Job::HandoffLapse {
                org_id,
                phone,
                until,
            } => self.handoff_lapse(org_id, &phone, until).await,
            Job::Provision { org_id } => {
                let Some(runner) = &self.provisioning else {
                    return Ok(Outcome::skipped("provision", "provisioning not configured"));
                };
                let progress = runner
                    .run(org_id, self.clock.now())
                    .await
                    .map_err(|e| ReminderError::Send(e.to_string()))?;
                Ok(Outcome {
                    job: "provision".into(),
                    status: "sent",
                    sent: 0,
                    detail: Some(format!("{progress:?}")),
                })
            }
        }
    }

    async fn appointment(
        &self,
        kind: AppointmentJob,
        org_id: OrgId,
        id: AppointmentId,
        start: DateTime<Utc>,
    ) -> Result<Outcome, ReminderError> {
        let name = kind.slug();
        let (org, appt) = tokio::try_join!(
            self.store.get_organization(org_id),
            self.store.get_appointment(org_id, id)
        )?;
        let (Some(org), Some(appt)) = (org, appt) else {
            return Ok(Outcome::skipped(name, "appointment not found"));
        };
        if appt.start.timestamp() != start.timestamp() {
            return Ok(Outcome::skipped(name, "appointment moved"));
        }
        if !kind.applies(&org, appt.status) {
            return Ok(Outcome::skipped(
                name,
                format!("does not apply ({:?})", appt.status),
            ));
        }
        let key = format!("appt:{id}:{name}:{}", start.timestamp());
        let now = self.clock.now();
        match self.store.claim_job(org.id, &key, now).await? {
            JobClaim::Run => {}
            JobClaim::InFlight => return Err(ReminderError::InFlight(key)),
            JobClaim::Finished(rec) => {
                return Ok(Outcome {
                    job: name.into(),
                    status: "already_done",
                    sent: 0,
                    detail: Some(format!("{:?}", rec.status)),
                })
            }
        }
        let (customer, service, staff) = tokio::try_join!(
            self.store.get_customer(org.id, appt.customer_id),
            self.store.get_service(org.id, appt.service_id),
            self.store.get_staff(org.id, appt.staff_id),
        )?;
        let tz = business_zone(&org);
        let today = local_date(tz, now);
        let local = utc_to_local(tz, appt.start);
        let service_name = service.map_or_else(|| "tu servicio".to_string(), |s| s.name);
        let staff_name = staff.as_ref().map(|s| s.name.clone()).unwrap_or_default();
        let customer_name = customer
            .as_ref()
            .and_then(|c| c.name.clone())
            .unwrap_or_default();
        let locale = org.locale();
        let when = format!(
            "{} {}",
            format::day_label_with_weekday(local.date(), today),
            locale.at_time(local.time())
        );

        let sent = match kind {
            AppointmentJob::NoShowCheck => {
                let Some(staff) = staff.filter(|s| s.is_active) else {
                    return self.finish(&org, &key, name, "no staff member", now).await;
                };
                let who = if customer_name.is_empty() {
                    "tu cliente".to_string()
                } else {
                    customer_name.clone()
                };
                let text = format!(
                    "¿Llegó {who} a su cita de {service_name} de las {}? Si no vino, respóndeme «{who} no llegó» y la marco como no asistida.",
                    locale.time(local.time())
                );
                let conversation = self.store.get_conversation(org.id, &staff.phone).await?;
                self.send(
                    &org,
                    Send {
                        key: key.clone(),
                        to: &staff.phone,
                        kind: MessageKind::NoShowCheck,
                        vars: vec![who.clone(), service_name.clone(), locale.time(local.time())],
                        text,
                        conversation: conversation.as_ref(),
                    },
                    now,
                )
                .await?
            }
            _ => {
                let Some(customer) = customer.filter(|c| c.phone.starts_with('+')) else {
                    return self
                        .finish(&org, &key, name, "customer without a phone", now)
                        .await;
                };
                let hello = if customer_name.is_empty() {
                    "¡Hola!".to_string()
                } else {
                    format!("¡Hola, {customer_name}!")
                };
                let with = if staff_name.is_empty() {
                    String::new()
                } else {
                    format!(" con {staff_name}")
                };
                let (text, message_kind, vars) = match kind {
                    AppointmentJob::Reminder => (
                        format!(
                            "{hello} Te recuerdo tu cita de {service_name} {when}{with} en {}. Si necesitas cambiarla o cancelarla, respóndeme por aquí.",
                            org.name
                        ),
                        MessageKind::AppointmentReminder,
                        vec![
                            customer_name.clone(),
                            service_name.clone(),
                            when.clone(),
                            staff_name.clone(),
                            org.name.clone(),
                        ],
                    ),
                    AppointmentJob::SecondReminder => (
                        format!(
                            "⏰ {hello} Tu cita de {service_name} es {when} en {}. ¡Te esperamos!",
                            org.name
                        ),
                        MessageKind::AppointmentReminder,
                        vec![
                            customer_name.clone(),
                            service_name.clone(),
                            when.clone(),
                            staff_name.clone(),
                            org.name.clone(),
                        ],
                    ),
                    _ => (
                        format!(
                            "{hello} Gracias por visitarnos en {}. ¿Cómo calificarías tu {service_name} del 1 al 5?",
                            org.name
                        ),
                        MessageKind::ReviewRequest,
                        vec![customer_name.clone(), org.name.clone(), service_name.clone()],
                    ),
                };
                let conversation = self.customer_conversation(&org, &customer, now).await?;
                let sent = self
                    .send(
                        &org,
                        Send {
                            key: key.clone(),
                            to: &customer.phone,
                            text,
                            kind: message_kind,
                            vars,
                            conversation: Some(&conversation),
                        },
                        now,
                    )
                    .await?;
                match kind {
                    AppointmentJob::ReviewRequest => {
                        self.start_rating(&org, &conversation, appt.id, now).await?
                    }
                    AppointmentJob::Reminder => {
                        self.store.set_reminder_sent(org.id, appt.id, now).await?
                    }
                    _ => {}
                }
                sent
            }
        };
        self.store
            .finish_job(org.id, &key, JobStatus::Sent, None, now)
            .await?;
        Ok(Outcome {
            job: name.into(),
            status: "sent",
            sent: usize::from(sent),
            detail: None,
        })
    }

    async fn finish(
        &self,
        org: &Organization,
        key: &str,
        job: &str,
        why: &str,
        now: DateTime<Utc>,
    ) -> Result<Outcome, ReminderError> {
        self.store
            .finish_job(org.id, key, JobStatus::Skipped, Some(why.into()), now)
            .await?;
        Ok(Outcome::skipped(job, why))
    }

    /// The customer's conversation with the business (created like the
    /// turn function creates it, same id).
    async fn customer_conversation(
        &self,
        org: &Organization,
        customer: &Customer,
        now: DateTime<Utc>,
    ) -> Result<Conversation, ReminderError> {
        Ok(conversations::open(
            &self.store,
            org.id,
            Peer {
                phone: &customer.phone,
                kind: ConversationKind::Customer,
                customer_id: Some(customer.id),
                staff_id: None,
            },
            Opening::Outbound,
            now,
        )
        .await?)
    }

    /// The review request opens the rating flow (spec/001 flow 7) on the
    /// customer's conversation; the conversation agent takes it from there.
    async fn start_rating(
        &self,
        org: &Organization,
        conversation: &Conversation,
        appointment: AppointmentId,
        now: DateTime<Utc>,
    ) -> Result<(), ReminderError> {
        self.store
            .put_flow(&FlowSession {
                org_id: org.id,
                conversation_id: conversation.id,
                flow_type: FlowType::Rating,
                state: RATING_AWAITING.into(),
                collected_data: json!({ "appointment_id": appointment.to_string() }),
                created_at: now,
                updated_at: now,
            })
            .await?;
        Ok(())
    }

    /// Sends one message through the one outbox under `send.key` (the
    /// message policy picks text or template). `true` when it went out now,
    /// `false` when an earlier invocation sent it or it cannot be sent
    /// (recorded with the reason).
    async fn send(
        &self,
        org: &Organization,
        send: Send<'_>,
        now: DateTime<Utc>,
    ) -> Result<bool, ReminderError> {
        let Some(from) = org.whatsapp_number.clone() else {
            return Err(ReminderError::Send(
                "the business has no WhatsApp number".into(),
            ));
        };
        let outbox = Outbox {
            store: self.store.clone(),
            messenger: self.messenger.clone(),
            templates: self.templates.clone(),
            central_number: from.clone(),
        };
        let out = Outgoing {
            org_id: Some(org.id),
            timezone: &org.timezone,
            locale: Some(org.locale()),
            vars: send.vars,
            conversation: send.conversation,
            history: send.conversation.map(|_| SenderType::Ai),
            ..Outgoing::new(send.key, send.kind, from, send.to, send.text, now)
        };
        match outbox.deliver(out).await {
            Ok(d) => Ok(matches!(d, Delivery::Sent(_))),
            Err(OutboxError::Store(e)) => Err(e.into()),
            Err(OutboxError::Transient(e)) => Err(ReminderError::Send(e)),
        }
    }

    /// The services layer on this function's store, outbox and schedules,
    /// and a job's act at this instant under `key`.
    fn services(&self, key: String) -> (crate::services::Services, crate::services::Act) {
        let services = crate::services::Services::new(
            self.store.clone(),
            self.schedules.clone(),
            Outbox {
                store: self.store.clone(),
                messenger: self.messenger.clone(),
                templates: self.templates.clone(),
                central_number: String::new(),
            },
        );
        let act = crate::services::Act::new(
            crate::services::By::System,
            crate::services::Door::Job,
            key,
            self.clock.now(),
        );
        (services, act)
    }

    /// What a handed-off customer wrote, relayed to the team in one
    /// message (services' `flush_relay`; once per last message).
    async fn handoff_relay(&self, org_id: OrgId, phone: &str) -> Result<Outcome, ReminderError> {
        let (services, act) = self.services(format!("relay:{org_id}:{phone}"));
        let carried = services
            .flush_relay(&act, org_id, phone)
            .await
            .map_err(|e| ReminderError::Send(e.to_string()))?;
        Ok(Outcome {
            job: "handoff_relay".into(),
            status: if carried > 0 { "sent" } else { "skipped" },
            sent: carried,
            detail: None,
        })
    }

    /// A request for a person nobody took: the chat goes back to the
    /// assistant and the customer is told (services' `lapse_handoff`;
    /// once per request).
    async fn handoff_lapse(
        &self,
        org_id: OrgId,
        phone: &str,
        until: DateTime<Utc>,
    ) -> Result<Outcome, ReminderError> {
        let job = "handoff_lapse";
        let (services, act) = self.services(format!(
            "lapse:{org_id}:{phone}:{}",
            until.timestamp_millis()
        ));
        let lapse = services
            .lapse_handoff(&act, org_id, phone, until)
            .await
            .map_err(|e| ReminderError::Send(e.to_string()))?;
        Ok(match lapse {
            Lapse::Unchanged(why) => Outcome::skipped(job, why),
            Lapse::Returned(delivery) => Outcome {
                job: job.into(),
                status: match *delivery {
                    Delivery::Sent(_) | Delivery::AlreadySent(_) => "sent",
                    // A concurrent invocation is sending it.
                    Delivery::InFlight(_) => "already_done",
                    Delivery::NotSendable(_) | Delivery::Refused(_) => "failed",
                },
                sent: usize::from(matches!(*delivery, Delivery::Sent(_))),
                detail: None,
            },
        })
    }

    // ---- daily summary --------------------------------------------------------

    /// The owner's agenda of the day (and each opted-in staff member's own),
    /// once per business and local day. Also repairs the business's
    /// schedules left behind by failed calls.
    async fn daily_summary(
        &self,
        org_id: OrgId,
        at: DateTime<Utc>,
    ) -> Result<Outcome, ReminderError> {
        let job = "daily_summary";
        let Some(org) = self.store.get_organization(org_id).await? else {
            return Ok(Outcome::skipped(job, "business not found"));
        };
        if org.status != OrgStatus::Active {
            return Ok(Outcome::skipped(job, "business not active"));
        }
        match self.schedules.repair(&org).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(org_id = %org.id, repaired = n, "schedules repaired"),
            Err(e) => tracing::warn!(org_id = %org.id, error = %e, "schedule repair failed"),
        }
        let tz = business_zone(&org);
        let now = self.clock.now();
        let day = local_date(tz, at);
        let key = format!("daily:{day}");
        match self.store.claim_job(org.id, &key, now).await? {
            JobClaim::Run => {}
            JobClaim::InFlight => return Err(ReminderError::InFlight(key)),
            JobClaim::Finished(_) => {
                return Ok(Outcome {
                    job: job.into(),
                    status: "already_done",
                    sent: 0,
                    detail: None,
                })
            }
        }
        let (staff, services) = tokio::try_join!(
            self.store.list_staff(org.id),
            self.store.list_services(org.id)
        )?;
        let biz = Biz::new(&org, &staff, &services);
        let mut sent = 0;
        for member in staff.iter().filter(|s| s.is_active) {
            let is_owner = member.permission_level == PermissionLevel::Owner;
            let opted_in = org.settings.daily_summary_staff.contains(&member.id);
            if !is_owner && !opted_in {
                continue;
            }
            let only = (!is_owner).then_some(member.id);
            let today = local_date(tz, now);
            let schedule = crate::day::read(&self.store, biz, today, day, only).await?;
            let text = daily_summary_text(&member.name, &schedule, is_owner, tz, day, org.locale());
            let conversation = self.store.get_conversation(org.id, &member.phone).await?;
            if self
                .send(
                    &org,
                    Send {
                        key: format!("{key}:{}", member.id),
                        to: &member.phone,
                        kind: MessageKind::DailySummary,
                        vars: vec![
                            member.name.clone(),
                            schedule.label.clone(),
                            agenda_line(&schedule),
                        ],
                        text,
                        conversation: conversation.as_ref(),
                    },
                    now,
                )
                .await?
            {
                sent += 1;
            }
        }
        self.store
            .finish_job(org.id, &key, JobStatus::Sent, None, now)
            .await?;
        Ok(Outcome {
            job: job.into(),
            status: "sent",
            sent,
            detail: None,
        })
    }

    // ---- missed-call follow-up ------------------------------------------------

    async fn missed_call(&self, org_id: OrgId, call_sid: &str) -> Result<Outcome, ReminderError> {
        let job = "missed_call_followup";
        let (org, followup) = tokio::try_join!(
            self.store.get_organization(org_id),
            self.store.get_followup(org_id, call_sid)
        )?;
        let (Some(org), Some(mut followup)) = (org, followup) else {
            return Ok(Outcome::skipped(job, "follow-up not found"));
        };
        if followup.status != FollowupStatus::Queued {
            return Ok(Outcome {
                job: job.into(),
                status: "already_done",
                sent: 0,
                detail: Some(format!("{:?}", followup.status)),
            });
        }
        let now = self.clock.now();
        let key = format!("missed:{call_sid}");
        if !org.settings.missed_call.enabled {
            followup.status = FollowupStatus::Disabled;
            followup.updated_at = now;
            self.store.put_followup(&followup).await?;
            return Ok(Outcome::skipped(job, "automation switched off"));
        }
        match self.store.claim_job(org.id, &key, now).await? {
            JobClaim::Run => {}
            JobClaim::InFlight => return Err(ReminderError::InFlight(key)),
            JobClaim::Finished(_) => {
                return Ok(Outcome {
                    job: job.into(),
                    status: "already_done",
                    sent: 0,
                    detail: None,
                })
            }
        }
        let text = missed_call_text(&org);
        let conversation = self
            .store
            .get_conversation(org.id, &followup.caller)
            .await?;
        followup.attempts += 1;
        followup.updated_at = now;
        let result = self
            .send(
                &org,
                Send {
                    key: key.clone(),
                    to: &followup.caller,
                    text,
                    kind: MessageKind::MissedCallFollowup,
                    vars: vec![org.name.clone()],
                    conversation: conversation.as_ref(),
                },
                now,
            )
            .await;
        match result {
            Ok(delivered) => {
                followup.status = if delivered {
                    FollowupStatus::Sent
                } else {
                    FollowupStatus::Failed
                };
                followup.detail = (!delivered).then(|| "Twilio refused the message".into());
                self.store.put_followup(&followup).await?;
                let status = if delivered {
                    JobStatus::Sent
                } else {
                    JobStatus::Failed
                };
                self.store
                    .finish_job(org.id, &key, status, followup.detail.clone(), now)
                    .await?;
                Ok(Outcome {
                    job: job.into(),
                    status: if delivered { "sent" } else { "failed" },
                    sent: usize::from(delivered),
                    detail: followup.detail,
                })
            }
            Err(e) => {
                // Stays queued; Scheduler retries the invocation with backoff.
                followup.detail = Some(e.to_string());
                self.store.put_followup(&followup).await?;
                Err(e)
            }
        }
    }
}

/// The default missed-call message, or the business's own with
/// `{negocio}` filled in.
pub fn missed_call_text(org: &Organization) -> String {
    match org.settings.missed_call.message.as_deref().map(str::trim) {
        Some(m) if !m.is_empty() => m.replace("{negocio}", &org.name),
        _ => format!(
            "¡Hola! Vimos que llamaste a {} y no pudimos contestarte. Si quieres, agenda tu cita por aquí: dime qué servicio te interesa y qué día te acomoda.",
            org.name
        ),
    }
}

/// The daily summary: the agenda of the day in the format of the staff
/// agent's answers (spec/001 Example 4), from the shared renderer.
pub fn daily_summary_text(
    name: &str,
    schedule: &Schedule,
    whole_business: bool,
    tz: Tz,
    day: chrono::NaiveDate,
    locale: parlo_core::Locale,
) -> String {
    let first = name.split_whitespace().next().filter(|n| !n.is_empty());
    agenda::render(&agenda::Agenda {
        schedule,
        tz,
        today: day,
        reader: first,
        audience: if whole_business {
            agenda::Audience::Business
        } else {
            agenda::Audience::Own
        },
        gaps: &[],
        locale,
    })
}

/// A day's agenda on one line (a template variable cannot hold line
/// breaks): "10:00 AM Corte (Ana); 11:00 AM Barba (Luis)" or "sin citas".
fn agenda_line(schedule: &Schedule) -> String {
    let items: Vec<String> = schedule
        .items
        .iter()
        .map(|i| {
            let what = i.service.clone().unwrap_or_else(|| "bloqueo".into());
            match &i.customer {
                Some(c) => format!("{} {what} ({c})", i.time),
                None => format!("{} {what}", i.time),
            }
        })
        .collect();
    if items.is_empty() {
        "sin citas".into()
    } else {
        items.join("; ")
    }
}
