//! Wall clock ⇄ UTC in a business's IANA zone, DST-safe.
//!
//! # Semantics
//!
//! * A **local instant** (`NaiveDateTime`) maps to the real instants whose
//!   wall clock shows it. On a spring-forward day some local times have no
//!   instant (Europe/Madrid 2027-03-28 02:00–02:59): [`local_to_utc`]
//!   answers `None` and such a time is never offered. On a fall-back day
//!   some local times happen twice (Madrid 2027-10-31 02:00–02:59):
//!   [`local_to_utc`] answers the **earliest** of the two (the first pass,
//!   still on summer time), so a wall-clock time is offered once only.
//! * A **local range** `[open, close)` on a date is the set of real
//!   instants whose wall clock falls inside it
//!   ([`local_range_instants`]). A gap is simply absent; a repeated hour
//!   inside the range is counted once per real instant (the range
//!   01:00–04:00 on Madrid's fall-back day lasts four real hours). When
//!   `open` or `close` falls *inside* a repeated hour the set is two
//!   pieces; [`local_range_to_utc`] gives its hull (first to last instant),
//!   which clamps an edge lying in a gap to the transition instant.
//! * A **local date** of an instant is the date its wall clock shows
//!   ([`local_date`]); [`day_bounds_utc`] gives `[first instant of the
//!   date, first instant of the next date)`; [`local_dates_touched`] lists
//!   the local dates an interval overlaps (what the day ledgers key on).
//!
//! Internally the scheduling engine uses [`ZoneMap`], which finds the
//! zone's offset changes in a window once and then maps with integer
//! arithmetic (seconds), so a 60-day query does not pay a tz lookup per
//! candidate.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

use crate::entities::TimeRange;

const DAY: i64 = 86_400;

/// The instant whose wall clock in `tz` shows `local`: `None` when that
/// time does not exist (skipped by a spring-forward change), the earliest
/// of the two when it happens twice (fall-back).
pub fn local_to_utc(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    let p = local_secs(local);
    ZoneMap::new(tz, p - 2 * DAY, p + 2 * DAY)
        .earliest(p)
        .map(from_secs)
}

/// The wall clock in `tz` at `instant`.
pub fn utc_to_local(tz: Tz, instant: DateTime<Utc>) -> NaiveDateTime {
    instant.with_timezone(&tz).naive_local()
}

/// The date the business's wall clock shows at `instant`.
pub fn local_date(tz: Tz, instant: DateTime<Utc>) -> NaiveDate {
    utc_to_local(tz, instant).date()
}

/// `[start, end)` of the local `date` in real time: the first instant
/// whose wall clock shows `date` (or later), up to the first instant of the
/// next date. On DST days it lasts 23 or 25 hours.
pub fn day_bounds_utc(tz: Tz, date: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let d = date_secs(date);
    let zone = ZoneMap::new(tz, d - 2 * DAY, d + 3 * DAY);
    let (a, b) = zone.day_bounds(d);
    (from_secs(a), from_secs(b))
}

/// The real instants whose wall clock on `date` falls in `range`, as
/// ascending disjoint `[start, end)` intervals. Empty when the whole range
/// lies in a spring-forward gap; two pieces when an edge of the range lies
/// inside a repeated (fall-back) hour.
pub fn local_range_instants(
    tz: Tz,
    date: NaiveDate,
    range: TimeRange,
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let d = date_secs(date);
    let zone = ZoneMap::new(tz, d - 2 * DAY, d + 3 * DAY);
    let mut out = Vec::new();
    zone.preimage(
        d + time_secs(range.start),
        d + time_secs(range.end),
        &mut out,
    );
    normalize(&mut out);
    out.into_iter()
        .map(|(a, b)| (from_secs(a), from_secs(b)))
        .collect()
}

/// The hull (first to last instant) of [`local_range_instants`]: an edge
/// in a spring-forward gap is clamped to the change instant, so Madrid's
/// 02:00–04:00 on 2027-03-28 becomes 01:00Z–02:00Z (one real hour).
/// `None` when the range lies entirely in a gap.
pub fn local_range_to_utc(
    tz: Tz,
    date: NaiveDate,
    range: TimeRange,
) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let pieces = local_range_instants(tz, date, range);
    Some((pieces.first()?.0, pieces.last()?.1))
}

/// The local dates the interval `[start, end)` overlaps, ascending. The
/// end is exclusive: an interval ending exactly at local midnight does not
/// touch the next date. An empty interval touches its start's date.
/// This is the set of day ledgers a booking must read and update.
pub fn local_dates_touched(tz: Tz, start: DateTime<Utc>, end: DateTime<Utc>) -> Vec<NaiveDate> {
    let first = local_date(tz, start);
    if end <= start {
        return vec![first];
    }
    let last = local_date(tz, end - Duration::nanoseconds(1));
    let (lo, hi) = if last < first {
        (last, first)
    } else {
        (first, last)
    };
    lo.iter_days().take_while(|d| *d <= hi).collect()
}

// ---------------------------------------------------------------------------
// Integer-second machinery shared with the scheduling engine.

/// Seconds of a wall-clock value, as if it were UTC ("local seconds").
pub(crate) fn local_secs(local: NaiveDateTime) -> i64 {
    local.and_utc().timestamp()
}

/// Local seconds of the date's midnight.
pub(crate) fn date_secs(date: NaiveDate) -> i64 {
    local_secs(date.and_time(NaiveTime::MIN))
}

/// Seconds since midnight (sub-second part dropped).
pub(crate) fn time_secs(t: NaiveTime) -> i64 {
    use chrono::Timelike;
    i64::from(t.num_seconds_from_midnight())
}

pub(crate) fn from_secs(s: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(s, 0).expect("instant within chrono's range")
}

/// Local seconds back to a wall-clock value.
pub(crate) fn naive_from_secs(s: i64) -> NaiveDateTime {
    from_secs(s).naive_utc()
}

/// Sorts and merges overlapping or touching intervals, dropping empty ones.
pub(crate) fn normalize(v: &mut Vec<(i64, i64)>) {
    v.retain(|(a, b)| a < b);
    if v.len() < 2 {
        return;
    }
    v.sort_unstable();
    let mut w = 0;
    for r in 1..v.len() {
        let (a, b) = v[r];
        if a <= v[w].1 {
            v[w].1 = v[w].1.max(b);
        } else {
            w += 1;
            v[w] = (a, b);
        }
    }
    v.truncate(w + 1);
}

/// How far apart the zone's offset is sampled; two offset changes closer
/// than this that cancel each other out would go unseen (no real zone has
/// them in its current rules).
const PROBE: i64 = 6 * 3600;

/// The UTC offsets of a zone over a window, as segments
/// `[start_i, start_{i+1})` with a constant offset. Outside the window the
/// first and last offsets are extended, so build it over the instants you
/// will ask about.
#[derive(Debug, Clone)]
pub(crate) struct ZoneMap {
    /// `(first instant, offset seconds)`, ascending; the first starts at
    /// `i64::MIN`.
    segs: Vec<(i64, i64)>,
}

fn offset_at(tz: Tz, t: i64) -> i64 {
    match DateTime::from_timestamp(t, 0) {
        Some(dt) => i64::from(
            tz.offset_from_utc_datetime(&dt.naive_utc())
                .fix()
                .local_minus_utc(),
        ),
        None => 0,
    }
}

impl ZoneMap {
    /// Offsets of `tz` between the UTC seconds `lo` and `hi`.
    pub(crate) fn new(tz: Tz, lo: i64, hi: i64) -> Self {
        let mut cur = offset_at(tz, lo);
        let mut segs = vec![(i64::MIN, cur)];
        let mut a = lo;
        while a < hi {
            let b = (a + PROBE).min(hi);
            let ob = offset_at(tz, b);
            // Usually zero iterations; one per offset change in (a, b].
            while cur != ob {
                let (mut x, mut y) = (a, b);
                while y - x > 1 {
                    let m = x + (y - x) / 2;
                    if offset_at(tz, m) == cur {
                        x = m;
                    } else {
                        y = m;
                    }
                }
                cur = offset_at(tz, y);
                segs.push((y, cur));
                a = y;
            }
            a = b;
        }
        Self { segs }
    }

    /// Segments as `(start, end, offset)`.
    fn segments(&self) -> impl Iterator<Item = (i64, i64, i64)> + '_ {
        self.segs.iter().enumerate().map(|(i, &(s, o))| {
            let e = self.segs.get(i + 1).map_or(i64::MAX, |n| n.0);
            (s, e, o)
        })
    }

    /// The earliest instant whose wall clock shows the local seconds `p`.
    pub(crate) fn earliest(&self, p: i64) -> Option<i64> {
        self.segments()
            .filter_map(|(s, e, o)| {
                let t = p - o;
                (s <= t && t < e).then_some(t)
            })
            .min()
    }

    /// The first instant whose wall clock shows `p` or later (within its
    /// offset segment); equals [`Self::earliest`] when `p` exists.
    pub(crate) fn first_at_or_after(&self, p: i64) -> i64 {
        self.segments()
            .filter_map(|(s, e, o)| {
                let t = (p - o).max(s);
                (t < e).then_some(t)
            })
            .min()
            .unwrap_or(p)
    }

    /// `[first instant of the date, first instant of the next date)` for
    /// the date whose midnight is the local seconds `d`.
    pub(crate) fn day_bounds(&self, d: i64) -> (i64, i64) {
        (self.first_at_or_after(d), self.first_at_or_after(d + DAY))
    }

    /// Appends the instants whose local seconds lie in `[a, b)`, one piece
    /// per offset segment (not necessarily sorted across calls; run
    /// [`normalize`] afterwards).
    pub(crate) fn preimage(&self, a: i64, b: i64, out: &mut Vec<(i64, i64)>) {
        for (s, e, o) in self.segments() {
            let lo = (a - o).max(s);
            let hi = (b - o).min(e);
            if lo < hi {
                match out.last_mut() {
                    Some(last) if last.1 == lo => last.1 = hi,
                    _ => out.push((lo, hi)),
                }
            }
        }
    }
}

/// The instant `minutes` of opening time after `from`: minutes only count
/// while the business is open (`hours`, wall clock in `tz`), so a request
/// made at night waits from the next opening. With no opening hours at all
/// (or none in the next two weeks) plain minutes count.
pub fn open_minutes_after(
    hours: &crate::entities::WeeklyHours,
    tz: Tz,
    from: DateTime<Utc>,
    minutes: u32,
) -> DateTime<Utc> {
    use chrono::Datelike;
    let mut left = Duration::minutes(i64::from(minutes));
    let start_day = local_date(tz, from);
    for offset in 0..14 {
        let day = start_day + Duration::days(offset);
        for r in hours.on(day.weekday()) {
            let (Some(open), Some(close)) = (
                local_to_utc(tz, day.and_time(r.start)),
                local_to_utc(tz, day.and_time(r.end)),
            ) else {
                continue;
            };
            let open = open.max(from);
            if close <= open {
                continue;
            }
            if close - open >= left {
                return open + left;
            }
            left -= close - open;
        }
    }
    from + Duration::minutes(i64::from(minutes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::LocalResult;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn at(y: i32, m: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        ymd(y, m, d).and_hms_opt(h, mi, 0).unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn open_minutes_skip_closed_time() {
        use crate::entities::{TimeRange, WeeklyHours};
        let mut hours = WeeklyHours::default();
        for d in 0..6 {
            hours.days[d] = vec![TimeRange::hm((10, 0), (20, 0))];
        }
        let tz = chrono_tz::America::Mexico_City;
        let at_local = |l: NaiveDateTime| local_to_utc(tz, l).unwrap();
        // Monday 2030-01-07, in hours: plain minutes.
        let mon = at_local(at(2030, 1, 7, 12, 0));
        assert_eq!(
            open_minutes_after(&hours, tz, mon, 15),
            mon + Duration::minutes(15)
        );
        // 19:50: ten minutes today, five after Tuesday's opening.
        let late = at_local(at(2030, 1, 7, 19, 50));
        assert_eq!(
            open_minutes_after(&hours, tz, late, 15),
            at_local(at(2030, 1, 8, 10, 5))
        );
        // Saturday night: Sunday is closed, Monday 10:15.
        let sat = at_local(at(2030, 1, 12, 22, 0));
        assert_eq!(
            open_minutes_after(&hours, tz, sat, 15),
            at_local(at(2030, 1, 14, 10, 15))
        );
        // No hours at all: plain minutes.
        assert_eq!(
            open_minutes_after(&WeeklyHours::default(), tz, sat, 15),
            sat + Duration::minutes(15)
        );
    }

    const ZONES: [Tz; 4] = [
        chrono_tz::Europe::Madrid,
        chrono_tz::America::Tijuana,
        chrono_tz::America::Mexico_City,
        chrono_tz::Pacific::Apia,
    ];

    /// The ZoneMap agrees with chrono-tz's own local resolution at every
    /// quarter hour around this year's and next year's changes.
    #[test]
    fn matches_chrono_around_transitions() {
        for tz in ZONES {
            for (y, m, d) in [
                (2027, 3, 14),
                (2027, 3, 28),
                (2027, 10, 31),
                (2027, 11, 7),
                (2026, 4, 5),
                (2026, 9, 27),
            ] {
                let start = at(y, m, d, 0, 0) - Duration::days(1);
                for k in 0..(3 * 24 * 4) {
                    let local = start + Duration::minutes(15 * k);
                    let expected = match tz.from_local_datetime(&local) {
                        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
                        LocalResult::Ambiguous(a, b) => Some(a.min(b).with_timezone(&Utc)),
                        LocalResult::None => None,
                    };
                    assert_eq!(local_to_utc(tz, local), expected, "{tz} {local}");
                    if let Some(t) = expected {
                        assert_eq!(utc_to_local(tz, t), local);
                    }
                }
            }
        }
    }

    #[test]
    fn spring_forward_gap_is_absent() {
        let madrid = chrono_tz::Europe::Madrid;
        assert_eq!(local_to_utc(madrid, at(2027, 3, 28, 2, 30)), None);
        assert_eq!(
            local_to_utc(madrid, at(2027, 3, 28, 3, 0)),
            Some(utc("2027-03-28T01:00:00Z"))
        );
        let tijuana = chrono_tz::America::Tijuana;
        assert_eq!(local_to_utc(tijuana, at(2027, 3, 14, 2, 30)), None);
        // Mexico City has had no DST since 2022.
        let cdmx = chrono_tz::America::Mexico_City;
        assert_eq!(
            local_to_utc(cdmx, at(2027, 4, 4, 2, 30)),
            Some(utc("2027-04-04T08:30:00Z"))
        );
    }

    #[test]
    fn fall_back_picks_earliest() {
        let madrid = chrono_tz::Europe::Madrid;
        // 02:30 happens at 00:30Z (CEST) and 01:30Z (CET).
        assert_eq!(
            local_to_utc(madrid, at(2027, 10, 31, 2, 30)),
            Some(utc("2027-10-31T00:30:00Z"))
        );
        let tijuana = chrono_tz::America::Tijuana;
        // 01:30 happens at 08:30Z (PDT) and 09:30Z (PST).
        assert_eq!(
            local_to_utc(tijuana, at(2027, 11, 7, 1, 30)),
            Some(utc("2027-11-07T08:30:00Z"))
        );
    }

    #[test]
    fn day_bounds_last_23_or_25_hours() {
        let madrid = chrono_tz::Europe::Madrid;
        let len = |tz, d| {
            let (a, b) = day_bounds_utc(tz, d);
            (b - a).num_hours()
        };
        assert_eq!(len(madrid, ymd(2027, 3, 28)), 23);
        assert_eq!(len(madrid, ymd(2027, 10, 31)), 25);
        assert_eq!(len(madrid, ymd(2027, 6, 1)), 24);
        let tijuana = chrono_tz::America::Tijuana;
        assert_eq!(len(tijuana, ymd(2027, 3, 14)), 23);
        assert_eq!(len(tijuana, ymd(2027, 11, 7)), 25);
        assert_eq!(len(tijuana, ymd(2027, 3, 28)), 24);
        let cdmx = chrono_tz::America::Mexico_City;
        for d in [ymd(2027, 3, 14), ymd(2027, 3, 28), ymd(2027, 10, 31)] {
            assert_eq!(len(cdmx, d), 24);
        }
        assert_eq!(
            day_bounds_utc(madrid, ymd(2027, 3, 28)).0,
            utc("2027-03-27T23:00:00Z")
        );
        // Samoa skipped 2011-12-30 entirely: an empty day.
        let apia = chrono_tz::Pacific::Apia;
        let (a, b) = day_bounds_utc(apia, ymd(2011, 12, 30));
        assert_eq!(a, b);
    }

    #[test]
    fn ranges_across_transitions() {
        let madrid = chrono_tz::Europe::Madrid;
        // Spring: 00:00–06:00 lasts 5 real hours.
        let r = local_range_instants(madrid, ymd(2027, 3, 28), TimeRange::hm((0, 0), (6, 0)));
        assert_eq!(
            r,
            vec![(utc("2027-03-27T23:00:00Z"), utc("2027-03-28T04:00:00Z"))]
        );
        // Fall: 01:00–04:00 lasts 4 real hours, one piece.
        let r = local_range_instants(madrid, ymd(2027, 10, 31), TimeRange::hm((1, 0), (4, 0)));
        assert_eq!(
            r,
            vec![(utc("2027-10-30T23:00:00Z"), utc("2027-10-31T03:00:00Z"))]
        );
        // Fall, closing inside the repeated hour: two pieces.
        let r = local_range_instants(madrid, ymd(2027, 10, 31), TimeRange::hm((1, 0), (2, 30)));
        assert_eq!(
            r,
            vec![
                (utc("2027-10-30T23:00:00Z"), utc("2027-10-31T00:30:00Z")),
                (utc("2027-10-31T01:00:00Z"), utc("2027-10-31T01:30:00Z")),
            ]
        );
        // Entirely in the gap.
        assert_eq!(
            local_range_to_utc(madrid, ymd(2027, 3, 28), TimeRange::hm((2, 0), (2, 45))),
            None
        );
        // Opening in the gap is clamped to the change instant.
        assert_eq!(
            local_range_to_utc(madrid, ymd(2027, 3, 28), TimeRange::hm((2, 30), (4, 0))),
            Some((utc("2027-03-28T01:00:00Z"), utc("2027-03-28T02:00:00Z")))
        );
    }

    #[test]
    fn dates_touched() {
        let cdmx = chrono_tz::America::Mexico_City;
        // 23:00–01:00 local on 2027-05-03/04 (UTC-6).
        let d = local_dates_touched(
            cdmx,
            utc("2027-05-04T05:00:00Z"),
            utc("2027-05-04T07:00:00Z"),
        );
        assert_eq!(d, vec![ymd(2027, 5, 3), ymd(2027, 5, 4)]);
        // Ending exactly at local midnight stays on one date.
        let d = local_dates_touched(
            cdmx,
            utc("2027-05-04T05:00:00Z"),
            utc("2027-05-04T06:00:00Z"),
        );
        assert_eq!(d, vec![ymd(2027, 5, 3)]);
        let d = local_dates_touched(
            cdmx,
            utc("2027-05-04T05:00:00Z"),
            utc("2027-05-04T05:00:00Z"),
        );
        assert_eq!(d, vec![ymd(2027, 5, 3)]);
    }

    #[test]
    fn normalize_merges() {
        let mut v = vec![(5, 7), (1, 3), (3, 4), (6, 9), (10, 10)];
        normalize(&mut v);
        assert_eq!(v, vec![(1, 4), (5, 9)]);
    }
}
