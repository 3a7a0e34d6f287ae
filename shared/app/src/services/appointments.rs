//! Appointment use cases: book, walk-in, move, cancel, complete, no-show.
//! Each writes through the store's ledger transactions and then does every
//! consequence, the same whichever door called:
//!
//! | change | by the customer | by the business (staff, panel) |
//! |---|---|---|
//! | booked | owners + assigned staff told | customer confirmed; assigned staff told (unless it is them) |
//! | walk-in | — | assigned staff told (unless it is them) |
//! | moved | owners + assigned staff told | customer told; old and new staff told (unless it is them) |
//! | cancelled | owners + assigned staff told | customer told; assigned staff told (unless it is them) |
//! | completed, no-show | — | nobody (the review request and no-show check are scheduled) |
//!
//! plus [`Schedules::sync`](crate::schedules::Schedules::sync) and one
//! activity-feed entry per change.

use chrono::Utc;
use parlo_core::es::format;
use parlo_core::time::{local_date, utc_to_local};
use parlo_core::*;
use parlo_store::{ActivityKind, BookRequest, RescheduleRequest, StoreError, WalkInRequest};

use super::outbox::Outgoing;
use super::policy::MessageKind;
use super::{Act, Biz, By, Services};

/// What happened to an appointment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Booked,
    WalkIn,
    Moved,
    Cancelled,
    Completed,
    NoShow,
}

impl Change {
    fn as_str(self) -> &'static str {
        match self {
            Change::Booked => "booked",
            Change::WalkIn => "walk_in",
            Change::Moved => "moved",
            Change::Cancelled => "cancelled",
            Change::Completed => "completed",
            Change::NoShow => "no_show",
        }
    }
}

type Result<T> = std::result::Result<T, StoreError>;

/// A booking or move that lost its slot to someone else (metrics).
fn count_conflict(e: &StoreError) {
    if matches!(e, StoreError::SlotTaken { .. }) {
        parlo_telemetry::count(parlo_telemetry::names::SLOT_TAKEN, 1);
    }
}

impl Change {
    /// The metric this change counts under, if any.
    fn metric(self) -> Option<&'static str> {
        use parlo_telemetry::names;
        match self {
            Change::Booked | Change::WalkIn => Some(names::BOOKINGS),
            Change::Cancelled => Some(names::CANCELLATIONS),
            Change::Moved => Some(names::RESCHEDULES),
            Change::Completed | Change::NoShow => None,
        }
    }
}

impl Services {
    /// Books; a customer booking for themself may hold at most the
    /// business's `max_open_per_customer` open appointments (staff and the
    /// panel may book past it).
    pub async fn book(&self, act: &Act, biz: Biz<'_>, req: &BookRequest) -> Result<Appointment> {
        let booked = match act.by {
            // The cap is checked by the booking's own read and write.
            By::Customer(_) => {
                let max = biz.org.settings.booking.max_open_per_customer.max(1);
                self.store.book_capped(req, max).await
            }
            _ => self.store.book(req).await,
        };
        let appt = booked.inspect_err(count_conflict)?;
        self.after(act, biz, Change::Booked, None, &appt).await;
        Ok(appt)
    }

    pub async fn walk_in(
        &self,
        act: &Act,
        biz: Biz<'_>,
        req: &WalkInRequest,
    ) -> Result<Appointment> {
        let appt = self.store.walk_in(req).await.inspect_err(count_conflict)?;
        self.after(act, biz, Change::WalkIn, None, &appt).await;
        Ok(appt)
    }

    /// Moves `before` (time, staff, spot) in one transaction.
    /// The one move of an appointment: a new start, staff member and/or
    /// service (its duration and price; checked at the new start), in one
    /// ledger transaction, so nothing changes when any part does not fit.
    pub async fn reschedule(
        &self,
        act: &Act,
        biz: Biz<'_>,
        before: &Appointment,
        req: &RescheduleRequest,
    ) -> Result<Appointment> {
        let appt = self
            .store
            .reschedule(req)
            .await
            .inspect_err(count_conflict)?;
        self.after(act, biz, Change::Moved, Some(before), &appt)
            .await;
        Ok(appt)
    }

    pub async fn cancel(
        &self,
        act: &Act,
        biz: Biz<'_>,
        before: &Appointment,
        reason: Option<String>,
    ) -> Result<Appointment> {
        let appt = self
            .store
            .cancel(biz.org.id, before.id, reason, act.now)
            .await?;
        self.after(act, biz, Change::Cancelled, Some(before), &appt)
            .await;
        Ok(appt)
    }

    pub async fn complete(
        &self,
        act: &Act,
        biz: Biz<'_>,
        id: AppointmentId,
    ) -> Result<Appointment> {
        let appt = self.store.complete(biz.org.id, id, act.now).await?;
        self.after(act, biz, Change::Completed, None, &appt).await;
        Ok(appt)
    }

    pub async fn no_show(&self, act: &Act, biz: Biz<'_>, id: AppointmentId) -> Result<Appointment> {
        let appt = self.store.no_show(biz.org.id, id, act.now).await?;
        self.after(act, biz, Change::NoShow, None, &appt).await;
        Ok(appt)
    }

    /// Every consequence of a committed change. Never fails the change:
    /// what cannot be done now is logged (schedules leave a repair marker;
    /// a message whose provider call failed stays pending in the outbox).
    async fn after(
        &self,
        act: &Act,
        biz: Biz<'_>,
        change: Change,
        before: Option<&Appointment>,
        appt: &Appointment,
    ) {
        if let Some(metric) = change.metric() {
            parlo_telemetry::count(metric, 1);
        }
        self.schedules.sync(biz.org, appt).await;
        let customer = match self.customer(biz.org.id, appt.customer_id).await {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "customer not read; notices worded without the name");
                None
            }
        };
        let words = Words::new(biz, appt, before, customer.as_ref(), act.now);
        self.record(act, biz, change, appt, &words).await;
        let notices = notices(act, biz, change, appt, before, customer.as_ref(), &words);
        // Each recipient's window: from the turn's first batch, else one
        // read of the missing conversations.
        let known = self.known_conversations();
        let recipients: Vec<&str> = notices
            .iter()
            .map(|n| n.0.as_str())
            .filter(|to| !known.iter().any(|(p, _)| p == to))
            .collect();
        let read = if recipients.is_empty() {
            Ok(Vec::new())
        } else {
            self.store.get_conversations(biz.org.id, &recipients).await
        };
        let conversations = match read {
            Ok(mut c) => {
                c.extend(known.into_iter().filter_map(|(_, c)| c));
                Some(c)
            }
            Err(e) => {
                tracing::warn!(error = %e, "recipients' conversations not read; each is looked up");
                None
            }
        };
        for (to, kind, text, vars) in notices {
            let conversation = conversations
                .as_ref()
                .and_then(|cs| cs.iter().find(|c| c.peer_phone == to));
            let key = format!(
                "{}:appt:{}:{}:{}",
                notice_key(act, change, appt),
                appt.id,
                change.as_str(),
                to
            );
            if let Some(deferred) = &self.deferred {
                let notice = super::Notice {
                    key,
                    kind,
                    from: biz.number(&self.outbox.central_number),
                    to,
                    text,
                    vars,
                    conversation: conversation.cloned(),
                    conversation_read: conversations.is_some(),
                };
                deferred
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .notices
                    .push(notice);
                continue;
            }
            let out = Outgoing {
                org_id: Some(biz.org.id),
                timezone: &biz.org.timezone,
                locale: Some(biz.locale()),
                vars,
                conversation,
                conversation_read: conversations.is_some(),
                ..Outgoing::new(
                    key,
                    kind,
                    biz.number(&self.outbox.central_number),
                    to,
                    text,
                    act.now,
                )
            };
            if let Err(e) = self.outbox.deliver(out).await {
                tracing::error!(error = %e, appointment_id = %appt.id, "notice not sent; left pending in the outbox");
            }
        }
    }

    async fn record(&self, act: &Act, biz: Biz<'_>, change: Change, appt: &Appointment, w: &Words) {
        let kind = match change {
            Change::Booked | Change::WalkIn => ActivityKind::Booking,
            Change::Moved => ActivityKind::Reschedule,
            Change::Cancelled => ActivityKind::Cancellation,
            Change::Completed | Change::NoShow => ActivityKind::Attendance,
        };
        let what = match change {
            Change::Booked => "cita agendada",
            Change::WalkIn => "cliente sin cita registrado",
            Change::Moved => "cita movida",
            Change::Cancelled => "cita cancelada",
            Change::Completed => "cita completada",
            Change::NoShow => "cliente no llegó",
        };
        self.note(
            act,
            Some(biz.org.id),
            kind,
            &[&appt.id.to_string(), change.as_str()],
            format!(
                "{}: {what} {} — {}, {} a las {}",
                biz.org.name,
                act.door_words(),
                w.service,
                w.date,
                w.time
            ),
        )
        .await;
    }
}

/// Notices are sent once per act (a retried turn or job has the same key;
/// the API keys a booking by its appointment id, so a retried POST with
/// the same `id` tells nobody twice).
fn notice_key(act: &Act, _change: Change, _appt: &Appointment) -> String {
    act.key.clone()
}

/// The words of an appointment's messages, in the business's zone.
struct Words {
    service: String,
    date: String,
    time: String,
    staff: String,
    before_date: String,
    before_time: String,
    /// "Ana López (+52 55 1234 5678)", or the number alone.
    who: String,
    /// The customer's first name, or "".
    first: String,
    business: String,
}

impl Words {
    fn new(
        biz: Biz<'_>,
        appt: &Appointment,
        before: Option<&Appointment>,
        customer: Option<&Customer>,
        now: chrono::DateTime<Utc>,
    ) -> Self {
        let today = local_date(biz.tz, now);
        let local = utc_to_local(biz.tz, appt.start);
        let prev = utc_to_local(biz.tz, before.map_or(appt.start, |b| b.start));
        let name = customer.and_then(|c| c.name.clone());
        let phone = customer
            .filter(|c| c.phone.starts_with('+'))
            .map(|c| format::phone(&c.phone));
        let who = match (&name, &phone) {
            (Some(n), Some(p)) => format!("{n} ({p})"),
            (Some(n), None) => n.clone(),
            (None, Some(p)) => p.clone(),
            (None, None) => "Un cliente".into(),
        };
        Self {
            service: biz
                .services
                .iter()
                .find(|s| s.id == appt.service_id)
                .map_or_else(String::new, |s| s.name.clone()),
            date: format::date_long(local.date(), today),
            time: biz.locale().time(local.time()),
            staff: biz
                .staff(appt.staff_id)
                .map_or_else(String::new, |s| s.name.clone()),
            before_date: format::date_long(prev.date(), today),
            before_time: biz.locale().time(prev.time()),
            who,
            first: name
                .as_deref()
                .and_then(|n| n.split_whitespace().next())
                .unwrap_or("")
                .to_string(),
            business: biz.org.name.clone(),
        }
    }

    fn hello_name(&self) -> String {
        if self.first.is_empty() {
            String::new()
        } else {
            format!(" {}", self.first)
        }
    }

    fn team_vars(&self) -> Vec<String> {
        vec![
            self.business.clone(),
            self.who.clone(),
            self.service.clone(),
            self.date.clone(),
            self.time.clone(),
            self.staff.clone(),
        ]
    }
}

/// (recipient, kind, text, template variables).
type Notice = (String, MessageKind, String, Vec<String>);

/// A notice to the customer: (kind, text, template variables).
type Notice1 = (MessageKind, String, Vec<String>);

/// The notices of one change.
fn notices(
    act: &Act,
    biz: Biz<'_>,
    change: Change,
    appt: &Appointment,
    before: Option<&Appointment>,
    customer: Option<&Customer>,
    w: &Words,
) -> Vec<Notice> {
    let mut out: Vec<Notice> = Vec::new();
    let customer_phone = customer
        .map(|c| c.phone.clone())
        .filter(|p| p.starts_with('+'));
    let me = act.staff_id();
    // Team news goes once to each member, never to the customer themself.
    let push = |out: &mut Vec<Notice>, to: &str, kind, text: &str, vars: Vec<String>| {
        if Some(to) != customer_phone.as_deref() && !out.iter().any(|(t, ..)| t == to) {
            out.push((to.to_string(), kind, text.to_string(), vars));
        }
    };
    let assigned = biz.staff(appt.staff_id).filter(|s| s.is_active);
    let previous = before
        .and_then(|b| biz.staff(b.staff_id))
        .filter(|s| s.is_active);
    match (act.by, change) {
        (_, Change::Completed | Change::NoShow) => {}
        (By::Customer(_), _) => {
            let (kind, text) = match change {
                Change::Moved => (
                    MessageKind::TeamMove,
                    format!(
                        "🔁 {} cambió su cita de {}: antes {} a las {}, ahora {} a las {} con {}.",
                        w.who, w.service, w.before_date, w.before_time, w.date, w.time, w.staff
                    ),
                ),
                Change::Cancelled => (
                    MessageKind::TeamCancellation,
                    format!(
                        "❌ {} canceló su cita: {}, {} a las {} con {}.",
                        w.who, w.service, w.date, w.time, w.staff
                    ),
                ),
                _ => (
                    MessageKind::TeamBooking,
                    format!(
                        "📅 Nueva cita: {} — {}, {} a las {} con {}.",
                        w.who, w.service, w.date, w.time, w.staff
                    ),
                ),
            };
            for s in biz.owners().chain(assigned) {
                push(&mut out, &s.phone, kind, &text, w.team_vars());
            }
        }
        (by, _) => {
            let sender = match by {
                By::Staff(id) => biz
                    .staff(id)
                    .map(|s| s.name.split_whitespace().next().unwrap_or("").to_string())
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| "El equipo".into()),
                _ => "El equipo".into(),
            };
            let customer_name = customer
                .and_then(|c| c.name.clone())
                .unwrap_or_else(|| "un cliente".into());
            let (to_customer, to_team): (Option<Notice1>, (MessageKind, String)) =
                match change {
                    Change::Cancelled => (
                        Some((
                            MessageKind::AppointmentCancelled,
                            format!(
                                "Hola{}, te avisamos que {} canceló tu cita de {} del {} a las {}. \
                                 Disculpa las molestias. Cuando gustes, escríbenos para reagendar.",
                                w.hello_name(), w.business, w.service, w.before_date, w.before_time
                            ),
                            vec![w.first.clone(), w.business.clone(), w.service.clone(), w.before_date.clone(), w.before_time.clone()],
                        )),
                        (
                            MessageKind::TeamCancellation,
                            format!(
                                "{sender} canceló la cita de {customer_name} ({}) del {} a las {}.",
                                w.service, w.before_date, w.before_time
                            ),
                        ),
                    ),
                    Change::Moved => (
                        Some((
                            MessageKind::AppointmentMoved,
                            format!(
                                "Hola{}, {} cambió tu cita de {}: ahora es el {} a las {} con {}. \
                                 Si no te queda, escríbenos y buscamos otro horario.",
                                w.hello_name(), w.business, w.service, w.date, w.time, w.staff
                            ),
                            vec![w.first.clone(), w.business.clone(), w.service.clone(), w.date.clone(), w.time.clone(), w.staff.clone()],
                        )),
                        (
                            MessageKind::TeamMove,
                            format!(
                                "{sender} movió la cita de {customer_name} ({}) del {} a las {} al {} a las {} con {}.",
                                w.service, w.before_date, w.before_time, w.date, w.time, w.staff
                            ),
                        ),
                    ),
                    Change::Booked => (
                        Some((
                            MessageKind::AppointmentConfirmation,
                            format!(
                                "¡Hola{}! Tu cita en {} quedó agendada: {} a las {}, {} con {}. \
                                 Si necesitas cambiarla, responde a este mensaje.",
                                w.hello_name(), w.business, w.date, w.time, w.service, w.staff
                            ),
                            vec![w.first.clone(), w.business.clone(), w.date.clone(), w.time.clone(), w.service.clone(), w.staff.clone()],
                        )),
                        (
                            MessageKind::TeamBooking,
                            format!(
                                "📅 {sender} te agendó una cita: {customer_name} — {}, {} a las {}.",
                                w.service, w.date, w.time
                            ),
                        ),
                    ),
                    // The customer is in the shop.
                    _ => (
                        None,
                        (
                            MessageKind::TeamBooking,
                            format!(
                                "📅 {sender} registró a {customer_name} contigo: {}, {} a las {}.",
                                w.service, w.date, w.time
                            ),
                        ),
                    ),
                };
            if let (Some(phone), Some((kind, text, vars))) = (customer_phone.clone(), to_customer) {
                out.push((phone, kind, text, vars));
            }
            let (kind, text) = to_team;
            let involved = previous.into_iter().chain(assigned);
            for s in involved.filter(|s| Some(s.id) != me) {
                push(&mut out, &s.phone, kind, &text, w.team_vars());
            }
        }
    }
    out
}
