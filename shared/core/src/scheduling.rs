//! The scheduling engine: which (staff, spot) pairs can take a service at
//! which instants. Pure: everything it needs is in a [`Calendar`].
//!
//! INTERFACE CONTRACT (shared by the store's booking service and the agents):
//! - `free_slots` lists bookable start instants for a service over a local
//!   date range (≤ 60 days), each with the staff and spots free then.
//! - `assignment_at` decides whether one exact start is bookable and picks
//!   the staff member and spot (honouring preferences), or says why not.
//!
//! RULES (both functions share them, so every slot `free_slots` offers is
//! accepted by `assignment_at` with any of the slot's staff):
//! - Time: wall-clock rules are read in `Calendar::tz` with the semantics of
//!   [`crate::time`]: a wall time skipped by DST is never a start; a
//!   repeated one starts at its first occurrence only; durations are real
//!   time (a 60-minute service across a change lasts 60 real minutes).
//! - Grid: candidate starts are `open + k·slot_step_minutes` on the wall
//!   clock, per business-hours range of the weekday (overlapping or
//!   touching ranges are merged first; a step of 0 means 15).
//! - Working time of a staff member on a date: the `is_available = true`
//!   exceptions of that date if any (a range, or the whole business day
//!   without one) replace the usual pattern; else the recurring rows of the
//!   weekday if the person has any rows at all; else business hours. It is
//!   always intersected with business hours (an extra shift never opens the
//!   shop), minus `is_available = false` ranges (without a range: day off),
//!   minus the person's blocks and whole-business closures (blocks with no
//!   staff).
//! - A staff member can take a start `s` when active, bookable, performing
//!   the service, `[s, s + duration)` lies within one stretch of working
//!   time, and `[s, s + duration + buffer)` overlaps none of their `Busy`
//!   intervals (half-open: back to back is fine). The buffer (policy +
//!   service) may run past closing time or into a block, it only has to be
//!   free of other appointments.
//! - Spots: if the business has any active spot, an active spot hosting the
//!   service must be free for `[s, s + duration + buffer)`; with no active
//!   spots at all, spots are no constraint (`spot_id = None`).
//! - Notice and advance: `s >= now + min_notice_minutes`, and the local
//!   date of `s` is at most local today + `max_advance_days`.
//! - Order: slots ascend by start (unique). A slot's staff: those whose
//!   default spot is free first, then fewest appointments starting that
//!   local day, then name, then id. Its spots: display order, then id.

use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::entities::*;
use crate::time::{date_secs, from_secs, naive_from_secs, normalize, time_secs, ZoneMap};

const DAY: i64 = 86_400;

/// An interval `[start, end)` during which a staff member and/or a spot is
/// taken (an appointment, buffer included).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Busy {
    pub staff_id: Option<StaffId>,
    pub spot_id: Option<SpotId>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Busy {
    pub fn of(appointment: &Appointment) -> Self {
        Self {
            staff_id: Some(appointment.staff_id),
            spot_id: appointment.spot_id,
            start: appointment.start,
            end: appointment.busy_until(),
        }
    }
}

/// Everything the engine needs to know about one business location.
/// Callers load only what overlaps the queried range: busy intervals and
/// blocks overlapping `time::day_bounds_utc(tz, from).0 ..
/// time::day_bounds_utc(tz, to + 1 day).1` (the extra day covers a buffer
/// running past midnight); for `assignment_at`, the local date of the start
/// (`time::local_date`) is the range. Data outside the range is ignored
/// cheaply, so over-loading is only a cost, never a bug.
#[derive(Debug, Clone)]
pub struct Calendar {
    pub tz: Tz,
    pub policy: BookingPolicy,
    pub hours: WeeklyHours,
    pub services: Vec<ServiceType>,
    pub staff: Vec<Staff>,
    pub spots: Vec<Spot>,
    pub recurring: Vec<RecurringAvailability>,
    pub exceptions: Vec<AvailabilityException>,
    /// Staff blocks and whole-business closures.
    pub blocks: Vec<TimeBlock>,
    /// Active appointments (status occupies time), as busy intervals.
    pub busy: Vec<Busy>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotQuery {
    pub service_id: ServiceId,
    /// First and last local dates, inclusive.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Only this staff member (a customer's preference).
    pub staff_id: Option<StaffId>,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// The start as the business's wall clock shows it.
    pub local_start: NaiveDateTime,
    /// Staff free for the whole service at this start, in preference order.
    pub staff_ids: Vec<StaffId>,
    /// Spots free and able to host the service, by display order.
    pub spot_ids: Vec<SpotId>,
}

/// A concrete choice for one booking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub staff_id: StaffId,
    pub spot_id: Option<SpotId>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// Minutes kept free after `end` (business + service buffer).
    pub buffer_minutes: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum Unavailable {
    #[error("service not offered")]
    UnknownService,
    #[error("staff member cannot take this service")]
    StaffCannotPerform,
    #[error("too soon: bookings need notice")]
    TooSoon,
    #[error("too far ahead")]
    TooFarAhead,
    #[error("the business is closed then")]
    Closed,
    #[error("the slot is taken")]
    SlotTaken,
    #[error("the range is longer than allowed")]
    RangeTooLong,
}

/// Longest range `free_slots` accepts.
pub const MAX_RANGE_DAYS: i64 = 60;

/// Bookable starts for `query.service_id`, ascending by time.
///
/// * `query.from > query.to` is an empty answer, not an error; more than
///   [`MAX_RANGE_DAYS`] dates (inclusive) is [`Unavailable::RangeTooLong`].
/// * Unknown or inactive service: [`Unavailable::UnknownService`]; a
///   `query.staff_id` that is unknown, inactive, not bookable or does not
///   perform the service: [`Unavailable::StaffCannotPerform`].
/// * No staff performing the service, or spots of which none hosts it:
///   an empty answer.
///
/// See the module documentation for the rules.
pub fn free_slots(calendar: &Calendar, query: &SlotQuery) -> Result<Vec<Slot>, Unavailable> {
    if query.from > query.to {
        return Ok(Vec::new());
    }
    if (query.to - query.from).num_days() + 1 > MAX_RANGE_DAYS {
        return Err(Unavailable::RangeTooLong);
    }
    let engine = Engine::new(
        calendar,
        query.service_id,
        query.staff_id,
        query.from,
        query.to,
    )?;
    if engine.staff.is_empty() || (engine.spots_constrain && engine.spots.is_empty()) {
        return Ok(Vec::new());
    }
    Ok(engine.slots(query.from, query.to, query.now))
}

/// Whether `start` is bookable for the service and, if so, who and where.
/// `staff_pref` / `spot_pref` restrict the choice; otherwise the staff
/// member's default spot and then display order win.
///
/// Any start within working time is accepted (a walk-in at 10:05), not
/// only grid starts. Reasons, checked in this order: `UnknownService`
/// (unknown or inactive service), `StaffCannotPerform` (bad `staff_pref`),
/// `UnknownService` (the business has spots but none hosts the service),
/// `StaffCannotPerform` (nobody performs it), `TooSoon`, `TooFarAhead`,
/// then `Closed` (outside
/// business hours, in a closure, or no eligible staff member working then)
/// or `SlotTaken` (someone is working but busy, or no spot is free).
/// `spot_pref` is honoured when that spot hosts the service and is free;
/// otherwise the staff member's default spot, then display order.
pub fn assignment_at(
    calendar: &Calendar,
    service_id: ServiceId,
    start: DateTime<Utc>,
    staff_pref: Option<StaffId>,
    spot_pref: Option<SpotId>,
    now: DateTime<Utc>,
) -> Result<Assignment, Unavailable> {
    let date = crate::time::local_date(calendar.tz, start);
    let engine = Engine::new(calendar, service_id, staff_pref, date, date)?;
    if engine.spots_constrain && engine.spots.is_empty() {
        return Err(Unavailable::UnknownService);
    }
    if engine.staff.is_empty() {
        return Err(Unavailable::StaffCannotPerform);
    }
    let s = start.timestamp();
    let end = start + Duration::seconds(engine.dur);
    let e = ceil_secs(end);
    let eb = e + engine.buf;
    if s < engine.min_start(now) {
        return Err(Unavailable::TooSoon);
    }
    if date > engine.last_date(now) {
        return Err(Unavailable::TooFarAhead);
    }

    let d = date_secs(date);
    let (day_lo, day_hi) = engine.zone.day_bounds(d);
    let mut scratch = Scratch::default();
    let mut work = Vec::new();
    let mut order = Vec::with_capacity(engine.staff.len());
    for si in 0..engine.staff.len() {
        engine.working(si, date, d, &mut scratch, &mut work);
        let working = contains(&work, s, e);
        order.push((si, working));
    }
    engine.sort_for_day(&mut order, day_lo, day_hi, |o| o.0);

    let spot_free: Vec<bool> = engine
        .spots
        .iter()
        .map(|sp| !overlaps(&sp.busy, &mut 0, s, eb))
        .collect();
    let default_free = |si: usize| {
        engine.spots_constrain && engine.staff[si].default_spot.is_some_and(|j| spot_free[j])
    };
    // Staff whose default spot is free first (stable: day order kept).
    order.sort_by_key(|&(si, _)| !default_free(si));

    let mut reason = Unavailable::Closed;
    let mut chosen = None;
    for &(si, working) in &order {
        if !working {
            continue;
        }
        if overlaps(&engine.staff[si].busy, &mut 0, s, eb) {
            reason = Unavailable::SlotTaken;
            continue;
        }
        chosen = Some(si);
        break;
    }
    let si = chosen.ok_or(reason)?;
    let spot_id = if engine.spots_constrain {
        let free = |j: &usize| spot_free[*j];
        let pref = spot_pref.and_then(|id| engine.spots.iter().position(|sp| sp.spot.id == id));
        let j = pref
            .filter(free)
            .or(engine.staff[si].default_spot.filter(free))
            .or((0..engine.spots.len()).find(free))
            .ok_or(Unavailable::SlotTaken)?;
        Some(engine.spots[j].spot.id)
    } else {
        None
    };
    Ok(Assignment {
        staff_id: engine.staff[si].staff.id,
        spot_id,
        start,
        end,
        buffer_minutes: engine.buffer_minutes,
    })
}

// ---------------------------------------------------------------------------
// The engine. All times are integer seconds: instants are UTC seconds,
// wall-clock values are "local seconds" (the wall clock read as if UTC).

struct StaffIx<'a> {
    staff: &'a Staff,
    /// Index into `Engine::spots` of the default spot, if it hosts the
    /// service.
    default_spot: Option<usize>,
    /// Busy intervals (buffer included), merged.
    busy: Vec<(i64, i64)>,
    /// Starts of the busy intervals, sorted (load balancing counts).
    starts: Vec<i64>,
    /// Staff blocks, merged.
    blocks: Vec<(i64, i64)>,
    /// Recurring availability per weekday (seconds of day), if any rows.
    weekly: Option<[Vec<(i64, i64)>; 7]>,
    exceptions: Vec<&'a AvailabilityException>,
}

struct SpotIx<'a> {
    spot: &'a Spot,
    busy: Vec<(i64, i64)>,
}

struct Engine<'a> {
    tz: Tz,
    policy: &'a BookingPolicy,
    /// Business hours per weekday, seconds of day, merged.
    hours: [Vec<(i64, i64)>; 7],
    dur: i64,
    buf: i64,
    buffer_minutes: u32,
    step: i64,
    staff: Vec<StaffIx<'a>>,
    /// Active spots hosting the service, by display order then id.
    spots: Vec<SpotIx<'a>>,
    /// Whether the business has any active spot (else spots are no
    /// constraint).
    spots_constrain: bool,
    /// Whole-business closures, merged.
    closures: Vec<(i64, i64)>,
    zone: ZoneMap,
}

#[derive(Default)]
struct Scratch {
    base: Vec<(i64, i64)>,
    minus: Vec<(i64, i64)>,
    a: Vec<(i64, i64)>,
    b: Vec<(i64, i64)>,
}

fn ceil_secs(t: DateTime<Utc>) -> i64 {
    t.timestamp() + i64::from(t.timestamp_subsec_nanos() > 0)
}

fn range_secs(r: &TimeRange) -> (i64, i64) {
    (time_secs(r.start), time_secs(r.end))
}

/// Position of `id` in a sorted `(id, index)` table.
fn lookup(table: &[(Uuid, usize)], id: Uuid) -> Option<usize> {
    table
        .binary_search_by(|p| p.0.cmp(&id))
        .ok()
        .map(|i| table[i].1)
}

/// `a ∩ b`, both sorted and disjoint.
fn intersect_into(a: &[(i64, i64)], b: &[(i64, i64)], out: &mut Vec<(i64, i64)>) {
    out.clear();
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let lo = a[i].0.max(b[j].0);
        let hi = a[i].1.min(b[j].1);
        if lo < hi {
            out.push((lo, hi));
        }
        if a[i].1 < b[j].1 {
            i += 1;
        } else {
            j += 1;
        }
    }
}

/// `a \ b`, both sorted and disjoint (`b` may be long: it is entered by
/// binary search).
fn subtract_into(a: &[(i64, i64)], b: &[(i64, i64)], out: &mut Vec<(i64, i64)>) {
    out.clear();
    let Some(first) = a.first() else { return };
    let mut j = b.partition_point(|x| x.1 <= first.0);
    for &(mut lo, hi) in a {
        while j < b.len() && b[j].1 <= lo {
            j += 1;
        }
        let mut k = j;
        while k < b.len() && b[k].0 < hi {
            if b[k].0 > lo {
                out.push((lo, b[k].0));
            }
            lo = lo.max(b[k].1);
            k += 1;
        }
        if lo < hi {
            out.push((lo, hi));
        }
    }
}

/// Whether `[s, e)` lies within one of the sorted intervals.
fn contains(v: &[(i64, i64)], s: i64, e: i64) -> bool {
    v.iter().any(|&(a, b)| a <= s && e <= b && s < b)
}

/// Whether `[s, e)` overlaps one of the sorted, merged intervals `v`.
/// `cur` is a sweeping cursor: calls must come with non-decreasing `s`
/// (pass a fresh 0 for a one-off question).
fn overlaps(v: &[(i64, i64)], cur: &mut usize, s: i64, e: i64) -> bool {
    while *cur < v.len() && v[*cur].1 <= s {
        *cur += 1;
    }
    *cur < v.len() && v[*cur].0 < e
}

impl<'a> Engine<'a> {
    fn new(
        cal: &'a Calendar,
        service_id: ServiceId,
        staff_filter: Option<StaffId>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Self, Unavailable> {
        let service = cal
            .services
            .iter()
            .find(|s| s.id == service_id && s.is_active)
            .ok_or(Unavailable::UnknownService)?;
        let eligible = |s: &Staff| s.is_active && s.bookable && s.service_ids.contains(&service_id);
        let chosen: Vec<&Staff> = match staff_filter {
            Some(id) => {
                let s = cal
                    .staff
                    .iter()
                    .find(|s| s.id == id)
                    .filter(|s| eligible(s))
                    .ok_or(Unavailable::StaffCannotPerform)?;
                vec![s]
            }
            None => cal.staff.iter().filter(|s| eligible(s)).collect(),
        };

        let spots_constrain = cal.spots.iter().any(|s| s.is_active);
        let mut spot_refs: Vec<&Spot> = cal
            .spots
            .iter()
            .filter(|s| s.is_active && s.service_ids.contains(&service_id))
            .collect();
        spot_refs.sort_by_key(|s| (s.display_order, s.id));
        spot_refs.dedup_by_key(|s| s.id);
        let mut spot_table: Vec<(Uuid, usize)> = spot_refs
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id, i))
            .collect();
        spot_table.sort_unstable();

        let mut staff_table: Vec<(Uuid, usize)> =
            chosen.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
        staff_table.sort_unstable();
        staff_table.dedup_by_key(|p| p.0);

        let dur = i64::from(service.duration_minutes) * 60;
        let buffer_minutes = cal.policy.buffer_minutes + service.buffer_minutes;
        let buf = i64::from(buffer_minutes) * 60;

        // Instants that can matter: every instant of the dates (offsets are
        // within ±15 h) plus a service and its buffer after the last one.
        let win_lo = date_secs(from) - DAY;
        let win_hi = date_secs(to) + 2 * DAY + dur + buf;
        let zone = ZoneMap::new(cal.tz, win_lo - DAY, win_hi + DAY);

        let mut staff: Vec<StaffIx<'a>> = chosen
            .iter()
            .map(|s| StaffIx {
                staff: s,
                default_spot: s.default_spot_id.and_then(|id| lookup(&spot_table, id)),
                busy: Vec::new(),
                starts: Vec::new(),
                blocks: Vec::new(),
                weekly: None,
                exceptions: Vec::new(),
            })
            .collect();
        let mut spots: Vec<SpotIx<'a>> = spot_refs
            .into_iter()
            .map(|spot| SpotIx {
                spot,
                busy: Vec::new(),
            })
            .collect();

        for b in &cal.busy {
            let (s, e) = (b.start.timestamp(), ceil_secs(b.end));
            if e <= s || e <= win_lo || s >= win_hi {
                continue;
            }
            if let Some(i) = b.staff_id.and_then(|id| lookup(&staff_table, id)) {
                staff[i].busy.push((s, e));
                staff[i].starts.push(s);
            }
            if let Some(j) = b.spot_id.and_then(|id| lookup(&spot_table, id)) {
                spots[j].busy.push((s, e));
            }
        }
        let mut closures = Vec::new();
        for b in &cal.blocks {
            let (s, e) = (b.start.timestamp(), ceil_secs(b.end));
            if e <= s || e <= win_lo || s >= win_hi {
                continue;
            }
            match b.staff_id {
                None => closures.push((s, e)),
                Some(id) => {
                    if let Some(i) = lookup(&staff_table, id) {
                        staff[i].blocks.push((s, e));
                    }
                }
            }
        }
        for r in &cal.recurring {
            if let Some(i) = lookup(&staff_table, r.staff_id) {
                let week = staff[i].weekly.get_or_insert_with(Default::default);
                if let Some(day) = week.get_mut(usize::from(r.weekday)) {
                    day.push(range_secs(&r.range));
                }
            }
        }
        for x in &cal.exceptions {
            if x.date < from || x.date > to {
                continue;
            }
            if let Some(i) = lookup(&staff_table, x.staff_id) {
                staff[i].exceptions.push(x);
            }
        }
        for st in &mut staff {
            normalize(&mut st.busy);
            st.starts.sort_unstable();
            normalize(&mut st.blocks);
            if let Some(week) = &mut st.weekly {
                week.iter_mut().for_each(normalize);
            }
        }
        for sp in &mut spots {
            normalize(&mut sp.busy);
        }
        normalize(&mut closures);

        let hours = std::array::from_fn(|i| {
            let mut v: Vec<(i64, i64)> = cal.hours.days[i].iter().map(range_secs).collect();
            normalize(&mut v);
            v
        });
        let step = match cal.policy.slot_step_minutes {
            0 => 15 * 60,
            m => i64::from(m) * 60,
        };
        Ok(Self {
            tz: cal.tz,
            policy: &cal.policy,
            hours,
            dur,
            buf,
            buffer_minutes,
            step,
            staff,
            spots,
            spots_constrain,
            closures,
            zone,
        })
    }

    /// First acceptable start (UTC seconds): now plus the minimum notice.
    fn min_start(&self, now: DateTime<Utc>) -> i64 {
        ceil_secs(now) + i64::from(self.policy.min_notice_minutes) * 60
    }

    /// Last bookable local date: local today plus the maximum advance.
    fn last_date(&self, now: DateTime<Utc>) -> NaiveDate {
        crate::time::local_date(self.tz, now)
            .checked_add_days(Days::new(u64::from(self.policy.max_advance_days)))
            .unwrap_or(NaiveDate::MAX)
    }

    /// Sorts `items` (one per staff index) into the day's preference order:
    /// fewest appointments starting that local day, then name, then id.
    fn sort_for_day<T>(&self, items: &mut [T], day_lo: i64, day_hi: i64, si: impl Fn(&T) -> usize) {
        items.sort_by_cached_key(|it| {
            let st = &self.staff[si(it)];
            let count = st.starts.partition_point(|&x| x < day_hi)
                - st.starts.partition_point(|&x| x < day_lo);
            (count, st.staff.name.as_str(), st.staff.id)
        });
    }

    /// The instants staff member `si` works on `date` (local midnight `d`),
    /// as sorted disjoint intervals in `out`:
    /// 1. base: the exceptions with `is_available = true` for that date if
    ///    any (a range, or the whole business day when it has none), else
    ///    the recurring rows for that weekday if the person has any rows at
    ///    all, else the business hours;
    /// 2. intersected with the business hours (an extra shift never opens
    ///    the shop), minus the `is_available = false` ranges; an
    ///    `is_available = false` exception without a range is a day off;
    /// 3. mapped to real instants (DST gaps absent), minus the person's
    ///    blocks and the business closures.
    fn working(
        &self,
        si: usize,
        date: NaiveDate,
        d: i64,
        sc: &mut Scratch,
        out: &mut Vec<(i64, i64)>,
    ) {
        out.clear();
        let wd = date.weekday().num_days_from_monday() as usize;
        let biz = &self.hours[wd];
        if biz.is_empty() {
            return;
        }
        let st = &self.staff[si];
        sc.base.clear();
        sc.minus.clear();
        let mut replaced = false;
        for x in st.exceptions.iter().filter(|x| x.date == date) {
            match (x.is_available, &x.range) {
                (false, None) => return,
                (false, Some(r)) => sc.minus.push(range_secs(r)),
                (true, Some(r)) => {
                    replaced = true;
                    sc.base.push(range_secs(r));
                }
                (true, None) => {
                    replaced = true;
                    sc.base.extend_from_slice(biz);
                }
            }
        }
        if !replaced {
            match &st.weekly {
                Some(week) => sc.base.extend_from_slice(&week[wd]),
                None => sc.base.extend_from_slice(biz),
            }
        }
        normalize(&mut sc.base);
        normalize(&mut sc.minus);
        intersect_into(&sc.base, biz, &mut sc.a);
        subtract_into(&sc.a, &sc.minus, &mut sc.b);
        sc.a.clear();
        for &(a, b) in &sc.b {
            self.zone.preimage(d + a, d + b, &mut sc.a);
        }
        normalize(&mut sc.a);
        subtract_into(&sc.a, &self.closures, &mut sc.b);
        subtract_into(&sc.b, &st.blocks, out);
    }

    fn slots(&self, from: NaiveDate, to: NaiveDate, now: DateTime<Utc>) -> Vec<Slot> {
        let min_start = self.min_start(now);
        let last = self.last_date(now).min(to);
        let n_staff = self.staff.len();
        let mut sc = Scratch::default();
        let mut work: Vec<Vec<(i64, i64)>> = vec![Vec::new(); n_staff];
        let mut order: Vec<usize> = Vec::with_capacity(n_staff);
        let mut free_staff: Vec<usize> = Vec::with_capacity(n_staff);
        let mut spot_free: Vec<bool> = vec![false; self.spots.len()];
        let mut staff_cur = vec![0usize; n_staff];
        let mut spot_cur = vec![0usize; self.spots.len()];
        let mut last_s = i64::MIN;
        let mut out = Vec::new();

        for date in from.iter_days().take_while(|d| *d <= last) {
            let wd = date.weekday().num_days_from_monday() as usize;
            let biz = &self.hours[wd];
            if biz.is_empty() {
                continue;
            }
            let d = date_secs(date);
            let (day_lo, day_hi) = self.zone.day_bounds(d);
            if day_hi <= min_start {
                continue;
            }
            order.clear();
            for (si, w) in work.iter_mut().enumerate() {
                self.working(si, date, d, &mut sc, w);
                if !w.is_empty() {
                    order.push(si);
                }
            }
            if order.is_empty() {
                continue;
            }
            self.sort_for_day(&mut order, day_lo, day_hi, |&si| si);

            for &(open, close) in biz {
                let mut p = d + open;
                while p < d + close {
                    let local = p;
                    p += self.step;
                    // Nonexistent wall times are skipped; repeated ones
                    // start at their first occurrence only.
                    let Some(s) = self.zone.earliest(local) else {
                        continue;
                    };
                    // Candidates strictly ascend (the sweeping cursors rely
                    // on it; earliest-instant mapping is monotone anyway).
                    if s <= last_s {
                        continue;
                    }
                    last_s = s;
                    if s < min_start {
                        continue;
                    }
                    let e = s + self.dur;
                    let eb = e + self.buf;

                    free_staff.clear();
                    for &si in &order {
                        if contains(&work[si], s, e)
                            && !overlaps(&self.staff[si].busy, &mut staff_cur[si], s, eb)
                        {
                            free_staff.push(si);
                        }
                    }
                    if free_staff.is_empty() {
                        continue;
                    }
                    let mut n_spots = 0;
                    if self.spots_constrain {
                        for (j, sp) in self.spots.iter().enumerate() {
                            spot_free[j] = !overlaps(&sp.busy, &mut spot_cur[j], s, eb);
                            n_spots += usize::from(spot_free[j]);
                        }
                        if n_spots == 0 {
                            continue;
                        }
                    }

                    let default_free = |si: usize| {
                        self.spots_constrain
                            && self.staff[si].default_spot.is_some_and(|j| spot_free[j])
                    };
                    let mut staff_ids = Vec::with_capacity(free_staff.len());
                    staff_ids.extend(
                        free_staff
                            .iter()
                            .filter(|&&si| default_free(si))
                            .map(|&si| self.staff[si].staff.id),
                    );
                    staff_ids.extend(
                        free_staff
                            .iter()
                            .filter(|&&si| !default_free(si))
                            .map(|&si| self.staff[si].staff.id),
                    );
                    let mut spot_ids = Vec::with_capacity(n_spots);
                    spot_ids.extend(
                        self.spots
                            .iter()
                            .zip(&spot_free)
                            .filter(|(_, free)| **free)
                            .map(|(sp, _)| sp.spot.id),
                    );
                    out.push(Slot {
                        start: from_secs(s),
                        end: from_secs(e),
                        local_start: naive_from_secs(local),
                        staff_ids,
                        spot_ids,
                    });
                }
            }
        }
        out
    }
}
