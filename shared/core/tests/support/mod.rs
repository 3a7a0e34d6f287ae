//! A small builder for scheduling fixtures: deterministic ids, a business
//! open Monday–Saturday 10:00–20:00, helpers in the business's wall clock.
#![allow(dead_code)]

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use parlo_core::scheduling::*;
use parlo_core::time::local_to_utc;
use parlo_core::*;
use uuid::Uuid;

pub const MADRID: Tz = chrono_tz::Europe::Madrid;
pub const TIJUANA: Tz = chrono_tz::America::Tijuana;
pub const MEXICO: Tz = chrono_tz::America::Mexico_City;

pub const fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, day) {
        Some(x) => x,
        None => panic!("bad date"),
    }
}

pub fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

pub fn utc(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// `((open_h, open_m), (close_h, close_m))`.
pub type Hm = (u32, u32);
pub type Span = (Hm, Hm);

pub fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

pub fn epoch() -> DateTime<Utc> {
    utc("2027-01-01T00:00:00Z")
}

pub struct Biz {
    pub cal: Calendar,
    pub now: DateTime<Utc>,
    pub org: Uuid,
    next: u128,
}

impl Biz {
    pub fn new(tz: Tz) -> Self {
        let mut hours = WeeklyHours::default();
        for wd in 0..6 {
            hours.days[wd] = vec![TimeRange::hm((10, 0), (20, 0))];
        }
        Self {
            cal: Calendar {
                tz,
                policy: BookingPolicy {
                    max_advance_days: 400,
                    ..BookingPolicy::default()
                },
                hours,
                services: vec![],
                staff: vec![],
                spots: vec![],
                recurring: vec![],
                exceptions: vec![],
                blocks: vec![],
                busy: vec![],
            },
            now: utc("2027-02-20T00:00:00Z"),
            org: id(1),
            next: 100,
        }
    }

    pub fn fresh(&mut self) -> Uuid {
        self.next += 1;
        id(self.next)
    }

    /// Replaces the hours of a weekday (0 = Monday).
    pub fn hours(&mut self, weekday: usize, ranges: &[Span]) {
        self.cal.hours.days[weekday] = ranges.iter().map(|&(a, b)| TimeRange::hm(a, b)).collect();
    }

    pub fn service(&mut self, name: &str, minutes: u32) -> ServiceId {
        let id = self.fresh();
        self.cal.services.push(ServiceType {
            id,
            org_id: self.org,
            name: name.into(),
            description: None,
            duration_minutes: minutes,
            price_cents: 20_000,
            currency: "MXN".into(),
            is_active: true,
            buffer_minutes: 0,
            created_at: epoch(),
            updated_at: epoch(),
        });
        id
    }

    pub fn staff(&mut self, name: &str, services: &[ServiceId]) -> StaffId {
        let id = self.fresh();
        self.cal.staff.push(Staff {
            id,
            org_id: self.org,
            location_id: None,
            name: name.into(),
            phone: format!("+5255{:08}", self.next),
            role: StaffRole::Employee,
            permission_level: PermissionLevel::Staff,
            is_active: true,
            first_message_at: None,
            default_spot_id: None,
            service_ids: services.to_vec(),
            bookable: true,
            created_at: epoch(),
            updated_at: epoch(),
        });
        id
    }

    pub fn spot(&mut self, name: &str, order: u32, services: &[ServiceId]) -> SpotId {
        let sid = self.fresh();
        self.cal.spots.push(Spot {
            id: sid,
            org_id: self.org,
            location_id: id(2),
            name: name.into(),
            display_order: order,
            is_active: true,
            service_ids: services.to_vec(),
            created_at: epoch(),
            updated_at: epoch(),
        });
        sid
    }

    pub fn edit_staff(&mut self, who: StaffId, f: impl FnOnce(&mut Staff)) {
        f(self.cal.staff.iter_mut().find(|s| s.id == who).unwrap())
    }

    pub fn edit_spot(&mut self, which: SpotId, f: impl FnOnce(&mut Spot)) {
        f(self.cal.spots.iter_mut().find(|s| s.id == which).unwrap())
    }

    pub fn edit_service(&mut self, which: ServiceId, f: impl FnOnce(&mut ServiceType)) {
        f(self
            .cal
            .services
            .iter_mut()
            .find(|s| s.id == which)
            .unwrap())
    }

    pub fn recurring(&mut self, staff: StaffId, weekday: u8, a: Hm, b: Hm) {
        let id = self.fresh();
        self.cal.recurring.push(RecurringAvailability {
            id,
            org_id: self.org,
            staff_id: staff,
            weekday,
            range: TimeRange::hm(a, b),
            created_at: epoch(),
        });
    }

    pub fn exception(
        &mut self,
        staff: StaffId,
        date: NaiveDate,
        range: Option<Span>,
        is_available: bool,
    ) {
        let id = self.fresh();
        self.cal.exceptions.push(AvailabilityException {
            id,
            org_id: self.org,
            staff_id: staff,
            date,
            range: range.map(|(a, b)| TimeRange::hm(a, b)),
            is_available,
            reason: None,
            created_at: epoch(),
        });
    }

    pub fn block(&mut self, staff: Option<StaffId>, start: DateTime<Utc>, end: DateTime<Utc>) {
        let id = self.fresh();
        self.cal.blocks.push(TimeBlock {
            id,
            org_id: self.org,
            staff_id: staff,
            start,
            end,
            reason: None,
            created_by: None,
            created_at: epoch(),
        });
    }

    pub fn busy(
        &mut self,
        staff: Option<StaffId>,
        spot: Option<SpotId>,
        start: DateTime<Utc>,
        minutes: i64,
    ) {
        self.cal.busy.push(Busy {
            staff_id: staff,
            spot_id: spot,
            start,
            end: start + Duration::minutes(minutes),
        });
    }

    /// The instant of a wall-clock time (earliest if repeated).
    pub fn at(&self, date: NaiveDate, h: u32, m: u32) -> DateTime<Utc> {
        local_to_utc(self.cal.tz, date.and_time(t(h, m))).expect("wall time exists")
    }

    pub fn query(
        &self,
        service: ServiceId,
        from: NaiveDate,
        to: NaiveDate,
        staff: Option<StaffId>,
    ) -> Result<Vec<Slot>, Unavailable> {
        free_slots(
            &self.cal,
            &SlotQuery {
                service_id: service,
                from,
                to,
                staff_id: staff,
                now: self.now,
            },
        )
    }

    pub fn slots(
        &self,
        service: ServiceId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<Slot>, Unavailable> {
        self.query(service, from, to, None)
    }

    pub fn assign(
        &self,
        service: ServiceId,
        start: DateTime<Utc>,
        staff: Option<StaffId>,
    ) -> Result<Assignment, Unavailable> {
        assignment_at(&self.cal, service, start, staff, None, self.now)
    }

    pub fn assign_spot(
        &self,
        service: ServiceId,
        start: DateTime<Utc>,
        staff: Option<StaffId>,
        spot: Option<SpotId>,
    ) -> Result<Assignment, Unavailable> {
        assignment_at(&self.cal, service, start, staff, spot, self.now)
    }
}
