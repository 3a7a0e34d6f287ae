//! Day ledgers: the busy intervals of one resource (staff member or spot)
//! on one local day, with a version for optimistic concurrency
//! (design.md §4). Pure part: which ledgers a booking touches and whether
//! an interval fits. The store writes them transactionally.
//!
//! An interval `[start, end)` is recorded, whole and unclipped, in the
//! ledger of every local day it touches. Two overlapping intervals share
//! at least one instant, that instant falls on some local day, and both
//! intervals touch that day: so checking each touched day's ledger finds
//! every overlap, and a booking only ever needs the ledgers of its own days.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::entities::{SpotId, StaffId};

/// What a ledger tracks: one staff member or one spot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum Resource {
    Staff(StaffId),
    Spot(SpotId),
}

/// Identifies one ledger: a resource on one local date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct LedgerKey {
    pub resource: Resource,
    pub date: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// An appointment (its interval includes the buffer).
    Appointment,
    /// A staff block (lunch, errand, day off).
    Block,
}

/// One busy interval `[start, end)` and what holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LedgerEntry {
    /// Appointment id or block id.
    pub ref_id: Uuid,
    pub kind: EntryKind,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl LedgerEntry {
    pub fn overlaps(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
        overlaps(self.start, self.end, start, end)
    }
}

/// Half-open intervals `[a0, a1)` and `[b0, b1)` share an instant.
/// Empty intervals overlap nothing; touching ends do not overlap.
pub fn overlaps(
    a0: DateTime<Utc>,
    a1: DateTime<Utc>,
    b0: DateTime<Utc>,
    b1: DateTime<Utc>,
) -> bool {
    a0 < a1 && b0 < b1 && a0 < b1 && b0 < a1
}

/// Local dates (in `tz`) that the interval `[start, end)` touches, in
/// order: the ledgers it lives in. Empty when `end <= start` (an empty
/// interval occupies nothing). An interval ending exactly at local
/// midnight does not touch the next day. Delegates to
/// [`crate::time::local_dates_touched`], the one zone-aware date walk.
pub fn days_touched(tz: Tz, start: DateTime<Utc>, end: DateTime<Utc>) -> Vec<NaiveDate> {
    if end <= start {
        return Vec::new();
    }
    crate::time::local_dates_touched(tz, start, end)
}

/// The ledgers an interval occupies on the given resources.
pub fn keys_for(
    tz: Tz,
    resources: &[Resource],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Vec<LedgerKey> {
    let days = days_touched(tz, start, end);
    let mut keys: Vec<LedgerKey> = resources
        .iter()
        .flat_map(|r| {
            days.iter().map(move |d| LedgerKey {
                resource: *r,
                date: *d,
            })
        })
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// Why an entry could not be added.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{key:?} is busy: {existing:?} overlaps")]
pub struct Overlap {
    pub key: LedgerKey,
    pub existing: LedgerEntry,
}

/// One resource's busy intervals on one local day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayLedger {
    pub resource: Resource,
    pub date: NaiveDate,
    /// 0 for a ledger never written; each successful write increments it.
    pub version: u64,
    /// Sorted by (start, end, ref_id).
    pub entries: Vec<LedgerEntry>,
}

impl DayLedger {
    /// The ledger of a day nobody has written yet.
    pub fn empty(key: LedgerKey) -> Self {
        Self {
            resource: key.resource,
            date: key.date,
            version: 0,
            entries: Vec::new(),
        }
    }

    pub fn key(&self) -> LedgerKey {
        LedgerKey {
            resource: self.resource,
            date: self.date,
        }
    }

    /// Whether the ledger has ever been written (the store creates it with
    /// `attribute_not_exists` when not, else conditions on `version`).
    pub fn exists(&self) -> bool {
        self.version > 0
    }

    /// Entries overlapping `[start, end)`.
    pub fn overlapping(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> impl Iterator<Item = &LedgerEntry> {
        self.entries.iter().filter(move |e| e.overlaps(start, end))
    }

    /// Whether `[start, end)` is free, ignoring entries of `ignore`
    /// (an appointment being rescheduled).
    pub fn is_free(&self, start: DateTime<Utc>, end: DateTime<Utc>, ignore: Option<Uuid>) -> bool {
        !self
            .overlapping(start, end)
            .any(|e| Some(e.ref_id) != ignore)
    }

    /// Adds `entry`, refusing an overlap. An appointment may overlap
    /// nothing; a block may overlap other blocks but no appointment.
    /// Re-adding the same ref replaces it.
    pub fn add(&mut self, entry: LedgerEntry) -> Result<(), Overlap> {
        if entry.start >= entry.end {
            // An empty interval occupies nothing; record nothing.
            return Ok(());
        }
        if let Some(existing) = self.overlapping(entry.start, entry.end).find(|e| {
            e.ref_id != entry.ref_id
                && (entry.kind == EntryKind::Appointment || e.kind == EntryKind::Appointment)
        }) {
            return Err(Overlap {
                key: self.key(),
                existing: *existing,
            });
        }
        self.remove(entry.ref_id);
        let at = self.entries.partition_point(|e| {
            (e.start, e.end, e.ref_id) < (entry.start, entry.end, entry.ref_id)
        });
        self.entries.insert(at, entry);
        Ok(())
    }

    /// Removes every entry of `ref_id`; returns whether there was one.
    pub fn remove(&mut self, ref_id: Uuid) -> bool {
        let before = self.entries.len();
        self.entries.retain(|e| e.ref_id != ref_id);
        self.entries.len() != before
    }
}

/// A change to the ledgers: take `remove` out of the ledgers listed with
/// it, then put `add` into its ledgers. Used for book (add only), cancel
/// (remove only) and reschedule (both, atomically).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LedgerChange {
    pub remove: Option<(Uuid, Vec<LedgerKey>)>,
    pub add: Option<(LedgerEntry, Vec<LedgerKey>)>,
}

impl LedgerChange {
    /// Every ledger the change reads and writes, sorted, without duplicates.
    pub fn keys(&self) -> Vec<LedgerKey> {
        let mut keys: Vec<LedgerKey> = self
            .remove
            .iter()
            .flat_map(|(_, k)| k.iter().copied())
            .chain(self.add.iter().flat_map(|(_, k)| k.iter().copied()))
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }

    /// Applies the change to the ledgers as read (`current`; a key absent
    /// from it is a never-written ledger). Returns the new contents of
    /// every touched ledger, each still carrying the version it was read
    /// at, so the caller conditions its write on it and stores
    /// `version + 1`. Fails on the first overlap.
    pub fn apply(
        &self,
        current: &BTreeMap<LedgerKey, DayLedger>,
    ) -> Result<Vec<DayLedger>, Overlap> {
        let mut out: BTreeMap<LedgerKey, DayLedger> = self
            .keys()
            .into_iter()
            .map(|k| {
                (
                    k,
                    current
                        .get(&k)
                        .cloned()
                        .unwrap_or_else(|| DayLedger::empty(k)),
                )
            })
            .collect();
        if let Some((ref_id, keys)) = &self.remove {
            for k in keys {
                if let Some(l) = out.get_mut(k) {
                    l.remove(*ref_id);
                }
            }
        }
        if let Some((entry, keys)) = &self.add {
            for k in keys {
                if let Some(l) = out.get_mut(k) {
                    l.add(*entry)?;
                }
            }
        }
        Ok(out.into_values().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn entry(id: u128, kind: EntryKind, start: &str, end: &str) -> LedgerEntry {
        LedgerEntry {
            ref_id: Uuid::from_u128(id),
            kind,
            start: utc(start),
            end: utc(end),
        }
    }

    fn appt(id: u128, start: &str, end: &str) -> LedgerEntry {
        entry(id, EntryKind::Appointment, start, end)
    }

    fn staff_key(date: &str) -> LedgerKey {
        LedgerKey {
            resource: Resource::Staff(Uuid::from_u128(7)),
            date: d(date),
        }
    }

    const MX: Tz = chrono_tz::America::Mexico_City;
    const MADRID: Tz = chrono_tz::Europe::Madrid;
    const TIJUANA: Tz = chrono_tz::America::Tijuana;

    #[test]
    fn half_open_overlap() {
        let a = (utc("2026-01-01T10:00:00Z"), utc("2026-01-01T11:00:00Z"));
        let touching = (utc("2026-01-01T11:00:00Z"), utc("2026-01-01T12:00:00Z"));
        let inside = (utc("2026-01-01T10:15:00Z"), utc("2026-01-01T10:30:00Z"));
        let crossing = (utc("2026-01-01T10:59:00Z"), utc("2026-01-01T12:00:00Z"));
        assert!(!overlaps(a.0, a.1, touching.0, touching.1));
        assert!(!overlaps(touching.0, touching.1, a.0, a.1));
        assert!(overlaps(a.0, a.1, inside.0, inside.1));
        assert!(overlaps(inside.0, inside.1, a.0, a.1));
        assert!(overlaps(a.0, a.1, crossing.0, crossing.1));
        assert!(overlaps(a.0, a.1, a.0, a.1));
        // Empty intervals overlap nothing, even inside another.
        assert!(!overlaps(a.0, a.1, inside.0, inside.0));
    }

    #[test]
    fn days_touched_within_one_day() {
        // 10:00–11:00 in Mexico City (UTC-6).
        let days = days_touched(MX, utc("2026-03-10T16:00:00Z"), utc("2026-03-10T17:00:00Z"));
        assert_eq!(days, vec![d("2026-03-10")]);
    }

    #[test]
    fn days_touched_uses_the_local_date_not_utc() {
        // 20:00–21:00 local on March 10 is 02:00–03:00 UTC on March 11.
        let days = days_touched(MX, utc("2026-03-11T02:00:00Z"), utc("2026-03-11T03:00:00Z"));
        assert_eq!(days, vec![d("2026-03-10")]);
    }

    #[test]
    fn days_touched_crossing_local_midnight() {
        // 22:00 March 10 → 02:00 March 11 local (UTC-6).
        let days = days_touched(MX, utc("2026-03-11T04:00:00Z"), utc("2026-03-11T08:00:00Z"));
        assert_eq!(days, vec![d("2026-03-10"), d("2026-03-11")]);
    }

    #[test]
    fn days_touched_ending_at_midnight_stays_on_one_day() {
        // 22:00 → 24:00 local March 10: midnight itself is not occupied.
        let days = days_touched(MX, utc("2026-03-11T04:00:00Z"), utc("2026-03-11T06:00:00Z"));
        assert_eq!(days, vec![d("2026-03-10")]);
        // Starting at midnight touches only the new day.
        let days = days_touched(MX, utc("2026-03-11T06:00:00Z"), utc("2026-03-11T07:00:00Z"));
        assert_eq!(days, vec![d("2026-03-11")]);
    }

    #[test]
    fn days_touched_spanning_several_days_and_empty() {
        let days = days_touched(MX, utc("2026-03-10T16:00:00Z"), utc("2026-03-13T16:00:00Z"));
        assert_eq!(
            days,
            vec![
                d("2026-03-10"),
                d("2026-03-11"),
                d("2026-03-12"),
                d("2026-03-13")
            ]
        );
        assert!(
            days_touched(MX, utc("2026-03-10T16:00:00Z"), utc("2026-03-10T16:00:00Z")).is_empty()
        );
        assert!(
            days_touched(MX, utc("2026-03-10T17:00:00Z"), utc("2026-03-10T16:00:00Z")).is_empty()
        );
    }

    #[test]
    fn days_touched_on_spring_forward_day() {
        // Madrid, 2026-03-29: 02:00 CET jumps to 03:00 CEST (01:00 UTC).
        // 23:30 CET on the 28th (22:30Z) to 03:30 CEST on the 29th (01:30Z):
        // three real hours, two local dates.
        let days = days_touched(
            MADRID,
            utc("2026-03-28T22:30:00Z"),
            utc("2026-03-29T01:30:00Z"),
        );
        assert_eq!(days, vec![d("2026-03-28"), d("2026-03-29")]);
        // The day after the jump is 23 hours long: 22:00Z on the 29th is
        // already 00:00 CEST on the 30th.
        let days = days_touched(
            MADRID,
            utc("2026-03-29T21:00:00Z"),
            utc("2026-03-29T22:00:00Z"),
        );
        assert_eq!(days, vec![d("2026-03-29")]);
        let days = days_touched(
            MADRID,
            utc("2026-03-29T21:00:00Z"),
            utc("2026-03-29T22:00:01Z"),
        );
        assert_eq!(days, vec![d("2026-03-29"), d("2026-03-30")]);
    }

    #[test]
    fn days_touched_on_fall_back_day() {
        // Madrid, 2026-10-25: 03:00 CEST falls back to 02:00 CET (01:00Z).
        // The hour 02:00–03:00 local happens twice; both are the 25th.
        let first = days_touched(
            MADRID,
            utc("2026-10-25T00:00:00Z"),
            utc("2026-10-25T01:00:00Z"),
        );
        let second = days_touched(
            MADRID,
            utc("2026-10-25T01:00:00Z"),
            utc("2026-10-25T02:00:00Z"),
        );
        assert_eq!(first, vec![d("2026-10-25")]);
        assert_eq!(second, vec![d("2026-10-25")]);
        // The 25-hour day: 23:00Z on the 25th is 00:00 CET on the 26th.
        let days = days_touched(
            MADRID,
            utc("2026-10-25T22:00:00Z"),
            utc("2026-10-25T23:00:00Z"),
        );
        assert_eq!(days, vec![d("2026-10-25")]);
        let days = days_touched(
            MADRID,
            utc("2026-10-25T22:00:00Z"),
            utc("2026-10-25T23:30:00Z"),
        );
        assert_eq!(days, vec![d("2026-10-25"), d("2026-10-26")]);
    }

    #[test]
    fn days_touched_tijuana_keeps_dst() {
        // Tijuana follows US DST: UTC-8 in winter, UTC-7 in summer.
        // 17:00 local on 2026-01-15 is 01:00Z on the 16th.
        let days = days_touched(
            TIJUANA,
            utc("2026-01-16T01:00:00Z"),
            utc("2026-01-16T02:00:00Z"),
        );
        assert_eq!(days, vec![d("2026-01-15")]);
        // 17:00 local on 2026-07-15 is 00:00Z on the 16th.
        let days = days_touched(
            TIJUANA,
            utc("2026-07-16T00:00:00Z"),
            utc("2026-07-16T01:00:00Z"),
        );
        assert_eq!(days, vec![d("2026-07-15")]);
        // Mexico City has no DST since 2022: 17:00 local is 23:00Z all year.
        let local = MX
            .with_ymd_and_hms(2026, 7, 15, 17, 0, 0)
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(local, utc("2026-07-15T23:00:00Z"));
    }

    #[test]
    fn twice_happening_hour_cannot_be_booked_twice() {
        // Madrid fall-back: 02:30 local exists at 00:30Z (CEST) and 01:30Z
        // (CET). Two appointments "at 02:30" are distinct UTC intervals and
        // do not collide, but the same UTC instant twice does.
        let key = LedgerKey {
            resource: Resource::Spot(Uuid::from_u128(1)),
            date: d("2026-10-25"),
        };
        let mut l = DayLedger::empty(key);
        l.add(appt(1, "2026-10-25T00:30:00Z", "2026-10-25T01:00:00Z"))
            .unwrap();
        l.add(appt(2, "2026-10-25T01:30:00Z", "2026-10-25T02:00:00Z"))
            .unwrap();
        assert!(l
            .add(appt(3, "2026-10-25T01:30:00Z", "2026-10-25T02:00:00Z"))
            .is_err());
        // A two-hour service from 01:30 CEST (23:30Z on the 24th) runs
        // through both 02:00 hours and blocks the whole repeated hour.
        let mut l = DayLedger::empty(key);
        l.add(appt(4, "2026-10-24T23:30:00Z", "2026-10-25T01:30:00Z"))
            .unwrap();
        assert!(l
            .add(appt(5, "2026-10-25T01:00:00Z", "2026-10-25T01:15:00Z"))
            .is_err());
    }

    #[test]
    fn add_keeps_entries_sorted_and_refuses_overlaps() {
        let mut l = DayLedger::empty(staff_key("2026-01-01"));
        l.add(appt(3, "2026-01-01T15:00:00Z", "2026-01-01T16:00:00Z"))
            .unwrap();
        l.add(appt(1, "2026-01-01T10:00:00Z", "2026-01-01T11:00:00Z"))
            .unwrap();
        l.add(appt(2, "2026-01-01T11:00:00Z", "2026-01-01T12:00:00Z"))
            .unwrap();
        let ids: Vec<u128> = l.entries.iter().map(|e| e.ref_id.as_u128()).collect();
        assert_eq!(ids, vec![1, 2, 3]);
        let err = l
            .add(appt(4, "2026-01-01T11:30:00Z", "2026-01-01T15:30:00Z"))
            .unwrap_err();
        assert_eq!(err.existing.ref_id, Uuid::from_u128(2));
        assert_eq!(err.key, staff_key("2026-01-01"));
        assert_eq!(l.entries.len(), 3);
        assert!(l.is_free(
            utc("2026-01-01T12:00:00Z"),
            utc("2026-01-01T15:00:00Z"),
            None
        ));
        assert!(!l.is_free(
            utc("2026-01-01T11:59:00Z"),
            utc("2026-01-01T15:00:00Z"),
            None
        ));
        assert!(l.is_free(
            utc("2026-01-01T11:30:00Z"),
            utc("2026-01-01T12:30:00Z"),
            Some(Uuid::from_u128(2))
        ));
    }

    #[test]
    fn re_adding_the_same_ref_replaces_it() {
        let mut l = DayLedger::empty(staff_key("2026-01-01"));
        l.add(appt(1, "2026-01-01T10:00:00Z", "2026-01-01T11:00:00Z"))
            .unwrap();
        // Moving an appointment by 30 minutes overlaps its own old time only.
        l.add(appt(1, "2026-01-01T10:30:00Z", "2026-01-01T11:30:00Z"))
            .unwrap();
        assert_eq!(
            l.entries,
            vec![appt(1, "2026-01-01T10:30:00Z", "2026-01-01T11:30:00Z")]
        );
    }

    #[test]
    fn blocks_may_overlap_blocks_but_not_appointments() {
        let mut l = DayLedger::empty(staff_key("2026-01-01"));
        l.add(entry(
            1,
            EntryKind::Block,
            "2026-01-01T13:00:00Z",
            "2026-01-01T14:00:00Z",
        ))
        .unwrap();
        l.add(entry(
            2,
            EntryKind::Block,
            "2026-01-01T13:30:00Z",
            "2026-01-01T15:00:00Z",
        ))
        .unwrap();
        assert!(l
            .add(appt(3, "2026-01-01T14:30:00Z", "2026-01-01T15:30:00Z"))
            .is_err());
        l.add(appt(4, "2026-01-01T15:00:00Z", "2026-01-01T16:00:00Z"))
            .unwrap();
        assert!(l
            .add(entry(
                5,
                EntryKind::Block,
                "2026-01-01T15:45:00Z",
                "2026-01-01T17:00:00Z"
            ))
            .is_err());
        assert_eq!(l.entries.len(), 3);
    }

    #[test]
    fn remove_takes_out_every_entry_of_a_ref() {
        let mut l = DayLedger::empty(staff_key("2026-01-01"));
        l.add(appt(1, "2026-01-01T10:00:00Z", "2026-01-01T11:00:00Z"))
            .unwrap();
        l.add(appt(2, "2026-01-01T11:00:00Z", "2026-01-01T12:00:00Z"))
            .unwrap();
        assert!(l.remove(Uuid::from_u128(1)));
        assert!(!l.remove(Uuid::from_u128(1)));
        assert_eq!(
            l.entries,
            vec![appt(2, "2026-01-01T11:00:00Z", "2026-01-01T12:00:00Z")]
        );
        // The freed time can be taken again.
        l.add(appt(3, "2026-01-01T10:00:00Z", "2026-01-01T11:00:00Z"))
            .unwrap();
    }

    #[test]
    fn empty_interval_is_not_recorded() {
        let mut l = DayLedger::empty(staff_key("2026-01-01"));
        l.add(appt(1, "2026-01-01T10:00:00Z", "2026-01-01T10:00:00Z"))
            .unwrap();
        assert!(l.entries.is_empty());
    }

    #[test]
    fn overnight_interval_conflicts_on_both_days() {
        // A 22:00–02:00 local (Mexico City) block sits in two ledgers; a
        // booking at 01:00 the next day sees it in the second one only.
        let staff = Resource::Staff(Uuid::from_u128(7));
        let block = entry(
            9,
            EntryKind::Block,
            "2026-03-11T04:00:00Z",
            "2026-03-11T08:00:00Z",
        );
        let keys = keys_for(MX, &[staff], block.start, block.end);
        assert_eq!(keys, vec![staff_key("2026-03-10"), staff_key("2026-03-11")]);
        let change = LedgerChange {
            remove: None,
            add: Some((block, keys)),
        };
        let written = change.apply(&BTreeMap::new()).unwrap();
        assert_eq!(written.len(), 2);
        assert!(written
            .iter()
            .all(|l| l.version == 0 && l.entries == vec![block]));
        let current: BTreeMap<_, _> = written
            .into_iter()
            .map(|mut l| {
                l.version = 1;
                (l.key(), l)
            })
            .collect();

        let late = appt(10, "2026-03-11T07:00:00Z", "2026-03-11T07:30:00Z");
        let late_keys = keys_for(MX, &[staff], late.start, late.end);
        assert_eq!(late_keys, vec![staff_key("2026-03-11")]);
        let err = LedgerChange {
            remove: None,
            add: Some((late, late_keys)),
        }
        .apply(&current)
        .unwrap_err();
        assert_eq!(err.existing, block);

        let after = appt(11, "2026-03-11T08:00:00Z", "2026-03-11T09:00:00Z");
        let after_keys = keys_for(MX, &[staff], after.start, after.end);
        let written = LedgerChange {
            remove: None,
            add: Some((after, after_keys)),
        }
        .apply(&current)
        .unwrap();
        assert_eq!(written.len(), 1);
        assert_eq!(written[0].version, 1, "carries the version it was read at");
        assert_eq!(written[0].entries, vec![block, after]);
    }

    #[test]
    fn reschedule_change_releases_old_and_takes_new_atomically() {
        let staff = Resource::Staff(Uuid::from_u128(7));
        let spot = Resource::Spot(Uuid::from_u128(8));
        let old = appt(1, "2026-03-10T16:00:00Z", "2026-03-10T17:00:00Z");
        let other = appt(2, "2026-03-11T16:00:00Z", "2026-03-11T17:00:00Z");
        let mut current = BTreeMap::new();
        for (e, res) in [(old, staff), (old, spot), (other, staff)] {
            for k in keys_for(MX, &[res], e.start, e.end) {
                current
                    .entry(k)
                    .or_insert_with(|| DayLedger {
                        version: 3,
                        ..DayLedger::empty(k)
                    })
                    .add(e)
                    .unwrap();
            }
        }
        // Move to the next day, overlapping `other`: refused, nothing written.
        let new = appt(1, "2026-03-11T16:30:00Z", "2026-03-11T17:30:00Z");
        let change = LedgerChange {
            remove: Some((old.ref_id, keys_for(MX, &[staff, spot], old.start, old.end))),
            add: Some((new, keys_for(MX, &[staff, spot], new.start, new.end))),
        };
        assert_eq!(change.keys().len(), 4);
        assert_eq!(change.apply(&current).unwrap_err().existing, other);

        // Move to a free time: old ledgers emptied, new ones hold it.
        let new = appt(1, "2026-03-11T17:00:00Z", "2026-03-11T18:00:00Z");
        let change = LedgerChange {
            remove: Some((old.ref_id, keys_for(MX, &[staff, spot], old.start, old.end))),
            add: Some((new, keys_for(MX, &[staff, spot], new.start, new.end))),
        };
        let written = change.apply(&current).unwrap();
        let by_key: BTreeMap<_, _> = written.iter().map(|l| (l.key(), l)).collect();
        let k = |r, s| LedgerKey {
            resource: r,
            date: d(s),
        };
        assert!(by_key[&k(staff, "2026-03-10")].entries.is_empty());
        assert!(by_key[&k(spot, "2026-03-10")].entries.is_empty());
        assert_eq!(by_key[&k(staff, "2026-03-11")].entries, vec![other, new]);
        assert_eq!(by_key[&k(spot, "2026-03-11")].entries, vec![new]);
        assert_eq!(
            by_key[&k(spot, "2026-03-11")].version,
            0,
            "never-written ledger"
        );
        assert_eq!(by_key[&k(staff, "2026-03-11")].version, 3);
    }

    #[test]
    fn serde_shape_is_stable() {
        let l = DayLedger {
            resource: Resource::Staff(Uuid::from_u128(7)),
            date: d("2026-01-01"),
            version: 2,
            entries: vec![appt(1, "2026-01-01T10:00:00Z", "2026-01-01T11:00:00Z")],
        };
        let v = serde_json::to_value(&l).unwrap();
        assert_eq!(v["resource"]["kind"], "staff");
        assert_eq!(v["entries"][0]["kind"], "appointment");
        assert_eq!(serde_json::from_value::<DayLedger>(v).unwrap(), l);
    }
}
